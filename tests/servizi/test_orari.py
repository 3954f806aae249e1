"""Schedules: "open now" and "open at", across closures and midnight."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from servizi.orari import (
    Eccezione,
    format_orario,
    is_open_at,
    is_open_in_part_of_week,
    is_open_on,
    parse_orario,
)

ROME = ZoneInfo("Europe/Rome")
# 2026-12-24 is a Thursday, 25 Friday (Christmas), 26 Saturday.
NOTTURNO = parse_orario("lun-ven 08:00-12:00; gio-ven 22:00-02:00")
NATALE = [Eccezione(date(2026, 12, 25), date(2026, 12, 25), chiuso=True, descrizione="Natale")]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=ROME)


def test_open_within_a_slot_and_closed_outside():
    assert is_open_at(NOTTURNO, [], at(21, 9))  # Monday morning
    assert not is_open_at(NOTTURNO, [], at(21, 12))  # closing time is exclusive
    assert not is_open_at(NOTTURNO, [], at(19, 9))  # Saturday


def test_a_night_slot_runs_past_midnight_into_the_next_day():
    assert is_open_at(NOTTURNO, [], at(24, 23))  # Thursday night
    assert is_open_at(NOTTURNO, [], at(18, 1, 30))  # Friday 01:30, Thursday's slot
    assert not is_open_at(NOTTURNO, [], at(18, 2))


def test_the_slot_started_before_a_closure_day_still_ends_in_it():
    # Thursday 24 night runs into Christmas: it started on an open day.
    assert is_open_at(NOTTURNO, NATALE, at(25, 1, 30))


def test_nothing_starts_on_a_closure_day_even_across_midnight():
    assert not is_open_at(NOTTURNO, NATALE, at(25, 9))  # Christmas morning
    assert not is_open_at(NOTTURNO, NATALE, at(25, 23))  # Christmas night slot cancelled
    assert not is_open_at(NOTTURNO, NATALE, at(26, 1))  # so Saturday 01:00 is closed too
    assert is_open_at(NOTTURNO, [], at(26, 1))  # while without the closure it would be open


def test_special_hours_replace_the_days_slots():
    ridotto = [
        Eccezione(date(2026, 12, 24), date(2026, 12, 24), False, *parse_hours("09:00-11:00"))
    ]
    assert is_open_at(NOTTURNO, ridotto, at(24, 10))
    assert not is_open_at(NOTTURNO, ridotto, at(24, 11, 30))
    assert not is_open_at(NOTTURNO, ridotto, at(24, 23))  # the night slot is replaced too


def parse_hours(text: str):
    fascia = parse_orario(f"lun {text}")[0]
    return fascia.apertura, fascia.chiusura


def test_a_question_in_another_time_zone_is_answered_in_italian_time():
    utc = datetime(2026, 12, 21, 8, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Rome
    assert is_open_at(NOTTURNO, [], utc)


def test_sunday_night_runs_into_monday():
    domenica = parse_orario("dom 23:00-01:00")
    assert is_open_at(domenica, [], at(21, 0, 30))  # Monday 00:30
    assert not is_open_at(domenica, [], at(21, 1, 30))


def test_a_part_of_a_day_is_open_when_a_slot_meets_it():
    """The morning is 06:00-13:00, the afternoon 13:00-18:00, the evening 18:00 to
    midnight; a slot that ends when a part begins does not meet it."""
    uffici = parse_orario("lun-ven 09:00-13:00")
    monday, saturday = date(2026, 12, 21), date(2026, 12, 19)
    assert is_open_on(uffici, [], monday, "mattina")
    assert not is_open_on(uffici, [], monday, "pomeriggio")
    assert not is_open_on(uffici, [], saturday, "mattina")
    # Thursday's night slot (22:00-02:00) is Thursday's evening; Friday's small hours
    # belong to no part (the morning begins at 06:00).
    assert is_open_on(NOTTURNO, [], date(2026, 12, 24), "sera")
    assert not is_open_on(parse_orario("gio 22:00-02:00"), [], date(2026, 12, 25), "mattina")
    # Christmas closed: its evening slot does not start.
    assert not is_open_on(NOTTURNO, NATALE, date(2026, 12, 25), "sera")
    assert is_open_on(NOTTURNO, [], date(2026, 12, 25), "sera")


def test_a_part_of_the_week_is_open_when_some_weekday_is():
    assert is_open_in_part_of_week(NOTTURNO, "sera")  # Thursday and Friday nights
    assert not is_open_in_part_of_week(parse_orario("lun-ven 09:00-13:00"), "pomeriggio")
    assert is_open_in_part_of_week(parse_orario("sab 16:00-19:30"), "sera")
    assert not is_open_in_part_of_week(parse_orario("lun-ven 09:00-18:00"), "sera")


def test_the_whole_day():
    assert is_open_at(parse_orario("sab 00:00-00:00"), [], at(19, 23, 59))


def test_the_text_form_reads_back_what_it_writes():
    fasce = parse_orario("lun-ven 08:00-12:00, 14:00-18:00; sab 9.00-12.00")
    assert format_orario(fasce).startswith("lun 08:00-12:00, 14:00-18:00; mar 08:00-12:00")
    assert sorted(parse_orario(format_orario(fasce)), key=str) == sorted(fasce, key=str)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("lunedi 09:00-12:00", "scrivi i giorni"),
        ("lun 9-12", "09:00-12:30"),
        ("lun 25:00-26:00", "ora inesistente"),
        ("lun 09:00-12:00, 11:00-13:00", "si sovrappongono"),
    ],
)
def test_bad_text_says_which_part_is_wrong(text, reason):
    with pytest.raises(ValidationError) as error:
        parse_orario(text)
    assert reason in error.value.messages[0]
