from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from geo_data.selectors import ambito_list
from servizi.models import Ente

from .search.health import search_backend_status


def home(request: HttpRequest) -> HttpResponse:
    """The map of the territory: districts and their Comuni drawn as the base layer."""
    ambiti = ambito_list().defer("geometria").order_by("nome")
    return render(
        request,
        "marketplace/home.html",
        {
            "ambiti": ambiti,
            "attribuzione": settings.DATA_ATTRIBUTION,
            "ci_sono_dati_demo": Ente.objects.filter(demo=True).exists(),
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and humans: 503 when the database is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            (postgis,) = cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse(
            {"status": "error", "database": "unreachable", "detail": error.__class__.__name__},
            status=503,
        )
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "postgis": postgis,
            "search": search_backend_status(),
        }
    )
