"""Reads on networks, companies and agreements, including the eligibility rule.

The eligibility rule: an agreement is **valid on a day for the employees of a
company** when it is published, the day falls within its validity (start and end
included), and either the company is named among its beneficiaries or the
agreement targets a network the company is a member of *on that day* (the
membership's start and end included). A worker who states only a network (with its
join code) sees the agreements that target that network, not those naming single
companies. This is what the search's `con_convenzione_per` filter asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from servizi.models import Ente, Sede, Servizio, StatoServizio
from servizi.selectors import sede_list

from .models import Adesione, Convenzione, Impresa, ReteImprese, StatoConvenzione


@dataclass(frozen=True)
class Beneficiario:
    """Who a worker says they are: an employee of a company, or of a network's member."""

    rete: ReteImprese | None = None
    impresa: Impresa | None = None

    def __post_init__(self) -> None:
        if (self.rete is None) == (self.impresa is None):
            raise ValueError("A Beneficiario is either a network or a company.")

    @property
    def codice(self) -> str:
        """Its value for the search's `con_convenzione_per` (rete:<slug> or impresa:<slug>)."""
        return (self.impresa or self.rete).codice_ricerca

    def __str__(self) -> str:
        return str(self.impresa or self.rete)


def _oggi(day: date | None) -> date:
    return day or timezone.localdate()


# --------------------------------------------------------------------------- networks


def rete_list() -> QuerySet[ReteImprese]:
    return ReteImprese.objects.annotate(
        numero_imprese=Count(
            "adesioni",
            filter=Q(adesioni__data_fine__isnull=True)
            | Q(adesioni__data_fine__gte=timezone.localdate()),
            distinct=True,
        )
    ).order_by("nome")


def impresa_list() -> QuerySet[Impresa]:
    return (
        Impresa.objects.select_related("comune")
        .defer("comune__geometria")
        .prefetch_related(
            Prefetch("adesioni", queryset=Adesione.objects.select_related("rete").order_by("pk"))
        )
        .order_by("nome")
    )


def adesioni_attive(day: date | None = None) -> QuerySet[Adesione]:
    day = _oggi(day)
    return Adesione.objects.filter(
        Q(data_fine__isnull=True) | Q(data_fine__gte=day), data_inizio__lte=day
    )


def reti_di(impresa: Impresa, day: date | None = None) -> QuerySet[ReteImprese]:
    """The networks the company is a member of on that day."""
    return ReteImprese.objects.filter(
        pk__in=adesioni_attive(day).filter(impresa=impresa).values("rete_id")
    )


def imprese_aderenti(day: date | None = None) -> QuerySet[Impresa]:
    """Companies a worker can choose: members of at least one network on that day."""
    return impresa_list().filter(pk__in=adesioni_attive(day).values("impresa_id"))


def rete_da_codice_adesione(codice: str) -> ReteImprese | None:
    codice = (codice or "").strip()
    if not codice:
        return None
    return ReteImprese.objects.filter(codice_adesione__iexact=codice).first()


def beneficiario_da_codice(codice: str) -> Beneficiario:
    """`rete:<slug>` or `impresa:<slug>` (the search parameter); unknown: ValidationError."""
    kind, _sep, slug = (codice or "").strip().partition(":")
    found = None
    if kind == "rete":
        found = ReteImprese.objects.filter(slug=slug).first()
        if found:
            return Beneficiario(rete=found)
    elif kind == "impresa":
        found = Impresa.objects.filter(slug=slug).first()
        if found:
            return Beneficiario(impresa=found)
    else:
        raise ValidationError(
            _("Scrivi rete:<codice> o impresa:<codice> (ricevuto: '%(c)s').") % {"c": codice}
        )
    raise ValidationError(_("Nessuna rete o impresa con codice '%(c)s'.") % {"c": codice})


# --------------------------------------------------------------------------- targeting rule


def reti_consentite(ente: Ente, day: date | None = None) -> QuerySet[ReteImprese]:
    """The networks an Ente may address agreements to.

    Either the Ente is a network's registered convention partner (`enti_partner`),
    or it is the catalogue Ente of a company that is a member of the network and
    whose membership has not ended (it may start later: an SME can prepare the
    agreements of a network it is joining).
    """
    day = _oggi(day)
    membri = Adesione.objects.filter(impresa__ente=ente).filter(
        Q(data_fine__isnull=True) | Q(data_fine__gte=day)
    )
    return ReteImprese.objects.filter(
        Q(enti_partner=ente) | Q(pk__in=membri.values("rete_id"))
    ).distinct()


def imprese_consentite(ente: Ente, day: date | None = None) -> QuerySet[Impresa]:
    """Companies an Ente may name: members (not past) of a network it may address."""
    day = _oggi(day)
    adesioni = Adesione.objects.filter(rete__in=reti_consentite(ente, day)).filter(
        Q(data_fine__isnull=True) | Q(data_fine__gte=day)
    )
    return Impresa.objects.filter(pk__in=adesioni.values("impresa_id"))


# --------------------------------------------------------------------------- agreements


def convenzione_list() -> QuerySet[Convenzione]:
    """Agreements with what lists show, and their redemption counts."""
    return (
        Convenzione.objects.select_related("ente")
        .prefetch_related(
            "reti_beneficiarie",
            "imprese_beneficiarie",
            Prefetch("servizi", queryset=Servizio.objects.only("pk", "titolo", "ente_id")),
        )
        .annotate(
            utilizzi_richiesti=Count("utilizzi", distinct=True),
            utilizzi_confermati=Count(
                "utilizzi", filter=Q(utilizzi__confermato_il__isnull=False), distinct=True
            ),
        )
    )


def filter_valide_il(queryset: QuerySet[Convenzione], day: date | None = None) -> QuerySet:
    """Published and within their dates: the read-time rule, so an agreement past its
    end is never valid, whether or not the nightly expiry has already marked it."""
    day = _oggi(day)
    return queryset.filter(
        stato=StatoConvenzione.PUBBLICATA, data_inizio__lte=day, data_fine__gte=day
    )


def filter_per_beneficiario(
    queryset: QuerySet[Convenzione],
    *,
    rete: ReteImprese | None = None,
    impresa: Impresa | None = None,
    day: date | None = None,
) -> QuerySet[Convenzione]:
    """Agreements whose beneficiaries include this company (membership on `day`) or network."""
    if (rete is None) == (impresa is None):
        raise ValueError("Give either rete or impresa.")
    day = _oggi(day)
    per_rete = Convenzione.reti_beneficiarie.through.objects.filter(convenzione_id=OuterRef("pk"))
    if rete is not None:
        return queryset.filter(Exists(per_rete.filter(reteimprese_id=rete.pk)))
    reti_dell_impresa = adesioni_attive(day).filter(impresa=impresa).values("rete_id")
    nominata = Convenzione.imprese_beneficiarie.through.objects.filter(
        convenzione_id=OuterRef("pk"), impresa_id=impresa.pk
    )
    return queryset.filter(
        Exists(nominata) | Exists(per_rete.filter(reteimprese_id__in=reti_dell_impresa))
    )


def convenzioni_valide_per(
    *,
    rete: ReteImprese | None = None,
    impresa: Impresa | None = None,
    day: date | None = None,
) -> QuerySet[Convenzione]:
    """The agreements valid on `day` (default today) for the employees of the company
    or of the network's members; give exactly one of `rete`, `impresa`."""
    queryset = filter_valide_il(convenzione_list(), day)
    return filter_per_beneficiario(queryset, rete=rete, impresa=impresa, day=day)


def convenzioni_in_arrivo_per(
    *,
    rete: ReteImprese | None = None,
    impresa: Impresa | None = None,
    day: date | None = None,
) -> QuerySet[Convenzione]:
    """The published agreements valid only from a day after `day` (default today) for the
    employees of the company (its memberships on `day`) or of the network's members; give
    exactly one of `rete`, `impresa`."""
    queryset = Convenzione.objects.filter(
        stato=StatoConvenzione.PUBBLICATA, data_inizio__gt=_oggi(day)
    )
    return filter_per_beneficiario(queryset, rete=rete, impresa=impresa, day=day)


def enti_con_convenzione_valida_per(
    *,
    rete: ReteImprese | None = None,
    impresa: Impresa | None = None,
    day: date | None = None,
) -> QuerySet:
    """Ids of the Enti offering at least one agreement valid on `day` for them.

    A `values_list` queryset: usable as a subquery (`ente_id__in=...`) or as a list.
    """
    queryset = filter_valide_il(Convenzione.objects.all(), day)
    queryset = filter_per_beneficiario(queryset, rete=rete, impresa=impresa, day=day)
    return queryset.order_by().values_list("ente_id", flat=True).distinct()


def convenzioni_da_indicizzare(day: date | None = None) -> QuerySet[Convenzione]:
    """What the search index holds: the published agreements not past their end.

    Those that start later are included (the index is not rebuilt every morning); the
    search must still filter on `data_inizio <= today <= data_fine` at query time.
    """
    return convenzione_list().filter(stato=StatoConvenzione.PUBBLICATA, data_fine__gte=_oggi(day))


def sedi_convenzione(convenzione: Convenzione) -> QuerySet[Sede]:
    """Where an agreement can be used: the places of its services when it names some,
    otherwise every place of its Ente."""
    servizi = [s.pk for s in convenzione.servizi.all()]
    if servizi:
        return sede_list().filter(servizi__in=servizi).distinct()
    return sede_list().filter(ente_id=convenzione.ente_id)


def convenzioni_attive(
    *,
    ente_ids,
    servizio: Servizio | None = None,
    beneficiario: Beneficiario | None = None,
    day: date | None = None,
) -> QuerySet[Convenzione]:
    """The agreements valid on `day` (default today) that a provider's or a service's page
    lists: offered by these Enti; for the service, when one is given (those that name it,
    and those that name no service, as they cover all of the Ente's); for the worker's
    company or network, when it is known."""
    queryset = filter_valide_il(convenzione_list(), day).filter(ente_id__in=list(ente_ids))
    if beneficiario is not None:
        queryset = filter_per_beneficiario(
            queryset, rete=beneficiario.rete, impresa=beneficiario.impresa, day=day
        )
    if servizio is not None:
        nomina = Convenzione.servizi.through.objects.filter(convenzione_id=OuterRef("pk"))
        queryset = queryset.filter(Exists(nomina.filter(servizio_id=servizio.pk)) | ~Exists(nomina))
    return queryset.order_by("data_fine", "titolo", "pk")


def documento_indice(convenzione: Convenzione) -> dict:
    """The text and fields a search index needs for one agreement.

    `sedi` are the places where it can be used: those of its services when it names
    some, otherwise every place of its Ente; each with its point (lon, lat) and Comune.
    """
    servizi = list(convenzione.servizi.all())
    sedi: list[Sede] = list(sedi_convenzione(convenzione).order_by("pk"))
    # The categories of the services it applies to (all the Ente's published ones if none).
    servizi_coperti = (
        Servizio.objects.filter(pk__in=[s.pk for s in servizi])
        if servizi
        else Servizio.objects.filter(ente_id=convenzione.ente_id, stato=StatoServizio.PUBBLICATO)
    )
    categorie = sorted(set(servizi_coperti.values_list("categorie__codice", flat=True)) - {None})
    beneficio = convenzione.beneficio_breve()
    return {
        "tipo": "convenzione",
        "id": convenzione.pk,
        "titolo": convenzione.titolo,
        "beneficio": beneficio,
        "testo": " ".join(
            part
            for part in (
                beneficio,
                convenzione.descrizione,
                convenzione.condizioni,
                " ".join(s.titolo for s in servizi),
            )
            if part
        ),
        "ente_id": convenzione.ente_id,
        "ente_nome": convenzione.ente.nome,
        "tipo_ente": convenzione.ente.tipo,
        "servizi_ids": [s.pk for s in servizi],
        "categorie": categorie,
        "sedi": [
            {
                "sede_id": sede.pk,
                "punto": [sede.punto.x, sede.punto.y],
                "comune_id": sede.comune_id,
                "comune_nome": sede.comune.nome,
            }
            for sede in sedi
        ],
        "data_inizio": convenzione.data_inizio,
        "data_fine": convenzione.data_fine,
        "reti_ids": sorted(r.pk for r in convenzione.reti_beneficiarie.all()),
        "imprese_ids": sorted(i.pk for i in convenzione.imprese_beneficiarie.all()),
        "estesa_ai_familiari": convenzione.estesa_ai_familiari,
        "demo": convenzione.demo,
    }


def convenzione_ids_per_enti(ente_ids) -> QuerySet:
    """The agreements of these Enti, whatever their state (for the search index upkeep)."""
    return Convenzione.objects.filter(ente_id__in=list(ente_ids)).values_list("pk", flat=True)


def convenzioni_attive_per_ente(
    ente_ids, *, rete=None, impresa=None, day: date | None = None
) -> dict[int, list[dict]]:
    """For search hits: per Ente id, the agreements valid on `day` ({id, titolo, beneficio}),
    for the employees of `rete` or `impresa` when one is given, otherwise all of them;
    of the Enti `ente_ids`, or of every Ente when it is None.

    One query, reading only what the benefit's words need.
    """
    queryset = Convenzione.objects.all()
    if ente_ids is not None:
        queryset = queryset.filter(ente_id__in=list(ente_ids))
    queryset = filter_valide_il(queryset, day)
    if rete is not None or impresa is not None:
        queryset = filter_per_beneficiario(queryset, rete=rete, impresa=impresa, day=day)
    queryset = queryset.only(
        "pk", "ente_id", "titolo", "tipo_beneficio", "percentuale", "importo", "beneficio_testo"
    )
    result: dict[int, list[dict]] = {}
    for convenzione in queryset.order_by("titolo", "pk"):
        result.setdefault(convenzione.ente_id, []).append(
            {
                "id": convenzione.pk,
                "titolo": convenzione.titolo,
                "beneficio": convenzione.beneficio_breve(),
            }
        )
    return result
