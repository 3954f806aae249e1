"""Reads on the catalogue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from geo_data.models import Comune

from .models import Categoria, Ente, Sede, Servizio, StatoServizio


def categorie_con_discendenti(codici: list[str]) -> QuerySet[Categoria]:
    """The categories with these codes and all those below them (codes are dotted paths)."""
    condition = Q(pk__in=[])
    for codice in codici:
        condition |= Q(codice=codice) | Q(codice__startswith=f"{codice}.")
    return Categoria.objects.filter(condition)


def soglia_verifica(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=settings.SERVIZIO_VERIFICA_MAX_GIORNI)


def servizio_list(*, pubblicati: bool = True, today: date | None = None) -> QuerySet[Servizio]:
    """Services with what every listing shows, annotated with `da_riverificare`."""
    queryset = Servizio.objects.select_related("ente", "orario").prefetch_related(
        "categorie",
        Prefetch("sedi", queryset=sede_list().order_by("pk")),
        Prefetch("comuni_copertura", queryset=Comune.objects.only("codice_istat", "nome")),
        "orario__fasce",
        "orario__eccezioni",
    )
    if pubblicati:
        queryset = queryset.filter(stato=StatoServizio.PUBBLICATO)
    return queryset.annotate(
        da_riverificare=Case(
            When(
                Q(verificato_il__isnull=True) | Q(verificato_il__lt=soglia_verifica(today)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def filter_servizi_in_categorie(queryset: QuerySet[Servizio], codici: list[str]) -> QuerySet:
    """Services in any of the categories or below them."""
    in_categoria = Servizio.categorie.through.objects.filter(
        servizio_id=OuterRef("pk"), categoria__in=categorie_con_discendenti(codici)
    )
    return queryset.filter(Exists(in_categoria))


def filter_servizi_in_comuni(queryset: QuerySet[Servizio], codici_istat) -> QuerySet:
    """Services delivered at a place in one of the Comuni, or at home there."""
    at_place = Servizio.sedi.through.objects.filter(
        servizio_id=OuterRef("pk"), sede__comune_id__in=codici_istat
    )
    at_home = Servizio.comuni_copertura.through.objects.filter(
        servizio_id=OuterRef("pk"), comune_id__in=codici_istat
    )
    return queryset.filter(Exists(at_place) | Exists(at_home))


def servizio_aperto_il(servizio: Servizio, when: datetime | None = None) -> bool | None:
    """Open at `when` (default: now); None when the service has no schedule."""
    if servizio.orario is None:
        return None
    return servizio.orario.aperto_il(when or timezone.now())


def sede_list() -> QuerySet[Sede]:
    """Places with their Ente and Comune, leaving out the Comune's boundary (heavy)."""
    return Sede.objects.select_related("ente", "comune").defer("comune__geometria")


def ente_list() -> QuerySet[Ente]:
    return Ente.objects.all()
