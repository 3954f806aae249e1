"""Builders for agreement tests: networks, member companies and agreements with valid data."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.utils import timezone

from convenzioni.models import Convenzione, Impresa, ReteImprese
from convenzioni.services import (
    adesione_create,
    convenzione_approva,
    convenzione_create,
    convenzione_invia,
    impresa_create,
    rete_create,
)
from geo_data.models import Comune
from servizi.models import Ente
from tests.servizi.builders import codice_fiscale_valido, make_ente

_serial = itertools.count(1)

SAN_DONATO = "015192"


def oggi() -> date:
    return timezone.localdate()


def make_rete(**fields) -> ReteImprese:
    n = next(_serial)
    values = {"nome": f"Rete di prova {n}", "slug": f"rete-{n}"}
    return rete_create(**{**values, **fields})


def make_impresa(*, reti: tuple[ReteImprese, ...] = (), dal: date | None = None, **fields):
    n = next(_serial)
    values = {
        "nome": f"Impresa di prova {n} S.r.l.",
        "slug": f"impresa-{n}",
        "partita_iva": codice_fiscale_valido(),  # 11 digits: a valid VAT number
        "classe_dimensionale": "piccola",
        "settore": "manifattura",
        "comune": Comune.objects.get(pk=SAN_DONATO),
    }
    impresa = impresa_create(**{**values, **fields})
    for rete in reti:
        adesione_create(rete=rete, impresa=impresa, data_inizio=dal or oggi() - timedelta(365))
    return impresa


def make_fornitore(rete: ReteImprese, **fields) -> Ente:
    """An Ente that may address agreements to the network (a registered partner)."""
    ente = make_ente(**fields)
    rete.enti_partner.add(ente)
    return ente


def convenzione_dati(**fields) -> dict:
    values = {
        "titolo": "Sconto sul doposcuola",
        "tipo_beneficio": "percentuale",
        "percentuale": 10,
        "data_inizio": oggi() - timedelta(days=10),
        "data_fine": oggi() + timedelta(days=180),
        "modalita_riscatto": "tesserino",
    }
    return {**values, **fields}


def dati_modulo(**fields) -> dict:
    """The same valid agreement as submitted by a form or a JSON body (text values)."""
    data = convenzione_dati(data_inizio=oggi(), data_fine=oggi() + timedelta(days=90))
    data = {name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in data.items()}  # fmt: skip
    return {**data, **fields}


def make_convenzione(
    *, ente: Ente, reti=(), imprese=(), stato: str = "bozza", actor=None, **fields
) -> Convenzione:
    """An agreement brought to `stato` through the real lifecycle (as the system)."""
    convenzione = convenzione_create(
        ente=ente,
        reti_beneficiarie=list(reti),
        imprese_beneficiarie=list(imprese),
        actor=actor,
        **convenzione_dati(**fields),
    )
    if stato in {"in_revisione", "pubblicata"}:
        convenzione = convenzione_invia(convenzione=convenzione)
    if stato == "pubblicata":
        convenzione = convenzione_approva(convenzione=convenzione)
    return convenzione


def impresa_senza_reti(**fields) -> Impresa:
    return make_impresa(**fields)
