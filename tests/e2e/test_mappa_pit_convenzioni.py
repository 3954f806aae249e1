"""Info points and agreements on the public map and in the console, end to end.

Issue 7's journey (a referent publishes an agreement, the network's administrator
approves it, a worker who picks a member company sees it on the map and redeems it),
the PIT layer of the map, and the console finding an agreement for a person's company.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from convenzioni.models import Convenzione, Utilizzo
from punti_informazione.models import VoceScheda
from tests.convenzioni.builders import make_convenzione, make_fornitore, make_impresa, make_rete
from tests.punti_informazione.builders import categoria, make_operatore, make_punto, make_user
from tests.servizi.builders import MELEGNANO, SAN_DONATO, make_ente, make_sede, make_servizio

from .helpers import DONE, after_search, open_home, result_titles, serious_violations

pytestmark = pytest.mark.e2e

PASSWORD = "una-password-lunga"


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def login(page, base: str, username: str) -> None:
    page.goto(base + "/accedi/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_load_state()


def logout(page) -> None:
    page.get_by_role("button", name="Esci (").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")


@pytest.fixture
def rete_e_fornitore(territorio_live):
    """A network, a partner provider with a published service at San Donato, a member company,
    another provider without agreements nearby."""
    rete = make_rete(nome="Rete Sud-Est", slug="sud-est")
    ente = make_fornitore(rete, nome="Cooperativa Il Girasole")
    sede = make_sede(ente, punto=SAN_DONATO, nome="Centro Il Girasole", indirizzo="Via Emilia 10")
    servizio = make_servizio(
        ente=ente,
        sedi=[sede],
        titolo="Doposcuola Il Girasole",
        descrizione="Compiti e giochi dopo la scuola.",
        categorie=[categoria("infanzia")],
    )
    altro = make_ente(nome="Associazione Senza Convenzioni")
    make_servizio(
        ente=altro,
        sedi=[make_sede(altro, punto=SAN_DONATO, nome="Sede dell'associazione")],
        titolo="Doposcuola dell'associazione",
        categorie=[categoria("infanzia")],
    )
    impresa = make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")
    return rete, ente, servizio, impresa


def test_referent_publishes_administrator_approves_worker_finds_it_on_the_map_and_redeems(
    live_server, rete_e_fornitore, new_page, page, artifacts
):
    """Issue 7's journey: the agreement goes from a referent's draft to a worker's code."""
    rete, ente, _servizio, _impresa = rete_e_fornitore
    ente.referenti.add(make_user("referente"))
    rete.amministratori.add(make_user("admin.rete"))
    base = live_server.url
    today = timezone.localdate()

    # The referent writes the agreement (for the network) and submits it.
    login(page, base, "referente")
    page.wait_for_url("**/convenzioni/gestione/")
    page.get_by_role("link", name="Nuova convenzione").click()
    page.get_by_label("Titolo").fill("Doposcuola scontato")
    page.get_by_label("Tipo di vantaggio").select_option("percentuale")
    page.get_by_label("Percentuale di sconto").fill("15")
    page.get_by_label("Valida dal").fill(today.isoformat())
    page.get_by_label("Valida fino al").fill((today + timedelta(days=90)).isoformat())
    page.get_by_label("Come si usa").select_option("codice")
    page.get_by_label("Codice da citare").fill("GIRASOLE15")
    page.get_by_label("Doposcuola Il Girasole").check()
    page.get_by_label("Rete Sud-Est").check()
    page.get_by_role("button", name="Salva").click()
    page.get_by_role("button", name="Invia in revisione").click()
    page.get_by_text("Inviata in revisione.").wait_for()
    logout(page)

    # The network's administrator approves it.
    login(page, base, "admin.rete")
    page.wait_for_url("**/convenzioni/moderazione/")
    page.get_by_role("button", name="Approva «Doposcuola scontato»").click()
    page.get_by_text("Approvata e pubblicata.").wait_for()
    convenzione = Convenzione.objects.get()
    assert convenzione.stato == "pubblicata"
    logout(page)

    # A worker, on the map page, says where they work and comes back to the same search.
    map_page = new_page(viewport={"width": 1366, "height": 900})  # a context of its own
    open_home(map_page, base + "/?q=doposcuola")
    assert "Doposcuola dell'associazione" in result_titles(map_page)
    map_page.get_by_role("link", name="Scegli la tua impresa").click()
    map_page.get_by_label("L'impresa in cui lavori").select_option(label="Officine Lambro")
    map_page.get_by_role("button", name="Mostrami le mie convenzioni").click()
    map_page.wait_for_url(lambda url: urlparse(url).path == "/")
    map_page.wait_for_function(DONE.format(n=1), timeout=15_000)
    assert query_of(map_page.url)["q"] == ["doposcuola"]
    assert query_of(map_page.url)["con_convenzione_per"] == ["impresa:officine-lambro"]
    note = map_page.locator("#nota-convenzioni").inner_text()
    assert "Officine Lambro" in note
    assert map_page.locator("#errore-ricerca").is_hidden()

    # Only the provider with an agreement for them, marked, and the agreement itself.
    titles = result_titles(map_page)
    assert "Doposcuola dell'associazione" not in titles
    assert "Doposcuola scontato" in titles and "Doposcuola Il Girasole" in titles
    agreement = map_page.locator(".risultato.tipo-convenzione", has_text="Doposcuola scontato")
    assert "Convenzione" in agreement.locator(".meta").inner_text()
    provider = map_page.locator(".risultato.con-convenzione", has_text="Doposcuola Il Girasole")
    badge = provider.get_by_role("link", name="Doposcuola scontato")
    assert badge.get_attribute("href") == f"/convenzioni/{convenzione.pk}/"
    map_page.wait_for_selector("#mappa .segnaposto.con-convenzione")
    map_page.wait_for_selector("#mappa .segnaposto.tipo-convenzione")
    map_page.screenshot(path=str(artifacts / "mappa-convenzioni-per-me.png"), full_page=True)
    assert serious_violations(map_page) == []

    # The agreement's page says how to use it; the worker gets a personal code.
    agreement.get_by_role("link", name="Doposcuola scontato").click()
    map_page.wait_for_url(f"**/convenzioni/{convenzione.pk}/**")
    assert "GIRASOLE15" in map_page.locator(".come-si-usa ol").inner_text()
    map_page.get_by_role("button", name="Genera il mio codice").click()
    codice = map_page.locator(".codice-personale").inner_text()
    assert map_page.locator(".qr svg").is_visible()
    assert Utilizzo.objects.get().codice == codice

    # Forgetting the company shows everything again, on the same search.
    open_home(map_page, base + "/?q=doposcuola")
    map_page.get_by_role(
        "button", name="Mostra tutto, non solo le convenzioni per la mia impresa"
    ).click()
    map_page.wait_for_url(lambda url: "con_convenzione_per" not in url)
    map_page.wait_for_function(DONE.format(n=1), timeout=15_000)
    assert "con_convenzione_per" not in query_of(map_page.url)
    assert "Doposcuola dell'associazione" in result_titles(map_page)


@pytest.fixture
def sportelli(territorio_live):
    """Two info points, one at San Donato and one at Melegnano, and a service near the first."""
    pit = make_punto(nome="Segretariato sociale di San Donato", temi=[categoria("infanzia")])
    make_punto(nome="Sportello welfare di Melegnano", punto=MELEGNANO, tipo="sportello_welfare")
    make_servizio(titolo="Asilo nido Il Girotondo", categorie=[categoria("infanzia.nido")])
    return pit


def test_the_pit_layer_draws_info_points_in_their_own_style_and_lists_them(
    live_server, sportelli, page, artifacts
):
    open_home(page, live_server.url + "/?lat=45.4103&lon=9.2686&raggio_km=20")
    page.wait_for_function(
        "() => +document.getElementById('mappa-territorio').dataset.pit >= 2", timeout=15_000
    )
    assert page.locator("#mappa .gruppo-pit, #mappa .pit-marker").count() >= 1

    # In the list, with their kind and their page; their numbered marker is a PIT's.
    item = page.locator(".risultato.tipo-pit", has_text="Segretariato sociale di San Donato")
    assert item.locator(".meta").inner_text().startswith("Punto informativo")
    link = item.get_by_role("link", name="Segretariato sociale di San Donato")
    assert link.get_attribute("href").startswith(f"/pit/{sportelli.pk}/?da=45.4103,9.2686")
    assert page.locator("#mappa .segnaposto.tipo-pit").count() >= 1
    page.screenshot(path=str(artifacts / "mappa-pit.png"), full_page=False)

    # The legend's switch hides the layer and takes them out of the list; the URL says so.
    after_search(page, lambda: page.locator("#mostra-pit").uncheck())
    page.wait_for_function("() => document.getElementById('mappa-territorio').dataset.pit === '0'")
    assert page.locator("#mappa .gruppo-pit, #mappa .pit-marker, .risultato.tipo-pit").count() == 0
    assert query_of(page.url)["tipo"] == ["servizio,convenzione"]
    after_search(page, lambda: page.locator("#mostra-pit").check())
    page.locator(".risultato.tipo-pit").first.wait_for()

    # Only PITs: the filter's kinds.
    page.locator("#filtri summary").click()
    after_search(page, lambda: page.locator("#tipo-servizio").uncheck())
    after_search(page, lambda: page.locator("#tipo-convenzione").uncheck())
    assert set(result_titles(page)) == {
        "Segretariato sociale di San Donato",
        "Sportello welfare di Melegnano",
    }
    link = page.get_by_role("link", name="Segretariato sociale di San Donato")
    link.click()
    page.wait_for_url(f"**/pit/{sportelli.pk}/**")
    assert page.locator("h1").inner_text() == "Segretariato sociale di San Donato"


def test_the_console_finds_an_agreement_for_the_persons_company_and_adds_it_to_the_sheet(
    live_server, rete_e_fornitore, page
):
    rete, ente, _servizio, _impresa = rete_e_fornitore
    convenzione = make_convenzione(
        ente=ente, reti=[rete], stato="pubblicata", titolo="Doposcuola scontato", percentuale=15
    )
    punto = make_punto(nome="Segretariato sociale di San Donato")
    make_operatore(punto, user=make_user("operatrice"))
    page.goto(live_server.url + "/pit/")
    page.get_by_label("Nome utente").fill("operatrice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("button", name="Nuova scheda di orientamento").click()
    page.wait_for_selector("#form-ricerca")

    # The person works at a member company: only what their agreements cover, and those.
    page.get_by_label("Solo gli enti con una convenzione per i dipendenti di").select_option(
        label="Officine Lambro"
    )
    page.fill("#q", "doposcuola")
    page.get_by_role("button", name="Cerca").click()
    page.wait_for_selector("#risultati .risultato.tipo-convenzione")
    titles = page.locator("#risultati .risultato h3").all_inner_texts()
    assert "Doposcuola scontato" in titles and "Doposcuola dell'associazione" not in titles
    provider = page.locator(".risultato.con-convenzione", has_text="Doposcuola Il Girasole")
    assert provider.get_by_role("link", name="Doposcuola scontato").is_visible()

    page.locator(".risultato.tipo-convenzione button.aggiungi").click()
    page.wait_for_selector(".pit-voce[data-tipo=convenzione]")
    assert VoceScheda.objects.get(tipo="convenzione").oggetto_id == convenzione.pk
    # After the reload the same search is there, and the agreement is already on the sheet.
    page.wait_for_selector("#risultati .risultato.tipo-convenzione")
    assert page.locator(".risultato.tipo-convenzione button.aggiungi").is_disabled()
    assert page.get_by_label(
        "Solo gli enti con una convenzione per i dipendenti di"
    ).input_value() == ("impresa:officine-lambro")

    page.click("#link-stampa")
    sheet = page.locator(".pit-foglio").inner_text()
    assert "Doposcuola scontato" in sheet and "Sconto del 15%" in sheet
