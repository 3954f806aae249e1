"""The search's own statements: rows as dicts; the hits of a page prepared once per
connection (their plan never depends on the values), and still recorded readably."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.search.sql import fetch_dicts

pytestmark = pytest.mark.django_db


def prepared_statements() -> list[dict]:
    return fetch_dicts(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements", []
    )


def test_rows_come_as_dicts_by_column_name_prepared_or_not():
    for prepared in (False, True):
        rows = fetch_dicts(
            "SELECT n, n * %s AS doppio FROM generate_series(1, 3) n", [2], prepared=prepared
        )
        assert rows == [{"n": 1, "doppio": 2}, {"n": 2, "doppio": 4}, {"n": 3, "doppio": 6}]


def test_a_prepared_statement_is_kept_once_per_connection_for_every_value():
    statement = "SELECT count(*) AS n FROM geo_data_comune WHERE codice_istat = ANY(%s)"
    for codes in (["015146"], ["015146", "098031"], ["015146"], ["x"], ["y"], ["z"], ["w"]):
        fetch_dicts(statement, [codes], prepared=True)
    (kept,) = [s for s in prepared_statements() if "geo_data_comune" in s["statement"]]
    # Parsed once, run seven times; PostgreSQL picks the generic plan or one per value.
    assert kept["custom_plans"] + kept["generic_plans"] == 7


def test_unprepared_statements_are_never_kept_on_the_server():
    fetch_dicts("SELECT 41 + %s AS risposta", [1])
    assert not [s for s in prepared_statements() if "risposta" in s["statement"]]


def test_the_record_of_a_prepared_statement_has_its_values_written_in():
    with CaptureQueriesContext(connection) as queries:
        fetch_dicts("SELECT %s::text AS nome, %s::int AS n", ["Sant'Angelo", 7], prepared=True)
    assert queries.captured_queries[-1]["sql"] == "SELECT 'Sant''Angelo'::text AS nome, 7::int AS n"


def test_a_search_prepares_the_hits_of_its_page_only(client, catalogo):
    for params in ({"q": "nido"}, {"lat": 45.35, "lon": 9.27, "ordinamento": "distanza"}):
        response = client.get("/api/v1/cerca/", params)
        assert response.status_code == 200, response.content
        assert response.json()["results"]
    kept = [s["statement"] for s in prepared_statements() if "search_documento" in s["statement"]]
    # One with the snippet of the text, one without; nothing else of the search.
    assert len(kept) == 2
    assert all("d.id = ANY($" in statement and "aperto_ora" in statement for statement in kept)


def test_prepared_statements_can_be_turned_off_for_a_pooler(settings):
    settings.SEARCH_PREPARED_STATEMENTS = False
    fetch_dicts("SELECT 1 AS senza_pooler", [], prepared=True)
    assert not [s for s in prepared_statements() if "senza_pooler" in s["statement"]]
