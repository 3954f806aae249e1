"""A short-lived cache of search answers, for the queries many people ask at once.

Each answer is stored under its endpoint, the language, the canonical query string,
the index version (`search_stato.versione`, raised in the same transaction as every
index change, and by the changes of what answers read beyond the rows: network
memberships, see index.schedule_version_bump) and the day (agreements are found only
within their dates, and no row changes at midnight): an answer is never served once
the data it came from changed, whichever process changed it and whichever cache
backend is configured. What is left is the age of "open now", at most
SEARCH_CACHE_SECONDS.

The same key, less the question, serves `memo`: the small reference data every
answer is built from (agreements in force per Ente, category codes and names), and what
a text's answers share however they are filtered, ordered or paged (how the text is
read, the planner's estimates of its rows), kept in the process for as long as the
index version and the day stay the same: a cheap search does not rebuild them with the
ORM on every request, and a reader clicking the facets of a text does not read the text
again on each click.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

CACHE_HEADER = "X-Search-Cache"


def index_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT versione FROM search_stato WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


# The index version read for the request being answered (set by cached_answer), so
# that its memos do not read it again.
_request_version: ContextVar[int | None] = ContextVar("search_request_version", default=None)
# What `memo` holds: (version, day) it was computed for, and the values by key, the
# least recently used first.
_memo_state: dict = {"stamp": None, "values": OrderedDict()}
_memo_lock = threading.Lock()
# A bound on the values kept for one index version. Beside the few every answer reads
# (categories, names, agreements per beneficiary) each text searched keeps its reading
# and its estimates: when the bound is reached the value used least recently goes, so
# that a busy day of different texts never stops the memo from keeping what every
# answer reads (it kept nothing more once 256 values were in).
MEMO_MAX_VALUES = 2048


def memo(key: Hashable, compute: Callable[[], object]):
    """`compute()`, computed once per process for `key`, the reader's language, the day
    and the index version; every call when SEARCH_MEMO is off (the tests': their
    rollbacks take the version back with the data). What `compute` reads must raise the
    index version when it changes, as for the response cache."""
    if not settings.SEARCH_MEMO:
        return compute()
    version = _request_version.get()
    stamp = (index_version() if version is None else version, timezone.localdate())
    full_key = (key, get_language())
    with _memo_lock:
        if _memo_state["stamp"] != stamp:
            _memo_state["stamp"], _memo_state["values"] = stamp, OrderedDict()
        values = _memo_state["values"]
        if full_key in values:
            values.move_to_end(full_key)
            return values[full_key]
    value = compute()
    with _memo_lock:
        if _memo_state["stamp"] == stamp:
            values = _memo_state["values"]
            values[full_key] = value
            if len(values) > MEMO_MAX_VALUES:
                values.popitem(last=False)
    return value


def memo_clear() -> None:
    with _memo_lock:
        _memo_state["stamp"], _memo_state["values"] = None, OrderedDict()


def cache_key(endpoint: str, request: HttpRequest, version: int) -> str:
    canonical = urlencode(sorted(request.GET.lists()), doseq=True)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat()
    return f"cerca:{endpoint}:{settings.SEARCH_BACKEND}:{get_language()}:{version}:{day}:{digest}"


@contextmanager
def request_index_version() -> Iterator[int]:
    """The index version, read once for what runs inside: every `memo` uses it."""
    version = index_version()
    token = _request_version.set(version)
    try:
        yield version
    finally:
        _request_version.reset(token)


def cached_answer(endpoint: str, request: HttpRequest, compute: Callable[[], dict]):
    """(body, "hit" | "miss" | "off"): the stored answer, or `compute()` stored.

    The index version is read once for the request: the cache key and every `memo`
    that `compute()` asks for use it."""
    seconds = settings.SEARCH_CACHE_SECONDS
    if seconds <= 0 and not settings.SEARCH_MEMO:
        return compute(), "off"
    with request_index_version() as version:
        if seconds <= 0:
            return compute(), "off"
        key = cache_key(endpoint, request, version)
        body = cache.get(key)
        if body is not None:
            return body, "hit"
        body = compute()
        cache.set(key, body, seconds)
        return body, "miss"
