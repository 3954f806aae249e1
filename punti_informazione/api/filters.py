"""Query parameters of the PIT lists, validated: a bad value is a 400 naming it."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from servizi.api.filters import (
    AmbitoFilter,
    CodiciCategoriaFilter,
    ComuneFilter,
    SiNoFilter,
)
from servizi.models import LINGUE
from servizi.selectors import categorie_con_discendenti

from ..models import Consultazione, Esito, PuntoInformazione, TipoPunto
from ..selectors import filter_consultazioni, punti_in_ambito


class TemiFilter(CodiciCategoriaFilter):
    """PITs that guide on any of these topics (or on one below them)."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        categorie = categorie_con_discendenti(self.codici(value))
        return queryset.filter(pk__in=queryset.filter(temi__in=categorie).values("pk"))


class PuntoFilter(django_filters.FilterSet):
    tipo = django_filters.ChoiceFilter(choices=TipoPunto.choices)
    ente = django_filters.NumberFilter(field_name="ente_id")
    comune = ComuneFilter(help_text=_("Codice ISTAT del Comune della sede."))
    ambito = AmbitoFilter(help_text=_("Slug dell'Ambito."))
    tema = TemiFilter(
        help_text=_("Codici di categoria separati da virgole, con le sottocategorie.")
    )
    lingua = django_filters.ChoiceFilter(choices=LINGUE, method="filter_lingua")
    attivo = SiNoFilter()
    demo = SiNoFilter()

    class Meta:
        model = PuntoInformazione
        fields = []

    def filter_lingua(self, queryset, name, value):
        return queryset.filter(lingue__contains=[value])

    def filter_comune(self, queryset, codice):
        return queryset.filter(sede__comune_id=codice)

    def filter_ambito(self, queryset, ambito):
        return punti_in_ambito(queryset, ambito)


class ConsultazioneFilter(django_filters.FilterSet):
    dal = django_filters.DateFilter(field_name="data", lookup_expr="gte")
    al = django_filters.DateFilter(field_name="data", lookup_expr="lte")
    punto = django_filters.NumberFilter(field_name="punto_id")
    ambito = AmbitoFilter(help_text=_("Slug dell'Ambito del punto."))
    esito = django_filters.ChoiceFilter(choices=Esito.choices)

    class Meta:
        model = Consultazione
        fields = []

    def filter_ambito(self, queryset, ambito):
        return filter_consultazioni(queryset, ambito=ambito)
