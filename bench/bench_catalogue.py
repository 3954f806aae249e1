"""Benchmark of the synthetic catalogue generator (`manage.py generate_catalogue`).

Run it on a development database with the region's Comuni loaded:

    DATABASE_URL=$(scripts/database.sh url) .venv/bin/python bench/bench_catalogue.py \
        [--services 1000000] [--regione Lombardia] [--keep]

It first deletes any previously generated rows (`--only-reset`, then VACUUM FULL;
not timed), generates N services, measures time, rows per second, table sizes and peak
memory, then deletes the generated rows again (`--only-reset`, timed, then VACUUM FULL)
unless `--keep` is given: keep them to benchmark queries on a large catalogue, and
remove them later with `manage.py generate_catalogue --only-reset`. Hand-made data is
never touched. Figures go to bench/results/catalogue.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from servizi.generator import PREFIX, TOUCHED_TABLES  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "catalogue.json"

# Rows of each table that belong to generated Enti.
GENERATED_ROWS = {
    "servizi_ente": "SELECT count(*) FROM servizi_ente e WHERE {gen}",
    "servizi_sede": "SELECT count(*) FROM servizi_sede x JOIN servizi_ente e ON e.id = x.ente_id "
    "WHERE {gen}",
    "servizi_servizio": "SELECT count(*) FROM servizi_servizio x "
    "JOIN servizi_ente e ON e.id = x.ente_id WHERE {gen}",
    "servizi_orario": "SELECT count(*) FROM servizi_servizio x "
    "JOIN servizi_ente e ON e.id = x.ente_id WHERE {gen} AND x.orario_id IS NOT NULL",
    "servizi_fasciaoraria": "SELECT count(*) FROM servizi_fasciaoraria f "
    "JOIN servizi_servizio x ON x.orario_id = f.orario_id "
    "JOIN servizi_ente e ON e.id = x.ente_id WHERE {gen}",
    "servizi_servizio_categorie": "SELECT count(*) FROM servizi_servizio_categorie c "
    "JOIN servizi_servizio x ON x.id = c.servizio_id "
    "JOIN servizi_ente e ON e.id = x.ente_id WHERE {gen}",
    "servizi_servizio_sedi": "SELECT count(*) FROM servizi_servizio_sedi c "
    "JOIN servizi_servizio x ON x.id = c.servizio_id "
    "JOIN servizi_ente e ON e.id = x.ente_id WHERE {gen}",
}


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def backend_peak_rss_mib() -> float | None:
    """Peak RSS of this connection's PostgreSQL backend (same machine only), in MiB."""
    pid = scalar("SELECT pg_backend_pid()")
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def vacuum() -> None:
    """Compact the generator's tables once the generated rows are gone.

    VACUUM FULL, since a plain VACUUM never gives back index pages: quick here, as the
    tables then hold hand-made rows only (it locks each table for that moment).
    """
    with connection.cursor() as cursor:  # autocommit: VACUUM refuses a transaction
        for table in TOUCHED_TABLES:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")


def mib(size: int) -> float:
    return round(size / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1_000_000)
    parser.add_argument("--regione", default="Lombardia")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--keep", action="store_true", help="leave the generated rows in the database"
    )
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()

    figures: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "postgres": scalar("SHOW server_version"),
        "services requested": args.services,
        "regione": args.regione,
        "seed": args.seed,
    }
    # Not timed: remove earlier generated rows and their dead tuples, so that the sizes
    # measured below are those of this catalogue.
    call_command("generate_catalogue", only_reset=True)
    vacuum()
    start = time.perf_counter()
    call_command(
        "generate_catalogue",
        services=args.services,
        regione=args.regione,
        seed=args.seed,
        no_progress=args.no_progress,
    )
    seconds = time.perf_counter() - start

    gen = "e.demo AND starts_with(e.nome, %s)"
    rows = {table: scalar(sql.format(gen=gen), [PREFIX]) for table, sql in GENERATED_ROWS.items()}
    total_rows = sum(rows.values())
    sizes = {
        table: scalar("SELECT pg_total_relation_size(%s::regclass)", [table])
        for table in TOUCHED_TABLES
    }
    figures["generate_catalogue (includes ANALYZE), seconds"] = round(seconds, 1)
    figures["services per second"] = round(rows["servizi_servizio"] / seconds)
    figures["rows per second (all tables)"] = round(total_rows / seconds)
    figures["rows generated"] = {**rows, "total": total_rows}
    figures["table sizes with indexes (pg_total_relation_size), MiB"] = {
        **{table: mib(size) for table, size in sizes.items()},
        "total": mib(sum(sizes.values())),
    }
    figures["peak RSS of the Python process, MiB"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    figures["peak RSS of the PostgreSQL backend, MiB"] = backend_peak_rss_mib()

    if not args.keep:
        start = time.perf_counter()
        call_command("generate_catalogue", only_reset=True)
        figures["generate_catalogue --only-reset (delete them again), seconds"] = round(
            time.perf_counter() - start, 1
        )
        left = scalar(GENERATED_ROWS["servizi_ente"].format(gen=gen), [PREFIX])
        assert left == 0, f"{left} generated Enti left"
        vacuum()
    figures["generated rows kept in the database"] = args.keep

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
