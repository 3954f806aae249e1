"""`scadenza_convenzioni [--data AAAA-MM-GG]`: mark the agreements past their end as expired.

Meant to run every night shortly after midnight (cron, a systemd timer or the
platform's scheduler). Until it runs, the read-time rule already treats a published
agreement past its end date as expired: this command only makes the stored state,
the history and the search index agree with it.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from convenzioni.services import convenzioni_scadute_aggiorna


class Command(BaseCommand):
    help = (
        "Segna come scadute le convenzioni pubblicate la cui data di fine è passata. "
        "Da eseguire ogni notte."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            help="Il giorno di riferimento (AAAA-MM-GG; predefinito: oggi).",
        )

    def handle(self, *args, data: str | None, **options):
        day = None
        if data:
            try:
                day = date.fromisoformat(data)
            except ValueError as error:
                raise CommandError(
                    f"--data: '{data}' non è una data nel formato AAAA-MM-GG."
                ) from error
        count = convenzioni_scadute_aggiorna(day=day)
        self.stdout.write(f"Convenzioni segnate come scadute: {count}.")
