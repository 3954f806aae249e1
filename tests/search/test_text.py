"""How the search reads Italian text: stop words, groups of synonyms, the prefix, as
PostgreSQL's `italiano` configuration does (the Elasticsearch backend reads them too)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from marketplace.search.backends import postgres
from marketplace.search.place_words import NAME_WORDS, PLACE_WORDS
from marketplace.search.query import SearchQuery
from marketplace.search.text import (
    ITALIAN_STOPWORDS,
    NAMES_PATTERN,
    STOP_WORDS,
    UNSTEMMED_WORDS,
    fold,
    ignored_words,
    marks_names,
    marks_places,
    postgres_tsquery,
    query_groups,
    restore_marked,
    synonyms_being_typed,
    text_groups,
    tsquery_word,
)

pytestmark = pytest.mark.django_db


def test_the_stop_words_are_those_the_italiano_configuration_drops():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) w WHERE ts_lexize('italian_stem', w) <> '{}'",
            [ITALIAN_STOPWORDS],
        )
        assert cursor.fetchall() == []
        # The configuration folds accents first: its accented entries ("più") never match,
        # as they never match a folded word typed ("piu" is searched).
        unaccented = sorted(w for w in STOP_WORDS if fold(w) == w)
        cursor.execute("SELECT to_tsvector('italiano', %s)::text", [" ".join(unaccented)])
        assert cursor.fetchone()[0] == ""
    assert ignored_words("più perché è avrà") == ["e"]


def test_ignored_words_are_the_stop_words_typed_each_once():
    assert ignored_words("Casa DI riposo, di Milano") == ["di"]
    assert ignored_words("Più anziani per la città") == ["per", "la"]  # "piu" is no stop word
    assert ignored_words("asilo nido") == []


@pytest.mark.parametrize(
    ("q", "has_text"),
    [
        ("asilo", True),
        ("di asili", True),
        ("di", False),
        ("per la", False),
        ("?!", False),
        ("", False),
    ],
)
def test_a_query_has_text_when_a_word_is_left_to_search(q, has_text):
    assert SearchQuery(q=q).has_text is has_text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "casa di riposo",
        "di casa",
        "asilo nido",
        "badante per anziani",
        "centro estivo a milano",
        "il nido",
        "più anziani",
        "psicologo per",
        "over 65 di",
    ],
)
def test_text_groups_read_the_query_as_to_tsquery_does(text):
    """Same groups, alternatives, stop words and prefix as postgres' tsquery."""

    def stem(word: str) -> str:
        if tsquery_word(word) != word:  # a marked word is its own lexeme
            return tsquery_word(word)
        with connection.cursor() as cursor:
            cursor.execute("SELECT (ts_lexize('italian_stem', unaccent(%s)))[1]", [word])
            return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsquery('italiano', %s)::text", [postgres_tsquery(text)])
        expected = cursor.fetchone()[0].replace("( ", "(").replace(" )", ")")
    groups = []
    several = len(text_groups(text)) > 1
    for options in text_groups(text):
        alternatives = []
        for terms, prefix in options:
            lexemes = [f"'{stem(t)}'" for t in terms]
            if prefix:
                lexemes[-1] += ":*"
            alternatives.append(" & ".join(lexemes))
        group = " | ".join(alternatives)
        groups.append(f"({group})" if several and len(alternatives) > 1 else group)
    assert " & ".join(groups) == expected


def test_any_group_finds_a_text_that_holds_one_of_the_querys_groups():
    """What tells where a match was found: a field holds some of the words (a group:
    one word, or a phrase of its synonyms, whole), not necessarily all of them."""

    def holds(text: str, q: str, any_group: bool = False) -> bool:
        return matches(text, q, "any_group" if any_group else "ranked")

    assert not holds("Cooperativa Il Girasole", "girasole anziani")
    assert holds("Cooperativa Il Girasole", "girasole anziani", any_group=True)
    assert holds("Centri per la terza età", "badante anziani", any_group=True)  # a synonym
    # A phrase's words are one group: one of them alone is not found.
    assert not holds("Mediazione familiare", "badante", any_group=True)
    assert holds("Badanti e assistenti familiari", "badante", any_group=True)
    assert holds("Asilo nido", "di asil", any_group=True)  # the prefix, stop words left out


@pytest.mark.parametrize(
    ("text", "q"),
    [
        ("Infermieri a domicilio", "infermiere domicilio"),  # singular typed, plural written
        ("Infermiere a domicilio", "infermieri domicilio"),
        ("Assistente familiare convivente", "assistenti familiari"),  # the last word too
        ("Assistenza domiciliari", "assistenza domiciliare"),  # typed whole, not a prefix
        ("Assistenza domiciliare", "domiciliari assistenza"),
        ("Corso per assistenti familiari", "assistente familiare corso"),
    ],
)
def test_a_word_finds_its_other_number_where_the_stemmer_tells_them_apart(text, q):
    """Snowball cuts the -are/-ere of a singular as a verb's ending ("familiare" -> famil)
    but only the last vowel of the plural ("familiari" -> familiar)."""
    assert matches(text, q), (text, q)


def matches(text: str, q: str, tsquery: str = "matching") -> bool:
    """Whether the search's tsquery of `q` (postgres.text_tsqueries) matches `text`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('italiano', %s) @@ %s::tsquery",
            [text, getattr(postgres.text_tsqueries(q), tsquery)],
        )
        return cursor.fetchone()[0]


def test_other_numbers_are_added_only_where_they_find_more():
    # A short word's other number could stem as another word ("orare" -> or: "ore", "oro").
    assert postgres_tsquery("orari") == "((orari:*))"
    # The last word typed too: its prefix is the word's as typed, not its stem's.
    assert postgres_tsquery("assistenza domiciliare") == (
        "((assistenza)) & ((domiciliare:*) | (domiciliari))"
    )
    assert postgres_tsquery("domiciliari") == "((domiciliari:*) | (domiciliare))"
    # Typed first, then the synonyms, then the words typed in their other number (not
    # the synonyms': one more operand each, to rank every match with).
    assert query_groups("infermieri")[0] == [("infermieri",), ("infermiere",)]
    assert query_groups("familiari")[0] == [("familiari",), ("familiare",)]
    assert query_groups("badante")[0] == [
        ("badante",),
        ("assistente", "familiare"),
        ("assistenza", "familiare"),
    ]


def test_a_summer_camp_has_the_words_people_use_for_it():
    # "colonia estiva" found nothing at a million services: the catalogue says "centro estivo".
    assert ("centro", "estivo") in query_groups("colonia estiva")[0]
    assert ("colonia", "estiva") in query_groups("centri estivi")[0]


def vector_of(text: str) -> str:
    """The text vector the index writes for the text."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {postgres.italian_vector_sql('%s')}::text", [text])
        return cursor.fetchone()[0]


def test_a_sigla_keeps_its_own_lexeme_where_the_stemmer_would_fold_it_into_a_word():
    """ "ISEE" and "Iseo" both stem to 'ise': the sigla is indexed and looked for with its
    mark, as the word typed, never as a prefix (that would be "Cava" for "cav")."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('italiano', 'ISEE a Iseo, Isee2024')::text, "
            f"{postgres.italian_vector_sql('%s')}::text",
            ["Aiuto per l'ISEE a Iseo, Isee2024, il CAV di Cava Manara, PEI a Peia"],
        )
        plain, marked = cursor.fetchone()
    assert plain == "'ise':1,3 'isee2024':4"
    # "Cava" in "Cava Manara" is marked too, as a word of its Comune's name (PLACE_NAMES).
    assert marked == (
        "'aiut':1 'cav0':9 'cava0':11 'ise':6 'isee0':4 'isee2024':7 'manar':12 'pei':15 'pei0':13"
    )
    assert postgres_tsquery("progetto pei") == "((progetto)) & ((pei0))"
    assert postgres_tsquery("PEI scuola") == "((pei0)) & ((scuola:*))"
    assert text_groups("scuola pei") == [[(("scuola",), False)], [(("pei",), False)]]
    # A word that only begins like one is no sigla.
    assert postgres_tsquery("ise") == "((ise:*))"


def test_a_word_of_the_domain_keeps_its_own_lexeme_in_every_text_and_snippet():
    """The words of UNSTEMMED_WORDS have the stem they are listed with, which another
    word shares ("Comune"): both the index and a snippet that marks no place word (the
    query's lexemes would not change) read them marked, and the snippet shows them as
    written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (ts_lexize('italian_stem', unaccent(w)))[1] FROM unnest(%s::text[]) w",
            [list(UNSTEMMED_WORDS)],
        )
        assert dict(cursor.fetchall()) == UNSTEMMED_WORDS
        text = "Comunità alloggio del Comune per l'anziano; anzi, per gli anziani"
        snippet = postgres.marked_text_sql("x.t", places="false", names="false")
        cursor.execute(f"SELECT {snippet} FROM (SELECT %s::text AS t) x", [text])
        (marked,) = cursor.fetchone()
    assert marked == "Comunità0 alloggio del Comune per l'anziano0; anzi, per gli anziani"
    assert restore_marked(marked) == text
    assert vector_of(text) == (
        "'allogg':2 'anzi':8 'anzian':11 'anziano0':7 'comun':4 'comunita0':1"
    )


def test_a_snippet_shows_the_sigle_as_they_were_written():
    assert restore_marked("Aiuto per l'\x02ISEE0\x03 e il Pei0; isee2024, cav00") == (
        "Aiuto per l'\x02ISEE\x03 e il Pei; isee2024, cav00"
    )


def test_a_comune_whose_name_stems_as_a_common_word_keeps_its_own_lexeme():
    """ "Cenate" and "cena" both stem to 'cen', "Salò" and "salita" to 'sal', "Meda" and
    "medie" to 'med': a Comune's word in place_words.PLACE_WORDS is marked as a sigla is,
    accented as it is written or not, and the common word keeps its stem."""
    marked = vector_of("Cena sociale a Cenate Sotto; salita a SALÒ, Salo' e Meda; scuole medie")
    assert marked == (
        "'cen':1 'cenate0':4 'med':13 'meda0':11 'sal':6 'salo0':8,9 'scuol':12 'social':2 'sott':5"
    )
    assert tsquery_word("cenate") == "cenate0" and tsquery_word("cena") == "cena"
    assert postgres_tsquery("asilo cenate") == "((asilo)) & ((cenate0))"
    assert postgres_tsquery("cenat") == "((cenat:*))"  # on its way, it is any word's beginning
    # "Opera", "Erba", "Calcio" are words people search: they stay words.
    assert tsquery_word("opera") == "opera" and tsquery_word("calcio") == "calcio"


def test_the_saints_names_of_comuni_and_san_keep_their_own_lexeme():
    """ "San" and "sanità" both stem to 'san', "Vito" and "vita" to 'vit', "Maria" and
    "mare" to 'mar', "Donato" and "donare" to 'don': names only, frequent as they are
    in written Italian, they are marked as the other place words are."""
    marked = vector_of("Sanità e vita al mare: donare a San Donato, Bagnolo San Vito, Santa Maria")
    assert marked == (
        "'bagnol':10 'don':6 'donato0':9 'mar':5 'maria0':14 'san':1 'san0':8,11 'sant':13 "
        "'vit':3 'vito0':12"
    )
    assert postgres_tsquery("san donato") == "((san0)) & ((donato0))"
    # Typed whole, a marked word is no beginning of others: "san" is not "sanità" on its way.
    assert postgres_tsquery("sanita san") == "((sanita)) & ((san0))"
    # "Felice" and "Fermo" (San Felice del Benaco, San Fermo della Battaglia) are words too.
    assert tsquery_word("felice") == "felice" and tsquery_word("fermo") == "fermo"


def test_a_word_of_a_comunes_name_is_marked_where_the_text_writes_the_whole_name():
    """ "Serio" and "sera" both stem to 'ser', "Sale" and "salita" to 'sal', "Costa" and
    "costi" to 'cost': common words themselves, the words of place_words.PLACE_NAMES are
    marked within their Comune's name, in any case, accented or not, the apostrophe
    straight or typographic, and are words elsewhere."""
    marked = vector_of(
        "La sera a Cologno al Serio; salita a SALE MARASINO e Costa de’ Nobili; "
        "un serio impegno, sale riunioni, costi; Càpo di Ponte"
    )
    assert marked == (
        "'capo0':21 'cologn':4 'cost':20 'costa0':12 'de':13 'impegn':17 'marasin':10 "
        "'nobili0':14 'pont':23 'riunion':19 'sal':7,18 'sale0':9 'ser':2,16 'serio0':6"
    )
    assert postgres_tsquery("cologno al serio") == "((cologno & al & serio0))"
    assert postgres_tsquery("asilo sale marasino") == "((asilo)) & ((sale0 & marasino:*))"
    assert text_groups("cologno al serio") == [[(("cologno", "serio0"), False)]]
    # Alone, or the name not whole, a word of a name is the word typed, and the name's:
    # "serio" and "busto" find what they found before ("Busto" for Busto Arsizio).
    assert postgres_tsquery("serio") == "((serio:*) | (serio0))"
    assert postgres_tsquery("cologno serio") == "((cologno)) & ((serio:*) | (serio0))"
    assert postgres_tsquery("busto asilo") == "((busto) | (busto0)) & ((asilo:*))"
    assert text_groups("serio") == [[(("serio",), True), (("serio0",), False)]]
    # The words typed stay as typed: corrections and messages show them.
    assert query_groups("cologno al serio") == [[("cologno", "al", "serio")]]


@pytest.mark.parametrize(
    "text",
    [
        "Cologno al Serio, Cologno al Seriola, Marasino; SALE MARASINO",
        "Villa d'Almè, Villa d’Almè, villa d almè, Costa de' Nobili e Costa Masnaga",
        "Càpo di Ponte; Fara Gera d'Adda; Sotto il Monte Giovanni XXIII; Azzano San Paolo",
    ],
)
def test_elasticsearch_marks_the_words_of_comune_names_as_postgres_does(text):
    """text.NAMES_PATTERN, Java's for Elasticsearch's character filter (which Python reads
    alike), marks what the postgres index marks."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {postgres.marked_text_sql('%s')}", [text])
        (in_postgres,) = cursor.fetchone()
    in_java = re.sub(NAMES_PATTERN, r"\g<1>0", text, flags=re.IGNORECASE)
    # Postgres marks the place words too ("San"): Elasticsearch's token filter does that.
    assert in_postgres.replace("San0", "San") == in_java
    assert "0" in in_java


def test_a_snippet_shows_the_place_words_as_they_were_written():
    assert restore_marked("Taxi da \x02Salò0\x03 a Cenate0 Sotto; salone0") == (
        "Taxi da \x02Salò\x03 a Cenate Sotto; salone0"
    )
    assert restore_marked("Cologno al \x02Serio0\x03, Sale0 Marasino; sale0") == (
        "Cologno al \x02Serio\x03, Sale Marasino; sale"
    )


@pytest.mark.parametrize(
    ("lexemes", "places", "names"),
    [
        ([("asil", False)], False, False),
        ([("cenate0", False)], True, False),  # only the marked text holds it
        ([("cen", False)], True, False),  # an unmarked "Cenate" would match it
        ([("cen", True)], False, False),  # 'cen':* matches "Cenate" marked or not
        ([("cenat", True)], True, False),  # 'cenat':* matches cenate0, never 'cen'
        ([("isee0", False), ("asil", True)], False, False),
        # The words of place_words.PLACE_NAMES: "Uniti" (Gravedona ed Uniti) and "unità".
        ([("uniti0", False)], False, True),
        ([("unit", False)], False, True),
        ([("ser", False)], True, True),  # "Seriate" (a place word), Cologno al "Serio"
    ],
)
def test_a_snippet_marks_the_place_words_only_where_they_could_change_what_it_marks(
    lexemes, places, names
):
    assert marks_places(lexemes) is places
    assert marks_names(lexemes) is names


@pytest.mark.parametrize("stems", [PLACE_WORDS, NAME_WORDS], ids=["PLACE_WORDS", "NAME_WORDS"])
def test_the_place_words_stems_are_those_of_the_italiano_configuration(stems):
    """place_words.py keeps each word's stem as scripts/place_words.py read it, for the
    snippets (marks_places): the stems of a newer stemmer need the list written again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (tsvector_to_array(to_tsvector('italiano', w)))[1] "
            "FROM unnest(%s::text[]) w",
            [list(stems)],
        )
        assert dict(cursor.fetchall()) == stems


def test_the_synonyms_being_typed_are_those_of_a_phrase_the_words_begin():
    assert ("rsa",) in synonyms_being_typed(["casa", "di", "r"])
    assert ("baby", "sitting") in synonyms_being_typed(["tat"])
    assert synonyms_being_typed(["casa", "del", "r"]) == []  # not the phrase's words
    assert synonyms_being_typed(["ta"]) == []  # too short: it begins too many
