"""Reads on the PIT network: lists, the nearest open PIT, the observatory, the index rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.gis.db.models import PointField
from django.contrib.gis.geos import Point
from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from geo_data.models import Ambito, Comune
from servizi.models import Categoria

from .models import ESITI_INVIO, Consultazione, PuntoInformazione, Scheda, VoceScheda

# ------------------------------------------------------------------------- PITs


def punto_list() -> QuerySet[PuntoInformazione]:
    """PITs with what every listing shows (Ente, place and Comune, schedule, topics)."""
    return (
        PuntoInformazione.objects.select_related("ente", "sede", "sede__comune", "orario")
        .prefetch_related(
            "temi",
            "orario__fasce",
            "orario__eccezioni",
        )
        .defer("sede__comune__geometria")
    )


def punti_in_ambito(queryset: QuerySet[PuntoInformazione], ambito: Ambito) -> QuerySet:
    """The PITs whose place lies in a Comune of the Ambito (its Comune is derived from it)."""
    return queryset.filter(sede__comune__in=ambito.comuni.all())


class _GeographyKnn(Func):
    """`a <-> b` on geography: the KNN operator, distance on the sphere in metres."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def _geography(expression):
    return Cast(expression, PointField(srid=4326, geography=True))


def punti_per_distanza(punto: Point, queryset: QuerySet | None = None) -> QuerySet:
    """PITs nearest first (KNN on geography), each annotated with `distanza_m` in metres."""
    queryset = punto_list() if queryset is None else queryset
    origin = Value(Point(punto.x, punto.y, srid=4326), output_field=PointField(srid=4326))
    knn = _GeographyKnn(_geography(F("sede__punto")), _geography(origin))
    return queryset.annotate(distanza_m=knn).order_by("distanza_m", "pk")


def punti_aperti_piu_vicini(
    *,
    punto: Point,
    quando: datetime | None = None,
    limite: int = 1,
    raggio_m: float | None = None,
    chunk: int = 50,
) -> list[PuntoInformazione]:
    """The `limite` active PITs nearest to `punto` that are open at `quando` (default now).

    Candidates come nearest first from the KNN order, a chunk at a time; whether
    each is open is decided by `servizi.orari` (the rules of every schedule), so
    a PIT without a schedule never counts as open. Each has `distanza_m`.
    """
    quando = quando or timezone.now()
    candidates = punti_per_distanza(punto, punto_list().filter(attivo=True))
    found: list[PuntoInformazione] = []
    for pit in _chunks(candidates, chunk):
        if raggio_m is not None and pit.distanza_m > raggio_m:
            break
        if pit.aperto_il(quando):
            found.append(pit)
            if len(found) >= limite:
                break
    return found


def _chunks(queryset: QuerySet, size: int) -> Iterator:
    offset = 0
    while True:
        rows = list(queryset[offset : offset + size])
        yield from rows
        if len(rows) < size:
            return
        offset += size


# ------------------------------------------------------------------------- sheets


def scheda_list() -> QuerySet[Scheda]:
    return (
        Scheda.objects.select_related("punto", "autore")
        .prefetch_related("voci")
        .annotate(numero_voci=Count("voci"))
    )


def scheda_per_token(token: str, *, when: datetime | None = None) -> Scheda | None:
    """The sheet a shared link opens, if the token is right and the link has not expired."""
    if not token or len(token) > 64:
        return None
    return (
        Scheda.objects.select_related("punto", "punto__sede", "punto__sede__comune")
        .defer("punto__sede__comune__geometria")
        .filter(token=token, link_scade_il__gt=when or timezone.now())
        .first()
    )


def voci_di(scheda: Scheda) -> QuerySet[VoceScheda]:
    return scheda.voci.all()


# ------------------------------------------------------------------------- consultations


def consultazione_list() -> QuerySet[Consultazione]:
    return (
        Consultazione.objects.select_related(
            "punto", "comune_residenza", "operatore", "punto_invio"
        )
        .prefetch_related("bisogni")
        .defer("comune_residenza__geometria")
    )


def filter_consultazioni(
    queryset: QuerySet[Consultazione],
    *,
    dal: date | None = None,
    al: date | None = None,
    ambito: Ambito | None = None,
    punto: PuntoInformazione | None = None,
) -> QuerySet[Consultazione]:
    if dal is not None:
        queryset = queryset.filter(data__gte=dal)
    if al is not None:
        queryset = queryset.filter(data__lte=al)
    if ambito is not None:
        queryset = queryset.filter(punto__sede__comune__in=ambito.comuni.all())
    if punto is not None:
        queryset = queryset.filter(punto=punto)
    return queryset


# ------------------------------------------------------------------------- observatory


@dataclass(frozen=True)
class Riga:
    codice: str
    etichetta: str
    consultazioni: int


@dataclass
class Osservatorio:
    """Counts of consultations in a period. A consultation can name several needs, so the
    counts by category add up to more than the total."""

    dal: date
    al: date
    totale: int
    inviati: int
    per_categoria: list[Riga] = field(default_factory=list)
    per_comune: list[Riga] = field(default_factory=list)
    per_mese: list[Riga] = field(default_factory=list)

    @property
    def quota_inviati(self) -> float | None:
        """Share referred to a service or another PIT (None with no consultation)."""
        return round(self.inviati / self.totale, 4) if self.totale else None


def mesi(dal: date, al: date) -> list[date]:
    """The first day of every month from `dal`'s to `al`'s."""
    months, current = [], dal.replace(day=1)
    while current <= al:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def osservatorio(consultazioni: QuerySet[Consultazione], *, dal: date, al: date) -> Osservatorio:
    """The observatory over `consultazioni` (already scoped to what the reader may see)."""
    scoped = filter_consultazioni(consultazioni.order_by(), dal=dal, al=al)
    totale = scoped.count()
    inviati = scoped.filter(esito__in=ESITI_INVIO).count()
    through = Consultazione.bisogni.through.objects.filter(consultazione__in=scoped.values("pk"))
    english = get_language().startswith("en")
    per_categoria = [
        Riga(
            row["categoria__codice"],
            (english and row["categoria__nome_en"]) or row["categoria__nome"],
            row["n"],
        )
        for row in through.values("categoria__codice", "categoria__nome", "categoria__nome_en")
        .annotate(n=Count("consultazione_id", distinct=True))
        .order_by("-n", "categoria__codice")
    ]
    per_comune = [
        Riga(row["comune_residenza_id"] or "", row["comune_residenza__nome"] or "", row["n"])
        for row in scoped.values("comune_residenza_id", "comune_residenza__nome")
        .annotate(n=Count("pk"))
        .order_by("-n", "comune_residenza__nome")
    ]
    per_comune = [
        riga if riga.codice else Riga("", _("non indicato"), riga.consultazioni)
        for riga in per_comune
    ]
    counts = {
        row["mese"]: row["n"]
        for row in scoped.annotate(mese=TruncMonth("data")).values("mese").annotate(n=Count("pk"))
    }
    per_mese = [
        Riga(f"{month:%Y-%m}", date_format(month, "M Y"), counts.get(month, 0))
        for month in mesi(dal, al)
    ]
    return Osservatorio(
        dal=dal,
        al=al,
        totale=totale,
        inviati=inviati,
        per_categoria=per_categoria,
        per_comune=per_comune,
        per_mese=per_mese,
    )


# ------------------------------------------------------------------------- search index


def pit_per_indice(ids: Iterable[int] | None = None) -> QuerySet[PuntoInformazione]:
    """The PITs the search shows (active ones), with what an index row needs.

    See `pit_documento` for the row of one PIT; `pit_ids_per_sedi` and
    `pit_ids_per_enti` say which PITs a change of a place or an Ente touches.
    """
    queryset = punto_list().filter(attivo=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.order_by("pk")


# What people call the desks, which every PIT's text in the search says before its kind:
# "pit" and "punto informazione" found none, as neither a PIT's kind ("Segretariato
# sociale") nor its name ("Patronato di Rozzano") need say it. Italian, as the index.
PIT_NEL_TESTO = "Punto di informazione territoriale (PIT)"


def tipo_nel_testo(etichetta: str) -> str:
    """A PIT's kind (its Italian label) as its text in the search says it."""
    return f"{PIT_NEL_TESTO}, {etichetta}"


def pit_documento(pit: PuntoInformazione) -> dict:
    """The fields of `marketplace.search.models.DocumentoRicerca` for one PIT (tipo 'pit').

    Topics carry their ancestors, as a service's categories do; the text weighs the
    name over the kind, topics and Ente, over the description.
    """
    temi = list(pit.temi.all())
    antenati = sorted({antenato for tema in temi for antenato in _con_antenati(tema.codice)})
    return {
        "tipo": "pit",
        "oggetto_id": pit.pk,
        "sede_id": pit.sede_id,
        "titolo": pit.nome,
        "testo": " ".join(
            filter(
                None,
                [
                    tipo_nel_testo(pit.get_tipo_display()),
                    *(t.nome for t in temi),
                    pit.descrizione,
                ],
            )
        ),
        "ente_id": pit.ente_id,
        "ente_nome": pit.ente.nome,
        "tipo_ente": pit.ente.tipo,
        "categorie": antenati,
        "destinatari": [],
        "lingue": list(pit.lingue),
        "gratuito": True,  # a PIT's orientation is free
        "accessibile": pit.sede.accesso_senza_barriere,
        "comune_id": pit.sede.comune_id,
        "comuni_copertura": [],
        "punto": pit.sede.punto,
        "orario_id": pit.orario_id,
        "aggiornato_il": pit.aggiornato_il,
        "demo": pit.demo,
    }


def _con_antenati(codice: str) -> list[str]:
    """ "infanzia.nido" -> ["infanzia", "infanzia.nido"] (codes are dotted paths)."""
    parti = codice.split(".")
    return [".".join(parti[: i + 1]) for i in range(len(parti))]


def pit_ids_per_sedi(sede_ids: Iterable[int]) -> QuerySet:
    return PuntoInformazione.objects.filter(sede_id__in=list(sede_ids)).values_list("pk", flat=True)


def pit_ids_per_enti(ente_ids: Iterable[int]) -> QuerySet:
    return PuntoInformazione.objects.filter(ente_id__in=list(ente_ids)).values_list("pk", flat=True)


def categorie_bisogno() -> QuerySet[Categoria]:
    """The needs an operator picks from: the whole taxonomy, each root before its children."""
    return Categoria.objects.select_related("genitore").order_by("codice")


def comuni_residenza() -> QuerySet[Comune]:
    """The Comuni offered as residence: those of the districts first, then the others."""
    in_ambito = Exists(Ambito.comuni.through.objects.filter(comune_id=OuterRef("pk")))
    return (
        Comune.objects.only("codice_istat", "nome", "sigla_provincia")
        .annotate(in_ambito=in_ambito)
        .order_by("-in_ambito", "nome")
    )
