"""The account pages the town uses, under /accounts/: no e-mail password reset on an intranet.

The names are not namespaced (LOGIN_URL = "login", reverse("password_change"))."""

from django.urls import path

from accounts import views
from accounts.forms import LoginForm

urlpatterns = [
    path("login/", views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    # The second factor (TOTP): enrol an authenticator app, and its code after the password.
    path("otp/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path(
        "password_change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
