"""The catalogue API: public reads as GeoJSON, writes only by whom may."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servizi.models import Categoria, Servizio
from tests.conftest import COLOSSEO
from tests.servizi.builders import SAN_DONATO, make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db


@pytest.fixture
def ente():
    return make_ente(nome="Cooperativa Il Girasole")


@pytest.fixture
def referente(django_user_model, ente):
    user = django_user_model.objects.create_user("referente", password="x")
    ente.referenti.add(user)
    return user


@pytest.fixture
def curatore(django_user_model):
    user = django_user_model.objects.create_user("redazione", password="x")
    user.user_permissions.add(Permission.objects.get(codename="cura_catalogo"))
    return user


def test_categories_are_listed_with_their_parent(client):
    body = client.get("/api/v1/categorie/", {"page_size": 100}).json()
    by_code = {c["codice"]: c for c in body["results"]}
    assert by_code["infanzia.nido"]["genitore"] == "infanzia"
    assert by_code["infanzia"]["genitore"] is None
    assert len(by_code) == 35


def test_services_are_geojson_features_with_what_a_citizen_needs(client, ente):
    sede = make_sede(ente=ente, punto=SAN_DONATO)
    servizio = make_servizio(
        ente=ente, sedi=[sede], orario="lun-ven 09:00-12:00", costo_descrizione="12 € l'ora"
    )
    body = client.get("/api/v1/servizi/").json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["id"] == servizio.pk
    assert feature["geometry"]["type"] == "MultiPoint"
    assert feature["geometry"]["coordinates"][0] == pytest.approx([9.2686, 45.4103])
    properties = feature["properties"]
    assert properties["ente"]["nome"] == "Cooperativa Il Girasole"
    assert properties["categorie"] == ["anziani.assistenza-domiciliare"]
    assert properties["sedi"][0]["comune"] == "San Donato Milanese"
    assert properties["orario"]["testo"].startswith("lun 09:00-12:00")
    assert properties["aperto_ora"] in {True, False}
    assert properties["da_riverificare"] is True  # never verified
    assert properties["demo"] is False


def test_a_service_geometry_holds_each_of_its_places_and_none_without_places(client, ente):
    milano = make_sede(ente=ente, punto=Point(9.19, 45.4642, srid=4326))
    san_donato = make_sede(ente=ente, punto=SAN_DONATO)
    make_servizio(ente=ente, titolo="A due sedi", sedi=[milano, san_donato])
    make_servizio(ente=ente, titolo="B a domicilio")
    features = client.get("/api/v1/servizi/").json()["features"]
    assert [f["properties"]["titolo"] for f in features] == ["A due sedi", "B a domicilio"]
    assert features[0]["geometry"] == {
        "type": "MultiPoint",
        "coordinates": [[9.19, 45.4642], [9.2686, 45.4103]],
    }
    assert features[1]["geometry"] is None


def test_a_page_of_services_is_read_without_grouping_the_whole_catalogue(client, ente):
    """The page's points come from its services' places: the list's statements neither
    group nor grow with the catalogue (grouping every service before taking the page
    took 8 s at a million)."""
    sede = make_sede(ente=ente, punto=SAN_DONATO)

    def statements() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/servizi/", {"page_size": 5}).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    make_servizio(ente=ente, sedi=[sede])
    few = statements()
    for n in range(8):
        make_servizio(ente=ente, titolo=f"Servizio {n}", sedi=[sede])
    many = statements()
    assert len(many) == len(few)
    assert not [sql for sql in many if "GROUP BY" in sql or "ST_Collect" in sql]


def test_drafts_are_hidden_from_the_public(client, ente):
    make_servizio(ente=ente, stato="bozza")
    assert client.get("/api/v1/servizi/").json()["count"] == 0


def test_filters_by_category_with_descendants_comune_ambito_and_province(client, ente):
    sede = make_sede(ente=ente, punto=SAN_DONATO)
    nido = make_servizio(
        ente=ente,
        titolo="Nido",
        sedi=[sede],
        categorie=[Categoria.objects.get(codice="infanzia.nido")],
    )
    make_servizio(ente=ente, titolo="Altro")
    assert [
        f["id"]
        for f in client.get("/api/v1/servizi/", {"categoria": "infanzia"}).json()["features"]
    ] == [nido.pk]
    assert client.get("/api/v1/servizi/", {"comune": "015192"}).json()["count"] == 1
    assert client.get("/api/v1/servizi/", {"ambito": "san-donato-milanese"}).json()["count"] == 1
    assert client.get("/api/v1/servizi/", {"ambito": "paullese"}).json()["count"] == 0
    assert client.get("/api/v1/servizi/", {"provincia": "MI"}).json()["count"] == 1
    assert client.get("/api/v1/servizi/", {"provincia": "milano"}).json()["count"] == 1
    assert client.get("/api/v1/servizi/", {"provincia": "Lodi"}).json()["count"] == 0
    assert client.get("/api/v1/sedi/", {"provincia": "mi"}).json()["count"] == 1
    assert client.get("/api/v1/sedi/", {"provincia": "BG"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"categoria": "infanzia.asilo"}, "categoria"),
        ({"comune": "999999"}, "comune"),
        ({"ambito": "atlantide"}, "ambito"),
        ({"provincia": "XX"}, "provincia"),
        ({"costo": "carissimo"}, "costo"),
        ({"tipo_ente": "alieno"}, "tipo_ente"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(client, params, field):
    response = client.get("/api/v1/servizi/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_places_are_geojson_and_filter_by_bbox(client, ente):
    make_sede(ente=ente, punto=SAN_DONATO)
    inside = client.get("/api/v1/sedi/", {"in_bbox": "9.2,45.4,9.3,45.5"}).json()
    outside = client.get("/api/v1/sedi/", {"in_bbox": "9.0,45.0,9.1,45.1"}).json()
    assert inside["features"][0]["properties"]["comune"]["nome"] == "San Donato Milanese"
    assert outside["features"] == []


def test_anonymous_users_cannot_write(client, ente):
    response = client.post("/api/v1/servizi/", {}, content_type="application/json")
    assert response.status_code in {401, 403}


def _payload(ente, **overrides):
    return {
        "ente": ente.pk,
        "titolo": "Spesa a domicilio",
        "categorie": ["salva-tempo.spesa-domicilio"],
        "modalita_accesso": "prenotazione",
        "costo": "gratuito",
        "orario": "lun-ven 09:00-12:00",
        "stato": "pubblicato",
        **overrides,
    }


def test_a_referent_creates_and_edits_services_of_their_ente(client, ente, referente):
    client.force_login(referente)
    response = client.post("/api/v1/servizi/", _payload(ente), content_type="application/json")
    assert response.status_code == 201, response.json()
    servizio_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/servizi/{servizio_id}/",
        {"titolo": "Spesa e farmaci a domicilio"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Servizio.objects.get(pk=servizio_id).titolo == "Spesa e farmaci a domicilio"


def test_a_referent_cannot_touch_another_ente(client, referente):
    other = make_ente(nome="Altra cooperativa")
    altrui = make_servizio(ente=other, titolo="Servizio altrui")
    client.force_login(referente)

    created = client.post("/api/v1/servizi/", _payload(other), content_type="application/json")
    assert created.status_code == 403
    patched = client.patch(
        f"/api/v1/servizi/{altrui.pk}/", {"titolo": "Rubato"}, content_type="application/json"
    )
    assert patched.status_code == 403
    assert client.delete(f"/api/v1/servizi/{altrui.pk}/").status_code == 403
    assert (
        client.patch(
            f"/api/v1/enti/{other.pk}/", {"nome": "Rubato"}, content_type="application/json"
        ).status_code
        == 403
    )
    sede = make_sede(ente=other)
    assert (
        client.patch(
            f"/api/v1/sedi/{sede.pk}/", {"nome": "Rubata"}, content_type="application/json"
        ).status_code
        == 403
    )
    altrui.refresh_from_db()
    assert altrui.titolo == "Servizio altrui"


def test_a_referent_cannot_move_their_service_to_another_ente(client, ente, referente):
    mine = make_servizio(ente=ente)
    other = make_ente()
    client.force_login(referente)
    response = client.patch(
        f"/api/v1/servizi/{mine.pk}/", {"ente": other.pk}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_referent_sees_their_own_drafts_but_not_others(client, ente, referente):
    make_servizio(ente=ente, titolo="Mia bozza", stato="bozza")
    make_servizio(titolo="Bozza altrui", stato="bozza")
    client.force_login(referente)
    titles = [f["properties"]["titolo"] for f in client.get("/api/v1/servizi/").json()["features"]]
    assert titles == ["Mia bozza"]


def test_only_curators_add_new_entes(client, referente, curatore):
    payload = {"nome": "Nuovo ente", "tipo": "impresa", "codice_fiscale": "01114601006"}
    client.force_login(referente)
    assert client.post("/api/v1/enti/", payload, content_type="application/json").status_code == 403
    client.force_login(curatore)
    assert client.post("/api/v1/enti/", payload, content_type="application/json").status_code == 201


def test_write_errors_name_the_field_and_the_reason(client, ente, referente):
    client.force_login(referente)
    bad_schedule = client.post(
        "/api/v1/servizi/",
        _payload(ente, orario="lun 09:00-12:00, 11:00-13:00"),
        content_type="application/json",
    )
    assert bad_schedule.status_code == 400
    assert "si sovrappongono" in bad_schedule.json()["orario"][0]
    bad_ages = client.post(
        "/api/v1/servizi/", _payload(ente, eta_min=10, eta_max=3), content_type="application/json"
    )
    assert bad_ages.status_code == 400
    assert "eta_max" in bad_ages.json()
    outside = client.post(
        "/api/v1/sedi/",
        {
            "ente": ente.pk,
            "nome": "Roma",
            "indirizzo": "Piazza del Colosseo",
            "cap": "00184",
            "punto": {"type": "Point", "coordinates": [COLOSSEO.x, COLOSSEO.y]},
        },
        content_type="application/json",
    )
    assert outside.status_code == 400
    assert "non cade in nessun Comune" in outside.json()["punto"][0]
    assert ente.sedi.count() == 0


@pytest.mark.parametrize("url", ["/api/v1/servizi/", "/api/v1/sedi/", "/api/v1/enti/"])
def test_a_boolean_parameter_that_is_neither_true_nor_false_is_refused(client, url):
    response = client.get(url, {"demo": "forse"})
    assert response.status_code == 400
    assert "demo" in response.json()
    assert client.get(url, {"demo": "false"}).status_code == 200
