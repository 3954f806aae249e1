from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework_gis.pagination import GeoJsonPagination

from geo_data.selectors import ambito_list, comune_list, simplified

from .serializers import (
    AmbitoSerializer,
    ComuneQuerySerializer,
    ComuneSerializer,
    GeometryQuerySerializer,
)


class BoundaryPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500  # a region's boundaries in a few pages, never unbounded


def _validated(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


@extend_schema(parameters=[ComuneQuerySerializer])
class ComuneViewSet(viewsets.ReadOnlyModelViewSet):
    """Comuni (ISTAT boundaries, Openpolis, CC BY 4.0) as GeoJSON, simplified for display."""

    serializer_class = ComuneSerializer
    pagination_class = BoundaryPagination
    lookup_field = "codice_istat"
    filter_backends = []

    def get_queryset(self):
        query = _validated(ComuneQuerySerializer, self.request)
        return (
            comune_list(
                regione=query.get("regione", ""),
                provincia=query.get("provincia", ""),
                ambito=query.get("ambito", ""),
                in_ambito=query["in_ambito"],
            )
            .defer("geometria")
            .annotate(geometria_semplificata=simplified("geometria", query["tolleranza"]))
            .prefetch_related("ambiti")
            .order_by("nome", "codice_istat")
        )


@extend_schema(parameters=[GeometryQuerySerializer])
class AmbitoViewSet(viewsets.ReadOnlyModelViewSet):
    """Social districts with their member Comuni and their union boundary, simplified."""

    serializer_class = AmbitoSerializer
    pagination_class = BoundaryPagination
    lookup_field = "slug"
    filter_backends = []

    def get_queryset(self):
        query = _validated(GeometryQuerySerializer, self.request)
        return (
            ambito_list()
            .defer("geometria")
            .annotate(geometria_semplificata=simplified("geometria", query["tolleranza"]))
            .order_by("nome")
        )
