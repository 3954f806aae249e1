"""Pages of the agreements: for workers (no account), SME referents and moderators.

Thin views: they parse the request with a form, call a selector or a service, and
render. A service's ValidationError goes back onto the form (nothing is saved); its
PermissionDenied becomes a 403.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace import scheda
from marketplace.tentativi import Tentativi
from servizi.models import Ente

from . import services, sessione
from .forms import CodiceForm, ConvenzioneForm, NotaForm, SceltaImpresaForm, add_service_errors
from .models import Convenzione, StatoConvenzione, Utilizzo
from .permissions import (
    STATI_PUBBLICI,
    can_edit_convenzione,
    can_moderate,
    convenzioni_visibili,
    editable_enti,
    filter_rivolte_a_reti,
    reti_moderate,
)
from .selectors import convenzione_list, convenzioni_valide_per, sedi_convenzione
from .structured_data import convenzione_json_ld

login = login_required  # the site's one login (settings.LOGIN_URL)


def _next_url(request: HttpRequest, default: str) -> str:
    """`next` when it is a path of this site; otherwise `default`. Only a path: redirect()
    takes a bare word ("0") for the name of a view, and failed to find it (a 500)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --------------------------------------------------------------------------- workers


def per_me(request: HttpRequest) -> HttpResponse:
    """The agreements valid today for the worker's company (or network)."""
    beneficiario = sessione.beneficiario_in_sessione(request)
    convenzioni = []
    if beneficiario is not None:
        convenzioni = convenzioni_valide_per(
            rete=beneficiario.rete, impresa=beneficiario.impresa
        ).order_by("ente__nome", "titolo")
    return render(
        request,
        "convenzioni/per_me.html",
        {"beneficiario": beneficiario, "convenzioni": convenzioni},
    )


def la_mia_impresa(request: HttpRequest) -> HttpResponse:
    """Choose the company (or enter the network's join code); remembered in the session."""
    beneficiario = sessione.beneficiario_in_sessione(request)
    if request.method == "POST" and "dimentica" in request.POST:
        sessione.dimentica_beneficiario(request)
        messages.info(request, _("Non ricordiamo più la tua impresa."))
        return redirect(_next_url(request, reverse("convenzioni:la-mia-impresa")))
    tentativi = Tentativi(
        request, "convenzioni.codice-adesione", settings.CODICE_ADESIONE_TENTATIVI
    )
    form = SceltaImpresaForm(request.POST or None, tentativi=tentativi)
    if request.method == "POST" and form.is_valid():
        beneficiario = form.cleaned_data["beneficiario"]
        sessione.salva_beneficiario(request, beneficiario)
        messages.success(
            request, _("Ora vedi le convenzioni per i dipendenti di %(b)s.") % {"b": beneficiario}
        )
        return redirect(_next_url(request, reverse("convenzioni:per-me")))
    return render(
        request,
        "convenzioni/la_mia_impresa.html",
        {"form": form, "beneficiario": beneficiario, "next": _next_url(request, "")},
        status=429 if form.troppi_tentativi else 200,
    )


def _qr_svg(request: HttpRequest, utilizzo: Utilizzo) -> str:
    url = request.build_absolute_uri(reverse("convenzioni:verifica", args=[utilizzo.codice]))
    svg = segno.make(url, error="m").svg_inline(
        scale=5, title=_("QR del codice %(c)s") % {"c": utilizzo.codice}
    )
    return mark_safe(svg)


def dettaglio(request: HttpRequest, pk: int) -> HttpResponse:
    """One agreement, on the layout of every public detail page: what it offers, to whom,
    until when, where it can be used, and exactly how to use it (with a personal code)."""
    convenzione = get_object_or_404(convenzioni_visibili(request.user, convenzione_list()), pk=pk)
    if convenzione.valida_il() and sessione.prima_visita(request, convenzione):
        services.convenzione_registra_visualizzazione(convenzione=convenzione)
    beneficiario = sessione.beneficiario_in_sessione(request)
    valida_per_me = bool(
        beneficiario
        and convenzioni_valide_per(rete=beneficiario.rete, impresa=beneficiario.impresa)
        .filter(pk=convenzione.pk)
        .exists()
    )
    utilizzo = sessione.codice_in_sessione(request, convenzione) if valida_per_me else None
    stato = convenzione.stato_effettivo()
    da, errori_da = scheda.partenza(request.GET)
    sedi = list(sedi_convenzione(convenzione).order_by("comune__nome", "nome", "pk"))
    luoghi = scheda.luoghi(sedi, da)
    absolute = request.build_absolute_uri
    return render(
        request,
        "convenzioni/dettaglio.html",
        {
            "convenzione": convenzione,
            "stato": stato,
            "beneficiario": beneficiario,
            "valida_per_me": valida_per_me,
            "utilizzo": utilizzo,
            "qr": _qr_svg(request, utilizzo) if utilizzo else "",
            "puo_modificare": can_edit_convenzione(request.user, convenzione),
            "puo_moderare": can_moderate(request.user, convenzione),
            "servizi": list(convenzione.servizi.all()),
            "luoghi": luoghi,
            "punti": scheda.punti_mappa(luoghi),
            "da": da,
            "errori_da": errori_da,
            # Described to search engines only while it is public.
            "json_ld": convenzione_json_ld(
                convenzione,
                sedi,
                url=absolute(reverse("scheda-convenzione", args=[convenzione.pk])),
                ente_url=absolute(reverse("scheda-ente", args=[convenzione.ente_id])),
                servizio_url=lambda s: absolute(reverse("scheda-servizio", args=[s.pk])),
            )
            if stato in STATI_PUBBLICI
            else None,
        },
    )


@require_POST
def usa(request: HttpRequest, pk: int) -> HttpResponse:
    """A personal code (and its QR) for the provider: asked once, shown until confirmed."""
    convenzione = get_object_or_404(convenzioni_visibili(request.user), pk=pk)
    beneficiario = sessione.beneficiario_in_sessione(request)
    if beneficiario is None:
        messages.warning(request, _("Prima dicci in quale impresa lavori."))
        return redirect(f"{reverse('convenzioni:la-mia-impresa')}?next={convenzione_url(pk)}")
    if sessione.codice_in_sessione(request, convenzione) is None:
        try:
            utilizzo = services.utilizzo_richiedi(
                convenzione=convenzione, beneficiario=beneficiario
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(convenzione_url(pk))
        sessione.salva_codice(request, utilizzo)
    return redirect(f"{convenzione_url(pk)}#codice")


def convenzione_url(pk: int) -> str:
    return reverse("scheda-convenzione", args=[pk])


# --------------------------------------------------------------------------- SME referents


@login
def gestione(request: HttpRequest) -> HttpResponse:
    """The referent's agreements, every state, with views and redemptions."""
    enti = editable_enti(request.user)
    convenzioni = convenzione_list().filter(ente__in=enti).order_by("ente__nome", "-creato_il")
    return render(
        request,
        "convenzioni/gestione.html",
        {
            "convenzioni": convenzioni,
            "ha_enti": enti.exists(),
            "modera": reti_moderate(request.user).exists(),
            "codice_form": CodiceForm(),
        },
    )


# Beyond this many Enti (the editorial staff edit them all) a new agreement's Ente is
# searched and chosen first: the form would list every Ente and every service of them.
MAX_ENTI_NEL_MODULO = 50
MAX_ENTI_TROVATI = 20


def _ente_scelto(request: HttpRequest, enti) -> tuple[Ente | None, dict]:
    """The Ente given as `?ente=<id>` among `enti`, or what the chooser shows instead:
    the Enti whose name holds `?cerca=`, and what was wrong with the request."""
    errori = []
    valore = request.GET.get("ente", "").strip()
    if valore:
        numero = valore.isdigit() and len(valore) <= 18
        ente = enti.filter(pk=int(valore)).first() if numero else None
        if ente is not None:
            return ente, {}
        errori.append(_("Nessun ente che puoi modificare ha id «%(id)s».") % {"id": valore[:20]})
    cerca = request.GET.get("cerca", "").strip()[:100]
    trovati = []
    if cerca:
        trovati = list(enti.filter(nome__icontains=cerca).order_by("nome")[:MAX_ENTI_TROVATI])
    if cerca and not trovati:
        errori.append(_("Nessun ente che puoi modificare ha «%(c)s» nel nome.") % {"c": cerca})
    return None, {"cerca": cerca, "trovati": trovati, "errori": errori}


@login
def nuova(request: HttpRequest) -> HttpResponse:
    enti = editable_enti(request.user)
    if not enti.exists():
        raise PermissionDenied(_("Non sei referente di alcun ente."))
    ente = None
    if enti[: MAX_ENTI_NEL_MODULO + 1].count() > MAX_ENTI_NEL_MODULO:
        ente, scelta = _ente_scelto(request, enti)
        if ente is None:
            status = 400 if scelta["errori"] else 200
            return render(request, "convenzioni/scegli_ente.html", scelta, status=status)
    form = ConvenzioneForm(request.POST or None, user=request.user, ente=ente)
    if request.method == "POST" and form.is_valid():
        try:
            convenzione = services.convenzione_create(
                ente=form.cleaned_data["ente"], actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Bozza salvata. Quando è pronta, inviala in revisione."))
            return redirect("scheda-convenzione", pk=convenzione.pk)
    return render(request, "convenzioni/modulo.html", {"form": form, "convenzione": None})


@login
def modifica(request: HttpRequest, pk: int) -> HttpResponse:
    convenzione = get_object_or_404(Convenzione, pk=pk, ente__in=editable_enti(request.user))
    form = ConvenzioneForm(request.POST or None, instance=convenzione, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            convenzione = services.convenzione_update(
                convenzione=convenzione,
                actor=request.user,
                rimetti_in_revisione=form.cleaned_data.get("rimetti_in_revisione", False),
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Modifiche salvate."))
            return redirect("scheda-convenzione", pk=convenzione.pk)
    return render(request, "convenzioni/modulo.html", {"form": form, "convenzione": convenzione})


_AZIONI = {
    "invia": (services.convenzione_invia, _("Inviata in revisione.")),
    "approva": (services.convenzione_approva, _("Approvata e pubblicata.")),
    "respingi": (services.convenzione_respingi, _("Respinta: torna in bozza al referente.")),
    "ritira": (services.convenzione_ritira, _("Ritirata.")),
}


@login
@require_POST
def azione(request: HttpRequest, pk: int, nome: str) -> HttpResponse:
    """Submit, approve, reject, withdraw: the services decide who may and when."""
    convenzione = get_object_or_404(convenzioni_visibili(request.user), pk=pk)
    service, done = _AZIONI[nome]
    kwargs = {}
    if nome in {"respingi", "ritira"}:
        form = NotaForm(request.POST)
        kwargs["nota"] = form.cleaned_data["nota"] if form.is_valid() else ""
    try:
        service(convenzione=convenzione, actor=request.user, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(_next_url(request, convenzione_url(pk)))


@login
def verifica(request: HttpRequest, codice: str = "") -> HttpResponse:
    """The provider confirms a worker's code: typed in, or opened from the scanned QR."""
    form = CodiceForm(request.POST or None, initial={"codice": codice})
    utilizzo = None
    if codice:
        utilizzo = (
            Utilizzo.objects.select_related("convenzione__ente", "impresa", "rete")
            .filter(codice=services.normalizza_codice_utilizzo(codice))
            .first()
        )
    if request.method == "POST" and form.is_valid():
        try:
            utilizzo = services.utilizzo_conferma(
                codice=form.cleaned_data["codice"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Utilizzo confermato: %(c)s, «%(t)s».")
                % {"c": utilizzo.codice, "t": utilizzo.convenzione},
            )
            return redirect("convenzioni:gestione")
    return render(request, "convenzioni/verifica.html", {"form": form, "utilizzo": utilizzo})


# --------------------------------------------------------------------------- moderators


@login
def moderazione(request: HttpRequest) -> HttpResponse:
    """Network administrators: what awaits review, and what is published, for their networks."""
    reti = reti_moderate(request.user)
    if not reti.exists():
        raise PermissionDenied(_("Non amministri alcuna rete di imprese."))
    convenzioni = filter_rivolte_a_reti(convenzione_list(), reti).exclude(
        stato=StatoConvenzione.BOZZA
    )
    return render(
        request,
        "convenzioni/moderazione.html",
        {
            "reti": reti.order_by("nome"),
            "in_revisione": convenzioni.filter(stato=StatoConvenzione.IN_REVISIONE).order_by(
                "inviata_il"
            ),
            "pubblicate": convenzioni.filter(stato=StatoConvenzione.PUBBLICATA).order_by(
                "data_fine"
            ),
            "altre": convenzioni.filter(
                Q(stato__in=[StatoConvenzione.SCADUTA, StatoConvenzione.RITIRATA])
            ).order_by("-aggiornato_il")[:50],
        },
    )
