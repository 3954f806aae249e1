"""Punti di Informazione Territoriale: the desks, their operators, sheets and consultations.

A PIT is a desk at a place where its managing Ente works: it points at a
`servizi.Sede` rather than holding a point of its own, so that its address, its
point, its Comune (derived from the point) and its accessibility are those of the
place, kept in one row that the catalogue already validates, edits and shows on
the map. Several PITs may share a Sede (the social secretariat and the business
desk of the same town hall).

A consultation holds no personal data: every field is a choice, a date, a
category or a Comune; there is no free text at all (a test checks the model).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo_data.models import Ambito, Comune
from servizi.models import LINGUE, Categoria, Ente, Orario, Sede
from servizi.validators import validate_plausible_date


class TipoPunto(models.TextChoices):
    SEGRETARIATO_SOCIALE = "segretariato_sociale", _("Segretariato sociale")
    SPORTELLO_WELFARE = "sportello_welfare", _("Sportello di welfare conciliativo")
    SPORTELLO_ATTIVITA_PRODUTTIVE = (
        "sportello_attivita_produttive",
        _("Sportello attività produttive"),
    )
    PATRONATO_CAF = "patronato_caf", _("Patronato / CAF")
    SINDACATO = "sindacato", _("Sindacato")
    TERZO_SETTORE = "terzo_settore", _("Terzo settore")
    SOCIAL_POINT = "social_point", _("Social point aziendale")


class PuntoInformazione(models.Model):
    """A desk where an operator listens to a citizen or a worker and guides them."""

    nome = models.CharField(_("nome"), max_length=200)
    ente = models.ForeignKey(
        Ente,
        on_delete=models.PROTECT,  # a PIT is deactivated, never lost with its Ente
        related_name="punti_informazione",
        verbose_name=_("ente gestore"),
    )
    tipo = models.CharField(_("tipo di punto"), max_length=40, choices=TipoPunto.choices)
    sede = models.ForeignKey(
        Sede,
        on_delete=models.PROTECT,
        related_name="punti_informazione",
        verbose_name=_("sede"),
        help_text=_("Il luogo dello sportello: una sede dell'ente gestore (indirizzo, Comune)."),
    )
    descrizione = models.TextField(_("descrizione"), blank=True, max_length=2000)
    orario = models.OneToOneField(
        Orario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="punto_informazione",
        verbose_name=_("orario"),
    )
    telefono = models.CharField(_("telefono"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    sito_web = models.URLField(_("sito web"), blank=True)
    temi = models.ManyToManyField(
        Categoria,
        related_name="punti_informazione",
        blank=True,
        verbose_name=_("temi"),
        help_text=_("Le aree di bisogno su cui il punto sa orientare."),
    )
    lingue = ArrayField(
        models.CharField(max_length=3, choices=LINGUE),
        verbose_name=_("lingue parlate"),
        default=list,
        blank=True,
    )
    su_appuntamento = models.BooleanField(_("solo su appuntamento"), default=False)
    attivo = models.BooleanField(_("attivo"), default=True)
    demo = models.BooleanField(_("dato dimostrativo"), default=False, editable=False)
    creato_il = models.DateTimeField(auto_now_add=True)
    aggiornato_il = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["aggiornato_il"], m2m_fields=[temi])

    class Meta:
        verbose_name = _("Punto di Informazione Territoriale")
        verbose_name_plural = _("Punti di Informazione Territoriale")
        ordering = ["nome"]
        indexes = [models.Index(fields=["attivo", "tipo"])]
        permissions = [
            (
                "amministra_rete",
                _("Può amministrare tutta la rete dei PIT (punti, operatori, osservatorio)"),
            ),
        ]

    def __str__(self) -> str:
        return self.nome

    @property
    def punto(self):
        return self.sede.punto

    @property
    def comune(self) -> Comune:
        return self.sede.comune

    def clean(self) -> None:
        if self.sede_id and self.ente_id and self.sede.ente_id != self.ente_id:
            raise ValidationError(
                {
                    "sede": _("La sede «%(sede)s» non è dell'ente %(ente)s.")
                    % {"sede": self.sede, "ente": self.ente}
                }
            )

    def aperto_il(self, when) -> bool | None:
        """Open at `when`; None when the PIT has no schedule."""
        return None if self.orario is None else self.orario.aperto_il(when)


class RuoloOperatore(models.TextChoices):
    OPERATORE = "operatore", _("Operatore")
    RESPONSABILE = "responsabile", _("Responsabile del punto")


class Operatore(models.Model):
    """A user who works at a PIT. A responsabile may also correct colleagues' consultations."""

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="incarichi_pit",
        verbose_name=_("utente"),
    )
    punto = models.ForeignKey(
        PuntoInformazione,
        on_delete=models.CASCADE,
        related_name="operatori",
        verbose_name=_("punto"),
    )
    ruolo = models.CharField(
        _("ruolo"), max_length=20, choices=RuoloOperatore.choices, default=RuoloOperatore.OPERATORE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Operatore")
        verbose_name_plural = _("Operatori")
        ordering = ["punto__nome", "utente__username"]
        constraints = [
            models.UniqueConstraint(fields=["utente", "punto"], name="operatore_unico_per_punto")
        ]

    def __str__(self) -> str:
        return f"{self.utente} – {self.punto} ({self.get_ruolo_display()})"


class AmministratoreAmbito(models.Model):
    """A user who administers the PITs of a district and reads its observatory."""

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ambiti_amministrati",
        verbose_name=_("utente"),
    )
    ambito = models.ForeignKey(
        Ambito, on_delete=models.CASCADE, related_name="amministratori", verbose_name=_("Ambito")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Amministratore di Ambito")
        verbose_name_plural = _("Amministratori di Ambito")
        ordering = ["ambito__nome", "utente__username"]
        constraints = [
            models.UniqueConstraint(fields=["utente", "ambito"], name="amministratore_unico")
        ]

    def __str__(self) -> str:
        return f"{self.utente} – {self.ambito}"


class Scheda(models.Model):
    """An orientation sheet: what the operator found for a citizen, with notes.

    It is shared through an unguessable token that needs no login and expires;
    it names no one (the notes say so, and refuse a personal fiscal code).
    """

    punto = models.ForeignKey(
        PuntoInformazione,
        on_delete=models.PROTECT,
        related_name="schede",
        verbose_name=_("punto"),
    )
    autore = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="schede_pit",
        verbose_name=_("autore"),
        editable=False,
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    link_scade_il = models.DateTimeField(_("il link scade il"))
    creata_il = models.DateTimeField(_("creata il"), default=timezone.now, editable=False)
    aggiornata_il = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["aggiornata_il"])

    class Meta:
        verbose_name = _("Scheda di orientamento")
        verbose_name_plural = _("Schede di orientamento")
        ordering = ["-creata_il"]

    def __str__(self) -> str:
        return _("Scheda n. %(n)s – %(punto)s") % {"n": self.pk, "punto": self.punto}

    def link_valido(self, when=None) -> bool:
        return (when or timezone.now()) < self.link_scade_il


class TipoVoce(models.TextChoices):
    """What a sheet can hold: each kind's rules are in voci.py."""

    SERVIZIO = "servizio", _("Servizio")
    PIT = "pit", _("Punto informativo")
    CONVENZIONE = "convenzione", _("Convenzione")


class VoceScheda(models.Model):
    """One item of a sheet: a kind and an object id (validated by `voci.py`), and a note.

    `titolo` keeps what the item was called when it was added, so that a sheet
    still says what it held if the object is later archived or removed.
    """

    scheda = models.ForeignKey(Scheda, on_delete=models.CASCADE, related_name="voci")
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoVoce.choices)
    oggetto_id = models.PositiveBigIntegerField(_("id dell'oggetto"))
    titolo = models.CharField(_("titolo"), max_length=200, editable=False)
    nota = models.TextField(
        _("nota dell'operatore"),
        blank=True,
        max_length=1000,
        help_text=_("Cosa fare, cosa portare. Non scrivere il nome né i dati della persona."),
    )
    ordine = models.PositiveSmallIntegerField(_("ordine"), default=0)
    aggiunta_il = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce della scheda")
        verbose_name_plural = _("voci della scheda")
        ordering = ["ordine", "aggiunta_il", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheda", "tipo", "oggetto_id"], name="voce_unica_per_scheda"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()}: {self.titolo}"

    def clean(self) -> None:
        from .validators import validate_nota_anonima
        from .voci import check_voce

        if self.nota:
            try:
                validate_nota_anonima(self.nota)
            except ValidationError as error:
                raise ValidationError({"nota": error.messages}) from error
        if self.tipo and self.oggetto_id:
            self.titolo = check_voce(self.tipo, self.oggetto_id)


class Canale(models.TextChoices):
    SPORTELLO = "sportello", _("Allo sportello")
    TELEFONO = "telefono", _("Al telefono")
    EMAIL = "email", _("Per e-mail")


class FasciaEta(models.TextChoices):
    MENO_18 = "0-17", _("meno di 18 anni")
    DA_18_A_29 = "18-29", _("18–29 anni")
    DA_30_A_44 = "30-44", _("30–44 anni")
    DA_45_A_64 = "45-64", _("45–64 anni")
    DA_65_A_74 = "65-74", _("65–74 anni")
    DA_75 = "75+", _("75 anni e più")
    NON_INDICATA = "nd", _("non indicata")


class Esito(models.TextChoices):
    INFORMAZIONE = "informazione", _("Informazione data")
    INVIO_SERVIZIO = "invio_servizio", _("Inviato a un servizio")
    INVIO_PIT = "invio_pit", _("Inviato a un altro PIT")


ESITI_INVIO = (Esito.INVIO_SERVIZIO, Esito.INVIO_PIT)


class Consultazione(models.Model):
    """One anonymous consultation: no name, no contact, no free text (by construction).

    Its operator may correct it for `CONSULTAZIONE_MODIFICABILE_ORE` hours after
    recording it; then it is frozen for everyone.
    """

    data = models.DateField(
        _("data"), default=timezone.localdate, validators=[validate_plausible_date]
    )
    punto = models.ForeignKey(
        PuntoInformazione,
        on_delete=models.PROTECT,  # the observatory's record is never lost with a PIT
        related_name="consultazioni",
        verbose_name=_("punto"),
    )
    operatore = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="consultazioni_pit",
        verbose_name=_("operatore"),
        editable=False,
    )
    canale = models.CharField(_("canale"), max_length=20, choices=Canale.choices)
    bisogni = models.ManyToManyField(
        Categoria, related_name="consultazioni", verbose_name=_("bisogni")
    )
    comune_residenza = models.ForeignKey(
        Comune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultazioni",
        verbose_name=_("Comune di residenza"),
        help_text=_("Vuoto se la persona non lo dice."),
    )
    lavoratore_impresa_aderente = models.BooleanField(
        _("lavoratore di un'impresa aderente"),
        help_text=_("La persona lavora in un'impresa di una rete aderente?"),
    )
    fascia_eta = models.CharField(_("fascia d'età"), max_length=5, choices=FasciaEta.choices)
    esito = models.CharField(_("esito"), max_length=20, choices=Esito.choices)
    punto_invio = models.ForeignKey(
        PuntoInformazione,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultazioni_ricevute",
        verbose_name=_("PIT a cui è stata inviata"),
    )
    scheda = models.ForeignKey(
        Scheda,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultazioni",
        verbose_name=_("scheda di orientamento"),
    )
    registrata_il = models.DateTimeField(_("registrata il"), default=timezone.now, editable=False)
    demo = models.BooleanField(_("dato dimostrativo"), default=False, editable=False)
    history = HistoricalRecords(m2m_fields=[bisogni])

    class Meta:
        verbose_name = _("Consultazione")
        verbose_name_plural = _("Consultazioni")
        ordering = ["-data", "-registrata_il"]
        indexes = [models.Index(fields=["data"]), models.Index(fields=["punto", "data"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(punto_invio__isnull=True) | Q(esito="invio_pit"),
                name="consultazione_punto_invio_solo_se_inviata",
            ),
            models.CheckConstraint(
                condition=~Q(punto_invio=models.F("punto")),
                name="consultazione_invio_ad_altro_punto",
            ),
        ]

    def __str__(self) -> str:
        return _("Consultazione del %(data)s – %(punto)s") % {
            "data": self.data.strftime("%d/%m/%Y") if self.data else "",
            "punto": self.punto if self.punto_id else "",
        }

    @property
    def modificabile_fino_al(self):
        return self.registrata_il + timedelta(hours=settings.CONSULTAZIONE_MODIFICABILE_ORE)

    def congelata(self, when=None) -> bool:
        return (when or timezone.now()) >= self.modificabile_fino_al

    def clean(self) -> None:
        errors = {}
        if self.data and self.data > timezone.localdate():
            errors["data"] = _("La data è nel futuro.")
        if self.punto_invio_id and self.esito != Esito.INVIO_PIT:
            errors["punto_invio"] = _("Indica un PIT solo se l'esito è «inviato a un altro PIT».")
        if self.punto_invio_id and self.punto_invio_id == self.punto_id:
            errors["punto_invio"] = _("Il PIT a cui si invia dev'essere un altro.")
        if self.scheda_id and self.punto_id and self.scheda.punto_id != self.punto_id:
            errors["scheda"] = _("La scheda è stata fatta in un altro punto.")
        if errors:
            raise ValidationError(errors)
