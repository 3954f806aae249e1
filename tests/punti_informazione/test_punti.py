"""The PITs themselves: a place of their Ente, created by whom administers its Ambito,
kept up to date by their operators, listed publicly, ready for the search index."""

from __future__ import annotations

import pytest

from punti_informazione.models import PuntoInformazione
from punti_informazione.selectors import pit_documento, pit_ids_per_sedi, pit_per_indice
from tests.punti_informazione.builders import (
    ROZZANO,
    categoria,
    make_amministratore_ambito,
    make_operatore,
    make_punto,
)
from tests.servizi.builders import MELEGNANO, make_ente, make_sede

pytestmark = pytest.mark.django_db


def nuovo(ente, sede, **extra) -> dict:
    return {
        "nome": "Sportello welfare di Melegnano",
        "ente": ente.pk,
        "sede": sede.pk,
        "tipo": "sportello_welfare",
        "orario": "mar,gio 09:00-12:00",
        "temi": ["welfare-aziendale", "infanzia.nido"],
        "lingue": ["it", "ar"],
        **extra,
    }


def test_a_district_administrator_creates_a_pit_at_a_place_of_their_ambito(client):
    ente = make_ente(nome="Comune di prova")
    sede = make_sede(ente=ente, punto=MELEGNANO)
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    response = client.post("/api/v1/pit/", nuovo(ente, sede), content_type="application/json")
    assert response.status_code == 201, response.content
    feature = response.json()
    assert feature["geometry"]["coordinates"] == pytest.approx([9.3237, 45.3573])
    properties = feature["properties"]
    assert properties["sede"]["comune"]["nome"] == "Melegnano"  # derived from the place
    assert properties["orario"]["testo"] == "mar 09:00-12:00; gio 09:00-12:00"
    assert properties["temi"] == ["infanzia.nido", "welfare-aziendale"]


def test_outside_their_ambito_or_without_a_role_it_is_refused(client):
    ente = make_ente()
    sede = make_sede(ente=ente, punto=ROZZANO)
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    response = client.post("/api/v1/pit/", nuovo(ente, sede), content_type="application/json")
    assert response.status_code == 403
    client.force_login(make_operatore(make_punto()))
    response = client.post("/api/v1/pit/", nuovo(ente, sede), content_type="application/json")
    assert response.status_code == 403
    assert not PuntoInformazione.objects.filter(sede=sede).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"orario": "lun 09:00-12:00; lun 11:00-13:00"}, "orario"),
        ({"orario": "tutti i giorni"}, "orario"),
        ({"tipo": "ufficio"}, "tipo"),
        ({"lingue": ["klingon"]}, "lingue"),
        ({"temi": ["nessuno"]}, "temi"),
        ({"email": "non-una-mail"}, "email"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, extra, field):
    ente = make_ente()
    sede = make_sede(ente=ente, punto=MELEGNANO)
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    response = client.post(
        "/api/v1/pit/", nuovo(ente, sede, **extra), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_the_place_must_be_one_of_the_managing_ente(client):
    sede_altrui = make_sede(ente=make_ente(nome="Altro ente"), punto=MELEGNANO)
    client.force_login(make_amministratore_ambito("san-donato-milanese"))
    response = client.post(
        "/api/v1/pit/", nuovo(make_ente(), sede_altrui), content_type="application/json"
    )
    assert response.status_code == 400
    assert "non è dell'ente" in response.json()["sede"][0]


def test_an_operator_updates_the_schedule_and_topics_from_the_console(client):
    punto = make_punto(nome="Segretariato")
    client.force_login(make_operatore(punto))
    url = f"/pit/punti/{punto.pk}/"
    bad = client.post(url, {"orario_testo": "lun 25:00-26:00"})
    assert bad.status_code == 200 and "ora inesistente" in bad.content.decode()
    response = client.post(
        url,
        {
            "orario_testo": "lun-ven 08:30-12:30",
            "telefono": "02 0111 2222",
            "temi": [categoria("anziani").pk],
            "lingue": ["it", "uk"],
        },
    )
    assert response.status_code == 302
    punto.refresh_from_db()
    assert punto.telefono == "02 0111 2222"
    assert punto.lingue == ["it", "uk"]
    assert str(punto.orario).startswith("lun 08:30-12:30")
    assert punto.history.first().history_user is not None  # edits keep history


def test_the_public_list_filters_and_hides_inactive_pits(client):
    make_punto(nome="Attivo", lingue=["it", "ar"], temi=[categoria("infanzia.nido")])
    make_punto(nome="Chiuso", attivo=False)
    names = {f["properties"]["nome"] for f in client.get("/api/v1/pit/").json()["features"]}
    assert names == {"Attivo"}
    by_language = client.get("/api/v1/pit/", {"lingua": "ar"}).json()["features"]
    assert [f["properties"]["nome"] for f in by_language] == ["Attivo"]
    by_topic = client.get("/api/v1/pit/", {"tema": "infanzia"}).json()["features"]
    assert [f["properties"]["nome"] for f in by_topic] == ["Attivo"]
    assert client.get("/api/v1/pit/", {"tema": "anziani"}).json()["features"] == []
    assert client.get("/api/v1/pit/", {"ambito": "atlantide"}).status_code == 400


def test_what_the_search_index_gets_for_a_pit():
    punto = make_punto(
        nome="Sportello welfare",
        tipo="sportello_welfare",
        temi=[categoria("infanzia.nido")],
        lingue=["it", "ro"],
        descrizione="Orientamento sui servizi per la prima infanzia.",
    )
    make_punto(nome="Non attivo", attivo=False)
    assert list(pit_per_indice()) == [punto]
    row = pit_documento(pit_per_indice([punto.pk]).get())
    assert row["tipo"] == "pit" and row["oggetto_id"] == punto.pk
    assert row["titolo"] == "Sportello welfare"
    assert row["categorie"] == ["infanzia", "infanzia.nido"]
    assert row["comune_id"] == "015192"
    assert row["punto"].coords == pytest.approx((9.2686, 45.4103))
    assert row["orario_id"] == punto.orario_id
    assert "prima infanzia" in row["testo"] and "Asilo nido" in row["testo"]
    assert list(pit_ids_per_sedi([punto.sede_id])) == [punto.pk]


def test_the_pit_endpoints_are_documented_in_openapi(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in [
        "/api/v1/pit/",
        "/api/v1/pit/piu-vicino/",
        "/api/v1/operatori/",
        "/api/v1/schede/",
        "/api/v1/schede/{id}/voci/",
        "/api/v1/schede-condivise/{token}/",
        "/api/v1/consultazioni/",
        "/api/v1/consultazioni/{id}/",
        "/api/v1/osservatorio/",
        "/api/v1/osservatorio/export.csv",
    ]:
        assert path in paths, path
    nearest = paths["/api/v1/pit/piu-vicino/"]["get"]
    assert {p["name"] for p in nearest["parameters"]} >= {"lat", "lon", "quando", "limite"}
