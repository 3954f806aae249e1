"""Benchmark of a search request's fixed cost: the time a request spends outside SQL.

Run it on a development database that holds a catalogue and its index (the one
bench_search.py leaves with `--keep`, say):

    DATABASE_URL=$(scripts/database.sh url) .venv/bin/python bench/bench_request_cost.py \
        [--code DIR --label NAME] [--rounds 3] [--requests 300]

Each query of bench/queries.py is asked in-process through Django's test client (the
whole request cycle, middleware, DRF, the view, the JSON, without gunicorn and HTTP),
with the response cache off and the memo as configured; every statement is timed
through a database execute wrapper (driver and server). One sample is the mean of
`--requests` requests after 30 of warm-up; `--rounds` samples per query, the queries
interleaved, the median kept: on a shared machine the spread between runs is larger
than the differences looked for.

The application is loaded as a gunicorn worker loads it (`marketplace.wsgi`). After the
queries, a full collection of the cycle collector is timed: the pause of the request
during which a worker makes one. The test client adds a few objects of its own per
request (finalizers of its signal receivers, a bounded cache of their signatures), so
the figure is somewhat above a gunicorn worker's.

`--code DIR` loads the application from another checkout (a `git worktree` of an
older commit): the figures are then written under `--label`, next to the current
code's, in bench/results/request_cost.json, so one file compares both measured on the
same data and machine at the same time. The API / raw-SQL target of the search issue
is measured over HTTP by bench_search.py; this benchmark says where the rest goes.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from queries import QUERIES  # noqa: E402  (no Django: the code to load is chosen below)

RESULTS_JSON = HERE / "results" / "request_cost.json"
WARMUP = 30


def parse_args(description: str = __doc__, requests: int = 300) -> argparse.Namespace:
    """The options of an in-process benchmark of a checkout (this one, bench_admin.py)."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=HERE.parent, help="checkout to load")
    parser.add_argument("--label", default="current", help="name of these figures")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=requests)
    args = parser.parse_args()
    if not (args.code / "manage.py").is_file():
        parser.error(f"--code: {args.code} is not a checkout of the project (no manage.py)")
    if args.rounds < 1 or args.requests < 1:
        parser.error("--rounds and --requests: at least 1")
    return args


def load_checkout(code: Path) -> None:
    """Load the application of the checkout `code` as a gunicorn worker loads it (what
    it does at start included), to be asked through Django's test client."""
    sys.path.insert(0, str(code.resolve()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")
    os.environ.setdefault("DEBUG", "false")
    importlib.import_module("marketplace.wsgi")
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]


def measure(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    load_checkout(args.code)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.SEARCH_CACHE_SECONDS = 0
    client = Client()
    sql = {"seconds": 0.0, "statements": 0}

    def timed(execute, statement, params, many, context):
        start = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql["seconds"] += time.perf_counter() - start
            sql["statements"] += 1

    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in QUERIES}
    for name, path in QUERIES.items():
        for _ in range(WARMUP):
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{name}: {path} answered {response.status_code}: {response.content}")
    for _round in range(args.rounds):
        for name, path in QUERIES.items():
            sql["seconds"], sql["statements"] = 0.0, 0
            with connection.execute_wrapper(timed):
                start = time.perf_counter()
                for _ in range(args.requests):
                    client.get(path)
                total = time.perf_counter() - start
            n = args.requests
            samples[name].append(
                (total / n * 1000, sql["seconds"] / n * 1000, sql["statements"] / n)
            )
    figures = {}
    for name, values in samples.items():
        total = statistics.median(v[0] for v in values)
        in_sql = statistics.median(v[1] for v in values)
        figures[name] = {
            "request ms": round(total, 3),
            "SQL ms": round(in_sql, 3),
            "outside SQL ms": round(total - in_sql, 3),
            "statements": round(statistics.median(v[2] for v in values), 1),
            "samples request ms": [round(v[0], 3) for v in values],
        }
    return figures


def sampled(client, asked: dict[str, str], args: argparse.Namespace, warmup: int = 1) -> dict:
    """Each path of `asked` (name -> path) asked `warmup` times, then `args.rounds`
    samples of `args.requests` requests, the paths interleaved: per name, the mean ms of
    a request in each sample and the statements a request ran (`ms`, `statements`).
    A path that does not answer 200 stops the benchmark, naming it."""
    from django.db import connection

    statements = {"n": 0}

    def counted(execute, statement, params, many, context):
        statements["n"] += 1
        return execute(statement, params, many, context)

    for name, path in asked.items():
        for _ in range(warmup):
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{name}: {path} answered {response.status_code}")
    samples = {name: {"ms": [], "statements": []} for name in asked}
    for _round in range(args.rounds):
        for name, path in asked.items():
            statements["n"] = 0
            with connection.execute_wrapper(counted):
                start = time.perf_counter()
                for _ in range(args.requests):
                    client.get(path)
                seconds = time.perf_counter() - start
            samples[name]["ms"].append(seconds / args.requests * 1000)
            samples[name]["statements"].append(statements["n"] / args.requests)
    return samples


def full_collection() -> dict[str, float]:
    """What a full collection of the cycle collector costs in this process, which has
    answered every query: the pause of the request during which a worker makes one
    (they come every few hundred requests); the median of five."""
    pauses = []
    for _ in range(5):
        start = time.perf_counter()
        gc.collect()
        pauses.append((time.perf_counter() - start) * 1000)
    return {
        "pause ms": round(statistics.median(pauses), 2),
        "objects tracked": len(gc.get_objects()),
        "objects frozen": gc.get_freeze_count(),
    }


def code_version(code: Path) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(code), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def save_figures(path: Path, args: argparse.Namespace, **figures) -> dict:
    """Write `figures` under `args.label` in the JSON file `path`, with the date, the
    code's commit and the sampling, beside the other labels' figures; the entry."""
    results = json.loads(path.read_text()) if path.exists() else {}
    results[args.label] = entry = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": code_version(args.code),
        "rounds": args.rounds,
        "requests per sample": args.requests,
        **figures,
    }
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return entry


def main() -> None:
    args = parse_args()
    figures = measure(args)
    collection = full_collection()
    entry = save_figures(
        RESULTS_JSON,
        args,
        memo=os.environ.get("SEARCH_MEMO", "default (on)"),
        queries=figures,
        full_collection=collection,
    )
    print(f"{args.label} ({entry['commit']}), medians of {args.rounds} rounds:")
    print(f"{'query':32} {'request ms':>11} {'SQL ms':>8} {'outside SQL':>12} {'statements':>10}")
    for name, row in figures.items():
        print(
            f"{name:32} {row['request ms']:11.2f} {row['SQL ms']:8.2f} "
            f"{row['outside SQL ms']:12.2f} {row['statements']:10.1f}"
        )
    print(
        f"a full collection of the cycle collector: {collection['pause ms']:.1f} ms "
        f"({collection['objects tracked']:,} objects tracked, "
        f"{collection['objects frozen']:,} frozen)"
    )
    print(f"-> {RESULTS_JSON.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
