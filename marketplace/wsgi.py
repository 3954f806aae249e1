"""WSGI entry point, as served by gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

application = get_wsgi_application()


def _freeze_what_lives_as_long_as_the_worker() -> None:
    """The URLconf loaded now (with the views, serializers and DRF it imports, as the
    first request would), then everything loaded so far moved out of the cycle
    collector's reach (gc.freeze): it lives as long as the worker anyway. A worker holds
    120,000 such objects, and each full collection visited them all, pausing whichever
    request was being answered for 69-97 ms; without them, 13-18 (bench/RESULTS.md,
    stop 51)."""
    get_resolver().url_patterns  # noqa: B018 - read for the imports it makes
    gc.collect()
    gc.freeze()


_freeze_what_lives_as_long_as_the_worker()
