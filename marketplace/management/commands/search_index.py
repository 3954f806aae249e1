"""Rebuild the search index from the catalogue: postgres, and Elasticsearch when configured."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.search.index import reindex_servizi


class Command(BaseCommand):
    help = (
        "Ricostruisce l'indice di ricerca dal catalogo (tabella search_documento e, se "
        "ELASTICSEARCH_URL è impostato, l'indice Elasticsearch)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Ricostruisce tutto l'indice (obbligatorio)."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Non mostrare la barra di avanzamento."
        )

    def handle(self, *args, rebuild: bool, no_progress: bool, **options):
        if not rebuild:
            raise CommandError("Indica --rebuild: per ora l'unica operazione è la ricostruzione.")
        start = time.perf_counter()
        rows = reindex_servizi(None, sync_elasticsearch=False)
        if options["verbosity"]:
            self.stdout.write(
                f"postgres: {rows} righe indicizzate in {time.perf_counter() - start:.1f} s."
            )
        if settings.SEARCH_BACKEND == "elasticsearch":
            from marketplace.search.backends.elasticsearch import rebuild

            start = time.perf_counter()
            sent = rebuild(progress=not no_progress)
            self.stdout.write(
                f"elasticsearch: {sent} documenti in {time.perf_counter() - start:.1f} s."
            )
