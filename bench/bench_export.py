"""Benchmark of the public exports of the catalogue: the published services as CSV and as
GeoJSON, the files anybody may download (/api/v1/servizi/export.csv and .geojson).

Run it on a development database that holds a catalogue (the one bench_search.py or
bench_catalogue.py leaves with `--keep`, say):

    DATABASE_URL=$(scripts/database.sh url) .venv/bin/python bench/bench_export.py \
        [--code DIR --label NAME] [--limit SERVICES]

Each file is asked once in-process through Django's test client (the whole request,
the view and its streamed body, without gunicorn and HTTP) and read to its end, or to
`--limit` services: the time to the first service (the services' order is a sort of
the whole catalogue before any row comes), the time to the end, the services a second, the
bytes, and the process's peak memory (a file held whole in memory once took more than
20 GB).

`--code DIR` loads the application from another checkout (a `git worktree` of an older
commit), on the same database: the figures go under `--label` in
bench/results/export.json, next to the current code's.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_request_cost import load_checkout, save_figures  # noqa: E402

RESULTS_JSON = HERE / "results" / "export.json"
FILES = {"csv": "/api/v1/servizi/export.csv", "geojson": "/api/v1/servizi/export.geojson"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=HERE.parent, help="checkout to load")
    parser.add_argument("--label", default="current", help="name of these figures")
    parser.add_argument(
        "--limit", type=int, default=None, help="stop after this many services (default: all)"
    )
    args = parser.parse_args()
    if not (args.code / "manage.py").is_file():
        parser.error(f"--code: {args.code} is not a checkout of the project (no manage.py)")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit: at least 1")
    args.rounds = args.requests = 1  # one download of each file (save_figures records them)
    return args


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(args: argparse.Namespace) -> tuple[dict[str, dict], int]:
    load_checkout(args.code)
    from django.test import Client

    from servizi.models import Servizio, StatoServizio

    published = Servizio.objects.filter(stato=StatoServizio.PUBBLICATO).count()
    wanted = published if args.limit is None else min(args.limit, published)
    client = Client()
    figures = {}
    for name, path in FILES.items():
        start = time.perf_counter()
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{name}: {path} answered {response.status_code}")
        first_service = None
        size = done = 0
        last_id = None
        # The views write a service a chunk (CSV: after the BOM and the header) or a
        # place of a service a chunk (GeoJSON: a service's places come together).
        for chunk in response.streaming_content:
            size += len(chunk)
            if name == "csv":
                done += chunk.endswith(b"\r\n") and not chunk.startswith(b"ente_codice_fiscale,")
            elif b'"id": ' in chunk:
                service_id = chunk.split(b'"id": ', 1)[1].split(b",", 1)[0]
                done += service_id != last_id
                last_id = service_id
            if first_service is None and done:
                first_service = time.perf_counter() - start
            if done >= wanted:
                break
        response.close()
        seconds = time.perf_counter() - start
        figures[name] = {
            "services": done,
            "first service s": round(first_service or 0.0, 2),
            "seconds": round(seconds, 1),
            "services per s": round(done / seconds),
            "MB": round(size / 1e6, 1),
            "peak RSS MB": peak_rss_mb(),
        }
        print(f"  {name}: {figures[name]}", flush=True)
    return figures, published


def main() -> None:
    args = parse_args()
    figures, published = measure(args)
    entry = save_figures(RESULTS_JSON, args, published=published, limit=args.limit, files=figures)
    print(f"{args.label} ({entry['commit']}), {published:,} published services:")
    print(f"{'file':8} {'services':>9} {'first service s':>15} {'s':>7} {'per s':>7} {'MB':>7}")
    for name, row in figures.items():
        print(
            f"{name:8} {row['services']:9,} {row['first service s']:15.2f} {row['seconds']:7.1f}"
            f" {row['services per s']:7,} {row['MB']:7.1f}"
        )
    print(f"-> {RESULTS_JSON.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
