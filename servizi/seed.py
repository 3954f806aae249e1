"""The seeded category taxonomy (servizi/data/categorie.json), with stable codes.

One function serves the data migration (with the historical model) and
`load_initial_data` (to restore the taxonomy after a flush): it inserts the
missing codes and never renames or deletes what curators changed.
"""

from __future__ import annotations

import json
from pathlib import Path

CATEGORIE_FILE = Path(__file__).resolve().parent / "data" / "categorie.json"


def seed_categorie(categoria_model) -> int:
    """Create the categories of the file that do not exist yet; return how many were created."""
    created = 0
    entries = json.loads(CATEGORIE_FILE.read_text(encoding="utf-8"))
    for ordine, entry in enumerate(entries):
        madre, was_created = categoria_model.objects.get_or_create(
            codice=entry["codice"],
            defaults={"nome": entry["nome"], "nome_en": entry["nome_en"], "ordine": ordine},
        )
        created += was_created
        for ordine_figlia, figlia in enumerate(entry.get("figlie", [])):
            _, was_created = categoria_model.objects.get_or_create(
                codice=figlia["codice"],
                defaults={
                    "nome": figlia["nome"],
                    "nome_en": figlia["nome_en"],
                    "genitore": madre,
                    "ordine": ordine_figlia,
                },
            )
            created += was_created
    return created
