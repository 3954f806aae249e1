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

People also name a Comune without the qualifier that tells it from others: "San
Giuliano" for San Giuliano Milanese, "Cernusco" for Cernusco sul Naviglio, "Cologno"
for Cologno Monzese. Such a short name is read as every Comune whose name begins with
it ("cologno": Cologno Monzese and Cologno al Serio), as homonyms are (`_short_names`).
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
        whole = {key: tuple(value) for key, value in names.items()}
        return _short_names(whole) | whole, longest  # a whole name wins over a short one

    return memo("comuni_by_words", build)


# What follows a Comune's name to tell it from others, and what people leave out when
# they name it: the area's adjective ("San Donato Milanese", "Cologno Monzese") or its
# river, lake or valley, with or without a preposition ("Cernusco sul Naviglio",
# "Cassano d'Adda", "Besana in Brianza").
_QUALIFIERS = frozenset(
    words(
        "milanese monzese lodigiano pavese cremasco cremasca bresciano mantovano mantovana "
        "comasco bergamasco varesino cremonese valtellino camuno lariana lombardo "
        "adda brianza po garda lario olona lambro mella ticino naviglio serio oglio mincio "
        "brembo chiese molgora valtellina valsassina valcuvia valtravaglia imagna intelvi "
        "seprio lomellina terme"
    )
)
_QUALIFIER_PREPOSITIONS = frozenset(words("al all d di del della dell in nel sul sull sulla"))
# Short names that are also words people search for, or another place: "Villa d'Adda"
# is not what "casa di riposo villa" means, nor Treviso Bresciano what "treviso" does.
# Their Comuni are read only by their whole names.
_NOT_SHORT_NAMES = frozenset(
    tuple(words(name))
    for name in (
        "abbadia",
        "alta valle",
        "angolo",
        "arena",
        "badia",
        "bene",
        "borgo",
        "campagnola",
        "candia",
        "canonica",
        "carbonara",
        "cassina",
        "castel",
        "castello",
        "centro valle",
        "cerro",
        "colle",
        "corna",
        "costa valle",
        "gera",
        "la valletta",
        "limone",
        "mazzo",
        "montagna",
        "monte",
        "olmo",
        "oliveto",
        "ospedaletto",
        "pian",
        "ponte",
        "ponti",
        "porto",
        "pozzo",
        "rancio",
        "rivolta",
        "rota",
        "senna",
        "settimo",
        "somma",
        "spino",
        "stagno",
        "treviso",
        "valle",
        "villa",
        "volta",
    )
)


def _short_names(whole: dict[tuple[str, ...], tuple[dict, ...]]) -> dict:
    """The names people use without a Comune's qualifier (_QUALIFIERS), each read as all
    the Comuni whose names begin with it: "cologno" is Cologno Monzese and Cologno al
    Serio, "paderno" all four Padernos, though only Paderno d'Adda ends with a
    qualifier. Never a name ending with a stop word, nor one of _NOT_SHORT_NAMES."""
    short = set()
    for key in whole:
        cut = len(key) - 1
        if cut < 1 or key[cut] not in _QUALIFIERS:
            continue
        while cut > 1 and key[cut - 1] in _QUALIFIER_PREPOSITIONS:
            cut -= 1
        name = key[:cut]
        if name[-1] not in STOP_WORDS and name not in _NOT_SHORT_NAMES:
            short.add(name)
    beginning: dict[tuple[str, ...], list[dict]] = {}
    for key, comuni in whole.items():  # in the order of the Comuni's names
        for size in range(1, len(key)):
            if key[:size] in short:
                beginning.setdefault(key[:size], []).extend(comuni)
    return {name: tuple(comuni) for name, comuni in beginning.items()}
