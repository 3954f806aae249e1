"""`load_demo_data [--reset] [--allow-production]`: the demo catalogue (servizi/demo.py)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from servizi.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Carica il catalogo dimostrativo (enti, sedi e servizi inventati sui quattro Ambiti, "
        "con demo=True) e gli utenti "
        + ", ".join(user.username for user in DEMO_USERS)
        + ". Non fa nulla se è già caricato; --reset lo cancella e lo ricarica."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Cancella i dati dimostrativi (mai gli altri) e li ricarica.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Carica anche con PRODUCTION=true (crea utenti con password note).",
        )

    def handle(self, *args, reset: bool, allow_production: bool, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError(
                "Modalità produzione (PRODUCTION=true): i dati dimostrativi e i loro utenti con "
                "password note non vengono caricati. Usa --allow-production solo se sei sicuro."
            )
        start = time.perf_counter()
        result = load_demo(reset=reset)
        seconds = time.perf_counter() - start
        message = result.riepilogo()
        if result.caricati:
            message += f" Tempo: {seconds:.1f} s.".replace(".", ",", 1)
        self.stdout.write(message)
