"""The machinery that keeps the postgres search bounded at a million services gives the
same answers as the plain way: RUM ranking as per-row ranking, the nearest-first
batches as ranking every match, sampled facets as counting, the pre-aggregated map
cells as grouping the points, cached answers as fresh ones."""

from __future__ import annotations

import json
import re
from datetime import date, time
from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.search import index
from marketplace.search.backends import postgres
from marketplace.search.grid import TILE_SHIFTS, tile_key
from marketplace.search.models import (
    CellaMappa,
    DocumentoRicerca,
    Lessema,
    StatoIndice,
    TitoloRicerca,
)
from servizi import orari
from servizi.models import Servizio
from servizi.services import servizio_update
from tests.search.conftest import (
    DUOMO,
    MELEGNANO,
    PAULLO,
    PLACES,
    SAN_DONATO,
    all_cells,
    categorie,
    titoli,
)
from tests.servizi.builders import make_sede, make_servizio

pytestmark = pytest.mark.django_db


def test_the_test_database_ranks_with_the_rum_index():
    assert postgres.ranked_index() is True


def test_ranking_from_the_rum_index_is_ranking_every_match(client, catalogo, monkeypatch):
    for q in ("asilo", "servizi casa", "assistente familiare", "lavanderia stireria"):
        with_rum = client.get("/api/v1/cerca/", {"q": q}).json()
        monkeypatch.setattr(postgres, "ranked_index", lambda: False)
        per_row = client.get("/api/v1/cerca/", {"q": q}).json()
        monkeypatch.undo()
        assert with_rum["results"] == per_row["results"]
        assert (with_rum["count"], with_rum["facets"]) == (per_row["count"], per_row["facets"])


@pytest.fixture
def every_text_broad(monkeypatch):
    """Every text taken for broad: its most recent matches are ranked, not all of them."""
    monkeypatch.setattr(postgres, "BROAD_TEXT_ROWS", 0)
    monkeypatch.setattr(postgres, "RANK_COST_IN_ROWS_WALKED", 1e9)


def _recent_statements(statements: list[str]) -> list[str]:
    """The statements that read the recent rows (not the planner's estimate of them)."""
    return [sql for sql in statements if sql.startswith("SELECT") and "d.aggiornato_il >=" in sql]


def _texts_and_plans(client, params) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/cerca/", params).json()
    return body, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "asilo"},
        {"q": "servizi casa"},
        {"q": "assistente familiare"},
        {"q": "nido", "comune": "015140"},  # the Comune's rows by date, and those at home
        {"q": "assistenza", "bbox": "9.0,45.1,9.7,45.7"},  # a small view, read first
    ],
)
def test_a_broad_text_ranks_its_most_recent_matches_as_all_of_them_when_they_are_few(
    client, catalogo, many, monkeypatch, params
):
    ranked_all, statements = _texts_and_plans(client, params)
    assert any("<=>" in sql for sql in statements)  # RUM ranked every match
    monkeypatch.setattr(postgres, "BROAD_TEXT_ROWS", 0)
    monkeypatch.setattr(postgres, "RANK_COST_IN_ROWS_WALKED", 1e9)
    recent, statements = _texts_and_plans(client, params)
    assert not any("<=>" in sql for sql in statements)
    assert any(") IS TRUE" in sql and "aggiornato_il DESC" in sql for sql in statements)
    assert recent["results"] and recent["results"] == ranked_all["results"]
    assert (recent["count"], recent["count_esatto"]) == (ranked_all["count"], True)
    assert recent["facets"] == ranked_all["facets"]


def test_a_broad_text_ranks_only_its_most_recent_matches_beyond_the_cap(
    client, many, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # 24 rows match, one page 23
        for number in range(3):
            make_servizio(titolo=f"Sportello {number}", descrizione="Assistenza legale.")
    first = {"q": "assistenza", "per_pagina": 1}
    (best,) = client.get("/api/v1/cerca/", first).json()["results"]
    assert best["titolo"].startswith("Assistenza domiciliare")
    with connection.cursor() as cursor:  # the best match becomes the oldest
        cursor.execute(
            "UPDATE search_documento SET aggiornato_il = '2000-01-01' "
            "WHERE tipo = 'servizio' AND oggetto_id = %s",
            [best["id"]],
        )
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "BROAD_TEXT_ROWS", 0)
    monkeypatch.setattr(postgres, "RANK_COST_IN_ROWS_WALKED", 1e9)
    body = client.get("/api/v1/cerca/", first).json()
    with connection.cursor() as cursor:  # the page's candidates: 1 * 3 + 20 rows
        cursor.execute(
            "SELECT oggetto_id, ts_rank(vettore, to_tsquery('italiano', 'assistenza:*')), id "
            "FROM search_documento WHERE strip(vettore) @@ to_tsquery('italiano', 'assistenza:*') "
            "ORDER BY aggiornato_il DESC, id DESC LIMIT 23"
        )
        candidates = cursor.fetchall()
    ranked = sorted(candidates, key=lambda row: (-row[1], row[2]))  # ties by row id
    assert [hit["id"] for hit in body["results"]] == [ranked[0][0]]
    assert body["results"][0]["id"] != best["id"]  # the oldest is not among them
    assert body["results"][0]["titolo"].startswith("Assistenza domiciliare")
    assert (body["count"], body["count_esatto"]) == (3, False)


def test_a_far_page_of_a_broad_text_is_ranked_among_as_many_matches_as_it_needs(
    client, many, monkeypatch
):
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    sixth = {"q": "assistenza", "per_pagina": 1, "pagina": 6}
    ranked_all = client.get("/api/v1/cerca/", sixth).json()["results"]
    monkeypatch.setattr(postgres, "BROAD_TEXT_ROWS", 0)
    monkeypatch.setattr(postgres, "RANK_COST_IN_ROWS_WALKED", 1e9)
    recent = client.get("/api/v1/cerca/", sixth).json()["results"]
    assert len(recent) == 1 and recent == ranked_all


def test_a_text_surely_over_the_cap_reads_only_its_page_from_the_rum_index(
    client, many, monkeypatch
):
    assert not postgres._surely_over_cap(postgres._Sql(_query(q="assistenza")))  # 21 objects
    monkeypatch.setattr(postgres, "OVER_CAP_FACTOR", 0)
    monkeypatch.setattr(postgres, "OVER_CAP_SAMPLE_OBJECTS", 0)  # any sample will do
    body, statements = _texts_and_plans(client, {"q": "assistenza", "per_pagina": 2})
    sampled = "AS n FROM (SELECT d.tipo, d.oggetto_id FROM search_documento d"
    assert any(sampled in sql for sql in statements)
    # Among all the matches: those in a title (7) are fewer than the page's rows.
    *_in_titles, ranked = [sql for sql in statements if "<=>" in sql]
    assert ranked.rstrip().endswith("LIMIT 26")  # the page's rows: 2 * 3 + 20
    assert (body["count"], body["count_esatto"]) == (1000, False)
    assert len(body["results"]) == 2
    # With another filter the text alone says nothing of the count: it is read.
    body, statements = _texts_and_plans(client, {"q": "assistenza", "tipo": "servizio"})
    assert not any(sampled in sql for sql in statements)
    assert (body["count"], body["count_esatto"]) == (len(PLACES), True)


def test_a_text_ranked_around_a_point_is_counted_from_the_sample_when_surely_over_the_cap(
    client, many, monkeypatch
):
    """A point without a radius orders, it does not filter: the sample tells that the
    text (and the other filters) match beyond the cap, instead of a count that gathers
    every match of the text first."""
    around = {"q": "assistenza", "lat": MELEGNANO.y, "lon": MELEGNANO.x, "facette": "false"}
    counted = client.get("/api/v1/cerca/", around).json()
    assert counted["count_esatto"] is True  # 21 objects: the sample says nothing
    _over_the_cap(monkeypatch)
    body, statements = _texts_and_plans(client, around)
    sampled = "AS n FROM (SELECT d.tipo, d.oggetto_id FROM search_documento d"
    assert any(sampled in sql for sql in statements)
    assert not any("SELECT count(*) AS n FROM (SELECT 1 FROM" in sql for sql in statements)
    assert (body["count"], body["count_esatto"]) == (1000, False)
    assert body["results"] == counted["results"]
    # With another filter too, when the planner expects ten times the cap.
    body, statements = _texts_and_plans(client, {**around, "tipo": "servizio"})
    assert any(sql.startswith("EXPLAIN (FORMAT JSON)") for sql in statements)
    assert any(sampled in sql for sql in statements)
    assert (body["count"], body["count_esatto"]) == (1000, False)
    # Within a radius the area filters too: its matches are counted as they are read.
    _body, statements = _texts_and_plans(client, {**around, "raggio_km": 5})
    assert not any(sampled in sql for sql in statements)
    # A Comune's rows are counted through its own indexes.
    _body, statements = _texts_and_plans(client, {**around, "comune": "015140"})
    assert not any(sampled in sql for sql in statements)


def test_nearest_batches_stop_once_the_objects_of_the_page_are_settled():
    """Settled: at their first rows (best first), the page's objects all score at least
    what an unread row could; the rows read beyond them, for a margin, do not matter."""
    from marketplace.search.query import SearchQuery

    rows = [
        {"tipo": "servizio", "oggetto_id": 1, "score": 0.9},
        {"tipo": "servizio", "oggetto_id": 1, "score": 0.8},  # another place of the first
        {"tipo": "servizio", "oggetto_id": 2, "score": 0.7},
        {"tipo": "pit", "oggetto_id": 2, "score": 0.1},
    ]
    two = SearchQuery(q="asilo", per_pagina=2)
    assert postgres._page_scores_at_least(rows, two, 0.7)
    assert not postgres._page_scores_at_least(rows, two, 0.75)
    second_of_one = SearchQuery(q="asilo", per_pagina=1, pagina=2)
    assert postgres._page_scores_at_least(rows, second_of_one, 0.7)
    three = SearchQuery(q="asilo", per_pagina=3)
    assert not postgres._page_scores_at_least(rows, three, 0.2)
    assert postgres._page_scores_at_least(rows, three, 0.1)
    assert not postgres._page_scores_at_least(rows, SearchQuery(q="asilo", per_pagina=4), 0.0)


def test_a_narrow_text_is_ranked_whole_without_asking_how_broad_it_is_in_detail(client, many):
    _body, statements = _texts_and_plans(client, {"q": "assistenza domiciliare"})
    assert any(sql.startswith("EXPLAIN (FORMAT JSON)") for sql in statements)
    # Few rows have any word: no count in the sample bucket, RUM ranks every match.
    assert not any("d.campione < 1 LIMIT" in sql for sql in statements)
    assert any("<=>" in sql for sql in statements)


def test_the_matches_of_words_together_are_counted_in_the_first_sample_bucket(
    client, many, monkeypatch
):
    monkeypatch.setattr(postgres, "BROAD_TEXT_ROWS", 0)
    monkeypatch.setattr(postgres, "RANK_COST_IN_ROWS_WALKED", 1e9)
    _body, statements = _texts_and_plans(client, {"q": "assistenza domiciliare"})
    assert any("d.campione < 1 LIMIT" in sql for sql in statements)
    _body, statements = _texts_and_plans(client, {"q": "assistenza"})  # one word: no `&`
    assert not any("d.campione < 1 LIMIT" in sql for sql in statements)


def _recent_since(offset: int):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT aggiornato_il FROM search_documento "
            "ORDER BY aggiornato_il DESC, id DESC LIMIT 1 OFFSET %s",
            [offset],
        )
        return cursor.fetchone()[0]


# The filters that hold sets, and their condition as the plans write it.
SET_FILTERS = [
    ({"categoria": "anziani"}, "categorie &&"),
    ({"lingua": "en"}, "lingue @>"),
    ({"destinatari": "disabili"}, "destinatari @>"),
]


def _recenti_dal():
    return StatoIndice.objects.filter(id=1).values_list("recenti_dal", flat=True).first()


def _recent_index_definition() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index.RECENT_TEXT_INDEX]
        )
        return cursor.fetchone()[0]


def test_a_rebuild_indexes_the_texts_of_the_most_recent_sixteenth_of_the_rows(
    catalogo, many, django_capture_on_commit_callbacks
):
    assert _recenti_dal() is None  # the test database was empty when migrated
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    rows = DocumentoRicerca.objects.count()
    since = _recent_since(rows // index.RECENT_SHARE)
    assert _recenti_dal() == since
    definition = _recent_index_definition()
    assert "gin (strip(vettore), categorie, lingue, destinatari, tipo_ente)" in definition
    (literal,) = re.findall(r"aggiornato_il >= '([^']+)'", definition)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [literal])
        assert cursor.fetchone()[0] == since
    # What is written later is later: it is among the recent rows.
    servizio = Servizio.objects.get(titolo="Servizio 1")
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=servizio, descrizione="Assistenza notturna.")
    assert DocumentoRicerca.objects.get(oggetto_id=servizio.id).aggiornato_il > since


def test_the_migrations_build_the_recent_rows_index_anew_on_the_same_rows(catalogo, many):
    migration = import_module("marketplace.migrations.0021_indice_recenti_tipo_ente")
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    built = _recent_index_definition()
    with connection.cursor() as cursor:
        cursor.execute(migration._recreate("strip(vettore)"))  # as a rebuild made it before
        assert "gin (strip(vettore)) WHERE" in _recent_index_definition()
        for operation in migration.Migration.operations:
            cursor.execute(operation.sql)
    assert _recent_index_definition() == built


@pytest.mark.parametrize("recent", ["newest", "sixteenth", "all"])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "assistenza", "per_pagina": 2},
        {"q": "assistenza domiciliare", "per_pagina": 1},
        {"q": "assistenza", "per_pagina": 1, "pagina": 7},
        {"q": "assistenza", "tipo_ente": "terzo_settore"},
        {"q": "assistenza", "categoria": "anziani", "per_pagina": 2},
    ],
)
def test_the_recent_rows_index_finds_the_most_recent_matches_as_the_walk_does(
    client, catalogo, many, monkeypatch, every_text_broad, params, recent
):
    """Whether the recent rows hold all the matches needed, some (the walk goes on among
    the older rows) or just one."""
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    # Words joined by `&` walk whatever the first sample bucket holds of them.
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    rows = DocumentoRicerca.objects.count()
    offset = {"newest": 0, "sixteenth": rows // index.RECENT_SHARE, "all": rows - 1}[recent]
    since = _recent_since(offset)
    monkeypatch.setattr(postgres, "_recent_first", lambda *args: None)
    walked, statements = _texts_and_plans(client, params)
    assert not _recent_statements(statements)
    monkeypatch.setattr(postgres, "_recent_first", lambda *args: since)  # whatever the share
    from_recent, statements = _texts_and_plans(client, params)
    (recent_statement,) = _recent_statements(statements)
    assert "strip(d.vettore) @@" in recent_statement  # as the recent rows' index holds it
    # Every recent match is read, then sorted: the planner, expecting more of them than
    # there are, would walk the recent rows by date instead ("badante" at a million
    # services passed 14,000 of them for its 1,001 most recent matches, 38 ms).
    assert "OFFSET 0" in recent_statement
    assert from_recent["results"] and from_recent["results"] == walked["results"]
    assert from_recent["count"] == walked["count"]
    assert from_recent["count_esatto"] == walked["count_esatto"]
    assert from_recent["facets"] == walked["facets"]
    if recent == "newest":  # one row is too few: the walk went on below it
        assert any("d.aggiornato_il <" in sql and ") IS TRUE" in sql for sql in statements)


def test_the_recent_rows_statement_is_read_through_their_text_index(client, catalogo, many):
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    since, query = _recenti_dal(), _query(q="assistenza")
    scored, sql = postgres._Scored.of(query, "assistenza:*"), postgres._Sql(query)
    with CaptureQueriesContext(connection) as captured:
        postgres._by_date(scored, sql, 30, (">=", since))
    (statement,) = [q["sql"] for q in captured.captured_queries]
    # The date matches the index's predicate, so the planner may read it (which it does
    # at a million services); here, of this tiny table, others would be cheaper.
    plan = _explain(statement, drop=_indexes_but(index.RECENT_TEXT_INDEX), off=["seqscan"])
    assert f"Bitmap Index Scan on {index.RECENT_TEXT_INDEX}" in plan, plan


@pytest.mark.parametrize(
    "filters, condition", [*SET_FILTERS, ({"tipo_ente": "pubblico"}, "tipo_ente")]
)
def test_the_recent_matches_of_a_set_filter_are_read_in_one_scan_of_the_recent_rows_index(
    client, catalogo, many, monkeypatch, every_text_broad, filters, condition
):
    """The category and the provider kind too, which other statements of a text check
    row by row."""
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)
    monkeypatch.setattr(postgres, "_recent_first", lambda *args: _recenti_dal())
    _, statements = _texts_and_plans(client, {"q": "assistenza domiciliare", **filters})
    (statement,) = _recent_statements(statements)
    _assert_one_scan(statement, index.RECENT_TEXT_INDEX, condition)


@pytest.mark.parametrize(
    "all_words, any_words, recent_first",
    [
        (3_400, 330_000, True),  # words together: the planner thinks them rare
        (47_000, 330_000, True),  # one row in twenty: 2,900 recent matches, 21,000 walked
        (170_000, 170_000, False),  # one row in six: 10,600 recent matches, 5,900 walked
        (600_000, 600_000, False),
    ],
)
def test_a_walk_reads_the_recent_rows_index_unless_its_words_are_in_most_rows(
    monkeypatch, all_words, any_words, recent_first
):
    since = timezone.now()
    recent = postgres._RecentIndex(since, 62_500)  # at a million rows
    monkeypatch.setattr(postgres, "_table_rows", lambda: 1_000_000)
    monkeypatch.setattr(postgres, "_recent_index", lambda: recent)
    monkeypatch.setattr(
        postgres, "_estimated_matches", lambda t: any_words if "|" in t else all_words
    )
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)
    tsquery = "assistenza & domiciliare" if all_words != any_words else "assistenza"
    breadth = postgres._breadth(_query(q="assistenza domiciliare"), tsquery)
    assert breadth.walk
    assert breadth.recent_since == (since if recent_first else None)
    monkeypatch.setattr(postgres, "_recent_index", lambda: None)  # no index: the walk
    assert postgres._breadth(_query(q="assistenza"), tsquery).recent_since is None


@pytest.mark.parametrize(
    ("q", "walk"),
    [
        ("asilo", False),  # one word: ranking its 38,600 rows costs little
        # Corrected from "babysiter": with its synonyms six words to rank on each row.
        ("baby sitter", True),
    ],
)
def test_ranking_every_match_costs_a_visit_of_every_word_of_the_text_on_each_row(
    monkeypatch, q, walk
):
    """RUM ranks a match by each word of the query: at a million services the 38,600
    rows of "baby sitter" (baby & sitter:*, babysitter, baby & sitting, tata) took
    47-54 ms, those of "baby" alone 10-15 ms."""
    monkeypatch.setattr(postgres, "_table_rows", lambda: 1_000_000)
    monkeypatch.setattr(postgres, "_recent_index", lambda: None)
    monkeypatch.setattr(postgres, "_estimated_matches", lambda t: 38_600)
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)
    query = _query(q=q)
    assert postgres._breadth(query, postgres.postgres_tsquery(query.q)).walk is walk


def test_few_matches_among_many_rows_with_a_word_are_ranked_each_on_its_row(monkeypatch):
    """At a million services "psicologo brescia" matches 2,100 rows, while 400,000 have
    one of its words (or of the synonyms of "psicologo"): the 2,100 rows are read and
    ranked, rather than RUM visiting the 400,000 or a walk passing 430,000."""
    monkeypatch.setattr(postgres, "_table_rows", lambda: 1_000_000)
    monkeypatch.setattr(postgres, "_recent_index", lambda: None)
    # The words together (`&`) 2,100 rows, any of them 400,000.
    monkeypatch.setattr(postgres, "_estimated_matches", lambda t: 2_100 if "&" in t else 400_000)
    monkeypatch.setattr(
        postgres, "_at_least", lambda tsquery, matches, estimate: estimate >= matches
    )
    # Both words searched as words, as they were when measured (not Brescia's services).
    query = _query(q="psicologo brescia", luogo_dal_testo="false")
    assert postgres._breadth(query, postgres.postgres_tsquery(query.q)).per_row
    # With another filter, other indexes and walks serve it (see _collect_matches).
    query = _query(q="psicologo brescia", categoria="consulenza", luogo_dal_testo="false")
    assert not postgres._breadth(query, postgres.postgres_tsquery(query.q)).per_row
    # A single word: its matches are the rows RUM ranks.
    monkeypatch.setattr(postgres, "_estimated_matches", lambda t: 2_100)
    query = _query(q="psicoterapia")
    assert not postgres._breadth(query, postgres.postgres_tsquery(query.q)).per_row


@pytest.mark.parametrize("q", ["assistenza domiciliare", "badante assistenza", "servizi casa"])
def test_matches_ranked_each_on_its_row_are_the_page_rum_ranks(
    client, catalogo, many, monkeypatch, q
):
    ranked, statements = _texts_and_plans(client, {"q": q})
    assert any("<=>" in sql for sql in statements)
    monkeypatch.setattr(postgres, "_per_row_below", lambda *args: 1e9)
    per_row, statements = _texts_and_plans(client, {"q": q})
    assert not any("<=>" in sql for sql in statements)
    assert any("ORDER BY score DESC, d.id" in sql for sql in statements)
    assert per_row["results"] and per_row["results"] == ranked["results"]
    assert (per_row["count"], per_row["facets"]) == (ranked["count"], ranked["facets"])


@pytest.mark.parametrize(
    ("recent_rows", "low", "high"),
    [
        # With no recent rows' index the walk passes 1,001,000,000 / m rows: they cross
        # at about 31,600 matches.
        (0, 31_000, 32_000),
        # The recent sixteenth's index holds every one of 1,001 most recent matches from
        # 16,000 matches; below, the walk goes on (9,400 matches: 600 from the index,
        # then 42,000 rows walked).
        (62_500, 9_400, 16_000),
    ],
)
def test_each_match_is_read_below_what_the_walk_would_read(monkeypatch, recent_rows, low, high):
    recent = postgres._RecentIndex(timezone.now(), recent_rows) if recent_rows else None
    monkeypatch.setattr(postgres, "_recent_index", lambda: recent)
    below = postgres._per_row_below(_query(q="assistenza psicologo"), 1e9, 1_000_000)
    assert low < below < high
    # Ranking in RUM bounds it too: half of 0.12 row per word of every row with a word.
    assert postgres._per_row_below(_query(q="x y"), 100_000, 1_000_000) == 6_000


def _estimates(
    monkeypatch,
    text_rows: float,
    with_filter: float,
    kind_rows: float,
    free_rows: float = 1_000_000,
) -> None:
    """The planner's estimates at a million rows: of the text, of the text with the
    query's other filters, of a provider kind's rows and of the free (or not) rows."""

    def estimated(where: str, params: list) -> float:
        if where == "d.tipo_ente = %s":
            return kind_rows
        if where == "d.gratuito = %s":
            return free_rows
        return with_filter if " AND " in where else text_rows

    monkeypatch.setattr(postgres, "_estimated_rows", estimated)


@pytest.fixture
def recent_rows(monkeypatch):
    """The recent rows' text index as at a million services."""
    recent = postgres._RecentIndex(timezone.now(), 62_500)
    monkeypatch.setattr(postgres, "_recent_index", lambda: recent)
    return recent


def test_a_filter_that_thins_a_common_words_matches_takes_the_recent_rows_index(
    monkeypatch, recent_rows
):
    """The walk meets the matches of every filter, the recent rows' index gives those of
    the text: "assistenza" (one row in six) alone walks; in English (one in seven of
    them: 2.4% of the rows) it reads the index."""
    alone, english = _query(q="assistenza"), _query(q="assistenza", lingua="en")
    _estimates(monkeypatch, 170_000, 24_000, kind_rows=150_000)
    assert postgres._recent_first(alone, 170_000, 1_000_000) is None
    assert postgres._recent_first(english, 170_000, 1_000_000) == recent_rows.since
    _estimates(monkeypatch, 170_000, 150_000, kind_rows=150_000)  # it leaves most: the walk
    assert postgres._recent_first(english, 170_000, 1_000_000) is None


def test_a_walk_with_a_provider_kind_reads_only_that_kinds_rows(monkeypatch, recent_rows):
    """By public providers (150,000 rows), "assistenza" meets a match in every six rows
    the walk reads of theirs: it walks them. "assistenza domiciliare" meets one in
    twenty-one: its 2,900 recent matches first (440 of them public), then the public
    rows below them."""
    public = _query(q="assistenza", tipo_ente="pubblico")
    _estimates(monkeypatch, 170_000, 24_000, kind_rows=150_000)
    assert postgres._recent_first(public, 170_000, 1_000_000) is None
    _estimates(monkeypatch, 47_000, 7_000, kind_rows=150_000)
    assert postgres._recent_first(public, 47_000, 1_000_000) == recent_rows.since
    # Were the kind in most rows, its walk would be the plain one: the index.
    _estimates(monkeypatch, 170_000, 24_000, kind_rows=1_000_000)
    assert postgres._recent_first(public, 170_000, 1_000_000) == recent_rows.since


def test_a_walk_among_free_services_reads_only_the_free_rows(monkeypatch, recent_rows):
    """Among free services (280,000 rows) "assistenza" meets a match in every six rows
    the walk reads of theirs: it walks them. Were every row free, its recent matches
    would come first."""
    free = _query(q="assistenza", gratuito="true")
    _estimates(monkeypatch, 170_000, 48_000, kind_rows=150_000, free_rows=280_000)
    assert postgres._recent_first(free, 170_000, 1_000_000) is None
    _estimates(monkeypatch, 170_000, 48_000, kind_rows=150_000, free_rows=1_000_000)
    assert postgres._recent_first(free, 170_000, 1_000_000) == recent_rows.since


@pytest.mark.parametrize(
    ("filters", "index", "column"),
    [
        ({"tipo_ente": "terzo_settore"}, "search_doc_ente_data", "tipo_ente"),
        ({"gratuito": "true"}, "search_doc_gratuito_data", "gratuito"),
    ],
)
def test_a_kind_or_free_is_walked_by_its_index_and_checked_on_the_rows_of_another(
    client, catalogo, many, filters, index, column
):
    """Walking a broad text's rows by date, the index of the provider kind (or of free
    or not) gives them in that order; where the text's index (or a Comune's, or the
    recent rows' for "free", which it does not hold) gives the rows, the filter is
    checked on each of them, never an index condition."""
    query = _query(q="assistenza", **filters)
    scored = postgres._Scored.of(query, "assistenza:*")

    def plan(sql: postgres._Sql, off: list[str]) -> str:
        with CaptureQueriesContext(connection) as captured:
            postgres._by_date(scored, sql, 30)
        (statement,) = [q["sql"] for q in captured.captured_queries]
        return _explain(statement, drop=_indexes_but(index), off=off)

    by_index_order = ["seqscan", "bitmapscan"]
    walked = plan(postgres._Sql(query, text_per_row=True), by_index_order)
    assert f"Index Scan Backward using {index}" in walked, walked
    # A page of the filter alone, by date, is its index's too.
    alone = plan(postgres._Sql(_query(**filters)), by_index_order)
    assert f"Index Scan Backward using {index}" in alone, alone
    others = [postgres._Sql(query), postgres._Sql(_query(comune="015146", **filters))]
    if column == "gratuito":
        others.append(postgres._Sql(query, recent=True))
    for other in others:
        checked = plan(other, ["seqscan"])
        assert f"Index Cond: (({column}" not in checked, checked
        assert f"Index Cond: ({column}" not in checked, checked


@pytest.mark.parametrize("recent", ["none", "newest"])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "assistenza", "categoria": "anziani", "per_pagina": 1},
        {"q": "assistenza domiciliare", "lingua": "en", "per_pagina": 1},
        {"q": "assistenza", "categoria": "anziani", "per_pagina": 1, "pagina": 2},
    ],
)
def test_a_broad_texts_matches_collected_through_the_indexes_are_those_the_walk_meets(
    client, assisted, monkeypatch, every_text_broad, params, recent
):
    """With the recent rows' index or without, the walk by date and the matches collected
    through the indexes of the text and of the set filter give the same rows."""
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)
    since = _recent_since(0) if recent == "newest" else None
    monkeypatch.setattr(postgres, "_recent_first", lambda *args: since)
    monkeypatch.setattr(postgres, "_collect_matches", lambda *args: False)
    walked, statements = _texts_and_plans(client, params)
    older = [sql for sql in statements if sql not in _recent_statements(statements)]
    assert not any("OFFSET 0" in sql for sql in older)
    monkeypatch.setattr(postgres, "_collect_matches", lambda *args: True)
    collected, statements = _texts_and_plans(client, params)
    older = [sql for sql in statements if sql not in _recent_statements(statements)]
    (statement,) = [sql for sql in older if "OFFSET 0" in sql]
    # Every filter through its index: none checked row by row.
    assert "strip(d.vettore) @@" in statement and "IS TRUE" not in statement
    assert ("d.aggiornato_il <" in statement) == (recent == "newest")
    assert collected["results"] and collected["results"] == walked["results"]
    assert collected["count"] == walked["count"]
    assert collected["count_esatto"] == walked["count_esatto"]
    assert collected["facets"] == walked["facets"]


@pytest.mark.parametrize("recent", ["none", "newest"])
@pytest.mark.parametrize(
    "hours",
    [
        {"aperto_giorno": "2026-12-19"},
        {"aperto_giorno": "2026-12-19", "aperto_parte": "pomeriggio"},
        {"aperto_parte": "sera"},
        {"aperto_il": "2026-12-19T16:00:00+01:00"},
    ],
)
def test_a_broad_texts_matches_open_collected_through_its_index_are_those_the_walk_meets(
    client,
    assisted,
    monkeypatch,
    every_text_broad,
    django_capture_on_commit_callbacks,
    hours,
    recent,
):
    """The text's matches open are found in one scan of the index of the text and the
    sets, with the keys of the hours asked (OPEN_KEYS), and their hours checked on each:
    the rows the walk by date meets."""
    with django_capture_on_commit_callbacks(execute=True):
        for servizio in Servizio.objects.filter(titolo__startswith="Assistenza")[::2]:
            servizio_update(servizio=servizio, fasce=orari.parse_orario("sab 15:00-19:00"))
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)
    since = _recent_since(0) if recent == "newest" else None
    monkeypatch.setattr(postgres, "_recent_first", lambda *args: since)
    params = {"q": "assistenza domiciliare", "per_pagina": 1, **hours}
    monkeypatch.setattr(postgres, "_few_open_ranked_each", lambda *args: False)
    monkeypatch.setattr(postgres, "_collect_matches", lambda *args: False)
    walked, _statements = _texts_and_plans(client, params)
    monkeypatch.setattr(postgres, "_collect_matches", lambda *args: True)
    collected, statements = _texts_and_plans(client, params)
    older = [sql for sql in statements if sql not in _recent_statements(statements)]
    (statement,) = [sql for sql in older if "OFFSET 0" in sql]
    assert "strip(d.vettore) @@" in statement and _asks_open_keys(statement, hours)
    _assert_one_scan(statement, "search_doc_testo_insiemi", "search_chiavi_settimana(")
    assert collected["results"] and collected["results"] == walked["results"]
    assert collected["count"] == walked["count"]
    assert collected["facets"] == walked["facets"]


@pytest.mark.parametrize(
    "hours",
    [
        {"aperto_giorno": "2026-12-20"},
        {"aperto_giorno": "2026-12-20", "aperto_parte": "mattina"},
        {"aperto_il": "2026-12-20T11:00:00+01:00"},
        {"aperto_parte": "sera"},
    ],
)
def test_few_matches_open_are_found_through_the_keys_of_the_hours_and_each_ranked(
    client, assisted, monkeypatch, django_capture_on_commit_callbacks, hours
):
    """When few of a text's matches are open, the index of the text and the sets gives
    them with the keys of the hours, every one is ranked, and the facets count them all
    in one statement: the page, the count and the facets of checking the hours on every
    match. Special hours open a service closed that weekday; a closure closes one open."""
    sunday = date(2026, 12, 20)
    servizi = list(Servizio.objects.filter(titolo__startswith="Assistenza").order_by("pk"))
    with django_capture_on_commit_callbacks(execute=True):
        for servizio in servizi[:3]:
            servizio_update(
                servizio=servizio, fasce=orari.parse_orario("dom 10:00-12:00, 19:00-21:00")
            )
        servizio_update(
            servizio=servizi[3],
            fasce=orari.parse_orario("lun 09:00-12:00"),
            eccezioni=[orari.Eccezione(sunday, sunday, False, time(10), time(12))],
        )
        servizio_update(
            servizio=servizi[4],
            fasce=orari.parse_orario("dom 10:00-12:00"),
            eccezioni=[orari.Eccezione(sunday, sunday, chiuso=True)],
        )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_documento SET campione = 0")  # all in the sample
    params = {"q": "assistenza domiciliare", "per_pagina": 100, **hours}
    with monkeypatch.context() as without_keys:
        without_keys.setattr(postgres, "_keyed_open_share", lambda query: 1.0)
        without_keys.setattr(postgres, "_few_open_ranked_each", lambda *args: False)
        checked, statements = _texts_and_plans(client, params)
    assert not any(_asks_open_keys(sql, hours) for sql in statements)
    assert checked["results"]
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    assert postgres._few_open_ranked_each(_query(**params), 48)
    keyed, statements = _texts_and_plans(client, {**params, "per_pagina": 3})
    (page,) = [sql for sql in statements if "ORDER BY score DESC" in sql]
    assert _asks_open_keys(page, hours) and "<=>" not in page
    _assert_one_scan(page, "search_doc_testo_insiemi", "search_chiavi_settimana(")
    (facets,) = [sql for sql in statements if sql.lstrip().startswith("WITH m AS")]
    if checked["count"] > 3:  # more than the cap: every keyed match, not a sample
        assert _asks_open_keys(facets, hours) and "d.campione < 64" in facets
    else:  # counted: the facets of the rows read
        assert "d.id = ANY" in facets
    assert keyed["results"] == checked["results"][:3]
    assert keyed["facets"] == checked["facets"]
    assert (keyed["count"], keyed["count_esatto"]) == (
        (checked["count"], True) if checked["count"] <= 3 else (3, False)
    )
    titles = {hit["titolo"] for hit in checked["results"]}
    if "aperto_parte" not in hours or "aperto_giorno" in hours:  # that Sunday
        assert servizi[3].titolo in titles and servizi[4].titolo not in titles


@pytest.mark.parametrize(
    ("all_words", "share", "ranked_each"),
    [
        # "asilo" on a Sunday: 37,500 matches, 1.9% open; RUM read 37,700 of them.
        (37_500, 0.019, True),
        # "badante" on a Sunday: 67,700 rows, 2.4% open.
        (67_700, 0.024, True),
        # "assistenza" on a Saturday: 43% open, the keys' lists long (FEW_OPEN_SHARE).
        (170_000, 0.43, False),
        # Many matches a little under the share: more than RUM reads for 1,001 open.
        (500_000, 0.09, False),
    ],
)
def test_few_matches_open_are_ranked_each_where_that_reads_fewer_rows(
    monkeypatch, all_words, share, ranked_each
):
    monkeypatch.setattr(postgres, "_open_share", lambda tsquery, schedule: share)
    query = _query(q="asilo", aperto_giorno="2026-12-20")
    assert postgres._few_open_ranked_each(query, all_words) is ranked_each
    assert not postgres._few_open_ranked_each(_query(q="asilo"), all_words)


@pytest.mark.parametrize(
    ("hours", "all_words", "share", "collected"),
    [
        # "badante" open on a Sunday: 67,700 rows, 2.4% of them open; the walk would
        # pass 550,000 rows.
        ({"aperto_giorno": "2026-12-20"}, 67_700, 0.024, True),
        # "caf" in the evening: 16,800 rows, 17% of them.
        ({"aperto_parte": "sera"}, 16_800, 0.17, True),
        # "assistenza" on a Saturday: 170,000 rows, 45% of them; 13,000 rows walked.
        ({"aperto_giorno": "2026-12-19"}, 170_000, 0.45, False),
        ({"aperto_il": "2026-12-21T10:00:00+01:00"}, 170_000, 0.8, False),
    ],
)
def test_a_walk_that_would_pass_more_rows_than_the_text_has_open_collects_them(
    monkeypatch, recent_rows, hours, all_words, share, collected
):
    _estimates(monkeypatch, all_words, all_words, kind_rows=150_000)
    monkeypatch.setattr(postgres, "_open_share", lambda tsquery, schedule: share)
    query = _query(q="badante", **hours)
    assert postgres._collect_matches(query, all_words, 1_000_000, recent_rows.since) is collected


def test_the_share_of_a_texts_matches_open_is_counted_in_the_sample(
    assisted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for servizio in Servizio.objects.filter(titolo__startswith="Assistenza")[::2]:
            servizio_update(servizio=servizio, fasce=orari.parse_orario("sab 15:00-19:00"))
    tsquery = postgres.text_tsqueries("assistenza domiciliare").ranked
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_documento SET campione = 0")  # all in the sample
    saturday = postgres.schedule_sql(_query(aperto_giorno="2026-12-19"))
    monday = postgres.schedule_sql(_query(aperto_giorno="2026-12-21"))
    assert postgres._open_share(tsquery, saturday) == 0.5
    assert postgres._open_share(tsquery, monday) == 0.0


@pytest.mark.parametrize("filters, condition", SET_FILTERS)
def test_the_collected_matches_are_found_in_one_scan_of_the_index_of_the_text_and_the_sets(
    client, assisted, filters, condition
):
    query = _query(q="assistenza domiciliare", **filters)
    scored, sql = postgres._Scored.of(query), postgres._Sql(query, collected=True)
    with CaptureQueriesContext(connection) as captured:
        postgres._by_date(scored, sql, 30, collected=True)
    (statement,) = [q["sql"] for q in captured.captured_queries]
    _assert_one_scan(statement, "search_doc_testo_insiemi", condition)


def _assert_one_scan(statement: str, index_name: str, condition: str) -> None:
    """GIN intersects the text's and the filter's lists in one scan of an index that
    holds both, where two indexes each built a bitmap of every row they list."""
    with transaction.atomic():  # the indexes dropped come back for the next
        plan = _explain(statement, drop=_indexes_but(index_name), off=["seqscan"])
        transaction.set_rollback(True)
    scan = plan.index(f"Bitmap Index Scan on {index_name}")
    index_condition = plan[scan:].splitlines()[1]
    assert "strip(vettore) @@" in index_condition and condition in index_condition, plan
    assert "BitmapAnd" not in plan, plan


@pytest.mark.parametrize(
    "params, all_words, with_filters, recent, collected",
    [
        # Services for the disabled with both words: 4,400 rows, 275 of them recent; the
        # walk would pass 165,000 rows below the recent ones.
        ({"categoria": "disabilita"}, 47_000, 4_400, True, True),
        ({"categoria": "disabilita"}, 47_000, 4_400, False, True),
        ({"lingua": "en"}, 47_000, 4_400, True, True),
        # "assistenza" for the disabled: 24,000 rows, its recent ones are enough.
        ({"categoria": "disabilita"}, 170_000, 24_000, True, False),
        ({"categoria": "disabilita"}, 170_000, 24_000, False, False),  # 42,000 walked
        # A filter without an index of sets, or a Comune (its own walks): never.
        ({"gratuito": "true"}, 47_000, 4_400, True, False),
        ({"categoria": "disabilita", "comune": "015146"}, 47_000, 400, True, False),
    ],
)
def test_a_walk_that_would_pass_too_many_rows_collects_its_matches(
    monkeypatch, recent_rows, params, all_words, with_filters, recent, collected
):
    _estimates(monkeypatch, all_words, with_filters, kind_rows=150_000)
    query = _query(q="assistenza domiciliare", **params)
    since = recent_rows.since if recent else None
    assert postgres._collect_matches(query, all_words, 1_000_000, since) is collected


@pytest.mark.parametrize(
    "params",
    [
        {"q": "assistenza domiciliare", "provincia": "MI", "per_pagina": 1},
        {"q": "assistenza", "ambito": "san-donato-milanese", "per_pagina": 1},
        {
            "q": "assistenza",
            "provincia": "MI",
            "categoria": "anziani",
            "pagina": 2,
            "per_pagina": 1,
        },
    ],
)
def test_the_matches_of_several_comuni_collected_through_the_indexes_are_those_walked(
    client, assisted, monkeypatch, every_text_broad, params
):
    """In several Comuni (an Ambito's, a province's), the walk that checks the text on
    each row it reads and the matches collected through the text's index give the same
    rows."""
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)

    def page_statement(collect: bool) -> tuple[dict, str]:
        monkeypatch.setattr(postgres, "_collect_in_comuni", lambda *args: collect)
        body, statements = _texts_and_plans(client, params)
        (statement,) = [sql for sql in statements if "UNION ALL" in sql and "row_id DESC" in sql]
        return body, statement

    walked, statement = page_statement(False)
    assert "strip(d.vettore) @@" not in statement  # checked on each row
    collected, statement = page_statement(True)
    placed = statement.split("UNION ALL")[0]
    assert "strip(d.vettore) @@" in placed and "OFFSET 0" in placed, placed
    assert "&& '{576460752303423503}'::int8[]" in placed  # the province of Milan's key
    assert collected["results"] and collected["results"] == walked["results"]
    assert collected["count"] == walked["count"]
    assert collected["count_esatto"] == walked["count_esatto"]
    assert collected["facets"] == walked["facets"]


@pytest.mark.parametrize(
    "params",
    [{"q": "assistenza", "provincia": "MI"}, {"q": "assistente familiare", "ambito": "paullese"}],
)
def test_few_matches_in_several_comuni_ranked_each_on_its_row_are_the_page_rum_ranks(
    client, catalogo, many, monkeypatch, params
):
    monkeypatch.setattr(postgres, "_few_in_comuni", lambda *args: False)
    ranked, statements = _texts_and_plans(client, params)
    assert any("<=>" in sql for sql in statements)
    monkeypatch.setattr(postgres, "_few_in_comuni", lambda *args: True)
    per_row, statements = _texts_and_plans(client, params)
    assert not any("<=>" in sql for sql in statements)
    assert any("ORDER BY score DESC, d.id" in sql for sql in statements)
    assert per_row["results"] and per_row["results"] == ranked["results"]
    assert (per_row["count"], per_row["facets"]) == (ranked["count"], ranked["facets"])


@pytest.mark.parametrize(
    "in_comuni, per_row",
    [
        # "asilo" (38,000 rows) in the province of Brescia, 4,800 of them: RUM would read
        # 7,900 rows if they were spread like the rest, and may read all 38,000.
        (4_800, True),
        # In Milan's, 10,500.
        (10_500, False),
    ],
)
def test_few_matches_in_several_comuni_are_ranked_each_on_its_row(monkeypatch, in_comuni, per_row):
    monkeypatch.setattr(postgres, "_table_rows", lambda: 900_000)
    monkeypatch.setattr(postgres, "_recent_index", lambda: None)
    monkeypatch.setattr(postgres, "_estimated_matches", lambda t: 38_000)
    _estimates(monkeypatch, 38_000, in_comuni, kind_rows=150_000)
    query = _query(q="asilo", provincia="BS")
    breadth = postgres._breadth(query, postgres.postgres_tsquery(query.q))
    assert not breadth.walk and breadth.per_row is per_row


def test_a_texts_matches_in_several_comuni_are_found_in_one_scan_with_their_provinces(
    assisted,
):
    query = _query(q="assistenza domiciliare", provincia="MI")
    _sql, (placed, _at_home) = postgres._in_comuni(query)
    condition, params = placed
    with connection.cursor() as cursor:
        statement = cursor.mogrify(
            f"SELECT 1 FROM search_documento d WHERE strip(d.vettore) @@ %s::tsquery "
            f"AND {condition}",
            [postgres.text_tsqueries(query.q).matching, *params],
        )
    _assert_one_scan(statement, "search_doc_testo_insiemi", "&& '{576460752303423503}'")


def test_the_comuni_of_whole_provinces_are_checked_on_the_rows_their_keys_give(catalogo):
    """The provinces' keys give the rows of a province asked (or named in the text)
    alone: its Comuni are checked on each, not read from their index too. An Ambito's
    are a part of their province: their index narrows the rows the keys give."""
    province = _query(q="assistenza", provincia="MI")
    ambito = _query(q="assistenza", ambito="paullese")
    assert postgres._whole_provinces(province.comuni)
    assert not postgres._whole_provinces(ambito.comuni)
    assert not postgres._whole_provinces(province.comuni[1:])
    (placed, _params), _at_home = postgres._in_comuni(province)[1]
    assert placed.startswith("(d.comune_id = ANY(%s)) IS TRUE AND ")
    (placed, _params), _at_home = postgres._in_comuni(ambito)[1]
    assert placed.startswith("d.comune_id = ANY(%s) AND ")


def test_the_rows_delivered_at_home_in_several_comuni_are_read_from_their_own_index(
    catalogo,
):
    """The planner's estimate of the rows serving any of a province's Comuni swings with
    its sample; the index that holds only the rows delivered at home is cheap whatever
    it expects (migration 0028)."""
    _sql, (_placed, at_home) = postgres._in_comuni(_query(provincia="MI"))
    condition, params = at_home
    with connection.cursor() as cursor:
        statement = cursor.mogrify(f"SELECT 1 FROM search_documento d WHERE {condition}", params)
    with transaction.atomic():
        plan = _explain(statement, drop=_indexes_but("search_doc_a_domicilio"), off=["seqscan"])
        transaction.set_rollback(True)
    assert "search_doc_a_domicilio" in plan, plan


BADANTE = "'badant' | 'assistent' & 'famil' | 'assistent' & 'famil'"


@pytest.mark.parametrize(
    "tsquery, any_words, with_filters, in_comuni, collected",
    [
        # "badante" and its synonyms (five words) in the province of Bergamo: 13,200
        # matches expected among its 113,000 rows, 68,000 rows walked by date.
        (BADANTE, 535_000, 13_200, 113_000, True),
        # In the Ambito of Paullese: its 6,500 rows, each checked.
        (BADANTE, 535_000, 780, 6_500, False),
        # "assistenza" (one word) in the province of Milan, met soon enough by date.
        ("'assist'", 170_000, 15_300, 80_000, False),
    ],
)
def test_a_walk_in_several_comuni_collects_its_matches_where_checking_rows_costs_more(
    monkeypatch, tsquery, any_words, with_filters, in_comuni, collected
):
    query = _query(q="badante", provincia="BG")  # its Comuni count by their estimate
    monkeypatch.setattr(postgres, "_estimated_rows_in_comuni", lambda comuni: in_comuni)
    _estimates(monkeypatch, any_words, with_filters, kind_rows=150_000)
    densities = postgres._densities(query, any_words, 900_000)
    assert postgres._collect_in_comuni(query, tsquery, any_words, 900_000, densities) is collected


def _query(**params):
    from marketplace.search.query import SearchParamsSerializer

    serializer = SearchParamsSerializer(data=params)
    serializer.is_valid(raise_exception=True)
    return serializer.to_query()


@pytest.mark.parametrize("centre", [MELEGNANO, SAN_DONATO, PAULLO, DUOMO])
def test_nearest_first_batches_rank_as_every_match_would(many, monkeypatch, centre):
    # A page of three objects: the batches stop once three objects are settled.
    query = _query(q="assistenza", lat=centre.y, lon=centre.x, per_pagina=3)
    tsquery = postgres.postgres_tsquery(query.q)
    monkeypatch.setattr(postgres, "FIRST_BATCH", 10_000)  # one batch: every match is read
    everything, _ = postgres._rank_near(query, tsquery, 3)
    batches = []
    real_fetch = postgres.fetch_dicts

    def counting_fetch(sql, params, **options):
        rows = real_fetch(sql, params, **options)
        if "<->" in sql:
            batches.append(len(rows))
        return rows

    monkeypatch.setattr(postgres, "fetch_dicts", counting_fetch)
    monkeypatch.setattr(postgres, "FIRST_BATCH", 1)  # batches of 3, 12, 48 rows
    batched, _ = postgres._rank_near(query, tsquery, 3)
    assert [row["row_id"] for row in batched] == [row["row_id"] for row in everything]
    assert len(batched) == 3
    if centre == MELEGNANO:  # the page is settled near it: the far rows are never read
        assert sum(batches) < len(PLACES)


@pytest.mark.parametrize("radius", [None, 5])
def test_a_broad_text_read_nearest_first_is_checked_on_each_row_with_the_same_answer(
    client, many, monkeypatch, radius
):
    around = {"q": "assistenza", "lat": MELEGNANO.y, "lon": MELEGNANO.x}
    if radius:
        around["raggio_km"] = radius
    monkeypatch.setattr(postgres, "TEXT_PER_ROW_NEAR_FROM", 10**9)  # a narrow text
    indexed, statements = _texts_and_plans(client, around)
    nearest = [sql for sql in statements if "<->" in sql]
    assert nearest and all("strip(d.vettore) @@" in sql for sql in nearest)
    monkeypatch.setattr(postgres, "TEXT_PER_ROW_NEAR_FROM", 0)  # a broad one
    per_row, statements = _texts_and_plans(client, around)
    nearest = [sql for sql in statements if "<->" in sql]
    assert nearest and all(") IS TRUE" in sql and "strip(" not in sql for sql in nearest)
    assert per_row == indexed


@pytest.mark.parametrize("raggio_km", [2, 13, 30])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "assistenza"},
        {"q": "assistenza", "gratuito": "true"},
        {"q": "servizio", "tipo_ente": "impresa", "lingua": "en"},
        {"q": "assistenza", "per_pagina": 2, "pagina": 3},
        {"q": "assistenza", "ordinamento": "distanza"},
    ],
)
def test_the_matches_within_a_radius_read_from_the_indexes_are_those_met_walking(
    client, varied, monkeypatch, raggio_km, params
):
    around = {"lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": raggio_km, **params}
    monkeypatch.setattr(postgres, "_circle_through_indexes", lambda *args: False)
    walked, walked_sql = _texts_and_plans(client, around)
    monkeypatch.setattr(postgres, "_circle_through_indexes", lambda *args: True)
    read, read_sql = _texts_and_plans(client, around)
    assert read == walked
    assert walked["count"] > 0 or raggio_km == 2
    by_relevance = params.get("ordinamento") != "distanza"
    assert any("<->" in sql for sql in walked_sql)
    assert any("<->" in sql for sql in read_sql) != by_relevance
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 2)
    monkeypatch.setattr(postgres, "COUNT_CAP", 2)
    capped_read = client.get("/api/v1/cerca/", around).json()
    monkeypatch.setattr(postgres, "_circle_through_indexes", lambda *args: False)
    assert capped_read == client.get("/api/v1/cerca/", around).json()


@pytest.mark.parametrize("raggio_km", [2, 30])
def test_the_matches_within_a_radius_are_read_in_one_scan_of_the_texts_index_with_the_tiles(
    client, varied, monkeypatch, raggio_km
):
    around = {"q": "servizio", "gratuito": "true", "lat": MELEGNANO.y, "lon": MELEGNANO.x}
    monkeypatch.setattr(postgres, "_circle_through_indexes", lambda *args: True)
    _body, statements = _texts_and_plans(client, {**around, "raggio_km": raggio_km})
    (statement,) = [sql for sql in statements if "::int8[]" in sql]
    # The circle itself is checked on the rows the scan gives: its GiST index, which
    # would give a bitmap of every place within the radius, is out of the plan.
    assert re.search(r"\(ST_DWithin\(.*?, false\)\) IS TRUE", statement)
    _assert_one_scan(statement, "search_doc_testo_insiemi", "cella_x >> 2")


def test_a_rare_match_within_a_large_circle_is_read_from_the_indexes(monkeypatch):
    """The figures of "asilo" within 10 km of the Duomo at a million services: 38,000
    matches in 900,000 rows, 124,000 places in the circle."""
    monkeypatch.setattr(postgres, "_table_rows", lambda: 900_000.0)
    monkeypatch.setattr(postgres, "_places_in_circle", lambda query: 124_000.0)

    def density(planned, sampled=None):
        monkeypatch.setattr(postgres, "_densities", lambda *args: (planned, planned))
        share = planned if sampled is None else sampled
        monkeypatch.setattr(postgres, "_sampled_density", lambda *args: share)

    query = _query(q="asilo", gratuito="true", lat=DUOMO.y, lon=DUOMO.x, raggio_km=10)
    density(38_000 / 900_000 * 0.28)  # free ones: 86,000 rows walked for 1,001
    assert postgres._circle_through_indexes(query, 38_000.0)
    density(38_000 / 900_000 * 0.1)  # in English
    assert postgres._circle_through_indexes(query, 38_000.0)
    # Services for children, nearly every match of "asilo": one in six for the planner.
    # Read through the index, 37 ms; walked, 43.
    density(38_000 / 900_000 / 6, sampled=38_000 / 900_000)
    assert postgres._circle_through_indexes(query, 38_000.0)
    # A word of 60,000 rows among a category that holds them all: the planner's share
    # would read the circle's 8,300 matches through the index, the sample's walks 15,000.
    density(60_000 / 900_000 / 6, sampled=60_000 / 900_000)
    assert not postgres._circle_through_indexes(query, 60_000.0)
    query = _query(q="assistenza", lat=DUOMO.y, lon=DUOMO.x, raggio_km=10)
    density(170_000 / 900_000)  # "assistenza": 5,300 rows walked
    assert not postgres._circle_through_indexes(query, 170_000.0)


def test_a_title_match_outranks_a_nearer_description_match_until_distance_says_otherwise(
    client, many
):
    """Text rank saturates at a perfect title match, then decays by half every 5 km."""
    body = client.get(
        "/api/v1/cerca/", {"q": "assistenza", "lat": MELEGNANO.y, "lon": MELEGNANO.x}
    ).json()
    scores = [hit["score"] for hit in body["results"]]
    assert scores == sorted(scores, reverse=True)
    first = body["results"][0]
    assert first["titolo"].startswith("Assistenza domiciliare")


def test_counts_within_a_radius_are_read_with_the_nearest_matches(client, many, monkeypatch):
    around = {"q": "assistenza", "lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": 5}
    with connection.cursor() as cursor:  # every row, the plain way
        cursor.execute(
            "SELECT count(*) FROM search_documento WHERE ST_DWithin(punto::geography, "
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, 5000, false)",
            [MELEGNANO.x, MELEGNANO.y],
        )
        (expected,) = cursor.fetchone()
    assert 3 < expected < len(PLACES)
    body = client.get("/api/v1/cerca/", around).json()
    assert (body["count"], body["count_esatto"]) == (expected, True)
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    capped = client.get("/api/v1/cerca/", around).json()
    assert (capped["count"], capped["count_esatto"]) == (3, False)


def test_facets_beyond_the_cap_are_estimates_from_the_sample_buckets(client, catalogo, monkeypatch):
    exact = client.get("/api/v1/cerca/").json()
    assert exact["facette_esatte"] is True and exact["count_stimato"] is None
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 2)
    monkeypatch.setattr(postgres, "COUNT_CAP", 2)
    estimated = client.get("/api/v1/cerca/").json()
    assert estimated["count_esatto"] is False and estimated["facette_esatte"] is False
    # Six objects in all: the buckets grow until the sample is big enough, here all 64.
    assert estimated["count_stimato"] == exact["count"]
    assert estimated["facets"] == exact["facets"]


@pytest.mark.parametrize(
    "params",
    [
        {"categoria": "anziani"},
        {"gratuito": "true", "tipo_ente": "terzo_settore"},
        {"accessibile": "true", "destinatari": "minori", "lingua": "en"},
        {"bbox": "9,45,10,46", "tipo": "servizio", "aperto_il": "2026-12-07T10:00"},
        {"bbox": "9,45,10,46", "tipo": "servizio", "aperto_giorno": "2026-12-07"},
    ],
)
def test_the_first_sample_of_a_search_without_text_is_read_from_its_index_alone(
    client, catalogo, monkeypatch, django_assert_max_num_queries, params
):
    """Every column a search without text filters on or counts is in the first bucket's
    covering index (migration 0010): a filter on a column left out would read the table."""
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 0)
    monkeypatch.setattr(postgres, "COUNT_CAP", 0)
    with django_assert_max_num_queries(50) as captured:
        assert client.get("/api/v1/cerca/", params).status_code == 200
    first_sample = next(
        q["sql"] for q in captured.captured_queries if "campione::integer < 1" in q["sql"]
    )
    # The covering index is made the only way to the rows, and it is read alone if it
    # holds every column the statement needs. (With the others, the plan of this tiny
    # table depends on how many pages earlier tests' rolled-back rows left in it.)
    plan = _explain(
        first_sample, drop=_indexes_but("search_doc_campione_c1"), off=["seqscan", "bitmapscan"]
    )
    assert "Index Only Scan using search_doc_campione_c1" in plan, plan


@pytest.mark.parametrize(
    ("buckets", "sampled", "then"),
    [
        (1, 333, 4),  # nearly enough: four times as many will do
        (1, 42, 4),  # four times as many would be half what is needed, or more
        (1, 41, 16),  # four times as many would clearly be too few
        (1, 0, 16),
        (4, 10, 16),  # never every bucket at a leap: that is reading every match
        (16, 0, 64),
    ],
)
def test_a_sample_too_small_grows_by_what_its_buckets_held(buckets, sampled, then):
    assert postgres.FACET_SAMPLE_ROWS == 1000  # enough: 334 objects
    assert postgres._more_buckets(buckets, sampled) == then


@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({"lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": 50}, "search_doc_geografia_c16"),
        ({"bbox": "9,45,10,46"}, "search_doc_punto_c16"),
    ],
)
def test_the_places_of_the_sample_buckets_in_an_area_have_their_own_index(
    client, catalogo, monkeypatch, django_assert_max_num_queries, params, index
):
    """Migration 0022: the sampled facets of an area without text can read the area's
    places of the sample buckets alone (the index's predicate holds for the statement)."""
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 0)
    monkeypatch.setattr(postgres, "COUNT_CAP", 0)
    with django_assert_max_num_queries(50) as captured:
        assert client.get("/api/v1/cerca/", params).status_code == 200
    sampled = [q["sql"] for q in captured.captured_queries if "campione::integer < " in q["sql"]]
    # The first bucket holds none of the few objects here: then sixteen are read.
    sixteen = next(sql for sql in sampled if "campione::integer < 16" in sql)
    plan = _explain(sixteen, drop=_indexes_but(index), off=["seqscan"])
    assert index in plan, plan


@pytest.mark.parametrize(
    "filtri", [{}, {"categoria": "anziani"}, {"gratuito": "true"}, {"tipo_ente": "impresa"}]
)
@pytest.mark.parametrize("raggio_km", [2, 30])
def test_the_most_recent_within_a_radius_holding_many_places_are_walked_by_date(
    client, varied, monkeypatch, filtri, raggio_km
):
    """Where the circle holds more than VIEW_READ_FIRST_PLACES places (the map cells
    count them), the radius is checked on the rows met walking by date; else the
    circle's rows are read and sorted. The same page either way."""
    params = {"lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": raggio_km}
    params |= {"ordinamento": "aggiornamento", "per_pagina": 3, **filtri}
    read, read_sql = _texts_and_plans(client, params)
    monkeypatch.setattr(postgres, "VIEW_READ_FIRST_PLACES", 0)  # every circle is big
    walked, walked_sql = _texts_and_plans(client, params)
    assert walked == read
    assert walked["results"] or filtri
    per_row = ", false)) IS TRUE"  # ST_DWithin(...) checked on each row
    assert not any(per_row in sql for sql in read_sql)
    assert any(per_row in sql and "ORDER BY d.aggiornato_il DESC" in sql for sql in walked_sql)


def test_a_circle_holding_many_places_is_counted_from_the_sample_when_surely_over_the_cap(
    client, varied, monkeypatch
):
    params = {"lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": 30, "facette": "false"}
    params["ordinamento"] = "aggiornamento"
    counted = client.get("/api/v1/cerca/", params).json()
    assert (counted["count"], counted["count_esatto"]) == (13, True)
    _over_the_cap(monkeypatch)
    body, statements = _texts_and_plans(client, params)
    sampled = "AS n FROM (SELECT d.tipo, d.oggetto_id FROM search_documento d"
    assert any(sampled in sql and "d.campione::integer < 1" in sql for sql in statements)
    assert not any("SELECT count(*) AS n FROM (SELECT 1 FROM" in sql for sql in statements)
    assert (body["count"], body["count_esatto"]) == (1000, False)
    assert body["results"] == counted["results"]


def test_the_points_of_a_small_view_are_its_first_by_id_read_from_the_view(
    client, many, monkeypatch
):
    """At a zoom that shows places, a view of few places (as the map cells count them)
    is read whole and its first places by id kept, where the ids would be walked."""
    params = {"bbox": "9.1,45.2,9.5,45.5", "zoom": 16}
    monkeypatch.setattr(postgres, "MAX_POINTS", 5)
    monkeypatch.setattr(postgres, "VIEW_READ_FIRST_PLACES", -1)  # no view is small
    with CaptureQueriesContext(connection) as walked_sql:
        walked = client.get("/api/v1/cerca/mappa/", params).json()["points"]
    monkeypatch.setattr(postgres, "VIEW_READ_FIRST_PLACES", 10**9)  # every view is
    with CaptureQueriesContext(connection) as read_sql:
        read = client.get("/api/v1/cerca/mappa/", params).json()["points"]
    assert len(read) == 5 and read == walked
    points = [q["sql"] for q in read_sql.captured_queries if "ORDER BY row_id LIMIT" in q["sql"]]
    assert len(points) == 1 and "OFFSET 0" in points[0]
    assert not any("OFFSET 0" in q["sql"] for q in walked_sql.captured_queries)


def _explain(statement: str, *, drop: list[str], off: list[str]) -> str:
    """The plan of `statement` without the indexes `drop` and with the scans `off` made
    dear: the table is tiny and not vacuumed here, so the planner is shown the way to
    the rows that a million of them would take. Rolled back with the test."""
    with connection.cursor() as cursor:
        for name in drop:
            cursor.execute(f"DROP INDEX {name}")
        for scan in off:
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute("EXPLAIN " + statement)
        return "\n".join(row[0] for row in cursor.fetchall())


def _indexes_but(index: str) -> list[str]:
    """The indexes of the search rows but `index` (and the primary key)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'search_documento' "
            "AND indexname NOT IN ('search_documento_pkey', %s)",
            [index],
        )
        return [name for (name,) in cursor.fetchall()]


def _plan_of_the_map(client, django_assert_max_num_queries, params, index) -> tuple[str, str]:
    """The statement that groups a map's points live, and its plan when the table can
    be read only through `index` or sequentially."""
    with django_assert_max_num_queries(10) as captured:
        assert client.get("/api/v1/cerca/mappa/", params).status_code == 200
    grouping = next(q["sql"] for q in captured.captured_queries if "GROUP BY d.cella_x" in q["sql"])
    return grouping, _explain(grouping, drop=_indexes_but(index), off=["seqscan"])


REGION = "8.49,44.67,11.43,46.64"  # Lombardy's map at zoom 9: 5.8 square degrees


@pytest.mark.parametrize(
    "filters, index",
    [
        ({"categoria": "anziani", "lingua": "en"}, "search_doc_categorie"),
        ({"categoria": "anziani", "lingua": "en"}, "search_doc_lingue"),
        ({"categoria": "anziani", "destinatari": "disabili"}, "search_doc_destinatari"),
        ({"destinatari": "anziani", "lingua": "en"}, "search_doc_destinatari"),
        ({"destinatari": "anziani", "lingua": "en"}, "search_doc_lingue"),
    ],
)
def test_a_wide_map_of_two_filters_with_sets_can_read_each_through_its_index(
    client, catalogo, django_assert_max_num_queries, filters, index
):
    """The map cells hold one such filter at a time: two are grouped live, and each has
    a GIN index that finds its rows, so that the planner can take the few rows both give
    (at a million services, "anziani" in English over the region: 450 ms by the rows of
    the view, 93 ms by the two indexes)."""
    params = {"bbox": REGION, "zoom": 9, **filters}
    grouping, plan = _plan_of_the_map(client, django_assert_max_num_queries, params, index)
    assert "IS TRUE" not in grouping
    assert f"Bitmap Index Scan on {index}" in plan, plan


SMALL_VIEW = {"bbox": "9.15,45.44,9.23,45.49", "zoom": 11, "categoria": "anziani", "lingua": "en"}


def test_a_small_view_checks_the_category_on_its_own_rows(
    client, catalogo, django_assert_max_num_queries
):
    """A view of few places (at most VIEW_READ_FIRST_PLACES, as the map cells count
    them) checks the category on each: its index (150,000 rows for "anziani" at a
    million services) is kept out of the plan."""
    grouping, plan = _plan_of_the_map(
        client, django_assert_max_num_queries, SMALL_VIEW, "search_doc_categorie"
    )
    assert "IS TRUE" in grouping
    assert "search_doc_categorie" not in plan, plan


def test_a_map_of_a_view_with_many_places_can_read_the_category_through_its_index(
    client, catalogo, django_assert_max_num_queries, monkeypatch
):
    """Below a square degree too: grouping every place of Milan's metropolitan area
    (426,000 at a million services) to find those of a category took 350 ms, its index
    156. A page of the list, by date, still checks the category on the rows it walks."""
    nursery = {"bbox": "9.25,45.34,9.36,45.42", "zoom": 11, "categoria": "infanzia", "lingua": "en"}
    clusters = _clusters(client, **nursery)
    assert sum(count for count, _c, _b in clusters) == 2  # Melegnano and San Donato
    monkeypatch.setattr(postgres, "VIEW_READ_FIRST_PLACES", 0)  # every view has many
    grouping, plan = _plan_of_the_map(
        client, django_assert_max_num_queries, nursery, "search_doc_categorie"
    )
    assert "IS TRUE" not in grouping
    assert "search_doc_categorie" in plan, plan
    assert _clusters(client, **nursery) == clusters
    listed = {key: value for key, value in nursery.items() if key != "zoom"}
    _body, statements = _texts_and_plans(client, listed)
    assert any("categorie && " in sql and ") IS TRUE" in sql for sql in statements)


def test_a_map_answered_by_its_cells_does_not_count_the_places_of_its_view(client, catalogo):
    """Only a map grouped from its rows asks how many places its view holds."""
    one_category = {"bbox": "9.25,45.34,9.36,45.42", "zoom": 11, "categoria": "infanzia"}
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/cerca/mappa/", one_category).status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert any("FROM search_cella WHERE tipo = ANY" in sql for sql in statements)
    assert not any("coalesce(sum(n), 0) AS n FROM search_cella" in sql for sql in statements)


def test_every_object_has_one_sample_bucket_on_all_its_rows(catalogo):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT campione) FROM search_documento "
            "GROUP BY tipo, oggetto_id HAVING count(*) > 1"
        )
        assert {row[0] for row in cursor.fetchall()} == {1}  # the nursery's two places


def _clusters(client, **params):
    body = client.get("/api/v1/cerca/mappa/", params).json()
    return sorted((c["count"], c["centro"], c["bounds"]) for c in body["clusters"])


@pytest.mark.parametrize("zoom", [5, 9, 11, 13])
def test_map_cells_roll_up_as_grouping_the_points_would(client, many, monkeypatch, zoom):
    area = {"bbox": "8.5,44.7,11.4,46.6", "zoom": zoom}
    from_cells = _clusters(client, **area)
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    from_points = _clusters(client, **area)
    assert from_cells == from_points
    assert sum(count for count, _c, _b in from_cells) == len(PLACES)


@pytest.fixture
def two_categories(many, django_capture_on_commit_callbacks):
    """The first of every three services of `many` also looks after children."""
    nido = categorie("infanzia.nido")
    with django_capture_on_commit_callbacks(execute=True):
        for servizio in Servizio.objects.filter(titolo__startswith="Assistenza domiciliare"):
            servizio_update(servizio=servizio, categorie=[*servizio.categorie.all(), *nido])


@pytest.mark.parametrize("zoom", [5, 9, 13])
@pytest.mark.parametrize(
    "categoria, places",
    [
        ("anziani.assistenza-domiciliare", len(PLACES)),
        ("anziani", len(PLACES)),  # the parent: its subcategories' places
        ("infanzia.nido", 7),
        ("infanzia", 7),
        ("disabilita", 0),
        # Several: the places in more than one taken back from their rows.
        ("anziani,infanzia", len(PLACES)),
        ("infanzia.nido,anziani.assistenza-domiciliare", len(PLACES)),
        ("infanzia,disabilita", 7),
        ("disabilita,infanzia.nido,anziani,infanzia", len(PLACES)),
        ("anziani.assistenza-domiciliare,anziani", len(PLACES)),  # the parent alone
    ],
)
def test_a_category_map_from_the_cells_is_grouping_its_points(
    client, two_categories, monkeypatch, zoom, categoria, places
):
    area = {"bbox": "8.5,44.7,11.4,46.6", "zoom": zoom, "categoria": categoria}
    from_cells = _clusters(client, **area)
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    from_points = _clusters(client, **area)
    assert from_cells == from_points
    assert sum(count for count, _c, _b in from_cells) == places


@pytest.mark.parametrize("zoom", [5, 9, 13])
@pytest.mark.parametrize(
    "filtri, places",
    [
        ({"gratuito": "true"}, 10),
        ({"gratuito": "false"}, 11),
        ({"accessibile": "true"}, 6),
        ({"accessibile": "false"}, 15),
        ({"tipo_ente": "pubblico"}, 7),
        ({"tipo_ente": "impresa"}, 7),
        ({"destinatari": "anziani"}, 14),
        ({"destinatari": "minori"}, 7),
        ({"lingua": "en"}, 10),
        ({"lingua": "ar"}, 5),
        ({"lingua": "de"}, 0),
        # All places or a category with more of cost, access, provider kind: split cells.
        ({"gratuito": "true", "accessibile": "false"}, 10),
        ({"gratuito": "false", "tipo_ente": "impresa"}, 4),
        ({"accessibile": "true", "tipo_ente": "pubblico", "gratuito": "false"}, 2),
        ({"categoria": "anziani", "gratuito": "true"}, 10),
        ({"categoria": "anziani.assistenza-domiciliare", "tipo_ente": "terzo_settore"}, 7),
        ({"categoria": "infanzia", "accessibile": "true"}, 0),
        ({"categoria": "anziani,infanzia", "gratuito": "true"}, 10),
    ],
)
def test_a_map_filtered_from_the_cells_is_grouping_its_points(
    client, varied, monkeypatch, zoom, filtri, places
):
    area = {"bbox": "8.5,44.7,11.4,46.6", "zoom": zoom, **filtri}
    from_cells = _clusters(client, **area)
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    from_points = _clusters(client, **area)
    assert from_cells == from_points
    assert sum(count for count, _c, _b in from_cells) == places


@pytest.mark.parametrize("zoom", [9, 13])
@pytest.mark.parametrize("raggio_km", [0.3, 2, 13, 29, 33])
@pytest.mark.parametrize(
    "filtri",
    [{}, {"gratuito": "true"}, {"categoria": "anziani", "tipo_ente": "pubblico"}, {"lingua": "en"}],
)
def test_a_map_within_a_radius_from_the_cells_is_grouping_its_points(
    client, varied, monkeypatch, zoom, raggio_km, filtri
):
    """The cells wholly inside the circle, and the rows of those on its edge (nine
    places within 600 m of Melegnano, twelve 29 to 51 km away)."""
    around = {"lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": raggio_km}
    area = {"bbox": "8.5,44.7,11.4,46.6", "zoom": zoom, **around, **filtri}
    from_cells = _clusters(client, **area)
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    assert from_cells == _clusters(client, **area)
    if not filtri:
        places = sum(count for count, _c, _b in from_cells)
        assert places == {0.3: 1, 2: 9, 13: 9, 29: 13, 33: 17}[raggio_km]


@pytest.mark.parametrize("raggio_km", [0.5, 2, 29])
def test_a_map_of_several_categories_within_a_radius_is_grouping_its_points(
    client, two_categories, monkeypatch, raggio_km
):
    """The places in both categories are taken back in the cells inside the circle; the
    rows on its edge are grouped as they are."""
    around = {"lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": raggio_km}
    area = {"bbox": "8.5,44.7,11.4,46.6", "zoom": 13, **around}
    area["categoria"] = "infanzia.nido,anziani"
    from_cells = _clusters(client, **area)
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    assert from_cells == _clusters(client, **area)
    assert sum(count for count, _c, _b in from_cells) == {0.5: 5, 2: 9, 29: 13}[raggio_km]


TEXT_FILTERS = [
    {"q": "servizio"},
    {"q": "servizio", "gratuito": "true"},
    {"q": "servizio", "gratuito": "false", "accessibile": "true"},
    {"q": "servizio", "tipo_ente": "impresa", "lingua": "en"},
    {"q": "servizio", "tipo_ente": "pubblico", "accessibile": "false", "tipo": "servizio"},
]


@pytest.mark.parametrize("zoom", [9, 13, 16])
@pytest.mark.parametrize("raggio_km", [None, 2, 13, 33])
@pytest.mark.parametrize("filtri", TEXT_FILTERS)
def test_a_map_of_a_text_through_the_keys_of_its_index_is_that_of_the_bitmaps(
    client, varied, monkeypatch, zoom, raggio_km, filtri
):
    """The circle's tiles and the filters' values found in the text's index (ROW_KEYS)
    give the clusters and points that the bitmaps and the rows' own columns give."""
    around = {"lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": raggio_km}
    area = {"bbox": "8.5,44.7,11.4,46.6", "zoom": zoom, **filtri}
    if raggio_km:
        area.update(around)
    monkeypatch.setattr(postgres, "_radius_by_tiles", lambda query: True)
    with CaptureQueriesContext(connection) as captured:
        keyed = client.get("/api/v1/cerca/mappa/", area).json()
    keys = len(filtri) > 1 or raggio_km
    assert any("::int8[]" in q["sql"] for q in captured.captured_queries) == bool(keys)
    monkeypatch.setattr(postgres, "_radius_by_tiles", lambda query: False)
    monkeypatch.setattr(postgres._Sql, "_keyed", lambda self: False)
    with CaptureQueriesContext(connection) as captured:
        assert keyed == client.get("/api/v1/cerca/mappa/", area).json()
    assert not any("::int8[]" in q["sql"] for q in captured.captured_queries)
    if raggio_km != 2:
        assert keyed["clusters"] or keyed["points"]


@pytest.mark.parametrize("zoom", [9, 16])
@pytest.mark.parametrize(
    "hours",
    [
        {"aperto_giorno": "2026-12-20"},
        {"aperto_il": "2026-12-21T19:00:00+01:00"},
        {"aperto_parte": "sera"},
        {"aperto_giorno": "2026-12-20", "raggio_km": 13},
    ],
)
def test_a_map_of_a_text_open_through_the_keys_of_the_hours_is_that_of_checking_each(
    client, varied, monkeypatch, django_capture_on_commit_callbacks, zoom, hours
):
    """A text's places open at the hours asked, grouped from the rows the keys of the
    hours give (OPEN_KEYS), are those of checking the hours on every match."""
    sunday = date(2026, 12, 20)
    weeks = ["dom 10:00-12:00", "lun-ven 18:30-20:00", "sab 09:00-12:00"]
    with django_capture_on_commit_callbacks(execute=True):
        for number, servizio in enumerate(Servizio.objects.order_by("pk")):
            exceptions = (
                [orari.Eccezione(sunday, sunday, False, time(17), time(19))]
                if number % 5 == 2
                else []
            )
            servizio_update(
                servizio=servizio,
                fasce=orari.parse_orario(weeks[number % 3]),
                eccezioni=exceptions,
            )
    area = {"q": "servizio", "bbox": "8.5,44.7,11.4,46.6", "zoom": zoom, **hours}
    if "raggio_km" in hours:
        area.update(lat=MELEGNANO.y, lon=MELEGNANO.x)

    def mapped(share: float) -> tuple[dict, bool]:
        monkeypatch.setattr(postgres, "_keyed_open_share", lambda query: share)
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/cerca/mappa/", area).json()
        statements = [q["sql"] for q in captured.captured_queries]
        return body, any(_asks_open_keys(sql, hours) for sql in statements)

    keyed, with_keys = mapped(0.0)
    checked, without_keys = mapped(1.0)
    assert with_keys and not without_keys
    assert keyed == checked and (keyed["clusters"] or keyed["points"])


def _asks_open_keys(statement: str, hours: dict) -> bool:
    """Whether the statement asks the keys of the hours `hours` (request parameters)."""
    asked = {name: value for name, value in hours.items() if name.startswith("aperto_")}
    return str(postgres.open_keys(_query(**asked))[0]) in statement


def test_a_rows_keys_are_its_tiles_and_its_filters_values(varied):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {postgres.ROW_KEYS.format(a='d')}, d.cella_x, d.cella_y, d.gratuito, "
            "d.accessibile, d.tipo_ente, d.comune_id FROM search_documento d "
            "WHERE d.tipo = 'servizio'"
        )
        rows = cursor.fetchall()
    assert len(rows) == len(PLACES)
    assert {row[3] for row in rows} == {True, False} and len({row[5] for row in rows}) == 3
    for keys, x, y, free, accessible, kind, comune in rows:
        # Then the keys of its opening hours (tests/search/test_open_at.py).
        assert keys[:6] == [
            *(tile_key(x, y, shift) for shift in TILE_SHIFTS),
            postgres.filter_key("gratuito", free),
            postgres.filter_key("accessibile", accessible),
            postgres.filter_key("tipo_ente", kind),
            *postgres.province_keys((comune,)),
        ]
        assert all(key >> 56 == 9 for key in keys[6:])
    tiles = {key for row in rows for key in row[0][:2]}
    values = {key for row in rows for key in row[0][2:5]}
    provinces = {key for row in rows for key in row[0][5:]}
    assert len(values) == 2 + 2 + 3 and len(provinces) > 1
    assert not tiles & values and not (tiles | values) & provinces


def test_the_keys_of_several_comuni_are_their_provinces():
    milano, bergamo, lodi = "015146", "016024", "098031"
    assert postgres.province_keys((milano, bergamo, lodi)) == [
        (8 << 56) + 15,
        (8 << 56) + 16,
        (8 << 56) + 98,
    ]
    assert postgres.province_keys(("015146", "015140", "-")) == [(8 << 56) + 15]


@pytest.mark.parametrize("filtri", TEXT_FILTERS[1:])
def test_a_texts_filters_with_keys_are_read_in_the_same_scan_as_the_text(
    client, varied, monkeypatch, filtri
):
    area = {"bbox": "8.5,44.7,11.4,46.6", "zoom": 9, **filtri}
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/cerca/mappa/", area)
    (statement,) = [q["sql"] for q in captured.captured_queries if "::int8[]" in q["sql"]]
    assert "gratuito =" not in statement and "tipo_ente =" not in statement
    assert "accessibile =" not in statement
    _assert_one_scan(statement, "search_doc_testo_insiemi", "@>")


def test_a_map_of_a_text_takes_the_tiles_unless_they_cost_more_than_the_bitmaps(monkeypatch):
    """At a million services around the Duomo: the map of "asilo" within 10 km, 37 ms
    with the bitmaps, 20 with the tiles; "servizio" (494,000 rows) for free within
    100 km, 467 and 670 ms."""
    monkeypatch.setattr(postgres, "_places_in_circle", lambda query: 164_000.0)
    monkeypatch.setattr(postgres, "_estimated_matches", lambda tsquery: 38_000.0)
    assert postgres._radius_by_tiles(_query(q="asilo", lat=DUOMO.y, lon=DUOMO.x, raggio_km=10))
    monkeypatch.setattr(postgres, "_places_in_circle", lambda query: 900_000.0)
    monkeypatch.setattr(postgres, "_estimated_matches", lambda tsquery: 494_000.0)
    query = _query(q="servizio", gratuito="true", lat=DUOMO.y, lon=DUOMO.x, raggio_km=100)
    assert not postgres._radius_by_tiles(query)
    assert not postgres._radius_by_tiles(_query(q="servizio", lat=DUOMO.y, lon=DUOMO.x))


def test_a_map_within_a_radius_reads_the_cells_inside_and_the_rows_on_the_edge(client, varied):
    around = {"lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": 20}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            "/api/v1/cerca/mappa/", {"bbox": "8.5,44.7,11.4,46.6", "zoom": 9, **around}
        )
    assert response.status_code == 200
    (statement,) = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    assert "FROM search_cella WHERE" in statement
    assert "AS bordo(x, y0, y1)" in statement


def test_a_map_within_a_radius_counts_the_agreements_in_force_from_their_rows(
    client, rete_sud_est, monkeypatch
):
    for raggio_km in (1, 5, 30):
        area = {"bbox": "9.0,45.2,9.6,45.6", "zoom": 9, "raggio_km": raggio_km}
        area |= {"lat": SAN_DONATO.y, "lon": SAN_DONATO.x}
        for tipo in ("servizio,pit,convenzione", "convenzione"):
            from_cells = _clusters(client, **area, tipo=tipo)
            with monkeypatch.context() as patched:
                patched.setattr(postgres, "cells_filter", lambda query: None)
                assert from_cells == _clusters(client, **area, tipo=tipo), (raggio_km, tipo)


def test_the_cells_answer_the_area_one_filter_value_or_a_category_with_more_flags():
    key = postgres.CellsKey
    area = {"bbox": "9,45,10,46"}
    # Nothing but the area, or a single value: the cells of all the places passing it.
    assert postgres.cells_filter(_query(**area)) == key()
    assert postgres.cells_filter(_query(**area, categoria="anziani")) == key("anziani")
    assert postgres.cells_filter(_query(**area, gratuito="true")) == key("gratuito=true")
    assert postgres.cells_filter(_query(**area, gratuito="false")) == key("gratuito=false")
    assert postgres.cells_filter(_query(**area, accessibile="true")) == key("accessibile=true")
    assert postgres.cells_filter(_query(**area, tipo_ente="pubblico")) == key("tipo_ente=pubblico")
    assert postgres.cells_filter(_query(**area, destinatari="minori")) == key("destinatari=minori")
    assert postgres.cells_filter(_query(**area, lingua="en")) == key("lingua=en")
    # All places or a category, with cost, access or provider kind: the split cells.
    assert postgres.cells_filter(_query(**area, categoria="anziani", gratuito="true")) == key(
        "anziani", (("gratuito", True),)
    )
    assert postgres.cells_filter(
        _query(**area, gratuito="false", accessibile="true", tipo_ente="impresa")
    ) == key("", (("gratuito", False), ("accessibile", True), ("tipo_ente", "impresa")))
    # Two values of the filters with sets, people or a language with cost, access or
    # provider kind (not split), or what the cells do not hold: grouped.
    assert postgres.cells_filter(_query(**area, lingua="en", accessibile="false")) is None
    assert postgres.cells_filter(_query(**area, destinatari="minori", gratuito="true")) is None
    assert postgres.cells_filter(_query(**area, categoria="anziani,infanzia")) == key(
        "anziani", altre=("infanzia",)
    )
    assert postgres.cells_filter(
        _query(**area, categoria="anziani.rsa,infanzia,anziani,disabilita", gratuito="true")
    ) == key("infanzia", (("gratuito", True),), altre=("anziani", "disabilita"))
    assert postgres.cells_filter(_query(**area, categoria="anziani.rsa,anziani")) == key("anziani")
    five = "anziani,infanzia,disabilita,formazione,salute"
    assert postgres.cells_filter(_query(**area, categoria=five)) is None
    assert postgres.cells_filter(_query(**area, categoria="anziani,infanzia", lingua="en")) is None
    assert postgres.cells_filter(_query(**area, categoria="anziani", lingua="en")) is None
    assert postgres.cells_filter(_query(**area, destinatari="minori", lingua="en")) is None
    assert postgres.cells_filter(_query(**area, q="nido")) is None
    assert postgres.cells_filter(_query(**area, aperto_ora="true", lingua="en")) is None
    assert postgres.cells_filter(_query(**area, comune="015146")) is None
    assert postgres.cells_filter(_query(categoria="anziani")) is None  # no area


def test_a_cells_key_reads_the_rows_of_all_places_or_the_split_rows_it_keeps():
    assert postgres.CellsKey("anziani").condition() == ("gratuito IS NULL", [])
    assert postgres.CellsKey("gratuito=true").condition() == ("gratuito IS NULL", [])
    split = (("gratuito", False), ("tipo_ente", "impresa"))
    assert postgres.CellsKey("", split).condition() == (
        "gratuito IS NOT NULL AND gratuito = %s AND tipo_ente = %s",
        [False, "impresa"],
    )


def test_each_cell_holds_all_its_places_once_and_split_by_cost_access_and_provider(varied):
    def per_cell(**split):
        rows = CellaMappa.objects.filter(filtro="", **split).values_list("cella_x", "cella_y", "n")
        totals: dict = {}
        for x, y, n in rows:
            totals[x, y] = totals.get((x, y), 0) + n
        return totals

    whole = per_cell(gratuito__isnull=True)
    assert sum(whole.values()) == len(PLACES)
    assert per_cell(gratuito__isnull=False) == whole
    split = CellaMappa.objects.filter(gratuito__isnull=False)
    assert not split.filter(accessibile__isnull=True).exists()
    assert not split.filter(tipo_ente__isnull=True).exists()
    assert not split.filter(filtro__contains="=").exists()  # single values: whole only
    assert split.filter(filtro="anziani").exists()


def test_migration_0011_adds_the_split_cells_a_rebuild_writes(varied):
    """Its statements back (the split cells go) and forward, on the cells of a rebuild:
    the same cells again (the sums to 9 decimals: they add the same numbers in another
    order)."""
    migration = import_module("marketplace.migrations.0011_celle_divise")
    rebuilt = all_cells()
    whole = CellaMappa.objects.filter(gratuito__isnull=True).count()
    with connection.cursor() as cursor:
        cursor.execute(migration.DROP_SPLIT_CELLS)
        assert CellaMappa.objects.count() == whole
        cursor.execute(migration.FILL_SPLIT_CELLS)
    assert all_cells() == rebuilt


def _physical_columns() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'search_documento'::regclass "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        )
        return [row[0] for row in cursor.fetchall()]


def _table_state() -> tuple[list, list, list]:
    """The search rows (as JSON, in the order they lie), the table's indexes and its
    constraints."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_jsonb(d)::text FROM search_documento d ORDER BY ctid")
        rows = [json.loads(row[0]) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_documento' "
            "ORDER BY indexname"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'search_documento'::regclass ORDER BY conname"
        )
        return rows, indexes, cursor.fetchall()


def test_migration_0024_writes_the_rows_columns_in_the_order_the_searches_read_them(
    client, catalogo, monkeypatch, django_capture_on_commit_callbacks
):
    """Fixed-width columns first, the text last; rewritten in another order and back,
    the table keeps its rows (in their order), indexes, primary key and answers, and
    new rows get ids after the last."""
    migration = import_module("marketplace.migrations.0024_ordine_colonne")
    assert _physical_columns() == migration.ORDER  # as the migrations leave it
    state, answer = _table_state(), client.get("/api/v1/cerca/", {"q": "asilo"}).json()
    with monkeypatch.context() as patched, connection.cursor() as cursor:
        patched.setattr(migration, "ORDER", migration.ORDER[::-1])
        assert migration._write_in_order(cursor)
        assert _physical_columns() == migration.ORDER
    with connection.cursor() as cursor:
        assert migration._write_in_order(cursor)
        assert not migration._write_in_order(cursor)  # in order already: left alone
    assert _physical_columns() == migration.ORDER
    assert _table_state() == state
    assert client.get("/api/v1/cerca/", {"q": "asilo"}).json() == answer
    last = max(row["id"] for row in state[0])
    with django_capture_on_commit_callbacks(execute=True):
        make_servizio(titolo="Asilo nido Arcobaleno")
    assert DocumentoRicerca.objects.filter(titolo="Asilo nido Arcobaleno").get().id > last
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    assert _physical_columns() == migration.ORDER  # a rebuild keeps the order


def test_every_parameter_of_a_query_is_known_to_the_map_all_cells():
    """A filter added to SearchQuery must be taught to cells_filter (the cells would
    ignore it) and to the first sample bucket's covering index (migration 0010)."""
    from dataclasses import fields

    from marketplace.search.query import SearchQuery

    handled_by_the_cells = {"categorie", "gratuito", "accessibile", "tipo_ente"}
    handled_by_the_cells |= {"destinatari", "lingua", "bbox", "tipi", "aperto_il"}
    handled_by_the_cells |= {"aperto_giorno", "aperto_parte"}
    handled_by_the_cells |= {"punto", "raggio_km"}  # the cells inside, the edge's rows
    grouped_live = {"q", "comuni", "poligono"}
    grouped_live |= {"con_convenzione_per"}
    not_filters = {"q_digitata", "parole_non_trovate", "ordinamento", "pagina", "per_pagina"}
    not_filters |= {"oggi", "luogo_dal_testo", "luogo_come_parole"}  # a place read: `comuni`
    not_filters |= {"aperto_dal_testo"}  # a day read: `aperto_giorno`, or now: `aperto_il`
    not_filters |= {"proposte"}  # said, never searched
    assert {f.name for f in fields(SearchQuery)} == (
        handled_by_the_cells | grouped_live | not_filters
    )


def test_filter_cells_follow_an_edit_of_the_service(
    client, varied, django_capture_on_commit_callbacks
):
    def free_on_the_map():
        clusters = _clusters(client, bbox="8.5,44.7,11.4,46.6", zoom=9, gratuito="true")
        return sum(count for count, _c, _b in clusters)

    assert free_on_the_map() == 10
    servizio = Servizio.objects.get(titolo="Servizio 0")
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=servizio, costo="gratuito")
    assert free_on_the_map() == 11
    for not_free in ({"filtro": "gratuito=false"}, {"filtro": "", "gratuito": False}):
        assert CellaMappa.objects.filter(**not_free).aggregate(Sum("n"))["n__sum"] == 10


def test_category_cells_follow_a_change_of_categories(
    client, many, django_capture_on_commit_callbacks
):
    def on_the_map(categoria):
        clusters = _clusters(client, bbox="8.5,44.7,11.4,46.6", zoom=9, categoria=categoria)
        return sum(count for count, _c, _b in clusters)

    assert (on_the_map("anziani"), on_the_map("infanzia")) == (len(PLACES), 0)
    servizio = Servizio.objects.get(titolo="Servizio 1")
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=servizio, categorie=categorie("infanzia.nido"))
    assert (on_the_map("anziani"), on_the_map("infanzia")) == (len(PLACES) - 1, 1)
    assert CellaMappa.objects.filter(filtro="infanzia.nido", gratuito__isnull=True).count() == 1


def test_map_cells_follow_edits_and_deletions(client, catalogo, django_capture_on_commit_callbacks):
    def total():
        whole = CellaMappa.objects.filter(filtro="", gratuito__isnull=True)
        return sum(whole.values_list("n", flat=True))

    assert total() == 5  # the published services' places
    with django_capture_on_commit_callbacks(execute=True):
        catalogo["lavanderia"].delete()
    assert total() == 4
    with django_capture_on_commit_callbacks(execute=True):
        nuova = make_sede(ente=catalogo["babysitter"].ente, punto=DUOMO, cap="20122")
        catalogo["babysitter"].sedi.add(nuova)
    assert total() == 5
    assert _clusters(client, bbox="9.15,45.44,9.22,45.48", zoom=13)[0][0] == 1


def test_type_ahead_titles_follow_edits(client, catalogo, django_capture_on_commit_callbacks):
    def suggested(q):
        body = client.get("/api/v1/cerca/suggerimenti/", {"q": q}).json()
        return [s["testo"] for s in body["suggerimenti"] if s["tipo"] == "titolo"]

    assert suggested("lavand") == ["Lavanderia e stireria"]
    assert suggested("lavandaria") == ["Lavanderia e stireria"]  # a typo: by trigrams
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=catalogo["lavanderia"], titolo="Stireria espressa")
    assert suggested("lavand") == []
    assert suggested("stir") == ["Stireria espressa"]
    assert not TitoloRicerca.objects.filter(testo="Lavanderia e stireria").exists()


def test_a_full_rebuild_gives_the_same_index_with_the_same_indexes(catalogo):
    def snapshot():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tipo, oggetto_id, sede_id, titolo, campione, cella_x, cella_y "
                "FROM search_documento ORDER BY tipo, oggetto_id, sede_id"
            )
            rows = cursor.fetchall()
            # The recent rows' index is built anew from its date (see the test above).
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'search_documento' AND indexname <> %s ORDER BY indexname",
                [index.RECENT_TEXT_INDEX],
            )
            cells = sorted(CellaMappa.objects.values_list("filtro", "n", "cella_x"))
            return rows, cursor.fetchall(), cells

    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    before = snapshot()
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    assert snapshot() == before
    assert postgres.ranked_index() is True


@pytest.fixture
def cache_on(settings):
    from django.core.cache import cache

    settings.SEARCH_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_answers_are_cached_until_the_index_changes(
    client, catalogo, cache_on, django_capture_on_commit_callbacks
):
    first = client.get("/api/v1/cerca/", {"q": "lavanderia"})
    again = client.get("/api/v1/cerca/", {"q": "lavanderia"})
    assert (first["X-Search-Cache"], again["X-Search-Cache"]) == ("miss", "hit")
    assert first.json() == again.json()
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=catalogo["lavanderia"], titolo="Lavanderia espressa")
    changed = client.get("/api/v1/cerca/", {"q": "lavanderia"})
    assert changed["X-Search-Cache"] == "miss"
    assert titoli(changed.json()) == ["Lavanderia espressa"]


def test_the_cache_key_is_the_whole_question(client, catalogo, cache_on):
    assert client.get("/api/v1/cerca/", {"q": "asilo"})["X-Search-Cache"] == "miss"
    # The same parameters in another order are the same question…
    assert client.get("/api/v1/cerca/?facette=true&q=asilo")["X-Search-Cache"] == "miss"
    assert client.get("/api/v1/cerca/?q=asilo&facette=true")["X-Search-Cache"] == "hit"
    # …another language is another answer (labels, messages).
    english = client.get("/api/v1/cerca/", {"q": "asilo"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english["X-Search-Cache"] == "miss"
    # Bad parameters are refused before the cache is consulted.
    bad = client.get("/api/v1/cerca/", {"lat": "91", "lon": "9"})
    assert bad.status_code == 400 and "X-Search-Cache" not in bad


def test_categories_are_suggested_when_each_typed_word_begins_one_of_theirs(client, catalogo):
    def categories(q):
        body = client.get("/api/v1/cerca/suggerimenti/", {"q": q}).json()
        return [s["codice"] for s in body["suggerimenti"] if s["tipo"] == "categoria"]

    assert "infanzia.nido" in categories("asil")  # "Asilo nido e micronido"
    assert "infanzia.nido" in categories("nido asi")
    assert "infanzia.nido" not in categories("ilo")  # inside a word is not a start
    assert categories("assistenza dom") == ["anziani.assistenza-domiciliare"]


def _plain_or(comuni: list[str]) -> list[int]:
    """The services of some Comuni, most recently updated first, the plain way."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (aggiornato_il, oggetto_id) oggetto_id, aggiornato_il "
            "FROM search_documento WHERE comune_id = ANY(%s) OR comuni_copertura && %s "
            "ORDER BY aggiornato_il DESC, oggetto_id DESC",
            [comuni, comuni],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    "params, comuni",
    [
        ({"comune": "015140"}, ["015140"]),  # Melegnano: a place and a home service
        ({"ambito": "san-donato-milanese"}, None),  # several Comuni
    ],
)
def test_a_comune_is_read_through_its_index_and_answers_as_the_plain_or(
    client, catalogo, monkeypatch, params, comuni
):
    from geo_data.models import Ambito

    comuni = comuni or list(
        Ambito.objects.get(slug=params["ambito"]).comuni.values_list("pk", flat=True)
    )
    expected = _plain_or(comuni)
    body = client.get("/api/v1/cerca/", {**params, "ordinamento": "aggiornamento"}).json()
    assert [hit["id"] for hit in body["results"]] == expected
    assert (body["count"], body["count_esatto"]) == (len(expected), True)
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 1)
    monkeypatch.setattr(postgres, "COUNT_CAP", 1)
    capped = client.get("/api/v1/cerca/", params).json()
    assert (capped["count"], capped["count_esatto"]) == (1, False)


def _page_and_plan(client, django_assert_max_num_queries, params) -> tuple[dict, bool]:
    """The ids of a page with its count and facets, and whether its rows were read
    whole before being ordered (then no other statement counts them)."""
    with django_assert_max_num_queries(20) as captured:
        body = client.get("/api/v1/cerca/", params).json()
    statements = [q["sql"] for q in captured.captured_queries]
    fenced = any("OFFSET 0) d ORDER BY" in sql for sql in statements)
    assert not (fenced and any(sql.startswith("SELECT count(*)") for sql in statements))
    answer = {
        "ids": [hit["id"] for hit in body["results"]],
        "count": (body["count"], body["count_esatto"]),
        "facets": body["facets"],
    }
    return answer, fenced


@pytest.mark.parametrize("filters", [{"categoria": "anziani"}, {"gratuito": "false"}])
@pytest.mark.parametrize("cap", [1000, 3])
def test_a_small_view_with_a_filter_is_read_whole_then_ordered_by_date(
    client, many, monkeypatch, django_assert_max_num_queries, filters, cap
):
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", cap)
    monkeypatch.setattr(postgres, "COUNT_CAP", cap)
    params = {"bbox": "9.0,45.1,9.7,45.7", "per_pagina": 5, **filters}
    read_first, fenced = _page_and_plan(client, django_assert_max_num_queries, params)
    assert fenced and len(read_first["ids"]) == 5
    assert read_first["count"][1] is (cap == 1000)  # exact unless over a lowered cap
    monkeypatch.setattr(postgres, "VIEW_READ_FIRST_PLACES", 0)  # the view is "too big"
    walked, fenced = _page_and_plan(client, django_assert_max_num_queries, params)
    assert not fenced and walked == read_first
    read_first = read_first["ids"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oggetto_id FROM search_documento "
            "WHERE punto && ST_MakeEnvelope(9.0, 45.1, 9.7, 45.7, 4326) "
            "ORDER BY aggiornato_il DESC, id DESC LIMIT 5"
        )
        assert read_first == [row[0] for row in cursor.fetchall()]


def test_a_view_with_no_other_filter_is_walked_by_date(client, many, django_assert_max_num_queries):
    # Every row of the view passes: the first rows by date are the page.
    _answer, fenced = _page_and_plan(
        client, django_assert_max_num_queries, {"bbox": "9.0,45.1,9.7,45.7"}
    )
    assert not fenced


@pytest.fixture
def nurseries(django_capture_on_commit_callbacks):
    """Thirty services with "asilo" in their title, each also k times in its description
    (k = 0 … 29: thirty different ranks), and ten with it in the description only."""
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(40):
            in_title = number < 30
            make_servizio(
                titolo=f"Asilo nido {number}" if in_title else f"Servizio per l'infanzia {number}",
                descrizione=" ".join(["Un asilo."] * (number if in_title else 3)),
            )


def _over_the_cap(monkeypatch) -> None:
    monkeypatch.setattr(postgres, "OVER_CAP_FACTOR", 0)
    monkeypatch.setattr(postgres, "OVER_CAP_SAMPLE_OBJECTS", 0)  # any sample will do


@pytest.mark.parametrize("per_pagina, pagina", [(2, 1), (3, 2), (20, 1), (35, 1)])
def test_a_word_over_the_cap_is_ranked_among_its_title_matches_when_they_fill_the_page(
    client, nurseries, monkeypatch, per_pagina, pagina
):
    """Read from RUM among the rows with the word in their title (`:A`) when they are
    at least the rows the page reads (2 per page: 26 of the 30), else among all (page 2
    of 3: 38 rows; 35 per page: the ten matches elsewhere are on it)."""
    _over_the_cap(monkeypatch)
    params = {"q": "asilo", "per_pagina": per_pagina, "pagina": pagina}
    body, statements = _texts_and_plans(client, params)
    ranked = [sql for sql in statements if "<=>" in sql]
    in_titles = (per_pagina * pagina) * 3 + 20 <= 30
    assert "'asil'':A'::tsquery" in ranked[0]  # the SQL with its parameters quoted
    assert len(ranked) == (1 if in_titles else 2)
    monkeypatch.setattr(postgres, "_title_matches_first", lambda *args: None)
    every_match = client.get("/api/v1/cerca/", params).json()
    assert body["results"] and body == every_match


def test_a_word_in_fewer_titles_than_the_page_needs_is_not_looked_for_in_titles(
    client, nurseries, monkeypatch, django_capture_on_commit_callbacks
):
    """A rebuild counts the rows with each lexeme in their title: where they are fewer
    than the rows the page reads, RUM ranks every match at once, without first reading
    every entry of the lexeme for the few in titles ("sport" at a million services)."""
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    counted = dict(Lessema.objects.values_list("lessema", "righe_con_titolo"))
    assert (counted["asil"], counted["nid"], counted["infanz"]) == (30, 30, 10)
    assert counted["serviz"] == 10 and counted["anzian"] == 0  # a category's name only
    _over_the_cap(monkeypatch)
    params = {"q": "asilo", "per_pagina": 35}
    body, statements = _texts_and_plans(client, params)
    (ranked,) = [sql for sql in statements if "<=>" in sql]
    assert ":A'" not in ranked
    monkeypatch.setattr(postgres, "_title_matches_first", lambda *args: None)
    assert body["results"] and body == client.get("/api/v1/cerca/", params).json()
    monkeypatch.undo()
    _over_the_cap(monkeypatch)
    # Two a page fit among the thirty: read there first.
    _body, statements = _texts_and_plans(client, {"q": "asilo", "per_pagina": 2})
    assert "'asil'':A'::tsquery" in next(sql for sql in statements if "<=>" in sql)
    # A lexeme indexed since the rebuild is not counted: looked for in titles as before.
    with django_capture_on_commit_callbacks(execute=True):
        make_servizio(titolo="Ludoteca comunale", descrizione="Giochi per tutti.")
    assert Lessema.objects.get(lessema="ludotec").righe_con_titolo is None


def test_a_match_in_a_title_outranks_every_match_elsewhere():
    """ts_rank of one lexeme: one position in a title (A) against up to 256 positions
    (a lexeme's most) of weights B, C and D, the heaviest first or after lighter ones
    (the bound of _title_matches_first: at most 0.464, with one lighter position first)."""
    others = ["B" * 256, "C" + "B" * 255, "D" * 3 + "B" * 253, "CB", "DDB", "B"]
    vectors = [",".join(f"{n + 2}{w}" for n, w in enumerate(weights)) for weights in others]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_rank(setweight('asil:1'::tsvector, 'A'), 'asil'::tsquery), "
            "max(ts_rank(('asil:' || v)::tsvector, 'asil'::tsquery)) FROM unnest(%s::text[]) v",
            [vectors],
        )
        in_title, elsewhere = cursor.fetchone()
    assert in_title > 0.6 > 0.47 > elsewhere
