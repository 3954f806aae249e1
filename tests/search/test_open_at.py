"""The SQL "open at" agrees with the Python schedule rules, and the search rows, which copy
their schedule, follow every way a schedule changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.search.backends import postgres
from marketplace.search.backends.postgres import (
    OPEN_KEYS,
    closed_key,
    closed_keys,
    open_at_sql,
    open_in_part_of_week_sql,
    open_key,
    open_keys,
    open_on_sql,
    small_hours_key,
)
from marketplace.search.index import schedule_values
from marketplace.search.query import SearchQuery
from servizi import orari
from servizi.models import EccezioneOrario, FasciaOraria, Orario
from servizi.services import orario_replace, servizio_update
from tests.search.conftest import titoli

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")

SCHEDULES = {
    "uffici": ("lun-ven 09:00-12:30, 14:00-17:00", []),
    "notturno": ("gio-ven 21:00-03:00; sab 03:00-03:00", []),
    "domenica notte": ("dom 22:00-02:00", []),
    "con chiusura": (
        "lun-dom 08:00-20:00; ven 22:00-01:00",
        [orari.Eccezione(date(2026, 12, 25), date(2026, 12, 26), chiuso=True)],
    ),
    # Closed on Friday: Thursday's slot still runs past midnight into it.
    "notte prima della chiusura": (
        "gio 22:00-02:00",
        [orari.Eccezione(date(2026, 12, 25), date(2026, 12, 25), chiuso=True)],
    ),
    "orario speciale": (
        "lun-ven 09:00-18:00",
        [orari.Eccezione(date(2026, 12, 24), date(2026, 12, 24), False, time(22), time(2))],
    ),
    "speciale di giorno": (
        "lun-dom 20:00-23:00",
        [orari.Eccezione(date(2026, 12, 26), date(2026, 12, 27), False, time(10), time(12))],
    ),
}


def _open_in_sql(when: datetime) -> set[int]:
    """The schedules open at `when`, by the same columns the search rows hold."""
    return _schedules_where(*open_at_sql("d", when))


def _open_in_sql_on(day: date, parte: str | None = None) -> set[int]:
    """The schedules open at some moment of `day` (or of its part), by the search rows'
    columns."""
    return _schedules_where(*open_on_sql("d", day, parte))


def _schedules_where(clause: str, params: list) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.orario_id FROM (SELECT o.id AS orario_id, "
            f"{schedule_values('o.id')} FROM servizi_orario o) d WHERE {clause}",
            params,
        )
        return {row[0] for row in cursor.fetchall()}


def test_sql_and_python_agree_every_half_hour_of_a_week_with_exceptions():
    schedules = [
        orario_replace(fasce=orari.parse_orario(text), eccezioni=exceptions, descrizione=name)
        for name, (text, exceptions) in SCHEDULES.items()
    ]
    start = datetime(2026, 12, 21, 0, 15, tzinfo=ROME)  # Monday before Christmas
    for step in range(8 * 48):  # to the small hours of the next Monday
        when = start + timedelta(minutes=30 * step)
        in_python = {
            o.pk
            for o in Orario.objects.filter(pk__in=[s.pk for s in schedules])
            if o.aperto_il(when)
        }
        assert _open_in_sql(when) == in_python, when


def test_sql_and_python_agree_on_the_days_open_over_two_weeks_with_exceptions():
    schedules = [
        orario_replace(fasce=orari.parse_orario(text), eccezioni=exceptions, descrizione=name)
        for name, (text, exceptions) in SCHEDULES.items()
    ]
    by_name = {o.descrizione: o.pk for o in schedules}
    monday = date(2026, 12, 21)
    for offset in range(14):
        day = monday + timedelta(days=offset)
        in_python = {
            o.pk for o in Orario.objects.filter(pk__in=by_name.values()) if o.aperto_nel_giorno(day)
        }
        assert _open_in_sql_on(day) == in_python, day
    # Open on Friday the 25th, closed: Thursday's night still runs into it; and the
    # special hours of an exception count on their day.
    assert by_name["notte prima della chiusura"] in _open_in_sql_on(date(2026, 12, 25))
    assert by_name["con chiusura"] not in _open_in_sql_on(date(2026, 12, 25))
    assert by_name["orario speciale"] in _open_in_sql_on(date(2026, 12, 24))


def test_sql_and_python_agree_on_the_parts_of_the_days_over_two_weeks():
    schedules = [
        orario_replace(fasce=orari.parse_orario(text), eccezioni=exceptions, descrizione=name)
        for name, (text, exceptions) in SCHEDULES.items()
    ]
    schedules.append(orario_replace(fasce=orari.parse_orario("sab 17:00-19:00"), descrizione="x"))
    found = set()
    for parte in orari.PARTI_DEL_GIORNO:
        for offset in range(14):
            day = date(2026, 12, 21) + timedelta(days=offset)
            in_python = {o.pk for o in schedules if o.aperto_nel_giorno(day, parte)}
            assert _open_in_sql_on(day, parte) == in_python, (day, parte)
            found.add(frozenset(in_python))
        in_python = {o.pk for o in schedules if o.aperto_nella_parte(parte)}
        assert _schedules_where(*open_in_part_of_week_sql("d", parte)) == in_python, parte
    assert len(found) > 5  # the parts and the days tell the schedules apart


def _open_keys() -> dict[int, set[int]]:
    """The open keys of each schedule (OPEN_KEYS), from the search rows' columns."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.orario_id, {OPEN_KEYS.format(a='d')} FROM (SELECT o.id AS orario_id, "
            f"{schedule_values('o.id')} FROM servizi_orario o) d"
        )
        return {pk: set(keys) for pk, keys in cursor.fetchall()}


def test_a_schedules_keys_are_the_weekdays_and_parts_its_weekly_slots_meet_or_not():
    """Each weekday, whole and in each part, and each part of the week: open or closed
    (closed_key); and each weekday whose small hours the slots meet."""
    weekly = {
        text: orario_replace(fasce=orari.parse_orario(text), descrizione=text)
        for text in ("lun-ven 09:00-12:30, 14:00-17:00", "gio-ven 21:00-03:00", "dom 17:30-18:00")
    }
    keys = _open_keys()
    monday = date(2026, 12, 21)
    for text, orario in weekly.items():
        fasce = orari.parse_orario(text)
        days = [
            (
                open_key,
                closed_key,
                day,
                parte,
                orari.is_open_on(fasce, [], monday + timedelta(days=day), parte),
            )
            for day in range(7)
            for parte in (None, *orari.PARTI_DEL_GIORNO)
        ]
        parts = [
            (open_key, closed_key, None, parte, orari.is_open_in_part_of_week(fasce, parte))
            for parte in orari.PARTI_DEL_GIORNO
        ]
        expected = {
            (opened if is_open else closed)(day, parte)
            for opened, closed, day, parte, is_open in [*days, *parts]
        } | {
            small_hours_key(day)
            for day in range(7)
            if any(
                orari.is_open_at(
                    fasce,
                    [],
                    datetime.combine(monday + timedelta(days=day), time())
                    + timedelta(minutes=minute),
                )
                for minute in range(6 * 60)
            )
        }
        assert keys[orario.pk] == expected, text
    # Friday's slot runs past midnight into Saturday's small hours: no part of the day,
    # but their key.
    night = keys[weekly["gio-ven 21:00-03:00"].pk]
    assert open_key(5) in night and open_key(5, "mattina") not in night
    assert closed_key(5, "mattina") in night and small_hours_key(5) in night
    assert small_hours_key(3) not in night  # no slot runs into Thursday
    # A slot that closes at 18:00 ends with the afternoon: the evening begins then.
    sunday = keys[weekly["dom 17:30-18:00"].pk]
    assert open_key(6, "pomeriggio") in sunday and open_key(6, "sera") not in sunday


def test_every_schedule_open_holds_one_of_the_keys_the_query_asks():
    """The keys are a superset of the exact rule: each schedule open at a moment, on a
    day or in its part (exceptions too), or in a part of the week, holds one of them."""
    schedules = [
        orario_replace(fasce=orari.parse_orario(text), eccezioni=exceptions, descrizione=name)
        for name, (text, exceptions) in SCHEDULES.items()
    ]
    keys = _open_keys()
    special = {o.pk for o in schedules if o.descrizione.startswith(("orario", "speciale"))}
    asked = []
    start = datetime(2026, 12, 21, 0, 15, tzinfo=ROME)
    for step in range(8 * 48):
        when = start + timedelta(minutes=30 * step)
        asked.append((SearchQuery(aperto_il=when), lambda o, when=when: o.aperto_il(when)))
    for offset in range(14):
        day = date(2026, 12, 21) + timedelta(days=offset)
        for parte in (None, *orari.PARTI_DEL_GIORNO):
            asked.append(
                (
                    SearchQuery(aperto_giorno=day, aperto_parte=parte or ""),
                    lambda o, day=day, parte=parte: o.aperto_nel_giorno(day, parte),
                )
            )
    for parte in orari.PARTI_DEL_GIORNO:
        asked.append((SearchQuery(aperto_parte=parte), lambda o, p=parte: o.aperto_nella_parte(p)))
    for query, is_open in asked:
        wanted = set(open_keys(query))
        for orario in schedules:
            if is_open(orario):
                assert keys[orario.pk] & wanted, (orario.descrizione, query)
    # Special hours may open a schedule on any day: their key is asked with every day,
    # and held by the schedules with special hours only.
    with_special = {o.pk for o in schedules if postgres.SPECIAL_HOURS_KEY in keys[o.pk]}
    assert with_special == special


def test_every_schedule_closed_holds_the_closed_key_or_an_exception_on_the_day():
    """The rows a map takes back from a word's cells (postgres._CLOSED_ROWS) are those
    with the closed key of the day or part asked, or with an exception on that day or
    the day before: every schedule closed then is among them."""
    schedules = [
        orario_replace(fasce=orari.parse_orario(text), eccezioni=exceptions, descrizione=name)
        for name, (text, exceptions) in SCHEDULES.items()
    ]
    keys = _open_keys()
    taken_back = 0
    for offset in range(14):
        day = date(2026, 12, 21) + timedelta(days=offset)
        for parte in (None, *orari.PARTI_DEL_GIORNO):
            (closed,) = closed_keys(SearchQuery(aperto_giorno=day, aperto_parte=parte or ""))
            for orario in schedules:
                if orario.aperto_nel_giorno(day, parte):
                    continue
                near = any(
                    e.data_inizio <= d <= e.data_fine
                    for e in orario.eccezioni.all()
                    for d in (day - timedelta(days=1), day)
                )
                assert closed in keys[orario.pk] or near, (orario.descrizione, day, parte)
                taken_back += closed in keys[orario.pk]
    for parte in orari.PARTI_DEL_GIORNO:
        (closed,) = closed_keys(SearchQuery(aperto_parte=parte))
        for orario in schedules:
            assert (closed in keys[orario.pk]) != orario.aperto_nella_parte(parte), orario
    assert taken_back > 50
    # A moment: its closed places cannot be told by the keys.
    assert closed_keys(SearchQuery(aperto_il=datetime(2026, 12, 21, 10, tzinfo=ROME))) is None


def test_a_moment_in_the_small_hours_asks_their_key_not_the_whole_days():
    sunday_night = SearchQuery(aperto_il=datetime(2026, 12, 21, 1, 30, tzinfo=ROME))
    assert open_keys(sunday_night) == [small_hours_key(0), postgres.SPECIAL_HOURS_KEY]
    clause, params = postgres.keyed_schedule_sql(sunday_night)
    # The rows the key gives pass the condition counted for its share: open then.
    assert _schedules_where(clause, params) == _schedules_where(
        *postgres.open_in_hours_sql("d", date(2026, 12, 21), (0, 6))
    )


def test_a_slot_opens_on_its_first_second_and_closes_on_its_last():
    (uffici,) = [orario_replace(fasce=orari.parse_orario("lun 09:00-12:30"))]
    monday = datetime(2026, 12, 21, tzinfo=ROME)
    assert _open_in_sql(monday.replace(hour=8, minute=59, second=59)) == set()
    assert _open_in_sql(monday.replace(hour=9)) == {uffici.pk}
    assert _open_in_sql(monday.replace(hour=12, minute=29, second=59)) == {uffici.pk}
    assert _open_in_sql(monday.replace(hour=12, minute=30)) == set()


SATURDAY_10 = "2026-12-19T10:00:00+01:00"


def test_a_schedule_rewritten_by_its_service_reaches_the_search(
    cerca, django_capture_on_commit_callbacks
):
    nido = cerca.servizi["nido"]  # lun-ven 08:00-16:00
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_il=SATURDAY_10))
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=nido, fasce=orari.parse_orario("lun-sab 08:00-16:00"))
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_il=SATURDAY_10))


def test_slots_and_exceptions_edited_one_by_one_reach_the_search(
    cerca, django_capture_on_commit_callbacks
):
    # As the admin's inlines save them: one row at a time.
    orario = cerca.servizi["nido"].orario
    with django_capture_on_commit_callbacks(execute=True):
        FasciaOraria.objects.create(orario=orario, giorno=5, apertura=time(9), chiusura=time(12))
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_il=SATURDAY_10))

    with django_capture_on_commit_callbacks(execute=True):
        EccezioneOrario.objects.create(
            orario=orario, data_inizio=date(2026, 12, 19), data_fine=date(2026, 12, 19)
        )
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_il=SATURDAY_10))
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_il="2026-12-26T10:00:00+01:00"))

    with django_capture_on_commit_callbacks(execute=True):
        orario.eccezioni.get().delete()
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_il=SATURDAY_10))


def test_a_deleted_schedule_leaves_its_service_never_open(
    cerca, django_capture_on_commit_callbacks
):
    monday_10 = "2026-12-21T10:00:00+01:00"
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_il=monday_10))
    with django_capture_on_commit_callbacks(execute=True):
        cerca.servizi["nido"].orario.delete()
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_il=monday_10))


def test_open_on_a_day_at_any_of_its_hours_through_both_backends(
    cerca, django_capture_on_commit_callbacks
):
    nido = cerca.servizi["nido"]  # lun-ven 08:00-16:00
    saturday, sunday = "2026-12-19", "2026-12-20"
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_giorno=saturday))
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(
            servizio=nido, fasce=orari.parse_orario("lun-ven 08:00-16:00; sab 22:00-01:00")
        )
    # Open on Saturday night, and on Sunday for the hour after midnight; not at 10:00.
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_giorno=saturday))
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_giorno=sunday))
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_il=SATURDAY_10))
    with django_capture_on_commit_callbacks(execute=True):
        EccezioneOrario.objects.create(
            orario=nido.orario, data_inizio=date(2026, 12, 19), data_fine=date(2026, 12, 19)
        )
    # Closed that Saturday: its night is gone too.
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_giorno=saturday))
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_giorno=sunday))
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_giorno="2026-12-26"))
    # The map shows the places of what the list finds.
    listed = cerca(aperto_giorno="2026-12-26", per_pagina=100)
    mapped = cerca(
        "/api/v1/cerca/mappa/", aperto_giorno="2026-12-26", bbox="9.0,45.2,9.5,45.6", zoom=16
    )
    assert {(p["tipo"], p["id"]) for p in mapped["points"]} == {
        (hit["tipo"], hit["id"]) for hit in listed["results"]
    }


def test_aperto_and_a_day_in_the_text_are_read_as_that_day_and_the_rest_is_searched(
    cerca, django_capture_on_commit_callbacks
):
    nido = cerca.servizi["nido"]  # lun-ven 08:00-16:00
    assert titoli(cerca(q="asilo aperto sabato")) == []
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=nido, fasce=orari.parse_orario("lun-sab 08:00-16:00"))
    body = cerca(q="asilo aperto sabato")
    assert titoli(body) == ["Asilo nido Il Girasole"]
    assert body["q"] == "asilo"
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    assert body["aperto_dal_testo"] == {
        "parole": "aperto sabato",
        "giorno": saturday.isoformat(),
        "parte": None,
        "adesso": False,
    }
    assert cerca(q="asilo aperto domenica")["results"] == []
    # Asked not to, or told when by a parameter, the words are words.
    for asked in ({"aperto_dal_testo": "false"}, {"aperto_giorno": saturday.isoformat()}):
        words = cerca(q="asilo aperto sabato", **asked)
        assert words["aperto_dal_testo"] is None and words["q"] == "asilo aperto sabato"
    # The map reads the text alike.
    mapped = cerca(
        "/api/v1/cerca/mappa/", q="asilo aperto sabato", bbox="9.0,45.2,9.5,45.6", zoom=16
    )
    assert {p["titolo"] for p in mapped["points"]} == {"Asilo nido Il Girasole"}


def test_open_in_a_part_of_a_day_or_of_the_week_through_both_backends(
    cerca, django_capture_on_commit_callbacks
):
    nido = cerca.servizi["nido"]  # lun-ven 08:00-16:00
    saturday, monday = "2026-12-19", "2026-12-21"
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_parte="pomeriggio"))
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_parte="sera"))
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(
            servizio=nido, fasce=orari.parse_orario("lun-ven 08:00-16:00; sab 16:00-19:00")
        )
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_parte="sera"))
    assert "Asilo nido Il Girasole" in titoli(cerca(aperto_giorno=saturday, aperto_parte="sera"))
    assert "Asilo nido Il Girasole" not in titoli(
        cerca(aperto_giorno=saturday, aperto_parte="mattina")
    )
    assert "Asilo nido Il Girasole" not in titoli(cerca(aperto_giorno=monday, aperto_parte="sera"))
    # The map groups the rows of what the list finds.
    listed = cerca(aperto_parte="sera", per_pagina=100)
    mapped = cerca("/api/v1/cerca/mappa/", aperto_parte="sera", bbox="9.0,45.2,9.5,45.6", zoom=16)
    assert {(p["tipo"], p["id"]) for p in mapped["points"]} == {
        (hit["tipo"], hit["id"]) for hit in listed["results"]
    }
    clusters = cerca("/api/v1/cerca/mappa/", aperto_parte="sera", bbox="9.0,45.2,9.5,45.6", zoom=9)
    assert sum(c["count"] for c in clusters["clusters"]) == len(mapped["points"])


def test_a_part_of_the_day_in_the_text_is_read_with_its_day_or_for_the_week(
    cerca, django_capture_on_commit_callbacks
):
    nido = cerca.servizi["nido"]
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=nido, fasce=orari.parse_orario("sab 16:00-19:00"))
    body = cerca(q="asilo aperto sabato sera")
    assert titoli(body) == ["Asilo nido Il Girasole"]
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    assert body["q"] == "asilo"
    assert body["aperto_dal_testo"] == {
        "parole": "aperto sabato sera",
        "giorno": saturday.isoformat(),
        "parte": "sera",
        "adesso": False,
    }
    assert titoli(cerca(q="asilo aperto sabato mattina")) == []
    evening = cerca(q="asilo aperto la sera")
    assert titoli(evening) == ["Asilo nido Il Girasole"]
    assert evening["aperto_dal_testo"]["giorno"] is None
    # A part given as a parameter: the words are words.
    words = cerca(q="asilo aperto sabato", aperto_parte="sera")
    assert words["aperto_dal_testo"] is None and words["q"] == "asilo aperto sabato"
