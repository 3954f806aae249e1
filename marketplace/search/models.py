"""The search index of the postgres backend: one row per searchable object and place.

A service delivered at two places has two rows (results keep the nearest one);
a service delivered only at home has one row without a point. Rows are derived
data, rebuilt from the catalogue by `marketplace.search.index` after each commit,
never edited.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField


class TipoRisultato(models.TextChoices):
    SERVIZIO = "servizio", "servizio"
    PIT = "pit", "pit"
    CONVENZIONE = "convenzione", "convenzione"


class DocumentoRicerca(models.Model):
    tipo = models.CharField(max_length=20, choices=TipoRisultato.choices)
    oggetto_id = models.BigIntegerField()
    sede_id = models.BigIntegerField(null=True)
    titolo = models.TextField()
    testo = models.TextField(blank=True)
    ente_id = models.BigIntegerField(null=True)
    ente_nome = models.TextField(blank=True)
    tipo_ente = models.CharField(max_length=20, blank=True)
    # Category codes with all their ancestors, so that a category finds its descendants.
    categorie = ArrayField(models.CharField(max_length=120), default=list)
    destinatari = ArrayField(models.CharField(max_length=20), default=list)
    lingue = ArrayField(models.CharField(max_length=3), default=list)
    gratuito = models.BooleanField(default=False)
    accessibile = models.BooleanField(default=False)
    comune_id = models.CharField(max_length=6, null=True)
    comuni_copertura = ArrayField(models.CharField(max_length=6), default=list)
    punto = models.PointField(srid=4326, null=True)
    orario_id = models.BigIntegerField(null=True)
    aggiornato_il = models.DateTimeField()
    demo = models.BooleanField(default=False)
    vettore = SearchVectorField(null=True)

    class Meta:
        db_table = "search_documento"
        indexes = [
            models.Index(fields=["tipo", "oggetto_id"], name="search_doc_oggetto"),
            models.Index(fields=["comune_id"], name="search_doc_comune"),
            models.Index(fields=["aggiornato_il"], name="search_doc_aggiornato"),
            GinIndex(fields=["vettore"], name="search_doc_vettore"),
            GinIndex(fields=["categorie"], name="search_doc_categorie"),
            GinIndex(fields=["comuni_copertura"], name="search_doc_copertura"),
            GinIndex(fields=["titolo"], opclasses=["gin_trgm_ops"], name="search_doc_titolo_trgm"),
        ]


class Vocabolo(models.Model):
    """Words (and joined word pairs) of the indexed titles and category names.

    The spelling correction looks here for the nearest known word to a word that
    matches nothing: "babysiter" -> "babysitter", whose `frase` is "baby sitter".
    """

    parola = models.TextField(primary_key=True)
    frase = models.TextField()

    class Meta:
        db_table = "search_vocabolo"
