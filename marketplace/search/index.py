"""Keeping the search index in step with the catalogue, the PIT network and the agreements.

The postgres index (`search_documento`) is rebuilt from the apps' tables by one
set-based statement per kind of object (its `Sorgente`), used both for a full rebuild
and for the few objects a transaction touched. Changes are collected during a
transaction, per kind, and applied once, after it commits (so a rolled-back import
leaves the index untouched). When Elasticsearch is configured, the same rows are then
sent to it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import translation

from servizi.orari import PARTI_DEL_GIORNO, part_hours

from .models import TipoRisultato
from .sql import quoted_lexeme
from .text import italian_vector_sql, words_sql_pattern

logger = logging.getLogger(__name__)

# Derived columns every row gets, whatever its kind: the sample bucket of its object
# and its cell in the map grid (see CellaMappa). `{tipo}`, `{oggetto}` and `{punto}`
# are the SQL expressions of the row's kind, object id and point.
SAMPLE_BUCKETS = 64
CELL_ZOOM = 13
CELL_DEGREES = 360.0 / 2**CELL_ZOOM / 4  # a quarter of a 256-pixel tile: 64 pixels
DERIVED_COLUMNS = "campione, cella_x, cella_y"
DERIVED_VALUES = (
    f"(hashint8extended({{oggetto}}, hashtext({{tipo}})) & {SAMPLE_BUCKETS - 1})::smallint, "
    f"floor(ST_X({{punto}}) / {CELL_DEGREES!r})::int, "
    f"floor(ST_Y({{punto}}) / {CELL_DEGREES!r})::int"
)

# The schedule of the row's `{orario}` (a servizi_orario id, or NULL), in the columns
# that `backends.postgres.open_at_sql` tests (see DocumentoRicerca.settimana): each weekly
# slot's seconds of the week on the day it starts, up to midnight for a slot that runs
# into the next day, whose hours after midnight are in `notte`; the days its exceptions
# cover; the special hours of those exceptions, day by day, in local wall-clock time.
# Multiranges: "open at" is a few containment tests of the row's own values, where a
# join of the slots and exceptions made a search of what is open now in a Comune take
# 2 s at a million services. Weekly times to the second, as the schedules are entered.
SCHEDULE_COLUMNS = "settimana, notte, giorni_eccezione, orari_speciali"
_SECOND_OF_DAY = "floor(extract(epoch FROM f.{0}))::int"
SCHEDULE_VALUES = f"""
    coalesce((SELECT range_agg(int4range(
                  f.giorno * 86400 + {_SECOND_OF_DAY.format("apertura")},
                  CASE WHEN f.chiusura > f.apertura
                       THEN f.giorno * 86400 + {_SECOND_OF_DAY.format("chiusura")}
                       ELSE (f.giorno + 1) * 86400 END))
              FROM servizi_fasciaoraria f WHERE f.orario_id = {{orario}}),
             int4multirange()) AS settimana,
    coalesce((SELECT range_agg(int4range(
                  mod(f.giorno + 1, 7) * 86400,
                  mod(f.giorno + 1, 7) * 86400 + {_SECOND_OF_DAY.format("chiusura")}))
              FROM servizi_fasciaoraria f
              WHERE f.orario_id = {{orario}} AND f.chiusura <= f.apertura),
             int4multirange()) AS notte,
    coalesce((SELECT range_agg(daterange(e.data_inizio, e.data_fine, '[]'))
              FROM servizi_eccezioneorario e WHERE e.orario_id = {{orario}}),
             datemultirange()) AS giorni_eccezione,
    coalesce((SELECT range_agg(tsrange(
                  giorno::date + e.apertura,
                  CASE WHEN e.chiusura > e.apertura THEN giorno::date + e.chiusura
                       ELSE giorno::date + 1 + e.chiusura END))
              FROM servizi_eccezioneorario e
              CROSS JOIN generate_series(e.data_inizio, e.data_fine, interval '1 day') giorno
              WHERE e.orario_id = {{orario}} AND NOT e.chiuso),
             tsmultirange()) AS orari_speciali"""


def schedule_values(orario: str) -> str:
    """SCHEDULE_VALUES of the schedule whose id is the SQL expression `orario`."""
    return SCHEDULE_VALUES.replace("{orario}", orario)


# Every row's columns, in the order the SELECT of each kind gives them (see _insert).
_INSERT = """
INSERT INTO search_documento (
    tipo, oggetto_id, sede_id, titolo, testo, ente_id, ente_nome, tipo_ente, categorie,
    destinatari, lingue, gratuito, accessibile, comune_id, comuni_copertura, punto,
    orario_id, aggiornato_il, demo, valido_dal, valido_al, vettore, {derived_columns},
    {schedule_columns})"""

# The codes and names of some categories (`c`, joined in `{categorie}`) with all their
# ancestors, so that a category finds its descendants.
_CON_ANTENATI = """
    SELECT array_agg(DISTINCT anc.codice) AS codici, string_agg(DISTINCT anc.nome, ' ') AS nomi
    FROM {categorie}
    JOIN servizi_categoria anc ON c.codice = anc.codice OR c.codice LIKE anc.codice || '.%%'"""


def weighted_vector(*texts: tuple[str, str]) -> str:
    """The SQL of a row's text vector from (SQL text, weight) pairs: "A" for the title."""
    return "\n       || ".join(
        f"setweight({italian_vector_sql(text)}, '{weight}')" for text, weight in texts
    )


def _insert(
    select: str,
    *,
    tipo: str,
    oggetto: str,
    punto: str,
    orario: str,
    categorie: str,
    vettore: str,
) -> str:
    """The INSERT of the rows of one kind: `select` gives the columns of _INSERT, with
    `{derived_values}` for the derived ones and the schedule of `orario`,
    `{con_antenati}` for _CON_ANTENATI of the categories joined by `categorie`, and
    `{vettore}` for the text vector (weighted_vector)."""
    derived = DERIVED_VALUES.format(tipo=f"'{tipo}'", oggetto=oggetto, punto=punto)
    return (
        (_INSERT + select)
        .replace("{derived_columns}", DERIVED_COLUMNS)
        .replace("{schedule_columns}", SCHEDULE_COLUMNS)
        .replace("{derived_values}", f"{derived}, {schedule_values(orario)}")
        .replace("{con_antenati}", _CON_ANTENATI.replace("{categorie}", categorie))
        .replace("{vettore}", vettore)
    )


# The rows of one service: one per place, or one without a point when it has none.
# Categories carry all their ancestors; the text vector weighs the title (A) over
# categories and provider (B) and the text (C: description, requirements and cost, the
# row's `testo`; the cost was left out until migration 0037, and "isee" did not find the
# nurseries whose fee is "in base all'ISEE"). A full rebuild writes the rows in the
# order of their places' geohash, so that neighbours share pages: nearest and radius
# searches, Comuni and map cells then read a few pages instead of one a row.
_REINDEX_SERVIZI = _insert(
    """
SELECT 'servizio', s.id, sd.id, s.titolo,
       concat_ws(' ', s.descrizione, s.requisiti, s.costo_descrizione),
       e.id, e.nome, e.tipo, coalesce(cat.codici, '{{}}'),
       s.destinatari, s.lingue, s.costo = 'gratuito', coalesce(sd.accesso_senza_barriere, false),
       sd.comune_id, coalesce(cop.codici, '{{}}'), sd.punto,
       s.orario_id, s.aggiornato_il, s.demo, NULL, NULL,
       {vettore},
       {derived_values}
FROM servizi_servizio s
JOIN servizi_ente e ON e.id = s.ente_id
LEFT JOIN LATERAL ({con_antenati}
    WHERE sc.servizio_id = s.id
) cat ON true
LEFT JOIN LATERAL (
    SELECT array_agg(cc.comune_id) AS codici
    FROM servizi_servizio_comuni_copertura cc WHERE cc.servizio_id = s.id
) cop ON true
LEFT JOIN servizi_servizio_sedi ss ON ss.servizio_id = s.id
LEFT JOIN servizi_sede sd ON sd.id = ss.sede_id
WHERE s.stato = 'pubblicato' {where}
{order}
""",
    tipo="servizio",
    oggetto="s.id",
    punto="sd.punto",
    orario="s.orario_id",
    categorie="servizi_servizio_categorie sc JOIN servizi_categoria c ON c.id = sc.categoria_id",
    vettore=weighted_vector(
        ("s.titolo", "A"),
        ("concat_ws(' ', cat.nomi, e.nome)", "B"),
        ("concat_ws(' ', s.descrizione, s.requisiti, s.costo_descrizione)", "C"),
    ),
)

# The rows of one info point (PIT), at the place of its Sede, as `pit_documento` describes
# them: its kind (the Italian label after what people call the desks, a parameter:
# `_pit_kinds`), its topics and its description are its
# text; topics carry their ancestors, as a service's categories do; the name weighs (A)
# over kind, topics and Ente (B) and the description (C). Which PITs: `pit_per_indice`.
_REINDEX_PIT = _insert(
    """
SELECT 'pit', p.id, sd.id, p.nome,
       concat_ws(' ', k.etichetta, tem.nomi, nullif(p.descrizione, '')),
       e.id, e.nome, e.tipo, coalesce(cat.codici, '{{}}'),
       '{{}}', p.lingue, true, sd.accesso_senza_barriere,
       sd.comune_id, '{{}}', sd.punto,
       p.orario_id, p.aggiornato_il, p.demo, NULL, NULL,
       {vettore},
       {derived_values}
FROM punti_informazione_puntoinformazione p
JOIN servizi_ente e ON e.id = p.ente_id
JOIN servizi_sede sd ON sd.id = p.sede_id
CROSS JOIN LATERAL (SELECT %s::jsonb ->> p.tipo AS etichetta) k
LEFT JOIN LATERAL (
    SELECT string_agg(c.nome, ' ' ORDER BY c.codice) AS nomi
    FROM punti_informazione_puntoinformazione_temi t
    JOIN servizi_categoria c ON c.id = t.categoria_id
    WHERE t.puntoinformazione_id = p.id
) tem ON true
LEFT JOIN LATERAL ({con_antenati}
    WHERE t.puntoinformazione_id = p.id
) cat ON true
WHERE true {where}
{order}
""",
    tipo="pit",
    oggetto="p.id",
    punto="sd.punto",
    orario="p.orario_id",
    categorie=(
        "punti_informazione_puntoinformazione_temi t "
        "JOIN servizi_categoria c ON c.id = t.categoria_id"
    ),
    vettore=weighted_vector(
        ("p.nome", "A"),
        ("concat_ws(' ', k.etichetta, cat.nomi, e.nome)", "B"),
        ("p.descrizione", "C"),
    ),
)

# `Convenzione.beneficio_breve()` in SQL (Italian, the language of the text vector): the
# benefit in a few words, numbers written as Italians do ("10", "12,50"). Kept equal to
# the model's by tests/search/test_index.py.
_NUMERO = (
    "CASE WHEN {v} = trunc({v}) THEN trunc({v})::bigint::text "
    "ELSE replace(to_char({v}, 'FM999999999990.00'), '.', ',') END"
)
_BENEFICIO = """
    SELECT CASE WHEN tipo.testo <> '' AND conv.beneficio_testo <> ''
                THEN tipo.testo || ' – ' || conv.beneficio_testo
                ELSE tipo.testo || conv.beneficio_testo END AS testo
    FROM (SELECT coalesce(CASE conv.tipo_beneficio
        WHEN 'percentuale' THEN 'Sconto del ' || {percentuale} || '%%'
        WHEN 'importo' THEN 'Sconto di ' || {importo} || ' €'
        WHEN 'prezzo_speciale' THEN 'Prezzo speciale: ' || {importo} || ' €'
        WHEN 'gratuito' THEN 'Gratuito'
    END, '') AS testo) tipo
""".replace("{percentuale}", _NUMERO.format(v="conv.percentuale")).replace(
    "{importo}", _NUMERO.format(v="conv.importo")
)

# The rows of one agreement, as `documento_indice` describes them: one per place where it
# can be used (those of the services it names, otherwise every place of its Ente), or
# one without a point; the categories of those services (of all the Ente's published
# ones when it names none), with their ancestors; its validity dates, which searches
# check against the day of the request. The title weighs (A) over the benefit,
# categories and Ente (B), and description, conditions and services (C). Which
# agreements: `convenzioni_da_indicizzare` (published, not yet ended).
_REINDEX_CONVENZIONI = _insert(
    """
SELECT 'convenzione', conv.id, sd.id, conv.titolo,
       concat_ws(' ', nullif(ben.testo, ''), nullif(conv.descrizione, ''),
                 nullif(conv.condizioni, ''), srv.titoli),
       e.id, e.nome, e.tipo, coalesce(cat.codici, '{{}}'),
       '{{}}', '{{}}', conv.tipo_beneficio = 'gratuito',
       coalesce(sd.accesso_senza_barriere, false), sd.comune_id, '{{}}', sd.punto,
       NULL, conv.aggiornato_il, conv.demo, conv.data_inizio, conv.data_fine,
       {vettore},
       {derived_values}
FROM convenzioni_convenzione conv
JOIN servizi_ente e ON e.id = conv.ente_id
CROSS JOIN LATERAL ({beneficio}) ben
LEFT JOIN LATERAL (
    SELECT array_agg(s.id) AS ids, string_agg(s.titolo, ' ' ORDER BY s.titolo, s.id) AS titoli
    FROM convenzioni_convenzione_servizi cs JOIN servizi_servizio s ON s.id = cs.servizio_id
    WHERE cs.convenzione_id = conv.id
) srv ON true
LEFT JOIN LATERAL ({con_antenati}
    WHERE s.id = ANY(srv.ids)
       OR (srv.ids IS NULL AND s.ente_id = conv.ente_id AND s.stato = 'pubblicato')
) cat ON true
LEFT JOIN LATERAL (
    SELECT sd.id, sd.punto, sd.comune_id, sd.accesso_senza_barriere FROM servizi_sede sd
    WHERE (srv.ids IS NULL AND sd.ente_id = conv.ente_id)
       OR sd.id IN (SELECT ss.sede_id FROM servizi_servizio_sedi ss
                    WHERE ss.servizio_id = ANY(srv.ids))
) sd ON true
WHERE true {where}
{order}
""".replace("{beneficio}", _BENEFICIO),
    tipo="convenzione",
    oggetto="conv.id",
    punto="sd.punto",
    orario="NULL",
    categorie=(
        "servizi_servizio s JOIN servizi_servizio_categorie sc ON sc.servizio_id = s.id "
        "JOIN servizi_categoria c ON c.id = sc.categoria_id"
    ),
    vettore=weighted_vector(
        ("conv.titolo", "A"),
        ("concat_ws(' ', ben.testo, cat.nomi, e.nome)", "B"),
        ("concat_ws(' ', conv.descrizione, conv.condizioni, srv.titoli)", "C"),
    ),
)


@dataclass(frozen=True)
class Sorgente:
    """Where the rows of one kind of object come from.

    `insert_sql` has a `{where}` placeholder, filled with the objects to index (`scope`:
    the app's own selector, where the app says which ones) and, for some objects, with
    `AND <id_column> = ANY(%s)`; and an `{order}` one, filled for a full rebuild with the
    geohash order of `point_column`. `parameters` gives the values of the placeholders
    that come before `{where}`; `of_enti` the objects of some Enti (whose change touches
    their rows).

    The rows of a `dated` kind are valid only from `valido_dal` to `valido_al`, which a
    search checks against the day it is asked: nothing is pre-aggregated from them (map
    cells, type-ahead titles), as that would count them outside their dates.
    """

    tipo: str
    insert_sql: str
    id_column: str
    point_column: str
    of_enti: Callable[[list[int]], Iterable[int]]
    scope: Callable[[], QuerySet] | None = None
    parameters: Callable[[], list] = list
    dated: bool = False

    def statement(
        self, ids: list[int] | None = None, *, order: str = "", into: str = "search_documento"
    ) -> tuple[str, list]:
        """The INSERT of the rows of these objects (of all of them when `ids` is None)
        into the table `into` (search_documento, or a table like it)."""
        params = list(self.parameters())
        where = ""
        if self.scope is not None:
            scope_sql, scope_params = self.scope().order_by().values("pk").query.sql_with_params()
            where += f" AND {self.id_column} IN ({scope_sql})"
            params += scope_params
        if ids is not None:
            where += f" AND {self.id_column} = ANY(%s)"
            params.append(ids)
        sql = self.insert_sql.format(where=where, order=order)
        return sql.replace("INSERT INTO search_documento ", f"INSERT INTO {into} ", 1), params


# The apps are imported when first used: servizi.services imports this module.
def _servizi_of_enti(ente_ids: list[int]) -> Iterable[int]:
    from servizi.models import Servizio

    return Servizio.objects.filter(ente_id__in=ente_ids).values_list("pk", flat=True)


def _pit_scope() -> QuerySet:
    from punti_informazione.selectors import pit_per_indice

    return pit_per_indice()


def _pit_of_enti(ente_ids: list[int]) -> Iterable[int]:
    from punti_informazione.selectors import pit_ids_per_enti

    return pit_ids_per_enti(ente_ids)


def _pit_kinds() -> list:
    """The labels of the kinds of PIT, in Italian (the language of the text vector), as
    a PIT's text says them (after what people call the desks: tipo_nel_testo)."""
    from punti_informazione.models import TipoPunto
    from punti_informazione.selectors import tipo_nel_testo

    with translation.override("it"):
        labels = {value: tipo_nel_testo(str(label)) for value, label in TipoPunto.choices}
    return [json.dumps(labels)]


def _convenzioni_scope() -> QuerySet:
    from convenzioni.selectors import convenzioni_da_indicizzare

    return convenzioni_da_indicizzare()


def _convenzioni_of_enti(ente_ids: list[int]) -> Iterable[int]:
    from convenzioni.selectors import convenzione_ids_per_enti

    return convenzione_ids_per_enti(ente_ids)


SERVIZIO, PIT, CONVENZIONE = TipoRisultato.SERVIZIO, TipoRisultato.PIT, TipoRisultato.CONVENZIONE
SERVIZI = Sorgente(
    SERVIZIO, _REINDEX_SERVIZI, id_column="s.id", point_column="sd.punto", of_enti=_servizi_of_enti
)
PUNTI = Sorgente(
    PIT,
    _REINDEX_PIT,
    id_column="p.id",
    point_column="sd.punto",
    of_enti=_pit_of_enti,
    scope=_pit_scope,
    parameters=_pit_kinds,
)
CONVENZIONI = Sorgente(
    CONVENZIONE,
    _REINDEX_CONVENZIONI,
    id_column="conv.id",
    point_column="sd.punto",
    of_enti=_convenzioni_of_enti,
    scope=_convenzioni_scope,
    dated=True,
)
SORGENTI = [SERVIZI, PUNTI, CONVENZIONI]
PER_TIPO = {sorgente.tipo: sorgente for sorgente in SORGENTI}
# The kinds whose rows are always valid: the map cells and type-ahead titles are theirs.
UNDATED = [sorgente.tipo for sorgente in SORGENTI if not sorgente.dated]

# The map cells of some rows, recomputed from the rows of the index.
_CELLS_OF = """
SELECT DISTINCT tipo, cella_x, cella_y FROM search_documento
WHERE tipo = %s AND oggetto_id = ANY(%s) AND cella_x IS NOT NULL
"""
# Two statements: rows a statement deletes still count for its unique constraint.
_TOUCHED_CELLS = "unnest(%s::text[], %s::int[], %s::int[]) AS t(tipo, cella_x, cella_y)"
_DELETE_CELLS = f"""
DELETE FROM {{table}} c USING {_TOUCHED_CELLS}
WHERE c.tipo = t.tipo AND c.cella_x = t.cella_x AND c.cella_y = t.cella_y
"""
# The map filters a cell answers alone (models.CellaMappa): each row counts in its cell
# once for all (filtro '') and once for each value it passes, and once for each lexeme
# of its text that has cells (models.Lessema.nelle_celle); the same names as
# marketplace.search.backends.postgres.cells_filter gives the query. Those of all
# places, of the categories (codes hold no "=") and of the lexemes also count in the
# row of its combination of cost, access and provider kind (split too, the other values
# would add a million cells at a million services). A common word with a cost, access
# or provider kind is a map users ask for: grouped from its rows, the region's map of
# "servizio" not free took 484 ms at a million services, 45 from the split cells.
WORD_CELLS = "parola="  # the `filtro` of a lexeme's cells: "parola=asil"
_SPLIT_FILTERS = f"""
array_prepend(''::varchar, d.categorie)
|| ARRAY(SELECT '{WORD_CELLS}' || x FROM unnest(tsvector_to_array(d.vettore)) x
         WHERE x = ANY(ARRAY(SELECT lessema FROM search_lessema WHERE nelle_celle)))::varchar[]
"""
_ROW_FILTERS = f"""
{_SPLIT_FILTERS}
|| ARRAY['gratuito=' || d.gratuito, 'accessibile=' || d.accessibile,
         'tipo_ente=' || d.tipo_ente]::varchar[]
|| ARRAY(SELECT 'destinatari=' || x FROM unnest(d.destinatari) x)::varchar[]
|| ARRAY(SELECT 'lingua=' || x FROM unnest(d.lingue) x)::varchar[]
"""
# The rows are `{rows}` that pass `{where}`, each counted once per distinct filter value
# in the row of all the cell's places (the three columns empty), and once per split
# value in the row of its combination. Written in the order of the map's indexes, the
# rows of all places first, so that the cells a map reads share pages (in the order of
# grouping, the 6,600 cells of a map at 100,000 services were on 6,600 pages).
_CELLS_FROM = f"""
INSERT INTO search_cella (tipo, filtro, cella_x, cella_y, gratuito, accessibile, tipo_ente,
                          n, somma_lon, somma_lat, min_lon, min_lat, max_lon, max_lat)
SELECT d.tipo, k.filtro, d.cella_x, d.cella_y, k.gratuito, k.accessibile, k.tipo_ente,
       count(*), sum(ST_X(d.punto)), sum(ST_Y(d.punto)), min(ST_X(d.punto)),
       min(ST_Y(d.punto)), max(ST_X(d.punto)), max(ST_Y(d.punto))
FROM {{rows}}
CROSS JOIN LATERAL (
    SELECT DISTINCT unnest({_ROW_FILTERS}), NULL::boolean, NULL::boolean, NULL::varchar
    UNION ALL
    SELECT DISTINCT unnest({_SPLIT_FILTERS}), d.gratuito, d.accessibile, d.tipo_ente
) AS k(filtro, gratuito, accessibile, tipo_ente)
WHERE {{where}}
GROUP BY d.tipo, k.filtro, d.cella_x, d.cella_y, k.gratuito, k.accessibile, k.tipo_ente
ORDER BY k.gratuito IS NULL DESC, d.tipo, k.filtro, d.cella_x, d.cella_y, k.gratuito,
         k.accessibile, k.tipo_ente
"""
_REFRESH_CELLS = f"WITH toccate AS (SELECT * FROM {_TOUCHED_CELLS})" + _CELLS_FROM.format(
    rows="search_documento d JOIN toccate t "
    "ON d.tipo = t.tipo AND d.cella_x = t.cella_x AND d.cella_y = t.cella_y",
    where="true",
)
# The rows of a rebuild's cells (the kinds given, with a point), and of the cells a
# change touched (_TOUCHED_CELLS).
_ALL_ROWS = {"rows": "search_documento d", "where": "d.tipo = ANY(%s) AND d.cella_x IS NOT NULL"}
_TOUCHED_ROWS = {
    "rows": f"search_documento d JOIN {_TOUCHED_CELLS} "
    "ON d.tipo = t.tipo AND d.cella_x = t.cella_x AND d.cella_y = t.cella_y",
    "where": "true",
}
REBUILD_CELLS = _CELLS_FROM.format(**_ALL_ROWS)
# The weekly spans of the cells (models.CellaOraria) of the rows `{rows}` that pass
# `{where}`: each cell's week cut at the bounds of its places' slots (those after
# midnight too), and in each span the places open at its first second, which are open
# all through it. The places of a cell with the same week are summed up first, and
# each group is tested against its own cell's spans only (at a million services a cell
# has 48 places on average, 17 different weeks and 97 spans). Written in the order of
# the spans' first second: those holding a moment mostly began in the hour or two
# before it, and lie together on a few pages (at a million services the 18,900 spans
# of a moment were on 770 pages, on 18,500 in the order of the cells).
_OPEN_CELLS_FROM = """
INSERT INTO search_cella_orario (tipo, cella_x, cella_y, periodo,
                                 n, somma_lon, somma_lat, min_lon, min_lat, max_lon, max_lat)
WITH gruppi AS MATERIALIZED (
    SELECT d.tipo, d.cella_x, d.cella_y, d.settimana + d.notte AS aperta, count(*) AS n,
           sum(ST_X(d.punto)) AS somma_lon, sum(ST_Y(d.punto)) AS somma_lat,
           min(ST_X(d.punto)) AS min_lon, min(ST_Y(d.punto)) AS min_lat,
           max(ST_X(d.punto)) AS max_lon, max(ST_Y(d.punto)) AS max_lat
    FROM {rows}
    WHERE {where} AND NOT isempty(d.settimana + d.notte)
    GROUP BY d.tipo, d.cella_x, d.cella_y, d.settimana + d.notte
), confini AS (
    SELECT DISTINCT g.tipo, g.cella_x, g.cella_y, b.secondo
    FROM gruppi g CROSS JOIN LATERAL unnest(g.aperta) AS f(fascia)
    CROSS JOIN LATERAL (VALUES (lower(f.fascia)), (upper(f.fascia))) AS b(secondo)
), periodi AS (
    SELECT tipo, cella_x, cella_y, secondo AS dal,
           lead(secondo) OVER (PARTITION BY tipo, cella_x, cella_y ORDER BY secondo) AS al
    FROM confini
)
SELECT p.tipo, p.cella_x, p.cella_y, int4range(p.dal, p.al), sum(g.n), sum(g.somma_lon),
       sum(g.somma_lat), min(g.min_lon), min(g.min_lat), max(g.max_lon), max(g.max_lat)
FROM periodi p JOIN gruppi g USING (tipo, cella_x, cella_y)
WHERE p.al IS NOT NULL AND g.aperta @> p.dal
GROUP BY p.tipo, p.cella_x, p.cella_y, p.dal, p.al
ORDER BY p.dal, p.tipo, p.cella_x, p.cella_y
"""
_REFRESH_OPEN_CELLS = _OPEN_CELLS_FROM.format(**_TOUCHED_ROWS)
REBUILD_OPEN_CELLS = _OPEN_CELLS_FROM.format(**_ALL_ROWS)


def _week_spans() -> str:
    """The weekdays and parts of days of the cells (models.CellaGiorno) as SQL rows of
    (giorno, parte, the seconds of the week they span): each weekday whole and in each
    of its parts, and each part of some day of the week (no weekday)."""
    rows = []
    for parte in ["", *PARTI_DEL_GIORNO]:
        first, last = part_hours(parte or None)
        spans = [(day * 86400 + first * 3600, day * 86400 + last * 3600) for day in range(7)]
        for day, (low, high) in enumerate(spans):
            rows.append(f"({day}, '{parte}', '{{[{low},{high})}}'::int4multirange)")
        if parte:
            week = ",".join(f"[{low},{high})" for low, high in spans)
            rows.append(f"(NULL::smallint, '{parte}', '{{{week}}}'::int4multirange)")
    return ",\n       ".join(rows)


# The weekdays of the cells (models.CellaGiorno) of the rows `{rows}` that pass `{where}`:
# each place counted on each weekday, part of a weekday and part of the week its week
# meets (a slot that starts on it, or the night of the day before's; `notte` holds those
# hours on the day they fall on). Written in the order of the weekday and the part, so
# that the cells a map reads lie together.
_DAY_CELLS_FROM = """
INSERT INTO search_cella_giorno (tipo, cella_x, cella_y, giorno, parte,
                                 n, somma_lon, somma_lat, min_lon, min_lat, max_lon, max_lat)
SELECT d.tipo, d.cella_x, d.cella_y, g.giorno, g.parte, count(*), sum(ST_X(d.punto)),
       sum(ST_Y(d.punto)), min(ST_X(d.punto)), min(ST_Y(d.punto)), max(ST_X(d.punto)),
       max(ST_Y(d.punto))
FROM {rows} CROSS JOIN (VALUES {spans}) AS g(giorno, parte, ore)
WHERE {where} AND d.settimana + d.notte && g.ore
GROUP BY g.giorno, g.parte, d.tipo, d.cella_x, d.cella_y
ORDER BY g.giorno NULLS LAST, g.parte, d.tipo, d.cella_x, d.cella_y
"""
_REFRESH_DAY_CELLS = _DAY_CELLS_FROM.format(spans=_week_spans(), **_TOUCHED_ROWS)
REBUILD_DAY_CELLS = _DAY_CELLS_FROM.format(spans=_week_spans(), **_ALL_ROWS)
# The tables of the map cells, each with its statements for a rebuild and for the cells
# a change touched.
_CELL_TABLES = [
    ("search_cella", REBUILD_CELLS, _REFRESH_CELLS),
    ("search_cella_orario", REBUILD_OPEN_CELLS, _REFRESH_OPEN_CELLS),
    ("search_cella_giorno", REBUILD_DAY_CELLS, _REFRESH_DAY_CELLS),
]
# The titles of the type-ahead, recounted from the rows of the kinds always valid.
_TITLES_OF = "SELECT DISTINCT titolo FROM search_documento WHERE tipo = %s AND oggetto_id = ANY(%s)"
_REFRESH_TITLES = """
INSERT INTO search_titolo (testo, chiave, n)
SELECT titolo, lower(unaccent(titolo)), count(*) FROM search_documento
WHERE titolo = ANY(%s) AND tipo = ANY(%s) GROUP BY titolo
"""
_REBUILD_TITLES = """
INSERT INTO search_titolo (testo, chiave, n)
SELECT titolo, lower(unaccent(titolo)), count(*) FROM search_documento
WHERE tipo = ANY(%s) GROUP BY titolo
"""
# An upsert: a flushed database (tests) has no row.
_BUMP_VERSION = (
    "INSERT INTO search_stato (id, versione) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET versione = search_stato.versione + 1"
)


# Words of the titles and category names, and each pair of consecutive words joined
# ("baby sitter" -> "babysitter"), for the spelling correction. Words are only added:
# a word that no longer matches anything is never proposed (see spelling.py).
_VOCABOLARIO = """
WITH testi AS (
    SELECT regexp_split_to_array(lower(unaccent(t)), '[^a-z0-9]+') AS parole
    FROM (SELECT titolo AS t FROM search_documento {where}
          UNION ALL SELECT nome FROM servizi_categoria) fonti
), coppie AS (
    SELECT parole[i] AS p1, parole[i + 1] AS p2
    FROM testi, generate_subscripts(parole, 1) AS i
)
INSERT INTO search_vocabolo (parola, frase)
SELECT DISTINCT ON (parola) parola, frase FROM (
    SELECT p1 AS parola, p1 AS frase FROM coppie WHERE length(p1) >= 3
    UNION ALL
    SELECT p1 || p2, p1 || ' ' || p2 FROM coppie
    WHERE p2 IS NOT NULL AND length(p1) >= 3 AND length(p2) >= 3
) v
ORDER BY parola, frase
ON CONFLICT (parola) DO NOTHING
"""


# The lexemes of the rows' text vectors (see models.Lessema): only ever added, except by
# a full rebuild, so that the table holds every lexeme of the index.
_LESSEMI = """
INSERT INTO search_lessema (lessema)
SELECT DISTINCT unnest(tsvector_to_array(vettore)) FROM {table} {where}
ON CONFLICT DO NOTHING
"""


# The lexemes whose places the map cells count (models.Lessema.nelle_celle): those of
# at least %s rows with a place of the kinds the cells hold (ts_stat, given the query
# of those rows, counts each lexeme's: 2.8 s at a million services), and short enough
# for the cells' `filtro`.
_WORDS_WITH_CELLS = """
UPDATE search_lessema SET nelle_celle = true WHERE lessema IN (
    SELECT word COLLATE "C" FROM ts_stat(%s) WHERE ndoc >= %s AND length(word) <= 100
)
"""
_ROWS_WITH_CELLS = (
    "SELECT vettore FROM search_documento WHERE cella_x IS NOT NULL AND tipo IN ("
    + ", ".join(f"'{tipo}'" for tipo in UNDATED)
    + ")"
)


# How many rows have each lexeme in their title (Lessema.righe_con_titolo): ts_stat
# counts the rows of each lexeme with the weight of the titles, A (3 s at a million
# services); 0 for a lexeme of no title.
TITLE_ROWS = """
UPDATE search_lessema l SET righe_con_titolo = coalesce(a.ndoc, 0)
FROM search_lessema k
LEFT JOIN ts_stat('SELECT vettore FROM search_documento', 'a') a ON a.word COLLATE "C" = k.lessema
WHERE l.lessema = k.lessema
"""

_NEW_TABLE = "search_documento_nuovo"

# The text index of the recent rows: those updated since the date of the
# RECENT_SHARE-th most recent row when it was built (at a million services, 57,000 of
# 900,000 rows), and every row written since, whose date is later. A broad text's most
# recent matches are read from it (backends.postgres._recent_matches), a few thousand
# entries, where walking the rows by date reads one page for each row until enough
# match. Its date is in `search_stato.recenti_dal`; a rebuild moves it. It also holds
# the filters with sets, as search_doc_testo_insiemi (migration 0018), and the provider
# kind (btree_gin, migration 0021): their recent
# matches are read in one scan of it, where the bitmaps of the text's recent rows and of
# a language's every row were intersected ("anziani" in English at a million services:
# 34 ms, 27 of them for the language's 75,000 rows; "assistenza domiciliare" in English
# 61-64 -> 45-49 ms a search, in-process).
RECENT_TEXT_INDEX = "search_doc_testo_recenti"
RECENT_SHARE = 16


def index_recent_texts(cursor) -> None:
    """Build the text index of the recent rows of the table as it is now, and write its
    date in search_stato; on an empty table there is none, and no date."""
    cursor.execute(f"DROP INDEX IF EXISTS {RECENT_TEXT_INDEX}")
    cursor.execute("SELECT count(*) FROM search_documento")
    (rows,) = cursor.fetchone()
    since = None
    if rows:
        cursor.execute(
            "SELECT aggiornato_il FROM search_documento "
            "ORDER BY aggiornato_il DESC LIMIT 1 OFFSET %s",
            [rows // RECENT_SHARE],
        )
        (since,) = cursor.fetchone()
        # A literal: an index predicate takes no parameters (the date is the table's own).
        cursor.execute(
            f"CREATE INDEX {RECENT_TEXT_INDEX} ON search_documento "
            "USING gin (strip(vettore), categorie, lingue, destinatari, tipo_ente) "
            f"WHERE aggiornato_il >= '{since.isoformat()}'::timestamptz"
        )
    cursor.execute(
        "INSERT INTO search_stato (id, versione, recenti_dal) VALUES (1, 0, %s) "
        "ON CONFLICT (id) DO UPDATE SET recenti_dal = EXCLUDED.recenti_dal",
        [since],
    )


def rebuild_table(cursor) -> dict[str, int]:
    """Write the whole index anew: the number of rows of each kind.

    Rows go into a new table without indexes, in the geohash order of their points,
    then the indexes are built on it and it takes the old table's place. Much faster
    than deleting and re-inserting every row through the indexes (RUM has no pending
    list: at a million services 576 s instead of 155 s), and it leaves no dead rows.
    Readers keep the old table until the commit; they wait only for the final swap.
    Writers (the reindex after a catalogue change) wait for the commit, then write to
    the new table: PostgreSQL looks the name up again once it has their lock.
    """
    cursor.execute("LOCK TABLE search_documento IN SHARE MODE")
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema() AND tablename = 'search_documento'"
    )
    # The recent rows' index is built last, with the new table's date (index_recent_texts).
    indexes = [index for index in cursor.fetchall() if index[0] != RECENT_TEXT_INDEX]
    cursor.execute(f"DROP TABLE IF EXISTS {_NEW_TABLE}")
    cursor.execute(
        f"CREATE TABLE {_NEW_TABLE} (LIKE search_documento INCLUDING DEFAULTS "
        "INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE)"
    )
    counts = {}
    for sorgente in SORGENTI:
        order = f"ORDER BY ST_GeoHash({sorgente.point_column}, 12) NULLS LAST"
        cursor.execute(*sorgente.statement(order=order, into=_NEW_TABLE))
        counts[sorgente.tipo] = cursor.rowcount
    for name, definition in indexes:
        cursor.execute(
            definition.replace(f"INDEX {name} ON", f"INDEX {name}_nuovo ON", 1).replace(
                ".search_documento USING", f".{_NEW_TABLE} USING", 1
            )
        )
    cursor.execute("DROP TABLE search_documento")
    cursor.execute(f"ALTER TABLE {_NEW_TABLE} RENAME TO search_documento")
    for name, _definition in indexes:
        cursor.execute(f"ALTER INDEX {name}_nuovo RENAME TO {name}")
    cursor.execute(
        "ALTER TABLE search_documento ADD CONSTRAINT search_documento_pkey "
        "PRIMARY KEY USING INDEX search_documento_pkey"
    )
    index_recent_texts(cursor)
    # The lexemes first: the map cells count the places of the commonest (_ROW_FILTERS).
    cursor.execute("DELETE FROM search_lessema")
    cursor.execute(_LESSEMI.format(table="search_documento", where=""))
    cursor.execute(_WORDS_WITH_CELLS, [_ROWS_WITH_CELLS, settings.SEARCH_MAP_WORD_CELLS_MIN_ROWS])
    cursor.execute(TITLE_ROWS)
    for table, rebuild, _refresh in _CELL_TABLES:
        # A migration that rebuilds the index (0037) runs today's code on the tables of
        # its day: a table of cells that a later migration adds is filled by that one.
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        if cursor.fetchone()[0]:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(rebuild, [UNDATED])
    cursor.execute("DELETE FROM search_titolo")
    cursor.execute(_REBUILD_TITLES, [UNDATED])
    # The new table's statistics, before its first reader: the search asks the planner
    # how many rows a text matches (postgres._breadth), and the planner chooses every
    # plan by them; autovacuum would gather them only a while after the commit.
    cursor.execute("ANALYZE search_documento")
    cursor.execute(_BUMP_VERSION)
    return counts


def replace_rows(cursor, sorgente: Sorgente, ids: list[int]) -> int:
    """Replace the rows of these objects of one kind, keeping the map cells (of all
    hours, of the weekly spans and of the weekdays), the type-ahead titles and the
    lexemes in step; the number of rows written."""
    tipo, derived = sorgente.tipo, not sorgente.dated
    touched: set[tuple] = set()
    titles: set[str] = set()
    if derived:
        cursor.execute(_CELLS_OF, [tipo, ids])
        touched = set(cursor.fetchall())
        cursor.execute(_TITLES_OF, [tipo, ids])
        titles = {row[0] for row in cursor.fetchall()}
    cursor.execute(
        "DELETE FROM search_documento WHERE tipo = %s AND oggetto_id = ANY(%s)", [tipo, ids]
    )
    cursor.execute(*sorgente.statement(ids))
    count = cursor.rowcount
    where = "WHERE tipo = %s AND oggetto_id = ANY(%s)"
    cursor.execute(_LESSEMI.format(table="search_documento", where=where), [tipo, ids])
    if not derived:
        return count
    cursor.execute(_CELLS_OF, [tipo, ids])
    touched |= set(cursor.fetchall())
    if touched:
        tipi, xs, ys = (list(column) for column in zip(*touched, strict=True))
        for table, _rebuild, refresh in _CELL_TABLES:
            cursor.execute(_DELETE_CELLS.format(table=table), [tipi, xs, ys])
            cursor.execute(refresh, [tipi, xs, ys])
    cursor.execute(_TITLES_OF, [tipo, ids])
    titles = sorted(titles | {row[0] for row in cursor.fetchall()})
    if titles:
        cursor.execute("DELETE FROM search_titolo WHERE testo = ANY(%s)", [titles])
        cursor.execute(_REFRESH_TITLES, [titles, UNDATED])
    return count


_VECTORS_TABLE = "search_vettori_nuovi"
# The lexemes that some of the rows rewritten gain or lose: the map cells of such a
# word (Lessema.nelle_celle) no longer count its rows.
_CHANGED_LEXEMES = f"""
SELECT DISTINCT changed.x FROM search_documento d
JOIN {_VECTORS_TABLE} n ON n.tipo = d.tipo AND n.oggetto_id = d.oggetto_id
    AND n.sede_id IS NOT DISTINCT FROM d.sede_id
CROSS JOIN LATERAL (
    (SELECT unnest(tsvector_to_array(d.vettore)) EXCEPT SELECT unnest(tsvector_to_array(n.vettore)))
    UNION
    (SELECT unnest(tsvector_to_array(n.vettore)) EXCEPT SELECT unnest(tsvector_to_array(d.vettore)))
) AS changed(x)
"""
_REWRITE_VECTORS = f"""
UPDATE search_documento d SET vettore = n.vettore FROM {_VECTORS_TABLE} n
WHERE n.tipo = d.tipo AND n.oggetto_id = d.oggetto_id
    AND n.sede_id IS NOT DISTINCT FROM d.sede_id AND n.vettore <> d.vettore
"""


def rewrite_vectors(cursor, changes: Mapping[str, list[int]]) -> int:
    """Write again, in place, the text vectors of the rows of these objects (per kind),
    after a change of how texts are read (text.MARKED_WORDS) that changes nothing else of a
    row: the rows rewritten. Their map cells, titles and words stay; the cells of the
    words whose rows changed are dropped, and their maps group their rows until the next
    rebuild. At a million services the same 61,000 services took 399 s through
    replace_rows, 273 of them to count their places' cells again. In a transaction.
    """
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_VECTORS_TABLE} "
        "(LIKE search_documento INCLUDING DEFAULTS INCLUDING IDENTITY)"
    )
    for sorgente in SORGENTI:
        ids = changes.get(sorgente.tipo)
        if ids:
            cursor.execute(*sorgente.statement(sorted(set(ids)), into=_VECTORS_TABLE))
    cursor.execute(
        "UPDATE search_lessema SET nelle_celle = false WHERE nelle_celle "
        f"AND lessema IN ({_CHANGED_LEXEMES}) RETURNING '{WORD_CELLS}' || lessema"
    )
    words = [row[0] for row in cursor.fetchall()]
    cursor.execute("DELETE FROM search_cella WHERE filtro = ANY(%s)", [words])
    cursor.execute(_REWRITE_VECTORS)
    rewritten = cursor.rowcount
    cursor.execute(_LESSEMI.format(table=_VECTORS_TABLE, where=""))
    cursor.execute(f"DROP TABLE {_VECTORS_TABLE}")
    cursor.execute(_BUMP_VERSION)
    return rewritten


def rewrite_vectors_where(cursor, condition: str, params: Sequence | Mapping) -> int:
    """rewrite_vectors for the objects with a row that meets the SQL `condition` on
    search_documento (a migration's rows read differently now), with its parameters
    (positional or named): the rows rewritten."""
    cursor.execute(
        f"SELECT DISTINCT tipo, oggetto_id FROM search_documento WHERE {condition}", params
    )
    changes: dict[str, list[int]] = {}
    for tipo, oggetto_id in cursor.fetchall():
        changes.setdefault(tipo, []).append(oggetto_id)
    return rewrite_vectors(cursor, changes) if changes else 0


def rewrite_rows_naming(cursor, words: Mapping[str, str], pattern: str | None = None) -> int:
    """rewrite_vectors_where for the rows that have the stem of one of `words` (word ->
    stem, as place_words.PLACE_WORDS) and name one of them (or, given, match `pattern`,
    for `~*`): what a migration runs when those words become marked (text.MARKED_WORDS,
    text.NAMES_SQL_PATTERN). Not a row with the stem alone ("Cena solidale" for
    "Cenate"), whose vector would be the same."""
    stems = " | ".join(sorted({quoted_lexeme(stem) for stem in words.values()}))
    return rewrite_vectors_where(
        cursor,
        "strip(vettore) @@ %s::tsquery AND concat_ws(' ', titolo, testo, ente_nome) ~* %s",
        [stems, pattern or words_sql_pattern(words)],
    )


def rewrite_rows_that_may_name(cursor, words: Mapping[str, str]) -> int:
    """rewrite_rows_naming for words that a row's vector may hold without its columns
    saying them: the services whose title, text, provider or categories' names name one
    ("Salute e benessere" is in the vectors, not in the row), and every info point and
    agreement with a stem, whose vectors hold more than their row (a PIT's kind, an
    agreement's services). What a migration runs when words of the domain join
    text.UNSTEMMED_WORDS."""
    stems = " | ".join(sorted({quoted_lexeme(stem) for stem in words.values()}))
    return rewrite_vectors_where(
        cursor,
        """strip(vettore) @@ %(stems)s::tsquery AND (
            tipo <> 'servizio'
            OR concat_ws(' ', titolo, testo, ente_nome) ~* %(words)s
            OR categorie && ARRAY(
                SELECT codice FROM servizi_categoria WHERE nome ~* %(words)s
            )
        )""",
        {"stems": stems, "words": words_sql_pattern(words)},
    )


def rebuild_index() -> dict[str, int]:
    """Rebuild the whole postgres index: the number of rows of each kind.

    Elasticsearch, when configured, is rebuilt apart (`search_index --rebuild`, with a
    progress bar).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        counts = rebuild_table(cursor)
        # A full rebuild also forgets the words of objects that are gone.
        cursor.execute("DELETE FROM search_vocabolo")
        cursor.execute(_VOCABOLARIO.format(where=""))
    if not connection.in_atomic_block:  # VACUUM refuses a transaction
        # The new table's visibility map: without it the index-only scans (the first
        # sample bucket's covering index, for the facets of a broad search) read the
        # table too until autovacuum comes (the whole catalogue's facets 52 -> 78 ms
        # at a million services).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM search_documento")
    return counts


def reindex(
    changes: Mapping[str, Iterable[int]], *, sync_elasticsearch: bool = True
) -> dict[str, int]:
    """Rebuild the rows of these objects, per kind (`{"pit": [3, 4], ...}`), in one
    transaction that also raises the index version (even when nothing was rewritten: an
    answer may depend on what changed, see schedule_version_bump); the rows written.

    Elasticsearch, when configured, then gets the same rows.
    """
    unknown = set(changes) - set(PER_TIPO)
    if unknown:
        raise ValueError(f"Unknown kinds of search rows: {sorted(unknown)}")
    changes = {tipo: sorted(set(ids)) for tipo, ids in changes.items()}
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for sorgente in SORGENTI:
            ids = changes.get(sorgente.tipo)
            if not ids:
                continue
            counts[sorgente.tipo] = replace_rows(cursor, sorgente, ids)
            cursor.execute(
                _VOCABOLARIO.format(where="WHERE tipo = %s AND oggetto_id = ANY(%s)"),
                [sorgente.tipo, ids],
            )
        cursor.execute(_BUMP_VERSION)
    if sync_elasticsearch and settings.SEARCH_BACKEND == "elasticsearch":
        from .backends.elasticsearch import sync

        for tipo, ids in changes.items():
            if ids:
                sync(tipo, ids)
    return counts


class _PendingReindex:
    """What one transaction touched, reindexed together when it commits: objects by kind,
    and Enti whose objects of some kinds are looked up then (a change of an Ente or of a
    place reaches the objects linked to it when the transaction ends)."""

    def __init__(self) -> None:
        self.ids: dict[str, set[int]] = defaultdict(set)
        self.enti: dict[str, set[int]] = defaultdict(set)
        self.done = False

    def changes(self) -> dict[str, set[int]]:
        changes = {tipo: set(ids) for tipo, ids in self.ids.items()}
        for tipo, enti in self.enti.items():
            changes.setdefault(tipo, set()).update(PER_TIPO[tipo].of_enti(sorted(enti)))
        return changes

    def __call__(self) -> None:
        self.done = True
        try:
            reindex(self.changes())
        except Exception:  # the change is committed: never fail it for the index
            logger.exception(
                "search index update failed for %s",
                {tipo: sorted(ids)[:20] for tipo, ids in self.ids.items()},
            )


_local = threading.local()


def _schedule(add: Callable[[_PendingReindex], None]) -> None:
    """Record a change in this transaction's pending reindex (applied at once outside one)."""
    if not connection.in_atomic_block:
        pending = _PendingReindex()
        add(pending)
        pending()
        return
    pending = getattr(_local, "pending", None)
    # Reuse this transaction's callback while it is still registered: a rollback
    # discards it, and then a new one is needed.
    if (
        pending is None
        or pending.done
        or not any(entry[1] is pending for entry in connection.run_on_commit)
    ):
        pending = _local.pending = _PendingReindex()
        transaction.on_commit(pending)
    add(pending)


def _check(tipi: Iterable[str]) -> list[str]:
    tipi = list(tipi)
    unknown = set(tipi) - set(PER_TIPO)
    if unknown:
        raise ValueError(f"Unknown kinds of search rows: {sorted(unknown)}")
    return tipi


def schedule_reindex(tipo: str, ids: Iterable[int]) -> None:
    """Reindex these objects of one kind once the current transaction commits."""
    (tipo,) = _check([tipo])
    ids = set(ids)
    if ids:
        _schedule(lambda pending: pending.ids[tipo].update(ids))


def schedule_reindex_per_enti(tipi: Iterable[str], ente_ids: Iterable[int]) -> None:
    """Reindex the objects of these kinds that belong to these Enti, as they are when the
    current transaction commits (those it moved away from them are scheduled apart)."""
    tipi = _check(tipi)
    ente_ids = set(ente_ids)
    if ente_ids:

        def add(pending: _PendingReindex) -> None:
            for tipo in tipi:
                pending.enti[tipo].update(ente_ids)

        _schedule(add)


def schedule_reindex_servizi(ids: Iterable[int], *, enti: Iterable[int] | None = None) -> None:
    """Reindex these services once the current transaction commits, and the agreements
    of their Enti (an agreement's places, categories and text come from the Ente's
    services). `enti`: the services' Enti, looked up now when not given (give them for a
    service being deleted)."""
    ids = set(ids)
    if not ids:
        return
    if enti is None:
        from servizi.models import Servizio

        enti = Servizio.objects.filter(pk__in=ids).values_list("ente_id", flat=True).distinct()
    schedule_reindex(SERVIZIO, ids)
    schedule_reindex_per_enti([CONVENZIONE], enti)


def schedule_version_bump() -> None:
    """Raise the index version once the current transaction commits, though no row
    changes: for what answers depend on beyond the rows (network memberships, which
    `con_convenzione_per` reads at query time), so that no cached answer outlives it."""
    _schedule(lambda pending: None)


def schedule_reindex_per_orari(orario_ids: Iterable[int]) -> None:
    """Reindex the services and PITs that have these schedules, as they are now: their
    rows copy the schedule (SCHEDULE_VALUES). Call it before the links go (an Orario
    being deleted: its owners' `orario` is set to NULL without a signal)."""
    from punti_informazione.models import PuntoInformazione
    from servizi.models import Servizio

    orario_ids = set(orario_ids)
    if orario_ids:
        schedule_reindex(
            SERVIZIO,
            Servizio.objects.filter(orario_id__in=orario_ids).values_list("pk", flat=True),
        )
        schedule_reindex(
            PIT,
            PuntoInformazione.objects.filter(orario_id__in=orario_ids).values_list("pk", flat=True),
        )
