"""Which backend answers: Elasticsearch when configured and reachable, postgres otherwise."""

from __future__ import annotations

import logging

from django.conf import settings

from .backends import postgres
from .query import SearchQuery
from .results import MapResult, SearchResult

logger = logging.getLogger(__name__)


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
    return _answer("search", query, facets=facets)


def map_view(query: SearchQuery, zoom: int) -> MapResult:
    return _answer("map_view", query, zoom)


def suggest(prefix: str, limit: int = 8) -> tuple[str, list[dict]]:
    """The suggestions and the name of the backend that gave them."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        try:
            return "elasticsearch", _elasticsearch().suggest(prefix, limit)
        except BackendUnavailable as error:
            logger.warning("Elasticsearch unavailable (%s): answering from postgres", error)
    return postgres.NAME, postgres.suggest(prefix, limit)
