import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from proeftuin.accounts.models import Organisation, User


class Command(BaseCommand):
    help = (
        "Create a user account in an organisation with one role (installation set-up by the "
        "operator; a beheerder uses the invitation on the administration screens instead)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--organisation", required=True, help="the organisation's exact name")
        parser.add_argument("--role", required=True, choices=User.RoleChoice.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--password")

    def handle(self, username, organisation, role, email, password, **options):
        try:
            org = Organisation.objects.get(name=organisation)
        except Organisation.DoesNotExist as exc:
            raise CommandError(
                f"Organisatie '{organisation}' bestaat niet. Maak haar eerst aan met "
                f"'proeftuin tenant create'."
            ) from exc
        if User.objects.filter(username=username).exists():
            raise CommandError(f"Gebruikersnaam '{username}' is al in gebruik.")
        password = (
            password or os.environ.get("PROEFTUIN_PASSWORD") or getpass.getpass("Wachtwoord: ")
        )
        user = User(username=username, email=email, organisation=org, role=role)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user.set_password(password)
        # The operator sets up the installation: the role is granted and approved in one go,
        # through the same path (and log) as a beheerder's request and a second one's approval.
        from proeftuin.administration.roles import grant_directly

        grant_directly(user, via="cli")
        self.stdout.write(
            self.style.SUCCESS(f"Account aangemaakt: {username} ({role}, {org.name})")
        )
