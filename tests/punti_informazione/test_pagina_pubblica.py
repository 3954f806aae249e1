"""A PIT's public page (`scheda-pit`): what a citizen needs to go there, on the shared layout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from punti_informazione import services
from tests.convenzioni.builders import make_convenzione, make_impresa, make_rete
from tests.html import json_ld
from tests.servizi.builders import SAN_DONATO, make_ente, make_sede

from .builders import categoria, make_punto

pytestmark = pytest.mark.django_db


@pytest.fixture
def punto():
    ente = make_ente(nome="Comune di San Donato Milanese", tipo="pubblico", telefono="02 5555 1")
    sede = make_sede(
        ente,
        punto=SAN_DONATO,
        nome="Municipio",
        indirizzo="Via Cesare Battisti 2",
        cap="20097",
        accesso_senza_barriere=True,
        note_accessibilita="Ascensore a destra dell'ingresso.",
    )
    return make_punto(
        ente=ente,
        sede=sede,
        nome="Segretariato sociale di San Donato",
        tipo="segretariato_sociale",
        descrizione="Ascolto e orientamento per famiglie e lavoratori.",
        orario="lun-ven 09:00-12:30; gio 14:00-17:00",
        telefono="02 5555 2222",
        email="segretariato@comune-sandonato.example",
        temi=[categoria("infanzia"), categoria("anziani")],
        lingue=["it", "ar"],
        su_appuntamento=True,
    )


def test_the_pit_page_has_everything_a_citizen_needs(client, punto):
    assert reverse("scheda-pit", args=[punto.pk]) == f"/pit/{punto.pk}/"
    response = client.get(f"/pit/{punto.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="titolo-scheda">Segretariato sociale di San Donato</h1>' in html
    for text in [
        "Punto informativo · Segretariato sociale",  # what kind
        "Ascolto e orientamento per famiglie e lavoratori.",  # what
        "Sa orientarti su",  # its topics, each a link to the map filtered by it
        'href="/?categoria=infanzia"',
        "Aperto a tutti.",  # for whom
        "Il colloquio e l’orientamento non costano nulla.",  # cost
        "Su appuntamento",  # access
        "09:00–12:30",  # schedule
        "Via Cesare Battisti 2, 20097 San Donato Milanese (MI)",  # address
        "https://www.openstreetmap.org/directions?",  # directions
        'href="tel:0255552222"',  # contacts: the PIT's own
        "mailto:segretariato@comune-sandonato.example",
        "italiano, arabo",  # languages
        "Accesso senza barriere: sì",  # accessibility
        "Ascensore a destra dell&#x27;ingresso.",
        "Dati aggiornati dall’ente il",  # last update
        "Convenzioni attive",
        f'href="/enti/{punto.ente_id}/"',  # its managing Ente
    ]:
        assert text in html, text
    assert 'id="mini-mappa"' in html and 'id="luoghi-dati"' in html


def test_the_pit_page_describes_itself_in_schema_org(client, punto):
    data = json_ld(client.get(f"/pit/{punto.pk}/").content.decode())
    assert data["@type"] == "GovernmentOffice"  # run by a public body
    assert data["name"] == "Segretariato sociale di San Donato"
    assert data["address"]["streetAddress"] == "Via Cesare Battisti 2"
    assert data["geo"]["latitude"] == pytest.approx(45.4103)
    assert data["parentOrganization"]["name"] == "Comune di San Donato Milanese"
    assert data["isAccessibleForFree"] is True
    assert data["knowsLanguage"] == ["it", "ar"]
    assert {s["dayOfWeek"].rsplit("/", 1)[1] for s in data["openingHoursSpecification"]} == {
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
    }
    assert data["telephone"] == "02 5555 2222"


def test_a_deactivated_or_unknown_pit_is_not_found(client, punto):
    services.punto_update(punto=punto, attivo=False)
    assert client.get(f"/pit/{punto.pk}/").status_code == 404
    assert client.get("/pit/999999/").status_code == 404


def test_the_pit_page_speaks_english(client, punto):
    html = client.get(f"/pit/{punto.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Information point · Social secretariat" in html
    assert "What it is" in html and "Free" in html


def test_a_bad_starting_point_is_explained_and_the_page_still_works(client, punto):
    response = client.get(f"/pit/{punto.pk}/", {"da": "north"})
    assert response.status_code == 200
    assert "Punto di partenza non usato" in response.content.decode()
    with_point = client.get(f"/pit/{punto.pk}/", {"da": "45.40,9.26"}).content.decode()
    assert "km da te" in with_point


def test_the_pit_page_lists_the_agreements_of_its_ente_for_the_chosen_company(client, punto):
    rete = make_rete(nome="Rete Sud-Est", slug="sud-est")
    rete.enti_partner.add(punto.ente)
    altra = make_rete(nome="Rete Nord", slug="nord")
    altra.enti_partner.add(punto.ente)
    make_convenzione(ente=punto.ente, reti=[rete], stato="pubblicata", titolo="Per Sud-Est")
    make_convenzione(ente=punto.ente, reti=[altra], stato="pubblicata", titolo="Per Nord")
    html = client.get(f"/pit/{punto.pk}/").content.decode()
    assert "Per Sud-Est" in html and "Per Nord" in html
    assert "riservata ai dipendenti di: Rete Sud-Est" in html

    membro = make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")
    client.post("/convenzioni/la-mia-impresa/", {"impresa": membro.pk})
    html = client.get(f"/pit/{punto.pk}/").content.decode()
    assert "Per i dipendenti di <strong>Officine Lambro</strong>" in html
    assert "Per Sud-Est" in html and "Per Nord" not in html
