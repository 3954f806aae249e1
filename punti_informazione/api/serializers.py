"""Input and output shapes of the PIT API. Writes go through punti_informazione.services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_gis import (
    GeoFeatureModelSerializerExtension,
    build_geo_container_schema,
    build_point_schema,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo_data.models import Comune
from marketplace.api_fields import MomentParam
from servizi import orari
from servizi.api.serializers import (
    EnteBreveSerializer,
    OrarioField,
    PuntoField,
    feature_schema,
)
from servizi.models import Categoria, Ente, Sede

from ..models import (
    Consultazione,
    Operatore,
    PuntoInformazione,
    Scheda,
    TipoVoce,
    VoceScheda,
)
from ..voci import oggetti_delle_voci, voci_con_oggetti

COMUNE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"codice_istat": {"type": "string"}, "nome": {"type": "string"}},
}


def comune_breve(comune: Comune | None) -> dict | None:
    return None if comune is None else {"codice_istat": comune.pk, "nome": comune.nome}


class PuntoBreveSerializer(serializers.ModelSerializer):
    class Meta:
        model = PuntoInformazione
        fields = ["id", "nome"]


class PuntoSerializer(GeoFeatureModelSerializer):
    """A PIT as a GeoJSON Feature at the point of its place."""

    punto = PuntoField(source="sede.punto", read_only=True, precision=6)
    ente = EnteBreveSerializer(read_only=True)
    sede = serializers.SerializerMethodField()
    temi = serializers.SlugRelatedField(slug_field="codice", many=True, read_only=True)
    orario = OrarioField(source="*", read_only=True)
    aperto_ora = serializers.SerializerMethodField()
    distanza_m = serializers.SerializerMethodField()

    class Meta:
        model = PuntoInformazione
        geo_field = "punto"
        fields = [
            "id",
            "nome",
            "tipo",
            "ente",
            "sede",
            "descrizione",
            "orario",
            "aperto_ora",
            "su_appuntamento",
            "telefono",
            "email",
            "sito_web",
            "temi",
            "lingue",
            "attivo",
            "demo",
            "distanza_m",
            "punto",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "nome": {"type": "string"},
                "indirizzo": {"type": "string"},
                "cap": {"type": "string"},
                "comune": COMUNE_SCHEMA,
                "accesso_senza_barriere": {"type": "boolean"},
                "bagno_accessibile": {"type": "boolean"},
                "parcheggio": {"type": "boolean"},
                "note_accessibilita": {"type": "string"},
            },
        }
    )
    def get_sede(self, punto: PuntoInformazione) -> dict:
        sede = punto.sede
        return {
            "id": sede.pk,
            "nome": sede.nome,
            "indirizzo": sede.indirizzo,
            "cap": sede.cap,
            "comune": comune_breve(sede.comune),
            "accesso_senza_barriere": sede.accesso_senza_barriere,
            "bagno_accessibile": sede.bagno_accessibile,
            "parcheggio": sede.parcheggio,
            "note_accessibilita": sede.note_accessibilita,
        }

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_aperto_ora(self, punto: PuntoInformazione) -> bool | None:
        return punto.aperto_il(self.context.get("adesso") or timezone.now())

    @extend_schema_field({"type": "number", "nullable": True, "description": "metri"})
    def get_distanza_m(self, punto: PuntoInformazione) -> float | None:
        distance = getattr(punto, "distanza_m", None)
        return None if distance is None else round(distance, 1)


class PuntoFeatureSchema(GeoFeatureModelSerializerExtension):
    """OpenAPI for PuntoSerializer, whose geometry is the point of its place (a Sede)."""

    target_class = "punti_informazione.api.serializers.PuntoSerializer"
    match_subclasses = False
    priority = 1

    def map_serializer(self, auto_schema, direction):
        return feature_schema(
            auto_schema,
            self.target,
            direction,
            geo_property="punto",
            geometry=build_geo_container_schema("Point", build_point_schema()),
        )


class PuntoInputSerializer(serializers.Serializer):
    """What a manager sends for a PIT; the schedule in its text form (lun-ven 09:00-12:00)."""

    nome = serializers.CharField(max_length=200)
    ente = serializers.PrimaryKeyRelatedField(queryset=Ente.objects.all())
    tipo = serializers.ChoiceField(choices=PuntoInformazione._meta.get_field("tipo").choices)
    sede = serializers.PrimaryKeyRelatedField(queryset=Sede.objects.all())
    descrizione = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    orario = serializers.CharField(max_length=500, required=False, allow_blank=True)
    telefono = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    sito_web = serializers.URLField(required=False, allow_blank=True)
    temi = serializers.SlugRelatedField(
        slug_field="codice", many=True, queryset=Categoria.objects.all(), required=False
    )
    lingue = serializers.ListField(
        child=serializers.ChoiceField(
            choices=PuntoInformazione._meta.get_field("lingue").base_field.choices
        ),
        required=False,
    )
    su_appuntamento = serializers.BooleanField(required=False)
    attivo = serializers.BooleanField(required=False)

    def validate_orario(self, text: str):
        try:
            return orari.parse_orario(text) if text else []
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class PiuVicinoParamsSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text=_("Latitudine (WGS 84)."))
    lon = serializers.FloatField(
        min_value=-180, max_value=180, help_text=_("Longitudine (WGS 84).")
    )
    quando = MomentParam(
        required=False, help_text=_("Aperti a quest'ora (ISO 8601); predefinito: adesso.")
    )
    limite = serializers.IntegerField(required=False, min_value=1, max_value=20, default=1)
    raggio_km = serializers.FloatField(
        required=False,
        min_value=0.01,
        help_text=_("Solo entro questa distanza in chilometri."),
    )

    def validate_raggio_km(self, value: float) -> float:
        if value > settings.SEARCH_MAX_RADIUS_KM:
            raise serializers.ValidationError(
                _("Al massimo %(max)s km.") % {"max": settings.SEARCH_MAX_RADIUS_KM}
            )
        return value


# ------------------------------------------------------------------------- operators


class OperatoreSerializer(serializers.ModelSerializer):
    utente = serializers.SlugRelatedField(
        slug_field="username", queryset=Operatore._meta.get_field("utente").related_model.objects
    )
    punto = serializers.PrimaryKeyRelatedField(queryset=PuntoInformazione.objects.all())

    class Meta:
        model = Operatore
        fields = ["id", "utente", "punto", "ruolo"]


# ------------------------------------------------------------------------- sheets


class VoceInputSerializer(serializers.Serializer):
    tipo = serializers.ChoiceField(choices=TipoVoce.choices)
    oggetto_id = serializers.IntegerField(min_value=1)
    nota = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class NotaInputSerializer(serializers.Serializer):
    nota = serializers.CharField(max_length=1000, allow_blank=True)


def _voce(voce: VoceScheda, oggetto) -> dict:
    return {
        "id": voce.pk,
        "tipo": voce.tipo,
        "oggetto_id": voce.oggetto_id,
        "titolo": voce.titolo,
        "nota": voce.nota,
        "disponibile": oggetto is not None,
    }


VOCI_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "tipo": {"type": "string", "enum": list(TipoVoce.values)},
            "oggetto_id": {"type": "integer"},
            "titolo": {"type": "string"},
            "nota": {"type": "string"},
            "disponibile": {
                "type": "boolean",
                "description": "false se l'oggetto non è più pubblicato o attivo",
            },
        },
    },
}


class SchedeListSerializer(serializers.ListSerializer):
    """A page of sheets: the objects of all their items are read together, a query per
    kind, not a few queries per sheet (their items prefetched: scheda_list)."""

    def to_representation(self, data):
        schede = list(data.all() if hasattr(data, "all") else data)
        self.child.oggetti = oggetti_delle_voci(
            voce for scheda in schede for voce in scheda.voci.all()
        )
        return super().to_representation(schede)


class SchedaCondivisaSerializer(serializers.ModelSerializer):
    """What the citizen's link shows: the items and the PIT that made the sheet."""

    punto = PuntoBreveSerializer(read_only=True)
    voci = serializers.SerializerMethodField()
    oggetti: dict | None = None  # of a page's items (SchedeListSerializer), else read here

    class Meta:
        model = Scheda
        fields = ["punto", "creata_il", "link_scade_il", "voci"]
        list_serializer_class = SchedeListSerializer

    @extend_schema_field(VOCI_SCHEMA)
    def get_voci(self, scheda: Scheda) -> list[dict]:
        voci = voci_con_oggetti(scheda.voci.all(), self.oggetti)
        return [_voce(voce, oggetto) for voce, oggetto in voci]


class SchedaSerializer(SchedaCondivisaSerializer):
    autore = serializers.SlugRelatedField(slug_field="username", read_only=True)
    link_condivisione = serializers.SerializerMethodField()
    link_stampa = serializers.SerializerMethodField()
    link_pdf = serializers.SerializerMethodField()
    link_valido = serializers.SerializerMethodField()

    class Meta:
        model = Scheda
        list_serializer_class = SchedeListSerializer
        fields = [
            "id",
            "punto",
            "autore",
            "creata_il",
            "aggiornata_il",
            "link_condivisione",
            "link_scade_il",
            "link_valido",
            "link_stampa",
            "link_pdf",
            "voci",
        ]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_link_condivisione(self, scheda: Scheda) -> str:
        return self._absolute(reverse("pit:scheda-condivisa", args=[scheda.token]))

    def get_link_stampa(self, scheda: Scheda) -> str:
        return self._absolute(reverse("pit:scheda-stampa", args=[scheda.pk]))

    def get_link_pdf(self, scheda: Scheda) -> str:
        return self._absolute(reverse("pit:scheda-pdf", args=[scheda.pk]))

    def get_link_valido(self, scheda: Scheda) -> bool:
        return scheda.link_valido()


class SchedaInputSerializer(serializers.Serializer):
    punto = serializers.PrimaryKeyRelatedField(queryset=PuntoInformazione.objects.all())


# ------------------------------------------------------------------------- consultations


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a name or a note sent by mistake is never ignored
    silently, it is refused with the reason."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            _(
                                "Campo non previsto: una consultazione è anonima e non "
                                "registra nomi, contatti né testo libero."
                            )
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class ConsultazioneInputSerializer(StrictSerializer):
    data = serializers.DateField(required=False)
    punto = serializers.PrimaryKeyRelatedField(queryset=PuntoInformazione.objects.all())
    canale = serializers.ChoiceField(choices=Consultazione._meta.get_field("canale").choices)
    bisogni = serializers.SlugRelatedField(
        slug_field="codice", many=True, queryset=Categoria.objects.all(), allow_empty=False
    )
    comune_residenza = serializers.PrimaryKeyRelatedField(
        queryset=Comune.objects.all(), required=False, allow_null=True
    )
    lavoratore_impresa_aderente = serializers.BooleanField()
    fascia_eta = serializers.ChoiceField(
        choices=Consultazione._meta.get_field("fascia_eta").choices
    )
    esito = serializers.ChoiceField(choices=Consultazione._meta.get_field("esito").choices)
    punto_invio = serializers.PrimaryKeyRelatedField(
        queryset=PuntoInformazione.objects.filter(attivo=True), required=False, allow_null=True
    )
    scheda = serializers.PrimaryKeyRelatedField(
        queryset=Scheda.objects.all(), required=False, allow_null=True
    )


class ConsultazioneSerializer(serializers.ModelSerializer):
    punto = PuntoBreveSerializer(read_only=True)
    punto_invio = PuntoBreveSerializer(read_only=True)
    operatore = serializers.SlugRelatedField(slug_field="username", read_only=True)
    bisogni = serializers.SlugRelatedField(slug_field="codice", many=True, read_only=True)
    comune_residenza = serializers.SerializerMethodField()
    modificabile_fino_al = serializers.DateTimeField(read_only=True)
    congelata = serializers.SerializerMethodField()

    class Meta:
        model = Consultazione
        fields = [
            "id",
            "data",
            "punto",
            "operatore",
            "canale",
            "bisogni",
            "comune_residenza",
            "lavoratore_impresa_aderente",
            "fascia_eta",
            "esito",
            "punto_invio",
            "scheda",
            "registrata_il",
            "modificabile_fino_al",
            "congelata",
        ]

    @extend_schema_field(COMUNE_SCHEMA)
    def get_comune_residenza(self, consultazione: Consultazione) -> dict | None:
        return comune_breve(consultazione.comune_residenza)

    def get_congelata(self, consultazione: Consultazione) -> bool:
        return consultazione.congelata()


# ------------------------------------------------------------------------- observatory


class RigaSerializer(serializers.Serializer):
    codice = serializers.CharField()
    etichetta = serializers.CharField()
    consultazioni = serializers.IntegerField()


class OsservatorioSerializer(serializers.Serializer):
    ambito = serializers.CharField(allow_null=True)
    punto = serializers.IntegerField(allow_null=True)
    dal = serializers.DateField()
    al = serializers.DateField()
    totale = serializers.IntegerField()
    inviati = serializers.IntegerField()
    quota_inviati = serializers.FloatField(
        allow_null=True, help_text=_("Quota inviata a un servizio o a un altro PIT (0–1).")
    )
    per_categoria = RigaSerializer(many=True)
    per_comune = RigaSerializer(many=True)
    per_mese = RigaSerializer(many=True)
