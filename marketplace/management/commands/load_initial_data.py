"""What `make run` loads the first time: boundaries, districts (and, later, demo data).

Each step runs only if its data is not there yet, so a second run is quick and
never overwrites what users entered in between.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from geo_data.models import Ambito, Comune

REGION = "Lombardia"


class Command(BaseCommand):
    help = "Carica confini (Lombardia) e Ambiti se non sono ancora caricati."

    def handle(self, *args, **options):
        if Comune.objects.filter(regione=REGION).exists():
            self.stdout.write(f"Comuni della {REGION}: già caricati.")
        else:
            call_command("load_comuni", regione=REGION, stdout=self.stdout, stderr=self.stderr)
        if Ambito.objects.exists():
            self.stdout.write("Ambiti: già caricati.")
        else:
            call_command("load_ambiti", stdout=self.stdout, stderr=self.stderr)
