"""``proeftuin manage openapi``: write docs/api/openapi.yaml from the code (``make openapi``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from proeftuin.api.openapi import COMMITTED, as_yaml, document


class Command(BaseCommand):
    help = "Write the API v1 OpenAPI document to docs/api/openapi.yaml."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(COMMITTED))

    def handle(self, *args, output: str, **options):
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(as_yaml(document()))
        self.stdout.write(f"OpenAPI v1 written to {output}")
