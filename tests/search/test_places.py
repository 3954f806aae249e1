"""Which last (or first) words of a text are read as a Comune (marketplace.search.places),
and which stay words to search. What the search then finds is in test_semantics."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo_data.models import Comune
from marketplace.search.backends import postgres
from marketplace.search.places import (
    provincia_list,
    provincia_named,
    read_misspelled_place,
    read_place,
)
from servizi.services import servizio_update

MELEGNANO_ISTAT = "015140"

pytestmark = pytest.mark.django_db


def place(text: str, read=read_place) -> tuple[str, str | None, list[str]]:
    """The text left, the words read as a place, and the Comuni's codes."""
    reading = read(text)
    if reading.luogo is None:
        return reading.text, None, []
    return reading.text, reading.luogo.parole, list(reading.luogo.codici)


def test_a_comune_named_last_is_read_as_the_place_and_the_rest_is_the_text():
    assert place("asilo nido Melegnano") == ("asilo nido", "Melegnano", ["015140"])
    assert place("melegnano") == ("", "melegnano", ["015140"])


def test_the_longest_name_wins_and_its_words_are_kept_as_typed():
    assert place("badante Sesto San Giovanni") == ("badante", "Sesto San Giovanni", ["015209"])
    assert place("centro estivo Fara Gera d'Adda") == (
        "centro estivo",
        "Fara Gera d'Adda",
        ["016096"],
    )
    assert place("sant'angelo lodigiano")[2] == ["098050"]


def test_a_comune_is_read_by_its_name_without_the_qualifier_people_leave_out():
    # The area's adjective, or its river or lake, with its preposition.
    assert place("centro diurno San Giuliano") == ("centro diurno", "San Giuliano", ["015195"])
    assert place("psicologo a cernusco")[1:] == ("cernusco", ["097020", "015070"])
    assert place("rsa trezzano")[2] == ["015219", "015220"]  # Rosa, sul Naviglio
    assert place("badante sant'angelo")[2] == ["098050", "018144"]  # Lodigiano, Lomellina
    # What was once a Comune or a family of its own is left out as well.
    assert place("badante cinisello") == ("badante", "cinisello", ["015077"])
    assert place("asilo nido a peschiera")[1:] == ("peschiera", ["015171"])
    assert place("psicologo cesano")[2] == ["015074", "108019"]  # Boscone, Maderno
    assert place("asilo cusano")[2] == ["015098"]  # Cusano Milanino
    # And the few no rule finds: "Sesto", every Sesto (Calende, San Giovanni, ed Uniti).
    assert place("badante a sesto") == ("badante", "sesto", ["012120", "015209", "019095"])
    assert place("badante sesto san giovanni")[2] == ["015209"]
    # "Pieve" for Pieve Emanuele, one of the four districts, with every other Pieve.
    assert "015173" in place("badante a pieve")[2] and len(place("badante a pieve")[2]) == 7
    assert place("badante pieve emanuele")[2] == ["015173"]
    assert len(place("asilo nido busto")[2]) == 2  # Arsizio, Garolfo
    assert place("busto ortopedico") == ("busto ortopedico", None, [])  # never first
    # With "sopra" before the river: Boffalora sopra Ticino, and Boffalora d'Adda.
    assert place("rsa boffalora")[2] == ["098003", "015026"]


def test_a_short_name_is_every_comune_whose_name_begins_with_it():
    # Only Paderno d'Adda ends with a qualifier; "Paderno" names all four.
    assert [c["nome"] for c in read_place("asilo paderno").luogo.comuni] == [
        "Paderno Dugnano",
        "Paderno Franciacorta",
        "Paderno Ponchielli",
        "Paderno d'Adda",
    ]


def test_a_whole_name_wins_over_a_short_one():
    # Berbenno (BG), not Berbenno di Valtellina (SO).
    assert place("asilo berbenno")[1:] == ("berbenno", ["016023"])


def test_a_short_name_that_is_also_a_word_or_another_place_stays_a_word():
    # Villa d'Adda, Monte Cremasco, Treviso Bresciano: read only by their whole names.
    assert place("casa di riposo villa") == ("casa di riposo villa", None, [])
    assert place("centro estivo monte")[1] is None
    assert place("badante treviso")[1] is None
    assert place("centro estivo Villa d'Adda")[1] == "Villa d'Adda"


def test_the_words_that_only_say_there_go_with_the_place():
    assert place("asilo nido a Melegnano") == ("asilo nido", "Melegnano", ["015140"])
    assert place("psicologo presso zona Melegnano")[0] == "psicologo"
    assert place("psicologo vicino a Melegnano")[0] == "psicologo"


def test_a_comune_named_first_is_read_when_no_comune_ends_the_text():
    assert place("milano badante") == ("badante", "milano", ["015146"])
    # The words before the name that only say "there" go with it.
    assert place("a Melegnano baby sitter") == ("baby sitter", "Melegnano", [MELEGNANO_ISTAT])
    assert place("in zona Sesto San Giovanni assistenza") == (
        "assistenza",
        "Sesto San Giovanni",
        ["015209"],
    )
    assert place("san donato asilo nido")[1:] == ("san donato", ["015192"])
    # The end wins.
    assert place("milano badante bergamo") == ("milano badante", "bergamo", ["016024"])
    # A name begins and ends with a typed word.
    assert place("angelo lodigiano badante")[1] is None


def test_a_comune_named_like_a_word_a_search_begins_with_is_read_only_at_the_end():
    assert place("cene a domicilio") == ("cene a domicilio", None, [])
    assert place("erba sintetica")[1] is None
    assert place("pasti a domicilio cene") == ("pasti a domicilio", "cene", ["016070"])
    assert place("badante erba")[2] == ["013095"]


def test_a_comune_named_inside_the_text_stays_a_word():
    # People put the place last; before it, a name may be an Ente's or a word's.
    assert place("sportello melegnano orari") == ("sportello melegnano orari", None, [])


def test_a_name_is_never_read_from_the_middle_of_a_typed_word():
    # "angelo lodigiano" is the end of "Sant'Angelo Lodigiano", no Comune of its own.
    assert place("badante angelo lodigiano") == ("badante angelo lodigiano", None, [])


def test_a_name_made_only_of_stop_words_is_never_read():
    assert Comune.objects.filter(nome="Dello").exists()
    assert place("servizi dello") == ("servizi dello", None, [])


def test_a_text_without_a_comune_is_left_as_it_is():
    assert place("asilo nido") == ("asilo nido", None, [])
    assert place("") == ("", None, [])
    assert place(" - ") == (" - ", None, [])


def test_homonym_comuni_are_all_read():
    square = MultiPolygon(Polygon.from_bbox((18.36, 40.01, 18.38, 40.03)), srid=4326)
    Comune.objects.create(
        codice_istat="075019",
        nome="Castro",
        provincia="Lecce",
        sigla_provincia="LE",
        regione="Puglia",
        geometria=square,
    )
    reading = read_place("asilo castro")
    assert reading.text == "asilo"
    assert [(c["nome"], c["sigla_provincia"]) for c in reading.luogo.comuni] == [
        ("Castro", "BG"),
        ("Castro", "LE"),
    ]


def province_read(text: str) -> tuple[str, str | None, str | None]:
    """The text left, the words read as a province, and its code."""
    reading = read_place(text)
    if reading.luogo is None or reading.luogo.provincia is None:
        return reading.text, None, None
    return reading.text, reading.luogo.parole, reading.luogo.provincia.sigla


def test_a_province_named_last_is_read_as_the_place_and_its_comuni_are_where_to_search():
    reading = read_place("asilo nido provincia di Bergamo")
    assert reading.text == "asilo nido" and reading.luogo.parole == "provincia di Bergamo"
    bergamo = set(Comune.objects.filter(sigla_provincia="BG").values_list("pk", flat=True))
    assert len(bergamo) == 243 and set(reading.luogo.codici) == bergamo
    assert reading.luogo.as_dict() == {
        "parole": "provincia di Bergamo",
        "comuni": [],
        "provincia": {"sigla": "BG", "nome": "Bergamo"},
    }


def test_a_province_is_named_by_its_code_or_name_with_or_without_its_stop_words():
    assert province_read("badante in provincia di MI") == ("badante", "provincia di MI", "MI")
    assert province_read("rsa prov. BG") == ("rsa", "prov. BG", "BG")
    assert province_read("rsa prov di lodi")[2] == "LO"
    assert province_read("nido provincia di Monza e Brianza")[2] == "MB"
    assert province_read("nido provincia di monza")[2] == "MB"
    # Milan's province has been a "città metropolitana" since 2015.
    assert province_read("doposcuola città metropolitana di Milano") == (
        "doposcuola",
        "città metropolitana di Milano",
        "MI",
    )


def test_a_province_is_read_by_its_area_after_a_word_that_says_in():
    assert province_read("badante nel bresciano") == ("badante", "nel bresciano", "BS")
    assert province_read("asilo nido nella bergamasca")[::2] == ("asilo nido", "BG")
    assert province_read("rsa in valtellina")[2] == "SO"
    assert province_read("asilo nell'oltrepò") == ("asilo", "nell'oltrepò", "PV")
    assert province_read("nel bresciano asilo nido") == ("asilo nido", "bresciano", "BS")
    # Without the "in", the adjective is a word; and a Comune's longer name wins.
    assert province_read("bresciano asilo") == ("bresciano asilo", None, None)
    assert province_read("asilo pavese") == ("asilo pavese", None, None)
    assert place("asilo ponte in valtellina") == ("asilo", "ponte in valtellina", ["014052"])
    assert place("asilo san donato milanese")[2] == ["015192"]


def test_a_province_named_first_is_read_when_more_words_follow():
    assert province_read("provincia di Lecco asilo nido") == (
        "asilo nido",
        "provincia di Lecco",
        "LC",
    )
    assert province_read("in provincia di Monza e della Brianza badante")[::2] == ("badante", "MB")


def test_a_province_wins_over_the_comune_it_is_named_after_but_a_comune_at_the_end_wins():
    assert province_read("asilo provincia di Como")[2] == "CO"
    assert place("asilo como") == ("asilo", "como", ["013075"])
    # The end of the text is where the place is: Treviglio, not the province first.
    assert place("provincia di bergamo asilo treviglio")[2] == ["016219"]


def test_a_misspelled_province_after_the_word_provincia_is_read_as_that_province():
    # Read as a Comune, it searched "badante provincia" in the city of Bergamo.
    assert province_read("badante provincia di bergamp") == (
        "badante",
        "provincia di bergamp",
        "BG",
    )
    assert province_read("provincia di Breschia asilo nido") == (
        "asilo nido",
        "provincia di Breschia",
        "BS",
    )
    assert province_read("rsa prov. di Varese")[2] == "VA"  # exact, as before
    # Too short to tell, or nearer no province than the others.
    assert province_read("asilo provincia di lco")[2] is None
    assert province_read("asilo provincia di Atlantide")[2] is None


def test_the_word_provincia_without_a_province_s_name_stays_a_word():
    assert province_read("uffici della provincia") == ("uffici della provincia", None, None)
    assert province_read("asilo prov") == ("asilo prov", None, None)
    assert province_read("asilo provincia di Atlantide") == (
        "asilo provincia di Atlantide",
        None,
        None,
    )


def test_provinces_are_named_by_code_or_name_in_any_case():
    assert provincia_named("bg").nome == provincia_named("BERGAMO").nome == "Bergamo"
    assert provincia_named(" Monza e Brianza ").sigla == "MB"
    assert provincia_named("xx") is None and provincia_named("di") is None
    assert [p.sigla for p in provincia_list()][:3] == ["BG", "BS", "CO"]
    assert len(provincia_list()) == 12


def misspelled(text: str) -> tuple[str, str | None, list[str]]:
    return place(text, read_misspelled_place)


def test_a_comune_misspelled_at_the_end_of_the_text_is_read_as_that_comune():
    assert misspelled("asilo nido melegano") == ("asilo nido", "melegano", [MELEGNANO_ISTAT])
    assert misspelled("badante a rozano") == ("badante", "rozano", ["015189"])
    # Any word of a name, and a name typed in part.
    assert misspelled("trasporto pieve emanele") == ("trasporto", "pieve emanele", ["015173"])
    assert misspelled("centro diurno san giuliano milanse")[2] == ["015195"]
    assert misspelled("asilo bergam")[2] == ["016024"]


def test_a_text_is_not_read_as_a_misspelled_comune_unless_near_enough():
    assert misspelled("psicolgo") == ("psicolgo", None, [])  # a typo, of no Comune's name
    assert misspelled("asilo nido") == ("asilo nido", None, [])
    assert misspelled("badante a roz")[1] is None  # too short to tell
    assert misspelled("") == ("", None, [])


def test_an_italian_word_is_no_misspelled_comune_unless_the_name_begins_with_it():
    # "palestra" is one letter from Palestro (PV): "corsi palestra" searched Palestro.
    assert misspelled("corsi palestra") == ("corsi palestra", None, [])
    assert misspelled("asilo bianco") == ("asilo bianco", None, [])  # not Binasco
    # A name typed in part is still that name, word or not ("milan", "bergam").
    assert misspelled("badante milan")[2] == ["015146"]
    assert misspelled("asilo bergam")[2] == ["016024"]
    # The words of a name misspelled together are read whatever each word is.
    assert misspelled("trasporto pieve emanele")[2] == ["015173"]


def test_a_word_some_text_holds_is_never_read_as_a_misspelled_comune(
    catalogo, django_capture_on_commit_callbacks
):
    # "cremasca" (of Crema, and no word of the Italian list) is as near to Crema as a
    # typo would be.
    assert misspelled("sportello cremasca")[1] == "cremasca"
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=catalogo["lavanderia"], descrizione="Cooperativa cremasca.")
    assert misspelled("sportello cremasca") == ("sportello cremasca", None, [])


def test_a_typo_as_few_edits_from_a_word_of_the_titles_is_left_to_the_spelling(
    catalogo, django_capture_on_commit_callbacks
):
    # "paronato" is two edits from Parona (PV), one from "patronato": once a title says
    # "patronato", the spelling corrects it into that word.
    assert misspelled("assistenza paronato")[2] == ["018109"]
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=catalogo["lavanderia"], titolo="Sportello patronato di Rozzano")
    assert misspelled("assistenza paronato") == ("assistenza paronato", None, [])
    assert misspelled("badante rozano")[2] == ["015189"]  # "rozzano" of a title is the name itself


@pytest.mark.parametrize("through", ["the text's index", "the Comune's rows"])
def test_whether_a_text_is_found_in_a_comune_is_the_same_by_either_path(
    rete_sud_est, monkeypatch, through
):
    # A common text's rows in a Comune are looked for among the Comune's rows, a rare
    # one's through the text's index (postgres.finds_something): the same answer.
    per_row = through == "the Comune's rows"
    if per_row:
        monkeypatch.setattr(postgres, "_estimated_matches", lambda tsquery: 10**9)
    oggi = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        assert postgres.finds_something("baby sitter", oggi, (MELEGNANO_ISTAT,))  # at home
        assert postgres.finds_something("asil", oggi, (MELEGNANO_ISTAT,))  # a prefix
        assert not postgres.finds_something("lavanderia", oggi, (MELEGNANO_ISTAT,))
    exists = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT EXISTS")]
    assert len(exists) == 3 and all(("IS TRUE" in sql) is per_row for sql in exists)
    # Without a Comune, through the text's index; without words, any row there.
    assert postgres.finds_something("lavanderia", oggi)
    assert not postgres.finds_something("lavanderia scontata", oggi)  # not in force yet
    assert postgres.finds_something("", oggi, (MELEGNANO_ISTAT,))
    assert not postgres.finds_something("", oggi, ("014043",))  # Mese (SO): nothing
