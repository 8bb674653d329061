"""The site's addresses. The wiring reaches the apps only through include() by dotted name
(and the admin site, whose class accounts.admin_site names); /healthz needs no app."""

from django.contrib import admin
from django.urls import include, path

from xiage import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("", include("inbox.urls")),
    path("", include("dashboard.urls")),
]

handler500 = "xiage.errors.server_error"
