"""Which catalogue changes touch which search rows.

Index upkeep is the one place where we listen to model signals: it must follow
every write path (services, admin, cascading deletes) and it is infrastructure,
not business logic. Bulk updates that send no signal (servizi_set_stato,
servizi_mark_verified, the generator) schedule their reindex themselves.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from servizi.models import Ente, Sede, Servizio

from .index import schedule_reindex_servizi


@receiver([post_save, post_delete], sender=Servizio)
def _servizio_changed(sender, instance: Servizio, **kwargs):
    schedule_reindex_servizi([instance.pk])


@receiver(m2m_changed, sender=Servizio.categorie.through)
@receiver(m2m_changed, sender=Servizio.sedi.through)
@receiver(m2m_changed, sender=Servizio.comuni_copertura.through)
def _servizio_links_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        schedule_reindex_servizi([instance.pk])
    elif pk_set:
        schedule_reindex_servizi(pk_set)


@receiver([post_save, pre_delete], sender=Sede)
def _sede_changed(sender, instance: Sede, **kwargs):
    # pre_delete: once the place is gone, so are its links to the services.
    schedule_reindex_servizi(
        Servizio.sedi.through.objects.filter(sede_id=instance.pk).values_list(
            "servizio_id", flat=True
        )
    )


@receiver(post_save, sender=Ente)
def _ente_changed(sender, instance: Ente, created: bool, **kwargs):
    if not created:
        schedule_reindex_servizi(instance.servizi.values_list("pk", flat=True))
