"""The Elasticsearch backend without a cluster: mapping, requests, answers, fallback.

The requests are checked as the JSON they send; the answers are read from responses
shaped like the cluster's. With a dead URL every call falls back to postgres.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from unittest.mock import MagicMock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import GEOSGeometry

from marketplace.search import service
from marketplace.search.backends import elasticsearch as es
from marketplace.search.backends.postgres import MAX_POINTS
from marketplace.search.index import reindex
from marketplace.search.models import DocumentoRicerca
from marketplace.search.query import ConvenzioniPer, Ordinamento, SearchQuery
from marketplace.search.service import BackendUnavailable
from marketplace.search.text import ITALIAN_STOPWORDS, NAMES_PATTERN
from servizi import orari
from tests.search.conftest import MELEGNANO, SAN_DONATO
from tests.search.test_open_at import SCHEDULES
from tests.servizi.builders import make_servizio

# Whether the last word was typed whole is read from the index's lexemes, as postgres
# reads it (postgres.last_word_whole): empty here unless a test fills it.
pytestmark = pytest.mark.django_db

DEAD_URL = "http://127.0.0.1:9"  # the discard port: nothing listens there
ROME = ZoneInfo("Europe/Rome")
NO_AMBITI: dict[str, list[str]] = {}


def request(query: SearchQuery, *, facets: bool = False, **kwargs) -> dict:
    return es.build_search(query, facets=facets, ambiti=NO_AMBITI, **kwargs).to_dict()


def bool_of(body: dict) -> dict:
    query = body["query"]
    if "function_score" in query:
        query = query["function_score"]["query"]
    return query["bool"]


def filters_of(body: dict) -> list[dict]:
    return bool_of(body)["filter"]


def find(clauses: list[dict], kind: str) -> dict:
    matches = [clause[kind] for clause in clauses if kind in clause]
    assert len(matches) == 1, f"{kind} not found once in {clauses}"
    return matches[0]


@pytest.fixture
def dead_cluster(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = DEAD_URL
    settings.ELASTICSEARCH_INDEX = "test-welfare-documenti"


# --- the mapping ------------------------------------------------------------------------


def test_the_analyzer_folds_accents_and_stems_italian_like_postgres():
    analysis = es.SearchDocument._index.to_dict()["settings"]["analysis"]
    italiano = analysis["analyzer"]["italiano"]
    assert italiano["tokenizer"] == "standard"
    # The words of Comune names of several words, marked where the text writes the whole
    # name, before the tokenizer (test_text: as postgres marks them).
    assert italiano["char_filter"] == ["nomi_di_comuni"]
    assert analysis["char_filter"]["nomi_di_comuni"] == {
        "type": "pattern_replace",
        "pattern": NAMES_PATTERN,
        "replacement": "$10",
        "flags": "CASE_INSENSITIVE|UNICODE_CASE",
    }
    assert italiano["filter"] == [
        "italian_elision",
        "lowercase",
        "asciifolding",
        "marcate",
        "italian_stop",
        "italian_stemmer",
    ]
    filters = analysis["filter"]
    # The sigle and the place words marked as postgres marks them, before the stemmer
    # can fold them: a folded token is marked when it is one of them, whole.
    marcate = filters["marcate"]
    assert marcate["type"] == "pattern_replace" and marcate["replacement"] == "$10"
    marked = re.compile(marcate["pattern"])
    assert all(
        marked.fullmatch(word) for word in ["isee", "cav", "cenate", "salo", "meda", "san", "vito"]
    )
    assert not any(
        marked.search(word)
        for word in ["iseo", "cava", "cena", "medie", "cenatex", "sanita", "vita", "santa"]
    )
    assert filters["italian_elision"]["type"] == "elision"
    assert "dell" in filters["italian_elision"]["articles"]
    assert filters["italian_stemmer"] == {"type": "stemmer", "language": "italian"}
    assert filters["italian_stop"]["type"] == "stop"
    assert filters["italian_stop"]["stopwords"] == ITALIAN_STOPWORDS
    assert analysis["filter"]["prefissi"]["type"] == "edge_ngram"


def test_the_mapping_of_places_keys_and_texts():
    index = es.SearchDocument._index.to_dict()
    properties = index["mappings"]["properties"]
    assert properties["punto"] == {"type": "geo_point"}
    assert properties["copertura"]["type"] == "geo_shape"
    for keyword in (
        "chiave", "tipo", "tipo_ente", "categorie", "destinatari", "lingue", "comune_id",
        "comuni_copertura",
    ):  # fmt: skip
        assert properties[keyword]["type"] == "keyword", keyword
    for number in ("riga_id", "oggetto_id", "sede_id", "ente_id", "orario_id"):
        assert properties[number]["type"] == "long", number
    assert {properties[b]["type"] for b in ("gratuito", "accessibile", "demo")} == {"boolean"}
    assert properties["aggiornato_il"]["type"] == "date"
    assert {properties[d]["type"] for d in ("valido_dal", "valido_al")} == {"date"}
    titolo = properties["titolo"]
    assert titolo["analyzer"] == "italiano"
    assert titolo["fields"]["keyword"]["type"] == "keyword"
    assert titolo["fields"]["prefissi"]["analyzer"] == "italiano_prefissi"
    # `tutto` holds what postgres puts in `vettore`: title, categories, provider, description.
    copied = {name for name, field in properties.items() if field.get("copy_to") == "tutto"}
    assert copied == {"titolo", "categorie_nomi", "ente_nome", "descrizione"}
    assert index["mappings"]["dynamic"] == "strict"
    assert index["settings"]["number_of_shards"] == 1


def test_the_module_imports_without_a_cluster(settings):
    settings.ELASTICSEARCH_URL = ""
    assert es.NAME == "elasticsearch"
    with pytest.raises(BackendUnavailable):
        es.get_client()


# --- text -------------------------------------------------------------------------------


def test_stop_words_alone_are_no_text_as_in_postgres():
    query = SearchQuery(q="di la")
    assert not query.has_text and query.parole_ignorate == ["di", "la"]
    body = request(query)
    assert "must" not in bool_of(body) and "should" not in bool_of(body)
    assert "highlight" not in body


def test_text_with_synonyms_becomes_alternatives_with_the_last_word_as_prefix():
    body = request(SearchQuery(q="badante anziani"))
    must = bool_of(body)["must"]
    assert len(must) == 2  # two groups, AND-ed
    badante, anziani = (clause["bool"] for clause in must)
    assert badante["minimum_should_match"] == 1
    assert badante["should"] == [
        {"match": {"tutto": {"query": "badante", "operator": "and"}}},
        {"match": {"tutto": {"query": "assistente familiare", "operator": "and"}}},
        {"match": {"tutto": {"query": "assistenza familiare", "operator": "and"}}},
    ]
    # The last word typed: its stem, or a stem that begins with it as typed.
    assert anziani["should"][0] == {
        "bool": {
            "should": [{"match": {"tutto": "anziani"}}, {"prefix": {"tutto": "anziani"}}],
            "minimum_should_match": 1,
        }
    }
    assert {"match": {"tutto": {"query": "terza eta", "operator": "and"}}} in anziani["should"]
    # Ranking only: titles weigh most, multi-word synonyms also as phrases in the title.
    should = bool_of(body)["should"]
    fields = {tuple(c["multi_match"]["fields"]) for c in should if "multi_match" in c}
    assert fields == {("titolo^3", "categorie_nomi^2", "ente_nome^1.5", "testo")}
    assert {"match_phrase": {"titolo": {"query": "assistente familiare", "boost": 2}}} in should
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert body["highlight"]["encoder"] == "html"
    assert set(body["highlight"]["fields"]) == {"titolo", "testo", "ente_nome", "categorie_nomi"}
    # Whole values: the Ente's name, and each category's name that holds the words.
    assert body["highlight"]["fields"]["categorie_nomi"] == {"number_of_fragments": 0}
    assert body["highlight"]["fields"]["ente_nome"] == {"number_of_fragments": 0}
    assert body["sort"][0] == {"_score": {"order": "desc"}}


def test_the_last_word_is_a_prefix_as_typed_not_as_stemmed():
    """As postgres: "cena" is its stem cen or a stem beginning with "cena", never the
    prefix of its stem (every "centro"), which `match_bool_prefix` would take."""
    (nido,) = bool_of(request(SearchQuery(q="asilo nido")))["must"]
    last_word = {
        "bool": {
            "should": [{"match": {"tutto": "nido"}}, {"prefix": {"tutto": "nido"}}],
            "minimum_should_match": 1,
        }
    }
    assert nido["bool"]["should"][0] == {
        "bool": {"must": [{"match": {"tutto": {"query": "asilo", "operator": "and"}}}, last_word]}
    }
    # Ranked as the best field, each with its boost.
    (ranking,) = [c for c in bool_of(request(SearchQuery(q="cena")))["should"] if "dis_max" in c]
    titolo, *others = ranking["dis_max"]["queries"]
    assert titolo == {
        "bool": {
            "should": [{"match": {"titolo": "cena"}}, {"prefix": {"titolo": "cena"}}],
            "minimum_should_match": 1,
            "boost": 3.0,
        }
    }
    assert [next(iter(q["bool"]["should"][1]["prefix"])) for q in others] == [
        "categorie_nomi",
        "ente_nome",
        "testo",
    ]


def test_a_word_typed_whole_is_not_a_prefix_as_in_postgres(catalogo):
    # "chi le assiste" is in a text: the word, not also the beginning of "assistente".
    (assiste,) = bool_of(request(SearchQuery(q="assiste")))["must"]
    assert assiste == {"match": {"tutto": {"query": "assiste", "operator": "and"}}}
    # Typed in part, it is still the beginning of longer words; and the suggestions
    # complete the word being typed, whole or not.
    (assist,) = bool_of(request(SearchQuery(q="assist")))["must"]
    assert {"prefix": {"tutto": "assist"}} in assist["bool"]["should"]
    suggested = es.build_suggest("assiste", 8).to_dict()["query"]["bool"]["must"]
    assert {"prefix": {"tutto": "assiste"}} in suggested[0]["bool"]["should"]


def test_a_sigla_is_never_a_prefix_as_in_postgres():
    """ "pei" as a prefix would be every "Peia" again: the word alone, as postgres."""
    (group,) = bool_of(request(SearchQuery(q="pei")))["must"]
    assert group == {"match": {"tutto": {"query": "pei", "operator": "and"}}}


def test_a_comunes_name_is_one_group_with_its_words_marked_as_in_postgres():
    """ "cologno al serio" looks for 'serio0', as the texts that write the name hold it
    (the character filter nomi_di_comuni), and never as a prefix."""
    (group,) = bool_of(request(SearchQuery(q="cologno al serio", luogo_dal_testo=False)))["must"]
    assert group == {"match": {"tutto": {"query": "cologno serio0", "operator": "and"}}}


def test_no_text_no_text_clauses_no_highlight():
    body = request(SearchQuery())
    assert "must" not in bool_of(body) and "should" not in bool_of(body)
    assert "highlight" not in body


# --- filters ----------------------------------------------------------------------------


def test_radius_is_a_geo_distance_in_kilometres():
    body = request(SearchQuery(punto=MELEGNANO, raggio_km=5.0))
    assert find(filters_of(body), "geo_distance") == {
        "distance": "5.0km",
        "punto": {"lat": MELEGNANO.y, "lon": MELEGNANO.x},
    }


def test_bbox_is_a_geo_bounding_box():
    body = request(SearchQuery(bbox=(9.15, 45.44, 9.22, 45.48)))
    assert find(filters_of(body), "geo_bounding_box") == {
        "punto": {
            "top_left": {"lat": 45.48, "lon": 9.15},
            "bottom_right": {"lat": 45.44, "lon": 9.22},
        }
    }


def test_polygon_is_a_geo_shape_intersection_on_the_point():
    square = {
        "type": "Polygon",
        "coordinates": [[[9.3, 45.34], [9.35, 45.34], [9.35, 45.37], [9.3, 45.37], [9.3, 45.34]]],
    }
    polygon = GEOSGeometry(json.dumps(square), srid=4326)
    shape = find(filters_of(request(SearchQuery(poligono=polygon))), "geo_shape")["punto"]
    assert shape["relation"] == "intersects"
    assert shape["shape"]["type"] == "Polygon"
    assert shape["shape"]["coordinates"][0][0] == [9.3, 45.34]


def test_categories_comuni_and_the_other_filters():
    query = SearchQuery(
        categorie=("infanzia", "anziani.badanti"),
        comuni=("015140", "015192"),
        tipo_ente="impresa",
        destinatari="minori",
        gratuito=True,
        lingua="ro",
        accessibile=False,
        tipi=("servizio",),
    )
    clauses = filters_of(request(query))
    terms = [c["terms"] for c in clauses if "terms" in c]
    assert {"tipo": ["servizio"]} in terms
    assert {"categorie": ["infanzia", "anziani.badanti"]} in terms
    comuni = find(clauses, "bool")
    assert comuni == {
        "should": [
            {"terms": {"comune_id": ["015140", "015192"]}},
            {"terms": {"comuni_copertura": ["015140", "015192"]}},
        ],
        "minimum_should_match": 1,
    }
    term = [c["term"] for c in clauses if "term" in c]
    for expected in (
        {"tipo_ente": "impresa"},
        {"destinatari": "minori"},
        {"gratuito": True},
        {"lingue": "ro"},
        {"accessibile": False},
    ):
        assert expected in term


def test_agreements_are_kept_within_their_dates_on_the_day_asked():
    day = date(2026, 12, 24)
    rule = {
        "bool": {
            "should": [
                {"bool": {"must_not": [{"exists": {"field": "valido_dal"}}]}},  # other kinds
                {
                    "bool": {
                        "filter": [
                            {"range": {"valido_dal": {"lte": "2026-12-24"}}},
                            {"range": {"valido_al": {"gte": "2026-12-24"}}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    assert rule in filters_of(request(SearchQuery(oggi=day)))
    assert (
        rule
        in es.build_map(SearchQuery(oggi=day, bbox=(9, 45, 9.5, 45.5)), 9).to_dict()["query"][
            "bool"
        ]["filter"]
    )
    only_services = filters_of(request(SearchQuery(oggi=day, tipi=("servizio", "pit"))))
    assert rule not in only_services  # nothing dated among them


def test_con_convenzione_per_keeps_the_ids_the_agreements_rule_gave():
    per = ConvenzioniPer(beneficiario=MagicMock(), convenzioni=(7, 9), enti=(3,))
    clauses = filters_of(request(SearchQuery(con_convenzione_per=per)))
    assert {
        "bool": {
            "should": [
                {
                    "bool": {
                        "filter": [{"terms": {"ente_id": [3]}}],
                        "must_not": [{"term": {"tipo": "convenzione"}}],
                    }
                },
                {
                    "bool": {
                        "filter": [
                            {"term": {"tipo": "convenzione"}},
                            {"terms": {"oggetto_id": [7, 9]}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    } in clauses


def test_open_at_tests_the_documents_schedule_as_postgres_tests_its_rows():
    query = SearchQuery(aperto_il=datetime(2026, 12, 24, 10, tzinfo=ROME))  # a Thursday
    second = 3 * 86400 + 10 * 3600
    assert {
        "bool": {
            "should": [
                {
                    "bool": {
                        "filter": [{"term": {"settimana": second}}],
                        "must_not": [{"term": {"giorni_eccezione": "2026-12-24"}}],
                    }
                },
                {
                    "bool": {
                        "filter": [{"term": {"notte": second}}],
                        "must_not": [{"term": {"giorni_eccezione": "2026-12-23"}}],
                    }
                },
                {"term": {"orari_speciali": "2026-12-24T10:00:00.000"}},
            ],
            "minimum_should_match": 1,
        }
    } in filters_of(request(query))


def _matches(clause: dict, document: dict) -> bool:
    """An ES query of `bool`s, `term`s and `range`s evaluated on one source, as ES
    evaluates it: a term on a range field matches when one of the field's ranges holds
    the value (a date without a time is its midnight); a range that `intersects`, when
    one of them meets it."""
    ((kind, body),) = clause.items()

    def comparable(v):
        return v if isinstance(v, int) else datetime.fromisoformat(v)

    if kind == "term":
        ((field, value),) = body.items()
        return any(
            comparable(r["gte"]) <= comparable(value) < comparable(r["lt"]) for r in document[field]
        )
    if kind == "range":
        ((field, asked),) = body.items()
        assert asked["relation"] == "intersects", asked
        low, high = comparable(asked["gte"]), comparable(asked["lt"])
        return any(
            comparable(r["gte"]) < high and low < comparable(r["lt"]) for r in document[field]
        )
    assert kind == "bool", kind
    should = body.get("should", [])
    return (
        all(_matches(c, document) for c in body.get("filter", []))
        and not any(_matches(c, document) for c in body.get("must_not", []))
        and sum(_matches(c, document) for c in should) >= body.get("minimum_should_match", 0)
    )


@pytest.fixture
def scheduled_documents(db, django_capture_on_commit_callbacks):
    """A service for each of SCHEDULES, and its document as Elasticsearch would hold it."""
    with django_capture_on_commit_callbacks(execute=True):
        servizi = [
            make_servizio(titolo=name, orario=text, eccezioni=exceptions)
            for name, (text, exceptions) in SCHEDULES.items()
        ]
    documents = {
        row["oggetto_id"]: es.document_from_row(row)
        for row in es.rows_for("servizio", [s.pk for s in servizi])
    }
    return servizi, documents


def _open_in_es(documents: dict, query: SearchQuery, marker: str = "orari_speciali") -> set:
    """The documents that the query's filter on the opening hours (its clause that names
    `marker`) keeps, as Elasticsearch would evaluate it."""
    (open_filter,) = [c for c in filters_of(request(query)) if marker in json.dumps(c)]
    return {pk for pk, document in documents.items() if _matches(open_filter, document)}


@pytest.mark.django_db
def test_the_documents_schedules_and_the_filter_agree_with_python_every_half_hour(
    scheduled_documents,
):
    servizi, documents = scheduled_documents
    start = datetime(2026, 12, 21, 0, 15, tzinfo=ROME)  # Monday before Christmas
    for step in range(8 * 48):  # to the small hours of the next Monday
        when = start + timedelta(minutes=30 * step)
        in_es = _open_in_es(documents, SearchQuery(aperto_il=when))
        assert in_es == {s.pk for s in servizi if s.orario.aperto_il(when)}, when


@pytest.mark.django_db
@pytest.mark.parametrize("parte", [None, *orari.PARTI_DEL_GIORNO])
def test_the_documents_schedules_and_the_day_filter_agree_with_python_over_two_weeks(
    scheduled_documents, parte
):
    """The whole day and each of its parts."""
    servizi, documents = scheduled_documents
    monday = date(2026, 12, 21)
    for offset in range(14):
        day = monday + timedelta(days=offset)
        in_es = _open_in_es(documents, SearchQuery(aperto_giorno=day, aperto_parte=parte or ""))
        assert in_es == {s.pk for s in servizi if s.orario.aperto_nel_giorno(day, parte)}, day


@pytest.mark.django_db
@pytest.mark.parametrize("parte", orari.PARTI_DEL_GIORNO)
def test_the_documents_schedules_and_the_part_of_week_filter_agree_with_python(
    scheduled_documents, parte
):
    servizi, documents = scheduled_documents
    in_es = _open_in_es(documents, SearchQuery(aperto_parte=parte), marker="settimana")
    assert in_es == {s.pk for s in servizi if s.orario.aperto_nella_parte(parte)}


# --- order, one result per object, counts, facets ---------------------------------------


def test_distance_order_collapses_each_object_to_its_nearest_place():
    body = request(SearchQuery(punto=MELEGNANO, ordinamento=Ordinamento.DISTANZA))
    assert body["sort"][0] == {
        "_geo_distance": {
            "punto": {"lat": MELEGNANO.y, "lon": MELEGNANO.x},
            "order": "asc",
            "unit": "km",
            "distance_type": "arc",
            "ignore_unmapped": True,
        }
    }
    assert body["sort"][-1] == {"riga_id": {"order": "asc"}}  # postgres' `d.id`
    assert body["collapse"] == {"field": "chiave"}
    assert body["track_total_hits"] is True
    assert body["aggs"]["oggetti"] == {
        "cardinality": {"field": "chiave", "precision_threshold": 40000}
    }


@pytest.mark.parametrize(
    ("query", "first"),
    [
        (SearchQuery(ordinamento=Ordinamento.AGGIORNAMENTO, q="nido"), "aggiornato_il"),
        (SearchQuery(), "aggiornato_il"),  # relevance without text nor point
        (SearchQuery(q="nido"), "_score"),
        (SearchQuery(punto=MELEGNANO), "_score"),
    ],
)
def test_the_order_follows_postgres(query, first):
    sort = request(query)["sort"]
    assert next(iter(sort[0])) == first
    assert sort[-1] == {"riga_id": {"order": "asc"}}


def test_a_point_decays_relevance_with_distance():
    body = request(SearchQuery(q="nido", punto=MELEGNANO))
    score = body["query"]["function_score"]
    gauss = score["functions"][0]
    assert gauss["gauss"]["punto"] == {
        "origin": {"lat": MELEGNANO.y, "lon": MELEGNANO.x},
        "scale": "5.0km",
        "decay": 0.5,
    }
    assert gauss["filter"] == {"exists": {"field": "punto"}}
    assert score["functions"][1]["weight"] < 1e-3  # no place: after every place
    assert score["boost_mode"] == "multiply"
    # Without text the score must not be 0, or the decay would have nothing to scale.
    plain = request(SearchQuery(punto=MELEGNANO))["query"]["function_score"]["query"]
    assert plain["bool"]["must"] == [{"match_all": {}}]
    assert "function_score" not in request(SearchQuery(q="nido"))["query"]


def test_pagination_counts_objects_not_rows():
    body = request(SearchQuery(pagina=3, per_pagina=10))
    assert body["from"] == 20 and body["size"] == 10


def test_facet_aggregations_only_when_asked():
    assert set(request(SearchQuery(), facets=False)["aggs"]) == {"oggetti"}
    ambiti = {"paullese": ["015167"], "rozzano": ["015189", "015015"]}
    aggs = es.build_search(SearchQuery(), facets=True, ambiti=ambiti).to_dict()["aggs"]
    assert set(aggs) == {"oggetti", "tipo", "categoria", "tipo_ente", "comune", "ambito"}
    assert aggs["tipo"]["terms"]["field"] == "tipo"
    assert aggs["categoria"]["terms"]["field"] == "categorie"
    assert aggs["comune"]["terms"]["field"] == "comune_id"
    for name in ("tipo", "categoria", "tipo_ente", "comune", "ambito"):
        assert aggs[name]["aggs"]["oggetti"]["cardinality"]["field"] == "chiave"
    assert aggs["ambito"]["filters"]["filters"] == {
        "paullese": {"terms": {"comune_id": ["015167"]}},
        "rozzano": {"terms": {"comune_id": ["015189", "015015"]}},
    }


@pytest.mark.django_db
def test_ambito_members_come_from_geo_data():
    members = es.ambiti_membri()
    assert "015140" in members["san-donato-milanese"]  # Melegnano


# --- map and suggestions ----------------------------------------------------------------


def test_map_clusters_on_geotiles_a_quarter_of_a_map_tile():
    query = SearchQuery(bbox=(9.0, 45.2, 9.6, 45.6))
    body = es.build_map(query, 9).to_dict()
    grid = body["aggs"]["celle"]["geotile_grid"]
    assert grid["field"] == "punto" and grid["precision"] == 11
    assert grid["bounds"] == {
        "top_left": {"lat": 45.6, "lon": 9.0},
        "bottom_right": {"lat": 45.2, "lon": 9.6},
    }
    assert body["aggs"]["celle"]["aggs"] == {
        "centro": {"geo_centroid": {"field": "punto"}},
        "limiti": {"geo_bounds": {"field": "punto"}},
    }
    assert body["size"] == 0
    assert {"exists": {"field": "punto"}} in body["query"]["bool"]["filter"]


def test_map_points_when_zoomed_in():
    body = es.build_map(SearchQuery(bbox=(9.30, 45.34, 9.35, 45.37)), 15).to_dict()
    assert "aggs" not in body
    assert body["size"] == MAX_POINTS + 1  # one more tells that the view holds more
    assert body["sort"] == [{"riga_id": {"order": "asc"}}]
    assert set(body["_source"]) == {"tipo", "oggetto_id", "titolo", "sede_id", "demo", "punto"}


def test_map_answers_from_a_cluster_response():
    raw = {
        "aggregations": {
            "celle": {
                "buckets": [
                    {
                        "key": "11/1076/732",
                        "doc_count": 2,
                        "centro": {"location": {"lat": 45.38, "lon": 9.29}, "count": 2},
                        "limiti": {
                            "bounds": {
                                "top_left": {"lat": 45.41, "lon": 9.26},
                                "bottom_right": {"lat": 45.35, "lon": 9.32},
                            }
                        },
                    },
                    {
                        "key": "11/1077/733",
                        "doc_count": 3,
                        "centro": {"location": {"lat": 45.4, "lon": 9.4}, "count": 3},
                        "limiti": {
                            "bounds": {
                                "top_left": {"lat": 45.4, "lon": 9.4},
                                "bottom_right": {"lat": 45.4, "lon": 9.4},
                            }
                        },
                    },
                ]
            }
        }
    }
    result = es.map_from_response(raw, 9)
    assert [c.count for c in result.clusters] == [3, 2]
    assert result.clusters[1].bounds == [9.26, 45.35, 9.32, 45.41]
    assert result.clusters[1].centro == [9.29, 45.38]
    points = {"hits": {"hits": [{"_source": {"tipo": "pit", "oggetto_id": 4, "titolo": "T",
                                             "sede_id": 8, "demo": True,
                                             "punto": {"lat": 45.3, "lon": 9.3}}}]}}  # fmt: skip
    assert es.map_from_response(points, 15).points == [
        {"tipo": "pit", "id": 4, "titolo": "T", "sede_id": 8, "demo": True, "lon": 9.3, "lat": 45.3}
    ]


def test_suggestions_match_like_the_search_and_give_each_title_once():
    body = es.build_suggest("asil", 8).to_dict()
    assert body["query"]["bool"]["must"] == [
        {
            "bool": {
                "should": [{"match": {"tutto": "asil"}}, {"prefix": {"tutto": "asil"}}],
                "minimum_should_match": 1,
            }
        }
    ]
    # As postgres' titles: not agreements, which are valid only within their dates.
    assert body["query"]["bool"]["filter"] == [{"terms": {"tipo": ["pit", "servizio"]}}]
    assert body["collapse"] == {"field": "titolo.keyword"}
    assert body["size"] == 8
    assert es.build_suggest("  ?! ", 8) is None


# --- documents and answers, from real rows ----------------------------------------------


@pytest.mark.django_db
def test_documents_from_the_rows_of_search_documento(catalogo):
    nido = es.rows_for("servizio", [catalogo["nido"].pk])
    assert len(nido) == 2  # one per place
    document = es.document_from_row(nido[0])
    assert document["chiave"] == f"servizio:{catalogo['nido'].pk}"
    assert document["riga_id"] == nido[0]["id"]
    assert set(document["categorie"]) == {"infanzia", "infanzia.nido"}
    assert "Asilo nido e micronido" in document["categorie_nomi"]
    assert document["descrizione"].startswith("Nido per bambini")
    assert document["ente_nome"] == "Cooperativa Il Girasole"
    assert document["punto"] in (
        {"lat": MELEGNANO.y, "lon": MELEGNANO.x},
        {"lat": SAN_DONATO.y, "lon": SAN_DONATO.x},
    )
    assert document["copertura"] is None
    assert set(document) == set(es.SearchDocument._doc_type.mapping.properties.to_dict()[
        "properties"
    ]) - {"tutto"}  # fmt: skip
    json.dumps(document)  # ready for the bulk API

    (babysitter,) = es.rows_for("servizio", [catalogo["babysitter"].pk])
    document = es.document_from_row(babysitter)
    assert document["punto"] is None and document["comune_id"] is None
    assert document["comuni_copertura"] == ["015140"]
    assert document["copertura"]["type"] in {"Polygon", "MultiPolygon"}
    melegnano = GEOSGeometry(json.dumps(document["copertura"]), srid=4326)
    assert melegnano.contains(MELEGNANO)


def _raw_hit(row: dict, **extra) -> dict:
    return {"_id": str(row["id"]), "_score": 2.5, "_source": es.document_from_row(row), **extra}


@pytest.mark.django_db
def test_documents_of_info_points_and_agreements(rete_sud_est):
    sportello = rete_sud_est["punti"]["sportello"]
    (row,) = es.rows_for("pit", [sportello.pk])
    document = es.document_from_row(row)
    assert document["chiave"] == f"pit:{sportello.pk}" and document["tipo"] == "pit"
    assert document["titolo"] == "Sportello welfare di San Donato"
    # What postgres vectorises beyond title, topics and Ente: kind, topics, description.
    assert document["descrizione"].startswith(
        "Punto di informazione territoriale (PIT), Sportello di welfare conciliativo"
    )
    assert "Asilo nido e micronido" in document["categorie_nomi"]
    assert document["orario_id"] == sportello.orario_id and document["valido_dal"] is None
    sconto = rete_sud_est["convenzioni"]["sconto"]
    rows = es.rows_for("convenzione", [sconto.pk])
    assert len(rows) == 2  # the nursery's two places
    document = es.document_from_row(rows[0])
    assert document["chiave"] == f"convenzione:{sconto.pk}"
    assert document["valido_dal"] == sconto.data_inizio.isoformat()
    assert document["valido_al"] == sconto.data_fine.isoformat()
    assert document["descrizione"].startswith("Sconto del 15%")
    assert set(document) == set(es.SearchDocument._doc_type.mapping.properties.to_dict()[
        "properties"
    ]) - {"tutto"}  # fmt: skip
    json.dumps(document)


@pytest.mark.django_db
def test_hits_say_what_postgres_says(catalogo):
    rows = {
        row["titolo"]: row for row in es.rows_for("servizio", [s.pk for s in catalogo.values()])
    }
    caffe = rows["Caffè Alzheimer"]
    babysitter = rows["Baby sitter a domicilio"]
    raw = {
        "hits": {
            "total": {"value": 7, "relation": "eq"},
            "hits": [
                _raw_hit(
                    caffe,
                    highlight={
                        "titolo": ["<mark>Caffè</mark> Alzheimer"],
                        "ente_nome": ["Cooperativa Il <mark>Girasole</mark>"],
                        # A whole field's highlight may list values without the words.
                        "categorie_nomi": [
                            "<mark>Anziani</mark> e non autosufficienza",
                            "Centri diurni",
                        ],
                    },
                ),
                _raw_hit(babysitter),
            ],
        },
        "aggregations": {"oggetti": {"value": 6}},
    }
    query = SearchQuery(q="caffe", punto=MELEGNANO, per_pagina=2)
    result = es.result_from_response(raw, query, facets=False)
    assert result.backend == "elasticsearch" and result.count == 6
    first, second = result.hits
    assert first.id == catalogo["caffe"].pk and first.tipo == "servizio"
    assert first.comune == {"codice_istat": "015192", "nome": "San Donato Milanese"}
    assert first.distanza_km == pytest.approx(7.30, abs=0.01)  # on the spheroid, by PostGIS
    assert first.snippet == "<mark>Caffè</mark> Alzheimer"
    assert first.ente_evidenziato == "Cooperativa Il <mark>Girasole</mark>"
    assert first.categorie_trovate == ["<mark>Anziani</mark> e non autosufficienza"]
    assert first.aperto_ora in {True, False}
    assert first.punto == [SAN_DONATO.x, SAN_DONATO.y]
    assert first.ente == {
        "id": catalogo["caffe"].ente_id,
        "nome": "Cooperativa Il Girasole",
        "tipo": "terzo_settore",
    }
    assert first.score == 2.5
    assert first.demo is False
    # Delivered at home: no place, no distance, no schedule; the text's start as snippet.
    assert second.comune is None and second.punto is None and second.distanza_km is None
    assert second.aperto_ora is None
    assert second.snippet.startswith("Baby sitter qualificate")
    assert second.ente_evidenziato is None and second.categorie_trovate == []
    # A short last page knows its exact count.
    short = es.result_from_response(raw, SearchQuery(per_pagina=20), facets=False)
    assert short.count == 2


@pytest.mark.django_db
def test_facets_are_distinct_objects_labelled_like_postgres():
    def bucket(key, rows, objects):
        return {"key": key, "doc_count": rows, "oggetti": {"value": objects}}

    aggregations = {
        "oggetti": {"value": 2},
        "tipo": {"buckets": [bucket("servizio", 3, 2)]},
        "categoria": {"buckets": [bucket("infanzia", 3, 2), bucket("infanzia.nido", 2, 1)]},
        "tipo_ente": {"buckets": [bucket("terzo_settore", 2, 1), bucket("impresa", 1, 1)]},
        "comune": {"buckets": [bucket("015140", 1, 1), bucket("015192", 1, 1)]},
        "ambito": {
            "buckets": {
                "san-donato-milanese": {"doc_count": 2, "oggetti": {"value": 1}},
                "paullese": {"doc_count": 0, "oggetti": {"value": 0}},
            }
        },
    }
    raw = {"hits": {"total": {"value": 3}, "hits": []}, "aggregations": aggregations}
    facets = es.result_from_response(raw, SearchQuery(), facets=True).facets
    counts = {
        name: {b["valore"]: b["conteggio"] for b in buckets} for name, buckets in facets.items()
    }
    assert counts == {
        "tipo": {"servizio": 2},
        "categoria": {"infanzia": 2, "infanzia.nido": 1},
        "tipo_ente": {"terzo_settore": 1, "impresa": 1},
        "comune": {"015140": 1, "015192": 1},
        "ambito": {"san-donato-milanese": 1},  # empty Ambiti are left out, as in postgres
    }
    comune = {b["valore"]: b["etichetta"] for b in facets["comune"]}
    assert comune["015140"] == "Melegnano"
    assert facets["tipo_ente"][0]["etichetta"]  # a readable label
    assert facets["tipo"] == [{"valore": "servizio", "etichetta": "Servizio", "conteggio": 2}]


# --- no cluster: BackendUnavailable, and postgres answers -------------------------------


@pytest.mark.django_db
def test_search_map_and_suggest_raise_backend_unavailable_on_a_dead_cluster(dead_cluster):
    with pytest.raises(BackendUnavailable):
        es.search(SearchQuery(q="asilo"))
    with pytest.raises(BackendUnavailable):
        es.map_view(SearchQuery(bbox=(9.0, 45.2, 9.6, 45.6)), 9)
    with pytest.raises(BackendUnavailable):
        es.suggest("asil", 8)


def test_pages_beyond_the_result_window_go_to_postgres(dead_cluster):
    with pytest.raises(BackendUnavailable, match="result window"):
        es.search(SearchQuery(pagina=200, per_pagina=100))


@pytest.mark.django_db
def test_sync_never_fails_the_caller(dead_cluster, catalogo, caplog):
    es.sync("servizio", {catalogo["nido"].pk})  # logs, does not raise
    assert "Elasticsearch sync failed" in caplog.text


@pytest.mark.django_db
def test_the_service_falls_back_to_postgres(dead_cluster, client, catalogo):
    response = client.get("/api/v1/cerca/", {"q": "asilo"})
    assert response.status_code == 200
    body = response.json()
    assert body["backend"] == "postgres"
    assert response["X-Search-Backend"] == "postgres"
    assert [hit["titolo"] for hit in body["results"]] == ["Asilo nido Il Girasole"]
    backend, suggestions = service.suggest("asil")
    assert backend == "postgres" and suggestions
    mappa = client.get("/api/v1/cerca/mappa/", {"bbox": "9.0,45.2,9.6,45.6", "zoom": 9})
    assert mappa.status_code == 200 and mappa["X-Search-Backend"] == "postgres"


def test_an_index_built_before_a_field_existed_is_not_searched(settings, monkeypatch):
    settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX = DEAD_URL, "test-welfare-documenti"
    monkeypatch.setattr(es, "_mapping_checked_at", {})
    fields = es.SearchDocument._doc_type.mapping.to_dict()["properties"]
    client = MagicMock(name="Elasticsearch")
    older = {k: v for k, v in fields.items() if k not in {"settimana", "orari_speciali"}}
    client.indices.get_mapping.return_value = {"welfare-1": {"mappings": {"properties": older}}}
    with pytest.raises(BackendUnavailable, match=r"orari_speciali, settimana.*--rebuild"):
        es._require_current_mapping(client)
    client.indices.get_mapping.return_value = {"welfare-2": {"mappings": {"properties": fields}}}
    es._require_current_mapping(client)
    es._require_current_mapping(client)  # within the minute: not asked again
    assert client.indices.get_mapping.call_count == 2


# --- indexing, against a recording stand-in for the client ------------------------------


@pytest.fixture
def recorder(settings, monkeypatch):
    """A fake client and a fake bulk helper that record what would be sent."""
    settings.ELASTICSEARCH_INDEX = "test-welfare-documenti"
    client = MagicMock(name="Elasticsearch")
    sent: list[dict] = []

    def bulk(_client, actions, **kwargs):
        batch = list(actions)
        sent.extend(batch)
        client.bulk_kwargs = kwargs
        return len(batch), []

    monkeypatch.setattr(es, "get_client", lambda **kwargs: client)
    monkeypatch.setattr(es.helpers, "bulk", bulk)
    client.sent = sent
    return client


@pytest.mark.django_db
def test_sync_indexes_the_new_rows_then_deletes_the_others(recorder, catalogo):
    nido = catalogo["nido"]
    recorder.indices.exists.return_value = True
    es.sync("servizio", {nido.pk})
    row_ids = [row["id"] for row in es.rows_for("servizio", [nido.pk])]
    assert [action["_id"] for action in recorder.sent] == row_ids
    assert {action["_index"] for action in recorder.sent} == {"test-welfare-documenti"}
    assert recorder.sent[0]["_source"]["chiave"] == f"servizio:{nido.pk}"
    assert recorder.bulk_kwargs["refresh"] is True
    delete = recorder.delete_by_query.call_args.kwargs
    assert delete["index"] == "test-welfare-documenti"
    assert delete["query"]["bool"]["filter"] == [
        {"term": {"tipo": "servizio"}},
        {"terms": {"oggetto_id": [nido.pk]}},
    ]
    assert delete["query"]["bool"]["must_not"] == [{"terms": {"riga_id": row_ids}}]


@pytest.mark.django_db
def test_sync_sends_each_kind_on_its_own(recorder, rete_sud_est):
    recorder.indices.exists.return_value = True
    sportello = rete_sud_est["punti"]["sportello"]
    es.sync("pit", [sportello.pk])
    assert [action["_source"]["chiave"] for action in recorder.sent] == [f"pit:{sportello.pk}"]
    delete = recorder.delete_by_query.call_args.kwargs["query"]["bool"]["filter"]
    assert delete == [{"term": {"tipo": "pit"}}, {"terms": {"oggetto_id": [sportello.pk]}}]


@pytest.mark.django_db
def test_a_reindex_sends_what_it_rewrote(recorder, settings, rete_sud_est, monkeypatch):
    settings.SEARCH_BACKEND = "elasticsearch"
    synced = []
    monkeypatch.setattr(es, "sync", lambda tipo, ids: synced.append((tipo, list(ids))))
    sconto = rete_sud_est["convenzioni"]["sconto"]
    reindex({"convenzione": [sconto.pk], "pit": []})
    assert synced == [("convenzione", [sconto.pk])]


@pytest.mark.django_db
def test_sync_of_a_deleted_service_only_deletes(recorder):
    recorder.indices.exists.return_value = True
    es.sync("servizio", {987654321})
    assert recorder.sent == []
    must_not = recorder.delete_by_query.call_args.kwargs["query"]["bool"]["must_not"]
    assert must_not == [{"terms": {"riga_id": []}}]


@pytest.mark.django_db
def test_sync_without_the_index_waits_for_a_rebuild(recorder, caplog):
    recorder.indices.exists.return_value = False
    es.sync("servizio", {1})
    assert recorder.sent == [] and not recorder.delete_by_query.called
    assert "search_index --rebuild" in caplog.text


@pytest.mark.django_db
def test_rebuild_fills_a_new_index_and_moves_the_alias(recorder, catalogo):
    recorder.indices.exists_alias.return_value = True
    recorder.indices.get_alias.return_value.body = {"test-welfare-documenti-old": {}}
    count = es.rebuild(progress=False)
    rows = DocumentoRicerca.objects.count()
    assert count == rows == len(recorder.sent) == 6  # the nursery has two places
    created = recorder.indices.create.call_args.kwargs
    name = created["index"]
    assert name.startswith("test-welfare-documenti-")
    assert created["body"]["mappings"]["properties"]["punto"] == {"type": "geo_point"}
    assert {action["_index"] for action in recorder.sent} == {name}
    assert recorder.indices.update_aliases.call_args.kwargs["actions"] == [
        {"remove": {"index": "test-welfare-documenti-old", "alias": "test-welfare-documenti"}},
        {"add": {"index": name, "alias": "test-welfare-documenti", "is_write_index": True}},
    ]
    recorder.indices.delete.assert_called_once_with(
        index="test-welfare-documenti-old", ignore_unavailable=True
    )


@pytest.mark.django_db
def test_a_failed_rebuild_leaves_the_alias_alone(recorder, catalogo, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("cluster gone")

    monkeypatch.setattr(es.helpers, "bulk", broken)
    with pytest.raises(RuntimeError):
        es.rebuild(progress=False)
    assert not recorder.indices.update_aliases.called
    name = recorder.indices.create.call_args.kwargs["index"]
    recorder.indices.delete.assert_called_once_with(index=name, ignore_unavailable=True)
