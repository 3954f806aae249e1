"""The PIT API: the same permissions as the console (punti_informazione.permissions)."""

from __future__ import annotations

import csv

from django.contrib.gis.geos import Point
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.filters import InBBoxFilter

from servizi.api.views import CatalogPagination, GeoCatalogPagination, validation_errors_as_400

from .. import permissions, services
from ..models import Consultazione, Operatore, Scheda
from ..selectors import (
    consultazione_list,
    punti_aperti_piu_vicini,
    punto_list,
    scheda_list,
    scheda_per_token,
)
from ..services import ConsultazioneCongelata
from ..views import osservatorio_richiesto
from .filters import ConsultazioneFilter, PuntoFilter
from .serializers import (
    ConsultazioneInputSerializer,
    ConsultazioneSerializer,
    NotaInputSerializer,
    OperatoreSerializer,
    OsservatorioSerializer,
    PiuVicinoParamsSerializer,
    PuntoInputSerializer,
    PuntoSerializer,
    SchedaCondivisaSerializer,
    SchedaInputSerializer,
    SchedaSerializer,
    VoceInputSerializer,
)


class Congelata(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "congelata"


def _forbid_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# ------------------------------------------------------------------------- PITs


class PuntoViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Punti di Informazione Territoriale as GeoJSON Features (at the point of their place).

    Anyone sees the active ones; operators and administrators also the inactive
    PITs they can see. A PIT is never deleted: it is deactivated (`attivo=false`).
    """

    serializer_class = PuntoSerializer
    pagination_class = GeoCatalogPagination
    filter_backends = [DjangoFilterBackend, InBBoxFilter]
    filterset_class = PuntoFilter
    bbox_filter_field = "sede__punto"
    bbox_filter_include_overlapping = True
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in {"list", "retrieve", "piu_vicino"}:
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        visibili = permissions.punti_visibili(self.request.user)
        return punto_list().filter(Q(attivo=True) | Q(pk__in=visibili)).order_by("nome", "pk")

    def _input(self, partial: bool) -> dict:
        data = PuntoInputSerializer(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "orario" in fields:
            fields["fasce"] = fields.pop("orario")
        return fields

    def _output(self, punto, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(punto_list().get(pk=punto.pk)).data, status=code)

    @extend_schema(request=PuntoInputSerializer, responses={201: PuntoSerializer})
    def create(self, request, *args, **kwargs):
        fields = self._input(partial=False)
        _forbid_unless(
            permissions.can_create_punto_at(request.user, fields["sede"]),
            _("Solo gli amministratori della rete o dell'Ambito della sede aggiungono PIT."),
        )
        with validation_errors_as_400():
            punto = services.punto_create(actor=request.user, **fields)
        return self._output(punto, status.HTTP_201_CREATED)

    @extend_schema(request=PuntoInputSerializer, responses=PuntoSerializer)
    def partial_update(self, request, *args, **kwargs):
        punto = self.get_object()
        fields = self._input(partial=True)
        field_names = {"orario" if name == "fasce" else name for name in fields}
        _forbid_unless(
            permissions.can_edit_punto(request.user, punto),
            _("Puoi modificare solo i dati dei punti in cui lavori."),
        )
        refused = permissions.campi_non_permessi(request.user, punto, field_names)
        _forbid_unless(
            not refused,
            _("Questi campi li cambiano gli amministratori dell'Ambito o della rete: %(c)s.")
            % {"c": ", ".join(refused)},
        )
        if "sede" in fields:
            _forbid_unless(
                permissions.can_create_punto_at(request.user, fields["sede"]),
                _("La nuova sede è fuori dagli Ambiti che amministri."),
            )
        with validation_errors_as_400():
            punto = services.punto_update(punto=punto, actor=request.user, **fields)
        return self._output(punto)

    @extend_schema(
        parameters=[PiuVicinoParamsSerializer],
        responses=PuntoSerializer(many=True),
        summary="I PIT aperti più vicini a un punto",
        description=(
            "I PIT attivi aperti adesso (o a `quando`) in ordine di distanza dal punto "
            "(`lat`, `lon`), in metri sul terreno (`distanza_m`); `limite` quanti (1–20). "
            "Un PIT senza orario non conta come aperto. Risponde con una FeatureCollection, "
            "vuota se nessun PIT è aperto (entro `raggio_km`, se dato)."
        ),
    )
    @action(detail=False, url_path="piu-vicino", pagination_class=None, filter_backends=[])
    def piu_vicino(self, request):
        params = PiuVicinoParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        raggio = data.get("raggio_km")
        found = punti_aperti_piu_vicini(
            punto=Point(data["lon"], data["lat"], srid=4326),
            quando=data.get("quando"),
            limite=data["limite"],
            raggio_m=None if raggio is None else raggio * 1000,
        )
        context = {**self.get_serializer_context(), "adesso": data.get("quando")}
        return Response(PuntoSerializer(found, many=True, context=context).data)


class OperatoreViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who works at which PIT. Managed by district (their Ambito) and network administrators."""

    serializer_class = OperatoreSerializer
    pagination_class = CatalogPagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return (
            Operatore.objects.select_related("utente", "punto")
            .filter(punto__in=permissions.punti_gestiti(self.request.user))
            .order_by("punto__nome", "utente__username")
        )

    def perform_create(self, serializer):
        punto = serializer.validated_data["punto"]
        _forbid_unless(
            permissions.can_manage_punto(self.request.user, punto),
            _("Puoi assegnare operatori solo ai PIT che amministri."),
        )
        with validation_errors_as_400():
            serializer.instance = services.operatore_assign(
                actor=self.request.user, **serializer.validated_data
            )


# ------------------------------------------------------------------------- sheets


class SchedaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Orientation sheets of the PITs one works at (administrators: of the PITs they see).

    Items are added by kind (`servizio`, `pit`) and object id, each with an optional
    note; the sheet is shared through `link_condivisione`, which needs no login and
    stops working at `link_scade_il`.
    """

    serializer_class = SchedaSerializer
    pagination_class = CatalogPagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return (
            scheda_list()
            .filter(pk__in=permissions.schede_visibili(self.request.user))
            .order_by("-aggiornata_il", "-pk")
        )

    def _editable(self) -> Scheda:
        scheda = self.get_object()
        _forbid_unless(
            permissions.can_edit_scheda(self.request.user, scheda),
            _("Solo gli operatori del punto modificano le sue schede."),
        )
        return scheda

    def _output(self, scheda, code=status.HTTP_200_OK) -> Response:
        return Response(
            self.get_serializer(self.get_queryset().get(pk=scheda.pk)).data, status=code
        )

    @extend_schema(request=SchedaInputSerializer, responses={201: SchedaSerializer})
    def create(self, request, *args, **kwargs):
        data = SchedaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        punto = data.validated_data["punto"]
        _forbid_unless(
            permissions.can_work_at(request.user, punto),
            _("Puoi fare schede solo nei punti in cui lavori."),
        )
        with validation_errors_as_400():
            scheda = services.scheda_create(punto=punto, autore=request.user)
        return self._output(scheda, status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.scheda_delete(scheda=self._editable(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=VoceInputSerializer, responses={201: SchedaSerializer})
    @action(detail=True, methods=["post"], url_path="voci")
    def voci(self, request, pk=None):
        """Add an item: `tipo` and `oggetto_id` (a published service, an active PIT, an
        agreement valid today)."""
        scheda = self._editable()
        data = VoceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with validation_errors_as_400():
            services.scheda_voce_add(scheda=scheda, actor=request.user, **data.validated_data)
        return self._output(scheda, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"], request=NotaInputSerializer, responses={200: SchedaSerializer}
    )
    @extend_schema(methods=["DELETE"], responses={200: SchedaSerializer})
    @action(detail=True, methods=["patch", "delete"], url_path=r"voci/(?P<voce_id>\d+)")
    def voce(self, request, pk=None, voce_id=None):
        """Change an item's note, or remove the item."""
        scheda = self._editable()
        voce = get_object_or_404(scheda.voci, pk=voce_id)
        if request.method == "DELETE":
            services.scheda_voce_remove(voce=voce, actor=request.user)
        else:
            data = NotaInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            with validation_errors_as_400():
                services.scheda_voce_update(
                    voce=voce, nota=data.validated_data["nota"], actor=request.user
                )
        return self._output(scheda)

    @extend_schema(request=None, responses=SchedaSerializer)
    @action(detail=True, methods=["post"], url_path="rinnova-link")
    def rinnova_link(self, request, pk=None):
        """A new shared link, valid from now for the configured days; the old one stops."""
        scheda = services.scheda_rinnova_link(scheda=self._editable(), actor=request.user)
        return self._output(scheda)

    @extend_schema(request=None, responses=SchedaSerializer)
    @action(detail=True, methods=["post"], url_path="revoca-link")
    def revoca_link(self, request, pk=None):
        """The shared link stops working now."""
        scheda = services.scheda_revoca_link(scheda=self._editable(), actor=request.user)
        return self._output(scheda)


class SchedaCondivisaView(APIView):
    """What a citizen's link shows, without login; 404 for a wrong or expired token."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses={200: SchedaCondivisaSerializer, 404: OpenApiResponse(description="—")}
    )
    def get(self, request, token: str):
        scheda = scheda_per_token(token)
        if scheda is None:
            raise NotFound(_("Questo link non è valido o è scaduto."))
        return Response(SchedaCondivisaSerializer(scheda).data)


# ------------------------------------------------------------------------- consultations


class ConsultazioneViewSet(viewsets.ModelViewSet):
    """Anonymous consultations of the PITs one can see.

    Recorded by the PIT's operators; no name, contact or free text is accepted
    (unknown fields are refused). Its operator (or the PIT's responsabile)
    corrects or deletes it for `CONSULTAZIONE_MODIFICABILE_ORE` hours; then it is
    frozen and every change answers 409.
    """

    serializer_class = ConsultazioneSerializer
    pagination_class = CatalogPagination
    permission_classes = [IsAuthenticated]
    filterset_class = ConsultazioneFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return consultazione_list().filter(
            pk__in=permissions.consultazioni_visibili(self.request.user)
        )

    def _input(self, partial: bool) -> dict:
        data = ConsultazioneInputSerializer(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def _output(self, consultazione, code=status.HTTP_200_OK) -> Response:
        return Response(
            self.get_serializer(consultazione_list().get(pk=consultazione.pk)).data, status=code
        )

    def _editable(self) -> Consultazione:
        consultazione = self.get_object()
        _forbid_unless(
            permissions.can_edit_consultazione(self.request.user, consultazione),
            _("Solo chi l'ha registrata può correggere una consultazione."),
        )
        # A frozen consultation is a 409, not a 400: the request is right, the moment is not.
        # (The service checks again, under a row lock.)
        try:
            services.check_modificabile(consultazione)
        except ConsultazioneCongelata as error:
            raise Congelata(error.messages[0]) from error
        return consultazione

    @extend_schema(request=ConsultazioneInputSerializer, responses={201: ConsultazioneSerializer})
    def create(self, request, *args, **kwargs):
        fields = self._input(partial=False)
        _forbid_unless(
            permissions.can_work_at(request.user, fields["punto"]),
            _("Puoi registrare consultazioni solo nei punti in cui lavori."),
        )
        with validation_errors_as_400():
            consultazione = services.consultazione_create(operatore=request.user, **fields)
        return self._output(consultazione, status.HTTP_201_CREATED)

    @extend_schema(request=ConsultazioneInputSerializer, responses=ConsultazioneSerializer)
    def partial_update(self, request, *args, **kwargs):
        consultazione = self._editable()
        fields = self._input(partial=True)
        if "punto" in fields:
            _forbid_unless(
                permissions.can_work_at(request.user, fields["punto"]),
                _("Puoi registrare consultazioni solo nei punti in cui lavori."),
            )
        with validation_errors_as_400():
            services.consultazione_update(consultazione=consultazione, actor=request.user, **fields)
        return self._output(consultazione)

    def destroy(self, request, *args, **kwargs):
        consultazione = self._editable()
        with validation_errors_as_400():
            services.consultazione_delete(consultazione=consultazione, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ------------------------------------------------------------------------- observatory

OSSERVATORIO_PARAMS = [
    OpenApiParameter("ambito", str, description="Slug dell'Ambito; vuoto: tutta la rete."),
    OpenApiParameter("punto", int, description="Solo questo PIT."),
    OpenApiParameter("dal", OpenApiTypes.DATE, description="Predefinito: 11 mesi prima di `al`."),
    OpenApiParameter("al", OpenApiTypes.DATE, description="Predefinito: oggi."),
]


def _osservatorio(request) -> dict:
    form, result, refusal = osservatorio_richiesto(request, request.query_params)
    if refusal:
        raise PermissionDenied(refusal)
    if result is None:
        raise ValidationError(form.errors)
    dati = result["dati"]
    return {
        "ambito": result["ambito"].slug if result["ambito"] else None,
        "punto": result["punto"].pk if result["punto"] else None,
        "dal": dati.dal,
        "al": dati.al,
        "totale": dati.totale,
        "inviati": dati.inviati,
        "quota_inviati": dati.quota_inviati,
        "per_categoria": dati.per_categoria,
        "per_comune": dati.per_comune,
        "per_mese": dati.per_mese,
    }


class OsservatorioView(APIView):
    """Counts of consultations in a period: by need category, by Comune of residence, by
    month, and the share referred to a service or another PIT. Scoped to what the reader
    may see (operators: their PITs; district administrators: their Ambiti)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=OSSERVATORIO_PARAMS, responses=OsservatorioSerializer)
    def get(self, request):
        return Response(OsservatorioSerializer(_osservatorio(request)).data)


class OsservatorioCsvView(APIView):
    """The observatory as CSV: one row per count (dimension, code, label, consultations)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=OSSERVATORIO_PARAMS,
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request):
        data = _osservatorio(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"osservatorio-{data['ambito'] or 'rete'}-{data['dal']}-{data['al']}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response.write("\ufeff")  # so that a spreadsheet reads it as UTF-8
        writer = csv.writer(response)
        writer.writerow(["dimensione", "codice", "etichetta", "consultazioni"])
        writer.writerow(["totale", "", _("Consultazioni"), data["totale"]])
        writer.writerow(
            ["inviati", "", _("Inviate a un servizio o a un altro PIT"), data["inviati"]]
        )
        for dimension in ("per_categoria", "per_comune", "per_mese"):
            for riga in data[dimension]:
                writer.writerow(
                    [
                        dimension.removeprefix("per_"),
                        riga.codice,
                        riga.etichetta,
                        riga.consultazioni,
                    ]
                )
        return response
