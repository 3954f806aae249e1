"""The last word of a query also matches as a prefix: of the word as typed, not of its
stem ("cena" is cen, whose prefix is every "centro"). On postgres the prefix is written
as the lexemes of the index that begin so, when they are few: it matches the same rows,
and GIN reads a lexeme's own list of rows faster than it gathers the rows of every
lexeme that begins so (see models.Lessema)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from marketplace.search import spelling
from marketplace.search.backends import postgres
from marketplace.search.text import ITALIAN_STOPWORDS
from servizi.services import servizio_update
from tests.search.conftest import categorie, titoli
from tests.servizi.builders import make_servizio

pytestmark = pytest.mark.django_db


def _lexemes(statement: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return {row[0] for row in cursor.fetchall()}


def index_lexemes() -> set[str]:
    return _lexemes("SELECT DISTINCT unnest(tsvector_to_array(vettore)) FROM search_documento")


def table_lexemes() -> set[str]:
    return _lexemes("SELECT lessema FROM search_lessema")


@pytest.mark.parametrize(
    "text, tsquery",
    [
        ("asil", "'asil'"),  # the word's own lexeme is the only one that begins so
        ("asilo", "'asil'"),  # no lexeme begins with "asilo": its stem alone
        ("asili", "'asil'"),
        ("Caffè", "'caff'"),
        ("lavand", "'lavander'"),  # lavanderia: the word itself is in no row
        ("stir", "'stirer'"),  # stireria
        ("sera", "'ser'"),  # not serviz ("Servizi Casa"), whose stem begins with ser
        ("lavande", "'lavand' | 'lavander'"),  # its stem, or what begins with it
        ("assiste", "'assist'"),  # typed whole ("per chi le assiste"): see below
        ("servizi casa", "'serviz' & 'cas'"),
        ("baby sitter", "'baby' & 'sitter' | 'babysitter' | 'baby' & 'sitting' | 'tat'"),
        ("della", ""),  # a stop word: nothing to find, as before
        ("zzzz", "'zzzz':*"),  # no lexeme begins so: left to GIN, which finds none
    ],
)
def test_the_prefix_is_written_as_the_lexemes_of_the_index_that_begin_so(catalogo, text, tsquery):
    assert postgres.text_tsqueries(text).matching == tsquery


@pytest.mark.parametrize(
    "text, tsquery",
    [
        ("asil", "'asil':*"),  # the word is its own stem: whatever begins so
        ("asilo", "'asil'"),  # no lexeme begins with the word: one operand, as typed
        ("sera", "'ser'"),
        ("lavande", "'lavand' | 'lavande':*"),
        ("servizi lavande", "'serviz' & ( 'lavand' | 'lavande':* )"),
        ("della", ""),
    ],
)
def test_the_ranking_keeps_the_prefix_of_the_word_as_typed(catalogo, text, tsquery):
    assert postgres.text_tsqueries(text).ranked == tsquery


@pytest.mark.parametrize(
    "text, whole",
    [
        ("assiste", True),  # stemmed assist, which a text holds ("chi le assiste")
        ("servizi assiste", True),  # the last word decides
        ("assiste servizi", True),
        ("asilo", True),
        ("baby", True),  # its own stem, and a word of a title ("Baby sitter…")
        ("assist", False),  # its own stem, a word of no title: the beginning of one
        ("domicil", False),
        ("lavande", False),  # stemmed lavand, which no text holds
        ("zzzz", False),
    ],
)
def test_a_word_typed_whole_is_not_a_prefix(catalogo, text, whole):
    assert postgres.last_word_whole(text) is whole
    assert (":*" not in postgres.text_tsqueries(text).ranked) is whole or text == "zzzz"


def test_the_groups_of_the_words_or_ed_keep_the_same_prefix(catalogo):
    assert postgres.text_tsqueries("servizi lavande").any_group == (
        "'serviz' | 'lavand' | 'lavande':*"
    )


def test_a_prefix_that_begins_too_many_lexemes_is_left_to_gin(catalogo, monkeypatch):
    def matching(text):
        return postgres.text_tsqueries(text).matching

    assert matching("co") == "'consegn' | 'contratt' | 'convivent' | 'cooper'"
    assert matching("s").count(":*") == 1  # more than MAX_PREFIX_LEXEMES
    monkeypatch.setattr(postgres, "MAX_PREFIX_LEXEMES", 3)
    assert matching("co") == "'co':*"
    assert matching("lavande") == "'lavand' | 'lavander'"
    monkeypatch.setattr(postgres, "MAX_PREFIX_LEXEMES", 0)
    assert matching("lavande") == "'lavand' | 'lavande':*"


def test_a_new_word_that_begins_as_the_last_one_does_is_found(
    client, catalogo, django_capture_on_commit_callbacks
):
    def found(q):
        return sorted(titoli(client.get("/api/v1/cerca/", {"q": q}).json()))

    assert found("domicil") == ["Baby sitter a domicilio"]
    assert postgres.text_tsqueries("domicil").matching == "'domicil'"
    with django_capture_on_commit_callbacks(execute=True):  # domiciliarità: domiciliar
        make_servizio(titolo="Domiciliarità leggera", categorie=categorie("anziani"))
    assert postgres.text_tsqueries("domicil").matching == "'domicil' | 'domiciliar'"
    assert found("domicil") == ["Baby sitter a domicilio", "Domiciliarità leggera"]
    # "domiciliarità" does not begin with "domicilio", typed whole.
    assert found("domicilio") == ["Baby sitter a domicilio"]


def test_the_lexeme_table_holds_every_lexeme_of_the_index(
    catalogo, django_capture_on_commit_callbacks
):
    assert "asil" in index_lexemes() <= table_lexemes()
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(
            servizio=catalogo["lavanderia"],
            titolo="Stireria espressa",
            descrizione="Consegna in giornata.",
        )
    assert {"espress", "giorn"} <= index_lexemes() <= table_lexemes()
    # Lexemes of rows that are gone stay until a full rebuild, which forgets them.
    assert "ritir" in table_lexemes() - index_lexemes()
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)
    assert table_lexemes() == index_lexemes()


def test_the_migration_fills_the_table_from_the_rows_already_indexed(catalogo):
    migration = import_module("marketplace.migrations.0017_lessemi")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_lessema")
        cursor.execute(migration.FILL)
    assert table_lexemes() == index_lexemes()


@pytest.fixture
def prefix_left_to_gin(monkeypatch):
    def ask(client, params) -> dict:
        with monkeypatch.context() as patch:
            patch.setattr(postgres, "MAX_PREFIX_LEXEMES", 0)
            assert postgres.text_tsqueries(params["q"]).matching.count(":*") == 1
            return client.get("/api/v1/cerca/", params).json()

    return ask


@pytest.mark.parametrize(
    "params",
    [
        {"q": "asil"},
        {"q": "assistenza domicil"},
        {"q": "assistenza domicil", "lat": "45.3573", "lon": "9.3237"},
        {"q": "domicil", "raggio_km": "20", "lat": "45.3573", "lon": "9.3237"},
        {"q": "servizio assist", "ordinamento": "aggiornamento"},
        {"q": "servizio lavande"},  # the stem, or the lexemes beginning as typed
    ],
)
def test_the_lexemes_find_what_the_prefix_finds(client, catalogo, many, prefix_left_to_gin, params):
    """Pages, scores, snippets, counts and facets alike."""
    assert ":*" not in postgres.text_tsqueries(params["q"]).matching
    written_out = client.get("/api/v1/cerca/", params).json()
    assert written_out["results"] and written_out == prefix_left_to_gin(client, params)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "assistenza domicil"},  # walked by date, the text checked on each row
        {"q": "assistenza domicil", "categoria": "anziani"},
        {"q": "assistenza domicil", "lingua": "en", "per_pagina": 2},
    ],
)
@pytest.mark.parametrize("collected", [False, True])
def test_a_broad_texts_most_recent_matches_are_the_same_with_the_lexemes(
    client, assisted, monkeypatch, prefix_left_to_gin, params, collected
):
    monkeypatch.setattr(postgres, "BROAD_TEXT_ROWS", 0)
    monkeypatch.setattr(postgres, "RANK_COST_IN_ROWS_WALKED", 1e9)
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "COUNT_CAP", 3)
    monkeypatch.setattr(postgres, "_at_least", lambda tsquery, matches, estimate: True)
    monkeypatch.setattr(postgres, "_collect_matches", lambda *args: collected)
    written_out = client.get("/api/v1/cerca/", params).json()
    assert written_out["results"] and written_out == prefix_left_to_gin(client, params)


@pytest.mark.parametrize(
    "word",
    [
        *("asilo", "lavand", "caff", "assistente", "assiste", "sera", "cena", "babysiter"),
        *("xyzq", "della", "ritiro"),
    ],
)
def test_whether_a_word_matches_something_is_what_the_rows_say(
    catalogo, django_capture_on_commit_callbacks, word
):
    """Also for a word whose only rows are gone ("ritiro": its lexeme stays in the table
    until a rebuild), for which the rows are read."""
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=catalogo["lavanderia"], descrizione="Consegna in azienda.")
    with connection.cursor() as cursor:
        cursor.execute(spelling._MATCHES_SOMETHING, {"word": word})
        (answer,) = cursor.fetchone()
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM search_documento WHERE strip(vettore) @@ %s::tsquery)",
            [postgres.text_tsqueries(word).matching],
        )
        assert (answer,) == cursor.fetchone()


def test_a_word_no_lexeme_begins_with_is_corrected_without_reading_the_rows(catalogo):
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, COSTS OFF) " + spelling._MATCHES_SOMETHING,
            {"word": "babysiter"},
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    rows_read = plan[plan.index("search_documento") :]
    assert "(never executed)" in rows_read.splitlines()[0], plan
    assert spelling.correct("babysiter") == ("baby sitter", (), ())


@pytest.mark.parametrize(
    "word", ["babysiter", "lavandaria", "psicologga", "assistenzza", "cafe", "xyzqwk", "zzzz"]
)
def test_the_nearest_known_word_to_a_typo_is_the_nearest_of_the_whole_vocabulary(catalogo, word):
    """The words the trigram index gives (`%`) hold the nearest of all whenever it is
    similar enough to be a correction; none is one otherwise."""
    with connection.cursor() as cursor:
        cursor.execute(spelling._NEAREST_WORD, [word] * 3)
        found = cursor.fetchone()
        cursor.execute(
            "SELECT frase, similarity(parola, %s) AS s, parola FROM search_vocabolo "
            "WHERE parola <> ALL(%s) ORDER BY s DESC, parola LIMIT 1",
            [word, ITALIAN_STOPWORDS],
        )
        nearest = cursor.fetchone()
    if nearest[1] >= spelling.MIN_SIMILARITY:
        assert found == nearest
    else:
        assert found is None or found[1] < spelling.MIN_SIMILARITY


def test_the_nearest_known_word_is_looked_for_in_the_trigram_index(catalogo):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's vocabulary is tiny
        cursor.execute("EXPLAIN " + spelling._NEAREST_WORD, ["babysiter"] * 3)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert "Bitmap Index Scan on search_vocabolo_trgm" in plan, plan
