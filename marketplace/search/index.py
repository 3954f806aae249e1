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

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

# The rows of one service: one per place, or one without a point when it has none.
# Categories carry all their ancestors; the text vector weighs the title (A) over
# categories and provider (B) and the description (C).
_REINDEX_SERVIZI = """
INSERT INTO search_documento (
    tipo, oggetto_id, sede_id, titolo, testo, ente_id, ente_nome, tipo_ente, categorie,
    destinatari, lingue, gratuito, accessibile, comune_id, comuni_copertura, punto,
    orario_id, aggiornato_il, demo, vettore)
SELECT 'servizio', s.id, sd.id, s.titolo,
       concat_ws(' ', s.descrizione, s.requisiti, s.costo_descrizione),
       e.id, e.nome, e.tipo, coalesce(cat.codici, '{{}}'),
       s.destinatari, s.lingue, s.costo = 'gratuito', coalesce(sd.accesso_senza_barriere, false),
       sd.comune_id, coalesce(cop.codici, '{{}}'), sd.punto,
       s.orario_id, s.aggiornato_il, s.demo,
       setweight(to_tsvector('italiano', s.titolo), 'A')
       || setweight(to_tsvector('italiano', concat_ws(' ', cat.nomi, e.nome)), 'B')
       || setweight(to_tsvector('italiano', concat_ws(' ', s.descrizione, s.requisiti)), 'C')
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
"""


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


def reindex_servizi(ids: Iterable[int] | None = None, *, sync_elasticsearch: bool = True) -> int:
    """Rebuild the rows of these services (all of them when `ids` is None); return the count.

    Elasticsearch, when configured, gets the same rows (a full rebuild of it is
    `search_index --rebuild`, with a progress bar).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if ids is None:
            cursor.execute("DELETE FROM search_documento WHERE tipo = 'servizio'")
            cursor.execute(_REINDEX_SERVIZI.format(where=""))
            count = cursor.rowcount
            # A full rebuild also forgets the words of services that are gone.
            cursor.execute("DELETE FROM search_vocabolo")
            cursor.execute(_VOCABOLARIO.format(where="WHERE tipo = 'servizio'"))
        else:
            ids = sorted(set(ids))
            cursor.execute(
                "DELETE FROM search_documento WHERE tipo = 'servizio' AND oggetto_id = ANY(%s)",
                [ids],
            )
            cursor.execute(_REINDEX_SERVIZI.format(where="AND s.id = ANY(%s)"), [ids])
            count = cursor.rowcount
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
