"""The words that say when the results must be open are read from the text."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.search.when import ApertoDalTesto, read_when

SUNDAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("text", "rest", "parole", "giorno"),
    [
        ("aperto sabato", "", "aperto sabato", date(2026, 12, 12)),
        ("farmacia aperta domenica", "farmacia", "aperta domenica", SUNDAY),  # today
        ("asilo nido aperto il Sabato", "asilo nido", "aperto il Sabato", date(2026, 12, 12)),
        ("Aperti anche la domenica mensa", "mensa", "Aperti anche la domenica", SUNDAY),
        ("caf aperto oggi", "caf", "aperto oggi", SUNDAY),
        ("caf aperto domani", "caf", "aperto domani", date(2026, 12, 7)),
        ("sportello aperto lunedì", "sportello", "aperto lunedì", date(2026, 12, 7)),
        ("nido aperto sabato Melegnano", "nido Melegnano", "aperto sabato", date(2026, 12, 12)),
        ("sportello apre sabato", "sportello", "apre sabato", date(2026, 12, 12)),
    ],
)
def test_a_day_after_aperto_is_the_day_the_results_must_be_open(text, rest, parole, giorno):
    assert read_when(text, SUNDAY) == (rest, ApertoDalTesto(parole, giorno))


@pytest.mark.parametrize(
    ("text", "rest"),
    [("aperti adesso", ""), ("pediatra aperto ora", "pediatra"), ("CAF aperto subito", "CAF")],
)
def test_now_after_aperto_is_open_now(text, rest):
    read, reading = read_when(text, SUNDAY)
    assert read == rest
    assert reading.adesso and reading.giorno is None
    assert reading.as_dict() == {
        "parole": reading.parole,
        "giorno": None,
        "parte": None,
        "adesso": True,
    }


@pytest.mark.parametrize(
    "text",
    [
        "centro estivo sabato",  # a day without "aperto": a word
        "centro aperto",  # "aperto" without a day
        "aperto tutto l'anno",
        "spazio aperto ai giovani sabato",  # words between that are not the day's
        "",
    ],
)
def test_other_texts_are_left_as_they_are(text):
    assert read_when(text, SUNDAY) == (text, None)


@pytest.mark.parametrize(
    ("text", "rest", "parole", "giorno", "parte"),
    [
        (
            "nido aperto sabato mattina",
            "nido",
            "aperto sabato mattina",
            date(2026, 12, 12),
            "mattina",
        ),
        (
            "caf aperto il sabato pomeriggio",
            "caf",
            "aperto il sabato pomeriggio",
            date(2026, 12, 12),
            "pomeriggio",
        ),
        ("farmacia aperta domenica sera", "farmacia", "aperta domenica sera", SUNDAY, "sera"),
        (
            "farmacia aperta domenica in serata",
            "farmacia",
            "aperta domenica in serata",
            SUNDAY,
            "sera",
        ),
        ("sportello aperto la sera", "sportello", "aperto la sera", None, "sera"),
        ("sportello aperto di sera Lodi", "sportello Lodi", "aperto di sera", None, "sera"),
        ("patronato aperto il pomeriggio", "patronato", "aperto il pomeriggio", None, "pomeriggio"),
        ("ludoteca aperta al mattino", "ludoteca", "aperta al mattino", None, "mattina"),
        ("caf aperto stasera", "caf", "aperto stasera", SUNDAY, "sera"),
        ("caf aperto stamattina", "caf", "aperto stamattina", SUNDAY, "mattina"),
        ("caf aperto domani mattina", "caf", "aperto domani mattina", date(2026, 12, 7), "mattina"),
    ],
)
def test_a_part_of_the_day_after_aperto_or_its_day_is_when_the_results_must_be_open(
    text, rest, parole, giorno, parte
):
    read, reading = read_when(text, SUNDAY)
    assert (read, reading) == (rest, ApertoDalTesto(parole, giorno, parte))
    assert not reading.adesso
    assert reading.as_dict() == {
        "parole": parole,
        "giorno": giorno.isoformat() if giorno else None,
        "parte": parte,
        "adesso": False,
    }


def test_a_day_then_a_word_that_is_not_a_part_of_it_leaves_the_word_searched():
    assert read_when("nido aperto sabato mensa", SUNDAY) == (
        "nido mensa",
        ApertoDalTesto("aperto sabato", date(2026, 12, 12)),
    )
