"""The memo: what every answer is built from (agreements in force per Ente, category
codes and names, the names of Comuni and Ambiti) is kept in the process for one index
version and one day, and never served once a change of them has been committed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from convenzioni.models import Impresa
from convenzioni.services import adesione_create, convenzione_ritira
from geo_data.boundaries import ComuneRecord
from geo_data.models import Comune
from geo_data.services import comuni_import
from marketplace.search import cache as search_cache
from marketplace.search.api import CercaParamsSerializer
from marketplace.search.backends.postgres import _estimated_rows
from marketplace.search.cache import memo, memo_clear
from servizi.models import Categoria
from tests.search.conftest import DUOMO, MELEGNANO
from tests.servizi.builders import make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db


@pytest.fixture
def memo_on(settings):
    settings.SEARCH_MEMO = True
    memo_clear()
    yield
    memo_clear()


def agreements_of(client, titolo: str, **params) -> list[str]:
    response = client.get("/api/v1/cerca/", {"tipo": "servizio", **params})
    assert response.status_code == 200, response.content
    hit = next(h for h in response.json()["results"] if h["titolo"] == titolo)
    return [c["titolo"] for c in hit["convenzioni_attive"]]


def test_a_value_is_computed_once_per_index_version(memo_on, django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert memo("prova", compute) == 1
    assert memo("prova", compute) == 1
    with django_capture_on_commit_callbacks(execute=True):
        Categoria.objects.create(codice="prova.nuova", nome="Categoria di prova")
    assert memo("prova", compute) == 2


def test_off_it_computes_every_time(settings):
    settings.SEARCH_MEMO = False
    calls = []
    memo("prova", lambda: calls.append(1))
    memo("prova", lambda: calls.append(1))
    assert len(calls) == 2


def test_the_same_answers_as_without_it(client, settings, rete_sud_est):
    settings.SEARCH_MEMO = False
    without = agreements_of(client, "Asilo nido Il Girasole")
    settings.SEARCH_MEMO = True
    memo_clear()
    assert agreements_of(client, "Asilo nido Il Girasole") == without
    assert agreements_of(client, "Asilo nido Il Girasole") == without  # from the memo
    assert without == [
        "Ingresso gratuito al caffè",
        "Offerta di fine anno",
        "Sconto sul nido per i dipendenti",
    ]


def test_a_withdrawn_agreement_leaves_the_hits_at_once(
    client, memo_on, rete_sud_est, django_capture_on_commit_callbacks
):
    assert "Sconto sul nido per i dipendenti" in agreements_of(client, "Asilo nido Il Girasole")
    with django_capture_on_commit_callbacks(execute=True):
        convenzione_ritira(convenzione=rete_sud_est["convenzioni"]["sconto"], nota="Fine fondi")
    assert "Sconto sul nido per i dipendenti" not in agreements_of(client, "Asilo nido Il Girasole")


def test_a_new_membership_shows_its_agreements_at_once(
    client, memo_on, rete_sud_est, django_capture_on_commit_callbacks
):
    per_outsider = {"con_convenzione_per": "impresa:fuori-rete"}
    response = client.get("/api/v1/cerca/", {"tipo": "servizio", **per_outsider})
    assert response.json()["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        adesione_create(
            rete=rete_sud_est["rete"],
            impresa=Impresa.objects.get(slug="fuori-rete"),
            data_inizio=timezone.localdate(),
        )
    assert agreements_of(client, "Asilo nido Il Girasole", **per_outsider) == [
        "Offerta di fine anno",
        "Sconto sul nido per i dipendenti",
    ]


def test_a_new_category_is_accepted_at_once(memo_on, catalogo, django_capture_on_commit_callbacks):
    def errors(codice: str) -> dict:
        params = CercaParamsSerializer(data=QueryDict(f"categoria={codice}"))
        params.is_valid()
        return params.errors

    assert "categoria" in errors("infanzia.ludoteca")
    with django_capture_on_commit_callbacks(execute=True):
        Categoria.objects.create(
            codice="infanzia.ludoteca",
            nome="Ludoteca",
            genitore=Categoria.objects.get(codice="infanzia"),
        )
    assert errors("infanzia.ludoteca") == {}


def test_a_new_day_drops_an_agreement_that_ended(client, memo_on, rete_sud_est, monkeypatch):
    assert "Offerta di fine anno" in agreements_of(client, "Asilo nido Il Girasole")
    tomorrow = timezone.localdate() + timedelta(days=1)
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *args: real(*args) if args else tomorrow)
    assert "Offerta di fine anno" not in agreements_of(client, "Asilo nido Il Girasole")


def test_category_names_follow_the_language(client, memo_on, catalogo):
    def suggested(language: str) -> list[str]:
        response = client.get(
            "/api/v1/cerca/suggerimenti/", {"q": "asil"}, headers={"accept-language": language}
        )
        return [s["testo"] for s in response.json()["suggerimenti"] if s["tipo"] == "categoria"]

    italiano = suggested("it")
    assert suggested("en") != italiano
    assert italiano and suggested("it") == italiano


def test_a_request_reads_the_index_version_once(client, memo_on, rete_sud_est):
    params = {"categoria": "infanzia", "q": "nido", "tipo": "servizio"}
    for _warm_and_measure in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/cerca/", params).status_code == 200
    versions = [q for q in queries.captured_queries if "search_stato" in q["sql"]]
    assert len(versions) == 1


def comune_labels(client) -> dict[str, str]:
    response = client.get("/api/v1/cerca/", {"tipo": "servizio"})
    assert response.status_code == 200, response.content
    return {b["valore"]: b["etichetta"] for b in response.json()["facets"]["comune"]}


def test_a_renamed_comune_labels_the_facets_at_once(
    client, memo_on, catalogo, django_capture_on_commit_callbacks
):
    assert comune_labels(client)["015140"] == "Melegnano"
    with django_capture_on_commit_callbacks(execute=True):
        Comune.objects.filter(pk="015140").update(nome="Melegnano (MI)")
        Comune.objects.get(pk="015140").save()  # as the admin saves it
    assert comune_labels(client)["015140"] == "Melegnano (MI)"


def import_like_melegnano(codice_istat: str, nome: str, on_commit) -> None:
    """Import in bulk (no model signal) a Comune with Melegnano's province and shape."""
    melegnano = Comune.objects.get(pk="015140")
    record = ComuneRecord(
        codice_istat=codice_istat,
        nome=nome,
        provincia=melegnano.provincia,
        sigla_provincia=melegnano.sigla_provincia,
        regione=melegnano.regione,
        popolazione=melegnano.popolazione,
        wkb=bytes(melegnano.geometria.wkb),
    )
    with on_commit(execute=True):
        comuni_import(records=[record])


def test_an_import_of_the_territory_is_followed_at_once(
    client, memo_on, catalogo, django_capture_on_commit_callbacks
):
    assert comune_labels(client)["015140"] == "Melegnano"
    import_like_melegnano("015140", "Melegnano nuova", django_capture_on_commit_callbacks)
    assert comune_labels(client)["015140"] == "Melegnano nuova"


def test_a_comune_imported_is_a_valid_code_at_once(
    client, memo_on, catalogo, django_capture_on_commit_callbacks
):
    response = client.get("/api/v1/cerca/", {"comune": "015999"})
    assert response.status_code == 400
    assert "015999" in str(response.json()["comune"])
    import_like_melegnano("015999", "Comune nuovo", django_capture_on_commit_callbacks)
    assert client.get("/api/v1/cerca/", {"comune": "015999"}).status_code == 200


def test_a_search_that_filters_by_nothing_counts_the_catalogue_once_until_it_changes(
    client, memo_on, catalogo, django_capture_on_commit_callbacks
):
    """The nearest to a point, the latest updated: the same count for any point and
    order, read once per index version and day."""

    def search(params) -> tuple[dict, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/cerca/", {**params, "facette": "false"}).json()
        return body, [query["sql"] for query in captured.captured_queries]

    counting = "SELECT count(*) AS n FROM (SELECT 1 FROM search_documento d"
    near_duomo = {"lat": DUOMO.y, "lon": DUOMO.x, "ordinamento": "distanza"}
    first, statements = search(near_duomo)
    assert any(counting in sql for sql in statements)
    assert first["count_esatto"] is True and first["count"] > 0
    for params in ({"lat": MELEGNANO.y, "lon": MELEGNANO.x}, {"ordinamento": "aggiornamento"}):
        body, statements = search(params)
        assert not any(counting in sql for sql in statements)
        assert (body["count"], body["count_esatto"]) == (first["count"], True)
    # Any filter counts its own matches.
    body, statements = search({**near_duomo, "tipo_ente": "impresa"})
    assert any(counting in sql for sql in statements)
    assert body["count"] < first["count"]
    # A new service counts at once.
    with django_capture_on_commit_callbacks(execute=True):
        ente = make_ente(nome="Cooperativa Nuova")
        make_servizio(ente=ente, sedi=[make_sede(ente=ente, punto=DUOMO)], titolo="Pedibus")
    body, _statements = search(near_duomo)
    assert body["count"] == first["count"] + 1


def test_a_search_that_filters_by_nothing_reads_the_catalogues_facets_once_until_it_changes(
    client, memo_on, catalogo, django_capture_on_commit_callbacks
):
    """The search page before anything is asked, the nearest to a point: the facets of
    the whole catalogue, the same for any point and order, read once per index version
    and day."""

    def search(params) -> tuple[dict, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/cerca/", params).json()
        return body, [query["sql"] for query in captured.captured_queries]

    faceting = "WITH m AS MATERIALIZED ("
    first, statements = search({})
    assert any(faceting in sql for sql in statements)
    assert first["facets"]["tipo_ente"]
    for params in ({"lat": DUOMO.y, "lon": DUOMO.x}, {"ordinamento": "aggiornamento"}):
        body, statements = search(params)
        assert not any(faceting in sql for sql in statements)
        assert body["facets"] == first["facets"]
    # Any filter has its own facets.
    body, statements = search({"tipo_ente": "impresa"})
    assert any(faceting in sql for sql in statements)
    assert body["facets"] != first["facets"]
    # A new service counts in them at once.
    with django_capture_on_commit_callbacks(execute=True):
        ente = make_ente(nome="Comune di Prova", tipo="pubblico")
        make_servizio(ente=ente, sedi=[make_sede(ente=ente, punto=DUOMO)], titolo="Pedibus")
    body, _statements = search({})
    assert {f["valore"] for f in body["facets"]["tipo_ente"]} == {
        f["valore"] for f in first["facets"]["tipo_ente"]
    } | {"pubblico"}


def test_the_value_used_least_recently_goes_when_the_memo_is_full(memo_on, monkeypatch):
    monkeypatch.setattr("marketplace.search.cache.MEMO_MAX_VALUES", 3)
    computed = []

    def value(name: str):
        def compute():
            computed.append(name)
            return name

        return memo(("prova", name), compute)

    for name in ("a", "b", "c", "a", "d"):  # "a" used again before "d" fills the memo
        value(name)
    assert computed == ["a", "b", "c", "d"]
    value("a")
    value("b")  # the least recently used when "d" came in
    assert computed == ["a", "b", "c", "d", "b"]


def reading_statements(client, **params) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cerca/", {"facette": "false", **params})
    assert response.status_code == 200, response.content
    return [
        q["sql"]
        for q in queries.captured_queries
        if "search_lessema" in q["sql"] or "search_vocabolo" in q["sql"] or "EXPLAIN" in q["sql"]
    ]


def test_a_text_is_read_once_as_its_reader_clicks_and_turns_pages(client, memo_on, catalogo):
    assert reading_statements(client, q="asilo nido")
    assert reading_statements(client, q="asilo nido", tipo_ente="terzo_settore") == []
    assert reading_statements(client, q="asilo nido", per_pagina=1, pagina=2) == []
    assert reading_statements(client, q="asilo nido melegnano") != []  # another text


def test_an_estimate_is_kept_unless_it_names_a_moment(memo_on, catalogo):
    """A moment (open now) is never asked again: its estimate would only push out of
    the memo, one value per request, what other requests do ask again."""

    def kept() -> int:
        return len(search_cache._memo_state["values"])

    at_a_day = kept()
    _estimated_rows("d.aggiornato_il >= %s", [timezone.localdate()])
    assert kept() == at_a_day + 1
    for _moment in range(3):
        _estimated_rows("d.aggiornato_il >= %s", [timezone.now()])
    assert kept() == at_a_day + 1


def test_a_word_found_nowhere_is_found_once_a_service_holds_it(
    client, memo_on, catalogo, django_capture_on_commit_callbacks
):
    def search(q: str) -> dict:
        response = client.get("/api/v1/cerca/", {"q": q, "facette": "false"})
        assert response.status_code == 200, response.content
        return response.json()

    before = search("ludoteca")
    assert (before["count"], before["parole_non_trovate"]) == (0, ["ludoteca"])
    with django_capture_on_commit_callbacks(execute=True):
        ente = make_ente()
        make_servizio(
            ente=ente,
            titolo="Ludoteca Arcobaleno",
            categorie=[Categoria.objects.get(codice="infanzia.nido")],
            sedi=[make_sede(ente=ente, punto=MELEGNANO)],
        )
    found = search("ludoteca")
    assert [hit["titolo"] for hit in found["results"]] == ["Ludoteca Arcobaleno"]
    assert found["parole_non_trovate"] == []


MELEGNANO_AREA = (
    '{"type": "Polygon", "coordinates": [[[9.25, 45.3], [9.45, 45.3], [9.45, 45.45], '
    "[9.25, 45.45], [9.25, 45.3]]]}"
)
EVERY_KIND_OF_FILTER = [
    {"q": "nido"},
    {"q": "asilo nido melegnano"},
    {"q": "babysiter"},
    {"q": "assistente familiare", "tipo_ente": "impresa", "lingua": "ro"},
    {"q": "nido", "categoria": "infanzia", "comune": "015140", "destinatari": "famiglie"},
    {"q": "nido", "provincia": "MI", "gratuito": "false", "accessibile": "true"},
    {"q": "caffe", "poligono": MELEGNANO_AREA, "aperto_giorno": "2026-12-10"},
    {"q": "nido", "bbox": "9.2,45.3,9.5,45.5", "aperto_il": "2026-12-07T10:00"},
    {"q": "nido aperto sabato sera"},
    {"q": "lavanderia", "lat": "45.4641", "lon": "9.1916", "raggio_km": "20"},
    {"q": "baby", "ordinamento": "distanza", "lat": "45.3573", "lon": "9.3237"},
]


@pytest.mark.parametrize("params", EVERY_KIND_OF_FILTER, ids=lambda p: " ".join(p.values()))
def test_a_text_with_any_filter_has_the_same_answer_from_the_memo(
    client, settings, catalogo, params
):
    def answer(path: str, asked: dict) -> dict:
        response = client.get(path, asked)
        assert response.status_code == 200, response.content
        return response.json()

    on_the_map = {"bbox": "9.0,45.2,9.6,45.6", **params, "zoom": "12"}
    for path, asked in (("/api/v1/cerca/", params), ("/api/v1/cerca/mappa/", on_the_map)):
        settings.SEARCH_MEMO = False
        without = answer(path, asked)
        settings.SEARCH_MEMO = True
        memo_clear()
        assert answer(path, asked) == without
        assert answer(path, asked) == without  # what the memo kept
    memo_clear()
