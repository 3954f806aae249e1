"""A worker finds a service near home on the map page, in a real Chromium, with the demo data."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.core.management import call_command
from django.utils import timezone

from .helpers import after_search, open_home, result_titles

pytestmark = pytest.mark.e2e


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def result_count(page) -> int:
    """The number of results the status line announces ("287 risultati · pagina 1 di 15")."""
    status = page.locator("#stato-ricerca").inner_text()
    found = re.search(r"(\d[\d.]*) risultat", status)
    assert found, status
    return int(found.group(1).replace(".", ""))


def test_asilo_suggestion_comune_filter_and_the_detail_page(live_server, catalogo_demo, page):
    open_home(page, live_server.url + "/")
    assert len(result_titles(page)) == 20  # the first page of the whole catalogue

    # Type-ahead: the category "Asilo nido e micronido" is suggested for "asilo".
    page.locator("#q").press_sequentially("asilo", delay=40)
    suggestion = page.locator("#suggerimenti [role=option]", has_text="Asilo nido e micronido")
    suggestion.wait_for()
    assert page.get_attribute("#q", "aria-expanded") == "true"
    after_search(page, suggestion.click)
    assert query_of(page.url)["categoria"] == ["infanzia.nido"]
    assert page.locator("#cat-infanzia\\.nido").is_checked()
    every_nursery = result_titles(page)
    assert len(every_nursery) > 5

    # Filter by a Comune: only the nurseries delivered in San Donato Milanese remain.
    page.locator("#filtri summary").click()
    after_search(page, lambda: page.select_option("#comune", label="San Donato Milanese"))
    assert query_of(page.url)["comune"] == ["015192"]
    titles = result_titles(page)
    assert "Asilo nido comunale Il Pulcino" in titles
    assert 0 < len(titles) < len(every_nursery)
    for where in page.locator("#risultati .risultato .dove").all_inner_texts():
        assert "San Donato Milanese" in where
    assert page.locator("#stato-ricerca").inner_text() == f"{len(titles)} risultati"
    # The numbered markers of the list are on the map.
    assert int(page.get_attribute("#mappa-territorio", "data-segnaposto")) == len(titles)

    # The state lives in the URL: the same link in a new page gives the same results.
    link = page.url
    other = page.context.new_page()
    open_home(other, link)
    assert result_titles(other) == titles
    assert other.locator("#comune").input_value() == "015192"
    other.close()

    # Open a result: the service's page, with what a citizen needs.
    page.get_by_role("link", name="Asilo nido comunale Il Pulcino").click()
    page.wait_for_selector("#mini-mappa[data-luoghi]")
    assert page.locator("h1").inner_text() == "Asilo nido comunale Il Pulcino"
    for heading in [
        "Che cos’è",
        "Per chi",
        "Quanto costa",
        "Come si accede",
        "Orari",
        "Dove",
        "Contatti",
        "Lingue parlate",
        "Accessibilità",
        "Ultima verifica",
    ]:
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), heading
    assert re.search(r"(Aperto|Chiuso) ora", page.locator(".scheda-stato").inner_text())
    assert (
        "Servizi Sociali del Comune di San Donato Milanese"
        in page.locator(".scheda-ente").inner_text()
    )
    directions = page.get_by_role("link", name=re.compile("Indicazioni stradali"))
    assert directions.get_attribute("href").startswith("https://www.openstreetmap.org/directions?")
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert data["@type"] == "GovernmentService"
    assert data["name"] == "Asilo nido comunale Il Pulcino"
    assert page.get_attribute("#mini-mappa", "data-luoghi") == "1"
    page.wait_for_selector("#mini-mappa[data-comuni='1']")  # the Comune drawn without tiles

    # Back to the search, with its state.
    page.get_by_role("link", name="← Torna alla ricerca").click()
    page.wait_for_selector("#risultati[data-completate]")
    assert query_of(page.url)["comune"] == ["015192"]
    assert result_titles(page) == titles


def test_english_on_every_page_keeps_the_search(live_server, catalogo_demo, page):
    open_home(page, live_server.url + "/?categoria=infanzia.nido&comune=015192")
    italian = result_titles(page)
    page.select_option("#lingua", "en")
    page.get_by_role("button", name="Cambia").click()
    page.wait_for_selector("#risultati[data-completate]")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Work-life balance services in the area"
    assert query_of(page.url)["comune"] == ["015192"]  # the search survived the switch
    assert result_titles(page) == italian
    assert page.locator("label[for='cat-infanzia.nido']").inner_text() == "Nursery"
    assert page.locator("#risultati .tipo").first.inner_text() == "Service"
    assert page.locator("#stato-ricerca").inner_text() == f"{len(italian)} results"

    page.locator("#risultati a").first.click()
    page.wait_for_selector("h1")
    assert page.get_by_role("heading", name="Opening hours", exact=True).is_visible()
    assert page.get_by_role("button", name="Print this page").is_visible()
    assert page.locator("#lingua").input_value() == "en"  # the switch is on this page too


def test_the_whole_search_works_with_the_keyboard_alone(live_server, catalogo_demo, page):
    open_home(page, live_server.url + "/")

    def tab_until(selector: str, limit: int = 120) -> int:
        for presses in range(1, limit + 1):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return presses
        raise AssertionError(f"{selector} never reached with Tab")

    tab_until("#q")
    page.keyboard.type("lavand", delay=40)
    page.locator("#suggerimenti [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    active = page.get_attribute("#q", "aria-activedescendant")
    assert page.get_attribute(f"#{active}", "aria-selected") == "true"
    after_search(page, lambda: page.keyboard.press("Enter"))
    assert query_of(page.url)["categoria"] == ["salva-tempo.lavanderia"]

    # The focus is visible where it stands.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

    # Through the rest of the form, past the map (it does not trap the focus), to a result.
    presses = tab_until("#risultati a")
    assert presses < 120
    title = page.evaluate("document.activeElement.textContent")
    key = page.evaluate("document.activeElement.closest('.risultato').dataset.key")
    assert page.locator(f".risultato[data-key='{key}']").get_attribute("class").endswith("attivo")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == title


def test_focusing_or_hovering_a_result_highlights_its_marker_and_back(
    live_server, catalogo_demo, page
):
    open_home(page, live_server.url + "/?q=asilo")
    page.wait_for_selector(".segnaposto")
    first = page.locator("#risultati .risultato").first
    first.hover()
    assert page.locator(".segnaposto.attivo").count() == 1
    page.mouse.move(0, 0)
    assert page.locator(".segnaposto.attivo").count() == 0

    # Back from the map: a marker the pointer can reach. At this window size the map starts
    # below the fold, and markers of nearby places overlap; hovering a covered or scrolled-away
    # marker by force, as this test did, once reached another element and failed a CI run.
    page.locator("#mappa-territorio").scroll_into_view_if_needed()
    map_quiet(page)
    index = page.evaluate(_FIRST_UNCOVERED_MARKER)
    assert index >= 0, "every result marker is covered"
    marker = page.locator(".leaflet-pane .segnaposto").nth(index)
    marker.hover()
    active = page.locator("#risultati .risultato.attivo h3")
    assert active.count() == 1
    assert marker.get_attribute("title").split(". ", 1)[1] == active.inner_text()


# The first result marker whose centre is not covered by another element.
_FIRST_UNCOVERED_MARKER = """() => [...document.querySelectorAll('.leaflet-pane .segnaposto')]
  .findIndex((marker) => {
    const box = marker.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return hit !== null && marker.contains(hit);
  })"""


def test_position_radius_and_distances(live_server, catalogo_demo, new_page):
    # San Donato Milanese's town hall.
    page = new_page(
        geolocation={"latitude": 45.4103, "longitude": 9.2686}, permissions=["geolocation"]
    )
    open_home(page, live_server.url + "/?q=asilo")
    after_search(page, lambda: page.get_by_role("button", name="Usa la mia posizione").click())
    assert "la tua posizione" in page.locator("#posizione-stato").inner_text()
    distances = page.locator("#risultati .dove").all_inner_texts()
    assert distances and all(re.search(r"a \d+(,\d)? km|a domicilio", d) for d in distances)
    assert sum("km" in d for d in distances) > len(distances) / 2

    after_search(page, lambda: page.select_option("#raggio_km", "2"))
    query = query_of(page.url)
    assert query["raggio_km"] == ["2"] and "lat" in query and "lon" in query
    kms = [
        float(match.group(1).replace(",", "."))
        for d in page.locator("#risultati .dove").all_inner_texts()
        if (match := re.search(r"a (\d+(?:,\d)?) km", d))
    ]
    assert kms and max(kms) <= 2.0

    # Choosing a Comune moves the starting point there.
    after_search(page, lambda: page.select_option("#partenza", label="Rozzano"))
    assert "Rozzano" in page.locator("#posizione-stato").inner_text()
    assert page.locator(".partenza-marker").count() == 1

    # A click on the map, too.
    page.locator("#raggio_km").select_option("")
    page.wait_for_timeout(400)
    after_search(page, lambda: page.locator("#mappa").click(position={"x": 200, "y": 200}))
    assert "il punto scelto sulla mappa" in page.locator("#posizione-stato").inner_text()


# A move of the map may be drawn twice (at the move and at the end of its animation):
# the state is read once the map has drawn nothing new for half a second.
_MAP_QUIET = """() => new Promise((resolve) => {
  const map = document.getElementById('mappa-territorio');
  let last = map.dataset.aggiornamenti;
  const check = () => setTimeout(() => {
    const now = map.dataset.aggiornamenti;
    if (now === last && !document.querySelector('.leaflet-zoom-anim')) { resolve(true); }
    else { last = now; check(); }
  }, 500);
  check();
})"""


def map_quiet(page) -> None:
    page.wait_for_function(_MAP_QUIET)


def zoom_into_a_cluster_until_no_cluster_is_left(page) -> None:
    """Click the first cluster, which zooms into it, until the map shows places alone."""
    for _attempt in range(6):
        map_quiet(page)
        if page.get_attribute("#mappa-territorio", "data-gruppi") == "0":
            return
        before = int(page.get_attribute("#mappa-territorio", "data-aggiornamenti"))
        page.locator(".gruppo").first.dispatch_event("click")
        page.wait_for_function(
            f"() => +document.getElementById('mappa-territorio').dataset.aggiornamenti > {before}"
            " && !document.querySelector('.leaflet-zoom-anim')"
        )
    assert page.get_attribute("#mappa-territorio", "data-gruppi") == "0"


def test_clusters_then_points_and_search_this_area(live_server, catalogo_demo, page):
    open_home(page, live_server.url + "/")
    page.wait_for_selector("#mappa-territorio[data-gruppi]")
    assert int(page.get_attribute("#mappa-territorio", "data-gruppi")) > 0
    everywhere = result_count(page)
    assert page.locator("#cerca-qui").is_hidden()  # the page's own moves do not offer it

    # A click on a cluster zooms into it, until the places themselves show.
    zoom_into_a_cluster_until_no_cluster_is_left(page)
    assert int(page.get_attribute("#mappa-territorio", "data-punti")) > 0
    assert page.locator("#stato-mappa").inner_text() == ""  # every place of the view

    assert page.locator("#cerca-qui").is_visible()
    after_search(page, lambda: page.locator("#cerca-qui").click())
    assert "bbox" in query_of(page.url)
    assert page.locator("#area-attiva").is_visible()
    # The area keeps fewer results than the whole catalogue, but some (the page may be
    # full: the first cluster clicked can hold more than twenty places).
    assert 0 < result_count(page) < everywhere
    assert result_titles(page)

    # A place on the map opens a popup linking to the services' pages.
    page.locator("path.punto-marker").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").first.get_attribute("href").startswith("/servizi/")

    after_search(page, lambda: page.get_by_role("button", name="Cerca ovunque").click())
    assert "bbox" not in query_of(page.url)


def test_no_results_suggests_what_to_drop_with_counts(live_server, catalogo_demo, page):
    open_home(page, live_server.url + "/?q=lavanderia&gratuito=true&lingua=ar")
    empty = page.locator("#nessun-risultato")
    assert empty.is_visible()
    drop_language = page.get_by_role("button", name=re.compile("Togli il filtro «Lingua parlata"))
    expect_count = re.compile(r"\(\d+ risultat")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#allarga button')]"
        ".some(b => /\\(\\d+ risultat/.test(b.textContent))"
    )
    labels = page.locator("#allarga button").all_inner_texts()
    assert any("gratuiti" in label for label in labels)
    assert any("lavanderia" in label for label in labels)
    assert any(expect_count.search(label) for label in labels)
    after_search(page, drop_language.click)
    assert "lingua" not in query_of(page.url)
    assert page.locator("#q").input_value() == "lavanderia"

    # Or all the filters at once, keeping the text.
    open_home(page, live_server.url + "/?q=lavanderia&gratuito=true&lingua=ar")
    drop_all = page.get_by_role("button", name=re.compile("Togli tutti i filtri"))
    after_search(page, drop_all.click)
    assert set(query_of(page.url)) == {"q"}
    assert result_titles(page)


def test_words_too_common_to_search_are_named(live_server, catalogo_demo, page):
    # Only such words: the text searches nothing, and the page says why it lists everything.
    open_home(page, live_server.url + "/?q=di")
    status = page.locator("#stato-ricerca").inner_text()
    assert status.startswith("Parole troppo comuni, non cercate: «di».")
    assert len(result_titles(page)) == 20
    assert page.locator("#q").input_value() == "di"

    # Among other words: they are left out, and named.
    open_home(page, live_server.url + "/?q=asilo")
    nurseries = result_titles(page)
    open_home(page, live_server.url + "/?q=asilo+per+la")
    status = page.locator("#stato-ricerca").inner_text()
    assert status.startswith("Parole troppo comuni, non cercate: «per», «la».")
    assert result_titles(page) == nurseries


def test_a_map_showing_only_some_of_its_places_says_so(
    live_server, catalogo_demo, page, monkeypatch
):
    # No point at all (the server's limit made nought): any view of places is cut short.
    monkeypatch.setattr("marketplace.search.backends.postgres.MAX_POINTS", 0)
    open_home(page, live_server.url + "/")
    page.wait_for_selector("#mappa-territorio[data-gruppi]")
    assert page.locator("#stato-mappa").inner_text() == ""  # clusters count every place
    zoom_into_a_cluster_until_no_cluster_is_left(page)
    assert page.get_attribute("#mappa-territorio", "data-punti") == "0"
    assert page.locator("#stato-mappa").inner_text() == (
        "In quest’area ci sono più luoghi di quanti la mappa ne mostri: ingrandisci per "
        "vederli tutti. L’elenco dei risultati li conta tutti."
    )


def test_a_failed_search_says_so_and_keeps_what_was_typed(live_server, catalogo_demo, page):
    open_home(page, live_server.url + "/")
    page.route("**/api/v1/cerca/?*", lambda route: route.abort())
    page.locator("#q").fill("badante")
    after_search(page, lambda: page.locator("#q").press("Enter"))
    alert = page.locator("#errore-ricerca")
    assert alert.is_visible()
    assert "non è riuscita" in alert.inner_text()
    assert page.locator("#q").input_value() == "badante"

    page.unroute("**/api/v1/cerca/?*")
    after_search(page, lambda: alert.get_by_role("button", name="Riprova").click())
    assert alert.is_hidden()
    assert result_titles(page)


def test_bad_input_in_the_url_is_explained_next_to_the_field(live_server, catalogo_demo, page):
    open_home(page, live_server.url + "/?lat=45.41&lon=9.27&raggio_km=500&q=asilo")
    alert = page.locator("#errore-ricerca")
    assert alert.is_visible()
    assert "100 km" in page.locator("#raggio_km-errore").inner_text()
    assert page.get_attribute("#raggio_km", "aria-invalid") == "true"
    assert page.locator("#q").input_value() == "asilo"


def test_the_kinds_of_result_and_the_pit_layer_switch_are_one_state_in_the_url(
    live_server, catalogo_demo, page
):
    open_home(page, live_server.url + "/?q=asilo")
    assert "tipo" not in query_of(page.url)  # every kind: the API's default
    assert page.locator("#mostra-pit").is_checked()

    # The legend's switch of the info points' layer is the filter's "PIT" kind.
    after_search(page, lambda: page.locator("#mostra-pit").uncheck())
    assert query_of(page.url)["tipo"] == ["servizio,convenzione"]
    page.locator("#filtri summary").click()
    assert not page.locator("#tipo-pit").is_checked()
    after_search(page, lambda: page.locator("#tipo-convenzione").uncheck())
    assert query_of(page.url)["tipo"] == ["servizio"]
    assert {t.split(" · ")[0] for t in page.locator(".risultato .meta").all_inner_texts()} == {
        "Servizio"
    }

    # The last kind cannot go: none would mean all of them again.
    page.locator("#tipo-servizio").click()
    assert page.locator("#tipo-servizio").is_checked()
    assert "almeno un tipo" in page.locator("#stato-ricerca").inner_text()

    # A link reproduces it; checking the PIT layer again adds the kind back.
    open_home(page, page.url)
    assert not page.locator("#mostra-pit").is_checked()
    after_search(page, lambda: page.locator("#mostra-pit").check())
    assert query_of(page.url)["tipo"] == ["servizio,pit"]
    assert page.locator("#tipo-pit").is_checked()


def test_a_result_says_where_the_words_were_found_beyond_its_snippet(
    live_server, catalogo_demo, page
):
    # "Melograno" is the name of the home care's cooperative, "autosufficienza" the name
    # of its category's parent ("Anziani e non autosufficienza"): neither is in its text.
    open_home(page, live_server.url + "/?q=melograno%20autosufficienza")
    item = page.locator("#risultati .risultato", has_text="Assistenza a domicilio per anziani")
    assert item.locator(".snippet mark").count() == 0
    assert item.locator(".meta mark").all_inner_texts() == ["Melograno"]
    assert item.locator(".meta").inner_text().endswith("Cooperativa sociale Il Melograno")
    found_in = item.locator(".trovato-in")
    assert found_in.inner_text() == "Trovato nella categoria: Anziani e non autosufficienza"
    assert found_in.locator("mark").all_inner_texts() == ["autosufficienza"]


@pytest.mark.parametrize(
    ("typed", "status_begins", "offer", "searched_after"),
    [
        # "rumena" is in no text and like no known word: the search finds nothing, says
        # why, and offers to search without that word, with the count it would give.
        pytest.param(
            "Badante rumena",
            "Nessun servizio, punto informativo o convenzione contiene: «rumena».",
            "Cerca senza la parola «rumena»",
            "Badante",
            id="dropped",
        ),
        # "scuolabus" is no typo: the search no longer searches "scuola" in its place. It
        # says that no text holds the word and proposes "scuola", with its count.
        pytest.param(
            "Trasporto scuolabus",
            "Nessun servizio, punto informativo o convenzione contiene: «scuolabus». "
            "Forse cercavi: «scuola»?",
            "Cerca «scuola» invece di «scuolabus»",
            "Trasporto scuola",
            id="replaced by the nearest known word",
        ),
    ],
)
def test_a_word_found_nowhere_is_named_and_can_be_dropped_or_replaced(
    live_server, catalogo_demo, page, typed, status_begins, offer, searched_after
):
    open_home(page, live_server.url + "/?" + urlencode({"q": typed}))
    assert page.locator("#nessun-risultato").is_visible()
    status = page.locator("#stato-ricerca").inner_text()
    assert status.startswith(status_begins), status
    button = page.get_by_role("button", name=re.compile(re.escape(offer)))
    page.wait_for_function(
        "offer => [...document.querySelectorAll('#allarga button')]"
        ".some(b => b.textContent.startsWith(offer) && /\\(\\d+ risultat/.test(b.textContent))",
        arg=offer,
    )
    after_search(page, button.click)
    assert page.locator("#q").input_value() == searched_after
    assert query_of(page.url)["q"] == [searched_after]
    assert result_titles(page)
    assert "contiene" not in page.locator("#stato-ricerca").inner_text()


def test_agreements_valid_from_a_later_day_are_said_when_nothing_is_found_today(
    live_server, catalogo_demo, page
):
    # The demo's agreement on flu shots is published, valid from 20 days on: "vaccini"
    # found nothing, and the page did not say why.
    call_command("load_demo_convenzioni", verbosity=0)
    open_home(page, live_server.url + "/?q=vaccini")
    assert page.locator("#nessun-risultato").is_visible()
    dal = timezone.localdate() + timedelta(days=20)
    mese = MESI[dal.month - 1]
    expected = (
        f"Una convenzione che risponde alla ricerca sarà valida dal {dal.day} {mese} {dal.year}."
    )
    assert expected in page.locator("#stato-ricerca").inner_text()


MESI = (
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
)
MESI = MESI.split()


def test_words_found_apart_but_never_together_can_each_be_dropped(live_server, catalogo_demo, page):
    # Both words are in some text, none holds both: the search offers to drop each one,
    # with the count it would give, not only the whole text.
    open_home(page, live_server.url + "/?q=asilo+per+badante")
    assert page.locator("#nessun-risultato").is_visible()
    assert "contiene" not in page.locator("#stato-ricerca").inner_text()  # none is unknown
    page.wait_for_function(
        "() => [...document.querySelectorAll('#allarga button')]"
        ".filter(b => /senza la parola.*\\(\\d+ risultat/.test(b.textContent)).length === 2"
    )
    offered = page.locator("#allarga button").all_inner_texts()
    assert not any("«per»" in text for text in offered)  # too common: never searched
    drop_word = page.get_by_role("button", name=re.compile("Cerca senza la parola «asilo»"))
    after_search(page, drop_word.click)
    assert page.locator("#q").input_value() == "per badante"
    assert result_titles(page)


def searched(page, url: str) -> tuple[list[str], str]:
    """The map page at `url`, with up to 100 results: their titles, sorted, and what its
    status line says."""
    open_home(page, url + "&per_pagina=100")
    return sorted(result_titles(page)), page.locator("#stato-ricerca").inner_text()


def test_aperto_and_a_day_in_the_text_is_when_the_results_must_be_open(
    live_server, catalogo_demo, page
):
    # "aperto sabato" searched as words found nothing: the opening hours answer it, said;
    # the words can be searched as words instead, until the text changes.
    titles, status = searched(page, live_server.url + "/?q=assistenza+aperta+sabato")
    assert titles
    assert status.startswith("Aperti sabato "), status
    assert "«aperta sabato» è letto come un orario." in status
    as_words = page.get_by_role("button", name="Cerca «aperta sabato» come parole, non come orario")
    after_search(page, as_words.click)
    assert query_of(page.url)["aperto_dal_testo"] == ["false"]
    assert "Aperti sabato" not in page.locator("#stato-ricerca").inner_text()
    assert page.locator("#q").input_value() == "assistenza aperta sabato"

    page.locator("#q").fill("assistenza aperta domenica")
    after_search(page, lambda: page.locator("#q").press("Enter"))
    assert "aperto_dal_testo" not in query_of(page.url)
    assert page.locator("#stato-ricerca").inner_text().startswith("Aperti domenica ")

    # A part of the day, with its day or for the week, is said with its hours.
    page.locator("#q").fill("assistenza aperta sabato sera")
    after_search(page, lambda: page.locator("#q").press("Enter"))
    status = page.locator("#stato-ricerca").inner_text()
    assert status.startswith("Aperti sabato "), status
    assert ", la sera (dalle 18 a mezzanotte): «aperta sabato sera» è letto" in status
    page.locator("#q").fill("assistenza aperta la sera")
    after_search(page, lambda: page.locator("#q").press("Enter"))
    status = page.locator("#stato-ricerca").inner_text()
    assert status.startswith(
        "Aperti la sera (dalle 18 a mezzanotte) in qualche giorno della settimana: "
        "«aperta la sera» è letto come un orario."
    ), status


def test_a_day_picked_among_the_filters_is_when_the_results_must_be_open(
    live_server, catalogo_demo, page
):
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    open_home(page, live_server.url + "/?q=assistenza")
    everything = result_count(page)
    page.locator("#filtri summary").click()
    after_search(page, lambda: page.locator("#aperto_giorno").fill(saturday.isoformat()))
    assert query_of(page.url)["aperto_giorno"] == [saturday.isoformat()]
    on_saturday = result_count(page)
    assert 0 < on_saturday < everything
    # Its evening: fewer still.
    after_search(page, lambda: page.locator("#aperto_parte").select_option("sera"))
    assert query_of(page.url)["aperto_parte"] == ["sera"]
    assert result_count(page) < on_saturday
    # Open now instead: a moment, so the day and its part give way.
    after_search(page, lambda: page.locator("#aperto_ora").check())
    assert "aperto_giorno" not in query_of(page.url)
    assert "aperto_parte" not in query_of(page.url)
    assert page.locator("#aperto_giorno").input_value() == ""

    # A day the control cannot show is kept, and the search says what is wrong with it.
    open_home(page, live_server.url + "/?q=assistenza&aperto_giorno=sabato")
    assert page.locator("#errore-ricerca").is_visible()
    assert "formato" in page.locator("#aperto_giorno-errore").inner_text()
    assert page.locator("#aperto_giorno").is_visible()  # the filters in use are shown
    after_search(page, lambda: page.locator("#aperto_giorno").fill(saturday.isoformat()))
    assert query_of(page.url)["aperto_giorno"] == [saturday.isoformat()]
    assert not page.locator("#errore-ricerca").is_visible()


def test_a_comune_at_the_end_of_the_text_is_where_to_search(live_server, catalogo_demo, page):
    # "asilo nido Melegnano": the nurseries of Melegnano, as the Comune filter gives them,
    # said; its name can be searched as a word instead, until the text changes.
    in_melegnano, _status = searched(page, live_server.url + "/?q=asilo+nido&comune=015140")
    assert in_melegnano
    titles, status = searched(page, live_server.url + "/?q=asilo+nido+a+Melegnano")
    assert titles == in_melegnano
    assert status.startswith(
        "Risultati a Melegnano: «Melegnano» è letto come il nome di un Comune."
    ), status
    as_word = page.get_by_role("button", name="Cerca «Melegnano» come parola, non come Comune")
    after_search(page, as_word.click)
    assert query_of(page.url)["luogo_dal_testo"] == ["false"]
    assert "Risultati a" not in page.locator("#stato-ricerca").inner_text()
    assert not page.locator("#luogo-testo").is_visible()
    assert page.locator("#q").input_value() == "asilo nido a Melegnano"

    page.locator("#q").fill("badante Rozzano")
    after_search(page, lambda: page.locator("#q").press("Enter"))
    assert "luogo_dal_testo" not in query_of(page.url)
    assert page.locator("#stato-ricerca").inner_text().startswith("Risultati a Rozzano:")
    assert page.locator("#luogo-testo").is_visible()
    # Typed first, where no Comune ends the text.
    page.locator("#q").fill("a Melegnano asilo nido")
    after_search(page, lambda: page.locator("#q").press("Enter"))
    assert sorted(result_titles(page)) == in_melegnano
    assert (
        page.locator("#stato-ricerca")
        .inner_text()
        .startswith("Risultati a Melegnano: «Melegnano» è letto come il nome di un Comune.")
    )


def test_a_province_in_the_text_or_chosen_is_where_to_search(live_server, catalogo_demo, page):
    # The demo catalogue is all in the province of Milan, none of it in Lodi's.
    everywhere, _status = searched(page, live_server.url + "/?q=asilo+nido")
    assert everywhere
    titles, status = searched(page, live_server.url + "/?q=asilo+nido+in+provincia+di+Milano")
    assert titles == everywhere
    assert status.startswith(
        "Risultati in provincia di Milano: «provincia di Milano» è letto come una provincia."
    ), status
    as_words = page.get_by_role(
        "button", name="Cerca «provincia di Milano» come parole, non come provincia"
    )
    assert as_words.is_visible()

    # The province as a filter: in the URL by its code, offered to drop when it empties
    # the list.
    open_home(page, live_server.url + "/?q=asilo+nido&per_pagina=100")
    page.locator("#filtri summary").click()
    after_search(page, lambda: page.select_option("#provincia", label="Lodi"))
    assert query_of(page.url)["provincia"] == ["LO"]
    assert result_titles(page) == []
    drop = page.get_by_role("button", name=re.compile("Togli il filtro «Nella provincia: Lodi»"))
    after_search(page, drop.click)
    assert "provincia" not in query_of(page.url)
    assert sorted(result_titles(page)) == everywhere


def test_a_comune_named_like_a_word_is_a_word_when_nothing_there_matches(
    live_server, catalogo_demo, page
):
    # Calcio (BG) holds nothing of the demo catalogue; a sport camp's text says "calcio".
    open_home(page, live_server.url + "/?q=calcio&per_pagina=100")
    assert "Sport camp Le Vele" in result_titles(page)
    status = page.locator("#stato-ricerca").inner_text()
    assert status.startswith("Nessun risultato a Calcio: «calcio» è cercato come parola."), status
    assert not page.locator("#luogo-testo").is_visible()  # it is a word already
