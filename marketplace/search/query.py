"""The one query language of the search, built and validated from request parameters.

Every backend receives a `SearchQuery`: already validated, with codes resolved,
so backends never see raw input. Bad input is a DRF ValidationError naming the
field and the reason (a 400).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.contrib.gis.gdal.error import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from convenzioni.selectors import (
    Beneficiario,
    beneficiario_da_codice,
    convenzioni_in_arrivo_per,
    convenzioni_valide_per,
)
from geo_data.models import Ambito, Comune
from marketplace.api_fields import BooleanParam, DayParam, FieldsBoundOnce, MomentParam
from servizi.models import LINGUE, Categoria, Destinatario, TipoEnte
from servizi.orari import PARTI_DEL_GIORNO

from .cache import memo
from .models import TipoRisultato
from .places import (
    LuogoDalTesto,
    Provincia,
    provincia_named,
    provincia_sconosciuta,
    read_text,
)
from .results import COUNT_CAP
from .text import ignored_words, text_groups
from .when import ApertoDalTesto, read_when

MAX_Q = 200
MAX_PAGE_SIZE = 100


class Ordinamento:
    RILEVANZA = "rilevanza"
    DISTANZA = "distanza"
    AGGIORNAMENTO = "aggiornamento"
    CHOICES = [RILEVANZA, DISTANZA, AGGIORNAMENTO]


@dataclass(frozen=True)
class ConvenzioniPer:
    """`con_convenzione_per` resolved by the agreements' own eligibility rule, once per
    request: the agreements valid on the day for the beneficiary's employees, and the
    Enti offering them (whose services and PITs the filter keeps)."""

    beneficiario: Beneficiario
    convenzioni: tuple[int, ...]
    enti: tuple[int, ...]

    @classmethod
    def of(cls, beneficiario: Beneficiario, day: date, *, later: bool = False) -> ConvenzioniPer:
        """On `day`; with `later`, those valid only from a later day instead (their
        beneficiaries as on `day`)."""
        select = convenzioni_in_arrivo_per if later else convenzioni_valide_per
        valide = select(rete=beneficiario.rete, impresa=beneficiario.impresa, day=day).order_by()
        pairs = list(valide.values_list("pk", "ente_id"))
        return cls(
            beneficiario=beneficiario,
            convenzioni=tuple(sorted(pk for pk, _ente in pairs)),
            enti=tuple(sorted({ente for _pk, ente in pairs})),
        )


class Punto(NamedTuple):
    """A point in WGS 84, as the backends read it: its two coordinates, which they send
    to the database. (A GEOS Point, built through the C library, cost 85 µs a request.)"""

    x: float  # longitude
    y: float  # latitude


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""  # the text searched: what was typed, with its typos corrected
    q_digitata: str = ""  # the text typed, without the place read from it
    # The Comune named at the end (or the beginning) of the text, which `comuni` then
    # holds (places.py).
    luogo_dal_testo: LuogoDalTesto | None = None
    # A Comune named in the text but searched as a word (places.read_text).
    luogo_come_parole: LuogoDalTesto | None = None
    # The words that said when the results must be open ("aperto sabato"), read as
    # `aperto_giorno` or `aperto_il` (now) and not searched.
    aperto_dal_testo: ApertoDalTesto | None = None
    # Words of the text that match nothing and that no known word replaced (like none,
    # or Italian words: spelling.correct).
    parole_non_trovate: tuple[str, ...] = ()
    # For those of them that are Italian words, the nearest known word, proposed and not
    # searched: (("scuolabus", "scuola"),).
    proposte: tuple[tuple[str, str], ...] = ()
    categorie: tuple[str, ...] = ()
    tipo_ente: str = ""
    destinatari: str = ""
    comuni: tuple[str, ...] = ()  # from `comune`, or the members of `ambito`
    punto: Punto | None = None
    raggio_km: float | None = None
    bbox: tuple[float, float, float, float] | None = None  # minlon, minlat, maxlon, maxlat
    poligono: GEOSGeometry | None = None
    aperto_il: datetime | None = None
    aperto_giorno: date | None = None  # open at some moment of that day
    # Open in that part of `aperto_giorno`, or of some day of the week without it
    # (servizi.orari.PARTI_DEL_GIORNO: "mattina", "pomeriggio", "sera").
    aperto_parte: str = ""
    gratuito: bool | None = None
    lingua: str = ""
    accessibile: bool | None = None
    con_convenzione_per: ConvenzioniPer | None = None
    tipi: tuple[str, ...] = (TipoRisultato.SERVIZIO, TipoRisultato.PIT, TipoRisultato.CONVENZIONE)
    ordinamento: str = Ordinamento.RILEVANZA
    pagina: int = 1
    per_pagina: int = 20
    # The day the search is asked: an agreement is found only within its dates.
    oggi: date = field(default_factory=timezone.localdate)

    @property
    def offset(self) -> int:
        return (self.pagina - 1) * self.per_pagina

    @cached_property
    def has_text(self) -> bool:
        """Whether `q` holds a word to search. Punctuation and stop words alone ("di",
        "per la") search nothing: the search is then that of its other parameters, and
        the answer says which words it ignored (`parole_ignorate`)."""
        return bool(self.q and text_groups(self.q))

    @property
    def parole_ignorate(self) -> list[str]:
        return ignored_words(self.q)

    def without_text(self) -> SearchQuery:
        """The same query without its text and what was read from it (a Comune read from
        the text stays in `comuni`: it is a filter)."""
        return replace(self, **{name: _DEFAULTS[name] for name in TEXT_FIELDS})


# The fields that come from `q`, which only the text's search reads.
TEXT_FIELDS = (
    "q",
    "q_digitata",
    "luogo_dal_testo",
    "luogo_come_parole",
    "aperto_dal_testo",
    "parole_non_trovate",
    "proposte",
)
_DEFAULTS = {f.name: f.default for f in fields(SearchQuery) if f.name in TEXT_FIELDS}


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def territory_names() -> dict[str, dict[str, str]]:
    """The names of every Comune by ISTAT code and of every Ambito by slug (a few
    thousand), for validating codes and labelling facets: reading the names of a broad
    search's 400 Comuni took 2-3 ms per answer, checking a code 0.5 ms of a cheap one."""
    return memo(
        "territory_names",
        lambda: {
            "comune": dict(Comune.objects.values_list("pk", "nome")),
            "ambito": dict(Ambito.objects.values_list("slug", "nome")),
        },
    )


BBOX_HELP = _("minlon,minlat,maxlon,maxlat")
# When the results must be open: now, at a moment, on a day; one of them at most.
OPEN_PARAMS = ("aperto_ora", "aperto_il", "aperto_giorno")
# What the text is not read for: when the request says it already.
WHEN_PARAMS = (*OPEN_PARAMS, "aperto_parte")


class SearchParamsSerializer(FieldsBoundOnce, serializers.Serializer):
    """The request parameters; `to_query()` turns valid ones into a SearchQuery."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_Q, trim_whitespace=True
    )
    categoria = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Codici separati da virgole, con le sottocategorie."),
    )
    tipo_ente = serializers.ChoiceField(choices=TipoEnte.choices, required=False)
    destinatari = serializers.ChoiceField(choices=Destinatario.choices, required=False)
    comune = serializers.CharField(required=False, help_text=_("Codice ISTAT del Comune."))
    luogo_dal_testo = BooleanParam(
        required=False,
        default=True,
        help_text=_(
            "Se il testo finisce con il nome di un Comune, anche senza la parte che lo "
            "distingue («San Donato» per San Donato Milanese) o con un refuso, o "
            "comincia con il nome («milano badante»), cerca in quel Comune; così per "
            "una provincia («asilo nido provincia di Bergamo», «prov. BG», «nel "
            "bresciano»). Solo senza comune, ambito e provincia, e a meno che lì non "
            "si trovi nulla e il testo intero, cercato come parole, trovi qualcosa "
            "(luogo_come_parole). false: cerca quel nome come parola."
        ),
    )
    aperto_dal_testo = BooleanParam(
        required=False,
        default=True,
        help_text=_(
            "Se il testo dice quando dev'essere aperto («aperto sabato», «aperta oggi», "
            "«aperti adesso», «aperto sabato sera», «aperto la sera»), cerca ciò che è "
            "aperto quel giorno (aperto_giorno), in quella parte del giorno (aperto_parte) "
            "o adesso (aperto_ora), e il resto del testo come parole. Solo senza "
            "aperto_ora, aperto_il, aperto_giorno e aperto_parte. false: cerca quelle "
            "parole come parole."
        ),
    )
    ambito = serializers.SlugField(required=False)
    provincia = serializers.CharField(
        required=False,
        max_length=100,
        help_text=_("Sigla (BG) o nome (Bergamo) della provincia."),
    )
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    raggio_km = serializers.FloatField(required=False, min_value=0.01)
    bbox = serializers.CharField(required=False, help_text=BBOX_HELP)
    poligono = serializers.CharField(
        required=False, help_text=_("GeoJSON Polygon o MultiPolygon, WGS 84.")
    )
    aperto_ora = BooleanParam(required=False, default=False)
    aperto_il = MomentParam(required=False)
    aperto_giorno = DayParam(
        required=False,
        help_text=_("Aperti in qualche momento di quel giorno (ISO 8601: 2026-12-12)."),
    )
    aperto_parte = serializers.ChoiceField(
        choices=list(PARTI_DEL_GIORNO),
        required=False,
        help_text=_(
            "Aperti la mattina (6-13), il pomeriggio (13-18) o la sera (18-24): di quel "
            "giorno con aperto_giorno, di qualche giorno della settimana senza."
        ),
    )
    gratuito = BooleanParam(required=False, allow_null=True, default=None)
    lingua = serializers.ChoiceField(choices=LINGUE, required=False)
    accessibile = BooleanParam(required=False, allow_null=True, default=None)
    con_convenzione_per = serializers.CharField(required=False, max_length=100)
    tipo = serializers.CharField(
        required=False, help_text=_("servizio, pit, convenzione (separati da virgole).")
    )
    ordinamento = serializers.ChoiceField(
        choices=Ordinamento.CHOICES, required=False, default=Ordinamento.RILEVANZA
    )
    pagina = serializers.IntegerField(required=False, min_value=1, default=1)
    per_pagina = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )

    def validate_raggio_km(self, value: float) -> float:
        if value > settings.SEARCH_MAX_RADIUS_KM:
            raise serializers.ValidationError(
                _("Il raggio massimo è %(max)s km.") % {"max": f"{settings.SEARCH_MAX_RADIUS_KM:g}"}
            )
        return value

    def validate_categoria(self, value: str) -> tuple[str, ...]:
        codici = tuple(_csv(value))
        known = memo(
            "category_codes", lambda: frozenset(Categoria.objects.values_list("codice", flat=True))
        )
        unknown = [c for c in codici if c not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Categoria sconosciuta: %(c)s.") % {"c": ", ".join(unknown)}
            )
        return codici

    def validate_comune(self, value: str) -> str:
        if value not in territory_names()["comune"]:
            raise serializers.ValidationError(
                _("Nessun Comune con codice ISTAT '%(c)s'.") % {"c": value}
            )
        return value

    def validate_ambito(self, value: str) -> Ambito:
        ambito = Ambito.objects.filter(slug=value).first()
        if ambito is None:
            raise serializers.ValidationError(_("Nessun Ambito con slug '%(s)s'.") % {"s": value})
        return ambito

    def validate_provincia(self, value: str) -> Provincia:
        provincia = provincia_named(value)
        if provincia is None:
            raise serializers.ValidationError(provincia_sconosciuta(value))
        return provincia

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        try:
            minlon, minlat, maxlon, maxlat = (float(part) for part in value.split(","))
        except ValueError as error:
            raise serializers.ValidationError(
                _("Scrivi quattro numeri: minlon,minlat,maxlon,maxlat.")
            ) from error
        if not (
            -180 <= minlon <= 180
            and -180 <= maxlon <= 180
            and -90 <= minlat <= 90
            and -90 <= maxlat <= 90
        ):
            raise serializers.ValidationError(
                _("Coordinate fuori scala (lon -180…180, lat -90…90).")
            )
        if minlon >= maxlon or minlat >= maxlat:
            raise serializers.ValidationError(
                _("Riquadro rovesciato: i minimi devono precedere i massimi.")
            )
        limit = settings.SEARCH_MAX_BBOX_DEGREES
        if maxlon - minlon > limit or maxlat - minlat > limit:
            raise serializers.ValidationError(
                _("Riquadro troppo grande: al massimo %(max)s gradi per lato.")
                % {"max": f"{limit:g}"}
            )
        return (minlon, minlat, maxlon, maxlat)

    def validate_poligono(self, value: str) -> GEOSGeometry:
        try:
            json.loads(value)
            geometry = GEOSGeometry(value)
        except (ValueError, GEOSException, GDALException, TypeError) as error:
            # GDAL reads the GeoJSON: an object without a geometry's type ("{}") is its error.
            raise serializers.ValidationError(_("Non è un GeoJSON valido.")) from error
        if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
            raise serializers.ValidationError(_("Serve un Polygon o un MultiPolygon."))
        if not geometry.valid:
            raise serializers.ValidationError(
                _("Poligono non valido: %(r)s.") % {"r": geometry.valid_reason}
            )
        geometry.srid = 4326
        extent = geometry.extent
        limit = settings.SEARCH_MAX_BBOX_DEGREES
        if extent[2] - extent[0] > limit or extent[3] - extent[1] > limit:
            raise serializers.ValidationError(
                _("Poligono troppo grande: al massimo %(max)s gradi per lato.")
                % {"max": f"{limit:g}"}
            )
        return geometry

    def validate_tipo(self, value: str) -> tuple[str, ...]:
        tipi = tuple(_csv(value))
        unknown = [t for t in tipi if t not in TipoRisultato.values]
        if unknown or not tipi:
            raise serializers.ValidationError(
                _("Tipi ammessi: %(ok)s.") % {"ok": ", ".join(TipoRisultato.values)}
            )
        return tipi

    def validate_con_convenzione_per(self, value: str) -> Beneficiario:
        try:
            return beneficiario_da_codice(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate(self, data: dict) -> dict:
        has_lat, has_lon = "lat" in data, "lon" in data
        if has_lat != has_lon:
            missing = "lon" if has_lat else "lat"
            raise serializers.ValidationError({missing: [_("Servono sia lat sia lon.")]})
        if "raggio_km" in data and not has_lat:
            raise serializers.ValidationError(
                {"raggio_km": [_("Il raggio vale intorno a un punto: indica lat e lon.")]}
            )
        if data.get("ordinamento") == Ordinamento.DISTANZA and not has_lat:
            raise serializers.ValidationError(
                {"ordinamento": [_("Per ordinare per distanza indica lat e lon.")]}
            )
        if data["pagina"] * data["per_pagina"] > COUNT_CAP:
            # Beyond the counted results a page means nothing, and costs a deep scan.
            raise serializers.ValidationError(
                {
                    "pagina": [
                        _("Si sfogliano al massimo i primi %(n)s risultati: restringi la ricerca.")
                        % {"n": f"{COUNT_CAP:,}".replace(",", ".")}
                    ]
                }
            )
        asked = [name for name in OPEN_PARAMS if data.get(name)]
        if len(asked) > 1:
            raise serializers.ValidationError(
                {asked[-1]: [_("Usa uno solo fra aperto_ora, aperto_il e aperto_giorno.")]}
            )
        if data.get("aperto_parte") and (data.get("aperto_ora") or data.get("aperto_il")):
            raise serializers.ValidationError(
                {
                    "aperto_parte": [
                        _(
                            "La parte del giorno vale per un giorno (aperto_giorno) o per la "
                            "settimana, non per un momento (aperto_ora, aperto_il)."
                        )
                    ]
                }
            )
        return data

    def to_query(self) -> SearchQuery:
        data = self.validated_data
        areas = []
        if "comune" in data:
            areas.append((data["comune"],))
        if "ambito" in data:
            areas.append(tuple(data["ambito"].comuni.values_list("pk", flat=True)))
        if "provincia" in data:
            areas.append(data["provincia"].codici)
        comuni = _in_every(areas)
        punto = Punto(data["lon"], data["lat"]) if "lat" in data else None
        oggi = timezone.localdate()
        text, aperto_dal_testo = data.get("q", ""), None
        if data["aperto_dal_testo"] and not any(data.get(name) for name in WHEN_PARAMS):
            text, aperto_dal_testo = read_when(text, oggi)
        now = data.get("aperto_ora") or (aperto_dal_testo is not None and aperto_dal_testo.adesso)
        aperto_il = timezone.now() if now else data.get("aperto_il")
        aperto_giorno = data.get("aperto_giorno") or (
            aperto_dal_testo.giorno if aperto_dal_testo else None
        )
        aperto_parte = data.get("aperto_parte") or (
            (aperto_dal_testo.parte or "") if aperto_dal_testo else ""
        )
        con_convenzione_per = None
        if "con_convenzione_per" in data:
            con_convenzione_per = ConvenzioniPer.of(data["con_convenzione_per"], oggi)
        # A Comune, an Ambito or a province chosen says where: the text's words are then
        # words.
        places = data["luogo_dal_testo"] and not areas
        reading = read_text(text, places=places, oggi=oggi)
        if reading.luogo:
            comuni = reading.luogo.codici
        return SearchQuery(
            q=reading.correction.text,
            q_digitata=reading.typed,
            luogo_dal_testo=reading.luogo,
            luogo_come_parole=reading.luogo_come_parole,
            aperto_dal_testo=aperto_dal_testo,
            parole_non_trovate=reading.correction.unmatched,
            proposte=reading.correction.proposals,
            categorie=data.get("categoria", ()),
            tipo_ente=data.get("tipo_ente", ""),
            destinatari=data.get("destinatari", ""),
            comuni=comuni,
            punto=punto,
            raggio_km=data.get("raggio_km"),
            bbox=data.get("bbox"),
            poligono=data.get("poligono"),
            aperto_il=aperto_il,
            aperto_giorno=aperto_giorno,
            aperto_parte=aperto_parte,
            gratuito=data.get("gratuito"),
            lingua=data.get("lingua", ""),
            accessibile=data.get("accessibile"),
            con_convenzione_per=con_convenzione_per,
            tipi=data.get("tipo", SearchQuery.tipi),
            ordinamento=data["ordinamento"],
            pagina=data["pagina"],
            per_pagina=data["per_pagina"],
            oggi=oggi,
        )


def _in_every(areas: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The Comuni in every one of `areas` (a Comune, an Ambito's, a province's), in the
    order of the first; none when no area is chosen."""
    if not areas:
        return ()
    first, *others = areas
    others_sets = [frozenset(area) for area in others]
    comuni = tuple(c for c in first if all(c in other for other in others_sets))
    return comuni or ("-",)  # areas that do not meet: nothing can match


def bbox_polygon(bbox: tuple[float, float, float, float]) -> Polygon:
    polygon = Polygon.from_bbox(bbox)
    polygon.srid = 4326
    return polygon
