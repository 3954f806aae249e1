"""A small known catalogue, indexed, and a `cerca` helper that asks one backend.

Every semantic test runs once per backend: postgres always; Elasticsearch when
ELASTICSEARCH_URL points to a live cluster (skipped, with the reason, otherwise).
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from geo_data.models import Comune
from servizi import orari
from servizi.models import Categoria
from tests.servizi.builders import make_ente, make_sede, make_servizio

MELEGNANO = Point(9.3237, 45.3573, srid=4326)
SAN_DONATO = Point(9.2686, 45.4103, srid=4326)
PAULLO = Point(9.4006, 45.4183, srid=4326)
DUOMO = Point(9.1916, 45.4641, srid=4326)
SAN_SILVESTRO = orari.Eccezione(
    date(2026, 12, 31), date(2026, 12, 31), chiuso=True, descrizione="San Silvestro"
)


def categorie(*codici):
    return list(Categoria.objects.filter(codice__in=codici))


@pytest.fixture(params=["postgres", "elasticsearch"])
def backend(request, settings):
    if request.param == "elasticsearch":
        url = os.environ.get("ELASTICSEARCH_URL")
        if not url:
            pytest.skip("Elasticsearch: ELASTICSEARCH_URL is not set, no live cluster to test")
        settings.ELASTICSEARCH_URL = url
        settings.ELASTICSEARCH_INDEX = "test-welfare-documenti"
    settings.SEARCH_BACKEND = request.param
    return request.param


@pytest.fixture
def catalogo(db, django_capture_on_commit_callbacks):
    """Six services of two providers; the index follows the commit as in production."""
    with django_capture_on_commit_callbacks(execute=True):
        coop = make_ente(nome="Cooperativa Il Girasole", tipo="terzo_settore")
        impresa = make_ente(nome="Servizi Casa S.r.l.", tipo="impresa")
        melegnano = make_sede(ente=coop, punto=MELEGNANO, accesso_senza_barriere=True)
        san_donato = make_sede(ente=coop, punto=SAN_DONATO, nome="Sede di San Donato")
        paullo = make_sede(ente=impresa, punto=PAULLO, nome="Sede di Paullo", cap="20067")
        duomo = make_sede(ente=impresa, punto=DUOMO, nome="Sede di Milano", cap="20122")
        servizi = {
            "nido": make_servizio(
                ente=coop,
                titolo="Asilo nido Il Girasole",
                descrizione="Nido per bambini da 3 mesi a 3 anni, con giardino.",
                categorie=categorie("infanzia.nido"),
                sedi=[melegnano, san_donato],
                destinatari=["famiglie", "minori"],
                eta_min=0,
                eta_max=3,
                lingue=["it", "en"],
                orario="lun-ven 08:00-16:00",
            ),
            "caffe": make_servizio(
                ente=coop,
                titolo="Caffè Alzheimer",
                descrizione="Incontri per persone con demenza e per chi le assiste.",
                categorie=categorie("anziani.centri-diurni"),
                sedi=[san_donato],
                costo="gratuito",
                orario="gio 22:00-02:00",
                eccezioni=[SAN_SILVESTRO],
            ),
            "babysitter": make_servizio(
                ente=impresa,
                titolo="Baby sitter a domicilio",
                descrizione="Baby sitter qualificate, anche la sera.",
                categorie=categorie("infanzia.baby-sitting"),
                comuni_copertura=[Comune.objects.get(nome="Melegnano")],
            ),
            "badante": make_servizio(
                ente=impresa,
                titolo="Assistente familiare convivente",
                descrizione="Selezione e gestione del contratto dell'assistente familiare.",
                categorie=categorie("anziani.badanti"),
                sedi=[paullo],
                lingue=["it", "ro"],
            ),
            "lavanderia": make_servizio(
                ente=impresa,
                titolo="Lavanderia e stireria",
                descrizione="Ritiro e consegna in azienda.",
                categorie=categorie("salva-tempo.lavanderia"),
                sedi=[duomo],
            ),
            "bozza": make_servizio(
                ente=impresa,
                titolo="Lavanderia in bozza",
                stato="bozza",
                categorie=categorie("salva-tempo.lavanderia"),
                sedi=[duomo],
            ),
        }
    return servizi


@pytest.fixture
def cerca(client, backend, catalogo):
    """GET /api/v1/cerca/ on the chosen backend; checks that backend answered."""
    if backend == "elasticsearch":
        call_command("search_index", rebuild=True, no_progress=True, verbosity=0)

    def ask(path: str = "/api/v1/cerca/", **params):
        response = client.get(path, params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["backend"] == backend
        assert response["X-Search-Backend"] == backend
        return body

    ask.servizi = catalogo
    return ask


def titoli(body) -> list[str]:
    return [hit["titolo"] for hit in body["results"]]
