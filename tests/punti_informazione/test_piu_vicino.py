"""The nearest open PIT from any point: KNN on geography, distances in metres, open by
the rules of the schedules (servizi.orari); as a selector and through the API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point

from punti_informazione.selectors import punti_aperti_piu_vicini
from tests.conftest import DUOMO_MILANO, MUNICIPIO_SAN_DONATO
from tests.punti_informazione.builders import MELEGNANO, PAULLO, ROZZANO, make_punto

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
MARTEDI_10 = datetime(2025, 3, 4, 10, 0, tzinfo=ROME)
MARTEDI_16 = datetime(2025, 3, 4, 16, 0, tzinfo=ROME)
DOMENICA_10 = datetime(2025, 3, 9, 10, 0, tzinfo=ROME)


@pytest.fixture
def punti():
    return {
        "san_donato": make_punto(nome="San Donato mattina", orario="lun-ven 09:00-12:00"),
        "melegnano": make_punto(
            nome="Melegnano pomeriggio", punto=MELEGNANO, orario="lun-ven 14:00-18:00"
        ),
        "rozzano": make_punto(
            nome="Rozzano tutti i giorni", punto=ROZZANO, orario="lun-dom 08:00-20:00"
        ),
        "paullo": make_punto(nome="Paullo senza orario", punto=PAULLO, orario=None),
        "chiuso": make_punto(
            nome="San Donato non attivo", orario="lun-dom 00:00-00:00", attivo=False
        ),
    }


def names(found) -> list[str]:
    return [p.nome for p in found]


def test_the_nearest_open_one_at_each_hour(punti):
    assert names(punti_aperti_piu_vicini(punto=MUNICIPIO_SAN_DONATO, quando=MARTEDI_10)) == [
        "San Donato mattina"
    ]
    assert names(punti_aperti_piu_vicini(punto=MUNICIPIO_SAN_DONATO, quando=MARTEDI_16)) == [
        "Melegnano pomeriggio"
    ]
    assert names(punti_aperti_piu_vicini(punto=MUNICIPIO_SAN_DONATO, quando=DOMENICA_10)) == [
        "Rozzano tutti i giorni"
    ]


def test_nearest_first_with_distances_in_metres_on_the_ground(punti):
    found = punti_aperti_piu_vicini(punto=MUNICIPIO_SAN_DONATO, quando=MARTEDI_10, limite=5)
    assert names(found) == ["San Donato mattina", "Rozzano tutti i giorni"]
    assert found[0].distanza_m == pytest.approx(0, abs=1)
    # San Donato's town hall to Rozzano: about 10.4 km (sphere), never degrees.
    assert 9_000 < found[1].distanza_m < 12_000
    distances = [p.distanza_m for p in found]
    assert distances == sorted(distances)


def test_a_pit_without_a_schedule_or_inactive_is_never_open(punti):
    found = punti_aperti_piu_vicini(punto=PAULLO, quando=MARTEDI_10, limite=10)
    assert "Paullo senza orario" not in names(found)
    assert "San Donato non attivo" not in names(found)


def test_within_a_radius_or_nothing(punti):
    assert punti_aperti_piu_vicini(punto=DUOMO_MILANO, quando=DOMENICA_10, raggio_m=3_000) == []
    found = punti_aperti_piu_vicini(punto=DUOMO_MILANO, quando=DOMENICA_10, raggio_m=20_000)
    assert names(found) == ["Rozzano tutti i giorni"]


def test_many_candidates_are_walked_a_chunk_at_a_time(punti):
    for i in range(7):
        make_punto(nome=f"Chiuso di domenica {i}", orario="lun-ven 09:00-12:00")
    found = punti_aperti_piu_vicini(punto=MUNICIPIO_SAN_DONATO, quando=DOMENICA_10, chunk=2)
    assert names(found) == ["Rozzano tutti i giorni"]


def test_the_api(client, punti):
    response = client.get(
        "/api/v1/pit/piu-vicino/",
        {"lat": 45.4103, "lon": 9.2686, "quando": "2025-03-04T16:00:00+01:00", "limite": 2},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    features = body["features"]
    assert [f["properties"]["nome"] for f in features] == [
        "Melegnano pomeriggio",
        "Rozzano tutti i giorni",
    ]
    first = features[0]
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["aperto_ora"] is True  # at the time asked
    assert first["properties"]["distanza_m"] > 5_000
    assert first["properties"]["sede"]["comune"]["nome"] == "Melegnano"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 91, "lon": 9}, "lat"),
        ({"lat": 45, "lon": "nove"}, "lon"),
        ({"lon": 9}, "lat"),
        ({"lat": 45, "lon": 9, "raggio_km": 1000}, "raggio_km"),
        ({"lat": 45, "lon": 9, "limite": 0}, "limite"),
        ({"lat": 45, "lon": 9, "quando": "domani"}, "quando"),
        ({"lat": 45, "lon": 9, "quando": "0001-01-01T01:00"}, "quando"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, params, field):
    response = client.get("/api/v1/pit/piu-vicino/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_pit_list_is_public_geojson_of_the_active_ones(client, punti):
    body = client.get("/api/v1/pit/", {"ambito": "san-donato-milanese"}).json()
    assert {f["properties"]["nome"] for f in body["features"]} == {
        "San Donato mattina",
        "Melegnano pomeriggio",
    }
    assert client.get("/api/v1/pit/", {"tema": "nessuno"}).status_code == 400
    assert Point  # the geometry of a PIT is its place's point (see test_the_api)
