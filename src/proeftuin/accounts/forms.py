from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Gebruikersnaam en wachtwoord horen niet bij elkaar. Let op hoofdletters. Na vijf "
            "mislukte pogingen wordt inloggen een kwartier geblokkeerd."
        ),
        "inactive": _("Dit account is niet actief. Neem contact op met de beheerder."),
    }
