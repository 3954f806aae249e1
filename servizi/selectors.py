"""Reads on the catalogue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface
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
from django.db.models.expressions import RawSQL
from django.utils import timezone

from geo_data.models import Ambito, Comune

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


def servizi_per_integratori(
    *,
    completi: bool = False,
    testo: str = "",
    ente_id: int | None = None,
    categoria: Categoria | None = None,
    destinatario: str | None = None,
    con_categorie: bool = False,
    con_destinatari: bool = False,
    modificati_dal: datetime | None = None,
) -> QuerySet[Servizio]:
    """The published services in id order, as the HSDS API lists them (all the
    conditions hold): `completi` with everything servizio_list reads, otherwise with
    their Ente only. `testo` matches the indexed text as the site's search reads it
    (Italian stems, accents folded, the domain's synonyms, the last word as a prefix);
    `categoria` takes those below it too."""
    # Here: the search reads this module's selectors as it loads.
    from marketplace.search.backends.postgres import text_tsqueries
    from marketplace.search.models import DocumentoRicerca, TipoRisultato

    if completi:
        queryset = servizio_list(pubblicati=True)
    else:
        queryset = Servizio.objects.filter(stato=StatoServizio.PUBBLICATO).select_related("ente")
    if testo:
        # The service's document in the search index, its text matched as the postgres
        # backend matches it when it does not rank (by the GIN index of strip(vettore)).
        matches = RawSQL(
            "strip(vettore) @@ %s::tsquery",
            [text_tsqueries(testo).matching],
            output_field=BooleanField(),
        )
        documents = DocumentoRicerca.objects.filter(
            matches, tipo=TipoRisultato.SERVIZIO, oggetto_id=OuterRef("pk")
        )
        queryset = queryset.filter(Exists(documents))
    if ente_id is not None:
        queryset = queryset.filter(ente_id=ente_id)
    if categoria is not None:
        queryset = filter_servizi_in_categorie(queryset, [categoria.codice])
    if destinatario is not None:
        queryset = queryset.filter(destinatari__contains=[destinatario])
    if con_categorie:
        in_any = Servizio.categorie.through.objects.filter(servizio_id=OuterRef("pk"))
        queryset = queryset.filter(Exists(in_any))
    if con_destinatari:
        queryset = queryset.exclude(destinatari=[])
    if modificati_dal is not None:
        queryset = queryset.filter(aggiornato_il__gte=modificati_dal)
    return queryset.order_by("pk")


def servizi_sedi_per_integratori(*, completi: bool = False, **filtri) -> QuerySet:
    """The places of the published services servizi_per_integratori finds with `filtri`
    (rows of Servizio.sedi's table), in the order of the services, then of the places:
    with each, its service (with everything servizio_list reads when `completi`, its
    Ente otherwise) and its place with its Comune."""
    servizi = servizi_per_integratori(**filtri).order_by()
    queryset = (
        Servizio.sedi.through.objects.filter(servizio__in=servizi.values("pk"))
        .select_related("sede__comune")
        .defer("sede__comune__geometria")
        .order_by("servizio_id", "sede_id")
    )
    if completi:
        return queryset.prefetch_related(
            Prefetch("servizio", queryset=servizio_list(pubblicati=True))
        )
    return queryset.select_related("servizio__ente")


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


def ente_servizi_pubblicati(ente: Ente) -> QuerySet[Servizio]:
    """The published services of an Ente, as its public page lists them."""
    return servizio_list().filter(ente=ente).order_by("titolo", "pk")


def comuni_da_scegliere() -> QuerySet[Comune]:
    """The Comuni a citizen can pick on the map: those of the districts and those where a
    published service is delivered (at a place or at home), each with `centro`, a point
    inside its boundary (where "starting from this Comune" starts). No boundaries."""
    published = Servizio.objects.filter(stato=StatoServizio.PUBBLICATO)
    with_place = Sede.objects.filter(comune=OuterRef("pk"), servizi__in=published)
    at_home = Servizio.comuni_copertura.through.objects.filter(
        comune_id=OuterRef("pk"), servizio__in=published
    )
    in_ambito = Ambito.comuni.through.objects.filter(comune_id=OuterRef("pk"))
    return (
        Comune.objects.filter(Exists(in_ambito) | Exists(with_place) | Exists(at_home))
        .annotate(centro=PointOnSurface("geometria"))
        .defer("geometria")
        .order_by("nome", "codice_istat")
    )


def categoria_albero() -> QuerySet[Categoria]:
    """The top-level needs in display order, with their subcategories (also in order)."""
    ordered = Categoria.objects.order_by("ordine", "codice")
    return ordered.filter(genitore=None).prefetch_related(Prefetch("figlie", queryset=ordered))
