"""The first page in a real browser: the districts are drawn with no tile server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_the_map_draws_the_districts_and_their_comuni_without_tiles(
    live_server, territorio_live, page
):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#mappa[data-comuni]", timeout=15_000)

    assert page.get_attribute("#mappa", "data-ambiti") == "4"
    assert page.get_attribute("#mappa", "data-comuni") == "26"
    assert page.locator("path.ambito-layer").count() >= 4
    assert page.locator("path.comune-layer").count() >= 26
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "Openpolis" in attribution and "CC BY 4.0" in attribution
    assert page.locator("#stato-mappa").inner_text() == ""


def test_the_district_list_is_a_keyboard_alternative_to_the_map(live_server, territorio_live, page):
    page.goto(live_server.url + "/")
    summary = page.locator("details[data-slug='paullese'] summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details[data-slug='paullese'] li").all_inner_texts() == sorted(
        ["Mediglia", "Pantigliate", "Paullo", "Peschiera Borromeo", "Settala", "Tribiano"]
    )
