from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination

from servizi import services
from servizi.models import Categoria, Ente, Servizio, StatoServizio
from servizi.permissions import can_edit_ente, editable_enti, is_curator
from servizi.selectors import ente_list, sede_list, servizio_list

from .filters import EnteFilter, SedeFilter, ServizioFilter
from .permissions import CatalogoPermission
from .serializers import (
    CategoriaSerializer,
    EnteSerializer,
    SedeInputSerializer,
    SedeSerializer,
    ServizioInputSerializer,
    ServizioSerializer,
)


class CatalogPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class GeoCatalogPagination(GeoJsonPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@contextmanager
def validation_errors_as_400():
    """A service's ValidationError becomes a 400 naming the fields (DRF's shape)."""
    try:
        yield
    except DjangoValidationError as error:
        detail = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {"non_field_errors": error.messages}
        )
        raise ValidationError(detail) from error


def _check_can_edit(user, ente: Ente) -> None:
    if not can_edit_ente(user, ente):
        raise PermissionDenied(
            _("Non sei referente di questo ente: puoi modificare solo i dati dei tuoi enti.")
        )


class CategoriaViewSet(viewsets.ReadOnlyModelViewSet):
    """The taxonomy of needs; a category's code is a stable dotted path (infanzia.nido)."""

    queryset = Categoria.objects.select_related("genitore").order_by("codice")
    serializer_class = CategoriaSerializer
    pagination_class = CatalogPagination
    lookup_field = "codice"
    lookup_value_regex = r"[a-z0-9.\-]+"


class EnteViewSet(viewsets.ModelViewSet):
    """Providers. Curators create them; an Ente's referents edit only their own."""

    serializer_class = EnteSerializer
    pagination_class = CatalogPagination
    permission_classes = [CatalogoPermission]
    filterset_class = EnteFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return ente_list().order_by("nome", "id")

    def perform_create(self, serializer):
        if not is_curator(self.request.user):
            raise PermissionDenied(_("Solo la redazione può aggiungere nuovi enti."))
        with validation_errors_as_400():
            serializer.instance = services.ente_create(
                actor=self.request.user, **serializer.validated_data
            )

    def perform_update(self, serializer):
        with validation_errors_as_400():
            services.ente_update(
                ente=serializer.instance, actor=self.request.user, **serializer.validated_data
            )


class SedeViewSet(viewsets.ModelViewSet):
    """Places of the providers, as GeoJSON.

    `in_bbox=minlon,minlat,maxlon,maxlat` keeps those in the map's view.
    """

    pagination_class = GeoCatalogPagination
    permission_classes = [CatalogoPermission]
    filter_backends = [DjangoFilterBackend, InBBoxFilter]
    filterset_class = SedeFilter
    bbox_filter_field = "punto"
    bbox_filter_include_overlapping = True
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return sede_list().order_by("ente__nome", "nome", "id")

    def get_serializer_class(self):
        return (
            SedeInputSerializer if self.action in {"create", "partial_update"} else SedeSerializer
        )

    @extend_schema(request=SedeInputSerializer, responses=SedeSerializer)
    def create(self, request, *args, **kwargs):
        data = SedeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        _check_can_edit(request.user, fields["ente"])
        with validation_errors_as_400():
            sede = services.sede_create(actor=request.user, **fields)
        return Response(SedeSerializer(sede).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SedeInputSerializer, responses=SedeSerializer)
    def partial_update(self, request, *args, **kwargs):
        sede = self.get_object()
        data = SedeInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "ente" in fields:
            _check_can_edit(request.user, fields["ente"])
        with validation_errors_as_400():
            sede = services.sede_update(sede=sede, actor=request.user, **fields)
        return Response(SedeSerializer(sede).data)


class ServizioViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Services as GeoJSON Features (geometry: the points of their places).

    Anyone sees published services; editors also see the drafts and archived
    services of the Enti they may edit (curators: all).
    """

    pagination_class = GeoCatalogPagination
    permission_classes = [CatalogoPermission]
    filterset_class = ServizioFilter
    serializer_class = ServizioSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        queryset = servizio_list(pubblicati=False)
        if not is_curator(user):
            queryset = queryset.filter(
                Q(stato=StatoServizio.PUBBLICATO) | Q(ente__in=editable_enti(user))
            )
        return queryset.order_by("titolo", "id")

    def _input(self, partial: bool) -> dict:
        data = ServizioInputSerializer(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "orario" in fields:
            fields["fasce"] = fields.pop("orario")
        return fields

    def _output(self, servizio: Servizio, status_code=status.HTTP_200_OK) -> Response:
        return Response(
            self.get_serializer(self.get_queryset().get(pk=servizio.pk)).data, status=status_code
        )

    @extend_schema(request=ServizioInputSerializer, responses=ServizioSerializer)
    def create(self, request, *args, **kwargs):
        fields = self._input(partial=False)
        _check_can_edit(request.user, fields["ente"])
        with validation_errors_as_400():
            servizio = services.servizio_create(actor=request.user, **fields)
        return self._output(servizio, status.HTTP_201_CREATED)

    @extend_schema(request=ServizioInputSerializer, responses=ServizioSerializer)
    def partial_update(self, request, *args, **kwargs):
        servizio = self.get_object()
        fields = self._input(partial=True)
        if "ente" in fields:
            _check_can_edit(request.user, fields["ente"])
        with validation_errors_as_400():
            servizio = services.servizio_update(servizio=servizio, actor=request.user, **fields)
        return self._output(servizio)
