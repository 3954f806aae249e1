"""Benchmark of the admin's searches on a large catalogue: a page of results per word.

Run it on a development database that holds a catalogue (the one bench_search.py or
bench_catalogue.py leaves with `--keep`, say):

    DATABASE_URL=$(scripts/database.sh url) .venv/bin/python bench/bench_admin.py \
        [--code DIR --label NAME] [--rounds 3] [--requests 3]

Each page is asked in-process through Django's test client as a superuser (a user
`bench.admin`, made for the run and deleted after it): the whole request, its count and
its page of rows, the HTML. One sample is the mean of `--requests` requests after one of
warm-up; `--rounds` samples per page, the pages interleaved, the median kept.

`--code DIR` loads the application from another checkout (a `git worktree` of an older
commit), on the same database: the figures go under `--label` in
bench/results/admin.json, next to the current code's. An older checkout reads the
database as migrated by the current one (its indexes included).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_request_cost import load_checkout, parse_args, sampled, save_figures  # noqa: E402

RESULTS_JSON = HERE / "results" / "admin.json"
USERNAME = "bench.admin"
# A rare word, a Comune's name (in descriptions and Enti's names), two words, a word in
# thousands of Enti's names, the commonest word of descriptions, a Comune-wide word; a
# timetable by its service's title, a place by its Comune; the list without a search.
PAGES = {
    "services: asilo": "/admin/servizi/servizio/?q=asilo",
    "services: Melegnano": "/admin/servizi/servizio/?q=Melegnano",
    "services: asilo nido": "/admin/servizi/servizio/?q=asilo+nido",
    "services: cooperativa": "/admin/servizi/servizio/?q=cooperativa",
    "services: servizio": "/admin/servizi/servizio/?q=servizio",
    "services: comune": "/admin/servizi/servizio/?q=comune",
    "timetables: asilo": "/admin/servizi/orario/?q=asilo",
    "places: Melegnano": "/admin/servizi/sede/?q=Melegnano",
    "services: the list": "/admin/servizi/servizio/",
    "timetables: the list": "/admin/servizi/orario/",
}


def measure(args: argparse.Namespace) -> tuple[dict[str, dict], int]:
    load_checkout(args.code)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from servizi.models import Servizio

    user_model = get_user_model()
    user_model.objects.filter(username=USERNAME).delete()
    user = user_model.objects.create_superuser(USERNAME, "bench@example.org", None)
    try:
        client = Client()
        client.force_login(user)
        samples = sampled(client, PAGES, args)
        services = Servizio.objects.count()
    finally:
        user_model.objects.filter(username=USERNAME).delete()
    figures = {
        name: {
            "page ms": round(statistics.median(values["ms"]), 1),
            "statements": statistics.median(values["statements"]),
            "samples page ms": [round(v, 1) for v in values["ms"]],
        }
        for name, values in samples.items()
    }
    return figures, services


def main() -> None:
    args = parse_args(__doc__, requests=3)
    figures, services = measure(args)
    entry = save_figures(RESULTS_JSON, args, services=services, pages=figures)
    print(f"{args.label} ({entry['commit']}), {services:,} services:")
    print(f"{'page':24} {'page ms':>9} {'statements':>10}")
    for name, row in figures.items():
        print(f"{name:24} {row['page ms']:9.1f} {row['statements']:10.1f}")
    print(f"-> {RESULTS_JSON.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
