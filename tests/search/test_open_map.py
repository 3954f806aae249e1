"""The map of what is open at a moment, from the weekly spans of the map cells
(CellaOraria), is the map that grouping the open places would give: at every half hour
of a week with closures, special hours and nights across midnight, and after the
schedules change. So is the map of what is open on a day, from the cells' weekdays
(CellaGiorno), on every day of three weeks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from importlib import import_module

import pytest
from django.db import connection

from marketplace.search.backends import postgres
from marketplace.search.index import rebuild_index
from marketplace.search.models import CellaGiorno, CellaMappa, CellaOraria
from servizi import orari
from servizi.models import Servizio
from servizi.services import servizio_update
from tests.search.test_open_at import ROME, SCHEDULES
from tests.search.test_scale import PLACES, _clusters, _query
from tests.servizi.builders import make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db
REGION = {"bbox": "8.5,44.7,11.4,46.6"}
NAMES = list(SCHEDULES)


@pytest.fixture
def scheduled(django_capture_on_commit_callbacks):
    """The places of PLACES (nine of them in a few neighbouring cells), each with a
    service whose schedule is one of SCHEDULES in turn, and one without a schedule."""
    with django_capture_on_commit_callbacks(execute=True):
        for number, punto in enumerate(PLACES):
            ente = make_ente(nome=f"Ente {number}")
            text, exceptions = SCHEDULES[NAMES[number % len(NAMES)]]
            make_servizio(
                ente=ente,
                titolo=f"Servizio {number}",
                sedi=[make_sede(ente=ente, punto=punto)],
                orario=text,
                eccezioni=exceptions,
            )
        ente = make_ente(nome="Senza orario")
        make_servizio(
            ente=ente, titolo="Senza orario", sedi=[make_sede(ente=ente, punto=PLACES[0])]
        )


def _from_rows(client, monkeypatch, **params):
    with monkeypatch.context() as patched:
        patched.setattr(postgres, "cells_filter", lambda query: None)
        return _clusters(client, **params)


def test_the_open_map_from_the_spans_is_grouping_the_open_places_every_half_hour(
    client, scheduled, monkeypatch
):
    start = datetime(2026, 12, 21, 0, 15, tzinfo=ROME)  # Monday before Christmas
    open_somewhere = 0
    for step in range(8 * 48):  # to the small hours of the next Monday
        when = (start + timedelta(minutes=30 * step)).isoformat()
        zoom = (9, 11, 13)[step % 3]
        area = {**REGION, "zoom": zoom, "aperto_il": when}
        from_spans = _clusters(client, **area)
        assert from_spans == _from_rows(client, monkeypatch, **area), when
        open_somewhere += bool(from_spans)
    assert 0 < open_somewhere < 8 * 48  # the week has hours open and hours closed


@pytest.mark.parametrize("raggio_km", [1, 30])
def test_the_open_map_within_a_radius_is_grouping_the_open_places(
    client, scheduled, monkeypatch, raggio_km
):
    """The spans of the cells inside the circle, the rows of those on its edge."""
    around = {"lat": PLACES[0].y, "lon": PLACES[0].x, "raggio_km": raggio_km}
    start = datetime(2026, 12, 24, 7, 45, tzinfo=ROME)  # Christmas Eve to Boxing Day
    open_somewhere = 0
    for step in range(0, 3 * 48, 5):
        when = (start + timedelta(minutes=30 * step)).isoformat()
        area = {**REGION, **around, "zoom": (9, 13)[step % 2], "aperto_il": when}
        from_spans = _clusters(client, **area)
        assert from_spans == _from_rows(client, monkeypatch, **area), when
        open_somewhere += bool(from_spans)
    assert open_somewhere


def test_a_span_opens_on_its_first_second_and_closes_on_its_last(client, scheduled):
    def open_places(when: datetime) -> int:
        clusters = _clusters(client, **REGION, zoom=9, aperto_il=when.isoformat())
        return sum(count for count, _c, _b in clusters)

    tuesday = datetime(2026, 12, 15, tzinfo=ROME)  # no exception that week
    # "uffici" (three places) 09:00-12:30 and 14:00-17:00; "con chiusura" (three)
    # every day 08:00-20:00; "orario speciale" (three) 09:00-18:00.
    assert open_places(tuesday.replace(hour=8, minute=59, second=59)) == 3
    assert open_places(tuesday.replace(hour=9)) == 9
    assert open_places(tuesday.replace(hour=12, minute=29, second=59)) == 9
    assert open_places(tuesday.replace(hour=12, minute=30)) == 6


def test_the_open_map_reads_the_spans_unless_something_else_is_asked():
    monday = "2026-12-21T10:00:00+01:00"
    key = postgres.cells_filter(_query(**REGION, aperto_il=monday))
    assert key == postgres.CellsKey(aperto=datetime(2026, 12, 21, 10, tzinfo=ROME))
    assert postgres.cells_filter(_query(**REGION, aperto_ora="true")).aperto is not None
    for more in ({"categoria": "anziani"}, {"gratuito": "true"}, {"q": "nido"}):
        assert postgres.cells_filter(_query(**REGION, aperto_il=monday, **more)) is None


def test_the_day_map_reads_the_weekdays_unless_something_else_is_asked():
    key = postgres.cells_filter(_query(**REGION, aperto_giorno="2026-12-21"))
    assert key == postgres.CellsKey(giorno=date(2026, 12, 21))
    around = {"lat": PLACES[0].y, "lon": PLACES[0].x, "raggio_km": 5}
    assert postgres.cells_filter(_query(**REGION, **around, aperto_giorno="2026-12-21")) == key
    for more in ({"categoria": "anziani"}, {"gratuito": "true"}, {"q": "nido"}):
        assert postgres.cells_filter(_query(**REGION, aperto_giorno="2026-12-21", **more)) is None
        assert postgres.cells_filter(_query(**REGION, aperto_parte="sera", **more)) is None
    evening = postgres.cells_filter(
        _query(**REGION, aperto_giorno="2026-12-21", aperto_parte="sera")
    )
    assert evening == postgres.CellsKey(giorno=date(2026, 12, 21), parte="sera")
    week = postgres.cells_filter(_query(**REGION, aperto_parte="sera"))
    assert week == postgres.CellsKey(parte="sera")


@pytest.mark.parametrize("parte", ["", *orari.PARTI_DEL_GIORNO])
def test_the_day_map_from_the_weekdays_is_grouping_the_places_open_that_day(
    client, scheduled, monkeypatch, parte
):
    """Three weeks around Christmas: the closures, the special hours and the nights
    across midnight (Sunday's into Monday, Thursday's into a closed Friday); the whole
    day and each of its parts."""
    first = date(2026, 12, 14)
    open_somewhere = set()
    for step in range(21):
        day = first + timedelta(days=step)
        area = {**REGION, "zoom": (9, 11, 13)[step % 3], "aperto_giorno": day.isoformat()}
        area |= {"aperto_parte": parte} if parte else {}
        from_cells = _clusters(client, **area)
        assert from_cells == _from_rows(client, monkeypatch, **area), day
        open_somewhere.add(sum(count for count, _c, _b in from_cells))
    assert len(open_somewhere) > 2  # the days differ: the test tells them apart


def test_the_map_of_a_part_of_the_week_from_the_cells_is_grouping_the_places_open_then(
    client, scheduled, monkeypatch
):
    around = {"lat": PLACES[0].y, "lon": PLACES[0].x, "raggio_km": 1}
    counts = set()
    for parte in orari.PARTI_DEL_GIORNO:
        for zoom, more in ((9, {}), (13, {}), (9, around)):
            area = {**REGION, **more, "zoom": zoom, "aperto_parte": parte}
            from_cells = _clusters(client, **area)
            assert from_cells == _from_rows(client, monkeypatch, **area), (parte, zoom, more)
        region = _clusters(client, **REGION, zoom=9, aperto_parte=parte)
        counts.add(sum(count for count, _c, _b in region))
    assert len(counts) > 1


@pytest.mark.parametrize("raggio_km", [1, 30])
def test_the_day_map_within_a_radius_is_grouping_the_places_open_that_day(
    client, scheduled, monkeypatch, raggio_km
):
    around = {"lat": PLACES[0].y, "lon": PLACES[0].x, "raggio_km": raggio_km}
    for step in range(7):
        day = date(2026, 12, 22) + timedelta(days=step)  # Tuesday to Monday, Christmas
        area = {**REGION, **around, "zoom": (9, 13)[step % 2], "aperto_giorno": day.isoformat()}
        from_cells = _clusters(client, **area)
        assert from_cells
        assert from_cells == _from_rows(client, monkeypatch, **area), day


@pytest.mark.parametrize(
    "saturday",
    [{"aperto_il": "2026-12-19T10:00:00+01:00"}, {"aperto_giorno": "2026-12-19"}],
    ids=["the spans of a moment", "the weekdays of a day"],
)
def test_the_cells_of_what_is_open_follow_a_schedule_changed(
    client, scheduled, monkeypatch, django_capture_on_commit_callbacks, saturday
):
    area = {**REGION, "zoom": 9, **saturday}

    def open_places() -> int:
        clusters = _clusters(client, **area)
        assert clusters == _from_rows(client, monkeypatch, **area)
        return sum(count for count, _c, _b in clusters)

    before = open_places()
    servizio = Servizio.objects.get(titolo="Servizio 0")  # "uffici": closed on Saturday
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=servizio, fasce=orari.parse_orario("sab 09:00-12:00"))
    assert open_places() == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        servizio.delete()
    assert open_places() == before


def test_a_place_counts_once_on_each_weekday_its_week_meets(scheduled):
    """Each weekday's cells count the places that servizi.orari.is_open_on finds open on
    that weekday (and in each of its parts) in a week without exceptions (Sunday's night
    into Monday included); the week's, those open in a part of some day of it."""
    per_weekday = {
        giorno: sum(CellaGiorno.objects.filter(giorno=giorno, parte="").values_list("n", flat=True))
        for giorno in range(7)
    }
    monday = date(2026, 12, 14)  # the exceptions are at Christmas
    schedules = [
        orari.parse_orario(SCHEDULES[NAMES[n % len(NAMES)]][0]) for n in range(len(PLACES))
    ]
    expected = {
        giorno: sum(
            orari.is_open_on(fasce, [], monday + timedelta(days=giorno)) for fasce in schedules
        )
        for giorno in range(7)
    }
    assert per_weekday == expected
    assert len(set(expected.values())) > 1
    for parte in orari.PARTI_DEL_GIORNO:
        cells = CellaGiorno.objects.filter(parte=parte)
        for giorno in range(7):
            day = monday + timedelta(days=giorno)
            in_cells = sum(cells.filter(giorno=giorno).values_list("n", flat=True))
            assert in_cells == sum(orari.is_open_on(f, [], day, parte) for f in schedules)
        in_cells = sum(cells.filter(giorno__isnull=True).values_list("n", flat=True))
        assert in_cells == sum(orari.is_open_in_part_of_week(f, parte) for f in schedules)
    assert not CellaGiorno.objects.filter(n__lte=0).exists()


def test_each_span_holds_the_places_open_all_through_it(scheduled):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_cella_orario a JOIN search_cella_orario b "
            "ON (a.tipo, a.cella_x, a.cella_y) = (b.tipo, b.cella_x, b.cella_y) "
            "AND a.id < b.id AND a.periodo && b.periodo"
        )
        assert cursor.fetchone()[0] == 0  # a cell's spans never overlap
    assert not CellaOraria.objects.filter(n__lte=0).exists()
    assert CellaOraria.objects.filter(periodo__startswith__lt=0).count() == 0
    assert CellaOraria.objects.filter(periodo__endswith__gt=7 * 86400).count() == 0


@pytest.mark.parametrize(
    ("migration_name", "model", "column"),
    [("0014_celle_orarie", CellaOraria, "periodo"), ("0039_celle_giorno", CellaGiorno, "giorno")],
)
def test_the_migration_of_a_table_of_cells_fills_what_a_rebuild_writes(
    scheduled, migration_name, model, column
):
    migration = import_module(f"marketplace.migrations.{migration_name}")
    columns = ["tipo", "cella_x", "cella_y", column, "n", "min_lon", "max_lat"]
    rebuilt = sorted(model.objects.values_list(*columns), key=repr)
    model.objects.all().delete()
    migration.fill(None, connection.schema_editor())
    assert sorted(model.objects.values_list(*columns), key=repr) == rebuilt
    assert len(rebuilt) > len(PLACES)


def test_a_rebuild_in_an_earlier_migration_writes_the_cells_its_tables_have(scheduled):
    """Migration 0037 rebuilds the index with today's code, before 0039 adds the
    weekdays' table: the rebuild writes the cells of the tables there are."""
    cells = CellaMappa.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE search_cella_giorno")
        rebuild_index()
        cursor.execute("SELECT to_regclass('search_cella_giorno')")
        assert cursor.fetchone()[0] is None
    assert CellaMappa.objects.count() == cells > 0
