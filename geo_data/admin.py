from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from .models import Ambito, Comune
from .services import ambito_refresh_geometria


@admin.register(Comune)
class ComuneAdmin(LeafletGeoAdmin):
    list_display = ["nome", "codice_istat", "sigla_provincia", "regione", "popolazione"]
    list_filter = ["regione", "provincia"]
    search_fields = ["nome", "codice_istat"]
    # Boundaries come from the official data: shown on the map, changed only by load_comuni.
    readonly_fields = ["codice_istat"]
    settings_overrides = {"DEFAULT_ZOOM": 12}


@admin.register(Ambito)
class AmbitoAdmin(LeafletGeoAdmin):
    list_display = ["nome", "slug", "numero_comuni"]
    search_fields = ["nome", "comuni__nome"]
    prepopulated_fields = {"slug": ["nome"]}
    autocomplete_fields = ["comuni"]
    fields = ["nome", "slug", "descrizione", "fonti", "comuni"]

    @admin.display(description=_("Comuni"))
    def numero_comuni(self, ambito: Ambito) -> int:
        return ambito.comuni.count()

    def save_related(self, request, form, formsets, change):
        # The union boundary depends on the members, which are saved only here.
        super().save_related(request, form, formsets, change)
        ambito_refresh_geometria(ambito=form.instance)
