"""Loading the official boundaries: real data, idempotent, all or nothing."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from geo_data import boundaries
from geo_data.models import Ambito, Comune
from geo_data.selectors import PointOutsideTerritory, comune_containing_point
from tests.conftest import COLOSSEO, DUOMO_MILANO, MUNICIPIO_SAN_DONATO

pytestmark = pytest.mark.django_db


def test_lombardy_is_loaded_with_all_its_comuni_and_their_data():
    assert Comune.objects.filter(regione="Lombardia").count() == 1503
    san_donato = Comune.objects.get(pk="015192")
    assert san_donato.nome == "San Donato Milanese"
    assert (san_donato.provincia, san_donato.sigla_provincia) == ("Milano", "MI")
    assert 30_000 < san_donato.popolazione < 35_000
    assert san_donato.geometria.geom_type == "MultiPolygon"
    assert san_donato.geometria.srid == 4326


def test_the_town_hall_of_san_donato_falls_in_san_donato():
    assert comune_containing_point(MUNICIPIO_SAN_DONATO).nome == "San Donato Milanese"
    assert comune_containing_point(DUOMO_MILANO).nome == "Milano"


def test_a_point_outside_every_loaded_comune_is_refused_with_a_clear_message():
    with pytest.raises(PointOutsideTerritory) as error:
        comune_containing_point(COLOSSEO)
    assert "non cade in nessun Comune" in error.value.messages[0]
    assert "41.89020" in error.value.messages[0]


def test_reloading_updates_and_never_duplicates():
    Comune.objects.filter(pk="015192").update(nome="Nome sbagliato", popolazione=1)
    call_command("load_comuni", regione="Lombardia", no_progress=True, verbosity=0)
    assert Comune.objects.count() == 1503
    san_donato = Comune.objects.get(pk="015192")
    assert san_donato.nome == "San Donato Milanese"
    assert san_donato.popolazione > 30_000


def test_region_names_are_matched_without_case_or_accents():
    assert boundaries.resolve_region("lombardia") == "Lombardia"
    assert boundaries.resolve_region("VALLEE D'AOSTE") == "Valle d'Aosta/Vallée d'Aoste"
    assert boundaries.resolve_region("trentino-alto adige") == "Trentino-Alto Adige/Südtirol"
    assert boundaries.resolve_region("Italia") is None


def test_another_region_is_added_beside_lombardy(capsys):
    call_command("load_comuni", regione="Valle d'Aosta", no_progress=True)
    assert Comune.objects.filter(regione__startswith="Valle d'Aosta").count() == 74
    assert Comune.objects.filter(regione="Lombardia").count() == 1503
    assert "74 Comuni nuovi" in capsys.readouterr().out


def test_an_unknown_region_is_a_clear_error_and_changes_nothing():
    with pytest.raises(CommandError) as error:
        call_command("load_comuni", regione="Padania", no_progress=True)
    message = str(error.value)
    assert "Regione sconosciuta: 'Padania'" in message
    assert "Lombardia" in message  # the error lists the regions one can ask for
    assert Comune.objects.count() == 1503


def test_a_broken_boundary_rolls_back_the_whole_file():
    Comune.objects.filter(pk="015192").update(nome="Prima del caricamento")
    records = boundaries.read_comuni("Lombardia")
    broken = [*records[:-1], boundaries.ComuneRecord(**{**records[-1].__dict__, "wkb": b"rotto"})]
    with (
        mock.patch.object(boundaries, "read_comuni", return_value=broken),
        pytest.raises(CommandError) as error,
    ):
        call_command("load_comuni", regione="Lombardia", no_progress=True)
    assert "confine non valido" in str(error.value)
    assert Comune.objects.get(pk="015192").nome == "Prima del caricamento"


def test_district_boundaries_follow_a_reload_of_their_comuni():
    ambito = Ambito.objects.get(slug="paullese")
    ambito.geometria = None
    ambito.save()
    call_command("load_comuni", regione="Lombardia", no_progress=True, verbosity=0)
    ambito.refresh_from_db()
    assert ambito.geometria is not None


def test_all_of_italy_is_loaded_on_request():
    call_command("load_comuni", regione="Italia", no_progress=True, verbosity=0)
    assert Comune.objects.count() == 7899
    assert comune_containing_point(COLOSSEO).nome == "Roma"
