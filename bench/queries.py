"""The representative queries of the search benchmarks (no Django here: the request-cost
benchmark imports it before choosing which code to load)."""

# The point is the centre of Milano (Piazza del Duomo), where most Sedi are; 015146 is
# Milano's ISTAT code; the bbox covers all of Lombardy ("anziani", elder care, is one of the
# commonest categories: a sixth of the generated services; 28% of all services are free:
# the map cells hold the two together; a category and a language, two filters with sets,
# are grouped live, as is what is open at a time: a fixed Monday morning, when three
# quarters of the generated services are open, so that runs at any hour compare; the
# list of a view of central Milan, "cerca in quest'area", holds 18,700 places).
# Words: "Asilo nido" is a title of the generator's infanzia.nido services, "assistenza"
# is in titles and descriptions of anziani, disabilità and formazione services: 170,000
# rows, and with "domiciliare" 47,000 (the two words apart are in 330,000): common
# words, ranked among their most recent matches (see postgres._broad_text).
QUERIES: dict[str, str] = {
    "text only": "/api/v1/cerca/?q=asilo&facette=false",
    "text, a common word": "/api/v1/cerca/?q=assistenza&facette=false",
    "text, two common words": "/api/v1/cerca/?q=assistenza%20domiciliare&facette=false",
    # The facets a PIT operator clicks next: public providers (one in seven of the
    # matches), services for the disabled (one in thirteen).
    "two common words + provider kind": (
        "/api/v1/cerca/?q=assistenza%20domiciliare&tipo_ente=pubblico&facette=false"
    ),
    "two common words + category": (
        "/api/v1/cerca/?q=assistenza%20domiciliare&categoria=disabilita&facette=false"
    ),
    "text + radius 10 km": (
        "/api/v1/cerca/?q=assistenza&lat=45.4642&lon=9.19&raggio_km=10&facette=false"
    ),
    # The map page's list when a rarer word is typed, a filter ticked and a radius drawn:
    # "asilo" matches 38,164 rows, the free ones 10,474, 1,483 of them within 10 km.
    "text + radius 10 km + free": (
        "/api/v1/cerca/?q=asilo&gratuito=true&lat=45.4642&lon=9.19&raggio_km=10&facette=false"
    ),
    "category + Comune": "/api/v1/cerca/?categoria=anziani&comune=015146&facette=false",
    "nearest 20": (
        "/api/v1/cerca/?lat=45.4642&lon=9.19&ordinamento=distanza&per_pagina=20&facette=false"
    ),
    # The API's answer when nothing is asked, its facets included (as by default): the
    # whole catalogue valid today.
    "nothing asked, with facets": "/api/v1/cerca/",
    "map clusters, region, zoom 9": "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9",
    "map clusters, one category": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&categoria=anziani"
    ),
    "map clusters, free services": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&gratuito=true"
    ),
    "map clusters, category + free": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&categoria=anziani&gratuito=true"
    ),
    "map clusters, category + language": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&categoria=anziani&lingua=en"
    ),
    "central Milan's view + category": (
        "/api/v1/cerca/?bbox=9.16,45.45,9.23,45.51&categoria=anziani&facette=false"
    ),
    "open Monday 10:00 + Comune": (
        "/api/v1/cerca/?aperto_il=2026-12-07T10:00&comune=015146&facette=false"
    ),
    "map clusters, open Monday 10:00": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&aperto_il=2026-12-07T10:00"
    ),
    # What is open on a day: a Saturday, when a third of the generated services are.
    "map clusters, open on Saturday": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&aperto_giorno=2026-12-12"
    ),
    # The same typed as people write it (marketplace.search.when): the next Saturday.
    "text read as a day": "/api/v1/cerca/?q=assistenza%20aperta%20sabato&facette=false",
    # Open in the evening of some day of the week (a third of the services).
    "map clusters, open in the evening": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&aperto_parte=sera"
    ),
    # A common word whose services are seldom open on that day: "badante" on a Sunday,
    # 1,636 of its 67,729 rows.
    "text, few of its matches open that day": (
        "/api/v1/cerca/?q=badante&aperto_giorno=2026-12-13&facette=false"
    ),
    # The same at a moment: the planner expected many of them open.
    "text, few of its matches open at that moment": (
        "/api/v1/cerca/?q=badante&aperto_il=2026-12-13T10:00:00%2B01:00&facette=false"
    ),
    # A word ranked whole (not broad), few of its matches open: "asilo" on a Sunday,
    # about 700 of its 37,500 rows; RUM's order read them until 1,001 were open.
    "ranked text, few of its matches open that day": (
        "/api/v1/cerca/?q=asilo&aperto_giorno=2026-12-13&facette=false"
    ),
    # The map page: a circle of 10 km around the Duomo (124,000 places), the view fitted
    # to it; the services of two categories ticked; the list of the circle by date.
    "map clusters, 10 km radius": (
        "/api/v1/cerca/mappa/?bbox=9.06,45.37,9.32,45.56&zoom=11&lat=45.4642&lon=9.19&raggio_km=10"
    ),
    "map clusters, two categories": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&categoria=anziani,infanzia"
    ),
    # A word typed on the map page with the region in view: "assistenza", the commonest
    # word of the texts, has map cells of its own (Lessema.nelle_celle).
    "map clusters, a common word": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&q=assistenza"
    ),
    # The same page with "free" unticked on a word found in half the rows: the word's
    # cells split by cost, access and provider kind (grouped from its rows: 484 ms).
    "map clusters, a common word + not free": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&q=servizio&gratuito=false"
    ),
    # A common word open on a day when most of its services are: its cells less its
    # places closed then (postgres._CLOSED_ROWS). "assistenza" on a Monday, 150,000 of
    # its 170,000 places (grouped: 400 ms); "servizio", 449,000 of 493,000 (831 ms).
    "map clusters, a common word open on a day": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&q=assistenza"
        "&aperto_giorno=2026-12-07"
    ),
    "map clusters, the commonest word open on a day": (
        "/api/v1/cerca/mappa/?bbox=8.49,44.67,11.43,46.64&zoom=9&q=servizio"
        "&aperto_giorno=2026-12-07"
    ),
    "10 km radius, most recent": (
        "/api/v1/cerca/?lat=45.4642&lon=9.19&raggio_km=10&ordinamento=aggiornamento&facette=false"
    ),
    "text + facets": "/api/v1/cerca/?q=asilo",
    # A need and a Comune typed together, as people write them: the Comune named at the
    # end of the text is where to search (places.py), "badante" among Milano's services.
    "text ending with a Comune": "/api/v1/cerca/?q=badante%20milano&facette=false",
    # The same with the Comune misspelled: read as Milano all the same (its last word is
    # no word of the index, and no word of the titles is as few edits away).
    "text ending with a misspelled Comune": "/api/v1/cerca/?q=badante%20milanno&facette=false",
    # The Comune typed first: read from the beginning when none ends the text.
    "text beginning with a Comune": "/api/v1/cerca/?q=milano%20badante&facette=false",
    # A province: named in the text (its 243 Comuni, where to search), or chosen as a
    # filter with a category (Milan's 133 Comuni).
    "text ending with a province": (
        "/api/v1/cerca/?q=badante%20provincia%20di%20bergamo&facette=false"
    ),
    "category + province": "/api/v1/cerca/?categoria=anziani&provincia=MI&facette=false",
    # A sigla (text.MARKED_WORDS): "isee", the word of the texts that say ISEE (its own lexeme,
    # isee0), not of those naming Iseo, whose stem it had.
    "text, a sigla": "/api/v1/cerca/?q=isee&facette=false",
    # A word typed whole that begins others ("sportello", "sportivo"): searched as that
    # word only (postgres.last_word_whole), in 55,000 rows, 5 of them with it in a title.
    "text, a word that begins others": "/api/v1/cerca/?q=sport&facette=false",
    # A common word that a Comune's name stems alike (place_words.PLACE_WORDS): "medie"
    # and Meda are both 'med', and every generated description names its Comune.
    "text, a word a Comune's name stems alike": "/api/v1/cerca/?q=medie&facette=false",
    # A typo: the word matches nothing and is replaced by the nearest known word.
    "text with a typo": "/api/v1/cerca/?q=babysiter&facette=false",
    "type-ahead": "/api/v1/cerca/suggerimenti/?q=asi",
    "ping (framework ceiling)": "/api/v1/ping/",
}
