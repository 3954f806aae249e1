"""`load_demo_convenzioni [--reset] [--allow-production]`: convenzioni/demo.py."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from convenzioni.demo import DEMO_USERS, DemoMancante, load_demo_convenzioni


class Command(BaseCommand):
    help = (
        "Carica le convenzioni dimostrative (2 reti, 15 imprese, 30 convenzioni in vari stati, "
        "sugli enti del catalogo dimostrativo) e l'utente "
        + ", ".join(user.username for user in DEMO_USERS)
        + ". Non fa nulla se ci sono già; --reset le ricarica."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Cancella e ricarica.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Carica anche con PRODUCTION=true (crea un utente con password nota).",
        )

    def handle(self, *args, reset: bool, allow_production: bool, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError(
                "Modalità produzione (PRODUCTION=true): le convenzioni dimostrative non vengono "
                "caricate. Usa --allow-production solo se sei sicuro."
            )
        try:
            self.stdout.write(load_demo_convenzioni(reset=reset))
        except DemoMancante as error:
            raise CommandError(str(error)) from error
