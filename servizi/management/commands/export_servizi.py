"""Export services as CSV (the import columns) or GeoJSON."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servizi.io import export_queryset, export_servizi_csv, export_servizi_geojson


class Command(BaseCommand):
    help = (
        "Esporta i servizi in CSV (le stesse colonne dell'import: il file si reimporta) "
        "o in GeoJSON. Di default solo i servizi pubblicati."
    )

    def add_arguments(self, parser):
        parser.add_argument("--formato", choices=["csv", "geojson"], required=True)
        parser.add_argument(
            "--output", type=Path, help="File da scrivere (default: lo standard output)."
        )
        parser.add_argument(
            "--tutti",
            action="store_true",
            help="Anche le bozze e gli archiviati, non solo i pubblicati.",
        )

    def handle(self, *args, formato: str, output: Path | None, tutti: bool, **options):
        queryset = export_queryset(pubblicati=not tutti)
        try:
            if output is None:
                count = self._write(formato, queryset, self.stdout)
            else:
                # A BOM, so that a spreadsheet opens the CSV as UTF-8.
                encoding = "utf-8-sig" if formato == "csv" else "utf-8"
                with output.open("w", encoding=encoding, newline="") as stream:
                    count = self._write(formato, queryset, stream)
        except OSError as error:
            raise CommandError(f"Non riesco a scrivere {output}: {error.strerror}.") from error
        if output is not None:
            self.stderr.write(f"Esportati {count} servizi in {output}.")

    def _write(self, formato: str, queryset, stream) -> int:
        export = export_servizi_csv if formato == "csv" else export_servizi_geojson
        return export(queryset, stream)
