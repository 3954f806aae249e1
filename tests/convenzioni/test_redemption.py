"""Redemptions: a code per request (and its QR), confirmed by the provider, counted."""

from __future__ import annotations

import pytest

from convenzioni.models import Convenzione, Utilizzo
from convenzioni.selectors import convenzione_list
from tests.convenzioni.builders import make_convenzione

pytestmark = pytest.mark.django_db


@pytest.fixture
def convenzione(ente, rete):
    return make_convenzione(ente=ente, reti=[rete], stato="pubblicata")


def _worker(client, impresa):
    client.post("/convenzioni/la-mia-impresa/", {"impresa": impresa.pk})
    return client


def test_a_worker_gets_one_code_with_a_qr_and_the_provider_confirms_it(
    client, convenzione, membro, referente
):
    _worker(client, membro)
    response = client.post(f"/convenzioni/{convenzione.pk}/usa/", follow=True)
    utilizzo = Utilizzo.objects.get()
    assert utilizzo.impresa == membro and utilizzo.confermato_il is None
    assert utilizzo.codice in response.text
    assert "<svg" in response.text  # the QR
    # Asking again shows the same code: one use is one code.
    client.post(f"/convenzioni/{convenzione.pk}/usa/")
    assert Utilizzo.objects.count() == 1

    provider = type(client)()
    provider.force_login(referente)
    page = provider.get(f"/convenzioni/verifica/{utilizzo.codice}/")  # the scanned QR's URL
    assert convenzione.titolo in page.text and "Officine Lambro" in page.text
    provider.post(f"/convenzioni/verifica/{utilizzo.codice}/", {"codice": utilizzo.codice})
    utilizzo.refresh_from_db()
    assert utilizzo.confermato_da == referente

    again = provider.post("/convenzioni/verifica/", {"codice": utilizzo.codice.replace("-", "")})
    assert "già confermato" in again.context["form"].errors["codice"][0]


def test_counts_views_once_per_visitor_and_codes_asked_and_confirmed(
    client, convenzione, membro, referente
):
    _worker(client, membro)
    for _ in range(3):
        client.get(f"/convenzioni/{convenzione.pk}/")
    other = _worker(type(client)(), membro)
    other.get(f"/convenzioni/{convenzione.pk}/")
    client.post(f"/convenzioni/{convenzione.pk}/usa/")
    other.post(f"/convenzioni/{convenzione.pk}/usa/")
    from convenzioni.services import utilizzo_conferma

    utilizzo_conferma(codice=Utilizzo.objects.first().codice, actor=referente)

    counted = convenzione_list().get(pk=convenzione.pk)
    assert (counted.visualizzazioni, counted.utilizzi_richiesti, counted.utilizzi_confermati) == (
        2,
        2,
        1,
    )
    provider = type(client)()
    provider.force_login(referente)
    page = provider.get("/convenzioni/gestione/")
    row = page.text.split(convenzione.titolo, 1)[1].split("</tr>", 1)[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[-3:]] == ["2", "2", "1"]


def test_no_code_for_a_worker_whose_company_is_not_a_beneficiary(client, convenzione, estranea):
    _worker(client, estranea)  # refused by the form: not a member of any network
    response = client.post(f"/convenzioni/{convenzione.pk}/usa/")
    assert response["Location"].startswith("/convenzioni/la-mia-impresa/")
    assert not Utilizzo.objects.exists()


def test_no_code_through_the_api_for_a_non_member(client, convenzione, estranea, membro):
    url = f"/api/v1/convenzioni/{convenzione.pk}/utilizzi/"
    response = client.post(url, {"beneficiario": estranea.codice_ricerca})
    assert response.status_code == 400
    assert (
        "non è valida oggi per i dipendenti di Impresa Fuori Rete"
        in (response.json()["convenzione"][0])
    )
    response = client.post(url, {"beneficiario": "impresa:nessuna"})
    assert response.status_code == 400 and "beneficiario" in response.json()
    response = client.post(url, {"beneficiario": membro.codice_ricerca})
    assert response.status_code == 201
    assert Utilizzo.objects.get().codice == response.json()["codice"]


def test_only_the_offering_entes_referents_confirm_a_code(
    client, convenzione, membro, altro_referente
):
    from convenzioni.selectors import Beneficiario
    from convenzioni.services import utilizzo_richiedi

    utilizzo = utilizzo_richiedi(convenzione=convenzione, beneficiario=Beneficiario(impresa=membro))
    client.force_login(altro_referente)
    response = client.post("/api/v1/utilizzi/conferma/", {"codice": utilizzo.codice})
    assert response.status_code == 403
    response = client.post("/api/v1/utilizzi/conferma/", {"codice": "ZZZZ-ZZZZ"})
    assert response.status_code == 400 and "Nessun utilizzo" in response.json()["codice"][0]
    assert Utilizzo.objects.get().confermato_il is None


def test_a_code_of_an_agreement_no_longer_valid_is_not_confirmed(convenzione, membro, referente):
    from django.core.exceptions import ValidationError

    from convenzioni.selectors import Beneficiario
    from convenzioni.services import convenzione_ritira, utilizzo_conferma, utilizzo_richiedi

    utilizzo = utilizzo_richiedi(convenzione=convenzione, beneficiario=Beneficiario(impresa=membro))
    convenzione_ritira(convenzione=Convenzione.objects.get(pk=convenzione.pk), actor=referente)
    with pytest.raises(ValidationError):
        utilizzo_conferma(codice=utilizzo.codice, actor=referente)
