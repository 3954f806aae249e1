"""The detail pages of an info point (PIT) and of an agreement, in a real Chromium: what a
citizen or a worker needs to go there, the mini-map without tiles, print, redemption."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.convenzioni.builders import make_convenzione, make_fornitore, make_impresa, make_rete
from tests.punti_informazione.builders import categoria, make_punto
from tests.servizi.builders import SAN_DONATO, make_ente, make_sede, make_servizio

pytestmark = pytest.mark.e2e


@pytest.fixture
def pit(territorio_live):
    ente = make_ente(nome="Comune di San Donato Milanese", tipo="pubblico")
    sede = make_sede(
        ente, punto=SAN_DONATO, nome="Municipio", indirizzo="Via Cesare Battisti 2", cap="20097"
    )
    return make_punto(
        ente=ente,
        sede=sede,
        nome="Segretariato sociale di San Donato",
        orario="lun-ven 09:00-12:30",
        temi=[categoria("infanzia")],
        lingue=["it", "ar"],
    )


@pytest.fixture
def convenzione(territorio_live):
    rete = make_rete(nome="Rete Sud-Est", slug="sud-est")
    ente = make_fornitore(rete, nome="Cooperativa Il Girasole")
    sede = make_sede(ente, punto=SAN_DONATO, nome="Centro Il Girasole", indirizzo="Via Emilia 10")
    servizio = make_servizio(ente=ente, sedi=[sede], titolo="Doposcuola Il Girasole")
    make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")
    return make_convenzione(
        ente=ente,
        reti=[rete],
        servizi=[servizio],
        stato="pubblicata",
        titolo="Doposcuola scontato",
        modalita_riscatto="codice",
        codice_sconto="GIRASOLE10",
    )


def test_the_pit_page_shows_where_when_and_how_and_prints_clean(live_server, pit, page, artifacts):
    page.goto(f"{live_server.url}/pit/{pit.pk}/?da=45.42,9.26")
    assert page.locator("h1").inner_text() == "Segretariato sociale di San Donato"
    assert page.locator(".scheda-tipo").text_content().strip().startswith("Punto informativo")
    # The mini-map draws the place and its Comune without any tile.
    page.wait_for_selector("#mini-mappa[data-luoghi='1'][data-comuni='1']")
    assert page.locator("#mini-mappa .luogo-marker").count() == 1
    assert "km da te" in page.locator(".luogo").inner_text()
    directions = page.get_by_role("link", name="Indicazioni stradali")
    assert "route=45.420000%2C9.260000%3B45.410300%2C9.268600" in directions.get_attribute("href")
    assert "09:00–12:30" in page.locator("table.orario").inner_text()
    assert page.get_by_role("link", name="Infanzia e minori").get_attribute("href") == (
        "/?categoria=infanzia"
    )
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert data["@type"] == "GovernmentOffice" and data["name"] == pit.nome
    page.screenshot(path=artifacts / "scheda-pit.png", full_page=True)

    page.emulate_media(media="print")  # the styles apply while the checks retry
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".mini-mappa-box")).to_be_hidden()
    expect(page.locator("table.orario")).to_be_visible()
    page.emulate_media(media="screen")


def test_a_worker_picks_the_company_on_the_agreement_page_and_gets_a_code(
    live_server, convenzione, page, artifacts
):
    page.goto(f"{live_server.url}/convenzioni/{convenzione.pk}/")
    assert page.locator("h1").inner_text() == "Doposcuola scontato"
    assert "Sconto del 10%" in page.locator(".scheda-stato").inner_text()
    assert "GIRASOLE10" in page.locator(".come-si-usa ol").inner_text()
    assert page.get_by_role("link", name="Doposcuola Il Girasole").is_visible()
    page.wait_for_selector("#mini-mappa[data-luoghi='1']")
    assert "Via Emilia 10" in page.locator(".luoghi").inner_text()

    # "Tell us where you work" comes back to this page, which then says it is for them.
    page.get_by_role("link", name="Dicci dove lavori per sapere se vale per te").click()
    page.get_by_label("L'impresa in cui lavori").select_option(label="Officine Lambro")
    page.get_by_role("button", name="Mostrami le mie convenzioni").click()
    page.wait_for_url(f"**/convenzioni/{convenzione.pk}/")
    assert (
        "Valida per i dipendenti di Officine Lambro" in page.locator(".scheda-stato").inner_text()
    )
    page.get_by_role("button", name="Genera il mio codice").click()
    page.wait_for_selector(".codice-personale")
    assert page.locator(".qr svg").is_visible()
    page.screenshot(path=artifacts / "scheda-convenzione.png", full_page=True)

    # On paper the code and its QR stay; the buttons and the links to change go.
    page.emulate_media(media="print")
    assert page.locator(".codice-personale").is_visible()
    assert not page.get_by_role("link", name="Cambia impresa").is_visible()
    page.emulate_media(media="screen")


def test_the_pit_and_agreement_pages_speak_english(live_server, pit, convenzione, page):
    page.goto(f"{live_server.url}/pit/{pit.pk}/")
    page.select_option("#lingua", "en")
    page.get_by_role("button", name="Cambia").click()
    page.wait_for_selector("html[lang=en]")
    # The words, not their rendering (capitals come from the style sheet, once loaded).
    assert page.locator(".scheda-tipo").text_content().strip().startswith("Information point")
    assert page.get_by_role("heading", name="Opening hours").is_visible()
    page.goto(f"{live_server.url}/convenzioni/{convenzione.pk}/")
    assert page.get_by_role("heading", name="How to use it").is_visible()
