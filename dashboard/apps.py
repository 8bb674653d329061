from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("领导驾驶舱")

    def ready(self) -> None:
        from dashboard import page_cache, stamp

        stamp.connect_signals()
        page_cache.connect_signals()
