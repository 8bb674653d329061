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

        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from accounts import signals
        from xiage.middleware import touch_session

        # 身份鉴别 in the security log, and what a new session still owes (accounts.signals).
        user_logged_in.connect(signals.on_login, dispatch_uid="accounts.identification_login")
        user_login_failed.connect(
            signals.on_login_failed, dispatch_uid="accounts.identification_login_failed"
        )
        user_logged_out.connect(signals.on_logout, dispatch_uid="accounts.identification_logout")
        user_locked_out.connect(
            signals.on_locked_out, dispatch_uid="accounts.identification_lockout"
        )

        # A fresh login counts as activity, so the first pages need no extra session write.
        user_logged_in.connect(
            lambda sender, request, **kwargs: touch_session(request.session),
            dispatch_uid="accounts.touch_session_on_login",
            weak=False,
        )

        from django.db.models.signals import m2m_changed

        from accounts.models import User
        from accounts.sessions import on_groups_changed, on_login

        # Roles are kept in the session (accounts.middleware.SessionRolesMiddleware); a change
        # of someone's groups makes their sessions read them again.
        m2m_changed.connect(
            on_groups_changed, sender=User.groups.through, dispatch_uid="accounts.session_roles"
        )

        # One active session per account (SINGLE_SESSION): a new login ends the others.
        user_logged_in.connect(on_login, dispatch_uid="accounts.single_session")
