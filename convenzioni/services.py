"""Writes on networks, companies and agreements: validated in full, in a transaction.

`actor` is the user the edit history records and whose rights are checked: a state
change or an edit by someone who may not do it raises `PermissionDenied` (a 403 in
the API and the pages). `actor=None` is the system itself (commands, demo data).

Lifecycle of an agreement::

    bozza ──invia──► in_revisione ──approva──► pubblicata ──(end date)──► scaduta
      ▲                  │   │                     │
      └────respingi──────┘   └──────ritira─────────┴──ritira──► ritirata

A published (or expired, or withdrawn) agreement is edited only by sending it back
to review (`rimetti_in_revisione=True`): until approved again it is not public.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from servizi.models import Ente, Servizio

from .models import Adesione, Convenzione, Impresa, ReteImprese, StatoConvenzione, Utilizzo
from .permissions import can_confirm_utilizzo, can_edit_convenzione, can_moderate
from .selectors import (
    Beneficiario,
    filter_per_beneficiario,
    filter_valide_il,
    imprese_consentite,
    reti_consentite,
)

S = StatoConvenzione

# Fields whose change on a published agreement needs a new review.
CAMPI_CONVENZIONE = (
    "titolo",
    "descrizione",
    "tipo_beneficio",
    "percentuale",
    "importo",
    "beneficio_testo",
    "condizioni",
    "data_inizio",
    "data_fine",
    "estesa_ai_familiari",
    "modalita_riscatto",
    "codice_sconto",
    "link_prenotazione",
    "istruzioni",
)
RELAZIONI_CONVENZIONE = ("servizi", "reti_beneficiarie", "imprese_beneficiarie")
STATI_MODIFICABILI = (S.BOZZA, S.IN_REVISIONE)


def _save(instance, *, actor=None, reason: str | None = None):
    instance.full_clean()
    if actor is not None:
        instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


# --------------------------------------------------------------------------- networks


@transaction.atomic
def rete_create(
    *, enti_partner: Iterable[Ente] = (), amministratori: Iterable = (), actor=None, **fields
) -> ReteImprese:
    rete = _save(ReteImprese(**fields), actor=actor)
    rete.enti_partner.set(enti_partner)
    rete.amministratori.set(amministratori)
    return rete


@transaction.atomic
def impresa_create(*, referenti: Iterable = (), actor=None, **fields) -> Impresa:
    impresa = _save(Impresa(**fields), actor=actor)
    impresa.referenti.set(referenti)
    return impresa


@transaction.atomic
def adesione_create(
    *,
    rete: ReteImprese,
    impresa: Impresa,
    data_inizio: date,
    data_fine: date | None = None,
    actor=None,
) -> Adesione:
    return _save(
        Adesione(rete=rete, impresa=impresa, data_inizio=data_inizio, data_fine=data_fine),
        actor=actor,
    )


@transaction.atomic
def adesione_chiudi(*, adesione: Adesione, data_fine: date, actor=None) -> Adesione:
    """A company leaves a network: its employees lose the network's agreements after that day."""
    adesione.data_fine = data_fine
    return _save(adesione, actor=actor)


# --------------------------------------------------------------------------- agreements


def check_beneficiari(
    *,
    ente: Ente,
    reti: Sequence[ReteImprese],
    imprese: Sequence[Impresa],
    servizi: Sequence[Servizio] = (),
    day: date | None = None,
) -> None:
    """The targeting rule (see `selectors.reti_consentite`), with errors naming the field."""
    errors: dict[str, list[str]] = {}
    if not reti and not imprese:
        errors["reti_beneficiarie"] = [
            _("Indica almeno una rete o un'impresa i cui dipendenti possono usarla.")
        ]
    consentite = set(reti_consentite(ente, day).values_list("pk", flat=True))
    vietate = [str(r) for r in reti if r.pk not in consentite]
    if vietate:
        errors["reti_beneficiarie"] = [
            _(
                "%(ente)s non può rivolgere convenzioni a: %(reti)s. Può farlo una rete di "
                "cui è impresa aderente, o che lo ha registrato tra i suoi enti convenzionati."
            )
            % {"ente": ente, "reti": ", ".join(vietate)}
        ]
    imprese_ok = set(imprese_consentite(ente, day).values_list("pk", flat=True))
    vietate = [str(i) for i in imprese if i.pk not in imprese_ok]
    if vietate:
        errors["imprese_beneficiarie"] = [
            _(
                "%(ente)s non può rivolgere convenzioni a: %(imprese)s. Si possono indicare "
                "solo imprese aderenti a una rete a cui l'ente può rivolgersi."
            )
            % {"ente": ente, "imprese": ", ".join(vietate)}
        ]
    altrui = [str(s) for s in servizi if s.ente_id != ente.pk]
    if altrui:
        errors["servizi"] = [
            _("Questi servizi non sono di %(ente)s: %(servizi)s.")
            % {"ente": ente, "servizi": ", ".join(altrui)}
        ]
    if errors:
        raise ValidationError(errors)


def _check_can_edit(actor, convenzione: Convenzione) -> None:
    if actor is not None and not can_edit_convenzione(actor, convenzione):
        raise PermissionDenied(
            _("Non sei referente di %(ente)s: puoi gestire solo le convenzioni dei tuoi enti.")
            % {"ente": convenzione.ente}
        )


def _check_can_moderate(actor, convenzione: Convenzione) -> None:
    if actor is not None and not can_moderate(actor, convenzione):
        raise PermissionDenied(
            _("Moderano questa convenzione gli amministratori delle reti a cui è rivolta.")
        )


@transaction.atomic
def convenzione_create(
    *,
    ente: Ente,
    servizi: Sequence[Servizio] = (),
    reti_beneficiarie: Sequence[ReteImprese] = (),
    imprese_beneficiarie: Sequence[Impresa] = (),
    actor=None,
    **fields,
) -> Convenzione:
    """A new agreement, as a draft."""
    convenzione = Convenzione(ente=ente, **fields)
    _check_can_edit(actor, convenzione)
    errors: dict = {}
    for check in (
        convenzione.full_clean,
        lambda: check_beneficiari(
            ente=ente, reti=reti_beneficiarie, imprese=imprese_beneficiarie, servizi=servizi
        ),
    ):
        try:
            check()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
    if errors:
        raise ValidationError(errors)
    _save(convenzione, actor=actor)
    convenzione.servizi.set(servizi)
    convenzione.reti_beneficiarie.set(reti_beneficiarie)
    convenzione.imprese_beneficiarie.set(imprese_beneficiarie)
    return convenzione


def _changed(convenzione: Convenzione, fields: dict, relations: dict) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(convenzione, name) != value]
    for name, values in relations.items():
        current = set(getattr(convenzione, name).values_list("pk", flat=True))
        if current != {v.pk for v in values}:
            changed.append(name)
    return changed


@transaction.atomic
def convenzione_update(
    *,
    convenzione: Convenzione,
    actor=None,
    rimetti_in_revisione: bool = False,
    servizi: Sequence[Servizio] | None = None,
    reti_beneficiarie: Sequence[ReteImprese] | None = None,
    imprese_beneficiarie: Sequence[Impresa] | None = None,
    **fields,
) -> Convenzione:
    """Edit an agreement. Drafts and agreements under review change freely; a published,
    expired or withdrawn one only with `rimetti_in_revisione=True`, which sends it back
    to review (it is not public until approved again). Nothing is saved on an error."""
    _check_can_edit(actor, convenzione)
    unknown = set(fields) - set(CAMPI_CONVENZIONE)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    relations = {
        name: value
        for name, value in (
            ("servizi", servizi),
            ("reti_beneficiarie", reti_beneficiarie),
            ("imprese_beneficiarie", imprese_beneficiarie),
        )
        if value is not None
    }
    changed = _changed(convenzione, fields, relations)
    if not changed:
        return convenzione
    stato = convenzione.stato_effettivo()
    if stato not in STATI_MODIFICABILI and not rimetti_in_revisione:
        message = _(
            "La convenzione è %(stato)s: per modificarla va rimandata in revisione "
            "(la versione pubblicata resta invisibile finché non è approvata di nuovo)."
        ) % {"stato": StatoConvenzione(stato).label.lower()}
        raise ValidationError({name: [message] for name in changed})
    for name, value in fields.items():
        setattr(convenzione, name, value)
    reason = None
    if stato not in STATI_MODIFICABILI:
        convenzione.stato = S.IN_REVISIONE
        convenzione.inviata_il = timezone.now()
        reason = _("Modificata e rimandata in revisione")
    errors: dict = {}
    try:
        convenzione.full_clean()
    except ValidationError as error:
        errors.update(error.update_error_dict({}))
    try:
        check_beneficiari(
            ente=convenzione.ente,
            reti=relations.get("reti_beneficiarie", list(convenzione.reti_beneficiarie.all())),
            imprese=relations.get(
                "imprese_beneficiarie", list(convenzione.imprese_beneficiarie.all())
            ),
            servizi=relations.get("servizi", list(convenzione.servizi.all())),
        )
    except ValidationError as error:
        errors.update(error.update_error_dict({}))
    if errors:
        convenzione.refresh_from_db()
        raise ValidationError(errors)
    _save(convenzione, actor=actor, reason=reason)
    for name, values in relations.items():
        getattr(convenzione, name).set(values)
    return convenzione


def _transition(
    convenzione: Convenzione,
    *,
    allowed: Sequence[str],
    to: str,
    actor,
    azione: str,
    reason: str,
    **fields,
) -> Convenzione:
    # Lock the row: two moderators clicking at once must not both move it.
    current = Convenzione.objects.select_for_update().get(pk=convenzione.pk)
    if current.stato_effettivo() not in allowed:
        raise ValidationError(
            {
                "stato": _("La convenzione è %(stato)s: non si può %(azione)s.")
                % {"stato": current.get_stato_effettivo_display().lower(), "azione": azione}
            }
        )
    current.stato = to
    for name, value in fields.items():
        setattr(current, name, value)
    return _save(current, actor=actor, reason=reason)


def _check_complete(convenzione: Convenzione) -> None:
    """What must hold when an agreement goes to review or is published."""
    check_beneficiari(
        ente=convenzione.ente,
        reti=list(convenzione.reti_beneficiarie.all()),
        imprese=list(convenzione.imprese_beneficiarie.all()),
        servizi=list(convenzione.servizi.all()),
    )
    if convenzione.data_fine < timezone.localdate():
        raise ValidationError(
            {"data_fine": _("La convenzione è già finita: sposta la data di fine in avanti.")}
        )


@transaction.atomic
def convenzione_invia(*, convenzione: Convenzione, actor=None) -> Convenzione:
    """The referent submits a draft to the networks' administrators."""
    _check_can_edit(actor, convenzione)
    _check_complete(convenzione)
    return _transition(
        convenzione,
        allowed=[S.BOZZA],
        to=S.IN_REVISIONE,
        actor=actor,
        azione=_("inviare in revisione"),
        reason=_("Inviata in revisione"),
        inviata_il=timezone.now(),
        nota_moderazione="",
    )


@transaction.atomic
def convenzione_approva(*, convenzione: Convenzione, actor=None) -> Convenzione:
    _check_can_moderate(actor, convenzione)
    _check_complete(convenzione)
    return _transition(
        convenzione,
        allowed=[S.IN_REVISIONE],
        to=S.PUBBLICATA,
        actor=actor,
        azione=_("approvare"),
        reason=_("Approvata e pubblicata"),
        pubblicata_il=timezone.now(),
        moderata_da=actor,
        nota_moderazione="",
    )


def _nota_obbligatoria(nota: str) -> str:
    nota = (nota or "").strip()
    if not nota:
        raise ValidationError({"nota": _("Scrivi il motivo: lo legge il referente dell'ente.")})
    return nota


@transaction.atomic
def convenzione_respingi(*, convenzione: Convenzione, nota: str, actor=None) -> Convenzione:
    """Back to draft with the reason, for the referent to fix and submit again."""
    _check_can_moderate(actor, convenzione)
    return _transition(
        convenzione,
        allowed=[S.IN_REVISIONE],
        to=S.BOZZA,
        actor=actor,
        azione=_("respingere"),
        reason=_("Respinta"),
        nota_moderazione=_nota_obbligatoria(nota),
        moderata_da=actor,
    )


@transaction.atomic
def convenzione_ritira(*, convenzione: Convenzione, nota: str = "", actor=None) -> Convenzione:
    """Withdraw a submitted or published agreement: a moderator must say why; the
    offering Ente's referent may withdraw its own offer without a reason."""
    if actor is not None and not can_moderate(actor, convenzione):
        _check_can_edit(actor, convenzione)
        nota = (nota or "").strip()
    else:
        nota = _nota_obbligatoria(nota) if actor is not None else (nota or "")
    return _transition(
        convenzione,
        allowed=[S.IN_REVISIONE, S.PUBBLICATA],
        to=S.RITIRATA,
        actor=actor,
        azione=_("ritirare"),
        reason=_("Ritirata"),
        nota_moderazione=nota,
    )


@transaction.atomic
def convenzioni_scadute_aggiorna(*, day: date | None = None) -> int:
    """Mark as expired the published agreements whose end date is before `day`.

    One save per agreement, so that each gets its history record and the search
    index hears of it. The read-time rule (`stato_effettivo`, `filter_valide_il`)
    already treats them as expired before this runs.
    """
    day = day or timezone.localdate()
    scadute = Convenzione.objects.select_for_update().filter(stato=S.PUBBLICATA, data_fine__lt=day)
    count = 0
    for convenzione in scadute:
        convenzione.stato = S.SCADUTA
        fine = f"{convenzione.data_fine:%d/%m/%Y}"
        convenzione._change_reason = _("Scaduta il %(d)s") % {"d": fine}
        convenzione.save(update_fields=["stato", "aggiornato_il"])
        count += 1
    return count


def convenzione_registra_visualizzazione(*, convenzione: Convenzione) -> None:
    """One more view, counted in the database (no lost updates, no history record)."""
    Convenzione.objects.filter(pk=convenzione.pk).update(visualizzazioni=F("visualizzazioni") + 1)


# --------------------------------------------------------------------------- redemptions

# No 0/O, 1/I/L: the code is read aloud at a counter.
_ALFABETO = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _nuovo_codice() -> str:
    raw = "".join(secrets.choice(_ALFABETO) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalizza_codice_utilizzo(codice: str) -> str:
    raw = "".join(ch for ch in (codice or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else (codice or "").strip().upper()


@transaction.atomic
def utilizzo_richiedi(
    *, convenzione: Convenzione, beneficiario: Beneficiario, day: date | None = None
) -> Utilizzo:
    """A worker asks for a personal code to show the provider (as text or QR)."""
    valid = filter_per_beneficiario(
        filter_valide_il(Convenzione.objects.filter(pk=convenzione.pk), day),
        rete=beneficiario.rete,
        impresa=beneficiario.impresa,
        day=day,
    )
    if not valid.exists():
        raise ValidationError(
            {
                "convenzione": _("Questa convenzione non è valida oggi per i dipendenti di %(b)s.")
                % {"b": beneficiario}
            }
        )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Utilizzo.objects.create(
                    convenzione=convenzione,
                    codice=_nuovo_codice(),
                    impresa=beneficiario.impresa,
                    rete=beneficiario.rete,
                )
        except IntegrityError:  # the same code drawn twice: draw again
            continue
    raise RuntimeError("Could not draw a unique redemption code")


@transaction.atomic
def utilizzo_conferma(*, codice: str, actor=None) -> Utilizzo:
    """The provider confirms a code it was shown (typed, or scanned from the QR)."""
    codice = normalizza_codice_utilizzo(codice)
    utilizzo = (
        Utilizzo.objects.select_for_update()
        .select_related("convenzione__ente")
        .filter(codice=codice)
        .first()
    )
    if utilizzo is None:
        raise ValidationError({"codice": _("Nessun utilizzo con il codice %(c)s.") % {"c": codice}})
    if actor is not None and not can_confirm_utilizzo(actor, utilizzo):
        raise PermissionDenied(
            _("Il codice è di una convenzione di un altro ente: lo conferma chi la offre.")
        )
    if utilizzo.confermato_il is not None:
        raise ValidationError(
            {
                "codice": _("Codice già confermato il %(d)s.")
                % {"d": f"{timezone.localtime(utilizzo.confermato_il):%d/%m/%Y %H:%M}"}
            }
        )
    if not utilizzo.convenzione.valida_il():
        raise ValidationError({"codice": _("La convenzione di questo codice non è più valida.")})
    utilizzo.confermato_il = timezone.now()
    utilizzo.confermato_da = actor
    utilizzo.save(update_fields=["confermato_il", "confermato_da"])
    return utilizzo
