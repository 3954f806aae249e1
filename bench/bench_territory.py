"""Benchmark of the territory layer: boundary loading and the map's API calls.

Run with the project's database (the private cluster of `make run` by default):

    DATABASE_URL=$(scripts/database.sh url) .venv/bin/python bench/bench_territory.py [--italia]

It writes its figures to bench/results/territory.json. It loads boundaries into
the database it is pointed at (idempotently: the same data `make run` loads), so
run it on a development database, not in production.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from geo_data.models import Comune  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "territory.json"
MAP_CALLS = {
    "ambiti (tolleranza 50 m)": "/api/v1/ambiti/",
    "comuni in an ambito (page of 500)": "/api/v1/comuni/?in_ambito=true&page_size=500",
    "comuni of the Milano province (page of 500)": "/api/v1/comuni/?provincia=MI&page_size=500",
    "comuni of the Milano province, full boundary": (
        "/api/v1/comuni/?provincia=MI&page_size=500&tolleranza=0"
    ),
    "home page": "/",
}


def timed(function, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--italia", action="store_true", help="also load all of Italy (7,899)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    figures: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    load = lambda regione: call_command("load_comuni", regione=regione, no_progress=True)  # noqa: E731
    figures["load_comuni Lombardia (1,503), seconds"] = round(
        timed(lambda: load("Lombardia"))[0], 2
    )
    if args.italia:
        figures["load_comuni Italia (7,899), seconds"] = round(timed(lambda: load("Italia"))[0], 2)
    call_command("load_initial_data", verbosity=0)
    figures["comuni in the database"] = Comune.objects.count()

    client = Client(HTTP_HOST="127.0.0.1")
    api: dict[str, dict[str, float]] = {}
    for name, url in MAP_CALLS.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = timed(lambda url=url: client.get(url), repeat=args.repeat)
        api[name] = {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
            "bytes": len(response.content),
        }
    figures["requests (in-process, no network)"] = api

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
