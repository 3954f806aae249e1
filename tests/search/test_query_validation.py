"""Bad search input is a 400 naming the field and the reason; never a 500."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.http import QueryDict

from marketplace.search.api import CercaParamsSerializer, MappaParamsSerializer

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[9.2, 45.3], [9.4, 45.3], [9.4, 45.5], [9.2, 45.3]]]}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[9.2, 45.3], [9.4, 45.5], [9.4, 45.3], [9.2, 45.5], [9.2, 45.3]]],
}


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"lat": "91", "lon": "9"}, "lat", "minore o uguale a 90"),
        ({"lat": "45", "lon": "-181"}, "lon", "maggiore o uguale a -180"),
        ({"lat": "45", "lon": "nove"}, "lon", "numero valido"),
        ({"lat": "45.4"}, "lon", "Servono sia lat sia lon"),
        ({"lat": "45.4", "lon": "9.2", "raggio_km": "500"}, "raggio_km", "raggio massimo è 100 km"),
        ({"raggio_km": "5"}, "raggio_km", "indica lat e lon"),
        ({"bbox": "9.5,45.0,9.0,45.5"}, "bbox", "rovesciato"),
        ({"bbox": "-10,30,20,60"}, "bbox", "troppo grande"),
        ({"bbox": "9,45,9.5"}, "bbox", "quattro numeri"),
        ({"bbox": "9,45,9.5,95"}, "bbox", "fuori scala"),
        ({"poligono": "{non json"}, "poligono", "GeoJSON valido"),
        ({"poligono": "{}"}, "poligono", "GeoJSON valido"),
        ({"poligono": '{"type": "Polygon"}'}, "poligono", "GeoJSON valido"),
        ({"poligono": "[1, 2]"}, "poligono", "GeoJSON valido"),
        (
            {"poligono": json.dumps({"type": "Point", "coordinates": [9, 45]})},
            "poligono",
            "Polygon",
        ),
        ({"poligono": json.dumps(BOWTIE)}, "poligono", "Poligono non valido"),
        ({"q": "a" * 201}, "q", "200"),
        ({"categoria": "infanzia,infanzia.asilo"}, "categoria", "infanzia.asilo"),
        ({"comune": "999999"}, "comune", "999999"),
        ({"ambito": "atlantide"}, "ambito", "atlantide"),
        ({"provincia": "XX"}, "provincia", "Nessuna provincia «XX»: scrivi la sigla (BG)"),
        ({"provincia": "Bergamp"}, "provincia", "Nessuna provincia «Bergamp»: forse Bergamo (BG)?"),
        ({"provincia": "a" * 101}, "provincia", "100"),
        ({"tipo": "servizio,negozio"}, "tipo", "servizio, pit, convenzione"),
        ({"tipo_ente": "alieno"}, "tipo_ente", "alieno"),
        ({"lingua": "klingon"}, "lingua", "klingon"),
        ({"ordinamento": "distanza"}, "ordinamento", "indica lat e lon"),
        ({"ordinamento": "casuale"}, "ordinamento", "casuale"),
        ({"aperto_il": "ieri"}, "aperto_il", "formato"),
        ({"aperto_ora": "true", "aperto_il": "2026-12-24T10:00"}, "aperto_il", "uno solo"),
        (
            {"aperto_il": "2026-12-24T10:00", "aperto_giorno": "2026-12-24"},
            "aperto_giorno",
            "uno solo",
        ),
        ({"aperto_giorno": "sabato"}, "aperto_giorno", "formato"),
        ({"aperto_parte": "notte"}, "aperto_parte", "notte"),
        ({"aperto_parte": "sera", "aperto_ora": "true"}, "aperto_parte", "non per un momento"),
        (
            {"aperto_parte": "sera", "aperto_il": "2026-12-24T10:00"},
            "aperto_parte",
            "non per un momento",
        ),
        ({"aperto_giorno": "0226-12-12"}, "aperto_giorno", "un anno fra 1900 e 2999"),
        # Midnight of year 1 in Rome is year 0 in UTC, past what Python's datetime holds;
        # one in the morning is not, but the day before it is, for the opening hours.
        ({"aperto_il": "0001-01-01T00:00"}, "aperto_il", "un anno fra 1900 e 2999"),
        ({"aperto_il": "0001-01-01T01:00"}, "aperto_il", "un anno fra 1900 e 2999"),
        ({"aperto_il": "9999-12-31T23:00-05:00"}, "aperto_il", "un anno fra 1900 e 2999"),
        ({"aperto_il": "0226-12-07T10:00"}, "aperto_il", "un anno fra 1900 e 2999"),
        ({"aperto_il": "3000-01-01T00:00"}, "aperto_il", "un anno fra 1900 e 2999"),
        ({"con_convenzione_per": "rete-x"}, "con_convenzione_per", "rete:<codice>"),
        ({"con_convenzione_per": "rete:atlantide"}, "con_convenzione_per", "rete:atlantide"),
        ({"con_convenzione_per": "impresa:"}, "con_convenzione_per", "Nessuna"),
        ({"per_pagina": "1000"}, "per_pagina", "100"),
        ({"gratuito": "forse"}, "gratuito", "booleano"),
        ({"luogo_dal_testo": "forse"}, "luogo_dal_testo", "booleano"),
        ({"pagina": "11", "per_pagina": "100"}, "pagina", "1.000"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, params, field, reason):
    response = client.get("/api/v1/cerca/", params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body
    assert reason in " ".join(body[field])


def test_the_map_needs_a_bbox_and_a_zoom(client):
    response = client.get("/api/v1/cerca/mappa/", {"zoom": "9"})
    assert response.status_code == 400
    assert response.json()["bbox"] == ["La mappa ha bisogno del riquadro visibile."]
    response = client.get("/api/v1/cerca/mappa/", {"bbox": "9,45,9.5,45.5", "zoom": "30"})
    assert response.status_code == 400 and "zoom" in response.json()


def test_a_map_without_bbox_nor_zoom_names_both(client):
    body = client.get("/api/v1/cerca/mappa/", {"q": "asilo"}).json()
    assert set(body) == {"bbox", "zoom"}


def test_the_api_schema_says_what_the_map_requires(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/cerca/mappa/"]["get"]["parameters"]
    required = {p["name"] for p in parameters if p.get("required")}
    assert required == {"bbox", "zoom"}
    search = schema["paths"]["/api/v1/cerca/"]["get"]["parameters"]
    assert not any(p.get("required") for p in search)


def test_suggestions_need_some_text(client):
    response = client.get("/api/v1/cerca/suggerimenti/", {"q": ""})
    assert response.status_code == 400 and "q" in response.json()


def test_errors_speak_english_when_asked(client):
    response = client.get(
        "/api/v1/cerca/", {"lat": "91", "lon": "9"}, headers={"accept-language": "en"}
    )
    assert "less than or equal to 90" in response.json()["lat"][0]
    response = client.get(
        "/api/v1/cerca/", {"provincia": "Bergamp"}, headers={"accept-language": "en"}
    )
    assert response.json()["provincia"] == ["No province «Bergamp»: did you mean Bergamo (BG)?"]


def test_a_valid_polygon_is_accepted(client):
    assert client.get("/api/v1/cerca/", {"poligono": json.dumps(SQUARE)}).status_code == 200


def test_each_request_validates_on_its_own_with_fields_shared_by_all():
    # The fields are built and bound once (FieldsBoundOnce): validation keeps what it
    # found in each serializer, so one request's values and errors never reach the next.
    bad = CercaParamsSerializer(data=QueryDict("lat=91&lon=9&per_pagina=0"))
    good = CercaParamsSerializer(data=QueryDict("lat=45.4&lon=9.2&per_pagina=5"))
    assert not bad.is_valid()
    assert set(bad.errors) == {"lat", "per_pagina"}
    assert good.is_valid(), good.errors
    assert good.validated_data["per_pagina"] == 5
    assert not bad.is_valid() and set(bad.errors) == {"lat", "per_pagina"}
    assert CercaParamsSerializer(data=QueryDict("")).is_valid()
    assert all(bad.fields[name] is good.fields[name] for name in good.fields)
    parent = good.fields["lat"].parent
    assert parent is not good and parent is not bad and not hasattr(parent, "initial_data")
    declared = CercaParamsSerializer._declared_fields["lat"]
    assert getattr(declared, "parent", None) is None  # the declared field is never bound
    # Each serializer class has fields of its own, even for the parameters they share.
    assert MappaParamsSerializer().fields["lat"] is not good.fields["lat"]


def test_errors_keep_each_language_after_the_other(client):
    # Range messages are worded once per field: each language has fields of its own.
    for language, words in [("it", "minore o uguale a 90"), ("en", "less than or equal to 90")]:
        for _again in range(2):
            response = client.get(
                "/api/v1/cerca/", {"lat": "91", "lon": "9"}, headers={"accept-language": language}
            )
            assert words in response.json()["lat"][0], language


def test_the_map_asks_for_its_bbox_in_the_readers_language(client):
    response = client.get("/api/v1/cerca/mappa/", {"zoom": "9"}, headers={"accept-language": "en"})
    assert response.json()["bbox"] == ["The map needs the visible bounding box."]


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("q", ["zzzzzz", "il", "di la", "l'asilo", "a b c d", "!!!", "nido | casa"])
def test_odd_texts_are_searched_without_error(client, q, parallel):
    """Stop words alone, unknown words, punctuation: a search, never a 500; also when the
    planner runs the statements in parallel workers, as it may for a large catalogue
    (the breadth of a text is read from its plans)."""
    if parallel:
        with connection.cursor() as cursor:  # undone with the test's transaction
            cursor.execute("SET force_parallel_mode = on")
    response = client.get("/api/v1/cerca/", {"q": q})
    assert response.status_code == 200, response.content
    assert "results" in response.json()
