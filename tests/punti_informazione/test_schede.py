"""Orientation sheets: items validated against what exists, notes without personal data,
a print page and a PDF with the QR code of the link, and a shared link that needs no
login, shows only the sheet, and shows nothing once expired or for a wrong token."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from punti_informazione import services
from punti_informazione.models import Scheda
from tests.punti_informazione.builders import (
    ROZZANO,
    make_consultazione,
    make_operatore,
    make_punto,
)
from tests.servizi.builders import make_servizio

pytestmark = pytest.mark.django_db


@pytest.fixture
def punto():
    return make_punto(nome="Segretariato San Donato")


@pytest.fixture
def operatore(punto):
    return make_operatore(punto)


@pytest.fixture
def scheda(punto, operatore):
    return services.scheda_create(punto=punto, autore=operatore)


def voci_url(scheda: Scheda) -> str:
    return f"/api/v1/schede/{scheda.pk}/voci/"


def test_an_operator_adds_services_and_pits_with_notes_through_the_api(client, scheda, operatore):
    nido = make_servizio(titolo="Asilo nido Il Girotondo")
    altro_pit = make_punto(nome="Patronato Rozzano", punto=ROZZANO)
    client.force_login(operatore)

    first = client.post(
        voci_url(scheda),
        {"tipo": "servizio", "oggetto_id": nido.pk, "nota": "Portare l'ISEE."},
        content_type="application/json",
    )
    assert first.status_code == 201, first.content
    second = client.post(
        voci_url(scheda),
        {"tipo": "pit", "oggetto_id": altro_pit.pk},
        content_type="application/json",
    )
    body = second.json()
    assert [(v["tipo"], v["titolo"], v["nota"]) for v in body["voci"]] == [
        ("servizio", "Asilo nido Il Girotondo", "Portare l'ISEE."),
        ("pit", "Patronato Rozzano", ""),
    ]
    assert body["link_valido"] is True
    assert f"/pit/s/{scheda.token}/" in body["link_condivisione"]


def test_a_page_of_sheets_reads_their_items_objects_together(client, punto, operatore):
    """The list of sheets reads the objects of all their items a query per kind, not a
    few queries per sheet: its statements do not grow with the sheets on the page."""
    servizi = [make_servizio(titolo=f"Servizio {n}") for n in range(3)]
    altro_pit = make_punto(nome="Patronato Rozzano", punto=ROZZANO)
    client.force_login(operatore)

    def add_sheet() -> None:
        scheda = services.scheda_create(punto=punto, autore=operatore)
        for servizio in servizi:
            services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=servizio.pk)
        services.scheda_voce_add(scheda=scheda, tipo="pit", oggetto_id=altro_pit.pk)

    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/schede/").json()
        assert all(len(scheda["voci"]) == 4 for scheda in body["results"])
        assert body["results"][0]["voci"][0]["titolo"] == "Servizio 0"
        return len(captured.captured_queries)

    add_sheet()
    one = statements()
    for _ in range(4):
        add_sheet()
    assert statements() == one


@pytest.mark.parametrize(
    ("voce", "field", "message"),
    [
        ({"tipo": "servizio", "oggetto_id": 999_999}, "oggetto_id", "Nessun servizio pubblicato"),
        ({"tipo": "evento", "oggetto_id": 1}, "tipo", "non è una scelta valida"),
        ({"tipo": "convenzione", "oggetto_id": 999_999}, "oggetto_id", "Nessuna convenzione"),
        ({"tipo": "servizio"}, "oggetto_id", "obbligatorio"),
    ],
)
def test_an_item_must_be_something_the_sheet_can_hold(
    client, scheda, operatore, voce, field, message
):
    client.force_login(operatore)
    response = client.post(voci_url(scheda), voce, content_type="application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_a_draft_service_cannot_be_added_and_an_item_is_added_once(scheda):
    bozza = make_servizio(stato="bozza")
    with pytest.raises(ValidationError) as error:
        services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=bozza.pk)
    assert "oggetto_id" in error.value.message_dict
    pubblicato = make_servizio()
    services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=pubblicato.pk)
    with pytest.raises(ValidationError, match="già nella scheda"):
        services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=pubblicato.pk)


@pytest.mark.parametrize(
    "nota",
    [
        "Il sig. Rossi, RSSMRA80A01F205X, chiede il nido",
        "richiamare la signora al 333 123 4567",
        "scrivere a mario.rossi@example.org",
    ],
)
def test_a_note_with_a_persons_fiscal_code_or_contacts_is_refused(scheda, nota):
    servizio = make_servizio()
    with pytest.raises(ValidationError) as error:
        services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=servizio.pk, nota=nota)
    assert "nota" in error.value.message_dict
    assert not scheda.voci.exists()


def test_an_operator_of_another_pit_cannot_see_or_change_the_sheet(client, scheda):
    estraneo = make_operatore(make_punto(punto=ROZZANO))
    client.force_login(estraneo)
    servizio = make_servizio()
    assert client.get(f"/api/v1/schede/{scheda.pk}/").status_code == 404
    assert (
        client.post(voci_url(scheda), {"tipo": "servizio", "oggetto_id": servizio.pk}).status_code
        == 404
    )
    assert client.get(f"/pit/schede/{scheda.pk}/").status_code == 404
    assert client.get(f"/pit/schede/{scheda.pk}/stampa/").status_code == 404


def test_the_shared_link_opens_without_login_and_shows_only_the_sheet(client, scheda, operatore):
    nido = make_servizio(titolo="Asilo nido Il Girotondo", costo_descrizione="Retta secondo ISEE")
    non_in_scheda = make_servizio(titolo="Servizio che non è nella scheda")
    services.scheda_voce_add(
        scheda=scheda, tipo="servizio", oggetto_id=nido.pk, nota="Chiedere della coordinatrice."
    )
    make_consultazione(scheda.punto, operatore, scheda=scheda)

    response = client.get(f"/pit/s/{scheda.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Asilo nido Il Girotondo" in html and "Retta secondo ISEE" in html
    assert "Chiedere della coordinatrice." in html
    assert "Segretariato San Donato" in html  # who prepared it, with its contacts
    assert non_in_scheda.titolo not in html
    assert operatore.username not in html
    assert "30-44" not in html and "Consultazione" not in html
    assert response["Referrer-Policy"] == "no-referrer"
    api = client.get(f"/api/v1/schede-condivise/{scheda.token}/").json()
    assert [v["titolo"] for v in api["voci"]] == ["Asilo nido Il Girotondo"]
    assert "autore" not in api and "id" not in api


def test_a_wrong_token_shows_nothing(client, scheda):
    services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=make_servizio().pk)
    for token in [scheda.token[:-1] + ("A" if scheda.token[-1] != "A" else "B"), "x", "a" * 300]:
        response = client.get(f"/pit/s/{token}/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "non è valido o è scaduto" in html
        assert "Assistenza domiciliare" not in html and "Segretariato" not in html
        assert client.get(f"/api/v1/schede-condivise/{token}/").status_code == 404


def test_an_expired_link_shows_nothing_and_a_renewed_one_works(client, scheda, operatore):
    services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=make_servizio().pk)
    old_token = scheda.token
    Scheda.objects.filter(pk=scheda.pk).update(link_scade_il=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/pit/s/{old_token}/")
    assert response.status_code == 404
    assert "Assistenza domiciliare" not in response.content.decode()

    client.force_login(operatore)
    renewed = client.post(f"/api/v1/schede/{scheda.pk}/rinnova-link/").json()
    client.logout()
    scheda.refresh_from_db()
    assert scheda.token != old_token
    assert client.get(f"/pit/s/{scheda.token}/").status_code == 200
    assert client.get(f"/pit/s/{old_token}/").status_code == 404
    assert renewed["link_valido"] is True


def test_the_link_lasts_the_configured_days(settings, punto, operatore):
    settings.SCHEDA_LINK_GIORNI = 7
    before = timezone.now()
    scheda = services.scheda_create(punto=punto, autore=operatore)
    assert before + timedelta(days=7) <= scheda.link_scade_il <= timezone.now() + timedelta(days=7)
    assert len(scheda.token) >= 43  # 256 random bits, URL-safe


def test_a_revoked_link_stops_at_once(client, scheda, operatore):
    client.force_login(operatore)
    client.post(f"/pit/schede/{scheda.pk}/link/", {"azione": "revoca"})
    client.logout()
    assert client.get(f"/pit/s/{scheda.token}/").status_code == 404


def test_the_print_page_is_a4_with_the_qr_code_of_the_link(client, scheda, operatore):
    services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=make_servizio().pk)
    client.force_login(operatore)
    response = client.get(f"/pit/schede/{scheda.pk}/stampa/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Assistenza domiciliare anziani" in html
    assert "<svg" in html and "QR" in html
    assert f"/pit/s/{scheda.token}/" in html
    css_text = Path(finders.find("punti_informazione/console.css")).read_text(encoding="utf-8")
    assert "size: A4" in css_text and "@media print" in css_text


def test_the_pdf_is_a_real_pdf_of_the_sheet(client, scheda, operatore):
    services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=make_servizio().pk)
    client.force_login(operatore)
    response = client.get(f"/pit/schede/{scheda.pk}/scheda.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5_000


def test_an_item_whose_service_is_archived_says_so_and_keeps_its_title(client, scheda):
    servizio = make_servizio(titolo="Centro estivo che chiude")
    services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=servizio.pk)
    servizio.stato = "archiviato"
    servizio.save()
    html = client.get(f"/pit/s/{scheda.token}/").content.decode()
    assert "Centro estivo che chiude" in html
    assert "Non è più disponibile" in html


def test_the_shared_sheet_and_the_console_speak_english_when_asked(client, scheda, operatore):
    services.scheda_voce_add(scheda=scheda, tipo="servizio", oggetto_id=make_servizio().pk)
    html = client.get(f"/pit/s/{scheda.token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Prepared for you by Segretariato San Donato" in html
    client.force_login(operatore)
    client.post("/i18n/setlang/", {"language": "en", "next": "/pit/"})
    form = client.get("/pit/consultazioni/nuova/").content.decode()
    assert "Anonymous consultation." in form and "Referred to another info point" in form


def test_a_sheet_made_by_mistake_is_deleted_and_its_consultation_stays(client, scheda, operatore):
    consultazione = make_consultazione(scheda.punto, operatore, scheda=scheda)
    client.force_login(operatore)
    assert client.delete(f"/api/v1/schede/{scheda.pk}/").status_code == 204
    consultazione.refresh_from_db()
    assert consultazione.scheda is None
    assert client.get(f"/pit/s/{scheda.token}/").status_code == 404


def test_a_consultation_cannot_point_at_a_sheet_of_another_pit(client, scheda, operatore):
    altro = make_punto(punto=ROZZANO)
    altra_scheda = services.scheda_create(punto=altro, autore=make_operatore(altro))
    client.force_login(operatore)
    response = client.post(
        "/api/v1/consultazioni/",
        {
            "punto": scheda.punto.pk,
            "scheda": altra_scheda.pk,
            "canale": "email",
            "bisogni": ["anziani"],
            "lavoratore_impresa_aderente": False,
            "fascia_eta": "nd",
            "esito": "informazione",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "altro punto" in response.json()["scheda"][0]
