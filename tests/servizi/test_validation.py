"""What the catalogue refuses, and how it says so."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from servizi.models import Categoria, Servizio
from servizi.orari import Eccezione
from servizi.services import servizio_update
from tests.conftest import COLOSSEO, MARE_ADRIATICO, MUNICIPIO_SAN_DONATO
from tests.servizi.builders import make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "codice",
    [
        "01114601006",  # 11 digits: a body (this one is a real public VAT number)
        "RSSMRA85T10A562S",  # 16 characters: a person, e.g. a sole trader
        "rssmra85t10a562s",  # lower case is normalised
        " 0111 4601006 ",  # spaces are dropped
    ],
)
def test_valid_fiscal_codes_are_accepted_and_normalised(codice):
    ente = make_ente(codice_fiscale=codice)
    assert ente.codice_fiscale == "".join(codice.split()).upper()


@pytest.mark.parametrize(
    ("codice", "reason"),
    [
        ("01114601007", "controllo non corrisponde"),  # wrong check digit
        ("RSSMRA85T10A562X", "controllo non corrisponde"),
        ("12345", "16 caratteri (persona) o 11 cifre"),
        ("ABCDEFGHIJK", "16 caratteri (persona) o 11 cifre"),
    ],
)
def test_a_fiscal_code_with_a_wrong_check_digit_or_shape_is_refused(codice, reason):
    with pytest.raises(ValidationError) as error:
        make_ente(codice_fiscale=codice)
    assert reason in " ".join(error.value.message_dict["codice_fiscale"])


def test_a_vat_number_is_checked_too():
    with pytest.raises(ValidationError) as error:
        make_ente(partita_iva="01114601007")
    assert "cifra di controllo" in error.value.message_dict["partita_iva"][0]


def test_the_same_fiscal_code_cannot_be_registered_twice():
    make_ente(codice_fiscale="01114601006")
    with pytest.raises(ValidationError) as error:
        make_ente(codice_fiscale="01114601006")
    assert "codice_fiscale" in error.value.message_dict


def test_a_place_gets_its_comune_from_its_point():
    sede = make_sede(punto=MUNICIPIO_SAN_DONATO)
    assert sede.comune.nome == "San Donato Milanese"


@pytest.mark.parametrize("punto", [COLOSSEO, MARE_ADRIATICO])
def test_a_place_outside_the_loaded_territory_is_refused_with_a_clear_message(punto):
    with pytest.raises(ValidationError) as error:
        make_sede(punto=punto)
    assert "non cade in nessun Comune" in error.value.message_dict["punto"][0]


def test_a_postal_code_has_five_digits():
    with pytest.raises(ValidationError) as error:
        make_sede(cap="2009")
    assert "5 cifre" in error.value.message_dict["cap"][0]


def test_an_inverted_age_range_is_refused():
    with pytest.raises(ValidationError) as error:
        make_servizio(eta_min=10, eta_max=3)
    assert "minore di quella minima" in error.value.message_dict["eta_max"][0]


def test_a_schedule_that_overlaps_itself_is_refused():
    with pytest.raises(ValidationError) as error:
        make_servizio(orario="lun-ven 09:00-13:00; mer 12:00-15:00")
    assert "«mer 09:00-13:00» e «mer 12:00-15:00» si sovrappongono" in error.value.messages[0]


def test_a_night_slot_overlapping_the_next_morning_is_refused():
    with pytest.raises(ValidationError) as error:
        make_servizio(orario="ven 22:00-02:00; sab 01:00-05:00")
    assert "si sovrappongono" in error.value.messages[0]


@pytest.mark.parametrize("year", [226, 1999, 2206])
def test_a_closure_or_a_check_in_a_year_out_of_scale_is_refused(year):
    """A slip of the keys: a closure never met, a service never due for a new check."""
    day = date(year, 12, 25)
    with pytest.raises(ValidationError) as error:
        make_servizio(orario="lun-ven 09:00-13:00", eccezioni=[Eccezione(day, day)])
    assert f"Anno fuori scala ({year})" in error.value.message_dict["data_inizio"][0]
    with pytest.raises(ValidationError) as error:
        make_servizio(verificato_il=day)
    assert "fra il 2000 e il 2099" in error.value.message_dict["verificato_il"][0]
    assert not Servizio.objects.exists()


def test_a_service_needs_a_category():
    with pytest.raises(ValidationError) as error:
        make_servizio(categorie=[])
    assert "almeno una categoria" in error.value.message_dict["categorie"][0]


def test_a_service_cannot_be_delivered_at_another_entes_place():
    other_place = make_sede()
    with pytest.raises(ValidationError) as error:
        make_servizio(sedi=[other_place])
    assert "non sono dell'ente" in error.value.message_dict["sedi"][0]


def test_an_unknown_target_group_or_language_is_refused():
    servizio = make_servizio()
    with pytest.raises(ValidationError) as error:
        servizio_update(servizio=servizio, destinatari=["marziani"], lingue=["klingon"])
    assert set(error.value.message_dict) >= {"destinatari", "lingue"}


def test_searching_a_category_includes_its_descendants():
    from servizi.selectors import filter_servizi_in_categorie, servizio_list

    nido = make_servizio(categorie=[Categoria.objects.get(codice="infanzia.nido")])
    make_servizio()  # elder care
    found = filter_servizi_in_categorie(servizio_list(), ["infanzia"])
    assert list(found) == [nido]
