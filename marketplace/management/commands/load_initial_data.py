"""What `make run` loads the first time: boundaries, districts, categories, demo catalogue.

Each step runs only if its data is not there yet, so a second run is quick and
never overwrites what users entered in between. The demo catalogue is never
loaded in production mode unless asked for with --demo.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from geo_data.models import Ambito, Comune
from marketplace.search.models import DocumentoRicerca
from servizi.models import Categoria
from servizi.seed import seed_categorie

REGION = "Lombardia"


class Command(BaseCommand):
    help = (
        "Carica, se non ci sono ancora, i confini della Lombardia, gli Ambiti, le categorie "
        "e (fuori dalla modalità produzione, o con --demo) il catalogo dimostrativo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="Carica i dati dimostrativi anche in produzione."
        )
        parser.add_argument(
            "--senza-demo", action="store_true", help="Non caricare i dati dimostrativi."
        )

    def handle(self, *args, demo: bool, senza_demo: bool, **options):
        quiet = {"stdout": self.stdout, "stderr": self.stderr, "verbosity": options["verbosity"]}
        if Comune.objects.filter(regione=REGION).exists():
            self.stdout.write(f"Comuni della {REGION}: già caricati.")
        else:
            call_command("load_comuni", regione=REGION, **quiet)
        if Ambito.objects.exists():
            self.stdout.write("Ambiti: già caricati.")
        else:
            call_command("load_ambiti", **quiet)
        created = seed_categorie(Categoria)
        self.stdout.write(f"Categorie: {created} aggiunte." if created else "Categorie: complete.")

        wants_demo = demo or not (settings.PRODUCTION or senza_demo)
        if not wants_demo:
            reason = "modalità produzione" if settings.PRODUCTION else "esclusi con --senza-demo"
            self.stdout.write(f"Dati dimostrativi: non caricati ({reason}).")
        else:
            # It loads nothing when the demo catalogue is already there.
            call_command("load_demo_data", allow_production=demo, **quiet)
            call_command("load_demo_convenzioni", allow_production=demo, **quiet)

        # The index follows every commit; this fills it for data that predate it (and
        # after a migration that empties it, as a change of what it holds does).
        if not DocumentoRicerca.objects.exists():
            call_command("search_index", rebuild=True, no_progress=True, **quiet)
