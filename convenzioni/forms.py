"""Forms of the agreement pages. They parse input; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.tentativi import Tentativi
from servizi.models import Ente, Servizio

from .models import Convenzione, ReteImprese
from .permissions import editable_enti
from .selectors import Beneficiario, imprese_aderenti, rete_da_codice_adesione
from .services import CAMPI_CONVENZIONE, RELAZIONI_CONVENZIONE


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields, the others at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ConvenzioneBaseForm(forms.ModelForm):
    """The fields both the self-service pages and the admin edit.

    The model's own checks are not run by the form: the service runs them, together
    with the rules across rows, and its errors are put back on the form's fields.
    """

    link_prenotazione = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("Link di prenotazione"),
        help_text=_("Necessario se si prenota da un link."),
    )
    rimetti_in_revisione = forms.BooleanField(
        required=False,
        label=_("Rimanda in revisione con queste modifiche"),
        help_text=_(
            "La convenzione è già pubblicata (o scaduta, o ritirata): le modifiche vanno "
            "approvate di nuovo e, nel frattempo, non è visibile ai lavoratori."
        ),
    )

    def _post_clean(self):
        pass


class ConvenzioneForm(ConvenzioneBaseForm):
    """What a referent writes. The Ente is asked only when creating."""

    ente = forms.ModelChoiceField(queryset=None, label=_("Ente che offre la convenzione"))
    field_order = ["ente"]

    class Meta:
        model = Convenzione
        fields = [*CAMPI_CONVENZIONE, *RELAZIONI_CONVENZIONE]
        widgets = {
            "data_inizio": DateInput(),
            "data_fine": DateInput(),
            "descrizione": forms.Textarea(attrs={"rows": 4}),
            "condizioni": forms.Textarea(attrs={"rows": 3}),
            "istruzioni": forms.Textarea(attrs={"rows": 3}),
            "servizi": forms.CheckboxSelectMultiple,
            "reti_beneficiarie": forms.CheckboxSelectMultiple,
            "imprese_beneficiarie": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, user, ente: Ente | None = None, **kwargs):
        """`ente`: the one Ente a new agreement is for, chosen before (views.nuova)."""
        super().__init__(*args, **kwargs)
        enti = editable_enti(user).order_by("nome")
        if ente is not None:
            enti = enti.filter(pk=ente.pk)
        self.fields["ente"].queryset = enti
        if self.instance.pk:
            del self.fields["ente"]
            enti = enti.filter(pk=self.instance.ente_id)
            if self.instance.stato in {"bozza", "in_revisione"}:
                del self.fields["rimetti_in_revisione"]
        else:
            del self.fields["rimetti_in_revisione"]
            if enti.count() == 1:
                self.fields["ente"].initial = enti.first()
        self.fields["servizi"].queryset = Servizio.objects.filter(ente__in=enti).order_by("titolo")
        self.fields["reti_beneficiarie"].queryset = ReteImprese.objects.order_by("nome")
        self.fields["imprese_beneficiarie"].queryset = imprese_aderenti()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("ente", None)
        data.pop("rimetti_in_revisione", None)
        for name in RELAZIONI_CONVENZIONE:
            data[name] = list(data[name])
        return data


class SceltaImpresaForm(forms.Form):
    """A worker says once whom they work for: a company, or a network's join code.

    `tentativi` counts the wrong codes of the address asking: when it has tried too
    many, the code is not looked up and `troppi_tentativi` is set."""

    impresa = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("L'impresa in cui lavori"),
        empty_label=_("— scegli —"),
    )
    codice_adesione = forms.CharField(
        required=False,
        max_length=32,
        label=_("Oppure il codice della tua rete"),
        help_text=_("Te lo comunica la tua impresa, se aderisce a una rete."),
    )

    def __init__(self, *args, tentativi: Tentativi, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["impresa"].queryset = imprese_aderenti()
        self.tentativi = tentativi
        self.troppi_tentativi = False

    def clean(self):
        cleaned = super().clean()
        impresa, codice = cleaned.get("impresa"), (cleaned.get("codice_adesione") or "").strip()
        if impresa and codice:
            raise ValidationError(_("Scegli l'impresa oppure scrivi il codice, non entrambi."))
        if not impresa and not codice:
            if not self.errors:
                raise ValidationError(_("Scegli la tua impresa o scrivi il codice della rete."))
            return cleaned
        if codice:
            minuti = self.tentativi.minuti_di_attesa()
            if minuti:
                self.troppi_tentativi = True
                self.add_error(
                    "codice_adesione",
                    ngettext(
                        "Troppi codici sbagliati da questa connessione: riprova fra "
                        "%(n)d minuto, o scegli la tua impresa dall'elenco.",
                        "Troppi codici sbagliati da questa connessione: riprova fra "
                        "%(n)d minuti, o scegli la tua impresa dall'elenco.",
                        minuti,
                    )
                    % {"n": minuti},
                )
                return cleaned
            rete = rete_da_codice_adesione(codice)
            if rete is None:
                self.tentativi.fallito()
                self.add_error(
                    "codice_adesione",
                    _("Nessuna rete ha il codice «%(c)s»: controlla di averlo scritto bene.")
                    % {"c": codice},
                )
                return cleaned
            cleaned["beneficiario"] = Beneficiario(rete=rete)
        else:
            cleaned["beneficiario"] = Beneficiario(impresa=impresa)
        return cleaned


class NotaForm(forms.Form):
    nota = forms.CharField(
        label=_("Motivo"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Lo legge il referente dell'ente. Necessario per respingere o ritirare."),
    )


class CodiceForm(forms.Form):
    codice = forms.CharField(
        label=_("Codice mostrato dal lavoratore"),
        max_length=20,
        help_text=_("Es. ABCD-2345 (anche senza trattino)."),
    )
