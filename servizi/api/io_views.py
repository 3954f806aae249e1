"""Import of services from a file, export of the published catalogue as CSV and GeoJSON."""

from __future__ import annotations

import itertools

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from servizi.io import (
    API_MAX_ROWS,
    MAX_BYTES,
    csv_lines,
    export_queryset,
    exported,
    geojson_chunks,
    import_servizi,
)


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text=_("File .csv (UTF-8, separatore , o ;) o .xlsx; una riga per servizio."),
    )
    dry_run = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("true: controlla il file e dice che cosa creerebbe, senza salvare nulla."),
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True,
        help_text=_("Riga del foglio (intestazione = 1); null per il file intero."),
    )
    column = serializers.CharField(help_text=_("Colonna; vuota per la riga intera."))
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField(help_text=_("Righe di servizi lette."))
    created = serializers.IntegerField(
        help_text=_("Servizi creati (in una prova: che sarebbero creati); 0 se ci sono errori.")
    )
    sedi_created = serializers.IntegerField(help_text=_("Sedi nuove create."))
    errors = RowErrorSerializer(many=True)


_ERROR_EXAMPLE = OpenApiExample(
    "Errori",
    value={
        "ok": False,
        "dry_run": False,
        "rows": 3,
        "created": 0,
        "sedi_created": 0,
        "errors": [
            {"row": 3, "column": "categorie", "reason": "Categoria sconosciuta: 'infanzia.asilo'"}
        ],
    },
    response_only=True,
    status_codes=["400"],
)


class ServiziImportView(APIView):
    """Import services from a CSV or XLSX file: all of them, or none if any row is wrong."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="servizi_import",
        tags=["servizi"],
        summary="Importa servizi da CSV o XLSX",
        description=(
            "Una riga = un servizio; colonne in docs/import-servizi.md. Tutto o niente: se "
            "anche una sola riga ha un errore non si salva nulla e la risposta (400) elenca "
            "riga, colonna e motivo di ogni errore. Con `dry_run=true` il file è solo "
            "controllato (200). Si importano solo servizi degli enti di cui si è referenti "
            f"(la redazione: tutti). Al massimo {MAX_BYTES // 2**20} MB e {API_MAX_ROWS} righe "
            "(di più con il comando import_servizi)."
        ),
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            201: OpenApiResponse(ImportReportSerializer, _("Servizi importati.")),
            200: OpenApiResponse(ImportReportSerializer, _("Prova riuscita: nulla è salvato.")),
            400: OpenApiResponse(
                ImportReportSerializer,
                _("Errori nel file (nulla è salvato), o campo `file` mancante o vuoto."),
                examples=[_ERROR_EXAMPLE],
            ),
            401: OpenApiResponse(description=_("Serve l'autenticazione.")),
            403: OpenApiResponse(description=_("Serve l'autenticazione.")),
        },
    )
    def post(self, request):
        # Never copy request.data: an uploaded temporary file cannot be deep-copied.
        data = {}
        if request.data.get("file") is not None:
            data["file"] = request.data["file"]
        dry_run = request.data.get("dry_run", request.query_params.get("dry_run"))
        if dry_run is not None:
            data["dry_run"] = dry_run
        query = ImportRequestSerializer(data=data)
        query.is_valid(raise_exception=True)
        upload = query.validated_data["file"]
        report = import_servizi(
            upload,
            filename=upload.name or "",
            actor=request.user,
            dry_run=query.validated_data["dry_run"],
            max_rows=API_MAX_ROWS,
        )
        if not report.ok:
            code = status.HTTP_400_BAD_REQUEST
        elif report.dry_run:
            code = status.HTTP_200_OK
        else:
            code = status.HTTP_201_CREATED
        return Response(report.as_dict(), status=code)


class _FirstRenderer(BaseContentNegotiation):
    """A download has one format whatever the Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


def _download(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    """A file sent as it is written (servizi.io.exported: a chunk of services at a time)."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _ExportView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    content_negotiation_class = _FirstRenderer


class ServiziExportCsvView(_ExportView):
    """The published services as CSV, with the import columns (the file imports again)."""

    renderer_classes = [CSVRenderer]

    @extend_schema(
        operation_id="servizi_export_csv",
        tags=["servizi"],
        summary="Esporta i servizi pubblicati in CSV",
        description=(
            "UTF-8 con BOM, separatore virgola, le stesse colonne dell'import "
            "(docs/import-servizi.md)."
        ),
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request):
        # A spreadsheet reads the file as UTF-8 from its BOM.
        lines = itertools.chain(["\ufeff"], csv_lines(exported(export_queryset())))
        return _download(lines, "text/csv; charset=utf-8", "servizi.csv")


class ServiziExportGeoJSONView(_ExportView):
    """The published services as a GeoJSON FeatureCollection, one point per place."""

    renderer_classes = [GeoJSONRenderer]

    @extend_schema(
        operation_id="servizi_export_geojson",
        tags=["servizi"],
        summary="Esporta i servizi pubblicati in GeoJSON",
        description=(
            "Una Feature per ogni coppia (servizio, sede), con geometria Point (WGS 84); i "
            "servizi solo a domicilio hanno geometria null e l'elenco dei Comuni serviti. "
            "Proprietà: id, titolo, ente, tipo_ente, categorie, costo, stato, demo, sede, "
            "indirizzo, cap, comune, codice_istat, comuni_copertura."
        ),
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        chunks = geojson_chunks(exported(export_queryset()))
        return _download(chunks, "application/geo+json", "servizi.geojson")
