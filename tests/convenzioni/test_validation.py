"""Bad input: a clear error naming the field, and nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from convenzioni.models import Convenzione
from convenzioni.services import adesione_create, convenzione_update, impresa_create
from tests.convenzioni.builders import (
    make_convenzione,
    make_impresa,
    make_rete,
    oggi,
)
from tests.servizi.builders import make_ente, make_servizio

pytestmark = pytest.mark.django_db


def _errors(callable_, **kwargs) -> dict:
    with pytest.raises(ValidationError) as error:
        callable_(**kwargs)
    return error.value.message_dict


def test_end_before_start_is_refused(rete, ente):
    errors = _errors(
        make_convenzione,
        ente=ente,
        reti=[rete],
        data_inizio=oggi(),
        data_fine=oggi() - timedelta(days=1),
    )
    assert "precede quella di inizio" in errors["data_fine"][0]
    assert not Convenzione.objects.exists()


@pytest.mark.parametrize("percentuale", [0, -5, 100.5, 150])
def test_a_percentage_outside_0_100_is_refused(rete, ente, percentuale):
    errors = _errors(make_convenzione, ente=ente, reti=[rete], percentuale=percentuale)
    assert "tra 0 e 100" in errors["percentuale"][0] or "al massimo 100" in errors["percentuale"][0]
    assert not Convenzione.objects.exists()


def test_a_percentage_discount_needs_its_percentage_and_other_needs_a_text(rete, ente):
    assert "percentuale" in _errors(make_convenzione, ente=ente, reti=[rete], percentuale=None)
    errors = _errors(make_convenzione, ente=ente, reti=[rete], tipo_beneficio="altro")
    assert "beneficio_testo" in errors
    errors = _errors(make_convenzione, ente=ente, reti=[rete], modalita_riscatto="link")
    assert "link_prenotazione" in errors


def test_a_network_the_ente_has_no_right_to_target_is_refused(rete):
    estraneo = make_ente(nome="Palestra Estranea")
    errors = _errors(make_convenzione, ente=estraneo, reti=[rete])
    assert (
        "Palestra Estranea non può rivolgere convenzioni a: Rete Sud-Est"
        in (errors["reti_beneficiarie"][0])
    )
    assert not Convenzione.objects.exists()


def test_an_ente_that_is_a_member_companys_may_target_that_network(rete):
    ente = make_ente(nome="Lavanderia Rapida", tipo="impresa")
    make_impresa(reti=(rete,), ente=ente)
    assert make_convenzione(ente=ente, reti=[rete]).pk


def test_a_member_that_left_the_network_can_no_longer_target_it(rete):
    ente = make_ente(tipo="impresa")
    impresa = make_impresa(ente=ente)
    adesione_create(
        rete=rete,
        impresa=impresa,
        data_inizio=oggi() - timedelta(days=100),
        data_fine=oggi() - timedelta(days=1),
    )
    assert "reti_beneficiarie" in _errors(make_convenzione, ente=ente, reti=[rete])


def test_a_named_company_outside_the_entes_networks_is_refused(rete, ente):
    fuori = make_impresa(nome="Officina Fuori Rete")
    errors = _errors(make_convenzione, ente=ente, imprese=[fuori])
    assert "Officina Fuori Rete" in errors["imprese_beneficiarie"][0]


def test_an_agreement_needs_some_beneficiary(ente):
    assert "reti_beneficiarie" in _errors(make_convenzione, ente=ente)


def test_services_of_another_ente_are_refused(rete, ente):
    altrui = make_servizio(titolo="Servizio altrui")
    convenzione = make_convenzione(ente=ente, reti=[rete])
    errors = _errors(convenzione_update, convenzione=convenzione, servizi=[altrui])
    assert "Servizio altrui" in errors["servizi"][0]
    assert not convenzione.servizi.exists()


def test_editing_a_published_agreement_without_review_is_refused_and_nothing_is_saved(rete, ente):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    errors = _errors(
        convenzione_update, convenzione=convenzione, titolo="Sconto raddoppiato", percentuale=20
    )
    assert set(errors) == {"titolo", "percentuale"}
    assert "rimandata in revisione" in errors["titolo"][0]
    saved = Convenzione.objects.get(pk=convenzione.pk)
    assert (saved.titolo, saved.percentuale, saved.stato) == (
        "Sconto sul doposcuola",
        10,
        "pubblicata",
    )


def test_editing_a_published_agreement_through_review_unpublishes_it_until_approved(rete, ente):
    convenzione = make_convenzione(ente=ente, reti=[rete], stato="pubblicata")
    convenzione = convenzione_update(
        convenzione=convenzione, titolo="Sconto raddoppiato", percentuale=20,
        rimetti_in_revisione=True,
    )  # fmt: skip
    saved = Convenzione.objects.get(pk=convenzione.pk)
    assert (saved.titolo, saved.stato) == ("Sconto raddoppiato", "in_revisione")
    record = Convenzione.history.filter(id=convenzione.pk).latest("history_date")
    assert record.history_change_reason == "Modificata e rimandata in revisione"


def test_an_invalid_edit_of_a_draft_saves_nothing(rete, ente):
    convenzione = make_convenzione(ente=ente, reti=[rete])
    errors = _errors(
        convenzione_update,
        convenzione=convenzione,
        titolo="Nuovo titolo",
        data_fine=convenzione.data_inizio - timedelta(days=1),
    )
    assert "data_fine" in errors
    assert Convenzione.objects.get(pk=convenzione.pk).titolo == "Sconto sul doposcuola"


def test_a_company_needs_a_valid_vat_number():
    errors = _errors(
        impresa_create,
        nome="Officina",
        slug="officina",
        partita_iva="12345678901",
        classe_dimensionale="micro",
        settore="meccanica",
        comune_id="015192",
    )
    assert "partita_iva" in errors


def test_a_membership_in_a_year_out_of_scale_is_refused(rete):
    impresa = make_impresa()
    errors = _errors(
        adesione_create, rete=rete, impresa=impresa, data_inizio=oggi().replace(year=226)
    )
    assert "Anno fuori scala (226)" in errors["data_inizio"][0]
    errors = _errors(
        adesione_create,
        rete=rete,
        impresa=impresa,
        data_inizio=oggi(),
        data_fine=oggi().replace(year=2206),
    )
    assert "fra il 2000 e il 2099" in errors["data_fine"][0]
    assert not impresa.adesioni.exists()


def test_overlapping_memberships_and_ends_before_starts_are_refused(rete):
    impresa = make_impresa(reti=(rete,))
    errors = _errors(adesione_create, rete=rete, impresa=impresa, data_inizio=oggi())
    assert "data_inizio" in errors
    altra = make_rete()
    errors = _errors(
        adesione_create,
        rete=altra,
        impresa=impresa,
        data_inizio=oggi(),
        data_fine=oggi() - timedelta(days=1),
    )
    assert "data_fine" in errors
