"""`load_demo_data [--reset] [--allow-production]`: the demo catalogue (servizi/demo.py)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from punti_informazione.demo import DEMO_USERS as PIT_DEMO_USERS
from punti_informazione.demo import delete_demo_pit, load_demo_pit
from servizi.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = (
        "Carica il catalogo dimostrativo (enti, sedi e servizi inventati sui quattro Ambiti, "
        "con demo=True), la rete dimostrativa dei PIT (punti, operatori, schede, consultazioni) "
        "e gli utenti "
        + ", ".join(user.username for user in (*DEMO_USERS, *PIT_DEMO_USERS))
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
        with transaction.atomic():
            if reset:
                delete_demo_pit()  # the PITs stand on the catalogue's Enti and places
            result = load_demo(reset=reset)
            pit = load_demo_pit(reset=reset)
        seconds = time.perf_counter() - start
        message = f"{result.riepilogo()} {pit.riepilogo()}"
        if result.caricati or pit.caricati:
            message += f" Tempo: {seconds:.1f} s.".replace(".", ",", 1)
        self.stdout.write(message)
