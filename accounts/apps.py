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

        from django.contrib.auth.signals import user_logged_in

        from xiage.middleware import touch_session

        # A fresh login counts as activity, so the first pages need no extra session write.
        user_logged_in.connect(
            lambda sender, request, **kwargs: touch_session(request.session),
            dispatch_uid="accounts.touch_session_on_login",
            weak=False,
        )
