"""The agreements API: the same permissions as the pages (convenzioni.permissions)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from convenzioni import services
from convenzioni.permissions import convenzioni_visibili
from convenzioni.selectors import beneficiario_da_codice, convenzione_list, impresa_list, rete_list
from servizi.api.views import CatalogPagination, validation_errors_as_400

from .filters import ConvenzioneFilter, ImpresaFilter
from .serializers import (
    ConfermaUtilizzoSerializer,
    ConvenzioneInputSerializer,
    ConvenzioneSerializer,
    ImpresaSerializer,
    NotaSerializer,
    ReteSerializer,
    RichiestaUtilizzoSerializer,
    UtilizzoSerializer,
)


@extend_schema(tags=["convenzioni"])
class ReteViewSet(viewsets.ReadOnlyModelViewSet):
    """Company networks (their join codes are never shown: workers get them from their firm)."""

    serializer_class = ReteSerializer
    pagination_class = CatalogPagination
    lookup_field = "slug"

    def get_queryset(self):
        return rete_list()


@extend_schema(tags=["convenzioni"])
class ImpresaViewSet(viewsets.ReadOnlyModelViewSet):
    """Member companies, with their memberships (network and dates)."""

    serializer_class = ImpresaSerializer
    pagination_class = CatalogPagination
    filterset_class = ImpresaFilter
    lookup_field = "slug"

    def get_queryset(self):
        return impresa_list()


@extend_schema(tags=["convenzioni"])
class ConvenzioneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Agreements. Anyone sees the published ones (and the expired, marked so); an Ente's
    referents also see and edit all of their Ente's; network administrators see those
    submitted to their networks and moderate them; curators see everything."""

    serializer_class = ConvenzioneSerializer
    pagination_class = CatalogPagination
    filterset_class = ConvenzioneFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = convenzioni_visibili(self.request.user, convenzione_list())
        return queryset.order_by("-data_inizio", "titolo", "id")

    def _output(self, convenzione, status_code=status.HTTP_200_OK) -> Response:
        fresh = convenzione_list().get(pk=convenzione.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def _input(self, *, partial: bool) -> dict:
        data = ConvenzioneInputSerializer(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(
        request=ConvenzioneInputSerializer,
        responses={201: ConvenzioneSerializer},
        description="Crea una bozza. Solo i referenti dell'ente (o la redazione).",
    )
    def create(self, request, *args, **kwargs):
        fields = self._input(partial=False)
        fields.pop("rimetti_in_revisione", None)
        with validation_errors_as_400():
            convenzione = services.convenzione_create(actor=request.user, **fields)
        return self._output(convenzione, status.HTTP_201_CREATED)

    @extend_schema(
        request=ConvenzioneInputSerializer,
        responses=ConvenzioneSerializer,
        description=(
            "Modifica. Una convenzione pubblicata, scaduta o ritirata si modifica solo con "
            "`rimetti_in_revisione: true` (torna in revisione); altrimenti 400, che nomina "
            "ogni campo cambiato, e nulla è salvato. L'ente non si cambia."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        convenzione = self.get_object()
        fields = self._input(partial=True)
        ente = fields.pop("ente", None)
        if ente is not None and ente != convenzione.ente:
            raise ValidationError({"ente": [_("L'ente di una convenzione non si cambia.")]})
        with validation_errors_as_400():
            convenzione = services.convenzione_update(
                convenzione=convenzione, actor=request.user, **fields
            )
        return self._output(convenzione)

    def _transition(self, service, **kwargs) -> Response:
        convenzione = self.get_object()
        with validation_errors_as_400():
            convenzione = service(convenzione=convenzione, actor=self.request.user, **kwargs)
        return self._output(convenzione)

    def _nota(self) -> str:
        data = NotaSerializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data.get("nota", "")

    @extend_schema(request=None, responses=ConvenzioneSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def invia(self, request, pk=None):
        """bozza → in_revisione (referenti dell'ente)."""
        return self._transition(services.convenzione_invia)

    @extend_schema(request=None, responses=ConvenzioneSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def approva(self, request, pk=None):
        """in_revisione → pubblicata (amministratori delle reti a cui è rivolta)."""
        return self._transition(services.convenzione_approva)

    @extend_schema(request=NotaSerializer, responses=ConvenzioneSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def respingi(self, request, pk=None):
        """in_revisione → bozza, con il motivo (amministratori delle reti)."""
        return self._transition(services.convenzione_respingi, nota=self._nota())

    @extend_schema(request=NotaSerializer, responses=ConvenzioneSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def ritira(self, request, pk=None):
        """in_revisione o pubblicata → ritirata (moderatori, con motivo; o l'ente stesso)."""
        return self._transition(services.convenzione_ritira, nota=self._nota())

    @extend_schema(
        request=RichiestaUtilizzoSerializer,
        responses={
            201: UtilizzoSerializer,
            400: OpenApiResponse(description="Non valida oggi per quel beneficiario."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[])
    def utilizzi(self, request, pk=None):
        """A personal redemption code for an employee of a company (or a network's member)."""
        convenzione = self.get_object()
        data = RichiestaUtilizzoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            beneficiario = beneficiario_da_codice(data.validated_data["beneficiario"])
        except DjangoValidationError as error:
            raise ValidationError({"beneficiario": error.messages}) from error
        with validation_errors_as_400():
            utilizzo = services.utilizzo_richiedi(
                convenzione=convenzione, beneficiario=beneficiario
            )
        return Response(UtilizzoSerializer(utilizzo).data, status=status.HTTP_201_CREATED)


class ConfermaUtilizzoView(APIView):
    """The provider confirms the code a worker showed (referents of the offering Ente)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ConfermaUtilizzoSerializer,
        responses={200: UtilizzoSerializer},
        tags=["convenzioni"],
    )
    def post(self, request):
        data = ConfermaUtilizzoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with validation_errors_as_400():
            utilizzo = services.utilizzo_conferma(
                codice=data.validated_data["codice"], actor=request.user
            )
        return Response(UtilizzoSerializer(utilizzo).data)
