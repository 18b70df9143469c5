from django.core.management.base import BaseCommand, CommandError

from proeftuin.accounts.models import Organisation


class Command(BaseCommand):
    help = "Create an organisation (tenant)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--kind", required=True, choices=Organisation.Kind.values)
        parser.add_argument("--city", default="")

    def handle(self, name, kind, city, **options):
        org, created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "city": city}
        )
        if not created:
            raise CommandError(f"Organisatie '{name}' bestaat al (id {org.pk}).")
        self.stdout.write(self.style.SUCCESS(f"Organisatie aangemaakt: {org.name} (id {org.pk})"))
