"""The demo catalogue: invented providers, places and services on the four real districts.

Everything here is made up (names, addresses, fiscal codes, contacts) except the
names of the Comuni, whose social services appear as "Servizi Sociali del Comune
di … (demo)". Every Ente, Sede and Servizio written here has `demo=True`; e-mail
addresses and web sites use the reserved `.example` domain; telephone numbers
start with "02 0", which no Milan-area subscriber number does.

`load_demo()` is deterministic (one seeded `random.Random`, Comuni read in code
order) and idempotent: if the demo is already there it does nothing, unless
`reset=True`, which deletes the demo rows and loads them again, all in one
transaction. It writes through the same service functions as the admin and the
API (`ente_create`, `sede_create`, `servizio_create`), so every row passes the
same validation. Dates (last verification, closures, holidays) are relative to
the day of loading.

Rows made by the benchmark generator (`servizi/generator.py`) are demo rows too,
but they are recognised by their name prefix and never counted nor deleted here.

Never load this in production: the `load_demo_data` command refuses unless
told `--allow-production`.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.gis.geos import MultiPolygon, Point
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from geo_data.models import Ambito, Comune

from . import orari
from .models import Categoria, Ente, Orario, Sede, Servizio, TipoEnte
from .seed import seed_categorie
from .services import ente_create, sede_create, servizio_create

SEED = 20_240_601

# The name prefix of the benchmark generator's Enti (servizi.generator.PREFIX, checked
# by a test): those rows are demo=True too, but they are not ours to count or delete.
GENERATED_PREFIX = "[generato] "

# --------------------------------------------------------------------------- demo users


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    group: str
    first_name: str
    last_name: str
    description: str


REDAZIONE = DemoUser(
    "demo.redazione",
    "demo-redazione",
    "Redazione",
    "Demo",
    "Redazione",
    "cura tutto il catalogo (permesso servizi.cura_catalogo)",
)
REFERENTE = DemoUser(
    "demo.referente",
    "demo-referente",
    "Referenti enti",
    "Demo",
    "Referente",
    "modifica solo l'ente di cui è referente",
)
DEMO_USERS = (REDAZIONE, REFERENTE)

# The Ente whose referent is demo.referente: the first third-sector Ente below.
REFERENTE_ENTE = "Cooperativa sociale Il Girasole"

# Models whose add/change/view permissions each group gets.
REFERENTI_MODELS = ("ente", "sede", "servizio", "orario", "fasciaoraria", "eccezioneorario")

# --------------------------------------------------------------------------- territory

# Postal codes of the 26 Comuni of the four districts (plausible; the demo only needs
# five digits that look right).
CAP = {
    "015192": "20097",  # San Donato Milanese
    "015195": "20098",  # San Giuliano Milanese
    "015140": "20077",  # Melegnano
    "015050": "20080",  # Carpiano
    "015071": "20070",  # Cerro al Lambro
    "015082": "20060",  # Colturano
    "015101": "20070",  # Dresano
    "015202": "20070",  # San Zenone al Lambro
    "015244": "20070",  # Vizzolo Predabissi
    "015169": "20067",  # Paullo
    "015139": "20076",  # Mediglia
    "015167": "20048",  # Pantigliate
    "015171": "20068",  # Peschiera Borromeo
    "015210": "20049",  # Settala
    "015222": "20067",  # Tribiano
    "015173": "20072",  # Pieve Emanuele
    "015024": "20082",  # Binasco
    "015055": "20080",  # Casarile
    "015115": "20084",  # Lacchiarella
    "015158": "20082",  # Noviglio
    "015236": "20080",  # Vernate
    "015247": "20058",  # Zibido San Giacomo
    "015189": "20089",  # Rozzano
    "015015": "20080",  # Basiglio
    "015125": "20085",  # Locate di Triulzi
    "015159": "20073",  # Opera
}
CAP_DEFAULT = "20090"

# fmt: off
VIE = (
    "Via Roma", "Via Giuseppe Garibaldi", "Piazza della Vittoria", "Via Camillo Cavour",
    "Via Giuseppe Mazzini", "Via della Repubblica", "Viale Lombardia", "Via Dante Alighieri",
    "Via XXV Aprile", "Via Giacomo Matteotti", "Via Antonio Gramsci", "Piazza Risorgimento",
    "Via Alessandro Manzoni", "Via Giuseppe Verdi", "Via dei Mille", "Via Milano",
    "Via Aldo Moro", "Via Papa Giovanni XXIII", "Via San Francesco", "Via Trento",
    "Via Trieste", "Largo Volontari del Sangue", "Via John Kennedy", "Via Emilia",
    "Via della Libertà", "Via Cesare Battisti", "Via Gorizia", "Piazza della Chiesa",
    "Via Carlo Porta", "Viale Europa", "Via dei Caduti", "Via Don Luigi Sturzo",
    "Via Vittorio Veneto", "Via delle Rimembranze", "Via Sandro Pertini", "Via Lodi",
)
# fmt: on
NOTE_ACCESSIBILITA = (
    "",
    "",
    "Ingresso laterale con rampa; campanello all'altezza di una persona seduta.",
    "Ascensore per il primo piano; porte larghe 90 cm.",
    "Posto auto riservato alle persone con disabilità davanti all'ingresso.",
    "Un gradino all'ingresso: suonare il campanello per la pedana mobile.",
    "Percorso tattile dall'ingresso al bancone.",
)

# --------------------------------------------------------------------------- services

G, P, T = "gratuito", "a_pagamento", "tariffa_agevolata"
DIRETTO, PRENOTAZIONE, INVIO = "diretto", "prenotazione", "invio_servizi_sociali"
FAM, MIN, ANZ, DIS, LAV, IMP = "famiglie", "minori", "anziani", "disabili", "lavoratori", "imprese"


@dataclass(frozen=True)
class Modello:
    """A kind of service, with the variations the demo draws from.

    The text takes one sentence from each of the first two groups of `testo` and,
    more often than not, one from each further group. Placeholders: {comune} (of
    the place, or of the Ente's main place), {comuni} (those served at home), {nome}.
    """

    categorie: tuple[str, ...]
    titoli: tuple[str, ...]
    testo: tuple[tuple[str, ...], ...]
    destinatari: tuple[str, ...]
    accesso: tuple[str, ...]
    costi: tuple[tuple[str, str], ...]
    orari: tuple[str, ...]
    nomi: tuple[str, ...] = ()
    eta: tuple[tuple[int | None, int | None], ...] = ()
    requisiti: tuple[str, ...] = ("",)
    lingue: tuple[str, ...] = ()
    chiusure: tuple[str, ...] = ()  # "agosto", "natale", "festivi"
    domicilio: bool = False  # delivered at home: comuni_copertura
    solo_domicilio: bool = False  # often without any place


COPERTURA = ("Il servizio copre {comuni}.", "Interveniamo a {comuni}.")

# fmt: off
MODELLI: dict[str, Modello] = {
    # ---------------------------------------------------------------- infanzia
    "nido_comunale": Modello(
        categorie=("infanzia.nido",),
        titoli=("Asilo nido comunale {nome}", "Nido d'infanzia comunale {nome}"),
        nomi=("Il Girotondo", "L'Aquilone", "La Coccinella", "Il Pulcino", "Il Trenino",
              "La Trottola", "Il Bruco Verde"),
        testo=(
            ("Il nido comunale di {comune} accoglie bambini dai 3 ai 36 mesi in sezioni divise "
             "per età, seguite da educatrici qualificate.",
             "Servizio educativo del Comune per la prima infanzia, con sezioni lattanti, "
             "semidivezzi e divezzi e un ampio giardino attrezzato.",
             "Il nido offre ai bambini dai 3 ai 36 mesi spazi pensati per il gioco, il riposo e "
             "la scoperta, con un progetto pedagogico condiviso con le famiglie."),
            ("Si può scegliere tra tempo pieno e part time del mattino; l'inserimento è "
             "graduale e concordato con i genitori.",
             "L'ambientamento dura circa due settimane e avviene con la presenza di un genitore.",
             "Sono previsti colloqui individuali con le famiglie e incontri di sezione durante "
             "l'anno."),
            ("I pasti sono preparati nella cucina interna, con diete speciali su certificato "
             "medico.",
             "A luglio il nido propone un servizio estivo su iscrizione separata.",
             "Le iscrizioni si aprono ogni anno in primavera e la graduatoria è pubblicata sul "
             "sito del Comune."),
        ),
        destinatari=(FAM, MIN),
        eta=((0, 3),),
        accesso=(PRENOTAZIONE,),
        costi=(
            (T, "Retta mensile da 160 € a 620 € in base all'ISEE, pasti compresi; "
                "cumulabile con il Bonus nido INPS."),
            (T, "Retta mensile tempo pieno da 200 € a 580 €, part time da 140 € a 400 €, "
                "secondo la fascia ISEE."),
        ),
        requisiti=(
            "Bambini da 3 a 36 mesi residenti nel Comune; precedenza ai figli di genitori "
            "entrambi lavoratori.",
            "Residenza nel Comune di almeno un genitore; domanda online nei termini del bando "
            "annuale.",
        ),
        orari=("lun-ven 07:30-18:00", "lun-ven 07:30-16:30", "lun-ven 08:00-18:00"),
        lingue=("en",),
        chiusure=("agosto", "natale"),
    ),
    "nido_privato": Modello(
        categorie=("infanzia.nido",),
        titoli=("Asilo nido {nome}", "Micronido {nome}", "Nido famiglia {nome}"),
        nomi=("Il Sonaglio", "Il Nido delle Coccole", "Casa dei Bimbi", "Pollicino",
              "Il Giardino Segreto", "Girotondo Blu", "Coccole e Sorrisi"),
        testo=(
            ("Nido privato accreditato per bambini dai 3 ai 36 mesi, con piccoli gruppi e un "
             "rapporto attento tra educatrici e bambini.",
             "Micronido a dimensione familiare per un massimo di dieci bambini, dai 12 ai 36 mesi.",
             "Servizio per la prima infanzia con orari flessibili, pensato per i genitori che "
             "lavorano a turni."),
            ("Le attività seguono il ritmo dei bambini: gioco euristico, musica, lettura e "
             "uscite in giardino.",
             "Il progetto educativo dà spazio all'educazione all'aperto e alla manipolazione di "
             "materiali naturali.",
             "Ogni bambino ha un'educatrice di riferimento che cura l'ambientamento e il dialogo "
             "con la famiglia."),
            ("Si può frequentare anche solo alcuni giorni la settimana, con ingresso fino alle "
             "9:30.",
             "Una parte dei posti è in convenzione con il Comune, a tariffa ridotta.",
             "Visite su appuntamento tutto l'anno."),
        ),
        destinatari=(FAM, MIN),
        eta=((0, 3), (1, 3)),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "Retta mensile 680 € a tempo pieno, 480 € part time; iscrizione 120 €."),
            (P, "Retta mensile da 450 € (tre giorni) a 720 € (cinque giorni), pasti compresi."),
            (T, "Retta mensile 620 €; posti in convenzione con il Comune a tariffa ridotta in "
                "base all'ISEE."),
        ),
        requisiti=("", "Iscrizioni aperte tutto l'anno fino a esaurimento dei posti."),
        orari=("lun-ven 07:30-18:30", "lun-ven 07:00-19:00", "lun-ven 08:00-17:00"),
        lingue=("en", "es", "zh"),
        chiusure=("agosto", "natale"),
    ),
    "micronido_aziendale": Modello(
        categorie=("infanzia.nido", "welfare-aziendale"),
        titoli=("Micronido interaziendale {nome}", "Nido aziendale {nome}"),
        nomi=("Mamma Lavoro", "Baby Office", "Il Nido al Lavoro", "Casa e Bottega"),
        testo=(
            ("Micronido per i figli dei dipendenti delle aziende convenzionate della zona, "
             "aperto anche alle famiglie del territorio.",
             "Nido interaziendale nato da un accordo tra imprese del territorio per i figli dei "
             "loro dipendenti dai 6 ai 36 mesi."),
            ("Gli orari seguono quelli di lavoro, con ingresso dalle 7:30 e uscita fino alle "
             "18:30.",
             "Le aziende aderenti riservano posti e possono coprire la retta con il piano di "
             "welfare aziendale."),
            ("Le imprese interessate a convenzionarsi possono chiedere un incontro informativo.",
             "I posti liberi sono disponibili anche per le famiglie non legate alle aziende "
             "convenzionate."),
        ),
        destinatari=(FAM, MIN, LAV, IMP),
        eta=((0, 3),),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Retta mensile 590 €, in tutto o in parte a carico dell'azienda "
                   "convenzionata tramite il piano di welfare."),),
        orari=("lun-ven 07:30-18:30",),
        chiusure=("agosto",),
    ),
    "baby_sitting": Modello(
        categorie=("infanzia.baby-sitting",),
        titoli=("Baby sitting a domicilio", "Baby sitter qualificate a casa tua", "Tata a ore",
                "Baby sitter per emergenze e malattie"),
        testo=(
            ("Baby sitter selezionate e formate che si prendono cura dei bambini a casa, anche "
             "con breve preavviso.",
             "Servizio di baby sitting a domicilio a ore, con personale formato al primo "
             "soccorso pediatrico.",
             "Tate a ore per i momenti in cui il nido o la scuola sono chiusi o il bambino è "
             "malato."),
            COPERTURA,
            ("Prima del primo incarico facciamo un colloquio con la famiglia per conoscere le "
             "abitudini del bambino.",
             "Le baby sitter possono accompagnare i bambini a scuola e alle attività sportive.",
             "Si prenota per telefono o via e-mail entro le 18 del giorno prima."),
        ),
        destinatari=(FAM, MIN),
        eta=((0, 12), (0, 10)),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "12 € l'ora; pacchetto da 20 ore 220 €."),
            (P, "Da 11 € l'ora; sera e festivi 14 € l'ora."),
            (P, "13 € l'ora, minimo 2 ore; iscrizione annuale 30 €."),
        ),
        orari=("lun-ven 08:00-20:00; sab 09:00-13:00", "lun-sab 08:00-19:00"),
        lingue=("en", "es", "fr"),
        domicilio=True,
        solo_domicilio=True,
    ),
    "baby_sitting_serale": Modello(
        categorie=("infanzia.baby-sitting",),
        titoli=("Baby sitting serale e nel fine settimana", "Baby sitter di sera"),
        testo=(
            ("Baby sitter disponibili la sera e nelle notti del fine settimana, per chi lavora "
             "a turni o ha un impegno.",
             "Servizio serale di baby sitting a domicilio, fino a notte fonda nel fine "
             "settimana."),
            COPERTURA,
            ("Le baby sitter mettono a letto i bambini seguendo la routine della famiglia.",
             "Per le notti intere è previsto un compenso forfettario."),
        ),
        destinatari=(FAM, MIN),
        eta=((0, 12),),
        accesso=(PRENOTAZIONE,),
        costi=((P, "14 € l'ora dopo le 20; notte intera 90 €."),),
        orari=("ven-sab 19:00-01:00", "ven 19:00-02:00; sab 18:00-02:00"),
        lingue=("en",),
        domicilio=True,
        solo_domicilio=True,
    ),
    "pre_post": Modello(
        categorie=("infanzia.pre-post-scuola",),
        titoli=("Pre e post scuola – scuole primarie di {comune}",
                "Servizio di pre e post scuola a {comune}"),
        testo=(
            ("Accoglienza prima dell'inizio delle lezioni e assistenza dopo l'uscita per gli "
             "alunni delle scuole primarie di {comune}.",
             "Il servizio accoglie i bambini della scuola primaria prima e dopo l'orario "
             "scolastico, nei locali della scuola."),
            ("Gli educatori propongono giochi, lettura e uno spazio tranquillo per i compiti.",
             "Nel post scuola è prevista una merenda e, per chi lo desidera, un momento "
             "dedicato ai compiti."),
            ("Si può scegliere solo il pre scuola, solo il post scuola o entrambi.",
             "Il servizio segue il calendario scolastico e si attiva con almeno 8 iscritti per "
             "plesso."),
        ),
        destinatari=(FAM, MIN),
        eta=((6, 11),),
        accesso=(PRENOTAZIONE,),
        costi=(
            (T, "Pre scuola 25 € al mese, post scuola 48 € al mese; riduzione del 30% dal "
                "secondo figlio."),
            (T, "Pre scuola 180 € l'anno, post scuola 390 € l'anno, con riduzioni in base "
                "all'ISEE."),
        ),
        requisiti=(
            "Iscrizione entro il 30 giugno per l'anno scolastico successivo.",
            "Entrambi i genitori lavoratori o motivate esigenze familiari; iscrizione online.",
        ),
        orari=("lun-ven 07:30-08:30, 16:30-18:00", "lun-ven 07:15-08:25, 16:25-18:15"),
        chiusure=("natale",),
    ),
    "doposcuola": Modello(
        categorie=("infanzia.pre-post-scuola",),
        titoli=("Doposcuola {nome}", "Spazio compiti {nome}"),
        nomi=("Compiti Insieme", "Il Quaderno", "Matite Colorate", "Zaino in Spalla",
              "Tutti in Classe", "La Lavagna"),
        testo=(
            ("Pomeriggi di studio accompagnato per ragazzi della primaria e della secondaria di "
             "primo grado, in piccoli gruppi.",
             "Uno spazio dove fare i compiti con l'aiuto di educatori e studenti universitari, "
             "e poi giocare insieme."),
            ("Ogni ragazzo ha un piano di lavoro concordato con la famiglia e, dove serve, con "
             "gli insegnanti.",
             "Particolare attenzione a chi ha difficoltà nel metodo di studio."),
            ("Si può frequentare da due a cinque pomeriggi la settimana.", "Merenda inclusa."),
        ),
        destinatari=(FAM, MIN),
        eta=((6, 14),),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "90 € al mese per tre pomeriggi la settimana, 130 € per cinque."),
            (T, "60 € al mese; quota ridotta a 30 € con ISEE sotto 12.000 €."),
        ),
        orari=("lun-ven 14:00-18:00", "lun-gio 14:30-18:30"),
        chiusure=("natale", "agosto"),
    ),
    "centro_estivo": Modello(
        categorie=("infanzia.centri-estivi",),
        titoli=("Centro estivo {nome}", "Centro ricreativo estivo {nome}", "Summer camp {nome}"),
        nomi=("Estate Ragazzi", "Sole d'Estate", "Campus Lambro", "Giochi d'Estate",
              "Estate in Cascina", "Vacanze in Città", "Ciak si Gioca", "L'Isola che c'è"),
        testo=(
            ("Da metà giugno a fine luglio e nelle prime settimane di settembre: giochi, "
             "laboratori, piscina e gite per bambini e ragazzi.",
             "Il centro estivo accompagna le famiglie nei mesi di chiusura della scuola, con "
             "attività all'aperto e laboratori creativi.",
             "Settimane di gioco, sport e natura nei parchi di {comune}, con educatori e "
             "animatori qualificati."),
            ("Ci si iscrive a settimane, con o senza pranzo.",
             "I gruppi sono divisi per età e ognuno ha il suo educatore di riferimento."),
            ("Una gita a settimana è compresa nella quota.",
             "È garantita l'inclusione dei bambini con disabilità, con un educatore di "
             "supporto su richiesta.",
             "Uscita anticipata possibile alle 13, senza pranzo."),
        ),
        destinatari=(FAM, MIN),
        eta=((3, 6), (6, 14), (6, 11)),
        accesso=(PRENOTAZIONE,),
        costi=(
            (T, "75 € a settimana con pranzo; sconto del 20% dal secondo figlio e riduzioni "
                "in base all'ISEE."),
            (P, "Quota settimanale 120 € con pranzo; iscrizione 30 €."),
        ),
        requisiti=(
            "Iscrizione a settimane da aprile; certificato medico per le attività sportive.",
            "Priorità ai residenti nel Comune.",
        ),
        orari=("lun-ven 08:00-17:00", "lun-ven 07:45-16:45", "lun-ven 07:30-17:30"),
        chiusure=("agosto",),
    ),
    "centro_estivo_sport": Modello(
        categorie=("infanzia.centri-estivi", "salute.sport-benessere"),
        titoli=("Camp sportivo estivo {nome}", "Sport camp {nome}"),
        nomi=("Multisport", "Piccoli Campioni", "Estate in Movimento"),
        testo=(
            ("Camp multisport: calcio, pallavolo, basket, atletica e piscina, con istruttori "
             "qualificati.",
             "Settimane di sport per ragazzi, per provare discipline diverse divertendosi."),
            ("Pranzo al sacco o mensa convenzionata.",
             "I gruppi sono composti per età e livello."),
        ),
        destinatari=(MIN, FAM),
        eta=((6, 14),),
        accesso=(PRENOTAZIONE,),
        costi=((P, "130 € a settimana; 10% di sconto per i fratelli."),),
        orari=("lun-ven 08:30-17:00",),
        chiusure=("agosto",),
    ),
    # ---------------------------------------------------------------- anziani
    "sad": Modello(
        categorie=("anziani.assistenza-domiciliare",),
        titoli=("Servizio di assistenza domiciliare (SAD) – {comune}",
                "Assistenza domiciliare per anziani e persone fragili – {comune}"),
        testo=(
            ("Operatori socio-sanitari aiutano a casa le persone anziane o non autosufficienti "
             "nell'igiene personale, nella cura della casa e nelle piccole commissioni.",
             "Il servizio sostiene a domicilio anziani e persone con disabilità residenti a "
             "{comune}, perché possano vivere a casa il più a lungo possibile."),
            ("La richiesta si presenta all'assistente sociale, che valuta il bisogno e concorda "
             "con la famiglia un progetto individuale.",
             "Frequenza e durata degli interventi sono definite nel progetto, da una a più "
             "volte la settimana."),
            ("Il servizio è affidato a una cooperativa accreditata e coordinato dall'Ufficio "
             "Servizi Sociali.",
             "Su richiesta si attivano anche la consegna dei pasti e il telesoccorso."),
        ),
        destinatari=(ANZ, DIS),
        accesso=(INVIO,),
        costi=(
            (T, "Contribuzione oraria da 0 a 18 € in base all'ISEE."),
            (T, "Gratuito con ISEE sotto 8.000 €; da 5 a 16 € l'ora per ISEE più alti."),
        ),
        requisiti=("Residenza nel Comune; valutazione del bisogno da parte dell'assistente "
                   "sociale.",),
        orari=("lun-sab 07:00-19:00", "lun-ven 07:30-18:30; sab 08:00-12:00"),
        chiusure=("festivi",),
        domicilio=True,
    ),
    "sad_privato": Modello(
        categorie=("anziani.assistenza-domiciliare",),
        titoli=("Assistenza domiciliare privata", "Operatori socio-sanitari a domicilio",
                "Assistenza a domicilio per anziani"),
        testo=(
            ("Assistenti e operatori socio-sanitari qualificati per l'igiene personale, la "
             "mobilizzazione e la compagnia a domicilio.",
             "Assistenza a ore a casa per persone anziane, malate o in convalescenza dopo un "
             "ricovero."),
            COPERTURA,
            ("Un coordinatore fa la prima visita gratuita e definisce il piano di assistenza "
             "con la famiglia.",
             "Gli operatori sono sempre gli stessi, per dare continuità al rapporto con la "
             "persona assistita.",
             "Possiamo attivare il servizio entro 48 ore dalla richiesta."),
        ),
        destinatari=(ANZ, DIS, FAM),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "19 € l'ora, minimo 2 ore; festivi 22 € l'ora."),
            (P, "Pacchetto da 10 ore 200 €; primo colloquio gratuito."),
        ),
        orari=("lun-dom 07:00-21:00", "lun-sab 07:00-20:00"),
        lingue=("ro", "es", "uk"),
        domicilio=True,
    ),
    "assistenza_notturna": Modello(
        categorie=("anziani.assistenza-domiciliare", "disabilita.sollievo"),
        titoli=("Assistenza notturna a domicilio", "Notti tranquille: assistenza notturna"),
        testo=(
            ("Un operatore resta a casa durante la notte con la persona anziana o malata, così "
             "i familiari possono riposare.",
             "Assistenza notturna a domicilio e in ospedale, anche per singole notti."),
            COPERTURA,
            ("Si prenota con almeno 24 ore di anticipo.",
             "Disponibile anche per brevi periodi dopo una dimissione ospedaliera."),
        ),
        destinatari=(ANZ, DIS, FAM),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Notte intera 120 €; in ospedale 130 €."),),
        orari=("lun-dom 21:00-07:00", "lun-dom 22:00-06:00"),
        lingue=("ro",),
        domicilio=True,
        solo_domicilio=True,
    ),
    "pasti_domicilio": Modello(
        categorie=("anziani.assistenza-domiciliare", "salva-tempo.spesa-domicilio"),
        titoli=("Pasti a domicilio – {comune}", "Consegna di pasti caldi a domicilio"),
        testo=(
            ("Ogni giorno un pasto caldo consegnato a casa alle persone anziane o a chi non può "
             "cucinare da solo.",
             "Il servizio porta a domicilio il pranzo, preparato da un centro cottura con un "
             "menù approvato da una dietista."),
            ("Si possono chiedere diete speciali su indicazione medica.",
             "Il menù cambia ogni settimana e si sceglie tra due primi e due secondi."),
            ("La consegna è anche un'occasione per verificare che la persona stia bene.",),
        ),
        destinatari=(ANZ, DIS),
        accesso=(INVIO, PRENOTAZIONE),
        costi=(
            (T, "6,50 € a pasto, ridotto a 3 € con ISEE sotto 10.000 €."),
            (T, "Da 2 € a 7 € a pasto in base all'ISEE."),
        ),
        requisiti=("Età superiore a 65 anni o invalidità certificata.",),
        orari=("lun-sab 11:00-13:00",),
        chiusure=("festivi",),
        domicilio=True,
    ),
    "telefono_compagnia": Modello(
        categorie=("anziani.assistenza-domiciliare", "consulenza.psicologica"),
        titoli=("Telefonate di compagnia per anziani soli",
                "Filo diretto: una voce amica per gli anziani"),
        testo=(
            ("Volontari formati chiamano regolarmente le persone anziane che vivono sole, per "
             "fare due chiacchiere e capire se hanno bisogno di qualcosa.",
             "Un servizio di compagnia telefonica per chi vive solo: una chiamata a settimana, "
             "o più spesso se serve."),
            ("Se emergono bisogni, i volontari segnalano la situazione ai servizi sociali, con "
             "il consenso della persona.",
             "Ci si iscrive da soli o su segnalazione di un familiare, del medico o dei servizi "
             "sociali."),
        ),
        destinatari=(ANZ,),
        eta=((65, None),),
        accesso=(DIRETTO,),
        costi=((G, ""),),
        orari=("lun-ven 09:00-12:00, 15:00-18:00",),
        chiusure=("agosto",),
        domicilio=True,
        solo_domicilio=True,
    ),
    "cdi": Modello(
        categorie=("anziani.centri-diurni",),
        titoli=("Centro diurno integrato {nome}", "CDI {nome}"),
        nomi=("Il Glicine", "Le Querce", "Villa Serena", "La Meridiana", "Il Tiglio",
              "Il Pozzo"),
        testo=(
            ("Il centro diurno integrato accoglie durante il giorno anziani parzialmente non "
             "autosufficienti, con assistenza, cure infermieristiche e attività.",
             "Un luogo dove le persone anziane passano la giornata in compagnia, con assistenza "
             "sanitaria e riabilitativa, e la sera tornano a casa."),
            ("Le giornate alternano ginnastica dolce, laboratori, musica e momenti di "
             "socialità; il pranzo è compreso.",
             "Sono presenti un medico, infermieri, fisioterapisti, animatori e operatori "
             "socio-sanitari."),
            ("Su richiesta è disponibile il trasporto da casa al centro e ritorno.",
             "Si può frequentare anche a giornate parziali.",
             "Prima dell'ingresso sono previsti un colloquio con la famiglia e una visita del "
             "centro."),
        ),
        destinatari=(ANZ, FAM),
        eta=((65, None),),
        accesso=(PRENOTAZIONE, INVIO),
        costi=(
            (T, "Retta giornaliera 38 €; trasporto 6 € al giorno."),
            (P, "Retta giornaliera 45 €, pasti e attività compresi."),
        ),
        requisiti=("Età superiore a 65 anni; valutazione multidimensionale all'ingresso.",),
        orari=("lun-ven 08:30-17:30", "lun-sab 08:00-18:00"),
        chiusure=("festivi",),
    ),
    "centro_anziani": Modello(
        categorie=("anziani.centri-diurni", "salute.sport-benessere"),
        titoli=("Centro socio-ricreativo anziani {nome}", "Spazio incontro anziani {nome}"),
        nomi=("Il Circolo", "Età d'Oro", "Insieme", "Il Ritrovo"),
        testo=(
            ("Un punto di ritrovo per le persone anziane: carte, tombola, ballo liscio, corsi e "
             "gite.",
             "Il centro propone ogni pomeriggio attività per stare in compagnia e tenersi in "
             "forma."),
            ("Il giovedì ci sono un corso di memoria e uno sull'uso dello smartphone.",
             "Il programma del mese è esposto in bacheca e pubblicato sul sito."),
            ("L'accesso è libero per i soci.",),
        ),
        destinatari=(ANZ,),
        eta=((60, None),),
        accesso=(DIRETTO,),
        costi=((G, "Gratuito; tessera associativa 15 € l'anno."),),
        orari=("lun-sab 14:30-18:30", "lun-ven 14:00-18:00; dom 15:00-18:00"),
        chiusure=("agosto",),
    ),
    "caffe_alzheimer": Modello(
        categorie=("anziani.centri-diurni", "consulenza.psicologica"),
        titoli=("Caffè Alzheimer di {comune}", "Caffè della memoria – {comune}"),
        testo=(
            ("Un pomeriggio alla settimana per le persone con demenza e per chi le assiste, in "
             "un ambiente accogliente e informale.",
             "Incontri settimanali dove persone con decadimento cognitivo e familiari trovano "
             "attività, ascolto e consigli pratici."),
            ("Mentre i partecipanti svolgono attività di stimolazione con gli educatori, i "
             "familiari incontrano una psicologa e altri caregiver.",),
            ("Non serve prenotare.",
             "Il primo incontro di ogni mese è dedicato a un tema scelto dai partecipanti."),
        ),
        destinatari=(ANZ, FAM),
        accesso=(DIRETTO,),
        costi=((G, ""),),
        orari=("mer 15:00-17:30", "gio 15:00-17:00"),
        chiusure=("agosto",),
    ),
    "rsa": Modello(
        categorie=("anziani.rsa",),
        titoli=("RSA {nome}", "Residenza sanitaria assistenziale {nome}"),
        nomi=("Il Parco", "San Martino", "Villa Ortensia", "Le Betulle"),
        testo=(
            ("Residenza per anziani non autosufficienti con assistenza medica, infermieristica "
             "e riabilitativa 24 ore su 24.",
             "La RSA accoglie persone anziane non più in grado di vivere a casa, in camere "
             "singole e doppie con bagno."),
            ("Ogni ospite ha un piano di assistenza individuale aggiornato con la famiglia.",
             "Il nucleo protetto ospita persone con demenza in un ambiente sicuro, con un "
             "giardino dedicato.",
             "L'animazione organizza feste, laboratori e uscite."),
            ("Le visite dei familiari sono libere negli orari indicati.",
             "Si può visitare la struttura su appuntamento prima della domanda di ingresso."),
        ),
        destinatari=(ANZ, FAM),
        eta=((65, None),),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "Retta giornaliera da 92 € (camera doppia) a 110 € (camera singola)."),
            (P, "Retta giornaliera 98 €; posti accreditati con contributo sanitario "
                "regionale."),
        ),
        requisiti=("Domanda di ingresso con scheda sanitaria compilata dal medico curante; "
                   "lista d'attesa.",),
        orari=("lun-dom 10:00-12:00, 15:00-19:00", "lun-dom 09:30-19:30"),
    ),
    "rsa_sollievo": Modello(
        categorie=("anziani.rsa", "disabilita.sollievo"),
        titoli=("Ricoveri temporanei di sollievo – {nome}",),
        nomi=("Il Parco", "San Martino", "Villa Ortensia", "Le Betulle"),
        testo=(
            ("Posti letto per soggiorni brevi, da due settimane a due mesi, quando la famiglia "
             "ha bisogno di una pausa o dopo un ricovero ospedaliero.",),
            ("L'ospite riceve la stessa assistenza dei residenti permanenti.",
             "Molte famiglie se ne servono durante le ferie estive dell'assistente familiare."),
        ),
        destinatari=(ANZ, FAM),
        eta=((65, None),),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Retta giornaliera 105 €, da 15 a 60 giorni."),),
        requisiti=("Richiesta con almeno 15 giorni di anticipo e relazione del medico "
                   "curante.",),
        orari=("lun-dom 10:00-12:00, 15:00-19:00",),
    ),
    "sportello_badanti": Modello(
        categorie=("anziani.badanti",),
        titoli=("Sportello assistenti familiari – {comune}", "Sportello badanti di {comune}"),
        testo=(
            ("Lo sportello aiuta le famiglie a trovare un'assistente familiare e le assistenti "
             "a trovare lavoro, con un elenco di persone dall'esperienza verificata.",
             "Informazioni e sostegno per chi cerca o fa la badante: incontro tra domanda e "
             "offerta, contratti, contributi."),
            ("Gli operatori aiutano a scegliere il contratto giusto e spiegano le agevolazioni "
             "disponibili.",
             "Per le assistenti familiari ci sono orientamento, corsi di formazione e aiuto "
             "nella ricerca di lavoro."),
            ("Si riceve su appuntamento.", "Il servizio è gratuito per famiglie e lavoratrici."),
        ),
        destinatari=(FAM, ANZ, LAV),
        accesso=(PRENOTAZIONE, DIRETTO),
        costi=((G, ""),),
        orari=("mar 09:00-12:00; gio 14:00-17:00", "lun 14:00-17:00; ven 09:00-12:00"),
        lingue=("ro", "uk", "es", "ar"),
        chiusure=("festivi", "agosto"),
    ),
    "badanti_agenzia": Modello(
        categorie=("anziani.badanti",),
        titoli=("Selezione e gestione badanti", "Assistenti familiari conviventi e a ore"),
        testo=(
            ("Selezioniamo assistenti familiari conviventi o a ore, con colloquio, verifica "
             "delle referenze e periodo di prova.",
             "Aiutiamo le famiglie a trovare la badante giusta e gestiamo per loro contratto, "
             "buste paga e contributi."),
            ("In caso di ferie o malattia dell'assistente garantiamo una sostituzione.",
             "Un referente segue la famiglia per tutta la durata del rapporto di lavoro."),
            ("Primo colloquio gratuito, anche a domicilio.",),
        ),
        destinatari=(FAM, ANZ),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "Selezione 350 € una tantum; gestione del contratto e buste paga 30 € al mese."),
            (P, "Selezione da 290 €; sostituzioni per ferie a tariffa oraria."),
        ),
        orari=("lun-ven 09:00-13:00, 14:00-18:00",),
        lingue=("ro", "uk", "es"),
        chiusure=("agosto",),
    ),
    "corso_badanti": Modello(
        categorie=("formazione.caregiver", "anziani.badanti"),
        titoli=("Corso per assistenti familiari", "Corso base per badanti (40 ore)"),
        testo=(
            ("Un corso di 40 ore sull'assistenza alla persona anziana: igiene, alimentazione, "
             "mobilizzazione, primo soccorso.",
             "Formazione per chi lavora o vuole lavorare come assistente familiare, con un "
             "modulo di italiano per il lavoro di cura."),
            ("Alla fine del corso viene rilasciato un attestato di frequenza.",
             "Le lezioni sono serali, per permettere di frequentare a chi già lavora."),
        ),
        destinatari=(LAV,),
        accesso=(PRENOTAZIONE,),
        costi=(
            (G, "Gratuito per i residenti dei Comuni dell'Ambito."),
            (T, "120 €; gratuito per chi è iscritto allo sportello assistenti familiari."),
        ),
        orari=("mar,gio 18:00-21:00", "sab 09:00-13:00"),
        lingue=("ro", "uk"),
    ),
    # ---------------------------------------------------------------- disabilità
    "cdd": Modello(
        categorie=("disabilita.servizi-diurni",),
        titoli=("Centro diurno disabili (CDD) {nome}", "CDD {nome}"),
        nomi=("Il Mosaico", "L'Arcobaleno", "La Tela", "Il Faro"),
        testo=(
            ("Il centro diurno accoglie persone adulte con disabilità grave, con attività "
             "educative, riabilitative e di assistenza.",
             "Servizio diurno per persone con disabilità grave dai 18 anni, con un progetto "
             "individuale per ogni ospite."),
            ("Le attività comprendono laboratori espressivi, musicoterapia, piscina e uscite sul "
             "territorio.",
             "Il centro lavora con le famiglie e con i servizi specialistici per mantenere e "
             "sviluppare le autonomie."),
            ("Il trasporto da casa è organizzato dal Comune di residenza.",
             "Il pranzo è preparato in sede."),
        ),
        destinatari=(DIS, FAM),
        eta=((18, 64),),
        accesso=(INVIO,),
        costi=((T, "Quota di compartecipazione mensile da 0 a 350 € in base all'ISEE."),),
        requisiti=("Disabilità grave certificata; inserimento su progetto dei servizi sociali "
                   "del Comune di residenza.",),
        orari=("lun-ven 09:00-16:00",),
        lingue=("lis",),
        chiusure=("agosto", "natale"),
    ),
    "cse": Modello(
        categorie=("disabilita.servizi-diurni",),
        titoli=("Centro socio educativo (CSE) {nome}", "Laboratori diurni {nome}"),
        nomi=("La Bottega", "Officina delle Idee", "Il Laboratorio", "Mani in Pasta"),
        testo=(
            ("Il centro socio educativo propone a giovani e adulti con disabilità un percorso "
             "per sviluppare autonomie personali e sociali.",
             "Laboratori diurni di falegnameria, cucina, orto e informatica per persone con "
             "disabilità intellettiva."),
            ("Ogni partecipante segue un progetto educativo individuale, verificato ogni anno "
             "con la famiglia.",
             "Le attività si svolgono anche fuori dal centro: spesa, biblioteca, sport."),
            ("Alcuni percorsi preparano a tirocini in aziende del territorio.",),
        ),
        destinatari=(DIS,),
        eta=((16, 64),),
        accesso=(INVIO,),
        costi=((T, "Compartecipazione mensile da 0 a 250 € in base all'ISEE."),),
        orari=("lun-ven 09:00-16:00", "lun-ven 08:30-15:30"),
        chiusure=("agosto", "natale"),
    ),
    "tempo_libero_disabili": Modello(
        categorie=("disabilita.servizi-diurni", "salute.sport-benessere"),
        titoli=("Tempo libero e sport per ragazzi con disabilità",
                "Sabato insieme: tempo libero inclusivo"),
        testo=(
            ("Attività del sabato per ragazzi e giovani adulti con disabilità: sport, gite, "
             "cinema, pizza.",
             "Un gruppo di volontari ed educatori organizza uscite e attività sportive "
             "inclusive."),
            ("Per molte famiglie è anche un momento di respiro.",
             "I gruppi sono piccoli, con un accompagnatore ogni due partecipanti."),
        ),
        destinatari=(DIS, MIN),
        eta=((12, 35),),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Quota associativa 30 € l'anno; le uscite si pagano a prezzo di costo."),),
        orari=("sab 09:30-12:30, 14:00-18:00",),
        lingue=("lis",),
        chiusure=("agosto",),
    ),
    "sostegno_scolastico": Modello(
        categorie=("disabilita.sostegno-scolastico",),
        titoli=("Doposcuola specialistico DSA", "Tutor per studenti con DSA e BES",
                "Sostegno educativo allo studio"),
        testo=(
            ("Percorsi individuali e in piccolo gruppo per studenti con disturbi specifici "
             "dell'apprendimento o bisogni educativi speciali.",
             "Tutor formati aiutano i ragazzi a trovare un metodo di studio e a usare gli "
             "strumenti compensativi."),
            ("Lavoriamo in accordo con la scuola e con gli specialisti che seguono il ragazzo.",
             "Il percorso parte da una valutazione iniziale gratuita."),
            ("Gli incontri si tengono in sede oppure online.",),
        ),
        destinatari=(MIN, DIS, FAM),
        eta=((6, 18), (8, 16)),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "25 € l'ora individuale, 15 € in piccolo gruppo."),
            (T, "Quota mensile 80 €, ridotta a 40 € con ISEE sotto 15.000 €."),
        ),
        orari=("lun-ven 14:30-18:30", "lun-ven 14:00-19:00; sab 09:00-12:00"),
        chiusure=("agosto",),
    ),
    "assistenza_educativa": Modello(
        categorie=("disabilita.sostegno-scolastico",),
        titoli=("Assistenza educativa scolastica – {comune}",),
        testo=(
            ("Educatori affiancano a scuola gli alunni con disabilità, per favorire autonomia, "
             "comunicazione e partecipazione alla vita della classe.",
             "Il Comune assegna un educatore agli alunni con disabilità delle scuole di "
             "{comune}, dall'infanzia alle superiori."),
            ("Il servizio è definito con la scuola e la famiglia nel piano educativo "
             "individualizzato.",
             "Le ore di assistenza sono stabilite ogni anno con la scuola."),
        ),
        destinatari=(MIN, DIS),
        eta=((3, 18),),
        accesso=(INVIO,),
        costi=((G, ""),),
        requisiti=("Certificazione di disabilità ai fini dell'inclusione scolastica; richiesta "
                   "della scuola.",),
        orari=("lun-ven 08:00-16:30",),
        chiusure=("natale",),
    ),
    "sollievo": Modello(
        categorie=("disabilita.sollievo",),
        titoli=("Ore di sollievo a domicilio", "Weekend di sollievo",
                "Sollievo per famiglie con figli con disabilità"),
        testo=(
            ("Un educatore viene a casa qualche ora per stare con la persona con disabilità, "
             "così i familiari possono prendersi del tempo.",
             "Fine settimana in piccoli gruppi, in una casa attrezzata, per ragazzi e adulti "
             "con disabilità, mentre la famiglia riposa."),
            COPERTURA,
            ("Le ore si prenotano con una settimana di anticipo.",
             "Gli educatori sono formati anche alla comunicazione aumentativa."),
        ),
        destinatari=(DIS, FAM),
        accesso=(PRENOTAZIONE, INVIO),
        costi=(
            (T, "10 € l'ora, con riduzioni in base all'ISEE; fino a 20 ore al mese."),
            (P, "Fine settimana 150 €, tutto compreso."),
        ),
        orari=("sab-dom 09:00-19:00", "lun-ven 15:00-19:00; sab 09:00-18:00"),
        lingue=("lis",),
        domicilio=True,
    ),
    "trasporto_disabili": Modello(
        categorie=("trasporti.accompagnamento", "disabilita"),
        titoli=("Trasporto con mezzi attrezzati per carrozzina",
                "Accompagnamento per persone con disabilità"),
        testo=(
            ("Pulmini attrezzati con pedana per accompagnare le persone in carrozzina a centri "
             "diurni, visite, terapie e attività.",
             "Trasporto su prenotazione per persone con disabilità motoria, con autisti "
             "formati all'assistenza."),
            COPERTURA,
            ("Gli autisti aiutano nella salita e nella discesa.",
             "Prenotazione almeno tre giorni prima."),
        ),
        destinatari=(DIS, ANZ),
        accesso=(PRENOTAZIONE,),
        costi=(
            (T, "Contributo da 3 € a 8 € a tratta secondo la distanza."),
            (G, "Gratuito; offerta libera."),
        ),
        orari=("lun-ven 07:30-18:30",),
        chiusure=("festivi",),
        domicilio=True,
        solo_domicilio=True,
    ),
    # ---------------------------------------------------------------- consulenza
    "spazio_genitori": Modello(
        categorie=("consulenza.genitorialita",),
        titoli=("Spazio neo-genitori {nome}", "Incontri per genitori {nome}"),
        nomi=("Primi Mille Giorni", "Tempo per le Famiglie", "Crescere Insieme",
              "Culla e Dintorni", "Mamme e Papà in Cammino"),
        testo=(
            ("Uno spazio per genitori con bambini da 0 a 3 anni: incontri con ostetrica, "
             "pediatra e psicologa, e tempo per giocare insieme.",
             "Incontri di gruppo per neo-mamme e neo-papà su allattamento, sonno, svezzamento "
             "e rientro al lavoro.",
             "Percorsi di sostegno alla genitorialità per chi affronta le prime fatiche con un "
             "figlio piccolo."),
            ("Si partecipa con il bambino.",
             "Ogni incontro ha un tema e lascia spazio alle domande."),
            ("Su richiesta è possibile un colloquio individuale.",
             "Non è necessaria la residenza nel Comune."),
        ),
        destinatari=(FAM, MIN),
        eta=((0, 3),),
        accesso=(DIRETTO, PRENOTAZIONE),
        costi=((G, ""),),
        orari=("mer 10:00-12:00; sab 10:00-12:00", "mar 09:30-11:30; gio 16:00-18:00"),
        lingue=("en", "ar", "zh"),
        chiusure=("agosto",),
    ),
    "consultorio": Modello(
        categorie=("consulenza.familiare", "salute.prevenzione"),
        titoli=("Consultorio familiare – {comune}",),
        testo=(
            ("Il consultorio offre consulenza ostetrica, ginecologica, psicologica e sociale a "
             "donne, coppie, famiglie e adolescenti.",
             "Servizio socio-sanitario per la salute della donna, la contraccezione, la "
             "gravidanza e il sostegno alla coppia e alla famiglia."),
            ("Sono attivi percorsi di accompagnamento alla nascita e uno spazio giovani ad "
             "accesso libero.",
             "Pap test e visite ginecologiche si prenotano allo sportello o per telefono."),
            ("La maggior parte delle prestazioni è gratuita; alcune prevedono il ticket.",
             "Su appuntamento è presente una mediatrice culturale."),
        ),
        destinatari=(FAM, MIN),
        accesso=(PRENOTAZIONE, DIRETTO),
        costi=((G, "Gratuito; per alcune prestazioni specialistiche è previsto il ticket "
                   "sanitario."),),
        orari=("lun-ven 09:00-13:00; mar,gio 14:00-17:00",),
        lingue=("en", "fr", "ar"),
        chiusure=("festivi",),
    ),
    "mediazione": Modello(
        categorie=("consulenza.familiare",),
        titoli=("Mediazione familiare", "Centro per la famiglia: mediazione e consulenza di "
                "coppia"),
        testo=(
            ("Percorsi di mediazione per i genitori che si separano, per organizzare insieme la "
             "vita dei figli e ridurre il conflitto.",
             "Consulenza e mediazione per coppie in crisi e famiglie che attraversano un "
             "momento difficile."),
            ("I mediatori sono professionisti formati e lavorano in modo riservato.",
             "Il percorso dura in genere da 8 a 12 incontri."),
            ("Il primo colloquio è gratuito e senza impegno.",),
        ),
        destinatari=(FAM,),
        accesso=(PRENOTAZIONE,),
        costi=(
            (T, "Primo colloquio gratuito; incontri successivi 40 € a coppia, ridotti in base "
                "all'ISEE."),
            (P, "70 € a incontro per la coppia."),
        ),
        orari=("lun 14:00-19:00; mer 09:00-13:00; gio 16:00-20:00", "mar-gio 15:00-19:00"),
        lingue=("en",),
    ),
    "psicologo_pub": Modello(
        categorie=("consulenza.psicologica",),
        titoli=("Sportello di ascolto psicologico – {comune}",),
        testo=(
            ("Colloqui gratuiti con uno psicologo per adulti e ragazzi che attraversano un "
             "momento di difficoltà.",
             "Un primo spazio di ascolto per ansia, lutti, difficoltà nelle relazioni o nel "
             "lavoro."),
            ("Fino a cinque colloqui e, se serve, un orientamento verso i servizi "
             "specialistici.",
             "Si accede su appuntamento, anche senza l'invio del medico."),
        ),
        destinatari=(FAM, LAV, MIN),
        accesso=(PRENOTAZIONE,),
        costi=((G, "Gratuito, fino a cinque colloqui."),),
        orari=("mar 14:00-18:00; ven 09:00-13:00",),
        lingue=("en",),
        chiusure=("agosto", "festivi"),
    ),
    "psicologo_privato": Modello(
        categorie=("consulenza.psicologica",),
        titoli=("Psicoterapia e sostegno psicologico", "Consulenza psicologica per adulti e "
                "coppie", "Psicologo in studio e online"),
        testo=(
            ("Psicologi e psicoterapeuti per adulti, adolescenti e coppie, in studio o in "
             "videochiamata.",
             "Sostegno psicologico per stress, ansia, difficoltà di coppia e fatiche nel "
             "conciliare lavoro e famiglia."),
            ("Il primo colloquio serve a capire insieme il bisogno e il percorso più adatto.",
             "Sono possibili appuntamenti serali e il sabato mattina."),
            ("Convenzioni con alcune aziende del territorio nell'ambito del welfare aziendale.",),
        ),
        destinatari=(FAM, LAV),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "Colloquio 60 €; 45 € online."),
            (T, "Colloquio 60 €; tariffa calmierata 35 € con ISEE sotto 20.000 €."),
        ),
        orari=("lun-ven 09:00-20:00", "lun-ven 10:00-21:00; sab 09:00-13:00"),
        lingue=("en", "es"),
    ),
    "linea_ascolto": Modello(
        categorie=("consulenza.psicologica",),
        titoli=("Linea d'ascolto notturna", "Pronto ascolto di notte"),
        testo=(
            ("Un numero di telefono a cui rispondono volontari formati, per chi nelle ore "
             "notturne si sente solo o in difficoltà.",),
            ("Le telefonate sono anonime.",
             "Non è un servizio di emergenza: in caso di pericolo chiamare il 112."),
            ("I volontari sono seguiti da psicologi, con una supervisione mensile.",),
        ),
        destinatari=(FAM, ANZ, LAV),
        accesso=(DIRETTO,),
        costi=((G, ""),),
        orari=("ven-sab 22:00-02:00", "lun-dom 21:00-01:00"),
    ),
    # ---------------------------------------------------------------- trasporti
    "trasporto_sociale": Modello(
        categorie=("trasporti.accompagnamento",),
        titoli=("Trasporto sociale – {comune}",),
        testo=(
            ("Accompagnamento con automezzi comunali verso ospedali, ambulatori, centri diurni "
             "e uffici, per chi non può spostarsi da solo.",
             "Il servizio porta anziani e persone con disabilità a visite, terapie e centri "
             "diurni, anche fuori Comune."),
            ("Gli autisti sono volontari e dipendenti comunali; alcuni mezzi sono attrezzati "
             "per la carrozzina.",
             "Le richieste sono soddisfatte secondo la disponibilità dei mezzi."),
            ("Prenotazione almeno tre giorni lavorativi prima.",),
        ),
        destinatari=(ANZ, DIS),
        accesso=(PRENOTAZIONE, INVIO),
        costi=((T, "3 € a tratta nel Comune, 6 € fuori Comune; gratuito con ISEE sotto "
                   "8.000 €."),),
        requisiti=("Residenza nel Comune; età superiore a 65 anni o invalidità.",),
        orari=("lun-ven 08:00-17:00",),
        chiusure=("festivi",),
        domicilio=True,
    ),
    "trasporto_volontari": Modello(
        categorie=("trasporti.accompagnamento",),
        titoli=("Accompagnamento a visite mediche con volontari", "Auto amica: trasporto "
                "solidale"),
        testo=(
            ("Volontari con auto propria o dell'associazione accompagnano a visite mediche, "
             "esami e terapie chi non ha altri mezzi.",
             "Un servizio di trasporto solidale per anziani e persone fragili, con attesa e "
             "ritorno a casa."),
            COPERTURA,
            ("Prenotare almeno due giorni prima.",
             "Il volontario può entrare in ambulatorio con la persona, se lo desidera."),
        ),
        destinatari=(ANZ, DIS),
        accesso=(PRENOTAZIONE,),
        costi=((G, "Gratuito; si accetta un'offerta libera per il carburante."),),
        orari=("lun-ven 09:00-12:00",),
        chiusure=("agosto",),
        domicilio=True,
        solo_domicilio=True,
    ),
    "trasporto_ncc": Modello(
        categorie=("trasporti.accompagnamento",),
        titoli=("Accompagnamento con autista a visite e terapie",
                "Trasporto privato per anziani e persone fragili"),
        testo=(
            ("Auto con conducente per accompagnare a visite, terapie e ricoveri, con aiuto "
             "nella salita e nella discesa.",
             "Un autista di fiducia per gli spostamenti sanitari, con attesa durante la "
             "visita."),
            ("Serviamo {comuni} e gli ospedali di Milano.",),
            ("Disponibili anche mezzi con pedana per carrozzina.",
             "Preventivo gratuito per trasporti ricorrenti."),
        ),
        destinatari=(ANZ, DIS, FAM),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Da 25 € a tratta nel distretto; fuori distretto 0,90 € al km."),),
        orari=("lun-sab 06:00-22:00",),
        domicilio=True,
    ),
    "navetta_aziendale": Modello(
        categorie=("trasporti.mobilita-casa-lavoro",),
        titoli=("Navetta casa-lavoro dalla stazione di {comune}",
                "Navetta aziendale per le aree produttive di {comune}"),
        testo=(
            ("Una navetta collega la stazione ferroviaria e le fermate della metropolitana con "
             "le aree produttive della zona.",
             "Trasporto collettivo per i dipendenti delle aziende convenzionate, coordinato con "
             "gli orari dei treni."),
            ("Le corse sono calibrate sui turni di lavoro delle aziende aderenti.",
             "Le aziende possono includere l'abbonamento nel piano di welfare."),
            ("I posti si prenotano con un'app.",),
        ),
        destinatari=(LAV, IMP),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Abbonamento mensile 35 € per lavoratore, di solito a carico dell'azienda "
                   "convenzionata."),),
        orari=("lun-ven 06:30-09:30, 16:30-19:30",
               "lun-ven 05:30-09:00, 13:00-14:30, 17:00-20:00"),
        chiusure=("agosto", "festivi"),
    ),
    "navetta_notturna": Modello(
        categorie=("trasporti.mobilita-casa-lavoro",),
        titoli=("Navetta per i turni notturni", "Bus di notte per chi lavora a turni"),
        testo=(
            ("Corse notturne per chi finisce o inizia il turno quando i mezzi pubblici non "
             "passano.",),
            ("Fermate alla stazione, alla metropolitana e nei principali poli logistici della "
             "zona.",
             "Le corse si prenotano entro le 18 del giorno stesso."),
        ),
        destinatari=(LAV, IMP),
        accesso=(PRENOTAZIONE,),
        costi=((P, "4 € a corsa, o abbonamento mensile 45 €."),),
        orari=("lun-sab 22:00-01:00; lun-sab 05:00-06:30", "lun-ven 22:00-02:00"),
    ),
    "mobilita_sostenibile": Modello(
        categorie=("trasporti.mobilita-casa-lavoro", "welfare-aziendale"),
        titoli=("Car pooling aziendale", "Bici elettriche aziendali in condivisione",
                "Piano degli spostamenti casa-lavoro per le aziende"),
        testo=(
            ("Un'app mette in contatto i colleghi che fanno lo stesso percorso, con posti auto "
             "riservati a chi condivide il viaggio.",
             "Flotte di bici elettriche per i dipendenti, per coprire l'ultimo tratto tra la "
             "stazione e l'azienda.",
             "Aiutiamo le aziende a redigere il piano degli spostamenti casa-lavoro e a "
             "nominare il mobility manager."),
            ("Il servizio riduce costi e tempi degli spostamenti, e le emissioni.",
             "L'azienda riceve report periodici sui chilometri risparmiati."),
        ),
        destinatari=(LAV, IMP),
        accesso=(PRENOTAZIONE,),
        costi=(
            (P, "Canone per l'azienda da 3 € al mese per dipendente."),
            (P, "Da 1.200 € l'anno, secondo le dimensioni dell'azienda; analisi iniziale "
                "gratuita."),
        ),
        orari=("lun-ven 09:00-18:00",),
        chiusure=("festivi",),
    ),
    # ---------------------------------------------------------------- salva-tempo
    "lavanderia": Modello(
        categorie=("salva-tempo.lavanderia",),
        titoli=("Lavanderia e stireria {nome}", "Lavanderia {nome} – {comune}"),
        nomi=("Lavasecco Express", "Profumo di Pulito", "Stiro Più", "Acqua Chiara"),
        testo=(
            ("Lavaggio ad acqua e a secco, stiratura e piccole riparazioni sartoriali.",
             "Lavanderia tradizionale con servizio di stiro e trattamento di capi delicati, "
             "tende e piumoni."),
            ("I capi consegnati entro le 10 sono pronti il giorno dopo.",
             "Usiamo detersivi a basso impatto ambientale."),
            ("Sconto del 10% per i lavoratori delle aziende convenzionate.",
             "Carta fedeltà con un lavaggio gratuito ogni dieci."),
        ),
        destinatari=(FAM, LAV),
        accesso=(DIRETTO,),
        costi=(
            (P, "Camicia lavata e stirata 2,80 €; piumone matrimoniale 22 €."),
            (P, "Abbonamento stiro 10 kg al mese 39 €; camicia 2,50 €."),
        ),
        orari=("lun-ven 08:30-12:30, 15:00-19:30; sab 08:30-12:30", "lun-sab 08:00-19:00"),
        chiusure=("agosto", "festivi"),
    ),
    "lavanderia_ritiro": Modello(
        categorie=("salva-tempo.lavanderia",),
        titoli=("Ritiro e consegna del bucato a domicilio", "Stiro a domicilio"),
        testo=(
            ("Ritiriamo a casa o in ufficio i capi da lavare e stirare e li riconsegniamo in "
             "48 ore.",
             "Una stiratrice viene a casa tua o ritira la cesta e la riporta stirata."),
            COPERTURA,
            ("Si prenota online o per telefono scegliendo la fascia oraria.",
             "Consegna gratuita sopra i 30 €."),
        ),
        destinatari=(FAM, LAV),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Ritiro e consegna 5 €, gratuiti sopra i 30 €; capi a prezzo di "
                   "listino."),),
        orari=("lun-ven 18:00-21:00; sab 09:00-13:00",),
        domicilio=True,
    ),
    "lavanderia_aziendale": Modello(
        categorie=("salva-tempo.lavanderia", "salva-tempo.maggiordomo-aziendale"),
        titoli=("Lavanderia in azienda", "Bucato sul posto di lavoro"),
        testo=(
            ("I dipendenti lasciano i capi in un armadietto in azienda e li ritrovano lavati e "
             "stirati due giorni dopo.",
             "Ritiro e riconsegna del bucato direttamente sul posto di lavoro, due volte la "
             "settimana."),
            ("L'azienda non paga nulla: i lavoratori pagano i capi a prezzi scontati.",
             "Basta un piccolo spazio per l'armadietto automatico."),
        ),
        destinatari=(LAV, IMP),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Camicia lavata e stirata 2,40 €, il 15% in meno del listino del negozio; "
                   "nessun costo per l'azienda."),),
        orari=("lun-ven 08:00-18:00",),
        chiusure=("agosto",),
    ),
    "spesa_volontari": Modello(
        categorie=("salva-tempo.spesa-domicilio",),
        titoli=("Spesa a domicilio per anziani e persone fragili",
                "Spesa e farmaci a casa con i volontari"),
        testo=(
            ("I volontari fanno la spesa e ritirano i farmaci per chi non può uscire di casa, e "
             "li consegnano a domicilio.",
             "Chi non può uscire riceve a casa la spesa e i farmaci, portati da un volontario."),
            COPERTURA,
            ("Si telefona con la lista entro il giorno prima.",
             "Si paga solo la spesa, con lo scontrino."),
        ),
        destinatari=(ANZ, DIS),
        accesso=(PRENOTAZIONE,),
        costi=((G, "Gratuito: si paga solo la spesa, con lo scontrino."),),
        orari=("lun,mer,ven 09:00-12:00",),
        domicilio=True,
        solo_domicilio=True,
    ),
    "spesa_impresa": Modello(
        categorie=("salva-tempo.spesa-domicilio",),
        titoli=("Spesa a domicilio in giornata", "Consegna di spesa e parafarmaci"),
        testo=(
            ("Ordini la spesa online o per telefono e la ricevi a casa in giornata, nella fascia "
             "oraria che preferisci.",
             "Consegniamo la spesa dei negozi di quartiere, insieme a parafarmaci e prodotti "
             "per la casa."),
            ("Consegniamo a {comuni}.",),
            ("Prodotti freschi dei negozi e dei produttori della zona.",
             "Consegna anche in azienda, alla fine del turno."),
        ),
        destinatari=(FAM, LAV, ANZ),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Consegna 4,90 €, gratuita sopra i 50 €."),),
        orari=("lun-sab 09:00-20:00",),
        domicilio=True,
        solo_domicilio=True,
    ),
    "disbrigo_pratiche": Modello(
        categorie=("salva-tempo.disbrigo-pratiche",),
        titoli=("Disbrigo pratiche e commissioni", "Sportello pratiche per famiglie"),
        testo=(
            ("Ci occupiamo al posto tuo di commissioni e pratiche: certificati, rinnovi, "
             "bollette, raccomandate, code agli sportelli.",
             "Un servizio per chi non ha tempo: pratiche auto, certificati anagrafici, "
             "pagamenti, prenotazioni di visite."),
            ("Ritiriamo e riconsegniamo i documenti anche in azienda.",
             "Ti teniamo aggiornato passo passo con un messaggio."),
        ),
        destinatari=(FAM, LAV),
        accesso=(PRENOTAZIONE, DIRETTO),
        costi=((P, "Da 15 € a pratica; abbonamento da 12 commissioni 150 €."),),
        orari=("lun-ven 09:00-13:00, 14:30-18:30",),
        chiusure=("agosto", "festivi"),
    ),
    "disbrigo_volontari": Modello(
        categorie=("salva-tempo.disbrigo-pratiche",),
        titoli=("Aiuto per pratiche e prenotazioni online", "Sportello digitale amico"),
        testo=(
            ("Volontari aiutano a prenotare visite, attivare lo SPID, scaricare referti e pagare "
             "bollette online.",
             "Un aiuto per le pratiche che ormai si fanno solo online, con pazienza e senza "
             "fretta."),
            ("Portare con sé documento d'identità, tessera sanitaria e telefono.",
             "Si insegna anche a fare da soli, passo passo."),
        ),
        destinatari=(ANZ, FAM),
        accesso=(DIRETTO,),
        costi=((G, ""),),
        orari=("mar,gio 09:30-12:00",),
        lingue=("ar", "ro"),
        chiusure=("agosto",),
    ),
    "maggiordomo": Modello(
        categorie=("salva-tempo.maggiordomo-aziendale",),
        titoli=("Maggiordomo aziendale", "Servizio di portineria aziendale (concierge)"),
        testo=(
            ("Un punto di servizio in azienda si occupa per i dipendenti di lavanderia, "
             "calzolaio, pratiche, spesa e piccole commissioni.",
             "Il maggiordomo aziendale fa risparmiare tempo ai lavoratori: basta lasciare la "
             "richiesta al desk o sull'app."),
            ("L'azienda sceglie i servizi e la presenza del concierge, da mezza giornata a "
             "tutta la settimana.",
             "I lavoratori pagano i servizi a prezzi convenzionati; l'azienda copre il costo "
             "del concierge."),
            ("Può rientrare nel piano di welfare aziendale.",),
        ),
        destinatari=(LAV, IMP),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Canone per l'azienda da 8 € al mese per dipendente; i servizi si pagano a "
                   "listino convenzionato."),),
        orari=("lun-ven 08:00-18:00", "lun-ven 08:30-13:30"),
        chiusure=("agosto",),
    ),
    # ---------------------------------------------------------------- salute
    "prevenzione_checkup": Modello(
        categorie=("salute.prevenzione",),
        titoli=("Check-up di prevenzione", "Visite specialistiche in giornata",
                "Screening cardiovascolare"),
        testo=(
            ("Pacchetti di prevenzione con esami del sangue, elettrocardiogramma e visita "
             "medica, refertati in giornata.",
             "Poliambulatorio con medici specialisti e tempi di attesa brevi, anche il sabato "
             "mattina."),
            ("Prelievi senza prenotazione dalle 7:30.",
             "Tariffe agevolate per i lavoratori delle aziende convenzionate."),
            ("Referti consultabili online.",),
        ),
        destinatari=(FAM, LAV, ANZ),
        accesso=(PRENOTAZIONE, DIRETTO),
        costi=(
            (P, "Check-up base 89 €; con ecografia dell'addome 149 €."),
            (P, "Visita specialistica da 80 €; 15% di sconto con la convenzione aziendale."),
        ),
        orari=("lun-ven 07:30-19:00; sab 08:00-12:30",),
        lingue=("en",),
        chiusure=("festivi",),
    ),
    "prevenzione_aziendale": Modello(
        categorie=("salute.prevenzione", "welfare-aziendale.consulenza"),
        titoli=("Prevenzione in azienda", "Screening sul posto di lavoro"),
        testo=(
            ("Giornate di prevenzione direttamente in azienda: pressione, glicemia, colesterolo "
             "e consulenza nutrizionale.",
             "Portiamo in azienda medici e infermieri per controlli rapidi e consigli sugli "
             "stili di vita."),
            ("Nessuna assenza dal lavoro: i controlli si fanno in pausa.",
             "L'azienda riceve un report anonimo e aggregato."),
        ),
        destinatari=(IMP, LAV),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Da 25 € a dipendente; preventivo per le aziende sotto i 15 dipendenti."),),
        orari=("lun-ven 08:00-17:00",),
    ),
    "ambulatorio_infermieristico": Modello(
        categorie=("salute.prevenzione",),
        titoli=("Ambulatorio infermieristico", "Punto salute: pressione, glicemia, medicazioni"),
        testo=(
            ("Infermieri volontari misurano pressione e glicemia, fanno medicazioni e iniezioni "
             "su prescrizione.",
             "Un piccolo ambulatorio di quartiere per i controlli di tutti i giorni."),
            ("Non serve prenotare.",
             "Su richiesta si fanno anche prestazioni a domicilio per chi non può uscire."),
        ),
        destinatari=(ANZ, FAM),
        accesso=(DIRETTO,),
        costi=((G, "Gratuito; offerta libera."),),
        orari=("lun,mer,ven 08:30-10:30",),
        chiusure=("agosto", "festivi"),
    ),
    "afa": Modello(
        categorie=("salute.sport-benessere",),
        titoli=("Ginnastica dolce per over 65", "Attività fisica adattata (AFA)",
                "Gruppi di cammino"),
        testo=(
            ("Esercizi semplici, in gruppo, per mantenere mobilità, equilibrio e forza, guidati "
             "da un laureato in scienze motorie.",
             "Due volte la settimana ci si muove insieme, con esercizi adatti all'età e a chi "
             "ha piccoli problemi articolari."),
            ("Ci si allena in palestre comunali vicine a casa.",
             "Prima di iniziare serve il certificato del medico di base."),
            ("Tutto l'anno, con una pausa estiva.",),
        ),
        destinatari=(ANZ,),
        eta=((60, None),),
        accesso=(PRENOTAZIONE, DIRETTO),
        costi=((P, "Quota trimestrale 45 €."), (G, "Gratuito per i residenti over 65.")),
        orari=("mar,gio 09:30-10:30", "lun,mer 10:00-11:00"),
        chiusure=("agosto",),
    ),
    "palestra": Modello(
        categorie=("salute.sport-benessere",),
        titoli=("Palestra e piscina in convenzione aziendale", "Yoga e pilates in pausa pranzo"),
        testo=(
            ("Sala attrezzi, piscina e corsi di gruppo con istruttori qualificati, dalla "
             "mattina presto alla sera.",
             "Lezioni brevi di yoga e pilates pensate per chi ha un'ora di pausa."),
            ("Le aziende convenzionate ottengono sconti per i dipendenti.",
             "Prova gratuita su prenotazione."),
        ),
        destinatari=(LAV, FAM),
        accesso=(DIRETTO, PRENOTAZIONE),
        costi=(
            (P, "Abbonamento annuale 390 €; 20% di sconto per i dipendenti delle aziende "
                "convenzionate."),
            (P, "Carnet da 10 lezioni 90 €."),
        ),
        orari=("lun-ven 07:00-22:30; sab 09:00-19:00; dom 09:00-13:00",
               "lun-ven 12:30-14:00, 18:00-21:00"),
        chiusure=("festivi",),
    ),
    "nuoto_bambini": Modello(
        categorie=("salute.sport-benessere", "infanzia"),
        titoli=("Corsi di nuoto per bambini", "Acquaticità e nuoto per i più piccoli"),
        testo=(
            ("Corsi di acquaticità e nuoto per bambini, in piccoli gruppi e per livello.",
             "Istruttori federali accompagnano i bambini dalla prima confidenza con l'acqua ai "
             "quattro stili."),
            ("Lezioni nel tardo pomeriggio e il sabato mattina, per conciliarle con il lavoro "
             "dei genitori.",),
        ),
        destinatari=(MIN, FAM),
        eta=((3, 12),),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Corso trimestrale 150 €, una lezione a settimana."),),
        orari=("lun-ven 16:30-19:00; sab 09:00-12:00",),
        chiusure=("agosto",),
    ),
    # ---------------------------------------------------------------- formazione
    "corso_caregiver": Modello(
        categorie=("formazione.caregiver",),
        titoli=("Corso per caregiver familiari",
                "Prendersi cura: incontri per chi assiste un familiare"),
        testo=(
            ("Un ciclo di incontri per chi assiste un familiare anziano o malato: come "
             "spostarlo, alimentazione, farmaci, ausili, servizi disponibili.",
             "Incontri pratici e di confronto per familiari che si prendono cura di una persona "
             "non autosufficiente."),
            ("Conducono infermieri, fisioterapisti, assistenti sociali e psicologi.",
             "Ogni incontro lascia spazio alle domande e allo scambio di esperienze."),
            ("Si può partecipare anche a singoli incontri.",
             "Durante gli incontri è disponibile un servizio di sollievo su prenotazione."),
        ),
        destinatari=(FAM, LAV),
        accesso=(PRENOTAZIONE,),
        costi=((G, ""),),
        orari=("mar 17:30-19:30", "sab 09:30-12:30"),
        chiusure=("agosto",),
    ),
    "corso_digitale": Modello(
        categorie=("formazione.lavoratori",),
        titoli=("Corso di competenze digitali", "Fogli di calcolo e strumenti di "
                "collaborazione online"),
        testo=(
            ("Un corso pratico per usare al meglio computer, posta elettronica, fogli di "
             "calcolo e strumenti di collaborazione online.",
             "Dalle basi del foglio di calcolo alle videoriunioni: competenze digitali per il "
             "lavoro di ogni giorno."),
            ("Lezioni in piccoli gruppi, con esercitazioni su casi reali.",
             "Attestato finale; le ore possono rientrare nei piani di formazione finanziata."),
        ),
        destinatari=(LAV,),
        accesso=(PRENOTAZIONE,),
        costi=((P, "240 € per 20 ore; sconto del 20% per le aziende convenzionate."),),
        orari=("lun,mer 18:30-20:30", "sab 09:00-13:00"),
        chiusure=("agosto",),
    ),
    "corso_inglese": Modello(
        categorie=("formazione.lavoratori",),
        titoli=("Inglese per il lavoro", "Inglese commerciale, corso serale"),
        testo=(
            ("Un corso di inglese per chi lo usa al lavoro: e-mail, telefonate, riunioni.",
             "Inglese pratico per il lavoro, con insegnanti madrelingua."),
            ("Test d'ingresso gratuito e gruppi per livello.",
             "Lezioni serali di due ore, in aula o online."),
        ),
        destinatari=(LAV,),
        accesso=(PRENOTAZIONE,),
        costi=((P, "320 € per 30 ore, materiali compresi."),),
        orari=("mar,gio 18:30-20:30",),
        lingue=("en",),
        chiusure=("agosto",),
    ),
    "corso_italiano": Modello(
        categorie=("formazione.lavoratori",),
        titoli=("Italiano per stranieri", "Scuola di italiano per adulti"),
        testo=(
            ("Corsi di lingua italiana per adulti stranieri, dal livello base, con attenzione "
             "alle parole del lavoro.",
             "Lezioni di italiano per chi è arrivato da poco, per lavorare e muoversi meglio "
             "tra uffici, scuola e servizi."),
            ("Durante le lezioni del mattino c'è uno spazio per i bambini.",
             "Le insegnanti sono volontarie formate."),
        ),
        destinatari=(LAV, FAM),
        accesso=(DIRETTO,),
        costi=((G, "Gratuito; contributo di 10 € per i materiali."),),
        orari=("lun,mer 09:30-11:30; mar 18:30-20:30",),
        lingue=("ar", "zh", "ro", "uk", "es", "fr"),
        chiusure=("agosto",),
    ),
    "orientamento_donne": Modello(
        categorie=("formazione.lavoratori",),
        titoli=("Orientamento al lavoro per donne", "Ripartire: laboratori per il rientro al "
                "lavoro"),
        testo=(
            ("Colloqui di orientamento, aiuto per il curriculum e laboratori per le donne che "
             "vogliono rientrare nel mondo del lavoro.",
             "Un percorso per le donne che cercano lavoro dopo un periodo dedicato alla "
             "famiglia."),
            ("Durante i laboratori c'è uno spazio bimbi.",
             "In collaborazione con i centri per l'impiego della zona."),
        ),
        destinatari=(LAV, FAM),
        accesso=(PRENOTAZIONE,),
        costi=((G, ""),),
        orari=("mar 09:30-12:30; gio 14:00-17:00",),
        lingue=("en", "ar", "es"),
        chiusure=("agosto",),
    ),
    # ---------------------------------------------------------------- welfare aziendale
    "sportello_conciliazione": Modello(
        categorie=("welfare-aziendale.consulenza", "welfare-aziendale.smart-working"),
        titoli=("Sportello conciliazione vita-lavoro",
                "Sportello welfare e conciliazione per lavoratori e imprese"),
        testo=(
            ("Informazioni su congedi, permessi, bonus e servizi del territorio per conciliare "
             "lavoro e famiglia.",
             "Lo sportello orienta lavoratrici e lavoratori tra i servizi di cura e le misure di "
             "sostegno disponibili."),
            ("Per le piccole imprese offre consulenza gratuita su piani di welfare e lavoro "
             "agile.",
             "Collabora con i Punti di Informazione Territoriale dell'Ambito."),
        ),
        destinatari=(LAV, IMP, FAM),
        accesso=(PRENOTAZIONE, DIRETTO),
        costi=((G, ""),),
        orari=("lun 14:00-17:00; gio 09:00-12:00", "mer 09:00-13:00"),
        lingue=("en",),
        chiusure=("festivi", "agosto"),
    ),
    "welfare_consulenza": Modello(
        categorie=("welfare-aziendale.consulenza",),
        titoli=("Piano di welfare aziendale per PMI", "Check-up del welfare per piccole "
                "imprese"),
        testo=(
            ("Aiutiamo le piccole e medie imprese a progettare un piano di welfare su misura, a "
             "partire dai bisogni dei dipendenti.",
             "Consulenza per introdurre il welfare aziendale: analisi dei bisogni, regolamento, "
             "scelta dei servizi e comunicazione interna."),
            ("Seguiamo anche gli aspetti fiscali e gli accordi con i sindacati.",
             "Il piano può valorizzare i servizi e le convenzioni del territorio."),
        ),
        destinatari=(IMP,),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Analisi iniziale gratuita; progetto da 1.500 € + IVA."),),
        orari=("lun-ven 09:00-18:00",),
        chiusure=("agosto",),
    ),
    "smart_working": Modello(
        categorie=("welfare-aziendale.smart-working",),
        titoli=("Consulenza per introdurre lo smart working",
                "Lavoro agile: accompagnamento per le imprese"),
        testo=(
            ("Accompagniamo le aziende nell'introduzione del lavoro agile: accordi individuali, "
             "regolamento, strumenti e sicurezza.",
             "Un percorso per impostare lo smart working in modo equo ed efficace, con "
             "formazione per responsabili e gruppi di lavoro."),
            ("Comprende sessioni di formazione sul lavoro per obiettivi e sul diritto alla "
             "disconnessione.",
             "Misuriamo con l'azienda i risultati dopo sei mesi."),
        ),
        destinatari=(IMP, LAV),
        accesso=(PRENOTAZIONE,),
        costi=((P, "Pacchetto base 1.200 € + IVA; formazione 90 € a partecipante."),),
        orari=("lun-ven 09:00-18:00",),
        chiusure=("agosto",),
    ),
    "coworking": Modello(
        categorie=("welfare-aziendale.smart-working", "infanzia"),
        titoli=("Coworking con spazio bimbi", "Coworking {nome}"),
        nomi=("Spazio Comune", "La Scrivania"),
        testo=(
            ("Postazioni di lavoro, sale riunioni e connessione veloce vicino a casa, con uno "
             "spazio gioco sorvegliato per i bambini.",),
            ("Ideale per chi lavora da remoto e vuole evitare il pendolarismo.",
             "Le aziende possono acquistare carnet di giornate per i dipendenti."),
        ),
        destinatari=(LAV, FAM, IMP),
        eta=((1, 10),),
        accesso=(PRENOTAZIONE, DIRETTO),
        costi=((P, "Postazione 15 € al giorno o 180 € al mese; spazio bimbi 8 € l'ora."),),
        orari=("lun-ven 08:00-19:00",),
        chiusure=("agosto", "festivi"),
    ),
}
# fmt: on

# --------------------------------------------------------------------------- providers

PUB, TS, IMPR = TipoEnte.PUBBLICO.value, TipoEnte.TERZO_SETTORE.value, TipoEnte.IMPRESA.value
COMUNE = "Comune"


@dataclass(frozen=True)
class EnteDemo:
    nome: str
    tipo: str
    forma: str
    comuni: tuple[str, ...]  # one place per entry (names of Comuni of the districts)
    descrizione: str
    servizi: tuple[str, ...]  # keys of MODELLI
    struttura: str = ""  # the name of its facility, used for {nome} when set


def _comunale(comune: str, servizi: tuple[str, ...], extra: str = "") -> EnteDemo:
    return EnteDemo(
        f"Servizi Sociali del Comune di {comune} (demo)",
        PUB,
        COMUNE,
        (comune,) * (2 if len(servizi) > 5 else 1),
        f"Ufficio Servizi Sociali del Comune di {comune}: servizi per famiglie, minori, "
        f"anziani e persone con disabilità residenti.{extra} Scheda dimostrativa.",
        servizi,
    )


# fmt: off
ENTI: tuple[EnteDemo, ...] = (
    # ---------------------------------------------------------------- pubblici
    _comunale("San Donato Milanese", ("sad", "nido_comunale", "pre_post", "centro_estivo",
              "psicologo_pub", "trasporto_sociale", "pasti_domicilio", "assistenza_educativa")),
    _comunale("San Giuliano Milanese", ("sad", "nido_comunale", "nido_comunale", "pre_post",
              "trasporto_sociale", "sportello_badanti", "assistenza_educativa")),
    _comunale("Melegnano", ("sad", "pre_post", "centro_estivo", "pasti_domicilio", "afa")),
    _comunale("Peschiera Borromeo", ("sad", "nido_comunale", "pre_post", "spazio_genitori",
              "trasporto_sociale", "centro_estivo")),
    _comunale("Paullo", ("sad", "pre_post", "centro_estivo", "trasporto_sociale")),
    _comunale("Mediglia", ("sad", "pre_post", "pasti_domicilio")),
    _comunale("Pieve Emanuele", ("sad", "nido_comunale", "centro_estivo", "psicologo_pub",
              "pre_post")),
    _comunale("Binasco", ("sad", "pre_post", "trasporto_sociale")),
    _comunale("Lacchiarella", ("sad", "pre_post", "centro_estivo")),
    _comunale("Rozzano", ("sad", "nido_comunale", "nido_comunale", "pre_post",
              "sportello_badanti", "trasporto_sociale", "assistenza_educativa",
              "psicologo_pub")),
    _comunale("Opera", ("sad", "pre_post", "pasti_domicilio", "centro_estivo")),
    _comunale("Settala", ("sad", "centro_estivo", "trasporto_sociale")),
    EnteDemo(
        "Azienda Sociale Sud Est Milano (demo)", PUB, "Azienda speciale consortile",
        ("San Donato Milanese", "San Giuliano Milanese", "Melegnano"),
        "Azienda consortile (immaginaria) che gestisce in forma associata i servizi sociali dei "
        "Comuni dell'Ambito di San Donato Milanese.",
        ("sportello_badanti", "sportello_conciliazione", "corso_caregiver", "mediazione",
         "sollievo", "cdd"),
    ),
    EnteDemo(
        "Azienda Servizi alla Persona del Paullese (demo)", PUB, "Azienda speciale consortile",
        ("Paullo", "Peschiera Borromeo"),
        "Azienda consortile (immaginaria) dei Comuni dell'Ambito Paullese per i servizi alla "
        "persona.",
        ("sportello_badanti", "sportello_conciliazione", "corso_caregiver", "spazio_genitori",
         "cse"),
    ),
    EnteDemo(
        "Consultorio familiare territoriale Sud Milano (demo)", PUB,
        "Azienda socio-sanitaria territoriale",
        ("Rozzano", "Pieve Emanuele", "San Giuliano Milanese"),
        "Consultori familiari pubblici (immaginari) per la salute della donna, della coppia e "
        "della famiglia.",
        ("consultorio", "consultorio", "consultorio", "spazio_genitori", "psicologo_pub"),
    ),
    EnteDemo(
        "Consorzio Servizi Sociali Sud-Ovest Milano (demo)", PUB, "Consorzio tra Comuni",
        ("Opera", "Basiglio", "Binasco"),
        "Consorzio (immaginario) tra Comuni degli Ambiti di Rozzano e di Pieve Emanuele per la "
        "gestione associata di alcuni servizi.",
        ("sportello_conciliazione", "sportello_badanti", "corso_badanti", "sollievo"),
    ),
    # ---------------------------------------------------------------- terzo settore
    EnteDemo(
        REFERENTE_ENTE, TS, "Cooperativa sociale di tipo A",
        ("San Donato Milanese", "San Giuliano Milanese"),
        "Cooperativa sociale che gestisce nidi, centri estivi e servizi per anziani nel "
        "Sud-Est Milano.",
        ("nido_privato", "nido_privato", "cdi", "centro_estivo", "sostegno_scolastico",
         "doposcuola"),
    ),
    EnteDemo(
        "Associazione Filo d'Argento Sud Est", TS, "Organizzazione di volontariato (ODV)",
        ("Melegnano",),
        "Volontari che tengono compagnia agli anziani soli e li aiutano nella vita di tutti i "
        "giorni.",
        ("trasporto_volontari", "spesa_volontari", "telefono_compagnia", "centro_anziani"),
    ),
    EnteDemo(
        "Cooperativa sociale La Rondine", TS, "Cooperativa sociale di tipo A",
        ("Rozzano", "Opera"),
        "Servizi diurni, educativi e di sollievo per persone con disabilità e le loro famiglie.",
        ("cdd", "cse", "sollievo", "sostegno_scolastico"),
    ),
    EnteDemo(
        "Cooperativa sociale Arcobaleno Lambro", TS, "Cooperativa sociale di tipo A",
        ("Melegnano", "Vizzolo Predabissi"),
        "Servizi educativi per l'infanzia e sostegno ai genitori lungo il Lambro.",
        ("nido_privato", "pre_post", "centro_estivo", "spazio_genitori"),
    ),
    EnteDemo(
        "Fondazione Casa Serena", TS, "Fondazione (ente del Terzo settore)",
        ("San Giuliano Milanese",),
        "Fondazione senza scopo di lucro che gestisce una residenza per anziani e un centro "
        "diurno.",
        ("rsa", "rsa_sollievo", "cdi", "caffe_alzheimer"),
        struttura="Casa Serena",
    ),
    EnteDemo(
        "Associazione Genitori Insieme", TS, "Associazione di promozione sociale (APS)",
        ("Peschiera Borromeo",),
        "Genitori che organizzano incontri, doposcuola e attività estive per le famiglie.",
        ("spazio_genitori", "doposcuola", "centro_estivo"),
    ),
    EnteDemo(
        "Cooperativa sociale Il Melograno", TS, "Cooperativa sociale di tipo A",
        ("Paullo", "Mediglia"),
        "Assistenza agli anziani a casa e al centro diurno, e formazione per i familiari.",
        ("cdi", "sad_privato", "pasti_domicilio", "corso_caregiver"),
        struttura="Il Melograno",
    ),
    EnteDemo(
        "Associazione Sportiva Dilettantistica Lambro Sport", TS,
        "Associazione sportiva dilettantistica",
        ("San Zenone al Lambro", "Cerro al Lambro"),
        "Sport per tutte le età, dai centri estivi alla ginnastica dolce, con attenzione "
        "all'inclusione.",
        ("afa", "centro_estivo_sport", "tempo_libero_disabili"),
    ),
    EnteDemo(
        "Cooperativa sociale Spazio Aperto", TS, "Cooperativa sociale di tipo A",
        ("Pieve Emanuele", "Binasco"),
        "Educatori per ragazzi e adulti con disabilità, doposcuola e centri estivi.",
        ("cse", "sostegno_scolastico", "sollievo", "doposcuola", "centro_estivo"),
    ),
    EnteDemo(
        "Associazione Mani Amiche", TS, "Organizzazione di volontariato (ODV)",
        ("Rozzano", "Basiglio"),
        "Volontariato di prossimità: accompagnamenti, spesa, pratiche e un ambulatorio "
        "infermieristico.",
        ("trasporto_volontari", "spesa_volontari", "disbrigo_volontari",
         "ambulatorio_infermieristico"),
    ),
    EnteDemo(
        "Cooperativa sociale Terra e Lavoro", TS, "Cooperativa sociale di tipo B",
        ("Lacchiarella",),
        "Cooperativa di inserimento lavorativo: lavanderia, stireria e consegne a domicilio.",
        ("lavanderia", "lavanderia_ritiro", "spesa_impresa"),
        struttura="Terra e Lavoro",
    ),
    EnteDemo(
        "Consorzio Sud Milano Welfare", TS, "Consorzio di cooperative sociali",
        ("San Donato Milanese",),
        "Consorzio di cooperative sociali che porta nelle imprese servizi di welfare e "
        "conciliazione.",
        ("welfare_consulenza", "maggiordomo", "sportello_conciliazione", "micronido_aziendale"),
    ),
    EnteDemo(
        "Associazione La Bussola Famiglie", TS, "Associazione di promozione sociale (APS)",
        ("Opera",),
        "Ascolto, mediazione e sostegno per famiglie e genitori.",
        ("mediazione", "spazio_genitori", "psicologo_privato"),
    ),
    EnteDemo(
        "Cooperativa sociale Piccoli Passi", TS, "Cooperativa sociale di tipo A",
        ("Basiglio", "Rozzano"),
        "Nidi, baby sitting e centri estivi per le famiglie che lavorano.",
        ("nido_privato", "baby_sitting", "centro_estivo", "micronido_aziendale"),
        struttura="Piccoli Passi",
    ),
    EnteDemo(
        "Associazione Oltre il Muro", TS, "Organizzazione di volontariato (ODV)",
        ("Peschiera Borromeo", "Settala"),
        "Famiglie e volontari per il tempo libero e il sollievo delle persone con disabilità.",
        ("sollievo", "trasporto_disabili", "tempo_libero_disabili"),
    ),
    EnteDemo(
        "Cooperativa sociale Il Ponte Educativo", TS, "Cooperativa sociale di tipo A",
        ("Melegnano", "Dresano"),
        "Servizi educativi per bambini e ragazzi dentro e fuori la scuola.",
        ("pre_post", "sostegno_scolastico", "doposcuola", "centro_estivo"),
    ),
    EnteDemo(
        "Fondazione Villa dei Tigli", TS, "Fondazione (ente del Terzo settore)",
        ("Binasco",),
        "Residenza per anziani, centro diurno e assistenza a domicilio nel Binaschino.",
        ("rsa", "cdi", "rsa_sollievo", "sad_privato"),
        struttura="Villa dei Tigli",
    ),
    EnteDemo(
        "Associazione Alzheimer Sud Milano", TS, "Organizzazione di volontariato (ODV)",
        ("Rozzano", "San Donato Milanese"),
        "Sostegno alle persone con demenza e ai loro familiari.",
        ("caffe_alzheimer", "caffe_alzheimer", "corso_caregiver"),
    ),
    EnteDemo(
        "Cooperativa sociale Sole e Luna", TS, "Cooperativa sociale di tipo A",
        ("Zibido San Giacomo", "Noviglio"),
        "Nido, baby sitting anche serale e centri estivi nei Comuni del sud-ovest.",
        ("nido_privato", "centro_estivo", "baby_sitting", "baby_sitting_serale"),
        struttura="Sole e Luna",
    ),
    EnteDemo(
        "Associazione Donne in Rete Sud Est", TS, "Associazione di promozione sociale (APS)",
        ("San Giuliano Milanese",),
        "Donne che aiutano altre donne: lavoro, lingua italiana, famiglia.",
        ("orientamento_donne", "corso_italiano", "mediazione"),
    ),
    EnteDemo(
        "Cooperativa sociale Strade Solidali", TS, "Cooperativa sociale di tipo A",
        ("Tribiano", "Paullo"),
        "Trasporti attrezzati, sollievo e consegne per le persone fragili del Paullese.",
        ("trasporto_disabili", "sollievo", "spesa_volontari"),
    ),
    EnteDemo(
        "Associazione Ascolto e Sostegno", TS, "Organizzazione di volontariato (ODV)",
        ("Pieve Emanuele",),
        "Volontari formati all'ascolto, al telefono e di persona, anche di notte.",
        ("linea_ascolto", "telefono_compagnia", "psicologo_privato"),
    ),
    EnteDemo(
        "Cooperativa sociale Orizzonte Salute", TS, "Cooperativa sociale di tipo A",
        ("Locate di Triulzi", "Opera"),
        "Infermieri e operatori socio-sanitari per la cura a casa, giorno e notte.",
        ("ambulatorio_infermieristico", "sad_privato", "assistenza_notturna",
         "corso_caregiver"),
    ),
    EnteDemo(
        "Associazione Nonni e Nipoti", TS, "Associazione di promozione sociale (APS)",
        ("Carpiano", "Colturano"),
        "Un'associazione tra generazioni: anziani, famiglie e nuovi cittadini.",
        ("centro_anziani", "spesa_volontari", "disbrigo_volontari", "corso_italiano"),
    ),
    EnteDemo(
        "Cooperativa sociale Casa Comune", TS, "Cooperativa sociale di tipo A",
        ("Vernate", "Casarile"),
        "Servizi per disabilità e anziani nei piccoli Comuni dell'Ambito di Pieve Emanuele.",
        ("cse", "sollievo", "sportello_badanti", "pasti_domicilio"),
    ),
    EnteDemo(
        "Associazione Scuola Aperta", TS, "Associazione di promozione sociale (APS)",
        ("Pantigliate", "Tribiano"),
        "Volontari per lo studio dei ragazzi e l'italiano degli adulti.",
        ("corso_italiano", "doposcuola", "orientamento_donne"),
    ),
    # ---------------------------------------------------------------- imprese
    EnteDemo(
        "Lavanderia Bolla Blu S.r.l.", IMPR, "S.r.l.",
        ("San Donato Milanese", "San Giuliano Milanese"),
        "Lavanderie e stirerie con ritiro a domicilio e in azienda.",
        ("lavanderia", "lavanderia", "lavanderia_ritiro", "lavanderia_aziendale"),
        struttura="Bolla Blu",
    ),
    EnteDemo(
        "Stireria Punto Fresco S.n.c.", IMPR, "S.n.c.",
        ("Melegnano",),
        "Stireria artigiana con consegna a domicilio.",
        ("lavanderia", "lavanderia_ritiro"),
        struttura="Punto Fresco",
    ),
    EnteDemo(
        "Concierge Plus S.r.l.", IMPR, "S.r.l.",
        ("San Donato Milanese",),
        "Servizi salva-tempo per lavoratori e imprese.",
        ("maggiordomo", "disbrigo_pratiche", "spesa_impresa", "lavanderia_aziendale"),
    ),
    EnteDemo(
        "CasaServizi Assistenza S.r.l.", IMPR, "S.r.l.",
        ("Rozzano", "Opera"),
        "Agenzia di assistenza domiciliare e selezione di assistenti familiari.",
        ("sad_privato", "assistenza_notturna", "badanti_agenzia"),
    ),
    EnteDemo(
        "Badanti & Famiglia S.r.l.", IMPR, "S.r.l.",
        ("Peschiera Borromeo",),
        "Selezione, formazione e gestione di assistenti familiari.",
        ("badanti_agenzia", "corso_badanti", "sad_privato"),
    ),
    EnteDemo(
        "Tata Service S.r.l.", IMPR, "S.r.l.",
        ("San Giuliano Milanese",),
        "Baby sitter a domicilio e micronidi per le aziende.",
        ("baby_sitting", "baby_sitting_serale", "micronido_aziendale"),
    ),
    EnteDemo(
        "Navetta Sud Est Trasporti S.r.l.", IMPR, "S.r.l.",
        ("San Donato Milanese", "San Giuliano Milanese"),
        "Trasporto collettivo casa-lavoro per le aziende, di giorno e di notte.",
        ("navetta_aziendale", "navetta_aziendale", "navetta_notturna"),
    ),
    EnteDemo(
        "Formazione Lavoro Lambro S.r.l.", IMPR, "S.r.l. (ente di formazione accreditato)",
        ("Melegnano",),
        "Corsi per lavoratori, assistenti familiari e caregiver.",
        ("corso_digitale", "corso_inglese", "corso_caregiver", "corso_badanti"),
    ),
    EnteDemo(
        "Studio Welfare PMI S.r.l.", IMPR, "S.r.l.",
        ("San Donato Milanese",),
        "Consulenza sul welfare aziendale e sul lavoro agile per le piccole imprese.",
        ("welfare_consulenza", "smart_working", "prevenzione_aziendale"),
    ),
    EnteDemo(
        "Coworking Il Nido del Lavoro S.r.l.", IMPR, "S.r.l.",
        ("Peschiera Borromeo",),
        "Coworking di quartiere con spazio bimbi.",
        ("coworking", "baby_sitting"),
        struttura="Il Nido del Lavoro",
    ),
    EnteDemo(
        "Poliambulatorio Sud Milano S.r.l.", IMPR, "S.r.l.",
        ("San Giuliano Milanese", "Rozzano"),
        "Poliambulatorio privato con convenzioni aziendali.",
        ("prevenzione_checkup", "prevenzione_checkup", "prevenzione_aziendale",
         "psicologo_privato"),
    ),
    EnteDemo(
        "Centro Sportivo Le Vele S.S.D. a r.l.", IMPR,
        "Società sportiva dilettantistica a r.l.",
        ("Opera",),
        "Palestra e piscina con corsi per adulti e bambini.",
        ("palestra", "nuoto_bambini", "centro_estivo_sport"),
        struttura="Le Vele",
    ),
    EnteDemo(
        "Spesa Facile Consegne S.r.l.", IMPR, "S.r.l.",
        ("Paullo",),
        "Consegne a domicilio e commissioni nel Paullese.",
        ("spesa_impresa", "disbrigo_pratiche"),
    ),
    EnteDemo(
        "Pratiche Amiche S.a.s.", IMPR, "S.a.s.",
        ("Pieve Emanuele",),
        "Agenzia di disbrigo pratiche per famiglie e imprese.",
        ("disbrigo_pratiche", "maggiordomo"),
    ),
    EnteDemo(
        "Studio di Psicologia Equilibri S.r.l.", IMPR, "Società tra professionisti (S.r.l.)",
        ("Melegnano", "San Donato Milanese"),
        "Psicologi e mediatori familiari per adulti, coppie e genitori.",
        ("psicologo_privato", "mediazione", "spazio_genitori"),
        struttura="Equilibri",
    ),
    EnteDemo(
        "MoviSmart Mobilità S.r.l.", IMPR, "S.r.l.",
        ("Rozzano",),
        "Soluzioni di mobilità casa-lavoro per le aziende.",
        ("mobilita_sostenibile", "mobilita_sostenibile", "navetta_aziendale"),
    ),
    EnteDemo(
        "Residenza Le Magnolie S.r.l.", IMPR, "S.r.l.",
        ("Lacchiarella",),
        "Residenza sanitaria assistenziale privata accreditata.",
        ("rsa", "rsa_sollievo", "cdi"),
        struttura="Le Magnolie",
    ),
    EnteDemo(
        "Smart Lab Consulting S.r.l.", IMPR, "S.r.l.",
        ("Basiglio",),
        "Consulenza organizzativa e formazione digitale.",
        ("smart_working", "corso_digitale", "welfare_consulenza"),
    ),
    EnteDemo(
        "Dopo Scuola Più S.r.l.", IMPR, "S.r.l.",
        ("San Donato Milanese",),
        "Doposcuola, tutor per DSA e centri estivi.",
        ("doposcuola", "sostegno_scolastico", "centro_estivo"),
    ),
    EnteDemo(
        "Lavanderia Il Bucato di Paullo S.n.c.", IMPR, "S.n.c.",
        ("Paullo",),
        "Lavanderia di quartiere con ritiro a domicilio.",
        ("lavanderia", "lavanderia_ritiro"),
        struttura="Il Bucato",
    ),
    EnteDemo(
        "Maggiordomo in Azienda S.r.l.", IMPR, "S.r.l.",
        ("Settala", "Mediglia"),
        "Concierge aziendale per le zone industriali del Paullese.",
        ("maggiordomo", "lavanderia_aziendale", "spesa_impresa"),
    ),
    EnteDemo(
        "Viaggi Sereni NCC S.r.l.", IMPR, "S.r.l.",
        ("Binasco", "Zibido San Giacomo"),
        "Noleggio con conducente per accompagnamenti e navette aziendali.",
        ("trasporto_ncc", "navetta_aziendale", "navetta_notturna"),
    ),
    EnteDemo(
        "Asilo Nido Orsetti S.r.l.", IMPR, "S.r.l.",
        ("Locate di Triulzi",),
        "Nido privato, baby sitting e centro estivo.",
        ("nido_privato", "baby_sitting", "centro_estivo"),
        struttura="Orsetti",
    ),
    # ---------------------------------------------------------------- PIT managers
    # A union and a patronato: they run info points (punti_informazione/demo.py).
    EnteDemo(
        "Sindacato Lavoratori Sud Milano (demo)", TS, "Associazione sindacale",
        ("Rozzano", "Pieve Emanuele", "San Giuliano Milanese"),
        "Organizzazione sindacale del territorio: tutela dei lavoratori, contratti, welfare "
        "aziendale e conciliazione vita-lavoro. Ente dimostrativo.",
        ("sportello_conciliazione",),
    ),
    EnteDemo(
        "Patronato e CAF Sud Milano (demo)", TS, "Patronato e centro di assistenza fiscale",
        ("Rozzano", "Paullo"),
        "Pratiche previdenziali, ISEE, bonus e assegni per le famiglie, dichiarazione dei "
        "redditi. Ente dimostrativo.",
        ("disbrigo_pratiche",),
    ),
)
# fmt: on

# Fiscal codes: 7-digit serial + Milan office code 015 + Luhn check digit (what
# stdnum.it.iva checks). The serials start with 899/979/199, beyond those issued so far.
CF_PREFIX = {PUB: "899", TS: "979", IMPR: "199"}
CF_UFFICIO = "015"

# fmt: off
FESTIVITA = (
    ((1, 1), "Capodanno"), ((1, 6), "Epifania"), ((4, 25), "Festa della Liberazione"),
    ((5, 1), "Festa dei lavoratori"), ((6, 2), "Festa della Repubblica"),
    ((8, 15), "Ferragosto"), ((11, 1), "Ognissanti"), ((12, 8), "Immacolata Concezione"),
    ((12, 25), "Natale"), ((12, 26), "Santo Stefano"),
)
# fmt: on

STATI_BOZZA = 10
STATI_ARCHIVIATO = 5

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DemoResult:
    """What the demo holds after a call; `caricati` says whether this call wrote it."""

    caricati: bool
    enti_per_tipo: dict[str, int]
    sedi: int
    servizi: int
    servizi_per_categoria: dict[str, int] = field(default_factory=dict)
    utenti: tuple[str, ...] = ()

    @property
    def enti(self) -> int:
        return sum(self.enti_per_tipo.values())

    def riepilogo(self) -> str:
        per_tipo = self.enti_per_tipo
        conteggi = (
            f"{self.enti} enti ({per_tipo.get(PUB, 0)} pubblici, "
            f"{per_tipo.get(TS, 0)} del terzo settore, {per_tipo.get(IMPR, 0)} imprese), "
            f"{self.sedi} sedi, {self.servizi} servizi"
        )
        if not self.caricati:
            return (
                f"Dati dimostrativi già presenti: {conteggi}. Nulla da fare "
                "(--reset per ricaricarli)."
            )
        utenti = " e ".join(self.utenti)
        return f"Dati dimostrativi caricati: {conteggi}; utenti {utenti}."


# --------------------------------------------------------------------------- public API


def demo_enti() -> QuerySet[Ente]:
    """The Enti of this demo (demo rows of the benchmark generator excluded)."""
    return Ente.objects.filter(demo=True).exclude(nome__startswith=GENERATED_PREFIX)


def load_demo(*, reset: bool = False) -> DemoResult:
    """Load the demo catalogue and users unless already there; `reset` reloads it.

    For speed the edit history is switched off while the rows are written (a process-wide
    setting: call this from commands and tests, never while serving requests), then each
    Ente, Sede and Servizio gets its creation record, with its categories, places and
    Comuni, in a few bulk inserts.
    """
    with transaction.atomic():
        if demo_enti().exists():
            if not reset:
                return _conteggi(caricati=False)
            delete_demo()
        users = _ensure_demo_users(reset=reset)
        loader = _Loader(referente=users[REFERENTE.username])
        with _history_disabled():
            loader.run()
        _creation_history(loader.enti, loader.sedi, loader.servizi)
        return _conteggi(caricati=True)


@transaction.atomic
def delete_demo() -> None:
    """Delete the demo Enti with their places, services, schedules and edit history.

    The demo users and groups are kept. The history goes too: it only ever described
    invented rows, and a reload gives the new rows new ids.
    """
    enti = demo_enti()
    ente_ids = list(enti.values_list("pk", flat=True))
    servizi = Servizio.objects.filter(ente_id__in=ente_ids)
    servizio_ids = list(servizi.values_list("pk", flat=True))
    orari_ids = list(servizi.exclude(orario=None).values_list("orario_id", flat=True))
    sede_ids = list(Sede.objects.filter(ente_id__in=ente_ids).values_list("pk", flat=True))
    with _history_disabled():
        servizi.delete()
        Orario.objects.filter(pk__in=orari_ids).delete()
        Sede.objects.filter(pk__in=sede_ids).delete()
        Ente.objects.filter(pk__in=ente_ids).delete()
    historical_servizio = Servizio.history.model
    for m2m_field in historical_servizio._history_m2m_fields:
        getattr(historical_servizio, m2m_field.name).model.objects.filter(
            history__id__in=servizio_ids
        ).delete()
    historical_servizio.objects.filter(id__in=servizio_ids).delete()
    Sede.history.model.objects.filter(id__in=sede_ids).delete()
    Ente.history.model.objects.filter(id__in=ente_ids).delete()


# --------------------------------------------------------------------------- internals


def _conteggi(*, caricati: bool) -> DemoResult:
    enti = demo_enti()
    per_tipo = dict.fromkeys((PUB, TS, IMPR), 0)
    for tipo in enti.values_list("tipo", flat=True):
        per_tipo[tipo] = per_tipo.get(tipo, 0) + 1
    servizi = Servizio.objects.filter(ente__in=enti)
    per_categoria = {}
    for radice in Categoria.objects.filter(genitore=None).order_by("ordine", "codice"):
        per_categoria[radice.codice] = (
            servizi.filter(
                Q(categorie__codice=radice.codice)
                | Q(categorie__codice__startswith=f"{radice.codice}.")
            )
            .distinct()
            .count()
        )
    return DemoResult(
        caricati=caricati,
        enti_per_tipo=per_tipo,
        sedi=Sede.objects.filter(ente__in=enti).count(),
        servizi=servizi.count(),
        servizi_per_categoria=per_categoria,
        utenti=tuple(user.username for user in DEMO_USERS),
    )


def _ensure_demo_users(*, reset: bool) -> dict:
    """The two demo users and their groups (created if missing, never duplicated)."""
    servizi_models = [
        model._meta.model_name
        for model in apps.get_app_config("servizi").get_models()
        if not model.__name__.startswith("Historical")
    ]
    crud = (
        Q(codename__startswith="add_")
        | Q(codename__startswith="change_")
        | Q(codename__startswith="view_")
    )
    perms = Permission.objects.filter(content_type__app_label="servizi")
    redazione_perms = perms.filter(crud, content_type__model__in=servizi_models) | perms.filter(
        codename="cura_catalogo"
    )
    referenti_perms = perms.filter(crud, content_type__model__in=REFERENTI_MODELS)
    group_perms = {REDAZIONE.group: redazione_perms, REFERENTE.group: referenti_perms}

    return {
        demo_user.username: ensure_demo_user(
            demo_user, permissions=group_perms[demo_user.group], reset=reset
        )
        for demo_user in DEMO_USERS
    }


def ensure_demo_user(demo_user: DemoUser, *, permissions=(), staff: bool = True, reset=False):
    """A demo user (created if missing, never duplicated), in its group with `permissions`
    (no group when `demo_user.group` is empty); `reset` restores the documented password."""
    User = get_user_model()
    user = User.objects.filter(username=demo_user.username).first()
    if user is None:
        user = User.objects.create_user(
            demo_user.username,
            email=f"{demo_user.username}@demo.example",
            password=demo_user.password,
            first_name=demo_user.first_name,
            last_name=demo_user.last_name,
            is_staff=staff,
        )
    elif reset:
        user.set_password(demo_user.password)
        user.is_staff, user.is_active = staff, True
        user.save()
    if demo_user.group:
        group, _ = Group.objects.get_or_create(name=demo_user.group)
        group.permissions.add(*permissions)
        user.groups.add(group)
    return user


@contextmanager
def _history_disabled() -> Iterator[None]:
    """simple-history's signals off (SIMPLE_HISTORY_ENABLED) for the duration of the block."""
    missing = object()
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", missing)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if previous is missing:
            del settings.SIMPLE_HISTORY_ENABLED
        else:
            settings.SIMPLE_HISTORY_ENABLED = previous


CHANGE_REASON = "Dati dimostrativi"


def _creation_history(enti: list[Ente], sedi: list[Sede], servizi: list[Servizio]) -> None:
    """The "+" record of each row, as simple-history would have written it, in bulk."""
    Ente.history.bulk_history_create(enti, default_change_reason=CHANGE_REASON)
    Sede.history.bulk_history_create(sedi, default_change_reason=CHANGE_REASON)
    records = Servizio.history.bulk_history_create(servizi, default_change_reason=CHANGE_REASON)
    record_of = {record.id: record for record in records}
    historical_servizio = Servizio.history.model
    for m2m_field in historical_servizio._history_m2m_fields:
        m2m_history = getattr(historical_servizio, m2m_field.name).model
        through = m2m_field.remote_field.through
        source = m2m_field.m2m_field_name()
        attnames = [f.attname for f in through._meta.fields]
        rows = through.objects.filter(**{f"{source}__in": list(record_of)}).order_by("pk")
        m2m_history.objects.bulk_create(
            m2m_history(
                history=record_of[getattr(row, f"{source}_id")],
                **{name: getattr(row, name) for name in attnames},
            )
            for row in rows
        )


def _elenco(nomi: list[str]) -> str:
    """Italian list: "A", "A e B", "A, B e C"."""
    return nomi[0] if len(nomi) == 1 else ", ".join(nomi[:-1]) + " e " + nomi[-1]


def _dominio(ente: EnteDemo, comune: str) -> str:
    if ente.forma == COMUNE:
        base = f"comune-{comune}"
    else:
        base = ente.struttura or ente.nome
        for parola in (
            "Cooperativa sociale",
            "Associazione Sportiva Dilettantistica",
            "Associazione",
            "Fondazione",
            "Consorzio",
            " (demo)",
        ):
            base = base.replace(parola, "")
        base = base.split(" S.")[0]
    ascii_base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    return f"{slugify(ascii_base.replace('&', 'e'))}.example"


class _Loader:
    """One load of the demo: every random choice comes from one seeded generator."""

    def __init__(self, *, referente) -> None:
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.referente = referente
        self.titoli: set[str] = set()
        self.enti: list[Ente] = []
        self.sedi: list[Sede] = []
        self.servizi: list[Servizio] = []
        self.nomi_usati: dict[str, set[str]] = {}
        seed_categorie(Categoria)
        self.categorie = {c.codice: c for c in Categoria.objects.all()}
        missing = {c for m in MODELLI.values() for c in m.categorie} - set(self.categorie)
        if missing:
            raise RuntimeError(f"Categorie mancanti: {', '.join(sorted(missing))}.")
        self._load_territory()

    # ------------------------------------------------------------------ territory
    def _load_territory(self) -> None:
        self.ambito_di: dict[str, list[Comune]] = {}
        by_name: dict[str, Comune] = {}
        for ambito in Ambito.objects.order_by("slug").prefetch_related("comuni"):
            members = sorted(ambito.comuni.all(), key=lambda c: c.codice_istat)
            for comune in members:
                self.ambito_di.setdefault(comune.codice_istat, members)
                by_name[comune.nome] = comune
        if not by_name:
            raise RuntimeError(
                "Nessun Ambito caricato: esegui prima «manage.py load_ambiti» "
                "(o load_initial_data)."
            )
        self.comuni = by_name
        self.ripiego = sorted(by_name.values(), key=lambda c: c.codice_istat)

    def _comune(self, nome: str) -> Comune:
        """The district member with this name, or (if a curator removed it) another one."""
        if nome in self.comuni:
            return self.comuni[nome]
        return self.ripiego[sum(map(ord, nome)) % len(self.ripiego)]

    def _punto(self, comune: Comune) -> Point:
        """A point well inside `comune`, clustered around a central point of its territory."""
        geom = comune.geometria
        if not isinstance(geom, MultiPolygon):
            geom = MultiPolygon(geom, srid=4326)
        prepared, boundary = geom.prepared, geom.boundary
        centre = geom.point_on_surface
        xmin, ymin, xmax, ymax = geom.extent
        sx, sy = (xmax - xmin) / 6, (ymax - ymin) / 6
        for _ in range(1000):
            point = Point(
                round(self.rng.gauss(centre.x, sx), 6),
                round(self.rng.gauss(centre.y, sy), 6),
                srid=4326,
            )
            if prepared.covers(point) and boundary.distance(point) > 0.001:
                return point
        return Point(round(centre.x, 6), round(centre.y, 6), srid=4326)

    # ------------------------------------------------------------------ codes and contacts
    def _codici_fiscali(self) -> dict[int, str]:
        """Distinct valid 11-digit codes, skipping any already used by a non-demo Ente."""
        candidates: dict[str, list[str]] = {}
        for tipo, prefix in CF_PREFIX.items():
            first_ten = [f"{prefix}{n:04d}{CF_UFFICIO}" for n in range(1, 400)]
            candidates[tipo] = [c + luhn.calc_check_digit(c) for c in first_ten]
        taken = set(
            Ente.objects.filter(
                codice_fiscale__in=[c for codes in candidates.values() for c in codes]
            ).values_list("codice_fiscale", flat=True)
        )
        free = {
            tipo: iter([c for c in codes if c not in taken]) for tipo, codes in candidates.items()
        }
        return {i: next(free[ente.tipo]) for i, ente in enumerate(ENTI)}

    def _telefono(self) -> str:
        # "02 0…": no Milan subscriber number starts with 0 after the area code.
        return f"02 0{self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}"

    # ------------------------------------------------------------------ schedules
    def _eccezioni(self, modello: Modello) -> list[orari.Eccezione]:
        today, rng = self.today, self.rng
        eccezioni: list[orari.Eccezione] = []
        for chiusura in modello.chiusure:
            if rng.random() > 0.85:
                continue
            if chiusura == "agosto":
                year = today.year if today <= date(today.year, 8, 20) else today.year + 1
                start = date(year, 8, rng.choice((1, 4, 8, 11)))
                end = start + timedelta(days=rng.choice((13, 20)))
                eccezioni.append(orari.Eccezione(start, end, descrizione="Chiusura estiva"))
            elif chiusura == "natale":
                year = today.year - 1 if today <= date(today.year, 1, 6) else today.year
                eccezioni.append(
                    orari.Eccezione(
                        date(year, 12, 24), date(year + 1, 1, 6), descrizione="Vacanze di Natale"
                    )
                )
            elif chiusura == "festivi":
                vigilie = rng.random() < 0.4
                for (month, day), nome in FESTIVITA:
                    when = date(today.year, month, day)
                    if when < today:
                        when = date(today.year + 1, month, day)
                    eccezioni.append(orari.Eccezione(when, when, descrizione=nome))
                if vigilie:  # special hours on 24 and 31 December
                    for day in (24, 31):
                        when = date(today.year, 12, day)
                        if when < today:
                            when = date(today.year + 1, 12, day)
                        eccezioni.append(
                            orari.Eccezione(
                                when,
                                when,
                                chiuso=False,
                                apertura=time(9),
                                chiusura=time(12),
                                descrizione="Orario ridotto",
                            )
                        )
        return sorted(eccezioni, key=lambda e: e.data_inizio)

    # ------------------------------------------------------------------ the load
    def run(self) -> None:
        rng = self.rng
        codici = self._codici_fiscali()
        totale = sum(len(ente.servizi) for ente in ENTI)
        scelti = rng.sample(range(totale), STATI_BOZZA + STATI_ARCHIVIATO)
        stati = dict.fromkeys(scelti[:STATI_BOZZA], "bozza") | dict.fromkeys(
            scelti[STATI_BOZZA:], "archiviato"
        )
        indice_referente = next(i for i, e in enumerate(ENTI) if e.nome == REFERENTE_ENTE)
        da_verificare = set(rng.sample([i for i in range(len(ENTI)) if i != indice_referente], 6))
        sospeso = min(da_verificare)
        n_servizio = 0
        for i, spec in enumerate(ENTI):
            comune_principale = self._comune(spec.comuni[0])
            dominio = _dominio(spec, comune_principale.nome)
            codice = codici[i]
            stato_verifica = (
                "sospeso"
                if i == sospeso
                else "da_verificare"
                if i in da_verificare
                else "verificato"
            )
            is_referente = i == indice_referente
            ente = ente_create(
                nome=spec.nome,
                tipo=spec.tipo,
                forma_giuridica=spec.forma,
                codice_fiscale=codice,
                partita_iva=codice if self._ha_partita_iva(spec) else "",
                email=("servizisociali" if spec.forma == COMUNE else "info") + f"@{dominio}",
                telefono=self._telefono(),
                sito_web=f"https://www.{dominio}/" if rng.random() < 0.8 else "",
                descrizione=spec.descrizione,
                stato_verifica=stato_verifica,
                demo=True,
                referenti=[self.referente] if is_referente else [],
            )
            self.enti.append(ente)
            sedi = self._sedi(ente, spec)
            self.sedi.extend(sedi)
            occorrenze: Counter[str] = Counter()
            primo_indice: dict[str, int] = {}
            for chiave in spec.servizi:
                servizio = self._servizio(
                    ente,
                    spec,
                    sedi,
                    chiave,
                    occorrenze[chiave],
                    primo_indice,
                    dominio,
                    stati.get(n_servizio, "pubblicato"),
                )
                self.servizi.append(servizio)
                occorrenze[chiave] += 1
                n_servizio += 1

    def _ha_partita_iva(self, spec: EnteDemo) -> bool:
        if spec.tipo == IMPR:
            return self.rng.random() < 0.85
        return "Cooperativa" in spec.forma and self.rng.random() < 0.5

    def _sedi(self, ente: Ente, spec: EnteDemo) -> list[Sede]:
        rng, sedi = self.rng, []
        for j, nome_comune in enumerate(spec.comuni):
            comune = self._comune(nome_comune)
            if spec.forma == COMUNE:
                nome = ("Ufficio Servizi Sociali", "Centro civico", "Polo sociale")[j % 3]
            elif j == 0:
                nome = "Sede principale"
            elif spec.comuni.count(nome_comune) > 1:
                nome = f"Sede operativa {j + 1}"
            else:
                nome = f"Sede di {comune.nome}"
            accessibile = rng.random() < 0.8
            sede = sede_create(
                ente=ente,
                punto=self._punto(comune),
                nome=nome,
                indirizzo=f"{rng.choice(VIE)} {rng.randint(1, 120)}",
                cap=CAP.get(comune.codice_istat, CAP_DEFAULT),
                accesso_senza_barriere=accessibile,
                bagno_accessibile=accessibile and rng.random() < 0.7,
                parcheggio=rng.random() < 0.5,
                note_accessibilita=rng.choice(NOTE_ACCESSIBILITA),
                demo=True,
            )
            if sede.comune_id != comune.codice_istat:
                raise RuntimeError(f"La sede {sede} non cade in {comune.nome}.")
            sedi.append(sede)
        return sedi

    def _nome(self, chiave: str, modello: Modello, spec: EnteDemo) -> str:
        if spec.struttura:
            return spec.struttura
        if not modello.nomi:
            return ""
        usati = self.nomi_usati.setdefault(chiave, set())
        liberi = [n for n in modello.nomi if n not in usati] or list(modello.nomi)
        nome = self.rng.choice(liberi)
        usati.add(nome)
        return nome

    def _titolo(self, modello: Modello, valori: dict[str, str], spec: EnteDemo) -> str:
        rng = self.rng
        templates = list(modello.titoli)
        first = rng.choice(templates)
        candidates = [first] + [t for t in templates if t != first]
        titles = [t.format_map(valori) for t in candidates]
        titles += [f"{titles[0]} – {valori['comune']}", f"{titles[0]} ({spec.nome})"]
        for title in titles:
            if title not in self.titoli:
                break
        self.titoli.add(title)
        return title

    def _servizio(
        self,
        ente: Ente,
        spec: EnteDemo,
        sedi: list[Sede],
        chiave: str,
        occorrenza: int,
        primo_indice: dict[str, int],
        dominio: str,
        stato: str,
    ) -> Servizio:
        rng, modello = self.rng, MODELLI[chiave]
        # Where: the n-th service of the same kind goes to the next place of the Ente.
        if chiave not in primo_indice:
            primo_indice[chiave] = rng.randrange(len(sedi))
        sede = sedi[(primo_indice[chiave] + occorrenza) % len(sedi)]
        comune = sede.comune
        servizio_sedi = [sede]
        if len(sedi) > 1 and not modello.domicilio and rng.random() < 0.15:
            servizio_sedi = list(sedi)
        copertura: list[Comune] = []
        if modello.domicilio:
            if spec.forma == COMUNE:
                copertura = [comune]
            else:
                membri = self.ambito_di.get(comune.codice_istat, [comune])
                k = rng.randint(min(3, len(membri)), len(membri))
                copertura = sorted({comune, *rng.sample(membri, k)}, key=lambda c: c.codice_istat)
            if modello.solo_domicilio and rng.random() < 0.6:
                servizio_sedi = []
        valori = {
            "comune": comune.nome,
            "comuni": _elenco([c.nome for c in copertura]) if copertura else comune.nome,
            "nome": self._nome(chiave, modello, spec),
        }
        titolo = self._titolo(modello, valori, spec)
        frasi = [rng.choice(gruppo) for gruppo in modello.testo[:2]]
        frasi += [rng.choice(gruppo) for gruppo in modello.testo[2:] if rng.random() < 0.75]
        eta_min, eta_max = rng.choice(modello.eta) if modello.eta else (None, None)
        costo, costo_descrizione = rng.choice(modello.costi)
        lingue = ["it"] + [lingua for lingua in modello.lingue if rng.random() < 0.35]
        if stato == "bozza":
            verificato_il = None
        elif stato == "archiviato":
            verificato_il = self.today - timedelta(days=rng.randint(400, 730))
        elif rng.random() < 0.25:  # to re-verify: older than a year
            verificato_il = self.today - timedelta(days=rng.randint(366, 730))
        else:
            verificato_il = self.today - timedelta(days=rng.randint(3, 360))
        email = ente.email
        if rng.random() < 0.4:
            email = f"{chiave.replace('_', '-')}@{dominio}"
        sito_web = ""
        if ente.sito_web and rng.random() < 0.6:
            sito_web = f"{ente.sito_web}servizi/{slugify(titolo)[:80]}"
        return servizio_create(
            ente=ente,
            titolo=titolo,
            categorie=[self.categorie[codice] for codice in modello.categorie],
            sedi=servizio_sedi,
            comuni_copertura=copertura,
            fasce=orari.parse_orario(rng.choice(modello.orari)),
            eccezioni=self._eccezioni(modello),
            descrizione=" ".join(frasi).format_map(valori),
            destinatari=list(modello.destinatari),
            eta_min=eta_min,
            eta_max=eta_max,
            modalita_accesso=rng.choice(modello.accesso),
            costo=costo,
            costo_descrizione=costo_descrizione,
            requisiti=rng.choice(modello.requisiti),
            lingue=lingue,
            email=email,
            telefono=ente.telefono if rng.random() < 0.7 else self._telefono(),
            sito_web=sito_web,
            stato=stato,
            verificato_il=verificato_il,
            demo=True,
        )
