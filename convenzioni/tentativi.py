"""How many wrong join codes one address may try.

A network's join code opens its agreements to whoever knows it, and codes are short
(from 4 characters): guessing them must be slow. The wrong codes of each client address
are counted (django-ratelimit) in CACHES["default"], for a window of
CODICE_ADESIONE_TENTATIVI ("10/15m": ten wrong codes every fifteen minutes); while the
count is full, no code from that address is even looked up. The counts are shared by
the server's processes only when that cache is (Redis: CACHE_URL); with the default
local memory each process counts on its own. A cache that cannot be reached counts
nothing (RATELIMIT_FAIL_OPEN): the join code keeps working.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

GROUP = "convenzioni.codice-adesione"


class TentativiCodice:
    """The wrong join codes of the address `request` comes from."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def _usage(self, *, increment: bool) -> dict | None:
        return get_usage(
            self.request,
            group=GROUP,
            key="ip",
            rate=settings.CODICE_ADESIONE_TENTATIVI,
            increment=increment,
        )

    def minuti_di_attesa(self) -> int:
        """0 while the address may try a code; otherwise the minutes until it may."""
        usage = self._usage(increment=False)
        if usage is None or usage["count"] < usage["limit"]:
            return 0
        return max(1, math.ceil(usage["time_left"] / 60))

    def sbagliato(self) -> None:
        self._usage(increment=True)
