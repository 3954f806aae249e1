"""Writes on the PIT network: each validates fully and runs in a transaction.

Who may call them is decided by `permissions.py` in the page, API or admin; the
rules of the data themselves are here and in the models: a PIT's place is one of
its Ente's, a sheet holds only what exists, a consultation is frozen once its
edit window is over.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from servizi import orari
from servizi.models import Categoria
from servizi.services import _save, orario_replace

from .models import (
    Consultazione,
    Operatore,
    PuntoInformazione,
    RuoloOperatore,
    Scheda,
    VoceScheda,
)


class ConsultazioneCongelata(ValidationError):
    """The edit window of a consultation is over: it can no longer change."""


# ------------------------------------------------------------------------- PITs


def _set_orario(punto: PuntoInformazione, fasce, eccezioni) -> None:
    if fasce is not None:
        punto.orario = orario_replace(orario=punto.orario, fasce=fasce, eccezioni=eccezioni or ())


@transaction.atomic
def punto_create(
    *,
    temi: Sequence[Categoria] = (),
    fasce: Sequence[orari.Fascia] | None = None,
    eccezioni: Sequence[orari.Eccezione] = (),
    actor=None,
    **fields,
) -> PuntoInformazione:
    punto = PuntoInformazione(**fields)
    _set_orario(punto, fasce, eccezioni)
    _save(punto, actor=actor)
    punto.temi.set(temi)
    return punto


@transaction.atomic
def punto_update(
    *,
    punto: PuntoInformazione,
    temi: Sequence[Categoria] | None = None,
    fasce: Sequence[orari.Fascia] | None = None,
    eccezioni: Sequence[orari.Eccezione] | None = None,
    actor=None,
    **fields,
) -> PuntoInformazione:
    for name, value in fields.items():
        setattr(punto, name, value)
    _set_orario(punto, fasce, eccezioni)
    _save(punto, actor=actor)
    if temi is not None:
        punto.temi.set(temi)
    return punto


@transaction.atomic
def operatore_assign(
    *, punto: PuntoInformazione, utente, ruolo: str = RuoloOperatore.OPERATORE, actor=None
) -> Operatore:
    """Attach a user to a PIT with a role (changing the role if already attached)."""
    operatore = Operatore.objects.filter(punto=punto, utente=utente).first() or Operatore(
        punto=punto, utente=utente
    )
    operatore.ruolo = ruolo
    return _save(operatore, actor=actor)


# ------------------------------------------------------------------------- sheets


def _nuovo_link(scheda: Scheda, now=None) -> None:
    now = now or timezone.now()
    scheda.token = secrets.token_urlsafe(32)  # 256 random bits
    scheda.link_scade_il = now + timedelta(days=settings.SCHEDA_LINK_GIORNI)


@transaction.atomic
def scheda_create(*, punto: PuntoInformazione, autore) -> Scheda:
    if not punto.attivo:
        raise ValidationError({"punto": _("Il punto «%(p)s» non è attivo.") % {"p": punto}})
    scheda = Scheda(punto=punto, autore=autore)
    _nuovo_link(scheda)
    return _save(scheda, actor=autore)


@transaction.atomic
def scheda_rinnova_link(*, scheda: Scheda, actor=None) -> Scheda:
    """A new link, valid from now: the old one stops working."""
    _nuovo_link(scheda)
    return _save(scheda, actor=actor)


@transaction.atomic
def scheda_revoca_link(*, scheda: Scheda, actor=None) -> Scheda:
    """The link stops working now (a new one can be made with scheda_rinnova_link)."""
    scheda.link_scade_il = timezone.now()
    return _save(scheda, actor=actor)


@transaction.atomic
def scheda_delete(*, scheda: Scheda, actor=None) -> None:
    """A sheet made by mistake: its consultations stay, without the sheet."""
    if actor is not None:
        scheda._history_user = actor
    scheda.delete()


@transaction.atomic
def scheda_voce_add(
    *, scheda: Scheda, tipo: str, oggetto_id: int, nota: str = "", actor=None
) -> VoceScheda:
    if scheda.voci.filter(tipo=tipo, oggetto_id=oggetto_id).exists():
        raise ValidationError({"oggetto_id": _("È già nella scheda.")})
    ultimo = scheda.voci.aggregate(m=Max("ordine"))["m"]
    voce = VoceScheda(
        scheda=scheda,
        tipo=tipo,
        oggetto_id=oggetto_id,
        nota=nota,
        ordine=0 if ultimo is None else ultimo + 1,
    )
    _save(voce, actor=actor)
    scheda.save(update_fields=["aggiornata_il"])
    return voce


@transaction.atomic
def scheda_voce_update(*, voce: VoceScheda, nota: str, actor=None) -> VoceScheda:
    voce.nota = nota
    return _save(voce, actor=actor)


@transaction.atomic
def scheda_voce_remove(*, voce: VoceScheda, actor=None) -> None:
    if actor is not None:
        voce._history_user = actor
    voce.delete()


# ------------------------------------------------------------------------- consultations


def check_modificabile(consultazione: Consultazione, when=None) -> None:
    if consultazione.congelata(when):
        limite = timezone.localtime(consultazione.modificabile_fino_al)
        raise ConsultazioneCongelata(
            _(
                "La consultazione è chiusa: si poteva modificare fino al %(limite)s "
                "(%(ore)s ore dopo la registrazione). I dati dell'osservatorio non cambiano più."
            )
            % {
                "limite": date_format(limite, "DATETIME_FORMAT"),
                "ore": settings.CONSULTAZIONE_MODIFICABILE_ORE,
            },
            code="congelata",
        )


def _check_bisogni(bisogni: Sequence[Categoria]) -> None:
    if not bisogni:
        raise ValidationError({"bisogni": _("Indica almeno un bisogno.")})


@transaction.atomic
def consultazione_create(
    *, punto: PuntoInformazione, operatore, bisogni: Sequence[Categoria], **fields
) -> Consultazione:
    _check_bisogni(bisogni)
    consultazione = Consultazione(punto=punto, operatore=operatore, **fields)
    _save(consultazione, actor=operatore)
    consultazione.bisogni.set(bisogni)
    return consultazione


@transaction.atomic
def consultazione_update(
    *,
    consultazione: Consultazione,
    bisogni: Sequence[Categoria] | None = None,
    actor=None,
    **fields,
) -> Consultazione:
    # Lock the row: two corrections at the edge of the window are judged one after the other.
    Consultazione.objects.select_for_update().filter(pk=consultazione.pk).first()
    check_modificabile(consultazione)
    for name, value in fields.items():
        setattr(consultazione, name, value)
    if bisogni is not None:
        _check_bisogni(bisogni)
    _save(consultazione, actor=actor)
    if bisogni is not None:
        consultazione.bisogni.set(bisogni)
    return consultazione


@transaction.atomic
def consultazione_delete(*, consultazione: Consultazione, actor=None) -> None:
    """Only while it can still be edited (a consultation recorded by mistake)."""
    check_modificabile(consultazione)
    if actor is not None:
        consultazione._history_user = actor
    consultazione.delete()
