"""Administration of the PIT network, scoped by the same rules as the console and the API."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from marketplace.admin_defaults import URL_HTTPS

from . import permissions
from .models import (
    AmministratoreAmbito,
    Consultazione,
    Operatore,
    PuntoInformazione,
    Scheda,
    VoceScheda,
)


class OperatoreInline(admin.TabularInline):
    model = Operatore
    extra = 0
    autocomplete_fields = ["utente"]

    def has_add_permission(self, request, obj=None):
        return obj is None or permissions.can_manage_punto(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or permissions.can_manage_punto(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or permissions.can_manage_punto(request.user, obj)


class PuntoAdminForm(forms.ModelForm):
    # No Meta: the ModelAdmin builds the form from its fields; the request comes from get_form.
    request = None

    def clean(self):
        cleaned = super().clean()
        sede = cleaned.get("sede")
        if (
            sede is not None
            and "sede" in self.changed_data
            and not permissions.can_create_punto_at(self.request.user, sede)
        ):
            self.add_error("sede", _("La sede è fuori dagli Ambiti che amministri."))
        return cleaned


@admin.register(PuntoInformazione)
class PuntoInformazioneAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_HTTPS
    form = PuntoAdminForm
    list_display = ["nome", "tipo", "ente", "comune", "attivo", "demo"]
    list_filter = ["tipo", "attivo", "demo"]
    search_fields = ["nome", "ente__nome", "sede__comune__nome"]
    list_select_related = ["ente", "sede__comune"]
    autocomplete_fields = ["ente", "sede"]
    filter_horizontal = ["temi"]
    raw_id_fields = ["orario"]
    inlines = [OperatoreInline]
    fields = [
        "nome",
        "ente",
        "tipo",
        "sede",
        "attivo",
        "descrizione",
        "orario",
        "su_appuntamento",
        "telefono",
        "email",
        "sito_web",
        "temi",
        "lingue",
    ]

    @admin.display(description=_("Comune"), ordering="sede__comune__nome")
    def comune(self, punto):
        return punto.sede.comune.nome

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=permissions.punti_visibili(request.user))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None or permissions.can_manage_punto(request.user, obj):
            return []
        return [name for name in self.fields if name not in permissions.CAMPI_OPERATORE]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            permissions.ambiti_amministrati(request.user).exists()
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit_punto(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        # A PIT is deactivated, never deleted: its consultations are the observatory.
        return False


@admin.register(Operatore)
class OperatoreAdmin(SimpleHistoryAdmin):
    list_display = ["utente", "punto", "ruolo"]
    list_filter = ["ruolo", ("punto", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["utente__username", "utente__first_name", "utente__last_name", "punto__nome"]
    autocomplete_fields = ["utente", "punto"]
    list_select_related = ["utente", "punto"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(punto__in=permissions.punti_gestiti(request.user))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "punto":
            kwargs["queryset"] = permissions.punti_gestiti(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AmministratoreAmbito)
class AmministratoreAmbitoAdmin(SimpleHistoryAdmin):
    list_display = ["utente", "ambito"]
    list_filter = ["ambito"]
    autocomplete_fields = ["utente"]

    def has_module_permission(self, request):
        return permissions.is_network_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_network_admin(request.user)

    def has_add_permission(self, request):
        return permissions.is_network_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_network_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_network_admin(request.user)


class VoceInline(admin.TabularInline):
    model = VoceScheda
    extra = 0
    fields = ["tipo", "oggetto_id", "titolo", "nota", "ordine"]
    readonly_fields = ["titolo"]


@admin.register(Scheda)
class SchedaAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "punto", "autore", "creata_il", "link_scade_il"]
    list_filter = [("punto", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["punto", "autore"]
    readonly_fields = ["punto", "autore", "creata_il"]
    fields = ["punto", "autore", "creata_il", "link_scade_il"]
    inlines = [VoceInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(pk__in=permissions.schede_visibili(request.user))
        )

    def has_add_permission(self, request):
        return False  # sheets are made in the console, at a PIT

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit_scheda(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit_scheda(request.user, obj))


@admin.register(Consultazione)
class ConsultazioneAdmin(SimpleHistoryAdmin):
    """Read-only once frozen; before that, only its operator (or the responsabile) edits it."""

    list_display = ["data", "punto", "canale", "fascia_eta", "esito", "congelata_display"]
    list_filter = ["esito", "canale", "fascia_eta", ("punto", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "data"
    list_select_related = ["punto"]
    filter_horizontal = ["bisogni"]
    autocomplete_fields = ["comune_residenza"]
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
        "operatore",
        "registrata_il",
    ]
    readonly_fields = ["punto", "operatore", "registrata_il", "scheda"]

    @admin.display(boolean=True, description=_("chiusa"))
    def congelata_display(self, consultazione):
        return consultazione.congelata()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=permissions.consultazioni_visibili(request.user))
        )

    def has_add_permission(self, request):
        return False  # recorded in the console, where the form says what is not recorded

    def _editable(self, request, obj) -> bool:
        return obj is None or (
            not obj.congelata() and permissions.can_edit_consultazione(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)
