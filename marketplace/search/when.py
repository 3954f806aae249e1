"""When the results must be open, as people write it in the text: "farmacia aperta
domenica", "asilo nido aperto il sabato", "CAF aperto oggi", "sportello aperto adesso".

Searched as words, "aperto sabato" found only the texts that say both words (none of
the demo's), while the opening hours answer it: the words are read as the filter
`aperto_giorno` (the next such day, today included) or `aperto_ora`, and the rest of
the text is searched. One of the words that say "open" ("aperto", "aperta", "aperti",
"aperte", "apre", "aprono"), a few that may follow it ("il", "la", "anche"…), then one
that names a day ("oggi", "domani", "sabato"…) or now ("ora", "adesso", "subito"),
anywhere in the text; the first such words only. A day
named without "aperto" ("centro estivo sabato") stays a word: nothing says it is about
the opening hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .text import words

OPEN_WORDS = frozenset({"aperto", "aperta", "aperti", "aperte", "apre", "aprono"})
# Words between "aperto" and the day that say nothing more ("aperto anche il sabato").
_BETWEEN = frozenset({"il", "lo", "la", "i", "gli", "le", "di", "de", "nel", "nei", "anche"})
WEEKDAYS = {
    "lunedi": 0,
    "martedi": 1,
    "mercoledi": 2,
    "giovedi": 3,
    "venerdi": 4,
    "sabato": 5,
    "sabati": 5,
    "domenica": 6,
    "domeniche": 6,
}
DAYS_FROM_TODAY = {"oggi": 0, "domani": 1, "dopodomani": 2}
NOW = frozenset({"ora", "adesso", "subito"})


@dataclass(frozen=True)
class ApertoDalTesto:
    """The words that said when (as typed), and the day they name; no day for now."""

    parole: str
    giorno: date | None = None

    @property
    def adesso(self) -> bool:
        return self.giorno is None

    def as_dict(self) -> dict:
        return {
            "parole": self.parole,
            "giorno": self.giorno.isoformat() if self.giorno else None,
            "adesso": self.adesso,
        }


def read_when(text: str, oggi: date) -> tuple[str, ApertoDalTesto | None]:
    """The text without the words that say when it must be open, and what they say; the
    text itself and None when no such words are there."""
    tokens = text.split()
    folded = [words(token) for token in tokens]
    for first, token_words in enumerate(folded):
        if len(token_words) != 1 or token_words[0] not in OPEN_WORDS:
            continue
        last = first + 1
        while last < len(tokens) and folded[last] and set(folded[last]) <= _BETWEEN:
            last += 1
        if last == len(tokens) or len(folded[last]) != 1:
            continue
        reading = _when(folded[last][0], oggi, " ".join(tokens[first : last + 1]))
        if reading is not None:
            return " ".join(tokens[:first] + tokens[last + 1 :]), reading
    return text, None


def _when(word: str, oggi: date, parole: str) -> ApertoDalTesto | None:
    if word in NOW:
        return ApertoDalTesto(parole)
    if word in DAYS_FROM_TODAY:
        return ApertoDalTesto(parole, oggi + timedelta(days=DAYS_FROM_TODAY[word]))
    if word in WEEKDAYS:
        ahead = (WEEKDAYS[word] - oggi.weekday()) % 7
        return ApertoDalTesto(parole, oggi + timedelta(days=ahead))
    return None
