"""Which changes touch which search rows.

Index upkeep is the one place where we listen to model signals: it must follow every
write path (services, admin, cascading deletes) and it is infrastructure, not business
logic. Bulk updates that send no signal (servizi_set_stato, servizi_mark_verified, the
generator) schedule their reindex themselves; the agreements' view counter (an
`.update()`) changes nothing the search shows, and reindexes nothing.

What the rows of each kind are made of:

- a service: the service, its places, categories (codes and names, with their
  ancestors') and covered Comuni, its Ente;
- an info point (PIT): the PIT, its topics, its Sede, its Ente;
- both also copy their schedule (slots and exceptions), for "open at";
- an agreement: the agreement, its services (those it names, or all the Ente's
  published ones) and their places (or all the Ente's places), its Ente;
- and answers with `con_convenzione_per` also read network memberships and the codes of
  networks and companies at query time: their changes rewrite no row, but raise the
  index version, so that no cached answer outlives them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db.models import ManyToManyField
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from convenzioni.models import Adesione, Convenzione, Impresa, ReteImprese
from geo_data.models import Ambito, Comune
from geo_data.signals import territorio_cambiato
from punti_informazione.models import PuntoInformazione
from punti_informazione.selectors import pit_ids_per_sedi
from servizi.models import Categoria, EccezioneOrario, Ente, FasciaOraria, Orario, Sede, Servizio
from servizi.selectors import categorie_con_discendenti

from .index import (
    CONVENZIONE,
    PIT,
    SERVIZIO,
    schedule_reindex,
    schedule_reindex_per_enti,
    schedule_reindex_per_orari,
    schedule_reindex_servizi,
    schedule_version_bump,
)


@receiver([post_save, post_delete], sender=Servizio)
def _servizio_changed(sender, instance: Servizio, **kwargs):
    schedule_reindex_servizi([instance.pk], enti=[instance.ente_id])


@receiver([post_save, post_delete], sender=PuntoInformazione)
def _pit_changed(sender, instance: PuntoInformazione, **kwargs):
    schedule_reindex(PIT, [instance.pk])


@receiver([post_save, post_delete], sender=Convenzione)
def _convenzione_changed(sender, instance: Convenzione, **kwargs):
    # State changes and the nightly expiry are plain saves: they come here too.
    schedule_reindex(CONVENZIONE, [instance.pk])


def _owners(field: ManyToManyField, instance, action: str, reverse: bool, pk_set) -> set[int]:
    """The ids of the objects holding the m2m `field` whose links an m2m_changed touches."""
    if not reverse:
        return {instance.pk} if action.startswith("post_") else set()
    if action == "pre_clear":  # afterwards the links are gone, and pk_set is None
        links = field.remote_field.through.objects.filter(
            **{field.m2m_reverse_field_name(): instance.pk}
        )
        return set(links.values_list(field.m2m_field_name(), flat=True))
    if action in {"post_add", "post_remove"}:
        return set(pk_set or ())
    return set()


def _follow_links(field: ManyToManyField, schedule: Callable[[set[int]], None]) -> None:
    """Follow the links of the m2m `field`, from either side: `schedule` gets the ids of
    the objects holding it whose links changed."""

    def changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
        ids = _owners(field, instance, action, reverse, pk_set)
        if ids:
            schedule(ids)

    m2m_changed.connect(
        changed,
        sender=field.remote_field.through,
        weak=False,
        dispatch_uid=f"search-index:{field.model._meta.label}.{field.name}",
    )


for _field in (Servizio.categorie.field, Servizio.sedi.field, Servizio.comuni_copertura.field):
    _follow_links(_field, schedule_reindex_servizi)
_follow_links(PuntoInformazione.temi.field, partial(schedule_reindex, PIT))
for _field in (
    Convenzione.servizi.field,
    Convenzione.reti_beneficiarie.field,  # who it is for: `con_convenzione_per` answers
    Convenzione.imprese_beneficiarie.field,
):
    _follow_links(_field, partial(schedule_reindex, CONVENZIONE))


@receiver([post_save, pre_delete], sender=Sede)
def _sede_changed(sender, instance: Sede, **kwargs):
    # pre_delete: once the place is gone, so are its links to the services. An agreement
    # naming no service is used at every place of its Ente.
    schedule_reindex_servizi(
        Servizio.sedi.through.objects.filter(sede_id=instance.pk).values_list(
            "servizio_id", flat=True
        )
    )
    schedule_reindex(PIT, pit_ids_per_sedi([instance.pk]))
    schedule_reindex_per_enti([CONVENZIONE], [instance.ente_id])


@receiver(post_save, sender=Ente)
def _ente_changed(sender, instance: Ente, created: bool, **kwargs):
    if not created:  # its name and kind are in the rows of its services, PITs, agreements
        schedule_reindex_per_enti([SERVIZIO, PIT, CONVENZIONE], [instance.pk])


@receiver([post_save, post_delete], sender=FasciaOraria)
@receiver([post_save, post_delete], sender=EccezioneOrario)
def _orario_changed(sender, instance, **kwargs):
    # Slots and exceptions written in bulk (servizi.services.orario_replace) send no
    # post_save: that service schedules the same reindex itself.
    schedule_reindex_per_orari([instance.orario_id])


@receiver(pre_delete, sender=Orario)
def _orario_deleted(sender, instance: Orario, **kwargs):
    # Before the deletion sets its owner's `orario` to NULL (without a signal).
    schedule_reindex_per_orari([instance.pk])


@receiver([post_save, post_delete], sender=Adesione)
@receiver([post_save, post_delete], sender=Impresa)
@receiver([post_save, post_delete], sender=ReteImprese)
def _beneficiari_changed(sender, **kwargs):
    schedule_version_bump()


@receiver([post_save, post_delete], sender=Comune)
@receiver([post_save, post_delete], sender=Ambito)
@receiver(m2m_changed, sender=Ambito.comuni.through)
@receiver(territorio_cambiato)
def _territorio_changed(sender, **kwargs):
    # The names of Comuni and Ambiti label the facets (kept in each process's memo for
    # the index version) and are in cached answers: raise the version.
    schedule_version_bump()


@receiver([post_save, pre_delete], sender=Categoria)
def _categoria_changed(sender, instance: Categoria, **kwargs):
    # Its code and name are in the rows of the services and PITs filed under it or below
    # it (pre_delete: a deletion removes their links without an m2m signal), and what
    # the search accepts as `categoria` changes: raise the version for cached answers.
    famiglia = categorie_con_discendenti([instance.codice])
    schedule_reindex_servizi(
        Servizio.categorie.through.objects.filter(categoria__in=famiglia).values_list(
            "servizio_id", flat=True
        )
    )
    temi = PuntoInformazione.temi.through
    schedule_reindex(
        PIT,
        temi.objects.filter(categoria__in=famiglia).values_list(
            temi._meta.get_field("puntoinformazione").attname, flat=True
        ),
    )
    schedule_version_bump()
