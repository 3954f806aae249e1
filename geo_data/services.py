"""Writes on the territory."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.db import transaction
from django.utils.text import slugify
from tqdm import tqdm

from .boundaries import ComuneRecord
from .models import Ambito, Comune
from .signals import territorio_cambiato

BATCH_SIZE = 500
AMBITI_FILE = Path(__file__).resolve().parent / "data" / "ambiti.json"


def as_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """Boundaries are stored as MultiPolygons, whether the source gives one polygon or many."""
    if geometry.geom_type == "MultiPolygon":
        return geometry
    if geometry.geom_type == "Polygon":
        return MultiPolygon(geometry, srid=geometry.srid)
    raise ValueError(f"expected a polygon, got a {geometry.geom_type}")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _comune_from_record(record: ComuneRecord) -> Comune:
    try:
        geometry = as_multipolygon(GEOSGeometry(memoryview(record.wkb), srid=4326))
    except (GEOSException, ValueError, TypeError) as error:
        raise ValueError(
            f"confine non valido per {record.nome} ({record.codice_istat}): {error}"
        ) from error
    return Comune(
        codice_istat=record.codice_istat,
        nome=record.nome,
        provincia=record.provincia,
        sigla_provincia=record.sigla_provincia,
        regione=record.regione,
        popolazione=record.popolazione,
        geometria=geometry,
    )


@transaction.atomic
def comuni_import(*, records: Iterable[ComuneRecord], progress: bool = False) -> ImportResult:
    """Insert or update Comuni by ISTAT code, all or nothing.

    The districts made of updated Comuni get their union boundary recomputed.
    """
    records = list(records)
    codes = [record.codice_istat for record in records]
    existing = set(Comune.objects.filter(pk__in=codes).values_list("pk", flat=True))
    with tqdm(total=len(records), unit=" Comuni", disable=not progress) as bar:
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            Comune.objects.bulk_create(
                [_comune_from_record(record) for record in batch],
                update_conflicts=True,
                unique_fields=["codice_istat"],
                update_fields=[
                    "nome",
                    "provincia",
                    "sigla_provincia",
                    "regione",
                    "popolazione",
                    "geometria",
                ],
            )
            bar.update(len(batch))
    for ambito in Ambito.objects.filter(comuni__in=existing).distinct():
        ambito_refresh_geometria(ambito=ambito)
    territorio_cambiato.send(sender=Comune)
    return ImportResult(created=len(set(codes) - existing), updated=len(existing))


@transaction.atomic
def ambito_refresh_geometria(*, ambito: Ambito) -> Ambito:
    """Recompute the district's boundary as the union of its Comuni."""
    union = Comune.objects.filter(ambiti=ambito).aggregate(u=Union("geometria"))["u"]
    ambito.geometria = as_multipolygon(union) if union is not None else None
    Ambito.objects.filter(pk=ambito.pk).update(geometria=ambito.geometria)
    return ambito


class AmbitiFileError(ValueError):
    """The districts file names something that cannot be loaded."""


@transaction.atomic
def ambiti_load(*, path: Path = AMBITI_FILE, update: bool = False) -> list[Ambito]:
    """Create the districts described in `path` that do not exist yet, all or nothing.

    Districts already in the database are left as they are (they may have been
    edited in the admin) unless `update` is true, which restores the file's version.
    """
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["ambiti"]
    except (OSError, ValueError, KeyError) as error:
        raise AmbitiFileError(f"{path}: file non leggibile ({error})") from error
    loaded = []
    for entry in entries:
        slug = entry.get("slug") or slugify(entry["nome"])
        ambito = Ambito.objects.filter(slug=slug).first()
        if ambito is not None and not update:
            continue
        comuni = _comuni_of_entry(entry)
        ambito, _ = Ambito.objects.update_or_create(
            slug=slug,
            defaults={
                "nome": entry["nome"],
                "descrizione": entry.get("descrizione", ""),
                "fonti": entry.get("fonti", ""),
            },
        )
        ambito.comuni.set(comuni)
        loaded.append(ambito_refresh_geometria(ambito=ambito))
    return loaded


def _comuni_of_entry(entry: dict) -> list[Comune]:
    """The entry's Comuni, checking that each ISTAT code is loaded and has the expected name."""
    wanted = {member["codice_istat"]: member["nome"] for member in entry["comuni"]}
    found = Comune.objects.in_bulk(list(wanted))
    missing = [f"{name} ({code})" for code, name in wanted.items() if code not in found]
    if missing:
        raise AmbitiFileError(
            f"{entry['nome']}: Comuni non caricati: {', '.join(missing)}. "
            "Carica prima i confini della regione con 'manage.py load_comuni'."
        )
    renamed = [
        f"{code} è {found[code].nome}, non {name}"
        for code, name in wanted.items()
        if found[code].nome != name
    ]
    if renamed:
        raise AmbitiFileError(f"{entry['nome']}: codici ISTAT incoerenti: {'; '.join(renamed)}.")
    return list(found.values())
