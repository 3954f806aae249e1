"""The agreements API: the pages' permissions and rules, JSON in and out, documented."""

from __future__ import annotations

import pytest

from convenzioni.models import Convenzione
from tests.convenzioni.builders import dati_modulo, make_convenzione

pytestmark = pytest.mark.django_db


def _payload(ente, rete, **fields) -> dict:
    return dati_modulo(**{"ente": ente.pk, "reti_beneficiarie": [rete.slug], **fields})


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_networks_and_companies_are_listed_without_join_codes(client, rete, membro):
    reti = client.get("/api/v1/reti/").json()["results"]
    assert reti == [
        {
            "id": rete.pk,
            "nome": "Rete Sud-Est",
            "slug": "sud-est",
            "descrizione": "",
            "promotore": "",
            "numero_imprese": 1,
            "codice_ricerca": "rete:sud-est",
            "demo": False,
        }
    ]
    imprese = client.get("/api/v1/imprese/", {"rete": "sud-est"}).json()["results"]
    assert [i["slug"] for i in imprese] == ["officine-lambro"]
    assert imprese[0]["adesioni"][0]["rete"] == "sud-est"
    assert imprese[0]["comune"]["nome"] == "San Donato Milanese"
    response = client.get("/api/v1/imprese/", {"rete": "nessuna"})
    assert response.status_code == 400 and "rete" in response.json()


def test_the_whole_lifecycle_through_the_api(client, referente, amministratore, ente, rete):
    client.force_login(referente)
    response = _post(client, "/api/v1/convenzioni/", _payload(ente, rete))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["stato"] == "bozza" and body["beneficio"] == "Sconto del 10%"
    assert body["statistiche"] == {
        "visualizzazioni": 0,
        "utilizzi_richiesti": 0,
        "utilizzi_confermati": 0,
    }
    pk = body["id"]
    assert _post(client, f"/api/v1/convenzioni/{pk}/invia/").json()["stato"] == "in_revisione"
    assert _post(client, f"/api/v1/convenzioni/{pk}/approva/").status_code == 403

    client.force_login(amministratore)
    response = _post(client, f"/api/v1/convenzioni/{pk}/respingi/", {"nota": ""})
    assert response.status_code == 400 and "nota" in response.json()
    response = _post(client, f"/api/v1/convenzioni/{pk}/approva/")
    assert response.json()["stato"] == "pubblicata" and response.json()["valida_oggi"] is True

    client.logout()
    public = client.get(f"/api/v1/convenzioni/{pk}/").json()
    assert public["statistiche"] is None


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"data_fine": "2020-01-01"}, "data_fine", "precede quella di inizio"),
        # A slip of the keys: the agreement would never be valid, or valid for ever.
        ({"data_fine": "0226-12-31"}, "data_fine", "Anno fuori scala (226)"),
        ({"data_fine": "2206-12-31"}, "data_fine", "fra il 2000 e il 2099"),
        ({"data_inizio": "1026-01-01"}, "data_inizio", "Anno fuori scala (1026)"),
        ({"percentuale": "101"}, "percentuale", "al massimo 100"),
        ({"percentuale": "0"}, "percentuale", "maggiore di 0"),
        ({"tipo_beneficio": "altro", "percentuale": None}, "beneficio_testo", "Descrivi"),
        ({"reti_beneficiarie": []}, "reti_beneficiarie", "almeno una rete"),
        ({"reti_beneficiarie": ["nessuna"]}, "reti_beneficiarie", "nessuna"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(
    client, referente, ente, rete, fields, field, fragment
):
    client.force_login(referente)
    response = _post(client, "/api/v1/convenzioni/", _payload(ente, rete, **fields))
    assert response.status_code == 400
    assert fragment in " ".join(map(str, response.json()[field]))
    assert not Convenzione.objects.exists()


def test_a_network_the_ente_may_not_target_is_a_400(client, referente, ente, rete):
    from tests.convenzioni.builders import make_rete

    make_rete(nome="Rete Lontana", slug="lontana")
    client.force_login(referente)
    response = _post(
        client, "/api/v1/convenzioni/", _payload(ente, rete, reti_beneficiarie=["lontana"])
    )
    assert response.status_code == 400
    assert "Rete Lontana" in response.json()["reti_beneficiarie"][0]


def test_errors_are_translated_into_english(client, referente, ente, rete):
    client.force_login(referente)
    response = client.post(
        "/api/v1/convenzioni/",
        _payload(ente, rete, percentuale="150"),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert "at most 100" in response.json()["percentuale"][0]


def test_patching_a_published_agreement_needs_the_review_flag(client, referente, ente, rete):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    client.force_login(referente)
    url = f"/api/v1/convenzioni/{convenzione.pk}/"
    response = client.patch(url, {"percentuale": "30"}, content_type="application/json")
    assert response.status_code == 400
    assert "rimandata in revisione" in response.json()["percentuale"][0]
    assert Convenzione.objects.get().percentuale == 10
    response = client.patch(
        url, {"percentuale": "30", "rimetti_in_revisione": True}, content_type="application/json"
    )
    assert response.json()["stato"] == "in_revisione"
    assert Convenzione.objects.get().percentuale == 30


def test_agreements_valid_for_a_company_or_a_network(client, ente, rete, membro, estranea):
    valida = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    make_convenzione(ente=ente, imprese=[membro], stato="pubblicata", titolo="Solo Officine")
    ids = lambda params: [  # noqa: E731
        c["id"] for c in client.get("/api/v1/convenzioni/", params).json()["results"]
    ]
    assert len(ids({"valide_per": membro.codice_ricerca})) == 2
    assert ids({"valide_per": estranea.codice_ricerca}) == []
    assert ids({"valide_per": "rete:sud-est"}) == [valida.pk]
    response = client.get("/api/v1/convenzioni/", {"valide_per": "sud-est"})
    assert response.status_code == 400 and "valide_per" in response.json()


def test_the_api_is_documented(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/v1/reti/",
        "/api/v1/imprese/",
        "/api/v1/convenzioni/",
        "/api/v1/convenzioni/{id}/approva/",
        "/api/v1/convenzioni/{id}/utilizzi/",
        "/api/v1/utilizzi/conferma/",
    ):
        assert path in paths
    assert paths["/api/v1/convenzioni/"]["get"]["tags"] == ["convenzioni"]
