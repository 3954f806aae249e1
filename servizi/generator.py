"""A synthetic catalogue for benchmarks: Enti, Sedi and Servizi spread over a region's Comuni.

Everything is written with set-based SQL (`INSERT … SELECT … FROM generate_series`),
never through the ORM: a million services take minutes, not hours, and the edit
history (simple-history) is deliberately left untouched.

Randomness comes from `hashint8extended(index, salt)`, a hash of the generation
index and of the seed: the same seed on the same territory and taxonomy gives the
same catalogue, whatever order PostgreSQL happens to produce rows in.

Generated rows are recognisable and removable: every Ente, Sede and Servizio has
`demo=True`, and every generated Ente is named with `PREFIX`. `delete_generated`
removes exactly those Enti and what hangs from them; hand-made demo data (demo=True
without the prefix) is never touched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from tqdm import tqdm

from geo_data import boundaries
from geo_data.models import Comune

from .models import Categoria, Ente

PREFIX = "[generato] "
MAX_SERVICES = 5_000_000
SERVICES_PER_ENTE = 10
BATCH_SIZE = 100_000
# For this transaction only: hash joins over a batch (and the deletions) stay in memory.
WORK_MEM = "128MB"

TOUCHED_TABLES = [
    "servizi_ente",
    "servizi_sede",
    "servizi_orario",
    "servizi_fasciaoraria",
    "servizi_servizio",
    "servizi_servizio_categorie",
    "servizi_servizio_sedi",
]


class GenerationError(ValueError):
    """The request cannot be satisfied; the message is for the user (Italian)."""


# --------------------------------------------------------------------------- word lists
# fmt: off
# Enti: legal forms per kind, with the share of each kind.
FORME = {
    "pubblico": [
        "Comune",
        "Azienda speciale consortile",
        "Azienda socio-sanitaria territoriale",
        "Unione di Comuni",
        "Consorzio servizi sociali",
    ],
    "terzo_settore": [
        "Cooperativa sociale",
        "Associazione di promozione sociale",
        "Organizzazione di volontariato",
        "Fondazione",
        "Impresa sociale",
        "Associazione",
    ],
    "impresa": ["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "S.r.l.s."],
}
QUOTE_TIPO = [("pubblico", 0.15), ("terzo_settore", 0.45), ("impresa", 0.40)]
NOMI_FANTASIA = [
    "Il Girasole", "Arcobaleno", "La Quercia", "Il Melograno", "Il Sorriso",
    "Nuovi Orizzonti", "La Rete", "Il Ponte", "Filo d'Argento", "Mani Amiche",
    "La Bussola", "Il Faro", "Primavera", "L'Aquilone", "Il Cerchio", "La Tartaruga",
    "Il Sole", "La Betulla", "Il Glicine", "Insieme", "Solidarietà", "La Fenice",
    "Il Seme", "La Lanterna", "Il Mosaico", "L'Approdo", "La Sorgente", "Il Germoglio",
    "Casa Aperta", "Passo dopo Passo", "La Cordata", "Il Sentiero", "Tempo Amico",
    "La Meridiana", "Il Noce", "L'Albero", "Vela Blu", "Il Volo", "Stella Polare",
]
NOMI_IMPRESA = [
    "Servizi Integrati", "Casa Felice", "CleanTime", "Welfare Plus", "Lombarda Servizi",
    "Pulito Express", "Mobilità Verde", "Assistenza Amica", "Family Care", "Tempo Facile",
    "Salute e Movimento", "Formazione Lavoro", "Smart Office", "Domus Service",
    "Benessere Quotidiano", "ProCura", "Vita Attiva", "Bianco Pulito", "Help Point",
    "Concierge Italia", "Agile Consulting", "Dolce Casa", "Pronto Famiglia",
]
VIE = [
    "Via Roma", "Via Giuseppe Garibaldi", "Piazza della Repubblica", "Via Giuseppe Mazzini",
    "Corso Italia", "Via Dante Alighieri", "Viale Europa", "Via Giuseppe Verdi",
    "Via Alessandro Manzoni", "Via Cavour", "Via XX Settembre", "Via Giacomo Matteotti",
    "Via Guglielmo Marconi", "Via San Francesco", "Via Papa Giovanni XXIII",
    "Via Leonardo da Vinci", "Via Alessandro Volta", "Via dei Mille", "Via Vittorio Veneto",
    "Via IV Novembre", "Via Milano", "Via Como", "Via della Libertà", "Via Trieste",
    "Via Trento", "Piazza del Mercato", "Via delle Rimembranze", "Via Don Minzoni",
    "Via Cesare Battisti", "Via Aldo Moro",
]
# CAP prefixes by province (Lombardy); elsewhere a generic 00100-00199.
CAP_PROVINCIA = {
    "MI": "201", "BG": "240", "BS": "250", "CO": "220", "CR": "260", "LC": "238",
    "LO": "269", "MN": "460", "MB": "208", "PV": "270", "SO": "230", "VA": "210",
}

# Weekly schedules: (giorni, apertura, chiusura) triples; 0 = Monday.
FERIALI = (0, 1, 2, 3, 4)
PATTERNS: list[list[tuple[tuple[int, ...], str, str]]] = [
    [(FERIALI, "09:00", "13:00")],  # 0
    [(FERIALI, "09:00", "13:00"), ((0, 2), "14:30", "18:00")],  # 1
    [(FERIALI, "08:30", "12:30"), (FERIALI, "14:00", "17:30")],  # 2
    [(FERIALI, "07:30", "18:00")],  # 3: nursery
    [((0, 1, 2, 3, 4, 5), "09:00", "12:30")],  # 4
    [((1, 3), "14:00", "18:00"), ((5,), "09:00", "12:00")],  # 5
    [(FERIALI, "16:00", "19:30")],  # 6
    [((0, 1, 2, 3, 4, 5, 6), "08:00", "20:00")],  # 7: every day
    [((0, 2, 4), "09:00", "12:00")],  # 8
    [(FERIALI, "07:30", "08:30"), (FERIALI, "16:30", "18:30")],  # 9: before/after school
    [(FERIALI, "09:00", "18:00"), ((5,), "09:00", "13:00")],  # 10
]
PATTERNS_SABATO = [i for i, p in enumerate(PATTERNS) if any(5 in g for g, _, _ in p)]


@dataclass(frozen=True)
class Lessico:
    """What a leaf category contributes to its services."""

    titoli: list[str]
    frasi: list[str]
    destinatari: list[str] = field(default_factory=lambda: ["famiglie"])
    eta: list[tuple[int | None, int | None]] = field(default_factory=lambda: [(None, None)])
    orari: list[int] = field(default_factory=lambda: [0, 1, 2, 4, 8])


SUFFISSI = {
    "infanzia": [
        "Arcobaleno", "Girotondo", "Peter Pan", "Il Trenino", "Coccinella", "Piccoli Passi",
        "Mondo Bambino", "Il Pulcino", "Bolle di Sapone", "La Tana dei Cuccioli", "Il Bruco",
        "Stella Stellina", "Il Grillo Parlante", "Pollicino", "Le Api", "Gioco e Imparo",
    ],
    "anziani": [
        "Filo d'Argento", "Villa Serena", "Il Sorriso", "Età d'Oro", "Casa Amica",
        "Giorni Sereni", "La Quercia", "Sempre Insieme", "Il Focolare", "Anni Verdi",
        "La Pergola", "San Giuseppe",
    ],
    "disabilita": [
        "Oltre", "Il Ponte", "Abilità", "Insieme si può", "Il Girasole", "Spazio Autonomia",
        "Liberi di Crescere", "Senza Barriere", "L'Abbraccio", "Il Timone",
    ],
    "salva-tempo": [
        "express", "Tempo Libero", "facile", "smart", "in 24 ore", "di quartiere",
        "Pronto Casa", "Family Service", "a chilometro zero", "Time Saver", "su misura",
    ],
    "salute": [
        "Benessere", "Vita Sana", "Salute Più", "In Forma", "Movimento Libero", "Equilibrio",
        "Cuore Sano", "Respiro",
    ],
    "consulenza": [
        "Ascolto", "Spazio Famiglia", "Punto d'Incontro", "Dialogo", "La Bussola",
        "Equilibri", "Parole Nuove", "Il Nido delle Parole",
    ],
    "trasporti": [
        "Mobilità Amica", "In Viaggio", "Porta a Porta", "Ruote Solidali", "Navetta Blu",
        "Andiamo Insieme", "Strade Aperte",
    ],
    "formazione": [
        "Competenze", "Impara", "Crescere", "Academy", "Laboratorio", "Saperi", "Nuove Abilità",
    ],
    "welfare-aziendale": [
        "Welfare Plus", "Conciliazione", "Work Life", "Benessere in azienda", "Flex",
        "Persone al Centro", "Tempo e Lavoro",
    ],
}
SUFFISSI_GENERICI = ["Insieme", "Amico", "Più", "Solidale", "Vicino a te", "Comunità"]

LESSICO: dict[str, Lessico] = {
    "infanzia.nido": Lessico(
        ["Asilo nido", "Micronido", "Nido famiglia", "Nido aziendale", "Sezione primavera",
         "Spazio gioco"],
        ["Accoglie bambine e bambini da 3 mesi a 3 anni con educatrici qualificate.",
         "Inserimento graduale, pasti preparati nella cucina interna e menù approvato dall'ATS.",
         "Ampio giardino attrezzato, laboratori sensoriali e attività all'aperto.",
         "Orario flessibile con part-time mattutino e tempo pieno fino alle 18.",
         "Posti convenzionati con il Comune e con le aziende del territorio."],
        ["famiglie", "minori"], [(0, 3), (0, 3), (1, 3)], [3, 3, 2, 10],
    ),
    "infanzia.baby-sitting": Lessico(
        ["Baby sitting", "Tata a domicilio", "Servizio baby sitter", "Baby sitter a ore",
         "Tata condivisa"],
        ["Baby sitter selezionate e formate in primo soccorso pediatrico.",
         "Servizio a ore, anche serale e nei fine settimana, su prenotazione.",
         "Accompagnamento a scuola e alle attività sportive, aiuto nei compiti.",
         "Sostituzioni rapide in caso di malattia dei bambini o chiusura della scuola."],
        ["famiglie", "minori"], [(0, 12), (0, 10), (1, 14)], [6, 7, 10],
    ),
    "infanzia.pre-post-scuola": Lessico(
        ["Pre e post scuola", "Pre-scuola", "Doposcuola", "Spazio compiti", "Post scuola"],
        ["Accoglienza prima dell'inizio delle lezioni e sorveglianza dopo l'uscita.",
         "Aiuto nello svolgimento dei compiti con educatori e volontari.",
         "Merenda, giochi di gruppo e laboratori creativi nel pomeriggio.",
         "Servizio attivo nei giorni di scuola, anche durante le giornate di sciopero."],
        ["famiglie", "minori"], [(6, 11), (6, 14), (3, 6)], [9, 9, 6],
    ),
    "infanzia.centri-estivi": Lessico(
        ["Centro estivo", "Campo estivo", "Centro ricreativo estivo", "Summer camp",
         "Grest estivo"],
        ["Settimane estive con giochi, piscina, gite e laboratori all'aria aperta.",
         "Iscrizione settimanale da giugno a settembre, pranzo incluso.",
         "Attività sportive, inglese in gioco e uscite sul territorio.",
         "Apertura anticipata per i genitori che lavorano."],
        ["famiglie", "minori"], [(3, 14), (6, 14), (3, 6), (11, 17)], [3, 10],
    ),
    "anziani.assistenza-domiciliare": Lessico(
        ["Assistenza domiciliare anziani", "Servizio di assistenza domiciliare (SAD)",
         "Aiuto a domicilio", "Assistenza domiciliare integrata", "Cura della persona a casa"],
        ["Operatori socio-sanitari a domicilio per igiene personale, pasti e compagnia.",
         "Aiuto nelle faccende domestiche e nella gestione dei farmaci.",
         "Piano di assistenza personalizzato concordato con la famiglia e il medico.",
         "Interventi anche nel fine settimana e nei giorni festivi."],
        ["anziani", "famiglie"], [(65, None), (None, None)], [2, 4, 7, 10],
    ),
    "anziani.centri-diurni": Lessico(
        ["Centro diurno anziani", "Centro diurno integrato", "Centro di aggregazione anziani",
         "Centro sociale anziani"],
        ["Accoglienza diurna con attività di animazione, ginnastica dolce e pranzo.",
         "Trasporto dal domicilio al centro e ritorno.",
         "Assistenza infermieristica e fisioterapia leggera durante la giornata.",
         "Laboratori di memoria, musica e orto condiviso."],
        ["anziani"], [(65, None), (60, None)], [2, 3, 10],
    ),
    "anziani.rsa": Lessico(
        ["RSA", "Residenza sanitaria assistenziale", "Residenza per anziani",
         "Casa di riposo", "Ricoveri di sollievo in RSA"],
        ["Residenza con assistenza medica e infermieristica continua.",
         "Ricoveri temporanei di sollievo per dare respiro a chi assiste.",
         "Camere singole e doppie, giardino e animazione quotidiana.",
         "Visite dei familiari tutti i giorni, anche nel fine settimana."],
        ["anziani", "disabili"], [(65, None), (None, None)], [7, 7, 10],
    ),
    "anziani.badanti": Lessico(
        ["Ricerca badanti", "Sportello assistenti familiari", "Badante convivente",
         "Assistente familiare a ore", "Registro assistenti familiari"],
        ["Selezione di assistenti familiari qualificate e iscritte al registro territoriale.",
         "Supporto per il contratto di lavoro domestico e le pratiche INPS.",
         "Sostituzioni durante ferie e malattia dell'assistente familiare.",
         "Colloqui di orientamento per le famiglie che cercano una badante."],
        ["anziani", "famiglie"], [(None, None)], [0, 1, 5, 8],
    ),
    "disabilita.servizi-diurni": Lessico(
        ["Centro diurno disabili", "Centro socio-educativo", "Servizio di formazione "
         "all'autonomia", "Laboratorio occupazionale"],
        ["Percorsi educativi e laboratori per persone con disabilità.",
         "Attività di autonomia personale, uso dei mezzi pubblici e del denaro.",
         "Laboratori di falegnameria, cucina, teatro e orticoltura.",
         "Trasporto attrezzato dal domicilio."],
        ["disabili", "famiglie"], [(18, 65), (16, None), (None, None)], [2, 3],
    ),
    "disabilita.sostegno-scolastico": Lessico(
        ["Assistenza educativa scolastica", "Sostegno scolastico", "Educatore a scuola",
         "Tutor per i compiti", "Assistenza alla comunicazione"],
        ["Educatori a scuola per l'autonomia e l'integrazione degli alunni con disabilità.",
         "Assistenza alla comunicazione per alunni sordi e ciechi, anche in LIS.",
         "Supporto ai compiti e metodo di studio per ragazzi con DSA.",
         "Raccordo con insegnanti, neuropsichiatria e famiglia."],
        ["disabili", "minori", "famiglie"], [(3, 18), (6, 14), (11, 19)], [0, 2, 6],
    ),
    "disabilita.sollievo": Lessico(
        ["Sollievo alle famiglie", "Weekend di sollievo", "Pronto sollievo", "Tempo per te",
         "Respite care"],
        ["Accoglienza temporanea per dare respiro ai familiari che assistono.",
         "Fine settimana di autonomia in appartamento con educatori.",
         "Ore di sollievo a domicilio con operatori formati.",
         "Vacanze estive accompagnate per persone con disabilità."],
        ["disabili", "famiglie"], [(None, None), (6, None)], [5, 7, 10],
    ),
    "salva-tempo.lavanderia": Lessico(
        ["Lavanderia e stireria", "Stireria", "Lavanderia", "Lavaggio e stiratura",
         "Servizio guardaroba"],
        ["Ritiro e consegna dei capi in ufficio o a domicilio.",
         "Lavaggio ad acqua e a secco, stiratura di camicie e piumoni.",
         "Consegna entro 24 ore e abbonamenti mensili per le famiglie.",
         "Prodotti ecologici e piccole riparazioni sartoriali."],
        ["famiglie", "lavoratori"], [(None, None)], [4, 6, 10],
    ),
    "salva-tempo.spesa-domicilio": Lessico(
        ["Spesa a domicilio", "Consegna della spesa", "Spesa sospesa", "Spesa solidale",
         "Consegna pasti a domicilio"],
        ["Ordini per telefono o via web e consegna in giornata.",
         "Consegna di farmaci e pasti caldi a chi non può uscire di casa.",
         "Volontari che fanno la spesa per anziani e persone fragili.",
         "Prodotti del territorio e consegna in fasce orarie a scelta."],
        ["famiglie", "anziani", "lavoratori"], [(None, None)], [4, 7, 10],
    ),
    "salva-tempo.disbrigo-pratiche": Lessico(
        ["Disbrigo pratiche", "Sportello pratiche", "Agenzia pratiche", "Sportello CAF",
         "Assistenza pratiche online"],
        ["Aiuto per ISEE, 730, bonus e domande online con SPID.",
         "Prenotazione di visite, certificati e rinnovo dei documenti.",
         "Consegna e ritiro di documenti presso uffici pubblici.",
         "Supporto per pratiche di successione, utenze e condominio."],
        ["famiglie", "lavoratori", "anziani"], [(None, None), (18, None)], [0, 1, 5, 8],
    ),
    "salva-tempo.maggiordomo-aziendale": Lessico(
        ["Maggiordomo aziendale", "Portineria aziendale", "Concierge aziendale",
         "Servizi salva-tempo in azienda"],
        ["Un punto in azienda dove lasciare lavanderia, pacchi e commissioni.",
         "Ritiro di farmaci, revisione dell'auto e piccole riparazioni durante l'orario di "
         "lavoro.",
         "Servizio incluso nei piani di welfare aziendale.",
         "Prenotazioni via app e consegna alla scrivania."],
        ["lavoratori", "imprese"], [(18, None)], [0, 2, 10],
    ),
    "salute.prevenzione": Lessico(
        ["Visite di prevenzione", "Ambulatorio infermieristico", "Screening", "Check-up",
         "Punto prelievi"],
        ["Misurazione della pressione, glicemia e controlli periodici.",
         "Campagne di screening e vaccinazioni in collaborazione con l'ATS.",
         "Prelievi del sangue senza prenotazione al mattino.",
         "Visite specialistiche a tariffa agevolata per i lavoratori convenzionati."],
        ["famiglie", "anziani", "lavoratori"], [(None, None), (18, None), (50, None)],
        [0, 1, 4, 8],
    ),
    "salute.sport-benessere": Lessico(
        ["Ginnastica dolce", "Palestra", "Corsi di yoga", "Acquagym", "Gruppi di cammino",
         "Pilates"],
        ["Corsi per tutte le età con istruttori qualificati.",
         "Attività motoria adattata per anziani e persone con disabilità.",
         "Lezioni in pausa pranzo e la sera per chi lavora.",
         "Gruppi di cammino nei parchi della città."],
        ["famiglie", "anziani", "lavoratori"], [(None, None), (14, None), (60, None)],
        [6, 10, 5],
    ),
    "consulenza.psicologica": Lessico(
        ["Sostegno psicologico", "Sportello psicologico", "Consulenza psicologica",
         "Psicoterapia", "Gruppi di auto mutuo aiuto"],
        ["Colloqui individuali con psicologi e psicoterapeuti.",
         "Sostegno per ansia, stress da lavoro e momenti di crisi.",
         "Gruppi di auto mutuo aiuto per caregiver e familiari.",
         "Primo colloquio gratuito, poi tariffa calmierata."],
        ["famiglie", "lavoratori", "minori"], [(None, None), (18, None), (14, 25)],
        [1, 5, 6, 8],
    ),
    "consulenza.familiare": Lessico(
        ["Consultorio familiare", "Mediazione familiare", "Centro per la famiglia",
         "Consulenza di coppia", "Spazio neutro"],
        ["Sostegno alla coppia e mediazione nei momenti di separazione.",
         "Consulenze ostetriche, ginecologiche e percorsi nascita.",
         "Spazio neutro per incontri protetti tra genitori e figli.",
         "Consulenza legale e psicologica per le famiglie."],
        ["famiglie"], [(None, None)], [1, 2, 5],
    ),
    "consulenza.genitorialita": Lessico(
        ["Sostegno alla genitorialità", "Scuola per genitori", "Spazio mamme",
         "Corso preparto", "Gruppo neogenitori"],
        ["Incontri per neogenitori su allattamento, sonno e svezzamento.",
         "Consulenza educativa per genitori di bambini e adolescenti.",
         "Gruppi di confronto tra genitori con un facilitatore.",
         "Visite domiciliari di ostetriche nelle prime settimane di vita."],
        ["famiglie", "minori"], [(None, None), (0, 3), (0, 18)], [1, 5, 8],
    ),
    "trasporti.accompagnamento": Lessico(
        ["Trasporto sociale", "Accompagnamento a visite mediche", "Trasporto disabili",
         "Taxi sociale", "Servizio navetta"],
        ["Accompagnamento con mezzi attrezzati a visite, terapie e centri diurni.",
         "Volontari autisti per anziani e persone con disabilità.",
         "Prenotazione con almeno due giorni di anticipo.",
         "Trasporto scolastico per alunni con disabilità."],
        ["anziani", "disabili", "famiglie"], [(None, None), (65, None)], [2, 4, 10],
    ),
    "trasporti.mobilita-casa-lavoro": Lessico(
        ["Navetta aziendale", "Car pooling aziendale", "Bike sharing aziendale",
         "Mobilità casa-lavoro", "Abbonamenti agevolati"],
        ["Navette dalla stazione alle zone industriali negli orari dei turni.",
         "Piattaforma per organizzare il car pooling tra colleghi.",
         "Abbonamenti ai mezzi pubblici scontati per i dipendenti.",
         "Consulenza del mobility manager per le aziende."],
        ["lavoratori", "imprese"], [(18, None)], [3, 7, 10],
    ),
    "formazione.lavoratori": Lessico(
        ["Corso di formazione", "Corso di informatica", "Corso di lingua inglese",
         "Formazione continua", "Corso per la sicurezza sul lavoro"],
        ["Corsi serali e online per aggiornare le competenze.",
         "Formazione finanziata dai fondi interprofessionali.",
         "Attestato finale e orientamento al lavoro.",
         "Piccoli gruppi e docenti con esperienza aziendale."],
        ["lavoratori", "imprese"], [(18, None), (16, 29)], [6, 5, 10],
    ),
    "formazione.caregiver": Lessico(
        ["Corso per caregiver", "Scuola di assistenza familiare", "Formazione per badanti",
         "Corso OSS", "Laboratorio per caregiver"],
        ["Come assistere a casa un familiare non autosufficiente: mobilizzazione e igiene.",
         "Lezioni pratiche con infermieri e fisioterapisti.",
         "Corsi di italiano e di assistenza per assistenti familiari straniere.",
         "Incontri sulla demenza e sul sostegno a chi assiste."],
        ["famiglie", "lavoratori"], [(18, None)], [5, 6, 8],
    ),
    "welfare-aziendale.consulenza": Lessico(
        ["Consulenza welfare aziendale", "Piano di welfare aziendale", "Sportello welfare",
         "Rete welfare per le PMI"],
        ["Progettazione del piano di welfare per piccole e medie imprese.",
         "Analisi dei bisogni dei dipendenti e scelta dei servizi.",
         "Convenzioni con i servizi del territorio per i lavoratori.",
         "Aggregazione di PMI per accedere ai bandi regionali di conciliazione."],
        ["imprese", "lavoratori"], [(None, None)], [0, 2, 8],
    ),
    "welfare-aziendale.smart-working": Lessico(
        ["Consulenza smart working", "Lavoro agile", "Coworking", "Spazio di coworking",
         "Accordi di lavoro agile"],
        ["Supporto alle aziende per introdurre il lavoro agile.",
         "Postazioni di coworking vicino a casa per chi lavora da remoto.",
         "Formazione per manager e lavoratori sul lavoro per obiettivi.",
         "Modelli di accordo individuale e policy aziendali."],
        ["imprese", "lavoratori"], [(18, None), (None, None)], [2, 10, 7],
    ),
}

FRASI_GENERICHE = [
    "Per informazioni e iscrizioni contattare la segreteria.",
    "Il servizio è attivo tutto l'anno, con chiusura in agosto.",
    "Possibilità di colloquio conoscitivo gratuito.",
    "Personale qualificato e formato regolarmente.",
    "Servizio accreditato e convenzionato con il Comune.",
    "Si accettano voucher e buoni del welfare aziendale.",
    "Sportello aperto anche il sabato mattina su appuntamento.",
    "Ampio parcheggio e fermata dell'autobus vicina.",
]
REQUISITI = [
    "Residenza in uno dei Comuni dell'ambito.",
    "Certificazione ISEE in corso di validità.",
    "Invio da parte dei servizi sociali del Comune di residenza.",
    "Dipendenti delle aziende convenzionate.",
    "Prescrizione del medico di medicina generale.",
]
UNITA_COSTO = ["l'ora", "al mese", "a seduta", "a settimana", "a prestazione", "a viaggio"]
# Languages besides Italian, the most common first (the draw favours the head of the list).
LINGUE_EXTRA = [
    "en", "fr", "es", "ar", "ro", "de", "sq", "zh", "uk", "ru", "pt", "tl", "bn", "ur", "hi",
    "wo", "lis",
]
# fmt: on


# --------------------------------------------------------------------------- helpers
def _sql_text_array(values: list[str]) -> str:
    """A literal text[] (our own constants, quoted: never user input)."""
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


class _Hash:
    """SQL expressions drawing deterministic pseudo-random values from an index and the seed."""

    def __init__(self, seed: int):
        self.seed = seed

    def _salt(self, salt: int) -> int:
        return (self.seed * 1_000_003 + salt * 7_919) % (1 << 62)

    def raw(self, expr: str, salt: int) -> str:
        return f"hashint8extended(({expr})::bigint, {self._salt(salt)})"

    def uniform(self, expr: str, salt: int) -> str:
        """A float in [0, 1)."""
        return f"(({self.raw(expr, salt)} & 281474976710655)::float8 / 281474976710656.0)"

    def below(self, expr: str, salt: int, n: str | int) -> str:
        """An integer in [0, n)."""
        return f"mod({self.raw(expr, salt)} & 2147483647, {n})::int"


def resolve_region(regione: str) -> str | None:
    """The official region name (None = all of Italy), which must have Comuni loaded."""
    try:
        region = boundaries.resolve_region(regione)
    except boundaries.UnknownRegion as error:
        raise GenerationError(str(error)) from error
    comuni = Comune.objects.all() if region is None else Comune.objects.filter(regione=region)
    if not comuni.exists():
        label = region or boundaries.ALL_REGIONS
        raise GenerationError(
            f"Nessun Comune di «{label}» nel database: caricali prima con "
            f'`manage.py load_comuni --regione "{label}"`.'
        )
    return region


def _migliaia(number: int) -> str:
    return f"{number:_}".replace("_", ".")


def validate_services(services: int) -> None:
    if not 1 <= services <= MAX_SERVICES:
        raise GenerationError(
            f"Il numero di servizi deve essere tra 1 e {_migliaia(MAX_SERVICES)} "
            f"(ricevuto: {_migliaia(services)})."
        )


def _leaves() -> list[tuple[int, str, str, str]]:
    """(categoria_id, codice, nome, root codice) of the leaf categories, grouped by root."""
    categorie = list(Categoria.objects.select_related("genitore").order_by("codice"))
    with_children = {c.genitore_id for c in categorie if c.genitore_id}
    by_id = {c.id: c for c in categorie}

    def root_of(categoria: Categoria) -> Categoria:
        while categoria.genitore_id:
            categoria = by_id[categoria.genitore_id]
        return categoria

    leaves = [(c, root_of(c)) for c in categorie if c.id not in with_children]
    leaves.sort(key=lambda leaf: (leaf[1].ordine, leaf[1].codice, leaf[0].codice))
    return [(c.id, c.codice, c.nome, root.codice) for c, root in leaves]


# --------------------------------------------------------------------------- deletion
@dataclass
class Deleted:
    enti: int = 0
    sedi: int = 0
    servizi: int = 0
    orari: int = 0
    fasce: int = 0


def _delete_generated(cursor) -> Deleted:
    """Remove the generated Enti and everything hanging from them (raw SQL, no history).

    Each DELETE joins a temporary table of ids (a hash or merge join: never an `IN`
    under an `OR`, which PostgreSQL cannot turn into a join).
    """
    try:
        with transaction.atomic():
            return _delete_generated_rows(cursor)
    except IntegrityError as error:
        raise GenerationError(
            "Impossibile eliminare i dati generati: altre righe vi fanno ancora riferimento "
            f"({error}). Nessuna riga è stata eliminata."
        ) from error


def _delete_generated_rows(cursor) -> Deleted:
    deleted = Deleted()
    cursor.execute(
        "DROP TABLE IF EXISTS gen_del_ente, gen_del_sede, gen_del_servizio, gen_del_orario"
    )
    cursor.execute(
        "CREATE TEMP TABLE gen_del_ente AS SELECT id FROM servizi_ente "
        "WHERE demo AND starts_with(nome, %s)",
        [PREFIX],
    )
    cursor.execute(
        "CREATE TEMP TABLE gen_del_sede AS SELECT s.id FROM servizi_sede s "
        "JOIN gen_del_ente e ON e.id = s.ente_id"
    )
    cursor.execute(
        "CREATE TEMP TABLE gen_del_servizio AS SELECT s.id, s.orario_id FROM servizi_servizio s "
        "JOIN gen_del_ente e ON e.id = s.ente_id"
    )
    cursor.execute(
        "CREATE TEMP TABLE gen_del_orario AS SELECT DISTINCT orario_id AS id "
        "FROM gen_del_servizio WHERE orario_id IS NOT NULL"
    )
    for table in ("gen_del_ente", "gen_del_sede", "gen_del_servizio", "gen_del_orario"):
        cursor.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (id)")
        cursor.execute(f"ANALYZE {table}")

    def delete(table: str, column: str, ids: str) -> int:
        cursor.execute(f"DELETE FROM {table} t USING {ids} d WHERE t.{column} = d.id")
        return cursor.rowcount

    delete("servizi_servizio_categorie", "servizio_id", "gen_del_servizio")
    delete("servizi_servizio_sedi", "servizio_id", "gen_del_servizio")
    # Links of hand-made services to generated Sedi (the ORM would cascade them too).
    delete("servizi_servizio_sedi", "sede_id", "gen_del_sede")
    delete("servizi_servizio_comuni_copertura", "servizio_id", "gen_del_servizio")
    deleted.servizi = delete("servizi_servizio", "id", "gen_del_servizio")
    deleted.fasce = delete("servizi_fasciaoraria", "orario_id", "gen_del_orario")
    delete("servizi_eccezioneorario", "orario_id", "gen_del_orario")
    deleted.orari = delete("servizi_orario", "id", "gen_del_orario")
    deleted.sedi = delete("servizi_sede", "id", "gen_del_sede")
    delete("servizi_ente_referenti", "ente_id", "gen_del_ente")
    deleted.enti = delete("servizi_ente", "id", "gen_del_ente")
    cursor.execute("DROP TABLE gen_del_ente, gen_del_sede, gen_del_servizio, gen_del_orario")
    return deleted


def _analyze(cursor) -> None:
    for table in TOUCHED_TABLES:
        cursor.execute(f"ANALYZE {table}")


def delete_generated() -> Deleted:
    """Remove every previously generated row, in one transaction; hand-made data stays."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        deleted = _delete_generated(cursor)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with connection.cursor() as cursor:
        _analyze(cursor)
    return deleted


# --------------------------------------------------------------------------- generation
@dataclass
class Generated:
    regione: str
    enti: int = 0
    sedi: int = 0
    servizi: int = 0
    orari: int = 0
    fasce: int = 0
    servizio_categorie: int = 0
    servizio_sedi: int = 0
    deleted: Deleted | None = None
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return (
            self.enti
            + self.sedi
            + self.servizi
            + self.orari
            + self.fasce
            + self.servizio_categorie
            + self.servizio_sedi
        )


class _Generator:
    def __init__(self, cursor, *, services: int, region: str | None, seed: int, now: datetime):
        self.cursor = cursor
        self.services = services
        self.enti = max(1, services // SERVICES_PER_ENTE)
        self.region = region
        self.h = _Hash(seed)
        self.now = now

    def execute(self, sql: str, params=None) -> int:
        self.cursor.execute(sql, params)
        return self.cursor.rowcount

    def seq(self, table: str) -> str:
        self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return self.cursor.fetchone()[0]

    # -- lookup tables ------------------------------------------------------------------
    def create_lookups(self) -> None:
        leaves = _leaves()
        if not leaves:
            raise GenerationError(
                "Nessuna categoria nel database: esegui prima `manage.py load_initial_data`."
            )
        roots = list(dict.fromkeys(root for *_, root in leaves))
        self.n_leaves = len(leaves)
        self.n_roots = len(roots)
        self.execute(
            "CREATE TEMP TABLE gen_leaf (idx int PRIMARY KEY, categoria_id bigint, "
            "root_idx int, titoli text[], suffissi text[], frasi text[], destinatari text[], "
            "eta_min smallint[], eta_max smallint[], orari int[])"
        )
        rows = []
        for idx, (categoria_id, codice, nome, root) in enumerate(leaves, start=1):
            lessico = LESSICO.get(codice) or Lessico([nome], [f"Servizio di {nome.lower()}."])
            rows.append(
                (
                    idx, categoria_id, roots.index(root) + 1, lessico.titoli,
                    SUFFISSI.get(root, SUFFISSI_GENERICI), lessico.frasi, lessico.destinatari,
                    [e[0] for e in lessico.eta], [e[1] for e in lessico.eta], lessico.orari,
                )
            )  # fmt: skip
        self.cursor.executemany(
            "INSERT INTO gen_leaf VALUES (%s, %s, %s, %s::text[], %s::text[], %s::text[], "
            "%s::text[], %s::smallint[], %s::smallint[], %s::int[])",
            rows,
        )
        # Where each root's leaves start in gen_leaf, and how many it has.
        self.execute(
            "CREATE TEMP TABLE gen_root AS "
            "SELECT root_idx, min(idx) AS start, count(*)::int AS len "
            "FROM gen_leaf GROUP BY root_idx"
        )
        self.execute(
            "CREATE TEMP TABLE gen_pattern (p int, giorno smallint, apertura time, chiusura time)"
        )
        self.cursor.executemany(
            "INSERT INTO gen_pattern VALUES (%s, %s, %s, %s)",
            [
                (p, giorno, apertura, chiusura)
                for p, fasce in enumerate(PATTERNS)
                for giorni, apertura, chiusura in fasce
                for giorno in giorni
            ],
        )
        self.execute("ANALYZE gen_leaf")
        self.execute("ANALYZE gen_pattern")

    # -- Enti and Sedi ------------------------------------------------------------------
    def create_points(self) -> None:
        """One point per Ente, inside a Comune chosen with weight (population + 2,000)."""
        h, E = self.h, self.enti
        where = "" if self.region is None else "WHERE regione = %(regione)s"
        self.execute(
            f"""
            CREATE TEMP TABLE gen_comune AS
            WITH c AS (
                SELECT codice_istat, coalesce(popolazione, 0) + 2000 AS w
                FROM geo_data_comune {where}
            ), q AS (
                SELECT codice_istat, %(enti)s::float8 * w / sum(w) OVER () AS quota FROM c
            )
            SELECT codice_istat, floor(quota)::int AS n, quota - floor(quota) AS frac FROM q
            """,
            {"regione": self.region, "enti": E},
        )
        # Largest remainders: the total is exactly E.
        self.execute("SELECT coalesce(sum(n), 0) FROM gen_comune")
        missing = E - self.cursor.fetchone()[0]
        self.execute(
            """
            UPDATE gen_comune SET n = n + 1 WHERE codice_istat IN (
                SELECT codice_istat FROM gen_comune ORDER BY frac DESC, codice_istat LIMIT %s
            )
            """,
            [missing],
        )
        # ST_GeneratePoints rounds per polygon part, so a MultiPolygon can give a few
        # points less than asked: ask for as many more as it has parts, keep n of them.
        self.execute(
            f"""
            CREATE TEMP TABLE gen_point AS
            WITH pool AS (
                SELECT gc.codice_istat, gc.n, d.path[1] AS pos, d.geom AS punto
                FROM gen_comune gc
                JOIN geo_data_comune c USING (codice_istat)
                CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(
                    c.geometria,
                    gc.n + ST_NumGeometries(c.geometria),
                    ({h.below("c.codice_istat::bigint", 1, 2147483646)}) + 1
                )) d
                WHERE gc.n > 0
            ), ranked AS (
                SELECT *, row_number() OVER (
                    PARTITION BY codice_istat
                    ORDER BY {h.raw("codice_istat::bigint * 100000 + pos", 2)}, pos
                ) AS r
                FROM pool
            )
            SELECT row_number() OVER (
                       ORDER BY {h.raw("codice_istat::bigint * 100000 + pos", 3)}, codice_istat, pos
                   ) AS k,
                   codice_istat, punto
            FROM ranked WHERE r <= n
            """
        )
        self.execute("SELECT count(*) FROM gen_point")
        points = self.cursor.fetchone()[0]
        if points != E:  # pragma: no cover - a guard on PostGIS behaviour
            raise GenerationError(f"Generati {points} punti invece di {E}: riprova.")

    def create_codes(self) -> None:
        """E unique partite IVA (7-digit number, office 001-100, Luhn digit), none in use.

        7919 is prime to 9,999,999: the numbers of E + existing candidates are distinct.
        """
        h, E = self.h, self.enti
        self.execute("SELECT count(*) FROM servizi_ente")
        existing = self.cursor.fetchone()[0]
        self.execute(f"SELECT {h.below('0', 4, 9_999_999)}")
        base = self.cursor.fetchone()[0]
        self.execute(
            f"""
            CREATE TEMP TABLE gen_cf AS
            WITH cand AS (
                SELECT i,
                       lpad((mod(%(base)s + i::bigint * 7919, 9999999) + 1)::text, 7, '0')
                       || lpad((1 + {h.below("i", 5, 100)})::text, 3, '0') AS c10
                FROM generate_series(1, %(n)s) i
            ), code AS (
                SELECT i, c10 || mod(10 - mod((
                    SELECT sum(CASE WHEN mod(pos, 2) = 1 THEN d
                                    WHEN d > 4 THEN 2 * d - 9 ELSE 2 * d END)
                    FROM (SELECT pos, substr(c10, pos, 1)::int AS d
                          FROM generate_series(1, 10) pos) digits
                ), 10), 10)::text AS cf
                FROM cand
            )
            SELECT row_number() OVER (ORDER BY i) AS k, cf FROM code
            WHERE NOT EXISTS (SELECT 1 FROM servizi_ente e WHERE e.codice_fiscale = code.cf)
            """,
            {"base": base, "n": E + existing},
        )

    def insert_enti(self) -> None:
        h = self.h
        soglia, tipi = 0.0, []
        for tipo, quota in QUOTE_TIPO[:-1]:
            soglia += quota
            tipi.append(f"WHEN u_tipo < {soglia:.3f} THEN '{tipo}'")
        tipi_sql = f"CASE {' '.join(tipi)} ELSE '{QUOTE_TIPO[-1][0]}' END"
        forme = []
        for tipo, nomi in FORME.items():
            scelta = h.below("t.k", 11, len(nomi))
            forme.append(f"WHEN '{tipo}' THEN ({_sql_text_array(nomi)})[1 + {scelta}]")
        forma_sql = f"CASE tipo {' '.join(forme)} END"
        cap = f"coalesce(cap_prov.prefisso, '001') || lpad({h.below('t.k', 17, 100)}::text, 2, '0')"
        cap_values = ", ".join(f"('{s}', '{p}')" for s, p in CAP_PROVINCIA.items())
        self.execute(
            f"""
            CREATE TEMP TABLE gen_ente AS
            WITH base AS (
                SELECT p.k, p.codice_istat, p.punto, c.nome AS comune, c.sigla_provincia AS sigla,
                       {h.uniform("p.k", 10)} AS u_tipo
                FROM gen_point p JOIN geo_data_comune c USING (codice_istat)
            ), typed AS (
                SELECT *, {tipi_sql} AS tipo FROM base
            )
            SELECT t.k, nextval(%(ente_seq)s) AS id, nextval(%(sede_seq)s) AS sede_id,
                   t.codice_istat, t.punto, t.comune, t.sigla, t.tipo, {forma_sql} AS forma,
                   cf.cf, {cap} AS cap,
                   1 + {h.below("t.k", 12, self.n_roots)} AS root_idx,
                   {h.below("t.k", 13, 1000)} AS giorni_fa
            FROM typed t
            JOIN gen_cf cf ON cf.k = t.k
            LEFT JOIN (VALUES {cap_values}) AS cap_prov(sigla, prefisso) ON cap_prov.sigla = t.sigla
            """,
            {"ente_seq": self.seq("servizi_ente"), "sede_seq": self.seq("servizi_sede")},
        )
        self.execute("ALTER TABLE gen_ente ADD PRIMARY KEY (k)")
        self.execute("ANALYZE gen_ente")
        fantasia = _sql_text_array(NOMI_FANTASIA)
        impresa = _sql_text_array(NOMI_IMPRESA)
        nome_fantasia = f"({fantasia})[1 + {h.below('k', 14, len(NOMI_FANTASIA))}]"
        nome_impresa = f"({impresa})[1 + {h.below('k', 14, len(NOMI_IMPRESA))}]"
        self.enti_count = self.execute(
            f"""
            INSERT INTO servizi_ente (
                id, nome, tipo, forma_giuridica, codice_fiscale, partita_iva, email, telefono,
                sito_web, descrizione, stato_verifica, demo, creato_il, aggiornato_il
            )
            SELECT id,
                   left(%(prefix)s || CASE
                       WHEN forma = 'Comune' THEN 'Comune di ' || comune || ' – Servizi sociali'
                       WHEN tipo = 'pubblico'
                       THEN forma || ' ' || {nome_fantasia} || ' – ' || comune
                       WHEN tipo = 'terzo_settore' THEN forma || ' ' || {nome_fantasia}
                       ELSE {nome_impresa} || ' ' || forma
                   END, 200),
                   tipo, forma, cf,
                   CASE WHEN tipo = 'pubblico' THEN '' ELSE cf END,
                   'info' || k || '@ente-generato.example',
                   '0' || (30 + {h.below("k", 15, 70)}) || ' '
                   || lpad({h.below("k", 16, 10000000)}::text, 7, '0'),
                   'https://ente-' || k || '.example.org',
                   forma || ' con sede a ' || comune || ' (' || sigla || '). '
                   || 'Dati generati per le prove.',
                   CASE WHEN {h.uniform("k", 18)} < 0.7 THEN 'verificato'
                        WHEN {h.uniform("k", 18)} < 0.95 THEN 'da_verificare'
                        ELSE 'sospeso' END,
                   true,
                   %(now)s - make_interval(days => giorni_fa + 100),
                   %(now)s - make_interval(days => giorni_fa)
            FROM gen_ente ORDER BY k
            """,
            {"prefix": PREFIX, "now": self.now},
        )
        vie = _sql_text_array(VIE)
        self.sedi_count = self.execute(
            f"""
            INSERT INTO servizi_sede (
                id, ente_id, nome, indirizzo, cap, punto, comune_id, accesso_senza_barriere,
                bagno_accessibile, parcheggio, note_accessibilita, demo
            )
            SELECT sede_id, id, 'Sede principale',
                   ({vie})[1 + {h.below("k", 20, len(VIE))}] || ' '
                   || (1 + {h.below("k", 21, 150)}),
                   cap, punto, codice_istat,
                   {h.uniform("k", 22)} < 0.7, {h.uniform("k", 23)} < 0.5,
                   {h.uniform("k", 24)} < 0.4,
                   CASE WHEN {h.uniform("k", 25)} < 0.1
                        THEN 'Ingresso con rampa sul retro dell''edificio.' ELSE '' END,
                   true
            FROM gen_ente ORDER BY k
            """
        )

    # -- Servizi, in batches -------------------------------------------------------------
    def insert_services(self, lo: int, hi: int) -> None:
        h, E, L = self.h, self.enti, self.n_leaves
        self.execute("DROP TABLE IF EXISTS gen_s")
        self.execute(
            f"""
            CREATE TEMP TABLE gen_s AS
            WITH j AS (
                SELECT j, CASE WHEN j <= %(enti)s THEN j
                               ELSE 1 + {h.below("j", 30, E)} END AS k
                FROM generate_series(%(lo)s, %(hi)s) j
            ), chosen AS (
                SELECT j.j, e.id AS ente_id, e.sede_id, e.comune, e.sigla, e.tipo,
                       e.giorni_fa AS ente_giorni_fa,
                       CASE WHEN {h.uniform("j.j", 31)} < 0.7
                            THEN r.start + {h.below("j.j", 32, "r.len")}
                            ELSE 1 + {h.below("j.j", 32, L)} END AS leaf1
                FROM j JOIN gen_ente e ON e.k = j.k JOIN gen_root r ON r.root_idx = e.root_idx
            )
            SELECT c.*, nextval(%(servizio_seq)s) AS sid, nextval(%(orario_seq)s) AS oid,
                   CASE WHEN {h.uniform("c.j", 33)} < 0.3 AND {L} > 1
                        THEN 1 + mod(c.leaf1 + {h.below("c.j", 34, max(L - 1, 1))}, {L})
                   END AS leaf2,
                   l.orari[1 + {h.below("c.j", 35, "cardinality(l.orari)")}] AS pattern,
                   make_interval(mins => 30 * ({h.below("c.j", 36, 3)} - 1)) AS shift
            FROM chosen c JOIN gen_leaf l ON l.idx = c.leaf1
            """,
            {
                "enti": E,
                "lo": lo,
                "hi": hi,
                "servizio_seq": self.seq("servizi_servizio"),
                "orario_seq": self.seq("servizi_orario"),
            },
        )
        self.execute("ANALYZE gen_s")
        sabato = "ARRAY[" + ", ".join(str(p) for p in PATTERNS_SABATO) + "]::int[]"
        self.orari_count += self.execute(
            f"""
            INSERT INTO servizi_orario (id, descrizione, note)
            SELECT oid, '',
                   CASE WHEN pattern = ANY({sabato}) AND {h.uniform("j", 40)} < 0.3
                        THEN 'Il sabato solo su appuntamento.'
                        WHEN {h.uniform("j", 40)} > 0.95
                        THEN 'Chiuso nella settimana di Ferragosto.'
                        ELSE '' END
            FROM gen_s ORDER BY oid
            """
        )
        self.insert_servizi()
        self.servizio_categorie_count += self.execute(
            """
            INSERT INTO servizi_servizio_categorie (servizio_id, categoria_id)
            SELECT s.sid, l.categoria_id FROM gen_s s JOIN gen_leaf l ON l.idx = s.leaf1
            UNION ALL
            SELECT s.sid, l.categoria_id FROM gen_s s JOIN gen_leaf l ON l.idx = s.leaf2
            ORDER BY 1, 2
            """
        )
        self.servizio_sedi_count += self.execute(
            "INSERT INTO servizi_servizio_sedi (servizio_id, sede_id) "
            "SELECT sid, sede_id FROM gen_s ORDER BY sid"
        )
        self.fasce_count += self.execute(
            """
            INSERT INTO servizi_fasciaoraria (orario_id, giorno, apertura, chiusura)
            SELECT s.oid, p.giorno, p.apertura + s.shift, p.chiusura + s.shift
            FROM gen_s s JOIN gen_pattern p ON p.p = s.pattern
            ORDER BY s.oid, p.giorno, p.apertura
            """
        )
        self.execute("DROP TABLE gen_s")

    def insert_servizi(self) -> None:
        h = self.h
        generiche = _sql_text_array(FRASI_GENERICHE)
        requisiti = _sql_text_array(REQUISITI)
        unita = _sql_text_array(UNITA_COSTO)
        lingue = "ARRAY[" + ", ".join(f"'{code}'" for code in LINGUE_EXTRA) + "]::varchar[]"
        n_lingue = len(LINGUE_EXTRA)
        altra_frase = h.below("j", 61, "greatest(cardinality(frasi) - 1, 1)")
        altra_lingua = h.below("j", 70, n_lingue - 1)
        self.servizi_count += self.execute(
            f"""
            INSERT INTO servizi_servizio (
                id, ente_id, orario_id, titolo, descrizione, destinatari, eta_min, eta_max,
                modalita_accesso, costo, costo_descrizione, requisiti, lingue, email, telefono,
                sito_web, stato, verificato_il, demo, creato_il, aggiornato_il
            )
            WITH d AS (
                SELECT s.*, l.*,
                       {h.below("s.j", 50, "cardinality(l.frasi)")} AS f1,
                       {h.below("s.j", 51, "cardinality(l.eta_min)")} AS eta_i,
                       {h.uniform("s.j", 52)} AS u_costo,
                       {h.uniform("s.j", 53)} AS u_stato,
                       {h.below("s.j", 54, "s.ente_giorni_fa + 100")} AS giorni_fa,
                       {h.uniform("s.j", 55)} AS u_lingue,
                       floor({n_lingue} * power({h.uniform("s.j", 56)}, 2))::int AS lingua1
                FROM gen_s s JOIN gen_leaf l ON l.idx = s.leaf1
            ), v AS (
                SELECT d.*,
                       CASE WHEN u_costo < CASE WHEN tipo = 'impresa' THEN 0.1 ELSE 0.4 END
                            THEN 'gratuito'
                            WHEN u_costo < CASE WHEN tipo = 'impresa' THEN 0.75 ELSE 0.7 END
                            THEN 'a_pagamento'
                            ELSE 'tariffa_agevolata' END AS costo,
                       CASE WHEN u_stato < 0.9 THEN 'pubblicato'
                            WHEN u_stato < 0.97 THEN 'bozza' ELSE 'archiviato' END AS stato
                FROM d
            )
            SELECT
                sid, ente_id, oid,
                left(
                    titoli[1 + {h.below("j", 57, "cardinality(titoli)")}]
                    || CASE WHEN {h.uniform("j", 58)} < 0.8
                            THEN ' ' || suffissi[1 + {h.below("j", 59, "cardinality(suffissi)")}]
                            ELSE '' END
                    || CASE WHEN {h.uniform("j", 60)} < 0.3 THEN ' – ' || comune ELSE '' END,
                    200),
                frasi[1 + f1]
                || CASE WHEN cardinality(frasi) > 1
                        THEN ' ' || frasi[1 + mod(f1 + 1 + {altra_frase}, cardinality(frasi))]
                        ELSE '' END
                || ' ' || ({generiche})[1 + {h.below("j", 62, len(FRASI_GENERICHE))}]
                || ' Sede: ' || comune || ' (' || sigla || ').',
                (CASE WHEN {h.uniform("j", 63)} < 0.2 AND NOT 'lavoratori' = ANY(destinatari)
                      THEN destinatari || 'lavoratori'::text ELSE destinatari END)::varchar[],
                eta_min[1 + eta_i], eta_max[1 + eta_i],
                CASE WHEN tipo = 'pubblico' AND {h.uniform("j", 64)} < 0.4
                     THEN 'invio_servizi_sociali'
                     WHEN {h.uniform("j", 65)} < 0.45 THEN 'diretto'
                     WHEN {h.uniform("j", 65)} < 0.92 THEN 'prenotazione'
                     ELSE 'invio_servizi_sociali' END,
                costo,
                CASE costo
                    WHEN 'gratuito' THEN ''
                    WHEN 'a_pagamento' THEN 'Da ' || (5 + {h.below("j", 66, 60)}) || ' € '
                        || ({unita})[1 + {h.below("j", 67, len(UNITA_COSTO))}] || '.'
                    ELSE 'Tariffa in base all''ISEE, da ' || (2 + {h.below("j", 66, 30)}) || ' € '
                        || ({unita})[1 + {h.below("j", 67, len(UNITA_COSTO))}] || '.'
                END,
                CASE WHEN {h.uniform("j", 68)} < 0.25
                     THEN ({requisiti})[1 + {h.below("j", 69, len(REQUISITI))}] ELSE '' END,
                (CASE WHEN u_lingue < 0.67 THEN ARRAY['it']::varchar[]
                      WHEN u_lingue < 0.92 THEN ARRAY['it', ({lingue})[1 + lingua1]]::varchar[]
                      ELSE ARRAY['it', ({lingue})[1 + lingua1],
                                 ({lingue})[1 + mod(lingua1 + 1 + {altra_lingua}, {n_lingue})]
                      ]::varchar[]
                 END),
                '', '', '',
                stato,
                CASE WHEN stato = 'bozza' OR {h.uniform("j", 71)} < 0.05 THEN NULL
                     ELSE (%(now)s - make_interval(days => giorni_fa / 2))::date END,
                true,
                %(now)s - make_interval(days => giorni_fa),
                %(now)s - make_interval(days => giorni_fa / 2)
            FROM v ORDER BY sid
            """,
            {"now": self.now},
        )

    def run(self, progress: bool, batch_size: int) -> None:
        self.orari_count = self.servizi_count = self.fasce_count = 0
        self.servizio_categorie_count = self.servizio_sedi_count = 0
        self.execute(
            "DROP TABLE IF EXISTS gen_leaf, gen_root, gen_pattern, gen_comune, gen_point, "
            "gen_cf, gen_ente, gen_s"
        )
        self.create_lookups()
        self.create_points()
        self.create_codes()
        self.insert_enti()
        with tqdm(
            total=self.services, unit=" servizi", unit_scale=True, disable=not progress
        ) as bar:
            for lo in range(1, self.services + 1, batch_size):
                hi = min(lo + batch_size - 1, self.services)
                self.insert_services(lo, hi)
                bar.update(hi - lo + 1)
        self.execute(
            "DROP TABLE gen_leaf, gen_root, gen_pattern, gen_comune, gen_point, gen_cf, gen_ente"
        )


def generate(
    *,
    services: int,
    regione: str = "Lombardia",
    seed: int = 42,
    reset: bool = False,
    progress: bool = True,
    batch_size: int = BATCH_SIZE,
) -> Generated:
    """Create `services` services (and services // 10 Enti with one Sede each) in `regione`.

    All or nothing: one transaction (foreign keys checked statement by statement, so
    the queue of deferred checks does not grow with the batch). `reset` first deletes
    the rows of previous generations, in the same transaction. Tables are analysed
    after the commit.
    """
    validate_services(services)
    region = resolve_region(regione)
    start = time.perf_counter()
    result = Generated(regione=region or boundaries.ALL_REGIONS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        if reset:
            result.deleted = _delete_generated(cursor)
        generator = _Generator(
            cursor, services=services, region=region, seed=seed, now=timezone.now()
        )
        generator.run(progress=progress, batch_size=batch_size)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    result.enti = generator.enti_count
    result.sedi = generator.sedi_count
    result.servizi = generator.servizi_count
    result.orari = generator.orari_count
    result.fasce = generator.fasce_count
    result.servizio_categorie = generator.servizio_categorie_count
    result.servizio_sedi = generator.servizio_sedi_count
    with connection.cursor() as cursor:
        _analyze(cursor)
    result.seconds = time.perf_counter() - start
    return result


def generated_enti():
    """The generated Enti (a queryset), for checks and tests."""
    return Ente.objects.filter(demo=True, nome__startswith=PREFIX)
