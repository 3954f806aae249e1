"""The administration: referents see only their Enti; curators publish, archive, verify."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servizi.admin import EnteAdmin
from servizi.models import Ente, Orario, Sede, Servizio
from tests.servizi.builders import make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db


@pytest.fixture
def referente(django_user_model):
    user = django_user_model.objects.create_user("referente", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="servizi",
            codename__in=[
                "view_ente",
                "change_ente",
                "view_sede",
                "add_sede",
                "change_sede",
                "view_servizio",
                "add_servizio",
                "change_servizio",
                "view_orario",
                "add_orario",
                "change_orario",
            ],
        )
    )
    return user


def test_a_referent_lists_and_opens_only_their_own_services(client, referente):
    mine = make_servizio(ente=make_ente(nome="Mio ente"), titolo="Servizio mio")
    mine.ente.referenti.add(referente)
    other = make_servizio(titolo="Servizio altrui")
    client.force_login(referente)

    listing = client.get("/admin/servizi/servizio/").content.decode()
    assert "Servizio mio" in listing and "Servizio altrui" not in listing
    assert client.get(f"/admin/servizi/servizio/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/servizi/servizio/{other.pk}/change/").status_code == 302
    client.post(f"/admin/servizi/servizio/{other.pk}/change/", {"titolo": "Rubato"})
    other.refresh_from_db()
    assert other.titolo == "Servizio altrui"


def test_curators_publish_archive_and_verify_in_bulk(admin_client):
    servizi = [make_servizio(stato="bozza") for _ in range(2)]
    ids = [s.pk for s in servizi]
    admin_client.post("/admin/servizi/servizio/", {"action": "pubblica", "_selected_action": ids})
    assert set(Servizio.objects.values_list("stato", flat=True)) == {"pubblicato"}
    admin_client.post(
        "/admin/servizi/servizio/", {"action": "segna_verificati", "_selected_action": ids}
    )
    assert Servizio.objects.filter(verificato_il__isnull=True).count() == 0
    admin_client.post("/admin/servizi/servizio/", {"action": "archivia", "_selected_action": ids})
    assert set(Servizio.objects.values_list("stato", flat=True)) == {"archiviato"}
    # newest first: archived, verified, published, then the creation's records
    states = list(servizi[0].history.values_list("stato", flat=True))
    assert states[:3] == ["archiviato", "pubblicato", "pubblicato"]
    assert set(states[3:]) == {"bozza"}


def test_the_to_reverify_filter(admin_client):
    from datetime import date

    make_servizio(titolo="Mai verificato")
    make_servizio(titolo="Verificato oggi", verificato_il=date.today())
    stale = admin_client.get("/admin/servizi/servizio/", {"verifica": "scaduta"}).content.decode()
    assert "Mai verificato" in stale and "Verificato oggi" not in stale


def test_a_place_outside_the_territory_is_refused_by_the_admin_form(admin_client):
    ente = make_ente()
    response = admin_client.post(
        "/admin/servizi/sede/add/",
        {
            "ente": ente.pk,
            "nome": "Roma",
            "indirizzo": "Piazza del Colosseo 1",
            "cap": "00184",
            "punto": '{"type": "Point", "coordinates": [12.4924, 41.8902]}',
        },
    )
    assert response.status_code == 200
    assert "non cade in nessun Comune" in response.content.decode()
    assert not Sede.objects.exists()


def test_an_overlapping_schedule_is_refused_by_the_admin_form(admin_client):
    response = admin_client.post(
        "/admin/servizi/orario/add/",
        {
            "descrizione": "Orario",
            "note": "",
            "fasce-TOTAL_FORMS": "2",
            "fasce-INITIAL_FORMS": "0",
            "fasce-0-giorno": "0",
            "fasce-0-apertura": "09:00",
            "fasce-0-chiusura": "12:00",
            "fasce-1-giorno": "0",
            "fasce-1-apertura": "11:00",
            "fasce-1-chiusura": "13:00",
            "eccezioni-TOTAL_FORMS": "0",
            "eccezioni-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "si sovrappongono" in response.content.decode()
    assert not Orario.objects.exists()


def test_a_web_address_typed_without_scheme_is_taken_as_https(rf, admin_user):
    request = rf.get("/admin/servizi/ente/add/")
    request.user = admin_user
    form = EnteAdmin(Ente, admin.site).get_form(request)
    assert form.base_fields["sito_web"].clean("www.comune.melegnano.mi.it") == (
        "https://www.comune.melegnano.mi.it"
    )


def _autocomplete(client, field: str, term: str) -> list[str]:
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "servizi", "model_name": "servizio", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_the_service_form_searches_its_places_instead_of_listing_them(admin_client):
    """A catalogue holds a hundred thousand places: the form shows the service's own and
    finds the others by name (listed, each naming its Ente, the form took 70 s at scale)."""
    ente = make_ente(nome="Cooperativa Aurora")
    sua = make_sede(ente=ente, nome="Sede di via Dante")
    servizio = make_servizio(ente=ente, sedi=[sua])
    altra = make_sede(ente=make_ente(nome="Altro ente"), nome="Sede di via Verdi")

    page = admin_client.get(f"/admin/servizi/servizio/{servizio.pk}/change/").content.decode()
    assert "Sede di via Dante" in page
    assert "Sede di via Verdi" not in page
    assert _autocomplete(admin_client, "sedi", "Verdi") == [str(altra)]


def test_saving_a_service_in_the_admin_keeps_the_places_chosen(admin_client):
    ente = make_ente()
    prima, seconda = make_sede(ente=ente, nome="Prima"), make_sede(ente=ente, nome="Seconda")
    servizio = make_servizio(ente=ente, sedi=[prima])
    form = (
        admin_client.get(f"/admin/servizi/servizio/{servizio.pk}/change/").context["adminform"].form
    )
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"categorie", "sedi", "comuni_copertura"}
    }
    data.update(
        ente=ente.pk,
        categorie=[c.pk for c in servizio.categorie.all()],
        sedi=[prima.pk, seconda.pk],
        lingue=form.initial["lingue"],
        destinatari=form.initial["destinatari"],
    )
    response = admin_client.post(f"/admin/servizi/servizio/{servizio.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(servizio.sedi.all()) == {prima, seconda}


def test_a_referent_searching_places_finds_only_their_entes(client, referente):
    mio = make_ente(nome="Mio ente")
    mio.referenti.add(referente)
    make_sede(ente=mio, nome="Sede mia")
    make_sede(ente=make_ente(nome="Ente altrui"), nome="Sede altrui")
    client.force_login(referente)
    assert _autocomplete(client, "sedi", "Sede") == ["Mio ente – Sede mia"]


def test_the_services_list_counts_once_and_offers_every_category_without_reading_them_all(
    admin_client,
):
    """At a million services, finding the categories in use took 0.7 s on every page of
    the list, and the second count of the whole catalogue 50 ms more."""
    make_servizio(titolo="Assistenza domiciliare")
    with CaptureQueriesContext(connection) as captured:
        page = admin_client.get("/admin/servizi/servizio/").content.decode()
    assert "Baby sitting" in page  # a category no service is in
    statements = [query["sql"] for query in captured.captured_queries]
    assert len([sql for sql in statements if "COUNT(" in sql]) == 1
    assert not [sql for sql in statements if "servizi_servizio_categorie" in sql]


def test_the_places_list_reads_their_entes_and_comuni_with_them(admin_client):
    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = admin_client.get("/admin/servizi/sede/").content.decode()
        assert "Melegnano" in page
        return len(captured.captured_queries)

    make_sede(nome="Prima sede")
    one = statements()
    for n in range(4):
        make_sede(nome=f"Sede {n}")
    assert statements() == one
