"""The demo agreements: two networks, fifteen companies, thirty agreements in every state."""

from __future__ import annotations

import pytest
from django.db import transaction

from convenzioni.demo import load_demo_convenzioni
from convenzioni.models import Convenzione, Impresa, ReteImprese
from convenzioni.selectors import beneficiario_da_codice, convenzioni_valide_per
from servizi.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        load_demo_convenzioni()
        yield
        transaction.set_rollback(True)


def test_the_demo_has_what_the_issue_asks(demo):
    assert ReteImprese.objects.filter(demo=True).count() == 2
    assert Impresa.objects.filter(demo=True).count() == 15
    convenzioni = Convenzione.objects.filter(demo=True)
    assert convenzioni.count() == 30
    assert set(convenzioni.values_list("stato", flat=True)) == {
        "bozza",
        "in_revisione",
        "pubblicata",
        "scaduta",
        "ritirata",
    }


def test_demo_logins_have_their_roles(demo, client):
    assert client.login(username="demo.referente", password="demo-referente")
    page = client.get("/convenzioni/gestione/").text
    assert "Doposcuola a prezzo ridotto" in page
    assert "Lavaggio e stiratura" not in page
    client.logout()
    assert client.login(username="demo.rete", password="demo-rete")
    page = client.get("/convenzioni/moderazione/").text
    assert "Spazio compiti del sabato" in page


def test_demo_memberships_and_eligibility(demo):
    lasciata = beneficiario_da_codice("impresa:studio-tecnico-melegnano").impresa
    in_arrivo = beneficiario_da_codice("impresa:tipografia-rozzanese").impresa
    membro = beneficiario_da_codice("impresa:officine-lambro").impresa
    assert not convenzioni_valide_per(impresa=lasciata).exists()
    assert not convenzioni_valide_per(impresa=in_arrivo).exists()
    assert convenzioni_valide_per(impresa=membro).count() >= 10


def test_loading_twice_changes_nothing(demo):
    before = set(Convenzione.objects.values_list("pk", flat=True))
    assert "già presenti" in load_demo_convenzioni()
    assert set(Convenzione.objects.values_list("pk", flat=True)) == before
