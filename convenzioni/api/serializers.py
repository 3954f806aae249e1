"""Input and output shapes of the agreements API. Writes go through convenzioni.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from convenzioni.models import Convenzione, Impresa, ReteImprese, Utilizzo
from convenzioni.permissions import can_edit_convenzione, can_moderate
from convenzioni.services import CAMPI_CONVENZIONE
from servizi.api.serializers import EnteBreveSerializer
from servizi.models import Ente, Servizio


class ReteSerializer(serializers.ModelSerializer):
    numero_imprese = serializers.IntegerField(read_only=True, help_text=_("Imprese aderenti oggi."))
    codice_ricerca = serializers.CharField(
        read_only=True, help_text=_("Valore per il filtro con_convenzione_per della ricerca.")
    )

    class Meta:
        model = ReteImprese
        fields = ["id", "nome", "slug", "descrizione", "promotore", "numero_imprese",
                  "codice_ricerca", "demo"]  # fmt: skip


class AdesioneBreveSerializer(serializers.Serializer):
    rete = serializers.SlugField(source="rete.slug")
    data_inizio = serializers.DateField()
    data_fine = serializers.DateField(allow_null=True)


class ImpresaSerializer(serializers.ModelSerializer):
    comune = serializers.SerializerMethodField()
    adesioni = AdesioneBreveSerializer(many=True, read_only=True)
    codice_ricerca = serializers.CharField(read_only=True)

    class Meta:
        model = Impresa
        fields = ["id", "nome", "slug", "partita_iva", "classe_dimensionale", "settore",
                  "comune", "adesioni", "codice_ricerca", "demo"]  # fmt: skip

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"codice_istat": {"type": "string"}, "nome": {"type": "string"}},
        }
    )
    def get_comune(self, impresa: Impresa) -> dict:
        return {"codice_istat": impresa.comune_id, "nome": impresa.comune.nome}


class StatisticheSerializer(serializers.Serializer):
    visualizzazioni = serializers.IntegerField()
    utilizzi_richiesti = serializers.IntegerField()
    utilizzi_confermati = serializers.IntegerField()


class ConvenzioneSerializer(serializers.ModelSerializer):
    ente = EnteBreveSerializer(read_only=True)
    servizi = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    reti_beneficiarie = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    imprese_beneficiarie = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    beneficio = serializers.CharField(source="beneficio_breve", read_only=True)
    stato = serializers.SerializerMethodField(
        help_text=_("Lo stato come va letto oggi: una pubblicata oltre la fine è «scaduta».")
    )
    valida_oggi = serializers.BooleanField(source="valida_il", read_only=True)
    statistiche = serializers.SerializerMethodField(
        help_text=_("Solo per i referenti dell'ente e per chi la modera; altrimenti null.")
    )

    class Meta:
        model = Convenzione
        fields = ["id", "titolo", "descrizione", "ente", "servizi", "tipo_beneficio",
                  "percentuale", "importo", "beneficio_testo", "beneficio", "condizioni",
                  "data_inizio", "data_fine", "valida_oggi", "reti_beneficiarie",
                  "imprese_beneficiarie", "estesa_ai_familiari", "modalita_riscatto",
                  "codice_sconto", "link_prenotazione", "istruzioni", "stato",
                  "nota_moderazione", "statistiche", "demo"]  # fmt: skip

    @extend_schema_field(
        serializers.ChoiceField(choices=Convenzione._meta.get_field("stato").choices)
    )
    def get_stato(self, convenzione: Convenzione) -> str:
        return convenzione.stato_effettivo()

    @extend_schema_field(StatisticheSerializer(allow_null=True))
    def get_statistiche(self, convenzione: Convenzione) -> dict | None:
        user = self.context["request"].user
        if not (can_edit_convenzione(user, convenzione) or can_moderate(user, convenzione)):
            return None
        return {
            "visualizzazioni": convenzione.visualizzazioni,
            "utilizzi_richiesti": getattr(convenzione, "utilizzi_richiesti", 0),
            "utilizzi_confermati": getattr(convenzione, "utilizzi_confermati", 0),
        }


class ConvenzioneInputSerializer(serializers.ModelSerializer):
    """What a referent sends. On a published agreement, `rimetti_in_revisione: true` is
    needed to change it (it then goes back to review)."""

    ente = serializers.PrimaryKeyRelatedField(queryset=Ente.objects.all())
    servizi = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Servizio.objects.all(), required=False
    )
    reti_beneficiarie = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=ReteImprese.objects.all(), required=False
    )
    imprese_beneficiarie = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Impresa.objects.all(), required=False
    )
    rimetti_in_revisione = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Convenzione
        fields = ["ente", *CAMPI_CONVENZIONE, "servizi", "reti_beneficiarie",
                  "imprese_beneficiarie", "rimetti_in_revisione"]  # fmt: skip


class NotaSerializer(serializers.Serializer):
    nota = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("Il motivo: necessario per respingere, e per ritirare da moderatore."),
    )


class RichiestaUtilizzoSerializer(serializers.Serializer):
    beneficiario = serializers.CharField(
        max_length=100,
        help_text=_("Chi la usa: impresa:<codice> o rete:<codice> (il codice breve)."),
    )


class UtilizzoSerializer(serializers.ModelSerializer):
    convenzione = serializers.PrimaryKeyRelatedField(read_only=True)
    impresa = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rete = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Utilizzo
        fields = ["codice", "convenzione", "impresa", "rete", "richiesto_il", "confermato_il"]


class ConfermaUtilizzoSerializer(serializers.Serializer):
    codice = serializers.CharField(max_length=20)
