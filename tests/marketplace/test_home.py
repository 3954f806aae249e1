"""The map page as the server renders it: the search form filled in from the URL."""

from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import Point

from tests.html import script_json
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
    assert re.search(r'id="cat-infanzia.nido" name="categoria" value="infanzia.nido" checked', html)
    assert re.search(r'id="cat-anziani" name="categoria" value="anziani" checked', html)
    assert not re.search(r'id="cat-infanzia.baby-sitting"[^>]* checked', html)
    assert re.search(r'<select id="comune".*?<option value="015192" selected>', html, re.S)
    assert '<option value="paullese" selected>' in html
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
        "/", {"raggio_km": "500", "comune": "999999", "categoria": "infanzia,sconosciuta"}
    ).content.decode()
    assert '<option value="500" selected>500</option>' in html
    assert '<option value="999999" selected>999999</option>' in html
    assert '<input type="hidden" name="categoria" value="sconosciuta">' in html
    assert '<input type="hidden" name="categoria" value="infanzia">' not in html


def test_the_page_is_driven_by_the_search_api_with_django_leaflet_and_no_cdn(client):
    html = client.get("/").content.decode()
    assert 'data-cerca-url="/api/v1/cerca/"' in html
    assert 'data-mappa-url="/api/v1/cerca/mappa/"' in html
    assert 'data-suggerimenti-url="/api/v1/cerca/suggerimenti/"' in html
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/marketplace/mappa.js" in html
    assert "unpkg.com" not in html and "cdn" not in html.lower()
    assert 'role="combobox"' in html and 'aria-controls="suggerimenti"' in html


def test_each_kind_of_result_links_to_the_page_named_after_it(client):
    urls = script_json(client.get("/").content.decode(), "schede-url")
    assert urls["servizio"] == "/servizi/{id}/"
    # Info points and agreements get links as soon as their apps name `scheda-pit` and
    # `scheda-convenzione`; until then their results are listed without a link.
    assert set(urls) <= {"servizio", "pit", "convenzione"}


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
