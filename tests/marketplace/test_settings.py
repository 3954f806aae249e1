"""Settings read from the environment refuse a value they cannot use, saying which."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import marketplace.settings.base"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("name", ["CODICE_ADESIONE_TENTATIVI", "ACCESSO_TENTATIVI"])
def test_a_limit_of_attempts_that_is_not_count_per_period_is_refused(name):
    loaded = _load_settings(**{name: "tanti"})
    assert loaded.returncode != 0
    assert f"{name} must be <count>/<period>, e.g. 10/15m (got 'tanti')" in loaded.stderr


@pytest.mark.parametrize("name", ["CODICE_ADESIONE_TENTATIVI", "ACCESSO_TENTATIVI"])
def test_a_limit_of_attempts_per_period_is_accepted(name):
    assert _load_settings(**{name: "5/h"}).returncode == 0
