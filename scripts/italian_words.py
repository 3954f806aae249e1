"""Write marketplace/search/parole_italiane.txt.gz: the Italian words the search takes as
written correctly, one per line, folded as the search folds them ("maternità" is
"maternita"), sorted.

A word that matches nothing was corrected into the nearest known word of the titles, even
when it was an Italian word spelled right that no text holds: "autismo" searched
"autista" (the drivers of the social transport), "scuolabus" searched "scuola", and
"palestra" was read as the Comune of Palestro (PV). Such a word is a word people look
for, not a typo: the search now says that nothing holds it and proposes the nearest
known word without searching it (search.lexicon, search.spelling).

A word is listed when its frequency in Italian (wordfreq's Zipf scale, over subtitles,
Wikipedia, books, the web...) is at least 2.0, one in ten million words: every form of
the words people write ("logopedia" 2.3, "grest" 2.2, "ludoteca" 2.6, "autismo" 3.5), no
typo ("babysiter", "psicolgo", "melegano", "milanno": none is in wordfreq's list). Only
words of letters, of at least four (shorter words are never corrected).

Run it again to follow a newer wordfreq, with wordfreq from a throwaway environment (it
is not a dependency of the project; its data is CC BY-SA 4.0, and so is the list):

    python3 -m venv /tmp/wordfreq && /tmp/wordfreq/bin/pip install wordfreq
    PYTHONPATH=/tmp/wordfreq/lib/python3.11/site-packages .venv/bin/python scripts/italian_words.py
"""

import gzip
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from wordfreq import iter_wordlist, zipf_frequency

from marketplace.search.lexicon import LEXICON_PATH
from marketplace.search.text import fold

MIN_ZIPF = 2.0
_LETTERS_ONLY = re.compile(r"[a-z]{4,}")


def italian_words() -> list[str]:
    found = set()
    for word in iter_wordlist("it"):  # the most frequent first
        if zipf_frequency(word, "it") < MIN_ZIPF:
            break
        folded = fold(word)
        if _LETTERS_ONLY.fullmatch(folded):
            found.add(folded)
    return sorted(found)


def main() -> None:
    listed = italian_words()
    # mtime=0: the same words give the same bytes, so the file changes only when they do.
    with open(LEXICON_PATH, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write("".join(f"{word}\n" for word in listed).encode())
    print(f"{len(listed)} words written to {LEXICON_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
