"""Who may change what in the catalogue.

Curators (superusers, or users with the `servizi.cura_catalogo` permission, e.g.
through a "Redazione" group) edit everything; an Ente's referents edit only
that Ente and its places and services.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Ente


def is_curator(user) -> bool:
    return bool(user and user.is_active and user.has_perm("servizi.cura_catalogo"))


def can_edit_ente(user, ente: Ente) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_curator(user) or ente.referenti.filter(pk=user.pk).exists()


def editable_enti(user) -> QuerySet[Ente]:
    if is_curator(user):
        return Ente.objects.all()
    if not (user and user.is_authenticated):
        return Ente.objects.none()
    return Ente.objects.filter(referenti=user)
