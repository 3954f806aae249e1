"""The synthetic catalogue for benchmarks: shape, geography, codes, schedules and reset."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from stdnum.it import iva

from servizi.generator import PREFIX, generated_enti
from servizi.models import Categoria, Ente, Orario, Sede, Servizio
from servizi.services import ente_create

pytestmark = pytest.mark.django_db


def generate(services: int = 500, **options) -> str:
    out = StringIO()
    call_command("generate_catalogue", services=services, no_progress=True, stdout=out, **options)
    return out.getvalue()


def generated_servizi():
    return Servizio.objects.filter(ente__in=generated_enti())


def test_shape_of_the_catalogue():
    output = generate(500)

    assert "500 servizi" in output
    enti = generated_enti()
    assert enti.count() == 50
    assert set(enti.values_list("tipo", flat=True)) <= {"pubblico", "terzo_settore", "impresa"}
    assert not enti.filter(demo=False).exists()
    assert Sede.objects.filter(ente__in=enti, demo=True).count() == 50
    assert not enti.annotate(n=Count("sedi")).exclude(n=1).exists()
    servizi = generated_servizi()
    assert servizi.count() == 500
    assert not servizi.filter(demo=False).exists()
    # Every Ente has at least one service.
    assert not enti.annotate(n=Count("servizi")).filter(n=0).exists()
    assert servizi.filter(stato="pubblicato").count() > 400
    # Nothing in the edit history: the generator bypasses the ORM on purpose.
    assert Ente.history.count() == 0
    assert Servizio.history.count() == 0


def test_every_sede_lies_in_its_recorded_comune_of_the_region():
    generate(500)

    sedi = Sede.objects.filter(ente__in=generated_enti())
    assert sedi.count() == 50
    assert sedi.filter(punto__coveredby=F("comune__geometria")).count() == 50
    assert set(sedi.values_list("comune__regione", flat=True)) == {"Lombardia"}
    assert all(len(cap) == 5 and cap.isdigit() for cap in sedi.values_list("cap", flat=True))


def test_every_service_has_categories_its_sede_and_a_schedule():
    generate(500)

    servizi = generated_servizi().annotate(
        n_categorie=Count("categorie", distinct=True), n_sedi=Count("sedi", distinct=True)
    )
    assert not servizi.exclude(n_categorie__in=[1, 2]).exists()
    assert not servizi.exclude(n_sedi=1).exists()
    assert not servizi.exclude(sedi__ente=F("ente")).exists()
    leaves = Categoria.objects.filter(figlie__isnull=True)
    assert (
        not Categoria.objects.filter(servizi__in=generated_servizi())
        .exclude(pk__in=leaves)
        .exists()
    )
    assert not generated_servizi().filter(orario__isnull=True).exists()
    orari = Orario.objects.filter(servizio__in=generated_servizi()).annotate(n=Count("fasce"))
    assert orari.count() == 500
    assert not orari.filter(n=0).exists()
    # Well-formed content.
    for servizio in generated_servizi().prefetch_related("orario__fasce"):
        assert servizio.titolo and servizio.descrizione
        assert servizio.destinatari
        assert servizio.lingue[0] == "it"
        assert len(set(servizio.lingue)) == len(servizio.lingue)
        if servizio.eta_min is not None and servizio.eta_max is not None:
            assert servizio.eta_min <= servizio.eta_max
        assert servizio.creato_il <= servizio.aggiornato_il
        for fascia in servizio.orario.fasce.all():
            assert 0 <= fascia.giorno <= 6
            assert fascia.apertura < fascia.chiusura


def test_fiscal_codes_are_valid_and_unique():
    generate(500)

    codes = list(generated_enti().values_list("codice_fiscale", "partita_iva", "tipo"))
    assert len({code for code, _, _ in codes}) == 50
    for code, partita_iva, tipo in codes:
        assert iva.is_valid(code), code
        assert partita_iva == ("" if tipo == "pubblico" else code)


def test_the_same_seed_gives_the_same_catalogue_and_codes_never_collide():
    generate(200, seed=7)
    first = sorted(generated_servizi().values_list("titolo", "descrizione"))
    codes = sorted(generated_enti().values_list("codice_fiscale", flat=True))

    call_command("generate_catalogue", only_reset=True, stdout=StringIO())
    # A hand-made Ente takes the first code the generator would use.
    ente_create(nome="Ente vero", tipo="impresa", codice_fiscale=codes[0])
    generate(200, seed=7)

    assert sorted(generated_servizi().values_list("titolo", "descrizione")) == first
    new_codes = set(generated_enti().values_list("codice_fiscale", flat=True))
    assert codes[0] not in new_codes
    assert len(new_codes) == 20
    assert Ente.objects.filter(codice_fiscale=codes[0]).count() == 1


def test_reset_removes_only_generated_rows():
    vero = ente_create(nome="Cooperativa vera", tipo="impresa", codice_fiscale="01114601006")
    # Hand-made demo data: demo=True but no prefix.
    demo = Ente.objects.create(
        nome="Nido dimostrativo", tipo="terzo_settore", codice_fiscale="00743110157", demo=True
    )
    generate(500)
    generate(300, reset=True)

    assert generated_servizi().count() == 300
    assert generated_enti().count() == 30

    out = StringIO()
    call_command("generate_catalogue", only_reset=True, stdout=out)

    assert "30 enti" in out.getvalue()
    assert not generated_enti().exists()
    assert not Ente.objects.filter(nome__startswith=PREFIX).exists()
    assert not Servizio.objects.exists()
    assert not Sede.objects.exists()
    assert not Orario.objects.exists()
    assert set(Ente.objects.values_list("pk", flat=True)) == {vero.pk, demo.pk}


@pytest.mark.parametrize(
    "options, message",
    [
        ({"services": 0}, "tra 1 e 5.000.000"),
        ({"services": 5_000_001}, "tra 1 e 5.000.000"),
        ({"services": 10, "regione": "Narnia"}, "Regione sconosciuta"),
        ({"services": 10, "regione": "Molise"}, "load_comuni"),
        ({}, "--services"),
        ({"services": 10, "only_reset": True}, "--only-reset"),
    ],
)
def test_bad_requests_are_refused(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_catalogue", no_progress=True, stdout=StringIO(), **options)
    assert not Ente.objects.exists()
