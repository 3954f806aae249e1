"""The admin: every model listed; agreements written through the services' rules."""

from __future__ import annotations

import pytest

from convenzioni.models import Convenzione
from tests.convenzioni.builders import dati_modulo, make_convenzione, make_rete
from tests.servizi.builders import make_ente

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["reteimprese", "impresa", "adesione", "convenzione", "utilizzo"])
def test_curators_see_every_list_and_add_form(client, curatore, model, membro):
    client.force_login(curatore)
    assert client.get(f"/admin/convenzioni/{model}/").status_code == 200
    if model != "utilizzo":
        assert client.get(f"/admin/convenzioni/{model}/add/").status_code == 200


def _admin_form(ente, rete, **fields) -> dict:
    inline = {"utilizzi-TOTAL_FORMS": "0", "utilizzi-INITIAL_FORMS": "0"}
    values = {"ente": ente.pk, "reti_beneficiarie": [rete.pk], **inline, **fields}
    return dati_modulo(**{"titolo": "Sconto dall'amministrazione", **values})


def test_an_agreement_added_in_the_admin_obeys_the_targeting_rule(client, curatore, ente, rete):
    lontana = make_rete(nome="Rete Lontana")
    client.force_login(curatore)
    response = client.post(
        "/admin/convenzioni/convenzione/add/",
        _admin_form(ente, rete, reti_beneficiarie=[lontana.pk]),
    )
    assert response.status_code == 200
    assert "non può rivolgere convenzioni a: Rete Lontana" in response.text
    assert "Sconto dall&#x27;amministrazione" in response.text  # the input is kept
    assert not Convenzione.objects.exists()

    response = client.post("/admin/convenzioni/convenzione/add/", _admin_form(ente, rete))
    assert response.status_code == 302
    convenzione = Convenzione.objects.get()
    assert convenzione.stato == "bozza"
    assert convenzione.history.earliest().history_user == curatore


def test_a_published_agreement_is_not_edited_in_the_admin_without_review(
    client, curatore, ente, rete
):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    client.force_login(curatore)
    data = _admin_form(
        ente, rete, titolo="Cambiato", data_inizio=convenzione.data_inizio.isoformat()
    )
    response = client.post(f"/admin/convenzioni/convenzione/{convenzione.pk}/change/", data)
    assert response.status_code == 200 and "rimandata in revisione" in response.text
    assert Convenzione.objects.get().titolo == "Sconto sul doposcuola"


def test_moderation_actions_in_the_admin(client, curatore, ente, rete):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="in_revisione")
    client.force_login(curatore)
    client.post(
        "/admin/convenzioni/convenzione/",
        {"action": "approva", "_selected_action": [convenzione.pk]},
    )
    assert Convenzione.objects.get().stato == "pubblicata"


def test_staff_referents_see_only_their_entes_agreements(client, referente, ente, altro_ente, rete):
    from django.contrib.auth.models import Permission

    referente.is_staff = True
    referente.save()
    referente.user_permissions.add(*Permission.objects.filter(codename__endswith="convenzione"))
    make_convenzione(ente=ente, reti=[rete], titolo="Mia")
    make_convenzione(ente=altro_ente, reti=[rete], titolo="Altrui in bozza")
    client.force_login(referente)
    page = client.get("/admin/convenzioni/convenzione/").text
    assert "Mia" in page and "Altrui in bozza" not in page


def test_a_networks_partner_enti_are_searched_not_listed(client, curatore, ente, rete):
    """Partners are chosen among every Ente of the catalogue (tens of thousands at scale):
    the form shows the network's own, and finds the others by name."""
    make_ente(nome="Fondazione Lontana")
    client.force_login(curatore)
    page = client.get(f"/admin/convenzioni/reteimprese/{rete.pk}/change/").content.decode()
    assert "Cooperativa Il Girasole" in page
    assert "Fondazione Lontana" not in page
    found = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "convenzioni",
            "model_name": "reteimprese",
            "field_name": "enti_partner",
            "term": "Lontana",
        },
    )
    assert found.status_code == 200
    assert [result["text"] for result in found.json()["results"]] == ["Fondazione Lontana"]
