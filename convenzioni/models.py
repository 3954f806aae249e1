"""Company networks, their member companies and the agreements offered to their employees.

The rules that span several rows (which networks an Ente may target, which state
changes are allowed, who may do them) live in `services.py` and `permissions.py`;
here are the invariants of a single row, each one also a database constraint
where the database can hold it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo_data.models import Comune
from servizi.models import Ente, Servizio
from servizi.validators import normalizza_codice, validate_partita_iva, validate_plausible_date

codice_adesione_validator = RegexValidator(
    r"^[A-Za-z0-9-]{4,32}$",
    _("Il codice di adesione ha da 4 a 32 caratteri: lettere, cifre e trattini."),
)


class ReteImprese(models.Model):
    """A network of companies whose employees share the agreements offered to it."""

    nome = models.CharField(_("nome"), max_length=200, unique=True)
    slug = models.SlugField(
        _("codice breve"),
        max_length=80,
        unique=True,
        help_text=_("Usato negli indirizzi e nei filtri di ricerca (es. rete-sud-est)."),
    )
    descrizione = models.TextField(_("descrizione"), blank=True, max_length=4000)
    promotore = models.CharField(
        _("promotore"),
        max_length=200,
        blank=True,
        help_text=_("Chi ha promosso la rete (es. un'associazione di categoria, un Comune)."),
    )
    codice_adesione = models.CharField(
        _("codice di adesione"),
        max_length=32,
        blank=True,
        validators=[codice_adesione_validator],
        help_text=_(
            "Facoltativo: lo comunicano le imprese ai dipendenti, che lo inseriscono per "
            "vedere le convenzioni della rete senza scegliere l'impresa. Maiuscole e "
            "minuscole non contano."
        ),
    )
    imprese = models.ManyToManyField(
        "Impresa", through="Adesione", related_name="reti", verbose_name=_("imprese aderenti")
    )
    enti_partner = models.ManyToManyField(
        Ente,
        related_name="reti_partner",
        blank=True,
        verbose_name=_("enti convenzionati"),
        help_text=_(
            "Enti che non sono imprese aderenti ma che la rete accetta come fornitori di "
            "convenzioni per i suoi dipendenti."
        ),
    )
    amministratori = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="reti_amministrate",
        blank=True,
        verbose_name=_("amministratori"),
        help_text=_("Moderano le convenzioni rivolte alla rete."),
    )
    demo = models.BooleanField(_("dato dimostrativo"), default=False, editable=False)
    history = HistoricalRecords(m2m_fields=[enti_partner, amministratori])

    class Meta:
        verbose_name = _("rete di imprese")
        verbose_name_plural = _("reti di imprese")
        ordering = ["nome"]
        constraints = [
            models.UniqueConstraint(
                Upper("codice_adesione"),
                condition=~Q(codice_adesione=""),
                name="rete_codice_adesione_unico",
                violation_error_message=_("Un'altra rete usa già questo codice di adesione."),
            ),
        ]

    def __str__(self) -> str:
        return self.nome

    @property
    def codice_ricerca(self) -> str:
        """The value of the search's `con_convenzione_per` for this network."""
        return f"rete:{self.slug}"


class ClasseDimensionale(models.TextChoices):
    MICRO = "micro", _("Micro (meno di 10 addetti)")
    PICCOLA = "piccola", _("Piccola (10-49 addetti)")
    MEDIA = "media", _("Media (50-249 addetti)")
    GRANDE = "grande", _("Grande (250 addetti e oltre)")


class Impresa(models.Model):
    """A member company: its employees (and, where allowed, their families) benefit."""

    nome = models.CharField(_("ragione sociale"), max_length=200)
    slug = models.SlugField(_("codice breve"), max_length=80, unique=True)
    partita_iva = models.CharField(
        _("partita IVA"), max_length=11, unique=True, validators=[validate_partita_iva]
    )
    classe_dimensionale = models.CharField(
        _("classe dimensionale"), max_length=10, choices=ClasseDimensionale.choices
    )
    settore = models.CharField(
        _("settore"), max_length=120, help_text=_("Es. manifattura, commercio, servizi")
    )
    comune = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        related_name="imprese",
        verbose_name=_("Comune della sede"),
    )
    ente = models.OneToOneField(
        Ente,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impresa",
        verbose_name=_("come ente del catalogo"),
        help_text=_(
            "Se l'impresa offre anche servizi nel catalogo: può allora offrire convenzioni "
            "alle reti di cui fa parte."
        ),
    )
    referenti = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="imprese_referente",
        blank=True,
        verbose_name=_("referenti"),
        help_text=_("Le persone di contatto dell'impresa per la rete."),
    )
    demo = models.BooleanField(_("dato dimostrativo"), default=False, editable=False)
    history = HistoricalRecords(m2m_fields=[referenti])

    class Meta:
        verbose_name = _("impresa")
        verbose_name_plural = _("imprese")
        ordering = ["nome"]

    def __str__(self) -> str:
        return self.nome

    def clean(self) -> None:
        self.partita_iva = normalizza_codice(self.partita_iva or "")

    @property
    def codice_ricerca(self) -> str:
        """The value of the search's `con_convenzione_per` for this company."""
        return f"impresa:{self.slug}"


class Adesione(models.Model):
    """A company's membership of a network, from a day to a day (open when no end)."""

    rete = models.ForeignKey(ReteImprese, on_delete=models.CASCADE, related_name="adesioni")
    impresa = models.ForeignKey(Impresa, on_delete=models.CASCADE, related_name="adesioni")
    data_inizio = models.DateField(_("aderisce dal"), validators=[validate_plausible_date])
    data_fine = models.DateField(
        _("aderisce fino al"),
        null=True,
        blank=True,
        help_text=_("Vuoto: adesione in corso."),
        validators=[validate_plausible_date],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adesione")
        verbose_name_plural = _("adesioni")
        ordering = ["rete", "impresa", "data_inizio"]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_fine__isnull=True) | Q(data_fine__gte=F("data_inizio")),
                name="adesione_date_ordinate",
                violation_error_message=_("La fine dell'adesione precede il suo inizio."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.impresa} – {self.rete}"

    def clean(self) -> None:
        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            raise ValidationError({"data_fine": _("La fine dell'adesione precede il suo inizio.")})
        if not (self.rete_id and self.impresa_id and self.data_inizio):
            return
        # Two memberships of the same company in the same network must not overlap:
        # the eligibility rule reads them as periods.
        overlapping = Adesione.objects.filter(rete_id=self.rete_id, impresa_id=self.impresa_id)
        overlapping = overlapping.exclude(pk=self.pk).filter(
            Q(data_fine__isnull=True) | Q(data_fine__gte=self.data_inizio)
        )
        if self.data_fine:
            overlapping = overlapping.filter(data_inizio__lte=self.data_fine)
        if overlapping.exists():
            raise ValidationError(
                {
                    "data_inizio": _(
                        "L'impresa aderisce già a questa rete in un periodo che si sovrappone."
                    )
                }
            )

    def attiva_il(self, day: date) -> bool:
        return self.data_inizio <= day and (self.data_fine is None or day <= self.data_fine)


class TipoBeneficio(models.TextChoices):
    PERCENTUALE = "percentuale", _("Sconto in percentuale")
    IMPORTO = "importo", _("Sconto di un importo fisso")
    PREZZO_SPECIALE = "prezzo_speciale", _("Prezzo speciale")
    GRATUITO = "gratuito", _("Servizio gratuito")
    ALTRO = "altro", _("Altro vantaggio")


class ModalitaRiscatto(models.TextChoices):
    TESSERINO = "tesserino", _("Mostrare il tesserino aziendale")
    CODICE = "codice", _("Citare un codice")
    LINK = "link", _("Prenotare tramite un link")


class StatoConvenzione(models.TextChoices):
    BOZZA = "bozza", _("Bozza")
    IN_REVISIONE = "in_revisione", _("In revisione")
    PUBBLICATA = "pubblicata", _("Pubblicata")
    SCADUTA = "scaduta", _("Scaduta")
    RITIRATA = "ritirata", _("Ritirata")


class Convenzione(models.Model):
    """An agreement: an Ente offers a benefit to the employees of networks or companies.

    Its state is changed only by the services (submit, approve, reject, withdraw,
    expire); `stato_effettivo()` reads a published agreement past its end date as
    expired even before the nightly command has marked it.
    """

    ente = models.ForeignKey(
        Ente, on_delete=models.CASCADE, related_name="convenzioni", verbose_name=_("ente")
    )
    servizi = models.ManyToManyField(
        Servizio,
        related_name="convenzioni",
        blank=True,
        verbose_name=_("servizi interessati"),
        help_text=_("Facoltativo: i servizi dell'ente a cui si applica. Vuoto: tutti."),
    )
    titolo = models.CharField(_("titolo"), max_length=200)
    descrizione = models.TextField(_("descrizione"), blank=True, max_length=4000)
    tipo_beneficio = models.CharField(
        _("tipo di vantaggio"), max_length=20, choices=TipoBeneficio.choices
    )
    percentuale = models.DecimalField(
        _("percentuale di sconto"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    importo = models.DecimalField(
        _("importo (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Lo sconto fisso o il prezzo speciale, in euro."),
    )
    beneficio_testo = models.CharField(
        _("il vantaggio in parole"),
        max_length=300,
        blank=True,
        help_text=_("Es. «Seconda ora di baby sitting gratuita». Necessario per «Altro»."),
    )
    condizioni = models.TextField(_("condizioni"), blank=True, max_length=4000)
    data_inizio = models.DateField(_("valida dal"), validators=[validate_plausible_date])
    data_fine = models.DateField(_("valida fino al"), validators=[validate_plausible_date])
    reti_beneficiarie = models.ManyToManyField(
        ReteImprese,
        related_name="convenzioni",
        blank=True,
        verbose_name=_("reti beneficiarie"),
        help_text=_("I dipendenti delle imprese aderenti a queste reti."),
    )
    imprese_beneficiarie = models.ManyToManyField(
        Impresa,
        related_name="convenzioni",
        blank=True,
        verbose_name=_("imprese beneficiarie"),
        help_text=_("I dipendenti di queste imprese, anche fuori dalle reti scelte."),
    )
    estesa_ai_familiari = models.BooleanField(_("anche ai familiari"), default=False)
    modalita_riscatto = models.CharField(
        _("come si usa"), max_length=20, choices=ModalitaRiscatto.choices
    )
    codice_sconto = models.CharField(
        _("codice da citare"),
        max_length=40,
        blank=True,
        help_text=_("Necessario se si usa citando un codice."),
    )
    link_prenotazione = models.URLField(
        _("link di prenotazione"), blank=True, help_text=_("Necessario se si prenota da un link.")
    )
    istruzioni = models.TextField(
        _("istruzioni per usarla"),
        blank=True,
        max_length=2000,
        help_text=_("Es. «Prenotare al telefono e dire che si è dipendenti di un'impresa»."),
    )
    stato = models.CharField(
        _("stato"),
        max_length=20,
        choices=StatoConvenzione.choices,
        default=StatoConvenzione.BOZZA,
        editable=False,
    )
    nota_moderazione = models.TextField(
        _("nota della moderazione"),
        blank=True,
        editable=False,
        help_text=_("Perché è stata respinta o ritirata."),
    )
    inviata_il = models.DateTimeField(_("inviata in revisione il"), null=True, editable=False)
    pubblicata_il = models.DateTimeField(_("pubblicata il"), null=True, editable=False)
    moderata_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("moderata da"),
    )
    visualizzazioni = models.PositiveIntegerField(_("visualizzazioni"), default=0, editable=False)
    demo = models.BooleanField(_("dato dimostrativo"), default=False, editable=False)
    creato_il = models.DateTimeField(auto_now_add=True)
    aggiornato_il = models.DateTimeField(auto_now=True)
    # The view counter changes on every page view: it is not an edit worth a record.
    history = HistoricalRecords(
        excluded_fields=["aggiornato_il", "visualizzazioni"],
        m2m_fields=[servizi, reti_beneficiarie, imprese_beneficiarie],
    )

    class Meta:
        verbose_name = _("convenzione")
        verbose_name_plural = _("convenzioni")
        ordering = ["-data_inizio", "titolo"]
        indexes = [models.Index(fields=["stato", "data_fine"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_fine__gte=F("data_inizio")),
                name="convenzione_date_ordinate",
                violation_error_message=_("La data di fine precede quella di inizio."),
            ),
            models.CheckConstraint(
                condition=Q(percentuale__isnull=True) | Q(percentuale__gt=0, percentuale__lte=100),
                name="convenzione_percentuale_0_100",
                violation_error_message=_("La percentuale di sconto è tra 0 e 100."),
            ),
            models.CheckConstraint(
                condition=~Q(tipo_beneficio="percentuale") | Q(percentuale__isnull=False),
                name="convenzione_percentuale_indicata",
                violation_error_message=_("Indica la percentuale di sconto."),
            ),
            models.CheckConstraint(
                condition=~Q(tipo_beneficio__in=["importo", "prezzo_speciale"])
                | Q(importo__isnull=False),
                name="convenzione_importo_indicato",
                violation_error_message=_("Indica l'importo in euro."),
            ),
        ]

    def __str__(self) -> str:
        return self.titolo

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.data_inizio and self.data_fine and self.data_fine < self.data_inizio:
            errors["data_fine"] = _(
                "La data di fine (%(fine)s) precede quella di inizio (%(inizio)s)."
            ) % {"fine": f"{self.data_fine:%d/%m/%Y}", "inizio": f"{self.data_inizio:%d/%m/%Y}"}
        if self.percentuale is not None and not (0 < self.percentuale <= 100):
            errors["percentuale"] = _(
                "La percentuale di sconto deve essere maggiore di 0 e al massimo 100 "
                "(indicata: %(p)s)."
            ) % {"p": self.percentuale}
        tipo = self.tipo_beneficio
        if tipo == TipoBeneficio.PERCENTUALE and self.percentuale is None:
            errors["percentuale"] = _("Indica la percentuale di sconto.")
        if tipo in {TipoBeneficio.IMPORTO, TipoBeneficio.PREZZO_SPECIALE}:
            if self.importo is None:
                errors["importo"] = _("Indica l'importo in euro.")
            elif self.importo <= 0:
                errors["importo"] = _("L'importo deve essere maggiore di zero.")
        if tipo == TipoBeneficio.ALTRO and not self.beneficio_testo.strip():
            errors["beneficio_testo"] = _("Descrivi il vantaggio offerto.")
        if self.modalita_riscatto == ModalitaRiscatto.CODICE and not self.codice_sconto.strip():
            errors["codice_sconto"] = _("Indica il codice che i dipendenti devono citare.")
        if self.modalita_riscatto == ModalitaRiscatto.LINK and not self.link_prenotazione:
            errors["link_prenotazione"] = _("Indica il link per prenotare.")
        if errors:
            raise ValidationError(errors)
        # Values that do not belong to the chosen kind would be shown by mistake.
        if tipo != TipoBeneficio.PERCENTUALE:
            self.percentuale = None
        if tipo not in {TipoBeneficio.IMPORTO, TipoBeneficio.PREZZO_SPECIALE}:
            self.importo = None

    def stato_effettivo(self, day: date | None = None) -> str:
        """The state as users must read it today: published past its end is expired."""
        day = day or timezone.localdate()
        if self.stato == StatoConvenzione.PUBBLICATA and self.data_fine < day:
            return StatoConvenzione.SCADUTA
        return self.stato

    def valida_il(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.stato == StatoConvenzione.PUBBLICATA and self.data_inizio <= day <= (
            self.data_fine
        )

    def get_stato_effettivo_display(self) -> str:
        return StatoConvenzione(self.stato_effettivo()).label

    def beneficio_breve(self) -> str:
        """The benefit in a few words, for lists, map pop-ups and the search index."""
        tipo = self.tipo_beneficio
        if tipo == TipoBeneficio.PERCENTUALE and self.percentuale is not None:
            text = _("Sconto del %(p)s%%") % {"p": _numero(self.percentuale)}
        elif tipo == TipoBeneficio.IMPORTO and self.importo is not None:
            text = _("Sconto di %(e)s €") % {"e": _numero(self.importo)}
        elif tipo == TipoBeneficio.PREZZO_SPECIALE and self.importo is not None:
            text = _("Prezzo speciale: %(e)s €") % {"e": _numero(self.importo)}
        elif tipo == TipoBeneficio.GRATUITO:
            text = str(_("Gratuito"))
        else:
            text = ""
        if self.beneficio_testo:
            return f"{text} – {self.beneficio_testo}" if text else self.beneficio_testo
        return text


def _numero(value) -> str:
    """10.00 -> "10", 12.50 -> "12,50": how Italians write amounts and percentages."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".replace(".", ",")


class Utilizzo(models.Model):
    """One use of an agreement: a personal code (and its QR) that the provider confirms.

    No personal data: only the company or network the worker declared, so that the
    Ente sees how often its agreement is really used, and by whom in aggregate.
    """

    convenzione = models.ForeignKey(Convenzione, on_delete=models.CASCADE, related_name="utilizzi")
    codice = models.CharField(_("codice"), max_length=12, unique=True, editable=False)
    richiesto_il = models.DateTimeField(_("richiesto il"), default=timezone.now, editable=False)
    impresa = models.ForeignKey(
        Impresa, on_delete=models.SET_NULL, null=True, blank=True, related_name="utilizzi"
    )
    rete = models.ForeignKey(
        ReteImprese, on_delete=models.SET_NULL, null=True, blank=True, related_name="utilizzi"
    )
    confermato_il = models.DateTimeField(_("confermato il"), null=True, blank=True)
    confermato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confermato da"),
    )

    class Meta:
        verbose_name = _("utilizzo")
        verbose_name_plural = _("utilizzi")
        ordering = ["-richiesto_il"]
        indexes = [models.Index(fields=["convenzione", "confermato_il"])]

    def __str__(self) -> str:
        return self.codice
