"""The operator's console and a PIT's public page: server-rendered, thin (parse, ask
permissions, call, render)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convenzioni.selectors import imprese_aderenti, rete_list
from marketplace import scheda as pagina_scheda
from marketplace.ricerca_client import TIPI

from . import permissions, services
from .forms import ConsultazioneForm, NotaForm, NuovaSchedaForm, OsservatorioForm, PuntoForm
from .grafico import barre_verticali
from .models import TipoVoce
from .pdf import scheda_pdf_bytes
from .selectors import (
    consultazione_list,
    filter_consultazioni,
    osservatorio,
    punto_list,
    scheda_list,
    scheda_per_token,
)
from .sharing import qr_svg
from .structured_data import punto_json_ld
from .voci import voci_con_oggetti


def punto_pubblico(request: HttpRequest, pk: int) -> HttpResponse:
    """A PIT's public page (`scheda-pit`): what it is, its hours, where, how to reach it.

    Only active PITs: a deactivated one is gone for citizens (404), kept for the record.
    """
    punto = get_object_or_404(punto_list().filter(attivo=True), pk=pk)
    da, errori_da = pagina_scheda.partenza(request.GET)
    luoghi = pagina_scheda.luoghi([punto.sede], da)
    absolute = request.build_absolute_uri
    return render(
        request,
        "punti_informazione/punto_pubblico.html",
        {
            "punto": punto,
            "temi": list(punto.temi.all()),
            "lingue": pagina_scheda.lingue_nomi(punto.lingue),
            "luoghi": luoghi,
            "punti": pagina_scheda.punti_mappa(luoghi),
            "da": da,
            "errori_da": errori_da,
            **pagina_scheda.blocco_convenzioni(request, ente_ids=[punto.ente_id]),
            "json_ld": punto_json_ld(
                punto,
                url=absolute(reverse("scheda-pit", args=[punto.pk])),
                ente_url=absolute(reverse("scheda-ente", args=[punto.ente_id])),
            ),
        },
    )


def vietato(request: HttpRequest, messaggio: str) -> HttpResponse:
    return render(request, "punti_informazione/vietato.html", {"messaggio": messaggio}, status=403)


def console_required(view):
    """Logged in, and an operator or a district or network administrator."""

    @login_required  # the site's one login (settings.LOGIN_URL)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_use_console(request.user):
            return vietato(
                request,
                _(
                    "Il tuo utente non è operatore di nessun Punto di Informazione "
                    "Territoriale né amministratore della rete."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapper


def add_service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: per field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# ------------------------------------------------------------------------- home


@console_required
def console(request: HttpRequest) -> HttpResponse:
    user = request.user
    punti_lavoro = permissions.punti_operatore(user).filter(attivo=True).order_by("nome")
    return render(
        request,
        "punti_informazione/console.html",
        {
            "punti_lavoro": punti_lavoro,
            "punti_visibili": punto_list().filter(pk__in=permissions.punti_visibili(user)),
            "nuova_scheda": NuovaSchedaForm(punti=punti_lavoro),
            "schede": scheda_list()
            .filter(pk__in=permissions.schede_visibili(user))
            .order_by("-aggiornata_il")[:10],
            "consultazioni": consultazione_list().filter(operatore=user)[:10],
            "amministra": permissions.is_network_admin(user)
            or permissions.ambiti_amministrati(user).exists(),
        },
    )


# ------------------------------------------------------------------------- PITs


@console_required
def punto_modifica(request: HttpRequest, pk: int) -> HttpResponse:
    punto = get_object_or_404(
        punto_list().filter(pk__in=permissions.punti_visibili(request.user)), pk=pk
    )
    if not permissions.can_edit_punto(request.user, punto):
        return vietato(request, _("Puoi modificare solo i dati dei punti in cui lavori."))
    form = PuntoForm(request.POST or None, instance=punto)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields["fasce"] = fields.pop("orario_testo")
        try:
            services.punto_update(punto=punto, actor=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Dati del punto salvati."))
            return redirect("pit:punto-modifica", pk=punto.pk)
    return render(request, "punti_informazione/punto_modifica.html", {"punto": punto, "form": form})


# ------------------------------------------------------------------------- sheets


def _scheda_visibile(request, pk: int):
    return get_object_or_404(
        scheda_list().filter(pk__in=permissions.schede_visibili(request.user)), pk=pk
    )


@require_POST
@console_required
def scheda_nuova(request: HttpRequest) -> HttpResponse:
    form = NuovaSchedaForm(request.POST, punti=permissions.punti_operatore(request.user))
    if not form.is_valid():
        messages.error(request, _("Scegli uno dei punti in cui lavori."))
        return redirect("pit:console")
    scheda = services.scheda_create(punto=form.cleaned_data["punto"], autore=request.user)
    return redirect("pit:scheda", pk=scheda.pk)


@console_required
def scheda(request: HttpRequest, pk: int) -> HttpResponse:
    scheda = _scheda_visibile(request, pk)
    return render(
        request,
        "punti_informazione/scheda.html",
        {
            "scheda": scheda,
            "voci": [
                (voce, oggetto, NotaForm(initial={"nota": voce.nota}, prefix=f"v{voce.pk}"))
                for voce, oggetto in voci_con_oggetti(scheda.voci.all())
            ],
            "modificabile": permissions.can_edit_scheda(request.user, scheda),
            "link": _link_condiviso(request, scheda),
            "punti_aggiungibili": punto_list()
            .filter(attivo=True)
            .exclude(pk=scheda.punto_id)
            .order_by("nome"),
            "tipo_pit": TipoVoce.PIT,
            # The search's filters: the kinds, and whose employees the agreements are for.
            "tipi": TIPI,
            "imprese": imprese_aderenti(),
            "reti": rete_list(),
        },
    )


def _scheda_modificabile(request, pk: int):
    scheda = _scheda_visibile(request, pk)
    if not permissions.can_edit_scheda(request.user, scheda):
        raise Http404  # read-only for administrators; never writable by others
    return scheda


@require_POST
@console_required
def scheda_aggiungi(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item without JavaScript (the PIT picker); the search adds through the API."""
    scheda = _scheda_modificabile(request, pk)
    try:
        services.scheda_voce_add(
            scheda=scheda,
            tipo=request.POST.get("tipo", ""),
            oggetto_id=_int(request.POST.get("oggetto_id")),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("pit:scheda", pk=scheda.pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@require_POST
@console_required
def voce_nota(request: HttpRequest, pk: int, voce_pk: int) -> HttpResponse:
    scheda = _scheda_modificabile(request, pk)
    voce = get_object_or_404(scheda.voci, pk=voce_pk)
    form = NotaForm(request.POST, prefix=f"v{voce.pk}")
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["nota"])
        services.scheda_voce_update(voce=voce, nota=form.cleaned_data["nota"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Nota salvata."))
    return redirect("pit:scheda", pk=scheda.pk)


@require_POST
@console_required
def voce_rimuovi(request: HttpRequest, pk: int, voce_pk: int) -> HttpResponse:
    scheda = _scheda_modificabile(request, pk)
    services.scheda_voce_remove(voce=get_object_or_404(scheda.voci, pk=voce_pk), actor=request.user)
    return redirect("pit:scheda", pk=scheda.pk)


@require_POST
@console_required
def scheda_link(request: HttpRequest, pk: int) -> HttpResponse:
    scheda = _scheda_modificabile(request, pk)
    if request.POST.get("azione") == "revoca":
        services.scheda_revoca_link(scheda=scheda, actor=request.user)
        messages.success(request, _("Il link non funziona più."))
    else:
        services.scheda_rinnova_link(scheda=scheda, actor=request.user)
        messages.success(request, _("Nuovo link creato: quello di prima non funziona più."))
    return redirect("pit:scheda", pk=scheda.pk)


def _link_condiviso(request, scheda) -> str:
    return request.build_absolute_uri(reverse("pit:scheda-condivisa", args=[scheda.token]))


def _contesto_stampa(request, scheda) -> dict:
    link = _link_condiviso(request, scheda)
    return {
        "scheda": scheda,
        "voci": voci_con_oggetti(scheda.voci.all()),
        "link": link,
        "qr": qr_svg(link),
    }


@console_required
def scheda_stampa(request: HttpRequest, pk: int) -> HttpResponse:
    scheda = _scheda_visibile(request, pk)
    return render(
        request, "punti_informazione/scheda_stampa.html", _contesto_stampa(request, scheda)
    )


@console_required
def scheda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    scheda = _scheda_visibile(request, pk)
    pdf = scheda_pdf_bytes(request, _contesto_stampa(request, scheda))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="scheda-{scheda.pk}.pdf"'
    return response


def scheda_condivisa(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's link: no login; a wrong or expired token shows nothing of any sheet."""
    scheda = scheda_per_token(token)
    if scheda is None:
        return render(request, "punti_informazione/scheda_non_disponibile.html", status=404)
    response = render(
        request,
        "punti_informazione/scheda_condivisa.html",
        {"scheda": scheda, "voci": voci_con_oggetti(scheda.voci.all())},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------- consultations


@console_required
def consultazione_nuova(request: HttpRequest) -> HttpResponse:
    punti = permissions.punti_operatore(request.user).filter(attivo=True)
    if not punti.exists():
        return vietato(request, _("Solo gli operatori di un punto registrano consultazioni."))
    initial = {}
    scheda_id = _int(request.GET.get("scheda"))
    if scheda_id:
        scheda = _scheda_modificabile(request, scheda_id)
        initial = {"scheda": scheda.pk, "punto": scheda.punto_id}
    form = ConsultazioneForm(request.POST or None, initial=initial, punti=punti)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultazione_create(operatore=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Consultazione registrata. Grazie!"))
            return redirect("pit:consultazioni")
    return render(request, "punti_informazione/consultazione_form.html", {"form": form})


@console_required
def consultazione_modifica(request: HttpRequest, pk: int) -> HttpResponse:
    consultazione = get_object_or_404(
        consultazione_list().filter(pk__in=permissions.consultazioni_visibili(request.user)), pk=pk
    )
    if not permissions.can_edit_consultazione(request.user, consultazione):
        return vietato(request, _("Solo chi l'ha registrata può correggere una consultazione."))
    context = {"consultazione": consultazione}
    if consultazione.congelata():
        try:
            services.check_modificabile(consultazione)
        except ValidationError as error:
            context["congelata"] = error.messages[0]
        return render(request, "punti_informazione/consultazione_form.html", context, status=409)
    form = ConsultazioneForm(
        request.POST or None,
        instance=consultazione,
        punti=permissions.punti_operatore(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consultazione_update(
                consultazione=consultazione, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Consultazione corretta."))
            return redirect("pit:consultazioni")
    context["form"] = form
    return render(request, "punti_informazione/consultazione_form.html", context)


@console_required
def consultazioni(request: HttpRequest) -> HttpResponse:
    visibili = permissions.consultazioni_visibili(request.user)
    queryset = consultazione_list().filter(pk__in=visibili)
    pagina = Paginator(queryset, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "punti_informazione/consultazioni.html",
        {"pagina": pagina, "consultazioni": pagina.object_list},
    )


# ------------------------------------------------------------------------- observatory


def osservatorio_richiesto(request, data) -> tuple[OsservatorioForm, dict | None, str]:
    """The observatory for the request's parameters: (form, result or None, refusal).

    Shared by the page and the API, so that both check the same way.
    """
    user = request.user
    form = OsservatorioForm(data, punti=permissions.punti_visibili(user))
    if not form.is_valid():
        return form, None, ""
    ambito, punto = form.cleaned_data["ambito"], form.cleaned_data["punto"]
    if ambito is not None and not permissions.can_see_ambito(user, ambito):
        return form, None, _("Non puoi vedere l'osservatorio dell'Ambito «%(a)s».") % {"a": ambito}
    base = filter_consultazioni(
        permissions.consultazioni_visibili(user), ambito=ambito, punto=punto
    )
    result = osservatorio(base, dal=form.cleaned_data["dal"], al=form.cleaned_data["al"])
    return form, {"ambito": ambito, "punto": punto, "dati": result}, ""


@console_required
def osservatorio_pagina(request: HttpRequest) -> HttpResponse:
    form, result, refusal = osservatorio_richiesto(request, request.GET)
    if refusal:
        return vietato(request, refusal)
    context = {"form": form}
    if result is not None:
        dati = result["dati"]
        context.update(
            result,
            grafico=barre_verticali([(r.etichetta, r.consultazioni) for r in dati.per_mese]),
            csv_query=request.GET.urlencode(),
        )
    return render(request, "punti_informazione/osservatorio.html", context)
