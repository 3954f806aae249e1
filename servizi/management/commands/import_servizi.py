"""Import services from a CSV or XLSX file (columns: docs/import-servizi.md)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from servizi.io import ImportReport, import_servizi


def report_table(report: ImportReport) -> str:
    """The errors as a table `riga | colonna | motivo` (riga «file» for the whole file)."""
    rows = [("riga", "colonna", "motivo")] + [
        ("file" if e.row is None else str(e.row), e.column or "—", e.reason) for e in report.errors
    ]
    width_row = max(len(r[0]) for r in rows)
    width_column = max(len(r[1]) for r in rows)
    lines = [f"{r[0]:>{width_row}} | {r[1]:<{width_column}} | {r[2]}" for r in rows]
    lines.insert(1, f"{'-' * width_row}-+-{'-' * width_column}-+-{'-' * 6}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Importa servizi da un file CSV o XLSX (una riga = un servizio; colonne in "
        "docs/import-servizi.md). Tutto o niente: se una riga ha un errore non si salva "
        "nulla e si stampa l'elenco degli errori."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="File .csv o .xlsx.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Controlla il file e dice quanti servizi creerebbe, senza salvare nulla.",
        )
        parser.add_argument(
            "--utente",
            metavar="USERNAME",
            help=(
                "Importa con i permessi di questo utente (solo i suoi enti) e lo registra "
                "nella cronologia. Senza: come redazione, per tutti gli enti."
            ),
        )

    def handle(self, *args, file: Path, dry_run: bool, utente: str | None, **options):
        actor = None
        if utente:
            user_model = get_user_model()
            try:
                actor = user_model.objects.get(**{user_model.USERNAME_FIELD: utente})
            except user_model.DoesNotExist as error:
                raise CommandError(f"Nessun utente «{utente}».") from error
        try:
            with file.open("rb") as stream:
                report = import_servizi(
                    stream,
                    filename=file.name,
                    actor=actor,
                    dry_run=dry_run,
                    as_curator=actor is None,
                )
        except OSError as error:
            raise CommandError(f"Non riesco a leggere {file}: {error.strerror}.") from error

        if not report.ok:
            self.stdout.write(report_table(report))
            raise CommandError(
                f"{len(report.errors)} errori: nessun servizio importato "
                "(correggi il file e riprova)."
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Prova riuscita: il file creerebbe {report.created} servizi e "
                    f"{report.sedi_created} nuove sedi. Nulla è stato salvato."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Importati {report.created} servizi ({report.sedi_created} nuove sedi)."
                )
            )
