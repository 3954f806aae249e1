"""The Elasticsearch backend: the rows of `search_documento` (services, PITs, agreements),
one ES document per row.

It answers like the postgres backend on the same data (same filters, results, counts
and facet counts; same order by distance). How it stays in step with postgres:

- text: one Italian analyzer (elision, lowercase, ascii folding, the domain's sigle
  and the place words the stemmer would fold into common words marked as postgres
  marks them (`text.MARKED_WORDS`: "isee" is isee0, never Iseo's ise; the words of
  `text.NAMES_PATTERN` where the text writes their Comune's whole name), the
  *same* stop words as PostgreSQL's `italian.stop`, the *same* Snowball Italian
  stemmer as `italian_stem`).
  What matches is decided on `tutto`, a `copy_to` field holding exactly what the
  postgres `vettore` holds (title, category names, provider, and the text: a
  service's description, requirements and cost), with the synonym groups of
  `text.query_groups` read as the postgres backend reads them: words of a group
  AND-ed (not a phrase), stop words dropped, the last word its stem or the beginning
  of a stem, as typed (`match` or `prefix`; not `match_bool_prefix`, which takes the
  prefix of the stem: "cena" is cen, the beginning of every "centro"). Scoring
  clauses on `titolo`^3 / `categorie_nomi` / `ente_nome` / `testo` only rank, they
  never filter;
- one result per object: rows are collapsed on `chiave` ("tipo:oggetto_id"), the
  sort picking each object's best (nearest) row; the count and the facet counts are
  `cardinality` aggregations on `chiave` (distinct objects, as postgres counts them);
- schedules: each document holds its row's schedule columns as range fields (the
  weekly slots and their hours after midnight as seconds of the week, the exception
  days, their special hours in local wall-clock time), and "open at" is the same test
  as postgres' `open_at_sql`: `term` queries, which on a range field match the
  documents with a range that holds the value;
- Ambiti: a `filters` aggregation, one filter per Ambito on its member Comuni (exact
  distinct counts, membership always current, nothing to reindex when it changes);
- agreements: found only within their dates (`valido_dal`..`valido_al`), a range
  filter with the day of the request, as in postgres; `con_convenzione_per`: terms
  filters on the Ente ids and agreement ids the convenzioni selectors gave the query;
- type-ahead titles, as postgres' `search_titolo`, only of the kinds always valid.

Any failure to answer (connection, timeout, missing index, a page beyond the result
window) raises `BackendUnavailable`, and the service answers from postgres.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers
from elasticsearch.dsl import (
    Boolean,
    Date,
    DateRange,
    Document,
    GeoPoint,
    GeoShape,
    IntegerRange,
    Keyword,
    Long,
    MetaField,
    Q,
    Search,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from geo_data.models import Ambito
from marketplace.search.backends.postgres import (
    DATED_TYPES,
    DECAY_KM,
    FACETS,
    MAX_POINTS,
    POINTS_FROM_ZOOM,
    OpenAt,
    category_suggestions,
    label_facets,
    last_word_whole,
    open_at_sql,
    with_titles,
)
from marketplace.search.index import SCHEDULE_COLUMNS
from marketplace.search.query import Ordinamento, SearchQuery
from marketplace.search.results import Cluster, Hit, MapResult, SearchResult
from marketplace.search.service import BackendUnavailable
from marketplace.search.sql import fetch_dicts
from marketplace.search.text import (
    ITALIAN_STOPWORDS,
    MARKED_PATTERN,
    MARKED_REPLACEMENT,
    NAMES_PATTERN,
    text_groups,
    words,
)
from servizi.orari import part_hours

logger = logging.getLogger(__name__)

NAME = "elasticsearch"

SEARCH_TIMEOUT_S = 2.0  # a search waits this long, without retries: postgres is the fallback
INDEXING_TIMEOUT_S = 60.0
INDEXING_RETRIES = 2
_TIMEOUT = f"{int(SEARCH_TIMEOUT_S * 1000)}ms"  # the cluster stops searching then
MAX_RESULT_WINDOW = 10_000  # ES's index.max_result_window: deeper pages go to postgres
MAX_CLUSTERS = 50_000
COUNT_PRECISION = 40_000  # the most `cardinality` allows: exact in practice below it
FACET_PRECISION = 3_000  # per facet bucket (memory grows with buckets x precision)
FACET_SIZES = {"tipo": 10, "categoria": 2_000, "tipo_ente": 100, "comune": 10_000}
CHUNK = 2_000  # rows per SQL batch and per bulk request
SIMPLIFY_DEGREES = 0.001  # ~100 m: coverage shapes for the index, not for display
COVERAGE_CACHE = 512  # distinct coverage sets kept per sync or rebuild
MISSING_POINT_WEIGHT = 1e-6  # with a point, objects without a place rank last
_SCHEDULE_FIELDS = SCHEDULE_COLUMNS.split(", ")  # range fields of the same names


# Lucene's ItalianAnalyzer articles: "dell'anziano" -> "anziano".
ITALIAN_ARTICLES = [
    "c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl",
    "degl", "negl", "sugl", "un", "m", "t", "s", "v", "d",
]  # fmt: skip

_elision = token_filter("italian_elision", "elision", articles=ITALIAN_ARTICLES, articles_case=True)
# The Snowball Italian stemmer, the algorithm of PostgreSQL's italian_stem (the lighter
# `light_italian` would stem differently and break the parity of the result sets).
italiano = analyzer(
    "italiano",
    # The words of Comune names marked where the text writes the whole name, as postgres
    # marks them first (text.NAMES_PATTERN): "Cologno al Serio0", "Sale0 Marasino".
    char_filter=[
        char_filter(
            "nomi_di_comuni",
            "pattern_replace",
            pattern=NAMES_PATTERN,
            replacement=MARKED_REPLACEMENT,
            flags="CASE_INSENSITIVE|UNICODE_CASE",
        )
    ],
    tokenizer="standard",
    filter=[
        _elision,
        "lowercase",
        "asciifolding",
        # The sigle and place words as postgres indexes them, with their mark
        # (text.MARKED_WORDS): "isee0", "cenate0".
        token_filter(
            "marcate", "pattern_replace", pattern=MARKED_PATTERN, replacement=MARKED_REPLACEMENT
        ),
        token_filter("italian_stop", "stop", stopwords=ITALIAN_STOPWORDS),
        token_filter("italian_stemmer", "stemmer", language="italian"),
    ],
)
# Type-ahead on titles: edge n-grams of the folded words, searched without stemming.
italiano_prefissi = analyzer(
    "italiano_prefissi",
    tokenizer="standard",
    filter=[
        _elision,
        "lowercase",
        "asciifolding",
        token_filter("prefissi", "edge_ngram", min_gram=1, max_gram=20),
    ],
)
italiano_parole = analyzer(
    "italiano_parole", tokenizer="standard", filter=[_elision, "lowercase", "asciifolding"]
)

INDEX_SETTINGS = {
    "number_of_shards": 1,  # small data: one shard keeps scores, collapse and counts exact
    "number_of_replicas": 0,
    "max_result_window": MAX_RESULT_WINDOW,
}


class SearchDocument(Document):
    """One row of `search_documento` (its id is the ES `_id` and `riga_id`)."""

    riga_id = Long()
    chiave = Keyword()  # "tipo:oggetto_id": one result per object (collapse, counts)
    tipo = Keyword()
    oggetto_id = Long()
    sede_id = Long()
    titolo = Text(
        analyzer=italiano,
        copy_to="tutto",
        fields={
            "keyword": Keyword(ignore_above=1024),
            "prefissi": Text(analyzer=italiano_prefissi, search_analyzer=italiano_parole),
        },
    )
    testo = Text(analyzer=italiano)  # as stored: ranking, highlights, snippets
    descrizione = Text(analyzer=italiano, copy_to="tutto")  # the text postgres vectorises
    categorie_nomi = Text(analyzer=italiano, copy_to="tutto")
    ente_id = Long()
    ente_nome = Text(analyzer=italiano, copy_to="tutto")
    tipo_ente = Keyword()
    categorie = Keyword(multi=True)  # codes with all their ancestors
    destinatari = Keyword(multi=True)
    lingue = Keyword(multi=True)
    comune_id = Keyword()
    comuni_copertura = Keyword(multi=True)
    gratuito = Boolean()
    accessibile = Boolean()
    demo = Boolean()
    punto = GeoPoint()
    copertura = GeoShape(ignore_malformed=True)  # union of the covered Comuni, simplified
    orario_id = Long()
    # The row's schedule (DocumentoRicerca.settimana and what follows), for `_open_at`.
    settimana = IntegerRange(multi=True)
    notte = IntegerRange(multi=True)
    giorni_eccezione = DateRange(multi=True)
    orari_speciali = DateRange(multi=True)  # local wall-clock time, written without zone
    aggiornato_il = Date()
    valido_dal = Date()  # an agreement's validity (start and end included); none for others
    valido_al = Date()
    tutto = Text(analyzer=italiano)  # what decides a text match, like postgres' `vettore`

    class Index:
        # The alias searches use; rebuild() creates dated indices and moves it to them.
        name = settings.ELASTICSEARCH_INDEX
        settings = INDEX_SETTINGS

    class Meta:
        dynamic = MetaField("strict")


# --- client ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _client_for(url: str, timeout: float, retries: int) -> Elasticsearch:
    try:
        return Elasticsearch(
            url, request_timeout=timeout, max_retries=retries, retry_on_timeout=retries > 0
        )
    except ValueError as error:  # a malformed URL
        raise BackendUnavailable(f"ELASTICSEARCH_URL: {error}") from error


def get_client(*, indexing: bool = False) -> Elasticsearch:
    """The client of settings.ELASTICSEARCH_URL: quick and without retries for searches."""
    url = settings.ELASTICSEARCH_URL
    if not url:
        raise BackendUnavailable("ELASTICSEARCH_URL is not set")
    if indexing:
        return _client_for(url, INDEXING_TIMEOUT_S, INDEXING_RETRIES)
    return _client_for(url, SEARCH_TIMEOUT_S, 0)


MAPPING_CHECK_SECONDS = 60.0
_mapping_checked_at: dict[tuple[str, str], float] = {}


def _require_current_mapping(client: Elasticsearch) -> None:
    """BackendUnavailable when the index lacks a field of SearchDocument: an index built
    by an earlier version would answer without it (a `term` on a field it does not have
    matches nothing: "open at" would find no place open), and its strict mapping refuses
    the new documents. Checked once a minute in each process."""
    key = (settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX)
    checked = _mapping_checked_at.get(key)
    if checked is not None and time.monotonic() - checked < MAPPING_CHECK_SECONDS:
        return
    wanted = set(SearchDocument._doc_type.mapping.to_dict()["properties"])
    response = client.indices.get_mapping(index=settings.ELASTICSEARCH_INDEX)
    for name, index in getattr(response, "body", response).items():
        missing = wanted - set(index["mappings"].get("properties", {}))
        if missing:
            logger.error("Elasticsearch index %s lacks %s", name, sorted(missing))
            raise BackendUnavailable(
                f"index {name} lacks the fields {', '.join(sorted(missing))}: "
                "rebuild it with `manage.py search_index --rebuild`"
            )
    _mapping_checked_at[key] = time.monotonic()


def _execute(search: Search) -> dict:
    """The raw response body, or BackendUnavailable when the cluster cannot answer or
    its index is older than the documents (see _require_current_mapping)."""
    try:
        client = get_client()
        _require_current_mapping(client)
        response = search.using(client).execute()
    except (TransportError, ApiError) as error:
        status = error.status_code if isinstance(error, ApiError) else None
        if status is not None and status < 500 and status not in {404, 408, 429}:
            # A request the cluster refuses is a bug here: say so loudly, then fall back.
            logger.error("Elasticsearch refused the request: %s", error)
        raise BackendUnavailable(f"{type(error).__name__}: {error}") from error
    raw = response.to_dict()
    if raw.get("timed_out") or raw.get("_shards", {}).get("failed"):
        raise BackendUnavailable("partial answer (timeout or failed shards)")
    return raw


# --- documents ------------------------------------------------------------------------

_ROWS_SQL = """
SELECT d.id, d.tipo, d.oggetto_id, d.sede_id, d.titolo, d.testo, d.ente_id, d.ente_nome,
       d.tipo_ente, d.categorie, d.destinatari, d.lingue, d.gratuito, d.accessibile,
       d.comune_id, d.comuni_copertura, ST_X(d.punto) AS lon, ST_Y(d.punto) AS lat,
       d.orario_id, d.settimana, d.notte, d.giorni_eccezione, d.orari_speciali,
       d.aggiornato_il, d.demo, d.valido_dal, d.valido_al,
       ARRAY(SELECT c.nome FROM servizi_categoria c
             WHERE c.codice = ANY(d.categorie) ORDER BY c.codice) AS categorie_nomi
FROM search_documento d
WHERE {where}
ORDER BY d.id {limit}
"""

# One SQL per batch: the union of each distinct set of covered Comuni, simplified.
_COVERAGE_SQL = """
SELECT k.i, ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_Union(c.geometria), %s), 5) AS shape
FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS k(codici, i)
JOIN geo_data_comune c ON c.codice_istat IN (SELECT jsonb_array_elements_text(k.codici))
GROUP BY k.i
"""


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Coverage:
    """Coverage shapes by set of Comuni, remembered for one sync or rebuild."""

    def __init__(self) -> None:
        self.shapes: OrderedDict[tuple[str, ...], dict | None] = OrderedDict()

    def add_to(self, rows: list[dict]) -> None:
        keys = {tuple(sorted(row["comuni_copertura"] or ())) for row in rows}
        missing = [key for key in keys if key and key not in self.shapes]
        if missing:
            found = {
                row["i"]: json.loads(row["shape"]) if row["shape"] else None
                for row in fetch_dicts(_COVERAGE_SQL, [SIMPLIFY_DEGREES, json.dumps(missing)])
            }
            for position, key in enumerate(missing, start=1):
                self.shapes[key] = found.get(position)
        for row in rows:
            key = tuple(sorted(row["comuni_copertura"] or ()))
            row["copertura"] = self.shapes.get(key) if key else None
            if key:
                self.shapes.move_to_end(key)
        while len(self.shapes) > COVERAGE_CACHE:
            self.shapes.popitem(last=False)


def _rows(
    where: str, params: list, coverage: _Coverage | None = None, *, limit: int | None = None
) -> list[dict]:
    sql = _ROWS_SQL.format(where=where, limit="LIMIT %s" if limit else "")
    rows = fetch_dicts(sql, [*params, limit] if limit else params)
    (coverage or _Coverage()).add_to(rows)
    return rows


def rows_for(tipo: str, ids: Iterable[int], *, coverage: _Coverage | None = None) -> list[dict]:
    """The current rows of these objects of one kind, with their coverage shape."""
    ids = sorted(set(ids))
    coverage = coverage or _Coverage()
    rows: list[dict] = []
    for chunk in _chunks(ids, CHUNK):
        rows += _rows("d.tipo = %s AND d.oggetto_id = ANY(%s)", [tipo, chunk], coverage)
    return rows


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def _ranges(multirange) -> list[dict]:
    """A multirange of the row (psycopg's Multirange, bounds `[)` as PostgreSQL writes
    them) as the values of an ES range field."""

    def bound(value):
        return value.isoformat() if isinstance(value, date) else value  # dates and times

    return [{"gte": bound(r.lower), "lt": bound(r.upper)} for r in multirange or ()]


def document_from_row(row: dict) -> dict:
    """The ES source of one `search_documento` row (as read by `rows_for`).

    `descrizione` is what postgres vectorises beyond title, categories and provider: the
    row's text (a service's description, requirements and cost; a PIT's or an
    agreement's whole text). A field apart from `testo`, which only ranks, because it
    is the one copied to `tutto`: an index created before would not read a `testo`
    copied there until `search_index --rebuild`.
    """
    has_point = row.get("lon") is not None and row.get("lat") is not None
    updated = row["aggiornato_il"]
    return {
        "riga_id": row["id"],
        "chiave": f"{row['tipo']}:{row['oggetto_id']}",
        "tipo": row["tipo"],
        "oggetto_id": row["oggetto_id"],
        "sede_id": row["sede_id"],
        "titolo": row["titolo"],
        "testo": row["testo"] or "",
        "descrizione": row["testo"] or "",
        # One value per name: a highlight then gives the names that hold the words.
        "categorie_nomi": list(row.get("categorie_nomi") or []),
        "ente_id": row["ente_id"],
        "ente_nome": row["ente_nome"] or "",
        "tipo_ente": row["tipo_ente"] or "",
        "categorie": list(row["categorie"] or []),
        "destinatari": list(row["destinatari"] or []),
        "lingue": list(row["lingue"] or []),
        "gratuito": bool(row["gratuito"]),
        "accessibile": bool(row["accessibile"]),
        "demo": bool(row["demo"]),
        "comune_id": row["comune_id"],
        "comuni_copertura": list(row["comuni_copertura"] or []),
        "punto": {"lat": row["lat"], "lon": row["lon"]} if has_point else None,
        "copertura": row.get("copertura"),
        "orario_id": row["orario_id"],
        **{column: _ranges(row.get(column)) for column in _SCHEDULE_FIELDS},
        "aggiornato_il": updated.isoformat() if isinstance(updated, datetime) else updated,
        "valido_dal": _day(row.get("valido_dal")),
        "valido_al": _day(row.get("valido_al")),
    }


def _actions(rows: Iterable[dict], index: str) -> Iterator[dict]:
    for row in rows:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": row["id"],
            "_source": document_from_row(row),
        }


def _bulk(client: Elasticsearch, rows: list[dict], index: str, *, refresh: bool = False) -> int:
    sent, errors = helpers.bulk(
        client,
        _actions(rows, index),
        chunk_size=500,
        raise_on_error=False,
        stats_only=False,
        refresh=refresh,
    )
    if errors:
        logger.error("Elasticsearch refused %d documents, e.g. %s", len(errors), errors[:3])
    return sent


def sync(tipo: str, ids: Iterable[int]) -> None:
    """Send the current rows of these objects of one kind; never raises.

    Runs after the change is committed: new rows are indexed first, then the objects'
    other documents deleted, so a search never sees an object vanish (a moment of
    duplicates is harmless: results are collapsed per object).
    """
    ids = sorted(set(ids))
    try:
        if not ids:
            return
        client = get_client(indexing=True)
        index = settings.ELASTICSEARCH_INDEX
        if not client.indices.exists(index=index):
            logger.warning("Elasticsearch index %s missing: run search_index --rebuild", index)
            return
        coverage = _Coverage()
        for chunk in _chunks(ids, CHUNK):
            rows = rows_for(tipo, chunk, coverage=coverage)
            _bulk(client, rows, index, refresh=True)  # visible before the old ones go
            client.delete_by_query(
                index=index,
                query={
                    "bool": {
                        "filter": [{"term": {"tipo": tipo}}, {"terms": {"oggetto_id": chunk}}],
                        "must_not": [{"terms": {"riga_id": [row["id"] for row in rows]}}],
                    }
                },
                conflicts="proceed",
                refresh=True,
            )
    except Exception:  # the change is committed: never fail it for the index
        logger.exception("Elasticsearch sync failed for %s %s", tipo, ids[:20])


def rebuild(progress: bool = True) -> int:
    """A fresh index from all of `search_documento`, swapped in under the alias; the count.

    The documents go to a new index `<ELASTICSEARCH_INDEX>-<timestamp>`; once complete,
    the alias moves to it in one step and the old indices are deleted, so searches
    never see a half-built index.
    """
    from tqdm import tqdm

    client = get_client(indexing=True)
    alias = settings.ELASTICSEARCH_INDEX
    name = f"{alias}-{timezone.now():%Y%m%d%H%M%S%f}"
    index = SearchDocument._index.clone(name)
    index.settings(refresh_interval="-1")
    index.create(using=client)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_documento")
            total = cursor.fetchone()[0]
        sent, last_id, coverage = 0, 0, _Coverage()
        with tqdm(total=total, disable=not progress, unit="doc", desc="elasticsearch") as bar:
            while True:
                rows = _rows("d.id > %s", [last_id], coverage, limit=CHUNK)
                if not rows:
                    break
                sent += _bulk(client, rows, name)
                last_id = rows[-1]["id"]
                bar.update(len(rows))
        client.indices.put_settings(index=name, settings={"index": {"refresh_interval": "1s"}})
        client.indices.refresh(index=name)
        _swap_alias(client, alias, name)
    except BaseException:
        try:
            client.indices.delete(index=name, ignore_unavailable=True)
        except Exception:
            logger.exception("could not delete the half-built index %s", name)
        raise
    return sent


def _swap_alias(client: Elasticsearch, alias: str, name: str) -> None:
    old: list[str] = []
    if client.indices.exists_alias(name=alias):
        old = list(client.indices.get_alias(name=alias).body)
    elif client.indices.exists(index=alias):
        client.indices.delete(index=alias)  # a plain index under the alias' name: replaced
    actions = [{"remove": {"index": each, "alias": alias}} for each in old]
    actions.append({"add": {"index": name, "alias": alias, "is_write_index": True}})
    client.indices.update_aliases(actions=actions)
    for each in old:
        if each != name:
            client.indices.delete(index=each, ignore_unavailable=True)


# --- queries --------------------------------------------------------------------------

HIT_SOURCE = [
    *("tipo", "oggetto_id", "sede_id", "titolo", "testo", "ente_id", "ente_nome"),
    *("tipo_ente", "comune_id", "punto", "demo"),
]
TEXT_FIELDS = ["titolo^3", "categorie_nomi^2", "ente_nome^1.5", "testo"]
_FIELDS = [(name, float(boost or 1)) for name, _, boost in (f.partition("^") for f in TEXT_FIELDS)]


def _match_words(field: str, terms: tuple[str, ...], prefix: bool, boost: float = 1.0) -> Q:
    """Every word in `field`; with `prefix`, the last one as its stem or as the beginning
    of a stem, as typed ("cena": cen, or a stem beginning with cena; not centr), as
    postgres.text_tsqueries. `match_bool_prefix` would take the prefix of the stem."""
    boosted = {} if boost == 1.0 else {"boost": boost}
    if not prefix:
        return Q("match", **{field: {"query": " ".join(terms), "operator": "and", **boosted}})
    *before, last = terms
    last_word = [Q("match", **{field: last}), Q("prefix", **{field: last})]
    if not before:
        return Q("bool", should=last_word, minimum_should_match=1, **boosted)
    before_words = Q("match", **{field: {"query": " ".join(before), "operator": "and"}})
    return Q(
        "bool",
        must=[before_words, Q("bool", should=last_word, minimum_should_match=1)],
        **boosted,
    )


def text_queries(text: str, *, whole_last: bool = False) -> tuple[list[Q], list[Q]]:
    """(must, should): the clauses that decide a text match and those that rank it; the
    last word also as a prefix unless it was typed whole (`whole_last`, as the search
    asks: postgres.last_word_whole; the suggestions complete it)."""
    groups = text_groups(text, whole_last=whole_last)
    if not groups:  # no word, or only stop words: no text to search (SearchQuery.has_text)
        return [], []
    must, should = [], []
    for options in groups:
        alternatives = [_match_words("tutto", terms, prefix) for terms, prefix in options]
        must.append(
            alternatives[0]
            if len(alternatives) == 1
            else Q("bool", should=alternatives, minimum_should_match=1)
        )
        for terms, prefix in options:
            phrase = " ".join(terms)
            if prefix:  # as multi_match's best_fields: the score of the best field
                fields = [_match_words(name, terms, True, boost) for name, boost in _FIELDS]
                should.append(Q("dis_max", queries=fields))
            else:
                should.append(
                    Q(
                        "multi_match",
                        query=phrase,
                        fields=TEXT_FIELDS,
                        type="best_fields",
                        operator="and",
                    )
                )
            if len(terms) > 1 and not prefix:
                should.append(Q("match_phrase", titolo={"query": phrase, "boost": 2}))
    return must, should


def _open_at(when: datetime) -> Q:
    """postgres' `open_at_sql` on the document's range fields."""
    moment = OpenAt.of(when)
    return Q(
        "bool",
        should=[
            Q(
                "bool",
                filter=[Q("term", settimana=moment.second)],
                must_not=[Q("term", giorni_eccezione=moment.today.isoformat())],
            ),
            Q(
                "bool",
                filter=[Q("term", notte=moment.second)],
                must_not=[Q("term", giorni_eccezione=moment.yesterday.isoformat())],
            ),
            Q("term", orari_speciali=moment.local.isoformat(timespec="milliseconds")),
        ],
        minimum_should_match=1,
    )


def _open_on(day: date, parte: str | None = None) -> Q:
    """postgres' `open_on_sql` on the document's range fields."""
    first, last = part_hours(parte)
    start = day.weekday() * 86400
    week = {"gte": start + first * 3600, "lt": start + last * 3600, "relation": "intersects"}
    midnight = datetime.combine(day, datetime.min.time())
    return Q(
        "bool",
        should=[
            Q(
                "bool",
                filter=[Q("range", settimana=week)],
                must_not=[Q("term", giorni_eccezione=day.isoformat())],
            ),
            Q(
                "bool",
                filter=[Q("range", notte=week)],
                must_not=[Q("term", giorni_eccezione=(day - timedelta(days=1)).isoformat())],
            ),
            Q(
                "range",
                orari_speciali={
                    "gte": (midnight + timedelta(hours=first)).isoformat(timespec="milliseconds"),
                    "lt": (midnight + timedelta(hours=last)).isoformat(timespec="milliseconds"),
                    "relation": "intersects",
                },
            ),
        ],
        minimum_should_match=1,
    )


def _open_in_part_of_week(parte: str) -> Q:
    """postgres' `open_in_part_of_week_sql` on the document's range fields."""
    first, last = part_hours(parte)
    return Q(
        "bool",
        should=[
            Q(
                "range",
                **{
                    field: {
                        "gte": day * 86400 + first * 3600,
                        "lt": day * 86400 + last * 3600,
                        "relation": "intersects",
                    }
                },
            )
            for field in ("settimana", "notte")
            for day in range(7)
        ],
        minimum_should_match=1,
    )


def ambiti_membri() -> dict[str, list[str]]:
    """Each Ambito's slug with its member Comuni (for the facet)."""
    members: dict[str, list[str]] = {}
    through = Ambito.comuni.through.objects.values_list("ambito__slug", "comune_id")
    for slug, comune in through.order_by("ambito__slug", "comune_id"):
        members.setdefault(slug, []).append(comune)
    return members


def _point(query: SearchQuery) -> dict:
    return {"lat": query.punto.y, "lon": query.punto.x}


def filters(query: SearchQuery) -> list[Q]:
    """The filters of postgres' `_Sql._build`, one for one."""
    q = query
    clauses = [Q("terms", tipo=list(q.tipi))]
    if DATED_TYPES & set(q.tipi):
        # Agreements only within their dates, on the day of the request.
        oggi = q.oggi.isoformat()
        clauses.append(
            Q(
                "bool",
                should=[
                    Q("bool", must_not=[Q("exists", field="valido_dal")]),
                    Q(
                        "bool",
                        filter=[
                            Q("range", valido_dal={"lte": oggi}),
                            Q("range", valido_al={"gte": oggi}),
                        ],
                    ),
                ],
                minimum_should_match=1,
            )
        )
    if q.con_convenzione_per is not None:
        clauses.append(
            Q(
                "bool",
                should=[
                    Q(
                        "bool",
                        filter=[Q("terms", ente_id=list(q.con_convenzione_per.enti))],
                        must_not=[Q("term", tipo="convenzione")],
                    ),
                    Q(
                        "bool",
                        filter=[
                            Q("term", tipo="convenzione"),
                            Q("terms", oggetto_id=list(q.con_convenzione_per.convenzioni)),
                        ],
                    ),
                ],
                minimum_should_match=1,
            )
        )
    if q.categorie:
        clauses.append(Q("terms", categorie=list(q.categorie)))
    if q.tipo_ente:
        clauses.append(Q("term", tipo_ente=q.tipo_ente))
    if q.destinatari:
        clauses.append(Q("term", destinatari=q.destinatari))
    if q.comuni:
        clauses.append(
            Q(
                "bool",
                should=[
                    Q("terms", comune_id=list(q.comuni)),
                    Q("terms", comuni_copertura=list(q.comuni)),
                ],
                minimum_should_match=1,
            )
        )
    if q.punto is not None and q.raggio_km is not None:
        clauses.append(Q("geo_distance", distance=f"{float(q.raggio_km)}km", punto=_point(q)))
    if q.bbox is not None:
        minlon, minlat, maxlon, maxlat = q.bbox
        clauses.append(
            Q(
                "geo_bounding_box",
                punto={
                    "top_left": {"lat": maxlat, "lon": minlon},
                    "bottom_right": {"lat": minlat, "lon": maxlon},
                },
            )
        )
    if q.poligono is not None:
        clauses.append(
            Q(
                "geo_shape",
                punto={"shape": json.loads(q.poligono.geojson), "relation": "intersects"},
            )
        )
    if q.aperto_il is not None:
        clauses.append(_open_at(q.aperto_il))
    if q.aperto_giorno is not None:
        clauses.append(_open_on(q.aperto_giorno, q.aperto_parte or None))
    elif q.aperto_parte:
        clauses.append(_open_in_part_of_week(q.aperto_parte))
    if q.gratuito is not None:
        clauses.append(Q("term", gratuito=q.gratuito))
    if q.lingua:
        clauses.append(Q("term", lingue=q.lingua))
    if q.accessibile is not None:
        clauses.append(Q("term", accessibile=q.accessibile))
    return clauses


def _geo_sort(query: SearchQuery) -> dict:
    return {
        "_geo_distance": {
            "punto": _point(query),
            "order": "asc",
            "unit": "km",
            "distance_type": "arc",
            "ignore_unmapped": True,
        }
    }


def _sort(query: SearchQuery, has_text: bool) -> list:
    """postgres' ORDER BY; `riga_id` (the row id) breaks ties as `d.id` does there."""
    tie = {"riga_id": {"order": "asc"}}
    score = {"_score": {"order": "desc"}}
    if query.ordinamento == Ordinamento.DISTANZA and query.punto is not None:
        return [_geo_sort(query), score, tie]
    if query.ordinamento == Ordinamento.AGGIORNAMENTO:
        return [{"aggiornato_il": {"order": "desc"}}, tie]
    if has_text or query.punto is not None:
        return [score, *([_geo_sort(query)] if query.punto is not None else []), tie]
    return [{"aggiornato_il": {"order": "desc"}}, tie]


def _scored_query(query: SearchQuery) -> tuple[Q, bool]:
    whole_last = query.has_text and last_word_whole(query.q)
    must, should = text_queries(query.q, whole_last=whole_last)
    has_text = bool(must)
    if not must and query.punto is not None:
        must = [Q("match_all")]  # a score of 1 for the distance decay to work on
    base = Q("bool", filter=filters(query), must=must, should=should)
    if query.punto is None:
        return base, has_text
    decayed = Q(
        "function_score",
        query=base,
        functions=[
            {
                "filter": Q("exists", field="punto"),
                "gauss": {
                    "punto": {"origin": _point(query), "scale": f"{DECAY_KM}km", "decay": 0.5}
                },
            },
            {
                "filter": Q("bool", must_not=[Q("exists", field="punto")]),
                "weight": MISSING_POINT_WEIGHT,
            },
        ],
        score_mode="first",
        boost_mode="multiply",
    )
    return decayed, has_text


def build_search(
    query: SearchQuery,
    *,
    facets: bool,
    ambiti: dict[str, list[str]] | None = None,
) -> Search:
    """The ES request for a search; it never calls the cluster.

    The database is read only for what ES cannot know: with facets, the Ambiti's
    members (unless `ambiti` is given).
    """
    scored, has_text = _scored_query(query)
    search = (
        Search(index=settings.ELASTICSEARCH_INDEX)
        .query(scored)
        .sort(*_sort(query, has_text))
        .collapse("chiave")
        .source(HIT_SOURCE)
        .extra(
            from_=query.offset,
            size=query.per_pagina,
            track_total_hits=True,
            track_scores=True,
            timeout=_TIMEOUT,
        )
    )
    if has_text:
        search = (
            search.highlight("testo", fragment_size=180, number_of_fragments=1)
            .highlight("titolo", "ente_nome", "categorie_nomi", number_of_fragments=0)
            .highlight_options(encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"])
        )
    search.aggs.metric(
        "oggetti", "cardinality", field="chiave", precision_threshold=COUNT_PRECISION
    )
    if facets:
        _facet_aggs(search, ambiti if ambiti is not None else ambiti_membri())
    return search


def _facet_aggs(search: Search, ambiti: dict[str, list[str]]) -> None:
    fields = {
        "tipo": "tipo",
        "categoria": "categorie",
        "tipo_ente": "tipo_ente",
        "comune": "comune_id",
    }
    for name, field in fields.items():
        search.aggs.bucket(name, "terms", field=field, size=FACET_SIZES[name]).metric(
            "oggetti", "cardinality", field="chiave", precision_threshold=FACET_PRECISION
        )
    if ambiti:
        search.aggs.bucket(
            "ambito",
            "filters",
            filters={slug: Q("terms", comune_id=members) for slug, members in ambiti.items()},
        ).metric("oggetti", "cardinality", field="chiave", precision_threshold=FACET_PRECISION)


# --- answers --------------------------------------------------------------------------


def search(query: SearchQuery, *, facets: bool = True) -> SearchResult:
    if query.offset + query.per_pagina > MAX_RESULT_WINDOW:
        raise BackendUnavailable("page beyond Elasticsearch's result window")
    raw = _execute(build_search(query, facets=facets))
    return result_from_response(raw, query, facets=facets)


def result_from_response(raw: dict, query: SearchQuery, *, facets: bool) -> SearchResult:
    """A SearchResult from a raw ES response to `build_search(query)`."""
    raw_hits = raw.get("hits", {}).get("hits", [])
    aggregations = raw.get("aggregations", {})
    count = int(aggregations.get("oggetti", {}).get("value", 0))
    if raw_hits and len(raw_hits) < query.per_pagina:
        count = query.offset + len(raw_hits)  # the last page: the exact count is known
    rows = raw.get("hits", {}).get("total", {}).get("value")
    if rows is not None:
        count = min(count, int(rows))
    hits = _hits(raw_hits, query)
    return SearchResult(
        backend=NAME,
        count=count,
        hits=hits,
        facets=_facets(aggregations) if facets else {},
    )


def _hits(raw_hits: list[dict], query: SearchQuery) -> list[Hit]:
    if not raw_hits:
        return []
    sources = [hit["_source"] for hit in raw_hits]
    points = [source.get("punto") or {} for source in sources]
    open_clause, open_params = open_at_sql("o", timezone.now())
    origin = [query.punto.x, query.punto.y] if query.punto is not None else [None, None]
    extra = {
        row["i"]: row
        for row in fetch_dicts(
            f"""
            SELECT p.i, c.nome AS comune_nome,
                   CASE WHEN o.orario_id IS NULL THEN NULL ELSE {open_clause} END AS aperto_ora,
                   ST_Distance(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography,
                               ST_SetSRID(ST_MakePoint(%s::float8, %s::float8), 4326)::geography)
                   / 1000.0 AS dist
            FROM unnest(%s::int[], %s::varchar[], %s::bigint[], %s::float8[], %s::float8[])
                 AS p(i, comune_id, riga, lon, lat)
            -- The hit's own row (its `_id`), with the schedule it copies, as postgres reads.
            LEFT JOIN search_documento o ON o.id = p.riga
            LEFT JOIN geo_data_comune c ON c.codice_istat = p.comune_id
            """,
            [
                *open_params,
                *origin,
                list(range(len(sources))),
                [source.get("comune_id") for source in sources],
                [int(hit["_id"]) for hit in raw_hits],
                [point.get("lon") for point in points],
                [point.get("lat") for point in points],
            ],
        )
    }
    has_text = query.has_text
    hits = []
    for position, (hit, source, point) in enumerate(zip(raw_hits, sources, points, strict=True)):
        more = extra[position]
        highlight = hit.get("highlight") or {}
        fragments = highlight.get("testo") or highlight.get("titolo")
        if has_text and fragments:
            snippet = fragments[0]
        else:
            snippet = html.escape((source.get("testo") or "")[:200])
        dist = more["dist"]
        hits.append(
            Hit(
                tipo=source["tipo"],
                id=source["oggetto_id"],
                titolo=source["titolo"],
                ente={
                    "id": source.get("ente_id"),
                    "nome": source.get("ente_nome"),
                    "tipo": source.get("tipo_ente"),
                },
                comune=(
                    {"codice_istat": source["comune_id"], "nome": more["comune_nome"]}
                    if source.get("comune_id")
                    else None
                ),
                distanza_km=round(dist, 3) if dist is not None else None,
                snippet=snippet,
                aperto_ora=more["aperto_ora"],
                punto=[point["lon"], point["lat"]] if point else None,
                sede_id=source.get("sede_id"),
                demo=bool(source.get("demo")),
                score=round(float(hit.get("_score") or 0.0), 6),
                ente_evidenziato=next(iter(_marked(highlight.get("ente_nome"))), None),
                categorie_trovate=_marked(highlight.get("categorie_nomi")),
            )
        )
    return hits


def _marked(fragments: list[str] | None) -> list[str]:
    """The highlighted values of a field that hold a word of the query (as postgres'
    `_FOUND_IN_SQL` gives them): a whole field's highlight may list values without."""
    return [fragment for fragment in fragments or [] if "<mark>" in fragment]


def _facets(aggregations: dict) -> dict[str, list[dict]]:
    def count(bucket: dict) -> int:
        return min(int(bucket["oggetti"]["value"]), int(bucket["doc_count"]))

    raw: dict[str, list[dict]] = {name: [] for name in FACETS}
    for name in ("tipo", "categoria", "tipo_ente", "comune"):
        buckets = aggregations.get(name, {}).get("buckets", [])
        raw[name] = [{"valore": b["key"], "n": count(b)} for b in buckets if b["doc_count"]]
    ambiti = aggregations.get("ambito", {}).get("buckets", {})
    raw["ambito"] = [
        {"valore": slug, "n": count(bucket)}
        for slug, bucket in ambiti.items()
        if bucket["doc_count"]
    ]
    return label_facets(raw)


# --- map ------------------------------------------------------------------------------


def build_map(query: SearchQuery, zoom: int) -> Search:
    """Clusters (geotile cells a quarter of a map tile) below POINTS_FROM_ZOOM, else points."""
    base = Q("bool", filter=[*filters(query), Q("exists", field="punto")])
    search = Search(index=settings.ELASTICSEARCH_INDEX).query(base)
    if zoom >= POINTS_FROM_ZOOM:
        return (
            search.sort({"riga_id": {"order": "asc"}})
            .source(["tipo", "oggetto_id", "titolo", "sede_id", "demo", "punto"])
            .extra(size=MAX_POINTS + 1, track_total_hits=False, timeout=_TIMEOUT)
        )
    grid = {"field": "punto", "precision": min(zoom + 2, 29), "size": MAX_CLUSTERS}
    if query.bbox is not None:
        minlon, minlat, maxlon, maxlat = query.bbox
        grid["bounds"] = {
            "top_left": {"lat": maxlat, "lon": minlon},
            "bottom_right": {"lat": minlat, "lon": maxlon},
        }
    cells = search.aggs.bucket("celle", "geotile_grid", **grid)
    cells.metric("centro", "geo_centroid", field="punto")
    cells.metric("limiti", "geo_bounds", field="punto")
    return search.extra(size=0, track_total_hits=False, timeout=_TIMEOUT)


def map_view(query: SearchQuery, zoom: int) -> MapResult:
    raw = _execute(build_map(query, zoom))
    return map_from_response(raw, zoom)


def map_from_response(raw: dict, zoom: int) -> MapResult:
    if zoom >= POINTS_FROM_ZOOM:
        points = []
        for hit in raw.get("hits", {}).get("hits", []):
            source = hit["_source"]
            points.append(
                {
                    "tipo": source["tipo"],
                    "id": source["oggetto_id"],
                    "titolo": source["titolo"],
                    "sede_id": source.get("sede_id"),
                    "demo": bool(source.get("demo")),
                    "lon": source["punto"]["lon"],
                    "lat": source["punto"]["lat"],
                }
            )
        return MapResult.of_points(NAME, zoom, points, MAX_POINTS)
    clusters = []
    for bucket in raw.get("aggregations", {}).get("celle", {}).get("buckets", []):
        centre = bucket["centro"]["location"]
        bounds = bucket["limiti"]["bounds"]
        clusters.append(
            Cluster(
                count=bucket["doc_count"],
                centro=[round(centre["lon"], 6), round(centre["lat"], 6)],
                bounds=[
                    bounds["top_left"]["lon"],
                    bounds["bottom_right"]["lat"],
                    bounds["bottom_right"]["lon"],
                    bounds["top_left"]["lat"],
                ],
            )
        )
    clusters.sort(key=lambda c: -c.count)
    return MapResult(backend=NAME, zoom=zoom, clusters=clusters, points=[])


# --- suggestions ----------------------------------------------------------------------


def build_suggest(prefix: str, limit: int) -> Search | None:
    """Titles matching the prefix as the search would, its last word always as the
    beginning of a word, whole or not: it is being typed (None when there are no words)."""
    must, _ = text_queries(prefix)
    if not must:
        return None
    folded = " ".join(words(prefix))
    ranking = [
        Q("match", **{"titolo.prefissi": {"query": folded, "operator": "and"}}),
        Q("match_phrase_prefix", titolo={"query": folded, "boost": 2}),
    ]
    # As postgres' type-ahead titles: only the kinds whose rows are always valid.
    kinds = Q("terms", tipo=sorted(set(SearchQuery.tipi) - DATED_TYPES))
    return (
        Search(index=settings.ELASTICSEARCH_INDEX)
        .query(Q("bool", filter=[kinds], must=must, should=ranking))
        .collapse("titolo.keyword")
        .sort({"_score": {"order": "desc"}}, {"titolo.keyword": {"order": "asc"}})
        .source(["titolo"])
        .extra(size=limit, track_total_hits=False, timeout=_TIMEOUT)
    )


def suggest(prefix: str, limit: int = 8) -> list[dict]:
    if not words(prefix):
        return []
    request = build_suggest(prefix, limit)
    titles = []
    if request is not None:
        raw = _execute(request)
        titles = [hit["_source"]["titolo"] for hit in raw.get("hits", {}).get("hits", [])]
    return with_titles(category_suggestions(prefix), titles, limit)
