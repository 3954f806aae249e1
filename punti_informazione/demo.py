"""The demo PIT network: info points in each of the four districts, their operators and
a few months of anonymous consultations, on top of the demo catalogue (servizi/demo.py).

Every PIT sits at a place of a demo Ente (a Comune's social services, the districts'
social agencies, a union, a patronato, cooperatives, a company); names of people do
not exist anywhere, consultations are drawn from a seeded generator, and every row
written here has `demo=True` (or belongs to a demo PIT). Like the catalogue, it is
deterministic and idempotent: nothing happens when the demo PITs are there, unless
`reset=True`, which deletes them (with their sheets and consultations) first.

The demo logins are in DEMO_USERS and in the README.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from geo_data.models import Ambito, Comune
from servizi import orari
from servizi.demo import DemoUser, demo_enti, ensure_demo_user
from servizi.models import Categoria, Orario, Sede, Servizio, StatoServizio

from . import services
from .models import (
    AmministratoreAmbito,
    Consultazione,
    Operatore,
    PuntoInformazione,
    RuoloOperatore,
    Scheda,
    VoceScheda,
)

SEED = 20_250_301
MESI = 6  # consultations from the first day of the month five months ago to today

OPERATORE_PASSWORD = "demo-operatore"
OPERATORI = {
    "san-donato-milanese": DemoUser(
        "demo.operatore", OPERATORE_PASSWORD, "", "Demo", "Operatore", "PIT di San Donato"
    ),
    "paullese": DemoUser(
        "demo.operatore.paullese", OPERATORE_PASSWORD, "", "Demo", "Paullese", "PIT del Paullese"
    ),
    "pieve-emanuele": DemoUser(
        "demo.operatore.pieve", OPERATORE_PASSWORD, "", "Demo", "Pieve", "PIT di Pieve Emanuele"
    ),
    "rozzano": DemoUser(
        "demo.operatore.rozzano", OPERATORE_PASSWORD, "", "Demo", "Rozzano", "PIT di Rozzano"
    ),
}
AMMINISTRATORE_AMBITO = DemoUser(
    "demo.ambito",
    "demo-ambito",
    "Amministratori di Ambito",
    "Demo",
    "Ambito",
    "amministra i PIT dell'Ambito di San Donato Milanese",
)
AMMINISTRATORE_RETE = DemoUser(
    "demo.rete",
    "demo-rete",
    "Amministrazione rete PIT",
    "Demo",
    "Rete",
    "amministra tutta la rete dei PIT",
)
DEMO_USERS = (*OPERATORI.values(), AMMINISTRATORE_AMBITO, AMMINISTRATORE_RETE)
AMBITO_AMMINISTRATO = "san-donato-milanese"


@dataclass(frozen=True)
class PuntoDemo:
    nome: str
    tipo: str
    ente: str  # name of a demo Ente
    comune: str  # the Comune of the Ente's place that hosts it
    ambito: str
    orario: str
    temi: tuple[str, ...]
    lingue: tuple[str, ...] = ("it",)
    su_appuntamento: bool = False
    responsabile: bool = False  # the Ambito's demo operator is its responsabile
    afflusso: int = 14  # consultations a month, on average


def _comune(nome: str) -> str:
    return f"Servizi Sociali del Comune di {nome} (demo)"


SINDACATO = "Sindacato Lavoratori Sud Milano (demo)"
PATRONATO = "Patronato e CAF Sud Milano (demo)"
FAMIGLIE = ("infanzia", "anziani", "disabilita", "consulenza")
LAVORO = ("welfare-aziendale", "salva-tempo", "formazione", "consulenza")

# fmt: off
PUNTI: tuple[PuntoDemo, ...] = (
    # ---------------------------------------------------------------- San Donato
    PuntoDemo("Segretariato sociale di San Donato Milanese", "segretariato_sociale",
              _comune("San Donato Milanese"), "San Donato Milanese", "san-donato-milanese",
              "lun-ven 09:00-12:30; mar,gio 14:00-17:00", FAMIGLIE, ("it", "en"),
              responsabile=True, afflusso=22),
    PuntoDemo("Sportello welfare conciliativo A.S.S.E.MI.", "sportello_welfare",
              "Azienda Sociale Sud Est Milano (demo)", "San Donato Milanese",
              "san-donato-milanese", "lun,mer 09:00-13:00; gio 14:00-18:00",
              ("welfare-aziendale", "infanzia", "anziani"), afflusso=12),
    PuntoDemo("Social point Studio Welfare PMI", "social_point", "Studio Welfare PMI S.r.l.",
              "San Donato Milanese", "san-donato-milanese", "mar,ven 12:30-14:30",
              LAVORO, ("it", "en"), su_appuntamento=True, afflusso=6),
    PuntoDemo("Sportello lavoratori di San Giuliano Milanese", "sindacato", SINDACATO,
              "San Giuliano Milanese", "san-donato-milanese", "lun-ven 15:00-19:00",
              LAVORO, ("it", "ro", "ar"), afflusso=10),
    # ---------------------------------------------------------------- Paullese
    PuntoDemo("Segretariato sociale di Paullo", "segretariato_sociale", _comune("Paullo"),
              "Paullo", "paullese", "lun,mer,ven 09:00-12:00", FAMIGLIE,
              responsabile=True, afflusso=12),
    PuntoDemo("Sportello attività produttive di Peschiera Borromeo",
              "sportello_attivita_produttive", _comune("Peschiera Borromeo"),
              "Peschiera Borromeo", "paullese", "mar,gio 09:00-12:30",
              ("welfare-aziendale", "formazione"), su_appuntamento=True, afflusso=5),
    PuntoDemo("CAF e patronato di Paullo", "patronato_caf", PATRONATO, "Paullo", "paullese",
              "lun-ven 08:30-12:30; mer 14:30-18:00", ("salva-tempo", "anziani", "infanzia"),
              ("it", "sq", "ro"), afflusso=16),
    # ---------------------------------------------------------------- Pieve Emanuele
    PuntoDemo("Segretariato sociale di Pieve Emanuele", "segretariato_sociale",
              _comune("Pieve Emanuele"), "Pieve Emanuele", "pieve-emanuele",
              "lun-ven 09:00-12:00; gio 14:00-16:30", FAMIGLIE, responsabile=True,
              afflusso=14),
    PuntoDemo("Sportello sindacale di Pieve Emanuele", "sindacato", SINDACATO,
              "Pieve Emanuele", "pieve-emanuele", "mar,gio 16:00-19:00; sab 09:00-12:00",
              LAVORO, ("it", "ar", "ur"), afflusso=9),
    PuntoDemo("Punto famiglie Spazio Aperto", "terzo_settore",
              "Cooperativa sociale Spazio Aperto", "Pieve Emanuele", "pieve-emanuele",
              "lun,mer 15:00-18:30", ("infanzia", "disabilita", "formazione"),
              afflusso=7),
    # ---------------------------------------------------------------- Rozzano
    PuntoDemo("Segretariato sociale di Rozzano", "segretariato_sociale", _comune("Rozzano"),
              "Rozzano", "rozzano", "lun-ven 08:30-12:30; lun,gio 14:00-17:00", FAMIGLIE,
              ("it", "ar", "zh"), responsabile=True, afflusso=24),
    PuntoDemo("Patronato di Rozzano", "patronato_caf", PATRONATO, "Rozzano", "rozzano",
              "lun-ven 09:00-12:00, 14:30-17:30", ("salva-tempo", "anziani"),
              ("it", "ro", "uk"), afflusso=18),
    PuntoDemo("Sportello ascolto La Rondine", "terzo_settore", "Cooperativa sociale La Rondine",
              "Rozzano", "rozzano", "mar,ven 09:30-12:30", ("anziani", "disabilita", "salute"),
              afflusso=8),
)
# fmt: on

RELATED = ["punto", "operatore", "comune_residenza", "punto_invio", "scheda"]
CANALI = (("sportello", 70), ("telefono", 22), ("email", 8))
FASCE = (
    ("0-17", 2),
    ("18-29", 12),
    ("30-44", 34),
    ("45-64", 30),
    ("65-74", 10),
    ("75+", 6),
    ("nd", 6),
)
ESITI = (("informazione", 55), ("invio_servizio", 35), ("invio_pit", 10))


@dataclass(frozen=True)
class DemoPitResult:
    caricati: bool
    punti: int
    operatori: int
    schede: int
    consultazioni: int

    def riepilogo(self) -> str:
        conteggi = (
            f"{self.punti} PIT, {self.operatori} incarichi di operatori, "
            f"{self.schede} schede, {self.consultazioni} consultazioni"
        )
        if not self.caricati:
            return f"PIT dimostrativi già presenti: {conteggi}."
        utenti = ", ".join(user.username for user in DEMO_USERS)
        return f"PIT dimostrativi caricati: {conteggi}; utenti {utenti}."


def demo_punti():
    return PuntoInformazione.objects.filter(demo=True)


def load_demo_pit(*, reset: bool = False) -> DemoPitResult:
    """Load the demo PITs, users, sheets and consultations unless already there."""
    with transaction.atomic():
        if demo_punti().exists():
            if not reset:
                return _conteggi(caricati=False)
            delete_demo_pit()
        if not demo_enti().exists():
            raise RuntimeError(
                "Il catalogo dimostrativo non c'è: i PIT dimostrativi stanno nelle sue sedi "
                "(manage.py load_demo_data)."
            )
        _Loader(reset=reset).run()
        return _conteggi(caricati=True)


@transaction.atomic
def delete_demo_pit() -> None:
    """Delete the demo PITs with their operators, sheets, consultations and history.

    Needed before the catalogue they stand on is deleted (PITs protect their Ente
    and place, consultations their PIT). The demo users and groups are kept.
    """
    punti = list(demo_punti().values_list("pk", "orario_id"))
    ids = [pk for pk, _orario in punti]
    consultazioni = Consultazione.objects.filter(Q(punto_id__in=ids) | Q(punto_invio_id__in=ids))
    consultazione_ids = list(consultazioni.values_list("pk", flat=True))
    schede = Scheda.objects.filter(punto_id__in=ids)
    scheda_ids = list(schede.values_list("pk", flat=True))
    voce_ids = list(
        VoceScheda.objects.filter(scheda_id__in=scheda_ids).values_list("pk", flat=True)
    )
    consultazioni.delete()
    schede.delete()
    Operatore.objects.filter(punto_id__in=ids).delete()
    PuntoInformazione.objects.filter(pk__in=ids).delete()
    Orario.objects.filter(pk__in=[orario for _pk, orario in punti if orario]).delete()
    for model, pks in (
        (Consultazione, consultazione_ids),
        (Scheda, scheda_ids),
        (VoceScheda, voce_ids),
        (PuntoInformazione, ids),
    ):
        history = model.history.model
        for m2m_field in getattr(history, "_history_m2m_fields", []):
            getattr(history, m2m_field.name).model.objects.filter(history__id__in=pks).delete()
        history.objects.filter(id__in=pks).delete()
    Operatore.history.model.objects.filter(punto_id__in=ids).delete()


def _conteggi(*, caricati: bool) -> DemoPitResult:
    punti = demo_punti()
    return DemoPitResult(
        caricati=caricati,
        punti=punti.count(),
        operatori=Operatore.objects.filter(punto__in=punti).count(),
        schede=Scheda.objects.filter(punto__in=punti).count(),
        consultazioni=Consultazione.objects.filter(punto__in=punti).count(),
    )


def _weighted(rng: random.Random, choices) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


class _Loader:
    def __init__(self, *, reset: bool) -> None:
        self.reset = reset
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.categorie = {c.codice: c for c in Categoria.objects.all()}
        self.punti: list[tuple[PuntoDemo, PuntoInformazione]] = []

    def run(self) -> None:
        users = _ensure_demo_users(reset=self.reset)
        for spec in PUNTI:
            punto = self._punto(spec)
            self.punti.append((spec, punto))
            ruolo = RuoloOperatore.RESPONSABILE if spec.responsabile else RuoloOperatore.OPERATORE
            services.operatore_assign(
                punto=punto, utente=users[OPERATORI[spec.ambito].username], ruolo=ruolo
            )
        ambito = Ambito.objects.get(slug=AMBITO_AMMINISTRATO)
        AmministratoreAmbito.objects.get_or_create(
            utente=users[AMMINISTRATORE_AMBITO.username], ambito=ambito
        )
        schede = self._schede(users)
        self._consultazioni(users, schede)

    def _punto(self, spec: PuntoDemo) -> PuntoInformazione:
        ente = demo_enti().get(nome=spec.ente)
        sede = (
            Sede.objects.filter(ente=ente, comune__nome=spec.comune).order_by("pk").first()
            or Sede.objects.filter(ente=ente).order_by("pk").first()
        )
        dominio = ente.email.partition("@")[2] or "pit.example"
        return services.punto_create(
            nome=spec.nome,
            ente=ente,
            tipo=spec.tipo,
            sede=sede,
            descrizione=(
                f"{spec.nome}: ascolto e orientamento sui servizi di conciliazione vita-lavoro "
                "del territorio. Punto dimostrativo."
            ),
            fasce=orari.parse_orario(spec.orario),
            telefono=f"02 0{self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}",
            email=f"pit-{slugify(spec.comune)}@{dominio}",
            temi=[self.categorie[codice] for codice in spec.temi],
            lingue=list(spec.lingue),
            su_appuntamento=spec.su_appuntamento,
            demo=True,
        )

    def _schede(self, users) -> dict[int, list[Scheda]]:
        """Two sheets per PIT, each with two or three published services of its topics."""
        schede: dict[int, list[Scheda]] = {}
        for spec, punto in self.punti:
            autore = users[OPERATORI[spec.ambito].username]
            candidati = list(
                Servizio.objects.filter(
                    stato=StatoServizio.PUBBLICATO,
                    demo=True,
                    sedi__comune__ambiti__slug=spec.ambito,
                    categorie__codice__startswith=spec.temi[0],
                )
                .distinct()
                .order_by("pk")
                .values_list("pk", flat=True)[:12]
            )
            for _n in range(2):
                scheda = services.scheda_create(punto=punto, autore=autore)
                for oggetto_id in self.rng.sample(candidati, min(len(candidati), 3)):
                    services.scheda_voce_add(
                        scheda=scheda,
                        tipo="servizio",
                        oggetto_id=oggetto_id,
                        nota=self.rng.choice(
                            ("", "Telefonare prima per un appuntamento.", "Portare l'ISEE.")
                        ),
                    )
                schede.setdefault(punto.pk, []).append(scheda)
        return schede

    def _consultazioni(self, users, schede) -> None:
        rng, today = self.rng, self.today
        start_index = today.year * 12 + today.month - 1 - (MESI - 1)
        start = date(start_index // 12, start_index % 12 + 1, 1)
        days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
        working = [d for d in days if d.weekday() < 5]
        comuni_ambito = {
            ambito.slug: list(ambito.comuni.order_by("codice_istat").only("pk"))
            for ambito in Ambito.objects.all()
        }
        # Residents from elsewhere come from the rest of the metropolitan area.
        altri = list(
            Comune.objects.filter(sigla_provincia="MI", ambiti__isnull=True)
            .order_by("pk")
            .only("pk")
        )
        bisogni_tutti = [c for c in self.categorie.values() if c.genitore_id]
        rows, needs = [], []
        for spec, punto in self.punti:
            operatore = users[OPERATORI[spec.ambito].username]
            temi_foglie = [
                c for c in bisogni_tutti if c.codice.split(".")[0] in spec.temi
            ] or bisogni_tutti
            totale = round(spec.afflusso * MESI * rng.uniform(0.8, 1.2))
            altri_punti = [p for _s, p in self.punti if p.pk != punto.pk]
            for _n in range(totale):
                day = rng.choice(working)
                comune = rng.random()
                if comune < 0.8:
                    residenza = rng.choice(comuni_ambito[spec.ambito])
                elif comune < 0.92:
                    residenza = rng.choice(altri)
                else:
                    residenza = None
                esito = _weighted(rng, ESITI)
                consultazione = Consultazione(
                    data=day,
                    punto=punto,
                    operatore=operatore,
                    canale=_weighted(rng, CANALI),
                    comune_residenza=residenza,
                    lavoratore_impresa_aderente=rng.random()
                    < (0.6 if "welfare-aziendale" in spec.temi else 0.25),
                    fascia_eta=_weighted(rng, FASCE),
                    esito=esito,
                    punto_invio=rng.choice(altri_punti) if esito == "invio_pit" else None,
                    scheda=rng.choice(schede[punto.pk]) if rng.random() < 0.08 else None,
                    registrata_il=timezone.make_aware(
                        datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59)))
                    ),
                    demo=True,
                )
                if consultazione.data > today:
                    continue
                # The related rows were just read: validate the values and the rules only.
                consultazione.clean_fields(exclude=RELATED)
                consultazione.clean()
                rows.append(consultazione)
                k = 1 if rng.random() < 0.7 else 2
                needs.append(rng.sample(temi_foglie, min(k, len(temi_foglie))))
        created = Consultazione.objects.bulk_create(rows)
        through = Consultazione.bisogni.through
        through.objects.bulk_create(
            through(consultazione_id=c.pk, categoria_id=categoria.pk)
            for c, bisogni in zip(created, needs, strict=True)
            for categoria in bisogni
        )
        Consultazione.history.bulk_history_create(
            created, default_change_reason="Dati dimostrativi"
        )


def _ensure_demo_users(*, reset: bool) -> dict:
    """Operators (console only), a district and a network administrator (console and admin)."""
    perms = Permission.objects.filter(content_type__app_label="punti_informazione")
    crud = (
        Q(codename__startswith="add_")
        | Q(codename__startswith="change_")
        | Q(codename__startswith="view_")
    )
    models = ("puntoinformazione", "operatore", "scheda", "vocescheda", "consultazione")
    ambito_perms = perms.filter(crud, content_type__model__in=models)
    rete_perms = perms.filter(crud) | perms.filter(codename="amministra_rete")
    groups = {AMMINISTRATORE_AMBITO.group: ambito_perms, AMMINISTRATORE_RETE.group: rete_perms}
    # To pick a Sede or a user in the admin's autocomplete, they need to see them.
    viewing = Permission.objects.filter(
        Q(content_type__app_label="servizi", codename__in=["view_sede", "view_ente"])
        | Q(content_type__app_label="auth", codename="view_user")
        | Q(content_type__app_label="servizi", codename="view_orario")
    )
    return {
        demo_user.username: ensure_demo_user(
            demo_user,
            permissions=[*groups[demo_user.group], *viewing] if demo_user.group else (),
            staff=bool(demo_user.group),
            reset=reset,
        )
        for demo_user in DEMO_USERS
    }
