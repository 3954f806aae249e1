"""A newcomer sees the demo catalogue, labelled as such, on the map and on its pages."""

from __future__ import annotations

import json

import pytest

from .helpers import open_home

pytestmark = pytest.mark.e2e


def test_demo_services_are_labelled_and_lead_to_their_provider(live_server, catalogo_demo, page):
    open_home(page, live_server.url + "/?q=lavanderia")
    assert page.locator(".demo-banner").is_visible()

    page.locator("#risultati .risultato a").first.click()
    page.wait_for_selector("h1")
    assert "dato dimostrativo" in page.locator(".scheda-tipo").inner_text().lower()
    service = page.locator("h1").inner_text()

    page.locator(".scheda-ente a").click()
    page.wait_for_selector("#mini-mappa[data-luoghi]")
    assert page.locator(".scheda-tipo").inner_text().startswith("ENTE")
    assert page.get_by_role("link", name=service).is_visible()
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert data["@type"] in {"GovernmentOrganization", "NGO", "Corporation"}
    assert service in [offer["itemOffered"]["name"] for offer in data["makesOffer"]]
