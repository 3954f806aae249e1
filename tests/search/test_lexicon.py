"""The Italian words the search never takes for typos (marketplace/search/lexicon.py)."""

from __future__ import annotations

import gc
import gzip

import pytest

from marketplace.search.lexicon import LEXICON_PATH, is_italian_word
from marketplace.search.text import fold


@pytest.mark.parametrize(
    "word", ["autismo", "scuolabus", "palestra", "logopedia", "grest", "ludoteca", "maternita"]
)
def test_words_people_look_for_are_italian_words(word):
    assert is_italian_word(word)


# The typos the tests correct, and the misspelled Comuni and provinces they read.
TYPOS = ["babysiter", "lavandaria", "psicologga", "assistenzza", "psicolgo", "paronato"]
MISSPELLED_PLACES = ["melegano", "rozano", "emanele", "milanse", "milanno", "bergam", "bergamp"]


@pytest.mark.parametrize("typo", [*TYPOS, *MISSPELLED_PLACES])
def test_typos_are_not(typo):
    assert not is_italian_word(typo)


def test_the_words_are_folded_as_the_search_folds_what_is_typed():
    assert is_italian_word("maternita") and not is_italian_word("maternità")


def test_the_list_holds_folded_words_of_four_letters_or_more_sorted_once_each():
    with gzip.open(LEXICON_PATH, "rt", encoding="utf-8") as lines:
        listed = lines.read().split("\n")
    assert listed.pop() == ""  # each word ends its line
    assert len(listed) > 100_000
    assert listed == sorted(set(listed))
    assert all(len(word) >= 4 and word.isascii() and word.isalpha() for word in listed)
    assert all(fold(word) == word for word in listed)


def test_the_words_are_not_walked_by_the_cycle_collector():
    # Strings never form cycles: held by a set, each full collection of a web worker
    # still visited every one of them.
    from marketplace.search.lexicon import _italian_words

    is_italian_word("palestra")
    assert not gc.is_tracked(_italian_words())
