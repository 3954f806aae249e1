"""schema.org descriptions (JSON-LD) of a service and of a provider, for their public pages.

Search engines and assistive tools read them; they say what the page says, no more.
"""

from __future__ import annotations

from marketplace.scheda import schema_opening_hours, schema_place

from .models import Costo, Destinatario, Ente, Servizio, TipoEnte

ENTE_SCHEMA_TYPE = {
    TipoEnte.PUBBLICO: "GovernmentOrganization",
    TipoEnte.TERZO_SETTORE: "NGO",
    TipoEnte.IMPRESA: "Corporation",
}


def ente_ref(ente: Ente, url: str) -> dict:
    return {"@type": ENTE_SCHEMA_TYPE.get(ente.tipo, "Organization"), "name": ente.nome, "url": url}


def servizio_json_ld(servizio: Servizio, *, url: str, ente_url: str) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "GovernmentService" if servizio.ente.tipo == TipoEnte.PUBBLICO else "Service",
        "@id": url,
        "url": url,
        "name": servizio.titolo,
        "description": servizio.descrizione,
        "provider": ente_ref(servizio.ente, ente_url),
        "serviceType": [c.nome for c in servizio.categorie.all()],
    }
    if servizio.destinatari:
        data["audience"] = [
            {"@type": "Audience", "audienceType": str(Destinatario(value).label)}
            for value in servizio.destinatari
        ]
    offer = {
        "@type": "Offer",
        "description": servizio.costo_descrizione or str(servizio.get_costo_display()),
    }
    if servizio.costo == Costo.GRATUITO:
        offer.update(price="0", priceCurrency="EUR")
    data["offers"] = offer
    sedi = list(servizio.sedi.all())
    channel: dict = {
        "@type": "ServiceChannel",
        "serviceUrl": servizio.sito_web or url,
        "availableLanguage": list(servizio.lingue),
    }
    contact = {
        key: value
        for key, value in (("telephone", servizio.telefono), ("email", servizio.email))
        if value
    }
    if contact:
        channel["servicePhone"] = {"@type": "ContactPoint", **contact}
    if sedi:
        channel["serviceLocation"] = [schema_place(sede) for sede in sedi]
    data["availableChannel"] = channel
    area = [{"@type": "City", "name": sede.comune.nome} for sede in sedi]
    area += [{"@type": "City", "name": c.nome} for c in servizio.comuni_copertura.all()]
    if area:
        data["areaServed"] = list({a["name"]: a for a in area}.values())
    if servizio.orario is not None:
        data["hoursAvailable"] = schema_opening_hours(servizio.orario)
    if servizio.verificato_il:
        # Service has no dateModified; the page (WebPage) does.
        data["mainEntityOfPage"] = {
            "@type": "WebPage",
            "@id": url,
            "lastReviewed": servizio.verificato_il.isoformat(),
        }
    return data


def ente_json_ld(ente: Ente, servizi, sedi, *, url: str, servizio_url) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        **ente_ref(ente, url),
        "@id": url,
        "description": ente.descrizione,
        "taxID": ente.codice_fiscale,
    }
    if ente.partita_iva:
        data["vatID"] = ente.partita_iva
    for key, value in (("email", ente.email), ("telephone", ente.telefono)):
        if value:
            data[key] = value
    if ente.sito_web:
        data["sameAs"] = ente.sito_web
    if sedi:
        data["location"] = [schema_place(sede) for sede in sedi]
    data["makesOffer"] = [
        {
            "@type": "Offer",
            "itemOffered": {"@type": "Service", "name": s.titolo, "url": servizio_url(s)},
        }
        for s in servizi
    ]
    return data
