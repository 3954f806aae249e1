"""Which search backend answers, and whether it can."""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def search_backend_status() -> dict:
    """The configured backend and its state; Elasticsearch is pinged with a short timeout.

    When the cluster does not answer, searches fall back to postgres: the state
    says so rather than failing the health check.
    """
    if settings.SEARCH_BACKEND != "elasticsearch":
        return {"backend": "postgres", "state": "ok"}
    from elasticsearch import Elasticsearch

    try:
        client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=2, max_retries=0)
        reachable = bool(client.ping())
    except Exception:  # any transport or configuration error means "not usable now"
        logger.warning("Elasticsearch at %s is unreachable", settings.ELASTICSEARCH_URL)
        reachable = False
    if reachable:
        return {"backend": "elasticsearch", "state": "ok"}
    return {"backend": "postgres", "state": "fallback", "detail": "elasticsearch unreachable"}
