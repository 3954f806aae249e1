"""Configuration comes from the environment; production mode is deploy-clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PRODUCTION": "true",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-for-the-test-only-" + "y" * 20,
    "ALLOWED_HOSTS": "welfare.example.org",
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
}


def _environment(**overrides: str) -> dict[str, str]:
    """This process's environment, less what only tests may set, plus `overrides`."""
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**inherited, **overrides}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_in_production_mode():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "PRODUCTION=true needs SECRET_KEY" in result.stderr


def test_database_url_selects_the_projects_postgis_engine_whatever_the_scheme():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=_environment(
            DJANGO_SETTINGS_MODULE="marketplace.settings.base",
            DATABASE_URL="postgresql://welfare:pw@db.example.org:5433/welfare",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "marketplace.database",  # GeoDjango's PostGIS backend, see marketplace/database
        "welfare",
        "db.example.org",
        "5433",
    ], result.stderr


@pytest.mark.parametrize("name", ["CODICE_ADESIONE_TENTATIVI", "ACCESSO_TENTATIVI"])
@pytest.mark.parametrize("value", ["tanti", "10/0m", "0/15m"])
def test_a_limit_of_attempts_that_is_not_count_per_period_is_refused(name, value):
    result = _manage("check", env={name: value})
    assert result.returncode != 0
    assert f"{name} must be <count>/<period>, e.g. 10/15m (got '{value}')" in result.stderr


@pytest.mark.parametrize("name", ["CODICE_ADESIONE_TENTATIVI", "ACCESSO_TENTATIVI"])
def test_a_limit_of_attempts_per_period_is_accepted(name):
    result = _manage("check", env={name: "5/h"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["0", "-5"])
def test_words_with_map_cells_need_at_least_one_row(value):
    env = {"DJANGO_SETTINGS_MODULE": "marketplace.settings.base"}
    result = _manage("check", env={**env, "SEARCH_MAP_WORD_CELLS_MIN_ROWS": value})
    assert result.returncode != 0
    assert "SEARCH_MAP_WORD_CELLS_MIN_ROWS must be at least 1" in result.stderr


def test_a_web_worker_keeps_what_it_loads_at_start_out_of_the_cycle_collector():
    # What gunicorn imports in each worker: the URLconf is loaded, and the objects that
    # live as long as the worker are frozen, so that a full collection does not visit
    # them while a request waits.
    probe = (
        "import gc, sys; import marketplace.wsgi; "
        "print(gc.get_freeze_count(), 'marketplace.urls' in sys.modules, "
        "'marketplace.search.api' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=_environment(DJANGO_SETTINGS_MODULE="marketplace.settings.base"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    frozen, urls_loaded, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000
    assert urls_loaded == views_loaded == "True"
