"""Typo tolerance shared by the backends: a word that matches nothing is replaced by the
nearest known word of the vocabulary (trigram distance), so that "babysiter" searches
"baby sitter". Words that match something are never touched, nor are stop words, which
no search looks for: corrected, "asilo sulla" became "asilo sullo" (a word of a title),
a correction that changed nothing but the answer's claim that something was wrong.

Nor are Italian words spelled right (lexicon.py) that no text holds: "autismo" searched
"autista" and listed the drivers of the social transport, "scuolabus" every school. Such
a word is named as found nowhere, and the nearest known word is proposed, not searched
(`proposals`): the reader chooses."""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection

from .lexicon import is_italian_word
from .sql import lexemes_beginning, stem_is_a_lexeme
from .text import ITALIAN_STOPWORDS, STOP_WORDS, UNSTEMMED_WORDS, query_groups, tsquery_word

MIN_LENGTH = 4  # shorter words are too ambiguous to correct
MIN_SIMILARITY = 0.4


class Correction(NamedTuple):
    text: str  # the query with its typos corrected; the text itself when none was
    # The words that match nothing and that no known word replaced (like none, or Italian
    # words), folded: a text with one of them finds nothing, and the answer says which
    # one (`parole_non_trovate`).
    unmatched: tuple[str, ...] = ()
    # For the unmatched words that are Italian words, the nearest known word (its phrase),
    # which the search did not take for them: ("scuolabus", "scuola").
    proposals: tuple[tuple[str, str], ...] = ()


class NearestWord(NamedTuple):
    frase: str  # as the titles write it: "baby sitter"
    similarity: float  # pg_trgm's
    parola: str  # its letters only: "babysitter"


def correct(text: str) -> Correction:
    """The query with its unmatched words corrected, and those left unmatched.

    A phrase typed that matches nothing is left as typed when another phrase of its group
    (text.query_groups: its synonyms, its other number) matches: the search finds that
    one. "tata" found the baby sitters and was said to be found nowhere; "infermieri"
    was corrected where the texts say "infermiere"."""
    groups = query_groups(text)
    if not groups:
        return Correction(text)
    corrected, unmatched = [], []
    proposals: dict[str, str] = {}
    changed = False
    with connection.cursor() as cursor:
        for typed, *others in groups:
            apart = _stems_kept_apart((typed, *others))
            replacements = [
                token if token in STOP_WORDS else _replacement(cursor, token, proposals, apart)
                for token in typed
            ]
            if replacements != list(typed) and any(_all_match(cursor, p) for p in others):
                replacements = list(typed)
            for token, replacement in zip(typed, replacements, strict=True):
                if replacement is None:
                    unmatched.append(token)
                corrected.append(replacement or token)
                changed |= replacement not in (None, token)
    unmatched = list(dict.fromkeys(unmatched))
    return Correction(
        " ".join(corrected) if changed else text,
        tuple(unmatched),
        tuple((word, proposals[word]) for word in unmatched if word in proposals),
    )


# Whether the word matches something, as a prefix as the search takes it: its stem, or
# a lexeme that begins with the word as typed (postgres.text_tsqueries). When no lexeme
# of the index is either (see models.Lessema: the table holds every one), no row can
# match: the rows are not read. Asked of the rows, the planner expects a word it does
# not know in 870 rows of a million and reads the table until it finds one, all of it
# for a word that matches nothing: 1.3-1.7 s for "babysiter" at a million services.
_MATCHES_SOMETHING = f"""
SELECT CASE WHEN NOT EXISTS (
    SELECT 1 FROM search_lessema, (SELECT %(word)s::text AS typed) t
    WHERE {lexemes_beginning("t.typed")}
) AND NOT {stem_is_a_lexeme("%(word)s")} THEN false ELSE EXISTS (
    SELECT 1 FROM search_documento
    WHERE strip(vettore) @@ (to_tsquery('italiano', %(word)s) || (%(word)s || ':*')::tsquery)
) END
"""


# The known word nearest to a typo, among those similar enough. `%` (similar beyond
# pg_trgm.similarity_threshold, 0.3 unless set otherwise) is what the vocabulary's GIN
# trigram index answers; the nearest of those words is the nearest of all when it
# passes MIN_SIMILARITY (migration 0019: 12-24 ms -> 0.2-3.5 at a million services).
# Ties by the word itself, so that the same typo always gets the same correction. Never
# a stop word, which no search looks for ("alloggio" was proposed "allo", of a title).
# The stop words are written in the statement, a constant: no list to send each call.
_STOP_WORDS_ARRAY = "ARRAY[" + ", ".join(f"'{w}'" for w in ITALIAN_STOPWORDS) + "]"
_NEAREST_WORD = f"""
SELECT frase, similarity(parola, %s) AS s, parola FROM search_vocabolo
WHERE parola %% %s AND parola <> ALL({_STOP_WORDS_ARRAY})
ORDER BY parola <-> %s, parola LIMIT 1
"""


def _stems_kept_apart(phrases) -> frozenset[str]:
    """The stems the words of these phrases (a group: the words typed, their synonyms)
    were kept apart from (text.UNSTEMMED_WORDS): "autismo", with "autistici", 'autist'."""
    return frozenset(
        UNSTEMMED_WORDS[w] for phrase in phrases for w in phrase if w in UNSTEMMED_WORDS
    )


def _replacement(
    cursor, token: str, proposals: dict[str, str], apart: frozenset[str]
) -> str | None:
    """The token itself when it matches something, else the nearest known word, else
    None (no word is near enough, or the token is too short to correct: "cav" where no
    text names a centro antiviolenza is said to be found nowhere, as a longer word).

    An Italian word is never replaced by another word: None, and the nearest known word
    goes to `proposals`. Only the same letters written apart are taken for it
    ("babysitter" searches "baby sitter"). Never a word of a stem in `apart`
    (_stems_kept_apart)."""
    if _matches(cursor, token):
        return token
    if len(token) < MIN_LENGTH:
        return None
    nearest = _nearest_word(cursor, token)
    if nearest is None or nearest.similarity < MIN_SIMILARITY:
        return None
    if any(nearest.parola.startswith(stem) for stem in apart):
        # Nor the word the stemmer took it, or a synonym, for: "autistici" and "autismo"
        # are not "autista".
        return None
    if is_italian_word(token) and nearest.parola != token:
        proposals[token] = nearest.frase
        return None
    return _compound(cursor, token, nearest) or nearest.frase


def _compound(cursor, token: str, nearest: NearestWord) -> str | None:
    """Two words written as one, the nearest known word and the letters it leaves out,
    when those are a known word too: "prescuola" is "pre scuola", not "scuola", which
    found every school where "pre-scuola" finds the services before school starts. Only
    for a word that is not Italian: "autoscuola" is no "auto" and no "scuola"."""
    word = nearest.parola
    if token.endswith(word):
        rest = token[: -len(word)]
        phrase = f"{rest} {nearest.frase}"
    elif token.startswith(word):
        rest = token[len(word) :]
        phrase = f"{nearest.frase} {rest}"
    else:
        return None
    if len(rest) < 2 or rest in STOP_WORDS:
        return None
    # A word of the vocabulary as it is, not only the beginning of one: "teleassistenza"
    # is no "tele assistenza", which found nothing ("tele" began "telefono").
    cursor.execute(_KNOWN_WORD, [rest])
    return phrase if cursor.fetchone()[0] else None


_KNOWN_WORD = "SELECT EXISTS (SELECT 1 FROM search_vocabolo WHERE parola = %s)"


def _matches(cursor, token: str) -> bool:
    # A word of text.words ([a-z0-9]+), a marked word with its mark: what the search looks for.
    cursor.execute(_MATCHES_SOMETHING, {"word": tsquery_word(token)})
    return cursor.fetchone()[0]


def _all_match(cursor, phrase: tuple[str, ...]) -> bool:
    """Whether each word of the phrase matches something (its stop words aside)."""
    return all(_matches(cursor, word) for word in phrase if word not in STOP_WORDS)


def nearest_word(token: str) -> NearestWord | None:
    """The known word nearest to the token (its phrase: "baby sitter"), and how near
    (pg_trgm's similarity); None when none is even `%`-similar."""
    with connection.cursor() as cursor:
        return _nearest_word(cursor, token)


def _nearest_word(cursor, token: str) -> NearestWord | None:
    cursor.execute(_NEAREST_WORD, [token] * 3)
    row = cursor.fetchone()
    return None if row is None else NearestWord(*row)
