"""The search API with a page for every kind of result, named as the site names them
(`scheda-<tipo>`): what the links of the results point at once the pages exist."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import include, path


def _page(request, pk: int) -> HttpResponse:
    return HttpResponse()


urlpatterns = [
    path("api/v1/", include("marketplace.search.urls")),
    path("servizi/<int:pk>/", _page, name="scheda-servizio"),
    path("pit/punti/<int:pk>/", _page, name="scheda-pit"),
    path("convenzioni/<int:pk>/", _page, name="scheda-convenzione"),
]
