"""Writes on the catalogue: each validates fully and runs in a transaction.

`actor` is the user the edit history records (web requests also record it
through simple-history's middleware; commands pass it explicitly).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from geo_data.models import Comune
from marketplace.search.index import schedule_reindex_per_orari, schedule_reindex_servizi

from . import orari
from .models import (
    Categoria,
    EccezioneOrario,
    Ente,
    FasciaOraria,
    Orario,
    Sede,
    Servizio,
    StatoServizio,
)


def _save(instance, *, actor=None):
    instance.full_clean()
    if actor is not None:
        instance._history_user = actor
    instance.save()
    return instance


@transaction.atomic
def ente_create(*, actor=None, referenti: Iterable = (), **fields) -> Ente:
    ente = _save(Ente(**fields), actor=actor)
    ente.referenti.set(referenti)
    return ente


@transaction.atomic
def ente_update(*, ente: Ente, actor=None, **fields) -> Ente:
    for name, value in fields.items():
        setattr(ente, name, value)
    return _save(ente, actor=actor)


@transaction.atomic
def sede_create(*, ente: Ente, punto: Point, actor=None, **fields) -> Sede:
    """A new place; its Comune is derived from the point (refused outside the territory)."""
    return _save(Sede(ente=ente, punto=punto, **fields), actor=actor)


@transaction.atomic
def sede_update(*, sede: Sede, actor=None, **fields) -> Sede:
    for name, value in fields.items():
        setattr(sede, name, value)
    return _save(sede, actor=actor)


@transaction.atomic
def orario_replace(
    *,
    orario: Orario | None = None,
    fasce: Sequence[orari.Fascia] = (),
    eccezioni: Sequence[orari.Eccezione] = (),
    descrizione: str | None = None,
) -> Orario:
    """Create or rewrite a schedule; slots that overlap each other are refused."""
    orari.check_no_overlap(fasce)
    for eccezione in eccezioni:
        checked = EccezioneOrario(orario=Orario(), **eccezione.__dict__)
        checked.clean_fields(exclude=["orario"])
        checked.clean()
    if orario is None:
        orario = Orario.objects.create(descrizione=descrizione or "")
    elif descrizione is not None:
        orario.descrizione = descrizione
        orario.save()
    orario.fasce.all().delete()
    orario.eccezioni.all().delete()
    FasciaOraria.objects.bulk_create(
        FasciaOraria(orario=orario, giorno=f.giorno, apertura=f.apertura, chiusura=f.chiusura)
        for f in fasce
    )
    EccezioneOrario.objects.bulk_create(
        EccezioneOrario(orario=orario, **e.__dict__) for e in eccezioni
    )
    schedule_reindex_per_orari([orario.pk])  # the search rows copy it; bulk: no signal
    return orario


def check_sedi_of_ente(ente: Ente, sedi: Iterable[Sede]) -> None:
    foreign = [str(sede) for sede in sedi if sede.ente_id != ente.pk]
    if foreign:
        raise ValidationError(
            {
                "sedi": _("Queste sedi non sono dell'ente %(ente)s: %(sedi)s.")
                % {"ente": ente, "sedi": ", ".join(foreign)}
            }
        )


def _check_categorie(categorie: Sequence[Categoria]) -> None:
    if not categorie:
        raise ValidationError({"categorie": _("Indica almeno una categoria.")})


@transaction.atomic
def servizio_create(
    *,
    ente: Ente,
    titolo: str,
    categorie: Sequence[Categoria],
    sedi: Sequence[Sede] = (),
    comuni_copertura: Sequence[Comune] = (),
    fasce: Sequence[orari.Fascia] | None = None,
    eccezioni: Sequence[orari.Eccezione] = (),
    actor=None,
    **fields,
) -> Servizio:
    _check_categorie(categorie)
    check_sedi_of_ente(ente, sedi)
    servizio = Servizio(ente=ente, titolo=titolo, **fields)
    if fasce is not None:
        servizio.orario = orario_replace(fasce=fasce, eccezioni=eccezioni)
    _save(servizio, actor=actor)
    servizio.categorie.set(categorie)
    servizio.sedi.set(sedi)
    servizio.comuni_copertura.set(comuni_copertura)
    return servizio


@transaction.atomic
def servizio_update(
    *,
    servizio: Servizio,
    categorie: Sequence[Categoria] | None = None,
    sedi: Sequence[Sede] | None = None,
    comuni_copertura: Sequence[Comune] | None = None,
    fasce: Sequence[orari.Fascia] | None = None,
    eccezioni: Sequence[orari.Eccezione] | None = None,
    actor=None,
    **fields,
) -> Servizio:
    for name, value in fields.items():
        setattr(servizio, name, value)
    if categorie is not None:
        _check_categorie(categorie)
    if sedi is not None:
        check_sedi_of_ente(servizio.ente, sedi)
    if fasce is not None:
        servizio.orario = orario_replace(
            orario=servizio.orario, fasce=fasce, eccezioni=eccezioni or ()
        )
    _save(servizio, actor=actor)
    if categorie is not None:
        servizio.categorie.set(categorie)
    if sedi is not None:
        servizio.sedi.set(sedi)
    if comuni_copertura is not None:
        servizio.comuni_copertura.set(comuni_copertura)
    return servizio


@transaction.atomic
def servizi_set_stato(*, servizi: Iterable[Servizio], stato: str, actor=None) -> int:
    """Publish or archive many services at once, each change in the history."""
    changed = [s for s in servizi if s.stato != stato]
    for servizio in changed:
        servizio.stato = stato
    bulk_update_with_history(changed, Servizio, ["stato"], default_user=actor)
    schedule_reindex_servizi(s.pk for s in changed)  # a bulk update sends no signal
    return len(changed)


@transaction.atomic
def servizi_mark_verified(
    *, servizi: Iterable[Servizio], actor=None, il: date | None = None
) -> int:
    day = il or timezone.localdate()
    servizi = list(servizi)
    for servizio in servizi:
        servizio.verificato_il = day
    bulk_update_with_history(servizi, Servizio, ["verificato_il"], default_user=actor)
    return len(servizi)


def servizio_publish(*, servizio: Servizio, actor=None) -> Servizio:
    servizi_set_stato(servizi=[servizio], stato=StatoServizio.PUBBLICATO, actor=actor)
    return servizio
