"""The default backend: the `search_documento` table, full text, trigrams and PostGIS.

- text: the stored tsvector (Italian stemming, accents folded) with the domain
  synonyms and a prefix match on the last word; typos through trigram word
  similarity on the title (`babysiter` finds "baby sitter");
- places: radius and nearest on geography (metres, never degrees), through a
  GiST index on `punto::geography`; bbox and polygon on the geometry's index;
- ranking: text relevance, times a distance decay when a point is given;
- facets: GROUP BY over the filtered set; map clusters: grid snapping in SQL.
"""

from __future__ import annotations

import html
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from geo_data.models import Ambito, Comune
from marketplace.search.query import Ordinamento, SearchQuery
from marketplace.search.results import COUNT_CAP, Cluster, Hit, MapResult, SearchResult
from marketplace.search.text import fold, postgres_tsquery, words
from servizi.models import Categoria, TipoEnte

NAME = "postgres"
LOCAL = ZoneInfo("Europe/Rome")
DECAY_KM = 5.0  # at this distance a result's relevance is halved
MARK_START, MARK_END = "\x02", "\x03"


class _Sql:
    """A WHERE clause and its parameters, built from a validated SearchQuery."""

    def __init__(self, query: SearchQuery, alias: str = "d"):
        self.query = query
        self.a = alias
        self.clauses: list[str] = []
        self.params: list = []
        self._build()

    def add(self, clause: str, *params) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def where(self) -> str:
        return " AND ".join(self.clauses) or "TRUE"

    def point_sql(self) -> str:
        return "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"

    def _build(self) -> None:
        q, a = self.query, self.a
        self.add(f"{a}.tipo = ANY(%s)", list(q.tipi))
        if q.q and words(q.q):
            self.add(f"{a}.vettore @@ to_tsquery('italiano', %s)", postgres_tsquery(q.q))
        if q.categorie:
            self.add(f"{a}.categorie && %s::varchar[]", list(q.categorie))
        if q.tipo_ente:
            self.add(f"{a}.tipo_ente = %s", q.tipo_ente)
        if q.destinatari:
            self.add(f"{a}.destinatari @> ARRAY[%s]::varchar[]", q.destinatari)
        if q.comuni:
            self.add(
                f"({a}.comune_id = ANY(%s) OR {a}.comuni_copertura && %s::varchar[])",
                list(q.comuni),
                list(q.comuni),
            )
        if q.punto is not None and q.raggio_km is not None:
            self.add(
                f"ST_DWithin({a}.punto::geography, {self.point_sql()}, %s)",
                q.punto.x,
                q.punto.y,
                q.raggio_km * 1000,
            )
        if q.bbox is not None:
            self.add(f"{a}.punto && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", *q.bbox)
        if q.poligono is not None:
            self.add(f"ST_Intersects({a}.punto, ST_GeomFromEWKT(%s))", q.poligono.ewkt)
        if q.aperto_il is not None:
            clause, params = open_at_sql(f"{a}.orario_id", q.aperto_il)
            self.add(clause, *params)
        if q.gratuito is not None:
            self.add(f"{a}.gratuito = %s", q.gratuito)
        if q.lingua:
            self.add(f"{a}.lingue @> ARRAY[%s]::varchar[]", q.lingua)
        if q.accessibile is not None:
            self.add(f"{a}.accessibile = %s", q.accessibile)


def open_at_sql(orario: str, when) -> tuple[str, list]:
    """SQL true when the schedule `orario` is open at `when`: servizi.orari.is_open_at in SQL.

    A slot belongs to the day it starts; an exception covering that day replaces
    its slots (none when closed, its own hours otherwise).
    """
    local = when.astimezone(LOCAL)
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    tod = local.time().replace(tzinfo=None)
    covers = (
        f"SELECT 1 FROM servizi_eccezioneorario e WHERE e.orario_id = {orario} "
        "AND %s BETWEEN e.data_inizio AND e.data_fine"
    )
    clause = f"""(
      (NOT EXISTS ({covers}) AND EXISTS (
         SELECT 1 FROM servizi_fasciaoraria f WHERE f.orario_id = {orario} AND f.giorno = %s
         AND f.apertura <= %s AND (f.chiusura > %s OR f.chiusura <= f.apertura)))
      OR (NOT EXISTS ({covers}) AND EXISTS (
         SELECT 1 FROM servizi_fasciaoraria f WHERE f.orario_id = {orario} AND f.giorno = %s
         AND f.chiusura <= f.apertura AND f.chiusura > %s))
      OR EXISTS ({covers} AND NOT e.chiuso
         AND e.apertura <= %s AND (e.chiusura > %s OR e.chiusura <= e.apertura))
      OR EXISTS ({covers} AND NOT e.chiuso AND e.chiusura <= e.apertura AND e.chiusura > %s)
    )"""
    params = [
        today,
        today.weekday(),
        tod,
        tod,
        yesterday,
        yesterday.weekday(),
        tod,
        today,
        tod,
        tod,
        yesterday,
        tod,
    ]
    return clause, params


def _fetch(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _snippet(raw: str | None) -> str:
    """ts_headline output made safe for HTML, with the matched words in <mark>."""
    text = html.escape(raw or "")
    return text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def search(query: SearchQuery, *, facets: bool = True) -> SearchResult:
    sql = _Sql(query)
    has_text = bool(query.q and words(query.q))
    distance = "NULL::float"
    dist_params: list = []
    if query.punto is not None:
        distance = f"ST_Distance(d.punto::geography, {sql.point_sql()}) / 1000.0"
        dist_params = [query.punto.x, query.punto.y]
    if has_text:
        # Typos are corrected before the search, so the text rank alone decides
        # (a trigram similarity here cost a third of a broad query's time at 1M).
        text_score = "ts_rank_cd(d.vettore, to_tsquery('italiano', %s), 32)"
        text_params = [postgres_tsquery(query.q)]
    else:
        text_score, text_params = "1.0", []
    if query.punto is not None:
        score = f"{text_score} / (1.0 + coalesce({distance}, 1000.0) / {DECAY_KM})"
        score_params = text_params + dist_params
    else:
        score, score_params = text_score, text_params

    order_params: list = []
    if query.ordinamento == Ordinamento.DISTANZA:
        # KNN through the GiST index on punto::geography: nearest first, places
        # without a point (home services) last.
        order = f"d.punto::geography <-> {sql.point_sql()}"  # one key, or no KNN
        order_params = [query.punto.x, query.punto.y]
    elif query.ordinamento == Ordinamento.AGGIORNAMENTO:
        order = "d.aggiornato_il DESC, d.id"
    elif has_text or query.punto is not None:
        order = "score DESC, dist NULLS LAST, d.id"
    else:
        order = "d.aggiornato_il DESC, d.id"

    # An object's rows are adjacent in every order but distance, where its nearest
    # row comes first: fetch a margin and keep each object's first row.
    wanted = query.offset + query.per_pagina
    margin = wanted * 3 + 20
    rows = _fetch(
        f"""
        SELECT d.id AS row_id, d.tipo, d.oggetto_id, d.sede_id, d.titolo, d.ente_id,
               d.ente_nome, d.tipo_ente, d.comune_id, d.orario_id,
               ST_X(d.punto) AS lon, ST_Y(d.punto) AS lat,
               {score} AS score, {distance} AS dist
        FROM search_documento d
        WHERE {sql.where}
        ORDER BY {order}
        LIMIT %s
        """,
        [*score_params, *dist_params, *sql.params, *order_params, margin],
    )
    seen: set[tuple[str, int]] = set()
    unique = []
    for row in rows:
        key = (row["tipo"], row["oggetto_id"])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    page = unique[query.offset : wanted]
    # Rows first, capped; objects (distinct) only when there are few enough rows.
    rows_matching = _fetch(
        f"SELECT count(*) AS n FROM (SELECT 1 FROM search_documento d WHERE {sql.where} "
        "LIMIT %s) capped",
        [*sql.params, COUNT_CAP + 1],
    )[0]["n"]
    if rows_matching > COUNT_CAP:
        count, exact = COUNT_CAP, False
    else:
        count, exact = (
            _fetch(
                "SELECT count(DISTINCT (d.tipo, d.oggetto_id)) AS n "
                f"FROM search_documento d WHERE {sql.where}",
                sql.params,
            )[0]["n"],
            True,
        )
    hits = _hits(page, query, has_text)
    return SearchResult(
        backend=NAME,
        count=count,
        count_esatto=exact,
        hits=hits,
        facets=_facets(sql) if facets else {},
    )


def _hits(rows: list[dict], query: SearchQuery, has_text: bool) -> list[Hit]:
    if not rows:
        return []
    ids = [row["row_id"] for row in rows]
    open_clause, open_params = open_at_sql("d.orario_id", timezone.now())
    headline = "NULL"
    headline_params: list = []
    if has_text:
        headline = (
            "ts_headline('italiano', d.titolo || '. ' || d.testo, to_tsquery('italiano', %s), "
            f"'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, "
            'MaxFragments=1, FragmentDelimiter=" … "\')'
        )
        headline_params = [postgres_tsquery(query.q)]
    extra = {
        row["row_id"]: row
        for row in _fetch(
            f"""
            SELECT d.id AS row_id, c.nome AS comune_nome,
                   CASE WHEN d.orario_id IS NULL THEN NULL ELSE {open_clause} END AS aperto_ora,
                   {headline} AS snippet, left(d.testo, 200) AS inizio
            FROM search_documento d LEFT JOIN geo_data_comune c ON c.codice_istat = d.comune_id
            WHERE d.id = ANY(%s)
            """,
            open_params + headline_params + [ids],
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
                titolo=row["titolo"],
                ente={"id": row["ente_id"], "nome": row["ente_nome"], "tipo": row["tipo_ente"]},
                comune=(
                    {"codice_istat": row["comune_id"], "nome": more["comune_nome"]}
                    if row["comune_id"]
                    else None
                ),
                distanza_km=round(row["dist"], 3) if row["dist"] is not None else None,
                snippet=snippet,
                aperto_ora=more["aperto_ora"],
                punto=[row["lon"], row["lat"]] if row["lon"] is not None else None,
                sede_id=row["sede_id"],
                score=round(float(row["score"]), 6),
            )
        )
    return hits


def _facets(sql: _Sql) -> dict[str, list[dict]]:
    """Distinct objects per category, provider kind, Comune and Ambito, in one scan."""
    rows = _fetch(
        f"""
        WITH m AS MATERIALIZED (
            SELECT d.tipo, d.oggetto_id, d.tipo_ente, d.comune_id, d.categorie
            FROM search_documento d WHERE {sql.where}
        ), o AS (
            SELECT DISTINCT ON (tipo, oggetto_id) tipo, oggetto_id, tipo_ente, categorie FROM m
        )
        SELECT 'categoria' AS facet, c AS valore, count(*) AS n
          FROM o, unnest(o.categorie) c GROUP BY c
        UNION ALL
        SELECT 'tipo_ente', tipo_ente, count(*) FROM o GROUP BY tipo_ente
        UNION ALL
        SELECT 'comune', comune_id, count(DISTINCT (tipo, oggetto_id)) FROM m
          WHERE comune_id IS NOT NULL GROUP BY comune_id
        UNION ALL
        SELECT 'ambito', a.slug, count(DISTINCT (m.tipo, m.oggetto_id)) FROM m
          JOIN geo_data_ambito_comuni ac ON ac.comune_id = m.comune_id
          JOIN geo_data_ambito a ON a.id = ac.ambito_id GROUP BY a.slug
        """,
        sql.params,
    )
    raw: dict[str, list[dict]] = {"categoria": [], "tipo_ente": [], "comune": [], "ambito": []}
    for row in rows:
        raw[row["facet"]].append({"valore": row["valore"], "n": row["n"]})
    return label_facets(raw)


def label_facets(raw: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Facet buckets with a readable label, biggest first (shared by the backends)."""
    labels = {
        "categoria": dict(Categoria.objects.values_list("codice", "nome")),
        "tipo_ente": dict(TipoEnte.choices),
        "comune": dict(
            Comune.objects.filter(pk__in=[b["valore"] for b in raw.get("comune", [])]).values_list(
                "pk", "nome"
            )
        ),
        "ambito": dict(Ambito.objects.values_list("slug", "nome")),
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


def suggest(prefix: str, limit: int = 8) -> list[dict]:
    """Type-ahead: categories and titles that start like the prefix (or nearly)."""
    folded = fold(prefix)
    if not words(prefix):
        return []
    categorie = [
        {"testo": nome, "tipo": "categoria", "codice": codice}
        for codice, nome in Categoria.objects.values_list("codice", "nome")
        if any(w.startswith(folded.split()[-1]) for w in words(nome)) or folded in fold(nome)
    ][:3]
    titoli = _fetch(
        """
        SELECT d.titolo, count(*) AS n, max(word_similarity(%s, d.titolo)) AS sim
        FROM search_documento d
        WHERE d.vettore @@ to_tsquery('italiano', %s)
        GROUP BY d.titolo ORDER BY sim DESC, n DESC, d.titolo LIMIT %s
        """,
        [folded, postgres_tsquery(prefix), limit],
    )
    return (
        categorie
        + [{"testo": row["titolo"], "tipo": "titolo", "codice": None} for row in titoli][
            : limit - len(categorie)
        ]
    )


# Below this zoom the map gets clusters; from it on, single points.
POINTS_FROM_ZOOM = 14
MAX_POINTS = 2000
CELLS_PER_TILE = 4  # a cluster cell is a quarter of a 256-pixel tile: 64 pixels


def map_view(query: SearchQuery, zoom: int) -> MapResult:
    sql = _Sql(query)
    if zoom >= POINTS_FROM_ZOOM:
        rows = _fetch(
            f"""
            SELECT d.tipo, d.oggetto_id AS id, d.titolo, ST_X(d.punto) AS lon, ST_Y(d.punto) AS lat
            FROM search_documento d WHERE {sql.where} AND d.punto IS NOT NULL
            ORDER BY d.id LIMIT %s
            """,
            [*sql.params, MAX_POINTS],
        )
        return MapResult(backend=NAME, zoom=zoom, clusters=[], points=rows)
    cell = 360.0 / (2**zoom) / CELLS_PER_TILE
    rows = _fetch(
        f"""
        SELECT count(*) AS n, avg(ST_X(d.punto)) AS lon, avg(ST_Y(d.punto)) AS lat,
               min(ST_X(d.punto)) AS minlon, min(ST_Y(d.punto)) AS minlat,
               max(ST_X(d.punto)) AS maxlon, max(ST_Y(d.punto)) AS maxlat
        FROM search_documento d WHERE {sql.where} AND d.punto IS NOT NULL
        GROUP BY floor(ST_X(d.punto) / %s), floor(ST_Y(d.punto) / %s)
        ORDER BY n DESC
        """,
        [*sql.params, cell, cell],
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
