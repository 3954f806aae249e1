"""Keeping the search index in step with the catalogue.

The postgres index (`search_documento`) is rebuilt from the catalogue tables by one
set-based statement, used both for a full rebuild and for the few services a
transaction touched. Changes are collected during a transaction and applied once,
after it commits (so a rolled-back import leaves the index untouched). When
Elasticsearch is configured, the same rows are then sent to it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

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

# The rows of one service: one per place, or one without a point when it has none.
# Categories carry all their ancestors; the text vector weighs the title (A) over
# categories and provider (B) and the description (C). A full rebuild writes the rows
# in the order of their places' geohash, so that neighbours share pages: nearest and
# radius searches, Comuni and map cells then read a few pages instead of one a row.
_REINDEX_SERVIZI = """
INSERT INTO search_documento (
    tipo, oggetto_id, sede_id, titolo, testo, ente_id, ente_nome, tipo_ente, categorie,
    destinatari, lingue, gratuito, accessibile, comune_id, comuni_copertura, punto,
    orario_id, aggiornato_il, demo, vettore, {derived_columns})
SELECT 'servizio', s.id, sd.id, s.titolo,
       concat_ws(' ', s.descrizione, s.requisiti, s.costo_descrizione),
       e.id, e.nome, e.tipo, coalesce(cat.codici, '{{}}'),
       s.destinatari, s.lingue, s.costo = 'gratuito', coalesce(sd.accesso_senza_barriere, false),
       sd.comune_id, coalesce(cop.codici, '{{}}'), sd.punto,
       s.orario_id, s.aggiornato_il, s.demo,
       setweight(to_tsvector('italiano', s.titolo), 'A')
       || setweight(to_tsvector('italiano', concat_ws(' ', cat.nomi, e.nome)), 'B')
       || setweight(to_tsvector('italiano', concat_ws(' ', s.descrizione, s.requisiti)), 'C'),
       {derived_values}
FROM servizi_servizio s
JOIN servizi_ente e ON e.id = s.ente_id
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT anc.codice) AS codici, string_agg(DISTINCT anc.nome, ' ') AS nomi
    FROM servizi_servizio_categorie sc
    JOIN servizi_categoria c ON c.id = sc.categoria_id
    JOIN servizi_categoria anc ON c.codice = anc.codice OR c.codice LIKE anc.codice || '.%%'
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
""".replace("{derived_columns}", DERIVED_COLUMNS).replace(
    "{derived_values}", DERIVED_VALUES.format(tipo="'servizio'", oggetto="s.id", punto="sd.punto")
)


@dataclass(frozen=True)
class Sorgente:
    """Where the rows of one kind of object come from.

    `insert_sql` has a `{where}` placeholder, filled with `AND <id_column> = ANY(%s)`
    for some objects, and an `{order}` one, filled for a full rebuild with the
    geohash order of `point_column`.
    """

    tipo: str
    insert_sql: str
    id_column: str
    point_column: str


SERVIZI = Sorgente("servizio", _REINDEX_SERVIZI, id_column="s.id", point_column="sd.punto")

# The map cells of some rows, recomputed from the rows of the index.
_CELLS_OF = """
SELECT DISTINCT tipo, cella_x, cella_y FROM search_documento
WHERE tipo = %s AND oggetto_id = ANY(%s) AND cella_x IS NOT NULL
"""
# Two statements: rows a statement deletes still count for its unique constraint.
_TOUCHED_CELLS = "unnest(%s::text[], %s::int[], %s::int[]) AS t(tipo, cella_x, cella_y)"
_DELETE_CELLS = f"""
DELETE FROM search_cella c USING {_TOUCHED_CELLS}
WHERE c.tipo = t.tipo AND c.cella_x = t.cella_x AND c.cella_y = t.cella_y
"""
_REFRESH_CELLS = f"""
WITH toccate AS (SELECT * FROM {_TOUCHED_CELLS})
INSERT INTO search_cella (tipo, cella_x, cella_y, n, somma_lon, somma_lat,
                          min_lon, min_lat, max_lon, max_lat)
SELECT d.tipo, d.cella_x, d.cella_y, count(*), sum(ST_X(d.punto)), sum(ST_Y(d.punto)),
       min(ST_X(d.punto)), min(ST_Y(d.punto)), max(ST_X(d.punto)), max(ST_Y(d.punto))
FROM search_documento d JOIN toccate t
  ON d.tipo = t.tipo AND d.cella_x = t.cella_x AND d.cella_y = t.cella_y
GROUP BY d.tipo, d.cella_x, d.cella_y
"""
_REBUILD_CELLS = """
INSERT INTO search_cella (tipo, cella_x, cella_y, n, somma_lon, somma_lat,
                          min_lon, min_lat, max_lon, max_lat)
SELECT tipo, cella_x, cella_y, count(*), sum(ST_X(punto)), sum(ST_Y(punto)),
       min(ST_X(punto)), min(ST_Y(punto)), max(ST_X(punto)), max(ST_Y(punto))
FROM search_documento WHERE tipo = %s AND cella_x IS NOT NULL GROUP BY tipo, cella_x, cella_y
"""
# The titles of the type-ahead, recounted from the rows of the index.
_TITLES_OF = "SELECT DISTINCT titolo FROM search_documento WHERE tipo = %s AND oggetto_id = ANY(%s)"
_REFRESH_TITLES = """
INSERT INTO search_titolo (testo, chiave, n)
SELECT titolo, lower(unaccent(titolo)), count(*) FROM search_documento
WHERE titolo = ANY(%s) GROUP BY titolo
"""
_REBUILD_TITLES = """
INSERT INTO search_titolo (testo, chiave, n)
SELECT titolo, lower(unaccent(titolo)), count(*) FROM search_documento GROUP BY titolo
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


SORGENTI = [SERVIZI]
_NEW_TABLE = "search_documento_nuovo"


def rebuild_table(cursor) -> int:
    """Write the whole index anew: the number of rows.

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
    indexes = cursor.fetchall()
    cursor.execute(f"DROP TABLE IF EXISTS {_NEW_TABLE}")
    cursor.execute(
        f"CREATE TABLE {_NEW_TABLE} (LIKE search_documento INCLUDING DEFAULTS "
        "INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE)"
    )
    count = 0
    for sorgente in SORGENTI:
        order = f"ORDER BY ST_GeoHash({sorgente.point_column}, 12) NULLS LAST"
        sql = sorgente.insert_sql.format(where="", order=order)
        cursor.execute(
            sql.replace("INSERT INTO search_documento ", f"INSERT INTO {_NEW_TABLE} ", 1)
        )
        count += cursor.rowcount
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
    cursor.execute("DELETE FROM search_cella")
    for sorgente in SORGENTI:
        cursor.execute(_REBUILD_CELLS, [sorgente.tipo])
    cursor.execute("DELETE FROM search_titolo")
    cursor.execute(_REBUILD_TITLES)
    cursor.execute(_BUMP_VERSION)
    return count


def replace_rows(cursor, sorgente: Sorgente, ids: list[int]) -> int:
    """Replace the rows of these objects of one kind, keeping the map cells and the
    index version in step; the number of rows written."""
    tipo, insert_sql = sorgente.tipo, sorgente.insert_sql
    cursor.execute(_CELLS_OF, [tipo, ids])
    touched = set(cursor.fetchall())
    cursor.execute(_TITLES_OF, [tipo, ids])
    titles = {row[0] for row in cursor.fetchall()}
    cursor.execute(
        "DELETE FROM search_documento WHERE tipo = %s AND oggetto_id = ANY(%s)", [tipo, ids]
    )
    where = f"AND {sorgente.id_column} = ANY(%s)"
    cursor.execute(insert_sql.format(where=where, order=""), [ids])
    count = cursor.rowcount
    cursor.execute(_CELLS_OF, [tipo, ids])
    touched |= set(cursor.fetchall())
    if touched:
        tipi, xs, ys = (list(column) for column in zip(*touched, strict=True))
        cursor.execute(_DELETE_CELLS, [tipi, xs, ys])
        cursor.execute(_REFRESH_CELLS, [tipi, xs, ys])
    cursor.execute(_TITLES_OF, [tipo, ids])
    titles = sorted(titles | {row[0] for row in cursor.fetchall()})
    if titles:
        cursor.execute("DELETE FROM search_titolo WHERE testo = ANY(%s)", [titles])
        cursor.execute(_REFRESH_TITLES, [titles])
    cursor.execute(_BUMP_VERSION)
    return count


def reindex_servizi(ids: Iterable[int] | None = None, *, sync_elasticsearch: bool = True) -> int:
    """Rebuild the rows of these services (all of them when `ids` is None); return the count.

    Elasticsearch, when configured, gets the same rows (a full rebuild of it is
    `search_index --rebuild`, with a progress bar).
    """
    ids = None if ids is None else sorted(set(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        if ids is None:
            count = rebuild_table(cursor)
            # A full rebuild also forgets the words of objects that are gone.
            cursor.execute("DELETE FROM search_vocabolo")
            cursor.execute(_VOCABOLARIO.format(where=""))
        else:
            count = replace_rows(cursor, SERVIZI, ids)
            cursor.execute(
                _VOCABOLARIO.format(where="WHERE tipo = 'servizio' AND oggetto_id = ANY(%s)"),
                [ids],
            )
    if sync_elasticsearch and settings.SEARCH_BACKEND == "elasticsearch":
        from .backends.elasticsearch import sync_servizi

        sync_servizi(ids)
    return count


class _PendingReindex:
    """The services one transaction touched, reindexed together when it commits."""

    def __init__(self, ids: Iterable[int] = ()) -> None:
        self.ids: set[int] = set(ids)
        self.done = False

    def __call__(self) -> None:
        self.done = True
        try:
            reindex_servizi(self.ids)
        except Exception:  # the catalogue change is committed: never fail it for the index
            logger.exception("search index update failed for services %s", sorted(self.ids)[:20])


_local = threading.local()


def schedule_reindex_servizi(ids: Iterable[int]) -> None:
    """Reindex these services once the current transaction commits (at once outside one)."""
    ids = set(ids)
    if not ids:
        return
    if not connection.in_atomic_block:
        _PendingReindex(ids)()
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
    pending.ids.update(ids)
