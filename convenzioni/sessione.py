"""What an anonymous worker's session remembers: whom they work for, their codes, views.

No account and no personal data: the id of the chosen company or network, the
redemption codes this browser asked for, and which agreements it has already
viewed (so that reloading a page does not inflate the provider's view count).
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import Convenzione, Impresa, ReteImprese, Utilizzo
from .selectors import Beneficiario

BENEFICIARIO = "convenzioni.beneficiario"
CODICI = "convenzioni.codici"
VISTE = "convenzioni.viste"


def beneficiario_in_sessione(request: HttpRequest) -> Beneficiario | None:
    stored = request.session.get(BENEFICIARIO) or {}
    if "impresa" in stored:
        impresa = Impresa.objects.filter(pk=stored["impresa"]).first()
        return Beneficiario(impresa=impresa) if impresa else None
    if "rete" in stored:
        rete = ReteImprese.objects.filter(pk=stored["rete"]).first()
        return Beneficiario(rete=rete) if rete else None
    return None


def salva_beneficiario(request: HttpRequest, beneficiario: Beneficiario) -> None:
    if beneficiario.impresa is not None:
        request.session[BENEFICIARIO] = {"impresa": beneficiario.impresa.pk}
    else:
        request.session[BENEFICIARIO] = {"rete": beneficiario.rete.pk}
    # Codes asked for another company are not this worker's any more.
    request.session.pop(CODICI, None)


def dimentica_beneficiario(request: HttpRequest) -> None:
    request.session.pop(BENEFICIARIO, None)
    request.session.pop(CODICI, None)


def codice_in_sessione(request: HttpRequest, convenzione: Convenzione) -> Utilizzo | None:
    """The code this browser already asked for this agreement, while still unconfirmed."""
    codice = (request.session.get(CODICI) or {}).get(str(convenzione.pk))
    if not codice:
        return None
    return Utilizzo.objects.filter(
        codice=codice, convenzione=convenzione, confermato_il__isnull=True
    ).first()


def salva_codice(request: HttpRequest, utilizzo: Utilizzo) -> None:
    codici = dict(request.session.get(CODICI) or {})
    codici[str(utilizzo.convenzione_id)] = utilizzo.codice
    request.session[CODICI] = codici


def prima_visita(request: HttpRequest, convenzione: Convenzione) -> bool:
    """True the first time this session opens the agreement (then remembered)."""
    viste = list(request.session.get(VISTE) or [])
    if convenzione.pk in viste:
        return False
    request.session[VISTE] = [*viste[-499:], convenzione.pk]
    return True
