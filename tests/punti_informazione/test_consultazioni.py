"""Consultations: anonymous by construction, recorded in a few clicks, editable by their
operator for a limited time, then frozen for everyone (service, API, pages, admin)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models

from punti_informazione import services
from punti_informazione.models import Consultazione
from punti_informazione.services import ConsultazioneCongelata
from tests.punti_informazione.builders import (
    age,
    categoria,
    make_consultazione,
    make_operatore,
    make_punto,
)

pytestmark = pytest.mark.django_db

RECORD = {
    "canale": "telefono",
    "bisogni": ["infanzia.nido", "salva-tempo"],
    "comune_residenza": "015192",
    "lavoratore_impresa_aderente": True,
    "fascia_eta": "30-44",
    "esito": "invio_servizio",
}


@pytest.fixture
def punto():
    return make_punto(nome="Segretariato San Donato")


@pytest.fixture
def operatore(punto):
    return make_operatore(punto)


# --------------------------------------------------------------------------- anonymity


def test_a_consultation_has_no_free_text_field_at_all():
    """Every text column is a closed choice: nothing can hold a name, a contact or a note."""
    text_fields = [
        field.name
        for field in Consultazione._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]
    assert text_fields == []
    historical = Consultazione.history.model
    for field in historical._meta.get_fields():
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            assert field.name.startswith("history_"), field.name  # simple-history's own


def test_the_api_refuses_a_name_contact_or_note_instead_of_ignoring_it(client, punto, operatore):
    client.force_login(operatore)
    body = {**RECORD, "punto": punto.pk, "nome": "Maria Rossi", "telefono": "333 1234567"}
    response = client.post("/api/v1/consultazioni/", body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"nome", "telefono"}
    assert "anonima" in errors["nome"][0]
    assert not Consultazione.objects.exists()


def test_recorded_through_the_api_with_choices_only(client, punto, operatore):
    client.force_login(operatore)
    response = client.post(
        "/api/v1/consultazioni/", {**RECORD, "punto": punto.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["bisogni"] == ["infanzia.nido", "salva-tempo"]
    assert body["comune_residenza"] == {"codice_istat": "015192", "nome": "San Donato Milanese"}
    assert body["operatore"] == operatore.username
    assert body["congelata"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"bisogni": []}, "bisogni"),
        ({"fascia_eta": "41"}, "fascia_eta"),
        ({"canale": "piccione"}, "canale"),
        ({"data": "2999-01-01"}, "data"),
        ({"data": "0226-12-07"}, "data"),
        ({"comune_residenza": "999999"}, "comune_residenza"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, punto, operatore, change, field):
    client.force_login(operatore)
    body = {**RECORD, "punto": punto.pk, **change}
    response = client.post("/api/v1/consultazioni/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_referral_to_another_pit_names_another_pit(punto, operatore):
    altro = make_punto(nome="Patronato")
    with pytest.raises(ValidationError) as error:
        make_consultazione(punto, operatore, esito="informazione", punto_invio=altro)
    assert "punto_invio" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_consultazione(punto, operatore, esito="invio_pit", punto_invio=punto)
    ok = make_consultazione(punto, operatore, esito="invio_pit", punto_invio=altro)
    assert ok.punto_invio == altro


def test_the_form_says_that_nothing_personal_is_recorded_and_has_no_text_box(client, operatore):
    client.force_login(operatore)
    html = client.get("/pit/consultazioni/nuova/").content.decode()
    assert "Consultazione anonima" in html
    assert "Non si registrano il nome, i contatti né note scritte" in html
    assert "<textarea" not in html
    assert 'type="text"' not in html


def test_recorded_from_the_console_in_a_few_clicks(client, punto, operatore):
    client.force_login(operatore)
    scheda = services.scheda_create(punto=punto, autore=operatore)
    form = client.get(f"/pit/consultazioni/nuova/?scheda={scheda.pk}").content.decode()
    assert f'value="{scheda.pk}"' in form
    response = client.post(
        f"/pit/consultazioni/nuova/?scheda={scheda.pk}",
        {
            "data": "2025-03-04",
            "punto": punto.pk,
            "canale": "sportello",
            "bisogni": [categoria("anziani").pk],
            "comune_residenza": "015140",
            "lavoratore_impresa_aderente": "false",
            "fascia_eta": "65-74",
            "esito": "informazione",
            "scheda": scheda.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    consultazione = Consultazione.objects.get()
    assert consultazione.scheda == scheda
    assert consultazione.comune_residenza.nome == "Melegnano"
    assert consultazione.lavoratore_impresa_aderente is False


# --------------------------------------------------------------------------- the freeze


def test_its_operator_corrects_it_within_the_window(client, punto, operatore, settings):
    settings.CONSULTAZIONE_MODIFICABILE_ORE = 48
    consultazione = age(make_consultazione(punto, operatore), hours=47)
    client.force_login(operatore)
    response = client.patch(
        f"/api/v1/consultazioni/{consultazione.pk}/",
        {"esito": "invio_servizio"},
        content_type="application/json",
    )
    assert response.status_code == 200
    consultazione.refresh_from_db()
    assert consultazione.esito == "invio_servizio"
    # The correction is in the history, newest first, with who made it.
    esiti = list(consultazione.history.values_list("esito", "history_user_id"))
    assert esiti[0] == ("invio_servizio", operatore.pk)
    assert ("informazione", operatore.pk) in esiti[1:]


def test_after_the_window_the_service_refuses_with_a_clear_error(punto, operatore, settings):
    settings.CONSULTAZIONE_MODIFICABILE_ORE = 48
    consultazione = age(make_consultazione(punto, operatore), hours=49)
    with pytest.raises(ConsultazioneCongelata) as error:
        services.consultazione_update(consultazione=consultazione, esito="invio_pit")
    assert "chiusa" in error.value.messages[0] and "48 ore" in error.value.messages[0]
    with pytest.raises(ConsultazioneCongelata):
        services.consultazione_delete(consultazione=consultazione)
    consultazione.refresh_from_db()
    assert consultazione.esito == "informazione"


def test_after_the_window_the_api_answers_409(client, punto, operatore, settings):
    settings.CONSULTAZIONE_MODIFICABILE_ORE = 2
    consultazione = age(make_consultazione(punto, operatore), hours=3)
    client.force_login(operatore)
    url = f"/api/v1/consultazioni/{consultazione.pk}/"
    response = client.patch(url, {"esito": "invio_pit"}, content_type="application/json")
    assert response.status_code == 409
    assert "chiusa" in response.json()["detail"]
    assert client.delete(url).status_code == 409
    assert client.get(url).json()["congelata"] is True
    assert Consultazione.objects.filter(pk=consultazione.pk, esito="informazione").exists()


def test_after_the_window_the_page_says_it_is_closed_and_saves_nothing(
    client, punto, operatore, settings
):
    settings.CONSULTAZIONE_MODIFICABILE_ORE = 48
    consultazione = age(make_consultazione(punto, operatore), hours=72)
    client.force_login(operatore)
    url = f"/pit/consultazioni/{consultazione.pk}/modifica/"
    page = client.get(url)
    assert page.status_code == 409
    assert "La consultazione è chiusa" in page.content.decode()
    client.post(url, {"canale": "email"})
    consultazione.refresh_from_db()
    assert consultazione.canale == "sportello"


def test_after_the_window_the_admin_is_read_only_even_for_a_superuser(
    client, punto, operatore, django_user_model, settings
):
    settings.CONSULTAZIONE_MODIFICABILE_ORE = 48
    fresca = make_consultazione(punto, operatore)
    chiusa = age(make_consultazione(punto, operatore), hours=49)
    operatore.is_staff = True
    operatore.save()
    operatore.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_consultazione", "change_consultazione", "delete_consultazione"]
        )
    )
    client.force_login(operatore)
    editable = client.get(f"/admin/punti_informazione/consultazione/{fresca.pk}/change/")
    assert 'name="canale"' in editable.content.decode()
    frozen = client.get(f"/admin/punti_informazione/consultazione/{chiusa.pk}/change/")
    assert frozen.status_code == 200 and 'name="canale"' not in frozen.content.decode()

    superuser = django_user_model.objects.create_superuser("capo", "capo@example.org", "x")
    client.force_login(superuser)
    frozen = client.get(f"/admin/punti_informazione/consultazione/{chiusa.pk}/change/")
    assert 'name="canale"' not in frozen.content.decode()
    client.post(f"/admin/punti_informazione/consultazione/{chiusa.pk}/delete/", {"post": "yes"})
    assert Consultazione.objects.filter(pk=chiusa.pk).exists()
