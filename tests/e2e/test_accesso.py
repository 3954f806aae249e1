"""One login for the whole site, in a real Chromium: an area asks for it and comes back, the
old logins lead to it, the navigation shows what the user can reach, and logging out."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.convenzioni.builders import make_rete
from tests.punti_informazione.builders import (
    make_amministratore_rete,
    make_operatore,
    make_punto,
    make_user,
)

pytestmark = pytest.mark.e2e

PASSWORD = "una-password-lunga"


def login(page, username: str) -> None:
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def areas(page) -> list[str]:
    return page.locator(".site-nav [data-area]").all_inner_texts()


def test_an_operator_logs_in_once_from_the_console_and_out_again(
    live_server, territorio_live, page
):
    make_operatore(make_punto(nome="Sportello di prova"), user=make_user("operatrice"))
    page.goto(live_server.url + "/pit/osservatorio/")
    assert urlparse(page.url).path == "/accedi/"
    assert page.get_by_role("heading", name="Accedi").is_visible()

    # A wrong password is said, the username stays.
    page.get_by_label("Nome utente").fill("operatrice")
    page.get_by_label("Password").fill("sbagliata")
    page.get_by_role("button", name="Accedi").click()
    # The answer is a new page at the same address: wait for it, not for the address.
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Nome utente").input_value() == "operatrice"

    login(page, "operatrice")
    page.wait_for_url("**/pit/osservatorio/")  # back where the login was asked
    assert areas(page) == ["Console dei PIT"]
    page.get_by_role("link", name="Console dei PIT").click()
    assert page.get_by_role("link", name="Console dei PIT").get_attribute("aria-current") == "page"

    page.get_by_role("button", name="Esci (operatrice)").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    assert page.get_by_role("link", name="Accedi").is_visible()
    page.goto(live_server.url + "/pit/")
    assert urlparse(page.url).path == "/accedi/"


def test_the_old_logins_lead_to_the_one_login_and_each_user_lands_in_their_area(
    live_server, territorio_live, page
):
    utente = make_amministratore_rete(make_user("rete"))
    make_rete(nome="Rete Sud-Est").amministratori.add(utente)
    page.goto(live_server.url + "/convenzioni/accedi/")
    assert urlparse(page.url).path == "/accedi/"
    login(page, "rete")
    page.wait_for_url("**/pit/")  # the first area a network administrator may open
    assert areas(page) == ["Console dei PIT", "Moderazione convenzioni"]
    page.get_by_role("link", name="Moderazione convenzioni").click()
    expect(page.get_by_role("heading", name="Moderazione delle convenzioni")).to_be_visible()


def test_the_navigation_works_from_the_keyboard(live_server, territorio_live, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")  # the skip link first
    assert page.evaluate("document.activeElement.textContent") == "Vai al contenuto"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Accedi":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/accedi/?next=/")
    # The form is ready to type in (autofocus lands once the page has loaded).
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _header(page) -> dict:
    return page.evaluate(
        """() => {
          const box = (selector) => document.querySelector(selector).getBoundingClientRect();
          const links = [...document.querySelectorAll('.site-nav a, .site-nav button')];
          return {
            height: box('.site-header').height,
            brand_top: box('.brand').top,
            language_top: box('.lang-switch').top,
            // Rows of links: centres more than 8 px apart.
            link_rows: links
              .map((link) => link.getBoundingClientRect())
              .map((r) => r.top + r.height / 2)
              .sort((a, b) => a - b)
              .filter((centre, i, all) => i === 0 || centre - all[i - 1] > 8).length,
            page_width: document.documentElement.scrollWidth,
          };
        }"""
    )


def test_on_a_phone_the_header_stays_short_even_with_every_area(
    live_server, territorio_live, new_page
):
    get_user_model().objects.create_superuser("amministratrice.lunga", "a@example.org", PASSWORD)
    phone = new_page(**PHONE)
    phone.goto(live_server.url + "/")
    anonymous = _header(phone)
    phone.goto(live_server.url + "/accedi/")
    login(phone, "amministratrice.lunga")
    phone.wait_for_url(lambda url: urlparse(url).path != "/accedi/")
    phone.goto(live_server.url + "/")
    logged_in = _header(phone)

    for header in (anonymous, logged_in):
        assert abs(header["brand_top"] - header["language_top"]) < 12  # on one line
        assert header["page_width"] <= 390  # nothing sticks out sideways
    assert anonymous["link_rows"] == 1 and anonymous["height"] <= 80
    # Every area, and the logout button: one more line of links, no more.
    assert logged_in["link_rows"] == 2 and logged_in["height"] <= anonymous["height"] + 35
    # The button shows only "Esci", and still tells who is logged in to a screen reader.
    logout = phone.get_by_role("button", name="Esci (amministratrice.lunga)")
    assert logout.bounding_box()["width"] < 80
    assert logout.locator(".nome-utente").bounding_box()["width"] <= 1
