"""Write marketplace/search/place_words.py: the words of Comune names that the Italian
stemmer folds into a common word's stem, so that the search marks them as it marks the
sigle (search.text.MARKED_WORDS). "Cenate" and "cena" both stem to 'cen', "Salò" and
"salute" to 'sal', "Meda" and "medie" to 'med', "Seriate" and "sera" to 'ser': a search
for the word listed every service whose title or provider names the Comune.

A word of a Comune's name is marked when all of these hold:
- it is mostly a name: its frequency in Italian (wordfreq's Zipf scale, where names count
  too) is under 4 ("Cenate" 2.3, "Seriate" 2.6, "Lecco" 3.8; "Erba" 4.4, "Calcio" 5.1,
  "Opera" 5.2 are words people search, and stay words);
- it is not a common word's other number or gender ("Cene", "Colli", "Frati": its stem
  and one vowel, at 3.5 or more);
- a common Italian word (3.5 or more, not itself a word of a Comune's name) has its stem;
- it is not a stop word, not shorter than 3 letters, and never elided in a name ("Sant'").

Or, whatever its frequency, it is one of NAMES_ONLY: the saints' first names of Comune
names, and "San" itself, whose stem a common word has.

A word of a Comune's name of several words that the stemmer folds into a common word's
stem, and that the rules above leave a word, is written in PLACE_NAMES with that name:
the search marks it where a text writes the whole name ("Serio" in "Cologno al Serio",
never "sera"'s 'ser'; "Sale" in "Sale Marasino", never "salute"'s 'sal'), and leaves it
a word elsewhere ("serio", "sale"). NAME_WORDS gives each such word's stem.

Run it again when the Comuni change (another region), with wordfreq from a throwaway
environment (it is not a dependency of the project), against a database with the
Comuni loaded, then a migration that rewrites the rows that name them (as marketplace/0033 does):

    python3 -m venv /tmp/wordfreq && /tmp/wordfreq/bin/pip install wordfreq
    PYTHONPATH=/tmp/wordfreq/lib/python3.11/site-packages \\
        .venv/bin/python scripts/place_words.py > marketplace/search/place_words.py
"""

import os
import re
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")
django.setup()

from django.db import connection  # noqa: E402
from wordfreq import iter_wordlist, zipf_frequency  # noqa: E402

from geo_data.models import Comune  # noqa: E402
from marketplace.search.text import STOP_WORDS, fold  # noqa: E402

MOSTLY_A_NAME = 4.0  # a word under this frequency is mostly the name
COMMON = 3.5  # a word at this frequency or more is one people write and search
# The first names of saints in Comune names ("San Vito", "Santa Maria", "San Donato"),
# and "San": names and nothing else, never a word people search for, yet too frequent in
# written Italian (where names count) for the test above. Their stems are common words':
# "vita" found every service of Bagnolo San Vito, "mare" those of Santa Maria della
# Versa, "donare" those of San Donato Milanese, "sanità" every San's (*san*). Not
# "Felice", "Fermo", "Benedetto", "Pellegrino" (San Felice del Benaco, San Fermo della
# Battaglia...): common words too; nor the saints whose stem only other names share
# ("Giovanni" and "Giovanna").
NAMES_ONLY = frozenset({"donato", "marco", "maria", "pietro", "rocco", "san", "siro", "vito"})
_LETTERS = re.compile(r"[^\W\d_]+")


def stems(words: list[str]) -> dict[str, str]:
    """Each word's stem, as the index's configuration reads it (unmarked)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (tsvector_to_array(to_tsvector('italiano', w)))[1] "
            "FROM unnest(%s::text[]) w",
            [words],
        )
        return {word: stem for word, stem in cursor.fetchall() if stem}


def main() -> None:
    names_written = list(Comune.objects.values_list("nome", flat=True))
    elided = {fold(m) for name in names_written for m in re.findall(r"(\w+)['’]", name)}
    written: dict[str, set[str]] = {}
    for name in names_written:
        for word in _LETTERS.findall(name):
            written.setdefault(fold(word), set()).add(word.lower())
    place = {
        word for word in written if len(word) >= 3 and word not in STOP_WORDS and word not in elided
    }
    common: dict[str, float] = {}
    for word in iter_wordlist("it"):
        frequency = zipf_frequency(word, "it")
        if frequency < COMMON:
            break
        if _LETTERS.fullmatch(word) and fold(word) not in written:
            common.setdefault(fold(word), frequency)
    stem_of = stems(sorted(place | set(common)))
    common_stems = {stem_of[w] for w in common if w in stem_of}
    marked = {}
    for word in sorted(place):
        stem = stem_of.get(word)
        frequency = max(zipf_frequency(form, "it") for form in written[word] | {word})
        inflection = re.fullmatch(re.escape(stem or "") + "[aeio]", word) is not None
        mostly_a_name = frequency < MOSTLY_A_NAME and not (inflection and frequency >= COMMON)
        if stem and stem in common_stems and (mostly_a_name or word in NAMES_ONLY):
            marked[word] = stem
    print('"""Words of Comune names that the Italian stemmer folds into a common word\'s')
    print("stem, each with that stem; written by scripts/place_words.py, which says how they")
    print('are chosen. The search marks them as it marks the sigle (text.MARKED_WORDS)."""')
    print()
    print("PLACE_WORDS = {")
    for word, stem in marked.items():
        print(f'    "{word}": "{stem}",')
    print("}")
    names = {}
    for name in sorted(names_written, key=fold):
        name_words = [fold(w) for w in _LETTERS.findall(name)]
        in_name = tuple(
            word
            for word in dict.fromkeys(name_words)
            if word in place and word not in marked and stem_of.get(word) in common_stems
        )
        if len(name_words) > 1 and in_name:
            names[fold(name).replace("’", "'")] = in_name
    print_names(names, stem_of)


def print_names(names: dict[str, tuple[str, ...]], stem_of: dict[str, str]) -> None:
    """PLACE_NAMES and NAME_WORDS: the names of several words with their words to mark."""
    print()
    print("# Comune names of several words, folded as written (separators kept), each with the")
    print("# words of it that the search marks where a text writes the whole name: the stemmer")
    print("# folds them into a common word's stem, and they are common words, or too frequent as")
    print('# names, to be marked everywhere ("Cologno al Serio" and "sera" are both \'ser\').')
    print("PLACE_NAMES = {")
    for name, in_name in names.items():
        quoted = ", ".join(f'"{word}"' for word in in_name)
        print(f'    "{name}": ({quoted}{"," if len(in_name) == 1 else ""}),')
    print("}")
    print("# Those words, each with its stem.")
    print("NAME_WORDS = {")
    for word in sorted({w for in_name in names.values() for w in in_name}):
        print(f'    "{word}": "{stem_of[word]}",')
    print("}")


if __name__ == "__main__":
    main()
