"""What the search finds, on every backend alike."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from convenzioni.services import convenzione_ritira
from marketplace.search.index import schedule_reindex
from punti_informazione.models import PuntoInformazione
from punti_informazione.services import punto_update
from servizi.services import servizio_update
from tests.search.conftest import (
    DUOMO,
    MELEGNANO,
    MUNICIPIO_SAN_DONATO,
    SAN_DONATO,
    categorie,
    titoli,
)
from tests.servizi.builders import make_ente, make_sede, make_servizio

ISEO = Point(10.0917, 45.6603, srid=4326)

pytestmark = pytest.mark.django_db


def services_at_melegnano(ente: str, *services: tuple[str, str], **fields) -> None:
    """Services of one third-sector Ente at its Sede in Melegnano: (title, description),
    each with the other `fields` given (make_servizio's defaults otherwise)."""
    ente_ = make_ente(nome=ente, tipo="terzo_settore")
    sede = make_sede(ente=ente_, punto=MELEGNANO)
    for titolo, descrizione in services:
        make_servizio(ente=ente_, titolo=titolo, descrizione=descrizione, sedi=[sede], **fields)


def test_italian_stems_match(cerca):
    assert titoli(cerca(q="asili")) == ["Asilo nido Il Girasole"]


def test_accents_are_folded(cerca):
    assert titoli(cerca(q="caffe")) == ["Caffè Alzheimer"]


def test_typos_are_tolerated(cerca):
    body = cerca(q="babysiter")
    assert titoli(body) == ["Baby sitter a domicilio"]
    assert body["corretta"] is True and body["q"] == "baby sitter"


def test_two_words_written_as_one_are_read_as_two_not_as_the_longer_one(
    cerca, django_capture_on_commit_callbacks
):
    # "prescuola" was corrected to "scuola", its nearest known word: every school.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Pre e post scuola", "Accoglienza dalle 7.30 prima delle lezioni."),
            ("Scuola di musica", "Corsi per bambini e adulti."),
            ("Telesoccorso", "Un pulsante al collo per chiamare aiuto."),
        )
    body = cerca(q="prescuola")
    assert body["q"] == "pre scuola" and body["corretta"] is True
    assert titoli(body) == ["Pre e post scuola"]
    # Not where the rest is only the beginning of words ("tele" of "telefono"): there
    # the group of synonyms finds it.
    body = cerca(q="teleassistenza")
    assert body["q"] == "teleassistenza" and titoli(body) == ["Telesoccorso"]


def test_words_too_common_to_search_are_left_out_and_named(cerca):
    body = cerca(q="Asili di")
    assert titoli(body) == ["Asilo nido Il Girasole"]
    assert body["parole_ignorate"] == ["di"]
    assert cerca(q="asili")["parole_ignorate"] == []


def test_a_text_of_only_common_words_searches_as_no_text_and_says_so(cerca):
    body = cerca(q="per la", categoria="infanzia")
    assert sorted(titoli(body)) == ["Asilo nido Il Girasole", "Baby sitter a domicilio"]
    assert body["parole_ignorate"] == ["per", "la"]
    assert body["q"] == "per la" and body["corretta"] is False


def test_a_word_found_nowhere_and_like_no_known_word_is_named(cerca):
    body = cerca(q="badante rumena")
    assert body["count"] == 0
    assert body["parole_non_trovate"] == ["rumena"]
    # Neither a word that is found, nor a typo that was corrected.
    assert cerca(q="badante")["parole_non_trovate"] == []
    assert cerca(q="babysiter")["parole_non_trovate"] == []


def test_agreements_valid_from_a_later_day_are_said_when_nothing_is_found_today(cerca_tutto):
    # "Lavanderia scontata dal mese prossimo" is valid from 30 days on: "lavanderia
    # scontata" found nothing, and the answer did not say why.
    body = cerca_tutto(q="lavanderia scontata")
    assert body["count"] == 0
    dal = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert body["convenzioni_in_arrivo"] == {"count": 1, "dal": dal}
    # The other filters apply: the agreement is for the network's companies.
    for_network = cerca_tutto(q="lavanderia scontata", con_convenzione_per="rete:sud-est")
    assert for_network["convenzioni_in_arrivo"] == {"count": 1, "dal": dal}
    member = cerca_tutto(q="lavanderia scontata", con_convenzione_per="impresa:officine-lambro")
    assert member["convenzioni_in_arrivo"] == {"count": 1, "dal": dal}
    elsewhere = cerca_tutto(q="lavanderia scontata", con_convenzione_per="impresa:fuori-rete")
    assert elsewhere["count"] == 0 and elsewhere["convenzioni_in_arrivo"] is None
    only_services = cerca_tutto(q="lavanderia scontata", tipo="servizio")
    assert only_services["count"] == 0 and only_services["convenzioni_in_arrivo"] is None
    # Something found today: nothing to explain.
    assert cerca_tutto(q="lavanderia")["convenzioni_in_arrivo"] is None


def test_an_italian_word_no_text_holds_is_named_and_its_nearest_proposed_not_searched(cerca):
    # "lavandaia" (a washerwoman) is spelled right: corrected like a typo, it searched the
    # titles' "lavanderia". As "autismo" searched "autista", and "scuolabus" "scuola".
    body = cerca(q="lavandaia")
    assert body["count"] == 0
    assert body["q"] == "lavandaia" and body["corretta"] is False
    assert body["parole_non_trovate"] == ["lavandaia"]
    assert body["proposte"] == {"lavandaia": "lavanderia"}
    # A typo of the same word is corrected, and nothing is proposed.
    typo = cerca(q="lavandaria")
    assert titoli(typo) == ["Lavanderia e stireria"]
    assert typo["q"] == "lavanderia" and typo["corretta"] is True
    assert typo["parole_non_trovate"] == [] and typo["proposte"] == {}


def test_what_is_proposed_is_never_the_word_a_stem_was_kept_apart_from_nor_a_stop_word(
    cerca, django_capture_on_commit_callbacks
):
    # "autistici" keeps its own lexeme so as not to find "autisti" (text.UNSTEMMED_WORDS):
    # proposing "autista" would undo it, for it or for "autismo", its synonym. "allo", of
    # a title, was proposed for "alloggio".
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Trasporto con autista", "Accompagnamento a visite."),
            ("Allo sportello", "Pratiche per i residenti."),
        )
    for typed in ("autistici", "autismo", "alloggio"):
        body = cerca(q=typed)
        assert body["count"] == 0 and body["parole_non_trovate"] == [typed]
        assert body["proposte"] == {}, typed


def test_an_italian_word_is_taken_for_the_same_letters_written_apart(cerca):
    # "babysitter" is one word of English in Italian; the titles write "baby sitter".
    body = cerca(q="babysitter")
    assert titoli(body) == ["Baby sitter a domicilio"]
    assert body["parole_non_trovate"] == [] and body["proposte"] == {}


def test_common_words_are_never_corrected_into_other_words(cerca):
    # "sulla" matches nothing, as no stop word does, and is near "sullo" of a title: it was
    # corrected into that other stop word, and the answer said the text had a typo.
    body = cerca(q="asilo sulla")
    assert body["q"] == "asilo sulla" and body["corretta"] is False
    assert titoli(body) == ["Asilo nido Il Girasole"]
    assert body["parole_ignorate"] == ["sulla"]


def test_the_last_word_matches_as_a_prefix(cerca):
    assert titoli(cerca(q="lavand")) == ["Lavanderia e stireria"]


def test_the_prefix_is_of_the_word_as_typed_not_of_its_stem(cerca):
    # "sera" is stemmed ser, the beginning of serviz: its prefix found every service of
    # the provider "Servizi Casa S.r.l.". Only one of them is about the evening.
    assert titoli(cerca(q="sera")) == ["Baby sitter a domicilio"]
    # Typed in part, the word is the beginning of both.
    assert sorted(titoli(cerca(q="ser"))) == [
        "Assistente familiare convivente",
        "Baby sitter a domicilio",
        "Lavanderia e stireria",
    ]
    # What begins with the word typed in part is found: "assist" begins assistente.
    assert sorted(titoli(cerca(q="assist"))) == [
        "Assistente familiare convivente",
        "Caffè Alzheimer",
    ]


def test_a_word_typed_whole_is_not_also_the_beginning_of_longer_words(
    cerca, django_capture_on_commit_callbacks
):
    # As the beginning of longer words, "sport" listed every "Sportello" first at a
    # million services, and "orto" would list every "ortopedico": a match of the
    # beginning ranked as high as one of the word itself.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Associazione Il Melo",
            ("Corsi di sport", "Nuoto e ginnastica per ragazzi."),
            ("Sportello lavoro", "Curriculum e colloqui."),
            ("Orto condiviso", "Coltiviamo insieme le verdure."),
            ("Ambulatorio ortopedico", "Visite e controlli."),
        )
    # "sport" is its own stem, and a title says it as it is; "orto" is stemmed ort.
    assert titoli(cerca(q="sport")) == ["Corsi di sport"]
    assert titoli(cerca(q="orto")) == ["Orto condiviso"]
    # "chi le assiste" (Caffè Alzheimer): not also the beginning of "assistente".
    assert titoli(cerca(q="assiste")) == ["Caffè Alzheimer"]
    # Typed in part, the word is the beginning of both.
    assert sorted(titoli(cerca(q="spor"))) == ["Corsi di sport", "Sportello lavoro"]
    assert sorted(titoli(cerca(q="ort"))) == ["Ambulatorio ortopedico", "Orto condiviso"]


def test_domain_synonyms(cerca):
    assert titoli(cerca(q="badante")) == ["Assistente familiare convivente"]
    # "stireria" does not begin with "stiro": a synonym finds it.
    assert titoli(cerca(q="stiro")) == ["Lavanderia e stireria"]
    # No text says "tata": its synonym finds the baby sitters, and the answer does not
    # say that the word was found nowhere, nor correct it into another.
    body = cerca(q="tata")
    assert titoli(body) == ["Baby sitter a domicilio"]
    assert body["parole_non_trovate"] == [] and body["corretta"] is False


def test_a_sigla_and_what_it_stands_for_find_each_other(cerca, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ente = make_ente(nome="Cooperativa La Tela", tipo="terzo_settore")
        sede = make_sede(ente=ente, punto=MELEGNANO)
        make_servizio(
            ente=ente, titolo="CDD La Tela", descrizione="Laboratori e uscite.", sedi=[sede]
        )
        make_servizio(
            ente=ente,
            titolo="Sportello donne",
            descrizione="Un centro antiviolenza aperto a tutte, anche di notte.",
            sedi=[sede],
        )
        make_servizio(
            ente=ente,
            titolo="Doposcuola DSA",
            descrizione="Metodo di studio con strumenti compensativi.",
            sedi=[sede],
        )
    assert titoli(cerca(q="centro diurno disabili")) == ["CDD La Tela"]
    assert titoli(cerca(q="cav")) == ["Sportello donne"]
    # A disturbo specifico dell'apprendimento by name finds the DSA.
    assert titoli(cerca(q="dislessia")) == ["Doposcuola DSA"]


def test_a_plural_finds_its_singular_where_the_stemmer_tells_them_apart(cerca):
    # "familiari" stems as familiar, "familiare" as famil: the other number is looked for.
    assert titoli(cerca(q="assistenti familiari")) == ["Assistente familiare convivente"]
    assert titoli(cerca(q="familiari conviventi")) == ["Assistente familiare convivente"]


def test_a_sigla_finds_the_texts_that_say_it_not_a_word_that_stems_alike(
    cerca, django_capture_on_commit_callbacks
):
    # "ISEE" and "Iseo" both stem to 'ise': "isee" found every service in Iseo first.
    with django_capture_on_commit_callbacks(execute=True):
        caf = make_ente(nome="CAF ISEE Facile", tipo="impresa")
        sebino = make_ente(nome="Cooperativa del Sebino", tipo="terzo_settore")
        make_servizio(
            ente=caf,
            titolo="Sportello pratiche",
            descrizione="Aiuto per l'ISEE e il 730.",
            sedi=[make_sede(ente=caf, punto=MELEGNANO)],
        )
        make_servizio(
            ente=caf,
            titolo="Consulenza successioni",
            descrizione="Dichiarazioni di successione e volture.",
            sedi=[make_sede(ente=caf, punto=SAN_DONATO)],
        )
        make_servizio(
            ente=sebino,
            titolo="Taxi sociale – Iseo",
            descrizione="Accompagnamento a visite e terapie.",
            sedi=[make_sede(ente=sebino, punto=ISEO)],
        )
    by_title = {hit["titolo"]: hit for hit in cerca(q="isee")["results"]}
    assert set(by_title) == {"Sportello pratiche", "Consulenza successioni"}
    assert "<mark>ISEE</mark>" in by_title["Sportello pratiche"]["snippet"]
    assert by_title["Consulenza successioni"]["ente_evidenziato"] == "CAF <mark>ISEE</mark> Facile"
    # The 730 is what one asks a CAF for: both services of the CAF.
    both = {"Sportello pratiche", "Consulenza successioni"}
    assert set(titoli(cerca(q="ISEE 730"))) == both
    assert set(titoli(cerca(q="dichiarazione dei redditi"))) == both
    # "caf" is the sigla, no longer the beginning of "Caffè Alzheimer".
    assert set(titoli(cerca(q="caf"))) == {"Sportello pratiche", "Consulenza successioni"}
    # The Comune's name is still a word of its texts.
    assert titoli(cerca(q="taxi iseo", luogo_dal_testo="false")) == ["Taxi sociale – Iseo"]
    # A sigla that no text says (nor what it stands for) finds nothing, and the answer
    # names it, short as it is (too short to correct: "cav" is no typo of "casa").
    nowhere = cerca(q="cav")
    assert nowhere["count"] == 0 and nowhere["parole_non_trovate"] == ["cav"]


def test_a_common_word_does_not_find_a_comune_whose_name_stems_alike(
    cerca, django_capture_on_commit_callbacks
):
    # "Cenate" and "cena" both stem to 'cen', "Salò" and "salita" to 'sal': "cena" listed
    # every service whose title or provider names Cenate Sotto, "salita" those of Salò.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa del Garda e dei Colli",
            ("Trasporto sociale – Cenate Sotto", "Accompagnamento a visite e terapie."),
            ("Cena solidale del venerdì", "Una cena calda in cima alla salita."),
            ("Taxi sociale – Salò", "Accompagnamento in auto."),
        )
    assert titoli(cerca(q="cena")) == ["Cena solidale del venerdì"]
    assert titoli(cerca(q="salita")) == ["Cena solidale del venerdì"]
    # The Comune's name is still a word of its texts, highlighted as it is written.
    cenate = cerca(q="trasporto cenate", luogo_dal_testo="false")
    assert titoli(cenate) == ["Trasporto sociale – Cenate Sotto"]
    assert "<mark>Cenate</mark> Sotto" in cenate["results"][0]["snippet"]
    salo = cerca(q="taxi salo", luogo_dal_testo="false")
    assert titoli(salo) == ["Taxi sociale – Salò"]
    assert "<mark>Salò</mark>" in salo["results"][0]["snippet"]


def test_a_word_of_the_domain_does_not_find_another_word_that_stems_alike(
    cerca, django_capture_on_commit_callbacks
):
    # "comunità" and "Comune" both stem to 'comun', "autistici" and "autisti" to
    # 'autist', "salute" and "salita" to 'sal', "visite" and "visiva" to 'vis'.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Comunità alloggio per persone con disabilità", "Dieci posti letto."),
            ("Sportello del Comune", "Pratiche per i residenti."),
            ("Centro per bambini autistici", "Terapie e laboratori."),
            ("Sportello autismo", "Ascolto per le famiglie."),
            ("Trasporto sociale", "Gli autisti accompagnano a visite e terapie."),
            ("Casa della salute", "Ambulatori e prelievi."),
            ("Camminate in salita", "Gruppi di cammino in collina."),
            ("Lettura per la disabilità visiva", "Libri in braille."),
        )
    comunita = cerca(q="comunità")
    assert titoli(comunita) == ["Comunità alloggio per persone con disabilità"]
    assert "<mark>Comunità</mark>" in comunita["results"][0]["snippet"]
    assert "Comunità alloggio per persone con disabilità" not in titoli(cerca(q="comune"))
    assert "Sportello del Comune" in titoli(cerca(q="comune"))
    # The forms of "autistico" and "autismo" find each other, never the drivers.
    autism = {"Centro per bambini autistici", "Sportello autismo"}
    for typed in ("autistici", "autistico", "autismo"):
        assert set(titoli(cerca(q=typed))) == autism, typed
    assert titoli(cerca(q="autisti")) == ["Trasporto sociale"]
    assert "Camminate in salita" not in titoli(cerca(q="salute"))
    assert "Casa della salute" in titoli(cerca(q="salute"))
    assert titoli(cerca(q="visita")) == ["Trasporto sociale"]
    assert titoli(cerca(q="visiva")) == ["Lettura per la disabilità visiva"]


def test_the_singular_anziano_finds_what_anziani_finds_not_the_word_anzi(
    cerca, django_capture_on_commit_callbacks
):
    # The stemmer cuts "anziano" to 'anzi' (as the word "anzi"), "anziani" to 'anzian':
    # "anziano" found 2 of the demo's 66 services for the elderly.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Telefonate di compagnia", "Per l'anziano che vive solo."),
            ("Pranzo insieme", "Per persone anziane e i loro vicini."),
            ("Ginnastica dolce", "Adatta agli anziani."),
            ("Doposcuola", "Aperto tutto l'anno, anzi anche d'agosto."),
            categorie=categorie("formazione"),  # not the elderly's, whose name says anziani
        )
    elderly = {"Telefonate di compagnia", "Pranzo insieme", "Ginnastica dolce"}
    for typed in ("anziano", "anziani", "anziana", "per l'anziano"):
        assert elderly <= set(titoli(cerca(q=typed))), typed
        assert "Doposcuola" not in titoli(cerca(q=typed)), typed
    by_title = {hit["titolo"]: hit for hit in cerca(q="anziano")["results"]}
    assert "<mark>anziano</mark>" in by_title["Telefonate di compagnia"]["snippet"]


def test_the_forms_of_an_adjective_the_stemmer_tells_apart_find_each_other(
    cerca, django_capture_on_commit_callbacks
):
    # "sportive" is 'sportiv' where "sportivo", "sportiva" and "sportivi" are 'sport';
    # "visive" 'visiv' where the other forms of "visivo" are 'vis'.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Centro sportivo comunale", "Calcio e nuoto."),
            ("Centro estivo", "Giochi e attività sportive."),
            ("Lettura per la disabilità visiva", "Libri in braille."),
            ("Ausili per disabilità visive", "Prestito di lenti e lettori."),
        )
    for typed in ("sportive", "sportivo", "sportivi"):
        found = sorted(titoli(cerca(q=typed)))
        assert found == ["Centro estivo", "Centro sportivo comunale"], typed
    visual = ["Ausili per disabilità visive", "Lettura per la disabilità visiva"]
    for typed in ("visive", "visiva", "disabilità visivi"):
        assert sorted(titoli(cerca(q=typed))) == visual, typed


def test_casa_does_not_find_in_caso_di_nor_festivi_the_feste(
    cerca, django_capture_on_commit_callbacks
):
    # "casa", "case", "caso" and "casi" all stem to 'cas'; "festivo", "festivi", "festa"
    # and "feste" to 'fest', where "festive" is 'festiv'.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Assistenza a casa", "Igiene e pasti al domicilio."),
            ("Case di riposo in rete", "Posti di sollievo."),
            ("Baby sitter", "Sostituzioni rapide in caso di malattia del bambino."),
            ("Animazione per feste di compleanno", "Giochi e merenda."),
            ("Farmacia di turno", "Aperta anche nei giorni festivi."),
            ("Pronto intervento idraulico", "Anche nei giorni e nelle notti festive."),
        )
    for typed in ("casa", "case"):
        found = titoli(cerca(q=typed))
        assert {"Assistenza a casa", "Case di riposo in rete"} <= set(found), typed
        assert "Baby sitter" not in found, typed
    assert titoli(cerca(q="in caso di malattia")) == ["Baby sitter"]
    holidays = {"Farmacia di turno", "Pronto intervento idraulico"}
    for typed in ("festivi", "festive", "festivo", "nei giorni festivi"):
        found = titoli(cerca(q=typed))
        assert holidays <= set(found), typed
        assert "Animazione per feste di compleanno" not in found, typed
    assert "Farmacia di turno" not in titoli(cerca(q="feste"))
    by_title = {hit["titolo"]: hit for hit in cerca(q="festive")["results"]}
    assert "<mark>festivi</mark>" in by_title["Farmacia di turno"]["snippet"]


def test_the_snippet_shows_the_words_its_text_holds_when_others_are_in_a_category(
    cerca, django_capture_on_commit_callbacks
):
    # "mediazione" is in the category's name only, "culturale" at the end of the text: the
    # snippet showed the text's first words, none marked, as if nothing had matched.
    opening = "Servizio per la salute della donna, la gravidanza e la famiglia. " * 3
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "ASST Melegnano e Martesana",
            ("Consultorio familiare", opening + "Su appuntamento, una mediatrice culturale."),
            categorie=categorie("consulenza.familiare"),
        )
    (hit,) = cerca(q="mediazione culturale")["results"]
    assert "mediatrice <mark>culturale</mark>" in hit["snippet"]
    assert hit["categorie_trovate"] == ["Consultorio e <mark>mediazione</mark> familiare"]
    # With every word in the text, the fragment is still the one that holds them all.
    body = cerca(q="gravidanza mediatrice")
    assert "<mark>mediatrice</mark>" in body["results"][0]["snippet"]


def test_forms_of_one_word_with_two_stems_find_each_other(
    cerca, django_capture_on_commit_callbacks
):
    # "pediatrici" is 'pediatric' where "pediatrico" is 'pediatr', "camere" 'cam' where
    # "camera" is 'camer', "quotidiano" 'quotid' where "quotidiana" is 'quotidian'.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Ambulatorio pediatrico", "Visite per i bambini."),
            ("Corso di primo soccorso", "Per i genitori: i traumi pediatrici più comuni."),
            ("Residenza per anziani", "Camere singole e doppie."),
            ("Appartamento protetto", "Una camera con bagno."),
            ("Centro diurno", "Animazione quotidiana."),
            ("Telefonata di compagnia", "Un appuntamento quotidiano."),
        )
    pediatric = ["Ambulatorio pediatrico", "Corso di primo soccorso"]
    rooms = ["Appartamento protetto", "Residenza per anziani"]
    daily = ["Centro diurno", "Telefonata di compagnia"]
    for words, found in (
        (("pediatrici", "pediatrico", "pediatriche"), pediatric),
        (("camere", "camera"), rooms),
        (("quotidiano", "quotidiana", "quotidiani"), daily),
    ):
        for typed in words:
            assert sorted(titoli(cerca(q=typed))) == found, typed


def test_the_singular_italiano_finds_its_other_forms_not_italia(
    cerca, django_capture_on_commit_callbacks
):
    # As "anziano": 'ital' (as "Italia") where "italiana" is 'italian'.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Scuola di lingua italiana", "Per adulti stranieri."),
            ("Italiano per stranieri", "Corsi serali."),
            ("Sportello migranti", "Informazioni per chi arriva in Italia."),
        )
    for typed in ("italiano", "italiana", "italiani"):
        found = sorted(titoli(cerca(q=typed)))
        assert found == ["Italiano per stranieri", "Scuola di lingua italiana"], typed
    assert titoli(cerca(q="corsi di italiano")) == ["Italiano per stranieri"]


def test_a_common_word_does_not_find_a_saints_name_of_a_comune(
    cerca, django_capture_on_commit_callbacks
):
    # "San" and "sanità" both stem to 'san', "Vito" and "vita" to 'vit', "Donato" and
    # "donare" to 'don': "sanità" listed every service of San Donato Milanese first.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Lombarda",
            ("Trasporto sociale – San Donato Milanese", "Accompagnamento a visite."),
            ("Taxi sociale – Bagnolo San Vito", "Accompagnamento in auto."),
            ("Sportello sanità e vita indipendente", "Per chi vuole donare il proprio tempo."),
        )
    for word in ["sanità", "vita", "donare"]:
        assert titoli(cerca(q=word)) == ["Sportello sanità e vita indipendente"], word
    # The names are still words of their texts, highlighted as they are written.
    donato = cerca(q="trasporto san donato", luogo_dal_testo="false")
    assert titoli(donato) == ["Trasporto sociale – San Donato Milanese"]
    assert "<mark>San</mark> <mark>Donato</mark> Milanese" in donato["results"][0]["snippet"]
    vito = cerca(q="taxi san vito", luogo_dal_testo="false")
    assert titoli(vito) == ["Taxi sociale – Bagnolo San Vito"]


def test_a_common_word_does_not_find_a_word_of_a_comunes_name_written_whole(
    cerca, django_capture_on_commit_callbacks
):
    # "Serio" and "sera" both stem to 'ser', "Sale" and "salita" to 'sal', "Uniti" and
    # "unità" to 'unit': common words themselves, they are marked only within the name.
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Lombarda",
            ("Trasporto sociale – Cologno al Serio", "Accompagnamento a visite."),
            ("Taxi sociale – Sale Marasino", "Accompagnamento in auto."),
            ("Centro aperto la sera", "Unità di strada in salita, un impegno serio."),
        )
    for word in ["sera", "salita", "unità"]:
        found = titoli(cerca(q=word))
        assert "Centro aperto la sera" in found, word
        assert not any("Serio" in t or "Sale" in t for t in found), (word, found)
    # A word of the name, typed apart, is still the word and the name's word.
    serio = titoli(cerca(q="serio", luogo_dal_testo="false"))
    assert "Trasporto sociale – Cologno al Serio" in serio and "Centro aperto la sera" in serio
    # The names find their texts, highlighted as they are written.
    cologno = cerca(q="trasporto cologno al serio", luogo_dal_testo="false")
    assert titoli(cologno) == ["Trasporto sociale – Cologno al Serio"]
    assert "<mark>Cologno</mark> al <mark>Serio</mark>" in cologno["results"][0]["snippet"]
    sale = cerca(q="sale marasino", luogo_dal_testo="false")
    assert titoli(sale) == ["Taxi sociale – Sale Marasino"]


def test_a_services_cost_is_searched_as_the_rest_of_its_text(
    cerca, django_capture_on_commit_callbacks
):
    # The cost's description was shown in the snippet but not searched: "isee" did not
    # find the nurseries whose fee is "in base all'ISEE".
    with django_capture_on_commit_callbacks(execute=True):
        services_at_melegnano(
            "Cooperativa Il Ponte",
            ("Nido Il Pulcino", "Per bambini da 3 a 36 mesi."),
            costo="tariffa_agevolata",
            costo_descrizione="Retta in base all'ISEE; cumulabile con il Bonus nido INPS.",
        )
        services_at_melegnano(
            "Associazione Mani Amiche",
            ("Trasporto per le terapie", "Un servizio gratuito per i residenti."),
            costo="gratuito",
        )
    nido = cerca(q="isee")
    assert titoli(nido) == ["Nido Il Pulcino"]
    assert "<mark>ISEE</mark>" in nido["results"][0]["snippet"]
    assert titoli(cerca(q="bonus nido")) == ["Nido Il Pulcino"]
    # What people type for free services finds what the texts write.
    for typed in ("gratis", "gratuito", "gratuita"):
        assert titoli(cerca(q=typed)) == ["Trasporto per le terapie"], typed


def test_drafts_are_not_found(cerca):
    assert "Lavanderia in bozza" not in titoli(cerca(q="lavanderia"))


def test_a_category_includes_its_subcategories(cerca):
    assert sorted(titoli(cerca(categoria="infanzia"))) == [
        "Asilo nido Il Girasole",
        "Baby sitter a domicilio",
    ]


def test_a_comune_includes_services_delivered_at_home_there(cerca):
    assert sorted(titoli(cerca(comune="015140"))) == [
        "Asilo nido Il Girasole",
        "Baby sitter a domicilio",
    ]


MELEGNANO_LETTO = {
    "parole": "Melegnano",
    "comuni": [{"codice_istat": "015140", "nome": "Melegnano", "sigla_provincia": "MI"}],
    "provincia": None,
}


def test_a_comune_named_at_the_end_of_the_text_is_where_to_search(cerca):
    # The baby sitters come to Melegnano's homes: no text of theirs names it.
    body = cerca(q="baby sitter a Melegnano")
    assert titoli(body) == ["Baby sitter a domicilio"]
    assert body["luogo_dal_testo"] == MELEGNANO_LETTO
    assert body["q"] == "baby sitter" and body["corretta"] is False
    assert body["parole_ignorate"] == [] and body["parole_non_trovate"] == []
    assert titoli(cerca(q="asilo san donato milanese")) == ["Asilo nido Il Girasole"]
    assert titoli(cerca(q="lavanderia san donato milanese")) == []
    # The name alone: everything in that Comune, as `comune` gives.
    alone = cerca(q="Melegnano")
    assert sorted(titoli(alone)) == sorted(titoli(cerca(comune="015140")))
    assert alone["luogo_dal_testo"] == MELEGNANO_LETTO and alone["q"] == ""


def test_a_comune_named_without_its_qualifier_is_where_to_search_too(cerca):
    # "San Donato" is what people call San Donato Milanese.
    body = cerca(q="asilo san donato")
    assert titoli(body) == ["Asilo nido Il Girasole"]
    assert body["q"] == "asilo"
    assert body["luogo_dal_testo"] == {
        "parole": "san donato",
        "comuni": [
            {"codice_istat": "015192", "nome": "San Donato Milanese", "sigla_provincia": "MI"}
        ],
        "provincia": None,
    }


def test_a_comune_named_first_is_where_to_search_too(cerca):
    body = cerca(q="a Melegnano baby sitter")
    assert titoli(body) == ["Baby sitter a domicilio"]
    assert body["q"] == "baby sitter" and body["luogo_dal_testo"] == MELEGNANO_LETTO


def test_a_misspelled_comune_is_where_to_search_too(cerca):
    body = cerca(q="baby sitter a melegano")
    assert titoli(body) == ["Baby sitter a domicilio"]
    assert body["q"] == "baby sitter" and body["luogo_dal_testo"]["parole"] == "melegano"
    assert body["luogo_dal_testo"]["comuni"] == MELEGNANO_LETTO["comuni"]


def test_a_comune_in_the_text_can_be_searched_as_a_word(cerca):
    body = cerca(q="baby sitter a Melegnano", luogo_dal_testo="false")
    assert body["luogo_dal_testo"] is None
    assert titoli(body) == []  # no text says "Melegnano"
    assert body["q"] == "baby sitter a Melegnano"


MESE_COME_PAROLA = {
    "parole": "mese",
    "comuni": [{"codice_istat": "014043", "nome": "Mese", "sigla_provincia": "SO"}],
    "provincia": None,
}


def test_a_comune_named_like_a_word_is_a_word_when_only_the_words_find_something(
    cerca_tutto,
):
    # Mese (SO) holds nothing of the catalogue; the nursery's text says "da 3 mesi".
    body = cerca_tutto(q="nido mese")
    assert titoli(body) == ["Asilo nido Il Girasole"]
    assert body["luogo_dal_testo"] is None and body["luogo_come_parole"] == MESE_COME_PAROLA
    assert body["q"] == "nido mese" and body["corretta"] is False
    # The words find nothing either (the agreement "dal mese prossimo" is not in force
    # yet): the place stays, and the answer is empty there.
    nowhere = cerca_tutto(q="lavanderia mese")
    assert nowhere["count"] == 0 and nowhere["luogo_come_parole"] is None
    assert nowhere["luogo_dal_testo"]["parole"] == "mese" and nowhere["q"] == "lavanderia"
    # What the place holds is searched there, even where the words would find more.
    assert cerca_tutto(q="baby sitter a Melegnano")["luogo_come_parole"] is None
    # The map reads the text as the list does: the nursery's two places.
    view = {"bbox": "9.0,45.2,9.6,45.6", "zoom": 15}
    points = cerca_tutto("/api/v1/cerca/mappa/", q="nido mese", **view)["points"]
    assert [p["titolo"] for p in points] == ["Asilo nido Il Girasole"] * 2


def test_a_comune_or_ambito_chosen_leaves_the_text_as_words(cerca):
    body = cerca(q="baby sitter melegnano", comune="015140")
    assert body["luogo_dal_testo"] is None and body["q"] == "baby sitter melegnano"
    assert titoli(body) == []
    assert cerca(q="melegnano", ambito="paullese")["luogo_dal_testo"] is None


def test_the_map_reads_the_comune_in_the_text_as_the_list_does(cerca):
    view = {"bbox": "9.0,45.2,9.6,45.6", "zoom": 15}
    points = cerca("/api/v1/cerca/mappa/", q="asilo san donato milanese", **view)["points"]
    assert [(p["titolo"], round(p["lat"], 4)) for p in points] == [
        ("Asilo nido Il Girasole", 45.4103)
    ]


def test_a_province_is_the_set_of_its_comuni(cerca):
    # Every service of the catalogue is in the province of Milan (Lodi's none).
    everything = sorted(titoli(cerca()))
    assert sorted(titoli(cerca(provincia="MI"))) == everything
    assert sorted(titoli(cerca(provincia="milano"))) == everything
    assert cerca(provincia="LO")["count"] == 0
    # Within a Comune or an Ambito too: the Comuni in all of them.
    assert sorted(titoli(cerca(provincia="MI", comune="015140"))) == sorted(
        titoli(cerca(comune="015140"))
    )
    assert cerca(provincia="LO", ambito="paullese")["count"] == 0


def test_a_province_named_in_the_text_is_where_to_search(cerca):
    body = cerca(q="baby sitter in provincia di Milano")
    assert titoli(body) == ["Baby sitter a domicilio"]
    assert body["q"] == "baby sitter"
    assert body["luogo_dal_testo"] == {
        "parole": "provincia di Milano",
        "comuni": [],  # its 133 Comuni are not listed
        "provincia": {"sigla": "MI", "nome": "Milano"},
    }
    first = cerca(q="prov. MI baby sitter")
    assert titoli(first) == ["Baby sitter a domicilio"]
    assert first["luogo_dal_testo"]["provincia"] == {"sigla": "MI", "nome": "Milano"}
    # Nothing in the province of Lodi, nor any text that says so: the place stays.
    lodi = cerca(q="baby sitter provincia di Lodi")
    assert lodi["count"] == 0 and lodi["luogo_dal_testo"]["provincia"]["sigla"] == "LO"
    # A province chosen leaves the text as words.
    chosen = cerca(q="baby sitter provincia di Lodi", provincia="MI")
    assert chosen["luogo_dal_testo"] is None and chosen["q"] == "baby sitter provincia di Lodi"


def test_an_ambito_is_the_set_of_its_comuni(cerca):
    assert sorted(titoli(cerca(ambito="paullese"))) == ["Assistente familiare convivente"]
    assert "Lavanderia e stireria" not in titoli(cerca(ambito="san-donato-milanese"))


def test_a_radius_is_in_kilometres_on_the_ground(cerca):
    # From Melegnano: San Donato's place is 7.30 km away, Paullo's 9.07, Milan's 15.74.
    around = {"lat": MELEGNANO.y, "lon": MELEGNANO.x}
    assert titoli(cerca(**around, raggio_km=1)) == ["Asilo nido Il Girasole"]
    assert sorted(titoli(cerca(**around, raggio_km=7.4))) == [
        "Asilo nido Il Girasole",
        "Caffè Alzheimer",
    ]
    assert "Assistente familiare convivente" not in titoli(cerca(**around, raggio_km=9))
    assert "Assistente familiare convivente" in titoli(cerca(**around, raggio_km=9.2))
    caffe = next(
        h for h in cerca(**around, raggio_km=8)["results"] if h["titolo"] == "Caffè Alzheimer"
    )
    assert caffe["distanza_km"] == pytest.approx(7.30, abs=0.01)


def test_nearest_first_and_each_service_once_at_its_nearest_place(cerca):
    body = cerca(lat=MELEGNANO.y, lon=MELEGNANO.x, ordinamento="distanza")
    assert titoli(body)[0] == "Asilo nido Il Girasole"
    distances = [hit["distanza_km"] for hit in body["results"] if hit["distanza_km"] is not None]
    assert distances == sorted(distances)
    nido = body["results"][0]
    assert nido["distanza_km"] == 0.0 and nido["comune"]["nome"] == "Melegnano"
    assert titoli(body).count("Asilo nido Il Girasole") == 1
    assert body["count"] == 5


def test_text_and_distance_together_prefer_the_nearer(cerca):
    body = cerca(q="servizi casa", lat=DUOMO.y, lon=DUOMO.x)
    assert titoli(body)[0] == "Lavanderia e stireria"  # same provider text, nearest place


def test_bbox_and_polygon(cerca):
    assert titoli(cerca(bbox="9.15,45.44,9.22,45.48")) == ["Lavanderia e stireria"]
    square = {
        "type": "Polygon",
        "coordinates": [[[9.3, 45.34], [9.35, 45.34], [9.35, 45.37], [9.3, 45.37], [9.3, 45.34]]],
    }
    assert titoli(cerca(poligono=json.dumps(square))) == ["Asilo nido Il Girasole"]


def test_open_at_a_time_across_midnight_and_closures(cerca):
    # 2026-12-24 is a Thursday: the café runs 22:00-02:00, the nursery 08:00-16:00.
    assert titoli(cerca(aperto_il="2026-12-24T10:00:00+01:00")) == ["Asilo nido Il Girasole"]
    assert titoli(cerca(aperto_il="2026-12-24T23:30:00+01:00")) == ["Caffè Alzheimer"]
    assert titoli(cerca(aperto_il="2026-12-25T01:30:00+01:00")) == ["Caffè Alzheimer"]
    # Thursday 31 is a closure day for the café: its night slot does not start,
    # so it is closed that night and in the small hours of New Year's Day.
    assert titoli(cerca(aperto_il="2026-12-31T10:00:00+01:00")) == ["Asilo nido Il Girasole"]
    assert titoli(cerca(aperto_il="2026-12-31T23:30:00+01:00")) == []
    assert titoli(cerca(aperto_il="2027-01-01T01:00:00+01:00")) == []


def test_free_language_accessible_kind_and_target_group(cerca):
    assert titoli(cerca(gratuito="true")) == ["Caffè Alzheimer"]
    assert titoli(cerca(lingua="ro")) == ["Assistente familiare convivente"]
    assert titoli(cerca(accessibile="true")) == ["Asilo nido Il Girasole"]
    assert sorted(titoli(cerca(tipo_ente="terzo_settore"))) == [
        "Asilo nido Il Girasole",
        "Caffè Alzheimer",
    ]
    assert titoli(cerca(destinatari="minori")) == ["Asilo nido Il Girasole"]


def test_results_say_what_a_user_needs(cerca):
    hit = cerca(q="asilo", lat=MELEGNANO.y, lon=MELEGNANO.x)["results"][0]
    assert hit["tipo"] == "servizio"
    assert hit["ente"] == {
        "id": cerca.servizi["nido"].ente_id,
        "nome": "Cooperativa Il Girasole",
        "tipo": "terzo_settore",
    }
    assert hit["comune"] == {"codice_istat": "015140", "nome": "Melegnano"}
    assert "<mark>Asilo</mark>" in hit["snippet"]
    assert hit["aperto_ora"] in {True, False}
    assert hit["convenzioni_attive"] == []


def test_results_say_why_they_matched_where_the_snippet_cannot(cerca):
    # "Girasole" is in the nursery's title and in the name of both services' Ente.
    by_title = {hit["titolo"]: hit for hit in cerca(q="girasole")["results"]}
    assert set(by_title) == {"Asilo nido Il Girasole", "Caffè Alzheimer"}
    caffe = by_title["Caffè Alzheimer"]
    assert caffe["ente_evidenziato"] == "Cooperativa Il <mark>Girasole</mark>"
    assert "<mark>" not in caffe["snippet"]
    assert caffe["categorie_trovate"] == []
    assert "<mark>Girasole</mark>" in by_title["Asilo nido Il Girasole"]["snippet"]

    # One word in the description, the other only in a category's name (an ancestor's).
    (caffe,) = cerca(q="demenza anziani")["results"]
    assert caffe["titolo"] == "Caffè Alzheimer"
    assert "<mark>demenza</mark>" in caffe["snippet"]
    assert caffe["categorie_trovate"] == ["<mark>Anziani</mark> e non autosufficienza"]
    assert caffe["ente_evidenziato"] is None

    # Without a text nothing was found in them: the filters say why.
    for hit in cerca(categoria="anziani")["results"]:
        assert hit["ente_evidenziato"] is None and hit["categorie_trovate"] == []


def test_facets_count_services_on_the_filtered_set(cerca):
    facets = cerca(categoria="infanzia")["facets"]
    by_value = {
        name: {b["valore"]: b["conteggio"] for b in buckets} for name, buckets in facets.items()
    }
    assert by_value["categoria"]["infanzia"] == 2
    assert by_value["categoria"]["infanzia.nido"] == 1
    assert by_value["tipo_ente"] == {"terzo_settore": 1, "impresa": 1}
    assert by_value["comune"] == {"015140": 1, "015192": 1}
    assert by_value["ambito"] == {"san-donato-milanese": 1}  # the nursery, counted once


def test_the_map_gives_clusters_when_far_and_points_when_near(cerca):
    far = cerca("/api/v1/cerca/mappa/", bbox="9.0,45.2,9.6,45.6", zoom=9)
    assert sum(c["count"] for c in far["clusters"]) == 5  # five places of published services
    assert far["points"] == []
    near = cerca("/api/v1/cerca/mappa/", bbox="9.30,45.34,9.35,45.37", zoom=15)
    assert [p["titolo"] for p in near["points"]] == ["Asilo nido Il Girasole"]


def test_a_map_that_shows_some_of_the_places_of_its_view_says_so(cerca, monkeypatch):
    view = {"bbox": "9.0,45.2,9.6,45.6", "zoom": 15}
    every = cerca("/api/v1/cerca/mappa/", **view)
    assert len(every["points"]) == 5 and every["punti_troncati"] is False
    # At most two points: the first two by row, and the answer says there are more.
    monkeypatch.setattr("marketplace.search.backends.postgres.MAX_POINTS", 2)
    monkeypatch.setattr("marketplace.search.backends.elasticsearch.MAX_POINTS", 2)
    some = cerca("/api/v1/cerca/mappa/", **view)
    assert some["points"] == every["points"][:2] and some["punti_troncati"] is True
    # Clusters are never cut.
    assert cerca("/api/v1/cerca/mappa/", **{**view, "zoom": 9})["punti_troncati"] is False


def test_suggestions_for_type_ahead(cerca):
    body = cerca("/api/v1/cerca/suggerimenti/", q="asil")
    texts = [s["testo"] for s in body["suggerimenti"]]
    assert "Asilo nido e micronido" in texts  # the category
    assert "Asilo nido Il Girasole" in texts  # the service


@pytest.mark.parametrize(
    ("typed", "category"),
    [("casa di r", "RSA e residenze"), ("tat", "Baby sitting"), ("colonia est", "Centri estivi")],
)
def test_a_category_is_suggested_by_a_synonym_of_what_is_being_typed(cerca, typed, category):
    # "casa di riposo" ~ "rsa", "tata" ~ "baby sitting", "colonia estiva" ~ "centri estivi".
    body = cerca("/api/v1/cerca/suggerimenti/", q=typed)
    categories = [s["testo"] for s in body["suggerimenti"] if s["tipo"] == "categoria"]
    assert categories[0] == category


def test_the_index_follows_edits_and_deletions(cerca, django_capture_on_commit_callbacks, backend):
    if backend == "elasticsearch":
        pytest.skip("Elasticsearch: live sync checked by the rebuild in this fixture only")
    with django_capture_on_commit_callbacks(execute=True):
        servizio_update(servizio=cerca.servizi["lavanderia"], titolo="Stireria espressa")
    assert titoli(cerca(q="stireria espressa")) == ["Stireria espressa"]
    with django_capture_on_commit_callbacks(execute=True):
        cerca.servizi["lavanderia"].delete()
    assert titoli(cerca(q="stireria")) == []


def test_counts_beyond_the_cap_say_at_least(cerca, monkeypatch):
    monkeypatch.setattr("marketplace.search.results.COUNT_CAP", 3)
    monkeypatch.setattr("marketplace.search.backends.postgres.COUNT_CAP", 3)
    body = cerca()
    assert body["count"] == 3 and body["count_esatto"] is False
    assert len(body["results"]) == 5  # the page itself is complete


# --- info points (PIT) --------------------------------------------------------------------


def test_info_points_are_found_by_their_name_kind_and_topics(cerca_tutto):
    assert titoli(cerca_tutto(q="sportello welfare")) == ["Sportello welfare di San Donato"]
    # The kind ("Sportello di welfare conciliativo") and the topics are text too.
    assert titoli(cerca_tutto(q="conciliativo")) == ["Sportello welfare di San Donato"]
    assert "Sportello welfare di San Donato" in titoli(cerca_tutto(q="badanti", tipo="pit"))


def test_info_points_are_found_by_what_people_call_them(cerca_tutto):
    # Neither their names nor their kinds say "PIT": "pit" found none, and was said to
    # be found nowhere.
    every_pit = ["Punto famiglia Il Girasole", "Sportello welfare di San Donato"]
    body = cerca_tutto(q="pit")
    assert sorted(titoli(body)) == every_pit and body["parole_non_trovate"] == []
    assert "(<mark>PIT</mark>)" in body["results"][0]["snippet"]
    assert sorted(titoli(cerca_tutto(q="punto di informazione"))) == every_pit
    assert titoli(cerca_tutto(q="pit san donato")) == ["Sportello welfare di San Donato"]


def test_inactive_info_points_are_not_found(cerca_tutto):
    assert sorted(titoli(cerca_tutto(tipo="pit"))) == [
        "Punto famiglia Il Girasole",
        "Sportello welfare di San Donato",
    ]
    assert titoli(cerca_tutto(q="sportello chiuso")) == []


def test_info_points_near_a_point(cerca_tutto):
    around = {"lat": MELEGNANO.y, "lon": MELEGNANO.x, "tipo": "pit"}
    body = cerca_tutto(**around, ordinamento="distanza")
    assert titoli(body) == ["Punto famiglia Il Girasole", "Sportello welfare di San Donato"]
    assert body["results"][0]["distanza_km"] == 0.0
    assert body["results"][1]["distanza_km"] == pytest.approx(7.2, abs=0.2)
    assert titoli(cerca_tutto(**around, raggio_km=1)) == ["Punto famiglia Il Girasole"]


def test_info_points_by_topic_language_schedule_and_provider(cerca_tutto):
    # A topic includes its subcategories, as a service's category does.
    assert "Punto famiglia Il Girasole" in titoli(cerca_tutto(categoria="infanzia", tipo="pit"))
    assert titoli(cerca_tutto(categoria="anziani", tipo="pit")) == [
        "Sportello welfare di San Donato"
    ]
    assert titoli(cerca_tutto(lingua="ar")) == ["Sportello welfare di San Donato"]
    # Monday 2026-12-21 at 10:00: the desk opens weekday mornings, the family point on Saturdays.
    monday = cerca_tutto(aperto_il="2026-12-21T10:00:00+01:00", tipo="pit")
    assert titoli(monday) == ["Sportello welfare di San Donato"]
    assert titoli(cerca_tutto(tipo_ente="pubblico")) == ["Sportello welfare di San Donato"]


def test_an_info_point_says_what_a_user_needs(cerca_tutto):
    punto = cerca_tutto.rete_sud_est["punti"]["sportello"]
    body = cerca_tutto(q="sportello welfare", lat=MELEGNANO.y, lon=MELEGNANO.x)
    (hit,) = body["results"]
    assert hit["tipo"] == "pit" and hit["id"] == punto.pk
    assert hit["ente"] == {
        "id": punto.ente_id,
        "nome": "Comune di San Donato Milanese",
        "tipo": "pubblico",
    }
    assert hit["comune"] == {"codice_istat": "015192", "nome": "San Donato Milanese"}
    assert hit["punto"] == [
        pytest.approx(MUNICIPIO_SAN_DONATO.x),
        pytest.approx(MUNICIPIO_SAN_DONATO.y),
    ]
    assert hit["sede_id"] == punto.sede_id
    assert hit["aperto_ora"] in {True, False}
    assert "<mark>" in hit["snippet"]
    assert hit["demo"] is False
    assert hit["convenzioni_attive"] == []  # the Comune offers no agreement


def test_facets_and_the_map_count_each_kind(cerca_tutto):
    facets = cerca_tutto(categoria="infanzia")["facets"]
    tipi = {b["valore"]: b["conteggio"] for b in facets["tipo"]}
    # Nursery and babysitter; the two PITs; the nursery discount and the last-day offer
    # (whose categories are the cooperative's).
    assert tipi == {"servizio": 2, "pit": 2, "convenzione": 2}
    assert {b["valore"]: b["etichetta"] for b in facets["tipo"]}["pit"] == (
        "Punto di Informazione Territoriale"
    )
    far = cerca_tutto("/api/v1/cerca/mappa/", bbox="9.0,45.2,9.6,45.6", zoom=9, tipo="pit")
    assert sum(c["count"] for c in far["clusters"]) == 2
    near = cerca_tutto("/api/v1/cerca/mappa/", bbox="9.26,45.40,9.28,45.42", zoom=15, tipo="pit")
    (point,) = near["points"]
    assert point["titolo"] == "Sportello welfare di San Donato"
    assert point["sede_id"] == cerca_tutto.rete_sud_est["punti"]["sportello"].sede_id
    assert point["demo"] is False


# --- agreements ---------------------------------------------------------------------------


def test_agreements_are_found_by_their_text(cerca_tutto):
    assert titoli(cerca_tutto(q="figli dei dipendenti", tipo="convenzione")) == [
        "Sconto sul nido per i dipendenti"
    ]
    # The title first; then the last-day offer, by its benefit ("Sconto di 12,50 €") and
    # the cooperative's nursery, whose categories it has as it names no service.
    assert titoli(cerca_tutto(q="sconto nido", tipo="convenzione")) == [
        "Sconto sul nido per i dipendenti",
        "Offerta di fine anno",
    ]
    assert "Ingresso gratuito al caffè" in titoli(cerca_tutto(q="girasole", tipo="convenzione"))


def test_agreements_are_never_found_outside_their_dates(cerca_tutto, monkeypatch):
    assert titoli(cerca_tutto(q="lavanderia", tipo="convenzione")) == []  # starts next month
    assert titoli(cerca_tutto(q="bozza")) == []  # a draft
    assert "Offerta di fine anno" in titoli(cerca_tutto(tipo="convenzione"))  # its last day
    # Tomorrow the last-day offer is over, though nothing was reindexed at midnight.
    tomorrow = timezone.localdate() + timedelta(days=1)
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *args: real(*args) if args else tomorrow)
    found = titoli(cerca_tutto(tipo="convenzione"))
    assert "Offerta di fine anno" not in found
    assert "Sconto sul nido per i dipendenti" in found
    mappa = cerca_tutto(
        "/api/v1/cerca/mappa/", bbox="9.0,45.2,9.6,45.6", zoom=9, tipo="convenzione"
    )
    # The nursery discount at two places, the café entry at one: not the ended offer.
    assert sum(c["count"] for c in mappa["clusters"]) == 3


def test_an_agreement_says_what_a_user_needs(cerca_tutto):
    sconto = cerca_tutto.rete_sud_est["convenzioni"]["sconto"]
    body = cerca_tutto(q="figli dei dipendenti", tipo="convenzione", lat=DUOMO.y, lon=DUOMO.x)
    (hit,) = body["results"]
    assert hit["id"] == sconto.pk and hit["tipo"] == "convenzione"
    assert hit["ente"]["nome"] == "Cooperativa Il Girasole"
    # Usable where the nursery is: the nearer of its two places, San Donato.
    assert hit["comune"] == {"codice_istat": "015192", "nome": "San Donato Milanese"}
    assert hit["distanza_km"] == pytest.approx(8.3, abs=0.3)
    assert hit["punto"] == [pytest.approx(SAN_DONATO.x), pytest.approx(SAN_DONATO.y)]
    assert "15%" in hit["snippet"]
    assert hit["aperto_ora"] is None  # an agreement has no schedule
    assert hit["convenzioni_attive"] == []


# --- con_convenzione_per ------------------------------------------------------------------


def test_an_employee_of_a_member_company_sees_the_networks_agreements_and_their_providers(
    cerca_tutto,
):
    per = {"con_convenzione_per": "impresa:officine-lambro"}
    assert sorted(titoli(cerca_tutto(**per, tipo="convenzione"))) == [
        "Ingresso gratuito al caffè",  # named for the company itself
        "Offerta di fine anno",
        "Sconto sul nido per i dipendenti",
    ]
    # The cooperative offers them: its services and its PIT; not the home-services
    # company, whose agreement starts next month.
    assert sorted(titoli(cerca_tutto(**per, tipo="servizio"))) == [
        "Asilo nido Il Girasole",
        "Caffè Alzheimer",
    ]
    assert titoli(cerca_tutto(**per, tipo="pit")) == ["Punto famiglia Il Girasole"]


def test_the_network_code_alone_gives_the_agreements_of_the_network(cerca_tutto):
    found = titoli(cerca_tutto(con_convenzione_per="rete:sud-est", tipo="convenzione"))
    assert sorted(found) == ["Offerta di fine anno", "Sconto sul nido per i dipendenti"]


def test_an_employee_of_a_company_outside_the_network_sees_none(cerca_tutto):
    for codice in ("impresa:fuori-rete", "impresa:ex-socia"):  # never a member; left yesterday
        body = cerca_tutto(con_convenzione_per=codice)
        assert body["count"] == 0 and body["results"] == [], codice


def test_hits_list_their_providers_agreements_valid_today(cerca_tutto):
    convenzioni = cerca_tutto.rete_sud_est["convenzioni"]

    def attive(**params) -> dict[str, list[str]]:
        body = cerca_tutto(tipo="servizio", **params)
        return {
            h["titolo"]: [c["titolo"] for c in h["convenzioni_attive"]] for h in body["results"]
        }

    every = attive()
    assert every["Asilo nido Il Girasole"] == [
        "Ingresso gratuito al caffè",
        "Offerta di fine anno",
        "Sconto sul nido per i dipendenti",
    ]
    assert every["Lavanderia e stireria"] == []  # its agreement starts next month
    for_network = attive(con_convenzione_per="rete:sud-est")
    assert for_network["Caffè Alzheimer"] == [
        "Offerta di fine anno",
        "Sconto sul nido per i dipendenti",
    ]
    hit = cerca_tutto(q="asilo nido", tipo="servizio")["results"][0]
    sconto = next(c for c in hit["convenzioni_attive"] if c["id"] == convenzioni["sconto"].pk)
    assert sconto["beneficio"] == "Sconto del 15%"
    assert set(sconto) == {"id", "titolo", "beneficio", "url"}


def test_a_bad_beneficiary_code_is_a_400_naming_the_field(client, backend, cerca_tutto):
    for codice, reason in [
        ("rete:nessuna", "Nessuna rete o impresa con codice 'rete:nessuna'"),
        ("officine-lambro", "rete:<codice> o impresa:<codice>"),
    ]:
        response = client.get("/api/v1/cerca/", {"con_convenzione_per": codice})
        assert response.status_code == 400
        assert reason in response.json()["con_convenzione_per"][0]
    english = client.get(
        "/api/v1/cerca/",
        {"con_convenzione_per": "impresa:nessuna"},
        headers={"accept-language": "en"},
    )
    assert english.status_code == 400
    assert "No" in english.json()["con_convenzione_per"][0]
    assert "impresa:nessuna" in english.json()["con_convenzione_per"][0]


def test_the_index_follows_info_points_and_agreements(
    cerca_tutto, django_capture_on_commit_callbacks, backend
):
    if backend == "elasticsearch":
        pytest.skip("Elasticsearch: live sync checked by the rebuild in this fixture only")
    punto = cerca_tutto.rete_sud_est["punti"]["sportello"]
    sconto = cerca_tutto.rete_sud_est["convenzioni"]["sconto"]
    with django_capture_on_commit_callbacks(execute=True):
        punto_update(punto=punto, nome="Sportello conciliazione")
        convenzione_ritira(convenzione=sconto, nota="Offerta sospesa.")
    assert titoli(cerca_tutto(q="sportello conciliazione")) == ["Sportello conciliazione"]
    assert titoli(cerca_tutto(q="figli dei dipendenti", tipo="convenzione")) == []


# --- what the public pages need -----------------------------------------------------------


def test_each_result_links_its_page_once_its_kind_has_one(cerca_tutto, settings):
    punti, convenzioni = cerca_tutto.rete_sud_est["punti"], cerca_tutto.rete_sud_est["convenzioni"]
    nido = cerca_tutto.servizi["nido"]
    # The site as it is: services have their page; PITs and agreements get theirs apart.
    hit = cerca_tutto(q="asilo nido", tipo="servizio")["results"][0]
    assert hit["url"] == f"/servizi/{nido.pk}/"
    settings.ROOT_URLCONF = "tests.search.urls_con_schede"
    urls = {(h["tipo"], h["id"]): h["url"] for h in cerca_tutto(per_pagina=50)["results"]}
    assert urls[("servizio", nido.pk)] == f"/servizi/{nido.pk}/"
    assert urls[("pit", punti["sportello"].pk)] == f"/pit/punti/{punti['sportello'].pk}/"
    assert urls[("convenzione", convenzioni["sconto"].pk)] == (
        f"/convenzioni/{convenzioni['sconto'].pk}/"
    )
    hit = cerca_tutto(q="asilo nido", tipo="servizio")["results"][0]
    assert {c["url"] for c in hit["convenzioni_attive"]} >= {
        f"/convenzioni/{convenzioni['sconto'].pk}/"
    }
    near = cerca_tutto("/api/v1/cerca/mappa/", bbox="9.26,45.40,9.28,45.42", zoom=15, tipo="pit")
    assert [p["url"] for p in near["points"]] == [f"/pit/punti/{punti['sportello'].pk}/"]
    # A kind whose page has no name yet: no link rather than an error.
    settings.ROOT_URLCONF = "tests.search.urls_senza_schede"
    body = cerca_tutto(per_pagina=50)
    assert {h["url"] for h in body["results"]} == {None}
    near = cerca_tutto("/api/v1/cerca/mappa/", bbox="9.26,45.40,9.28,45.42", zoom=15)
    assert near["points"] and {p["url"] for p in near["points"]} == {None}


def test_demo_data_say_so_on_results_and_map_points(
    cerca_tutto, django_capture_on_commit_callbacks, backend
):
    if backend == "elasticsearch":
        pytest.skip("Elasticsearch: live sync checked by the rebuild in this fixture only")
    punto = cerca_tutto.rete_sud_est["punti"]["sportello"]
    with django_capture_on_commit_callbacks(execute=True):
        PuntoInformazione.objects.filter(pk=punto.pk).update(demo=True)  # as the demo loader
        schedule_reindex("pit", [punto.pk])
    (hit,) = cerca_tutto(q="sportello welfare")["results"]
    assert hit["demo"] is True
    near = cerca_tutto("/api/v1/cerca/mappa/", bbox="9.26,45.40,9.28,45.42", zoom=15, tipo="pit")
    assert [p["demo"] for p in near["points"]] == [True]
    assert {h["demo"] for h in cerca_tutto(tipo="servizio")["results"]} == {False}


def test_categories_are_named_in_the_readers_language(cerca_tutto, client, backend):
    english = {"headers": {"accept-language": "en"}}
    body = client.get("/api/v1/cerca/", {"categoria": "infanzia"}, **english).json()
    labels = {b["valore"]: b["etichetta"] for b in body["facets"]["categoria"]}
    assert labels["infanzia.nido"] == "Nursery"
    assert {b["valore"]: b["etichetta"] for b in body["facets"]["tipo"]}["convenzione"] == (
        "Agreement"
    )
    italian = cerca_tutto(categoria="infanzia")["facets"]["categoria"]
    assert {b["valore"]: b["etichetta"] for b in italian}["infanzia.nido"] == (
        "Asilo nido e micronido"
    )
    # Typed in Italian or in English, suggested in the reader's language.
    for typed in ("asil", "nurs"):
        suggestions = client.get("/api/v1/cerca/suggerimenti/", {"q": typed}, **english).json()
        categories = [s for s in suggestions["suggerimenti"] if s["tipo"] == "categoria"]
        assert {"testo": "Nursery", "tipo": "categoria", "codice": "infanzia.nido"} in categories


def test_type_ahead_titles_are_of_services_and_pits(cerca_tutto):
    texts = [
        s["testo"] for s in cerca_tutto("/api/v1/cerca/suggerimenti/", q="sport")["suggerimenti"]
    ]
    assert "Sportello welfare di San Donato" in texts
    # An agreement's title is valid only within its dates: the type-ahead does not offer it.
    texts = [
        s["testo"] for s in cerca_tutto("/api/v1/cerca/suggerimenti/", q="scont")["suggerimenti"]
    ]
    assert "Sconto sul nido per i dipendenti" not in texts
