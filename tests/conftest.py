"""Shared fixtures: the real territory (Lombardy's boundaries and the four districts).

It is loaded once per test session, from the same data and commands `make run`
uses, into the test database that pytest-django creates on the PostGIS of the run.
"""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_initial_data", senza_demo=True, verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: nothing counted or stored by another test
    (the wrong join codes of the test client's address, say)."""
    yield
    cache.clear()


# Real places, WGS 84 (longitude, latitude).
MUNICIPIO_SAN_DONATO = Point(9.2686, 45.4103, srid=4326)  # Via Battisti 2, San Donato Milanese
DUOMO_MILANO = Point(9.1916, 45.4641, srid=4326)
COLOSSEO = Point(12.4924, 41.8902, srid=4326)  # Rome: outside Lombardy
MARE_ADRIATICO = Point(13.5, 43.9, srid=4326)  # open sea, outside every Comune
