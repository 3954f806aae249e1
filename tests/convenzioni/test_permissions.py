"""Who sees what: a referent never sees another Ente's drafts, through pages and API."""

from __future__ import annotations

import pytest

from convenzioni.models import Convenzione
from tests.convenzioni.builders import dati_modulo, make_convenzione

pytestmark = pytest.mark.django_db


@pytest.fixture
def bozza_altrui(altro_ente, rete):
    return make_convenzione(ente=altro_ente, reti=[rete], titolo="Bozza della lavanderia")


def test_a_referent_cannot_see_another_entes_draft_on_the_pages(client, referente, bozza_altrui):
    client.force_login(referente)
    assert client.get(f"/convenzioni/{bozza_altrui.pk}/").status_code == 404
    assert client.get(f"/convenzioni/{bozza_altrui.pk}/modifica/").status_code == 404
    assert "Bozza della lavanderia" not in client.get("/convenzioni/gestione/").text
    response = client.post(f"/convenzioni/{bozza_altrui.pk}/invia/")
    assert response.status_code == 404
    assert Convenzione.objects.get(pk=bozza_altrui.pk).stato == "bozza"


def test_a_referent_cannot_see_another_entes_draft_through_the_api(
    client, referente, altro_referente, bozza_altrui
):
    client.force_login(referente)
    assert client.get(f"/api/v1/convenzioni/{bozza_altrui.pk}/").status_code == 404
    listed = client.get("/api/v1/convenzioni/").json()["results"]
    assert bozza_altrui.pk not in [c["id"] for c in listed]
    response = client.patch(
        f"/api/v1/convenzioni/{bozza_altrui.pk}/",
        {"titolo": "Presa!"},
        content_type="application/json",
    )
    assert response.status_code == 404

    client.force_login(altro_referente)
    assert client.get(f"/api/v1/convenzioni/{bozza_altrui.pk}/").status_code == 200


def test_a_referent_cannot_create_an_agreement_for_another_ente(
    client, referente, altro_ente, rete
):
    client.force_login(referente)
    payload = dati_modulo(ente=altro_ente.pk, reti_beneficiarie=[rete.slug])
    response = client.post("/api/v1/convenzioni/", payload, content_type="application/json")
    assert response.status_code == 403
    assert not Convenzione.objects.exists()


def test_anonymous_visitors_see_published_and_expired_agreements_only(client, ente, rete):
    pubblicata = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    in_revisione = make_convenzione(ente=ente, reti=[rete], stato="in_revisione")
    ids = [c["id"] for c in client.get("/api/v1/convenzioni/").json()["results"]]
    assert ids == [pubblicata.pk]
    assert client.get(f"/convenzioni/{in_revisione.pk}/").status_code == 404
    assert client.get(f"/convenzioni/{pubblicata.pk}/").status_code == 200


def test_network_administrators_see_submitted_agreements_but_never_drafts(
    client, amministratore, ente, rete
):
    bozza = make_convenzione(ente=ente, reti=[rete], titolo="Ancora in bozza")
    inviata = make_convenzione(ente=ente, reti=[rete], stato="in_revisione", titolo="Inviata")
    client.force_login(amministratore)
    page = client.get("/convenzioni/moderazione/").text
    assert "Inviata" in page and "Ancora in bozza" not in page
    assert client.get(f"/convenzioni/{bozza.pk}/").status_code == 404
    assert client.get(f"/api/v1/convenzioni/{inviata.pk}/").status_code == 200


def test_an_administrator_of_another_network_cannot_approve(client, django_user_model, ente, rete):
    from tests.convenzioni.builders import make_rete

    nord = make_rete(nome="Rete Nord")
    admin_nord = django_user_model.objects.create_user("admin.nord", password="x")
    nord.amministratori.add(admin_nord)
    inviata = make_convenzione(ente=ente, reti=[rete], stato="in_revisione")
    client.force_login(admin_nord)
    assert client.get("/convenzioni/moderazione/").status_code == 200
    assert client.post(f"/api/v1/convenzioni/{inviata.pk}/approva/").status_code == 404
    assert Convenzione.objects.get(pk=inviata.pk).stato == "in_revisione"


def test_moderation_pages_need_a_network_and_self_service_needs_a_login(client, referente):
    response = client.get("/convenzioni/gestione/")
    assert response.status_code == 302
    assert response["Location"] == "/accedi/?next=/convenzioni/gestione/"
    client.force_login(referente)
    assert client.get("/convenzioni/moderazione/").status_code == 403


def test_curators_see_every_draft(client, curatore, bozza_altrui):
    client.force_login(curatore)
    assert client.get(f"/api/v1/convenzioni/{bozza_altrui.pk}/").status_code == 200
    assert client.get(f"/convenzioni/{bozza_altrui.pk}/").status_code == 200
