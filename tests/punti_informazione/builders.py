"""Builders for PIT tests: real PITs at real places, operators, sheets, consultations."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import Point
from django.utils import timezone

from geo_data.models import Ambito, Comune
from punti_informazione import services
from punti_informazione.models import (
    AmministratoreAmbito,
    Consultazione,
    PuntoInformazione,
    RuoloOperatore,
)
from servizi import orari
from servizi.models import Categoria
from tests.servizi.builders import MELEGNANO, SAN_DONATO, make_ente, make_sede

ROZZANO = Point(9.1560, 45.3790, srid=4326)
PAULLO = Point(9.4005, 45.4177, srid=4326)
SEMPRE_APERTO = "lun-dom 00:00-00:00"

_serial = itertools.count(1)


def make_punto(
    punto: Point = SAN_DONATO, orario: str | None = SEMPRE_APERTO, **fields
) -> PuntoInformazione:
    ente = fields.pop("ente", None) or make_ente()
    sede = fields.pop("sede", None) or make_sede(ente=ente, punto=punto)
    values = {
        "nome": f"Sportello di prova {next(_serial)}",
        "tipo": "segretariato_sociale",
        "telefono": "02 0123 4567",
    }
    if orario is not None:
        values["fasce"] = orari.parse_orario(orario)
    return services.punto_create(ente=ente, sede=sede, **{**values, **fields})


def make_user(username: str | None = None, **fields):
    return get_user_model().objects.create_user(
        username or f"utente{next(_serial)}", password="una-password-lunga", **fields
    )


def make_operatore(punto: PuntoInformazione, ruolo=RuoloOperatore.OPERATORE, user=None):
    user = user or make_user()
    services.operatore_assign(punto=punto, utente=user, ruolo=ruolo)
    return user


def make_amministratore_ambito(slug: str, user=None):
    user = user or make_user()
    AmministratoreAmbito.objects.create(utente=user, ambito=Ambito.objects.get(slug=slug))
    return user


def make_amministratore_rete(user=None):
    user = user or make_user()
    user.user_permissions.add(Permission.objects.get(codename="amministra_rete"))
    return get_user_model().objects.get(pk=user.pk)  # a fresh user: no cached permissions


def categoria(codice: str) -> Categoria:
    return Categoria.objects.get(codice=codice)


def make_consultazione(punto: PuntoInformazione, operatore, **fields) -> Consultazione:
    values = {
        "canale": "sportello",
        "bisogni": [categoria("infanzia.nido")],
        "comune_residenza": Comune.objects.get(pk="015192"),
        "lavoratore_impresa_aderente": False,
        "fascia_eta": "30-44",
        "esito": "informazione",
    }
    return services.consultazione_create(punto=punto, operatore=operatore, **{**values, **fields})


def age(consultazione: Consultazione, hours: float) -> Consultazione:
    """Pretend the consultation was recorded `hours` ago."""
    registrata = timezone.now() - timedelta(hours=hours)
    Consultazione.objects.filter(pk=consultazione.pk).update(registrata_il=registrata)
    consultazione.refresh_from_db()
    return consultazione


__all__ = ["MELEGNANO", "SAN_DONATO"]
