"""Rebuild the search index of services, PITs and agreements: postgres, and Elasticsearch."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.search.index import rebuild_index


class Command(BaseCommand):
    help = (
        "Ricostruisce l'indice di ricerca di servizi, PIT e convenzioni (tabella "
        "search_documento e, se ELASTICSEARCH_URL è impostato, l'indice Elasticsearch)."
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
        counts = rebuild_index()
        if options["verbosity"]:
            per_tipo = ", ".join(f"{tipo} {n}" for tipo, n in counts.items())
            self.stdout.write(
                f"postgres: {sum(counts.values())} righe indicizzate ({per_tipo}) "
                f"in {time.perf_counter() - start:.1f} s."
            )
        if settings.SEARCH_BACKEND == "elasticsearch":
            from marketplace.search.backends.elasticsearch import rebuild

            start = time.perf_counter()
            sent = rebuild(progress=not no_progress)
            self.stdout.write(
                f"elasticsearch: {sent} documenti in {time.perf_counter() - start:.1f} s."
            )
