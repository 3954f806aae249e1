"""Who may see and do what with the agreements.

- An **SME referent** is a user among the `referenti` of the `servizi.Ente` that offers
  the agreement: they create and edit only their Ente's agreements, submit them for
  review, withdraw them, confirm their redemptions, and see their counts. They never
  see another Ente's drafts.
- A **network administrator** is a user among the `amministratori` of a `ReteImprese`:
  they moderate (approve, reject, withdraw) the agreements that target their network,
  directly or through a named member company; they see those agreements from the
  moment they are submitted, never as drafts.
- **Curators** (superusers, or `servizi.cura_catalogo`) see and do everything.
- Anyone else sees the published agreements (and the expired ones, marked as such).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from servizi.permissions import can_edit_ente, editable_enti, is_curator

from .models import Adesione, Convenzione, ReteImprese, StatoConvenzione, Utilizzo

__all__ = [
    "can_confirm_utilizzo",
    "can_edit_convenzione",
    "can_moderate",
    "convenzioni_visibili",
    "editable_enti",
    "is_curator",
    "reti_moderate",
]

STATI_PUBBLICI = (StatoConvenzione.PUBBLICATA, StatoConvenzione.SCADUTA)


def _logged_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_edit_convenzione(user, convenzione: Convenzione) -> bool:
    return can_edit_ente(user, convenzione.ente)


def reti_moderate(user) -> QuerySet[ReteImprese]:
    """The networks whose agreements this user moderates (curators: all)."""
    if is_curator(user):
        return ReteImprese.objects.all()
    if not _logged_in(user):
        return ReteImprese.objects.none()
    return ReteImprese.objects.filter(amministratori=user)


def filter_rivolte_a_reti(queryset: QuerySet[Convenzione], reti) -> QuerySet[Convenzione]:
    """Agreements that target one of the networks, directly or through a member company.

    These are the agreements that the networks' administrators moderate.
    """
    diretta = Convenzione.reti_beneficiarie.through.objects.filter(
        convenzione_id=OuterRef("pk"), reteimprese_id__in=reti
    )
    tramite_impresa = Convenzione.imprese_beneficiarie.through.objects.filter(
        convenzione_id=OuterRef("pk"),
        impresa_id__in=Adesione.objects.filter(rete__in=reti).values("impresa_id"),
    )
    return queryset.filter(Exists(diretta) | Exists(tramite_impresa))


def can_moderate(user, convenzione: Convenzione) -> bool:
    if is_curator(user):
        return True
    if not _logged_in(user):
        return False
    queryset = Convenzione.objects.filter(pk=convenzione.pk)
    return filter_rivolte_a_reti(queryset, reti_moderate(user)).exists()


def convenzioni_visibili(user, queryset: QuerySet[Convenzione] | None = None) -> QuerySet:
    """What this user may see: public ones, their Enti's, and those they moderate."""
    queryset = Convenzione.objects.all() if queryset is None else queryset
    if is_curator(user):
        return queryset
    pubbliche = Q(stato__in=STATI_PUBBLICI)
    if not _logged_in(user):
        return queryset.filter(pubbliche)
    proprie = Q(ente__in=editable_enti(user))
    moderate = Q(
        pk__in=filter_rivolte_a_reti(Convenzione.objects.all(), reti_moderate(user))
        .exclude(stato=StatoConvenzione.BOZZA)
        .values("pk")
    )
    return queryset.filter(pubbliche | proprie | moderate)


def can_confirm_utilizzo(user, utilizzo: Utilizzo) -> bool:
    """The provider confirms a redemption: its Ente's referents (or curators)."""
    return can_edit_convenzione(user, utilizzo.convenzione)
