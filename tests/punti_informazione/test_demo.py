"""The demo PIT network, loaded with the demo catalogue by `load_demo_data`."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from geo_data.models import Ambito
from punti_informazione import permissions
from punti_informazione.demo import (
    AMMINISTRATORE_AMBITO,
    AMMINISTRATORE_RETE,
    DEMO_USERS,
    OPERATORI,
    demo_punti,
)
from punti_informazione.models import Consultazione, Scheda, TipoPunto
from punti_informazione.selectors import osservatorio, punti_in_ambito

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo_data", stdout=out)
        yield SimpleNamespace(output=out.getvalue())
        transaction.set_rollback(True)


def user(username: str):
    return get_user_model().objects.get(username=username)


def test_every_district_has_pits_with_operators(demo):
    assert "PIT dimostrativi caricati" in demo.output
    for ambito in Ambito.objects.all():
        punti = punti_in_ambito(demo_punti(), ambito)
        assert punti.count() >= 3, ambito
        for punto in punti:
            assert punto.operatori.exists(), punto
            assert punto.orario is not None and punto.temi.exists()
    kinds = set(demo_punti().values_list("tipo", flat=True))
    assert kinds == set(TipoPunto.values)


def test_a_few_months_of_anonymous_consultations(demo):
    consultazioni = Consultazione.objects.filter(punto__in=demo_punti())
    assert consultazioni.count() > 600
    months = {(d.year, d.month) for d in consultazioni.values_list("data", flat=True)}
    assert len(months) == 6
    assert not consultazioni.filter(bisogni__isnull=True).exists()
    assert consultazioni.filter(data__gt=timezone.localdate()).count() == 0
    assert Scheda.objects.filter(punto__in=demo_punti(), voci__isnull=False).exists()


def test_the_demo_logins_and_what_they_see(demo):
    for demo_user in DEMO_USERS:
        assert user(demo_user.username).check_password(demo_user.password)
    operatore = user(OPERATORI["rozzano"].username)
    assert not operatore.is_staff  # the console is theirs, not the admin
    visibili = permissions.punti_visibili(operatore)
    rozzano = Ambito.objects.get(slug="rozzano")
    assert set(visibili) == set(punti_in_ambito(demo_punti(), rozzano))

    ambito = user(AMMINISTRATORE_AMBITO.username)
    assert ambito.is_staff
    assert list(permissions.ambiti_amministrati(ambito).values_list("slug", flat=True)) == [
        "san-donato-milanese"
    ]
    rete = user(AMMINISTRATORE_RETE.username)
    assert permissions.is_network_admin(rete)
    assert permissions.punti_visibili(rete).count() == demo_punti().count()


def test_the_observatory_has_something_to_say(demo):
    today = timezone.localdate()
    result = osservatorio(
        Consultazione.objects.all(),
        dal=today.replace(day=1, month=1, year=today.year - 1),
        al=today,
    )
    assert result.totale > 600
    assert 0.2 < result.quota_inviati < 0.7
    assert len(result.per_categoria) > 10


def test_a_second_run_does_nothing_and_a_reset_reloads_the_same(demo):
    before = sorted(demo_punti().values_list("nome", "sede__comune__nome"))
    consultazioni = Consultazione.objects.count()
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert "PIT dimostrativi già presenti" in out.getvalue()
    call_command("load_demo_data", reset=True, stdout=StringIO())
    assert sorted(demo_punti().values_list("nome", "sede__comune__nome")) == before
    assert Consultazione.objects.count() == consultazioni
