from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from marketplace.admin_defaults import URL_HTTPS, IdsOfRelatedSearchMixin

from . import orari
from .models import (
    Categoria,
    EccezioneOrario,
    Ente,
    FasciaOraria,
    Orario,
    Sede,
    Servizio,
    StatoServizio,
)
from .permissions import can_edit_ente, editable_enti, is_curator
from .selectors import servizio_list, soglia_verifica
from .services import check_sedi_of_ente, servizi_mark_verified, servizi_set_stato


class OwnEntiMixin:
    """Referents see and change only the records of their Enti; curators see everything."""

    ente_path = "ente"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_curator(request.user):
            return queryset
        return queryset.filter(**{f"{self.ente_path}__in": editable_enti(request.user)})

    def _ente_of(self, obj):
        return obj if isinstance(obj, Ente) else obj.ente

    def has_view_permission(self, request, obj=None):
        # Curators see the whole catalogue, also where another form searches it by name
        # (autocomplete: a network's partner Enti, a service's places).
        return super().has_view_permission(request, obj) or is_curator(request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_ente(request.user, self._ente_of(obj)))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_ente(request.user, self._ente_of(obj)))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "ente" and not is_curator(request.user):
            kwargs["queryset"] = editable_enti(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SedeInline(LeafletGeoAdminMixin, admin.StackedInline):
    model = Sede
    extra = 0
    fields = [
        "nome",
        "indirizzo",
        "cap",
        "punto",
        "accesso_senza_barriere",
        "bagno_accessibile",
        "parcheggio",
        "note_accessibilita",
    ]


@admin.register(Ente)
class EnteAdmin(OwnEntiMixin, SimpleHistoryAdmin):
    formfield_overrides = URL_HTTPS
    ente_path = "pk"
    list_display = ["nome", "tipo", "codice_fiscale", "stato_verifica", "demo"]
    list_filter = ["tipo", "stato_verifica", "demo"]
    search_fields = ["nome", "codice_fiscale", "partita_iva"]
    filter_horizontal = ["referenti"]
    inlines = [SedeInline]

    def get_readonly_fields(self, request, obj=None):
        # Only curators decide who the referents are and whether an Ente is verified.
        return [] if is_curator(request.user) else ["referenti", "stato_verifica"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and is_curator(request.user)


@admin.register(Sede)
class SedeAdmin(IdsOfRelatedSearchMixin, OwnEntiMixin, LeafletGeoAdmin, SimpleHistoryAdmin):
    list_display = ["nome", "ente", "indirizzo", "comune", "demo"]
    list_filter = [("comune", admin.RelatedOnlyFieldListFilter), "ente__tipo", "demo"]
    search_fields = ["nome", "indirizzo", "ente__nome", "comune__nome"]
    readonly_fields = ["comune"]
    autocomplete_fields = ["ente"]

    def get_queryset(self, request):
        # A place is named by its Ente (Sede.__str__) and listed with its Comune: the list
        # and the services' search of places (autocomplete) read them together, without
        # the Comune's boundary (heavy). Django's list_select_related would apply to the
        # list only, and not at all to a queryset that already selects related rows.
        return (
            super()
            .get_queryset(request)
            .select_related("ente", "comune")
            .defer("comune__geometria")
        )


class FasceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        fasce = [
            orari.Fascia(
                f.cleaned_data["giorno"], f.cleaned_data["apertura"], f.cleaned_data["chiusura"]
            )
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and {"giorno", "apertura", "chiusura"} <= f.cleaned_data.keys()
        ]
        orari.check_no_overlap(fasce)


class FasciaInline(admin.TabularInline):
    model = FasciaOraria
    formset = FasceFormSet
    extra = 1


class EccezioneInline(admin.TabularInline):
    model = EccezioneOrario
    extra = 0


@admin.register(Orario)
class OrarioAdmin(IdsOfRelatedSearchMixin, admin.ModelAdmin):
    inlines = [FasciaInline, EccezioneInline]
    search_fields = ["descrizione", "servizio__titolo"]

    def get_queryset(self, request):
        # A timetable without a description is named by its time slots (Orario.__str__):
        # one statement for the page's slots, not one per timetable.
        return super().get_queryset(request).prefetch_related("fasce")


class DaRiverificareFilter(admin.SimpleListFilter):
    title = _("verifica")
    parameter_name = "verifica"

    def lookups(self, request, model_admin):
        return [("scaduta", _("Da riverificare")), ("recente", _("Verificati di recente"))]

    def queryset(self, request, queryset):
        stale = Q(verificato_il__isnull=True) | Q(verificato_il__lt=soglia_verifica())
        if self.value() == "scaduta":
            return queryset.filter(stale)
        if self.value() == "recente":
            return queryset.exclude(stale)
        return queryset


class ServizioAdminForm(forms.ModelForm):
    # No Meta: the ModelAdmin builds the form from its fieldsets.

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ente") and cleaned.get("sedi") is not None:
            try:
                check_sedi_of_ente(cleaned["ente"], cleaned["sedi"])
            except ValidationError as error:
                self.add_error("sedi", error.message_dict["sedi"])
        return cleaned


@admin.register(Servizio)
class ServizioAdmin(IdsOfRelatedSearchMixin, OwnEntiMixin, SimpleHistoryAdmin):
    formfield_overrides = URL_HTTPS
    form = ServizioAdminForm
    list_display = ["titolo", "ente", "stato", "verificato_il", "da_riverificare", "demo"]
    list_filter = [
        "stato",
        DaRiverificareFilter,
        "ente__tipo",
        "costo",
        "modalita_accesso",
        # Every category (35), not only those in use: finding those took 0.7 s on every
        # page at a million services.
        "categorie",
        "demo",
    ]
    # One count per page: the whole catalogue's second count adds nothing to a filter.
    show_full_result_count = False
    search_fields = ["titolo", "descrizione", "ente__nome"]
    list_select_related = ["ente"]
    # Places are searched, not listed: a catalogue holds a hundred thousand of them (at a
    # million services the form listed them all, each naming its Ente: 70 s).
    autocomplete_fields = ["ente", "sedi", "comuni_copertura"]
    filter_horizontal = ["categorie"]
    raw_id_fields = ["orario"]
    actions = ["pubblica", "archivia", "segna_verificati"]
    fieldsets = [
        (None, {"fields": ["ente", "titolo", "descrizione", "categorie", "stato"]}),
        (_("Per chi"), {"fields": ["destinatari", "eta_min", "eta_max", "requisiti", "lingue"]}),
        (_("Accesso e costo"), {"fields": ["modalita_accesso", "costo", "costo_descrizione"]}),
        (_("Dove e quando"), {"fields": ["sedi", "comuni_copertura", "orario"]}),
        (_("Contatti"), {"fields": ["email", "telefono", "sito_web"]}),
        (_("Verifica"), {"fields": ["verificato_il"]}),
    ]

    def get_queryset(self, request):
        base = servizio_list(pubblicati=False).select_related(None).prefetch_related(None)
        if is_curator(request.user):
            return base.select_related("ente")
        return base.filter(ente__in=editable_enti(request.user)).select_related("ente")

    @admin.display(boolean=True, description=_("da riverificare"), ordering="verificato_il")
    def da_riverificare(self, servizio):
        return servizio.da_riverificare

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "sedi" and not is_curator(request.user):
            kwargs["queryset"] = Sede.objects.filter(ente__in=editable_enti(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.action(description=_("Pubblica i servizi selezionati"), permissions=["change"])
    def pubblica(self, request, queryset):
        count = servizi_set_stato(
            servizi=queryset, stato=StatoServizio.PUBBLICATO, actor=request.user
        )
        self.message_user(
            request,
            ngettext("%(n)d servizio pubblicato.", "%(n)d servizi pubblicati.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Archivia i servizi selezionati"), permissions=["change"])
    def archivia(self, request, queryset):
        count = servizi_set_stato(
            servizi=queryset, stato=StatoServizio.ARCHIVIATO, actor=request.user
        )
        self.message_user(
            request,
            ngettext("%(n)d servizio archiviato.", "%(n)d servizi archiviati.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Segna come verificati oggi"), permissions=["change"])
    def segna_verificati(self, request, queryset):
        count = servizi_mark_verified(servizi=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("%(n)d servizio verificato.", "%(n)d servizi verificati.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Categoria)
class CategoriaAdmin(admin.ModelAdmin):
    list_display = ["codice", "nome", "nome_en", "genitore", "ordine"]
    list_filter = [("genitore", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["codice", "nome", "nome_en"]
