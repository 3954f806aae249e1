from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo_data.models import Ambito, Comune
from marketplace.api_fields import BooleanParam
from marketplace.search.places import provincia_named, provincia_sconosciuta

MAX_TOLERANCE_M = 5000
DEFAULT_TOLERANCE_M = 50


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON (Multi)Polygon, WGS 84, semplificato per la visualizzazione.",
        "properties": {
            "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
            "coordinates": {"type": "array", "items": {}},
        },
    }
)
class SimplifiedBoundaryField(GeometryField):
    """A boundary simplified by the selector (annotation `geometria_semplificata`)."""

    def __init__(self, **kwargs):
        # About one metre of precision is plenty for display.
        super().__init__(source="geometria_semplificata", read_only=True, precision=5, **kwargs)


class GeometryQuerySerializer(serializers.Serializer):
    """Query parameters shared by the boundary endpoints."""

    tolleranza = serializers.FloatField(
        required=False,
        default=DEFAULT_TOLERANCE_M,
        min_value=0,
        max_value=MAX_TOLERANCE_M,
        help_text=_("Tolleranza di semplificazione dei confini, in metri (0 = confine pieno)."),
    )


class ComuneQuerySerializer(GeometryQuerySerializer):
    regione = serializers.CharField(required=False, allow_blank=True, max_length=80)
    provincia = serializers.CharField(
        required=False, allow_blank=True, max_length=80, help_text=_("Nome o sigla.")
    )
    ambito = serializers.SlugField(
        required=False, allow_blank=True, help_text=_("Slug dell'Ambito.")
    )
    in_ambito = BooleanParam(
        required=False, default=False, help_text=_("Solo i Comuni che fanno parte di un Ambito.")
    )

    def validate_provincia(self, value: str) -> str:
        """The province's code: named as the search names it ("Monza e Brianza", "bg")."""
        if not value:
            return value
        provincia = provincia_named(value)
        if provincia is None:
            raise serializers.ValidationError(provincia_sconosciuta(value))
        return provincia.sigla

    def validate_ambito(self, slug: str) -> str:
        if slug and not Ambito.objects.filter(slug=slug).exists():
            raise serializers.ValidationError(
                _("Nessun Ambito con slug '%(slug)s'.") % {"slug": slug}
            )
        return slug


class ComuneSerializer(GeoFeatureModelSerializer):
    geometria = SimplifiedBoundaryField()
    ambiti = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Comune
        geo_field = "geometria"
        id_field = "codice_istat"
        fields = [
            "codice_istat",
            "nome",
            "provincia",
            "sigla_provincia",
            "regione",
            "popolazione",
            "ambiti",
            "geometria",
        ]


class ComuneMembroSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comune
        fields = ["codice_istat", "nome"]


class AmbitoSerializer(GeoFeatureModelSerializer):
    geometria = SimplifiedBoundaryField()
    numero_comuni = serializers.IntegerField(read_only=True)
    comuni = ComuneMembroSerializer(many=True, read_only=True)

    class Meta:
        model = Ambito
        geo_field = "geometria"
        id_field = "slug"
        fields = ["slug", "nome", "descrizione", "fonti", "numero_comuni", "comuni", "geometria"]
