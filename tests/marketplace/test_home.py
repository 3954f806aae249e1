"""The map page as the server renders it: the search form filled in from the URL."""

from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import Point

from tests.convenzioni.builders import make_impresa, make_rete
from tests.html import assert_assets_are_our_own, script_json
from tests.servizi.builders import make_sede, make_servizio

pytestmark = pytest.mark.django_db

MILANO_DUOMO = Point(9.1916, 45.4641, srid=4326)  # a Comune outside the four districts


def test_the_form_shows_the_search_of_the_url(client):
    html = client.get(
        "/",
        {
            "q": "asilo nido",
            "categoria": "infanzia.nido,anziani",
            "comune": "015192",
            "ambito": "paullese",
            "provincia": "milano",
            "tipo_ente": "pubblico",
            "destinatari": "famiglie",
            "lingua": "ar",
            "gratuito": "true",
            "aperto_ora": "true",
            "lat": "45.41",
            "lon": "9.27",
            "raggio_km": "5",
            "ordinamento": "distanza",
            "bbox": "9.1,45.3,9.4,45.5",
            "pagina": "2",
        },
    ).content.decode()
    assert 'name="q" type="search" value="asilo nido"' in html
    day = client.get("/", {"aperto_giorno": "2026-12-12"}).content.decode()
    assert 'id="aperto_giorno" name="aperto_giorno" value="2026-12-12"' in day
    assert '<details class="filtri" id="filtri" open>' in day
    assert re.search(r'id="cat-infanzia.nido" name="categoria" value="infanzia.nido" checked', html)
    assert re.search(r'id="cat-anziani" name="categoria" value="anziani" checked', html)
    assert not re.search(r'id="cat-infanzia.baby-sitting"[^>]* checked', html)
    assert re.search(r'<select id="comune".*?<option value="015192" selected>', html, re.S)
    assert '<option value="paullese" selected>' in html
    assert re.search(r'<select id="provincia".*?<option value="MI" selected>Milano<', html, re.S)
    for control in ("gratuito", "aperto_ora"):
        assert re.search(rf'id="{control}" name="{control}" value="true" checked', html)
    assert 'id="accessibile" name="accessibile" value="true">' in html  # not checked
    assert 'id="lat" name="lat" value="45.41"' in html
    assert '<option value="5" selected>' in html
    assert '<option value="distanza" selected>' in html
    assert 'id="bbox" name="bbox" value="9.1,45.3,9.4,45.5"' in html
    assert 'id="pagina" name="pagina" value="2"' in html
    assert '<details class="filtri" id="filtri" open>' in html  # filters in use are shown


def test_values_no_control_offers_are_kept_for_the_search_to_explain(client):
    html = client.get(
        "/",
        {
            "raggio_km": "500",
            "comune": "999999",
            "provincia": "Atlantide",
            "categoria": "infanzia,sconosciuta",
        },
    ).content.decode()
    assert '<option value="Atlantide" selected>Atlantide</option>' in html
    assert '<option value="500" selected>500</option>' in html
    assert '<option value="999999" selected>999999</option>' in html
    assert '<input type="hidden" name="categoria" value="sconosciuta">' in html
    day = client.get("/", {"aperto_giorno": "sabato"}).content.decode()
    assert 'id="aperto_giorno" name="aperto_giorno" value=""' in day  # the control can't
    assert '<input type="hidden" name="aperto_giorno" value="sabato">' in day
    assert '<input type="hidden" name="categoria" value="infanzia">' not in html


def test_the_page_is_driven_by_the_search_api_with_django_leaflet_and_no_cdn(client):
    html = client.get("/").content.decode()
    assert 'data-cerca-url="/api/v1/cerca/"' in html
    assert 'data-mappa-url="/api/v1/cerca/mappa/"' in html
    assert 'data-suggerimenti-url="/api/v1/cerca/suggerimenti/"' in html
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/marketplace/mappa.js" in html
    assert_assets_are_our_own(html)
    assert 'role="combobox"' in html and 'aria-controls="suggerimenti"' in html


def test_each_kind_of_result_links_to_the_page_named_after_it(client):
    html = client.get("/").content.decode()
    urls = script_json(html, "schede-url")
    assert urls == {
        "servizio": "/servizi/{id}/",
        "pit": "/pit/{id}/",
        "convenzione": "/convenzioni/{id}/",
    }
    # The map and the console load the same search client, before their own script.
    assert html.index("/static/marketplace/ricerca.js") < html.index("/static/marketplace/mappa.js")


def test_the_kinds_of_result_are_a_filter_whose_state_is_in_the_url(client):
    html = client.get("/").content.decode()
    for tipo in ("servizio", "pit", "convenzione"):  # no kind in the URL: all of them
        assert f'id="tipo-{tipo}" name="tipo" value="{tipo}" checked' in html
    assert 'id="mostra-pit" checked' in html  # the legend's switch of the PIT layer
    html = client.get("/", {"tipo": "servizio,convenzione,evento"}).content.decode()
    assert 'id="tipo-servizio" name="tipo" value="servizio" checked' in html
    assert 'id="tipo-pit" name="tipo" value="pit">' in html
    assert 'id="mostra-pit">' in html
    # A kind no control offers is kept, for the search to say what is wrong with it.
    assert '<input type="hidden" name="tipo" value="evento">' in html
    assert re.search(r'<details class="filtri" id="filtri" open>', html)


def test_without_a_company_the_page_offers_to_choose_one_and_come_back(client):
    html = client.get("/", {"q": "asilo"}).content.decode()
    assert 'id="con_convenzione_per" name="con_convenzione_per" value=""' in html
    assert (
        'href="/convenzioni/la-mia-impresa/?next=/%3Fq%3Dasilo" data-segue-ricerca>'
        "Scegli la tua impresa</a>"
    ) in html


def test_the_company_chosen_before_is_carried_by_the_search_and_named(client):
    rete = make_rete(nome="Rete Sud-Est", slug="sud-est")
    impresa = make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")
    client.post("/convenzioni/la-mia-impresa/", {"impresa": impresa.pk})
    html = client.get("/", {"q": "asilo"}).content.decode()
    assert (
        'id="con_convenzione_per" name="con_convenzione_per" value="impresa:officine-lambro"'
        in html
    )
    note = html.split('id="nota-convenzioni"')[1].split("</p>")[0]
    assert "Convenzioni per i dipendenti di <strong>Officine Lambro</strong>" in note
    # Change it, or forget it: both come back to this same search.
    assert 'href="/convenzioni/la-mia-impresa/?next=/%3Fq%3Dasilo"' in html
    assert '<input type="hidden" name="next" value="/?q=asilo" data-segue-ricerca>' in html
    assert 'name="dimentica"' in html

    response = client.post("/convenzioni/la-mia-impresa/", {"dimentica": "1", "next": "/?q=asilo"})
    assert response["Location"] == "/?q=asilo"
    assert 'name="con_convenzione_per" value=""' in client.get("/").content.decode()


def test_the_company_in_the_url_wins_and_an_unknown_one_is_said(client):
    rete = make_rete(nome="Rete Sud-Est", slug="sud-est")
    impresa = make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")
    client.post("/convenzioni/la-mia-impresa/", {"impresa": impresa.pk})
    html = client.get("/", {"con_convenzione_per": "rete:sud-est", "q": "nido"}).content.decode()
    assert 'name="con_convenzione_per" value="rete:sud-est"' in html
    assert "dipendenti di <strong>Rete Sud-Est</strong>" in html
    # Changing the company comes back to the search without the old code.
    assert 'href="/convenzioni/la-mia-impresa/?next=/%3Fq%3Dnido"' in html

    html = client.get("/", {"con_convenzione_per": "impresa:nessuna"}).content.decode()
    assert 'value="impresa:nessuna"' in html
    assert "Convenzioni per «impresa:nessuna»: nessuna rete o impresa ha questo codice." in html
    assert 'id="con_convenzione_per-errore"' in html  # where the search's 400 is said


def test_comuni_to_pick_are_the_districts_and_those_with_services(client):
    milano_sede = make_sede(punto=MILANO_DUOMO, indirizzo="Piazza del Duomo 1", cap="20121")
    make_servizio(ente=milano_sede.ente, sedi=[milano_sede])
    html = client.get("/").content.decode()
    comune_select = html.split('<select id="comune"')[1].split("</select>")[0]
    assert comune_select.count("<option value=") == 26 + 1 + 1  # districts, Milano, "all"
    assert '<optgroup label="Altri Comuni con servizi">' in comune_select
    assert '<option value="015146">Milano</option>' in comune_select
    centres = script_json(html, "centri-comuni")
    assert set(centres) >= {"015146", "015192"}
    lat, lon = centres["015192"]
    assert 45.3 < lat < 45.5 and 9.2 < lon < 9.35  # inside San Donato Milanese


def test_the_language_switch_comes_back_to_the_same_search(client):
    html = client.get("/", {"q": "asilo", "comune": "015192"}).content.decode()
    assert 'name="next" type="hidden" value="/?q=asilo&amp;comune=015192"' in html
