"""The catalogue as an Open Referral HSDS 3.1 API (servizi.hsds): the published services,
their providers and the two taxonomies, read-only and public, for integrators that speak
HSDS (directories, 211-style referral systems, the Open Referral tools).

Lists are HSDS pages (`total_items`, `total_pages`, `page_number`, `size`, `first_page`,
`last_page`, `empty`, `contents`), in a stable order (by id), so that a client can walk
them all. Every parameter is checked: a wrong one is a 400 naming it, in the reader's
language.
"""

from __future__ import annotations

import math

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api_fields import BooleanParam, FieldsBoundOnce, MomentParam
from marketplace.search.cache import memo
from marketplace.search.query import MAX_Q
from marketplace.search.text import text_groups
from servizi import hsds
from servizi.hsds import Oggetto, Tassonomia
from servizi.models import Categoria, Destinatario, Ente, Servizio, StatoServizio
from servizi.selectors import (
    ente_list,
    sede_list,
    servizi_per_integratori,
    servizi_sedi_per_integratori,
    servizio_list,
)

MAX_PER_PAGE = 200


class HsdsEndpoint(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]


class PageParams(FieldsBoundOnce, serializers.Serializer):
    # Parameters of HSDS's API that this list does not answer, with what to do instead:
    # a 400 naming them, rather than a list that ignores them and looks answered.
    not_offered: dict = {}

    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=1_000_000)
    per_page = serializers.IntegerField(
        required=False, default=50, min_value=1, max_value=MAX_PER_PAGE
    )
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_Q, trim_whitespace=True
    )


def _params(serializer_class, request: Request) -> dict:
    asked = set(request.query_params) & set(serializer_class.not_offered)
    if asked:
        raise serializers.ValidationError(
            {name: [serializer_class.not_offered[name]] for name in sorted(asked)}
        )
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


def _page(queryset, params: dict, item, count_key: tuple | None = None) -> dict:
    """An HSDS page of `queryset` (ordered), each object written by `item`. A page past
    the last is empty, as HSDS has it, and says how many there are.

    With `count_key`, the count is kept for it until the search index changes (the
    search's memo, whose version every write to the catalogue raises): counting the
    published services of a million takes 70 ms, and an integrator walking the pages
    asks the same count on every one."""
    per_page = params["per_page"]
    number = params["page"]
    start = (number - 1) * per_page
    if isinstance(queryset, QuerySet):
        total = (
            queryset.count()
            if count_key is None
            else memo(("hsds_count", *count_key), queryset.count)
        )
        objects = _rows(queryset, start, per_page) if start < total else []
    else:
        total = len(queryset)
        objects = queryset[start : start + per_page]
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(objects),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not objects,
        "contents": [item(obj) for obj in objects],
    }


def _rows(queryset: QuerySet, start: int, size: int) -> list:
    """The rows from `start`: their ids first, from the index alone, then the rows
    themselves by id. Skipping the rows before `start` costs an index entry each rather
    than a row (and its Ente) each: page 10,000 of a million services is the walk of an
    integrator reading them all."""
    ids = list(
        queryset.select_related(None)
        .prefetch_related(None)
        .values_list("pk", flat=True)[start : start + size]
    )
    by_id = queryset.order_by().in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]  # unless deleted meanwhile


def _row_number(value: str, kind: Oggetto, field: str) -> int:
    number = hsds.parse_id(value, kind)
    if number is None:
        raise serializers.ValidationError(
            {field: [_("«%(value)s» non è un id di questo catalogo.") % {"value": value}]}
        )
    return number


def _found(queryset: QuerySet, id: str, kind: Oggetto, missing: str):
    """The object of `queryset` with this id, or a 404 saying `missing`."""
    pk = hsds.parse_id(id, kind)
    found = queryset.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404(missing)
    return found


def _page_url(request: Request, name: str, pk: int) -> str:
    return request.build_absolute_uri(reverse(name, args=[pk]))


def _service(request: Request, servizio: Servizio, write=hsds.service_summary) -> dict:
    """A service written by `write`, with the addresses of its page and its Ente's."""
    return write(
        servizio,
        page_url=_page_url(request, "scheda-servizio", servizio.pk),
        ente_page_url=_page_url(request, "scheda-ente", servizio.ente_id),
    )


# Root


class HsdsRootView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_root",
        tags=["hsds"],
        summary="HSDS: versione e profilo",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": hsds.HSDS_PROFILE,
                "openapi_url": request.build_absolute_uri(reverse("schema")),
                "description": _(
                    "Catalogo dei servizi di welfare territoriale pubblicati, con i loro enti, "
                    "sedi, orari e categorie, nel formato Open Referral HSDS 3.1."
                ),
                "publisher": {
                    "name": _("Welfare territoriale"),
                    "website": request.build_absolute_uri("/"),
                },
            }
        )


# Services


_NEAR = gettext_lazy(
    "Non disponibile qui: per i servizi vicino a un punto usa la ricerca, "
    "/api/v1/cerca/?lat=…&lon=…&raggio_km=…"
)


class ServiceFilterParams(PageParams):
    """What the services and the services at their places are filtered by."""

    not_offered = {"postcode": _NEAR, "proximity": _NEAR}
    taxonomy_term_id = serializers.CharField(required=False)
    taxonomy_id = serializers.CharField(required=False)
    organization_id = serializers.CharField(required=False)
    modified_after = MomentParam(required=False)
    full = BooleanParam(required=False, default=False)


class ServicesParams(ServiceFilterParams):
    minimal = BooleanParam(required=False, default=False)


def _count_key(endpoint: str, params: dict) -> tuple:
    """What a list's count depends on: the endpoint and its filters, whatever the page
    and the form of each object."""
    return (
        endpoint,
        *sorted(
            (name, str(value))
            for name, value in params.items()
            if name not in ("page", "per_page", "minimal", "full")
        ),
    )


def _service_filters(params: dict) -> dict:
    """The filters of servizi_per_integratori the parameters ask for, their ids read
    into rows."""
    filters = {}
    if params.get("search"):
        if not text_groups(params["search"]):
            raise serializers.ValidationError(
                {
                    "search": [
                        _(
                            "Nessuna parola da cercare: scrivi almeno una parola che non sia "
                            "un articolo o una preposizione."
                        )
                    ]
                }
            )
        filters["testo"] = params["search"]
    if "organization_id" in params:
        pk = _row_number(params["organization_id"], Oggetto.ORGANIZATION, "organization_id")
        if not Ente.objects.filter(pk=pk).exists():
            raise serializers.ValidationError(
                {"organization_id": [_("Nessun ente con questo id.")]}
            )
        filters["ente_id"] = pk
    filters.update(_classified(params))
    if "modified_after" in params:
        filters["modificati_dal"] = params["modified_after"]
    return filters


def _classified(params: dict) -> dict:
    """The filters of servizi_per_integratori that `taxonomy_term_id` and `taxonomy_id`
    ask for: a category (with those below it) or a target group; any term of a
    taxonomy."""
    filters = {}
    if "taxonomy_term_id" in params:
        value = params["taxonomy_term_id"]
        destinatario = hsds.parse_target_term(value)
        if destinatario is not None:
            filters["destinatario"] = destinatario
        else:
            pk = hsds.parse_id(value, Oggetto.TAXONOMY_TERM)
            categoria = Categoria.objects.filter(pk=pk).first() if pk is not None else None
            if categoria is None:
                raise serializers.ValidationError(
                    {"taxonomy_term_id": [_("Nessun termine delle tassonomie con questo id.")]}
                )
            filters["categoria"] = categoria
    if "taxonomy_id" in params:
        tassonomia = _taxonomy(params["taxonomy_id"], "taxonomy_id")
        filters["con_destinatari" if tassonomia is Tassonomia.DESTINATARI else "con_categorie"] = (
            True
        )
    return filters


def _taxonomy(value: str, field: str) -> Tassonomia:
    number = hsds.parse_id(value, Oggetto.TAXONOMY)
    if number not in set(Tassonomia):
        raise serializers.ValidationError({field: [_("Nessuna tassonomia con questo id.")]})
    return Tassonomia(number)


_PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description=gettext_lazy("Numero di pagina, da 1.")),
    OpenApiParameter(
        "per_page", int, description=gettext_lazy("Elementi per pagina, da 1 a 200 (50).")
    ),
    OpenApiParameter(
        "search",
        str,
        description=gettext_lazy(
            "Parole da cercare (in italiano, con radici, accenti e sinonimi del dominio)."
        ),
    ),
]


_TERM_PARAMETERS = [
    OpenApiParameter(
        "taxonomy_term_id",
        str,
        description=gettext_lazy(
            "Una categoria (con le sottocategorie) o un gruppo di destinatari."
        ),
    ),
    OpenApiParameter("taxonomy_id", str),
]


class ServicesView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_services",
        tags=["hsds"],
        summary="HSDS: servizi pubblicati, una pagina alla volta",
        parameters=[
            *_PAGE_PARAMETERS,
            *_TERM_PARAMETERS,
            OpenApiParameter("organization_id", str),
            OpenApiParameter(
                "modified_after",
                OpenApiTypes.DATETIME,
                description=gettext_lazy("Solo i servizi modificati da quel momento."),
            ),
            OpenApiParameter(
                "minimal", bool, description=gettext_lazy("Solo id e ultima modifica.")
            ),
            OpenApiParameter(
                "full",
                bool,
                description=gettext_lazy("Servizi completi: sedi, orari, lingue, categorie…"),
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = _params(ServicesParams, request)
        queryset = servizi_per_integratori(completi=params["full"], **_service_filters(params))
        count_key = _count_key("services", params)
        if params["minimal"]:
            queryset = (
                queryset.select_related(None).prefetch_related(None).only("pk", "aggiornato_il")
            )
            return Response(_page(queryset, params, hsds.service_minimal, count_key))
        write = hsds.service if params["full"] else hsds.service_summary
        return Response(
            _page(queryset, params, lambda servizio: _service(request, servizio, write), count_key)
        )


class ServiceView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_service",
        tags=["hsds"],
        summary="HSDS: un servizio pubblicato, completo",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, id):
        servizio = _found(
            servizio_list(pubblicati=True),
            id,
            Oggetto.SERVICE,
            _("Nessun servizio pubblicato con questo id."),
        )
        return Response(_service(request, servizio, hsds.service))


# Services at their places


class ServiceAtLocationsView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_service_at_locations",
        tags=["hsds"],
        summary="HSDS: i servizi pubblicati nelle loro sedi, una pagina alla volta",
        description=gettext_lazy(
            "Una voce per servizio e sede, con la sede e il servizio (completo con full=true); "
            "i servizi solo a domicilio non hanno sede e non ci sono."
        ),
        parameters=[
            *_PAGE_PARAMETERS,
            *_TERM_PARAMETERS,
            OpenApiParameter("organization_id", str),
            OpenApiParameter("modified_after", OpenApiTypes.DATETIME),
            OpenApiParameter("full", bool),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = _params(ServiceFilterParams, request)
        queryset = servizi_sedi_per_integratori(completi=params["full"], **_service_filters(params))
        write = hsds.service if params["full"] else hsds.service_summary
        return Response(
            _page(
                queryset,
                params,
                lambda row: _at_location(request, row.servizio, row.sede, write),
                _count_key("service_at_locations", params),
            )
        )


def _at_location(request: Request, servizio: Servizio, sede, write) -> dict:
    return {
        **hsds.service_at_location(servizio.pk, sede),
        "service": _service(request, servizio, write),
    }


class ServiceAtLocationView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_service_at_location",
        tags=["hsds"],
        summary="HSDS: un servizio pubblicato in una sua sede, con il servizio completo",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, id):
        pair = hsds.parse_service_at_location(id)
        row = (
            servizi_sedi_per_integratori(completi=True)
            .filter(servizio_id=pair[0], sede_id=pair[1])
            .first()
            if pair
            else None
        )
        if row is None:
            raise Http404(_("Nessun servizio pubblicato in una sede con questo id."))
        return Response(_at_location(request, row.servizio, row.sede, hsds.service))


# Organizations


_FULL_ORGANIZATION = gettext_lazy(
    "Non disponibile negli elenchi: un ente con le sue sedi e i suoi servizi è in "
    "/api/hsds/organizations/{id}, i servizi completi in /api/hsds/services?full=true."
)


# Which Enti have a service of a category is a semi-join of the services of the category
# (165,000 of a million for "anziani": 0.8 s a page): each service says its Ente.
_CLASSIFIED_ORGANIZATION = gettext_lazy(
    "Non disponibile per gli enti: chiedi /api/hsds/services con lo stesso parametro, "
    "ogni servizio dice il suo ente (organization)."
)


class OrganizationsParams(PageParams):
    not_offered = {
        "full": _FULL_ORGANIZATION,
        "full_service": _FULL_ORGANIZATION,
        "taxonomy_term_id": _CLASSIFIED_ORGANIZATION,
        "taxonomy_id": _CLASSIFIED_ORGANIZATION,
    }


class OrganizationsView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_organizations",
        tags=["hsds"],
        summary="HSDS: enti, una pagina alla volta",
        parameters=_PAGE_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = _params(OrganizationsParams, request)
        queryset = ente_list().order_by("pk")
        if params.get("search"):
            queryset = queryset.filter(nome__icontains=params["search"])
        return Response(
            _page(
                queryset,
                params,
                lambda ente: hsds.organization(
                    ente, page_url=_page_url(request, "scheda-ente", ente.pk)
                ),
            )
        )


class OrganizationView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_organization",
        tags=["hsds"],
        summary="HSDS: un ente, con le sue sedi e i suoi servizi pubblicati",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, id):
        ente = _found(ente_list(), id, Oggetto.ORGANIZATION, _("Nessun ente con questo id."))
        pk = ente.pk
        servizi = Servizio.objects.filter(ente=ente, stato=StatoServizio.PUBBLICATO).order_by("pk")
        return Response(
            {
                **hsds.organization(ente, page_url=_page_url(request, "scheda-ente", pk)),
                "locations": [
                    hsds.location(sede) for sede in sede_list().filter(ente=ente).order_by("pk")
                ],
                # The services' own fields: each in full at services/{id}.
                "services": [
                    {
                        "id": hsds.hsds_id(Oggetto.SERVICE, servizio.pk),
                        "organization_id": hsds.hsds_id(Oggetto.ORGANIZATION, pk),
                        "name": servizio.titolo,
                        "status": "active",
                    }
                    for servizio in servizi.only("pk", "titolo")
                ],
            }
        )


# Taxonomies


class TaxonomiesView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_taxonomies",
        tags=["hsds"],
        summary="HSDS: le tassonomie (bisogni, destinatari)",
        parameters=_PAGE_PARAMETERS[:2],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = _params(PageParams, request)
        return Response(_page(list(Tassonomia), params, hsds.taxonomy))


class TaxonomyView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_taxonomy",
        tags=["hsds"],
        summary="HSDS: una tassonomia",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, id):
        number = hsds.parse_id(id, Oggetto.TAXONOMY)
        if number not in set(Tassonomia):
            raise Http404(_("Nessuna tassonomia con questo id."))
        return Response(hsds.taxonomy(Tassonomia(number)))


class TaxonomyTermsParams(PageParams):
    taxonomy_id = serializers.CharField(required=False)
    parent_id = serializers.CharField(required=False)
    top_only = BooleanParam(required=False, default=False)


def _terms(params: dict) -> list[dict]:
    """The terms of both taxonomies, the categories first (by code), as asked."""
    categorie = Categoria.objects.order_by("codice")
    destinatari = list(Destinatario)
    if "taxonomy_id" in params:
        if _taxonomy(params["taxonomy_id"], "taxonomy_id") is Tassonomia.CATEGORIE:
            destinatari = []
        else:
            categorie = categorie.none()
    if "parent_id" in params:
        pk = _row_number(params["parent_id"], Oggetto.TAXONOMY_TERM, "parent_id")
        if not Categoria.objects.filter(pk=pk).exists():
            raise serializers.ValidationError(
                {"parent_id": [_("Nessun termine delle tassonomie con questo id.")]}
            )
        categorie, destinatari = categorie.filter(genitore_id=pk), []
    if params["top_only"]:
        categorie = categorie.filter(genitore__isnull=True)
    if params.get("search"):
        text = params["search"]
        categorie = categorie.filter(
            Q(nome__icontains=text) | Q(nome_en__icontains=text) | Q(codice__icontains=text)
        )
        destinatari = [d for d in destinatari if text.lower() in str(d.label).lower()]
    return [
        *map(hsds.category_term, categorie),
        *map(hsds.target_term, destinatari),
    ]


class TaxonomyTermsView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_taxonomy_terms",
        tags=["hsds"],
        summary="HSDS: i termini delle tassonomie",
        parameters=[
            *_PAGE_PARAMETERS,
            OpenApiParameter("taxonomy_id", str),
            OpenApiParameter(
                "parent_id", str, description=gettext_lazy("Le sottocategorie di questa.")
            ),
            OpenApiParameter(
                "top_only", bool, description=gettext_lazy("Solo i termini senza madre.")
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = _params(TaxonomyTermsParams, request)
        return Response(_page(_terms(params), params, lambda term: term))


class TaxonomyTermView(HsdsEndpoint):
    @extend_schema(
        operation_id="hsds_taxonomy_term",
        tags=["hsds"],
        summary="HSDS: un termine delle tassonomie",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, id):
        destinatario = hsds.parse_target_term(id)
        if destinatario is not None:
            return Response(hsds.target_term(destinatario))
        categoria = _found(
            Categoria.objects.all(),
            id,
            Oggetto.TAXONOMY_TERM,
            _("Nessun termine delle tassonomie con questo id."),
        )
        return Response(hsds.category_term(categoria))
