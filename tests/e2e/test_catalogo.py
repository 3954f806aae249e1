"""A newcomer sees the demo providers on the map and opens one in the admin."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.e2e


@pytest.fixture
def catalogo_demo(territorio_live):
    call_command("load_demo_data", verbosity=0)


def test_demo_providers_are_on_the_map_and_open_in_the_admin(
    live_server, catalogo_demo, page, django_user_model
):
    django_user_model.objects.create_superuser("admin", "admin@example.org", "una-password-lunga")
    page.goto(live_server.url + "/")
    page.wait_for_selector("#mappa[data-sedi]", timeout=15_000)

    assert int(page.get_attribute("#mappa", "data-sedi")) > 20
    assert page.locator(".demo-banner").is_visible()
    page.locator("path.sede-marker").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "dato dimostrativo" in popup.inner_text().lower()

    popup.get_by_role("link").click()
    page.fill("#id_username", "admin")
    page.fill("#id_password", "una-password-lunga")
    page.locator("input[type=submit]").click()
    page.wait_for_selector("#ente_form")
    assert "/admin/servizi/ente/" in page.url
    assert page.locator("#id_nome").input_value()
