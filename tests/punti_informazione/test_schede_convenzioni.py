"""Agreements on an orientation sheet: only those valid today can be added; the sheet page,
the print page, the PDF and the shared link say what the benefit is and how to use it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from convenzioni.models import Convenzione
from punti_informazione import services
from tests.convenzioni.builders import (
    make_convenzione,
    make_fornitore,
    make_impresa,
    make_rete,
    oggi,
)

from .builders import make_operatore, make_punto

pytestmark = pytest.mark.django_db


@pytest.fixture
def operatore():
    return make_operatore(make_punto(nome="Segretariato San Donato"))


@pytest.fixture
def scheda(operatore):
    return services.scheda_create(punto=operatore.incarichi_pit.get().punto, autore=operatore)


@pytest.fixture
def convenzione():
    rete = make_rete(nome="Rete Sud-Est", slug="sud-est")
    ente = make_fornitore(rete, nome="Lavanderia Bolla Blu", telefono="02 1234 5678")
    return make_convenzione(
        ente=ente,
        reti=[rete],
        stato="pubblicata",
        titolo="Lavaggio scontato per i dipendenti",
        modalita_riscatto="codice",
        codice_sconto="BOLLA15",
        percentuale=15,
        condizioni="Dal lunedì al venerdì.",
    )


def test_an_operator_adds_an_agreement_through_the_api(client, scheda, operatore, convenzione):
    client.force_login(operatore)
    response = client.post(
        f"/api/v1/schede/{scheda.pk}/voci/",
        {"tipo": "convenzione", "oggetto_id": convenzione.pk, "nota": "Chiedere in negozio."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    voci = response.json()["voci"]
    assert [(v["tipo"], v["titolo"], v["disponibile"]) for v in voci] == [
        ("convenzione", "Lavaggio scontato per i dipendenti", True)
    ]


@pytest.mark.parametrize("stato", ["bozza", "in_revisione"])
def test_an_agreement_not_published_cannot_be_added(scheda, convenzione, stato):
    bozza = make_convenzione(
        ente=convenzione.ente,
        reti=convenzione.reti_beneficiarie.all(),
        stato=stato,
        titolo="Non ancora",
    )
    with pytest.raises(ValidationError) as error:
        services.scheda_voce_add(scheda=scheda, tipo="convenzione", oggetto_id=bozza.pk)
    assert "Nessuna convenzione valida oggi" in error.value.message_dict["oggetto_id"][0]


def test_an_expired_agreement_cannot_be_added_and_shows_as_gone_on_a_sheet(
    client, scheda, operatore, convenzione
):
    services.scheda_voce_add(scheda=scheda, tipo="convenzione", oggetto_id=convenzione.pk)
    Convenzione.objects.filter(pk=convenzione.pk).update(
        data_inizio=oggi() - timedelta(days=30), data_fine=oggi() - timedelta(days=1)
    )
    other = services.scheda_create(punto=scheda.punto, autore=operatore)
    with pytest.raises(ValidationError):
        services.scheda_voce_add(scheda=other, tipo="convenzione", oggetto_id=convenzione.pk)
    page = client.get(f"/pit/s/{scheda.token}/").content.decode()
    assert "Lavaggio scontato per i dipendenti" in page  # the title it had
    assert "Non è più disponibile" in page
    assert "BOLLA15" not in page


def test_the_sheet_its_print_page_and_its_shared_link_show_the_agreement(
    client, scheda, operatore, convenzione
):
    services.scheda_voce_add(
        scheda=scheda, tipo="convenzione", oggetto_id=convenzione.pk, nota="Portare il badge."
    )
    client.force_login(operatore)
    sheet = client.get(f"/pit/schede/{scheda.pk}/").content.decode()
    assert "Lavaggio scontato per i dipendenti" in sheet and "Convenzione" in sheet
    printed = client.get(f"/pit/schede/{scheda.pk}/stampa/").content.decode()
    client.logout()
    shared = client.get(f"/pit/s/{scheda.token}/").content.decode()
    for page in (printed, shared):
        for text in [
            "Lavaggio scontato per i dipendenti",
            "Lavanderia Bolla Blu",
            "Sconto del 15%",  # the benefit
            "Rete Sud-Est",  # for whom
            "citare il codice BOLLA15",  # how to use it
            "Dal lunedì al venerdì.",  # conditions
            "02 1234 5678",
            f"/convenzioni/{convenzione.pk}/",  # its page, for a personal code
            "Portare il badge.",
        ]:
            assert text in page, text


def test_the_pdf_of_a_sheet_with_an_agreement_renders(client, scheda, operatore, convenzione):
    services.scheda_voce_add(scheda=scheda, tipo="convenzione", oggetto_id=convenzione.pk)
    client.force_login(operatore)
    response = client.get(f"/pit/schede/{scheda.pk}/scheda.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_the_sheet_search_is_the_sites_client_with_agreements_and_companies(
    client, scheda, operatore, convenzione
):
    rete = convenzione.reti_beneficiarie.get()
    make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")
    client.force_login(operatore)
    html = client.get(f"/pit/schede/{scheda.pk}/").content.decode()
    assert html.index("/static/marketplace/ricerca.js") < html.index(
        "/static/punti_informazione/console.js"
    )
    assert 'id="messaggi-ricerca"' in html and 'id="schede-url"' in html
    for tipo in ("servizio", "pit", "convenzione"):
        assert f'name="tipo" value="{tipo}" checked' in html
    assert '<option value="impresa:officine-lambro">Officine Lambro</option>' in html
    assert '<option value="rete:sud-est">Rete Sud-Est</option>' in html
