"""Who sees and changes what in the PIT network. Pages, API and admin all ask here.

- a **network administrator** (superusers, or users with the permission
  `punti_informazione.amministra_rete`, e.g. through the "Amministrazione rete PIT"
  group) sees and manages every PIT, operator, sheet and consultation;
- a **district administrator** (an `AmministratoreAmbito`) sees and manages the
  PITs whose place lies in their Ambito, with their sheets and consultations;
- an **operator** (an `Operatore` of one or more PITs) sees their PITs, edits their
  practical data (schedule, contacts, topics, languages), makes sheets there and
  records consultations; they edit a consultation they recorded while its edit
  window is open (a `responsabile` of the PIT also their colleagues' ones).

Nobody else sees a sheet (except through its shared link) or a consultation.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from geo_data.models import Ambito

from .models import (
    AmministratoreAmbito,
    Consultazione,
    Operatore,
    PuntoInformazione,
    RuoloOperatore,
    Scheda,
)

NETWORK_PERMISSION = "punti_informazione.amministra_rete"

# What an operator may change on their PIT; the rest (name, Ente, place, kind,
# active) is decided by district or network administrators.
CAMPI_OPERATORE = frozenset(
    {"descrizione", "orario", "telefono", "email", "sito_web", "temi", "lingue", "su_appuntamento"}
)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_network_admin(user) -> bool:
    return _active(user) and user.has_perm(NETWORK_PERMISSION)


def ambiti_amministrati(user) -> QuerySet[Ambito]:
    if is_network_admin(user):
        return Ambito.objects.all()
    if not _active(user):
        return Ambito.objects.none()
    return Ambito.objects.filter(
        pk__in=AmministratoreAmbito.objects.filter(utente=user).values("ambito_id")
    )


def _in_ambiti(ambiti: QuerySet[Ambito]) -> Q:
    return Q(sede__comune__ambiti__in=ambiti)


def punti_gestiti(user) -> QuerySet[PuntoInformazione]:
    """PITs whose structure the user manages (network: all; district: their Ambiti)."""
    if is_network_admin(user):
        return PuntoInformazione.objects.all()
    if not _active(user):
        return PuntoInformazione.objects.none()
    return PuntoInformazione.objects.filter(
        pk__in=PuntoInformazione.objects.filter(_in_ambiti(ambiti_amministrati(user))).values("pk")
    )


def punti_operatore(user) -> QuerySet[PuntoInformazione]:
    """PITs where the user works as an operator (any role)."""
    if not _active(user):
        return PuntoInformazione.objects.none()
    return PuntoInformazione.objects.filter(operatori__utente=user)


def punti_visibili(user) -> QuerySet[PuntoInformazione]:
    """PITs whose internal data (sheets, consultations, operators) the user may see."""
    if is_network_admin(user):
        return PuntoInformazione.objects.all()
    if not _active(user):
        return PuntoInformazione.objects.none()
    return PuntoInformazione.objects.filter(
        Q(pk__in=punti_gestiti(user).values("pk")) | Q(pk__in=punti_operatore(user).values("pk"))
    )


def can_use_console(user) -> bool:
    return _active(user) and (
        is_network_admin(user)
        or AmministratoreAmbito.objects.filter(utente=user).exists()
        or Operatore.objects.filter(utente=user).exists()
    )


def can_manage_punto(user, punto: PuntoInformazione) -> bool:
    return punti_gestiti(user).filter(pk=punto.pk).exists()


def can_edit_punto(user, punto: PuntoInformazione) -> bool:
    """Operators of the PIT edit its practical data; its managers edit everything."""
    return can_manage_punto(user, punto) or punti_operatore(user).filter(pk=punto.pk).exists()


def can_create_punto_at(user, sede) -> bool:
    """A new PIT at `sede`: network administrators, or those of the Ambito of its Comune."""
    return (
        is_network_admin(user) or ambiti_amministrati(user).filter(comuni=sede.comune_id).exists()
    )


def campi_non_permessi(user, punto: PuntoInformazione, campi) -> list[str]:
    """Of `campi`, those the user may not change on `punto`."""
    if can_manage_punto(user, punto):
        return []
    if punti_operatore(user).filter(pk=punto.pk).exists():
        return sorted(set(campi) - CAMPI_OPERATORE)
    return sorted(campi)


def can_work_at(user, punto: PuntoInformazione) -> bool:
    """Make sheets and record consultations at this PIT: its operators only."""
    return punti_operatore(user).filter(pk=punto.pk).exists()


def schede_visibili(user) -> QuerySet[Scheda]:
    return Scheda.objects.filter(punto__in=punti_visibili(user))


def can_edit_scheda(user, scheda: Scheda) -> bool:
    """The operators of the sheet's PIT (a colleague may carry on a sheet)."""
    return can_work_at(user, scheda.punto)


def consultazioni_visibili(user) -> QuerySet[Consultazione]:
    return Consultazione.objects.filter(punto__in=punti_visibili(user))


def can_edit_consultazione(user, consultazione: Consultazione) -> bool:
    """Its operator, or a responsabile of its PIT (the edit window is checked apart)."""
    if not _active(user):
        return False
    if consultazione.operatore_id == user.pk and can_work_at(user, consultazione.punto):
        return True
    return Operatore.objects.filter(
        utente=user, punto_id=consultazione.punto_id, ruolo=RuoloOperatore.RESPONSABILE
    ).exists()


def can_see_ambito(user, ambito: Ambito) -> bool:
    """The observatory of an Ambito: its administrators, or operators of a PIT in it."""
    return (
        ambiti_amministrati(user).filter(pk=ambito.pk).exists()
        or punti_operatore(user).filter(sede__comune__ambiti=ambito).exists()
    )
