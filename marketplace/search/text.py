"""Italian free text: normalisation, domain synonyms, and the tsquery of the postgres backend.

Synonyms are expanded here, at query time, for both backends alike, so that they
agree: "badante" also finds "assistente familiare" and the other way round.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping

from .place_words import NAME_WORDS, PLACE_NAMES, PLACE_WORDS

_WORD = re.compile(r"[a-z0-9]+")

# Groups of words or phrases that mean the same thing to the people who search.
SINONIMI: list[tuple[str, ...]] = [
    ("badante", "assistente familiare", "assistenza familiare"),
    ("baby sitter", "babysitter", "baby sitting", "tata"),
    ("asilo nido", "nido", "micronido"),
    ("doposcuola", "post scuola", "dopo scuola"),
    # "anziano" and "italiano" are marked (UNSTEMMED_WORDS): the stemmer cuts them to
    # 'anzi' and 'ital', where their other three forms are 'anzian' and 'italian'.
    ("anziani", "anziano", "anziana", "anziane", "terza eta", "over 65"),
    ("italiano", "italiana", "italiani", "italiane"),
    ("disabilita", "handicap", "disabili"),
    ("psicologo", "sostegno psicologico", "psicoterapia"),
    ("lavanderia", "stireria", "lavasecco", "stiro"),
    ("spesa a domicilio", "consegna spesa"),
    ("telesoccorso", "teleassistenza", "telecontrollo"),
    ("gratuito", "gratis"),
    # Snowball cuts the feminine plural of these to 'sportiv' and 'visiv', the other
    # forms to 'sport' and 'vis': "attività sportive" did not find the "centro sportivo".
    ("sportivo", "sportiva", "sportivi", "sportive"),
    ("visivo", "visiva", "visivi", "visive"),
    ("pratiche", "disbrigo pratiche", "commissioni"),
    ("trasporto", "accompagnamento", "navetta"),
    ("rsa", "casa di riposo", "residenza sanitaria assistenziale"),
    ("centro estivo", "centri estivi", "campus estivo", "colonia estiva", "colonie estive"),
    ("consultorio", "consulenza familiare", "mediazione familiare"),
    # The forms of the marked words of UNSTEMMED_WORDS, which no longer share a stem.
    ("autismo", "autistico", "autistica", "autistici", "autistiche"),
    ("visita", "visite"),
    ("caso", "casi"),
    ("festivo", "festiva", "festivi", "festive"),
    # Forms of one word that Snowball cuts to two stems, neither another word's:
    # "pediatrici" is 'pediatric' where "pediatrico" is 'pediatr', "camere" 'cam' where
    # "camera" is 'camer', "quotidiano" 'quotid' where its other forms are 'quotidian'.
    ("pediatrico", "pediatrica", "pediatrici", "pediatriche"),
    ("camera", "camere"),
    ("quotidiano", "quotidiana", "quotidiani", "quotidiane"),
    # Sigle and what they stand for: a PIT operator types the one, a catalogue writes
    # the other ("CDD Il Mosaico", "centro diurno per persone con disabilità").
    ("cdd", "centro diurno disabili", "centri diurni disabili"),
    ("cdi", "centro diurno integrato", "centri diurni integrati"),
    ("cse", "centro socio educativo", "centri socio educativi"),
    ("sfa", "formazione all'autonomia"),
    ("rsd", "residenza sanitaria disabili"),
    ("cav", "centro antiviolenza", "centri antiviolenza"),
    # The DSA by name: a parent types the child's ("dislessia"), a service says "DSA".
    ("dsa", "disturbi specifici dell'apprendimento", "dislessia", "discalculia", "disgrafia"),
    ("bes", "bisogni educativi speciali"),
    ("isee", "dsu", "dichiarazione sostitutiva unica"),
    # What one asks a CAF for, by name: the PITs of the demo that are a "Patronato /
    # CAF" did not answer "730" nor "dichiarazione dei redditi".
    (
        "caf",
        "centro di assistenza fiscale",
        "centri di assistenza fiscale",
        "730",
        "modello 730",
        "dichiarazione dei redditi",
    ),
    ("h24", "24 ore su 24", "giorno e notte"),
]


# Acronyms of the domain that the Italian stemmer folds into another word: "ISEE" and
# "Iseo" both stem to 'ise', "BES" and "Besate" to 'bes', "CAV" (centro antiviolenza) and
# "Cava Manara" to 'cav', "CPIA" (adult schools) and "CPI" (job centres) to 'cpi', "PEI"
# and "Peia" to 'pei', "SAI" (the refugees' network) and "Rodengo Saiano" to 'sai'.
# "isee" found every service in Iseo first. And "CAF", which as the beginning of a word
# (the last word typed is one) found every "caffè". Not "cas" (centri di accoglienza
# straordinaria): typed as the last word, "cas" is mostly "casa" on its way, and a
# marked word is never read as a prefix.
SIGLE = ("bes", "caf", "cav", "cpia", "isee", "pei", "sai")
# Words of the domain that the Italian stemmer folds into another word's stem, each with
# that stem: "comunità" and "Comune" are both 'comun' ("comunità" found every service of
# a Comune), "autistico" and "autista" 'autist' ("autistici" found the drivers of the
# social transport), "salute" and "salita" 'sal', "visite" and "visivo" 'vis'; "anziano"
# is 'anzi', as the word "anzi", where "anziani" is 'anzian' ("anziano" found 2 of the
# demo's 66 services for the elderly), "italiano" 'ital' as "Italia", where "lingua
# italiana" is 'italian'. Marked as the sigle are, each keeps its own lexeme; the forms
# of one word find each other again through SINONIMI. "casa" and "caso" are both 'cas'
# ("casa" found every "in caso di malattia"): "caso" and "casi" are the ones marked, so
# that "casa", "case" and "case di riposo" keep finding each other. So are "festivo",
# "festivi" and "festiva", which were 'fest' as "festa" ("festivi" found the "feste di
# compleanno"; "festive" is 'festiv' already).
UNSTEMMED_WORDS = {
    "anziano": "anzi",
    "autistica": "autist",
    "autistiche": "autist",
    "autistici": "autist",
    "autistico": "autist",
    "casi": "cas",
    "caso": "cas",
    "comunita": "comun",
    "festiva": "fest",
    "festivi": "fest",
    "festivo": "fest",
    "italiano": "ital",
    "salute": "sal",
    "visita": "vis",
    "visite": "vis",
}
# The marked words: the sigle, the words of the domain above, and the words of Comune
# names that the stemmer folds into a common word's stem (place_words.PLACE_WORDS:
# "Cenate" and "cena" are both 'cen', "Salò" and "salita" 'sal', "Meda" and "medie"
# 'med'). Both backends read each of them, in the texts and in the query, as the folded
# word with MARK after it, a form that no stemmer changes and no other word takes
# ('isee0', 'cenate0'): "cena" no longer finds every service whose title or provider
# names Cenate Sotto, and "cenate" finds those.
MARK = "0"
# The words marked in every text, whatever the query (marked_text_sql).
ALWAYS_MARKED = frozenset(SIGLE) | frozenset(UNSTEMMED_WORDS)
MARKED_WORDS = ALWAYS_MARKED | frozenset(PLACE_WORDS)
_ACCENTED = {"a": "aàá", "e": "eèé", "i": "iìí", "o": "oòó", "u": "uùú"}


def _alternation(
    marked: frozenset[str],
    *,
    units: Callable[[str], list[str]] | None = None,
    suffixes: Mapping[str, str] | None = None,
) -> str:
    """A regular expression of the words, as a trie (PostgreSQL's engine matched the flat
    alternation of the 157 place words of the time twice as slowly), that PostgreSQL,
    Python and Java read alike: the last vowel of each also accented, as names write it
    ("Salò"), unless `units` splits a word otherwise; each word followed by its pattern
    in `suffixes`, if any (the lookarounds of _names_alternation)."""
    trie: dict = {}
    for word in marked:
        node = trie
        for unit in units(word) if units else _last_vowel_accented(word):
            node = node.setdefault(unit, {})
        node[""] = (suffixes or {}).get(word, "")

    def branches(node: dict) -> str:
        parts = [unit + branches(child) for unit, child in sorted(node.items()) if unit]
        ending = node.get("")  # None where no word ends, else the word's suffix
        if not parts:
            return ending or ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        if ending is None:
            return body
        return f"(?:{body})?" if ending == "" else f"(?:{ending}|{body})"

    return branches(trie)


def _last_vowel_accented(word: str) -> list[str]:
    last = f"[{_ACCENTED[word[-1]]}]" if word[-1] in _ACCENTED else word[-1]
    return [*word[:-1], last]


def words_sql_pattern(words) -> str:
    """The words as a whole word of a text, in any case (PostgreSQL's `~*`)."""
    return rf"\m({_alternation(frozenset(words))})\M"


# The words of Comune names of several words that are marked only where a text writes
# the whole name (place_words.PLACE_NAMES): "Serio" in "Cologno al Serio", "Sale" in
# "Sale Marasino", "Uniti" in "Gravedona ed Uniti". Elsewhere they are words: "serio",
# "sale" and "unità" find what they say, not those Comuni's services.
_SEPARATORS = {" ": r"\s", "'": "['’]"}


def _name_units(text: str) -> str:
    """A folded fragment of a name as a regular expression of what texts write: every
    vowel also accented, the apostrophe also typographic; one character per character,
    so that Python's fixed-width lookbehinds read it (tests)."""
    return "".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else _SEPARATORS.get(c, c) for c in text)


def _names_alternation(start: str, end: str) -> str:
    """The words of PLACE_NAMES, each where its whole name is written: the word, then
    the name up to it behind (a lookbehind) and the rest ahead (a lookahead), `start`
    and `end` the dialect's word boundaries ("serio" when "cologno al serio" ends there,
    "sale" before " marasino"). The words as a trie, each with the lookarounds of its
    names: PostgreSQL's engine took four times the place words' time with one
    alternative per name, and a backtracking engine (Java's) leaves a branch at its
    first letter. They capture nothing: the whole match is the word to mark."""
    contexts: dict[str, list[str]] = {}
    for name, marked in PLACE_NAMES.items():
        for word in _WORD.finditer(name):
            if word.group() in marked:
                up_to_it, after = name[: word.end()], name[word.end() :]
                contexts.setdefault(word.group(), []).append(
                    (f"(?<={start}{_name_units(up_to_it)})" if word.start() else "")
                    + (f"(?={_name_units(after)}{end})" if after else "")
                )
    suffixes = {
        word: found[0] if len(found) == 1 else "(?:" + "|".join(sorted(found)) + ")"
        for word, found in contexts.items()
    }
    return _alternation(
        frozenset(suffixes), units=lambda w: list(map(_name_units, w)), suffixes=suffixes
    )


_MARKED_ALTERNATION = _alternation(MARKED_WORDS)
_ALWAYS_MARKED_ALTERNATION = _alternation(ALWAYS_MARKED)
_MARKED_AS_WRITTEN = re.compile(
    rf"\b({_alternation(MARKED_WORDS | frozenset(NAME_WORDS))}){MARK}\b", re.IGNORECASE
)
# The texts as both backends index them: the words of PLACE_NAMES within their names,
# then each marked word, in any case, with its mark after it (PostgreSQL's
# regexp_replace reads `\1` and then the mark, as Java's `$1` in Elasticsearch's
# pattern_replace: the trie's groups capture nothing). The configuration folds the
# accent of a marked word ('Salò0' is salo0: marketplace.0033). The names go first: the
# "San" of "Azzano San Paolo" is still as written when the name is looked for.
_SQL_START, _SQL_END = r"\m", r"\M"  # PostgreSQL's word boundaries
NAMES_SQL_PATTERN = rf"{_SQL_START}({_names_alternation(_SQL_START, _SQL_END)}){_SQL_END}"
_NAMES_SQL_LITERAL = NAMES_SQL_PATTERN.replace("'", "''")
_NAMES_SQL = rf"regexp_replace({{text}}, '{_NAMES_SQL_LITERAL}', '\1{MARK}', 'gi')"
_WORDS_MARKED_SQL = rf"regexp_replace({{text}}, '\m({_MARKED_ALTERNATION})\M', '\1{MARK}', 'gi')"
_MARKED_SQL = _WORDS_MARKED_SQL.format(text=_NAMES_SQL)
_ALWAYS_MARKED_SQL = (
    rf"regexp_replace({{text}}, '\m({_ALWAYS_MARKED_ALTERNATION})\M', '\1{MARK}', 'gi')"
)
MARKED_PATTERN = rf"^({_MARKED_ALTERNATION})$"
MARKED_REPLACEMENT = f"$1{MARK}"
# The words of PLACE_NAMES within their names, for a pattern_replace character filter
# (Java, on the text as written, CASE_INSENSITIVE|UNICODE_CASE): its word boundaries are
# letters' (Java's \b is ASCII's, and "Almè" ends in a letter); the replacement is
# MARKED_REPLACEMENT.
_LETTER = "[0-9a-zà-ÿ]"
_NAMES_ALTERNATION = _names_alternation(f"(?<!{_LETTER})", f"(?!{_LETTER})")
NAMES_PATTERN = rf"(?<!{_LETTER})({_NAMES_ALTERNATION})(?!{_LETTER})"


def italian_vector_sql(text: str, *, places: str | None = None, names: str | None = None) -> str:
    """The SQL of the text vector of the SQL expression `text`: every text the search
    indexes or matches goes through it, so that the marked words keep their mark (with
    `places` and `names`, as marked_text_sql)."""
    return f"to_tsvector('italiano', {marked_text_sql(text, places=places, names=names)})"


def word_vector_sql(word: str) -> str:
    """italian_vector_sql of one word of text.words: no name of several words to mark in
    it, and no time for their expression (0.4 ms a call where the rest takes 0.15)."""
    return f"to_tsvector('italiano', {_WORDS_MARKED_SQL.format(text=word)})"


def marked_text_sql(text: str, *, places: str | None = None, names: str | None = None) -> str:
    """The SQL expression `text` with its marked words marked (for ts_headline, whose
    output `restore_marked` gives back as written). With `places` and `names`, SQL
    booleans, the place words only when `places` is true and the words of PLACE_NAMES
    only when `names` is: a query none of whose lexemes their marking could change
    (`marks_places`, `marks_names`) is highlighted alike, and a page's snippets skip the
    long expressions' time (the place words': 0.7 of the 1.4 ms that 20 of them take;
    the names': 0.4 ms a call where the sigle's take 0.15)."""
    if places is None and names is None:
        return _MARKED_SQL.format(text=text)
    if places is None or names is None:
        raise ValueError("marked_text_sql: give both `places` and `names`, or neither")
    named = f"CASE WHEN {names} THEN {_NAMES_SQL.format(text=text)} ELSE {text} END"
    return (
        f"CASE WHEN {places} THEN {_WORDS_MARKED_SQL.format(text=named)} "
        f"ELSE {_ALWAYS_MARKED_SQL.format(text=named)} END"
    )


# The stems of the words each marking may change, computed once: a set per request cost
# 7 µs of marks_places' 47.
_PLACE_STEMS = frozenset(PLACE_WORDS.values())
_NAME_STEMS = frozenset(NAME_WORDS.values())


def _could_change(
    lexemes: list[tuple[str, bool]], words: Mapping[str, str], stems: frozenset[str]
) -> bool:
    """Whether a tsquery of these (lexeme, prefix) operands could match one of `words`
    (word -> stem, the stems in `stems`) differently marked or not: its marked form or,
    whole, its stem ('cen' matches an unmarked "Cenate"), or a prefix of the word that is
    none of its stem ('cenat':* matches cenate0, never 'cen'; 'ce':* matches both)."""
    for lexeme, prefix in lexemes:
        if lexeme.endswith(MARK) and lexeme[: -len(MARK)] in words:
            return True
        if not prefix and lexeme in stems:
            return True
        if prefix and any(
            word.startswith(lexeme) and not stem.startswith(lexeme) for word, stem in words.items()
        ):
            return True
    return False


def marks_places(lexemes: list[tuple[str, bool]]) -> bool:
    """Whether marking the place words (PLACE_WORDS) could change what these operands match."""
    return _could_change(lexemes, PLACE_WORDS, _PLACE_STEMS)


def marks_names(lexemes: list[tuple[str, bool]]) -> bool:
    """Whether marking the words of PLACE_NAMES could change what these operands match."""
    return _could_change(lexemes, NAME_WORDS, _NAME_STEMS)


def is_marked(word: str) -> bool:
    """Whether the search reads the word as a marked word (never as a prefix): a marked
    word, or a word of a Comune's name already marked in it (`searched_words`)."""
    return word in MARKED_WORDS or (word.endswith(MARK) and word[: -len(MARK)] in NAME_WORDS)


def tsquery_word(word: str) -> str:
    """A folded word as the postgres backend's tsquery writes it: a marked word with its
    mark."""
    return word + MARK if word in MARKED_WORDS else word


def restore_marked(text: str) -> str:
    """A text written from marked texts (a snippet) with its marked words as they were
    written."""
    return _MARKED_AS_WRITTEN.sub(r"\1", text)


# PostgreSQL's tsearch_data/italian.stop, verbatim: the stop words of `italian_stem`,
# hence of the `italiano` configuration (accented entries never match folded words,
# there as here).
_ITALIAN_STOP = (
    "ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl "
    "dalla dalle di del dello dei degli dell degl della delle in nel nello nei negli nell "
    "negl nella nelle su sul sullo sui sugli sull sugl sulla sulle per tra contro io tu lui "
    "lei noi voi loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra "
    "nostri nostre vostro vostra vostri vostre mi ti ci vi lo la li le gli ne il un uno una "
    "ma ed se perché anche come dov dove che chi cui non più quale quanto quanti quanta "
    "quante quello quelli quella quelle questo questi questa queste si tutto tutti a c e i "
    "l o ho hai ha abbiamo avete hanno abbia abbiate abbiano avrò avrai avrà avremo avrete "
    "avranno avrei avresti avrebbe avremmo avreste avrebbero avevo avevi aveva avevamo "
    "avevate avevano ebbi avesti ebbe avemmo aveste ebbero avessi avesse avessimo avessero "
    "avendo avuto avuta avuti avute sono sei è siamo siete sia siate siano sarò sarai sarà "
    "saremo sarete saranno sarei saresti sarebbe saremmo sareste sarebbero ero eri era "
    "eravamo eravate erano fui fosti fu fummo foste furono fossi fosse fossimo fossero "
    "essendo faccio fai facciamo fanno faccia facciate facciano farò farai farà faremo "
    "farete faranno farei faresti farebbe faremmo fareste farebbero facevo facevi faceva "
    "facevamo facevate facevano feci facesti fece facemmo faceste fecero facessi facesse "
    "facessimo facessero facendo sto stai sta stiamo stanno stia stiate stiano starò "
    "starai starà staremo starete staranno starei staresti starebbe staremmo stareste "
    "starebbero stavo stavi stava stavamo stavate stavano stetti stesti stette stemmo "
    "steste stettero stessi stesse stessimo stessero stando"
)
ITALIAN_STOPWORDS = _ITALIAN_STOP.split()
STOP_WORDS = frozenset(ITALIAN_STOPWORDS)


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
# The Comune names of PLACE_NAMES as the query's words, each with the words marked in it.
_NAMES_BY_WORDS = {tuple(words(name)): frozenset(marked) for name, marked in PLACE_NAMES.items()}
_LONGEST_NAME = max(len(key) for key in _NAMES_BY_WORDS)


def synonyms_being_typed(typed: list[str]) -> list[tuple[str, ...]]:
    """The phrases of the synonym groups that hold a phrase these words begin, the last
    one written in part ("casa di r": "casa di riposo", and so "rsa"), for type-ahead:
    what a category is named may be another phrase of the group. Nothing for fewer than
    three letters, which begin too many."""
    if len("".join(typed)) < 3:
        return []
    *whole, last = typed
    size = len(whole)
    found: list[tuple[str, ...]] = []
    for phrase, group in _SYNONYMS_BY_PHRASE.items():
        if len(phrase) > size and list(phrase[:size]) == whole and phrase[size].startswith(last):
            found += [other for other in group if other not in found]
    return found


def _with_marks(phrase: tuple[str, ...], marked) -> tuple[str, ...]:
    """The phrase with each of its words in `marked` followed by MARK."""
    return tuple(word + MARK if word in marked else word for word in phrase)


def searched_words(phrase: tuple[str, ...]) -> tuple[str, ...]:
    """The phrase of a group (query_groups) as both backends look for it: a Comune's name
    of PLACE_NAMES with its words marked as the texts that write it have them ("cologno
    al serio" is cologno, al, serio0), any other phrase as it is. A name stays as typed
    in its group: corrections and messages show it."""
    return _with_marks(phrase, _NAMES_BY_WORDS.get(phrase, ()))


# Snowball's Italian stemmer (PostgreSQL's and Elasticsearch's) cuts the -are and -ere
# of a singular as a verb's ending, but only the last vowel of its plural: "familiare"
# -> famil, "familiari" -> familiar; "infermiere" -> inferm, "infermieri" -> infermier.
# The two numbers of one word would not find each other ("infermiere domicilio" found
# nothing where the texts say "infermieri"): each such word also looks for its other
# number. Only long words: a short one's other number may stem to another word's stem
# ("orari" -> "orare" -> or, as "ore" and "oro").
_OTHER_NUMBER = {"are": "ari", "ari": "are", "ere": "eri", "eri": "ere"}
OTHER_NUMBER_MIN_LENGTH = 8


def _other_numbers(phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The phrase with its words in their other number, each combination once. The last
    word typed too: its prefix is the word's as typed, not its stem's ("domiciliare"
    is domicil, or a lexeme beginning with domiciliare; domiciliar is neither)."""
    options = []
    for word in phrase:
        ending = word[-3:]
        forms = [word]
        if (
            len(word) >= OTHER_NUMBER_MIN_LENGTH
            and ending in _OTHER_NUMBER
            and word not in STOP_WORDS
        ):
            forms.append(word[:-3] + _OTHER_NUMBER[ending])
        options.append(forms)
    return list(itertools.product(*options))[1:]


def query_groups(text: str) -> list[list[tuple[str, ...]]]:
    """The query as AND-ed groups, each a list of alternative phrases (OR-ed): the words
    typed first, then their synonyms, then the words typed in their other number where
    the stemmer would tell the two apart (_OTHER_NUMBER); a Comune's name of PLACE_NAMES
    is one group of one phrase (searched_words), and a word of one of them typed apart
    also looks for its marked form ("busto": busto, busto0). Not the synonyms' other numbers: each
    alternative is one more operand to rank every match with, and their combinations
    ("assistenza familiari") would mostly be forms nobody writes; "badante" took 24 ms
    at a million services, 36-41 with them.

    "badante melegnano" -> [[("badante",), ("assistente", "familiare"), …], [("melegnano",)]]
    """
    groups = _synonym_groups(text)
    for alternatives in groups:
        if alternatives[0] in _NAMES_BY_WORDS:
            continue
        for other in _other_numbers(alternatives[0]):
            if other not in alternatives:
                alternatives.append(other)
        # A word of PLACE_NAMES typed apart from its name is also that word as its name's
        # texts hold it: "busto" and "sesto" still find Busto Arsizio and Sesto San
        # Giovanni, "serio" Cologno al Serio; "sera" and "busta" no longer do.
        for phrase in list(alternatives):
            if any(word in NAME_WORDS for word in phrase):
                alternatives.append(_with_marks(phrase, NAME_WORDS))
    return groups


def _synonym_groups(text: str) -> list[list[tuple[str, ...]]]:
    tokens = words(text)
    groups: list[list[tuple[str, ...]]] = []
    index = 0
    while index < len(tokens):
        # A Comune's name of PLACE_NAMES is one group, its words marked as in the texts.
        for size in range(min(_LONGEST_NAME, len(tokens) - index), 1, -1):
            phrase = tuple(tokens[index : index + size])
            if phrase in _NAMES_BY_WORDS:
                groups.append([phrase])
                index += size
                break
        else:
            index += _append_synonym_group(groups, tokens, index)
    return groups


def _append_synonym_group(groups: list, tokens: list[str], index: int) -> int:
    """Append the group of the words at `index`: the longest phrase with synonyms there,
    with them, or the word alone. How many tokens it took."""
    for size in range(min(_LONGEST, len(tokens) - index), 0, -1):
        phrase = tuple(tokens[index : index + size])
        if phrase in _SYNONYMS_BY_PHRASE:
            alternatives = _SYNONYMS_BY_PHRASE[phrase]
            groups.append([phrase, *[a for a in alternatives if a != phrase]])
            return size
    groups.append([(tokens[index],)])
    return 1


def postgres_tsquery(text: str, *, any_group: bool = False) -> str:
    """A to_tsquery() expression; the last word of the query also matches as a prefix.

    `to_tsquery` reads the prefix as its stem's ("cena:*" as 'cen':*, every "centro"):
    the postgres backend writes it as the word's as typed (postgres.text_tsqueries).

    A text matches when it holds every group of the query (a word or a phrase with its
    synonyms); with `any_group`, when it holds one: what tells in which part of a
    result (its Ente's name, a category) some of the words were found.
    """
    groups = query_groups(text)
    parts = []
    for position, alternatives in enumerate(groups):
        last = position == len(groups) - 1
        options = []
        for phrase in alternatives:
            searched = searched_words(phrase)
            terms = [tsquery_word(word) for word in searched]
            if last and phrase == alternatives[0] and not is_marked(searched[-1]):
                terms[-1] += ":*"
            options.append("(" + " & ".join(terms) + ")")
        parts.append("(" + " | ".join(options) + ")")
    return (" | " if any_group else " & ").join(parts)


def text_groups(text: str, *, whole_last: bool = False) -> list[list[tuple[tuple[str, ...], bool]]]:
    """`query_groups` as the postgres backend reads them (postgres.text_tsqueries).

    Each group is a list of (words, prefix) alternatives: stop words dropped (so an
    alternative or a group made only of them disappears), the prefix kept on the
    group's first alternative of the last group when its last word is no stop word,
    no marked word, and was not typed whole (`whole_last`: postgres.last_word_whole).
    A prefixed last word matches its stem, or a stem that begins with the word as typed.
    """
    groups = query_groups(text)
    result = []
    for position, alternatives in enumerate(groups):
        last = position == len(groups) - 1
        options = []
        for phrase in alternatives:
            searched = searched_words(phrase)
            kept = tuple(w for w in searched if w not in STOP_WORDS)
            if kept:
                prefix = (
                    last
                    and not whole_last
                    and phrase == alternatives[0]
                    and phrase[-1] not in STOP_WORDS
                    and not is_marked(searched[-1])
                )
                options.append((kept, prefix))
        if options:
            result.append(options)
    return result


def ignored_words(text: str) -> list[str]:
    """The words of the text that no search looks for, too common to say anything (the
    stop words: "di", "per", "della"), each once, in the order typed."""
    return list(dict.fromkeys(word for word in words(text) if word in STOP_WORDS))
