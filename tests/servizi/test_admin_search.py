"""The admin's search: a word is found in a service's title, its description or its
Ente's name, through indexes that spare reading the whole catalogue (at a million
services Django's own search took 4-9 s a page)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servizi import orari
from servizi.admin import ServizioAdmin
from tests.servizi.builders import make_ente, make_servizio

pytestmark = pytest.mark.django_db


def _titles(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {str(servizio) for servizio in response.context["cl"].result_list}


@pytest.fixture
def catalogo():
    make_servizio(titolo="Asilo nido Girotondo", descrizione="Per bambini da 0 a 3 anni.")
    make_servizio(titolo="Spazio compiti", descrizione="Doposcuola per chi esce dall'ASILO.")
    make_servizio(titolo="Trasporto sociale", ente=make_ente(nome="Cooperativa Il Nido"))
    make_servizio(titolo="Sportello badanti", descrizione="Colloqui su appuntamento.")


@pytest.mark.parametrize(
    ("words", "titles"),
    [
        # in the title, in the description (any case), in the Ente's name
        ("asilo", {"Asilo nido Girotondo", "Spazio compiti"}),
        ("nido", {"Asilo nido Girotondo", "Trasporto sociale"}),
        # every word must be found, each in any of the three
        ("nido trasporto", {"Trasporto sociale"}),
        ("nido bambini", {"Asilo nido Girotondo"}),
        # a quoted phrase is one word
        ('"asilo nido"', {"Asilo nido Girotondo"}),
        ('"girotondo nido"', set()),
        ("appuntamento", {"Sportello badanti"}),
        ("zzz", set()),
    ],
)
def test_a_word_is_found_in_the_title_the_description_or_the_entes_name(
    admin_client, catalogo, words, titles
):
    assert _titles(admin_client, f"/admin/servizi/servizio/?q={words}") == titles


def test_a_word_in_many_entes_names_finds_the_same_services_by_a_subquery(
    admin_client, catalogo, monkeypatch
):
    """Past `max_related_ids` Enti the ids are not listed in the statement."""
    make_servizio(titolo="Mensa", ente=make_ente(nome="Nido di quartiere"))
    monkeypatch.setattr(ServizioAdmin, "max_related_ids", 1)
    with CaptureQueriesContext(connection) as captured:
        titles = _titles(admin_client, "/admin/servizi/servizio/?q=nido")
    assert titles == {"Asilo nido Girotondo", "Trasporto sociale", "Mensa"}
    count = next(q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"])
    assert re.search(r'"ente_id" IN \(SELECT', count)


def test_a_referent_searching_finds_only_the_services_of_their_entes(
    client, django_user_model, catalogo
):
    referente = django_user_model.objects.create_user("referente", password="x", is_staff=True)
    referente.user_permissions.add(Permission.objects.get(codename="view_servizio"))
    mio = make_ente(nome="Comune di Melegnano")
    mio.referenti.add(referente)
    make_servizio(titolo="Asilo comunale", ente=mio)
    client.force_login(referente)
    assert _titles(client, "/admin/servizi/servizio/?q=asilo") == {"Asilo comunale"}
    assert _titles(client, "/admin/servizi/servizio/?q=melegnano") == {"Asilo comunale"}


def test_a_timetable_is_found_by_its_services_title_and_listed_in_a_few_statements(
    admin_client,
):
    for n in range(3):
        make_servizio(titolo=f"Ludoteca {n}", orario="lun-ven 09:00-12:00")
    make_servizio(titolo="Consultorio", orario="mar 14:00-18:00")

    timetable = orari.format_orario(orari.parse_orario("mar 14:00-18:00"))
    response = admin_client.get("/admin/servizi/orario/?q=ludoteca")
    assert response.context["cl"].result_count == 3
    with CaptureQueriesContext(connection) as captured:
        page = admin_client.get("/admin/servizi/orario/").content.decode()
    assert timetable in page
    few = len(captured.captured_queries)
    for n in range(5):
        make_servizio(titolo=f"Doposcuola {n}", orario="lun 15:00-18:00")
    with CaptureQueriesContext(connection) as captured:
        admin_client.get("/admin/servizi/orario/")
    # The time slots that name each timetable are read in one statement for the page.
    assert len(captured.captured_queries) == few


@pytest.mark.parametrize(
    ("table", "column", "index"),
    [
        ("servizi_servizio", "titolo", "servizio_titolo_trgm"),
        ("servizi_servizio", "descrizione", "servizio_descrizione_trgm"),
        ("servizi_ente", "nome", "ente_nome_trgm"),
        ("servizi_orario", "descrizione", "orario_descrizione_trgm"),
    ],
)
def test_the_trigram_indexes_serve_the_expression_djangos_icontains_writes(table, column, index):
    """Django writes `UPPER("column"::text) LIKE UPPER(...)`: an index on another
    expression (`column`, `lower(column)`) would never be used. The table's other
    indexes are dropped (within the test's transaction): on a table this small the
    planner could as well walk one of them whole."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary AND NOT indisunique",
            [table],
        )
        for (other,) in cursor.fetchall():
            if other != index:
                cursor.execute(f"DROP INDEX {other}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f'EXPLAIN SELECT 1 FROM {table} WHERE UPPER("{table}"."{column}"::text) LIKE UPPER(%s)',
            ["%asilo%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan, plan
