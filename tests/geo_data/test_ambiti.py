"""The four social districts of the original alliance, and the helpers on them."""

from __future__ import annotations

import json

import pytest
from django.contrib.gis.db.models.functions import PointOnSurface
from django.core.management import CommandError, call_command

from geo_data.models import Ambito, Comune
from geo_data.selectors import filter_within_ambito, filter_within_comune
from geo_data.services import ambito_refresh_geometria
from tests.conftest import DUOMO_MILANO, MUNICIPIO_SAN_DONATO

pytestmark = pytest.mark.django_db

MEMBERS = {
    "san-donato-milanese": 9,
    "paullese": 6,
    "pieve-emanuele": 7,
    "rozzano": 4,
}


def test_the_four_districts_exist_with_their_members():
    counts = {a.slug: a.comuni.count() for a in Ambito.objects.all()}
    assert counts == MEMBERS
    assert set(
        Ambito.objects.get(slug="san-donato-milanese").comuni.values_list("nome", flat=True)
    ) == {
        "San Donato Milanese",
        "San Giuliano Milanese",
        "Melegnano",
        "Carpiano",
        "Cerro al Lambro",
        "Colturano",
        "Dresano",
        "San Zenone al Lambro",
        "Vizzolo Predabissi",
    }
    assert set(Ambito.objects.get(slug="paullese").comuni.values_list("nome", flat=True)) == {
        "Paullo",
        "Mediglia",
        "Pantigliate",
        "Peschiera Borromeo",
        "Settala",
        "Tribiano",
    }


def test_every_district_says_where_its_composition_comes_from():
    for ambito in Ambito.objects.all():
        assert ambito.fonti, ambito.nome
    assert "INCERTA" in Ambito.objects.get(slug="rozzano").fonti


def test_a_district_boundary_is_the_union_of_its_comuni():
    ambito = Ambito.objects.get(slug="san-donato-milanese")
    assert ambito.geometria.covers(MUNICIPIO_SAN_DONATO)
    assert not ambito.geometria.covers(DUOMO_MILANO)
    members_area = sum(c.geometria.area for c in ambito.comuni.all())
    assert ambito.geometria.area == pytest.approx(members_area, rel=1e-3)


def test_changing_members_and_refreshing_moves_the_boundary():
    ambito = Ambito.objects.get(slug="paullese")
    ambito.comuni.add(Comune.objects.get(nome="Milano"))
    ambito_refresh_geometria(ambito=ambito)
    assert Ambito.objects.get(pk=ambito.pk).geometria.covers(DUOMO_MILANO)


def test_loading_again_keeps_what_was_edited_in_the_admin():
    ambito = Ambito.objects.get(slug="rozzano")
    ambito.comuni.remove(Comune.objects.get(nome="Opera"))
    call_command("load_ambiti", verbosity=0)
    assert ambito.comuni.count() == 3
    call_command("load_ambiti", update=True, verbosity=0)
    assert ambito.comuni.count() == 4


def test_a_file_naming_a_comune_not_loaded_is_refused_and_saves_nothing(tmp_path):
    Ambito.objects.all().delete()
    bad = tmp_path / "ambiti.json"
    bad.write_text(
        json.dumps(
            {
                "ambiti": [
                    {
                        "nome": "Buono",
                        "comuni": [{"codice_istat": "015192", "nome": "San Donato Milanese"}],
                    },
                    {"nome": "Cattivo", "comuni": [{"codice_istat": "001272", "nome": "Torino"}]},
                ]
            }
        )
    )
    with pytest.raises(CommandError) as error:
        call_command("load_ambiti", file=bad)
    assert "Comuni non caricati: Torino (001272)" in str(error.value)
    assert not Ambito.objects.exists()


def test_a_code_that_does_not_match_its_name_is_refused(tmp_path):
    bad = tmp_path / "ambiti.json"
    bad.write_text(
        json.dumps(
            {
                "ambiti": [
                    {"nome": "Nuovo", "comuni": [{"codice_istat": "015192", "nome": "Melegnano"}]},
                ]
            }
        )
    )
    with pytest.raises(CommandError) as error:
        call_command("load_ambiti", file=bad)
    assert "015192 è San Donato Milanese, non Melegnano" in str(error.value)


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "ambiti.json"
    bad.write_text("{non è json")
    with pytest.raises(CommandError, match="file non leggibile"):
        call_command("load_ambiti", file=bad)


def test_points_within_a_comune_or_a_district():
    # Each Comune's point on surface stands in for the points the other apps store.
    centri = Comune.objects.annotate(centro=PointOnSurface("geometria"))
    melegnano = Comune.objects.get(nome="Melegnano")
    assert list(
        filter_within_comune(centri, field="centro", comune=melegnano).values_list(
            "nome", flat=True
        )
    ) == ["Melegnano"]
    paullese = Ambito.objects.get(slug="paullese")
    inside = filter_within_ambito(centri, field="centro", ambito=paullese)
    assert set(inside.values_list("nome", flat=True)) == set(
        paullese.comuni.values_list("nome", flat=True)
    )
