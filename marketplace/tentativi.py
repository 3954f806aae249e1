"""How many failed attempts one client address may make at something guessable.

A network's join code opens its agreements to whoever knows it, and a password opens
a working area: guessing either must be slow. The failures of each client address are
counted (django-ratelimit) in CACHES["default"], per group, for a window given as
"<count>/<period>" ("10/15m": ten failures every fifteen minutes); while the count is
full, the address's next attempts are not even checked. The counts are shared by the
server's processes only when that cache is (Redis: CACHE_URL); with the default local
memory each process counts on its own. A cache that cannot be reached counts nothing
(RATELIMIT_FAIL_OPEN): the site keeps working.

The address is REMOTE_ADDR, or the header a reverse proxy writes it in
(CLIENT_IP_HEADER, RATELIMIT_IP_META_KEY).
"""

from __future__ import annotations

import math

from django.http import HttpRequest
from django_ratelimit.core import get_usage


class Tentativi:
    """The failed attempts in `gruppo` of the address `request` comes from, at most
    `rate` ("<count>/<period>")."""

    def __init__(self, request: HttpRequest, gruppo: str, rate: str) -> None:
        self.request, self.gruppo, self.rate = request, gruppo, rate

    def _usage(self, *, increment: bool) -> dict | None:
        return get_usage(
            self.request, group=self.gruppo, key="ip", rate=self.rate, increment=increment
        )

    def minuti_di_attesa(self) -> int:
        """0 while the address may try again; otherwise the minutes until it may."""
        usage = self._usage(increment=False)
        if usage is None or usage["count"] < usage["limit"]:
            return 0
        return max(1, math.ceil(usage["time_left"] / 60))

    def fallito(self) -> None:
        self._usage(increment=True)
