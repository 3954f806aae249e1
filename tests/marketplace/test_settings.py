"""Settings read from the environment refuse a value they cannot use, saying which."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import marketplace.settings.base"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


def test_a_join_code_limit_that_is_not_count_per_period_is_refused():
    loaded = _load_settings(CODICE_ADESIONE_TENTATIVI="tanti")
    assert loaded.returncode != 0
    assert "CODICE_ADESIONE_TENTATIVI must be <count>/<period>, e.g. 10/15m" in loaded.stderr
    assert "'tanti'" in loaded.stderr


def test_a_join_code_limit_per_period_is_accepted():
    assert _load_settings(CODICE_ADESIONE_TENTATIVI="5/h").returncode == 0
