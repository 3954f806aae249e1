"""Which backend answers (Elasticsearch when configured and reachable, postgres otherwise),
and what every answer gets whichever backend gave it: the pages' addresses, the agreements."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from convenzioni.selectors import convenzioni_attive_per_ente

from .backends import postgres
from .cache import memo
from .models import TipoRisultato
from .query import SearchQuery
from .results import Hit, MapResult, SearchResult

logger = logging.getLogger(__name__)

# The kinds of results that say which agreements their Ente offers.
_WITH_AGREEMENTS = {TipoRisultato.SERVIZIO, TipoRisultato.PIT}


class BackendUnavailable(Exception):
    """The configured backend could not answer (network, timeout, missing index)."""


def _elasticsearch():
    from .backends import elasticsearch

    return elasticsearch


def _answer(method: str, *args, **kwargs):
    if settings.SEARCH_BACKEND == "elasticsearch":
        try:
            return getattr(_elasticsearch(), method)(*args, **kwargs)
        except BackendUnavailable as error:
            logger.warning("Elasticsearch unavailable (%s): answering from postgres", error)
    return getattr(postgres, method)(*args, **kwargs)


def search(query: SearchQuery, *, facets: bool = True) -> SearchResult:
    result = _answer("search", query, facets=facets)
    links = SchedaLinks()
    for hit in result.hits:
        hit.url = links.url(hit.tipo, hit.id)
    _with_agreements(result.hits, query, links)
    if result.count == 0 and not query.parole_non_trovate:
        # Why nothing, when agreements would be found later: asked of the postgres index
        # whichever backend answered (it is always kept, as for the spelling), so both
        # say the same.
        result.convenzioni_in_arrivo = postgres.agreements_later(query)
    return result


def map_view(query: SearchQuery, zoom: int) -> MapResult:
    result = _answer("map_view", query, zoom)
    links = SchedaLinks()
    for point in result.points:
        point["url"] = links.url(point["tipo"], point["id"])
    return result


class SchedaLinks:
    """The address of each result's page, named `scheda-<tipo>` (the same for every
    backend); None for a kind whose page is not there yet.

    Each kind's address is reversed once, for a placeholder id that is then replaced:
    a map of two thousand points would otherwise reverse two thousand times. The
    addresses are kept for the requests that resolve them alike (the same URLconf,
    script prefix and language): reversing them cost a cheap search 60 µs.
    """

    _PLACEHOLDER = str(918_273_645_546_372_819)
    _templates_by_urls: dict[tuple, dict[str, str | None]] = {}

    def __init__(self) -> None:
        urls = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
        self._templates = self._templates_by_urls.setdefault(urls, {})

    def url(self, tipo: str, pk: int) -> str | None:
        if tipo not in self._templates:
            try:
                self._templates[tipo] = reverse(f"scheda-{tipo}", args=[self._PLACEHOLDER])
            except NoReverseMatch:
                self._templates[tipo] = None
        template = self._templates[tipo]
        return None if template is None else template.replace(self._PLACEHOLDER, str(pk))


def _with_agreements(hits: list[Hit], query: SearchQuery, links: SchedaLinks) -> None:
    """Each service's and PIT's Ente's agreements valid today (those for the beneficiary
    of `con_convenzione_per` when given)."""
    enti = {hit.ente["id"] for hit in hits if hit.tipo in _WITH_AGREEMENTS and hit.ente}
    if not enti:
        return
    per_ente = _agreements_in_force(enti, query, links)
    for hit in hits:
        if hit.tipo in _WITH_AGREEMENTS and hit.ente:
            hit.convenzioni_attive = per_ente.get(hit.ente["id"], [])


def _agreements_in_force(enti: set[int], query: SearchQuery, links: SchedaLinks) -> dict:
    """Per Ente id, its agreements valid on the query's day for the query's beneficiary.

    With the memo on, those of every Ente, read once per index version and day (any
    change of an agreement or a membership raises the version; agreements are a few per
    Ente, where services are many); off, those of the page's Enti, in one query. The
    lists are shared between answers: read them, never change them.
    """
    beneficiario = query.con_convenzione_per.beneficiario if query.con_convenzione_per else None

    def load(ente_ids) -> dict:
        per_ente = convenzioni_attive_per_ente(
            ente_ids,
            rete=beneficiario.rete if beneficiario else None,
            impresa=beneficiario.impresa if beneficiario else None,
            day=query.oggi,
        )
        for agreements in per_ente.values():
            for agreement in agreements:
                agreement["url"] = links.url("convenzione", agreement["id"])
        return per_ente

    if not settings.SEARCH_MEMO:
        return load(enti)
    codice = beneficiario.codice if beneficiario else None
    return memo(("convenzioni_attive", query.oggi, codice), lambda: load(None))


def suggest(prefix: str, limit: int = 8) -> tuple[str, list[dict]]:
    """The suggestions and the name of the backend that gave them."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        try:
            return "elasticsearch", _elasticsearch().suggest(prefix, limit)
        except BackendUnavailable as error:
            logger.warning("Elasticsearch unavailable (%s): answering from postgres", error)
    return postgres.NAME, postgres.suggest(prefix, limit)
