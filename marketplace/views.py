from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from convenzioni.selectors import beneficiario_da_codice
from convenzioni.sessione import beneficiario_in_sessione
from geo_data.selectors import ambito_list
from servizi.models import LINGUE, Destinatario, Ente, TipoEnte
from servizi.selectors import categoria_albero, comuni_da_scegliere

from .ricerca_client import TIPI, parti_del_giorno
from .search.health import search_backend_status
from .search.places import provincia_list, provincia_named

# Radii offered on the map page, in km (the search accepts up to SEARCH_MAX_RADIUS_KM).
RAGGI_KM = (1, 2, 5, 10, 20, 50)
ORDINAMENTI = ("rilevanza", "distanza", "aggiornamento")


def convenzioni_per(request: HttpRequest) -> dict:
    """Whose agreements the map shows: the company or network in the URL
    (`con_convenzione_per`, the search's own parameter) or, when the URL says none,
    the one the worker chose before (remembered in the session, `convenzioni.sessione`).

    `codice` is what the search is asked; `nome` names it (None for a code no network
    or company has: the search then says what is wrong with it); `senza` is this search
    without it, where "change" and "forget" come back to.
    """
    params = request.GET.copy()
    codice = params.pop("con_convenzione_per", [""])[-1].strip()
    senza = request.path + (f"?{urlencode(params, doseq=True)}" if params else "")
    nome = None
    if codice:
        try:
            nome = str(beneficiario_da_codice(codice))
        except ValidationError:
            nome = None
    else:
        beneficiario = beneficiario_in_sessione(request)
        if beneficiario is not None:
            codice, nome = beneficiario.codice, str(beneficiario)
    return {"codice": codice, "nome": nome, "senza": senza}


def _iso_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10  # the control's own form, 2026-12-12


def home(request: HttpRequest) -> HttpResponse:
    """The map page: search box, filters, results beside the map, all driven by the search API.

    The search's state lives in the query string, with the search API's own parameter
    names; the page renders the controls filled in from it, its script runs the search.
    """
    params = request.GET
    parti = parti_del_giorno()
    comuni = list(comuni_da_scegliere())
    ambiti = list(ambito_list().defer("geometria").order_by("nome"))
    in_ambiti = {c.pk for ambito in ambiti for c in ambito.comuni.all()}
    categorie = list(categoria_albero())
    codici = {c.codice for top in categorie for c in [top, *top.figlie.all()]}
    scelte = [c for c in params.get("categoria", "").split(",") if c]
    tipi_scelti = [t for t in params.get("tipo", "").split(",") if t]
    tipi_noti = {str(value) for value, _label in TIPI}
    codici_comuni = {c.pk for c in comuni}
    # Values in the URL that no control offers are kept (as an extra option or a hidden
    # field), so that the search API says what is wrong with them and nothing is lost.
    known = {
        "tipo_ente": TipoEnte.values,
        "destinatari": Destinatario.values,
        "lingua": [code for code, _label in LINGUE],
        "ordinamento": ORDINAMENTI,
        "raggio_km": [str(r) for r in RAGGI_KM],
        "comune": codici_comuni,
        "partenza": codici_comuni,
        "ambito": [a.slug for a in ambiti],
        "aperto_parte": [parte for parte, _nome in parti],
    }
    # A province is named by its code or its name ("BG", "Bergamo"): its option is the code.
    provincia = provincia_named(params["provincia"]) if params.get("provincia") else None
    province = provincia_list()
    extra = {
        name: params[name]
        for name, values in known.items()
        if params.get(name, "") not in {"", *values}
    }
    if params.get("provincia") and provincia is None:
        extra["provincia"] = params["provincia"]
    # A date control shows nothing of a value it cannot read ("sabato"): kept aside.
    if params.get("aperto_giorno") and not _iso_day(params["aperto_giorno"]):
        extra["aperto_giorno"] = params["aperto_giorno"]
    return render(
        request,
        "marketplace/home.html",
        {
            "p": params,
            "parti_del_giorno": parti,
            "categorie": categorie,
            "categorie_scelte": set(scelte),
            "categorie_sconosciute": [c for c in scelte if c not in codici],
            "tipi": TIPI,
            # No kind in the URL: all of them.
            "tipi_scelti": set(tipi_scelti) or tipi_noti,
            "tipi_sconosciuti": [t for t in tipi_scelti if t not in tipi_noti],
            "convenzioni_per": convenzioni_per(request),
            "extra": extra,
            "tipi_ente": TipoEnte.choices,
            "destinatari": Destinatario.choices,
            "lingue": LINGUE,
            "ambiti": ambiti,
            "province": province,
            "provincia_scelta": provincia.sigla if provincia else "",
            "altri_comuni": [c for c in comuni if c.pk not in in_ambiti],
            "centri_comuni": {c.pk: [round(c.centro.y, 5), round(c.centro.x, 5)] for c in comuni},
            "raggi": RAGGI_KM,
            "ci_sono_dati_demo": Ente.objects.filter(demo=True).exists(),
        },
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and humans: 503 when the database is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            (postgis,) = cursor.fetchone()
    except DatabaseError as error:
        return JsonResponse(
            {"status": "error", "database": "unreachable", "detail": error.__class__.__name__},
            status=503,
        )
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "postgis": postgis,
            "search": search_backend_status(),
        }
    )
