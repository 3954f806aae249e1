"""Test settings: the base settings with what makes tests fast and hermetic."""

from .base import *  # noqa: F403
from .base import STORAGES

# Tests never talk to a search cluster unless the live Elasticsearch tests ask for it.
SEARCH_BACKEND = "postgres"
# Tests roll their changes back, and with them the index version the cache keys on:
# the cache and the memo are tested on their own (tests/search/test_cache.py).
SEARCH_CACHE_SECONDS = 0
SEARCH_MEMO = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests: serve from the finders, without the manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
