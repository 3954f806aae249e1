"""A Comune named at the end of the text is where to search, not a word to find.

People type the place with the need: "asilo nido bergamo", "badante a Sesto San
Giovanni". Searched as words, the place finds only the texts that happen to name it,
and misses the services of that Comune whose texts do not (the Comune of a service is
its Sede's, or the Comuni it serves, never its words). Read as a place, it filters by
that Comune, as the `comune` parameter does; the rest of the text is searched. The
answer says so (`luogo_dal_testo`), and `luogo_dal_testo=false` searches the words as
typed, for the rare Comune whose name is also a word someone looks for ("Erba", "Mese").

Only the end of the text is read, where people put the place: a Comune's name inside
a text ("progetto vita indipendente") stays a word. Both backends receive the same
query, so they agree.

Some Comuni are named like what people look for: "scuola calcio" ends with Calcio (BG),
"aiuto compiti nave" with Nave (BS). When the rest of the text finds nothing in that
Comune while the whole text, as words, finds something, the name is searched as a word
and the answer says so (`luogo_come_parole`): an empty page "in Calcio" would hide the
football camps that the words find.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from geo_data.models import Comune

from .cache import memo
from .spelling import Correction, correct
from .text import STOP_WORDS, words

# Words that stand between the need and the place and mean only "there": "a", "in",
# "di" (stop words, which no search looks for) and a few more. Dropped with the place,
# so that the answer does not list them as words it ignored.
_BEFORE_A_PLACE = STOP_WORDS | {"presso", "vicino", "zona"}


@dataclass(frozen=True)
class LuogoDalTesto:
    """The Comuni named by the last words of the text (more than one when homonyms)."""

    parole: str  # those words, as typed: "Sesto San Giovanni"
    comuni: tuple[dict, ...]  # {"codice_istat", "nome", "sigla_provincia"} of each

    @property
    def codici(self) -> tuple[str, ...]:
        return tuple(comune["codice_istat"] for comune in self.comuni)

    def as_dict(self) -> dict:
        return {"parole": self.parole, "comuni": list(self.comuni)}


class PlaceReading(NamedTuple):
    text: str  # the text without the place and the words just before it that say "there"
    luogo: LuogoDalTesto | None = None


class TextReading(NamedTuple):
    """What a search looks for in the text typed."""

    typed: str  # the text to search as typed: without the place when one is read
    correction: Correction  # of `typed`: the words searched, and those found nowhere
    luogo: LuogoDalTesto | None = None  # the place read, where to search
    # The Comune named at the end, searched as a word: nothing there, the words find
    # something ("scuola calcio").
    luogo_come_parole: LuogoDalTesto | None = None


def read_text(text: str, *, places: bool, oggi: date) -> TextReading:
    """The text's words to search, and the place named at its end when `places` (see the
    module's docstring). Typos are corrected after the place is read: a Comune that no
    text names would otherwise be "corrected" into some other word."""
    if places:
        rest, luogo = read_place(text)
        if luogo:
            correction = correct(rest)
            if _found(correction.text, oggi, luogo.codici):
                return TextReading(rest, correction, luogo)
            as_words = correct(text)
            if not as_words.unmatched and _found(as_words.text, oggi):
                return TextReading(text, as_words, luogo_come_parole=luogo)
            return TextReading(rest, correction, luogo)  # nothing there, nor anywhere
    return TextReading(text, correct(text))


def _found(text: str, oggi: date, comuni: tuple[str, ...] = ()) -> bool:
    """Whether the text finds something in force on `oggi` (anything, without words to
    look for), in one of `comuni` when given, before the other filters: so that the
    list and the map, which may ask different ones, read the text alike."""
    # Imported here: the backend imports the query, which reads the text here.
    from .backends.postgres import finds_something

    return finds_something(text, oggi, comuni)


def read_place(text: str) -> PlaceReading:
    """The text's last words as a Comune, when they are one's whole name.

    The longest name wins ("sesto san giovanni", not a Comune "Giovanni"); a name must
    begin with a word typed ("sant'angelo lodigiano" is not read as "angelo lodigiano").
    """
    tokens = text.split()
    # Each folded word with the typed token it comes from ("d'adda" is two words).
    spans = [(index, word) for index, token in enumerate(tokens) for word in words(token)]
    names, longest = _comuni_by_words()
    for size in range(min(longest, len(spans)), 0, -1):
        start = len(spans) - size
        name = tuple(word for _token, word in spans[start:])
        comuni = names.get(name)
        if comuni is None:
            continue
        token = spans[start][0]
        if start > 0 and spans[start - 1][0] == token:
            continue  # the name would begin inside a typed token
        rest = tokens[:token]
        while rest and all(word in _BEFORE_A_PLACE for word in words(rest[-1])):
            rest.pop()
        return PlaceReading(" ".join(rest), LuogoDalTesto(" ".join(tokens[token:]), comuni))
    return PlaceReading(text)


def _comuni_by_words() -> tuple[dict[tuple[str, ...], tuple[dict, ...]], int]:
    """Every Comune by the folded words of its name, and the most words of a name. A
    name made only of stop words ("Dello") is never read: they are no words to a search."""

    def build():
        names: dict[tuple[str, ...], list[dict]] = {}
        rows = Comune.objects.order_by("nome", "sigla_provincia", "pk")
        for codice, nome, sigla in rows.values_list("pk", "nome", "sigla_provincia"):
            key = tuple(words(nome))
            if key and not all(word in STOP_WORDS for word in key):
                entry = {"codice_istat": codice, "nome": nome, "sigla_provincia": sigla}
                names.setdefault(key, []).append(entry)
        longest = max((len(key) for key in names), default=0)
        return {key: tuple(value) for key, value in names.items()}, longest

    return memo("comuni_by_words", build)
