"""Account URLs under /account/: login, logout, password change and reset, second factor, OIDC."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from proeftuin.administration.invitations import invitation_token_generator

from . import views
from .oidc import OIDCCallbackView, OIDCLoginView

urlpatterns = [
    path("", views.account, name="account"),
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("tweede-factor/", views.mfa_verify, name="mfa-verify"),
    path("tweede-factor/instellen/", views.mfa_setup, name="mfa-setup"),
    path(
        "wachtwoord-wijzigen/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "wachtwoord-gewijzigd/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("wachtwoord-vergeten/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-hersteld/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # A new account's first password, chosen by its owner (the beheerder never sets one).
    path(
        "uitnodiging/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            token_generator=invitation_token_generator,
            template_name="registration/invitation_accept.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="invitation_accept",
    ),
    path("oidc/inloggen/", OIDCLoginView.as_view(), name="oidc_authentication_init"),
    path("oidc/terug/", OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
]
