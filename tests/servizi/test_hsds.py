"""The catalogue as an Open Referral HSDS 3.1 API, for integrators: the published
services with their providers, places, hours and categories, in HSDS's objects and
pages, every id a UUID that reads back, every wrong parameter a 400 naming it."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo_data.models import Comune
from marketplace.search.cache import memo_clear
from servizi import orari
from servizi.hsds import Oggetto, hsds_id
from servizi.models import Categoria, Servizio
from servizi.services import servizio_update
from tests.servizi.builders import SAN_DONATO, make_ente, make_sede, make_servizio

pytestmark = pytest.mark.django_db

HSDS = "/api/hsds"

# What HSDS 3.1 requires of the objects written here (the `required` lists and the
# enums of its schemas), written as a JSON Schema to check every answer against.
_UUID = {
    "type": "string",
    "format": "uuid",
    "pattern": "^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$",
}
_STRING = {"type": "string", "minLength": 1}


def _object(required: dict, **optional) -> dict:
    return {
        "type": "object",
        "required": ["id", *required],
        "properties": {"id": _UUID, **required, **optional},
    }


_TERM = _object(
    {"name": _STRING, "description": {"type": "string"}},
    parent_id=_UUID,
    taxonomy_id=_UUID,
)
_PHONE = _object({"number": _STRING})
_ADDRESS = _object(
    {
        "address_1": _STRING,
        "city": _STRING,
        "state_province": _STRING,
        "postal_code": _STRING,
        "country": {"const": "IT"},
        "address_type": {"enum": ["physical", "postal", "virtual"]},
    }
)
_LOCATION = _object(
    {"location_type": {"enum": ["physical", "postal", "virtual"]}},
    latitude={"type": "number"},
    longitude={"type": "number"},
    addresses={"type": "array", "items": _ADDRESS},
    accessibility={"type": "array", "items": _object({})},
)
_ORGANIZATION = _object(
    {"name": _STRING, "description": {"type": "string"}},
    phones={"type": "array", "items": _PHONE},
    organization_identifiers={
        "type": "array",
        "items": _object({"identifier_type": _STRING, "identifier": _STRING}),
    },
    additional_websites={"type": "array", "items": _object({"url": _STRING})},
    locations={"type": "array", "items": _LOCATION},
)
_SCHEDULE = _object(
    {},
    freq={"enum": ["WEEKLY", "MONTHLY"]},
    wkst={"enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]},
    opens_at={"type": "string", "pattern": "^([01][0-9]|2[0-4]):[0-5][0-9]$"},
    closes_at={"type": "string", "pattern": "^([01][0-9]|2[0-4]):[0-5][0-9]$"},
    valid_from={"type": "string", "format": "date"},
    valid_to={"type": "string", "format": "date"},
)
SERVICE = _object(
    {"name": _STRING, "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]}},
    organization_id=_UUID,
    email={"type": "string", "format": "email"},
    minimum_age={"type": "number"},
    maximum_age={"type": "number"},
    last_modified={"type": "string", "format": "date-time"},
    assured_date={"type": "string", "format": "date"},
    organization=_ORGANIZATION,
    phones={"type": "array", "items": _PHONE},
    schedules={"type": "array", "items": _SCHEDULE},
    service_areas={"type": "array", "items": _object({})},
    service_at_locations={
        "type": "array",
        "items": _object({"location": _LOCATION}, service_id=_UUID, location_id=_UUID),
    },
    languages={"type": "array", "items": _object({"code": _STRING, "name": _STRING})},
    cost_options={
        "type": "array",
        "items": _object({}, amount={"type": "number"}, currency={"const": "EUR"}),
    },
    attributes={
        "type": "array",
        "items": _object(
            {
                "link_id": _UUID,
                "taxonomy_term_id": _UUID,
                "link_entity": _STRING,
                "taxonomy_term": _TERM,
            }
        ),
    },
)


def assert_hsds(instance: dict, schema: dict) -> None:
    jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())


def all_ids(value) -> list[str]:
    """Every `id` in an answer, however deep (the ids of whole objects, not references)."""
    if isinstance(value, dict):
        found = [value["id"]] if "id" in value else []
        return found + [i for item in value.values() for i in all_ids(item)]
    if isinstance(value, list):
        return [i for item in value for i in all_ids(item)]
    return []


@pytest.fixture
def servizio():
    ente = make_ente(
        nome="Cooperativa Il Girasole",
        forma_giuridica="Cooperativa sociale",
        telefono="02 1234 5678",
        partita_iva="",
    )
    sede = make_sede(
        ente=ente,
        punto=SAN_DONATO,
        nome="Sede di San Donato",
        indirizzo="Via Cesare Battisti 2",
        cap="20097",
        accesso_senza_barriere=True,
        note_accessibilita="Rampa sul retro",
    )
    return make_servizio(
        ente=ente,
        titolo="Asilo nido Il Pulcino",
        descrizione="Nido per bambini da 3 a 36 mesi.",
        categorie=[Categoria.objects.get(codice="infanzia.nido")],
        destinatari=["famiglie", "minori"],
        lingue=["it", "lis"],
        eta_max=3,
        costo="gratuito",
        costo_descrizione="Gratuito per i residenti",
        email="nido@girasole.example",
        telefono="02 9876 5432",
        verificato_il=date(2026, 11, 2),
        sedi=[sede],
        comuni_copertura=[Comune.objects.get(nome="Melegnano")],
        orario="lun 08:00-12:00, 14:00-18:00; ven 22:00-02:00; dom 00:00-00:00",
        eccezioni=[
            orari.Eccezione(date(2026, 12, 25), date(2026, 12, 26), descrizione="Natale"),
            orari.Eccezione(
                date(2026, 12, 31),
                date(2026, 12, 31),
                chiuso=False,
                apertura=time(9),
                chiusura=time(12),
            ),
        ],
    )


def test_the_root_says_the_version_and_where_the_openapi_is(client):
    body = client.get(f"{HSDS}/").json()
    assert body["version"] == "3.1"
    assert body["openapi_url"] == "http://testserver/api/schema/"
    assert client.get(body["openapi_url"], {"format": "json"}).status_code == 200


def test_a_service_in_full_is_hsds_with_its_place_hours_languages_and_categories(client, servizio):
    body = client.get(f"{HSDS}/services/{hsds_id(Oggetto.SERVICE, servizio.pk)}").json()
    assert_hsds(body, SERVICE)
    assert body["name"] == "Asilo nido Il Pulcino"
    assert body["status"] == "active"
    assert body["maximum_age"] == 3
    assert body["assured_date"] == "2026-11-02"
    assert body["additional_urls"][0]["url"] == f"http://testserver/servizi/{servizio.pk}/"
    assert body["organization"]["name"] == "Cooperativa Il Girasole"
    assert body["organization"]["legal_status"] == "Cooperativa sociale"
    assert body["organization"]["organization_identifiers"] == [
        {
            "id": hsds_id(Oggetto.ORGANIZATION_IDENTIFIER, servizio.ente_id, 1),
            "organization_id": body["organization_id"],
            "identifier_type": "Codice fiscale",
            "identifier": servizio.ente.codice_fiscale,
        }
    ]
    assert body["phones"][0]["number"] == "02 9876 5432"

    (at_location,) = body["service_at_locations"]
    place = at_location["location"]
    assert at_location["location_id"] == place["id"]
    assert (place["latitude"], place["longitude"]) == (45.4103, 9.2686)
    assert place["addresses"] == [
        {
            "id": hsds_id(Oggetto.ADDRESS, servizio.sedi.get().pk),
            "location_id": place["id"],
            "address_1": "Via Cesare Battisti 2",
            "city": "San Donato Milanese",
            "region": "Lombardia",
            "state_province": "MI",
            "postal_code": "20097",
            "country": "IT",
            "address_type": "physical",
        }
    ]
    assert place["accessibility"][0]["details"] == "accesso senza barriere"
    assert place["accessibility"][0]["description"] == "Rampa sul retro"

    assert [area["name"] for area in body["service_areas"]] == ["Melegnano"]
    assert [(lang["code"], lang["name"]) for lang in body["languages"]] == [
        ("it", "italiano"),
        ("ise", "LIS (lingua dei segni italiana)"),
    ]
    (cost,) = body["cost_options"]
    assert (cost["amount"], cost["currency"]) == (0, "EUR")
    assert cost["amount_description"] == "Gratuito per i residenti"

    terms = {a["link_type"]: [] for a in body["attributes"]}
    for attribute in body["attributes"]:
        assert attribute["link_id"] == body["id"]
        terms[attribute["link_type"]].append(attribute["taxonomy_term"]["code"])
    assert terms == {"category": ["infanzia.nido"], "audience": ["famiglie", "minori"]}
    nido = body["attributes"][0]["taxonomy_term"]
    infanzia = Categoria.objects.get(codice="infanzia")
    assert nido["parent_id"] == hsds_id(Oggetto.TAXONOMY_TERM, infanzia.pk)


def test_hours_are_weekly_schedules_and_exceptions_are_dated_ones(client, servizio):
    body = client.get(f"{HSDS}/services/{hsds_id(Oggetto.SERVICE, servizio.pk)}").json()
    weekly = [(s["byday"], s["opens_at"], s["closes_at"]) for s in body["schedules"] if "freq" in s]
    assert weekly == [
        ("MO", "08:00", "12:00"),
        ("MO", "14:00", "18:00"),
        ("FR", "22:00", "02:00"),  # into Saturday night
        ("SU", "00:00", "24:00"),  # the whole day
    ]
    dated = [s for s in body["schedules"] if "freq" not in s]
    assert [(s["valid_from"], s["valid_to"], s["description"]) for s in dated] == [
        ("2026-12-25", "2026-12-26", "Chiuso: Natale"),
        ("2026-12-31", "2026-12-31", "Orario speciale"),
    ]
    assert "opens_at" not in dated[0]  # closed: no hours
    assert (dated[1]["opens_at"], dated[1]["closes_at"]) == ("09:00", "12:00")


def test_every_id_is_a_uuid_unique_in_the_answer_and_reads_back(client, servizio):
    body = client.get(f"{HSDS}/services/{hsds_id(Oggetto.SERVICE, servizio.pk)}").json()
    ids = all_ids(body)
    # A term is the same object wherever it appears; every other object appears once.
    objects = [i for i in ids if i.split("-")[1] not in ("0006", "0007")]
    assert len(objects) == len(set(objects)) > 20
    assert all(uuid.UUID(i).version == 8 for i in ids)
    term_id = body["attributes"][0]["taxonomy_term_id"]
    assert client.get(f"{HSDS}/taxonomy_terms/{term_id}").json()["code"] == "infanzia.nido"
    organization = client.get(f"{HSDS}/organizations/{body['organization_id']}").json()
    assert organization["name"] == "Cooperativa Il Girasole"


def test_only_published_services_are_there(client, servizio):
    bozza = make_servizio(ente=servizio.ente, stato="bozza", titolo="Bozza")
    listed = client.get(f"{HSDS}/services").json()
    assert [s["name"] for s in listed["contents"]] == ["Asilo nido Il Pulcino"]
    assert client.get(f"{HSDS}/services/{hsds_id(Oggetto.SERVICE, bozza.pk)}").status_code == 404
    organization = client.get(
        f"{HSDS}/organizations/{hsds_id(Oggetto.ORGANIZATION, servizio.ente_id)}"
    ).json()
    assert [s["name"] for s in organization["services"]] == ["Asilo nido Il Pulcino"]
    assert organization["locations"][0]["name"] == "Sede di San Donato"


def test_an_id_of_another_kind_or_not_ours_is_not_found(client, servizio):
    for wrong in (
        hsds_id(Oggetto.ORGANIZATION, servizio.pk),  # the same number, another kind
        str(uuid.uuid4()),
        "asilo",
    ):
        response = client.get(f"{HSDS}/services/{wrong}")
        assert response.status_code == 404
        assert response.json()["detail"] == "Nessun servizio pubblicato con questo id."


def test_services_at_their_places_one_entry_each_with_place_and_service(client, servizio):
    second_place = make_sede(ente=servizio.ente, nome="Sede di Melegnano")
    servizio_update(servizio=servizio, sedi=[*servizio.sedi.all(), second_place])
    make_servizio(ente=servizio.ente, titolo="Solo a domicilio")  # no place: not listed
    make_servizio(ente=servizio.ente, sedi=[second_place], stato="bozza")  # not published
    body = client.get(f"{HSDS}/service_at_locations").json()
    assert body["total_items"] == 2
    entries = body["contents"]
    assert [(e["location"]["name"], e["service"]["name"]) for e in entries] == [
        ("Sede di San Donato", "Asilo nido Il Pulcino"),
        ("Sede di Melegnano", "Asilo nido Il Pulcino"),
    ]
    for entry in entries:
        assert entry["location_id"] == entry["location"]["id"]
        assert entry["service_id"] == entry["service"]["id"]
        assert_hsds(entry["location"], _LOCATION)
        assert_hsds(entry["service"], SERVICE)
        assert "schedules" not in entry["service"]  # the list's form
    # Its id is the one the service in full gives it, and opens it with the service in full.
    service = client.get(f"{HSDS}/services/{hsds_id(Oggetto.SERVICE, servizio.pk)}").json()
    assert [e["id"] for e in service["service_at_locations"]] == [e["id"] for e in entries]
    one = client.get(f"{HSDS}/service_at_locations/{entries[1]['id']}").json()
    assert one["location"]["name"] == "Sede di Melegnano"
    assert one["service"]["schedules"] and one["service"]["name"] == "Asilo nido Il Pulcino"
    full = client.get(f"{HSDS}/service_at_locations", {"full": "true"}).json()["contents"]
    assert full[0]["service"] == service


def test_a_service_at_a_place_not_published_or_not_ours_is_not_found(client, servizio):
    sede = servizio.sedi.get()
    bozza = make_servizio(ente=servizio.ente, sedi=[sede], stato="bozza")
    for wrong in (
        hsds_id(Oggetto.SERVICE_AT_LOCATION, sede.pk, bozza.pk),
        hsds_id(Oggetto.SERVICE_AT_LOCATION, sede.pk + 1, servizio.pk),
        hsds_id(Oggetto.SERVICE, servizio.pk),
        "sede",
    ):
        response = client.get(f"{HSDS}/service_at_locations/{wrong}")
        assert response.status_code == 404
        assert response.json()["detail"] == (
            "Nessun servizio pubblicato in una sede con questo id."
        )


def test_services_at_their_places_are_filtered_as_the_services_are(client, servizio):
    ente = make_ente()
    altro = make_servizio(ente=ente, sedi=[make_sede(ente=ente)])
    body = client.get(
        f"{HSDS}/service_at_locations",
        {"organization_id": hsds_id(Oggetto.ORGANIZATION, altro.ente_id)},
    ).json()
    assert [e["service"]["name"] for e in body["contents"]] == [altro.titolo]
    response = client.get(f"{HSDS}/service_at_locations", {"postcode": "20097"})
    assert response.status_code == 400 and list(response.json()) == ["postcode"]


def test_lists_are_hsds_pages_in_a_stable_order(client):
    ente = make_ente()
    servizi = [make_servizio(ente=ente, titolo=f"Servizio {n}") for n in range(5)]
    first = client.get(f"{HSDS}/services", {"per_page": 2}).json()
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    walked = []
    for page in (1, 2, 3):
        body = client.get(f"{HSDS}/services", {"per_page": 2, "page": page}).json()
        walked += [s["id"] for s in body["contents"]]
    assert walked == [hsds_id(Oggetto.SERVICE, s.pk) for s in servizi]
    assert body["last_page"] is True
    beyond = client.get(f"{HSDS}/services", {"per_page": 2, "page": 4}).json()
    assert (beyond["empty"], beyond["size"], beyond["contents"]) == (True, 0, [])
    for item in first["contents"]:
        assert_hsds(item, SERVICE)
        assert "schedules" not in item  # the list's form: the service's own fields


@pytest.mark.parametrize("path", ["services", "service_at_locations"])
@pytest.mark.parametrize("full", ["true", "false"])
def test_a_page_reads_in_the_same_statements_whatever_its_size(client, servizio, path, full):
    def statements(per_page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(f"{HSDS}/{path}", {"full": full, "per_page": per_page}).json()
        assert body["size"] == per_page
        return len(captured)

    for _n in range(5):
        make_servizio(
            ente=servizio.ente,
            sedi=list(servizio.sedi.all()),
            orario="mar 09:00-12:00",
            lingue=["en"],
        )
    assert statements(1) == statements(6)
    if path == "services":
        for item in client.get(f"{HSDS}/services", {"full": full}).json()["contents"]:
            assert_hsds(item, SERVICE)


def test_services_are_filtered_by_provider_term_taxonomy_and_date(client, servizio):
    altro_ente = make_ente()
    anziani = make_servizio(ente=altro_ente, destinatari=["anziani"])
    nido_id = hsds_id(Oggetto.TAXONOMY_TERM, Categoria.objects.get(codice="infanzia.nido").pk)
    infanzia_id = hsds_id(Oggetto.TAXONOMY_TERM, Categoria.objects.get(codice="infanzia").pk)
    anziani_term = next(
        t["id"]
        for t in client.get(f"{HSDS}/taxonomy_terms", {"per_page": 200}).json()["contents"]
        if t["code"] == "anziani" and t["taxonomy"] == "Destinatari"
    )

    def names(**params) -> list[str]:
        body = client.get(f"{HSDS}/services", params).json()
        return [s["name"] for s in body["contents"]]

    assert names(organization_id=hsds_id(Oggetto.ORGANIZATION, altro_ente.pk)) == [anziani.titolo]
    assert names(taxonomy_term_id=nido_id) == ["Asilo nido Il Pulcino"]
    assert names(taxonomy_term_id=infanzia_id) == ["Asilo nido Il Pulcino"]  # and below it
    assert names(taxonomy_term_id=anziani_term) == [anziani.titolo]
    assert names(taxonomy_id=hsds_id(Oggetto.TAXONOMY, 2)) == [
        "Asilo nido Il Pulcino",
        anziani.titolo,
    ]
    Servizio.objects.filter(pk=servizio.pk).update(
        aggiornato_il=timezone.now() - timedelta(days=10)
    )
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert names(modified_after=since) == [anziani.titolo]
    minimal = client.get(f"{HSDS}/services", {"minimal": "true"}).json()["contents"]
    assert set(minimal[0]) == {"id", "last_modified"}


def test_search_reads_italian_words_as_the_site_does(client, django_capture_on_commit_callbacks):
    ente = make_ente()
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows
        make_servizio(
            ente=ente,
            titolo="Asilo nido Il Pulcino",
            categorie=[Categoria.objects.get(codice="infanzia.nido")],
            sedi=[make_sede(ente=ente)],
        )
        make_servizio(titolo="Assistenza domiciliare anziani")

    def names(text: str) -> list[str]:
        return [
            s["name"] for s in client.get(f"{HSDS}/services", {"search": text}).json()["contents"]
        ]

    assert names("asili") == ["Asilo nido Il Pulcino"]  # the stem
    assert names("domiciliàre") == ["Assistenza domiciliare anziani"]  # accents folded
    assert names("pulc") == ["Asilo nido Il Pulcino"]  # the last word as a prefix
    assert names("lavanderia") == []
    at_places = client.get(f"{HSDS}/service_at_locations", {"search": "asili"}).json()
    assert [e["service"]["name"] for e in at_places["contents"]] == ["Asilo nido Il Pulcino"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "0"}, "page", "maggiore o uguale a 1"),
        ({"per_page": "201"}, "per_page", "minore o uguale a 200"),
        ({"per_page": "molti"}, "per_page", "numero intero valido"),
        ({"full": "forse"}, "full", "true o false"),
        ({"search": "x" * 201}, "search", "200"),
        ({"search": "di per la"}, "search", "Nessuna parola da cercare"),
        ({"organization_id": "girasole"}, "organization_id", "non è un id di questo catalogo"),
        (
            {"organization_id": hsds_id(Oggetto.ORGANIZATION, 10**9)},
            "organization_id",
            "Nessun ente con questo id",
        ),
        (
            {"taxonomy_term_id": hsds_id(Oggetto.TAXONOMY_TERM, 10**9)},
            "taxonomy_term_id",
            "Nessun termine",
        ),
        ({"taxonomy_id": hsds_id(Oggetto.TAXONOMY, 9)}, "taxonomy_id", "Nessuna tassonomia"),
        ({"modified_after": "ieri"}, "modified_after", "formato errato"),
        ({"modified_after": "0001-01-01T00:00"}, "modified_after", "1900 e 2999"),
    ],
)
def test_a_wrong_parameter_is_a_400_naming_it(client, params, field, message):
    response = client.get(f"{HSDS}/services", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]


def test_the_taxonomies_and_their_terms(client):
    taxonomies = client.get(f"{HSDS}/taxonomies").json()["contents"]
    assert [t["name"] for t in taxonomies] == ["Bisogni del welfare territoriale", "Destinatari"]
    assert client.get(f"{HSDS}/taxonomies/{taxonomies[1]['id']}").json() == taxonomies[1]

    def codes(**params) -> list[str]:
        body = client.get(f"{HSDS}/taxonomy_terms", {"per_page": 200, **params}).json()
        for term in body["contents"]:
            assert_hsds(term, _TERM)
        return [t["code"] for t in body["contents"]]

    every = codes()
    assert len(every) == Categoria.objects.count() + 6
    assert codes(taxonomy_id=taxonomies[1]["id"]) == [
        "famiglie",
        "minori",
        "anziani",
        "disabili",
        "lavoratori",
        "imprese",
    ]
    top = codes(taxonomy_id=taxonomies[0]["id"], top_only="true")
    assert "infanzia" in top and not any("." in code for code in top)
    infanzia = Categoria.objects.get(codice="infanzia")
    below = codes(parent_id=hsds_id(Oggetto.TAXONOMY_TERM, infanzia.pk))
    assert below and all(code.startswith("infanzia.") for code in below)
    unknown_term = hsds_id(Oggetto.TAXONOMY_TERM, 10**9)
    assert client.get(f"{HSDS}/taxonomy_terms/{unknown_term}").status_code == 404
    unknown_parent = client.get(f"{HSDS}/taxonomy_terms", {"parent_id": unknown_term})
    assert unknown_parent.status_code == 400
    assert unknown_parent.json() == {
        "parent_id": ["Nessun termine delle tassonomie con questo id."]
    }
    assert codes(search="nursery") == ["infanzia.nido"]  # its English name


def test_organizations_are_listed_and_searched_by_name(client, servizio):
    make_ente(nome="Comune di Melegnano", tipo="pubblico")
    body = client.get(f"{HSDS}/organizations", {"search": "girasole"}).json()
    assert [o["name"] for o in body["contents"]] == ["Cooperativa Il Girasole"]
    for organization in body["contents"]:
        assert_hsds(organization, _ORGANIZATION)


@pytest.mark.parametrize(
    ("path", "param", "message"),
    [
        ("services", "postcode", "/api/v1/cerca/"),
        ("services", "proximity", "/api/v1/cerca/"),
        ("organizations", "full", "/api/hsds/organizations/{id}"),
        ("organizations", "full_service", "/api/hsds/organizations/{id}"),
        ("organizations", "taxonomy_term_id", "/api/hsds/services"),
        ("organizations", "taxonomy_id", "/api/hsds/services"),
    ],
)
def test_an_hsds_parameter_not_offered_is_a_400_saying_what_to_use(client, path, param, message):
    response = client.get(f"{HSDS}/{path}", {param: "20097"})
    assert response.status_code == 400
    (reason,) = response.json()[param]
    assert reason.startswith("Non disponibile") and message in reason


def test_the_paths_take_a_final_slash_too(client, servizio):
    assert client.get(f"{HSDS}/services/").json()["total_items"] == 1
    assert client.get(f"{HSDS}/taxonomies/").status_code == 200


def test_the_count_kept_between_pages_follows_every_change_of_the_catalogue(
    client, settings, django_capture_on_commit_callbacks
):
    """The count of a list is kept (the search's memo) while the catalogue stays the
    same: a service published, or taken back to draft, shows on the next page asked."""
    settings.SEARCH_MEMO = True
    memo_clear()

    def total() -> int:
        return client.get(f"{HSDS}/services", {"per_page": 1}).json()["total_items"]

    try:
        with django_capture_on_commit_callbacks(execute=True):
            primo = make_servizio()
        assert total() == 1
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{HSDS}/services", {"page": 2, "per_page": 1}).json()["empty"]
        assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)
        with django_capture_on_commit_callbacks(execute=True):
            make_servizio()
        assert total() == 2
        with django_capture_on_commit_callbacks(execute=True):
            servizio_update(servizio=primo, stato="bozza")
        assert total() == 1
    finally:
        memo_clear()


def test_the_words_of_an_answer_are_in_the_reader_s_language(client, servizio):
    path = f"{HSDS}/services/{hsds_id(Oggetto.SERVICE, servizio.pk)}"

    def words(language: str) -> tuple:
        body = client.get(path, HTTP_ACCEPT_LANGUAGE=language).json()
        nido, *_others, minori = (a["taxonomy_term"] for a in body["attributes"])
        return (
            body["cost_options"][0]["option"],
            body["schedules"][-2]["description"],
            (nido["name"], nido["language"]),
            (minori["taxonomy"], minori["name"], minori["language"]),
        )

    nido = Categoria.objects.get(codice="infanzia.nido")
    italian = (
        "Gratuito",
        "Chiuso: Natale",
        (nido.nome, "it"),
        ("Destinatari", "Bambini e ragazzi", "it"),
    )
    assert words("it") == italian
    assert words("en") == (
        "Free",
        "Closed: Natale",
        (nido.nome_en, "en"),
        ("Target groups", "Children and young people", "en"),
    )
    assert nido.nome_en and nido.nome_en != nido.nome
    assert words("it") == italian
