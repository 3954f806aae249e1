"""The search index follows commits, and rebuilds from scratch on demand: services, info
points and agreements, each row what its app says it is."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.contrib.postgres.search import SearchVector
from django.core.management import call_command
from django.db import connection

from convenzioni.selectors import documento_indice
from convenzioni.services import convenzione_registra_visualizzazione, convenzione_ritira
from marketplace.search.models import CellaMappa, DocumentoRicerca, Lessema, StatoIndice
from punti_informazione.selectors import pit_documento, pit_per_indice
from punti_informazione.services import punto_update
from servizi.services import ente_update, sede_update, servizi_set_stato, servizio_update
from tests.convenzioni.builders import make_convenzione, make_fornitore, make_impresa, make_rete
from tests.punti_informazione.builders import categoria, make_punto
from tests.servizi.builders import MELEGNANO, SAN_DONATO, make_sede, make_servizio

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
    assert "postgres: 2 righe indicizzate (servizio 2, pit 0, convenzione 0)" in (
        capsys.readouterr().out
    )


def test_the_rebuilt_table_has_its_statistics_before_its_first_reader():
    """The planner's estimates (how many rows a text matches) start from the rebuild."""
    make_servizio(titolo="Assistenza domiciliare", descrizione="Assistenza a casa.")
    call_command("search_index", rebuild=True, no_progress=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'search_documento'::regclass")
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = 'search_documento' "
            "AND attname = 'vettore'"
        )
        assert cursor.fetchone()[0] == 1


def test_the_command_asks_for_rebuild():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--rebuild"):
        call_command("search_index")


# --- info points and agreements ------------------------------------------------------------


def _rows(tipo: str, oggetto_id: int):
    return DocumentoRicerca.objects.filter(tipo=tipo, oggetto_id=oggetto_id).order_by("sede_id")


def _version() -> int:
    return StatoIndice.objects.get(pk=1).versione


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a committed transaction would run after it (the index upkeep)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_pits_row_is_what_its_app_says_it_is(commit):
    with commit():
        punto = make_punto(
            nome="Sportello welfare",
            tipo="sportello_welfare",
            temi=[categoria("infanzia.nido"), categoria("anziani")],
            lingue=["it", "ro"],
            descrizione="Orientamento sui servizi per la prima infanzia.",
        )
        make_punto(nome="Non attivo", attivo=False)
    (row,) = _rows("pit", punto.pk)
    expected = pit_documento(pit_per_indice([punto.pk]).get())
    assert expected.pop("tipo") == row.tipo
    assert set(expected.pop("categorie")) == set(row.categorie)
    assert expected.pop("punto").coords == row.punto.coords
    assert {name: getattr(row, name) for name in expected} == expected
    # What people call the desks, the kind, the topics, the description.
    assert row.testo == (
        "Punto di informazione territoriale (PIT), Sportello di welfare conciliativo "
        "Anziani e non autosufficienza Asilo nido e micronido Orientamento sui servizi per "
        "la prima infanzia."
    )
    assert not DocumentoRicerca.objects.filter(titolo="Non attivo").exists()


@pytest.mark.parametrize(
    ("benefit", "words"),
    [
        ({"tipo_beneficio": "percentuale", "percentuale": 15}, "Sconto del 15%"),
        ({"tipo_beneficio": "percentuale", "percentuale": "12.5"}, "Sconto del 12,50%"),
        ({"tipo_beneficio": "importo", "importo": 30, "percentuale": None}, "Sconto di 30 €"),
        (
            {"tipo_beneficio": "prezzo_speciale", "importo": "9.90", "percentuale": None},
            "Prezzo speciale: 9,90 €",
        ),
        (
            {"tipo_beneficio": "gratuito", "percentuale": None, "beneficio_testo": "La prima ora"},
            "Gratuito – La prima ora",
        ),
        (
            {"tipo_beneficio": "altro", "percentuale": None, "beneficio_testo": "Un omaggio"},
            "Un omaggio",
        ),
    ],
)
def test_an_agreements_rows_are_what_its_app_says_they_are(commit, benefit, words):
    with commit():
        rete = make_rete()
        ente = make_fornitore(rete, nome="Cooperativa Aurora")
        sedi = [make_sede(ente=ente, punto=SAN_DONATO), make_sede(ente=ente, punto=MELEGNANO)]
        nido = make_servizio(
            ente=ente, titolo="Nido Aurora", sedi=sedi[:1], categorie=[categoria("infanzia.nido")]
        )
        convenzione = make_convenzione(
            ente=ente,
            reti=[rete],
            stato="pubblicata",
            descrizione="Per i dipendenti.",
            condizioni="Con il tesserino.",
            **benefit,
        )
        convenzione.servizi.set([nido])
    expected = documento_indice(convenzione)
    assert expected["beneficio"] == words
    rows = list(_rows("convenzione", convenzione.pk))
    assert [row.sede_id for row in rows] == [sedi[0].pk]  # where its service is
    (row,) = rows
    assert row.testo == expected["testo"]
    assert row.titolo == expected["titolo"] and row.ente_id == expected["ente_id"]
    assert (row.ente_nome, row.tipo_ente) == (expected["ente_nome"], expected["tipo_ente"])
    assert (row.valido_dal, row.valido_al) == (expected["data_inizio"], expected["data_fine"])
    assert set(expected["categorie"]) <= set(row.categorie) == {"infanzia", "infanzia.nido"}
    assert row.comune_id == expected["sedi"][0]["comune_id"]
    assert row.gratuito is (benefit["tipo_beneficio"] == "gratuito")


def test_an_agreement_naming_no_service_is_at_every_place_of_its_ente(commit):
    with commit():
        rete = make_rete()
        ente = make_fornitore(rete)
        convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    (senza_sede,) = _rows("convenzione", convenzione.pk)
    assert senza_sede.punto is None  # an Ente without places: one row without a point
    with commit():
        sede = make_sede(ente=ente, punto=SAN_DONATO)  # a new place of the Ente
        make_servizio(ente=ente, sedi=[sede], categorie=[categoria("salva-tempo.lavanderia")])
    (row,) = _rows("convenzione", convenzione.pk)
    assert row.sede_id == sede.pk and row.comune_id == "015192"
    assert set(row.categorie) == {"salva-tempo", "salva-tempo.lavanderia"}


def test_the_rows_follow_the_pit_its_place_and_its_ente(commit):
    with commit():
        punto = make_punto(nome="Sportello", temi=[categoria("infanzia")])
    with commit():
        punto.temi.set([categoria("anziani.badanti")])
    assert set(_rows("pit", punto.pk).get().categorie) == {"anziani", "anziani.badanti"}
    with commit():
        sede_update(sede=punto.sede, punto=MELEGNANO)
    assert _rows("pit", punto.pk).get().comune_id == "015140"
    with commit():
        ente_update(ente=punto.ente, nome="Comune di Melegnano")
    assert _rows("pit", punto.pk).get().ente_nome == "Comune di Melegnano"
    with commit():
        punto_update(punto=punto, attivo=False)
    assert not _rows("pit", punto.pk).exists()


def test_the_rows_follow_the_agreement_its_services_and_its_state(commit):
    with commit():
        rete = make_rete()
        ente = make_fornitore(rete)
        sede = make_sede(ente=ente, punto=SAN_DONATO)
        altra = make_sede(ente=ente, punto=MELEGNANO)
        servizio = make_servizio(ente=ente, titolo="Doposcuola", sedi=[sede])
        convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
        convenzione.servizi.set([servizio])
    assert [r.sede_id for r in _rows("convenzione", convenzione.pk)] == [sede.pk]
    with commit():  # the service moves: the agreement is used at its new place
        servizio.sedi.set([altra])
    assert [r.sede_id for r in _rows("convenzione", convenzione.pk)] == [altra.pk]
    with commit():
        servizio_update(servizio=servizio, titolo="Doposcuola e compiti")
    assert "Doposcuola e compiti" in _rows("convenzione", convenzione.pk).get().testo
    with commit():
        servizio.delete()  # gone with its links: the agreement now names no service
    assert {r.sede_id for r in _rows("convenzione", convenzione.pk)} == {sede.pk, altra.pk}
    with commit():
        convenzione_ritira(convenzione=convenzione, nota="Sospesa.")
    assert not _rows("convenzione", convenzione.pk).exists()


def test_expired_agreements_leave_the_index_with_the_nightly_command(commit):
    with commit():
        rete = make_rete()
        convenzione = make_convenzione(ente=make_fornitore(rete), reti=[rete], stato="pubblicata")
    with commit():
        call_command("scadenza_convenzioni", data=str(convenzione.data_fine + timedelta(1)))
    assert not _rows("convenzione", convenzione.pk).exists()


def test_the_view_counter_touches_nothing_but_memberships_raise_the_version(commit):
    with commit():
        rete = make_rete()
        convenzione = make_convenzione(ente=make_fornitore(rete), reti=[rete], stato="pubblicata")
    before = _version()
    with commit():
        convenzione_registra_visualizzazione(convenzione=convenzione)
    assert _version() == before
    with commit():  # who may use the agreement changed: cached answers must not survive
        make_impresa(reti=(rete,))
    assert _version() > before


def test_the_rebuild_indexes_services_pits_and_agreements(capsys, commit):
    with commit():
        rete = make_rete()
        make_convenzione(ente=make_fornitore(rete), reti=[rete], stato="pubblicata")
        make_punto(nome="Sportello")
        make_servizio(titolo="Uno")
    DocumentoRicerca.objects.all().delete()
    call_command("search_index", rebuild=True, no_progress=True)
    assert sorted(DocumentoRicerca.objects.values_list("tipo", flat=True)) == [
        "convenzione",
        "pit",
        "servizio",
    ]
    assert "postgres: 3 righe indicizzate (servizio 1, pit 1, convenzione 1)" in (
        capsys.readouterr().out
    )


def test_renaming_a_category_reaches_the_text_of_its_services(
    client, django_capture_on_commit_callbacks
):
    from servizi.models import Categoria

    with django_capture_on_commit_callbacks(execute=True):
        make_servizio(titolo="Servizio senza parole chiave")
    assert client.get("/api/v1/cerca/", {"q": "cicogna"}).json()["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        madre = Categoria.objects.get(codice="anziani")  # the service is in a child of it
        madre.nome = "Anziani e cicogne"
        madre.save()
    body = client.get("/api/v1/cerca/", {"q": "cicogna"}).json()
    assert [hit["titolo"] for hit in body["results"]] == ["Servizio senza parole chiave"]


def test_the_migration_of_the_sigle_rewrites_the_vectors_indexed_without_their_mark(
    django_capture_on_commit_callbacks,
):
    """Rows indexed before the sigle were marked hold 'ise' for "ISEE": migration 0030
    writes their vectors again, in place, and only theirs (and those naming Iseo, which
    hold it too); the map cells of a word whose rows changed are dropped."""
    sigle = import_module("marketplace.migrations.0030_sigle")
    with django_capture_on_commit_callbacks(execute=True):
        isee = make_servizio(titolo="Sportello ISEE")
        altro = make_servizio(titolo="Lavanderia")
    DocumentoRicerca.objects.update(vettore=SearchVector("titolo", config="italiano"))
    Lessema.objects.update_or_create(lessema="ise", defaults={"nelle_celle": True})
    cell = {"tipo": "servizio", "cella_x": 1, "cella_y": 1, "n": 1}
    cell |= dict.fromkeys(["somma_lon", "somma_lat", "min_lon", "min_lat", "max_lon", "max_lat"], 0)
    CellaMappa.objects.create(filtro="parola=ise", **cell)
    CellaMappa.objects.create(filtro="parola=lavanderi", **cell)
    before = {row.oggetto_id: row for row in DocumentoRicerca.objects.all()}
    version = StatoIndice.objects.get().versione

    sigle.mark_the_sigle(None, SimpleNamespace(connection=connection))

    after = {row.oggetto_id: row for row in DocumentoRicerca.objects.all()}
    assert after[isee.pk].pk == before[isee.pk].pk  # the same row, rewritten
    assert "'isee0':2A" in str(after[isee.pk].vettore)
    assert "'ise'" not in str(after[isee.pk].vettore)
    assert after[altro.pk].vettore == before[altro.pk].vettore
    assert Lessema.objects.filter(lessema="isee0").exists()
    assert not Lessema.objects.get(lessema="ise").nelle_celle
    assert list(CellaMappa.objects.values_list("filtro", flat=True)) == ["parola=lavanderi"]
    assert StatoIndice.objects.get().versione > version


@pytest.mark.parametrize(
    ("migration", "run", "naming", "stem_only", "marked", "stem"),
    [
        # 0033: the Comune names the stemmer folds into common words ("Cenate", 'cen').
        (
            "0033_nomi_di_luogo",
            "mark_the_place_words",
            "Trasporto sociale – Cenate Sotto",
            "Cena solidale",
            ["'cenate0':3A"],
            "cen",
        ),
        # 0034: "San" and the saints' names ("San" and "sanità", 'san').
        (
            "0034_nomi_di_santi",
            "mark_the_saints_names",
            "Trasporto sociale – San Donato Milanese",
            "Sportello sanità",
            ["'san0':3A", "'donato0':4A"],
            "san",
        ),
        # 0035: the words of names of several words, within them ("Serio" and "sera", 'ser').
        (
            "0035_nomi_composti",
            "mark_the_names",
            "Trasporto sociale – Cologno al Serio",
            "Servizi della sera",
            ["'serio0':5A"],
            "ser",
        ),
    ],
)
def test_the_migration_of_place_words_rewrites_the_rows_that_name_them(
    django_capture_on_commit_callbacks, migration, run, naming, stem_only, marked, stem
):
    """Rows indexed before the place words were marked hold the common word's stem for
    the name ('cen' for "Cenate"): the migration writes their vectors again, in place; a
    row with the stem but no place word ("Cena solidale", whose unweighted vector would
    be written again weighted) is not."""
    module = import_module(f"marketplace.migrations.{migration}")
    with django_capture_on_commit_callbacks(execute=True):
        named = make_servizio(titolo=naming)
        other = make_servizio(titolo=stem_only)
    DocumentoRicerca.objects.update(vettore=SearchVector("titolo", config="italiano"))
    before = {row.oggetto_id: row for row in DocumentoRicerca.objects.all()}
    version = StatoIndice.objects.get().versione

    getattr(module, run)(None, SimpleNamespace(connection=connection))

    after = {row.oggetto_id: row for row in DocumentoRicerca.objects.all()}
    assert after[named.pk].pk == before[named.pk].pk  # the same row, rewritten
    assert all(position in str(after[named.pk].vettore) for position in marked)
    assert f"'{stem}'" not in str(after[named.pk].vettore)
    assert after[other.pk].vettore == before[other.pk].vettore
    assert Lessema.objects.filter(lessema=marked[0].split("'")[1]).exists()
    assert StatoIndice.objects.get().versione > version


def test_the_migration_of_the_unstemmed_words_rewrites_every_row_with_their_stems(
    django_capture_on_commit_callbacks,
):
    """Rows indexed before the words of text.UNSTEMMED_WORDS were marked hold the stem
    they shared ('comun' for "comunità", 'anzi' for "anziano"): migration 0036 writes
    their vectors again, in place, also where the word is in a category's name only
    ("Salute e benessere"); a row whose vector stays the same ("Sportello del Comune")
    is not written."""
    module = import_module("marketplace.migrations.0036_parole_non_ridotte")
    formazione = [categoria("formazione")]
    with django_capture_on_commit_callbacks(execute=True):
        named = make_servizio(titolo="Comunità alloggio per l'anziano", categorie=formazione)
        in_category = make_servizio(titolo="Ginnastica dolce", categorie=[categoria("salute")])
        other = make_servizio(titolo="Sportello del Comune", categorie=formazione)
    DocumentoRicerca.objects.filter(oggetto_id=named.pk).update(
        vettore=SearchVector("titolo", config="italiano")
    )
    with connection.cursor() as cursor:  # the vector held the category's name unmarked
        cursor.execute(
            "UPDATE search_documento SET vettore = "
            "to_tsvector('italiano', titolo || ' Salute e benessere') WHERE oggetto_id = %s",
            [in_category.pk],
        )
    assert "'sal'" in str(DocumentoRicerca.objects.get(oggetto_id=in_category.pk).vettore)
    before = {row.oggetto_id: row for row in DocumentoRicerca.objects.all()}
    version = StatoIndice.objects.get().versione

    module.mark_the_unstemmed_words(None, SimpleNamespace(connection=connection))

    after = {row.oggetto_id: row for row in DocumentoRicerca.objects.all()}
    assert after[named.pk].pk == before[named.pk].pk  # the same row, rewritten
    vector = str(after[named.pk].vettore)
    assert "'comunita0':1A" in vector and "'anziano0':5A" in vector
    assert "'comun'" not in vector and "'anzi'" not in vector
    assert "'salute0'" in str(after[in_category.pk].vettore)
    assert "'sal'" not in str(after[in_category.pk].vettore)
    assert after[other.pk].vettore == before[other.pk].vettore
    assert Lessema.objects.filter(lessema="comunita0").exists()
    assert StatoIndice.objects.get().versione > version


def test_the_migration_of_caso_and_festivi_rewrites_the_rows_that_name_them(
    django_capture_on_commit_callbacks,
):
    """Migration 0038 marks "caso", "casi", "festivo", "festivi" and "festiva", which
    shared 'cas' with "casa" and 'fest' with "festa"; a row with "casa" alone keeps its
    vector."""
    module = import_module("marketplace.migrations.0038_caso_e_festivi")
    with django_capture_on_commit_callbacks(execute=True):
        named = make_servizio(titolo="Sostituzioni in caso di malattia, anche festivi")
        other = make_servizio(titolo="Assistenza a casa")
    with connection.cursor() as cursor:  # as indexed before: the stems only
        cursor.execute(
            "UPDATE search_documento SET vettore = to_tsvector('italiano', titolo) "
            "WHERE oggetto_id = %s",
            [named.pk],
        )
    before = {row.oggetto_id: row for row in DocumentoRicerca.objects.all()}
    assert "'cas'" in str(before[named.pk].vettore)

    module.mark_the_new_words(None, SimpleNamespace(connection=connection))

    after = {row.oggetto_id: row for row in DocumentoRicerca.objects.all()}
    vector = str(after[named.pk].vettore)
    assert "'caso0'" in vector and "'festivi0'" in vector
    assert "'cas'" not in vector and "'fest'" not in vector
    assert after[other.pk].vettore == before[other.pk].vettore
