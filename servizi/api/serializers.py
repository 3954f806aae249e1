"""Input and output shapes of the catalogue API. Writes go through servizi.services."""

from __future__ import annotations

from django.contrib.gis.geos import MultiPoint
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_gis import (
    GeoFeatureModelSerializerExtension,
    build_geo_container_schema,
    build_point_schema,
)
from drf_spectacular.plumbing import build_array_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo_data.models import Comune
from servizi import orari
from servizi.models import Categoria, Ente, Sede, Servizio
from servizi.selectors import servizio_aperto_il


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON Point, WGS 84",
        "example": {"type": "Point", "coordinates": [9.2686, 45.4103]},
    }
)
class PuntoField(GeometryField):
    pass


@extend_schema_field({"type": "object", "description": "GeoJSON MultiPoint, WGS 84"})
class PuntiField(GeometryField):
    """A service's places as one MultiPoint (null when none has a point), built from its
    prefetched Sedi (servizio_list). Aggregated in SQL for the whole list before its page
    was taken, at a million services the catalogue's first page took 8 s."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, servizio: Servizio):
        points = [sede.punto for sede in servizio.sedi.all() if sede.punto is not None]
        return super().to_representation(MultiPoint(points, srid=4326) if points else None)


def orario_testo(servizio: Servizio) -> str:
    return orari.format_orario(servizio.orario.fasce_logiche()) if servizio.orario else ""


class CategoriaSerializer(serializers.ModelSerializer):
    genitore = serializers.SlugRelatedField(slug_field="codice", read_only=True)

    class Meta:
        model = Categoria
        fields = ["codice", "nome", "nome_en", "genitore", "ordine"]


class EnteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ente
        fields = [
            "id",
            "nome",
            "tipo",
            "forma_giuridica",
            "codice_fiscale",
            "partita_iva",
            "email",
            "telefono",
            "sito_web",
            "descrizione",
            "stato_verifica",
            "demo",
        ]
        read_only_fields = ["id", "demo"]


class EnteBreveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ente
        fields = ["id", "nome", "tipo"]


class SedeSerializer(GeoFeatureModelSerializer):
    ente = EnteBreveSerializer(read_only=True)
    comune = serializers.SerializerMethodField()

    class Meta:
        model = Sede
        geo_field = "punto"
        fields = [
            "id",
            "ente",
            "nome",
            "indirizzo",
            "cap",
            "punto",
            "comune",
            "accesso_senza_barriere",
            "bagno_accessibile",
            "parcheggio",
            "note_accessibilita",
            "demo",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"codice_istat": {"type": "string"}, "nome": {"type": "string"}},
        }
    )
    def get_comune(self, sede: Sede) -> dict:
        return {"codice_istat": sede.comune_id, "nome": sede.comune.nome}


class SedeInputSerializer(serializers.Serializer):
    ente = serializers.PrimaryKeyRelatedField(queryset=Ente.objects.all())
    nome = serializers.CharField(max_length=200)
    indirizzo = serializers.CharField(max_length=200)
    cap = serializers.CharField(max_length=5)
    punto = PuntoField()
    accesso_senza_barriere = serializers.BooleanField(required=False, default=False)
    bagno_accessibile = serializers.BooleanField(required=False, default=False)
    parcheggio = serializers.BooleanField(required=False, default=False)
    note_accessibilita = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_punto(self, punto):
        if punto.geom_type != "Point":
            raise serializers.ValidationError(_("Serve un punto (GeoJSON Point)."))
        if punto.srid in (None, 4326) and not (-180 <= punto.x <= 180 and -90 <= punto.y <= 90):
            raise serializers.ValidationError(
                _("Coordinate fuori scala (lon -180…180, lat -90…90).")
            )
        punto.srid = punto.srid or 4326
        return punto


class SedeBreveSerializer(serializers.ModelSerializer):
    comune = serializers.CharField(source="comune.nome", read_only=True)

    class Meta:
        model = Sede
        fields = ["id", "nome", "indirizzo", "cap", "comune"]


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {
            "testo": {"type": "string", "example": "lun-ven 09:00-12:00; sab 09:00-12:00"},
            "note": {"type": "string"},
            "eccezioni": {"type": "array", "items": {"type": "object"}},
        },
    }
)
class OrarioField(serializers.Field):
    def to_representation(self, servizio: Servizio):
        if servizio.orario is None:
            return None
        return {
            "testo": orario_testo(servizio),
            "note": servizio.orario.note,
            "eccezioni": [
                {
                    "dal": e.data_inizio,
                    "al": e.data_fine,
                    "chiuso": e.chiuso,
                    "apertura": e.apertura,
                    "chiusura": e.chiusura,
                    "motivo": e.descrizione,
                }
                for e in servizio.orario.eccezioni.all()
            ],
        }


class ServizioSerializer(GeoFeatureModelSerializer):
    """A service as a GeoJSON Feature: its geometry is the set of its places (MultiPoint)."""

    punti = PuntiField(read_only=True, precision=6)
    ente = EnteBreveSerializer(read_only=True)
    categorie = serializers.SlugRelatedField(slug_field="codice", many=True, read_only=True)
    sedi = SedeBreveSerializer(many=True, read_only=True)
    comuni_copertura = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    orario = OrarioField(source="*", read_only=True)
    aperto_ora = serializers.SerializerMethodField()
    da_riverificare = serializers.BooleanField(read_only=True)

    class Meta:
        model = Servizio
        geo_field = "punti"
        fields = [
            "id",
            "titolo",
            "descrizione",
            "ente",
            "categorie",
            "destinatari",
            "eta_min",
            "eta_max",
            "modalita_accesso",
            "costo",
            "costo_descrizione",
            "requisiti",
            "lingue",
            "orario",
            "aperto_ora",
            "sedi",
            "comuni_copertura",
            "email",
            "telefono",
            "sito_web",
            "stato",
            "verificato_il",
            "da_riverificare",
            "demo",
            "punti",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_aperto_ora(self, servizio: Servizio) -> bool | None:
        return servizio_aperto_il(servizio)


class ServizioInputSerializer(serializers.ModelSerializer):
    """What an editor sends; the schedule in its text form, e.g. "lun-ven 09:00-12:00"."""

    ente = serializers.PrimaryKeyRelatedField(queryset=Ente.objects.all())
    categorie = serializers.SlugRelatedField(
        slug_field="codice", many=True, queryset=Categoria.objects.all()
    )
    sedi = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Sede.objects.all(), required=False
    )
    comuni_copertura = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Comune.objects.all(), required=False
    )
    orario = serializers.CharField(required=False, allow_blank=True, max_length=500)

    class Meta:
        model = Servizio
        fields = [
            "ente",
            "titolo",
            "descrizione",
            "categorie",
            "destinatari",
            "eta_min",
            "eta_max",
            "modalita_accesso",
            "costo",
            "costo_descrizione",
            "requisiti",
            "lingue",
            "orario",
            "sedi",
            "comuni_copertura",
            "email",
            "telefono",
            "sito_web",
            "stato",
            "verificato_il",
        ]

    def validate_orario(self, text: str):
        try:
            return orari.parse_orario(text) if text else []
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


def feature_schema(auto_schema, serializer, direction, *, geo_property: str, geometry: dict):
    """OpenAPI of a GeoFeatureModelSerializer whose geometry is not a model field (an
    annotation or a related object's point): `geo_property` is dropped from the
    properties and `geometry` stands for it."""
    base_schema = auto_schema._map_serializer(serializer, direction, bypass_extensions=True)
    base_schema["properties"].pop(geo_property, None)
    base_schema.pop("required", None)
    identifier = base_schema["properties"].pop("id")
    return build_object_type(
        properties={
            "type": {"type": "string", "enum": ["Feature"]},
            "id": identifier,
            "geometry": geometry,
            "properties": base_schema,
        }
    )


class ServizioFeatureSchema(GeoFeatureModelSerializerExtension):
    """OpenAPI for ServizioSerializer, whose geometry (MultiPoint) is built from its places."""

    target_class = "servizi.api.serializers.ServizioSerializer"
    match_subclasses = False
    priority = 1

    def map_serializer(self, auto_schema, direction):
        return feature_schema(
            auto_schema,
            self.target,
            direction,
            geo_property="punti",
            geometry=build_geo_container_schema(
                "MultiPoint", build_array_type(build_point_schema())
            ),
        )
