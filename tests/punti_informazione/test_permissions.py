"""Who sees what: an operator only their PITs, a district administrator their Ambito,
a network administrator everything; through the console, the API and the admin alike."""

from __future__ import annotations

import pytest

from punti_informazione import permissions
from punti_informazione.models import Consultazione
from tests.punti_informazione.builders import (
    MELEGNANO,
    ROZZANO,
    make_amministratore_ambito,
    make_amministratore_rete,
    make_consultazione,
    make_operatore,
    make_punto,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rete():
    """Two PITs in the Ambito of San Donato, one in Rozzano's, each with its operator."""
    san_donato = make_punto(nome="Segretariato San Donato")
    melegnano = make_punto(nome="Sportello Melegnano", punto=MELEGNANO)
    rozzano = make_punto(nome="Patronato Rozzano", punto=ROZZANO, tipo="patronato_caf")
    operatori = {p: make_operatore(p) for p in (san_donato, melegnano, rozzano)}
    consultazioni = {p: make_consultazione(p, operatori[p]) for p in operatori}
    return type(
        "Rete",
        (),
        {
            "san_donato": san_donato,
            "melegnano": melegnano,
            "rozzano": rozzano,
            "operatori": operatori,
            "consultazioni": consultazioni,
        },
    )


def test_an_operator_cannot_read_another_pits_consultations_through_the_api(client, rete):
    client.force_login(rete.operatori[rete.san_donato])
    mine, other = rete.consultazioni[rete.san_donato], rete.consultazioni[rete.rozzano]

    listing = client.get("/api/v1/consultazioni/").json()
    assert [c["id"] for c in listing["results"]] == [mine.pk]
    assert client.get(f"/api/v1/consultazioni/{other.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/consultazioni/{other.pk}/",
            {"canale": "email"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/consultazioni/{other.pk}/").status_code == 404
    assert Consultazione.objects.filter(pk=other.pk, canale="sportello").exists()


def test_an_operator_cannot_read_another_pits_consultations_through_the_pages(client, rete):
    client.force_login(rete.operatori[rete.san_donato])
    other = rete.consultazioni[rete.rozzano]

    listing = client.get("/pit/consultazioni/").content.decode()
    assert "Segretariato San Donato" in listing and "Patronato Rozzano" not in listing
    assert client.get(f"/pit/consultazioni/{other.pk}/modifica/").status_code == 404
    response = client.post(f"/pit/consultazioni/{other.pk}/modifica/", {"canale": "email"})
    assert response.status_code == 404


def test_an_operator_cannot_record_at_a_pit_where_they_do_not_work(client, rete):
    client.force_login(rete.operatori[rete.san_donato])
    body = {
        "punto": rete.rozzano.pk,
        "canale": "telefono",
        "bisogni": ["anziani"],
        "lavoratore_impresa_aderente": False,
        "fascia_eta": "45-64",
        "esito": "informazione",
    }
    response = client.post("/api/v1/consultazioni/", body, content_type="application/json")
    assert response.status_code == 403
    assert "punti in cui lavori" in response.json()["detail"]


def test_a_colleague_reads_but_does_not_edit_a_consultation_unless_responsabile(client, rete):
    collega = make_operatore(rete.san_donato)
    responsabile = make_operatore(rete.san_donato, ruolo="responsabile")
    consultazione = rete.consultazioni[rete.san_donato]
    url = f"/api/v1/consultazioni/{consultazione.pk}/"

    client.force_login(collega)
    assert client.get(url).status_code == 200
    assert (
        client.patch(url, {"canale": "email"}, content_type="application/json").status_code == 403
    )

    client.force_login(responsabile)
    response = client.patch(url, {"canale": "email"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["canale"] == "email"


def test_a_district_administrator_sees_the_pits_of_their_ambito_only(client, rete):
    admin_ambito = make_amministratore_ambito("san-donato-milanese")
    client.force_login(admin_ambito)

    ids = {c["id"] for c in client.get("/api/v1/consultazioni/").json()["results"]}
    assert ids == {rete.consultazioni[rete.san_donato].pk, rete.consultazioni[rete.melegnano].pk}
    assert set(permissions.punti_visibili(admin_ambito)) == {rete.san_donato, rete.melegnano}
    console = client.get("/pit/").content.decode()
    assert "Sportello Melegnano" in console and "Patronato Rozzano" not in console


def test_a_network_administrator_sees_everything_but_records_nowhere(client, rete):
    admin_rete = make_amministratore_rete()
    client.force_login(admin_rete)
    assert client.get("/api/v1/consultazioni/").json()["count"] == 3
    assert permissions.punti_visibili(admin_rete).count() == 3
    assert not permissions.can_work_at(admin_rete, rete.rozzano)


def test_a_user_without_a_role_gets_no_console_and_no_data(client, rete):
    client.force_login(make_user())
    response = client.get("/pit/")
    assert response.status_code == 403
    assert "non è operatore" in response.content.decode()
    assert client.get("/api/v1/consultazioni/").json()["count"] == 0
    assert client.get("/api/v1/schede/").json()["count"] == 0


def test_the_console_needs_a_login(client):
    response = client.get("/pit/")
    assert response.status_code == 302
    assert response["Location"] == "/accedi/?next=/pit/"
    assert client.get("/api/v1/consultazioni/").status_code == 403


def test_an_operator_edits_the_practical_data_of_their_pit_only(client, rete):
    client.force_login(rete.operatori[rete.san_donato])
    url = f"/api/v1/pit/{rete.san_donato.pk}/"

    response = client.patch(
        url,
        {"telefono": "02 0999 1111", "orario": "lun-ven 09:00-12:00"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["properties"]["orario"]["testo"].startswith("lun 09:00-12:00")

    refused = client.patch(url, {"attivo": False}, content_type="application/json")
    assert refused.status_code == 403
    assert "attivo" in refused.json()["detail"]
    other = client.patch(
        f"/api/v1/pit/{rete.rozzano.pk}/", {"telefono": "1"}, content_type="application/json"
    )
    assert other.status_code == 403


def test_a_district_administrator_deactivates_a_pit_of_their_ambito_not_of_others(client, rete):
    client.force_login(make_amministratore_ambito("rozzano"))
    ok = client.patch(
        f"/api/v1/pit/{rete.rozzano.pk}/", {"attivo": False}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["properties"]["attivo"] is False
    refused = client.patch(
        f"/api/v1/pit/{rete.san_donato.pk}/", {"attivo": False}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_the_admin_lists_only_the_visible_consultations_and_pits(client, rete, django_user_model):
    from django.contrib.auth.models import Permission

    admin_ambito = make_amministratore_ambito("rozzano")
    admin_ambito.is_staff = True
    admin_ambito.save()
    admin_ambito.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="punti_informazione",
            codename__in=[
                "view_consultazione",
                "view_puntoinformazione",
                "change_puntoinformazione",
            ],
        )
    )
    client.force_login(admin_ambito)
    listing = client.get("/admin/punti_informazione/consultazione/").content.decode()
    assert "Patronato Rozzano" in listing and "Segretariato San Donato" not in listing
    other = rete.consultazioni[rete.san_donato]
    assert (
        client.get(f"/admin/punti_informazione/consultazione/{other.pk}/change/").status_code == 302
    )
    pits = client.get("/admin/punti_informazione/puntoinformazione/").content.decode()
    assert "Patronato Rozzano" in pits and "Sportello Melegnano" not in pits
