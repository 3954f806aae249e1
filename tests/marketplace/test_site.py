"""The first page, the health check, the API documentation, the admin."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import OperationalError

from tests.html import assert_assets_are_our_own, script_json

pytestmark = pytest.mark.django_db


def test_home_draws_the_districts_with_leaflet_and_credits_the_data(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="mappa"' in html
    assert "/static/leaflet/leaflet.js" in html  # django-leaflet's own files, no CDN
    assert_assets_are_our_own(html)
    assert "Openpolis" in html and "CC BY 4.0" in html
    for nome in ["Ambito di San Donato Milanese", "Ambito Paullese", "Ambito di Rozzano"]:
        assert nome in html
    assert "Vizzolo Predabissi" in html  # the members, readable without the map


def test_home_speaks_english_when_asked(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Work-life balance services in the area" in html
    assert "6 municipalities" in html
    # The search form, the categories and the words of the page's script too.
    assert "What are you looking for?" in html and "Use my position" in html
    assert '<label for="cat-infanzia.nido">Nursery</label>' in html
    messages = script_json(html, "messaggi-ricerca")
    assert messages["risultati_molti"] == "%(n)s results"
    assert messages["aperto"] == "Open now"
    assert messages["errore_rete"].startswith("The search failed")


def test_every_page_links_the_open_catalogue_in_its_three_formats(client):
    """The footer: the published catalogue as CSV, GeoJSON and Open Referral HSDS, for
    whoever wants the data rather than the map."""
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    links = re.findall(r'href="([^"]+)"', footer)
    assert links[1:] == [
        "/api/v1/servizi/export.csv",
        "/api/v1/servizi/export.geojson",
        "/api/hsds/",
    ]
    for link in links[1:]:
        assert client.get(link).status_code == 200


def test_healthz_reports_database_postgis_and_search(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["search"] == {"backend": "postgres", "state": "ok"}


def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_says_when_elasticsearch_is_configured_but_unreachable(client, settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"  # nothing listens there
    body = client.get("/healthz").json()
    assert body["search"]["backend"] == "postgres"
    assert body["search"]["state"] == "fallback"


def test_openapi_schema_and_interactive_docs(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/comuni/" in paths and "/api/v1/ambiti/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()
    assert "cdn.jsdelivr" not in docs.content.decode()


def test_admin_is_enabled_behind_the_sites_one_login(client, admin_client):
    response = client.get("/admin/")
    assert response.status_code == 302
    # The admin's login page leads to the site's, which brings the user back.
    login = client.get(response["Location"])
    assert login.status_code == 302 and login["Location"] == "/accedi/?next=/admin/"
    assert admin_client.get("/admin/").status_code == 200


def test_admin_edits_a_district_and_its_boundary_follows(admin_client):
    from geo_data.models import Ambito, Comune

    ambito = Ambito.objects.get(slug="rozzano")
    comuni = [c.pk for c in ambito.comuni.all()] + ["015146"]  # add Milano
    response = admin_client.post(
        f"/admin/geo_data/ambito/{ambito.pk}/change/",
        {
            "nome": ambito.nome,
            "slug": ambito.slug,
            "descrizione": ambito.descrizione,
            "fonti": ambito.fonti,
            "comuni": comuni,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ambito.refresh_from_db()
    assert ambito.comuni.count() == 5
    milano = Comune.objects.get(pk="015146")
    assert ambito.geometria.covers(milano.geometria.point_on_surface)


def test_every_interface_string_has_an_english_translation():
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]  # the first entry is the header
    untranslated = [e for e in entries if 'msgstr ""' in e and '\n"' not in e.split("msgstr")[1]]
    assert untranslated == []
    assert "#, fuzzy" not in po


@pytest.mark.parametrize("path", ["/api/v1/cerca/", "/api/v1/servizi/", "/api/v1/pit/"])
def test_an_unknown_format_is_a_400_naming_the_parameter_and_the_formats(client, path):
    response = client.get(path, {"format": "xml"})
    assert response.status_code == 400
    assert response.json() == {"format": ["Formato sconosciuto «xml»: scrivi json, api."]}
    assert client.get(path, {"format": "json"}).status_code == 200
