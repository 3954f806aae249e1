"""Query parameters of the catalogue lists, validated: a bad value is a 400 naming it."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from geo_data.models import Ambito, Comune
from geo_data.selectors import filter_within_ambito
from marketplace.search.places import Provincia, provincia_named, provincia_sconosciuta
from servizi.models import (
    Costo,
    Destinatario,
    Ente,
    Sede,
    Servizio,
    StatoServizio,
    StatoVerificaEnte,
    TipoEnte,
)
from servizi.selectors import (
    categorie_con_discendenti,
    filter_servizi_in_categorie,
    filter_servizi_in_comuni,
)


class SiNoFilter(django_filters.TypedChoiceFilter):
    """A boolean parameter that refuses what is not `true` or `false` (never ignores it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


class CodiciCategoriaFilter(django_filters.CharFilter):
    """Comma-separated category codes; each includes its descendants."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        return filter_servizi_in_categorie(queryset, self.codici(value))

    def codici(self, value: str) -> list[str]:
        """The codes of `value`, each checked: an unknown one is a 400 naming it."""
        codici = [c.strip() for c in value.split(",") if c.strip()]
        known = set(categorie_con_discendenti(codici).values_list("codice", flat=True))
        unknown = [c for c in codici if c not in known]
        if unknown:
            raise ValidationError(
                {self.field_name: [_("Categoria sconosciuta: %(c)s.") % {"c": ", ".join(unknown)}]}
            )
        return codici


class ComuneFilter(django_filters.CharFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        if not Comune.objects.filter(pk=value).exists():
            raise ValidationError(
                {"comune": [_("Nessun Comune con codice ISTAT '%(c)s'.") % {"c": value}]}
            )
        return self.parent.filter_comune(queryset, value)


class AmbitoFilter(django_filters.CharFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        ambito = Ambito.objects.filter(slug=value).first()
        if ambito is None:
            raise ValidationError({"ambito": [_("Nessun Ambito con slug '%(s)s'.") % {"s": value}]})
        return self.parent.filter_ambito(queryset, ambito)


class ProvinciaFilter(django_filters.CharFilter):
    """A province by its code or its name ("BG", "Bergamo", "Monza e Brianza"), as the
    search reads it."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        provincia = provincia_named(value)
        if provincia is None:
            raise ValidationError({"provincia": [provincia_sconosciuta(value)]})
        return self.parent.filter_provincia(queryset, provincia)


class ServizioFilter(django_filters.FilterSet):
    categoria = CodiciCategoriaFilter(
        help_text=_("Codici separati da virgole, con le sottocategorie.")
    )
    tipo_ente = django_filters.ChoiceFilter(field_name="ente__tipo", choices=TipoEnte.choices)
    ente = django_filters.NumberFilter(field_name="ente_id")
    comune = ComuneFilter(
        help_text=_("Codice ISTAT: servizi con una sede o a domicilio nel Comune.")
    )
    ambito = AmbitoFilter(help_text=_("Slug dell'Ambito."))
    provincia = ProvinciaFilter(
        help_text=_("Sigla o nome: servizi con una sede o a domicilio nei suoi Comuni.")
    )
    destinatari = django_filters.ChoiceFilter(
        choices=Destinatario.choices, method="filter_destinatari"
    )
    costo = django_filters.ChoiceFilter(choices=Costo.choices)
    stato = django_filters.ChoiceFilter(choices=StatoServizio.choices)
    demo = SiNoFilter()

    class Meta:
        model = Servizio
        fields = []

    def filter_destinatari(self, queryset, name, value):
        return queryset.filter(destinatari__contains=[value])

    def filter_comune(self, queryset, codice):
        return filter_servizi_in_comuni(queryset, [codice])

    def filter_ambito(self, queryset, ambito):
        return filter_servizi_in_comuni(queryset, ambito.comuni.values("pk"))

    def filter_provincia(self, queryset, provincia: Provincia):
        return filter_servizi_in_comuni(queryset, provincia.codici)


class SedeFilter(django_filters.FilterSet):
    ente = django_filters.NumberFilter(field_name="ente_id")
    tipo_ente = django_filters.ChoiceFilter(field_name="ente__tipo", choices=TipoEnte.choices)
    comune = ComuneFilter()
    ambito = AmbitoFilter()
    provincia = ProvinciaFilter(help_text=_("Sigla o nome della provincia."))
    demo = SiNoFilter()

    class Meta:
        model = Sede
        fields = []

    def filter_comune(self, queryset, codice):
        return queryset.filter(comune_id=codice)

    def filter_ambito(self, queryset, ambito):
        return filter_within_ambito(queryset, field="punto", ambito=ambito)

    def filter_provincia(self, queryset, provincia: Provincia):
        return queryset.filter(comune_id__in=provincia.codici)


class EnteFilter(django_filters.FilterSet):
    tipo = django_filters.ChoiceFilter(choices=TipoEnte.choices)
    stato_verifica = django_filters.ChoiceFilter(choices=StatoVerificaEnte.choices)
    demo = SiNoFilter()

    class Meta:
        model = Ente
        fields = []
