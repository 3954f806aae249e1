"""A short-lived cache of search answers, for the queries many people ask at once.

Each answer is stored under its endpoint, the language, the canonical query string,
the index version (`search_stato.versione`, raised in the same transaction as every
index change, and by the changes of what answers read beyond the rows: network
memberships, see index.schedule_version_bump) and the day (agreements are found only
within their dates, and no row changes at midnight): an answer is never served once
the data it came from changed, whichever process changed it and whichever cache
backend is configured. What is left is the age of "open now", at most
SEARCH_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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


def cache_key(endpoint: str, request: HttpRequest, version: int) -> str:
    canonical = urlencode(sorted(request.GET.lists()), doseq=True)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat()
    return f"cerca:{endpoint}:{settings.SEARCH_BACKEND}:{get_language()}:{version}:{day}:{digest}"


def cached_answer(endpoint: str, request: HttpRequest, compute: Callable[[], dict]):
    """(body, "hit" | "miss" | "off"): the stored answer, or `compute()` stored."""
    seconds = settings.SEARCH_CACHE_SECONDS
    if seconds <= 0:
        return compute(), "off"
    key = cache_key(endpoint, request, index_version())
    body = cache.get(key)
    if body is not None:
        return body, "hit"
    body = compute()
    cache.set(key, body, seconds)
    return body, "miss"
