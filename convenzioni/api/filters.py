"""Query parameters of the agreements API, validated: a bad value is a 400 naming it."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from convenzioni.models import Convenzione, Impresa, ReteImprese, StatoConvenzione
from convenzioni.selectors import beneficiario_da_codice, filter_per_beneficiario, filter_valide_il
from servizi.api.filters import SiNoFilter


class ReteSlugFilter(django_filters.CharFilter):
    """A network's slug; unknown is an error, never an empty answer."""

    def __init__(self, *args, lookup: str, **kwargs):
        self.lookup = lookup
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        rete = ReteImprese.objects.filter(slug=value).first()
        if rete is None:
            raise ValidationError(
                {self.field_name: [_("Nessuna rete con codice '%(c)s'.") % {"c": value}]}
            )
        return queryset.filter(**{self.lookup: rete}).distinct()


class ConvenzioneFilter(django_filters.FilterSet):
    stato = django_filters.ChoiceFilter(choices=StatoConvenzione.choices)
    ente = django_filters.NumberFilter(field_name="ente_id")
    rete = ReteSlugFilter(
        field_name="rete",
        lookup="reti_beneficiarie",
        help_text=_("Codice breve di una rete: le convenzioni rivolte direttamente a essa."),
    )
    valide_per = django_filters.CharFilter(
        method="filter_valide_per",
        help_text=_(
            "impresa:<codice> o rete:<codice>: solo le convenzioni valide oggi per i suoi "
            "dipendenti (date di adesione comprese)."
        ),
    )
    demo = SiNoFilter()

    class Meta:
        model = Convenzione
        fields = []

    def filter_valide_per(self, queryset, name, value):
        try:
            beneficiario = beneficiario_da_codice(value)
        except DjangoValidationError as error:
            raise ValidationError({"valide_per": error.messages}) from error
        return filter_per_beneficiario(
            filter_valide_il(queryset), rete=beneficiario.rete, impresa=beneficiario.impresa
        )


class ImpresaFilter(django_filters.FilterSet):
    rete = ReteSlugFilter(
        field_name="rete", lookup="reti", help_text=_("Imprese che hanno aderito a questa rete.")
    )
    classe_dimensionale = django_filters.ChoiceFilter(
        choices=Impresa._meta.get_field("classe_dimensionale").choices
    )
    demo = SiNoFilter()

    class Meta:
        model = Impresa
        fields = []
