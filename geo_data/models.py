from __future__ import annotations

from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

codice_istat_validator = RegexValidator(
    r"^\d{6}$", _("Il codice ISTAT di un Comune è fatto di 6 cifre (es. 015192).")
)


class Comune(models.Model):
    """An Italian municipality with its official boundary (ISTAT, via Openpolis)."""

    codice_istat = models.CharField(
        _("codice ISTAT"), max_length=6, primary_key=True, validators=[codice_istat_validator]
    )
    nome = models.CharField(_("nome"), max_length=120, db_index=True)
    provincia = models.CharField(_("provincia"), max_length=80)
    sigla_provincia = models.CharField(_("sigla della provincia"), max_length=2)
    regione = models.CharField(_("regione"), max_length=80, db_index=True)
    popolazione = models.PositiveIntegerField(_("popolazione"), null=True, blank=True)
    geometria = models.MultiPolygonField(_("confine"), srid=4326)

    class Meta:
        verbose_name = _("Comune")
        verbose_name_plural = _("Comuni")
        ordering = ["nome"]

    def __str__(self) -> str:
        return f"{self.nome} ({self.sigla_provincia})"


class Ambito(models.Model):
    """A social district (ambito distrettuale): a named set of Comuni.

    Its geometry is the union of its members' boundaries; it is derived, never
    edited by hand, and refreshed by `geo_data.services.ambito_refresh_geometria`.
    """

    nome = models.CharField(_("nome"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    descrizione = models.TextField(_("descrizione"), blank=True)
    fonti = models.TextField(
        _("fonti e note"),
        blank=True,
        help_text=_("Da dove viene la composizione e che cosa resta da verificare."),
    )
    comuni = models.ManyToManyField(
        Comune, related_name="ambiti", verbose_name=_("Comuni"), blank=True
    )
    geometria = models.MultiPolygonField(
        _("confine (derivato)"), srid=4326, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("Ambito")
        verbose_name_plural = _("Ambiti")
        ordering = ["nome"]

    def __str__(self) -> str:
        return self.nome
