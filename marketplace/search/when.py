"""When the results must be open, as people write it in the text: "farmacia aperta
domenica", "asilo nido aperto il sabato", "CAF aperto oggi", "sportello aperto adesso".

Searched as words, "aperto sabato" found only the texts that say both words (none of
the demo's), while the opening hours answer it: the words are read as the filter
`aperto_giorno` (the next such day, today included) or `aperto_ora`, and the rest of
the text is searched. One of the words that say "open" ("aperto", "aperta", "aperti",
"aperte", "apre", "aprono"), a few that may follow it ("il", "la", "anche"…), then one
that names a day ("oggi", "domani", "sabato"…) or now ("ora", "adesso", "subito"),
anywhere in the text; the first such words only. A part of the day may follow the day
("sabato sera", "domani mattina") or stand for it ("aperto la sera": the evening of some
day of the week; "stasera", "stamattina": today's), read as `aperto_parte`
(servizi.orari.PARTI_DEL_GIORNO, whose hours the answer's note says). A day
named without "aperto" ("centro estivo sabato") stays a word: nothing says it is about
the opening hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .text import words

OPEN_WORDS = frozenset({"aperto", "aperta", "aperti", "aperte", "apre", "aprono"})
# Words between "aperto" and the day that say nothing more ("aperto anche il sabato").
_BETWEEN = frozenset(
    {"il", "lo", "la", "i", "gli", "le", "di", "de", "nel", "nei", "anche", "al", "alla", "in"}
)
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
# The words of the parts of a day (servizi.orari.PARTI_DEL_GIORNO), and those of today's.
PARTS = {
    "mattina": "mattina",
    "mattino": "mattina",
    "mattinata": "mattina",
    "pomeriggio": "pomeriggio",
    "sera": "sera",
    "serata": "sera",
}
TODAYS_PARTS = {
    "stamattina": "mattina",
    "stamani": "mattina",
    "stamane": "mattina",
    "stasera": "sera",
}


@dataclass(frozen=True)
class ApertoDalTesto:
    """The words that said when (as typed), the day they name and its part (of some day
    of the week without a day); neither for now."""

    parole: str
    giorno: date | None = None
    parte: str | None = None

    @property
    def adesso(self) -> bool:
        return self.giorno is None and self.parte is None

    def as_dict(self) -> dict:
        return {
            "parole": self.parole,
            "giorno": self.giorno.isoformat() if self.giorno else None,
            "parte": self.parte,
            "adesso": self.adesso,
        }


def read_when(text: str, oggi: date) -> tuple[str, ApertoDalTesto | None]:
    """The text without the words that say when it must be open, and what they say; the
    text itself and None when no such words are there."""
    tokens = text.split()
    folded = [words(token) for token in tokens]

    def one_word(at: int) -> str | None:
        return folded[at][0] if at < len(tokens) and len(folded[at]) == 1 else None

    def past_between(at: int) -> int:
        while at < len(tokens) and folded[at] and set(folded[at]) <= _BETWEEN:
            at += 1
        return at

    for first in range(len(tokens)):
        if one_word(first) not in OPEN_WORDS:
            continue
        last = past_between(first + 1)
        word = one_word(last)
        if word in NOW:
            giorno, parte = None, None
        elif word in TODAYS_PARTS:
            giorno, parte = oggi, TODAYS_PARTS[word]
        else:
            giorno, parte = _day(word, oggi), PARTS.get(word)
            if giorno is None and parte is None:
                continue
            after = past_between(last + 1)
            if parte is None and one_word(after) in PARTS:  # "sabato sera"
                parte, last = PARTS[one_word(after)], after
        reading = ApertoDalTesto(" ".join(tokens[first : last + 1]), giorno, parte)
        return " ".join(tokens[:first] + tokens[last + 1 :]), reading
    return text, None


def _day(word: str | None, oggi: date) -> date | None:
    """The day a word names: today or the next days, the next such weekday."""
    if word in DAYS_FROM_TODAY:
        return oggi + timedelta(days=DAYS_FROM_TODAY[word])
    if word in WEEKDAYS:
        return oggi + timedelta(days=(WEEKDAYS[word] - oggi.weekday()) % 7)
    return None
