"""The search index follows commits, and rebuilds from scratch on demand."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from marketplace.search.models import DocumentoRicerca
from servizi.services import servizi_set_stato
from tests.servizi.builders import make_sede, make_servizio

pytestmark = pytest.mark.django_db


def test_one_row_per_place_and_none_for_drafts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        servizio = make_servizio(titolo="Servizio con due sedi")
        due_sedi = [make_sede(ente=servizio.ente), make_sede(ente=servizio.ente)]
        servizio.sedi.set(due_sedi)
        make_servizio(titolo="Bozza", stato="bozza")
    rows = DocumentoRicerca.objects.filter(oggetto_id=servizio.pk)
    assert rows.count() == 2
    assert set(rows.values_list("sede_id", flat=True)) == {s.pk for s in due_sedi}
    assert not DocumentoRicerca.objects.filter(titolo="Bozza").exists()
    assert set(rows.first().categorie) == {"anziani", "anziani.assistenza-domiciliare"}


def test_bulk_publishing_reaches_the_index(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bozza = make_servizio(titolo="Da pubblicare", stato="bozza")
    assert not DocumentoRicerca.objects.filter(oggetto_id=bozza.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        servizi_set_stato(servizi=[bozza], stato="pubblicato")
    assert DocumentoRicerca.objects.filter(oggetto_id=bozza.pk).exists()


def test_nothing_reaches_the_index_when_the_transaction_rolls_back():
    make_servizio(titolo="Mai confermato")  # the test's transaction is never committed
    assert not DocumentoRicerca.objects.filter(titolo="Mai confermato").exists()


def test_the_rebuild_command_indexes_everything_published(capsys):
    make_servizio(titolo="Uno")
    make_servizio(titolo="Due")
    DocumentoRicerca.objects.all().delete()
    call_command("search_index", rebuild=True, no_progress=True)
    assert DocumentoRicerca.objects.count() == 2
    assert "postgres: 2 righe" in capsys.readouterr().out


def test_the_command_asks_for_rebuild():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--rebuild"):
        call_command("search_index")
