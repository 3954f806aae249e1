"""The response cache: an answer is served again only for the same question (query
string and language), on the same index version and on the same day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from convenzioni.models import Impresa
from convenzioni.services import adesione_create
from servizi.services import servizio_update
from tests.search.conftest import titoli

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.SEARCH_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def ask(client, path: str = "/api/v1/cerca/", **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response


def test_the_same_question_on_the_same_data_comes_from_the_cache(client, cached, catalogo):
    first = ask(client, q="asilo", lat="45.3573", lon="9.3237")
    assert first["X-Search-Cache"] == "miss"
    again = ask(client, lon="9.3237", lat="45.3573", q="asilo")  # the order does not matter
    assert again["X-Search-Cache"] == "hit"
    assert again.json() == first.json()
    assert ask(client, q="nido")["X-Search-Cache"] == "miss"  # another question
    english = client.get("/api/v1/cerca/", {"q": "asilo"}, headers={"accept-language": "en"})
    assert english["X-Search-Cache"] == "miss"  # labels and messages are in another language


def test_a_change_of_the_index_is_never_served_stale(
    client, cached, catalogo, django_capture_on_commit_callbacks
):
    assert titoli(ask(client, q="stireria").json()) == ["Lavanderia e stireria"]
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=catalogo["lavanderia"], titolo="Stireria espressa")
    response = ask(client, q="stireria")
    assert response["X-Search-Cache"] == "miss"
    assert titoli(response.json()) == ["Stireria espressa"]


def test_a_new_membership_is_never_served_stale(
    client, cached, rete_sud_est, django_capture_on_commit_callbacks
):
    assert ask(client, con_convenzione_per="impresa:fuori-rete").json()["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        adesione_create(
            rete=rete_sud_est["rete"],
            impresa=Impresa.objects.get(slug="fuori-rete"),
            data_inizio=timezone.localdate(),
        )
    response = ask(client, con_convenzione_per="impresa:fuori-rete", tipo="convenzione")
    assert response["X-Search-Cache"] == "miss"
    assert "Sconto sul nido per i dipendenti" in titoli(response.json())


def test_a_new_day_is_a_new_answer(client, cached, rete_sud_est, monkeypatch):
    # Nothing is reindexed at midnight: the day is part of the question.
    assert "Offerta di fine anno" in titoli(ask(client, tipo="convenzione").json())
    tomorrow = timezone.localdate() + timedelta(days=1)
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *args: real(*args) if args else tomorrow)
    response = ask(client, tipo="convenzione")
    assert response["X-Search-Cache"] == "miss"
    assert "Offerta di fine anno" not in titoli(response.json())
