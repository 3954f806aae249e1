"""Fixtures shared by the agreement tests: a network, a partner Ente, the three roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.convenzioni.builders import make_fornitore, make_impresa, make_rete


@pytest.fixture
def rete():
    return make_rete(nome="Rete Sud-Est", slug="sud-est", codice_adesione="SUDEST-1")


@pytest.fixture
def ente(rete):
    return make_fornitore(rete, nome="Cooperativa Il Girasole")


@pytest.fixture
def altro_ente(rete):
    return make_fornitore(rete, nome="Lavanderia Bolla Blu")


@pytest.fixture
def referente(django_user_model, ente):
    user = django_user_model.objects.create_user("referente", password="x")
    ente.referenti.add(user)
    return user


@pytest.fixture
def altro_referente(django_user_model, altro_ente):
    user = django_user_model.objects.create_user("referente.bolla", password="x")
    altro_ente.referenti.add(user)
    return user


@pytest.fixture
def amministratore(django_user_model, rete):
    user = django_user_model.objects.create_user("admin.rete", password="x")
    rete.amministratori.add(user)
    return user


@pytest.fixture
def curatore(django_user_model):
    user = django_user_model.objects.create_user("redazione", password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="cura_catalogo"),
        *Permission.objects.filter(content_type__app_label="convenzioni"),
    )
    return user


@pytest.fixture
def membro(rete):
    return make_impresa(reti=(rete,), nome="Officine Lambro", slug="officine-lambro")


@pytest.fixture
def estranea():
    return make_impresa(nome="Impresa Fuori Rete", slug="fuori-rete")
