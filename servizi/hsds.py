"""The catalogue in the words of Open Referral's Human Services Data Specification
(HSDS 3.1, https://docs.openreferral.org/): organizations (Ente), services (Servizio),
locations (Sede), their link (service_at_location), and two taxonomies, the needs
(Categoria) and the target groups (Destinatario).

Every HSDS id is a UUID. Ours are integers, so an HSDS id is an RFC 9562 version 8
(custom) UUID that holds the kind of object and its numbers: "<a>-<kind>-8000-8000-<b>",
`a` in 32 bits and `b` in 48, both in hex. It is stable, the same on every request and
in every export, and reads back to the row (see `parse_id`). Objects that are a pair of
rows (a service at a place, a service's category) carry both numbers; objects that
HSDS keeps apart and we keep in a row (a place's address, a service's phone) carry the
row's number under their own kind.

Times are Italy's local time (Europe/Rome). HSDS would have them with a UTC offset,
which is not one number over a year with summer time; the docs say so.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import IntEnum
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marketplace.templatetags.sito import nome_tradotto

from . import orari
from .models import (
    LINGUE,
    Categoria,
    Costo,
    Destinatario,
    Ente,
    ModalitaAccesso,
    Sede,
    Servizio,
    TipoEnte,
)

HSDS_VERSION = "3.1"
HSDS_PROFILE = "https://docs.openreferral.org/en/latest/hsds/"
# HSDS wants ISO 639 codes; ours are ISO 639-1 but for the Italian sign language,
# whose ISO 639-3 code is "ise".
_LANGUAGE_CODES = {"lis": "ise"}
_LANGUAGE_INDEX = {code: index for index, (code, _label) in enumerate(LINGUE)}
_DESTINATARI = list(Destinatario)
_BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Oggetto(IntEnum):
    """The kinds of HSDS object: the second group of their ids."""

    ORGANIZATION = 1
    SERVICE = 2
    LOCATION = 3
    SERVICE_AT_LOCATION = 4
    TAXONOMY = 5
    TAXONOMY_TERM = 6  # a category
    TARGET_TERM = 7  # a target group, a term of the second taxonomy
    ADDRESS = 8
    ACCESSIBILITY = 9
    SCHEDULE = 10  # a weekly slot
    SCHEDULE_EXCEPTION = 11  # a closure or special hours on some days
    SERVICE_PHONE = 12
    ORGANIZATION_PHONE = 13
    LANGUAGE = 14
    SERVICE_AREA = 15
    CATEGORY_ATTRIBUTE = 16
    TARGET_ATTRIBUTE = 17
    COST_OPTION = 18
    ORGANIZATION_IDENTIFIER = 19
    SERVICE_URL = 20
    ORGANIZATION_URL = 21


class Tassonomia(IntEnum):
    CATEGORIE = 1
    DESTINATARI = 2


_ID = re.compile(r"([0-9a-f]{8})-([0-9a-f]{4})-8000-8000-([0-9a-f]{12})")


def hsds_id(kind: Oggetto, b: int, a: int = 0) -> str:
    return f"{a:08x}-{kind:04x}-8000-8000-{b:012x}"


def parse_id(value: str, kind: Oggetto) -> int | None:
    """The row number an id of this kind holds, or None: not one of our ids, or of
    another kind."""
    match = _ID.fullmatch(value.strip().lower())
    if match is None or int(match[2], 16) != kind or int(match[1], 16) != 0:
        return None
    return int(match[3], 16)


def parse_target_term(value: str) -> Destinatario | None:
    number = parse_id(value, Oggetto.TARGET_TERM)
    return _DESTINATARI[number] if number is not None and number < len(_DESTINATARI) else None


def _present(**fields) -> dict:
    """HSDS leaves out what is not known (a string field may not be null)."""
    return {name: value for name, value in fields.items() if value not in (None, "", [])}


def _timestamp(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="milliseconds")


@lru_cache(maxsize=16)
def _words_in(language: str | None) -> dict:
    return {
        Tassonomia.CATEGORIE: (
            _("Bisogni del welfare territoriale"),
            _("I bisogni di conciliazione vita-lavoro: infanzia, anziani, disabilità…"),
        ),
        Tassonomia.DESTINATARI: (
            _("Destinatari"),
            _("A chi si rivolge il servizio: famiglie, bambini e ragazzi, anziani…"),
        ),
        "page": _("Scheda nel catalogo"),
        "identifiers": (_("Codice fiscale"), _("Partita IVA")),
        "accessibility": (
            _("accesso senza barriere"),
            _("bagno accessibile"),
            _("parcheggio"),
        ),
        "demo": _("Dato dimostrativo: questo servizio non esiste."),
        "area": _("Servizio a domicilio nel Comune (codice ISTAT %(codice)s)"),
        "closed": _("Chiuso"),
        "special": _("Orario speciale"),
        **{
            choices: {value: str(label) for value, label in choices.choices}
            for choices in (TipoEnte, Costo, ModalitaAccesso, Destinatario)
        },
        "lingue": {code: str(label) for code, label in LINGUE},
    }


def _words() -> dict:
    """The fixed words of the answers, translated once per language: a page of 200
    whole services asked gettext 24,000 times, a quarter of its time."""
    return _words_in(get_language())


# Taxonomies


def taxonomy(tassonomia: Tassonomia) -> dict:
    name, description = _words()[tassonomia]
    return {
        "id": hsds_id(Oggetto.TAXONOMY, tassonomia),
        "name": name,
        "description": description,
        "version": "1",
    }


def _in_english() -> bool:
    return (get_language() or "").startswith("en")


def category_term(categoria: Categoria) -> dict:
    name = nome_tradotto(categoria)
    return _present(
        id=hsds_id(Oggetto.TAXONOMY_TERM, categoria.pk),
        code=categoria.codice,
        name=name,
        description=categoria.descrizione or name,
        parent_id=categoria.genitore_id and hsds_id(Oggetto.TAXONOMY_TERM, categoria.genitore_id),
        taxonomy=_words()[Tassonomia.CATEGORIE][0],
        taxonomy_id=hsds_id(Oggetto.TAXONOMY, Tassonomia.CATEGORIE),
        language="en" if _in_english() and categoria.nome_en else "it",
    )


def target_term(destinatario: Destinatario) -> dict:
    name = _words()[Destinatario][destinatario]
    return {
        "id": hsds_id(Oggetto.TARGET_TERM, _DESTINATARI.index(destinatario)),
        "code": destinatario.value,
        "name": name,
        "description": name,
        "taxonomy": _words()[Tassonomia.DESTINATARI][0],
        "taxonomy_id": hsds_id(Oggetto.TAXONOMY, Tassonomia.DESTINATARI),
        "language": "en" if _in_english() else "it",
    }


# Organizations


def organization(ente: Ente, *, page_url: str) -> dict:
    """An Ente's own fields, as a service's organization and in the list."""
    pk, words = ente.pk, _words()
    tipo = words[TipoEnte][ente.tipo]
    return _present(
        id=hsds_id(Oggetto.ORGANIZATION, pk),
        name=ente.nome,
        # HSDS requires one: the Ente's kind where it has none.
        description=ente.descrizione or tipo,
        email=ente.email,
        website=ente.sito_web,
        legal_status=ente.forma_giuridica or tipo,
        additional_websites=[
            {
                "id": hsds_id(Oggetto.ORGANIZATION_URL, pk),
                "organization_id": hsds_id(Oggetto.ORGANIZATION, pk),
                "label": words["page"],
                "url": page_url,
            }
        ],
        phones=ente.telefono
        and [
            {
                "id": hsds_id(Oggetto.ORGANIZATION_PHONE, pk),
                "organization_id": hsds_id(Oggetto.ORGANIZATION, pk),
                "number": ente.telefono,
            }
        ],
        organization_identifiers=[
            {
                "id": hsds_id(Oggetto.ORGANIZATION_IDENTIFIER, pk, number),
                "organization_id": hsds_id(Oggetto.ORGANIZATION, pk),
                "identifier_type": label,
                "identifier": value,
            }
            for number, label, value in zip(
                (1, 2), words["identifiers"], (ente.codice_fiscale, ente.partita_iva), strict=True
            )
            if value
        ],
    )


# Locations


def location(sede: Sede) -> dict:
    pk, comune = sede.pk, sede.comune
    accessibility = [
        label
        for present, label in zip(
            (sede.accesso_senza_barriere, sede.bagno_accessibile, sede.parcheggio),
            _words()["accessibility"],
            strict=True,
        )
        if present
    ]
    return _present(
        id=hsds_id(Oggetto.LOCATION, pk),
        location_type="physical",
        organization_id=hsds_id(Oggetto.ORGANIZATION, sede.ente_id),
        name=sede.nome,
        latitude=round(sede.punto.y, 7),
        longitude=round(sede.punto.x, 7),
        addresses=[
            {
                "id": hsds_id(Oggetto.ADDRESS, pk),
                "location_id": hsds_id(Oggetto.LOCATION, pk),
                "address_1": sede.indirizzo,
                "city": comune.nome,
                "region": comune.regione,
                "state_province": comune.sigla_provincia,
                "postal_code": sede.cap,
                "country": "IT",
                "address_type": "physical",
            }
        ],
        accessibility=(accessibility or sede.note_accessibilita)
        and [
            _present(
                id=hsds_id(Oggetto.ACCESSIBILITY, pk),
                location_id=hsds_id(Oggetto.LOCATION, pk),
                description=sede.note_accessibilita,
                details="; ".join(accessibility),
            )
        ],
    )


# A service at one of its places


def service_at_location(servizio_pk: int, sede: Sede) -> dict:
    """The service at the place, with the place: its id holds both numbers."""
    return {
        "id": hsds_id(Oggetto.SERVICE_AT_LOCATION, sede.pk, servizio_pk),
        "service_id": hsds_id(Oggetto.SERVICE, servizio_pk),
        "location_id": hsds_id(Oggetto.LOCATION, sede.pk),
        "location": location(sede),
    }


def parse_service_at_location(value: str) -> tuple[int, int] | None:
    """(service, place) of an id of a service at a place, or None."""
    match = _ID.fullmatch(value.strip().lower())
    if match is None or int(match[2], 16) != Oggetto.SERVICE_AT_LOCATION:
        return None
    return int(match[1], 16), int(match[3], 16)


# Services


def service_summary(servizio: Servizio, *, page_url: str, ente_page_url: str) -> dict:
    """A service's own fields and its organization's: the list's form (HSDS's
    service_list, no arrays of other objects but the page's address)."""
    pk, words = servizio.pk, _words()
    costo = words[Costo][servizio.costo]
    return _present(
        id=hsds_id(Oggetto.SERVICE, pk),
        organization_id=hsds_id(Oggetto.ORGANIZATION, servizio.ente_id),
        name=servizio.titolo,
        description=servizio.descrizione,
        url=servizio.sito_web,
        additional_urls=[
            {
                "id": hsds_id(Oggetto.SERVICE_URL, pk),
                "service_id": hsds_id(Oggetto.SERVICE, pk),
                "label": words["page"],
                "url": page_url,
            }
        ],
        email=servizio.email,
        # Only published services are open data: the others are not listed.
        status="active",
        application_process=words[ModalitaAccesso][servizio.modalita_accesso],
        fees_description=(
            f"{costo}: {servizio.costo_descrizione}" if servizio.costo_descrizione else costo
        ),
        eligibility_description=servizio.requisiti,
        minimum_age=servizio.eta_min,
        maximum_age=servizio.eta_max,
        assured_date=servizio.verificato_il and servizio.verificato_il.isoformat(),
        alert=words["demo"] if servizio.demo else None,
        last_modified=_timestamp(servizio.aggiornato_il),
        organization=organization(servizio.ente, page_url=ente_page_url),
    )


def service_minimal(servizio: Servizio) -> dict:
    return {
        "id": hsds_id(Oggetto.SERVICE, servizio.pk),
        "last_modified": _timestamp(servizio.aggiornato_il),
    }


def service(servizio: Servizio, *, page_url: str, ente_page_url: str) -> dict:
    """The fully nested service: its places, hours, languages, Comuni served at home,
    cost, phone, categories and target groups. Reads the relations that
    selectors.servizio_list prefetches."""
    pk, words = servizio.pk, _words()
    service_id = hsds_id(Oggetto.SERVICE, pk)
    categorie = list(servizio.categorie.all())
    return {
        **service_summary(servizio, page_url=page_url, ente_page_url=ente_page_url),
        **_present(
            phones=servizio.telefono
            and [
                {
                    "id": hsds_id(Oggetto.SERVICE_PHONE, pk),
                    "service_id": service_id,
                    "number": servizio.telefono,
                }
            ],
            schedules=_schedules(servizio, service_id),
            service_areas=[
                {
                    "id": hsds_id(Oggetto.SERVICE_AREA, int(comune.pk), pk),
                    "service_id": service_id,
                    "name": comune.nome,
                    "description": words["area"] % {"codice": comune.pk},
                }
                for comune in servizio.comuni_copertura.all()
            ],
            service_at_locations=[service_at_location(pk, sede) for sede in servizio.sedi.all()],
            languages=[
                {
                    "id": hsds_id(Oggetto.LANGUAGE, _LANGUAGE_INDEX[code], pk),
                    "service_id": service_id,
                    "name": words["lingue"][code],
                    "code": _LANGUAGE_CODES.get(code, code),
                }
                for code in servizio.lingue
            ],
            cost_options=[
                _present(
                    id=hsds_id(Oggetto.COST_OPTION, pk),
                    service_id=service_id,
                    option=words[Costo][servizio.costo],
                    amount=0 if servizio.costo == "gratuito" else None,
                    currency="EUR",
                    amount_description=servizio.costo_descrizione,
                )
            ],
            attributes=[
                *(
                    _attribute(
                        Oggetto.CATEGORY_ATTRIBUTE,
                        categoria.pk,
                        pk,
                        "category",
                        category_term(categoria),
                    )
                    for categoria in categorie
                ),
                *(
                    _attribute(
                        Oggetto.TARGET_ATTRIBUTE,
                        _DESTINATARI.index(destinatario),
                        pk,
                        "audience",
                        target_term(Destinatario(destinatario)),
                    )
                    for destinatario in servizio.destinatari
                ),
            ],
        ),
    }


def _attribute(kind: Oggetto, a: int, servizio_pk: int, link_type: str, term: dict) -> dict:
    return {
        "id": hsds_id(kind, servizio_pk, a),
        "link_id": hsds_id(Oggetto.SERVICE, servizio_pk),
        "link_entity": "service",
        "link_type": link_type,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def _schedules(servizio: Servizio, service_id: str) -> list[dict]:
    """A weekly slot each (RRULE: WEEKLY on its day), then each exception: a closure
    (no hours) or special hours, for the days from `valid_from` to `valid_to`."""
    orario, words = servizio.orario, _words()
    if orario is None:
        return []
    weekly = [
        _present(
            id=hsds_id(Oggetto.SCHEDULE, fascia.pk),
            service_id=service_id,
            freq="WEEKLY",
            wkst="MO",
            byday=_BYDAY[fascia.giorno],
            opens_at=orari._hh_mm(fascia.apertura),
            # "00:00-00:00" is the whole day (servizi.orari): it closes at its end.
            closes_at=(
                "24:00" if fascia.apertura == fascia.chiusura else orari._hh_mm(fascia.chiusura)
            ),
            description=str(orari.Fascia(fascia.giorno, fascia.apertura, fascia.chiusura)),
            notes=orario.note,
        )
        for fascia in sorted(orario.fasce.all(), key=lambda f: (f.giorno, f.apertura))
    ]
    exceptions = [
        _present(
            id=hsds_id(Oggetto.SCHEDULE_EXCEPTION, eccezione.pk),
            service_id=service_id,
            valid_from=eccezione.data_inizio.isoformat(),
            valid_to=eccezione.data_fine.isoformat(),
            opens_at=None if eccezione.chiuso else orari._hh_mm(eccezione.apertura),
            closes_at=None if eccezione.chiuso else orari._hh_mm(eccezione.chiusura),
            description=words["closed" if eccezione.chiuso else "special"]
            + (f": {eccezione.descrizione}" if eccezione.descrizione else ""),
        )
        for eccezione in sorted(orario.eccezioni.all(), key=lambda e: e.data_inizio)
    ]
    return weekly + exceptions
