from django.core.management.base import BaseCommand

from proeftuin.demo.generator import DEMO_PASSWORD, USERS, generate


class Command(BaseCommand):
    help = (
        "Load the demo municipality Gemeente Voorbeeldstad (reproducible; scales with --projects)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=15)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reset", action="store_true", help="remove earlier demo projects first"
        )

    def handle(self, projects, seed, reset, **options):
        summary = generate(projects=projects, seed=seed, reset=reset)
        self.stdout.write(
            self.style.SUCCESS(
                f"Gemeente Voorbeeldstad geladen: {summary['projects']} projecten, "
                f"{summary['organisations']} organisaties."
            )
        )
        self.stdout.write(f"\nDemo-logins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        for username, _first, _last, org, role in USERS:
            self.stdout.write(f"  {username:<14} {role.label:<16} {org}")
