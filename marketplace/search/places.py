"""A Comune named at the end of the text (or at its beginning) is where to search, not a
word to find.

People type the place with the need: "asilo nido bergamo", "badante a Sesto San
Giovanni". Searched as words, the place finds only the texts that happen to name it,
and misses the services of that Comune whose texts do not (the Comune of a service is
its Sede's, or the Comuni it serves, never its words). Read as a place, it filters by
that Comune, as the `comune` parameter does; the rest of the text is searched. The
answer says so (`luogo_dal_testo`), and `luogo_dal_testo=false` searches the words as
typed, for the rare Comune whose name is also a word someone looks for ("Erba", "Mese").

Only the end of the text is read, where people put the place, or else its beginning
("milano badante"): a Comune's name inside a text ("progetto vita indipendente") stays
a word. Both backends receive the same query, so they agree.

Some Comuni are named like what people look for: "scuola calcio" ends with Calcio (BG),
"aiuto compiti nave" with Nave (BS). When the rest of the text finds nothing in that
Comune while the whole text, as words, finds something, the name is searched as a word
and the answer says so (`luogo_come_parole`): an empty page "in Calcio" would hide the
football camps that the words find.

People also name a Comune without the qualifier that tells it from others: "San
Giuliano" for San Giuliano Milanese, "Cernusco" for Cernusco sul Naviglio, "Cologno"
for Cologno Monzese. Such a short name is read as every Comune whose name begins with
it ("cologno": Cologno Monzese and Cologno al Serio), as homonyms are (`_short_names`).
And a name typed with a typo ("asilo nido melegano") is that Comune when it is near
enough to one name and no text holds its last word (`read_misspelled_place`); one word
that is an Italian word is no typo ("palestra" is not Palestro), unless the name begins
with it ("milan").

A province is read the same way, at the end or the beginning: "asilo nido provincia di
Bergamo", "prov. MI badante", "doposcuola città metropolitana di Milano", or by its
area after "in" ("badante nel bresciano"). Its Comuni are where to search, as the
`provincia` parameter gives them; the answer names the province, not its Comuni.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.utils.translation import gettext as _
from rapidfuzz.distance import Levenshtein

from geo_data.models import Comune

from .cache import memo
from .lexicon import is_italian_word
from .spelling import Correction, correct, nearest_word
from .sql import fetch_dicts, stem_is_a_lexeme
from .text import STOP_WORDS, words

# Words that stand between the need and the place and mean only "there": "a", "in",
# "di" (stop words, which no search looks for) and a few more. Dropped with the place,
# so that the answer does not list them as words it ignored.
_BEFORE_A_PLACE = STOP_WORDS | {"presso", "vicino", "zona"}

Name = tuple[str, ...]  # a Comune's name as its folded words


@dataclass(frozen=True)
class Provincia:
    """A province, as a search reads it: by its name or its two-letter code."""

    sigla: str  # "BG"
    nome: str  # "Bergamo"
    codici: tuple[str, ...]  # the ISTAT codes of its Comuni

    def as_dict(self) -> dict:
        return {"sigla": self.sigla, "nome": self.nome}


@dataclass(frozen=True)
class LuogoDalTesto:
    """The Comuni named by the last words of the text (more than one when homonyms), or
    the province named there ("provincia di Bergamo")."""

    parole: str  # those words, as typed: "Sesto San Giovanni"
    comuni: tuple[dict, ...] = ()  # {"codice_istat", "nome", "sigla_provincia"} of each
    provincia: Provincia | None = None  # its Comuni are not listed: up to 243 of them

    @property
    def codici(self) -> tuple[str, ...]:
        if self.provincia is not None:
            return self.provincia.codici
        return tuple(comune["codice_istat"] for comune in self.comuni)

    def as_dict(self) -> dict:
        return {
            "parole": self.parole,
            "comuni": list(self.comuni),
            "provincia": self.provincia.as_dict() if self.provincia else None,
        }


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
    text names would otherwise be "corrected" into some other word.

    Kept in the memo for the index version and the day: reading a text asks the index
    up to seven statements (its words, their typos, the place and whether anything is
    there), and the same text comes back as its reader clicks a facet, turns a page or
    moves the map. What they read (the lexemes, the vocabulary, the Comuni, the rows in
    force) raises the index version when it changes."""
    return memo(
        ("read_text", text, places, oggi), lambda: _read_text(text, places=places, oggi=oggi)
    )


def _read_text(text: str, *, places: bool, oggi: date) -> TextReading:
    if places:
        rest, luogo = read_place(text)
        if luogo is None:
            rest, luogo = read_misspelled_place(text)
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
    """The text's last words as a province ("provincia di Bergamo") or a Comune, when
    they name one; else its first words, when more words follow them ("milano badante",
    "a Melegnano baby sitter", "provincia di Lecco asilo nido").

    The longest name wins ("sesto san giovanni", not a Comune "Giovanni"); a name must
    begin and end with a word typed ("sant'angelo lodigiano" is not read as "angelo
    lodigiano"). A name that is also a word people begin a search with ("cene a
    domicilio", "erba sintetica") is read only at the end.
    """
    tokens, spans = _spans(text)
    # At the end, the longer reading: "ponte in valtellina" is a Comune, not Valtellina.
    at_end = [_province_at_end(tokens, spans), _comune_at_end(tokens, spans)]
    readings = [reading for reading in at_end if reading is not None]
    reading = min(readings, key=lambda r: len(r.text), default=None)
    return (
        reading
        or _province_first(tokens, spans)
        or _comune_first(tokens, spans)
        or PlaceReading(text)
    )


def _comune_at_end(tokens: list[str], spans: list[tuple[int, str]]) -> PlaceReading | None:
    names, longest = _comuni_by_words()
    for size in range(min(longest, len(spans)), 0, -1):
        start = len(spans) - size
        comuni = names.get(tuple(word for _token, word in spans[start:]))
        if comuni is not None and _begins_a_token(spans, start):
            return _reading(tokens, spans[start][0], comuni=comuni)
    return None


def _comune_first(tokens: list[str], spans: list[tuple[int, str]]) -> PlaceReading | None:
    names, longest = _comuni_by_words()
    first = _first_word(spans)
    for size in range(min(longest, len(spans) - first - 1), 0, -1):
        end = first + size
        name = tuple(word for _token, word in spans[first:end])
        comuni = names.get(name)
        if (
            comuni is not None
            and name not in _NOT_FIRST_NAMES
            and _begins_a_token(spans, first)
            and _begins_a_token(spans, end)
        ):
            return _first_reading(tokens, spans[first][0], spans[end][0], comuni=comuni)
    return None


def _first_word(spans: list[tuple[int, str]]) -> int:
    """Where the text's first words begin, after those that only say "there"."""
    first = 0
    while first < len(spans) and spans[first][1] in _BEFORE_A_PLACE:
        first += 1
    return first


# The words that say "the province of" before its name ("provincia di Bergamo", "prov.
# BG", "città metropolitana di Milano", Milan's province since 2015) and the words that
# may join them to it.
_PROVINCE_MARKERS = (("provincia",), ("prov",), ("citta", "metropolitana"))
_PROVINCE_PREPOSITIONS = frozenset(words("di del della dell"))
# A province's area, as people name it after "in" ("nel bresciano", "nella bergamasca",
# "in valtellina"), by its code. Not "Brianza", which three provinces share.
_PROVINCE_AREAS = {
    "milanese": "MI",
    "monzese": "MB",
    "bergamasco": "BG",
    "bergamasca": "BG",
    "bresciano": "BS",
    "comasco": "CO",
    "cremonese": "CR",
    "cremasco": "CR",
    "lecchese": "LC",
    "lodigiano": "LO",
    "mantovano": "MN",
    "pavese": "PV",
    "lomellina": "PV",
    "oltrepo": "PV",
    "valtellina": "SO",
    "varesotto": "VA",
}
_AREA_PREPOSITIONS = frozenset(words("nel nella nell in"))


def _province_at_end(tokens: list[str], spans: list[tuple[int, str]]) -> PlaceReading | None:
    for start in range(len(spans) - 2, -1, -1):
        provincia = _province_named_from(spans, start, len(spans))
        if provincia is not None:
            return _reading(tokens, spans[start][0], provincia=provincia)
    return None


def _province_first(tokens: list[str], spans: list[tuple[int, str]]) -> PlaceReading | None:
    first = _first_word(spans)
    # An area after the "in" that _first_word passed ("nel bresciano asilo nido").
    starts = [first]
    if first and spans[first - 1][1] in _AREA_PREPOSITIONS:
        starts.append(first - 1)
    for end in range(len(spans) - 1, first, -1):  # the longest name first
        named = (_province_named_from(spans, start, end) for start in starts)
        provincia = next((provincia for provincia in named if provincia is not None), None)
        if provincia is not None and _begins_a_token(spans, end):
            return _first_reading(tokens, spans[first][0], spans[end][0], provincia=provincia)
    return None


def _province_named_from(spans: list[tuple[int, str]], start: int, end: int) -> Provincia | None:
    """The province that the words from `start` to `end` (excluded) name, when they are
    a marker ("provincia", "prov", "città metropolitana") and its name or code, or "in"
    and its area ("nel bresciano")."""
    if not _begins_a_token(spans, start):
        return None
    typed = [word for _token, word in spans[start:end]]
    if len(typed) == 2 and typed[0] in _AREA_PREPOSITIONS and typed[1] in _PROVINCE_AREAS:
        by_code, _by_name = _province()
        return by_code.get(_PROVINCE_AREAS[typed[1]])
    for marker in _PROVINCE_MARKERS:
        if tuple(typed[: len(marker)]) == marker:
            name = typed[len(marker) :]
            while name and name[0] in _PROVINCE_PREPOSITIONS:
                name = name[1:]
            if not name:
                return None
            return provincia_named(" ".join(name)) or _misspelled_provincia(tuple(name))
    return None


def _misspelled_provincia(typed: Name) -> Provincia | None:
    """The province whose name `typed` misspells after the words that say "province"
    ("provincia di bergamp"), unless its last word is a word of the index. Read as a
    Comune, "badante provincia di bergamp" searched "badante provincia" in the city of
    Bergamo."""
    nearest = _nearest_provincia(typed)
    return None if nearest is None or _is_a_word_of_the_index(typed[-1]) else nearest


def _nearest_provincia(typed: Name) -> Provincia | None:
    """The one province with a name of as many words as `typed` nearest to it, as a
    Comune's misspelled name is read (at least MISSPELLED_MIN_SIMILARITY near, of at
    least MISSPELLED_MIN_LETTERS)."""
    if len("".join(typed)) < MISSPELLED_MIN_LETTERS:
        return None
    _by_code, by_name = _province()
    wanted = _trigrams(typed)
    nearest: dict[Provincia, float] = {}
    for name, provincia in by_name.items():
        if len(name) != len(typed):
            continue
        known = _trigrams(name)
        similarity = len(wanted & known) / len(wanted | known)
        if similarity >= MISSPELLED_MIN_SIMILARITY:
            nearest[provincia] = max(similarity, nearest.get(provincia, 0.0))
    best = sorted(nearest.items(), key=lambda item: -item[1])[:2]
    if not best or (len(best) == 2 and best[0][1] == best[1][1]):
        return None
    return best[0][0]


def provincia_named(value: str) -> Provincia | None:
    """The province that `value` names: its code ("BG", "mi") or its name, in any case
    and with or without accents and stop words ("Monza e Brianza", "monza brianza" and
    "Monza" for Monza e della Brianza); None when no loaded Comune is in such a one."""
    by_code, by_name = _province()
    code = value.strip().upper()
    return by_code.get(code) or by_name.get(_name_key(value))


def provincia_sconosciuta(value: str) -> str:
    """Why `value` names no province, for the field that gave it: with the province it
    seems to misspell, when there is one."""
    nearest = _nearest_provincia(_name_key(value))
    if nearest is not None:
        return _("Nessuna provincia «%(p)s»: forse %(nome)s (%(sigla)s)?") % {
            "p": value,
            "nome": nearest.nome,
            "sigla": nearest.sigla,
        }
    return _("Nessuna provincia «%(p)s»: scrivi la sigla (BG) o il nome (Bergamo).") % {"p": value}


def provincia_list() -> list[Provincia]:
    """The provinces of the loaded Comuni, by name."""
    by_code, _by_name = _province()
    return sorted(by_code.values(), key=lambda provincia: provincia.nome)


def _name_key(value: str) -> Name:
    return tuple(word for word in words(value) if word not in STOP_WORDS)


def _province() -> tuple[dict[str, Provincia], dict[Name, Provincia]]:
    """The provinces of the loaded Comuni by their code, and by their name without its
    stop words and by that name's first word ("monza")."""

    def build():
        members: dict[tuple[str, str], list[str]] = {}
        rows = Comune.objects.order_by("pk").values_list("pk", "sigla_provincia", "provincia")
        for codice, sigla, nome in rows:
            members.setdefault((sigla, nome), []).append(codice)
        by_code: dict[str, Provincia] = {}
        by_name: dict[Name, Provincia] = {}
        for (sigla, nome), codici in sorted(members.items()):
            provincia = Provincia(sigla, nome, tuple(codici))
            by_code[sigla.upper()] = provincia
            key = _name_key(nome)
            for name in (key, key[:1]):
                if name:
                    by_name.setdefault(name, provincia)
        return by_code, by_name

    return memo("province", build)


# Comuni named like a word that a search may begin with: read only at the end of a text,
# where people put the place ("cene a domicilio" is not a search in Cene, BG).
_NOT_FIRST_NAMES = frozenset(
    (name,)
    for name in words(
        "agra asso brenta busto calcio casto ceto cene chiari colico covo crema erba idro mese "
        "moggio mura nave onore opera pero rea ronco sommo sospiro spessa tornata torno "
        "trovo zone"
    )
)


# A Comune's name typed with a typo ("asilo nido melegano") is read as that Comune when
# it is this near to the name (pg_trgm's similarity: the trigrams shared over those of
# either), no shorter than this, and its last word is no word of the index: a word that
# some text holds ("mesi", near Mese) is what the text looks for.
MISSPELLED_MIN_SIMILARITY = 0.5
MISSPELLED_MIN_LETTERS = 5
MISSPELLED_MAX_WORDS = 4


def read_misspelled_place(text: str) -> PlaceReading:
    """The text's last words as the Comune whose name they misspell (see above), when
    one name is the nearest; else the text as it is. Typed as the search takes words,
    "melegano" would find Melegnano's name as a prefix of its stem (*meleg*), in the
    texts that happen to name it, instead of Melegnano's services."""
    tokens, spans = _spans(text)
    if not spans or _is_a_word_of_the_index(spans[-1][1]):
        return PlaceReading(text)
    best: tuple[float, tuple[dict, ...], int] | None = None
    tied = False
    for size in range(1, min(MISSPELLED_MAX_WORDS, len(spans)) + 1):
        start = len(spans) - size
        typed = tuple(word for _token, word in spans[start:])
        if len("".join(typed)) < MISSPELLED_MIN_LETTERS or not _begins_a_token(spans, start):
            continue
        for similarity, comuni in _nearest_names(typed):
            if size == 1 and not _may_misspell(typed[0], comuni):
                continue
            if best is None or similarity > best[0]:
                best, tied = (similarity, comuni, start), False
            elif similarity == best[0] and comuni != best[1]:
                tied = True
    if best is None or tied or _misspells_a_word(spans[-1][1], best[1]):
        return PlaceReading(text)
    return _reading(tokens, spans[best[2]][0], comuni=best[1])


def _may_misspell(typed: str, comuni: tuple[dict, ...]) -> bool:
    """Whether one word typed may be the Comuni's name misspelled: not when it is an
    Italian word ("palestra" is no typo of Palestro), unless the name begins with it
    (typed in part: "milan", "bergam")."""
    if not is_italian_word(typed):
        return True
    return any(word.startswith(typed) for comune in comuni for word in words(comune["nome"]))


def _misspells_a_word(typed: str, comuni: tuple[dict, ...]) -> bool:
    """Whether the last word typed is as few edits from a known word of the titles (the
    spelling's nearest) as from every word of the Comuni's names: "paronato" is one
    from "patronato" and two from Parona (PV), and the spelling corrects it."""
    nearest = nearest_word(typed)
    if nearest is None:
        return False
    name_words = {word for comune in comuni for word in words(comune["nome"])}
    if set(words(nearest[0])) <= name_words:
        return False  # the name itself, written in some title
    known = "".join(words(nearest[0]))
    return Levenshtein.distance(typed, known) <= min(
        Levenshtein.distance(typed, word) for word in name_words
    )


def _spans(text: str) -> tuple[list[str], list[tuple[int, str]]]:
    """The typed tokens, and each folded word with the token it comes from ("d'adda" is
    two words)."""
    tokens = text.split()
    return tokens, [(index, word) for index, token in enumerate(tokens) for word in words(token)]


def _begins_a_token(spans: list[tuple[int, str]], start: int) -> bool:
    """Whether the word at `start` begins a typed token: a name never begins inside one."""
    return start == 0 or spans[start - 1][0] != spans[start][0]


def _first_reading(tokens: list[str], first: int, after: int, **place) -> PlaceReading:
    """The place (`comuni` or `provincia`) named by the tokens from `first` to `after`
    (excluded), at the beginning of the text: the rest is what follows them, without the
    words before the name that only say "there" ("a Milano badante")."""
    luogo = LuogoDalTesto(" ".join(tokens[first:after]), **place)
    return PlaceReading(" ".join(tokens[after:]), luogo)


def _reading(tokens: list[str], first: int, **place) -> PlaceReading:
    """The place (`comuni` or `provincia`) named from the token `first` on; the rest of
    the text, without the words just before the name that only say "there"."""
    rest = tokens[:first]
    while rest and all(word in _BEFORE_A_PLACE for word in words(rest[-1])):
        rest.pop()
    return PlaceReading(" ".join(rest), LuogoDalTesto(" ".join(tokens[first:]), **place))


def _is_a_word_of_the_index(word: str) -> bool:
    return fetch_dicts(f"SELECT {stem_is_a_lexeme('%s')} AS found", [word])[0]["found"]


def _trigrams(name: Name) -> frozenset[str]:
    """pg_trgm's trigrams of the words: each padded with two spaces before, one after."""
    return frozenset(
        padded[i : i + 3]
        for word in name
        for padded in [f"  {word} "]
        for i in range(len(word) + 1)
    )


def _nearest_names(typed: Name) -> list[tuple[float, tuple[dict, ...]]]:
    """The names of as many words as `typed` at least MISSPELLED_MIN_SIMILARITY near
    it, with their similarity."""
    by_trigram, name_trigrams = _names_by_trigram()
    wanted = _trigrams(typed)
    shared: dict[Name, int] = {}
    for trigram in wanted:
        for name in by_trigram.get((len(typed), trigram), ()):
            shared[name] = shared.get(name, 0) + 1
    names, _longest = _comuni_by_words()
    found = []
    for name, common in shared.items():
        similarity = common / (len(wanted) + len(name_trigrams[name]) - common)
        if similarity >= MISSPELLED_MIN_SIMILARITY:
            found.append((similarity, names[name]))
    return found


def _names_by_trigram() -> tuple[dict[tuple[int, str], list[Name]], dict[Name, frozenset[str]]]:
    """The names (whole and short) by their number of words and each of their trigrams,
    and each name's trigrams."""

    def build():
        names, _longest = _comuni_by_words()
        by_trigram: dict[tuple[int, str], list[Name]] = {}
        name_trigrams = {}
        for name in names:
            name_trigrams[name] = _trigrams(name)
            for trigram in name_trigrams[name]:
                by_trigram.setdefault((len(name), trigram), []).append(name)
        return by_trigram, name_trigrams

    return memo("comuni_by_trigram", build)


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
        "seprio lomellina terme martesana triulzi milanino "
        # Once Comuni, or families, of their own, left out as the rest are: "Cinisello"
        # for Cinisello Balsamo, "Peschiera", "Cesano" (Boscone and Maderno), "Vizzolo".
        "balsamo borromeo boscone maderno predabissi masciago laghetto primo visconti"
    )
)
_QUALIFIER_PREPOSITIONS = frozenset(
    words("al all d di del della dell in nel sul sull sulla sopra sotto con")
)
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


# Short names people use that no qualifier gives: "Sesto" is Sesto San Giovanni to Milan,
# Sesto Calende to Varese (both are read, with Sesto ed Uniti, as homonyms are); "Pieve"
# is Pieve Emanuele south of Milan (read with the six other Pieves); "Busto" is Busto
# Arsizio and Busto Garolfo (read only at the end: a "busto ortopedico" is a brace).
_SHORT_NAMES_WITHOUT_QUALIFIER = frozenset({("sesto",), ("pieve",), ("busto",)})


def _short_names(whole: dict[Name, tuple[dict, ...]]) -> dict[Name, tuple[dict, ...]]:
    """The names people use without a Comune's qualifier (_QUALIFIERS), each read as all
    the Comuni whose names begin with it: "cologno" is Cologno Monzese and Cologno al
    Serio, "paderno" all four Padernos, though only Paderno d'Adda ends with a
    qualifier. Never a name ending with a stop word, nor one of _NOT_SHORT_NAMES; also
    the few that no rule finds (_SHORT_NAMES_WITHOUT_QUALIFIER)."""
    short = set(_SHORT_NAMES_WITHOUT_QUALIFIER)
    for key in whole:
        cut = len(key) - 1
        if cut < 1 or key[cut] not in _QUALIFIERS:
            continue
        while cut > 1 and key[cut - 1] in _QUALIFIER_PREPOSITIONS:
            cut -= 1
        name = key[:cut]
        if name[-1] not in STOP_WORDS and name not in _NOT_SHORT_NAMES:
            short.add(name)
    beginning: dict[Name, list[dict]] = {}
    for key, comuni in whole.items():  # in the order of the Comuni's names
        for size in range(1, len(key)):
            if key[:size] in short:
                beginning.setdefault(key[:size], []).extend(comuni)
    return {name: tuple(comuni) for name, comuni in beginning.items()}
