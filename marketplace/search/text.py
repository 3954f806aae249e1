"""Italian free text: normalisation, domain synonyms, and the tsquery of the postgres backend.

Synonyms are expanded here, at query time, for both backends alike, so that they
agree: "badante" also finds "assistente familiare" and the other way round.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")

# Groups of words or phrases that mean the same thing to the people who search.
SINONIMI: list[tuple[str, ...]] = [
    ("badante", "assistente familiare", "assistenza familiare"),
    ("baby sitter", "babysitter", "baby sitting", "tata"),
    ("asilo nido", "nido", "micronido"),
    ("doposcuola", "post scuola", "dopo scuola"),
    ("anziani", "terza eta", "over 65"),
    ("disabilita", "handicap", "disabili"),
    ("psicologo", "sostegno psicologico", "psicoterapia"),
    ("lavanderia", "stireria", "lavasecco"),
    ("spesa a domicilio", "consegna spesa"),
    ("pratiche", "disbrigo pratiche", "commissioni"),
    ("trasporto", "accompagnamento", "navetta"),
    ("rsa", "casa di riposo", "residenza sanitaria assistenziale"),
    ("centro estivo", "centri estivi", "campus estivo"),
    ("consultorio", "consulenza familiare", "mediazione familiare"),
]


def fold(text: str) -> str:
    """Lower case without accents: 'Caffè' -> 'caffe'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_SYNONYMS_BY_PHRASE = {
    tuple(words(phrase)): [tuple(words(other)) for other in group]
    for group in SINONIMI
    for phrase in group
}
_LONGEST = max(len(key) for key in _SYNONYMS_BY_PHRASE)


def query_groups(text: str) -> list[list[tuple[str, ...]]]:
    """The query as AND-ed groups, each a list of alternative phrases (OR-ed).

    "badante melegnano" -> [[("badante",), ("assistente", "familiare"), …], [("melegnano",)]]
    """
    tokens = words(text)
    groups: list[list[tuple[str, ...]]] = []
    index = 0
    while index < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - index), 0, -1):
            phrase = tuple(tokens[index : index + size])
            if phrase in _SYNONYMS_BY_PHRASE:
                alternatives = _SYNONYMS_BY_PHRASE[phrase]
                groups.append([phrase, *[a for a in alternatives if a != phrase]])
                index += size
                break
        else:
            groups.append([(tokens[index],)])
            index += 1
    return groups


def postgres_tsquery(text: str, *, prefix_last: bool = True) -> str:
    """A to_tsquery() expression; the last word of the query also matches as a prefix."""
    groups = query_groups(text)
    parts = []
    for position, alternatives in enumerate(groups):
        last = prefix_last and position == len(groups) - 1
        options = []
        for phrase in alternatives:
            terms = list(phrase)
            if last and phrase == alternatives[0]:
                terms[-1] += ":*"
            options.append("(" + " & ".join(terms) + ")")
        parts.append("(" + " | ".join(options) + ")")
    return " & ".join(parts)
