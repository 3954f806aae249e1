"""The map of a text made of one of the commonest words reads that word's map cells,
and draws what grouping the matching rows would draw (models.Lessema.nelle_celle)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from importlib import import_module

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from marketplace.search.backends import postgres
from marketplace.search.models import CellaMappa, Lessema
from marketplace.search.sql import quoted_lexeme, unquoted_lexeme
from servizi import orari
from servizi.models import Servizio
from servizi.services import servizio_update
from tests.search.conftest import MELEGNANO, PLACES, all_cells, categorie
from tests.search.test_scale import _clusters, _query
from tests.servizi.builders import make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db

REGION = {"bbox": "8.5,44.7,11.4,46.6"}


def _rebuild(settings, min_rows: int) -> None:
    settings.SEARCH_MAP_WORD_CELLS_MIN_ROWS = min_rows
    call_command("search_index", rebuild=True, no_progress=True, verbosity=0)


@pytest.fixture
def common_word(many, settings):
    """`many` (21 places matching "assistenza", 14 "serale"), rebuilt with cells for the
    words of at least 15 rows."""
    _rebuild(settings, 15)


def _places_in_word_cells(lexeme: str) -> int:
    cells = CellaMappa.objects.filter(filtro=f"parola={lexeme}", gratuito__isnull=True)
    return cells.aggregate(Sum("n"))["n__sum"] or 0


def test_a_rebuild_gives_cells_to_the_words_of_at_least_the_configured_rows(many, settings):
    _rebuild(settings, 15)
    with_cells = set(Lessema.objects.filter(nelle_celle=True).values_list("lessema", flat=True))
    assert "assistent" in with_cells  # 21 rows
    assert "seral" not in with_cells  # 14: "Anche assistenza serale."
    assert _places_in_word_cells("assistent") == len(PLACES)
    # Split by cost, access and provider kind too, as the categories': each place once.
    split = CellaMappa.objects.filter(filtro="parola=assistent", gratuito__isnull=False)
    assert split.aggregate(Sum("n"))["n__sum"] == len(PLACES)

    _rebuild(settings, 22)  # more than any word has
    assert not Lessema.objects.filter(nelle_celle=True).exists()
    assert not CellaMappa.objects.filter(filtro__startswith="parola=").exists()


def test_only_a_text_alone_of_a_word_with_cells_is_answered_from_them(common_word):
    key = postgres.CellsKey
    assert postgres.cells_filter(_query(**REGION, q="assistenza")) == key("parola=assistent")
    # A point orders, it filters nothing; a radius reads the cells inside the circle.
    around = {"lat": MELEGNANO.y, "lon": MELEGNANO.x}
    assert postgres.cells_filter(_query(**REGION, q="assistenza", **around)) == key(
        "parola=assistent"
    )
    assert postgres.cells_filter(_query(**REGION, q="assistenza", raggio_km=5, **around)) == key(
        "parola=assistent"
    )
    assert postgres.cells_filter(_query(**REGION, q="assistenza", tipo="servizio")) == key(
        "parola=assistent"
    )
    # Cost, access and provider kind: the word's split cells.
    assert postgres.cells_filter(_query(**REGION, q="assistenza", gratuito="true")) == key(
        "parola=assistent", (("gratuito", True),)
    )
    assert postgres.cells_filter(
        _query(**REGION, q="assistenza", accessibile="false", tipo_ente="pubblico", **around)
    ) == key("parola=assistent", (("accessibile", False), ("tipo_ente", "pubblico")))
    # Another word, or another filter beside the word: the rows are grouped.
    assert postgres.cells_filter(_query(**REGION, q="serale")) is None  # 14 rows
    assert postgres.cells_filter(_query(**REGION, q="serale", gratuito="true")) is None
    assert postgres.cells_filter(_query(**REGION, q="assistenza domiciliare")) is None
    assert postgres.cells_filter(_query(**REGION, q="assistenza", categoria="anziani")) is None
    assert (
        postgres.cells_filter(_query(**REGION, q="assistenza", lingua="en", gratuito="true"))
        is None
    )
    assert postgres.cells_filter(_query(**REGION, q="assistenza", comune="015146")) is None
    assert (
        postgres.cells_filter(_query(**REGION, q="assistenza", aperto_il="2026-12-07T10:00"))
        is None
    )
    # Synonyms make a text of several words ("badante": "assistente familiare", …).
    assert postgres.cells_filter(_query(**REGION, q="badante")) is None


@pytest.mark.parametrize("zoom", [5, 9, 11, 13])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "assistenza"},
        {"q": "assistenza", "tipo": "servizio"},
        {"q": "assistenza", "tipo": "pit"},  # no info point has the word
        {"q": "assistenza", "lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": 2},
        {"q": "assistenza", "lat": MELEGNANO.y, "lon": MELEGNANO.x, "raggio_km": 30},
    ],
)
def test_a_map_of_a_common_word_from_its_cells_is_grouping_its_rows(
    client, common_word, monkeypatch, zoom, params
):
    area = {**REGION, "zoom": zoom, **params}
    with CaptureQueriesContext(connection) as captured:
        from_cells = _clusters(client, **area)
    (statement,) = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    assert "FROM search_cella WHERE" in statement
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    assert from_cells == _clusters(client, **area)


@pytest.mark.parametrize("zoom", [5, 9, 13])
@pytest.mark.parametrize("raggio_km", [None, 2, 33])
@pytest.mark.parametrize(
    "filtri",
    [
        {"gratuito": "true"},
        {"gratuito": "false", "accessibile": "true"},
        {"tipo_ente": "impresa"},
        {"tipo_ente": "pubblico", "accessibile": "false", "gratuito": "true"},
        {"tipo_ente": "terzo_settore", "tipo": "servizio"},
    ],
)
def test_a_map_of_a_common_word_with_cost_access_or_provider_is_grouping_its_rows(
    client, varied, settings, monkeypatch, zoom, raggio_km, filtri
):
    """`varied`: 21 services "Servizio N" whose cost, access and provider kind vary from
    place to place."""
    _rebuild(settings, 15)
    area = {**REGION, "zoom": zoom, "q": "servizio", **filtri}
    if raggio_km:
        area.update(lat=MELEGNANO.y, lon=MELEGNANO.x, raggio_km=raggio_km)
    with CaptureQueriesContext(connection) as captured:
        from_cells = _clusters(client, **area)
    (statement,) = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    assert "FROM search_cella WHERE" in statement
    assert "gratuito IS NOT NULL" in statement
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    assert from_cells == _clusters(client, **area)
    assert from_cells  # each combination has some places in the region


MONDAY, SUNDAY = date(2026, 12, 21), date(2026, 12, 20)


@pytest.fixture
def word_with_hours(varied, settings, django_capture_on_commit_callbacks):
    """`varied` (21 services "Servizio N"), with cells for "servizio", open at varied
    hours: some closed on Monday by an exception, some opened on Sunday by special
    hours, some whose night from Thursday runs into Friday."""
    weeks = [
        "lun-ven 09:00-17:00",
        "lun-sab 18:30-20:00",
        "dom 10:00-12:00",
        "gio 21:00-03:00",
        "sab 08:00-13:00",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for number, servizio in enumerate(Servizio.objects.order_by("pk")):
            exceptions = []
            if number % 3 == 1:
                exceptions.append(orari.Eccezione(MONDAY, MONDAY))
            if number % 7 == 3:
                exceptions.append(orari.Eccezione(SUNDAY, SUNDAY, False, time(17), time(19)))
            servizio_update(
                servizio=servizio,
                fasce=orari.parse_orario(weeks[number % 5]),
                eccezioni=exceptions,
            )
    _rebuild(settings, 15)


@pytest.mark.parametrize("zoom", [9, 13])
@pytest.mark.parametrize("filtri", [{}, {"gratuito": "true"}])
@pytest.mark.parametrize(
    "hours",
    [
        {"aperto_giorno": "2026-12-21"},
        {"aperto_giorno": "2026-12-20"},
        {"aperto_giorno": "2026-12-25"},
        {"aperto_giorno": "2026-12-21", "aperto_parte": "sera"},
        {"aperto_parte": "mattina"},
        {"aperto_giorno": "2026-12-21", "raggio_km": 13},
    ],
)
def test_a_map_of_a_common_word_open_then_is_its_cells_less_its_places_closed(
    client, word_with_hours, monkeypatch, zoom, filtri, hours
):
    """Where most of the word's matches are open, its cells less the places closed at
    the hours asked (postgres._CLOSED_ROWS) count and centre the clusters as grouping
    the open places does; their bounds are those of the word's places in the clusters'
    cells, open or not, and hold the open places'."""
    area = {**REGION, "zoom": zoom, "q": "servizio", **filtri, **hours}
    if "raggio_km" in hours:
        area.update(lat=MELEGNANO.y, lon=MELEGNANO.x)
    monkeypatch.setattr(postgres, "_keyed_open_share", lambda query: 0.9)
    with CaptureQueriesContext(connection) as captured:
        less_closed = client.get("/api/v1/cerca/mappa/", area).json()
    (statement,) = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    asked = {name: value for name, value in hours.items() if name.startswith("aperto_")}
    closed = postgres.closed_keys(_query(**asked))
    assert "FROM search_cella WHERE" in statement and str(closed[0]) in statement
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    grouped = client.get("/api/v1/cerca/mappa/", area).json()

    def counted(body: dict) -> list:
        return sorted((c["count"], c["centro"]) for c in body["clusters"])

    assert counted(less_closed) == counted(grouped)
    exact = {(c["count"], tuple(c["centro"])): c["bounds"] for c in grouped["clusters"]}
    for cluster in less_closed["clusters"]:
        west, south, east, north = exact[(cluster["count"], tuple(cluster["centro"]))]
        wider = cluster["bounds"]
        assert wider[0] <= west and wider[1] <= south and wider[2] >= east and wider[3] >= north
    if "raggio_km" not in hours:
        open_places = sum(count for count, _centre in counted(grouped))
        assert 0 < open_places < (len(PLACES) if not filtri else 11)


def test_a_common_word_open_then_reads_its_cells_only_where_most_of_its_matches_are(
    word_with_hours, monkeypatch
):
    monday = _query(**REGION, q="servizio", aperto_giorno="2026-12-21")
    monkeypatch.setattr(postgres, "_keyed_open_share", lambda query: 0.5)
    assert postgres.cells_filter(monday) == postgres.CellsKey(
        "parola=serviz", giorno=MONDAY, parte=""
    )
    assert postgres.cells_filter(monday).less_closed
    evening = _query(**REGION, q="servizio", aperto_parte="sera", gratuito="true")
    assert postgres.cells_filter(evening) == postgres.CellsKey(
        "parola=serviz", (("gratuito", True),), parte="sera"
    )
    # Fewer than half open: the open matches are grouped, found through the keys of
    # the hours; a moment's closed places the keys cannot tell.
    monkeypatch.setattr(postgres, "_keyed_open_share", lambda query: 0.4)
    assert postgres.cells_filter(monday) is None
    monkeypatch.setattr(postgres, "_keyed_open_share", lambda query: 0.9)
    at_ten = _query(**REGION, q="servizio", aperto_il="2026-12-21T10:00:00+01:00")
    assert postgres.cells_filter(at_ten) is None
    # Another filter than cost, access and provider kind: no cells.
    assert postgres.cells_filter(replace(monday, categorie=("anziani",))) is None


def test_migration_0027_adds_the_split_cells_of_the_words_a_rebuild_writes(varied, settings):
    """Its statements back (the words' split cells go) and forward, on the cells of a
    rebuild: the same cells again (the sums to 9 decimals: they add the same numbers in
    another order); forward twice, the same (the split cells of the words go first)."""
    migration = import_module("marketplace.migrations.0027_celle_parole_divise")
    _rebuild(settings, 15)
    rebuilt = all_cells()
    assert CellaMappa.objects.filter(filtro="parola=serviz", gratuito__isnull=False).exists()
    with connection.cursor() as cursor:
        cursor.execute(migration.DROP_WORD_SPLIT_CELLS)
        # Only those: the words' whole cells and the categories' split ones stay.
        assert all_cells() == [
            c for c in rebuilt if not (c[1].startswith("parola=") and c[4] is not None)
        ]
        for _ in range(2):
            cursor.execute(migration.DROP_WORD_SPLIT_CELLS)
            cursor.execute(migration.FILL_WORD_SPLIT_CELLS)
    assert all_cells() == rebuilt


def test_the_word_cells_follow_the_changes_of_the_catalogue(
    client, common_word, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        # One service loses the word (its description and its category had it), a new
        # one has it in Bergamo.
        servizio_update(
            servizio=Servizio.objects.get(titolo="Servizio 1"),
            descrizione="",
            categorie=categorie("infanzia.nido"),
        )
        ente = make_ente(nome="Ente nuovo")
        make_servizio(
            ente=ente,
            titolo="Assistenza educativa",
            sedi=[make_sede(ente=ente, punto=Point(9.6700, 45.6950, srid=4326))],
        )
    assert _places_in_word_cells("assistent") == len(PLACES)
    area = {**REGION, "zoom": 9, "q": "assistenza"}
    from_cells = _clusters(client, **area)
    assert sum(count for count, _c, _b in from_cells) == len(PLACES)
    monkeypatch.setattr(postgres, "cells_filter", lambda query: None)
    assert from_cells == _clusters(client, **area)


def test_a_word_without_cells_is_mapped_by_grouping_its_rows(client, many):
    # Without a rebuild no word has cells (the migration gives none).
    assert not Lessema.objects.filter(nelle_celle=True).exists()
    with CaptureQueriesContext(connection) as captured:
        clusters = _clusters(client, **REGION, zoom=9, q="assistenza")
    assert sum(count for count, _c, _b in clusters) == len(PLACES)
    assert not [q for q in captured.captured_queries if "FROM search_cella" in q["sql"]]


@pytest.mark.parametrize("lexeme", ["assistent", "l'asil", "c:\\nido", "''"])
def test_a_lexeme_is_read_back_from_its_quoted_text(lexeme):
    assert unquoted_lexeme(quoted_lexeme(lexeme)) == lexeme
