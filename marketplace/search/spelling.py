"""Typo tolerance shared by the backends: a word that matches nothing is replaced by the
nearest known word of the vocabulary (trigram distance), so that "babysiter" searches
"baby sitter". Words that match something are never touched."""

from __future__ import annotations

from django.db import connection

from .text import words

MIN_LENGTH = 4  # shorter words are too ambiguous to correct
MIN_SIMILARITY = 0.4


def correct(text: str) -> str:
    """The query with its unmatched words corrected; the text itself when nothing changes."""
    tokens = words(text)
    if not tokens:
        return text
    corrected = []
    changed = False
    with connection.cursor() as cursor:
        for token in tokens:
            replacement = _replacement(cursor, token) if len(token) >= MIN_LENGTH else None
            corrected.append(replacement or token)
            changed |= replacement is not None
    return " ".join(corrected) if changed else text


def _replacement(cursor, token: str) -> str | None:
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM search_documento "
        "WHERE strip(vettore) @@ to_tsquery('italiano', %s))",
        [f"{token}:*"],
    )
    if cursor.fetchone()[0]:
        return None
    cursor.execute(
        "SELECT frase, similarity(parola, %s) AS s FROM search_vocabolo "
        "ORDER BY parola <-> %s LIMIT 1",
        [token, token],
    )
    row = cursor.fetchone()
    if row is None or row[1] < MIN_SIMILARITY:
        return None
    return row[0]
