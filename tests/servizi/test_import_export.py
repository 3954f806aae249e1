"""Import of services from CSV and XLSX (all or nothing), export to CSV and GeoJSON."""

from __future__ import annotations

import csv
import json
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from geo_data.models import Comune
from servizi.io import (
    COLUMNS,
    MAX_ROWS,
    export_queryset,
    export_servizi_csv,
    export_servizi_geojson,
    exported,
    import_servizi,
    servizio_row,
)
from servizi.models import Categoria, Sede, Servizio, StatoServizio, TipoEnte
from servizi.services import ente_create
from tests.conftest import MUNICIPIO_SAN_DONATO
from tests.servizi.builders import MELEGNANO, SAN_DONATO, make_sede, make_servizio

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "esempi" / "servizi-esempio.csv"
CF_SAN_DONATO = "01114601006"
CF_COOPERATIVA = "02867350155"


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_superuser("redazione", "r@example.org", "x")


@pytest.fixture
def ente():
    return ente_create(
        nome="Comune di San Donato Milanese", tipo=TipoEnte.PUBBLICO, codice_fiscale=CF_SAN_DONATO
    )


@pytest.fixture
def cooperativa():
    return ente_create(
        nome="Cooperativa Il Melograno", tipo=TipoEnte.TERZO_SETTORE, codice_fiscale=CF_COOPERATIVA
    )


def _csv(rows: list[dict], *, delimiter: str = ",", columns=COLUMNS) -> bytes:
    out = StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _row(**cells) -> dict:
    base = {
        "ente_codice_fiscale": CF_SAN_DONATO,
        "titolo": "Baby-sitting a chiamata",
        "categorie": "infanzia.baby-sitting",
        "modalita_accesso": "prenotazione",
        "costo": "a_pagamento",
    }
    return {**base, **cells}


def _errors(report) -> set[tuple]:
    return {(e.row, e.column) for e in report.errors}


def _reason(report, row: int, column: str) -> str:
    return " ".join(e.reason for e in report.errors if (e.row, e.column) == (row, column))


# --- Import ------------------------------------------------------------------------------


def test_a_valid_csv_imports_its_services_with_their_place_and_schedule(ente, curator):
    with EXAMPLE.open("rb") as file:
        report = import_servizi(file, filename=EXAMPLE.name, actor=curator, dry_run=False)

    assert report.ok, report.errors
    assert (report.created, report.sedi_created, report.rows) == (3, 2, 3)
    nido = Servizio.objects.get(titolo="Asilo nido comunale Il Girasole")
    assert nido.ente == ente
    assert set(nido.categorie.values_list("codice", flat=True)) == {"infanzia", "infanzia.nido"}
    assert (nido.destinatari, nido.eta_min, nido.eta_max) == (["famiglie", "minori"], 0, 3)
    assert (nido.modalita_accesso, nido.costo, nido.stato) == (
        "prenotazione",
        "tariffa_agevolata",
        "pubblicato",
    )
    assert nido.lingue == ["it", "en"]
    sede = nido.sedi.get()
    assert (sede.indirizzo, sede.cap, sede.comune.nome) == (
        "Via Cesare Battisti 2",
        "20097",
        "San Donato Milanese",
    )
    assert sede.punto.distance(MUNICIPIO_SAN_DONATO) < 1e-6
    assert len(nido.orario.fasce_logiche()) == 5  # lun-ven
    centro = Servizio.objects.get(titolo="Centro diurno anziani")
    assert centro.sedi.get().comune.nome == "Melegnano"
    assert len(centro.orario.fasce_logiche()) == 11  # 2 a day Monday to Friday, and Saturday
    domicilio = Servizio.objects.get(titolo="Assistenza domiciliare anziani")
    assert not domicilio.sedi.exists() and domicilio.orario is None
    assert set(domicilio.comuni_copertura.values_list("nome", flat=True)) == {
        "San Donato Milanese",
        "Melegnano",
    }
    assert domicilio.stato == StatoServizio.BOZZA
    assert nido.history.first().history_user == curator


def test_a_dry_run_saves_nothing_and_says_what_it_would_create(ente, curator):
    report = import_servizi(EXAMPLE.read_bytes(), filename="x.csv", actor=curator, dry_run=True)

    assert report.ok and report.dry_run
    assert (report.created, report.sedi_created) == (3, 2)
    assert not Servizio.objects.exists()
    assert not Sede.objects.exists()
    assert report.as_dict()["created"] == 3


def test_one_bad_row_among_good_ones_saves_nothing_and_every_bad_cell_is_reported(ente, curator):
    data = _csv(
        [
            _row(titolo="Buono"),  # row 2
            _row(categorie="infanzia.asilo|infanzia"),  # 3
            _row(
                sede_indirizzo="Piazza del Colosseo", sede_cap="00184", lat="41.89", lon="12.49"
            ),  # 4
            _row(eta_min="10", eta_max="3"),  # 5
            _row(orario="lun 09:00-12:00, 11:00-13:00"),  # 6
            _row(ente_codice_fiscale="12345678903"),  # 7
            _row(modalita_accesso="xyz", costo=""),  # 8
            _row(titolo="Anche buono"),  # 9
        ]
    )
    report = import_servizi(data, filename="servizi.csv", actor=curator, dry_run=False)

    assert not report.ok and report.created == 0
    assert not Servizio.objects.exists() and not Sede.objects.exists()
    assert _errors(report) == {
        (3, "categorie"),
        (4, "lat"),
        (5, "eta_max"),
        (6, "orario"),
        (7, "ente_codice_fiscale"),
        (8, "modalita_accesso"),
        (8, "costo"),
    }
    assert _reason(report, 3, "categorie") == "Categoria sconosciuta: 'infanzia.asilo'"
    assert "non cade in nessun Comune" in _reason(report, 4, "lat")
    assert "minore di quella minima" in _reason(report, 5, "eta_max")
    assert "si sovrappongono" in _reason(report, 6, "orario")
    assert "Nessun ente con codice fiscale '12345678903'" in _reason(
        report, 7, "ente_codice_fiscale"
    )
    assert _reason(report, 8, "modalita_accesso") == (
        "Valore sconosciuto 'xyz': valori ammessi: diretto, prenotazione, invio_servizi_sociali"
    )
    assert _reason(report, 8, "costo") == "Campo obbligatorio."


def test_a_row_with_several_problems_reports_them_all(ente, curator):
    data = _csv(
        [
            _row(
                ente_codice_fiscale="12345678903",
                lat="41.89",
                lon="12.49",
                sede_indirizzo="Via Roma 1",
                sede_cap="00100",
                eta_min="10",
                eta_max="3",
                email="non-una-email",
                destinatari="famiglie|marziani",
                comuni_copertura="015192|999999",
            )
        ]
    )
    report = import_servizi(data, filename="s.csv", actor=curator, dry_run=True)

    assert _errors(report) == {
        (2, "ente_codice_fiscale"),
        (2, "lat"),
        (2, "eta_max"),
        (2, "email"),
        (2, "destinatari"),
        (2, "comuni_copertura"),
    }
    assert "'999999'" in _reason(report, 2, "comuni_copertura")


def test_a_referent_imports_only_for_their_own_ente(ente, cooperativa, django_user_model):
    referente = django_user_model.objects.create_user("referente", password="x")
    ente.referenti.add(referente)
    data = _csv([_row(), _row(ente_codice_fiscale=CF_COOPERATIVA)])

    report = import_servizi(data, filename="s.csv", actor=referente, dry_run=False)

    assert _errors(report) == {(3, "ente_codice_fiscale")}
    assert "Cooperativa Il Melograno" in report.errors[0].reason
    assert not Servizio.objects.exists()
    ok = import_servizi(_csv([_row()]), filename="s.csv", actor=referente, dry_run=False)
    assert ok.ok and ok.created == 1


def test_an_xlsx_file_imports_the_same_way(ente, curator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.upper() for c in COLUMNS])  # header names are case-insensitive
    values = {
        "ente_codice_fiscale": 1114601006,  # a number: the spreadsheet dropped the 0
        "titolo": "Pre e post scuola",
        "categorie": "infanzia.pre-post-scuola",
        "eta_min": 6,
        "eta_max": 11.0,
        "modalita_accesso": "prenotazione",
        "costo": "a_pagamento",
        "sede_indirizzo": "Via Cesare Battisti 2",
        "sede_cap": 20097,
        "lat": 45.4103,
        "lon": 9.2686,
        "comuni_copertura": 15192,
        "orario": "lun-ven 07:30-08:30, 16:30-18:00",
    }
    sheet.append([values.get(c) for c in COLUMNS])
    sheet.append([None] * len(COLUMNS))  # an empty row is skipped
    buffer = BytesIO()
    workbook.save(buffer)

    report = import_servizi(
        buffer.getvalue(), filename="servizi.xlsx", actor=curator, dry_run=False
    )

    assert report.ok, report.errors
    servizio = Servizio.objects.get()
    assert (servizio.eta_min, servizio.eta_max) == (6, 11)
    assert servizio.sedi.get().comune.codice_istat == "015192"
    assert list(servizio.comuni_copertura.values_list("codice_istat", flat=True)) == ["015192"]
    assert len(servizio.orario.fasce_logiche()) == 10


def test_an_xlsx_with_an_error_reports_the_spreadsheet_row(ente, curator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append([_row().get(c) for c in COLUMNS])
    sheet.append([_row(categorie="infanzia.asilo").get(c) for c in COLUMNS])
    buffer = BytesIO()
    workbook.save(buffer)

    # No extension: recognised from the content.
    report = import_servizi(buffer.getvalue(), filename="upload", actor=curator, dry_run=False)

    assert _errors(report) == {(3, "categorie")}


def test_a_semicolon_csv_with_bom_and_decimal_commas_imports(ente, curator):
    data = _csv(
        [
            _row(
                sede_indirizzo="Piazza Risorgimento 1",
                sede_cap="20077",
                lat="45,3573",
                lon="9,3237",
            )
        ],
        delimiter=";",
    )
    report = import_servizi(b"\xef\xbb\xbf" + data, filename="s.csv", actor=curator, dry_run=False)

    assert report.ok, report.errors
    assert Servizio.objects.get().sedi.get().comune.nome == "Melegnano"


def test_an_existing_place_of_the_ente_is_reused(ente, curator):
    sede = dict(
        sede_indirizzo="Via Cesare Battisti 2", sede_cap="20097", lat="45.4103", lon="9.2686"
    )
    data = _csv(
        [
            _row(titolo="Uno", **sede),
            _row(titolo="Due", **{**sede, "sede_indirizzo": "via cesare battisti 2"}),
        ]
    )

    report = import_servizi(data, filename="s.csv", actor=curator, dry_run=False)

    assert (report.created, report.sedi_created) == (2, 1)
    assert Sede.objects.count() == 1
    assert Sede.objects.get().nome == "Via Cesare Battisti 2"  # no name given: the address


def test_a_service_in_several_places_lists_them_with_bars(ente, curator):
    data = _csv(
        [
            _row(
                sede_nome="Municipio|Centro civico",
                sede_indirizzo="Via Cesare Battisti 2|Piazza Risorgimento 1",
                sede_cap="20097|20077",
                lat="45.4103|45.3573",
                lon="9.2686|9.3237",
            ),
            _row(
                sede_indirizzo="Via A|Via B", sede_cap="20097", lat="45.41|45.35", lon="9.26|9.32"
            ),
        ]
    )
    report = import_servizi(data, filename="s.csv", actor=curator, dry_run=True)
    assert _errors(report) == {(3, "sede_cap")}
    assert "le sedi sono 2" in _reason(report, 3, "sede_cap")

    report = import_servizi(
        data.splitlines()[0] + b"\n" + data.splitlines()[1],
        filename="s.csv",
        actor=curator,
        dry_run=False,
    )

    assert report.ok and report.sedi_created == 2
    servizio = Servizio.objects.get()
    assert sorted(servizio.sedi.values_list("comune__nome", flat=True)) == [
        "Melegnano",
        "San Donato Milanese",
    ]
    (servizio,) = exported(export_queryset(pubblicati=False))
    row = servizio_row(servizio)
    assert row["sede_nome"] == "Municipio|Centro civico"
    assert row["lat"] == "45.4103|45.3573"


def test_missing_required_and_unknown_columns_are_file_level_errors(ente, curator):
    columns = [c for c in COLUMNS if c != "costo"] + ["colore"]
    report = import_servizi(
        _csv([_row()], columns=columns), filename="s.csv", actor=curator, dry_run=False
    )

    assert _errors(report) == {(1, "costo"), (1, "colore")}
    assert "Manca la colonna obbligatoria 'costo'" in _reason(report, 1, "costo")
    assert "Colonna sconosciuta 'colore'" in _reason(report, 1, "colore")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        ("titolo,città\nAsilo,Comò\n".encode("latin-1"), "s.csv", "non è in UTF-8"),
        (b"", "s.csv", "vuoto"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "s.xls", ".xls"),
        (b"PK\x03\x04 not really a zip", "s.xlsx", "XLSX non si può leggere"),
        (b"x" * (5 * 1024 * 1024 + 1), "s.csv", "5 MB"),
    ],
)
def test_unreadable_files_get_a_clear_error(data, filename, message, curator):
    report = import_servizi(data, filename=filename, actor=curator, dry_run=False)

    assert [(e.row, e.column) for e in report.errors] == [(None, "")]
    assert message in report.errors[0].reason


def test_too_many_rows_are_refused_before_anything_is_done(ente, curator):
    line = ",".join(_row().get(c, "") for c in COLUMNS)
    data = (",".join(COLUMNS) + "\n" + (line + "\n") * (MAX_ROWS + 1)).encode()

    report = import_servizi(data, filename="s.csv", actor=curator, dry_run=True)

    assert len(report.errors) == 1 and "10.000" in report.errors[0].reason


# --- Export ------------------------------------------------------------------------------


def _import_example(curator):
    report = import_servizi(EXAMPLE.read_bytes(), filename="x.csv", actor=curator, dry_run=False)
    assert report.ok, report.errors


def test_an_exported_csv_imports_again_identically(ente, curator):
    _import_example(curator)
    Servizio.objects.filter(titolo="Centro diurno anziani").update(titolo='=HYPERLINK("x")')
    out = StringIO()
    assert export_servizi_csv(export_queryset(pubblicati=False), out) == 3
    assert out.getvalue().splitlines()[0] == ",".join(COLUMNS)
    assert "'=HYPERLINK" in out.getvalue()  # a spreadsheet shows it, never runs it

    report = import_servizi(
        out.getvalue().encode(), filename="export.csv", actor=curator, dry_run=False
    )

    assert report.ok, report.errors
    assert (report.created, report.sedi_created) == (3, 0)  # the places are reused
    exports = exported(export_queryset(pubblicati=False))
    rows = sorted((servizio_row(s) for s in exports), key=str)
    assert len(rows) == 6
    assert rows[0::2] == rows[1::2]  # every service twice, identical
    assert Servizio.objects.filter(titolo='=HYPERLINK("x")').count() == 2


def test_the_geojson_export_puts_each_place_on_the_map(ente, curator):
    _import_example(curator)

    collection = _geojson(export_queryset(pubblicati=False))

    assert collection["type"] == "FeatureCollection"
    by_title = {f["properties"]["titolo"]: f for f in collection["features"]}
    nido = by_title["Asilo nido comunale Il Girasole"]
    assert nido["geometry"] == {"type": "Point", "coordinates": [9.2686, 45.4103]}
    assert nido["properties"]["comune"] == "San Donato Milanese"
    assert nido["properties"]["ente"] == "Comune di San Donato Milanese"
    assert nido["properties"]["tipo_ente"] == "pubblico"
    assert nido["properties"]["categorie"] == ["infanzia", "infanzia.nido"]
    assert set(nido["properties"]) >= {"id", "costo", "indirizzo", "stato", "demo"}
    domicilio = by_title["Assistenza domiciliare anziani"]
    assert domicilio["geometry"] is None
    assert domicilio["properties"]["comuni_copertura"] == ["015140", "015192"]
    published = _geojson(export_queryset())
    assert len(published["features"]) == 2  # the draft is not public


def test_every_related_row_of_a_chunk_is_read_at_once_and_written_in_its_column(ente):
    """The exports read a chunk's places, categories, Comuni served and hours in four
    statements, however many services it holds: as model instances, through the ORM's
    prefetching, they wrote about 1,450 services a second, more than ten minutes of a
    worker's CPU for the public file at a million services.

    They read in a transaction of their own: outside of one, Django's server-side cursor
    is declared WITH HOLD, and PostgreSQL computes the whole result before the first row
    (at a million services, 3.7 s and half a gigabyte of temporary file)."""
    categorie = Categoria.objects.filter(codice__in=["anziani", "disabilita"])
    comuni = Comune.objects.filter(codice_istat__in=["015192", "015140"])
    sedi = [
        make_sede(ente, nome="Centro civico", punto=MELEGNANO, cap="20077"),
        make_sede(ente, nome="Municipio", punto=SAN_DONATO, cap="20097"),
    ]
    make_servizio(
        ente,
        titolo="Centro diurno",
        categorie=categorie,
        sedi=sedi,
        comuni_copertura=comuni,
        orario="lun-ven 09:00-12:30, 14:00-17:00; sab 22:00-02:00",
        eta_min=65,
        lingue=["it", "en"],
    )
    make_servizio(ente, titolo="Orario da definire", orario="")
    make_servizio(ente, titolo="Solo a domicilio", comuni_copertura=comuni)

    transactions_open = len(connection.savepoint_ids)  # the test's own
    with CaptureQueriesContext(connection) as captured:
        services = exported(export_queryset())
        first = next(services)
        assert len(connection.savepoint_ids) == transactions_open + 1
        rows = {row["titolo"]: row for row in map(servizio_row, [first, *services])}
    assert len(connection.savepoint_ids) == transactions_open

    statements = [q for q in captured if "SAVEPOINT" not in q["sql"]]  # the transaction's
    assert len(statements) == 1 + 4  # the services, then their related rows
    centro = rows["Centro diurno"]
    assert centro["categorie"] == "anziani|disabilita"
    assert centro["sede_nome"] == "Centro civico|Municipio"  # in the order they were added
    assert (centro["sede_cap"], centro["lat"], centro["lon"]) == (
        "20077|20097",
        "45.3573|45.4103",
        "9.3237|9.2686",
    )
    assert centro["comuni_copertura"] == "015140|015192"
    assert centro["orario"] == (
        "lun 09:00-12:30, 14:00-17:00; mar 09:00-12:30, 14:00-17:00; "
        "mer 09:00-12:30, 14:00-17:00; gio 09:00-12:30, 14:00-17:00; "
        "ven 09:00-12:30, 14:00-17:00; sab 22:00-02:00"
    )
    assert (centro["eta_min"], centro["eta_max"], centro["lingue"]) == ("65", "", "it|en")
    assert (rows["Orario da definire"]["orario"], rows["Orario da definire"]["sede_nome"]) == (
        "",
        "",
    )
    assert rows["Solo a domicilio"]["comuni_copertura"] == "015140|015192"


def _geojson(queryset) -> dict:
    out = StringIO()
    count = export_servizi_geojson(queryset, out)
    collection = json.loads(out.getvalue())
    assert count == len({f["properties"]["id"] for f in collection["features"]})
    return collection


# --- Commands ----------------------------------------------------------------------------


def test_the_import_command_prints_the_errors_and_fails(ente, tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(_csv([_row(), _row(categorie="infanzia.asilo")]))
    out = StringIO()

    with pytest.raises(CommandError, match="nessun servizio importato"):
        call_command("import_servizi", str(path), stdout=out)

    assert "riga | colonna" in out.getvalue()
    assert "   3 | categorie | Categoria sconosciuta: 'infanzia.asilo'" in out.getvalue()
    assert not Servizio.objects.exists()


def test_the_import_command_acts_as_curator_or_as_the_given_user(ente, tmp_path, django_user_model):
    path = tmp_path / "s.csv"
    path.write_bytes(_csv([_row()]))
    out = StringIO()
    call_command("import_servizi", str(path), "--dry-run", stdout=out)
    assert "creerebbe 1 servizi" in out.getvalue() and not Servizio.objects.exists()

    django_user_model.objects.create_user("estraneo", password="x")
    with pytest.raises(CommandError):
        call_command("import_servizi", str(path), "--utente", "estraneo", stdout=StringIO())
    call_command("import_servizi", str(path), stdout=out)
    assert Servizio.objects.count() == 1


def test_the_export_command_writes_published_services_or_all(ente, curator, tmp_path):
    _import_example(curator)
    path = tmp_path / "servizi.csv"
    call_command("export_servizi", "--formato", "csv", "--output", str(path), stderr=StringIO())
    assert len(list(csv.DictReader(StringIO(path.read_text(encoding="utf-8-sig"))))) == 2
    out = StringIO()
    call_command("export_servizi", "--formato", "geojson", "--tutti", stdout=out)
    assert len(json.loads(out.getvalue())["features"]) == 3


# --- API ---------------------------------------------------------------------------------


def _upload(data: bytes, name: str = "servizi.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.urls("tests.servizi.io_test_urls")
def test_api_import_answers_with_the_report(ente, curator, client):
    client.force_login(curator)
    bad = client.post(
        "/api/v1/servizi/import/", {"file": _upload(_csv([_row(), _row(costo="caro")]))}
    )
    assert bad.status_code == 400
    assert bad.json()["ok"] is False
    assert bad.json()["errors"] == [
        {
            "row": 3,
            "column": "costo",
            "reason": "Valore sconosciuto 'caro': valori ammessi: gratuito, a_pagamento, "
            "tariffa_agevolata",
        }
    ]

    dry = client.post(
        "/api/v1/servizi/import/", {"file": _upload(_csv([_row()])), "dry_run": "true"}
    )
    assert dry.status_code == 200 and dry.json()["created"] == 1
    assert not Servizio.objects.exists()

    created = client.post("/api/v1/servizi/import/", {"file": _upload(_csv([_row(), _row()]))})
    assert created.status_code == 201
    assert created.json() == {
        "ok": True,
        "dry_run": False,
        "rows": 2,
        "created": 2,
        "sedi_created": 0,
        "errors": [],
    }
    assert Servizio.objects.count() == 2


@pytest.mark.urls("tests.servizi.io_test_urls")
def test_api_import_without_a_file_names_the_field(curator, client):
    client.force_login(curator)
    missing = client.post("/api/v1/servizi/import/", {})
    assert missing.status_code == 400 and "file" in missing.json()
    empty = client.post("/api/v1/servizi/import/", {"file": _upload(b"")})
    assert empty.status_code == 400 and "file" in empty.json()


@pytest.mark.urls("tests.servizi.io_test_urls")
def test_api_import_is_refused_to_anonymous_users(ente, client):
    response = client.post("/api/v1/servizi/import/", {"file": _upload(_csv([_row()]))})
    assert response.status_code in {401, 403}
    assert not Servizio.objects.exists()


@pytest.mark.urls("tests.servizi.io_test_urls")
def test_api_exports_are_public_and_only_published(ente, curator, client):
    _import_example(curator)

    response = client.get("/api/v1/servizi/export.csv", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="servizi.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [r["titolo"] for r in csv.DictReader(StringIO(text))] == [
        "Asilo nido comunale Il Girasole",
        "Centro diurno anziani",
    ]

    geo = client.get("/api/v1/servizi/export.geojson")
    assert geo.status_code == 200
    assert geo["Content-Type"] == "application/geo+json"
    assert geo["Content-Disposition"] == 'attachment; filename="servizi.geojson"'
    body = json.loads(b"".join(geo.streaming_content))
    assert {f["properties"]["stato"] for f in body["features"]} == {"pubblicato"}
    assert len(body["features"]) == 2


@pytest.mark.urls("tests.servizi.io_test_urls")
def test_api_exports_are_sent_as_written_a_chunk_of_services_at_a_time(
    ente, curator, client, monkeypatch
):
    """At a million services, the whole catalogue held in memory for one anonymous
    request took more than 20 GB: each chunk's services and related rows are read, written
    and let go before the next."""
    _import_example(curator)
    published = Servizio.objects.filter(stato=StatoServizio.PUBBLICATO)
    expected = {
        path: b"".join(client.get(path).streaming_content)
        for path in ("/api/v1/servizi/export.csv", "/api/v1/servizi/export.geojson")
    }
    monkeypatch.setattr("servizi.io.EXPORT_CHUNK_SIZE", 1)
    for path, body in expected.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            assert response.streaming
            assert b"".join(response.streaming_content) == body
        categories = [q for q in captured.captured_queries if "servizi_categoria" in q["sql"]]
        # One chunk for each of the two published services.
        assert len(categories) == published.count() == 2


@pytest.mark.urls("tests.servizi.io_test_urls")
def test_api_import_accepts_fewer_rows_than_the_command(ente, curator, client, monkeypatch):
    monkeypatch.setattr("servizi.api.io_views.API_MAX_ROWS", 2)
    client.force_login(curator)
    response = client.post("/api/v1/servizi/import/", {"file": _upload(_csv([_row()] * 3))})
    assert response.status_code == 400
    assert "più di 2 righe" in response.json()["errors"][0]["reason"]
    assert not Servizio.objects.exists()


@pytest.mark.urls("tests.servizi.io_test_urls")
def test_a_cell_with_the_nul_character_is_an_error_of_its_row_and_column(ente, curator, client):
    """PostgreSQL stores no NUL in text: a cell holding one is named, the file refused."""
    client.force_login(curator)
    response = client.post(
        "/api/v1/servizi/import/",
        {"file": _upload(_csv([_row(), _row(titolo="Baby\x00sitting")]))},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "column": "titolo", "reason": "Il carattere NUL (0x00) non è ammesso."}
    ]
    assert not Servizio.objects.exists()
