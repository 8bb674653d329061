from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class XiageAdminSite(admin.AdminSite):
    site_header = _("下各镇经济指标与重点项目管理")
    site_title = _("下各镇指标管理")
    index_title = _("数据管理")

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff status is not managed separately: holding a role is what opens the admin.
        user = request.user
        return user.is_active and (user.is_staff or getattr(user, "has_any_role", False))

    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # One login page for the whole app.
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


@admin.display(description=_("年份"), ordering="year")
def year_label(obj) -> str:  # type: ignore[no-untyped-def]
    """A year as a year: "2024", where a plain integer field would read "2,024"."""
    return str(obj.year)


def with_year_label(fields: list) -> list:
    """The admin's fields with "year" shown through year_label (for read-only displays)."""
    return [year_label if name == "year" else name for name in fields]
