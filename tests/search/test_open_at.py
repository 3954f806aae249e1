"""The SQL "open at" used to filter searches agrees with the Python schedule rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from marketplace.search.backends.postgres import open_at_sql
from servizi import orari
from servizi.models import Orario
from servizi.services import orario_replace

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")

SCHEDULES = {
    "uffici": ("lun-ven 09:00-12:30, 14:00-17:00", []),
    "notturno": ("gio-ven 21:00-03:00; sab 03:00-03:00", []),
    "con chiusura": (
        "lun-dom 08:00-20:00; ven 22:00-01:00",
        [orari.Eccezione(date(2026, 12, 25), date(2026, 12, 26), chiuso=True)],
    ),
    "orario speciale": (
        "lun-ven 09:00-18:00",
        [orari.Eccezione(date(2026, 12, 24), date(2026, 12, 24), False, time(22), time(2))],
    ),
}


def _open_in_sql(when: datetime) -> set[int]:
    clause, params = open_at_sql("o.id", when)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT o.id FROM servizi_orario o WHERE {clause}", params)
        return {row[0] for row in cursor.fetchall()}


def test_sql_and_python_agree_every_half_hour_of_a_week_with_exceptions():
    schedules = [
        orario_replace(fasce=orari.parse_orario(text), eccezioni=exceptions, descrizione=name)
        for name, (text, exceptions) in SCHEDULES.items()
    ]
    start = datetime(2026, 12, 21, 0, 15, tzinfo=ROME)  # Monday before Christmas
    for step in range(7 * 48):
        when = start + timedelta(minutes=30 * step)
        in_python = {
            o.pk
            for o in Orario.objects.filter(pk__in=[s.pk for s in schedules])
            if o.aperto_il(when)
        }
        assert _open_in_sql(when) == in_python, when
