"""The SQL "open at" agrees with the Python schedule rules, and the search rows, which copy
their schedule, follow every way a schedule changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from marketplace.search.backends.postgres import open_at_sql
from marketplace.search.index import schedule_values
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
    clause, params = open_at_sql("d", when)
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
