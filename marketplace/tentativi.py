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
(CLIENT_IP_HEADER): see `client_ip`.
"""

from __future__ import annotations

import ipaddress
import math

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage


def client_ip(request: HttpRequest) -> str:
    """The client's address (django-ratelimit's RATELIMIT_IP_META_KEY): the first
    address in the CLIENT_IP_HEADER header when it is set and holds one, else
    REMOTE_ADDR. A request without the header (one that did not pass through the
    proxy) or with something else in it is counted by REMOTE_ADDR instead of failing;
    with no address at all, all such requests share one count."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "").split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


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
