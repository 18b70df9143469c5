"""Removes a user's TOTP devices (lost phone): they set up a new one at their next login."""

from django.core.management.base import BaseCommand, CommandError

from proeftuin.accounts.mfa import reset_second_factor
from proeftuin.accounts.models import User


class Command(BaseCommand):
    help = "Wis de tweede factor van een gebruiker (telefoon kwijt); die stelt hem opnieuw in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"Gebruiker '{username}' bestaat niet.") from exc
        count = reset_second_factor(user)
        self.stdout.write(
            f"Tweede factor van '{username}' gewist ({count} apparaat/apparaten). Bij de volgende "
            f"keer inloggen stelt deze gebruiker een nieuwe in."
        )
