"""``proeftuin approve-role``: the operator's four-eyes decision, for an organisation with one
beheerder (nobody else may approve there). Logged like a beheerder's decision, as ``cli:<user>``."""

from django.core.management.base import BaseCommand, CommandError

from proeftuin.accounts.models import RoleRequest
from proeftuin.administration import roles


class Command(BaseCommand):
    help = "List roles awaiting approval, or approve (or --reject) the one of USERNAME."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--reject", action="store_true")

    def handle(self, username=None, reject=False, **options):
        pending = RoleRequest.objects.filter(status=RoleRequest.Status.PENDING).select_related(
            "organisation"
        )
        if not username:
            for item in pending.order_by("requested_at"):
                self.stdout.write(
                    f"{item.username}\t{item.organisation.name}\t{item.previous_role or '-'} -> "
                    f"{item.role}\t{item.email}\t{item.requested_by_name}\t"
                    f"{item.requested_at:%Y-%m-%d %H:%M}"
                )
            if not pending.exists():
                self.stdout.write("Er wachten geen aanvragen.")
            return
        item = pending.filter(username=username).first()
        if item is None:
            raise CommandError(f"Geen open aanvraag voor '{username}'.")
        if reject:
            roles.reject(item, by=None, via="cli")
            self.stdout.write(self.style.SUCCESS(f"Afgewezen: {username} ({item.role})"))
        else:
            roles.approve(item, by=None, via="cli")
            self.stdout.write(self.style.SUCCESS(f"Goedgekeurd: {username} ({item.role})"))
