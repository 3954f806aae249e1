"""Generate a synthetic catalogue (Enti, Sedi, Servizi with schedules) for benchmarks."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from servizi import generator

_INDEX_HINT = (
    "Per la ricerca ricostruisci l'indice: manage.py search_index --rebuild "
    "(8-15 minuti per un milione di servizi su 2 core, vedi bench/RESULTS.md)."
)


class Command(BaseCommand):
    help = (
        "Genera un catalogo sintetico per le prove di carico: N servizi, N/10 enti con una "
        "sede ciascuno in un Comune a caso della regione, categorie, destinatari e orari "
        "settimanali. Le righe generate hanno demo=True e gli enti il prefisso "
        f"«{generator.PREFIX.strip()}»: --reset o --only-reset le eliminano, senza toccare i "
        "dati inseriti a mano. Tutto o niente (una sola transazione)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--services",
            type=int,
            help=f"Quanti servizi generare (da 1 a {generator.MAX_SERVICES:_}).".replace("_", "."),
        )
        parser.add_argument(
            "--regione",
            default="Lombardia",
            help="Regione i cui Comuni (già caricati) ospitano le sedi (default: Lombardia), "
            "oppure 'Italia'.",
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="Seme: stesso seme, stesso catalogo (default 42)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Elimina prima i dati generati in precedenza (stessa transazione).",
        )
        parser.add_argument(
            "--only-reset",
            action="store_true",
            help="Elimina soltanto i dati generati in precedenza, senza generarne di nuovi.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=generator.BATCH_SIZE,
            help=f"Servizi per istruzione SQL (default {generator.BATCH_SIZE:_}).".replace(
                "_", "."
            ),
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Non mostrare la barra di avanzamento."
        )

    def handle(self, *args, **options):
        if options["only_reset"]:
            if options["services"] is not None:
                raise CommandError("--only-reset non genera nulla: togli --services.")
            try:
                deleted = generator.delete_generated()
            except generator.GenerationError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(
                    f"Eliminati {deleted.enti} enti, {deleted.sedi} sedi, {deleted.servizi} "
                    f"servizi, {deleted.orari} orari e {deleted.fasce} fasce orarie generati."
                )
            )
            self.stdout.write(_INDEX_HINT)
            return
        if options["services"] is None:
            raise CommandError(
                "Indica quanti servizi generare con --services N (oppure usa --only-reset)."
            )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size deve essere almeno 1.")
        try:
            result = generator.generate(
                services=options["services"],
                regione=options["regione"],
                seed=options["seed"],
                reset=options["reset"],
                progress=not options["no_progress"],
                batch_size=options["batch_size"],
            )
        except generator.GenerationError as error:
            raise CommandError(str(error)) from error
        if result.deleted is not None:
            deleted = result.deleted
            self.stdout.write(
                f"Eliminati prima {deleted.enti} enti e {deleted.servizi} servizi generati."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.regione}: {result.enti} enti, {result.sedi} sedi, {result.servizi} "
                f"servizi, {result.fasce} fasce orarie ({result.rows} righe) "
                f"in {result.seconds:.1f} s."
            )
        )
        # Written in bulk SQL, the rows send no signal: the search index is rebuilt apart.
        self.stdout.write(_INDEX_HINT)
