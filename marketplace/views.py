from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from geo_data.selectors import ambito_list
from servizi.models import LINGUE, Destinatario, Ente, TipoEnte
from servizi.selectors import categoria_albero, comuni_da_scegliere

from .search.health import search_backend_status
from .search.models import TipoRisultato

# The words of the map page's script, translated here (Python-format placeholders).
MESSAGGI_MAPPA = {
    "risultati_uno": _("1 risultato"),
    "risultati_molti": _("%(n)s risultati"),
    "risultati_almeno": _("almeno %(n)s risultati"),
    "pagina": _("pagina %(p)s di %(tot)s"),
    "corretta": _("Hai scritto «%(digitata)s»: risultati per «%(q)s»."),
    "caricamento": _("Ricerca in corso…"),
    "errore_rete": _(
        "La ricerca non è riuscita: il server non risponde. Quello che hai scritto è rimasto "
        "qui: riprova tra poco."
    ),
    "errore_server": _(
        "La ricerca non è riuscita (errore %(status)s). Quello che hai scritto è rimasto qui: "
        "riprova tra poco."
    ),
    "errore_dati": _("Alcuni valori della ricerca non vanno bene: correggili e riprova."),
    "riprova": _("Riprova"),
    "allarga_raggio": _("Allarga il raggio a %(km)s km"),
    "senza_raggio": _("Cerca a qualsiasi distanza"),
    "togli_filtro": _("Togli il filtro «%(filtro)s»"),
    "togli_testo": _("Cerca senza il testo «%(q)s»"),
    "togli_tutti": _("Togli tutti i filtri e il raggio, tieni il testo"),
    "togli_area": _("Cerca in tutto il territorio, non solo nell’area della mappa"),
    "con_conteggio": _("%(azione)s (%(n)s)"),
    "nessun_allargamento": _("Non ci sono filtri da togliere: prova con parole diverse."),
    "tipo_servizio": _("Servizio"),
    "tipo_pit": _("Punto informativo"),
    "tipo_convenzione": _("Convenzione"),
    "aperto": _("Aperto ora"),
    "chiuso": _("Chiuso ora"),
    "distanza": _("a %(km)s km"),
    "a_domicilio": _("a domicilio"),
    "demo": _("dato dimostrativo"),
    "posizione": _("Parti da: %(luogo)s."),
    "posizione_tua": _("la tua posizione"),
    "posizione_mappa": _("il punto scelto sulla mappa"),
    "posizione_punto": _("il punto %(lat)s, %(lon)s"),
    "togli_posizione": _("Togli il punto di partenza"),
    "nessuna_posizione": _(
        "Nessun punto di partenza: scegline uno per vedere le distanze e usare il raggio."
    ),
    "geo_in_corso": _("Sto cercando la tua posizione…"),
    "geo_non_disponibile": _(
        "Questo browser non sa dire dove sei: scegli un Comune o clicca sulla mappa."
    ),
    "geo_negata": _(
        "Non hai dato il permesso di usare la tua posizione: scegli un Comune o clicca sulla mappa."
    ),
    "geo_errore": _(
        "Non è stato possibile trovare la tua posizione: scegli un Comune o clicca sulla mappa."
    ),
    "raggio_senza_punto": _("Il raggio vale intorno a un punto di partenza: scegline uno."),
    "distanza_senza_punto": _("Per ordinare per distanza scegli un punto di partenza."),
    "gruppo": _("%(n)s luoghi: clicca per ingrandire"),
    "luogo_servizi": _("In questo luogo"),
    "tu_sei_qui": _("Punto di partenza"),
    "mappa_etichetta": _(
        "Mappa dei risultati: frecce per spostarla, + e − per ingrandire. "
        "L’elenco dei risultati contiene le stesse informazioni."
    ),
    "errore_confini": _("Non è stato possibile caricare i confini: riprova tra poco."),
    "errore_mappa": _("Non è stato possibile aggiornare la mappa: l’elenco dei risultati vale."),
    "suggerimento_categoria": _("categoria"),
    "campo_posizione": _("Punto di partenza"),
}

# Radii offered on the map page, in km (the search accepts up to SEARCH_MAX_RADIUS_KM).
RAGGI_KM = (1, 2, 5, 10, 20, 50)
ORDINAMENTI = ("rilevanza", "distanza", "aggiornamento")


def _schede_url() -> dict[str, str]:
    """The public page of each kind of search result, `{id}` to fill in.

    A kind's page is the URL named `scheda-<tipo>`: a new kind of result (PIT,
    agreement) gets links on the map as soon as its app names its detail page so.
    """
    urls = {}
    for tipo in TipoRisultato.values:
        try:
            urls[tipo] = reverse(f"scheda-{tipo}", args=[0]).replace("/0/", "/{id}/")
        except NoReverseMatch:
            continue
    return urls


def home(request: HttpRequest) -> HttpResponse:
    """The map page: search box, filters, results beside the map, all driven by the search API.

    The search's state lives in the query string, with the search API's own parameter
    names; the page renders the controls filled in from it, its script runs the search.
    """
    params = request.GET
    comuni = list(comuni_da_scegliere())
    ambiti = list(ambito_list().defer("geometria").order_by("nome"))
    in_ambiti = {c.pk for ambito in ambiti for c in ambito.comuni.all()}
    categorie = list(categoria_albero())
    codici = {c.codice for top in categorie for c in [top, *top.figlie.all()]}
    scelte = [c for c in params.get("categoria", "").split(",") if c]
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
    }
    extra = {
        name: params[name]
        for name, values in known.items()
        if params.get(name, "") not in {"", *values}
    }
    return render(
        request,
        "marketplace/home.html",
        {
            "p": params,
            "categorie": categorie,
            "categorie_scelte": set(scelte),
            "categorie_sconosciute": [c for c in scelte if c not in codici],
            "extra": extra,
            "tipi_ente": TipoEnte.choices,
            "destinatari": Destinatario.choices,
            "lingue": LINGUE,
            "ambiti": ambiti,
            "altri_comuni": [c for c in comuni if c.pk not in in_ambiti],
            "centri_comuni": {c.pk: [round(c.centro.y, 5), round(c.centro.x, 5)] for c in comuni},
            "raggi": RAGGI_KM,
            "schede_url": _schede_url(),
            "messaggi": {key: str(text) for key, text in MESSAGGI_MAPPA.items()},
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
