from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo_data.models import Comune

from . import orari
from .validators import (
    validate_codice_fiscale_o_partita_iva,
    validate_partita_iva,
    validate_plausible_date,
)

cap_validator = RegexValidator(r"^\d{5}$", _("Il CAP è fatto di 5 cifre."))
codice_categoria_validator = RegexValidator(
    r"^[a-z0-9-]+(\.[a-z0-9-]+)*$",
    _("Codice di sole lettere minuscole, cifre e trattini; i livelli separati da punti."),
)


def contains_index(field: str, name: str) -> GinIndex:
    """A trigram index for Django's `icontains` on `field` (`UPPER(field) LIKE
    UPPER('%word%')`: the admin's search, marketplace.admin_defaults), which otherwise
    reads the whole table."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


class TipoEnte(models.TextChoices):
    PUBBLICO = "pubblico", _("Pubblico")
    TERZO_SETTORE = "terzo_settore", _("Terzo settore")
    IMPRESA = "impresa", _("Impresa")


class StatoVerificaEnte(models.TextChoices):
    DA_VERIFICARE = "da_verificare", _("Da verificare")
    VERIFICATO = "verificato", _("Verificato")
    SOSPESO = "sospeso", _("Sospeso")


class Ente(models.Model):
    """A provider: a public body, a third-sector organisation or a company."""

    nome = models.CharField(_("nome"), max_length=200)
    tipo = models.CharField(_("tipo di ente"), max_length=20, choices=TipoEnte.choices)
    forma_giuridica = models.CharField(
        _("forma giuridica"),
        max_length=100,
        blank=True,
        help_text=_("Es. Comune, cooperativa sociale, associazione, S.r.l."),
    )
    codice_fiscale = models.CharField(
        _("codice fiscale"),
        max_length=16,
        unique=True,
        validators=[validate_codice_fiscale_o_partita_iva],
    )
    partita_iva = models.CharField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    telefono = models.CharField(_("telefono"), max_length=40, blank=True)
    sito_web = models.URLField(_("sito web"), blank=True)
    descrizione = models.TextField(_("descrizione breve"), blank=True, max_length=2000)
    stato_verifica = models.CharField(
        _("stato di verifica"),
        max_length=20,
        choices=StatoVerificaEnte.choices,
        default=StatoVerificaEnte.DA_VERIFICARE,
    )
    referenti = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="enti_referente",
        blank=True,
        verbose_name=_("referenti"),
        help_text=_("Utenti che possono modificare i dati di questo ente."),
    )
    demo = models.BooleanField(_("dato dimostrativo"), default=False, editable=False)
    creato_il = models.DateTimeField(auto_now_add=True)
    aggiornato_il = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["aggiornato_il"])

    class Meta:
        verbose_name = _("Ente")
        verbose_name_plural = _("Enti")
        ordering = ["nome"]
        indexes = [
            models.Index(fields=["tipo"]),
            contains_index("nome", "ente_nome_trgm"),
            # The lists in the Ente's order (places, the exports of services): at a
            # million services the first page of places sorted 100,000 Enti (58 ms ->
            # 0.5), and the export sorted every service before writing the first.
            models.Index(fields=["nome", "id"], name="ente_nome_id"),
        ]
        permissions = [
            ("cura_catalogo", _("Può curare tutto il catalogo (non solo i propri enti)")),
        ]

    def __str__(self) -> str:
        return self.nome

    def clean(self) -> None:
        from .validators import normalizza_codice

        self.codice_fiscale = normalizza_codice(self.codice_fiscale or "")
        self.partita_iva = normalizza_codice(self.partita_iva or "")


class Sede(models.Model):
    """A place where an Ente works. Its Comune is derived from its point, never typed."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="sedi")
    nome = models.CharField(_("nome"), max_length=200, help_text=_("Es. Sede principale"))
    indirizzo = models.CharField(_("indirizzo"), max_length=200)
    cap = models.CharField(_("CAP"), max_length=5, validators=[cap_validator])
    punto = models.PointField(_("posizione"), srid=4326)
    comune = models.ForeignKey(
        Comune, on_delete=models.PROTECT, related_name="sedi", editable=False
    )
    accesso_senza_barriere = models.BooleanField(_("accesso senza barriere"), default=False)
    bagno_accessibile = models.BooleanField(_("bagno accessibile"), default=False)
    parcheggio = models.BooleanField(_("parcheggio"), default=False)
    note_accessibilita = models.TextField(_("note sull'accessibilità"), blank=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Sede")
        verbose_name_plural = _("Sedi")
        ordering = ["ente__nome", "nome"]

    def __str__(self) -> str:
        return f"{self.ente} – {self.nome}"

    def clean(self) -> None:
        from geo_data.selectors import PointOutsideTerritory, comune_containing_point

        if self.punto is None:
            return
        try:
            self.comune = comune_containing_point(self.punto)
        except PointOutsideTerritory as error:
            raise ValidationError({"punto": error.messages}) from error


class Categoria(models.Model):
    """A need in the work-life balance taxonomy; `codice` is a stable dotted path."""

    codice = models.CharField(
        _("codice"), max_length=120, unique=True, validators=[codice_categoria_validator]
    )
    nome = models.CharField(_("nome"), max_length=120)
    nome_en = models.CharField(_("nome in inglese"), max_length=120, blank=True)
    descrizione = models.TextField(_("descrizione"), blank=True)
    genitore = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figlie",
        verbose_name=_("categoria madre"),
    )
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("Categoria")
        verbose_name_plural = _("Categorie")
        ordering = ["codice"]

    def __str__(self) -> str:
        return self.nome

    def clean(self) -> None:
        expected_prefix = f"{self.genitore.codice}." if self.genitore else ""
        if self.genitore and not self.codice.startswith(expected_prefix):
            raise ValidationError(
                {"codice": _("Il codice deve iniziare con «%(p)s».") % {"p": expected_prefix}}
            )
        if not self.genitore and "." in (self.codice or ""):
            raise ValidationError(
                {
                    "genitore": _(
                        "Un codice con il punto indica una sottocategoria: scegli la madre."
                    )
                }
            )


class Orario(models.Model):
    """A weekly schedule with exceptions, shared by services and (later) info points."""

    descrizione = models.CharField(_("descrizione"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Es. «Su appuntamento il sabato»"))

    class Meta:
        verbose_name = _("Orario")
        verbose_name_plural = _("Orari")
        indexes = [contains_index("descrizione", "orario_descrizione_trgm")]

    def __str__(self) -> str:
        return self.descrizione or orari.format_orario(self.fasce_logiche()) or str(_("Orario"))

    def fasce_logiche(self) -> list[orari.Fascia]:
        return [orari.Fascia(f.giorno, f.apertura, f.chiusura) for f in self.fasce.all()]

    def eccezioni_logiche(self) -> list[orari.Eccezione]:
        return [
            orari.Eccezione(e.data_inizio, e.data_fine, e.chiuso, e.apertura, e.chiusura)
            for e in self.eccezioni.all()
        ]

    def aperto_il(self, when) -> bool:
        return orari.is_open_at(self.fasce_logiche(), self.eccezioni_logiche(), when)

    def aperto_nel_giorno(self, day, parte: str | None = None) -> bool:
        return orari.is_open_on(self.fasce_logiche(), self.eccezioni_logiche(), day, parte)

    def aperto_nella_parte(self, parte: str) -> bool:
        """Open in that part of some day of the week (orari.PARTI_DEL_GIORNO)."""
        return orari.is_open_in_part_of_week(self.fasce_logiche(), parte)


class Giorno(models.IntegerChoices):
    LUNEDI = 0, _("lunedì")
    MARTEDI = 1, _("martedì")
    MERCOLEDI = 2, _("mercoledì")
    GIOVEDI = 3, _("giovedì")
    VENERDI = 4, _("venerdì")
    SABATO = 5, _("sabato")
    DOMENICA = 6, _("domenica")


class FasciaOraria(models.Model):
    """One opening slot of a weekday; a closing time not after the opening runs past midnight."""

    orario = models.ForeignKey(Orario, on_delete=models.CASCADE, related_name="fasce")
    giorno = models.PositiveSmallIntegerField(_("giorno"), choices=Giorno.choices)
    apertura = models.TimeField(_("apertura"))
    chiusura = models.TimeField(
        _("chiusura"), help_text=_("Se precede l'apertura, la fascia finisce il giorno dopo.")
    )

    class Meta:
        verbose_name = _("fascia oraria")
        verbose_name_plural = _("fasce orarie")
        ordering = ["giorno", "apertura"]
        constraints = [
            models.CheckConstraint(condition=Q(giorno__lte=6), name="fascia_giorno_valido"),
        ]

    def __str__(self) -> str:
        return str(orari.Fascia(self.giorno, self.apertura, self.chiusura))


class EccezioneOrario(models.Model):
    """Whole days of closure (holidays, closures) or of special hours."""

    orario = models.ForeignKey(Orario, on_delete=models.CASCADE, related_name="eccezioni")
    data_inizio = models.DateField(_("dal"), validators=[validate_plausible_date])
    data_fine = models.DateField(_("al"), validators=[validate_plausible_date])
    chiuso = models.BooleanField(_("chiuso"), default=True)
    apertura = models.TimeField(_("apertura speciale"), null=True, blank=True)
    chiusura = models.TimeField(_("chiusura speciale"), null=True, blank=True)
    descrizione = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("eccezione")
        verbose_name_plural = _("eccezioni (festività, chiusure, orari speciali)")
        ordering = ["data_inizio"]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_fine__gte=F("data_inizio")), name="eccezione_date_ordinate"
            ),
            models.CheckConstraint(
                condition=Q(chiuso=True) | Q(apertura__isnull=False, chiusura__isnull=False),
                name="eccezione_orario_speciale_completo",
            ),
        ]

    def clean(self) -> None:
        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            raise ValidationError({"data_fine": _("La data di fine precede quella di inizio.")})
        if not self.chiuso and (self.apertura is None or self.chiusura is None):
            raise ValidationError(
                _(
                    "Un orario speciale ha bisogno di apertura e chiusura; "
                    "altrimenti segna «chiuso»."
                )
            )


class Destinatario(models.TextChoices):
    FAMIGLIE = "famiglie", _("Famiglie")
    MINORI = "minori", _("Bambini e ragazzi")
    ANZIANI = "anziani", _("Anziani")
    DISABILI = "disabili", _("Persone con disabilità")
    LAVORATORI = "lavoratori", _("Lavoratori")
    IMPRESE = "imprese", _("Imprese")


class ModalitaAccesso(models.TextChoices):
    DIRETTO = "diretto", _("Accesso diretto")
    PRENOTAZIONE = "prenotazione", _("Su prenotazione")
    INVIO_SERVIZI_SOCIALI = "invio_servizi_sociali", _("Su invio dei servizi sociali")


class Costo(models.TextChoices):
    GRATUITO = "gratuito", _("Gratuito")
    A_PAGAMENTO = "a_pagamento", _("A pagamento")
    TARIFFA_AGEVOLATA = "tariffa_agevolata", _("Tariffa agevolata")


class StatoServizio(models.TextChoices):
    BOZZA = "bozza", _("Bozza")
    PUBBLICATO = "pubblicato", _("Pubblicato")
    ARCHIVIATO = "archiviato", _("Archiviato")


LINGUE = [
    ("it", _("italiano")),
    ("en", _("inglese")),
    ("fr", _("francese")),
    ("es", _("spagnolo")),
    ("de", _("tedesco")),
    ("ar", _("arabo")),
    ("ro", _("rumeno")),
    ("sq", _("albanese")),
    ("zh", _("cinese")),
    ("uk", _("ucraino")),
    ("ru", _("russo")),
    ("pt", _("portoghese")),
    ("tl", _("tagalog")),
    ("bn", _("bengalese")),
    ("ur", _("urdu")),
    ("hi", _("hindi")),
    ("wo", _("wolof")),
    ("lis", _("LIS (lingua dei segni italiana)")),
]


class Servizio(models.Model):
    """A service of an Ente: what, for whom, how to access it, what it costs, when and where."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="servizi")
    titolo = models.CharField(_("titolo"), max_length=200)
    descrizione = models.TextField(_("descrizione"), blank=True)
    categorie = models.ManyToManyField(
        Categoria, related_name="servizi", verbose_name=_("categorie")
    )
    destinatari = ArrayField(
        models.CharField(max_length=20, choices=Destinatario.choices),
        verbose_name=_("destinatari"),
        default=list,
        blank=True,
    )
    eta_min = models.PositiveSmallIntegerField(
        _("età minima"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    eta_max = models.PositiveSmallIntegerField(
        _("età massima"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    modalita_accesso = models.CharField(
        _("modalità di accesso"), max_length=30, choices=ModalitaAccesso.choices
    )
    costo = models.CharField(_("costo"), max_length=20, choices=Costo.choices)
    costo_descrizione = models.TextField(
        _("dettagli sul costo"),
        blank=True,
        help_text=_("Es. «12 € l'ora, ISEE sotto 15.000 €: 6 €»"),
    )
    requisiti = models.TextField(_("requisiti di accesso"), blank=True)
    lingue = ArrayField(
        models.CharField(max_length=3, choices=LINGUE),
        verbose_name=_("lingue parlate"),
        default=list,
        blank=True,
    )
    orario = models.OneToOneField(
        Orario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="servizio",
        verbose_name=_("orario"),
    )
    sedi = models.ManyToManyField(
        Sede, related_name="servizi", blank=True, verbose_name=_("sedi di erogazione")
    )
    comuni_copertura = models.ManyToManyField(
        Comune,
        related_name="servizi_a_domicilio",
        blank=True,
        verbose_name=_("Comuni serviti a domicilio"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    telefono = models.CharField(_("telefono"), max_length=40, blank=True)
    sito_web = models.URLField(_("sito web"), blank=True)
    stato = models.CharField(
        _("stato"), max_length=20, choices=StatoServizio.choices, default=StatoServizio.BOZZA
    )
    verificato_il = models.DateField(
        _("ultima verifica"), null=True, blank=True, validators=[validate_plausible_date]
    )
    demo = models.BooleanField(_("dato dimostrativo"), default=False, editable=False)
    creato_il = models.DateTimeField(auto_now_add=True)
    aggiornato_il = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["aggiornato_il"], m2m_fields=[categorie, sedi, comuni_copertura]
    )

    class Meta:
        verbose_name = _("Servizio")
        verbose_name_plural = _("Servizi")
        ordering = ["titolo"]
        indexes = [
            models.Index(fields=["stato"]),
            models.Index(fields=["verificato_il"]),
            # The catalogue's lists (API, admin) in their order, read a page at a time:
            # without it each page sorted every service (a million at scale).
            models.Index(fields=["titolo", "id"], name="servizio_titolo_id"),
            # The published services in id order, the HSDS API's pages (api/hsds_views):
            # counted, and the rows before a page skipped, from this index alone.
            models.Index(
                fields=["id"], condition=Q(stato="pubblicato"), name="servizio_pubblicato_id"
            ),
            # What changed since a moment: an integrator's sync (HSDS's modified_after).
            models.Index(fields=["aggiornato_il"], name="servizio_aggiornato_il"),
            contains_index("titolo", "servizio_titolo_trgm"),
            contains_index("descrizione", "servizio_descrizione_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(eta_min__isnull=True)
                | Q(eta_max__isnull=True)
                | Q(eta_min__lte=F("eta_max")),
                name="servizio_eta_ordinata",
            ),
        ]

    def __str__(self) -> str:
        return self.titolo

    def clean(self) -> None:
        if self.eta_min is not None and self.eta_max is not None and self.eta_min > self.eta_max:
            raise ValidationError(
                {
                    "eta_max": _("L'età massima (%(max)s) è minore di quella minima (%(min)s).")
                    % {"max": self.eta_max, "min": self.eta_min}
                }
            )
