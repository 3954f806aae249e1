"""The SME flow in a real browser: a referent publishes, the network approves, a worker uses it.

The whole journey of the issue, with the worker finding the agreement on the map, waits for
the search to know agreements (tests/e2e/test_attende_ricerca.py); this covers it on the
pages.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from convenzioni.models import Convenzione, Utilizzo
from tests.convenzioni.builders import make_fornitore, make_impresa, make_rete

pytestmark = pytest.mark.e2e


def _login(page, base: str, username: str, lands: str) -> None:
    """The site's one login: each user lands in the first area they may open."""
    page.goto(base + "/accedi/")
    page.fill("#id_username", username)
    page.fill("#id_password", "una-password-lunga")
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(f"**{lands}")


def _logout(page) -> None:
    page.get_by_role("button", name="Esci (").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")  # back to the map


def test_referent_publishes_network_approves_worker_redeems(
    live_server, territorio_live, page, django_user_model, artifacts
):
    rete = make_rete(nome="Rete Sud-Est", slug="sud-est")
    ente = make_fornitore(rete, nome="Cooperativa Il Girasole")
    make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")
    referente = django_user_model.objects.create_user("referente", password="una-password-lunga")
    ente.referenti.add(referente)
    admin_rete = django_user_model.objects.create_user("admin.rete", password="una-password-lunga")
    rete.amministratori.add(admin_rete)
    base = live_server.url
    today = timezone.localdate()

    # The referent writes the agreement and submits it.
    _login(page, base, "referente", "/convenzioni/gestione/")
    page.get_by_role("link", name="Nuova convenzione").click()
    page.get_by_label("Titolo").fill("Doposcuola scontato")
    page.get_by_label("Tipo di vantaggio").select_option("percentuale")
    page.get_by_label("Percentuale di sconto").fill("120")
    page.get_by_label("Valida dal").fill(today.isoformat())
    page.get_by_label("Valida fino al").fill((today + timedelta(days=90)).isoformat())
    page.get_by_label("Come si usa").select_option("codice")
    page.get_by_label("Codice da citare").fill("GIRASOLE10")
    page.get_by_label("Rete Sud-Est").check()
    page.get_by_role("button", name="Salva").click()
    # A percentage over 100 is refused, naming the field; what was typed stays.
    assert "al massimo 100" in page.locator(".errorlist").first.inner_text()
    assert page.get_by_label("Titolo").input_value() == "Doposcuola scontato"
    page.get_by_label("Percentuale di sconto").fill("15")
    page.get_by_role("button", name="Salva").click()
    page.get_by_role("button", name="Invia in revisione").click()
    page.get_by_text("Inviata in revisione.").wait_for()
    _logout(page)

    # The network's administrator approves it.
    _login(page, base, "admin.rete", "/convenzioni/moderazione/")
    page.get_by_role("button", name="Approva «Doposcuola scontato»").click()
    page.get_by_text("Approvata e pubblicata.").wait_for()
    assert Convenzione.objects.get().stato == "pubblicata"
    _logout(page)

    # A worker says where they work, finds it and asks for a personal code.
    page.goto(base + "/convenzioni/")
    page.get_by_role("link", name="Scegli la tua impresa").click()
    page.get_by_label("L'impresa in cui lavori").select_option(label="Officine Lambro")
    page.get_by_role("button", name="Mostrami le mie convenzioni").click()
    page.get_by_role("link", name="Doposcuola scontato").click()
    assert "GIRASOLE10" in page.locator(".come-si-usa ol").inner_text()
    page.get_by_role("button", name="Genera il mio codice").click()
    codice = page.locator(".codice-personale").inner_text()
    assert page.locator(".qr svg").is_visible()
    page.screenshot(path=str(artifacts / "convenzione-codice.png"), full_page=True)
    assert Utilizzo.objects.get().codice == codice

    # The provider scans the QR (its URL) and confirms the use; the count follows.
    _login(page, base, "referente", "/convenzioni/gestione/")
    page.goto(base + f"/convenzioni/verifica/{codice}/")
    page.get_by_role("button", name="Conferma l'utilizzo").click()
    page.get_by_text("Utilizzo confermato").wait_for()
    row = page.get_by_role("row", name="Doposcuola scontato")
    assert row.get_by_role("cell").nth(6).inner_text() == "1"
