"""Small builders for catalogue tests: real services, valid data, overridable fields."""

from __future__ import annotations

import itertools

from django.contrib.gis.geos import Point
from stdnum import luhn

from servizi import orari
from servizi.models import Categoria, Ente, Sede, Servizio
from servizi.services import ente_create, sede_create, servizio_create

_serial = itertools.count(1)

MELEGNANO = Point(9.3237, 45.3573, srid=4326)
SAN_DONATO = Point(9.2686, 45.4103, srid=4326)


def codice_fiscale_valido() -> str:
    # Digits 8-10 are the tax office's code: 015 is a valid one.
    first_ten = f"{next(_serial) + 9_000_000:07d}015"
    return first_ten + luhn.calc_check_digit(first_ten)


def make_ente(**fields) -> Ente:
    values = {
        "nome": f"Cooperativa di prova {next(_serial)}",
        "tipo": "terzo_settore",
        "codice_fiscale": codice_fiscale_valido(),
    }
    return ente_create(**{**values, **fields})


def make_sede(ente: Ente | None = None, punto: Point = MELEGNANO, **fields) -> Sede:
    values = {"nome": "Sede principale", "indirizzo": "Via Roma 1", "cap": "20077"}
    return sede_create(ente=ente or make_ente(), punto=punto, **{**values, **fields})


def make_servizio(ente: Ente | None = None, orario: str | None = None, **fields) -> Servizio:
    ente = ente or make_ente()
    values = {
        "titolo": "Assistenza domiciliare anziani",
        "categorie": [Categoria.objects.get(codice="anziani.assistenza-domiciliare")],
        "modalita_accesso": "prenotazione",
        "costo": "a_pagamento",
        "stato": "pubblicato",
    }
    if orario is not None:
        values["fasce"] = orari.parse_orario(orario)
    return servizio_create(ente=ente, **{**values, **fields})
