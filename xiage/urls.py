from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.forms import LoginForm

urlpatterns = [
    path("healthz", account_views.healthz, name="healthz"),
    # Only the account pages the town uses: no e-mail password reset on an intranet.
    path(
        "accounts/login/",
        account_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    # The second factor (TOTP): enrol an authenticator app, and its code after the password.
    path("accounts/otp/", account_views.otp_setup, name="otp_setup"),
    path("accounts/otp/verify/", account_views.otp_verify, name="otp_verify"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("", include("inbox.urls")),
    path("", include("dashboard.urls")),
]

handler500 = "xiage.errors.server_error"
