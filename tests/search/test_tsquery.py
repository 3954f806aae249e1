"""A tsquery's text with its repeated alternatives gone finds the same rows, and ranks
them the same; with the alternatives that others imply gone too, it finds the same rows."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from django.db import connection

from marketplace.search.backends.postgres import text_tsqueries
from marketplace.search.sql import unquoted_lexeme
from marketplace.search.text import SINONIMI, postgres_tsquery
from marketplace.search.tsquery import without_repeats


@pytest.mark.parametrize(
    ("tsquery", "once"),
    [
        # "badante" and its synonyms "assistente familiare", "assistenza familiare".
        (
            "'badant' | 'assistent' & 'famil' | 'assistent' & 'famil'",
            "'badant' | 'assistent' & 'famil'",
        ),
        # A group among others keeps its parentheses.
        (
            "( 'badant' | 'assistent' & 'famil' | 'assistent' & 'famil' ) & 'mil'",
            "( 'badant' | 'assistent' & 'famil' ) & 'mil'",
        ),
        ("'anzian' | 'anziano0' | 'anzian' | 'anzian'", "'anzian' | 'anziano0'"),
        ("'sport' & 'sport'", "'sport'"),
        ("( 'a' | 'a' ) & ( 'b' | 'c' )", "'a' & ( 'b' | 'c' )"),
        ("( 'a' | 'b' ) | 'a'", "'a' | 'b'"),
        # A prefix is another operand than its lexeme; quotes stay as written.
        ("'anzian':* | 'anzian'", "'anzian':* | 'anzian'"),
        ("'d''angel' | 'd''angel'", "'d''angel'"),
        # Nothing repeated: as it was.
        ("'asil' & 'nid' | 'nid' | 'micronid'", "'asil' & 'nid' | 'nid' | 'micronid'"),
        (
            "'assistent' & ( 'domicil' | 'domiciliar' )",
            "'assistent' & ( 'domicil' | 'domiciliar' )",
        ),
        # Operators it does not simplify, and what is no tsquery: left as they are.
        ("!'a' | !'a'", "!'a' | !'a'"),
        ("'a' <-> 'b' | 'a' <-> 'b'", "'a' <-> 'b' | 'a' <-> 'b'"),
        ("", ""),
        ("'a' |", "'a' |"),
        ("( 'a'", "( 'a'"),
    ],
)
def test_each_alternative_is_kept_once(tsquery, once):
    assert without_repeats(tsquery) == once


@pytest.mark.parametrize(
    ("tsquery", "found_by"),
    [
        ("'asil' & 'nid' | 'nid' | 'micronid'", "'nid' | 'micronid'"),
        ("'nid' | 'asil' & 'nid' | 'micronid'", "'nid' | 'micronid'"),
        ("'a' & 'b' | 'b' & 'a' | 'c'", "'a' & 'b' | 'c'"),
        ("( 'nid' | 'asil' & 'nid' ) & 'mil'", "'nid' & 'mil'"),
        ("'a' & 'b' | 'a' & 'c'", "'a' & 'b' | 'a' & 'c'"),
    ],
)
def test_the_query_that_finds_the_rows_drops_the_alternatives_that_others_imply(tsquery, found_by):
    assert without_repeats(tsquery, absorb=True) == found_by


def _normalised(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsquery('italiano', %s)::text", [postgres_tsquery(text)])
        return cursor.fetchone()[0]


def _finds_alike(first: str, second: str, lexemes: list[str]) -> bool:
    """Whether the two tsqueries find the same vectors among those of every set of the
    lexemes."""
    sets = [
        list(chosen)
        for size in range(len(lexemes) + 1)
        for chosen in itertools.combinations(lexemes, size)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT bool_and((v @@ %s::tsquery) = (v @@ %s::tsquery))
            FROM jsonb_array_elements(%s) AS s(lexemes), LATERAL (
                SELECT array_to_tsvector(ARRAY(SELECT jsonb_array_elements_text(s.lexemes)))
            ) AS t(v)
            """,
            [first, second, json.dumps(sets)],
        )
        return cursor.fetchone()[0]


PHRASES = sorted({phrase for group in SINONIMI for phrase in group})


@pytest.mark.django_db
@pytest.mark.parametrize("text", [*PHRASES, "badante milano", "asilo nido bergamo", "anziani"])
def test_every_synonym_finds_the_same_rows_with_its_alternatives_once(text):
    """Each phrase of the synonyms, as to_tsquery writes its query, against a vector of
    every set of its lexemes (up to ten of them), and each phrase written as a text."""
    normalised = _normalised(text)
    lexemes = sorted({unquoted_lexeme(q) for q in re.findall(r"'(?:[^']|'')+'", normalised)})[:10]
    once, found_by = without_repeats(normalised), without_repeats(normalised, absorb=True)
    assert _finds_alike(normalised, once, lexemes)
    assert _finds_alike(normalised, found_by, lexemes)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(ts_rank(v, %s::tsquery) = ts_rank(v, %s::tsquery)) "
            "FROM unnest(%s::text[]) AS p(phrase), "
            "LATERAL (SELECT to_tsvector('italiano', p.phrase || ' ' || p.phrase)) AS t(v)",
            [normalised, once, PHRASES],
        )
        assert cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_search_asks_each_synonym_once():
    """What the search runs: "badante" is one "assistente familiare", not two."""
    tsqueries = text_tsqueries("badante")
    assert tsqueries.ranked == tsqueries.matching == "'badant' | 'assistent' & 'famil'"
    nido = text_tsqueries("asilo nido")
    assert nido.ranked == "'asil' & 'nid' | 'nid' | 'micronid'"  # "asilo" still ranks
    assert nido.matching == "'nid' | 'micronid'"
