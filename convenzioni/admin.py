"""Administration of networks, companies, memberships, agreements and redemptions.

Curators manage everything here. Network administrators who are staff see their
networks and the agreements addressed to them; referents who are staff see their
Enti's agreements. Agreements are written through the services (so the admin
obeys the same rules as the pages and the API) and their state changes only
through the actions, never by editing a field.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from marketplace.admin_defaults import URL_HTTPS

from . import services
from .forms import ConvenzioneBaseForm, add_service_errors
from .models import Adesione, Convenzione, Impresa, ReteImprese, Utilizzo
from .permissions import convenzioni_visibili, editable_enti, is_curator, reti_moderate
from .services import CAMPI_CONVENZIONE, RELAZIONI_CONVENZIONE


class CuratorsWriteMixin:
    """Networks and companies are curated by the editorial staff."""

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and is_curator(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_curator(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_curator(request.user)


class AdesioneInline(admin.TabularInline):
    model = Adesione
    extra = 0
    autocomplete_fields = ["impresa"]


@admin.register(ReteImprese)
class ReteImpreseAdmin(CuratorsWriteMixin, SimpleHistoryAdmin):
    list_display = ["nome", "slug", "promotore", "demo"]
    search_fields = ["nome", "slug", "promotore"]
    prepopulated_fields = {"slug": ["nome"]}
    # Partner Enti are searched, not listed: a catalogue holds tens of thousands.
    autocomplete_fields = ["enti_partner"]
    filter_horizontal = ["amministratori"]
    inlines = [AdesioneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=reti_moderate(request.user))


@admin.register(Impresa)
class ImpresaAdmin(CuratorsWriteMixin, SimpleHistoryAdmin):
    list_display = ["nome", "partita_iva", "classe_dimensionale", "settore", "comune", "demo"]
    list_filter = ["classe_dimensionale", "reti", "demo"]
    search_fields = ["nome", "partita_iva", "settore"]
    prepopulated_fields = {"slug": ["nome"]}
    autocomplete_fields = ["comune", "ente"]
    filter_horizontal = ["referenti"]
    list_select_related = ["comune"]


@admin.register(Adesione)
class AdesioneAdmin(CuratorsWriteMixin, SimpleHistoryAdmin):
    list_display = ["impresa", "rete", "data_inizio", "data_fine"]
    list_filter = ["rete"]
    search_fields = ["impresa__nome", "rete__nome"]
    autocomplete_fields = ["impresa", "rete"]


class UtilizzoInline(admin.TabularInline):
    model = Utilizzo
    extra = 0
    can_delete = False
    fields = ["codice", "richiesto_il", "impresa", "rete", "confermato_il", "confermato_da"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, queryset, service, done, **kwargs):
    count = 0
    for convenzione in queryset:
        try:
            service(convenzione=convenzione, actor=request.user, **kwargs)
            count += 1
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(getattr(error, "messages", None) or [str(error)])
            modeladmin.message_user(request, f"{convenzione}: {text}", messages.ERROR)
    if count:
        modeladmin.message_user(request, f"{done}: {count}", messages.SUCCESS)


@admin.action(description=_("Invia in revisione"))
def invia(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.convenzione_invia, _("Inviate in revisione"))


@admin.action(description=_("Approva e pubblica"))
def approva(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, services.convenzione_approva, _("Pubblicate"))


@admin.action(description=_("Ritira (da moderatore: motivo «ritirata dall'amministrazione»)"))
def ritira(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        services.convenzione_ritira,
        _("Ritirate"),
        nota=str(_("Ritirata dall'amministrazione")),
    )


class ConvenzioneAdminForm(ConvenzioneBaseForm):
    """Runs the service once as a trial (rolled back) so that a rule across rows shows
    on the form, with the user's input kept, instead of failing at save time."""

    actor = None  # set per request by ConvenzioneAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                _write(self.instance, cleaned, actor=self.actor)
                transaction.set_rollback(True)
        except ValidationError as error:
            add_service_errors(self, error)
        except PermissionDenied as error:
            raise ValidationError(str(error)) from error
        return cleaned


def _write(instance: Convenzione, cleaned: dict, *, actor) -> Convenzione:
    data = {name: cleaned[name] for name in CAMPI_CONVENZIONE if name in cleaned}
    relations = {name: list(cleaned.get(name) or []) for name in RELAZIONI_CONVENZIONE}
    if instance.pk:
        return services.convenzione_update(
            convenzione=Convenzione.objects.get(pk=instance.pk),
            actor=actor,
            rimetti_in_revisione=cleaned.get("rimetti_in_revisione", False),
            **data,
            **relations,
        )
    return services.convenzione_create(ente=cleaned["ente"], actor=actor, **data, **relations)


@admin.register(Convenzione)
class ConvenzioneAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_HTTPS
    form = ConvenzioneAdminForm
    list_display = ["titolo", "ente", "stato", "data_inizio", "data_fine", "visualizzazioni",
                    "demo"]  # fmt: skip
    list_filter = ["stato", "tipo_beneficio", "reti_beneficiarie", "demo"]
    search_fields = ["titolo", "ente__nome"]
    autocomplete_fields = ["ente", "servizi", "imprese_beneficiarie"]
    filter_horizontal = ["reti_beneficiarie"]
    readonly_fields = ["stato", "nota_moderazione", "inviata_il", "pubblicata_il", "moderata_da",
                       "visualizzazioni"]  # fmt: skip
    list_select_related = ["ente"]
    inlines = [UtilizzoInline]
    actions = [invia, approva, ritira]

    def get_queryset(self, request):
        return convenzioni_visibili(request.user, super().get_queryset(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        if not is_curator(request.user) and "ente" in form.base_fields:
            form.base_fields["ente"].queryset = editable_enti(request.user)
        return form

    def get_readonly_fields(self, request, obj=None):
        # The offering Ente is chosen once.
        return [*self.readonly_fields, "ente"] if obj else self.readonly_fields

    def save_form(self, request, form, change):
        return form.instance

    def save_model(self, request, obj, form, change):
        obj.pk = _write(obj, form.cleaned_data, actor=request.user).pk

    def save_related(self, request, form, formsets, change):
        # The service has set the relations; the (read-only) redemptions inline is saved
        # only so that the admin's change message can read it.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Utilizzo)
class UtilizzoAdmin(admin.ModelAdmin):
    list_display = ["codice", "convenzione", "impresa", "rete", "richiesto_il", "confermato_il"]
    list_filter = ["confermato_il"]
    search_fields = ["codice", "convenzione__titolo"]
    readonly_fields = ["codice", "convenzione", "impresa", "rete", "richiesto_il",
                       "confermato_il", "confermato_da"]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        visibili = convenzioni_visibili(request.user)
        return super().get_queryset(request).filter(convenzione__in=visibili)
