"""Search endpoints: results with facets, type-ahead suggestions, map clusters."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_fields import BooleanParam, FieldsBoundOnce

from . import service
from .cache import CACHE_HEADER, cached_answer
from .query import BBOX_HELP, SearchParamsSerializer

BACKEND_HEADER = "X-Search-Backend"


class SearchEndpoint(APIView):
    """What the search endpoints share: public answers that never depend on who asks (no
    session or user to load), rendered by orjson (plain dicts, lists, strings and
    numbers: 0.01 ms for a page of results, where DRF's encoder takes 0.3)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]


class CercaParamsSerializer(SearchParamsSerializer):
    facette = BooleanParam(
        required=False,
        default=True,
        help_text=_("Conteggi per categoria, tipo di ente, Comune, Ambito."),
    )


class MappaParamsSerializer(SearchParamsSerializer):
    # Required here, so that the API schema says so too (a client generated from it
    # would otherwise send maps without their bbox); checked as the search's bbox.
    bbox = serializers.CharField(
        help_text=BBOX_HELP,
        error_messages={"required": _("La mappa ha bisogno del riquadro visibile.")},
    )
    zoom = serializers.IntegerField(min_value=0, max_value=20)


class SuggerimentiParamsSerializer(FieldsBoundOnce, serializers.Serializer):
    q = serializers.CharField(min_length=1, max_length=100)
    limite = serializers.IntegerField(required=False, min_value=1, max_value=20, default=8)


def _params(serializer_class, request):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params


def _respond(endpoint: str, request, compute) -> Response:
    """The answer of `compute()`, which validates the parameters and then searches, from
    the cache when the same question was just answered on the same data (so it was
    valid: a change of the categories or networks validation reads raises the index
    version too; Comuni and Ambiti change only when the territory is reloaded). Bad
    parameters raise a 400, and nothing is stored."""
    body, cache_state = cached_answer(endpoint, request, compute)
    return Response(body, headers={BACKEND_HEADER: body["backend"], CACHE_HEADER: cache_state})


def _read_from_text(reading) -> dict | None:
    """What was read from the text (a place, when it must be open), or None."""
    return reading.as_dict() if reading else None


class CercaView(SearchEndpoint):
    """One search over services, info points and agreements.

    Text in Italian (stems, accents, typos, synonyms, prefix of the last word),
    filters, distance from a point, facets. Says which backend answered.
    """

    @extend_schema(parameters=[CercaParamsSerializer], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        def compute() -> dict:
            params = _params(CercaParamsSerializer, request)
            query = params.to_query()
            result = service.search(query, facets=params.validated_data["facette"])
            return {
                **result.as_dict(),
                "q": query.q,
                "corretta": query.q != query.q_digitata,
                "luogo_dal_testo": _read_from_text(query.luogo_dal_testo),
                "luogo_come_parole": _read_from_text(query.luogo_come_parole),
                "aperto_dal_testo": _read_from_text(query.aperto_dal_testo),
                "parole_ignorate": query.parole_ignorate,
                "parole_non_trovate": list(query.parole_non_trovate),
                "proposte": dict(query.proposte),
                "pagina": query.pagina,
                "per_pagina": query.per_pagina,
            }

        return _respond("cerca", request, compute)


class MappaView(SearchEndpoint):
    """The map: clusters (count, centre, bounds) at low zoom, single points when zoomed in."""

    @extend_schema(parameters=[MappaParamsSerializer], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        def compute() -> dict:
            params = _params(MappaParamsSerializer, request)
            return service.map_view(params.to_query(), params.validated_data["zoom"]).as_dict()

        return _respond("mappa", request, compute)


class SuggerimentiView(SearchEndpoint):
    """Type-ahead: categories and titles for what has been typed so far."""

    @extend_schema(parameters=[SuggerimentiParamsSerializer], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        def compute() -> dict:
            params = _params(SuggerimentiParamsSerializer, request)
            backend, suggestions = service.suggest(
                params.validated_data["q"], params.validated_data["limite"]
            )
            return {"backend": backend, "suggerimenti": suggestions}

        return _respond("suggerimenti", request, compute)


class PingView(SearchEndpoint):
    """The framework's floor: what an API answer costs with no work (for benchmarks)."""

    @extend_schema(responses={200: OpenApiResponse(description="ok")})
    def get(self, request):
        return Response({"ok": True})
