"""What every public detail page (scheda) shows the same way, whatever its object.

A service, a provider, an info point (PIT) or an agreement each has its own view
and template, extending `marketplace/scheda/base.html`; the pieces they share are
here: the week of a schedule and whether it is open now, the directions link,
the starting point given in the address, the active agreements block, and the
schema.org fragments (addresses, places, opening hours) of their structured data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import asin, cos, radians, sin, sqrt
from urllib.parse import urlencode

from django import forms
from django.contrib.gis.geos import Point
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convenzioni.selectors import convenzioni_attive
from convenzioni.sessione import beneficiario_in_sessione
from servizi import orari
from servizi.models import LINGUE, Giorno, Orario, Sede, Servizio

# How far ahead a schedule's exceptions (holidays, closures) are announced.
ECCEZIONI_GIORNI = 90
OSM_DIRECTIONS = "https://www.openstreetmap.org/directions"
OSM_MAP = "https://www.openstreetmap.org/"


# --------------------------------------------------------------------------- schedule


@dataclass(frozen=True)
class GiornoOrario:
    giorno: int
    nome: str
    fasce: list[str]  # "07:30-16:30" (with an en dash), in order
    oggi: bool


@dataclass(frozen=True)
class StatoApertura:
    """Open now, until when; or closed now, and when it opens next (within a week)."""

    aperto: bool
    fino_alle: datetime | None = None
    prossima_apertura: datetime | None = None


def _fascia_testo(apertura: time, chiusura: time) -> str:
    return f"{apertura:%H:%M}–{chiusura:%H:%M}"


def settimana(orario: Orario, today: date | None = None) -> list[GiornoOrario]:
    """The seven days from Monday, each with its slots (empty: closed that day)."""
    today = today or timezone.localdate()
    fasce = sorted(orario.fasce_logiche(), key=lambda f: (f.giorno, f.apertura))
    return [
        GiornoOrario(
            giorno=value,
            nome=str(label),
            fasce=[_fascia_testo(f.apertura, f.chiusura) for f in fasce if f.giorno == value],
            oggi=value == today.weekday(),
        )
        for value, label in Giorno.choices
    ]


def eccezioni_prossime(orario: Orario, today: date | None = None) -> list[orari.Eccezione]:
    """Closures and special hours from today to ECCEZIONI_GIORNI days ahead."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=ECCEZIONI_GIORNI)
    return [
        orari.Eccezione(e.data_inizio, e.data_fine, e.chiuso, e.apertura, e.chiusura, e.descrizione)
        for e in orario.eccezioni.all()
        if e.data_fine >= today and e.data_inizio <= horizon
    ]


def stato_apertura(orario: Orario, when: datetime | None = None) -> StatoApertura:
    """Whether the schedule is open at `when` (default now), with the next change.

    Slots follow the catalogue's rules (servizi.orari): a slot belongs to the day it
    starts, exceptions replace a day's slots. Times are Italian local time.
    """
    when = (when or timezone.now()).astimezone(orari.LOCAL)
    local = when.replace(tzinfo=None)
    fasce, eccezioni = orario.fasce_logiche(), orario.eccezioni_logiche()
    slots = [
        slot
        for offset in range(-1, 8)
        for slot in orari.slots_of_day(fasce, eccezioni, local.date() + timedelta(days=offset))
    ]
    current = [end for start, end in slots if start <= local < end]
    if current:
        # Adjacent slots (22:00-24:00 then 00:00-02:00) read as one opening.
        end = max(current)
        for start, later_end in sorted(slots):
            if start == end:
                end = later_end
        return StatoApertura(aperto=True, fino_alle=end.replace(tzinfo=orari.LOCAL))
    upcoming = sorted(start for start, _end in slots if start > local)
    return StatoApertura(
        aperto=False,
        prossima_apertura=upcoming[0].replace(tzinfo=orari.LOCAL) if upcoming else None,
    )


# --------------------------------------------------------------------------- places


class PartenzaForm(forms.Form):
    """`?da=lat,lon`: where the citizen starts from (their search's position), optional."""

    da = forms.CharField(required=False, max_length=60)

    def clean_da(self) -> Point | None:
        value = self.cleaned_data["da"].strip()
        if not value:
            return None
        try:
            lat, lon = (float(part) for part in value.split(","))
        except ValueError as error:
            raise forms.ValidationError(
                _("«%(v)s» non è una posizione: scrivi latitudine,longitudine (es. 45.41,9.27)."),
                params={"v": value},
            ) from error
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise forms.ValidationError(
                _("«%(v)s»: latitudine fra -90 e 90, longitudine fra -180 e 180."),
                params={"v": value},
            )
        return Point(lon, lat, srid=4326)


def partenza(params) -> tuple[Point | None, list[str]]:
    """The starting point given in the query string, and the errors that made it unusable."""
    form = PartenzaForm(params)
    if form.is_valid():
        return form.cleaned_data["da"], []
    return None, form.errors.get("da", [])


def directions_url(destinazione: Point, da: Point | None = None, mezzo: str = "foot") -> str:
    """OpenStreetMap's route planner to `destinazione` (from `da`, or asking where from)."""
    start = f"{da.y:.6f},{da.x:.6f}" if da else ""
    route = f"{start};{destinazione.y:.6f},{destinazione.x:.6f}"
    return f"{OSM_DIRECTIONS}?{urlencode({'engine': f'fossgis_osrm_{mezzo}', 'route': route})}"


def osm_map_url(punto: Point, zoom: int = 17) -> str:
    return f"{OSM_MAP}?mlat={punto.y:.6f}&mlon={punto.x:.6f}#map={zoom}/{punto.y:.6f}/{punto.x:.6f}"


def distanza_km(a: Point, b: Point) -> float:
    """Distance on the ground in kilometres (haversine on the mean Earth radius), never degrees.

    A detail page needs one figure for a few places; the haversine formula is within
    0.5 % of the database's geodesic distance at these scales.
    """
    lat1, lon1, lat2, lon2 = map(radians, (a.y, a.x, b.y, b.x))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(h))


@dataclass(frozen=True)
class Luogo:
    """A place as a detail page shows it: address, map point, directions, accessibility."""

    sede: Sede
    indicazioni_url: str
    mappa_url: str
    distanza_km: float | None


def luoghi(sedi: Iterable[Sede], da: Point | None = None) -> list[Luogo]:
    """The places with their links, nearest first when a starting point is given."""
    result = [
        Luogo(
            sede=sede,
            indicazioni_url=directions_url(sede.punto, da),
            mappa_url=osm_map_url(sede.punto),
            distanza_km=round(distanza_km(da, sede.punto), 1) if da else None,
        )
        for sede in sedi
    ]
    if da:
        result.sort(key=lambda luogo: luogo.distanza_km)
    return result


def punti_mappa(items: Iterable[Luogo]) -> list[dict]:
    """The places for the mini-map's script (json_script): point, name, address, Comune."""
    return [
        {
            "lat": luogo.sede.punto.y,
            "lon": luogo.sede.punto.x,
            "nome": luogo.sede.nome,
            "indirizzo": f"{luogo.sede.indirizzo}, {luogo.sede.cap} {luogo.sede.comune.nome}",
            "comune": luogo.sede.comune_id,
        }
        for luogo in items
    ]


def lingue_nomi(codici: Iterable[str]) -> list[str]:
    """The names of spoken languages, in the reader's language."""
    labels = dict(LINGUE)
    return [str(labels.get(codice, codice)) for codice in codici]


# --------------------------------------------------------------------------- agreements


def blocco_convenzioni(
    request: HttpRequest, *, ente_ids: Iterable[int], servizio: Servizio | None = None
) -> dict:
    """What `scheda/_convenzioni.html` shows: the agreements valid today of these Enti
    (for the service, if given), only those for the worker's company once it is chosen
    (`convenzioni.sessione`), and that company."""
    beneficiario = beneficiario_in_sessione(request)
    convenzioni = convenzioni_attive(
        ente_ids=ente_ids, servizio=servizio, beneficiario=beneficiario
    )
    return {
        "beneficiario": beneficiario,
        "convenzioni": [
            {
                "titolo": c.titolo,
                "url": reverse("scheda-convenzione", args=[c.pk]),
                "ente": c.ente.nome,
                "beneficio": c.beneficio_breve(),
                "valida_fino": c.data_fine,
                "per": [
                    *(r.nome for r in c.reti_beneficiarie.all()),
                    *(i.nome for i in c.imprese_beneficiarie.all()),
                ],
            }
            for c in convenzioni
        ],
    }


# --------------------------------------------------------------------------- schema.org

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def schema_place(sede: Sede) -> dict:
    place = {
        "@type": "Place",
        "name": sede.nome,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": sede.indirizzo,
            "postalCode": sede.cap,
            "addressLocality": sede.comune.nome,
            "addressRegion": sede.comune.sigla_provincia,
            "addressCountry": "IT",
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": round(sede.punto.y, 6),
            "longitude": round(sede.punto.x, 6),
        },
    }
    features = [
        name
        for name, present in (
            ("accesso senza barriere", sede.accesso_senza_barriere),
            ("bagno accessibile", sede.bagno_accessibile),
            ("parcheggio", sede.parcheggio),
        )
        if present
    ]
    if features:
        place["amenityFeature"] = [
            {"@type": "LocationFeatureSpecification", "name": name, "value": True}
            for name in features
        ]
    return place


def schema_opening_hours(orario: Orario, today: date | None = None) -> list[dict]:
    """OpeningHoursSpecification: the weekly slots, then the coming exceptions."""
    specs = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[f.giorno]}",
            "opens": f"{f.apertura:%H:%M}",
            "closes": f"{f.chiusura:%H:%M}",
        }
        for f in sorted(orario.fasce_logiche(), key=lambda f: (f.giorno, f.apertura))
    ]
    for eccezione in eccezioni_prossime(orario, today):
        closed = eccezione.chiuso or eccezione.apertura is None or eccezione.chiusura is None
        specs.append(
            {
                "@type": "OpeningHoursSpecification",
                "validFrom": eccezione.data_inizio.isoformat(),
                "validThrough": eccezione.data_fine.isoformat(),
                "opens": "00:00" if closed else f"{eccezione.apertura:%H:%M}",
                "closes": "00:00" if closed else f"{eccezione.chiusura:%H:%M}",
            }
        )
    return specs
