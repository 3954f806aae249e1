"""What every detail page shows the same way: schedules, open now, directions, structured data."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from marketplace import scheda
from servizi.models import EccezioneOrario
from tests.servizi.builders import make_servizio

ROME = ZoneInfo("Europe/Rome")
# A Monday.
MONDAY = date(2026, 3, 2)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ROME)


@pytest.fixture
def orario(db):
    servizio = make_servizio(orario="lun-ven 08:00-12:00, 14:00-18:00; sab 22:00-02:00")
    return servizio.orario


def test_open_now_says_until_when(orario):
    stato = scheda.stato_apertura(orario, at(MONDAY, 9, 30))
    assert stato.aperto and stato.fino_alle == at(MONDAY, 12)


def test_closed_now_says_when_it_opens_again(orario):
    lunch = scheda.stato_apertura(orario, at(MONDAY, 12, 30))
    assert not lunch.aperto and lunch.prossima_apertura == at(MONDAY, 14)
    friday_evening = scheda.stato_apertura(orario, at(MONDAY + timedelta(days=4), 19))
    assert friday_evening.prossima_apertura == at(MONDAY + timedelta(days=5), 22)  # Saturday night


def test_a_slot_past_midnight_is_open_on_the_next_morning(orario):
    sunday = MONDAY + timedelta(days=6)
    stato = scheda.stato_apertura(orario, at(sunday, 1, 30))
    assert stato.aperto and stato.fino_alle == at(sunday, 2)


def test_a_closure_day_is_closed_and_the_next_opening_skips_it(orario):
    EccezioneOrario.objects.create(
        orario=orario, data_inizio=MONDAY, data_fine=MONDAY, chiuso=True, descrizione="Festa"
    )
    stato = scheda.stato_apertura(orario, at(MONDAY, 9))
    assert not stato.aperto
    assert stato.prossima_apertura == at(MONDAY + timedelta(days=1), 8)


def test_the_week_lists_every_day_with_its_slots(orario):
    week = scheda.settimana(orario, today=MONDAY + timedelta(days=2))
    assert [g.giorno for g in week] == list(range(7))
    assert week[0].fasce == ["08:00–12:00", "14:00–18:00"]
    assert week[5].fasce == ["22:00–02:00"]
    assert week[6].fasce == []
    assert [g.oggi for g in week] == [False, False, True, False, False, False, False]
    with translation.override("en"):
        assert scheda.settimana(orario)[0].nome == "Monday"


def test_only_coming_exceptions_are_announced(orario):
    for start, end in [(-10, -5), (-1, 2), (30, 30), (200, 201)]:
        EccezioneOrario.objects.create(
            orario=orario,
            data_inizio=MONDAY + timedelta(days=start),
            data_fine=MONDAY + timedelta(days=end),
        )
    coming = scheda.eccezioni_prossime(orario, today=MONDAY)
    assert [e.data_inizio for e in coming] == [MONDAY - timedelta(days=1), MONDAY + timedelta(30)]


def test_directions_go_to_openstreetmap_with_or_without_a_start():
    to = Point(9.2558, 45.4188, srid=4326)
    assert scheda.directions_url(to) == (
        "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot"
        "&route=%3B45.418800%2C9.255800"
    )
    start = Point(9.27, 45.41, srid=4326)
    assert "route=45.410000%2C9.270000%3B45.418800%2C9.255800" in scheda.directions_url(to, start)


def test_the_starting_point_is_validated():
    assert scheda.partenza({}) == (None, [])
    point, errors = scheda.partenza({"da": "45.41,9.27"})
    assert (point.y, point.x, errors) == (45.41, 9.27, [])
    for bad in ["casa", "45.41", "145,9", "45,200"]:
        point, errors = scheda.partenza({"da": bad})
        assert point is None and len(errors) == 1 and bad in errors[0]
    with translation.override("en"):
        assert "is not a position" in scheda.partenza({"da": "casa"})[1][0]


def test_places_say_their_distance_and_come_nearest_first(db):
    from tests.servizi.builders import MELEGNANO, SAN_DONATO, make_ente, make_sede

    ente = make_ente()
    far, near = make_sede(ente, punto=MELEGNANO), make_sede(ente, punto=SAN_DONATO)
    luoghi = scheda.luoghi([far, near], da=Point(9.2686, 45.4103, srid=4326))
    assert [luogo.sede for luogo in luoghi] == [near, far]
    assert luoghi[0].distanza_km == 0.0
    assert 7 < luoghi[1].distanza_km < 8  # San Donato - Melegnano, on the ground
    assert scheda.luoghi([far])[0].distanza_km is None


def test_structured_data_cannot_close_its_script_element():
    html = Template("{% load sito %}{{ data|json_ld }}").render(
        Context({"data": {"name": "</script><script>alert(1)</script>"}})
    )
    assert html.startswith('<script type="application/ld+json">')
    assert html.count("</script>") == 1
    payload = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(payload)["name"] == "</script><script>alert(1)</script>"


def test_opening_hours_in_schema_org(orario):
    EccezioneOrario.objects.create(orario=orario, data_inizio=MONDAY, data_fine=MONDAY)
    specs = scheda.schema_opening_hours(orario, today=MONDAY)
    assert specs[0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "08:00",
        "closes": "12:00",
    }
    assert specs[-1]["validFrom"] == MONDAY.isoformat()
    assert specs[-1]["opens"] == specs[-1]["closes"] == "00:00"  # closed that day


def test_the_agreements_block_lists_what_the_agreements_app_gives_it():
    html = render_to_string(
        "marketplace/scheda/_convenzioni.html",
        {
            "convenzioni": [
                {
                    "titolo": "Sconto 10% per i dipendenti",
                    "url": "/convenzioni/1/",
                    "ente": "Lavanderia Bolla Blu",
                    "beneficio": "10% su ogni lavaggio",
                    "valida_fino": date(2027, 6, 30),
                }
            ]
        },
    )
    assert '<a href="/convenzioni/1/">Sconto 10% per i dipendenti</a>' in html
    assert "valida fino al 30 Giugno 2027" in html  # Django's Italian month names
    assert "Nessuna convenzione attiva." in render_to_string(
        "marketplace/scheda/_convenzioni.html", {"convenzioni": []}
    )


def test_the_schedule_block_marks_today_and_the_state(orario, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: at(MONDAY, 10).astimezone(ZoneInfo("UTC"))
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: MONDAY)
    html = Template("{% load sito %}{% orario_scheda orario %}").render(Context({"orario": orario}))
    assert "Aperto ora" in html and "chiude alle 12:00" in html
    assert '<tr class="oggi" aria-current="date">' in html
    assert html.count("<tr") == 7
    assert "08:00–12:00, 14:00–18:00" in html
