"""Bad input is a 4xx, never a 500: each of a list of bad values in every parameter of
the pages and APIs a curator reads, and in every field of the APIs that write.

Each kind of 500 that fuzzing at a million services found is among them: a NUL
character (PostgreSQL refuses it even to look a value up), a polygon that is JSON but no
geometry, a `next` that is a bare word; and a moment of year 1 (the day before it, or
UTC's hour, is year 0), which fuzzing the search found."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest

from tests.convenzioni.builders import make_convenzione, make_fornitore, make_rete
from tests.servizi.builders import make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db

PARAMETERS = [
    "q",
    "categoria",
    "tipo_ente",
    "destinatari",
    "comune",
    "ambito",
    "provincia",
    "lat",
    "lon",
    "raggio_km",
    "bbox",
    "poligono",
    "aperto_ora",
    "aperto_il",
    "aperto_giorno",
    "aperto_parte",
    "aperto_dal_testo",
    "quando",
    "gratuito",
    "lingua",
    "accessibile",
    "con_convenzione_per",
    "tipo",
    "ordinamento",
    "pagina",
    "per_pagina",
    "facette",
    "zoom",
    "limite",
    "ente",
    "costo",
    "stato",
    "valide_per",
    "dal",
    "al",
    "punto",
    "esito",
    "page",
    "page_size",
    "next",
    "cerca",
    # The HSDS API's (servizi.api.hsds_views).
    "per_page",
    "search",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
    "parent_id",
    "top_only",
]
VALUES = [
    "", " ", "0", "-1", "1", "99999999999999999999999", "1e309", "nan", "inf", "abc", "\x00",
    "x\x00", "caffè", "😀", "a" * 300, "asilo nido", "a:*", "!!", "(", "'", "anziani",
    "anziani,infanzia", ",", "015146", "pubblico", "servizio,pit", "distanza", "45.46", "9.19",
    "91", "-181", "8.49,44.67,11.43,46.64", "11,46,9,45", "1,2,3", "{}", "[1, 2]",
    '{"type": "Polygon"}', '{"type": "Point", "coordinates": [9, 45]}', "2026-12-07T10:00",
    "2026-02-30", "9999-12-31T23:59", "0001-01-01T00:00", "0001-01-01T01:00",
    "9999-12-31T23:00-05:00", "0001-01-01", "9999-12-31", "true", "yes", "//evil.example",
    "per-me", "aperto sabato", "2026-12-12",
]  # fmt: skip
READ = [
    "/api/v1/cerca/", "/api/v1/cerca/mappa/", "/api/v1/cerca/suggerimenti/", "/api/v1/servizi/",
    "/api/v1/enti/", "/api/v1/sedi/", "/api/v1/comuni/", "/api/v1/convenzioni/", "/api/v1/pit/",
    "/api/v1/pit/piu-vicino/", "/api/v1/schede/", "/api/v1/consultazioni/", "/api/v1/osservatorio/",
    "/", "/convenzioni/", "/convenzioni/gestione/nuova/", "/pit/osservatorio/",
    "/admin/servizi/servizio/", "/api/hsds/services", "/api/hsds/organizations",
    "/api/hsds/taxonomies", "/api/hsds/taxonomy_terms", "/api/hsds/service_at_locations",
]  # fmt: skip
# The HSDS API's objects by id: each bad value is the id.
BY_ID = [
    "/api/hsds/services/", "/api/hsds/organizations/", "/api/hsds/taxonomies/",
    "/api/hsds/taxonomy_terms/", "/api/hsds/service_at_locations/",
]  # fmt: skip
WRITE = ["/api/v1/servizi/", "/api/v1/sedi/", "/api/v1/convenzioni/", "/api/v1/consultazioni/"]
FIELDS = [
    "ente",
    "titolo",
    "descrizione",
    "categorie",
    "destinatari",
    "sedi",
    "comuni_copertura",
    "orario",
    "punto",
    "nome",
    "indirizzo",
    "cap",
    "reti_beneficiarie",
    "tipo_beneficio",
    "data_inizio",
    "data_fine",
    "canale",
    "bisogni",
    "comune_residenza",
    "esito",
]


@pytest.fixture
def catalogue():
    ente = make_ente()
    make_servizio(ente=ente, sedi=[make_sede(ente=ente)])


@pytest.mark.parametrize("path", READ)
def test_every_parameter_with_each_bad_value_is_never_a_500(catalogue, admin_client, path):
    """Every parameter at once holds the same value: each field's own check runs on it
    (a field that fails with a 500 fails the request)."""
    failures = []
    for value in VALUES:
        for accept in ("application/json", "text/html"):
            url = f"{path}?{urlencode(dict.fromkeys(PARAMETERS, value))}"
            if admin_client.get(url, HTTP_ACCEPT=accept).status_code >= 500:
                failures.append((value, accept))
    assert failures == []


@pytest.mark.parametrize("path", BY_ID)
def test_each_bad_value_as_an_id_is_never_a_500(catalogue, client, path):
    failures = [
        value
        for value in [*VALUES, "00000000-0002-8000-8000-ffffffffffff"]
        if value.strip("/ ") and client.get(path + quote(value, safe="")).status_code >= 500
    ]
    assert failures == []


@pytest.mark.parametrize("path", WRITE)
def test_every_field_of_a_write_with_each_bad_value_is_never_a_500(catalogue, admin_client, path):
    failures = []
    for value in [*VALUES, None, -1, 10**20, 1.5, True, [], {}]:
        for body in (dict.fromkeys(FIELDS, value), {field: [value] for field in FIELDS}):
            response = admin_client.post(path, json.dumps(body), content_type="application/json")
            if response.status_code >= 500:
                failures.append(body)
    assert failures == []


def test_an_action_s_next_page_that_is_a_bare_word_is_never_a_500(admin_client):
    rete = make_rete(nome="Rete Sud-Est")
    convenzione = make_convenzione(ente=make_fornitore(rete), reti=[rete])
    for value in VALUES:
        response = admin_client.post(f"/convenzioni/{convenzione.pk}/invia/", {"next": value})
        assert response.status_code < 500, value
