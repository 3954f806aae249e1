"""Benchmark of the HSDS API (/api/hsds/): the pages and objects an integrator reads.

Run it on a development database that holds a catalogue and its search index (the one
bench_search.py leaves with `--keep`, say):

    DATABASE_URL=$(scripts/database.sh url) .venv/bin/python bench/bench_hsds.py \
        [--code DIR --label NAME] [--rounds 3] [--requests 20]

Each request is asked in-process through Django's test client (the whole request cycle,
without gunicorn and HTTP), after 3 of warm-up; one sample is the mean of `--requests`
requests, `--rounds` samples per request interleaved, the median kept, with the
statements a request runs. The ids asked for (a service, the Ente with most services,
a top category, the moment of the 1,000th latest change) are read from the database
first, so every checkout asks the same.

`--code DIR` loads the application from another checkout (a `git worktree` of an older
commit), on the same database: the figures go under `--label` in
bench/results/hsds.json, next to the current code's.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_request_cost import load_checkout, parse_args, sampled, save_figures  # noqa: E402

RESULTS_JSON = HERE / "results" / "hsds.json"
WARMUP = 3


def requests_to_ask() -> dict[str, str]:
    """The requests, by name, with ids of this database."""
    from django.db.models import Count

    from servizi.hsds import Oggetto, hsds_id
    from servizi.models import Categoria, Ente, Servizio, StatoServizio

    published = Servizio.objects.filter(stato=StatoServizio.PUBBLICATO)
    servizio = published.order_by("pk")[published.count() // 2]
    ente = Ente.objects.annotate(n=Count("servizi")).order_by("-n", "pk").first()
    categoria = Categoria.objects.get(codice="anziani")
    # An integrator's sync: what changed since it last read, here the last 1,000 changes.
    since = published.order_by("-aggiornato_il").values_list("aggiornato_il", flat=True)[999]
    services = "/api/hsds/services"

    def ask(path: str, **params) -> str:
        return f"{path}?{urlencode(params)}" if params else path

    return {
        "services, page 1": ask(services),
        "services, page 1,000": ask(services, page=1000),
        "services, page 10,000": ask(services, page=10_000),
        "services in full, page 1": ask(services, full="true"),
        "services in full, 200 a page": ask(services, full="true", per_page=200),
        "services minimal, 200 a page, page 1,000": ask(
            services, minimal="true", per_page=200, page=1000
        ),
        "services of a top category": ask(
            services, taxonomy_term_id=hsds_id(Oggetto.TAXONOMY_TERM, categoria.pk)
        ),
        "services changed, the last 1,000": ask(services, modified_after=since.isoformat()),
        "services of the largest Ente": ask(
            services, organization_id=hsds_id(Oggetto.ORGANIZATION, ente.pk)
        ),
        "services, search a common word": ask(services, search="assistenza"),
        "services, search two words": ask(services, search="asili nido"),
        "a service in full": f"{services}/{hsds_id(Oggetto.SERVICE, servizio.pk)}",
        "services at their places, page 1": "/api/hsds/service_at_locations",
        "services at their places, page 10,000": ask("/api/hsds/service_at_locations", page=10_000),
        "services at their places in full, page 1": ask(
            "/api/hsds/service_at_locations", full="true"
        ),
        "organizations, page 1": "/api/hsds/organizations",
        "the largest Ente": f"/api/hsds/organizations/{hsds_id(Oggetto.ORGANIZATION, ente.pk)}",
        "taxonomy terms": "/api/hsds/taxonomy_terms",
    }


def measure(args) -> dict[str, dict]:
    load_checkout(args.code)
    from django.test import Client

    asked = requests_to_ask()
    samples = sampled(Client(), asked, args, warmup=WARMUP)
    return {
        name: {
            "path": asked[name],
            "request ms": round(statistics.median(values["ms"]), 2),
            "statements": statistics.median(values["statements"]),
            "samples request ms": [round(v, 2) for v in values["ms"]],
        }
        for name, values in samples.items()
    }


def main() -> None:
    args = parse_args(__doc__, requests=20)
    figures = measure(args)
    entry = save_figures(RESULTS_JSON, args, requests=figures)
    print(f"{args.label} ({entry['commit']}):")
    for name, row in figures.items():
        print(f"  {row['request ms']:9.2f} ms {row['statements']:5.1f} statements  {name}")
    print(f"-> {RESULTS_JSON.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
