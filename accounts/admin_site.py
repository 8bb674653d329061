"""The 数据管理 site: the admin's one site class, its name, its 日常填报 group and the order of its
lists. It lives in the lowest app, whose permissions it asks; xiage/apps.py names it."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

# Django's yes/no icons with their alt text in Chinese: xiage.admin sets them when imported.
import xiage.admin  # noqa: F401
from accounts import permissions
from accounts.http import user_of
from accounts.permissions import DailyPage

# The system's one name, as the README and the user guide spell it.
SYSTEM_NAME = _("下各镇经济指标与重点项目跟踪系统")

# 日常填报: each page's address, name and what it is for.
DAILY_PAGES = {
    DailyPage.REPORT: (
        "admin:indicators_figure_report",
        _("月报填报"),
        _("按科室和月份填报本科室全部指标的累计数、同比和情况说明"),
    ),
    DailyPage.IMPORT: (
        "admin:indicators_figure_import",
        _("Excel导入月报"),
        _("下载模板，填好后上传，预览核对后一次导入"),
    ),
    DailyPage.PROGRESS: (
        "admin:plans_progressreport_report",
        _("月度进展填报"),
        _("填报本科室重点项目和工作任务的月度进展"),
    ),
    DailyPage.REVIEW: (
        "admin:indicators_figure_report",
        _("月报审核"),
        _("查看本科室报送的月报，审核通过或退回"),
    ),
}

# The order of the admin's apps and lists: the month's work first, the catalogue and the
# accounts after. Apps and lists not named here follow, by name.
APP_ORDER = ["indicators", "plans", "accounts", "inbox", "auth", "axes"]
LIST_ORDER = [
    "indicators.figure",
    "indicators.figurerevision",
    "indicators.monthreview",
    "indicators.indicator",
    "indicators.unit",
    "indicators.place",
    "plans.progressreport",
    "plans.project",
    "plans.task",
    "plans.supervisionitem",
    "plans.target",
    "plans.plansection",
    "plans.yearopening",
    "plans.stagetemplate",
    "accounts.user",
    "accounts.office",
    "accounts.securityevent",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
]


def _rank(order: list[str], key: str) -> int:
    return order.index(key) if key in order else len(order)


class XiageAdminSite(admin.AdminSite):
    site_header = SYSTEM_NAME
    site_title = SYSTEM_NAME
    index_title = _("数据管理")

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.can_open_admin(user_of(request))

    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # One login page for the whole app.
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        # The site's 修改密码 (accounts.views): a wrong old password counts towards the lockout.
        from django.contrib.admin.forms import AdminPasswordChangeForm

        from accounts.views import PasswordChangeView

        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=AdminPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

    def get_urls(self) -> list:
        from accounts.admin_security import sessions_view

        return [
            path("security/sessions/", self.admin_view(sessions_view), name="security_sessions"),
            *super().get_urls(),
        ]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """The lists a person's work uses (accounts.permissions), 日常填报 first, in work order."""
        apps = list(self._build_app_dict(request, app_label).values())
        shown = permissions.admin_lists_shown(user_of(request))
        if shown is not None:
            kept = [
                {**app, "models": [m for m in app["models"] if _label(m) in shown]} for app in apps
            ]
            kept = [app for app in kept if app["models"]]
            # An app's own page, opened by its address, still lists what the person may read.
            apps = kept if kept or app_label is None else apps
        apps.sort(key=lambda app: (_rank(APP_ORDER, app["app_label"]), str(app["name"])))
        for app in apps:
            app["models"].sort(key=lambda m: (_rank(LIST_ORDER, _label(m)), str(m["name"])))
        if app_label is None:
            for group in (self.security_app(request), self.daily_app(request)):
                if group["models"]:
                    apps.insert(0, group)
        return apps

    def security_app(self, request: HttpRequest) -> dict:
        """安全管理: the 安全管理员's pages that are no model's list (在线会话)."""
        pages = []
        if permissions.can_manage_sessions(user_of(request)):
            pages.append(
                (
                    "sessions",
                    "admin:security_sessions",
                    _("在线会话"),
                    _("查看谁在登录，强制下线"),
                )
            )
        return {
            "name": _("安全管理"),
            "app_label": "security",
            "app_url": "",
            "has_module_perms": True,
            "models": [
                {
                    "name": name,
                    "object_name": object_name,
                    "admin_url": reverse(url_name),
                    "add_url": None,
                    "view_only": False,
                    "perms": {},
                    "description": description,
                }
                for object_name, url_name, name, description in pages
            ],
        }

    def daily_app(self, request: HttpRequest) -> dict:
        """The 日常填报 group, shaped as an admin app so the index and the side bar list it."""
        return {
            "name": _("日常填报"),
            "app_label": "daily",
            "app_url": "",
            "has_module_perms": True,
            "models": [
                {
                    "name": name,
                    "object_name": page.value,
                    "admin_url": reverse(url_name),
                    "add_url": None,
                    "view_only": False,
                    "perms": {},
                    "description": description,
                }
                for page in permissions.daily_pages(user_of(request))
                for url_name, name, description in [DAILY_PAGES[page]]
            ],
        }


def _label(model_entry: dict) -> str:
    return model_entry["model"]._meta.label_lower if "model" in model_entry else ""
