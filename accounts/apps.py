from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与科室")

    def ready(self) -> None:
        from accounts.roles import sync_role_permissions

        # Permissions of models added by later migrations exist only after post_migrate,
        # so the roles' permission sets are brought up to date after every migrate.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_roles")
