"""schema.org description (JSON-LD) of an agreement, for its public page.

An agreement is an `Offer`: made by an Ente (`offeredBy`), on some of its services or
all of them (`itemOffered`, each with its `audience`: the employees of some networks or
companies), at its places (`availableAtOrFrom`), between two dates.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.scheda import schema_place
from servizi.models import Sede
from servizi.structured_data import ente_ref

from .models import Convenzione


def convenzione_json_ld(
    convenzione: Convenzione, sedi: list[Sede], *, url: str, ente_url: str, servizio_url
) -> dict:
    beneficiari = [
        *(r.nome for r in convenzione.reti_beneficiarie.all()),
        *(i.nome for i in convenzione.imprese_beneficiarie.all()),
    ]
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Offer",
        "@id": url,
        "url": url,
        "name": convenzione.titolo,
        "description": " ".join(
            part for part in (convenzione.beneficio_breve(), convenzione.descrizione) if part
        ),
        "offeredBy": ente_ref(convenzione.ente, ente_url),
        "validFrom": convenzione.data_inizio.isoformat(),
        "validThrough": convenzione.data_fine.isoformat(),
    }
    audience = {
        "@type": "Audience",
        "audienceType": (
            _("Dipendenti e familiari di: %(chi)s")
            if convenzione.estesa_ai_familiari
            else _("Dipendenti di: %(chi)s")
        )
        % {"chi": ", ".join(beneficiari)},
    }
    servizi = list(convenzione.servizi.all())
    data["itemOffered"] = [
        {"@type": "Service", "name": s.titolo, "url": servizio_url(s), "audience": audience}
        for s in servizi
    ] or [
        {
            "@type": "Service",
            "name": _("Tutti i servizi di %(ente)s") % {"ente": convenzione.ente.nome},
            "audience": audience,
        }
    ]
    if convenzione.condizioni:
        data["disambiguatingDescription"] = convenzione.condizioni
    if sedi:
        data["availableAtOrFrom"] = [schema_place(sede) for sede in sedi]
    return data
