"""django-axes under a Chinese name in the admin.

Kept apart from accounts/apps.py: a module with two AppConfig classes would leave the accounts
app without its own (Django then picks neither), and with it the role permission sync."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """axes ships no zh-hans translation; its strings are translated in the project's locale/.
    Its records name themselves in English ("Attempted Access: <UTC time>") in the admin's
    titles and breadcrumbs; here they are named in Chinese, at local time."""

    verbose_name = _("登录安全")

    def ready(self) -> None:
        super().ready()
        for name, words in [
            ("AccessAttempt", _("%(username)s 的登录尝试（%(ip)s，%(time)s）")),
            ("AccessLog", _("%(username)s 的登录（%(ip)s，%(time)s）")),
            ("AccessFailureLog", _("%(username)s 的登录失败（%(ip)s，%(time)s）")),
        ]:
            self.get_model(name).__str__ = _namer(words)


def _namer(words):
    def name(record) -> str:
        from django.utils import timezone

        return str(words) % {
            "username": record.username or "—",
            "ip": record.ip_address or "—",
            "time": timezone.localtime(record.attempt_time).strftime("%Y-%m-%d %H:%M:%S"),
        }

    return name
