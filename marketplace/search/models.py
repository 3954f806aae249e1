"""The search index of the postgres backend: one row per searchable object and place.

A service delivered at two places has two rows (results keep the nearest one);
a service delivered only at home has one row without a point. Rows are derived
data, rebuilt from the catalogue by `marketplace.search.index` after each commit,
never edited.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField, IntegerRangeField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.db.models import Func
from django.db.models.functions import Cast


class MultirangeField(models.Field):
    """A PostgreSQL multirange of `range_type` (`int4`, `date`, `ts`), empty by default; written
    and read only by the index's and the search's SQL, never through the ORM."""

    def __init__(self, *args, range_type: str = "int4", **kwargs):
        self.range_type = range_type
        kwargs.setdefault("db_default", Func(function=f"{range_type}multirange"))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["range_type"] = self.range_type
        kwargs.pop("db_default", None)
        return name, path, args, kwargs

    def db_type(self, connection) -> str:
        return f"{self.range_type}multirange"


class TipoRisultato(models.TextChoices):
    SERVIZIO = "servizio", "servizio"
    PIT = "pit", "pit"
    CONVENZIONE = "convenzione", "convenzione"


class DocumentoRicerca(models.Model):
    tipo = models.CharField(max_length=20, choices=TipoRisultato.choices)
    oggetto_id = models.BigIntegerField()
    sede_id = models.BigIntegerField(null=True)
    titolo = models.TextField()
    testo = models.TextField(blank=True)
    ente_id = models.BigIntegerField(null=True)
    ente_nome = models.TextField(blank=True)
    tipo_ente = models.CharField(max_length=20, blank=True)
    # Category codes with all their ancestors, so that a category finds its descendants.
    categorie = ArrayField(models.CharField(max_length=120), default=list)
    destinatari = ArrayField(models.CharField(max_length=20), default=list)
    lingue = ArrayField(models.CharField(max_length=3), default=list)
    gratuito = models.BooleanField(default=False)
    accessibile = models.BooleanField(default=False)
    comune_id = models.CharField(max_length=6, null=True)
    comuni_copertura = ArrayField(models.CharField(max_length=6), default=list)
    punto = models.PointField(srid=4326, null=True)
    orario_id = models.BigIntegerField(null=True)
    # The schedule `orario_id`, copied so that "open at" tests the row alone (see
    # marketplace.search.index.SCHEDULE_VALUES and backends.postgres.open_at_sql): the
    # seconds of the week (Monday 00:00 = 0) its weekly slots are open on the day each
    # starts, the hours after midnight of the slots that run into the next day, the days
    # its exceptions cover, and their special hours (local wall-clock time).
    settimana = MultirangeField(range_type="int4")
    notte = MultirangeField(range_type="int4")
    giorni_eccezione = MultirangeField(range_type="date")
    orari_speciali = MultirangeField(range_type="ts")
    aggiornato_il = models.DateTimeField()
    demo = models.BooleanField(default=False)
    # The validity of an agreement (start and end included), null for the other kinds.
    # Searches apply it at query time with the day of the request: nothing is
    # reindexed at midnight, and rows of agreements not started yet wait in the index.
    valido_dal = models.DateField(null=True)
    valido_al = models.DateField(null=True)
    # Indexed by RUM where the extension is installed (ranked top-k straight from the
    # index), by GIN otherwise: see migration 0004 and backends.postgres.ranked_index.
    vettore = SearchVectorField(null=True)
    # A pseudo-random bucket of the object (0..SAMPLE_BUCKETS-1), the same on all its
    # rows: the facets of a broad search are estimated on a few buckets.
    campione = models.SmallIntegerField(default=0)
    # The place's cell in the map grid at CELL_ZOOM, for the pre-aggregated clusters.
    cella_x = models.IntegerField(null=True)
    cella_y = models.IntegerField(null=True)
    # In the table the columns lie in another order, that of migration 0024: the
    # fixed-width ones first, the text last (a row's column is reached by walking those
    # before it); a rebuild keeps it. A column added later goes after them all.

    class Meta:
        db_table = "search_documento"
        indexes = [
            models.Index(fields=["tipo", "oggetto_id"], name="search_doc_oggetto"),
            # `con_convenzione_per` keeps the rows of the Enti with an agreement for them.
            models.Index(fields=["ente_id"], name="search_doc_ente"),
            # With the id, the index gives the whole "recently updated" order.
            models.Index(fields=["aggiornato_il", "id"], name="search_doc_aggiornato"),
            # A Comune's rows in the order they lie in the table (counting them reads
            # a few pages), and by date (its most recent first without the rest).
            models.Index(fields=["comune_id"], name="search_doc_comune"),
            models.Index(
                fields=["comune_id", "aggiornato_il", "id"], name="search_doc_comune_data"
            ),
            # A provider kind's rows by date: a broad text walked with a kind reads
            # only that kind's rows ("assistenza domiciliare" by public providers,
            # one row in seven: 181 -> 44-52 ms at a million services).
            models.Index(fields=["tipo_ente", "aggiornato_il", "id"], name="search_doc_ente_data"),
            # The free (or not free) rows by date, as the kinds': "centro estivo" among
            # free services (28% of the rows) walked 28,000 rows below the recent ones
            # for its 324 older matches, 55 ms; the free ones among them, 16.
            models.Index(
                fields=["gratuito", "aggiornato_il", "id"], name="search_doc_gratuito_data"
            ),
            # The first sample buckets of a broad search without text. On the cast, so
            # that a text search's sample is read from the text index of its buckets
            # alone (migration 0007): offered `campione < 1` on both, the planner took
            # the text and bucket indexes together, expecting 34 rows where there are
            # 600 ("asilo" at a million: 8 ms for the facets, 4.5 with the text index).
            models.Index(Cast("campione", models.IntegerField()), name="search_doc_campione"),
            models.Index(fields=["tipo", "cella_x", "cella_y"], name="search_doc_cella"),
            GinIndex(fields=["categorie"], name="search_doc_categorie"),
            # A language or a group of people with another filter that holds sets (a
            # category, say): their bitmaps together give the few rows that pass both,
            # where one of them alone leaves tens of thousands to read. With a text,
            # one index holds the text and the three (search_doc_testo_insiemi,
            # migration 0018, beside search_doc_testo of migration 0004), and the row's
            # keys: its place's tiles, its values of free, accessible and provider kind
            # (migration 0026, see search.backends.postgres.ROW_KEYS).
            GinIndex(fields=["lingue"], name="search_doc_lingue"),
            GinIndex(fields=["destinatari"], name="search_doc_destinatari"),
            GinIndex(fields=["comuni_copertura"], name="search_doc_copertura"),
            # A title's rows, counted from the index alone when the type-ahead titles of
            # reindexed objects are refreshed (index._REFRESH_TITLES). The trigram index
            # it replaces (of the first suggestions, which now read search_titolo)
            # answered that equality: 59 ms for one title at a million services, at
            # each edit, and 24 s for the 1,022 titles of 1,392 rows reindexed.
            models.Index(fields=["titolo", "tipo"], name="search_doc_titolo"),
        ]


class _Aggregato(models.Model):
    """The places of a cell of the map grid, summed up: how many, the sums of their
    coordinates (the cluster's centre is their mean) and their bounds."""

    n = models.IntegerField()
    somma_lon = models.FloatField()
    somma_lat = models.FloatField()
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        abstract = True


class CellaMappa(_Aggregato):
    """The places of one kind in one cell of the map grid at CELL_ZOOM, pre-aggregated.

    `filtro` is '' for all places, or one filter value they pass: each of their
    categories and its ancestors (the category's code, as the category filter finds
    it), `gratuito=true|false`, `accessibile=true|false`, `tipo_ente=<kind>`,
    `destinatari=<each>`, `lingua=<each>` (the names and values of the search's
    parameters; category codes hold no "="), and `parola=<lexeme>` for the commonest
    lexemes (Lessema.nelle_celle). Each (cell, filtro) has a row for all its places,
    with `gratuito`, `accessibile` and `tipo_ente` empty; those of all places, of the
    categories and of the lexemes also come split by the three, one row for each
    combination of them that their places have (at most twelve).

    A map of the whole region, unfiltered, filtered by one of these values, or by all
    places, a category or a common word and more of the three, rolls these up (cells
    nest exactly from zoom to zoom) instead of grouping up to a million points at each
    request. Derived data, kept in step by `marketplace.search.index`.
    """

    tipo = models.CharField(max_length=20, choices=TipoRisultato.choices)
    filtro = models.CharField(max_length=120, blank=True, default="")
    # Empty on the rows of all the cell's places; set, all three, on the split rows.
    gratuito = models.BooleanField(null=True)
    accessibile = models.BooleanField(null=True)
    tipo_ente = models.CharField(max_length=20, null=True)
    cella_x = models.IntegerField()
    cella_y = models.IntegerField()

    class Meta:
        db_table = "search_cella"
        constraints = [
            # The map reads one filter's cells in a range of columns: those of all
            # places, or the split ones (then each cell's combinations are together).
            models.UniqueConstraint(
                fields=["tipo", "filtro", "cella_x", "cella_y"],
                condition=models.Q(gratuito__isnull=True),
                name="search_cella_unica",
            ),
            models.UniqueConstraint(
                fields=[
                    "tipo",
                    "filtro",
                    "cella_x",
                    "cella_y",
                    "gratuito",
                    "accessibile",
                    "tipo_ente",
                ],
                condition=models.Q(gratuito__isnull=False),
                name="search_cella_divisa",
            ),
        ]
        # The index upkeep replaces every filter's rows of the cells it touched.
        indexes = [models.Index(fields=["tipo", "cella_x", "cella_y"], name="search_cella_xy")]


class CellaOraria(_Aggregato):
    """The places of one kind in one cell of the map grid (as CellaMappa) that their
    weekly slots keep open all through `periodo`, a span of seconds of the week
    (Monday 00:00 = 0; DocumentoRicerca.settimana and notte): for each cell, its week cut
    at every second where one of its places opens or closes, a row for each span in which
    some are open.

    The map of what is open at a moment, with nothing else asked, reads one row per cell
    (the span holding the moment's second of the week) instead of testing and grouping
    every place: on a Monday morning three quarters of a million at a million services.
    The weekly slots give the answer only where no exception covers the day or the day
    before (an exception's special hours may run past midnight): the cells with a place
    that has one are grouped from their rows (backends.postgres.map_view). Derived data,
    kept in step with the map cells by `marketplace.search.index`.
    """

    tipo = models.CharField(max_length=20, choices=TipoRisultato.choices)
    cella_x = models.IntegerField()
    cella_y = models.IntegerField()
    periodo = IntegerRangeField()

    class Meta:
        db_table = "search_cella_orario"
        indexes = [
            # The spans holding a second, in the cells of an area (btree_gist).
            GistIndex(fields=["periodo", "cella_x", "cella_y"], name="search_cella_or_periodo"),
            # The index upkeep replaces the rows of the cells it touched.
            models.Index(fields=["tipo", "cella_x", "cella_y"], name="search_cella_or_xy"),
        ]


class CellaGiorno(_Aggregato):
    """The places of one kind in one cell of the map grid (as CellaMappa) that their
    weekly slots keep open at some moment of a weekday (`giorno`, 0 = Monday), or of its
    part `parte` (servizi.orari.PARTI_DEL_GIORNO; '' for the whole day): a slot that
    starts on it, or the part after midnight of the day before's (DocumentoRicerca.
    settimana and notte, servizi.orari.is_open_on); with no `giorno`, in that part of
    some day of the week (orari.is_open_in_part_of_week).

    The map of what is open on a day, with nothing else asked, reads one row per cell
    instead of testing and grouping every place: the region on a Saturday at a million
    services was 410,000 places grouped, 980 ms. A place open on several weekdays counts
    in each, which is why the weekly spans (CellaOraria, places open all through a span
    of seconds) cannot answer it. As there, the cells with a place that has an exception
    on the day or the day before are grouped from their rows (backends.postgres.
    map_view); the week's have none. Derived data, kept in step with the map cells by
    `marketplace.search.index`.
    """

    tipo = models.CharField(max_length=20, choices=TipoRisultato.choices)
    cella_x = models.IntegerField()
    cella_y = models.IntegerField()
    giorno = models.SmallIntegerField(null=True)
    parte = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        db_table = "search_cella_giorno"
        indexes = [
            # A weekday's cells in an area (written in this order: they share pages).
            models.Index(
                fields=["giorno", "parte", "cella_x", "cella_y"], name="search_cella_gi_giorno"
            ),
            # The index upkeep replaces the rows of the cells it touched.
            models.Index(fields=["tipo", "cella_x", "cella_y"], name="search_cella_gi_xy"),
        ]


class StatoIndice(models.Model):
    """One row: a version number raised by every change of the index, in the same
    transaction, so that cached search answers of earlier versions are never served."""

    versione = models.BigIntegerField(default=0)
    # Rows updated since then are in the text index of the recent rows (see
    # marketplace.search.index.index_recent_texts); null when there is none.
    recenti_dal = models.DateTimeField(null=True)

    class Meta:
        db_table = "search_stato"


class TitoloRicerca(models.Model):
    """Each distinct title of the index with the number of rows that have it, for the
    type-ahead (a few hundred thousand at a million services): titles that begin with
    what was typed come from a B-tree range, others by trigram word similarity from
    the GiST index; never by grouping every matching row."""

    testo = models.TextField(primary_key=True)
    chiave = models.TextField()  # lower case, accents folded
    n = models.IntegerField()

    class Meta:
        db_table = "search_titolo"
        indexes = [
            # `chiave LIKE 'what was typed%' ORDER BY chiave`: a B-tree range in order.
            models.Index(
                fields=["chiave"], opclasses=["text_pattern_ops"], name="search_tit_prefisso"
            ),
            GistIndex(fields=["chiave"], opclasses=["gist_trgm_ops"], name="search_tit_trgm"),
        ]


class Vocabolo(models.Model):
    """Words (and joined word pairs) of the indexed titles and category names.

    The spelling correction looks here for the nearest known word to a word that
    matches nothing: "babysiter" -> "babysitter", whose `frase` is "baby sitter".
    """

    parola = models.TextField(primary_key=True)
    frase = models.TextField()

    class Meta:
        db_table = "search_vocabolo"


class Lessema(models.Model):
    """Every lexeme of the index's text vectors (a superset: lexemes of rows that are
    gone stay until the next full rebuild).

    The last word of a query also matches as a prefix (`domicil:*`), and GIN gathers a
    prefix's rows into a bitmap of every lexeme that begins so: at a million services
    114-146 ms for "assistenza domiciliare", 39 with the prefix written as the lexemes
    that begin so (`domicil | domiciliar`), which find the same rows when the table
    holds every lexeme of the index (postgres.match_tsquery). In the C collation the
    lexemes that begin with a word's are one range of the primary key's index.
    """

    lessema = models.TextField(primary_key=True, db_collation="C")
    # Whether the map cells (CellaMappa) also count the places of the rows holding it,
    # as the filter value `parola=<lessema>`: set by a full rebuild on the lexemes of at
    # least SEARCH_MAP_WORD_CELLS_MIN_ROWS rows, whose map a text of that one word
    # would otherwise group row by row (at a million services the region's map of
    # "assistenza", 170,000 rows, 190 ms). A lexeme that grows that common after the
    # rebuild waits for the next one: its map is grouped, right but slower.
    nelle_celle = models.BooleanField(db_default=False)
    # How many rows have it in their title (weight A), as the last full rebuild counted
    # them; null for a lexeme first indexed since. Only so that the search does not look
    # for a page of matches in titles where there cannot be one (postgres.
    # _title_matches_first): stale, it may cost time, never change an answer.
    righe_con_titolo = models.IntegerField(null=True)

    class Meta:
        db_table = "search_lessema"
