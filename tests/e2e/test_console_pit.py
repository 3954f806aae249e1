"""A PIT operator's ten minutes: log in, search, put two services on a sheet, print it,
record the consultation; the citizen opens the shared link without logging in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from punti_informazione.models import Consultazione
from tests.punti_informazione.builders import make_operatore, make_punto, make_user
from tests.servizi.builders import SAN_DONATO, make_ente, make_sede, make_servizio

pytestmark = pytest.mark.e2e

PASSWORD = "una-password-lunga"


@pytest.fixture
def sportello(territorio_live):
    punto = make_punto(nome="Segretariato sociale di San Donato")
    operatrice = make_operatore(punto, user=make_user("operatrice", first_name="Anna"))
    ente = make_ente(nome="Cooperativa Il Girasole")
    sede = make_sede(ente=ente, punto=SAN_DONATO)
    for titolo in ("Asilo nido Il Girotondo", "Nido famiglia La Coccinella"):
        make_servizio(
            ente=ente,
            sedi=[sede],
            titolo=titolo,
            descrizione="Nido per bambini dai 3 ai 36 mesi.",
            categorie=[_categoria("infanzia.nido")],
            orario="lun-ven 07:30-18:00",
        )
    make_servizio(ente=ente, sedi=[sede], titolo="Assistenza domiciliare anziani")
    return punto, operatrice


def log_in_and_open_a_new_sheet(page, live_server) -> None:
    page.goto(live_server.url + "/pit/")
    assert "/accedi/?next=/pit/" in page.url
    page.fill("#id_username", "operatrice")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("button", name="Nuova scheda di orientamento").click()
    page.wait_for_selector("#form-ricerca")


def _categoria(codice):
    from servizi.models import Categoria

    return Categoria.objects.get(codice=codice)


def test_an_operator_makes_prints_and_shares_a_sheet_then_records_the_consultation(
    live_server, sportello, page, new_page, artifacts
):
    punto, operatrice = sportello
    log_in_and_open_a_new_sheet(page, live_server)

    # Search, and add the two nurseries one after the other.
    page.fill("#q", "asilo nido")
    page.get_by_role("button", name="Cerca").click()
    page.wait_for_selector("#risultati .risultato button.aggiungi")
    titles = page.locator("#risultati .risultato h3").all_inner_texts()
    assert "Asilo nido Il Girotondo" in titles and "Assistenza domiciliare anziani" not in titles
    for expected in (1, 2):
        page.locator("#risultati button.aggiungi:enabled").first.click()
        page.wait_for_function(
            f"document.querySelectorAll('.pit-voce').length === {expected}", timeout=10_000
        )
        page.wait_for_selector("#risultati .risultato")  # the search runs again after the reload
    voci = page.locator(".pit-voce strong").all_inner_texts()
    assert sorted(voci) == ["Asilo nido Il Girotondo", "Nido famiglia La Coccinella"]
    link = page.get_attribute("#link-condiviso", "href")
    page.screenshot(path=str(artifacts / "pit-scheda.png"), full_page=True)

    # Print it: the print page renders the sheet, the QR code and the link, on A4.
    page.click("#link-stampa")
    page.wait_for_selector(".pit-foglio")
    sheet = page.locator(".pit-foglio").inner_text()
    assert "Asilo nido Il Girotondo" in sheet and "Nido famiglia La Coccinella" in sheet
    assert "Segretariato sociale di San Donato" in sheet
    assert link in sheet
    assert page.locator(".pit-qr-codice svg").count() == 1
    # The print rules that hide the header are in the console's own stylesheet: wait for
    # it (the page's load), then let the check retry while the styles apply. Read at once,
    # right after the sheet showed, the header was once still visible: a CI run failed.
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    (artifacts / "pit-scheda-stampa.pdf").write_bytes(pdf)
    page.screenshot(path=str(artifacts / "pit-scheda-stampa.png"), full_page=True)
    page.emulate_media(media="screen")

    # Record the consultation, with the sheet, in a few clicks.
    page.get_by_role("link", name="Torna alla scheda").click()
    page.click("#link-consultazione")
    page.wait_for_selector("form.pit-consultazione")
    assert "Consultazione anonima" in page.locator("#nota-anonimato").inner_text()
    page.check("input[name=canale][value=sportello]")
    page.get_by_label("Infanzia e minori › Asilo nido e micronido").check()
    page.check("input[name=lavoratore_impresa_aderente][value=true]")
    page.check("input[name=fascia_eta][value='30-44']")
    page.check("input[name=esito][value=invio_servizio]")
    page.select_option("#id_comune_residenza", label="San Donato Milanese")
    page.get_by_role("button", name="Registra").click()
    page.wait_for_selector(".messaggi")
    assert "Consultazione registrata" in page.locator(".messaggi").inner_text()
    consultazione = Consultazione.objects.get()
    assert consultazione.punto == punto and consultazione.operatore == operatrice
    assert consultazione.scheda is not None and consultazione.scheda.voci.count() == 2
    assert [c.codice for c in consultazione.bisogni.all()] == ["infanzia.nido"]

    # The citizen opens the link on their phone: no login, only the sheet.
    phone = new_page()  # a context of its own: no login
    phone.goto(link)
    text = phone.locator("main").inner_text()
    assert "Asilo nido Il Girotondo" in text and "Nido famiglia La Coccinella" in text
    assert "Assistenza domiciliare anziani" not in text
    assert "operatrice" not in text and "Anna" not in text
    assert "/accedi/" not in phone.url
    phone.screenshot(path=str(artifacts / "pit-scheda-condivisa.png"), full_page=True)


def test_an_operator_searches_a_need_in_a_comune_by_typing_both(live_server, sportello, page):
    # The nurseries' texts do not name San Donato Milanese: their Sede is there.
    log_in_and_open_a_new_sheet(page, live_server)

    page.fill("#q", "asilo nido a San Donato Milanese")
    page.get_by_role("button", name="Cerca").click()
    page.wait_for_selector("#risultati .risultato")
    titles = page.locator("#risultati .risultato h3").all_inner_texts()
    assert sorted(titles) == ["Asilo nido Il Girotondo", "Nido famiglia La Coccinella"]
    status = page.locator("#stato-ricerca")
    assert "Risultati a San Donato Milanese" in status.inner_text()

    page.get_by_role("button", name="Cerca «San Donato Milanese» come parola").click()
    expect(page.locator("#luogo-testo")).to_be_hidden()
    expect(page.locator("#risultati .risultato")).to_have_count(0)
    assert "luogo_dal_testo=false" in page.url
