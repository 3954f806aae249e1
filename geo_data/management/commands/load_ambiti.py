"""Load the social districts of the original alliance from geo_data/data/ambiti.json."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geo_data.services import AMBITI_FILE, AmbitiFileError, ambiti_load


class Command(BaseCommand):
    help = (
        "Crea gli Ambiti descritti nel file (default: geo_data/data/ambiti.json) che non "
        "esistono ancora. Quelli esistenti, forse modificati nell'admin, restano come sono "
        "salvo --update."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=AMBITI_FILE, help="File JSON degli Ambiti."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Riporta gli Ambiti esistenti alla versione del file.",
        )

    def handle(self, *args, file: Path, update: bool, **options):
        try:
            loaded = ambiti_load(path=file, update=update)
        except AmbitiFileError as error:
            raise CommandError(str(error)) from error
        names = ", ".join(ambito.nome for ambito in loaded) or "nessuno (già presenti)"
        self.stdout.write(self.style.SUCCESS(f"Ambiti caricati: {names}."))
