"""django-otp's TOTP devices under Chinese names (the package ships no zh-hans translation).

The names are set on the model's options at start-up only: the migration state reads the
declared Meta, so no migration of the third-party app follows from them."""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig


class TOTPConfig(DefaultConfig):
    verbose_name = _("动态口令")

    def ready(self) -> None:
        super().ready()
        device = self.get_model("TOTPDevice")
        device._meta.verbose_name = _("动态口令认证器")
        device._meta.verbose_name_plural = _("动态口令认证器")
