"""Forms of the operator's console. They parse input; the rules live in models and services."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo_data.models import Ambito, Comune
from servizi import orari
from servizi.models import LINGUE

from .models import Canale, Consultazione, Esito, FasciaEta, PuntoInformazione, Scheda
from .selectors import categorie_bisogno, comuni_residenza

MAX_MESI_OSSERVATORIO = 60


class CategoriaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, categoria):
        if categoria.genitore_id:
            return f"{categoria.genitore.nome} › {categoria.nome}"
        return str(categoria.nome)


class ComuneResidenzaField(forms.ChoiceField):
    """The Comuni of the districts first, then the others; empty means "not said"."""

    def __init__(self, **kwargs):
        super().__init__(choices=self._choices_grouped, required=False, **kwargs)

    @staticmethod
    def _choices_grouped():
        vicini, altri = [], []
        for comune in comuni_residenza():
            (vicini if comune.in_ambito else altri).append((comune.pk, comune.nome))
        return [
            ("", _("— non indicato —")),
            (_("Comuni degli Ambiti"), vicini),
            (_("Altri Comuni"), altri),
        ]

    def clean(self, value):
        value = super().clean(value)
        return Comune.objects.filter(pk=value).first() if value else None

    def prepare_value(self, value):
        return value.pk if isinstance(value, Comune) else value


SI_NO = [("true", _("Sì")), ("false", _("No"))]


class ConsultazioneForm(forms.ModelForm):
    """Recorded in a few clicks: every field is a choice, none takes free text."""

    bisogni = CategoriaChoiceField(
        queryset=categorie_bisogno(), widget=forms.CheckboxSelectMultiple, label=_("Bisogni")
    )
    comune_residenza = ComuneResidenzaField(label=_("Comune di residenza"))
    lavoratore_impresa_aderente = forms.TypedChoiceField(
        choices=SI_NO,
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        label=_("Lavora in un'impresa aderente?"),
    )

    class Meta:
        model = Consultazione
        fields = [
            "data",
            "punto",
            "canale",
            "bisogni",
            "comune_residenza",
            "lavoratore_impresa_aderente",
            "fascia_eta",
            "esito",
            "punto_invio",
            "scheda",
        ]
        widgets = {
            "data": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "canale": forms.RadioSelect,
            "fascia_eta": forms.RadioSelect,
            "esito": forms.RadioSelect,
            "scheda": forms.HiddenInput,
        }

    def __init__(self, *args, punti, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["punto"].queryset = punti
        self.fields["punto"].empty_label = None
        self.fields["punto_invio"].queryset = PuntoInformazione.objects.filter(attivo=True)
        self.fields["punto_invio"].label = _("PIT a cui è inviata (se l'esito è questo)")
        self.fields["scheda"].queryset = Scheda.objects.filter(punto__in=punti)
        self.fields["canale"].choices = Canale.choices
        self.fields["fascia_eta"].choices = FasciaEta.choices
        self.fields["esito"].choices = Esito.choices
        if self.instance.pk:
            self.initial["lavoratore_impresa_aderente"] = (
                "true" if self.instance.lavoratore_impresa_aderente else "false"
            )

    def _post_clean(self):
        # The model's clean() runs in the service, which reports its errors per field.
        pass


class PuntoForm(forms.ModelForm):
    """What an operator keeps up to date about their PIT."""

    orario_testo = forms.CharField(
        label=_("Orario"),
        required=False,
        max_length=500,
        help_text=_("Es. «lun-ven 09:00-12:00; mar,gio 14:00-17:00». Vuoto: nessun orario."),
    )
    lingue = forms.MultipleChoiceField(
        choices=LINGUE, widget=forms.CheckboxSelectMultiple, required=False, label=_("Lingue")
    )
    temi = CategoriaChoiceField(
        queryset=categorie_bisogno(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Temi"),
    )
    sito_web = forms.URLField(required=False, assume_scheme="https", label=_("Sito web"))

    class Meta:
        model = PuntoInformazione
        fields = [
            "descrizione",
            "telefono",
            "email",
            "sito_web",
            "su_appuntamento",
            "temi",
            "lingue",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.orario_id:
            self.initial["orario_testo"] = orari.format_orario(self.instance.orario.fasce_logiche())

    def clean_orario_testo(self):
        text = self.cleaned_data["orario_testo"]
        try:
            return orari.parse_orario(text) if text else []
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def _post_clean(self):
        pass


class NotaForm(forms.Form):
    nota = forms.CharField(
        label=_("Nota"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NuovaSchedaForm(forms.Form):
    punto = forms.ModelChoiceField(queryset=PuntoInformazione.objects.none(), label=_("Punto"))

    def __init__(self, *args, punti, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["punto"].queryset = punti
        self.fields["punto"].empty_label = None


class OsservatorioForm(forms.Form):
    """The period and the scope of the observatory (default: the last twelve months)."""

    ambito = forms.ModelChoiceField(
        queryset=Ambito.objects.order_by("nome"),
        to_field_name="slug",
        required=False,
        label=_("Ambito"),
        empty_label=_("tutta la rete"),
    )
    punto = forms.ModelChoiceField(
        queryset=PuntoInformazione.objects.order_by("nome"),
        required=False,
        label=_("Punto"),
        empty_label=_("tutti"),
    )
    dal = forms.DateField(
        required=False, label=_("Dal"), widget=forms.DateInput(attrs={"type": "date"})
    )
    al = forms.DateField(
        required=False, label=_("Al"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, punti=None, **kwargs):
        super().__init__(*args, **kwargs)
        if punti is not None:
            self.fields["punto"].queryset = punti.order_by("nome")

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        al = cleaned.get("al") or today
        dal = cleaned.get("dal") or _months_before(al, 11)
        if "dal" in self.errors or "al" in self.errors:
            return cleaned
        if dal > al:
            self.add_error("al", _("La fine del periodo precede l'inizio."))
        elif (al.year - dal.year) * 12 + al.month - dal.month >= MAX_MESI_OSSERVATORIO:
            self.add_error(
                "dal",
                _("Il periodo può essere al massimo di %(n)s mesi.") % {"n": MAX_MESI_OSSERVATORIO},
            )
        cleaned["dal"], cleaned["al"] = dal, al
        return cleaned


def _months_before(day: date, months: int) -> date:
    """The first day of the month `months` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
