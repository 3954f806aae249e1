"""Benchmark of the search: the API over HTTP (gunicorn), and the raw SQL it runs.

Run it on a development database with the Comuni of the region loaded:

    DATABASE_URL=$(scripts/database.sh url) .venv/bin/python bench/bench_search.py \
        [--sizes 100000,1000000] [--workers 3] [--keep]

For each catalogue size N it
  1. removes earlier generated rows (`generate_catalogue --only-reset`), rebuilds the
     index on the hand-made data and compacts the tables (VACUUM FULL): not timed;
  2. generates N services (`generate_catalogue --services N --regione Lombardia`) and
     rebuilds the search index (`search_index --rebuild`): both timed, then
     VACUUM ANALYZE of the search tables and `pg_prewarm` of them and their indexes (a
     server that has been answering searches holds them in its shared buffers);
  3. starts gunicorn as production does (sync workers, DEBUG=false, no access log) on a
     free port of 127.0.0.1, warms it up, and sends each query of QUERIES at concurrency
     1 and 8 (a Python load generator: threads, http.client, bounded in requests and
     time): p50, p95, p99, mean, requests per second, errors. Twice: first with the
     response cache off (SEARCH_CACHE_SECONDS=0: every request is computed; latency
     figures come from this run), then with it on as configured by default (a
     repeated question is answered from the cache until the index changes);
  4. captures the SQL each query runs (the parameter validation with its spelling
     correction, then `marketplace.search.service`) in-process, and times those exact
     statements with psycopg at concurrency 1 (one "request" = the sum of its
     statements), then EXPLAIN (ANALYZE, BUFFERS) of the slow ones;
  5. starts gunicorn again (response cache off) and alternates one request over HTTP
     with one raw replay of its statements, 100 times per query: the API / SQL target
     is checked on these pairs, which see the machine at the same moments.

Finally the targets are checked at the largest size, bench/results/search.json gets the
raw figures and bench/RESULTS.md the tables (its "## Findings" section, written by
hand, is kept across runs). At the end the generated rows are removed again
(`--only-reset`, the spelling vocabulary emptied, `search_index --rebuild`, VACUUM FULL)
unless `--keep` is given: the dev database is left with the hand-made demo catalogue only.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from queries import QUERIES  # noqa: E402  (bench/, this script's folder)

from marketplace.search import service  # noqa: E402
from marketplace.search.api import CercaParamsSerializer, MappaParamsSerializer  # noqa: E402
from marketplace.search.cache import request_index_version  # noqa: E402
from marketplace.search.sql import PreparingCursor  # noqa: E402
from servizi.generator import TOUCHED_TABLES  # noqa: E402

RESULTS_JSON = ROOT / "bench" / "results" / "search.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SEARCH_TABLES = [
    "search_documento",
    "search_vocabolo",
    "search_lessema",
    "search_cella",
    "search_cella_orario",
    "search_cella_giorno",
    "search_titolo",
    "search_stato",
]

PING = "ping (framework ceiling)"
MAPS = [name for name, url in QUERIES.items() if url.startswith("/api/v1/cerca/mappa/")]
SEARCHES = [
    name
    for name, url in QUERIES.items()
    if url.startswith(("/api/v1/cerca/?", "/api/v1/cerca/suggerimenti/"))
]
CONCURRENCY = (1, 8)

# Targets, checked at the largest size.
SEARCH_P95_MS = 50.0
API_OVER_SQL = 2.0
MAP_P95_MS = 150.0
THROUGHPUT_SHARE = 0.40

# A raw statement slower than this (median) gets an EXPLAIN (ANALYZE, BUFFERS).
EXPLAIN_FROM_MS = 5.0


# --------------------------------------------------------------------------- helpers
def log(message: str) -> None:
    print(f"[bench_search {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    values = sorted(s * 1000 for s in seconds)
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(values, 50), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "mean_ms": round(sum(values) / len(values), 2),
        "max_ms": round(values[-1], 2),
    }


def manage(*args: str) -> tuple[float, str]:
    """Run a management command in a subprocess, as a user would; (seconds, output)."""
    start = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, (done.stdout + done.stderr).strip()


def vacuum(tables: list[str], full: bool = False) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:  # autocommit: VACUUM refuses a transaction
        for table in tables:
            cursor.execute(f"VACUUM ({'FULL, ' if full else ''}ANALYZE) {table}")
    return time.perf_counter() - start


def prewarm(tables: list[str]) -> None:
    """Load the tables and their indexes into shared buffers."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        for table in tables:
            cursor.execute(
                "SELECT pg_prewarm(c.oid) FROM pg_class c WHERE c.oid = %s::regclass "
                "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass)",
                [table, table],
            )


def mib(size: int) -> float:
    return round(size / 2**20, 1)


def machine() -> dict[str, object]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    # As the application's connection sees them (its session options included).
    settings = {
        name: scalar(f"SHOW {name}")
        for name in (
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "random_page_cost",
            "jit",
            "max_parallel_workers_per_gather",
        )
    }
    import gunicorn

    return {
        "host": platform.node(),
        "nproc": int(subprocess.run(["nproc"], capture_output=True, text=True).stdout),
        "cpu": cpu,
        "ram_gib": round(total_kib / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
        "gunicorn": gunicorn.__version__,
        "postgresql": scalar("SHOW server_version"),
        "postgis": scalar("SELECT postgis_lib_version()"),
        "postgresql settings": settings,
    }


def code_version() -> dict[str, object]:
    """The commit, and the files of the search (or its settings) changed since it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted changes": git(
            "status",
            "--porcelain",
            "--",
            "marketplace/search",
            "marketplace/settings",
            "servizi/generator.py",
        ).splitlines(),
    }


def generated_services() -> int:
    return scalar(
        "SELECT count(*) FROM servizi_servizio s JOIN servizi_ente e ON e.id = s.ente_id "
        "WHERE e.demo AND starts_with(e.nome, '[generato] ')"
    )


def data_figures() -> dict[str, object]:
    return {
        "servizi_servizio rows": scalar("SELECT count(*) FROM servizi_servizio"),
        "search_documento rows": scalar("SELECT count(*) FROM search_documento"),
        "search_documento rows with a point": scalar(
            "SELECT count(*) FROM search_documento WHERE punto IS NOT NULL"
        ),
        "search_vocabolo rows": scalar("SELECT count(*) FROM search_vocabolo"),
        "search_cella rows (map cells)": scalar("SELECT count(*) FROM search_cella"),
        "search_cella_orario rows (weekly spans of the cells)": scalar(
            "SELECT count(*) FROM search_cella_orario"
        ),
        "search_cella_orario with its indexes, MiB": mib(
            scalar("SELECT pg_total_relation_size('search_cella_orario'::regclass)")
        ),
        "search_cella_giorno rows (weekdays of the cells)": scalar(
            "SELECT count(*) FROM search_cella_giorno"
        ),
        "search_cella_giorno with its indexes, MiB": mib(
            scalar("SELECT pg_total_relation_size('search_cella_giorno'::regclass)")
        ),
        "search_titolo rows (type-ahead titles)": scalar("SELECT count(*) FROM search_titolo"),
        "search_documento table, MiB": mib(
            scalar("SELECT pg_table_size('search_documento'::regclass)")
        ),
        "search_documento indexes, MiB": mib(
            scalar("SELECT pg_indexes_size('search_documento'::regclass)")
        ),
        "search_documento index sizes, MiB": {
            name: mib(size)
            for name, size in _rows(
                "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) "
                "FROM pg_index WHERE indrelid = 'search_documento'::regclass ORDER BY 1"
            )
        },
    }


def _rows(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --------------------------------------------------------------------------- data
def clear_vocabulary() -> None:
    """Empty the spelling vocabulary, which `search_index --rebuild` only adds to: the
    rebuild that follows fills it from what is indexed then (the generated titles bring
    some 100,000 words and word pairs, which must not outlive them)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_vocabolo")


def prepare_data(size: int, regione: str) -> dict[str, object]:
    log("removing earlier generated rows, rebuilding the index on the demo data, VACUUM FULL")
    manage("generate_catalogue", "--only-reset")
    clear_vocabulary()
    manage("search_index", "--rebuild", "--no-progress")
    vacuum(TOUCHED_TABLES + SEARCH_TABLES, full=True)

    log(f"generate_catalogue --services {size} --regione {regione}")
    gen_seconds, gen_out = manage(
        "generate_catalogue", "--services", str(size), "--regione", regione, "--no-progress"
    )
    log(f"  {gen_seconds:.1f} s; search_index --rebuild")
    idx_seconds, idx_out = manage("search_index", "--rebuild", "--no-progress")
    log(f"  {idx_seconds:.1f} s; VACUUM ANALYZE of the search tables, pg_prewarm")
    vac_seconds = vacuum(SEARCH_TABLES)
    prewarm(SEARCH_TABLES)
    figures = {
        "services generated": generated_services(),
        "generate_catalogue, seconds": round(gen_seconds, 1),
        "generate_catalogue output": gen_out.splitlines(),
        "search_index --rebuild, seconds": round(idx_seconds, 1),
        "search_index output": idx_out.splitlines(),
        "VACUUM ANALYZE search tables, seconds": round(vac_seconds, 1),
    }
    figures.update(data_figures())
    return figures


def reset_data() -> dict[str, float]:
    log("final clean-up: --only-reset, search_index --rebuild, VACUUM FULL")
    reset_seconds, _ = manage("generate_catalogue", "--only-reset")
    clear_vocabulary()
    rebuild_seconds, _ = manage("search_index", "--rebuild", "--no-progress")
    vacuum_seconds = vacuum(TOUCHED_TABLES + SEARCH_TABLES, full=True)
    left = generated_services()
    assert left == 0, f"{left} generated services left"
    return {
        "generate_catalogue --only-reset, seconds": round(reset_seconds, 1),
        "search_index --rebuild (demo data), seconds": round(rebuild_seconds, 1),
        "VACUUM FULL, seconds": round(vacuum_seconds, 1),
        "search_documento rows left": scalar("SELECT count(*) FROM search_documento"),
        "search_vocabolo rows left": scalar("SELECT count(*) FROM search_vocabolo"),
    }


# --------------------------------------------------------------------------- HTTP
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn as scripts/run.sh starts it, on a free loopback port, without access log;
    with the response cache off (`cache=False`) or as configured by default."""

    def __init__(self, workers: int, *, cache: bool):
        self.workers = workers
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix="bench_search_gunicorn_", suffix=".log"
        )
        env = {
            **os.environ,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        }
        if not cache:
            env["SEARCH_CACHE_SECONDS"] = "0"
        else:
            env.pop("SEARCH_CACHE_SECONDS", None)
        if not env["DATABASE_URL"]:
            del env["DATABASE_URL"]
        self.command = [
            GUNICORN,
            "marketplace.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
        ]
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = self.get("/api/v1/ping/")
                if status == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start:\n{self.output()}")
            time.sleep(0.2)

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", path, headers={"Accept": "application/json"})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # our own child, by its pid: gunicorn stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def load(port: int, path: str, total: int, concurrency: int, max_seconds: float) -> dict:
    """Send `total` GETs of `path` from `concurrency` threads (each with its own
    connection, reopened when the server closes it), stopping early at `max_seconds`."""
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    deadline = start + max_seconds

    def worker() -> None:
        nonlocal issued
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        my_errors: list[str] = []
        while True:
            with lock:
                if issued >= total or time.perf_counter() > deadline:
                    break
                issued += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    my_errors.append(f"HTTP {response.status}")
                    continue
                if response.will_close:
                    conn.close()  # gunicorn's sync workers close after each answer
            except (OSError, http.client.HTTPException) as error:
                my_errors.append(type(error).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(my_errors)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {
        "concurrency": concurrency,
        "requests": len(latencies) + len(errors),
        "requested": total,
        "stopped at the time limit": len(latencies) + len(errors) < total,
        "seconds": round(wall, 2),
        "ok": len(latencies),
        "errors": len(errors),
        "error kinds": sorted(set(errors)),
        **summary_ms(latencies),
        "req_per_s": round(len(latencies) / wall, 1) if wall else None,
    }


def measure_http(
    server: Server, warmup: int, requests: dict[int, int], max_seconds: float
) -> dict[str, dict]:
    figures: dict[str, dict] = {}
    for name, path in QUERIES.items():
        status, body = server.get(path)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}\n{body[:2000]!r}\n{server.output()}")
        answer = json.loads(body)
        # Every worker warm (caches, connection, plans), for at most 15 s.
        load(server.port, path, warmup, server.workers, min(max_seconds, 15))
        entry: dict[str, object] = {"path": path, "answer": describe(answer)}
        for concurrency in CONCURRENCY:
            result = load(server.port, path, requests[concurrency], concurrency, max_seconds)
            entry[f"c{concurrency}"] = result
            log(
                f"  {name:32} c{concurrency}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']}"
                f" ms, {result['req_per_s']} req/s, {result['requests']} requests,"
                f" {result['errors']} errors"
            )
        figures[name] = entry
    return figures


def describe(answer: dict) -> dict[str, object]:
    """What the answer holds, to show that the query matches the data."""
    if "clusters" in answer:
        return {
            "clusters": len(answer["clusters"]),
            "points in clusters": sum(c["count"] for c in answer["clusters"]),
        }
    if "results" in answer:
        return {
            "count": answer["count"],
            "count exact": answer.get("count_esatto", True),
            "results on the page": len(answer["results"]),
            "facets": {name: len(buckets) for name, buckets in answer.get("facets", {}).items()},
            "first titles": [hit["titolo"] for hit in answer["results"][:3]],
        }
    if "suggerimenti" in answer:
        return {"suggestions": [s["testo"] for s in answer["suggerimenti"]][:4]}
    return answer


# --------------------------------------------------------------------------- raw SQL
def capture_sql(path: str) -> list[dict]:
    """The statements one request of `path` runs, as the view runs them, in-process: the
    index version read once for the request (as `cached_answer` reads it, the response
    cache off), validation (with the spelling correction), then the backend through
    `service`; the second time it is asked, as a server that has been answering has its
    memo (the agreements in force, the categories, the territory) filled for the index
    version. Each with its parameters and whether the application prepares it
    (marketplace/search/sql.py), so that the raw replay sends it the same way."""
    _capture_sql_once(path)
    return _capture_sql_once(path)


PHASE_LETTERS = {"request": "r", "validation": "v", "backend": "b"}


class _Capture:
    """An execute wrapper that keeps each statement, its parameters and its cursor kind."""

    def __init__(self, phase: str, into: list[dict]) -> None:
        self.phase, self.into = phase, into

    def __call__(self, execute, sql, params, many, context):
        self.into.append(
            {
                "phase": self.phase,
                "sql": sql,
                "params": params,
                "prepared": isinstance(context["cursor"].cursor, PreparingCursor),
            }
        )
        return execute(sql, params, many, context)


def _capture_sql_once(path: str) -> list[dict]:
    url = urlsplit(path)
    if url.path.endswith("/ping/"):
        return []
    statements: list[dict] = []
    with contextlib.ExitStack() as request:
        # The version is read by its own statement; it then stays set for the request.
        with connection.execute_wrapper(_Capture("request", statements)):
            request.enter_context(request_index_version())
        return _capture_request(url, statements)


def _capture_request(url, statements: list[dict]) -> list[dict]:
    data = QueryDict(url.query)
    if url.path.endswith("/suggerimenti/"):
        with connection.execute_wrapper(_Capture("backend", statements)):
            service.suggest(data["q"])
        return statements
    mappa = url.path.endswith("/mappa/")
    params = (MappaParamsSerializer if mappa else CercaParamsSerializer)(data=data)
    with connection.execute_wrapper(_Capture("validation", statements)):
        params.is_valid(raise_exception=True)
        query = params.to_query()
    with connection.execute_wrapper(_Capture("backend", statements)):
        if mappa:
            service.map_view(query, params.validated_data["zoom"])
        else:
            service.search(query, facets=params.validated_data["facette"])
    return statements


def raw_connection() -> psycopg.Connection:
    """A plain psycopg connection with the application's connection parameters (among
    them the session options of settings, such as `-c jit=off`)."""
    params = connection.get_connection_params()
    # Django's own objects (adapters, cursor class) stay out. Statements are sent as the
    # application sends them: with their values written in (Django's client-side
    # binding), or bound on the server and prepared where the application prepares.
    for key in ("context", "cursor_factory", "prepare_threshold", "server_side_binding"):
        params.pop(key, None)
    return psycopg.connect(**params, autocommit=True)


def _run(conn: psycopg.Connection, statement: dict) -> None:
    if statement["prepared"]:
        conn.execute(statement["sql"], statement["params"], prepare=True).fetchall()
    else:
        with psycopg.ClientCursor(conn) as cursor:
            cursor.execute(statement["sql"], statement["params"], prepare=False)
            cursor.fetchall()


def time_raw(
    conn: psycopg.Connection, statements: list[dict], repeat: int, max_seconds: float
) -> dict[str, object]:
    per_statement: list[list[float]] = [[] for _ in statements]
    totals: list[float] = []
    for _ in range(6):  # warm (and past the five runs before a generic plan is tried)
        for statement in statements:
            _run(conn, statement)
    deadline = time.perf_counter() + max_seconds
    while len(totals) < repeat and time.perf_counter() < deadline:
        total = 0.0
        for i, statement in enumerate(statements):
            t0 = time.perf_counter()
            _run(conn, statement)
            elapsed = time.perf_counter() - t0
            per_statement[i].append(elapsed)
            total += elapsed
        totals.append(total)
    return {
        "iterations": len(totals),
        **summary_ms(totals),
        "statements": [
            {
                "phase": statement["phase"],
                "median_ms": summary_ms(times)["p50_ms"],
                "mean_ms": summary_ms(times)["mean_ms"],
                "prepared": statement["prepared"],
                "sql": _text(conn, statement),
            }
            for statement, times in zip(statements, per_statement, strict=True)
        ],
    }


def _text(conn: psycopg.Connection, statement: dict) -> str:
    """The statement with its values written in."""
    return psycopg.ClientCursor(conn).mogrify(statement["sql"], statement["params"]).strip()


def explain(conn: psycopg.Connection, sql: str) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def measure_raw(repeat: int, max_seconds: float) -> dict[str, dict]:
    figures: dict[str, dict] = {}
    with raw_connection() as conn:
        for name, path in QUERIES.items():
            statements = capture_sql(path)
            if not statements:
                figures[name] = {"iterations": 0, "statements": [], "note": "no SQL"}
                continue
            result = time_raw(conn, statements, repeat, max_seconds)
            for statement in result["statements"]:
                if statement["median_ms"] >= EXPLAIN_FROM_MS:
                    statement["explain"] = explain(conn, statement["sql"])
            figures[name] = result
            log(
                f"  raw SQL {name:32} {len(statements)} statements: p50 {result['p50_ms']} ms,"
                f" p95 {result['p95_ms']} ms"
            )
    return figures


def measure_alternated(server: Server, rounds: int, max_seconds: float) -> dict[str, dict]:
    """The API against its raw SQL, in alternation: one request over HTTP, then the same
    request's statements replayed raw, `rounds` times per query (at most `max_seconds`).

    The HTTP and raw phases above are minutes apart, and these shared machines change
    speed within minutes (the same statement 10 ms on one run's raw phase, 16 ms on
    another's): a ratio of figures taken at different times says as much about the
    machine as about the code. Alternated samples see the same machine."""
    figures: dict[str, dict] = {}
    with raw_connection() as conn:
        for name, path in QUERIES.items():
            statements = capture_sql(path)
            if not statements:
                continue
            for _ in range(6):  # warm, as time_raw does
                server.get(path)
                for statement in statements:
                    _run(conn, statement)
            api_times: list[float] = []
            sql_times: list[float] = []
            deadline = time.perf_counter() + max_seconds
            while len(api_times) < rounds and time.perf_counter() < deadline:
                t0 = time.perf_counter()
                status, _body = server.get(path)
                api_times.append(time.perf_counter() - t0)
                if status != 200:
                    raise SystemExit(f"{path}: HTTP {status}")
                t0 = time.perf_counter()
                for statement in statements:
                    _run(conn, statement)
                sql_times.append(time.perf_counter() - t0)
            api, sql = summary_ms(api_times), summary_ms(sql_times)
            figures[name] = {
                "rounds": len(api_times),
                "api_p50_ms": api["p50_ms"],
                "sql_p50_ms": sql["p50_ms"],
                "ratio": round(api["p50_ms"] / sql["p50_ms"], 2),
            }
            log(
                f"  alternated {name:32} API p50 {api['p50_ms']} ms, SQL p50 {sql['p50_ms']}"
                f" ms: {figures[name]['ratio']}×"
            )
    return figures


# --------------------------------------------------------------------------- targets
def _p95_checks(http_: dict, names: list[str], what: str, limit_ms: float) -> list[dict]:
    checks = []
    for name in names:
        p95 = http_[name]["c1"]["p95_ms"]
        checks.append(
            {
                "target": f"{what} p95 ≤ {limit_ms:g} ms at concurrency 1",
                "query": name,
                "measured": f"{p95} ms",
                "pass": p95 is not None and p95 <= limit_ms,
            }
        )
    return checks


def check_targets(size_figures: dict) -> list[dict[str, object]]:
    http_ = size_figures["http"]
    raw = size_figures["raw_sql"]
    rows: list[dict[str, object]] = _p95_checks(http_, SEARCHES, "search", SEARCH_P95_MS)
    alternated = size_figures.get("alternated")
    for name in QUERIES:
        if name == PING:
            continue
        if alternated:
            api, sql = alternated[name]["api_p50_ms"], alternated[name]["sql_p50_ms"]
            how = "p50 of alternated samples, concurrency 1"
        else:  # figures of a run before the alternated measurement existed
            api, sql = http_[name]["c1"]["p50_ms"], raw[name]["p50_ms"]
            how = "p50, concurrency 1"
        ratio = api / sql if api and sql else None
        rows.append(
            {
                "target": f"API time ≤ {API_OVER_SQL:g}× raw SQL time ({how})",
                "query": name,
                "measured": f"{api} / {sql} ms = {ratio:.2f}×" if ratio else "n/a",
                "pass": ratio is not None and ratio <= API_OVER_SQL,
            }
        )
    rows += _p95_checks(http_, MAPS, "map clusters", MAP_P95_MS)
    for key, how in (("http", "cache off"), ("http cached", "cache on")):
        ceiling = size_figures[key][PING]["c8"]["req_per_s"]
        for name in SEARCHES:
            rps = size_figures[key][name]["c8"]["req_per_s"]
            share = rps / ceiling if rps is not None and ceiling else None
            rows.append(
                {
                    "target": f"throughput at concurrency 8 ≥ {THROUGHPUT_SHARE:.0%} of ping's"
                    f" ({how})",
                    "query": name,
                    "measured": f"{rps} / {ceiling} req/s = {share:.1%}"
                    if share is not None
                    else "n/a",
                    "pass": share is not None and share >= THROUGHPUT_SHARE,
                }
            )
    return rows


# --------------------------------------------------------------------------- report
def fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_markdown(figures: dict) -> None:
    findings = "## Findings\n\n_Not written yet: run the benchmark, then analyse the FAILs._\n"
    if RESULTS_MD.exists():
        text = RESULTS_MD.read_text()
        at = text.find("\n## Findings")
        if at >= 0:
            findings = text[at + 1 :]
    m = figures["machine"]
    s = m["postgresql settings"]
    out: list[str] = []
    add = out.append
    add("# Search benchmark results\n")
    add(
        "Written by `bench/bench_search.py` (raw figures: `bench/results/search.json`); "
        "the *Findings* section is written by hand and kept when the script runs again.\n"
    )
    add(f"- date: {figures['when']}; total run time {figures['total seconds'] / 60:.1f} min")
    code = figures["code"]
    dirty = ", ".join(code["uncommitted changes"]) or "none"
    add(f"- code: commit {code['commit']} (uncommitted changes to the search: {dirty})")
    if figures.get("code changed during the run"):
        add(
            "- **WARNING: the code changed during the run** (now "
            f"{figures['code changed during the run']}): the figures mix two versions"
        )
    add(f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}")
    add(
        f"- PostgreSQL {m['postgresql']}, PostGIS {m['postgis']}; shared_buffers "
        f"{s['shared_buffers']}, work_mem {s['work_mem']}, effective_cache_size "
        f"{s['effective_cache_size']}, random_page_cost {s['random_page_cost']}, jit {s['jit']}, "
        f"max_parallel_workers_per_gather {s['max_parallel_workers_per_gather']} (as the "
        "application's connection sees them)"
    )
    add(
        f"- Python {m['python']}, Django {m['django']}, psycopg {m['psycopg']}, gunicorn "
        f"{m['gunicorn']} ({figures['settings']['gunicorn workers']} sync workers, DEBUG=false, "
        "no access log), database and server on the same machine over a Unix socket"
    )
    st = figures["settings"]
    add(
        f"- load: {st['warm-up requests']} warm-up requests per query, then "
        f"{st['requests at concurrency 1']} requests at concurrency 1 and "
        f"{st['requests at concurrency 8']} at concurrency 8 (each phase stopped after "
        f"{st['max seconds per phase']:g} s); the load generator is Python (threads + "
        "http.client) on the same 2 cores, so it takes some CPU from the server, most of all "
        "for ping"
    )
    add(
        "- the memo of agreements in force and categories (SEARCH_MEMO) is on in every run, "
        "as configured by default: computed once per index version and day, in each worker"
    )
    add(
        f"- raw SQL: the statements of one request, captured in-process with the memo warm, "
        f"run one after the other with psycopg at concurrency 1, each sent as the application "
        f"sends it (values written in, or bound on the server and prepared where the "
        f"application prepares: the hits of a page), up to "
        f"{st['raw SQL repeat']} times ({st['raw SQL max seconds']:g} s at most); one sample = "
        "the sum of the statements\n"
    )

    add("## Data\n")
    sizes = list(figures["sizes"])
    add("| | " + " | ".join(f"N = {int(n):,}" for n in sizes) + " |")
    add("| --- |" + " ---: |" * len(sizes))
    keys = [
        "services generated",
        "servizi_servizio rows",
        "search_documento rows",
        "search_documento rows with a point",
        "search_vocabolo rows",
        "search_cella rows (map cells)",
        "search_cella_orario rows (weekly spans of the cells)",
        "search_cella_orario with its indexes, MiB",
        "search_cella_giorno rows (weekdays of the cells)",
        "search_cella_giorno with its indexes, MiB",
        "search_titolo rows (type-ahead titles)",
        "search_documento table, MiB",
        "search_documento indexes, MiB",
        "generate_catalogue, seconds",
        "search_index --rebuild, seconds",
        "VACUUM ANALYZE search tables, seconds",
    ]
    for key in keys:
        add(f"| {key} | " + " | ".join(fmt(figures["sizes"][n]["data"][key]) for n in sizes) + " |")
    add("")

    for n in sizes:
        size = figures["sizes"][n]
        add(f"## N = {int(n):,} services\n")
        for key, title in (
            ("http", "Over HTTP (gunicorn), response cache off: every request computed"),
            ("http cached", "Over HTTP (gunicorn), response cache on (the default)"),
        ):
            if key not in size:
                continue
            add(f"### {title}\n")
            add(
                "| query | conc. | requests | errors | p50 ms | p95 ms | p99 ms | mean ms | req/s |"
            )
            add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for name, entry in size[key].items():
                for c in CONCURRENCY:
                    r = entry[f"c{c}"]
                    cut = " (time limit)" if r["stopped at the time limit"] else ""
                    add(
                        f"| {name} | {c} | {r['requests']}{cut} | {r['errors']} |"
                        f" {fmt(r['p50_ms'])} | {fmt(r['p95_ms'])} | {fmt(r['p99_ms'])} |"
                        f" {fmt(r['mean_ms'])} | {fmt(r['req_per_s'])} |"
                    )
            add("")
        add("What the queries find:\n")
        for name, entry in size["http"].items():
            if name != PING:
                add(
                    f"- {name} `{entry['path']}`: {json.dumps(entry['answer'], ensure_ascii=False)}"
                )
        add("")
        add("### Raw SQL (psycopg, concurrency 1) against the API\n")
        alternated = size.get("alternated", {})
        if alternated:
            add(
                "The last three columns come from alternated samples: one request over "
                "HTTP, then its statements replayed raw, "
                f"{next(iter(alternated.values()))['rounds']} times per query (response "
                "cache off); the target is checked on them.\n"
            )
        add(
            "| query | statements | SQL p50 ms | SQL p95 ms | SQL mean ms | API p50 ms (c1) |"
            " API / SQL (p50) | slowest statement (median ms) | alternated: API p50 ms |"
            " SQL p50 ms | API / SQL |"
        )
        add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
        for name, raw in size["raw_sql"].items():
            if name == PING:
                continue
            api = size["http"][name]["c1"]["p50_ms"]
            slowest = max(raw["statements"], key=lambda st: st["median_ms"])
            first_line = " ".join(slowest["sql"].split())[:70]
            pair = alternated.get(name)
            paired = (
                f" {fmt(pair['api_p50_ms'])} | {fmt(pair['sql_p50_ms'])} | {pair['ratio']:.2f}× |"
                if pair
                else " – | – | – |"
            )
            add(
                f"| {name} | {len(raw['statements'])} | {fmt(raw['p50_ms'])} |"
                f" {fmt(raw['p95_ms'])} | {fmt(raw['mean_ms'])} | {fmt(api)} |"
                f" {api / raw['p50_ms']:.2f}× | {fmt(slowest['median_ms'])}: `{first_line}…` |"
                + paired
            )
        add("")
        add(
            "Per statement (median ms, in the order a request runs them; *r* = the index "
            "version, read once per request, *v* = parameter validation and spelling "
            "correction, *b* = backend):\n"
        )
        for name, raw in size["raw_sql"].items():
            if name == PING:
                continue
            parts = [
                f"{PHASE_LETTERS[st['phase']]} {fmt(st['median_ms'])}" for st in raw["statements"]
            ]
            add(f"- {name}: " + ", ".join(parts))
        add("")

    largest = figures["targets at"]
    add(f"## Targets (at N = {int(largest):,})\n")
    add("| target | query | measured | result |")
    add("| --- | --- | --- | --- |")
    for row in figures["targets"]:
        add(
            f"| {row['target']} | {row['query']} | {row['measured']} |"
            f" {'PASS' if row['pass'] else '**FAIL**'} |"
        )
    passed = sum(row["pass"] for row in figures["targets"])
    add(f"\n{passed} of {len(figures['targets'])} checks pass.\n")
    if figures.get("cleanup"):
        add(
            "After the run the generated rows were removed again: "
            + json.dumps(figures["cleanup"], ensure_ascii=False)
            + "\n"
        )
    RESULTS_MD.write_text("\n".join(out) + "\n" + findings)


# --------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="100000,1000000",
        help="catalogue sizes, comma-separated (default 100000,1000000)",
    )
    parser.add_argument("--regione", default="Lombardia")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--requests-c1", type=int, default=200)
    parser.add_argument("--requests-c8", type=int, default=400)
    parser.add_argument(
        "--max-seconds", type=float, default=30, help="time limit of one load phase"
    )
    parser.add_argument("--raw-repeat", type=int, default=50)
    parser.add_argument("--raw-max-seconds", type=float, default=15)
    parser.add_argument(
        "--alternated-rounds",
        type=int,
        default=100,
        help="pairs of one request and its raw SQL per query, for the API / SQL target",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="when the database already holds exactly N generated services, measure them "
        "without generating again, after VACUUM ANALYZE and pg_prewarm of the search tables "
        "(the generation times are then missing)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="leave the last catalogue in the database"
    )
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    began = time.perf_counter()
    figures: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "code": code_version(),
        "settings": {
            "regione": args.regione,
            "gunicorn workers": args.workers,
            "warm-up requests": args.warmup,
            "requests at concurrency 1": args.requests_c1,
            "requests at concurrency 8": args.requests_c8,
            "max seconds per phase": args.max_seconds,
            "raw SQL repeat": args.raw_repeat,
            "raw SQL max seconds": args.raw_max_seconds,
        },
        "queries": QUERIES,
        "sizes": {},
    }
    try:
        for size in sizes:
            log(f"=== N = {size:,}")
            if args.reuse and generated_services() == size:
                # Vacuumed and warmed as a new catalogue is: one generated and indexed
                # by hand has no visibility map yet (no index-only scans), and cold pages.
                log("reusing the generated services; VACUUM ANALYZE, pg_prewarm")
                vac_seconds = vacuum(SEARCH_TABLES)
                prewarm(SEARCH_TABLES)
                data = {"services generated": size, **data_figures()}
                for key in ("generate_catalogue, seconds", "search_index --rebuild, seconds"):
                    data[key] = None
                data["VACUUM ANALYZE search tables, seconds"] = round(vac_seconds, 1)
            else:
                data = prepare_data(size, args.regione)
            size_figures: dict[str, object] = {"data": data}
            for key, cache in (("http", False), ("http cached", True)):
                log(f"gunicorn, {args.workers} workers, response cache {'on' if cache else 'off'}")
                server = Server(args.workers, cache=cache)
                try:
                    size_figures[key] = measure_http(
                        server,
                        args.warmup,
                        {1: args.requests_c1, 8: args.requests_c8},
                        args.max_seconds,
                    )
                finally:
                    server.stop()
            log("raw SQL")
            size_figures["raw_sql"] = measure_raw(args.raw_repeat, args.raw_max_seconds)
            log("API and raw SQL in alternation (response cache off)")
            server = Server(args.workers, cache=False)
            try:
                size_figures["alternated"] = measure_alternated(
                    server, args.alternated_rounds, args.max_seconds
                )
            finally:
                server.stop()
            figures["sizes"][str(size)] = size_figures
    finally:
        if not args.keep and figures["sizes"]:
            figures["cleanup"] = reset_data()
    # The server runs the code it loaded at each start, this process the code of its
    # start: a change in between makes the figures a mixture.
    code_after = code_version()
    if code_after != figures["code"]:
        figures["code changed during the run"] = code_after
        log(f"WARNING: the code changed during the run: {figures['code']} -> {code_after}")
    largest = str(max(sizes))
    figures["targets at"] = largest
    figures["targets"] = check_targets(figures["sizes"][largest])
    figures["total seconds"] = round(time.perf_counter() - began, 1)

    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    write_markdown(figures)
    for row in figures["targets"]:
        print(
            f"{'PASS' if row['pass'] else 'FAIL'}  {row['target']}: {row['query']}: "
            f"{row['measured']}"
        )
    log(f"done in {figures['total seconds'] / 60:.1f} min; see {RESULTS_MD.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
