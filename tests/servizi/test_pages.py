"""The public pages of a service and of a provider: what a citizen needs to go there."""

from __future__ import annotations

import re
from datetime import date

import pytest

from servizi.models import Categoria
from tests.html import json_ld

from .builders import SAN_DONATO, make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db


@pytest.fixture
def servizio():
    ente = make_ente(
        nome="Comune di Melegnano – Servizi sociali",
        tipo="pubblico",
        telefono="02 0111 2222",
        email="sociali@comune-melegnano.example",
    )
    sede = make_sede(
        ente,
        nome="Centro civico",
        indirizzo="Piazza Risorgimento 1",
        cap="20077",
        accesso_senza_barriere=True,
        note_accessibilita="Rampa sul lato sinistro.",
    )
    return make_servizio(
        ente=ente,
        titolo="Asilo nido Il Girotondo",
        descrizione="Nido comunale per bambini dai 3 ai 36 mesi.",
        categorie=[Categoria.objects.get(codice="infanzia.nido")],
        destinatari=["famiglie", "minori"],
        eta_min=0,
        eta_max=3,
        modalita_accesso="prenotazione",
        costo="tariffa_agevolata",
        costo_descrizione="Retta in base all'ISEE.",
        requisiti="Residenza a Melegnano.",
        lingue=["it", "ar"],
        orario="lun-ven 07:30-16:30",
        sedi=[sede],
        verificato_il=date(2026, 1, 15),
        sito_web="https://nido.example/",
    )


def test_the_service_page_has_everything_a_citizen_needs(client, servizio):
    response = client.get(f"/servizi/{servizio.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="titolo-scheda">Asilo nido Il Girotondo</h1>' in html
    for text in [
        "Nido comunale per bambini dai 3 ai 36 mesi.",  # what
        "Asilo nido e micronido",  # its category, linked to the map filtered by it
        'href="/?categoria=infanzia.nido"',
        "Famiglie, Bambini e ragazzi",  # for whom
        "Età: da 0 a 3 anni",
        "Residenza a Melegnano.",
        "Tariffa agevolata",  # cost
        "Retta in base all&#x27;ISEE.",
        "Su prenotazione",  # access
        "07:30–16:30",  # schedule
        "Piazza Risorgimento 1, 20077 Melegnano (MI)",  # address
        "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&amp;route=%3B",
        'href="tel:0201112222"',  # contacts (the provider's, as the service has none)
        "mailto:sociali@comune-melegnano.example",
        "https://nido.example/",
        "italiano, arabo",  # languages
        "Accesso senza barriere: sì",  # accessibility
        "Rampa sul lato sinistro.",
        "Dati verificati il 15 Gennaio 2026.",  # last verified
    ]:
        assert text in html, text
    assert re.search(r"(Aperto|Chiuso) ora", html)
    assert f'href="/enti/{servizio.ente_id}/"' in html
    assert 'id="mini-mappa"' in html and 'id="luoghi-dati"' in html


def test_the_service_page_describes_itself_to_machines(client, servizio):
    data = json_ld(client.get(f"/servizi/{servizio.pk}/").content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentService"  # a public provider's
    assert data["name"] == "Asilo nido Il Girotondo"
    assert data["provider"] == {
        "@type": "GovernmentOrganization",
        "name": "Comune di Melegnano – Servizi sociali",
        "url": f"http://testserver/enti/{servizio.ente_id}/",
    }
    place = data["availableChannel"]["serviceLocation"][0]
    assert place["address"]["addressLocality"] == "Melegnano"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 45.3573, "longitude": 9.3237}
    assert data["hoursAvailable"][0]["dayOfWeek"] == "https://schema.org/Monday"
    assert data["availableChannel"]["availableLanguage"] == ["it", "ar"]
    assert data["mainEntityOfPage"]["lastReviewed"] == "2026-01-15"


def test_a_starting_point_gives_distances_and_directions_from_there(client, servizio):
    html = client.get(f"/servizi/{servizio.pk}/", {"da": "45.4103,9.2686"}).content.decode()
    assert "km da te" in html
    assert "route=45.410300%2C9.268600%3B45.357300%2C9.323700" in html
    # The provider's page keeps it.
    assert f'href="/enti/{servizio.ente_id}/?da=45.410300,9.268600"' in html


def test_a_bad_starting_point_is_explained_and_the_page_still_shows(client, servizio):
    response = client.get(f"/servizi/{servizio.pk}/", {"da": "casa mia"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Punto di partenza non usato: «casa mia» non è una posizione" in html
    assert "km da te" not in html


def test_drafts_and_unknown_services_are_not_found(client, servizio):
    draft = make_servizio(stato="bozza")
    assert client.get(f"/servizi/{draft.pk}/").status_code == 404
    assert client.get("/servizi/999999/").status_code == 404


def test_the_service_page_in_english(client, servizio):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/servizi/{servizio.pk}/").content.decode()
    for text in [
        "What it is",
        "Who it is for",
        "What it costs",
        "How to access it",
        "Opening hours",
        "Where",
        "Directions",
        "Languages spoken",
        "Italian, Arabic",
        "Accessibility",
        "Last verified",
        "Nursery",
        "Print this page",
    ]:
        assert text in html, text


def test_a_service_at_home_lists_the_comuni_it_reaches(client):
    from geo_data.models import Comune

    servizio = make_servizio(comuni_copertura=list(Comune.objects.filter(nome="Paullo")))
    html = client.get(f"/servizi/{servizio.pk}/").content.decode()
    assert "A domicilio nei Comuni di" in html and "Paullo" in html
    assert 'id="mini-mappa"' not in html  # no place, no map


def test_the_provider_page_lists_its_published_services_and_places(client, servizio):
    ente = servizio.ente
    make_sede(ente, nome="Sportello San Donato", punto=SAN_DONATO, cap="20097")
    make_servizio(ente=ente, titolo="Bozza mai pubblicata", stato="bozza")
    response = client.get(f"/enti/{ente.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/servizi/{servizio.pk}/">Asilo nido Il Girotondo</a>' in html
    assert "Bozza mai pubblicata" not in html
    assert "1 servizio" in html
    assert "Sportello San Donato" in html and "Centro civico" in html
    assert ente.codice_fiscale in html
    data = json_ld(html)
    assert data["@type"] == "GovernmentOrganization"
    assert data["taxID"] == ente.codice_fiscale
    assert [o["itemOffered"]["name"] for o in data["makesOffer"]] == ["Asilo nido Il Girotondo"]
    assert len(data["location"]) == 2


def test_unknown_provider_is_not_found(client):
    assert client.get("/enti/999999/").status_code == 404


def test_every_detail_page_has_a_print_style(client, servizio):
    html = client.get(f"/servizi/{servizio.pk}/").content.decode()
    assert "/static/marketplace/site.css" in html
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("marketplace/site.css")).read_text()
    print_rules = css.split("@media print")[1]
    assert ".mini-mappa-box" in print_rules  # no map on paper: the address is printed
    assert 'a[href^="http"]::after' in print_rules  # links print their address
