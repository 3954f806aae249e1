"""Public pages of the catalogue: a service and a provider (Ente), for citizens.

Both extend the shared detail layout of the public site (marketplace/scheda/base.html);
info points and agreements have their own views in their apps, on the same layout. Both
list the provider's agreements in force (for the worker's company, once chosen).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from marketplace import scheda

from .models import Costo, Destinatario
from .selectors import ente_list, ente_servizi_pubblicati, sede_list, servizio_list
from .structured_data import ente_json_ld, servizio_json_ld


def servizio_detail(request: HttpRequest, pk: int) -> HttpResponse:
    servizio = get_object_or_404(servizio_list(), pk=pk)
    da, errori_da = scheda.partenza(request.GET)
    luoghi = scheda.luoghi(servizio.sedi.all(), da)
    url = request.build_absolute_uri(reverse("scheda-servizio", args=[servizio.pk]))
    ente_url = request.build_absolute_uri(reverse("scheda-ente", args=[servizio.ente_id]))
    return render(
        request,
        "servizi/servizio_detail.html",
        {
            "servizio": servizio,
            "categorie": list(servizio.categorie.all()),
            "destinatari": [Destinatario(value).label for value in servizio.destinatari],
            "gratuito": servizio.costo == Costo.GRATUITO,
            "lingue": scheda.lingue_nomi(servizio.lingue),
            "luoghi": luoghi,
            "punti": scheda.punti_mappa(luoghi),
            "comuni_domicilio": list(servizio.comuni_copertura.all()),
            "da": da,
            "errori_da": errori_da,
            **scheda.blocco_convenzioni(request, ente_ids=[servizio.ente_id], servizio=servizio),
            "json_ld": servizio_json_ld(servizio, url=url, ente_url=ente_url),
        },
    )


def ente_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ente = get_object_or_404(ente_list(), pk=pk)
    da, errori_da = scheda.partenza(request.GET)
    servizi = list(ente_servizi_pubblicati(ente))
    sedi = list(sede_list().filter(ente=ente).order_by("nome", "pk"))
    luoghi = scheda.luoghi(sedi, da)
    url = request.build_absolute_uri(reverse("scheda-ente", args=[ente.pk]))
    return render(
        request,
        "servizi/ente_detail.html",
        {
            "ente": ente,
            "servizi": servizi,
            "luoghi": luoghi,
            "punti": scheda.punti_mappa(luoghi),
            "da": da,
            "errori_da": errori_da,
            **scheda.blocco_convenzioni(request, ente_ids=[ente.pk]),
            "json_ld": ente_json_ld(
                ente,
                servizi,
                sedi,
                url=url,
                servizio_url=lambda s: request.build_absolute_uri(
                    reverse("scheda-servizio", args=[s.pk])
                ),
            ),
        },
    )
