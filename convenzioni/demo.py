"""Demo agreements: two company networks, fifteen member companies, thirty agreements.

Invented like the demo catalogue they build on (servizi/demo.py, which must be loaded
first): the providers are the catalogue's demo Enti, nine of which are also member
SMEs of a network. Every row written here has `demo=True`. It writes through the
same services as the pages, the admin and the API, so every row passes the same
rules (targeting included); the agreements reach their states through the real
lifecycle. Expired ones are published first and then moved into the past, as time
would do, and marked by the same expiry as the nightly command.

Idempotent: if the demo agreements are there it does nothing, unless `reset=True`.
A reload of the demo catalogue (`load_demo_data --reset`) deletes the demo Enti and
with them their agreements; the next run here then loads everything again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from geo_data.models import Comune
from servizi.demo import REFERENTE, REFERENTE_ENTE, DemoUser, demo_enti, ensure_demo_user

from .models import Convenzione, Impresa, ReteImprese, StatoConvenzione
from .selectors import Beneficiario, adesioni_attive
from .services import (
    adesione_create,
    convenzione_approva,
    convenzione_create,
    convenzione_invia,
    convenzione_respingi,
    convenzione_ritira,
    convenzioni_scadute_aggiorna,
    impresa_create,
    rete_create,
    utilizzo_conferma,
    utilizzo_richiedi,
)


class DemoMancante(Exception):
    """The demo catalogue (servizi) is not loaded: the agreements need its Enti."""


# The same login as the PIT network's administrator (punti_informazione/demo.py): one
# demo person runs both networks; whichever demo loads first creates it.
AMMINISTRATORE_RETE = DemoUser(
    "demo.rete",
    "demo-rete",
    "",
    "Demo",
    "Rete",
    "amministra la Rete Imprese Sud-Est Milano: modera le convenzioni",
)
# demo.referente (servizi/demo.py) is the referent of the Ente below, a convention
# partner of both networks: it manages that Ente's agreements.
DEMO_USERS = (AMMINISTRATORE_RETE,)

SE, SO = "sud-est-milano", "sud-ovest-milano"

RETI = {
    SE: {
        "nome": "Rete Imprese Sud-Est Milano (demo)",
        "descrizione": (
            "Micro e piccole imprese di San Donato, San Giuliano, Melegnano e Peschiera "
            "che offrono ai dipendenti delle altre imprese della rete i propri servizi a "
            "condizioni migliori."
        ),
        "promotore": "Associazione PMI Sud-Est (demo)",
        "codice_adesione": "SUDEST-2024",
        "partner": (
            REFERENTE_ENTE,
            "Fondazione Casa Serena",
            "Associazione Sportiva Dilettantistica Lambro Sport",
            "Cooperativa sociale Il Ponte Educativo",
        ),
    },
    SO: {
        "nome": "Rete Conciliazione Sud-Ovest Milano (demo)",
        "descrizione": (
            "Imprese di Rozzano, Opera, Pieve Emanuele e Binasco con un accordo per la "
            "conciliazione vita-lavoro dei propri dipendenti."
        ),
        "promotore": "Distretto del commercio Sud-Ovest (demo)",
        "codice_adesione": "SUDOVEST-2024",
        "partner": (
            REFERENTE_ENTE,
            "Cooperativa sociale La Rondine",
            "Cooperativa sociale Piccoli Passi",
        ),
    },
}

# (slug, name, size class, sector, Comune, catalogue Ente or "", networks)
IMPRESE = (
    ("bolla-blu", "Lavanderia Bolla Blu S.r.l.", "micro", "servizi alla persona",
     "San Donato Milanese", "Lavanderia Bolla Blu S.r.l.", (SE,)),
    ("punto-fresco", "Stireria Punto Fresco S.n.c.", "micro", "servizi alla persona",
     "Melegnano", "Stireria Punto Fresco S.n.c.", (SE,)),
    ("concierge-plus", "Concierge Plus S.r.l.", "piccola", "servizi alle imprese",
     "San Donato Milanese", "Concierge Plus S.r.l.", (SE,)),
    ("tata-service", "Tata Service S.r.l.", "micro", "servizi alla persona",
     "San Giuliano Milanese", "Tata Service S.r.l.", (SE,)),
    ("dopo-scuola-piu", "Dopo Scuola Più S.r.l.", "micro", "istruzione",
     "San Donato Milanese", "Dopo Scuola Più S.r.l.", (SE,)),
    ("poliambulatorio-sud", "Poliambulatorio Sud Milano S.r.l.", "piccola", "sanità",
     "San Giuliano Milanese", "Poliambulatorio Sud Milano S.r.l.", (SE, SO)),
    ("le-vele", "Centro Sportivo Le Vele S.S.D. a r.l.", "piccola", "sport",
     "Opera", "Centro Sportivo Le Vele S.S.D. a r.l.", (SO,)),
    ("movismart", "MoviSmart Mobilità S.r.l.", "micro", "trasporti",
     "Rozzano", "MoviSmart Mobilità S.r.l.", (SO,)),
    ("smart-lab", "Smart Lab Consulting S.r.l.", "micro", "consulenza",
     "Basiglio", "Smart Lab Consulting S.r.l.", (SO,)),
    ("officine-lambro", "Officine Meccaniche Lambro S.r.l. (demo)", "piccola", "manifattura",
     "Melegnano", "", (SE,)),
    ("logistica-paullese", "Logistica Paullese S.p.A. (demo)", "media", "logistica",
     "Paullo", "", (SE,)),
    ("tipografia-rozzanese", "Tipografia Rozzanese S.n.c. (demo)", "micro", "stampa",
     "Rozzano", "", (SO,)),
    ("alimentari-binasco", "Alimentari Binasco S.r.l. (demo)", "piccola", "alimentare",
     "Binasco", "", (SO,)),
    ("elettronica-opera", "Elettronica Opera S.r.l. (demo)", "media", "elettronica",
     "Opera", "", (SE, SO)),
    ("studio-tecnico-melegnano", "Studio Tecnico Associato Melegnano (demo)", "micro",
     "progettazione", "Melegnano", "", (SE,)),
)  # fmt: skip

# Memberships that are not simply "since last year": one company left, one joins later.
USCITA = ("studio-tecnico-melegnano", SE)  # left two months ago
IN_ARRIVO = ("tipografia-rozzanese", SO)  # joins next month

P, IMP, PS, G, A = "percentuale", "importo", "prezzo_speciale", "gratuito", "altro"
PUB, REV, BOZZA, SCAD, RIT = "pubblicata", "in_revisione", "bozza", "scaduta", "ritirata"


@dataclass(frozen=True)
class ConvenzioneDemo:
    ente: str
    titolo: str
    tipo: str
    valore: str | None
    testo: str
    reti: tuple[str, ...]
    imprese: tuple[str, ...] = ()
    riscatto: str = "tesserino"
    stato: str = PUB
    familiari: bool = False
    inizio_tra: int = -60  # days from today
    durata: int = 365


GIRASOLE = REFERENTE_ENTE
CONVENZIONI = (
    ConvenzioneDemo(GIRASOLE, "Doposcuola a prezzo ridotto", P, "15",
                    "Sconto sulla retta mensile del doposcuola", (SE, SO), familiari=True),
    ConvenzioneDemo(GIRASOLE, "Centro estivo: la prima settimana costa meno", IMP, "40",
                    "40 € in meno sulla prima settimana", (SE,), riscatto="codice",
                    familiari=True),
    ConvenzioneDemo(GIRASOLE, "Assistenza domiciliare: prima ora gratuita", A, None,
                    "La prima ora di assistenza domiciliare è gratuita", (SO,), stato=BOZZA),
    ConvenzioneDemo(GIRASOLE, "Spazio compiti del sabato", P, "20",
                    "Sconto sul pacchetto di dieci sabati", (SE,), stato=REV),
    ConvenzioneDemo(GIRASOLE, "Campus di Natale", P, "10", "Sconto sul campus invernale",
                    (SE,), stato=SCAD, inizio_tra=-400, durata=300),
    ConvenzioneDemo("Lavanderia Bolla Blu S.r.l.", "Lavaggio e stiratura con ritiro in azienda",
                    P, "20", "Ritiro e consegna in azienda il martedì", (SE,)),
    ConvenzioneDemo("Lavanderia Bolla Blu S.r.l.", "Piumoni a prezzo fisso", PS, "12",
                    "Lavaggio piumone matrimoniale", (SE,), riscatto="codice"),
    ConvenzioneDemo("Stireria Punto Fresco S.n.c.", "Dieci camicie stirate", PS, "15",
                    "Pacchetto di dieci camicie", (SE,)),
    ConvenzioneDemo("Concierge Plus S.r.l.", "Maggiordomo aziendale: pratiche e commissioni",
                    P, "25", "Sul primo mese di abbonamento", (SE,), riscatto="link"),
    ConvenzioneDemo("Concierge Plus S.r.l.", "Ritiro pacchi in portineria", G, None,
                    "Servizio gratuito per i dipendenti della rete", (SE,), stato=RIT),
    ConvenzioneDemo("Tata Service S.r.l.", "Baby sitter per le emergenze", IMP, "10",
                    "10 € in meno su ogni intervento urgente", (SE,), familiari=True),
    ConvenzioneDemo("Tata Service S.r.l.", "Baby sitting serale", P, "15",
                    "Dalle 19 alle 23", (SE,), stato=REV),
    ConvenzioneDemo("Dopo Scuola Più S.r.l.", "Ripetizioni per le medie", P, "10",
                    "Su pacchetti da 10 ore", (SE,), familiari=True),
    ConvenzioneDemo("Dopo Scuola Più S.r.l.", "Laboratorio di robotica", P, "30",
                    "Corso primaverile", (SE,), stato=SCAD, inizio_tra=-300, durata=200),
    ConvenzioneDemo("Poliambulatorio Sud Milano S.r.l.", "Visite specialistiche",
                    P, "15", "Su tutte le visite private", (SE, SO), familiari=True,
                    riscatto="codice"),
    ConvenzioneDemo("Poliambulatorio Sud Milano S.r.l.", "Check-up al videoterminale",
                    PS, "60", "Visita oculistica ed ergonomica", (SE, SO)),
    ConvenzioneDemo("Poliambulatorio Sud Milano S.r.l.", "Vaccinazioni antinfluenzali",
                    PS, "20", "In ottobre e novembre", (SO,), inizio_tra=20, durata=60),
    ConvenzioneDemo("Centro Sportivo Le Vele S.S.D. a r.l.", "Abbonamento piscina",
                    P, "20", "Sull'abbonamento trimestrale", (SO,), familiari=True),
    ConvenzioneDemo("Centro Sportivo Le Vele S.S.D. a r.l.", "Corsi di nuoto per bambini",
                    IMP, "30", "30 € in meno sul corso", (SO,), familiari=True, stato=BOZZA),
    ConvenzioneDemo("MoviSmart Mobilità S.r.l.", "Navetta stazione-azienda", P, "50",
                    "Sull'abbonamento mensile", (SO,), riscatto="link"),
    ConvenzioneDemo("MoviSmart Mobilità S.r.l.", "Bici elettrica a noleggio", A, None,
                    "Il primo mese di noleggio è gratuito", (SO,), stato=SCAD,
                    inizio_tra=-200, durata=100),
    ConvenzioneDemo("Smart Lab Consulting S.r.l.", "Consulenza sul lavoro agile", G, None,
                    "Un'ora di consulenza gratuita per le imprese della rete", (SO,)),
    ConvenzioneDemo("Fondazione Casa Serena", "Ricoveri di sollievo per anziani", P, "10",
                    "Sui soggiorni di sollievo fino a 30 giorni", (SE,), familiari=True),
    ConvenzioneDemo("Associazione Sportiva Dilettantistica Lambro Sport",
                    "Iscrizione ai corsi sportivi", IMP, "25", "Quota di iscrizione ridotta",
                    (SE,), familiari=True),
    ConvenzioneDemo("Associazione Sportiva Dilettantistica Lambro Sport", "Camp estivo",
                    P, "15", "Sul camp di luglio", (SE,), familiari=True, stato=BOZZA,
                    inizio_tra=90, durata=60),
    ConvenzioneDemo("Cooperativa sociale Il Ponte Educativo", "Sostegno ai compiti DSA",
                    P, "20", "Percorsi per ragazzi con disturbi dell'apprendimento", (SE,),
                    imprese=("officine-lambro",), familiari=True),
    ConvenzioneDemo("Cooperativa sociale La Rondine", "Assistenza domiciliare anziani",
                    PS, "18", "Tariffa oraria agevolata", (SO,), familiari=True),
    ConvenzioneDemo("Cooperativa sociale La Rondine", "Accompagnamento alle visite",
                    G, None, "Il primo accompagnamento è gratuito", (SO,), stato=REV),
    ConvenzioneDemo("Cooperativa sociale Piccoli Passi", "Posti riservati al nido",
                    A, None, "Priorità di iscrizione e retta bloccata per un anno", (),
                    imprese=("alimentari-binasco", "elettronica-opera"), familiari=True),
    ConvenzioneDemo("Cooperativa sociale Piccoli Passi", "Nido estivo", P, "10",
                    "Sul mese di luglio", (SO,), stato=RIT),
)  # fmt: skip


def demo_convenzioni():
    return Convenzione.objects.filter(demo=True)


def load_demo_convenzioni(*, reset: bool = False) -> str:
    """Load the demo networks, companies and agreements unless there; returns a summary."""
    with transaction.atomic():
        if demo_convenzioni().exists() and not reset:
            return "Convenzioni dimostrative già presenti: nulla da fare (--reset per ricaricarle)."
        enti = {ente.nome: ente for ente in demo_enti()}
        if not enti:
            raise DemoMancante("Il catalogo dimostrativo non è caricato: prima load_demo_data.")
        delete_demo_convenzioni()
        users = _ensure_users()
        reti = _reti(enti, users)
        imprese = _imprese(enti, reti)
        convenzioni = [_convenzione(spec, enti, reti, imprese) for spec in CONVENZIONI]
        convenzioni_scadute_aggiorna()
        _utilizzi(convenzioni, imprese, enti)
        ReteImprese.objects.filter(pk__in=[r.pk for r in reti.values()]).update(demo=True)
        Impresa.objects.filter(pk__in=[i.pk for i in imprese.values()]).update(demo=True)
        Convenzione.objects.filter(pk__in=[c.pk for c in convenzioni]).update(demo=True)
        per_stato = {
            stato: demo_convenzioni().filter(stato=stato).count()
            for stato in StatoConvenzione.values
        }
    stati = ", ".join(f"{n} {s}" for s, n in per_stato.items())
    return (
        f"Convenzioni dimostrative caricate: {len(reti)} reti, {len(imprese)} imprese, "
        f"{len(convenzioni)} convenzioni ({stati}); utente {AMMINISTRATORE_RETE.username}."
    )


@transaction.atomic
def delete_demo_convenzioni() -> None:
    """The demo networks, companies and agreements, with their memberships and redemptions."""
    Convenzione.objects.filter(demo=True).delete()
    Impresa.objects.filter(demo=True).delete()
    ReteImprese.objects.filter(demo=True).delete()


# What the catalogue's demo groups (servizi/demo.py) may do here, in the admin.
GROUP_PERMISSIONS = {
    "Redazione": None,  # every permission of the app
    "Referenti enti": ("add_convenzione", "change_convenzione", "view_convenzione",
                       "view_utilizzo"),
}  # fmt: skip


def _ensure_users() -> dict:
    perms = Permission.objects.filter(content_type__app_label="convenzioni")
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *(perms if codenames is None else perms.filter(codename__in=codenames))
            )
    User = get_user_model()
    users = {u.username: ensure_demo_user(u, staff=False) for u in DEMO_USERS}
    users[REFERENTE.username] = User.objects.filter(username=REFERENTE.username).first()
    return users


def _reti(enti: dict, users: dict) -> dict[str, ReteImprese]:
    reti = {}
    for slug, spec in RETI.items():
        reti[slug] = rete_create(
            slug=slug,
            nome=spec["nome"],
            descrizione=spec["descrizione"],
            promotore=spec["promotore"],
            codice_adesione=spec["codice_adesione"],
            enti_partner=[enti[nome] for nome in spec["partner"]],
            amministratori=[users[AMMINISTRATORE_RETE.username]] if slug == SE else [],
        )
    return reti


def _partita_iva(n: int) -> str:
    # 11 digits with the Luhn check digit; 015 is a valid tax office code (digits 8-10).
    first_ten = f"9{n:06d}015"
    return first_ten + luhn.calc_check_digit(first_ten)


def _imprese(enti: dict, reti: dict) -> dict[str, Impresa]:
    today = timezone.localdate()
    comuni = {c.nome: c for c in Comune.objects.filter(regione="Lombardia").only("pk", "nome")}
    taken = set(Impresa.objects.values_list("partita_iva", flat=True))
    codes = (code for code in map(_partita_iva, range(1, 1000)) if code not in taken)
    imprese = {}
    for slug, nome, classe, settore, comune, ente, slugs_reti in IMPRESE:
        impresa = impresa_create(
            slug=slug,
            nome=nome,
            partita_iva=next(codes),
            classe_dimensionale=classe,
            settore=settore,
            comune=comuni[comune],
            ente=enti.get(ente) if ente else None,
        )
        for rete_slug in slugs_reti:
            inizio, fine = today - timedelta(days=400), None
            if (slug, rete_slug) == USCITA:
                fine = today - timedelta(days=60)
            if (slug, rete_slug) == IN_ARRIVO:
                inizio = today + timedelta(days=30)
            adesione_create(
                rete=reti[rete_slug], impresa=impresa, data_inizio=inizio, data_fine=fine
            )
        imprese[slug] = impresa
    return imprese


def _convenzione(spec: ConvenzioneDemo, enti, reti, imprese) -> Convenzione:
    today = timezone.localdate()
    inizio = today + timedelta(days=spec.inizio_tra)
    fine = inizio + timedelta(days=spec.durata)
    expired = spec.stato == SCAD
    if expired:  # published while current, then time passes (below)
        inizio, fine = today - timedelta(days=30), today + timedelta(days=30)
    valore = Decimal(spec.valore) if spec.valore else None
    riscatto = {
        "tesserino": {},
        "codice": {"codice_sconto": "DEMO-RETE"},
        "link": {"link_prenotazione": "https://prenota.demo.example/"},
    }[spec.riscatto]
    convenzione = convenzione_create(
        ente=enti[spec.ente],
        titolo=spec.titolo,
        descrizione=f"{spec.testo}. Convenzione dimostrativa: l'offerta è inventata.",
        tipo_beneficio=spec.tipo,
        percentuale=valore if spec.tipo == P else None,
        importo=valore if spec.tipo in (IMP, PS) else None,
        beneficio_testo=spec.testo if spec.tipo in (A, G) else "",
        condizioni="Presentando il tesserino aziendale o il codice personale.",
        data_inizio=inizio,
        data_fine=fine,
        estesa_ai_familiari=spec.familiari,
        modalita_riscatto=spec.riscatto,
        istruzioni="Prenotare per telefono dicendo di essere dipendenti di un'impresa della rete.",
        reti_beneficiarie=[reti[slug] for slug in spec.reti],
        imprese_beneficiarie=[imprese[slug] for slug in spec.imprese],
        **riscatto,
    )
    if spec.stato == BOZZA:
        return convenzione
    convenzione = convenzione_invia(convenzione=convenzione)
    if spec.stato == REV:
        return convenzione
    convenzione = convenzione_approva(convenzione=convenzione)
    if spec.stato == RIT:
        return convenzione_ritira(convenzione=convenzione, nota="Offerta sospesa dall'ente.")
    if expired:
        Convenzione.objects.filter(pk=convenzione.pk).update(
            data_inizio=today + timedelta(days=spec.inizio_tra),
            data_fine=today + timedelta(days=spec.inizio_tra + spec.durata),
        )
    return convenzione


def _utilizzi(convenzioni: list[Convenzione], imprese: dict, enti: dict) -> None:
    """Some redemptions and views on the valid agreements, so the counts are not all zero."""
    for n, convenzione in enumerate(convenzioni):
        convenzione.refresh_from_db()
        if not convenzione.valida_il():
            continue
        target = convenzione.imprese_beneficiarie.first()
        if target is None:
            rete = convenzione.reti_beneficiarie.first()
            membri = adesioni_attive().filter(rete=rete).values("impresa_id")
            target = Impresa.objects.filter(pk__in=membri).order_by("pk").first()
        for k in range(n % 4 + 1):
            utilizzo = utilizzo_richiedi(
                convenzione=convenzione, beneficiario=Beneficiario(impresa=target)
            )
            if k % 2 == 0:
                utilizzo_conferma(codice=utilizzo.codice, actor=None)
        Convenzione.objects.filter(pk=convenzione.pk).update(visualizzazioni=7 + 3 * n)
    # One rejected and resubmitted draft shows the moderation note.
    bozza = next(c for c in convenzioni if c.stato == BOZZA and c.ente.nome == GIRASOLE)
    convenzione_invia(convenzione=bozza)
    convenzione_respingi(
        convenzione=bozza, nota="Indicate per quanti mesi vale la prima ora gratuita."
    )
