"""The agreement's page (`scheda-convenzione`) on the layout of every public detail page, and
the agreements in force listed on the pages of a service, a provider and a PIT."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.convenzioni.builders import make_convenzione, make_impresa, make_rete
from tests.html import json_ld
from tests.servizi.builders import SAN_DONATO, make_sede, make_servizio

pytestmark = pytest.mark.django_db


@pytest.fixture
def convenzione(ente, rete):
    ente.telefono = "02 9999 0000"
    ente.save()
    sede = make_sede(ente, punto=SAN_DONATO, nome="Centro Il Girasole", indirizzo="Via Emilia 10")
    make_sede(ente, nome="Magazzino", indirizzo="Via Roma 1")  # not where the service is
    doposcuola = make_servizio(ente=ente, sedi=[sede], titolo="Doposcuola Il Girasole")
    return make_convenzione(
        ente=ente,
        reti=[rete],
        stato="pubblicata",
        titolo="Doposcuola scontato",
        descrizione="Per i figli dei dipendenti.",
        condizioni="Iscrizione entro settembre.",
        servizi=[doposcuola],
        modalita_riscatto="codice",
        codice_sconto="GIRASOLE10",
        estesa_ai_familiari=True,
    )


def test_the_agreement_page_is_a_detail_page_of_the_site(client, convenzione):
    assert reverse("scheda-convenzione", args=[convenzione.pk]) == f"/convenzioni/{convenzione.pk}/"
    html = client.get(f"/convenzioni/{convenzione.pk}/").content.decode()
    assert '<h1 id="titolo-scheda">Doposcuola scontato</h1>' in html
    assert 'class="scheda scheda-convenzione"' in html
    for text in [
        "Sconto del 10%",  # the benefit
        "Per i figli dei dipendenti.",
        "Doposcuola Il Girasole",  # the services it covers, linked
        f'href="/servizi/{convenzione.servizi.get().pk}/"',
        "I dipendenti e i loro familiari delle imprese delle reti Rete Sud-Est.",  # for whom
        "Iscrizione entro settembre.",  # conditions
        "compreso.",  # validity
        'Cita il codice <strong class="codice">GIRASOLE10</strong>',  # how to use it
        f'href="/enti/{convenzione.ente_id}/"',  # the provider
        "Via Emilia 10",  # where: the places of its services
        'href="tel:0299990000"',
        "Stampa questa scheda",  # print style
    ]:
        assert text in html, text
    assert "Magazzino" not in html
    assert 'id="mini-mappa"' in html


def test_without_services_an_agreement_is_used_at_every_place_of_its_ente(client, ente, rete):
    make_sede(ente, nome="Sede di San Donato", punto=SAN_DONATO)
    make_sede(ente, nome="Sede di Melegnano")
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    html = client.get(f"/convenzioni/{convenzione.pk}/").content.decode()
    assert "Sede di San Donato" in html and "Sede di Melegnano" in html
    assert "Tutti i servizi di Cooperativa Il Girasole" in html


def test_the_agreement_page_describes_the_offer_in_schema_org(client, convenzione):
    data = json_ld(client.get(f"/convenzioni/{convenzione.pk}/").content.decode())
    assert data["@type"] == "Offer"
    assert data["name"] == "Doposcuola scontato"
    assert data["offeredBy"]["name"] == "Cooperativa Il Girasole"
    assert data["validFrom"] == convenzione.data_inizio.isoformat()
    assert data["validThrough"] == convenzione.data_fine.isoformat()
    [servizio] = data["itemOffered"]
    assert servizio["name"] == "Doposcuola Il Girasole"
    assert servizio["audience"]["audienceType"] == "Dipendenti e familiari di: Rete Sud-Est"
    assert data["availableAtOrFrom"][0]["address"]["streetAddress"] == "Via Emilia 10"


def test_a_draft_is_not_described_to_search_engines(client, referente, ente, rete):
    bozza = make_convenzione(ente=ente, reti=[rete], stato="bozza")
    client.force_login(referente)
    html = client.get(f"/convenzioni/{bozza.pk}/").content.decode()
    assert "Stato: Bozza" in html and "Invia in revisione" in html
    assert "application/ld+json" not in html


def test_the_worker_of_a_member_company_is_told_it_is_for_them(client, convenzione, membro):
    client.post("/convenzioni/la-mia-impresa/", {"impresa": membro.pk})
    html = client.get(f"/convenzioni/{convenzione.pk}/").content.decode()
    assert "Valida per i dipendenti di Officine Lambro" in html
    assert "Vale per te: lavori presso <strong>Officine Lambro</strong>." in html
    assert "Genera il mio codice" in html


def test_the_worker_of_another_company_is_told_it_is_not_for_them(client, convenzione, rete):
    altra_rete = make_rete(nome="Rete Nord", slug="nord")
    altra = make_impresa(reti=(altra_rete,), nome="Impresa del Nord", slug="impresa-nord")
    client.post("/convenzioni/la-mia-impresa/", {"impresa": altra.pk})
    html = client.get(f"/convenzioni/{convenzione.pk}/").content.decode()
    assert "non è rivolta ai dipendenti di Impresa del Nord" in html
    assert "Genera il mio codice" not in html


def test_the_agreement_page_speaks_english(client, convenzione):
    html = client.get(f"/convenzioni/{convenzione.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The benefit" in html and "Conditions and validity" in html
    assert "How to use it" in html


def test_service_and_provider_pages_list_the_agreements_in_force(client, convenzione, ente, rete):
    servizio = convenzione.servizi.get()
    altro = make_servizio(ente=ente, titolo="Centro estivo")
    make_convenzione(ente=ente, reti=[rete], stato="bozza", titolo="Bozza nascosta")
    service_page = client.get(f"/servizi/{servizio.pk}/").content.decode()
    assert f'<a href="/convenzioni/{convenzione.pk}/">Doposcuola scontato</a>' in service_page
    assert "riservata ai dipendenti di: Rete Sud-Est" in service_page
    assert "Dicci dove lavori per sapere quali valgono per te" in service_page
    # An agreement naming some services is not listed on the others' pages.
    assert "Doposcuola scontato" not in client.get(f"/servizi/{altro.pk}/").content.decode()
    provider_page = client.get(f"/enti/{ente.pk}/").content.decode()
    assert "Doposcuola scontato" in provider_page
    assert "Bozza nascosta" not in service_page + provider_page


def test_once_the_company_is_chosen_only_its_agreements_are_listed(client, convenzione, ente):
    rete_nord = make_rete(nome="Rete Nord", slug="nord")
    rete_nord.enti_partner.add(ente)
    make_convenzione(ente=ente, reti=[rete_nord], stato="pubblicata", titolo="Solo per il Nord")
    impresa_nord = make_impresa(reti=(rete_nord,), nome="Impresa del Nord", slug="impresa-nord")
    page = client.get(f"/enti/{ente.pk}/").content.decode()
    assert "Doposcuola scontato" in page and "Solo per il Nord" in page

    client.post("/convenzioni/la-mia-impresa/", {"impresa": impresa_nord.pk})
    page = client.get(f"/enti/{ente.pk}/").content.decode()
    assert "Per i dipendenti di <strong>Impresa del Nord</strong>." in page
    assert "Solo per il Nord" in page and "Doposcuola scontato" not in page
    assert f'href="/convenzioni/la-mia-impresa/?next=/enti/{ente.pk}/"' in page
