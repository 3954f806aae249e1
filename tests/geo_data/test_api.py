"""Read API of the territory: GeoJSON, simplified, filterable, bounded."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import GEOSGeometry

from geo_data.models import Comune

pytestmark = pytest.mark.django_db


def _geometry(feature) -> GEOSGeometry:
    import json

    return GEOSGeometry(json.dumps(feature["geometry"]))


def test_comuni_are_a_paginated_geojson_feature_collection(client):
    response = client.get("/api/v1/comuni/", {"provincia": "MI"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == Comune.objects.filter(sigla_provincia="MI").count() == 133
    assert len(body["features"]) == 100  # one page, never the whole set at once
    assert body["next"]
    feature = body["features"][0]
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert set(feature["properties"]) >= {"nome", "provincia", "regione", "popolazione", "ambiti"}


def test_comuni_filter_by_region_province_and_district(client):
    by_ambito = client.get("/api/v1/comuni/", {"ambito": "paullese"}).json()
    assert {f["properties"]["nome"] for f in by_ambito["features"]} == {
        "Paullo",
        "Mediglia",
        "Pantigliate",
        "Peschiera Borromeo",
        "Settala",
        "Tribiano",
    }
    assert by_ambito["features"][0]["properties"]["ambiti"] == ["paullese"]
    in_any = client.get("/api/v1/comuni/", {"in_ambito": "true"}).json()
    assert in_any["count"] == 26
    by_name = client.get("/api/v1/comuni/", {"provincia": "milano", "regione": "LOMBARDIA"}).json()
    assert by_name["count"] == 133
    # Named as the search names it: without its stop words, or by its first word.
    for name in ("Monza e Brianza", "monza"):
        assert client.get("/api/v1/comuni/", {"provincia": name}).json()["count"] == 55


def test_an_unknown_province_is_a_400_naming_it(client):
    response = client.get("/api/v1/comuni/", {"provincia": "Atlantide"})
    assert response.status_code == 400
    assert response.json() == {
        "provincia": ["Nessuna provincia «Atlantide»: scrivi la sigla (BG) o il nome (Bergamo)."]
    }


def test_a_larger_tolerance_gives_a_lighter_geometry_of_the_same_place(client):
    fine = client.get("/api/v1/comuni/015192/", {"tolleranza": 0}).json()
    coarse = client.get("/api/v1/comuni/015192/", {"tolleranza": 500}).json()
    assert fine["id"] == "015192"
    fine_geometry, coarse_geometry = _geometry(fine), _geometry(coarse)
    assert coarse_geometry.num_coords < fine_geometry.num_coords
    assert coarse_geometry.area == pytest.approx(fine_geometry.area, rel=0.1)


def test_ambiti_list_their_members_and_union_boundary(client):
    body = client.get("/api/v1/ambiti/").json()
    assert body["count"] == 4
    by_slug = {f["id"]: f for f in body["features"]}
    assert by_slug["san-donato-milanese"]["properties"]["numero_comuni"] == 9
    members = {m["nome"] for m in by_slug["rozzano"]["properties"]["comuni"]}
    assert members == {"Rozzano", "Basiglio", "Locate di Triulzi", "Opera"}
    assert by_slug["paullese"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"tolleranza": "-1"}, "tolleranza", "maggiore o uguale a 0"),
        ({"tolleranza": "99999"}, "tolleranza", "minore o uguale a 5000"),
        ({"tolleranza": "tanta"}, "tolleranza", "numero valido"),
        ({"ambito": "atlantide"}, "ambito", "Nessun Ambito con slug 'atlantide'"),
        ({"in_ambito": "forse"}, "in_ambito", "booleano valido"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field_and_the_reason(client, params, field, reason):
    response = client.get("/api/v1/comuni/", params)
    assert response.status_code == 400
    assert reason in " ".join(response.json()[field])


def test_errors_speak_english_to_an_english_client(client):
    response = client.get(
        "/api/v1/ambiti/", {"tolleranza": "-1"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.json()["tolleranza"][0]
    response = client.get(
        "/api/v1/comuni/", {"in_ambito": "maybe"}, headers={"accept-language": "en"}
    )
    assert response.json()["in_ambito"] == ["Must be a valid boolean: true or false."]


def test_an_unknown_comune_is_a_404(client):
    assert client.get("/api/v1/comuni/999999/").status_code == 404


def test_page_size_is_capped(client):
    body = client.get("/api/v1/comuni/", {"page_size": 100000}).json()
    assert len(body["features"]) == 500


def test_the_api_is_read_only_for_anonymous_users(client):
    assert client.post("/api/v1/ambiti/", {}).status_code in {401, 403, 405}
