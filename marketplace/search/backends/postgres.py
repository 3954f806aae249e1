"""The default backend: the `search_documento` table, full text, trigrams and PostGIS.

Built so that no statement of a request visits every match of a broad query (at a
million services "asilo" matches 38,000 rows, "assistenza" 170,000):

- text: the stored tsvector (Italian stemming, accents folded) with the domain
  synonyms and a prefix match on the last word; typos are corrected before (spelling);
- text ranking: `ts_rank`, read in order from the RUM index where the extension is
  installed (the top results without visiting the rows), computed per row otherwise;
  a broad text (ranking every match would cost more) is ranked among its COUNT_CAP + 1
  most recently updated matches, found by walking the rows by date (see _breadth);
- text with a point: the text rank saturates at that of a perfect title match and
  decays with distance (halved at DECAY_KM); the nearest matches are read from the KNN
  index in growing batches until no farther row can outrank the page (exact); within
  a radius, the rare matches of a text all at once from one scan of the text's index,
  which also holds the tiles of each place in the map grid and the values of its
  filters with few values (see _circle_through_indexes, ROW_KEYS);
- opening hours: copied on each row (see open_at_sql); where few of a text's matches
  are open at the hours asked, the index of the text also gives them through the keys of
  the hours (OPEN_KEYS), and each is ranked (see FEW_OPEN_SHARE, _few_open_ranked_each);
- places: radius and nearest on geography (metres on the sphere, never degrees),
  through a GiST index on `punto::geography`; bbox and polygon on the geometry's index;
  a full rebuild writes rows in geohash order, so neighbours share pages;
- counts: exact up to COUNT_CAP rows, "at least" beyond;
- facets: exact up to COUNT_CAP rows, estimated beyond from a random sample of objects
  (the `campione` buckets), and flagged as estimates;
- map clusters: the pre-aggregated grid (`search_cella`) when the area and at most one
  other filter the cells hold are given (a category, free, accessible, provider kind,
  people, language, one of the commonest words of the texts), or up to four categories
  (their cells added, the places in several of them taken back from their rows); for
  what is open at a moment with no other filter, the weekly spans of the cells
  (`search_cella_orario`), and open on a day their weekdays (`search_cella_giorno`),
  the cells with an exception that day grouped from their rows; within a radius, the
  cells wholly inside the circle and the rows of the cells on its edge (grid.
  disc_cells); grid grouping of the matching rows otherwise (a text's within a radius
  found through the circle's tiles, see _radius_by_tiles, and its filters' values
  through their keys, see ROW_KEYS); agreements, valid only within their dates, are
  never pre-aggregated: their rows (a few thousand at most) are grouped with the cells;
- agreements' dates: a row filter with the day of the request (null for the other kinds,
  so the planner's estimates do not change); `con_convenzione_per`: the Ente ids and
  agreement ids the convenzioni selectors computed for the request, read through the
  `ente_id` and (`tipo`, `oggetto_id`) indexes.
"""

from __future__ import annotations

import html
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone
from django.utils.text import capfirst

from convenzioni.models import Convenzione
from marketplace.search.cache import memo
from marketplace.search.grid import (
    EVERYWHERE,
    IN_CELLS,
    TILE_KEYS,
    TILE_PAIR_COST,
    disc_cells,
    disc_tiles,
)
from marketplace.search.index import (
    CELL_DEGREES,
    CELL_ZOOM,
    PER_TIPO,
    SAMPLE_BUCKETS,
    UNDATED,
    WORD_CELLS,
)
from marketplace.search.query import (
    TEXT_FIELDS,
    ConvenzioniPer,
    Ordinamento,
    SearchQuery,
    territory_names,
)
from marketplace.search.results import COUNT_CAP, Cluster, Hit, MapResult, SearchResult
from marketplace.search.sql import (
    fetch_dicts,
    lexemes_beginning,
    quoted_lexeme,
    typed_whole,
    unquoted_lexeme,
)
from marketplace.search.text import (
    italian_vector_sql,
    marked_text_sql,
    marks_names,
    marks_places,
    postgres_tsquery,
    query_groups,
    restore_marked,
    synonyms_being_typed,
    words,
)
from marketplace.search.tsquery import without_repeats
from marketplace.templatetags.sito import nome_tradotto
from punti_informazione.models import PuntoInformazione
from servizi.models import Categoria, Servizio, TipoEnte
from servizi.orari import PARTI_DEL_GIORNO, part_hours

NAME = "postgres"
LOCAL = ZoneInfo("Europe/Rome")
DECAY_KM = 5.0  # at this distance a result's relevance is halved
NO_POINT_KM = 1000.0  # a row without a point (a service delivered at home) ranks as this far
MARK_START, MARK_END = "\x02", "\x03"
# Rows read by the first nearest-first batch (400 nearest matches settle a page of 20
# "assistenza" in Milan at a million services); each further batch is four times larger.
FIRST_BATCH = 400
# Facets of a broad search are estimated on about this many sampled rows.
FACET_SAMPLE_ROWS = 1000
# A bbox at least this large (about 8,700 km² at these latitudes: a map of a large
# province or more, zoom 10 and lower) does not narrow the rows enough to check a
# category on them: see _Sql._build.
WIDE_BBOX_SQUARE_DEGREES = 1.0
ALL_TYPES = frozenset(SearchQuery.tipi)
# Kinds whose rows are valid only within their dates (agreements).
DATED_TYPES = frozenset(PER_TIPO) - frozenset(UNDATED)
POINT_SQL = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
# Within the radius, on the sphere (the row's alias in `{a}`; see radius_params).
WITHIN_RADIUS = f"ST_DWithin({{a}}.punto::geography, {POINT_SQL}, %s, false)"
# A tsquery as text_tsqueries writes it.
TSQUERY_SQL = "%s::tsquery"

# The keys of a row that the index of the text and the sets holds beside them, in one
# array (search_doc_testo_insiemi, migration 0026): the tiles of its place (grid) and
# the values of its filters with few values (FILTER_KEYS). GIN reads the keys a search
# asks (`&&` for a circle's tiles, `@>` for the filters' values) in the same scan as
# the text's lexemes, each list cut short by the others: the rows of a text within a
# radius or with such a filter are found there, not each read to be checked. At a
# million services, "asilo" for free within 10 km of the Duomo: 13 ms for the circle's
# bitmap (164,562 places) and 6 for the text's (38,164 rows), then 7,100 rows read;
# with the tiles, 2.8 ms for 6,700. The region's map of "assistenza" for free: 170,807
# rows read for 45,817, 174 ms; with the key of "free", 88. The SQL is the index's own,
# or the planner does not match it (the row's alias in `{a}`).
FILTER_KEYS = {
    "gratuito": "(1::int8 << 56) + {a}.gratuito::int",
    "accessibile": "(1::int8 << 56) + 2 + {a}.accessibile::int",
    "tipo_ente": (
        "(1::int8 << 56) + CASE {a}.tipo_ente WHEN 'pubblico' THEN 4 "
        "WHEN 'terzo_settore' THEN 5 WHEN 'impresa' THEN 6 ELSE 7 END"
    ),
}
_FILTER_KEY_VALUES = {
    "gratuito": {False: 0, True: 1},
    "accessibile": {False: 2, True: 3},
    "tipo_ente": {"pubblico": 4, "terzo_settore": 5, "impresa": 6},
}
# And the province of its place: the first three digits of its Comune's ISTAT code
# (migration 0028). A text's matches placed in several Comuni are found in one scan with
# their provinces' keys (see _in_comuni): at a million services, the scan for "badante"
# and its synonyms in the province of Bergamo (243 Comuni) took 4.3 ms for its 8,300
# matches, where the text's bitmap alone took 22 for the 67,700 rows with its words; the
# search, 47 -> 27 ms.
PROVINCE_KEY = "(8::int8 << 56) + left({a}.comune_id, 3)::int"
# And when its week is open (migrations 0040, 0041, the function search_chiavi_settimana):
# each weekday and part of a weekday its weekly slots meet, each part of the day they
# meet on some day of the week, and whether it has special hours; each of those spans
# they do not meet, as closed; and each weekday's small hours they meet. A text's
# matches open on a day are found in one scan with that day's keys (see open_keys): at a
# million services "badante" and its synonyms open on a Sunday, 1,600 of the text's
# 67,700 rows. Those closed, with the closed key (see closed_keys): the map of a common
# word open on a day is its cells less them (see _CLOSED_ROWS).
OPEN_KEYS = "search_chiavi_settimana({a}.settimana, {a}.notte, {a}.orari_speciali)"
ROW_KEYS = (
    "(ARRAY[" + ", ".join([*TILE_KEYS, *FILTER_KEYS.values(), PROVINCE_KEY]) + f"] || {OPEN_KEYS})"
)


def filter_key(name: str, value) -> int:
    """The key of a filter's value, as FILTER_KEYS computes it in SQL."""
    return (1 << 56) + _FILTER_KEY_VALUES[name][value]


def province_keys(comuni: tuple[str, ...]) -> list[int]:
    """The keys of the provinces of `comuni` (ISTAT codes), as PROVINCE_KEY computes them."""
    return sorted({(8 << 56) + int(codice[:3]) for codice in comuni if codice[:3].isdigit()})


# The open keys' numbers (OPEN_KEYS): weekday `day` (0 = Monday) whole is 4 * day, in a
# part of the day 4 * day + its place in PARTI_DEL_GIORNO (from 1); a part on some day
# of the week 28 + that place; special hours 32; the small hours of weekday `day` 33 +
# day. A closed key is its open key's number + CLOSED_KEY (not for the small hours).
_PART_NUMBERS = {None: 0} | {parte: n for n, parte in enumerate(PARTI_DEL_GIORNO, start=1)}
SPECIAL_HOURS_KEY = (9 << 56) + 32
SMALL_HOURS = (0, 6)  # in no part of the day: a moment then asks their own key
CLOSED_KEY = 64


def open_key(giorno: int | None, parte: str | None = None) -> int:
    """The key of weekday `giorno` (0 = Monday), whole or in its part `parte`; with no
    weekday, of `parte` on some day of the week (OPEN_KEYS)."""
    number = _PART_NUMBERS[parte]
    return (9 << 56) + (28 + number if giorno is None else 4 * giorno + number)


def closed_key(giorno: int | None, parte: str | None = None) -> int:
    """The key of the rows whose weekly slots do not meet that weekday or part of it (or
    part of the week), as open_key names it."""
    return open_key(giorno, parte) + CLOSED_KEY


def small_hours_key(giorno: int) -> int:
    """The key of the rows whose weekly slots meet the small hours of weekday `giorno`."""
    return (9 << 56) + 33 + giorno


def _day_and_part(when: datetime) -> tuple[date, str | None]:
    """The local day of a moment, and the part of the day it falls in (None in the small
    hours, which belong to none)."""
    local = OpenAt.of(when).local
    parte = next((p for p, (a, b) in PARTI_DEL_GIORNO.items() if a <= local.hour < b), None)
    return local.date(), parte


def keyed_schedule_sql(query: SearchQuery) -> tuple[str, list] | None:
    """The hours' condition that the query's open keys stand for (schedule_sql, a moment
    widened to its part of the day, or to the small hours): what the rows found through
    those keys pass, but for the few with special hours."""
    if query.aperto_il is not None:
        day, parte = _day_and_part(query.aperto_il)
        return open_in_hours_sql("d", day, part_hours(parte) if parte else SMALL_HOURS)
    return schedule_sql(query)


def open_keys(query: SearchQuery) -> list[int] | None:
    """The keys (OPEN_KEYS) of which every row the query's opening hours let pass holds
    one, as schedule_sql tests them; None when it asks for none. A row open on a day by
    its weekly slots has that day's key (for its part, if asked; at a moment of the small
    hours, their key); one open there by the special hours of an exception has the key
    of special hours. A part of the week is read on the weekly slots alone."""
    if query.aperto_il is not None:
        day, parte = _day_and_part(query.aperto_il)
        weekday = day.weekday()
        key = open_key(weekday, parte) if parte else small_hours_key(weekday)
        return [key, SPECIAL_HOURS_KEY]
    if query.aperto_giorno is not None:
        weekday = query.aperto_giorno.weekday()
        return [open_key(weekday, query.aperto_parte or None), SPECIAL_HOURS_KEY]
    if query.aperto_parte:
        return [open_key(None, query.aperto_parte)]
    return None


def closed_keys(query: SearchQuery) -> list[int] | None:
    """For a day (or its part) or a part of the week asked, the key of the rows whose
    weekly slots do not meet it: with those whose exceptions cover that day or the day
    before (a day: see _CLOSED_ROWS), every row closed then holds it. None for a moment,
    whose rows closed the keys cannot tell, or no hours."""
    if query.aperto_giorno is not None:
        return [closed_key(query.aperto_giorno.weekday(), query.aperto_parte or None)]
    if query.aperto_parte and query.aperto_il is None:
        return [closed_key(None, query.aperto_parte)]
    return None


class _Sql:
    """A WHERE clause and its parameters, built from a validated SearchQuery.

    With `radius=False` the radius is left out: the nearest-first statements apply it
    to the distances they read (see _rank_near). With `ranked=True` the text matches
    on the vector itself, which only the RUM index serves (see ranked_index). With
    `text_per_row=True` no index serves the text: it is checked on the rows another
    index or order reads (see _breadth). With `comuni=False` the Comuni are left out
    (see _recent_in_comuni). With `radius_per_row=True` the radius is checked on the
    rows another index or order reads (see _walk_the_circle). With `radius_by_tiles=True`
    a text's radius is found through the tiles of the text's index, and checked on the
    rows it gives (see _rank_near, _radius_by_tiles). With `filters_by_keys=True` a
    text's filters with a key in that index (FILTER_KEYS) are found there (see
    ROW_KEYS). With `every_row=True`
    every matching row is read (the
    map's grouping): in a view of more than VIEW_READ_FIRST_PLACES places a category is
    left to its index (see _build). With `collected=True` a category is left to an
    index that holds it with the text: the matches of a broad text collected through
    the indexes (see _collect_matches), or read from the recent rows' (_recent_matches).
    With `recent=True` (the recent rows' statement) the provider kind is left to their
    index too, which holds it (migration 0021).
    """

    def __init__(
        self,
        query: SearchQuery,
        alias: str = "d",
        *,
        radius: bool = True,
        radius_per_row: bool = False,
        radius_by_tiles: bool = False,
        filters_by_keys: bool = False,
        ranked: bool = False,
        text_per_row: bool = False,
        comuni: bool = True,
        every_row: bool = False,
        collected: bool = False,
        recent: bool = False,
        later: bool = False,
    ):
        self.query = query
        self.later = later
        self.a = alias
        self.radius = radius
        self.radius_per_row = radius_per_row
        self.radius_by_tiles = radius_by_tiles
        self.filters_by_keys = filters_by_keys
        self.ranked = ranked
        self.text_per_row = text_per_row
        self.comuni = comuni
        self.every_row = every_row
        self.collected = collected or recent
        self.recent = recent
        self.clauses: list[str] = []
        self.params: list = []
        self.keys: list[int] = []  # the row's keys asked (filters_by_keys)
        self.open_keyed = False  # the hours' keys asked (see OPEN_KEYS)
        self._build()
        if self.keys:
            self.add(f"{ROW_KEYS.format(a=alias)} @> %s::int8[]", self.keys)

    def add(self, clause: str, *params) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def where(self) -> str:
        return " AND ".join(self.clauses) or "TRUE"

    def _build(self) -> None:
        q, a = self.query, self.a
        if set(q.tipi) != ALL_TYPES:
            self.add(f"{a}.tipo = ANY(%s)", list(q.tipi))
        if self.later:
            # The dated rows (agreements) valid from a day after the request's only.
            self.add(f"{a}.tipo = ANY(%s) AND {a}.valido_dal > %s", list(DATED_TYPES), q.oggi)
        elif DATED_TYPES & set(q.tipi):
            # Agreements only within their dates, on the day of the request.
            self.add(
                f"({a}.valido_dal IS NULL OR %s BETWEEN {a}.valido_dal AND {a}.valido_al)", q.oggi
            )
        if q.con_convenzione_per is not None:
            self.add(
                f"(({a}.tipo <> 'convenzione' AND {a}.ente_id = ANY(%s::bigint[])) "
                f"OR ({a}.tipo = 'convenzione' AND {a}.oggetto_id = ANY(%s::bigint[])))",
                list(q.con_convenzione_per.enti),
                list(q.con_convenzione_per.convenzioni),
            )
        if q.has_text:
            if self.ranked:  # the RUM index ranks by the same query
                self.add(f"{a}.vettore @@ {TSQUERY_SQL}", text_tsqueries(q.q).ranked)
            elif self.text_per_row:  # `IS TRUE`: not indexable
                self.add(f"({a}.vettore @@ %s::tsquery) IS TRUE", text_tsqueries(q.q).matching)
            else:
                self.add(f"strip({a}.vettore) @@ %s::tsquery", text_tsqueries(q.q).matching)
        if q.categorie:
            overlap = f"{a}.categorie && %s::varchar[]"
            if q.comuni or (q.has_text and not self.collected) or self._narrow_area():
                # Another restriction already narrows the rows: check the categories on
                # them, and keep their GIN index out of the plan (`IS TRUE` is not
                # indexable). The planner underrates the cost of that index's bitmap for
                # a common category: "anziani" is 150,000 rows, 40 ms to collect, while
                # its services in Milan are found among the Comune's rows in 10 ms.
                # So does a bbox smaller than WIDE_BBOX_SQUARE_DEGREES, where a page
                # by date finds its rows soon; a wider one is left to the planner, which
                # then takes the categories' index with the others that apply (the
                # region's map of "anziani" in English: 200 ms by the languages' index
                # alone, 93 ms by both). So is a map's larger view, whose every row is
                # grouped: in Milan's metropolitan area (426,000 places in 0.44 square
                # degrees) checking each place made "anziani" open on Monday at 10 take
                # 350 ms, the bitmap 156. In a small view of central Milan (18,700
                # places) the bitmap made the same map 30 ms slower. A broad text's
                # collected matches are found in one scan of the index of the text and
                # the sets (_collect_matches).
                overlap = f"({overlap}) IS TRUE"
            self.add(overlap, list(q.categorie))
        # Another restriction whose index narrows the rows (a Comune, the text's, a small
        # area): the provider kind and "free" are then checked on them (below). Asked
        # only for them: a map's small view is measured in the map cells.
        narrowed = (q.tipo_ente or q.gratuito is not None) and (
            q.comuni or (q.has_text and not self.text_per_row) or self._narrow_area()
        )
        if q.tipo_ente and self._keyed():
            self.keys.append(filter_key("tipo_ente", q.tipo_ente))
        elif q.tipo_ente:
            kind = f"{a}.tipo_ente = %s"
            # The recent rows' index gives the rows of the text and of the kind in one
            # scan ("assistenza domiciliare" by public providers: its 469 recent matches,
            # where the text's 3,066 were each read to check the kind, 8.1 -> 2.0 ms at
            # a million services).
            if narrowed and not self.recent:
                # As the categories: another index narrows the rows, check it on them.
                # The kind's index (search_doc_ente_data, by date within a kind) is for
                # the walks by date: a broad text's (its text checked on each row), or
                # a page with no other restriction. Offered beside the text's index,
                # the planner took it for the recent rows' statement of "assistenza"
                # by public providers (13 -> 70 ms); beside the Comune's, 11 -> 30 ms.
                kind = f"({kind}) IS TRUE"
            self.add(kind, q.tipo_ente)
        if q.destinatari:
            self.add(f"{a}.destinatari @> ARRAY[%s]::varchar[]", q.destinatari)
        if q.comuni and self.comuni:
            self.add(
                f"({a}.comune_id = ANY(%s) OR {a}.comuni_copertura && %s::varchar[])",
                list(q.comuni),
                list(q.comuni),
            )
        if self.radius and q.punto is not None and q.raggio_km is not None:
            within = WITHIN_RADIUS.format(a=a)
            tiles = self._text_tiles()
            if tiles:
                self.add(f"{ROW_KEYS.format(a=a)} && %s::int8[]", list(tiles))
            if self.radius_per_row or tiles:
                within = f"({within}) IS TRUE"
            self.add(within, *radius_params(q))
        if q.bbox is not None:
            self.add(f"{a}.punto && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", *q.bbox)
        if q.poligono is not None:
            self.add(f"ST_Intersects({a}.punto, ST_GeomFromEWKT(%s))", q.poligono.ewkt)
        schedule = schedule_sql(q, a)
        if schedule is not None:
            clause, params = schedule
            self.add(clause, *params)
            few = FEW_OPEN_SHARE_GROUPED if self.every_row else FEW_OPEN_SHARE
            if (
                self._text_indexed()
                and not self.recent
                and (self.collected or _keyed_open_share(q) < few)
            ):
                # The text's matches open, found in one scan of the index of the text and
                # the sets with the keys of the hours (OPEN_KEYS).
                self.add(f"{ROW_KEYS.format(a=a)} && %s::int8[]", open_keys(q))
                self.open_keyed = True
        if q.gratuito is not None and self._keyed():
            self.keys.append(filter_key("gratuito", q.gratuito))
        elif q.gratuito is not None:
            free = f"{a}.gratuito = %s"
            # Its index (search_doc_gratuito_data, by date within free or not) is for the
            # walks by date, as the kind's; the recent rows' index does not hold it.
            # Not `IS TRUE`: on a boolean column a B-tree index serves that too.
            if narrowed or self.recent:
                free = f"{a}.gratuito IS NOT DISTINCT FROM %s"
            self.add(free, q.gratuito)
        if q.lingua:
            self.add(f"{a}.lingue @> ARRAY[%s]::varchar[]", q.lingua)
        if q.accessibile is not None and self._keyed():
            self.keys.append(filter_key("accessibile", q.accessibile))
        elif q.accessibile is not None:
            self.add(f"{a}.accessibile = %s", q.accessibile)

    def _text_indexed(self) -> bool:
        """Whether the text is found through its index (search_doc_testo_insiemi among
        them), where the row's keys are."""
        return self.query.has_text and not (self.ranked or self.text_per_row)

    def _keyed(self) -> bool:
        """Whether the filters with a key are found in the text's index."""
        return self.filters_by_keys and self._text_indexed() and not self.recent

    def _text_tiles(self) -> tuple[int, ...] | None:
        """The keys of the circle's tiles, when they are read in the text's index."""
        return _circle_tiles(self.query) if self.radius_by_tiles and self._text_indexed() else None

    def _narrow_area(self) -> bool:
        q = self.query
        if q.bbox is not None:
            minlon, minlat, maxlon, maxlat = q.bbox
            wide = (maxlon - minlon) * (maxlat - minlat) >= WIDE_BBOX_SQUARE_DEGREES
            if not wide and (not self.every_row or _small_view(q)):
                return True
        return (q.punto is not None and q.raggio_km is not None) or q.poligono is not None


def radius_params(query: SearchQuery) -> list:
    return [query.punto.x, query.punto.y, query.raggio_km * 1000]


@dataclass(frozen=True)
class OpenAt:
    """A moment as the schedule columns of a search row are tested against it (both
    backends): its local wall-clock time, its day and the day before, and its second of
    the week (Monday 00:00 = 0; weekly slots are kept to the second)."""

    local: datetime
    today: date
    yesterday: date
    second: int

    @classmethod
    def of(cls, when: datetime) -> OpenAt:
        local = when.astimezone(LOCAL).replace(tzinfo=None)
        today = local.date()
        second = today.weekday() * 86400 + local.hour * 3600 + local.minute * 60 + local.second
        return cls(local, today, today - timedelta(days=1), second)


def open_at_sql(row: str, when) -> tuple[str, list]:
    """SQL true when the search row `row` is open at `when`: servizi.orari.is_open_at in
    SQL, on the columns of marketplace.search.index.SCHEDULE_COLUMNS (a search_documento
    row, or `schedule_values` of a schedule), with no join: it runs in parallel workers.

    A slot belongs to the day it starts; an exception covering that day replaces its
    slots (none when closed, its own hours otherwise, kept in `orari_speciali`).
    """
    moment = OpenAt.of(when)
    clause = f"""(
      (NOT {row}.giorni_eccezione @> %s::date AND {row}.settimana @> %s::int)
      OR (NOT {row}.giorni_eccezione @> %s::date AND {row}.notte @> %s::int)
      OR {row}.orari_speciali @> %s::timestamp
    )"""
    return clause, [moment.today, moment.second, moment.yesterday, moment.second, moment.local]


def open_on_sql(row: str, day: date, parte: str | None = None) -> tuple[str, list]:
    """SQL true when the search row `row` is open at some moment of `day`, or of its part
    `parte`: a slot that starts on it, or the night part of the day before's (servizi.
    orari.is_open_on), each unless an exception covers the day it starts; or special
    hours of an exception that meet the day or its part."""
    return open_in_hours_sql(row, day, part_hours(parte))


def open_in_hours_sql(row: str, day: date, hours: tuple[int, int]) -> tuple[str, list]:
    """open_on_sql for the hours `hours` (from, to) of `day`."""
    first, last = hours
    start = day.weekday() * 86400
    low, high = start + first * 3600, start + last * 3600
    special, special_params = special_hours_in_sql(row, day, hours)
    clause = f"""(
      (NOT {row}.giorni_eccezione @> %s::date AND {row}.settimana && int4range(%s, %s))
      OR (NOT {row}.giorni_eccezione @> %s::date AND {row}.notte && int4range(%s, %s))
      OR {special}
    )"""
    return clause, [day, low, high, day - timedelta(days=1), low, high, *special_params]


def special_hours_in_sql(row: str, day: date, hours: tuple[int, int]) -> tuple[str, list]:
    """SQL true when the special hours of an exception of the search row `row` meet the
    hours `hours` (from, to) of `day` (open_in_hours_sql)."""
    first, last = hours
    midnight = datetime.combine(day, time())
    return f"{row}.orari_speciali && tsrange(%s::timestamp, %s::timestamp)", [
        midnight + timedelta(hours=first),
        midnight + timedelta(hours=last),
    ]


def open_in_part_of_week_sql(row: str, parte: str) -> tuple[str, list]:
    """SQL true when the weekly slots of the search row `row` meet the part `parte` of some
    day of the week (servizi.orari.is_open_in_part_of_week): the slots that start on a
    day, and the night parts of those of the day before."""
    first, last = part_hours(parte)
    parts = ",".join(f"[{d * 86400 + first * 3600},{d * 86400 + last * 3600})" for d in range(7))
    return f"({row}.settimana + {row}.notte) && %s::int4multirange", [f"{{{parts}}}"]


def schedule_sql(query: SearchQuery, row: str = "d") -> tuple[str, list] | None:
    """The query's condition on the opening hours of the search row `row` (open at a
    moment, on a day or in its part, in a part of some day of the week) and its
    parameters; None when it asks for none."""
    if query.aperto_il is not None:
        return open_at_sql(row, query.aperto_il)
    if query.aperto_giorno is not None:
        return open_on_sql(row, query.aperto_giorno, query.aperto_parte or None)
    if query.aperto_parte:
        return open_in_part_of_week_sql(row, query.aperto_parte)
    return None


# Rows with any word of a text (the planner's estimate) from which its rows in some
# Comuni are looked for among the Comuni's rows, when these are fewer (finds_something).
PER_ROW_ANY_WORDS = 20_000


def finds_something(text: str, oggi: date, comuni: tuple[str, ...] = ()) -> bool:
    """Whether a row in force on `oggi` holds the text's words (any row, without words),
    in one of `comuni` when given: as the search finds them (places.read_text).

    A common text's rows in a Comune are found by checking the Comune's rows, the first
    that matches ending the search: through the text's index, the bitmap of every row
    with its words is built first ("assistenza domiciliare" in Lodi: 47,000 rows, 25-35
    ms at a million services; the Comune's first 3,200 rows, 0.6 ms). A rare text's are
    found through its index (in Milan's 94,000 rows, "logopedista", in none of them:
    0.6 ms, and 680 ms checking each)."""
    query = SearchQuery(q=text, comuni=comuni, oggi=oggi)
    per_row = False
    if comuni and query.has_text:
        any_words = _estimated_matches(text_tsqueries(text).ranked.replace("&", "|"))
        in_comuni = _estimated_rows_in_comuni(comuni)
        per_row = any_words >= max(PER_ROW_ANY_WORDS, in_comuni)
    found = _Sql(query, text_per_row=per_row)
    sql = f"SELECT EXISTS (SELECT 1 FROM search_documento d WHERE {found.where})"
    (row,) = fetch_dicts(sql, found.params)
    return row["exists"]


def agreements_later(query: SearchQuery) -> dict | None:
    """The published agreements the query finds only from a day after its own: how many,
    and the first day one of them is valid from ({"count", "dal"}); None when there are
    none, or when agreements are not asked for. "vaccini" found nothing in early
    December, where an agreement about flu shots is valid from the 26th: the answer now
    says so. The other filters apply as they are (a Comune, a network...)."""
    if not DATED_TYPES & set(query.tipi):
        return None
    if query.con_convenzione_per is not None:
        beneficiario = query.con_convenzione_per.beneficiario
        query = replace(
            query, con_convenzione_per=ConvenzioniPer.of(beneficiario, query.oggi, later=True)
        )
    later = _Sql(query, later=True)
    sql = (
        "SELECT count(DISTINCT (d.tipo, d.oggetto_id)) AS count, min(d.valido_dal) AS dal "
        f"FROM search_documento d WHERE {later.where}"
    )
    (row,) = fetch_dicts(sql, later.params)
    return {"count": row["count"], "dal": row["dal"].isoformat()} if row["count"] else None


# A prefix that begins more lexemes than this is left to GIN (each is a list to read).
MAX_PREFIX_LEXEMES = 8


@dataclass(frozen=True)
class TextTsqueries:
    """The tsqueries of a query's text, as `%s::tsquery` reads them (text_tsqueries)."""

    ranked: str  # ranks the rows and marks their snippets (TSQUERY_SQL)
    any_group: str  # its groups OR-ed: where in a row some of the words are (_FOUND_IN_SQL)
    matching: str  # finds the rows: `ranked` with its prefix written as lexemes
    whole: bool = False  # the last word was typed whole: no prefix (last_word_whole)


def text_tsqueries(text: str) -> TextTsqueries:
    """The tsqueries of text.postgres_tsquery, normalised once (one statement, kept per
    index version) with the last word typed also matching as a prefix: its stem, or a
    lexeme that begins with the word as typed ("domicil": `'domicil':*`, domicilio and
    domiciliarità), unless it was typed whole (see last_word_whole).

    `to_tsquery` would take the prefix of the stem, and a stem is often a shorter word:
    `cen:*` found every "centro" (132,357 rows where 'cen' is in 1,178 at a million
    services), "casa" every "cassa" and "caserma", "cura" every "curriculum". The
    prefix is dropped where no lexeme begins with the word typed (the whole word typed,
    as mostly): the stem alone finds the same rows, ranked by one operand as before.

    `matching` writes the prefix as the lexemes of the index that begin so (see
    models.Lessema), when there are at most MAX_PREFIX_LEXEMES: the same rows. GIN
    gathers a prefix's rows into a bitmap of every lexeme that begins so, but reads a
    lexeme's list skipping what the other words rule out: "assistenza domiciliare"
    (domicil:* was domicil and domiciliar) 114-146 -> 39 ms for its bitmap at a million
    services. Only to find rows: ranking and snippets keep the prefix (ts_rank pairs the
    positions of distinct terms of the query, so that an alternative of two lexemes
    would rank a row with both differently).
    """
    return memo(("search_text_tsqueries", text), lambda: _text_tsqueries(text))


def last_word_whole(text: str) -> bool:
    """Whether the last word of the text was typed whole (sql.typed_whole), and so is
    searched as that word only (its stem, synonyms, other number), not also as the
    beginning of longer ones: the suggestions complete a word being typed.

    As a prefix, "sport" listed every "Sportello" first at a million services, "bagno"
    the services at Bagnolo Cremasco, "casa" those at Casalpusterlengo, "monte" those
    at Montesegale: a match of the prefix ranks as high as one of the word (ts_rank,
    RUM and Elasticsearch's scores weigh each term alike), and the generated titles end
    with their Comune. The same for both backends (elasticsearch.text_queries)."""
    return text_tsqueries(text).whole


_NORMALISED_TSQUERIES = f"""
SELECT to_tsquery('italiano', %s)::text AS ranked, to_tsquery('italiano', %s)::text AS any_group,
    array(
        SELECT lessema FROM search_lessema WHERE {lexemes_beginning("t.typed")}
        ORDER BY lessema LIMIT %s
    ) AS lexemes,
    {typed_whole("t.typed")} AS whole
FROM (SELECT %s::text AS typed) t
"""
# The prefixed term of a normalised tsquery ("'cen':*"): only the last word's.
_PREFIXED = re.compile(r"'(?:[^']|'')+':\*")


def _text_tsqueries(text: str) -> TextTsqueries:
    tokens = words(text)
    typed = tokens[-1] if tokens else ""
    (row,) = fetch_dicts(
        _NORMALISED_TSQUERIES,
        [
            postgres_tsquery(text),
            postgres_tsquery(text, any_group=True),
            MAX_PREFIX_LEXEMES + 1,
            typed,
        ],
    )
    ranked, any_group, lexemes = row["ranked"], row["any_group"], row["lexemes"]
    prefixed = _PREFIXED.findall(ranked)
    if len(prefixed) != 1:  # the last word is a stop word: nothing is a prefix
        return _found_by(ranked, any_group, ranked)
    (stem_prefix,) = prefixed
    stem = stem_prefix[:-2]
    if row["whole"]:
        ranked, any_group = ranked.replace(stem_prefix, stem), any_group.replace(stem_prefix, stem)
        return _found_by(ranked, any_group, ranked, whole=True)
    few = len(lexemes) <= MAX_PREFIX_LEXEMES
    if stem == quoted_lexeme(typed):  # the word is its own stem: all that begins so
        ranking = stem_prefix
        finding = _any_of(list(map(quoted_lexeme, lexemes))) if lexemes and few else stem_prefix
    else:
        typed_prefix = [f"{quoted_lexeme(typed)}:*"] if lexemes else []
        ranking = _any_of([stem, *typed_prefix])
        finding = _any_of([stem, *map(quoted_lexeme, lexemes)] if few else [stem, *typed_prefix])
    return _found_by(
        ranked.replace(stem_prefix, ranking),
        any_group.replace(stem_prefix, ranking),
        ranked.replace(stem_prefix, finding),
    )


def _found_by(ranked: str, any_group: str, matching: str, *, whole: bool = False) -> TextTsqueries:
    """The tsqueries with each alternative once (the synonyms of a word are often forms
    that stem alike, as the word typed whole is its prefix's stem), the one that finds
    the rows also without those that others imply (tsquery.without_repeats: the same
    rows, and the same ranks, with fewer lists for GIN to read)."""
    return TextTsqueries(
        without_repeats(ranked),
        without_repeats(any_group),
        without_repeats(matching, absorb=True),
        whole,
    )


def _any_of(operands: list[str]) -> str:
    """The tsquery text of any of the operands, each once."""
    unique = list(dict.fromkeys(operands))
    return unique[0] if len(unique) == 1 else "( " + " | ".join(unique) + " )"


def _snippet(raw: str | None) -> str:
    """ts_headline output made safe for HTML, with the matched words in <mark> and the
    marked words as written (the headlines read the texts marked as the index does)."""
    text = html.escape(restore_marked(raw or ""))
    return text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


_RANKED_INDEX: dict[str, bool] = {}


def ranked_index() -> bool:
    """Whether the RUM index of the vector exists (the `rum` extension is installed): it
    returns the matches of a text in rank order, without visiting them."""
    database = connection.settings_dict["NAME"]
    if database not in _RANKED_INDEX:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
                "WHERE c.relname = 'search_doc_vettore'"
            )
            row = cursor.fetchone()
        _RANKED_INDEX[database] = bool(row) and row[0] == "rum"
    return _RANKED_INDEX[database]


# What the statements choosing the rows read of each: a broad text reads a thousand
# candidates to rank and count them, and only the page's rows are shown (_hits reads
# what they show: turning a thousand rows of titles and names into Python cost more
# than the query).
_ROW_COLUMNS = "d.id AS row_id, d.tipo, d.oggetto_id"
# What the statements ordering rows by date give of each: the date stays in SQL (turning
# a thousand timestamps into Python datetimes cost more than reading them).
_PAGE_COLUMNS = "row_id, tipo, oggetto_id, score, dist"
_SHOWN_COLUMNS = """
    d.sede_id, d.titolo, d.ente_id, d.ente_nome, d.tipo_ente, d.comune_id, d.demo,
    ST_X(d.punto) AS lon, ST_Y(d.punto) AS lat
"""
_DISTANCE_SQL = f"ST_Distance(d.punto::geography, {POINT_SQL}, false) / 1000.0"


@dataclass(frozen=True)
class _Scored:
    """What the statements choosing a page give of each row beside _ROW_COLUMNS: its
    score and its distance in km (null without a point), as SQL and parameters."""

    score: str = "1.0::float"
    score_params: tuple = ()
    distance: str = "NULL::float"
    distance_params: tuple = ()

    @classmethod
    def of(cls, query: SearchQuery, tsquery: str | None = None) -> _Scored:
        """The text rank of `tsquery` (1 without), the distance from the query's point."""
        scored = cls()
        if tsquery is not None:
            scored = replace(
                scored, score=f"ts_rank(d.vettore, {TSQUERY_SQL})", score_params=(tsquery,)
            )
        if query.punto is not None:
            point = (query.punto.x, query.punto.y)
            scored = replace(scored, distance=_DISTANCE_SQL, distance_params=point)
        return scored

    @property
    def columns(self) -> str:
        return f"{_ROW_COLUMNS}, {self.score} AS score, {self.distance} AS dist"

    @property
    def params(self) -> list:
        return [*self.score_params, *self.distance_params]


def _first_per_object(rows: list[dict]) -> list[dict]:
    """Each object once, at its first row (its best, or its nearest place)."""
    seen: set[tuple[str, int]] = set()
    unique = []
    for row in rows:
        key = (row["tipo"], row["oggetto_id"])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def _saturation(tsquery: str, text: str) -> float:
    """The text rank of a perfect title match: every word typed, once, in a title."""
    typed = " ".join(" ".join(group[0]) for group in query_groups(text))
    # The place words and names marked only where that could change the rank (_FOUND_IN_SQL).
    vector = italian_vector_sql("w.t", **_W_MARKING)
    return fetch_dicts(
        f"SELECT ts_rank(setweight({vector}, 'A'), w.q) AS t "
        f"FROM (SELECT %s::text, {TSQUERY_SQL}, %s::boolean, %s::boolean) w(t, q, places, names)",
        [typed, tsquery, *_marks_places(tsquery)],
    )[0]["t"]


@dataclass
class _Matching:
    rows: int  # matching rows, counted up to COUNT_CAP + 1
    objects: int  # distinct objects among them (exact when rows <= COUNT_CAP)
    row_ids: list[int] | None = None  # the rows themselves, when known and few

    @classmethod
    def of(cls, rows: list[dict]) -> _Matching:
        """From the first COUNT_CAP + 1 matching rows (all of them, when fewer)."""
        if len(rows) > COUNT_CAP:
            return cls(len(rows), COUNT_CAP)
        objects = {(row["tipo"], row["oggetto_id"]) for row in rows}
        return cls(len(rows), len(objects), [row["row_id"] for row in rows])


# From this many matches of a text (one row in fifty at a million services) the
# nearest-first statements check it on each row they read as the vector's own match
# (`IS TRUE`, which no index serves), not as the stripped vector's, which its GIN index
# serves: stripping each row's vector cost a quarter of the walk ("asilo" within 5 km of
# the Duomo, 23,000 rows read: 39-50 -> 30 ms). Below, the planner may rather collect
# the few matches from that index and sort them by distance.
TEXT_PER_ROW_NEAR_FROM = 20_000


def _rank_near(
    query: SearchQuery, tsquery: str | None, wanted_rows: int
) -> tuple[list[dict], _Matching | None]:
    """The best rows by text rank decayed with distance, nearest matches read first.

    Rows come from the KNN index in distance order, in batches that grow fourfold. A
    row at distance d scores at most saturation / (1 + d / DECAY_KM): once the page's
    last row scores at least that for the farthest row read, no unread row can enter
    the page and the answer is exact. Without text every row has the same text rank,
    so the order is the distance and the first batch is the answer.

    Within a radius the first batch reads COUNT_CAP + 1 rows, which also counts them:
    the radius is applied here, to the distances read, because the planner badly
    underestimates how many rows `ST_DWithin` keeps and would then build the bitmaps
    of the text and of the area (170,000 rows each for "assistenza" in Milan) and
    sort every match instead of reading the KNN index.
    """
    all_words = 0.0 if tsquery is None else _estimated_matches(tsquery)
    per_row = all_words >= TEXT_PER_ROW_NEAR_FROM
    sql = _Sql(query, radius=False, text_per_row=per_row)
    point = [query.punto.x, query.punto.y]
    if tsquery is not None:
        saturation = _saturation(tsquery, query.q)
        text_rank = f"least(ts_rank(d.vettore, {TSQUERY_SQL}), %s)"
        text_params = [tsquery, saturation]
    else:
        saturation, text_rank, text_params = 1.0, "1.0::float", []
    radius = query.raggio_km
    if radius is not None:
        batch = max(wanted_rows, FIRST_BATCH, COUNT_CAP + 1)
    elif tsquery is None:
        batch = wanted_rows  # the distance is the order: the first rows are the page
    else:
        batch = max(wanted_rows, FIRST_BATCH)
    columns = f"{_ROW_COLUMNS}, {_DISTANCE_SQL} AS dist, {text_rank} AS testo"
    if tsquery is not None and radius is not None and _circle_through_indexes(query, all_words):
        # In one scan of the text's index, with the circle's tiles and the filters' keys.
        within = _Sql(query, radius_by_tiles=True, filters_by_keys=True)
        rows = fetch_dicts(
            f"SELECT {columns} FROM search_documento d WHERE {within.where}",
            [*point, *text_params, *within.params],
        )
        return _by_decayed_rank(rows)[:wanted_rows], _Matching.of(rows)
    matching = None
    while True:
        rows = fetch_dicts(
            f"""
            SELECT {columns}
            FROM search_documento d WHERE {sql.where}
            ORDER BY d.punto::geography <-> {POINT_SQL}
            LIMIT %s
            """,
            [*point, *text_params, *sql.params, *point, batch],
        )
        exhausted = len(rows) < batch
        farthest = NO_POINT_KM if not rows or rows[-1]["dist"] is None else rows[-1]["dist"]
        if radius is not None:
            exhausted |= farthest > radius
            rows = [r for r in rows if r["dist"] is not None and r["dist"] <= radius]
            matching = matching or _Matching.of(rows)
        _by_decayed_rank(rows)
        bound = saturation / (1.0 + farthest / DECAY_KM)
        if tsquery is None or exhausted or _page_scores_at_least(rows, query, bound):
            return rows[:wanted_rows], matching
        batch *= 4


def _by_decayed_rank(rows: list[dict]) -> list[dict]:
    """`rows`, each scored by its text rank decayed with its distance, sorted best first
    (ties: the nearer, then by row id)."""
    for row in rows:
        distance = NO_POINT_KM if row["dist"] is None else row["dist"]
        row["score"] = row["testo"] / (1.0 + distance / DECAY_KM)
    rows.sort(key=lambda r: (-r["score"], r["dist"] is None, r["dist"] or 0, r["row_id"]))
    return rows


# What reading a row costs, in µs at a million services (see _circle_through_indexes),
# fitted to the two paths' times around the Duomo: walked, "asilo" for free within 30 km
# (95,000 rows, 140 ms); read through the index, "asilo" within 10 km (38,000 matches,
# 6,700 of them in the circle's tiles, 6,300 in the circle: 32 ms, where the walk took 38).
_WALKED_ROW_US = 1.5  # met walking nearest first: its own page, its filters checked
_TEXT_ENTRY_US = 0.1  # a match of the text in its index, met with the circle's tiles
_BITMAP_ROW_US = 1.5  # a match in the circle's tiles, read to check the other filters
# (and checked against each tile in the index: grid.TILE_PAIR_COST)
_RANKED_ROW_US = 3.0  # a match ranked (ts_rank, distance) and scored in Python


def _circle_through_indexes(query: SearchQuery, all_words: float) -> bool:
    """Whether the matches of a text within a radius are better read all at once, from
    one scan of the text's index with the circle's tiles (grid.disc_tiles), than met
    walking the places nearest first: so when the walk would pass more rows, by the
    planner's share of the rows that match the text and the other filters, than the
    scan and its rows would cost.

    The walk reads COUNT_CAP + 1 matches, past the circle when it holds fewer (the
    radius is checked on the distances read, see _rank_near): a rare match is far to
    walk to. At a million services, "asilo" for free within 10 km of the Duomo passed
    86,000 rows for its 1,001 (128 ms), where the scan gives its 1,483 matches in the
    circle in 14 ms (34 ms when the circle's own index gave a bitmap of its 164,000
    places); in English 523 ms, within 2 km 147. A common word's walk is short
    ("assistenza" within 10 km: 5,300 rows, 12 ms), its matches in the circle many
    (24,000 rows to rank): it walks.
    """
    rows = _table_rows()
    tiles = _circle_tiles(query)
    if not rows or not all_words or not tiles:
        return False
    in_circle = _places_in_circle(query)
    per_row = _BITMAP_ROW_US * (1 + len(tiles) * TILE_PAIR_COST)

    def cheaper(density: float) -> bool:
        walked = min(rows, (COUNT_CAP + 1) / max(density, 1.0 / rows)) * _WALKED_ROW_US
        scanned = (
            all_words * _TEXT_ENTRY_US
            + in_circle * min(1.0, all_words / rows) * per_row
            + in_circle * density * _RANKED_ROW_US
        )
        return scanned < walked

    anywhere = replace(query, punto=None, raggio_km=None)
    density, _walked = _densities(anywhere, all_words, rows)
    if not cheaper(density):
        return False
    # The planner multiplies the shares of the text and of each filter as if they were
    # unrelated: "asilo" among services for children, 38,000 rows, it takes for 6,000.
    # The first sample bucket counts them (a 64th of the rows, through its own index of
    # the text: about 1 ms), before the index is chosen on the planner's word.
    return _text_alone(anywhere) or cheaper(_sampled_density(anywhere, rows))


# What the bitmaps of a text within a radius cost, in µs at a million services: each of
# the circle's places in its own index (GiST on the geography), each match of the text
# in its index (for 10 km around the Duomo, 12.6 ms for 164,562 places, 6.2 for the
# 38,164 rows of "asilo"); against them, a row of the text met with the circle's tiles
# is checked against each tile (grid.TILE_PAIR_COST: 4.5 ns a pair).
_CIRCLE_ENTRY_US = 0.077
_TEXT_BITMAP_ENTRY_US = 0.16
_TILE_PAIR_US = _BITMAP_ROW_US * TILE_PAIR_COST


def _circle_tiles(query: SearchQuery) -> tuple[int, ...] | None:
    """The keys of the tiles of the query's circle (grid.disc_tiles); None without one."""
    if query.punto is None or query.raggio_km is None:
        return None
    return disc_tiles(query.punto.x, query.punto.y, query.raggio_km * 1000)


def _radius_by_tiles(query: SearchQuery) -> bool:
    """Whether every row of a text within a radius (a map's) is better found through
    the circle's tiles in the text's index than through the bitmaps of the text's index
    and of the circle's: so unless the text's matches, each checked against every tile,
    cost more than the two bitmaps (a common word in a large circle)."""
    tiles = _circle_tiles(query)
    if not (query.has_text and tiles):
        return False
    all_words = _estimated_matches(text_tsqueries(query.q).ranked)
    bitmaps = _places_in_circle(query) * _CIRCLE_ENTRY_US + all_words * _TEXT_BITMAP_ENTRY_US
    return all_words * len(tiles) * _TILE_PAIR_US < bitmaps


def _sampled_density(query: SearchQuery, rows: float) -> float:
    """The share of the rows that match `query`, counted in the first sample bucket."""
    sql = _Sql(query)
    (row,) = fetch_dicts(
        f"SELECT count(*) AS n FROM search_documento d WHERE {sql.where} AND {_bucket(query)} < 1",
        sql.params,
    )
    return row["n"] * SAMPLE_BUCKETS / rows


def _page_scores_at_least(rows: list[dict], query: SearchQuery, bound: float) -> bool:
    """Whether the objects up to the query's page, at their first rows (sorted best
    first), all score at least `bound`: then no unread row can enter the page. Asking it
    of the objects, not of the margin of rows read for them, "asilo" ranked around the
    centre of Milan stopped at its first batch (41 title matches among 400, within
    2.3 km), instead of reading 1,600 more: 85 -> 16 ms at a million services."""
    wanted = query.offset + query.per_pagina
    seen: set[tuple[str, int]] = set()
    for row in rows:
        if row["score"] < bound:
            return False
        seen.add((row["tipo"], row["oggetto_id"]))
        if len(seen) >= wanted:
            return True
    return False


def _page_rows(
    query: SearchQuery, tsquery: str | None, wanted_rows: int
) -> tuple[list[dict], _Matching | None]:
    """The first `wanted_rows` rows in the order the query asks for, and how many match
    when reading them in index order counts them at little cost (else None)."""
    if query.punto is not None and (
        query.ordinamento == Ordinamento.DISTANZA
        or (query.ordinamento == Ordinamento.RILEVANZA and tsquery is None)
    ):
        return _rank_near(query, None, wanted_rows)
    if query.punto is not None and query.ordinamento == Ordinamento.RILEVANZA:
        return _rank_near(query, tsquery, wanted_rows)
    if tsquery is None or query.ordinamento != Ordinamento.RILEVANZA:
        return _recent_rows(query, _Scored.of(query), wanted_rows)
    scored = _Scored.of(query, tsquery)
    breadth = _breadth(query, tsquery)
    if breadth.walk:
        # The most recent COUNT_CAP + 1 matches (more for a page far down), found as the
        # date order finds them, ranked by their text; reading them counts them too.
        # Ties by row id, as below.
        candidates = max(wanted_rows, COUNT_CAP + 1)
        rows, matching = _recent_rows(
            query,
            scored,
            candidates,
            text_per_row=True,
            recent_since=breadth.recent_since,
            collected=breadth.collected,
        )
        rows.sort(key=lambda row: (-row["score"], row["row_id"]))
        return rows[:wanted_rows], matching or _Matching.of(rows)
    sql = _Sql(query, ranked=ranked_index() and not breadth.per_row)
    if not breadth.over_cap:
        # Every match is ranked anyway (by RUM, or each read): reading COUNT_CAP + 1 of
        # them counts them, unless the count is known to be beyond (reading them from
        # the table cost 10-20 ms for "asilo", where the ranking cost 21).
        limit, counts = max(wanted_rows, COUNT_CAP + 1), True
    else:
        limit, counts = wanted_rows, False
    if sql.ranked:
        order, order_params = f"d.vettore <=> {TSQUERY_SQL}", [tsquery]
    else:
        order, order_params = "score DESC, d.id", []
    rows = _title_matches_first(query, scored, limit) if breadth.over_cap and sql.ranked else None
    if rows is None:
        rows = fetch_dicts(
            f"""
            SELECT {scored.columns}
            FROM search_documento d WHERE {sql.where}
            ORDER BY {order} LIMIT %s
            """,
            [*scored.params, *sql.params, *order_params, limit],
        )
    if sql.ranked:
        # Ties (most matches of a broad word tie) come from RUM in no stated order: by
        # row id, as the per-row ranking orders them, within the candidates read.
        rows.sort(key=lambda row: (-row["score"], row["row_id"]))
    if breadth.over_cap:
        return rows[:wanted_rows], _Matching(COUNT_CAP + 1, COUNT_CAP)
    return rows[:wanted_rows], _Matching.of(rows) if counts else None


# A tsquery of one lexeme, as text_tsqueries writes it: "'asil'" for "asilo".
_ONE_LEXEME = re.compile(r"'(?:[^']|'')+'")


def _one_lexeme(text: str) -> str | None:
    """The lexeme by which a query's text finds its rows, quoted as a tsquery's text
    writes it ("'asil'"), when it finds them by one."""
    one = _ONE_LEXEME.fullmatch(text_tsqueries(text).matching)
    return None if one is None else one.group(0)


def _title_matches_first(
    query: SearchQuery, scored: _Scored, wanted_rows: int
) -> list[dict] | None:
    """The best `wanted_rows` matches of a text of one lexeme, read among the rows that
    have it in their title, when there are that many of them (else None).

    ts_rank of one lexeme gives a row with it in its title (weight A, 1.0) at least
    1 / 1.645 = 0.61, and a row without at most 0.464 (weights B, C and D are 0.4, 0.2
    and 0.1; the sum of the positions' weights over their squared rank is divided by
    pi^2 / 6): every match in a title ranks above every other, and RUM's order is
    1 / ts_rank. RUM then reads only the lexeme's entries weighted A (`:A`): "asilo" at
    a million services, 4,700 of its 38,000 matches, 35 -> 20 ms.

    It still reads every entry of the lexeme to find those: where fewer rows than the
    page's have it in their title (as the last rebuild counted them), nothing is looked
    for there. "sport" (55,000 matches, 5 of them in titles) spent 17-20 ms finding the
    five before RUM ranked them all.
    """
    lexeme = _one_lexeme(query.q)
    if lexeme is None or _rows_with_it_in_a_title(lexeme) < wanted_rows:
        return None
    rest = _Sql(query.without_text())
    rows = fetch_dicts(
        f"""
        SELECT {scored.columns} FROM search_documento d
        WHERE {rest.where} AND d.vettore @@ %s::tsquery
        ORDER BY d.vettore <=> %s::tsquery LIMIT %s
        """,
        [*scored.params, *rest.params, f"{lexeme}:A", lexeme, wanted_rows],
    )
    return rows if len(rows) == wanted_rows else None


def _rows_with_it_in_a_title(lexeme: str) -> float:
    """How many rows have the lexeme (quoted, as _one_lexeme gives it) in their title, as
    the last rebuild counted them (models.Lessema.righe_con_titolo); infinite when not
    counted."""

    def read() -> float:
        rows = fetch_dicts(
            "SELECT righe_con_titolo AS n FROM search_lessema WHERE lessema = %s",
            [unquoted_lexeme(lexeme)],
        )
        return math.inf if not rows or rows[0]["n"] is None else rows[0]["n"]

    return memo(("search_title_rows", lexeme), read)


def _recent_rows(
    query: SearchQuery,
    scored: _Scored,
    wanted_rows: int,
    *,
    text_per_row: bool = False,
    recent_since: datetime | None = None,
    collected: bool = False,
) -> tuple[list[dict], _Matching | None]:
    """The `wanted_rows` most recently updated matching rows, as `scored`; and how many
    match, when reading them in that order counted them at little cost. With
    `recent_since`, the text's matches are looked for in the recent rows' text index
    first (see _recent_matches). With `collected`, the rows (below the recent ones) are
    not met walking by date but collected through the indexes, then sorted (see
    _collect_matches)."""
    if query.comuni:
        rows = _recent_in_comuni(
            query, scored, wanted_rows, text_per_row=text_per_row, collected=collected
        )
        return rows, None
    sql = _Sql(query, text_per_row=text_per_row, radius_per_row=_walk_the_circle(query))
    if _read_the_view_first(query):
        # Every row of the view is read and sorted anyway: reading COUNT_CAP + 1 of
        # them counts them, instead of a count reading the view again.
        rows = _by_date(scored, sql, max(wanted_rows, COUNT_CAP + 1), collected=True)
        return rows[:wanted_rows], _Matching.of(rows)
    if collected:
        sql = _Sql(query, collected=True)
    if recent_since is not None:
        return _recent_matches(query, scored, sql, wanted_rows, recent_since, collected), None
    return _by_date(scored, sql, wanted_rows, collected=collected), None


def _by_date(
    scored: _Scored,
    sql: _Sql,
    wanted_rows: int,
    since: tuple[str, datetime] | None = None,
    *,
    collected: bool = False,
) -> list[dict]:
    """The `wanted_rows` most recent rows of `sql`, with `since` (a condition on the
    date, and its parameter) if given. With `collected`, every row of `sql` is read
    first, through whichever indexes the planner takes, then sorted by date."""
    condition, params = (f"AND d.aggiornato_il {since[0]} %s", [since[1]]) if since else ("", [])
    rows = f"FROM search_documento d WHERE {sql.where} {condition}"
    select, order = f"SELECT {scored.columns} {rows}", f"ORDER BY {_RECENT}"
    if collected:
        select = _fenced(f"SELECT {scored.columns}, d.aggiornato_il {rows}", _PAGE_COLUMNS)
        order = "ORDER BY aggiornato_il DESC, row_id DESC"
    return fetch_dicts(
        f"{select} {order} LIMIT %s", [*scored.params, *sql.params, *params, wanted_rows]
    )


def _recent_matches(
    query: SearchQuery,
    scored: _Scored,
    walked: _Sql,
    wanted_rows: int,
    since: datetime,
    collected: bool = False,
) -> list[dict]:
    """The most recent matches of a broad text, as the walk by date finds them, read
    from the text index of the rows updated since `since` (the partial GIN index
    `search_doc_testo_recenti`); when there are too few of them, the walk (`walked`,
    the text checked on each row) goes on among the older rows.

    The walk reads one row for each row it passes, on its own page (the table is in
    geohash order): at a million services "assistenza domiciliare" (both words in one
    row out of twenty) passes 18,000 rows for its 1,001 most recent matches, 14-40 ms.
    The recent rows' index gives the 3,200 matches among the 57,000 most recent rows
    in 7-13 ms. The same rows: every row left out is older than every row read.
    Every recent match is read, then sorted (_by_date's `collected`): expecting more
    of them than there are, the planner walked the recent rows by date ("badante":
    14,000 rows passed for its 1,001 most recent matches; 47 -> 21 ms a search).
    With `collected`, the older rows are collected through the indexes (see
    _collect_matches), `walked` being then the statement that reads them so.

    The recent rows' index also holds the filters with sets: a category is left to it
    (`collected=True`), as a language or a group of people always is, so that one scan
    gives the recent matches of both ("assistenza domiciliare" among the services for
    the disabled at a million services: 250 rows, where the text's 3,066 recent rows
    were each read to check the category, 9-10 -> 2-3 ms)."""
    rows = _by_date(scored, _Sql(query, recent=True), wanted_rows, (">=", since), collected=True)
    if len(rows) < wanted_rows:
        missing = wanted_rows - len(rows)
        rows += _by_date(scored, walked, missing, ("<", since), collected=collected)
    return rows


# Below this many rows matching any word of a text, times its words, ranking every
# match costs little (20-28 ms for the 38,000 rows of "asilo" at a million services):
# it is never broad. Each word counts: RUM ranks a row by every word of the query, so
# that the 38,600 rows of "baby sitter" with its synonyms (six words) took 47-54 ms to
# rank, those of "baby" alone 10-15 (see _operands).
BROAD_TEXT_ROWS = 50_000
# What ranking one match in the RUM index costs, for each word of the text, in rows
# walked by date: 0.3-0.8 µs against 2.3-3.9 µs (at a million services "assistenza",
# 170,000 matches, ranked in 65-124 ms; its 1,001 most recent matches found among 5,900
# rows in 19 ms). Set below that ratio, so that the walk is taken where it is clearly
# the cheaper: the rows with any word of a text with synonyms are overestimated
# ("assistenza psicologo": 480,000 expected, 320,000 there).
RANK_COST_IN_ROWS_WALKED = 0.12
# Reading and ranking each match costs about what walking a row does (2.3-2.8 µs): it is
# taken where it costs less than half what ranking in RUM would (see _per_row_below).
PER_ROW_SHARE_OF_RANKING = 0.5


def _operands(tsquery: str) -> int:
    """The words of a tsquery (text_tsqueries), each time they occur in it: what
    ranking a row visits. At a million services, ranking the same 38,600 rows took 15 ms
    for "baby", 20 for "baby | tata", 33 for "(baby & sitting) | tata", 54 for the six
    words of "baby sitter" and its synonyms."""
    return len(words(tsquery))


def _per_row_below(query: SearchQuery, ranked: float, rows: float) -> float:
    """The matches of a text alone below which reading and ranking each (one row read
    for each) costs less than ranking them in RUM (`ranked` entries) and than the walk
    (its recent matches read from their index, then the rows walked below them).

    RUM's cost is erratic where words are joined by `&`: at a million services "badante
    notturna" (no match; "badante" and its synonyms in 300,000 rows) took 78 ms in RUM,
    4 ms in all read so; "psicologo brescia" (2,100 matches) 72 -> 14 ms a search,
    "lavanderia milano" (6,300) 61 -> 24, "badante milano" (8,200, walked below the recent
    rows) 124 -> 48, "assistenza psicologo" (9,400, walked) 93 -> 52. A single word is
    never read so: its matches are the rows RUM ranks."""
    if not rows or not _text_alone(query):
        return 0.0
    rum = PER_ROW_SHARE_OF_RANKING * RANK_COST_IN_ROWS_WALKED * ranked
    recent = memo("search_recent_index", _recent_index)
    share = min(recent.rows / rows, 1.0) if recent else 0.0
    wanted = COUNT_CAP + 1
    # m matches read each cost m rows; the walk reads m * share of them from the recent
    # rows' index, then (wanted - m * share) * rows / m rows below (the cost that
    # _recent_first weighs, for a text alone). They cost the same at
    # the root of (1 - share) m^2 + share rows m - wanted rows, written so that nothing
    # is lost (there m * share < wanted: the walk still goes below the recent rows).
    b = share * rows
    walk = 2 * wanted * rows / (b + math.sqrt(b * b + 4 * (1 - share) * wanted * rows))
    return min(rum, walk)


@dataclass(frozen=True)
class _Breadth:
    walk: bool  # rank the most recent matches, found by date, rather than all of them
    over_cap: bool  # more than COUNT_CAP rows match: no need to read them to count them
    # Where the walk's matches are first looked for in the recent rows' text index: the
    # date from which rows are in it (see _recent_matches).
    recent_since: datetime | None = None
    # Whether the rows the walk would pass (below the recent ones) are so many that its
    # matches are collected through the indexes instead (see _collect_matches).
    collected: bool = False
    # Rank each match, read through the text's GIN index, rather than through RUM or the
    # walk: the matches are fewer than what either would read (see _per_row_below).
    per_row: bool = False


@dataclass(frozen=True)
class _RecentIndex:
    """The rows in the text index of the recent rows: from which date, how many."""

    since: datetime
    rows: float


def _recent_index() -> _RecentIndex | None:
    """The recent rows' text index (index.index_recent_texts), None where there is none;
    how many rows it holds is the planner's estimate."""
    stato = fetch_dicts("SELECT recenti_dal FROM search_stato WHERE id = 1", [])
    if not stato or stato[0]["recenti_dal"] is None:
        return None
    since = stato[0]["recenti_dal"]
    return _RecentIndex(since, _estimated_rows("d.aggiornato_il >= %s", [since]))


def _breadth(query: SearchQuery, tsquery: str) -> _Breadth:
    """How broad the text is, for the ranked page of a query without a point.

    `walk`: whether ranking every match of the text costs more than finding its most
    recent COUNT_CAP + 1 matches by walking the rows by date (see _page_rows). Ranking
    visits every row that has any of the words, in the RUM index or row by row: at a
    million services "asilo" (38,000 rows) 20-28 ms, "assistenza" (170,000) 94-124 ms,
    "trasporto" (170,000) 150-200 ms, "assistenza domiciliare" (the two words in
    330,000 rows, both in 47,000) 180 ms. The walk meets a match in every rows /
    matches rows it reads, and checks the text on each (the text is then not indexed:
    offered its index, the planner would collect every match to sort them by date).

    Ranking costs the rows with any word times the words of the text (_operands).
    The rows with any word are the planner's estimate (ANALYZE keeps the frequencies of
    the common lexemes: within 4% of the counts of single words; an `EXPLAIN` costs
    0.2-0.5 ms). So are the matches
    of a text without `&`; with one, words that go together (or never do) make the
    planner's product of their frequencies wrong tenfold ("centro diurno anziani":
    3,400 expected, 47,000 there), and the matches are counted in the first of the
    `campione` buckets instead, as far as the walk needs: within 10% of the counts.

    `per_row`: whether each match of a text alone, read through the text's GIN index,
    is ranked on its row, rather than by RUM or the walk: when it has fewer matches than
    _per_row_below (counted in the first sample bucket for words joined by `&`, one
    count serving both choices).

    `over_cap`: when the text is ranked whole and is the only filter, whether it surely
    matches more than COUNT_CAP rows, so that the page's statement reads only the page's
    rows (see _surely_over_cap).
    """
    all_words = _estimated_matches(tsquery)
    any_words = _estimated_matches(tsquery.replace("&", "|")) if "&" in tsquery else all_words
    ranked = any_words * _operands(tsquery)
    rows = _table_rows()
    per_row_below = _per_row_below(query, ranked, rows)
    # The walk is the cheaper when (COUNT_CAP + 1) * rows / matches rows walked cost less
    # than ranking any_words matches by each word: when there are at least `needed`.
    broad = ranked >= BROAD_TEXT_ROWS
    needed = (COUNT_CAP + 1) * rows / (RANK_COST_IN_ROWS_WALKED * ranked) if broad else 0.0
    if "&" in tsquery and 1 <= per_row_below < needed <= any_words:
        # Both choices ask the sample: counted once, as far as the larger needs.
        _sample_count(tsquery, math.ceil(needed / SAMPLE_BUCKETS))
    if per_row_below >= 1 and not _at_least(tsquery, per_row_below, all_words):
        return _Breadth(walk=False, over_cap=False, per_row=True)
    if _few_open_ranked_each(query, all_words):
        return _Breadth(walk=False, over_cap=False, per_row=True)
    if broad and needed <= any_words and _at_least(tsquery, needed, all_words):
        # The walk counts its matches.
        # One `EXPLAIN` for both choices (a table never analysed has no rows yet).
        densities = _densities(query, all_words, rows) if rows and all_words else None
        since = _recent_first(query, all_words, rows, densities)
        if len(query.comuni) > 1:
            collected = _collect_in_comuni(query, tsquery, any_words, rows, densities)
        else:
            collected = _collect_matches(query, all_words, rows, since, densities)
        return _Breadth(walk=True, over_cap=False, recent_since=since, collected=collected)
    if len(query.comuni) > 1 and _few_in_comuni(query, all_words):
        return _Breadth(walk=False, over_cap=False, per_row=True)
    over_cap = _text_alone(query) and _text_over_cap(query, tsquery, all_words)
    return _Breadth(walk=False, over_cap=over_cap)


# Ranking a match read on its row costs as much as reading this many rows (ts_rank on
# the row, and sorting).
RANKED_ROW_IN_ROWS_READ = 2.0


def _few_open_ranked_each(query: SearchQuery, all_words: float) -> bool:
    """Whether a text's matches open at the hours asked are so few that reading each
    through the keys of the hours (see FEW_OPEN_SHARE) and ranking it costs less than
    RUM's order, which reads the matches until COUNT_CAP + 1 are open, or the walk by
    date, which passes the rows until as many are. At a million services "asilo" on a
    Sunday (700 of its 37,500 matches open) read 37,700 rows in RUM, 68 ms."""
    if not query.has_text or schedule_sql(query) is None:
        return False
    share = _keyed_open_share(query)
    if share >= FEW_OPEN_SHARE:
        return False
    read_in_rank_order = min(all_words, (COUNT_CAP + 1) / share) if share else all_words
    return all_words * share * RANKED_ROW_IN_ROWS_READ < read_in_rank_order


def _few_in_comuni(query: SearchQuery, all_words: float) -> bool:
    """Whether the matches of a text in several Comuni (an Ambito's, a province's) are
    so few that reading and ranking each costs less than RUM: its order reads the
    text's matches until it has met (COUNT_CAP + 1) in the Comuni, that many times the
    text's rows over theirs, and more where they lie apart: among matches ranked alike
    RUM reads in table order, which is the order of their places, so that one province's
    may all come last. At a million services "asilo" (38,000 rows) in the province of
    Brescia (4,800 of them) read 27,000 rows in RUM, 55 ms for the search; each read and
    ranked, 20. In Milan's (10,500) RUM takes 19 ms, each read 26."""
    sql = _Sql(query)
    matches = _estimated_rows(sql.where, sql.params)
    return matches * matches < (COUNT_CAP + 1) * all_words


def _recent_first(
    query: SearchQuery,
    all_words: float,
    rows: float,
    densities: tuple[float, float] | None = None,
) -> datetime | None:
    """Whether the walk's matches are looked for in the recent rows' text index first
    (see _recent_matches): the date from which rows are in it, else None.

    The walk reads (COUNT_CAP + 1) / density rows, density being the share of the rows
    that match the text and every other filter. The index gives share * its rows (the
    share of the rows with the text: the other filters are checked on them), and the
    walk goes on below them for the matches they lack. The walk is the cheaper for the
    commonest words alone ("assistenza", one row in six at a million services: its
    1,001 most recent matches among 5,900 rows walked, 9,700 from the 57,000 recent
    rows); the index when another filter thins them ("assistenza" in English). The
    planner's share of words joined by `&` is low (see _breadth): they take the index,
    where a few thousand rows match.

    A walk with a provider kind reads only that kind's rows, by date in its index
    (search_doc_ente_data): the density among them is the density over their share.
    "assistenza" by public providers (one row in seven) then walks 5,300 public rows
    (20 ms in-process) rather than reading its 10,800 matches among the recent rows
    (25-40 ms); "assistenza domiciliare" by public providers still reads its recent
    matches first, then walks the public rows below them (181 -> 44-52 ms).
    """
    recent = memo("search_recent_index", _recent_index)
    if recent is None or not rows or not all_words:
        return None
    share = all_words / rows
    density, walked_density = densities or _densities(query, all_words, rows)
    wanted = COUNT_CAP + 1  # the planner expects at least one row: density > 0
    from_recent = share * recent.rows + max(0.0, wanted - density * recent.rows) / walked_density
    return recent.since if from_recent < wanted / walked_density else None


def _densities(query: SearchQuery, all_words: float, rows: float) -> tuple[float, float]:
    """The share of the rows that match the text and every other filter (the planner's
    estimate: one `EXPLAIN` when there are other filters; for a day or a part of it or
    of the week, the share of the text's matches open, counted in the sample:
    _open_share), and that share among the rows a walk by date reads (those of the
    provider kind, if any)."""
    density = all_words / rows
    # A moment is left to the planner: counted, each moment asked (every `aperto_ora`)
    # would be a count of its own.
    untimed = replace(query, aperto_giorno=None, aperto_parte="")
    if not _text_alone(untimed):
        sql = _Sql(untimed)
        density *= min(1.0, _estimated_rows(sql.where, sql.params) / all_words)
    if untimed != query:
        density *= _open_share(text_tsqueries(query.q).ranked, schedule_sql(query))
    return density, density / _walked_share(query, rows)


# Below this share of a text's matches open, its statements find them through the keys
# of the hours (OPEN_KEYS) in the index of the text and the sets, instead of checking
# the hours on each match: at a million services the sample of the facets of "badante"
# on a Sunday (2.8% of its matches open) 33 -> 22 ms, "asilo" (1.9%) 61 -> 9 ms. Where
# many are open the keys' lists are long, and read for little: "assistenza" on a
# Saturday (43%) 44 -> 61 ms a search, "caf" (24%) 66 -> 86.
FEW_OPEN_SHARE = 0.1
# A map's grouping reads every match: the keys pay where they leave out half of them.
# On the region at zoom 9: "assistenza" on a Saturday (43% open) 350 -> 155 ms,
# "psicologo" in the evening (32%) 195 -> 96, "caf" on a Saturday (24%) 52 -> 25;
# "servizio" on a Monday (91%) 738 -> 935, "assistenza domiciliare" in the morning (96%)
# 100 -> 149; Milan at zoom 12, "badante" on Monday at 10 (59%) 56 -> 82.
FEW_OPEN_SHARE_GROUPED = 0.5


def _keyed_open_share(query: SearchQuery) -> float:
    """The share of the text's matches that the keys of the query's hours give: open at
    the hours asked (a moment: in its part of the day), see keyed_schedule_sql."""
    return _open_share(text_tsqueries(query.q).ranked, keyed_schedule_sql(query))


def _open_share(tsquery: str, schedule: tuple[str, list]) -> float:
    """The share of the text's matches in the first sample bucket that pass the opening
    hours' condition `schedule` (schedule_sql), kept per index version.

    The planner cannot tell: it reads the overlap of a row's weekly hours with a span by
    their outer bounds (the evening of a Monday: 795,000 rows expected at a million
    services, 309,000 there), and it takes each filter as independent of the text,
    where the hours of a kind of service go with its words: "badante" is in 67,700
    rows, 1,600 of them open on a Sunday (2.4%) where 9.5% of all rows are. Expecting
    6.6 times as many, the walk by date passed 550,000 rows (1,050 ms) where reading
    each match of the text took 160."""
    clause, params = schedule

    def count() -> float:
        (row,) = fetch_dicts(
            f"SELECT count(*) AS n, count(*) FILTER (WHERE {clause}) AS open "
            f"FROM search_documento d WHERE strip(d.vettore) @@ {TSQUERY_SQL} "
            "AND d.campione < 1",
            [*params, tsquery],
        )
        return row["open"] / row["n"] if row["n"] else 1.0

    return memo(("search_open_share", tsquery, clause, tuple(params)), count)


# Beyond this many rows passed (100-300 ms at 1.5-2 µs a row), a walk's matches are
# collected through the indexes of the text and of a set filter instead.
COLLECT_FROM_ROWS_WALKED = 60_000


def _collect_matches(
    query: SearchQuery,
    all_words: float,
    rows: float,
    recent_since: datetime | None,
    densities: tuple[float, float] | None = None,
) -> bool:
    """Whether the walk's matches (below the recent rows, with `recent_since`) are
    collected through the indexes, then sorted by date, rather than met walking by date.

    The walk passes (COUNT_CAP + 1) / density rows, each on its own page; a filter that
    holds sets (a category, a language, a group of people) is in one GIN index with the
    text (search_doc_testo_insiemi, migration 0018), whose scan gives their matches
    alone. "assistenza domiciliare" among services for the disabled (3,700 rows at a
    million services, 250 of them recent) passed 170,000 rows below the recent ones,
    315 ms; the bitmaps of the text's and the category's own indexes gave them in 96
    (40 and 34 ms for the bitmaps alone), the one index in 28-58 (21 for its scan).
    The same rows: the most recent matches, sorted by date.
    """
    sets = query.categorie or query.lingua or query.destinatari
    timed = query.aperto_il or query.aperto_giorno or query.aperto_parte
    if not rows or not all_words or not (sets or timed) or query.comuni:
        return False  # a Comune's walks: its own
    density, walked_density = densities or _densities(query, all_words, rows)
    wanted = COUNT_CAP + 1.0
    if recent_since is not None:
        recent = memo("search_recent_index", _recent_index)
        wanted = max(0.0, wanted - density * recent.rows) if recent else wanted
    passed = wanted / walked_density
    if sets:
        return passed > COLLECT_FROM_ROWS_WALKED
    # The text's matches with the keys of the hours (open_keys) are found in one scan of
    # the index of the text and the sets, then each read: the cheaper where they are
    # fewer than the rows the walk passes. "caf" (its synonyms in 16,800 rows at a
    # million services) open on a Saturday passed 119,000 rows, 386 ms; "badante" on a
    # Sunday, 550,000 (1,050 ms) for 1,600 matches open of its 67,700. "assistenza" on a
    # Saturday walks 13,000 rows for its 1,001 most recent open matches, where 76,000
    # of its 170,000 rows are.
    return all_words * _keyed_open_share(query) < passed


# The costs of finding a text's matches in several Comuni (_collect_in_comuni), in words
# of the text checked on a row (0.23 µs at a million services). Reading a row counts
# half a word: "assistenza" (one word) walked 59,000 rows in 20 ms, 0.34 µs a row;
# "badante" with its synonyms (five words) 110,000 in 137 ms, 1.25 µs. The text's index
# costs 0.04 µs for each row expected with any of its words (535,000 for "badante" and
# its synonyms: 22 ms for its bitmap); each match collected, 1 µs (its row read, the
# text checked again, sorted by date).
ROW_READ_IN_WORDS_CHECKED = 0.5
INDEXED_ROW_IN_WORDS_CHECKED = 0.17
COLLECTED_MATCH_IN_WORDS_CHECKED = 4.3


def _collect_in_comuni(
    query: SearchQuery,
    tsquery: str,
    any_words: float,
    rows: float,
    densities: tuple[float, float] | None,
) -> bool:
    """Whether the walk's matches in several Comuni (an Ambito's, a province's) are
    collected through the text's index and the Comuni's (one bitmap each, ANDed), then
    sorted by date, rather than found by checking the text on the rows of their walk.

    One Comune's rows are walked by date in its own index; several Comuni have no such
    index. The planner then walks the whole catalogue by date, or reads every row of the
    Comuni, and checks the text on each row it reads: the fewer of the two, each costing
    the words of the text. The text's index reads the rows with any of its words.
    At a million services, "badante" in the province of Bergamo (243 Comuni, 110,000
    rows; the word and its synonyms, five words, in 67,700 rows, 8,300 of them there)
    passed 110,000 rows by date, 137 ms for its statement, 160 for the search; the two
    bitmaps gave its matches in 28, 57 for the search. "trasporto" in the province of
    Varese, 81 -> 45 ms; "centro diurno" in Brescia's, 73 -> 37. In the Ambito of
    Paullese (10 Comuni) the Comuni's rows, each checked, give "badante" in 10 ms; in
    the province of Milan, "assistenza" (one word in 170,000 rows) is met soon enough by
    date: 20 ms, 35 collected."""
    if densities is None:  # a table never analysed, or a text in no row
        return False
    density, _walked = densities
    walked = (COUNT_CAP + 1) / max(density, 1.0 / rows)
    read = min(walked, _estimated_rows_in_comuni(query.comuni))
    checked = read * (ROW_READ_IN_WORDS_CHECKED + _operands(tsquery))
    collected = (
        any_words * INDEXED_ROW_IN_WORDS_CHECKED + density * rows * COLLECTED_MATCH_IN_WORDS_CHECKED
    )
    return checked > collected


def _estimated_rows_in_comuni(comuni: tuple[str, ...]) -> float:
    """The planner's estimate of the rows placed in `comuni` or delivered at home there."""
    return memo(
        ("search_rows_in_comuni", comuni),
        lambda: _estimated_rows(
            "(d.comune_id = ANY(%s) OR d.comuni_copertura && %s::varchar[])",
            [list(comuni), list(comuni)],
        ),
    )


def _walked_share(query: SearchQuery, rows: float) -> float:
    """The share of the rows a walk by date reads: those of the provider kind, or the
    free (or not free) ones, each by date in its own index; the smaller where both are
    asked (1 with neither)."""
    shares = [1.0]
    for clause, value in (
        ("d.tipo_ente = %s", query.tipo_ente),
        ("d.gratuito = %s", query.gratuito),
    ):
        if value not in (None, ""):
            some = memo(
                ("search_rows_where", clause, value),
                lambda c=clause, v=value: _estimated_rows(c, [v]),
            )
            shares.append(min(1.0, max(some, 1.0) / rows))
    return min(shares)


def _estimated_rows(where: str, params: list) -> float:
    """The planner's estimate of the rows of the condition `where` (one `EXPLAIN`).

    Kept in the memo for the index version and the day: a text's request asks three or
    four of them, the same again as its reader clicks a facet or turns a page. Not one
    that names a moment (open now): no request asks it again, and kept it would only
    push out of the memo what others do ask again, one value per request."""

    def explain() -> float:
        (plan,) = fetch_dicts(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_documento d WHERE {where}", params
        )
        return plan["QUERY PLAN"][0]["Plan"]["Plan Rows"]

    if any(isinstance(param, datetime) for param in params):
        return explain()
    return memo(("search_estimated_rows", where, _hashable(params)), explain)


def _hashable(params: list) -> tuple:
    """The parameters of a statement as a key: its lists (codes, keys) as tuples."""
    return tuple(tuple(p) if isinstance(p, list) else p for p in params)


def _estimated_matches(tsquery: str) -> float:
    """The planner's estimate of the rows matching `tsquery`."""
    return _estimated_rows(f"strip(d.vettore) @@ {TSQUERY_SQL}", [tsquery])


def _at_least(tsquery: str, matches: float, estimate: float) -> bool:
    """Whether the text matches at least `matches` rows: the planner's `estimate` for a
    text without `&`, else counted in the first sample bucket (see _breadth)."""
    if "&" not in tsquery:
        return estimate >= matches
    in_sample = math.ceil(matches / SAMPLE_BUCKETS)
    return _sample_count(tsquery, in_sample) >= in_sample


def _sample_count(tsquery: str, at_most: int) -> int:
    """The matches of `tsquery` in the first sample bucket, counted up to `at_most`; a
    count made up to as many or more answers (kept per index version, see memo): the
    choices of _breadth ask one text twice."""
    known = memo(("search_sample_count", tsquery), dict)
    if known.get("at_most", -1) >= at_most:
        return min(known["count"], at_most)
    (row,) = fetch_dicts(
        "SELECT count(*) AS n FROM (SELECT 1 FROM search_documento d "
        f"WHERE strip(d.vettore) @@ {TSQUERY_SQL} AND d.campione < 1 LIMIT %s) s",
        [tsquery, at_most],
    )
    known.update(at_most=at_most, count=row["n"])
    return row["n"]


# The objects of the first sample bucket (a 64th of them, by hash) that show a text
# to match more than COUNT_CAP rows: 50 there stand for about 3,200 in all; were there
# at most 1,000, the bucket would hold 16 of them on average, and 50 or more less than
# once in a billion times. Counted in the rows of at most OVER_CAP_SAMPLE_ROWS.
OVER_CAP_SAMPLE_OBJECTS = 50
OVER_CAP_SAMPLE_ROWS = 200
# The planner's estimate of the matching rows from which the sample is looked at.
OVER_CAP_FACTOR = 10


def _surely_over_cap(sql: _Sql) -> bool:
    """Whether more than COUNT_CAP rows match, from the objects of the first sample
    bucket (read through its own text index: 2.5-3.7 ms for "asilo" at a million
    services; or its own index of places), so that the RUM statement reads the page's
    rows and not COUNT_CAP + 1 of them to count them (20 ms instead of 30-44)."""
    (row,) = fetch_dicts(
        "SELECT count(DISTINCT (tipo, oggetto_id)) AS n FROM (SELECT d.tipo, d.oggetto_id "
        f"FROM search_documento d WHERE {sql.where} AND {_bucket(sql.query)} < 1 LIMIT %s) s",
        [*sql.params, OVER_CAP_SAMPLE_ROWS],
    )
    return row["n"] >= OVER_CAP_SAMPLE_OBJECTS


def _text_over_cap(query: SearchQuery, tsquery: str, estimate: float | None = None) -> bool:
    """Whether the text of a query that filters by nothing else surely matches more than
    COUNT_CAP rows (_surely_over_cap, asked when the planner's `estimate` is well
    beyond), kept per text for the index version and the day: the count of "asilo"
    ranked around a point, from the sample, was 2.5-3.7 ms where counting its rows was
    10-11 ms at a million services; kept, it is the same answer for any other point."""

    def over_cap() -> bool:
        matches = _estimated_matches(tsquery) if estimate is None else estimate
        return matches >= OVER_CAP_FACTOR * COUNT_CAP and _surely_over_cap(_Sql(query))

    return memo(("search_text_over_cap", tsquery), over_cap)


def _surely_over_cap_with_text(query: SearchQuery, sql: _Sql) -> bool:
    """Whether a query with a text surely matches more than COUNT_CAP rows, from the
    sample (_surely_over_cap), asked when the planner expects ten times as many: a
    text's rows are counted from its bitmap, every match of the text gathered before
    the first is counted. At a million services "badante" with free services around
    the Duomo: 32 ms to count, 2 ms from the sample."""
    if _text_alone(query):
        return _text_over_cap(query, text_tsqueries(query.q).ranked)
    return _estimated_rows(sql.where, sql.params) >= OVER_CAP_FACTOR * COUNT_CAP and (
        _surely_over_cap(sql)
    )


# What a query may hold beside its filters: a point without a radius is an order.
_NOT_FILTERS = (*TEXT_FIELDS, "punto", "ordinamento", "pagina", "per_pagina", "oggi")


def _text_alone(query: SearchQuery) -> bool:
    """Whether the query filters by nothing but its text (the day aside)."""
    return query == SearchQuery(**{name: getattr(query, name) for name in _NOT_FILTERS})


def _unfiltered(query: SearchQuery) -> bool:
    """Whether the query filters by nothing, not even by a text (the day aside)."""
    return not query.has_text and _text_alone(query)


def _table_rows() -> float:
    """The planner's count of the rows (kept, as an estimate, for the index version)."""

    def read() -> float:
        (row,) = fetch_dicts(
            "SELECT reltuples AS n FROM pg_class WHERE oid = 'search_documento'::regclass", []
        )
        return max(row["n"], 0.0)  # -1 before the table was first analysed

    return memo("search_table_rows", read)


_RECENT = "d.aggiornato_il DESC, d.id DESC"
# A map view holding at most this many places is read whole, then sorted by date, when
# a filter beyond the area thins it (see _read_the_view_first).
VIEW_READ_FIRST_PLACES = 30_000


def _fenced(select: str, columns: str = "*") -> str:
    """`select` as a subquery that PostgreSQL plans on its own (OFFSET 0): its rows are
    all read before an outer ORDER BY ... LIMIT, which then refers to its output
    columns by name. For rows the planner would otherwise look for by walking an index
    in that order, expecting to meet them sooner than it does."""
    return f"SELECT {columns} FROM ({select} OFFSET 0) d"


def _cells_of(bbox: tuple[float, float, float, float]) -> list[int]:
    """The first and last column, then row, of the map cells that touch `bbox`."""
    minlon, minlat, maxlon, maxlat = bbox
    return [
        math.floor(minlon / CELL_DEGREES),
        math.floor(maxlon / CELL_DEGREES),
        math.floor(minlat / CELL_DEGREES),
        math.floor(maxlat / CELL_DEGREES),
    ]


def _read_the_view_first(query: SearchQuery) -> bool:
    """Whether the most recent rows of a small map view with a filter beyond the area
    are found by reading the view's rows and sorting them, rather than by walking the
    catalogue by date until enough of them pass.

    The planner expects the view's rows to be spread evenly over the dates, so that a
    walk meets them soon; it does not know that the view's rows lie together on few
    pages (the rebuild writes them in geohash order) while the walk reads one page per
    row. In central Milan (18,700 places, 3,000 of them for `anziani`), the walk read
    25,000 rows (the page in 60 ms in-process), the view 18,700 (24 ms). Without another
    filter the walk finds its 80 rows among the first 4,000 and is the faster. The
    places in the view are estimated from the map cells of all places."""
    if query.bbox is None or query.poligono is not None or query.punto is not None:
        return False
    thinned = (
        query.categorie
        or query.tipo_ente
        or query.destinatari
        or query.lingua
        or query.gratuito is not None
        or query.accessibile is not None
        or query.aperto_il is not None
        or query.aperto_giorno is not None
        or query.aperto_parte
        or query.con_convenzione_per
    )
    return bool(thinned) and _small_view(query)


def _small_view(query: SearchQuery) -> bool:
    """Whether the query's bbox holds at most VIEW_READ_FIRST_PLACES places, as the map
    cells of all places count them (once per index version, view and kinds: the memo)."""
    in_view = memo(("places_in_view", query.bbox, query.tipi), lambda: _places_in_view(query))
    return in_view <= VIEW_READ_FIRST_PLACES


def _places_in_view(query: SearchQuery) -> float:
    """The places of the kinds of `query` in its bbox, estimated from the map cells."""
    minlon, minlat, maxlon, maxlat = query.bbox
    x0, x1, y0, y1 = _cells_of(query.bbox)
    places = _places_in_cells(query, IN_CELLS, [x0, x1, y0, y1])
    # The cells touching a small view cover much more than it (1.6 times in central
    # Milan): their places are scaled by the share of their area that the view covers.
    cells_area = (x1 - x0 + 1) * (y1 - y0 + 1) * CELL_DEGREES**2
    return places * (maxlon - minlon) * (maxlat - minlat) / cells_area


def _places_in_cells(query: SearchQuery, cells: str, params: list) -> float:
    """The places of the kinds of `query` in the map cells of the condition `cells`."""
    (row,) = fetch_dicts(
        "SELECT coalesce(sum(n), 0) AS n FROM search_cella WHERE tipo = ANY(%s) "
        f"AND filtro = '' AND gratuito IS NULL AND {cells}",
        [list(query.tipi), *params],
    )
    return row["n"]


def _places_in_circle(query: SearchQuery) -> float:
    """The places of the kinds of `query` within its radius, estimated from the map
    cells the circle touches (once per index version, circle and kinds: the memo). The
    planner's own estimate of the rows `ST_DWithin` keeps is no guide: 38 for the
    124,000 places within 10 km of the Duomo at a million services."""

    def estimate() -> float:
        disc = disc_cells(query.punto.x, query.punto.y, query.raggio_km * 1000, EVERYWHERE)
        if disc is None:
            return _table_rows()
        return _places_in_cells(query, *disc.touched_condition())

    key = ("places_in_circle", query.punto.x, query.punto.y, query.raggio_km, query.tipi)
    return memo(key, estimate)


def _walk_the_circle(query: SearchQuery) -> bool:
    """Whether the most recent rows within a radius are found by walking the catalogue
    by date, the radius checked on each row, rather than by reading every row of the
    circle and sorting them: so where the circle holds more than VIEW_READ_FIRST_PLACES
    places, as a map's view. A text narrows the rows itself. At a million services,
    the most recent within 10 km of the Duomo (124,000 places): 122 ms reading them,
    4-6 walking 2,700 rows by date (without parallel workers, see settings); the
    services for the elderly among them, 8 ms."""
    return (
        query.punto is not None
        and query.raggio_km is not None
        and not query.has_text
        and _places_in_circle(query) > VIEW_READ_FIRST_PLACES
    )


def _circle_over_cap(query: SearchQuery, sql: _Sql) -> bool:
    """Whether a query within a radius, without a text, surely matches more than
    COUNT_CAP rows: from the sample (_surely_over_cap, whose first bucket has its own
    index of places, migration 0022), asked when the circle holds ten times as many
    places. Counting the rows gathers the circle's bitmap first: 33 ms within 10 km of
    the Duomo at a million services, the sample 2.6."""
    return (
        query.punto is not None
        and query.raggio_km is not None
        and _places_in_circle(query) >= OVER_CAP_FACTOR * COUNT_CAP
        and _surely_over_cap(sql)
    )


def _in_comuni(
    query: SearchQuery, *, text_per_row: bool = False
) -> tuple[_Sql, list[tuple[str, list]]]:
    """The query without its Comuni, and the two conditions that replace them: the rows
    placed in the Comuni, read through a Comune's indexes (by date for a page, in table
    order for a count), and those delivered at home there (few), never both for a row.

    As one OR, the planner can only visit every row of the Comuni (Milan has 94,000) or
    walk the catalogue by date; and it expects a Comune's rows anywhere in the table,
    while the rebuild keeps them together, so it reads a thousand of them by a
    sequential scan that may cross most of the table first.
    """
    comuni = list(query.comuni)
    placed = (
        ("d.comune_id = %s", [comuni[0]])
        if len(comuni) == 1
        else (
            "d.comune_id = ANY(%s)",
            [comuni],
        )
    )
    if len(comuni) > 1 and query.has_text and not text_per_row:
        # Their provinces' keys, in the scan of the text's index (see PROVINCE_KEY).
        condition, condition_params = placed
        if _whole_provinces(query.comuni):
            # The keys give the provinces' rows alone: the Comuni are checked on each (a
            # hashed array), not read from their own index too, which cost as much as
            # the scan ("badante" in the province of Bergamo: 110,000 rows of its
            # Comuni, 7.5 ms, for the scan's 8,300, 9 ms).
            condition = f"({condition}) IS TRUE"
        placed = (
            f"{condition} AND {ROW_KEYS.format(a='d')} && %s::int8[]",
            [*condition_params, province_keys(query.comuni)],
        )
    # `<> '{}'`: the index of the rows delivered at home alone (migration 0028).
    at_home = (
        "d.comuni_copertura && %s::varchar[] AND d.comuni_copertura <> '{}' "
        "AND (d.comune_id IS NULL OR d.comune_id <> ALL(%s))",
        [comuni, comuni],
    )
    return _Sql(query, text_per_row=text_per_row, comuni=False), [placed, at_home]


def _whole_provinces(comuni: tuple[str, ...]) -> bool:
    """Whether `comuni` are every Comune of their provinces (a province asked, or named
    in the text)."""

    def read() -> bool:
        provinces = sorted({codice[:3] for codice in comuni})
        (row,) = fetch_dicts(
            "SELECT count(*) AS n FROM geo_data_comune WHERE left(codice_istat, 3) = ANY(%s)",
            [provinces],
        )
        return row["n"] == len(set(comuni))

    return memo(("search_whole_provinces", comuni), read)


def _recent_in_comuni(
    query: SearchQuery,
    scored: _Scored,
    wanted_rows: int,
    *,
    text_per_row: bool = False,
    collected: bool = False,
) -> list[dict]:
    """The most recently updated rows of some Comuni (see _in_comuni).

    The rows delivered at home are read first and sorted after (OFFSET 0 keeps the order
    out of their subquery): offered the order, the planner may walk the whole catalogue
    by date looking for the few of them, when it overestimates how many there are
    (expecting 3,150 of none, a search of what is open now in Milan read 900,000 rows
    in 2.5 s). With `collected`, so are the rows placed there, found through the text's
    index (see _collect_in_comuni): offered the order, the planner walks by date.
    """
    sql, (placed, at_home) = _in_comuni(query, text_per_row=text_per_row)
    placed_sql = sql
    if collected:
        # The few rows delivered at home are found through their own index, whatever the
        # text; those placed there, through the text's.
        placed_sql, (placed, _at_home) = _in_comuni(query)
    union, params = [], []
    for (condition, condition_params), fenced, rest in (
        (placed, collected, placed_sql),
        (at_home, True, sql),
    ):
        where, where_params = f"{rest.where} AND {condition}", [*rest.params, *condition_params]
        if fenced:
            # The page's rows first, then scored: ranking every row collected (8,300 for
            # "badante" in the province of Bergamo) cost more than collecting them.
            rows = _fenced(
                f"SELECT d.id, d.aggiornato_il FROM search_documento d WHERE {where}", "d.id"
            )
            where = f"d.id IN ({rows} ORDER BY d.aggiornato_il DESC, d.id DESC LIMIT %s)"
            where_params.append(wanted_rows)
        select = f"SELECT {scored.columns}, d.aggiornato_il FROM search_documento d WHERE {where}"
        # By the names of the output columns: the same as the table's `d.aggiornato_il`,
        # `d.id` (and so its date index) where nothing is fenced.
        union.append(f"({select} ORDER BY aggiornato_il DESC, row_id DESC LIMIT %s)")
        params += [*scored.params, *where_params, wanted_rows]
    return fetch_dicts(
        f"SELECT {_PAGE_COLUMNS} FROM ({' UNION ALL '.join(union)}) r "
        "ORDER BY aggiornato_il DESC, row_id DESC LIMIT %s",
        [*params, wanted_rows],
    )


_Kept = TypeVar("_Kept")


def _kept_when_unfiltered(query: SearchQuery, name: str, compute: Callable[[], _Kept]) -> _Kept:
    """`compute()`, kept for the index version and the day when the query filters by
    nothing (the nearest to a point, the latest updated, the API asked nothing): what it
    computes over the matches is then the catalogue's valid that day, the same for any
    point and order. At a million services its count was a statement of 0.6 ms of the
    2.3 that the nearest 20 to the Duomo ran, its facets 53-55 ms of the 60 that
    `/api/v1/cerca/` without parameters took (facets are on by default)."""
    if _unfiltered(query):
        return memo((name, query.oggi), compute)
    return compute()


def _count(query: SearchQuery, sql: _Sql) -> _Matching:
    """How many rows and objects match, counted up to COUNT_CAP + 1 rows."""
    return _kept_when_unfiltered(query, "search_count", lambda: _counted(query, sql))


def _counted(query: SearchQuery, sql: _Sql) -> _Matching:
    if not query.comuni and (
        _surely_over_cap_with_text(query, sql) if query.has_text else _circle_over_cap(query, sql)
    ):
        return _Matching(COUNT_CAP + 1, COUNT_CAP)
    if query.comuni:
        # In the order of the Comune's index, so that it is the index that is read: its
        # rows in table order, neighbours on the same pages.
        rest, branches = _in_comuni(query)
        union, params = [], []
        for condition, condition_params in branches:
            union.append(
                f"(SELECT 1 FROM search_documento d WHERE {rest.where} AND {condition} "
                "ORDER BY d.comune_id LIMIT %s)"
            )
            params += [*rest.params, *condition_params, COUNT_CAP + 1]
        capped = f"SELECT count(*) AS n FROM ({' UNION ALL '.join(union)}) capped"
    else:
        capped = (
            f"SELECT count(*) AS n FROM (SELECT 1 FROM search_documento d WHERE {sql.where} "
            "LIMIT %s) capped"
        )
        params = [*sql.params, COUNT_CAP + 1]
    rows = fetch_dicts(capped, params)[0]["n"]
    if rows > COUNT_CAP:
        return _Matching(rows, COUNT_CAP)
    objects = fetch_dicts(
        f"SELECT count(DISTINCT (d.tipo, d.oggetto_id)) AS n FROM search_documento d "
        f"WHERE {sql.where}",
        sql.params,
    )[0]["n"]
    return _Matching(rows, objects)


def search(query: SearchQuery, *, facets: bool = True) -> SearchResult:
    tsquery = text_tsqueries(query.q).ranked if query.has_text else None
    # An object with several places has several rows: read a margin, keep the first.
    wanted = query.offset + query.per_pagina
    rows, matching = _page_rows(query, tsquery, wanted * 3 + 20)
    page = _first_per_object(rows)[query.offset : wanted]
    sql = _Sql(query)
    matching = matching or _count(query, sql)
    exact = matching.rows <= COUNT_CAP
    result = SearchResult(
        backend=NAME,
        count=matching.objects if exact else COUNT_CAP,
        count_esatto=exact,
        hits=_hits(page, query, tsquery),
        facets={},
    )
    if facets:
        result.facets, estimated = _kept_when_unfiltered(
            query, "search_facets", lambda: _facets(sql, matching)
        )
        if not exact:
            result.facette_esatte = False
            result.count_stimato = max(estimated, COUNT_CAP + 1)
    return result


_MARKS = f"StartSel={MARK_START}, StopSel={MARK_END}"
# The marking of a page's texts: the place words and the names of several words only for
# a query that their marking could change (`w.places`, `w.names`: _marks_places). For
# every hit and each of its categories (_FOUND_IN_SQL): the names' expression took
# 0.4 ms a call where the sigle's take 0.15 (the page's statement of "asilo": 4.4 ms,
# 2.2 without).
_W_MARKING = {"places": "w.places", "names": "w.names"}
# The snippet: the title and the description, the words of the query marked, in the
# fragment that holds them all (`w.ranked`). Where the text holds only some of them, the
# others being in the Ente's name or a category's, ts_headline finds no such fragment and
# gives the text's first words, none marked: "mediazione culturale" showed the start of
# a consultorio's text, not its "mediatrice culturale" (the "mediazione" is in its
# category). There the fragment is the one with most of the words that it does hold
# (`w.q`, any group). Not always: with all the words in the text, the fragment of any
# group is often one word's ("consulenza lavoro": 8 of 13 demo texts showed fewer words).
_SNIPPET_TEXT = marked_text_sql("d.titolo || '. ' || d.testo", **_W_MARKING)
_SNIPPET_OPTIONS = (
    f"'{_MARKS}, MaxWords=30, MinWords=12, MaxFragments=1, FragmentDelimiter=\" … \"'"
)
_SNIPPET_SQL = f"""
    CASE WHEN strpos(s.every_group, '{MARK_START}') > 0 OR w.ranked = w.q THEN s.every_group
         ELSE ts_headline('italiano', {_SNIPPET_TEXT}, w.q, {_SNIPPET_OPTIONS})
    END"""
# Why a row matched where its snippet cannot show it: its Ente's name, and the names
# of its categories (with their ancestors), when they hold any group of the query's
# words (`w.q`, text_tsqueries' any_group), marked as the snippet is.
_FOUND_IN_SQL = f"""
    CASE WHEN {italian_vector_sql("d.ente_nome", **_W_MARKING)} @@ w.q
         THEN ts_headline('italiano', {marked_text_sql("d.ente_nome", **_W_MARKING)}, w.q,
                          '{_MARKS}, HighlightAll=true')
    END AS ente_evidenziato,
    ARRAY(
        SELECT ts_headline('italiano', {marked_text_sql("cat.nome", **_W_MARKING)}, w.q,
                           '{_MARKS}, HighlightAll=true')
        FROM servizi_categoria cat
        WHERE cat.codice = ANY(d.categorie)
          AND {italian_vector_sql("cat.nome", **_W_MARKING)} @@ w.q
        ORDER BY cat.codice
    ) AS categorie_trovate"""


# An operand of a tsquery's text: its quoted lexeme, and ":*" when it is a prefix.
_OPERAND = re.compile(r"('(?:[^']|'')+')(:\*)?")


def _marks_places(tsquery: str) -> tuple[bool, bool]:
    """Whether the snippets of this tsquery need the place words marked, and the words
    of the names of several words (text.marks_places, text.marks_names)."""
    operands = [
        (unquoted_lexeme(quoted), bool(prefix)) for quoted, prefix in _OPERAND.findall(tsquery)
    ]
    return marks_places(operands), marks_names(operands)


def _hits(rows: list[dict], query: SearchQuery, tsquery: str | None) -> list[Hit]:
    if not rows:
        return []
    ids = [row["row_id"] for row in rows]
    open_clause, open_params = open_at_sql("d", timezone.now())
    has_text = tsquery is not None
    if has_text:
        text_columns = f"{_SNIPPET_SQL} AS snippet, {_FOUND_IN_SQL}"
        text_from = f"""
            CROSS JOIN (SELECT {TSQUERY_SQL}, {TSQUERY_SQL}, %s::boolean, %s::boolean)
                AS w(ranked, q, places, names)
            CROSS JOIN LATERAL (
                SELECT ts_headline('italiano', {_SNIPPET_TEXT}, w.ranked, {_SNIPPET_OPTIONS})
            ) AS s(every_group)"""
        text_params = [tsquery, text_tsqueries(query.q).any_group, *_marks_places(tsquery)]
    else:
        text_columns = "NULL AS snippet, NULL AS ente_evidenziato, NULL AS categorie_trovate"
        text_from, text_params = "", []
    extra = {
        row["row_id"]: row
        for row in fetch_dicts(
            f"""
            SELECT d.id AS row_id, {_SHOWN_COLUMNS}, c.nome AS comune_nome,
                   CASE WHEN d.orario_id IS NULL THEN NULL ELSE {open_clause} END AS aperto_ora,
                   {text_columns}, left(d.testo, 200) AS inizio
            FROM search_documento d LEFT JOIN geo_data_comune c ON c.codice_istat = d.comune_id
            {text_from}
            WHERE d.id = ANY(%s)
            """,
            open_params + text_params + [ids],
            prepared=True,
        )
    }
    hits = []
    for row in rows:
        more = extra[row["row_id"]]
        snippet = _snippet(more["snippet"]) if has_text else html.escape(more["inizio"] or "")
        hits.append(
            Hit(
                tipo=row["tipo"],
                id=row["oggetto_id"],
                titolo=more["titolo"],
                ente={"id": more["ente_id"], "nome": more["ente_nome"], "tipo": more["tipo_ente"]},
                comune=(
                    {"codice_istat": more["comune_id"], "nome": more["comune_nome"]}
                    if more["comune_id"]
                    else None
                ),
                distanza_km=round(row["dist"], 3) if row["dist"] is not None else None,
                snippet=snippet,
                aperto_ora=more["aperto_ora"],
                punto=[more["lon"], more["lat"]] if more["lon"] is not None else None,
                sede_id=more["sede_id"],
                demo=more["demo"],
                score=round(float(row["score"]), 6),
                ente_evidenziato=(
                    _snippet(more["ente_evidenziato"]) if more["ente_evidenziato"] else None
                ),
                categorie_trovate=[_snippet(name) for name in more["categorie_trovate"] or []],
            )
        )
    return hits


_FACETS_SQL = """
WITH m AS MATERIALIZED (
    SELECT d.tipo, d.oggetto_id, d.tipo_ente, d.comune_id, d.categorie
    FROM search_documento d WHERE {where}
), o AS (
    SELECT tipo, oggetto_id, min(tipo_ente) AS tipo_ente, min(categorie) AS categorie
    FROM m GROUP BY tipo, oggetto_id
)
SELECT 'oggetti' AS facet, NULL AS valore, count(*) AS n FROM o
UNION ALL
SELECT 'tipo', tipo, count(*) FROM o GROUP BY tipo
UNION ALL
SELECT 'categoria', c, count(*) FROM o, unnest(o.categorie) c GROUP BY c
UNION ALL
SELECT 'tipo_ente', tipo_ente, count(*) FROM o GROUP BY tipo_ente
UNION ALL
SELECT 'comune', comune_id, count(*) FROM (
  SELECT DISTINCT comune_id, tipo, oggetto_id FROM m WHERE comune_id IS NOT NULL
) mc GROUP BY comune_id
UNION ALL
SELECT 'ambito', slug, count(*) FROM (
  SELECT DISTINCT a.slug, m.tipo, m.oggetto_id FROM m
  JOIN geo_data_ambito_comuni ac ON ac.comune_id = m.comune_id
  JOIN geo_data_ambito a ON a.id = ac.ambito_id
) ma GROUP BY slug
"""


def _sampled_facet_rows(sql: _Sql) -> tuple[list[dict], float]:
    """The facet rows of the objects in the first `campione` buckets, and the scale.

    One bucket first (a sixty-fourth of the objects); when it holds too few rows for
    an estimate, four times as many or more (_more_buckets): 1, 4, 16, 64 buckets, each
    with a text index of its own (migration 0007), and an index of its places (0022).
    """
    bucket = _bucket(sql.query)
    buckets = SAMPLE_BUCKETS if _few_keyed_matches(sql) else 1
    while True:
        rows = fetch_dicts(
            _FACETS_SQL.format(where=f"{sql.where} AND {bucket} < %s"), [*sql.params, buckets]
        )
        sampled = next(row["n"] for row in rows if row["facet"] == "oggetti")
        if buckets == SAMPLE_BUCKETS or _sample_is_enough(sampled):
            return rows, SAMPLE_BUCKETS / buckets
        buckets = _more_buckets(buckets, sampled)


# Up to this many matches of a text with the keys of the hours asked, the facets read
# them all in one scan (see _few_keyed_matches).
FACETS_OF_EVERY_KEYED_MATCH = 5_000


def _few_keyed_matches(sql: _Sql) -> bool:
    """Whether the statement finds its rows through the keys of the hours (OPEN_KEYS), and
    they are few: the scan of the text's index with the keys costs each sample what it
    costs for all of them (the bucket is checked on the rows it gives), so they are all
    read at once. At a million services "psicologo" on a Sunday (3,160 rows with the
    keys of the day) read 1, 4 and 16 buckets, 6 + 19 + 18 ms."""
    if not sql.open_keyed:
        return False
    tsquery = text_tsqueries(sql.query.q).ranked
    return _estimated_matches(tsquery) * _keyed_open_share(sql.query) <= FACETS_OF_EVERY_KEYED_MATCH


def _bucket(query: SearchQuery) -> str:
    """The sample bucket as the indexes of the first buckets read it: with a text, the
    column (the predicate of the buckets' text indexes); without, its cast (that of the
    index of the buckets and of the indexes of their places: see models.
    DocumentoRicerca)."""
    return "d.campione" if query.has_text else "d.campione::integer"


def _sample_is_enough(objects: float) -> bool:
    return objects * 3 >= FACET_SAMPLE_ROWS


def _more_buckets(buckets: int, sampled: int) -> int:
    """The buckets to read after `buckets` held `sampled` objects, too few: four times
    as many, or sixteen times where four times as many objects would clearly be too few
    (not half what is needed: the buckets hold about as many objects each, give or take),
    but never every bucket at a leap (that is reading every match). At a million
    services, the services for children within 3 km of the Duomo (32 objects in one
    bucket) read 1, 4, then 16 buckets, 30 ms; now 1 then 16, 21 ms."""
    more = buckets * 4
    if more * 4 < SAMPLE_BUCKETS and not _sample_is_enough(2 * sampled * more / buckets):
        more *= 4
    return more


def _facets(sql: _Sql, matching: _Matching) -> tuple[dict[str, list[dict]], int]:
    """Distinct objects per category, provider kind, Comune and Ambito, in one scan, and
    the number of objects matching.

    For a search with more than COUNT_CAP matching rows only the objects of the first
    few `campione` buckets are scanned, as many as give about FACET_SAMPLE_ROWS rows,
    and the counts are scaled up: estimates.
    """
    if matching.row_ids is not None:
        rows, scale = (
            fetch_dicts(_FACETS_SQL.format(where="d.id = ANY(%s)"), [matching.row_ids]),
            1.0,
        )
    elif matching.rows <= COUNT_CAP:
        rows, scale = fetch_dicts(_FACETS_SQL.format(where=sql.where), sql.params), 1.0
    else:
        rows, scale = _sampled_facet_rows(sql)
    raw: dict[str, list[dict]] = {name: [] for name in FACETS}
    objects = 0
    for row in rows:
        n = round(row["n"] * scale)
        if row["facet"] == "oggetti":
            objects = n
        else:
            raw[row["facet"]].append({"valore": row["valore"], "n": n})
    return label_facets(raw), objects


FACETS = ("tipo", "categoria", "tipo_ente", "comune", "ambito")
# What each kind of result is called, in the reader's language.
_KIND_MODELS = {"servizio": Servizio, "pit": PuntoInformazione, "convenzione": Convenzione}


def category_names() -> list[tuple[str, str, str]]:
    """(code, name in the reader's language, Italian name) of every category."""
    return memo(
        "category_names",
        lambda: [
            (categoria.codice, nome_tradotto(categoria), categoria.nome)
            for categoria in Categoria.objects.only("codice", "nome", "nome_en")
        ],
    )


def _category_words() -> list[tuple[str, str, list[str]]]:
    """(code, name in the reader's language, the words of both names) of every category."""
    return memo(
        "category_words",
        lambda: [
            (codice, nome, words(nome) + words(italiano))
            for codice, nome, italiano in category_names()
        ],
    )


def label_facets(raw: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Facet buckets with a readable label in the reader's language, biggest first
    (shared by the backends)."""
    territory = territory_names()
    labels = {
        "tipo": {tipo: capfirst(model._meta.verbose_name) for tipo, model in _KIND_MODELS.items()},
        "categoria": {codice: nome for codice, nome, _italiano in category_names()},
        "tipo_ente": dict(TipoEnte.choices),
        "comune": territory["comune"],
        "ambito": territory["ambito"],
    }
    return {
        name: sorted(
            (
                {
                    "valore": b["valore"],
                    "etichetta": str(labels[name].get(b["valore"], b["valore"])),
                    "conteggio": b["n"],
                }
                for b in buckets
            ),
            key=lambda b: (-b["conteggio"], b["etichetta"]),
        )
        for name, buckets in raw.items()
    }


# A title is proposed when its closest stretch is this similar to what was typed.
MIN_TITLE_SIMILARITY = 0.3
MAX_CATEGORY_SUGGESTIONS = 3
TITLE_CANDIDATES = 50


def category_suggestions(prefix: str) -> list[dict]:
    """Categories each typed word begins a word of (the same rule for every backend),
    named in the reader's language; then those named by a synonym of what is being
    typed ("casa di r": the "RSA e residenze", for "casa di riposo" ~ "rsa"; "tata": the
    "Baby sitting")."""
    typed = words(prefix)
    if not typed:
        return []
    found: list[dict] = []
    # Named in the reader's language; typed words may be Italian ones too.
    for alternative in [tuple(typed), *synonyms_being_typed(typed)]:
        for codice, nome, name_words in _category_words():
            if all(any(w.startswith(t) for w in name_words) for t in alternative):
                suggestion = {"testo": nome, "tipo": "categoria", "codice": codice}
                if suggestion not in found:
                    found.append(suggestion)
    return found[:MAX_CATEGORY_SUGGESTIONS]


def with_titles(categorie: list[dict], titles: list[str], limit: int) -> list[dict]:
    """The type-ahead answer: categories first, then titles, `limit` in all."""
    suggested = [{"testo": titolo, "tipo": "titolo", "codice": None} for titolo in titles]
    return (categorie + suggested)[:limit]


def suggest(prefix: str, limit: int = 8) -> list[dict]:
    """Type-ahead: categories and titles that start like the prefix (or nearly).

    Titles that begin with what was typed come first, the more common first; when they
    are too few, the titles with the most similar stretch (a word inside the title, a
    typo) follow, from the trigram index. Each index is read in its own order, for a
    bounded number of candidates: a second sort key would make it sort every title.
    """
    folded = " ".join(words(prefix))
    if not folded:
        return []
    # `folded` has letters, digits and spaces only: nothing to escape. In the order of
    # the prefix index (`~<~`, text_pattern_ops), so that the index gives the first
    # candidates: in the collation's order every title with the prefix was read and
    # sorted (1,200 for "asi" at a million services: 1.3 ms instead of 0.1).
    rows = fetch_dicts(
        "SELECT testo, n FROM search_titolo WHERE chiave LIKE %s "
        "ORDER BY chiave USING ~<~ LIMIT %s",
        [f"{folded}%", TITLE_CANDIDATES],
    )
    rows.sort(key=lambda row: (-row["n"], row["testo"]))
    titles = [row["testo"] for row in rows]
    if len(titles) < limit:
        similar = fetch_dicts(
            """
            SELECT testo, word_similarity(%s, chiave) AS sim FROM search_titolo
            ORDER BY chiave <->> %s LIMIT %s
            """,
            [folded, folded, limit * 2],
        )
        titles += [
            row["testo"]
            for row in similar
            if row["sim"] >= MIN_TITLE_SIMILARITY and row["testo"] not in titles
        ]
    return with_titles(category_suggestions(prefix), titles, limit)


# Up to CELL_ZOOM the map gets clusters, from the next zoom single points. A cluster is
# a cell of the grid at the map's zoom (64 pixels a side); cells nest exactly: a cell at
# zoom z is 2**(CELL_ZOOM - z) cells at CELL_ZOOM a side.
POINTS_FROM_ZOOM = CELL_ZOOM + 1
MAX_POINTS = 2000
# A map of up to this many categories adds their cells, then takes back the places in
# several of them, found in pairs (see _OVERLAP_ROWS). At a million services, the region
# at zoom 9, in-process: two categories 476 -> 83 ms, three 586 -> 136, four 672 -> 275;
# each further category adds as many pairs as there are categories already.
MAX_CATEGORIES_FROM_CELLS = 4


@dataclass(frozen=True)
class CellsKey:
    """The pre-aggregated cells of one `filtro` value ('' for all places, models.
    CellaMappa): those of all its places, or the split ones of the places with the given
    cost, access and provider kind (`split`: (column, value) pairs); with `aperto`, the
    weekly spans of all places open at that moment (models.CellaOraria), with `giorno`
    and `parte` the weekday's cells of all places open on that day or in its part, or
    with `parte` alone in that part of some day of the week (models.CellaGiorno); with
    a word's `filtro` too, its cells less its places closed then (see _CLOSED_ROWS). With
    `altre`, more categories, whose cells are added to those of the category `filtro`:
    a place in several of them is then taken back from its rows (see _OVERLAP_ROWS)."""

    filtro: str = ""
    split: tuple[tuple[str, bool | str], ...] = ()
    aperto: datetime | None = None
    giorno: date | None = None
    parte: str = ""
    altre: tuple[str, ...] = ()

    @property
    def categorie(self) -> list[str]:
        return [self.filtro, *self.altre]

    @property
    def less_closed(self) -> bool:
        """Whether these are a word's cells less its places closed at the hours asked."""
        return bool(self.filtro) and (self.giorno is not None or bool(self.parte))

    def condition(self) -> tuple[str, list]:
        """The condition on the cells' split columns. "gratuito IS NOT NULL" tells the
        planner that the split rows' index holds the rows, whichever columns are asked."""
        if not self.split:
            return "gratuito IS NULL", []
        conditions = ["gratuito IS NOT NULL", *(f"{column} = %s" for column, _v in self.split)]
        return " AND ".join(conditions), [value for _column, value in self.split]


def cells_filter(query: SearchQuery) -> CellsKey | None:
    """Which pre-aggregated cells answer the map of this query: those of all places or
    of the single filter value it asks for, if any (one category, free or not,
    accessible or not, a kind of provider, a group of people, a language); for all
    places or a category and more of cost, access and provider kind, the split cells;
    for up to MAX_CATEGORIES_FROM_CELLS categories, the cells of each; for the places
    open at a moment, with nothing else asked, the weekly spans, and open on a day or in
    a part of it or of the week, the weekday's cells; a word with cells (below) open on
    a day or in a part of it or of the week, where most of its matches are, the word's
    cells less its matches closed then (see _CLOSED_ROWS); within a radius, the same
    (map_view reads the cells wholly inside the circle). None when it asks for
    something the cells do not hold (a Comune, a polygon, opening hours with another
    filter, agreements, two values of the filters with sets other than categories,
    people or a language with cost, access or provider kind; a text, unless it finds its
    rows by one of the commonest lexemes, which have cells of their own, split as the
    categories', and asks for nothing else than cost, access and provider kind): the
    matching rows must then be grouped."""
    if query.punto is not None:
        # A point alone orders the results, it filters nothing; with a radius, the map
        # reads the cells wholly inside the circle and groups the rows of the cells on
        # its edge (map_view).
        return cells_filter(replace(query, punto=None, raggio_km=None))
    if query.aperto_giorno is not None or query.aperto_parte:
        rest = cells_filter(replace(query, aperto_giorno=None, aperto_parte=""))
        hours = {"giorno": query.aperto_giorno, "parte": query.aperto_parte}
        if rest == CellsKey():
            return CellsKey(**hours)
        if (
            rest is not None
            and rest.filtro.startswith(WORD_CELLS)
            and _keyed_open_share(query) >= FEW_OPEN_SHARE_GROUPED
        ):
            return replace(rest, **hours)
        return None
    if query.aperto_il is not None:
        rest = cells_filter(replace(query, aperto_il=None))
        return CellsKey(aperto=query.aperto_il) if rest == CellsKey() else None
    if query.has_text:
        # A word's cells are split by cost, access and provider kind, as the categories'.
        split = _split(query)
        rest = replace(query.without_text(), gratuito=None, accessibile=None, tipo_ente="")
        word = _word_cells(query.q) if cells_filter(rest) == CellsKey() else None
        return CellsKey(word.filtro, split) if word and split else word
    if (
        query.bbox is None
        or query.comuni
        or query.poligono is not None
        or query.con_convenzione_per
    ):
        return None
    categorie = _outermost(query.categorie)
    if len(categorie) > MAX_CATEGORIES_FROM_CELLS:
        return None
    with_sets = categorie[:1]
    for name, value in (("destinatari", query.destinatari), ("lingua", query.lingua)):
        if value:
            with_sets.append(f"{name}={value}")
    split = _split(query)
    altre = tuple(categorie[1:])
    if len(with_sets) + len(split) <= 1 and not altre:
        single = [*with_sets, *(f"{column}={_value_name(value)}" for column, value in split)]
        return CellsKey(single[0] if single else "")
    if len(with_sets) > 1 or (with_sets and "=" in with_sets[0]):
        return None
    return CellsKey(with_sets[0] if with_sets else "", split, altre=altre)


def _split(query: SearchQuery) -> tuple[tuple[str, bool | str], ...]:
    """The query's cost, access and provider kind, as the split cells' columns hold them."""
    return tuple(
        (column, value)
        for column, value in (
            ("gratuito", query.gratuito),
            ("accessibile", query.accessibile),
            ("tipo_ente", query.tipo_ente or None),
        )
        if value is not None
    )


def _word_cells(text: str) -> CellsKey | None:
    """The cells of the one lexeme by which `text` finds its rows, when the lexeme has
    cells (models.Lessema.nelle_celle: the commonest, whose rows are many to group)."""
    quoted = _one_lexeme(text)
    lexeme = None if quoted is None else unquoted_lexeme(quoted)
    if lexeme not in _words_with_cells():
        return None
    return CellsKey(f"{WORD_CELLS}{lexeme}")


def _words_with_cells() -> frozenset[str]:
    def load() -> frozenset[str]:
        rows = fetch_dicts("SELECT lessema FROM search_lessema WHERE nelle_celle", [])
        return frozenset(row["lessema"] for row in rows)

    return memo(("search_words_with_cells",), load)


def _outermost(categorie: tuple[str, ...]) -> list[str]:
    """The categories, once each, without those within another of them (a category's
    places are all in its ancestors: "anziani,anziani.rsa" are the places of
    "anziani"). Codes are dotted paths (servizi.models.Categoria)."""
    unique = list(dict.fromkeys(categorie))
    return [c for c in unique if not any(c.startswith(f"{other}.") for other in unique)]


def _value_name(value: bool | str) -> str:
    """A filter value as the cells' `filtro` writes it (as PostgreSQL writes a boolean)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


# The map's cells of the pre-aggregated rows (`{cells}`: cells of the kinds always
# valid in the area, see _cells_sql), the rows of the kinds valid only within their
# dates (a few thousand agreements at most) and, within a radius, the rows of the cells
# on the circle's edge (`{edge}`, see _EDGE_ROWS), grouped together.
_CELLS_SQL = """
{with_}
SELECT sum(n) AS n, sum(somma_lon) / sum(n) AS lon, sum(somma_lat) / sum(n) AS lat,
       min(min_lon) AS minlon, min(min_lat) AS minlat, max(max_lon) AS maxlon,
       max(max_lat) AS maxlat
FROM (
    {cells}
    UNION ALL
    SELECT {point} FROM search_documento d
    WHERE {dated} AND d.cella_x BETWEEN %s AND %s AND d.cella_y BETWEEN %s AND %s
    {edge}
    {overlap}
) celle
GROUP BY cella_x >> %s, cella_y >> %s
HAVING sum(n) > 0
ORDER BY n DESC
"""
_AGGREGATE = "cella_x, cella_y, n, somma_lon, somma_lat, min_lon, min_lat, max_lon, max_lat"
# A search row as the aggregate of its cell's single place.
_POINT = (
    "d.cella_x, d.cella_y, 1, ST_X(d.punto), ST_Y(d.punto), ST_X(d.punto), ST_Y(d.punto), "
    "ST_X(d.punto), ST_Y(d.punto)"
)
# The rows of the cells a circle touches without holding them wholly (grid.DiscCells.
# edge_ranges), read range by range through the cells' index (LATERAL: the rows of the
# whole circle, through its index, are what the cells spare: a 10 km radius around
# Milan is 124,000 places).
_EDGE_ROWS = f"""
    UNION ALL
    SELECT {_POINT} FROM unnest(%s::int[], %s::int[], %s::int[]) AS bordo(x, y0, y1),
    LATERAL (
        SELECT d.cella_x, d.cella_y, d.punto FROM search_documento d
        WHERE d.tipo = ANY(%s) AND d.cella_x = bordo.x
          AND d.cella_y BETWEEN bordo.y0 AND bordo.y1 AND ({{where}}) IS TRUE
    ) d
"""
# The places of a map of several categories (CellsKey.altre) that are in `n` > 1 of them
# were added n times by the cells of each: their rows take them back n - 1 times (their
# bounds, minima and maxima, are right already). `{in_how_many}` counts the categories
# of a row, `{in_two}` finds the rows in two of them at least, pair by pair (the
# categories' index serves each pair).
_OVERLAP_ROWS = """
    UNION ALL
    SELECT d.cella_x, d.cella_y, -(o.n - 1), -(o.n - 1) * ST_X(d.punto),
           -(o.n - 1) * ST_Y(d.punto), NULL, NULL, NULL, NULL
    FROM search_documento d, LATERAL (SELECT {in_how_many} AS n) o
    WHERE {where} AND ({in_two}) AND {area}
"""


def _overlap_rows(
    query: SearchQuery, key: CellsKey, kinds: list[str], in_area: tuple[str, list]
) -> tuple[str, list]:
    """_OVERLAP_ROWS of the categories of `key`, for `kinds` in the cells `in_area`
    holds, and its parameters."""
    area, area_params = in_area
    rest = replace(query, categorie=(), tipi=tuple(kinds), bbox=None, punto=None, raggio_km=None)
    rows = _Sql(rest, every_row=True)
    has = "(d.categorie && ARRAY[%s]::varchar[])"
    pairs = list(itertools.combinations(key.categorie, 2))
    sql = _OVERLAP_ROWS.format(
        in_how_many=" + ".join(f"{has}::int" for _c in key.categorie),
        where=rows.where,
        in_two=" OR ".join(f"({has} AND {has})" for _pair in pairs),
        area=area,
    )
    return sql, [*key.categorie, *rows.params, *itertools.chain(*pairs), *area_params]


# The places of a word's cells closed at the hours asked (CellsKey.less_closed), taken
# back: those whose weekly slots do not meet the day or its part (their closed key,
# closed_keys, in one scan of the index of the text and the sets) but for the ones
# that special hours open, and, on a day, those whose exceptions cover it or the day
# before (few, from their partial index) that are closed then: what could still open
# each is checked on it (special hours; for those with exceptions, every rule). The
# bounds of a cluster are then those of the word's places in its cells, open or not: at
# most a cell (about a kilometre) wider. At a million services, on the region at zoom
# 9, in-process: "servizio" open on a Monday grouped 449,000 places, 831 ms; its cells
# less 44,000, 154. "assistenza" on a Monday 400 -> 100 ms.
_CLOSED_ROWS = """
    UNION ALL
    SELECT d.cella_x, d.cella_y, -1, -ST_X(d.punto), -ST_Y(d.punto), NULL, NULL, NULL, NULL
    FROM search_documento d
    WHERE {where} AND {area} AND ({rows_closed})
"""
_EXCEPTIONS_ON = (
    "(NOT isempty(d.giorni_eccezione) "
    "AND d.giorni_eccezione && datemultirange(daterange(%s, %s, '[]')))"
)


def _closed_rows(
    query: SearchQuery, kinds: list[str], in_area: tuple[str, list]
) -> tuple[str, list]:
    """_CLOSED_ROWS of the query, for `kinds` in the cells `in_area` holds, and its
    parameters."""
    area, area_params = in_area
    rest = replace(
        query,
        aperto_giorno=None,
        aperto_parte="",
        tipi=tuple(kinds),
        bbox=None,
        punto=None,
        raggio_km=None,
    )
    rows = _Sql(rest, every_row=True, filters_by_keys=True)
    keyed = f"{ROW_KEYS.format(a='d')} && %s::int8[]"
    if query.aperto_giorno is None:
        # A part of the week reads the weekly slots alone, which the closed key says
        # meet none of its days: every row with it is closed then.
        candidates = [(keyed, [closed_keys(query)])]
    else:
        # With no exception on the day or the day before, a row with the closed key is
        # open then only by special hours: checking the weekly slots again on each of
        # them took a tenth of the statement ("servizio" on a Monday, 44,000 rows).
        day = query.aperto_giorno
        days = [day - timedelta(days=1), day]
        special, special_params = special_hours_in_sql(
            "d", day, part_hours(query.aperto_parte or None)
        )
        clause, clause_params = schedule_sql(query)
        candidates = [
            (
                f"{keyed} AND NOT {_EXCEPTIONS_ON} AND ({special}) IS NOT TRUE",
                [closed_keys(query), *days, *special_params],
            ),
            (f"{_EXCEPTIONS_ON} AND ({clause}) IS NOT TRUE", [*days, *clause_params]),
        ]
    sql, sql_params = "", []
    for condition, condition_params in candidates:
        sql += _CLOSED_ROWS.format(where=rows.where, area=area, rows_closed=condition)
        sql_params += [*rows.params, *area_params, *condition_params]
    return sql, sql_params


# Open at a moment or on a day: the cells with a place that has an exception on its day
# or the day before (a few, from the partial index) are grouped from their rows, the
# others read the span of their week that holds the moment, or their weekday's row.
_EXCEPTION_CELLS = """
WITH eccezioni AS MATERIALIZED (
    SELECT DISTINCT tipo, cella_x, cella_y FROM search_documento
    WHERE NOT isempty(giorni_eccezione)
      AND giorni_eccezione && datemultirange(daterange(%s, %s, '[]'))
      AND tipo = ANY(%s) AND {in_area}
)"""
_OPEN_CELLS = f"""
    SELECT {_AGGREGATE} FROM {{table}} c
    WHERE tipo = ANY(%s) AND {{open_cells}} AND {{in_area}}
      AND NOT EXISTS (SELECT 1 FROM eccezioni e WHERE e.tipo = c.tipo
                      AND e.cella_x = c.cella_x AND e.cella_y = c.cella_y)
    UNION ALL
    SELECT {_POINT} FROM search_documento d
    JOIN eccezioni e ON d.tipo = e.tipo AND d.cella_x = e.cella_x AND d.cella_y = e.cella_y
    WHERE {{open_rows}}
"""


def _open_cells(key: CellsKey) -> tuple[date, str, str, list, tuple[str, list]]:
    """For the cells of the places open at `key.aperto` or on `key.giorno` (in its part
    `key.parte`, if any): the day whose exceptions (and the day before's) send a cell to
    its rows, the table of the cells, their condition and its parameters, and the rows'
    condition (open_at_sql or open_on_sql)."""
    if key.aperto is not None:
        moment = OpenAt.of(key.aperto)
        return (
            moment.today,
            "search_cella_orario",
            "periodo @> %s::int",
            [moment.second],
            open_at_sql("d", key.aperto),
        )
    day = key.giorno
    return (
        day,
        "search_cella_giorno",
        "giorno = %s AND parte = %s",
        [day.weekday(), key.parte],
        open_on_sql("d", day, key.parte or None),
    )


def _cells_sql(key: CellsKey, kinds: list[str], in_area: tuple[str, list]) -> tuple[str, str, list]:
    """The CTE, the pre-aggregated rows of `key` for `kinds` in the cells that
    `in_area` (a condition on the cells' columns and its parameters) holds, and their
    parameters."""
    area, area_params = in_area
    if key.less_closed:
        # The word's cells, its closed places taken back by their rows (_closed_rows).
        key = replace(key, giorno=None, parte="")
    if key.parte and key.giorno is None:
        # A part of some day of the week: the weekly slots alone, no exception.
        cells = (
            f"SELECT {_AGGREGATE} FROM search_cella_giorno "
            f"WHERE tipo = ANY(%s) AND giorno IS NULL AND parte = %s AND {area}"
        )
        return "", cells, [kinds, key.parte, *area_params]
    if key.aperto is None and key.giorno is None:
        split, split_params = key.condition()
        filtro, filtro_param = (
            ("filtro = ANY(%s)", key.categorie)
            if key.altre
            else (
                "filtro = %s",
                key.filtro,
            )
        )
        cells = (
            f"SELECT {_AGGREGATE} FROM search_cella "
            f"WHERE tipo = ANY(%s) AND {filtro} AND {split} AND {area}"
        )
        return "", cells, [kinds, filtro_param, *split_params, *area_params]
    day, table, open_cells, open_cells_params, (open_rows, open_rows_params) = _open_cells(key)
    return (
        _EXCEPTION_CELLS.format(in_area=area),
        _OPEN_CELLS.format(table=table, open_cells=open_cells, in_area=area, open_rows=open_rows),
        [
            day - timedelta(days=1),
            day,
            kinds,
            *area_params,
            kinds,
            *open_cells_params,
            *area_params,
            *open_rows_params,
        ],
    )


def _from_cells(query: SearchQuery, key: CellsKey, shift: int) -> list[dict] | None:
    """The map's clusters from the cells of `key` (see _CELLS_SQL); None when a circle
    of the query cannot be drawn on the grid (grid.disc_cells)."""
    # The cells that touch the area: at the edge of the view a cluster may count
    # places up to one cell (about a kilometre) outside it.
    area = _cells_of(query.bbox)
    in_area: tuple[str, list] = (IN_CELLS, area)
    undated = [t for t in query.tipi if t not in DATED_TYPES]
    edge, edge_params = "", []
    if query.punto is not None and query.raggio_km is not None:
        disc = disc_cells(query.punto.x, query.punto.y, query.raggio_km * 1000, area)
        if disc is None:
            return None
        in_area = disc.inner_condition()
        if undated:
            # The filters are checked on each range's rows (`IS TRUE` keeps their
            # indexes out: beside the cells' index, the planner took the radius's too,
            # reading the whole circle's bitmap for each range, 430 ms; or the
            # languages', 450).
            rows = _Sql(replace(query, tipi=tuple(undated), bbox=None), every_row=True)
            edge = _EDGE_ROWS.format(where=rows.where)
            edge_params = [*disc.edge_ranges(), undated, *rows.params]
    overlap, overlap_params = "", []
    if key.altre and undated:
        overlap, overlap_params = _overlap_rows(query, key, undated, in_area)
    elif key.less_closed and undated:
        overlap, overlap_params = _closed_rows(query, undated, in_area)
    dated_kinds = tuple(t for t in query.tipi if t in DATED_TYPES)
    dated = _Sql(replace(query, tipi=dated_kinds, bbox=None)) if dated_kinds else None
    with_, cells, cells_params = _cells_sql(key, undated, in_area)
    return fetch_dicts(
        _CELLS_SQL.format(
            with_=with_,
            cells=cells,
            point=_POINT,
            dated=dated.where if dated else "false",
            edge=edge,
            overlap=overlap,
        ),
        [
            *cells_params,
            *(dated.params if dated else []),
            *area,
            *edge_params,
            *overlap_params,
            shift,
            shift,
        ],
    )


def map_view(query: SearchQuery, zoom: int) -> MapResult:
    if zoom >= POINTS_FROM_ZOOM:
        sql = _Sql(query, radius_by_tiles=_radius_by_tiles(query), filters_by_keys=True)
        select = f"""
            SELECT d.id AS row_id, d.tipo, d.oggetto_id AS id, d.titolo, d.sede_id, d.demo,
                   ST_X(d.punto) AS lon, ST_Y(d.punto) AS lat
            FROM search_documento d WHERE {sql.where} AND d.punto IS NOT NULL
        """
        if _small_view(query):
            # The view's places are read, then the first by id kept: walking the ids,
            # the planner expected to meet them soon, but they lie together (the
            # geohash order): in central Milan at zoom 14 (18,700 places) it passed
            # 288,000 rows for 2,000 of them, 145 ms; reading the view 10.
            select = _fenced(select)
        rows = fetch_dicts(
            f"SELECT tipo, id, titolo, sede_id, demo, lon, lat FROM ({select}) p "
            "ORDER BY row_id LIMIT %s",
            [*sql.params, MAX_POINTS + 1],
        )
        return MapResult.of_points(NAME, zoom, rows, MAX_POINTS)
    shift = CELL_ZOOM - zoom
    key = cells_filter(query)
    rows = _from_cells(query, key, shift) if key is not None else None
    if rows is None:
        # Every matching row is grouped (only here: the points are the first few by
        # id, the cells need no condition on the rows' categories). Each row's
        # coordinates are read once (fenced), not once per aggregate: the region's map
        # of "assistenza" (170,000 rows) 192-195 -> 170-172 ms at a million services.
        sql = _Sql(
            query, every_row=True, radius_by_tiles=_radius_by_tiles(query), filters_by_keys=True
        )
        places = _fenced(
            "SELECT d.cella_x, d.cella_y, ST_X(d.punto) AS x, ST_Y(d.punto) AS y "
            f"FROM search_documento d WHERE {sql.where} AND d.punto IS NOT NULL",
            "count(*) AS n, avg(x) AS lon, avg(y) AS lat, min(x) AS minlon, "
            "min(y) AS minlat, max(x) AS maxlon, max(y) AS maxlat",
        )
        rows = fetch_dicts(
            f"{places} GROUP BY d.cella_x >> %s, d.cella_y >> %s ORDER BY n DESC",
            [*sql.params, shift, shift],
        )
    clusters = [
        Cluster(
            count=row["n"],
            centro=[round(row["lon"], 6), round(row["lat"], 6)],
            bounds=[row["minlon"], row["minlat"], row["maxlon"], row["maxlat"]],
        )
        for row in rows
    ]
    return MapResult(backend=NAME, zoom=zoom, clusters=clusters, points=[])
