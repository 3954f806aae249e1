"""No value holding the NUL character reaches the database: PostgreSQL refuses it even
to compare with, and a lookup by it was a 500. Refused everywhere with a 400 naming the
field, in the user's language."""

from __future__ import annotations

import json

import pytest

from servizi.models import Servizio
from tests.servizi.builders import make_ente

pytestmark = pytest.mark.django_db


def test_a_json_body_with_nul_is_refused_naming_the_field(admin_client):
    ente = make_ente()
    body = {"ente": ente.pk, "titolo": "Nido", "categorie": ["infanzia.nido", "x\x00"]}
    response = admin_client.post(
        "/api/v1/servizi/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"categorie.1": ["Il carattere NUL (0x00) non è ammesso."]}
    assert not Servizio.objects.exists()


def test_a_key_of_a_json_body_with_nul_is_named_too(admin_client):
    response = admin_client.post(
        "/api/v1/schede/", json.dumps({"punto\x00": 1}), content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["punto\x00"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/cerca/?categoria=anziani%00", "/api/v1/servizi/?comune=%00", "/?comune=015146%00"],
)
def test_a_query_string_with_nul_is_refused_naming_the_parameter(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert ("categoria" if "categoria" in url else "comune") in response.content.decode()
    assert "NUL" in response.content.decode()


def test_a_form_with_nul_is_refused_naming_the_field_in_english_when_asked(client):
    response = client.post(
        "/accedi/", {"username": "demo\x00", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "username: The NUL character (0x00) is not allowed." in response.content.decode()


def test_values_without_nul_pass(client):
    assert client.get("/api/v1/cerca/", {"q": "asilo"}).status_code == 200
    assert client.get("/api/v1/servizi/", {"comune": "015146"}).status_code == 200
