"""A small known catalogue, indexed, and a `cerca` helper that asks one backend; with
`cerca_tutto`, also info points and the agreements of a company network.

Every semantic test runs once per backend: postgres always; Elasticsearch when
ELASTICSEARCH_URL points to a live cluster (skipped, with the reason, otherwise).
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from convenzioni.services import adesione_chiudi
from geo_data.models import Comune
from marketplace.search.models import CellaMappa
from servizi import orari
from servizi.models import Categoria
from tests.convenzioni.builders import make_convenzione, make_impresa, make_rete, oggi
from tests.punti_informazione.builders import make_punto
from tests.servizi.builders import make_ente, make_sede, make_servizio

MELEGNANO = Point(9.3237, 45.3573, srid=4326)
SAN_DONATO = Point(9.2686, 45.4103, srid=4326)
PAULLO = Point(9.4006, 45.4183, srid=4326)
DUOMO = Point(9.1916, 45.4641, srid=4326)
MUNICIPIO_SAN_DONATO = Point(9.2700, 45.4090, srid=4326)
SAN_SILVESTRO = orari.Eccezione(
    date(2026, 12, 31), date(2026, 12, 31), chiuso=True, descrizione="San Silvestro"
)


# Nine places within a kilometre of Melegnano, and twelve 10 to 35 km away.
NEAR = [
    Point(9.3237 + dx * 0.004, 45.3573 + dy * 0.004, srid=4326)
    for dx in (-1, 0, 1)
    for dy in (-1, 0, 1)
]
FAR = [
    Point(9.3237 + dx * 0.15, 45.3573 + dy * 0.15, srid=4326) for dx in (-2, 2) for dy in (-1, 1, 2)
]
FAR += [
    Point(9.3237 + dx * 0.3, 45.3573 + dy * 0.2, srid=4326) for dx in (-1, 1) for dy in (-1, 1, 2)
]
PLACES = NEAR + FAR


@pytest.fixture
def many(django_capture_on_commit_callbacks):
    """Twenty-one providers' places, each with a service matching "assistenza": in the
    title for some, in the description only for others."""
    with django_capture_on_commit_callbacks(execute=True):
        for number, punto in enumerate(PLACES):
            ente = make_ente(nome=f"Ente {number}")
            in_title = number % 3 == 0
            make_servizio(
                ente=ente,
                titolo=f"Assistenza domiciliare {number}" if in_title else f"Servizio {number}",
                descrizione="Anche assistenza serale." if not in_title else "",
                sedi=[make_sede(ente=ente, punto=punto)],
            )


@pytest.fixture
def assisted(django_capture_on_commit_callbacks):
    """Forty-eight services matching "assistenza domiciliare": two in three for the
    elderly, the others for children; three in four also in English. More than the
    first pages read of them, so that which ones are read shows."""
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(48):
            ente = make_ente(nome=f"Ente {number}")
            make_servizio(
                ente=ente,
                titolo=f"Assistenza domiciliare {number}",
                categorie=categorie("infanzia.nido" if number % 3 == 0 else "anziani"),
                lingue=["it", "en"] if number % 4 else ["it"],
                sedi=[make_sede(ente=ente, punto=PLACES[number % len(PLACES)])],
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
def rete_sud_est(catalogo, django_capture_on_commit_callbacks):
    """On top of the catalogue: three info points and the agreements of a company network.

    The cooperative (nursery, Alzheimer café) offers the network's employees a discount
    on the nursery and a last-day offer, and one member company's employees free entry
    to the café; the home-services company offers the network a discount that starts
    next month. One company is a member, one never was, one left yesterday.
    """
    coop, casa = catalogo["nido"].ente, catalogo["lavanderia"].ente
    with django_capture_on_commit_callbacks(execute=True):
        comune = make_ente(nome="Comune di San Donato Milanese", tipo="pubblico")
        municipio = make_sede(ente=comune, punto=MUNICIPIO_SAN_DONATO, nome="Municipio")
        punti = {
            "sportello": make_punto(
                ente=comune,
                sede=municipio,
                nome="Sportello welfare di San Donato",
                tipo="sportello_welfare",
                temi=categorie("infanzia.nido", "anziani.badanti"),
                lingue=["it", "ar"],
                descrizione="Orientamento sulla conciliazione tra lavoro e famiglia.",
                orario="lun-ven 09:00-13:00",
            ),
            "famiglia": make_punto(
                ente=coop,
                sede=catalogo["nido"].sedi.get(nome="Sede principale"),  # in Melegnano
                nome="Punto famiglia Il Girasole",
                tipo="terzo_settore",
                temi=categorie("infanzia"),
                orario="sab 09:00-12:00",
            ),
            "chiuso": make_punto(
                ente=comune, sede=municipio, nome="Sportello chiuso", attivo=False
            ),
        }
        rete = make_rete(nome="Rete Imprese Sud-Est", slug="sud-est")
        rete.enti_partner.add(coop, casa)
        membro = make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")
        make_impresa(nome="Impresa Fuori Rete", slug="fuori-rete")
        uscita = make_impresa(reti=(rete,), nome="Ex Socia S.r.l.", slug="ex-socia")
        adesione_chiudi(adesione=uscita.adesioni.get(), data_fine=oggi() - timedelta(days=1))
        convenzioni = {
            "sconto": make_convenzione(
                ente=coop,
                reti=[rete],
                stato="pubblicata",
                titolo="Sconto sul nido per i dipendenti",
                percentuale=15,
                descrizione="Per i figli dei dipendenti delle imprese della rete.",
            ),
            "ultimo_giorno": make_convenzione(
                ente=coop,
                reti=[rete],
                stato="pubblicata",
                titolo="Offerta di fine anno",
                tipo_beneficio="importo",
                percentuale=None,
                importo="12.50",
                data_fine=oggi(),
            ),
            "ingresso": make_convenzione(
                ente=coop,
                imprese=[membro],
                stato="pubblicata",
                titolo="Ingresso gratuito al caffè",
                tipo_beneficio="gratuito",
                percentuale=None,
            ),
            "futura": make_convenzione(
                ente=casa,
                reti=[rete],
                stato="pubblicata",
                titolo="Lavanderia scontata dal mese prossimo",
                data_inizio=oggi() + timedelta(days=30),
                data_fine=oggi() + timedelta(days=120),
            ),
            "bozza": make_convenzione(ente=coop, reti=[rete], titolo="Sconto in bozza"),
        }
        convenzioni["sconto"].servizi.set([catalogo["nido"]])
        convenzioni["ingresso"].servizi.set([catalogo["caffe"]])
    return {"punti": punti, "convenzioni": convenzioni, "rete": rete, "membro": membro}


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


@pytest.fixture
def cerca_tutto(rete_sud_est, cerca):
    """`cerca` on the catalogue with the info points and the agreements."""
    cerca.rete_sud_est = rete_sud_est
    return cerca


def titoli(body) -> list[str]:
    return [hit["titolo"] for hit in body["results"]]


@pytest.fixture
def varied(django_capture_on_commit_callbacks):
    """The places of PLACES, each with a service whose provider kind, cost, access,
    people and languages vary from place to place."""
    kinds = ["pubblico", "terzo_settore", "impresa"]
    people = [["anziani"], ["anziani", "famiglie"], ["minori"]]
    languages = [["it"], ["it", "en"], ["en", "ar"], []]
    with django_capture_on_commit_callbacks(execute=True):
        for number, punto in enumerate(PLACES):
            ente = make_ente(nome=f"Ente {number}", tipo=kinds[number % 3])
            sede = make_sede(ente=ente, punto=punto, accesso_senza_barriere=number % 4 == 0)
            make_servizio(
                ente=ente,
                titolo=f"Servizio {number}",
                costo="gratuito" if number % 2 else "a_pagamento",
                destinatari=people[number % 3],
                lingue=languages[number % 4],
                sedi=[sede],
            )


def all_cells() -> list[tuple]:
    """Every map cell (models.CellaMappa), its sums to 9 decimals (two ways of writing
    the same cells add the same numbers in another order), in a stable order."""
    columns = ["tipo", "filtro", "cella_x", "cella_y", "gratuito", "accessibile", "tipo_ente"]
    columns += ["n", "somma_lon", "somma_lat", "min_lon", "min_lat", "max_lon", "max_lat"]
    rows = CellaMappa.objects.values_list(*columns)
    return sorted(((*r[:8], round(r[8], 9), round(r[9], 9), *r[10:]) for r in rows), key=repr)
