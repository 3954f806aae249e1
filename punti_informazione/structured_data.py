"""schema.org description (JSON-LD) of an info point, for its public page.

A PIT is a desk at a place, open at hours, run by an Ente: a `GovernmentOffice` when
the Ente is public, a `LocalBusiness` otherwise (both are places and organisations,
so they take an address, opening hours, contacts and languages).
"""

from __future__ import annotations

from marketplace.scheda import schema_opening_hours, schema_place
from servizi.models import TipoEnte
from servizi.structured_data import ente_ref

from .models import PuntoInformazione


def punto_json_ld(punto: PuntoInformazione, *, url: str, ente_url: str) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        **schema_place(punto.sede),
        "@type": "GovernmentOffice" if punto.ente.tipo == TipoEnte.PUBBLICO else "LocalBusiness",
        "@id": url,
        "url": url,
        "name": punto.nome,
        "description": punto.descrizione or str(punto.get_tipo_display()),
        "parentOrganization": ente_ref(punto.ente, ente_url),
        "isAccessibleForFree": True,
        "knowsAbout": [tema.nome for tema in punto.temi.all()],
        "knowsLanguage": list(punto.lingue),
    }
    for key, value in (("telephone", punto.telefono), ("email", punto.email)):
        if value:
            data[key] = value
    if punto.sito_web:
        data["sameAs"] = punto.sito_web
    if punto.orario is not None:
        data["openingHoursSpecification"] = schema_opening_hours(punto.orario)
    return data
