"""What the site's search client in the browser (static/marketplace/ricerca.js, used by the
map page and by the PIT console) needs from the server: its words in the reader's language
and the address of each kind of result's detail page. The template tag `dati_ricerca`
puts both in the page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from servizi.orari import PARTI_DEL_GIORNO

from .search.models import TipoRisultato

# The words of the search's scripts, translated here (Python-format placeholders).
MESSAGGI = {
    "risultati_uno": _("1 risultato"),
    "risultati_molti": _("%(n)s risultati"),
    "risultati_almeno": _("almeno %(n)s risultati"),
    "pagina": _("pagina %(p)s di %(tot)s"),
    "corretta": _("Hai scritto «%(digitata)s»: risultati per «%(q)s»."),
    "parole_ignorate": _("Parole troppo comuni, non cercate: %(parole)s."),
    "luogo_dal_testo": _("Risultati a %(comune)s: «%(parole)s» è letto come il nome di un Comune."),
    "cerca_come_parola": _("Cerca «%(parole)s» come parola, non come Comune"),
    "luogo_come_parole": _("Nessun risultato a %(comune)s: «%(parole)s» è cercato come parola."),
    "luogo_dal_testo_provincia": _(
        "Risultati in provincia di %(provincia)s: «%(parole)s» è letto come una provincia."
    ),
    "cerca_come_parola_provincia": _("Cerca «%(parole)s» come parole, non come provincia"),
    "luogo_come_parole_provincia": _(
        "Nessun risultato in provincia di %(provincia)s: «%(parole)s» è cercato come parole."
    ),
    "parole_non_trovate": _(
        "Nessun servizio, punto informativo o convenzione contiene: %(parole)s."
    ),
    "aperto_dal_testo": _("Aperti %(giorno)s: «%(parole)s» è letto come un orario."),
    "aperto_dal_testo_adesso": _("Aperti adesso: «%(parole)s» è letto come un orario."),
    "aperto_dal_testo_parte": _(
        "Aperti %(parte)s in qualche giorno della settimana: «%(parole)s» è letto come un orario."
    ),
    "cerca_come_parole_orario": _("Cerca «%(parole)s» come parole, non come orario"),
    "forse_cercavi": _("Forse cercavi: %(parole)s?"),
    "convenzioni_in_arrivo_una": _(
        "Una convenzione che risponde alla ricerca sarà valida dal %(dal)s."
    ),
    "convenzioni_in_arrivo_molte": _(
        "%(n)s convenzioni che rispondono alla ricerca saranno valide, la prima dal %(dal)s."
    ),
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
    "togli_parola": _("Cerca senza la parola «%(parola)s»"),
    "prova_parola": _("Cerca «%(proposta)s» invece di «%(parola)s»"),
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
    "punti_troncati": _(
        "In quest’area ci sono più luoghi di quanti la mappa ne mostri: ingrandisci per "
        "vederli tutti. L’elenco dei risultati li conta tutti."
    ),
    "suggerimento_categoria": _("categoria"),
    "campo_posizione": _("Punto di partenza"),
    "gruppo_pit": _("%(n)s punti informativi: clicca per ingrandire"),
    "almeno_un_tipo": _("Scegli almeno un tipo di risultato."),
    "convenzione_per_te": _("Convenzione per te"),
    "convenzioni_per_te": _("Convenzioni valide per la tua impresa"),
    "trovato_categoria": _("Trovato nella categoria:"),
    "trovato_categorie": _("Trovato nelle categorie:"),
}

# The kinds of result the search's filters offer (map and console), in this order.
TIPI = (
    (TipoRisultato.SERVIZIO.value, _("Servizi")),
    (TipoRisultato.PIT.value, _("Punti informativi (PIT)")),
    (TipoRisultato.CONVENZIONE.value, _("Convenzioni")),
)


def schede_url() -> dict[str, str]:
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


# The parts of a day the search knows (servizi.orari.PARTI_DEL_GIORNO), with their hours.
_PARTI = {
    "mattina": _("la mattina (dalle %(dalle)s alle %(alle)s)"),
    "pomeriggio": _("il pomeriggio (dalle %(dalle)s alle %(alle)s)"),
    "sera": _("la sera (dalle %(dalle)s a mezzanotte)"),
}


def parti_del_giorno() -> list[tuple[str, str]]:
    """Each part of a day and how the page says it: the filter's options, the note on
    what was read from the text."""
    return [
        (parte, str(_PARTI[parte]) % {"dalle": first, "alle": last})
        for parte, (first, last) in PARTI_DEL_GIORNO.items()
    ]


def messaggi() -> dict[str, str]:
    return {
        **{key: str(text) for key, text in MESSAGGI.items()},
        **{f"parte_{parte}": nome for parte, nome in parti_del_giorno()},
    }
