"""Import of services from CSV and XLSX files, export to CSV and GeoJSON.

One row of the file is one service. The columns are documented in
`docs/import-servizi.md`; an export writes the same columns, so it imports again.

An import is all or nothing: every row is validated (all the errors are collected,
each with the row number the user sees in a spreadsheet: header = 1, first data
row = 2) and, if any row is wrong or it is a dry run, nothing is saved.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from pathlib import PurePath
from typing import IO, NamedTuple

from django.contrib.gis.geos import Point
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import FloatField, Func, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from geo_data.models import Comune
from marketplace.middleware import NUL, NUL_REFUSED

from . import orari
from .models import (
    LINGUE,
    Categoria,
    Costo,
    Destinatario,
    Ente,
    FasciaOraria,
    ModalitaAccesso,
    Sede,
    Servizio,
    StatoServizio,
)
from .permissions import can_edit_ente
from .selectors import servizio_list
from .services import sede_create, servizio_create
from .validators import normalizza_codice

COLUMNS: tuple[str, ...] = (
    "ente_codice_fiscale",
    "titolo",
    "descrizione",
    "categorie",
    "destinatari",
    "eta_min",
    "eta_max",
    "modalita_accesso",
    "costo",
    "costo_descrizione",
    "requisiti",
    "lingue",
    "sede_nome",
    "sede_indirizzo",
    "sede_cap",
    "lat",
    "lon",
    "comuni_copertura",
    "orario",
    "telefono",
    "email",
    "sito_web",
    "stato",
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "ente_codice_fiscale",
    "titolo",
    "categorie",
    "modalita_accesso",
    "costo",
)
SEDE_COLUMNS: tuple[str, ...] = ("sede_nome", "sede_indirizzo", "sede_cap", "lat", "lon")
TEXT_COLUMNS: tuple[str, ...] = (
    "titolo",
    "descrizione",
    "costo_descrizione",
    "requisiti",
    "telefono",
    "email",
    "sito_web",
)
SEPARATOR = "|"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# A web request must end within the server's timeout: each service costs ~50 ms
# (validation and edit history), so larger files go through `import_servizi`.
API_MAX_ROWS = 1_000
MAX_XLSX_UNPACKED = 100 * 1024 * 1024  # an XLSX is a zip: never inflate a zip bomb
HEADER_ROW = 1
_COLUMN_ORDER = {name: index for index, name in enumerate(COLUMNS)}

XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)

# Where the errors of the models land in the file.
_FIELD_TO_COLUMN = {
    "ente": "ente_codice_fiscale",
    "sedi": "sede_indirizzo",
    "comuni_copertura": "comuni_copertura",
    "orario": "orario",
    NON_FIELD_ERRORS: "",
}
_SEDE_FIELD_TO_COLUMN = {
    "ente": "ente_codice_fiscale",
    "nome": "sede_nome",
    "indirizzo": "sede_indirizzo",
    "cap": "sede_cap",
    "punto": "lat",
    "comune": "lat",
    NON_FIELD_ERRORS: "sede_indirizzo",
}
# Values that a spreadsheet would run as a formula; an export prefixes them with
# an apostrophe (and an import removes it again).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s./()+-]*$")


@dataclass(frozen=True)
class RowError:
    """A problem in the file: `row` as the user sees it (None for the whole file)."""

    row: int | None
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ImportReport:
    """What an import did, or in a dry run would do; nothing is saved unless `ok`."""

    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    sedi_created: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "sedi_created": self.sedi_created,
            "errors": [error.as_dict() for error in self.errors],
        }


class FileError(Exception):
    """The file as a whole cannot be read."""


# --- Reading the file ------------------------------------------------------------------


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        data = file.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise FileError(
            _("Il file supera i %(mb)d MB: dividilo in più file.") % {"mb": MAX_BYTES // 2**20}
        )
    return data


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileError(
            _(
                "Il file non è in UTF-8 (primo carattere non valido alla riga %(line)d): "
                "salvalo come «CSV UTF-8» e riprova."
            )
            % {"line": line}
        ) from error
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            yield [cell.strip() for cell in record]
    except csv.Error as error:
        raise FileError(
            _("Il CSV non si può leggere alla riga %(row)d: %(error)s")
            % {"row": reader.line_num, "error": error}
        ) from error


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED:
            raise FileError(
                _("Il file XLSX decompresso supera i %(mb)d MB: dividilo in più file.")
                % {"mb": MAX_XLSX_UNPACKED // 2**20}
            )
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise FileError(
            _("Il file XLSX non si può leggere: è un foglio Excel (.xlsx) valido?")
        ) from error
    try:
        if not workbook.worksheets:
            raise FileError(_("Il file XLSX non ha nessun foglio."))
        for record in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in record]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise FileError(
            _("Il file XLSX non si può leggere: %(error)s") % {"error": error}
        ) from error
    finally:
        workbook.close()


def _records(data: bytes, filename: str) -> Iterator[list[str]]:
    extension = PurePath(filename or "").suffix.lower()
    if extension == ".xls" or data.startswith(OLE_MAGIC):
        raise FileError(
            _("Il formato .xls (Excel 97-2003) non è supportato: salva il file come .xlsx o CSV.")
        )
    if extension in XLSX_EXTENSIONS or data.startswith(ZIP_MAGIC):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _table(
    data: bytes, filename: str, max_rows: int = MAX_ROWS
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (normalised) and the non-empty data rows with their numbers."""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, record in enumerate(_records(data, filename), start=HEADER_ROW):
        if not any(record):
            continue
        if header is None:
            if number != HEADER_ROW:
                raise FileError(
                    _("La prima riga deve essere l'intestazione con i nomi delle colonne.")
                )
            header = [cell.strip().lower() for cell in record]
            continue
        rows.append((number, record))
        if len(rows) > max_rows:
            raise FileError(
                _("Il file ha più di %(max)s righe di servizi: dividilo in più file.")
                % {"max": f"{max_rows:,}".replace(",", ".")}
            )
    if header is None:
        raise FileError(_("Il file è vuoto."))
    while header and not header[-1]:
        header.pop()
    return header, rows


def _check_header(header: list[str]) -> list[RowError]:
    errors = []
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name not in COLUMNS:
            errors.append(
                RowError(
                    HEADER_ROW,
                    name,
                    _("Colonna sconosciuta '%(name)s': colonne ammesse: %(allowed)s.")
                    % {"name": name, "allowed": ", ".join(COLUMNS)},
                )
            )
        elif name in seen:
            errors.append(RowError(HEADER_ROW, name, _("Colonna ripetuta.")))
        seen.add(name)
    errors.extend(
        RowError(HEADER_ROW, name, _("Manca la colonna obbligatoria '%(name)s'.") % {"name": name})
        for name in REQUIRED_COLUMNS
        if name not in seen
    )
    return errors


# --- Parsing a row -----------------------------------------------------------------------


def _unescape(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1] in _FORMULA_START:
        return value[1:]
    return value


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def _choice(value: str, choices: Iterable[str]) -> str:
    allowed = list(choices)
    value = value.strip().lower()
    if value not in allowed:
        raise ValidationError(
            _("Valore sconosciuto '%(value)s': valori ammessi: %(allowed)s")
            % {"value": value, "allowed": ", ".join(allowed)}
        )
    return value


def _choices(value: str, choices: Iterable[str]) -> list[str]:
    allowed = list(choices)
    values = [part.lower() for part in _split(value)]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            [
                _("Valore sconosciuto '%(value)s': valori ammessi: %(allowed)s")
                % {"value": value, "allowed": ", ".join(allowed)}
                for value in dict.fromkeys(unknown)
            ]
        )
    return list(dict.fromkeys(values))


def _age(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 120:
        raise ValidationError(
            _("'%(value)s' non è un'età: scrivi un numero intero da 0 a 120.") % {"value": value}
        )
    return number


def _coordinate(value: str, limit: int) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = float("nan")
    if not -limit <= number <= limit:  # also false for NaN
        raise ValidationError(
            _("'%(value)s' non è una coordinata in gradi decimali (da -%(limit)d a %(limit)d).")
            % {"value": value, "limit": limit}
        )
    return number


def _pad_digits(value: str, length: int) -> str:
    """Leading zeros that a spreadsheet dropped from a numeric code (015192 → 15192)."""
    return value.zfill(length) if value.isdigit() and len(value) < length else value


def _url(value: str) -> str:
    if value and "://" not in value:
        return f"https://{value}"
    return value


@dataclass
class _SedeSpec:
    nome: str
    indirizzo: str
    cap: str
    lat: float
    lon: float

    @property
    def punto(self) -> Point:
        return Point(self.lon, self.lat, srid=4326)


@dataclass
class _Row:
    number: int
    errors: list[RowError] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    categorie: list[Categoria] = field(default_factory=list)
    comuni: list[Comune] = field(default_factory=list)
    fasce: list[orari.Fascia] | None = None
    sedi: list[_SedeSpec] = field(default_factory=list)
    codice_fiscale: str = ""

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.number, column, reason))

    def validation_error(self, error: ValidationError, mapping: dict, prefix: str = "") -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                column = mapping.get(key, key if key in COLUMNS else "")
                for message in messages:
                    self.error(column, prefix + message)
        else:
            column = mapping.get(NON_FIELD_ERRORS, "")
            for message in error.messages:
                self.error(column, prefix + message)

    @property
    def bad_columns(self) -> set[str]:
        return {error.column for error in self.errors}


class _Importer:
    def __init__(self, *, actor, as_curator: bool):
        self.actor = actor
        self.as_curator = as_curator
        self.categorie = {c.codice: c for c in Categoria.objects.all()}
        self.enti: dict[str, Ente | None] = {}
        self.permitted: dict[int, bool] = {}
        self.sedi_created = 0

    # Parsing -------------------------------------------------------------------------

    def parse(self, number: int, cells: dict[str, str]) -> _Row:
        row = _Row(number)
        for column, value in list(cells.items()):
            if NUL in value:
                # PostgreSQL refuses it, even to look a value up: the row is refused, and
                # its other cells are checked without it.
                row.error(column, str(NUL_REFUSED))
                cells[column] = value.replace(NUL, "")
        for column in REQUIRED_COLUMNS:
            if not cells.get(column):
                row.error(column, _("Campo obbligatorio."))
        for column in TEXT_COLUMNS:
            row.fields[column] = cells.get(column, "")
        row.fields["sito_web"] = _url(row.fields["sito_web"])
        row.codice_fiscale = _pad_digits(
            normalizza_codice(cells.get("ente_codice_fiscale", "")), 11
        )

        simple = {
            "destinatari": lambda v: _choices(v, Destinatario.values),
            "lingue": lambda v: _choices(v, [code for code, _label in LINGUE]),
            "eta_min": _age,
            "eta_max": _age,
            "modalita_accesso": lambda v: _choice(v, ModalitaAccesso.values),
            "costo": lambda v: _choice(v, Costo.values),
            "stato": lambda v: _choice(v, StatoServizio.values),
        }
        for column, parse in simple.items():
            value = cells.get(column, "")
            if not value:
                continue
            try:
                row.fields[column] = parse(value)
            except ValidationError as error:
                row.validation_error(error, {NON_FIELD_ERRORS: column})

        codici = _split(cells.get("categorie", ""))
        unknown = [codice for codice in codici if codice not in self.categorie]
        for codice in unknown:
            row.error("categorie", _("Categoria sconosciuta: '%(codice)s'") % {"codice": codice})
        row.categorie = [self.categorie[c] for c in dict.fromkeys(codici) if c in self.categorie]

        istat = [_pad_digits(code, 6) for code in _split(cells.get("comuni_copertura", ""))]
        if istat:
            found = Comune.objects.only("codice_istat", "nome").in_bulk(istat)
            for code in istat:
                if code not in found:
                    row.error(
                        "comuni_copertura",
                        _("Comune sconosciuto: nessun Comune con codice ISTAT '%(code)s'")
                        % {"code": code},
                    )
            row.comuni = [found[code] for code in dict.fromkeys(istat) if code in found]

        if cells.get("orario"):
            try:
                row.fasce = orari.parse_orario(cells["orario"])
            except ValidationError as error:
                row.validation_error(error, {NON_FIELD_ERRORS: "orario"})

        self._parse_sedi(row, cells)
        return row

    def _parse_sedi(self, row: _Row, cells: dict[str, str]) -> None:
        if not any(cells.get(column) for column in SEDE_COLUMNS):
            return
        parts = {
            column: [p.strip() for p in cells.get(column, "").split(SEPARATOR)]
            if cells.get(column)
            else []
            for column in SEDE_COLUMNS
        }
        count = len(parts["sede_indirizzo"]) or len(parts["lat"]) or 1
        bad = False
        for column in ("sede_indirizzo", "sede_cap", "lat", "lon"):
            values = parts[column]
            if not values or not all(values):
                row.error(
                    column,
                    _("Per una sede servono indirizzo, CAP, lat e lon; qui manca un valore."),
                )
                bad = True
            elif len(values) != count:
                row.error(
                    column,
                    _(
                        "%(n)d valori, ma le sedi sono %(count)d: i dati di più sedi si separano "
                        "con '|', nello stesso ordine in ogni colonna."
                    )
                    % {"n": len(values), "count": count},
                )
                bad = True
        names = parts["sede_nome"]
        if names and len(names) != count:
            row.error(
                "sede_nome",
                _("%(n)d nomi, ma le sedi sono %(count)d.") % {"n": len(names), "count": count},
            )
            bad = True
        coordinates = {}
        for column, limit in (("lat", 90), ("lon", 180)):
            values = []
            for value in filter(None, parts[column]):
                try:
                    values.append(_coordinate(value, limit))
                except ValidationError as error:
                    row.validation_error(error, {NON_FIELD_ERRORS: column})
                    bad = True
            coordinates[column] = values
        if bad:
            return
        for index in range(count):
            indirizzo = parts["sede_indirizzo"][index]
            row.sedi.append(
                _SedeSpec(
                    nome=(names[index] if names else "") or indirizzo,
                    indirizzo=indirizzo,
                    cap=_pad_digits(parts["sede_cap"][index], 5),
                    lat=coordinates["lat"][index],
                    lon=coordinates["lon"][index],
                )
            )

    # Resolving and saving -----------------------------------------------------------

    def ente(self, row: _Row) -> Ente | None:
        codice = row.codice_fiscale
        if not codice:
            return None
        if codice not in self.enti:
            self.enti[codice] = Ente.objects.filter(codice_fiscale=codice).first()
        ente = self.enti[codice]
        if ente is None:
            row.error(
                "ente_codice_fiscale",
                _("Nessun ente con codice fiscale '%(codice)s': registralo prima dell'import.")
                % {"codice": codice},
            )
            return None
        if ente.pk not in self.permitted:
            self.permitted[ente.pk] = self.as_curator or can_edit_ente(self.actor, ente)
        if not self.permitted[ente.pk]:
            row.error(
                "ente_codice_fiscale",
                _("Non puoi importare servizi dell'ente '%(ente)s': non ne sei referente.")
                % {"ente": ente.nome},
            )
            return None
        return ente

    def sede(self, row: _Row, ente: Ente | None, spec: _SedeSpec, prefix: str) -> Sede | None:
        try:
            if ente is None:  # only check the place, the row fails anyway
                Sede(
                    nome=spec.nome, indirizzo=spec.indirizzo, cap=spec.cap, punto=spec.punto
                ).full_clean(exclude=["ente"])
                return None
            existing = (
                Sede.objects.filter(ente=ente, indirizzo__iexact=spec.indirizzo, cap=spec.cap)
                .order_by("pk")
                .first()
            )
            if existing is not None:
                return existing
            sede = sede_create(
                ente=ente,
                punto=spec.punto,
                nome=spec.nome,
                indirizzo=spec.indirizzo,
                cap=spec.cap,
                actor=self.actor,
            )
            self.sedi_created += 1
            return sede
        except ValidationError as error:
            row.validation_error(error, _SEDE_FIELD_TO_COLUMN, prefix)
            return None

    def check_servizio(self, row: _Row, ente: Ente | None) -> None:
        """Without saving: the model's own checks on the cells that parsed."""
        bad = row.bad_columns
        fields = {name: value for name, value in row.fields.items() if name not in bad}
        servizio = Servizio(ente=ente, titolo=fields.pop("titolo", ""), **fields)
        exclude = {"ente", *bad} if ente is None else set(bad)
        try:
            servizio.full_clean(exclude=exclude)
        except ValidationError as error:
            row.validation_error(error, _FIELD_TO_COLUMN)

    def save(self, row: _Row) -> bool:
        ente = self.ente(row)
        sedi = []
        for index, spec in enumerate(row.sedi):
            prefix = _("Sede %(n)d: ") % {"n": index + 1} if len(row.sedi) > 1 else ""
            sede = self.sede(row, ente, spec, prefix)
            if sede is not None and sede not in sedi:
                sedi.append(sede)
        if row.errors or ente is None:
            self.check_servizio(row, ente)
            return False
        fields = dict(row.fields)
        try:
            servizio_create(
                ente=ente,
                titolo=fields.pop("titolo"),
                categorie=row.categorie,
                sedi=sedi,
                comuni_copertura=row.comuni,
                fasce=row.fasce,
                actor=self.actor,
                **fields,
            )
        except ValidationError as error:
            row.validation_error(error, _FIELD_TO_COLUMN)
            return False
        return True


def import_servizi(
    file: IO[bytes] | bytes,
    *,
    filename: str = "",
    actor,
    dry_run: bool = False,
    as_curator: bool = False,
    max_rows: int = MAX_ROWS,
) -> ImportReport:
    """Create the services of a CSV or XLSX file, all of them or none.

    `actor` imports only for the Enti they may edit, unless `as_curator` (the
    command line, run by an administrator). With `dry_run`, or when any row has
    an error, nothing is saved; the report says what was (or would be) created.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        header, rows = _table(_read_bytes(file), filename, max_rows)
    except FileError as error:
        report.errors.append(RowError(None, "", str(error)))
        return report
    report.errors.extend(_check_header(header))
    if not report.ok:
        return report
    if not rows:
        report.errors.append(RowError(None, "", _("Nel file non c'è nessun servizio.")))
        return report
    report.rows = len(rows)

    created = 0
    with transaction.atomic():
        importer = _Importer(actor=actor, as_curator=as_curator)
        for number, record in rows:
            cells = {}
            row_errors = []
            for index, value in enumerate(record):
                name = header[index] if index < len(header) else ""
                if name:
                    cells[name] = _unescape(value)
                elif value:
                    row_errors.append(
                        RowError(
                            number,
                            "",
                            _("Valore '%(value)s' in una colonna senza intestazione (la %(n)d).")
                            % {"value": value[:40], "n": index + 1},
                        )
                    )
            row = importer.parse(number, cells)
            row.errors[:0] = row_errors
            try:
                with transaction.atomic():
                    created += importer.save(row)
            except DatabaseError:
                row.error("", _("Il database ha rifiutato la riga: controlla i valori."))
            row.errors.sort(key=lambda error: _COLUMN_ORDER.get(error.column, -1))
            report.errors.extend(row.errors)
        if report.ok:
            report.created = created
            report.sedi_created = importer.sedi_created
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    return report


# --- Export -----------------------------------------------------------------------------------


def export_queryset(*, pubblicati: bool = True) -> QuerySet[Servizio]:
    """Services with everything the exports read, in a stable order."""
    return servizio_list(pubblicati=pubblicati).order_by("ente__nome", "titolo", "pk")


def _escape(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _number(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".")


class SedeEsportata(NamedTuple):
    nome: str
    indirizzo: str
    cap: str
    comune_id: str
    comune_nome: str
    lon: float
    lat: float


class ServizioEsportato(NamedTuple):
    """A service as the exports write it: its columns, and its related rows read for a
    whole chunk of services at once (see `exported`)."""

    pk: int
    titolo: str
    descrizione: str
    costo_descrizione: str
    requisiti: str
    telefono: str
    email: str
    sito_web: str
    destinatari: list[str]
    eta_min: int | None
    eta_max: int | None
    modalita_accesso: str
    costo: str
    lingue: list[str]
    stato: str
    demo: bool
    ente_nome: str
    ente_tipo: str
    ente_codice_fiscale: str
    orario_id: int | None
    categorie: list[str]  # codes, sorted
    sedi: list[SedeEsportata]  # in the order they were added
    comuni_copertura: list[str]  # ISTAT codes, sorted
    fasce: list[orari.Fascia]  # of its weekly schedule (format_orario puts them in order)


# What is read with the service itself, the fields of ServizioEsportato up to its
# timetable's id (the Ente's through the join).
_EXPORTED_COLUMNS = [
    name.replace("ente_", "ente__", 1)
    for name in ServizioEsportato._fields[: ServizioEsportato._fields.index("orario_id") + 1]
]


def servizio_row(servizio: ServizioEsportato) -> dict[str, str]:
    """One service as a row of the file, with the columns of COLUMNS."""
    join = SEPARATOR.join
    sedi = servizio.sedi
    row = {
        "ente_codice_fiscale": servizio.ente_codice_fiscale,
        "categorie": join(servizio.categorie),
        "destinatari": join(servizio.destinatari),
        "eta_min": "" if servizio.eta_min is None else str(servizio.eta_min),
        "eta_max": "" if servizio.eta_max is None else str(servizio.eta_max),
        "modalita_accesso": servizio.modalita_accesso,
        "costo": servizio.costo,
        "lingue": join(servizio.lingue),
        "sede_nome": join(s.nome for s in sedi),
        "sede_indirizzo": join(s.indirizzo for s in sedi),
        "sede_cap": join(s.cap for s in sedi),
        "lat": join(_number(s.lat) for s in sedi),
        "lon": join(_number(s.lon) for s in sedi),
        "comuni_copertura": join(servizio.comuni_copertura),
        "orario": orari.format_orario(servizio.fasce) if servizio.orario_id else "",
        "stato": servizio.stato,
    }
    for column in TEXT_COLUMNS:
        row[column] = getattr(servizio, column) or ""
    return {column: _escape(row[column]) for column in COLUMNS}


# Services are read a chunk at a time and written as they come: at a million services,
# the whole catalogue held in memory took more than 20 GB (one anonymous request to the
# public export). Each chunk's related rows are read as plain values, four statements a
# chunk: as model instances, through the ORM's prefetching, the export wrote about 1,450
# services a second, more than ten minutes of a worker's CPU for the public file.
EXPORT_CHUNK_SIZE = 2000


def exported(queryset: QuerySet[Servizio]) -> Iterator[ServizioEsportato]:
    """The services of an export (export_queryset), a chunk at a time, in its order.

    Read in one transaction: outside of one, Django declares its server-side cursor
    WITH HOLD, and PostgreSQL then computes the whole result (at a million services,
    half a gigabyte written to a temporary file) before giving the first row."""
    rows = queryset.prefetch_related(None).values_list(*_EXPORTED_COLUMNS)
    chunk: list[tuple] = []
    with transaction.atomic():
        for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            chunk.append(row)
            if len(chunk) == EXPORT_CHUNK_SIZE:
                yield from _with_related_rows(chunk)
                chunk = []
        yield from _with_related_rows(chunk)


def _one_of(ids: list[int | None]) -> RawSQL:
    """`ids` for an `__in` lookup as one array parameter: a list of 2,000 parameters cost
    the ORM and the driver a fifth of the export's time to prepare."""
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def _with_related_rows(chunk: list[tuple]) -> list[ServizioEsportato]:
    """The chunk's rows (_EXPORTED_COLUMNS: the pk first, the timetable's id last) with
    their related rows."""
    if not chunk:
        return []
    ids = _one_of([row[0] for row in chunk])
    categorie = _grouped(
        Servizio.categorie.through.objects.filter(servizio_id__in=ids)
        .order_by()
        .values_list("servizio_id", "categoria__codice")
    )
    sedi = _grouped(
        Servizio.sedi.through.objects.filter(servizio_id__in=ids)
        .order_by("sede_id")
        .annotate(
            lon=Func("sede__punto", function="ST_X", output_field=FloatField()),
            lat=Func("sede__punto", function="ST_Y", output_field=FloatField()),
        )
        .values_list(
            "servizio_id",
            "sede__nome",
            "sede__indirizzo",
            "sede__cap",
            "sede__comune_id",
            "sede__comune__nome",
            "lon",
            "lat",
        ),
        SedeEsportata,
    )
    coperture = _grouped(
        Servizio.comuni_copertura.through.objects.filter(servizio_id__in=ids)
        .order_by()
        .values_list("servizio_id", "comune_id")
    )
    fasce = _grouped(
        FasciaOraria.objects.filter(orario_id__in=_one_of([row[-1] for row in chunk]))
        .order_by()
        .values_list("orario_id", "giorno", "apertura", "chiusura"),
        orari.Fascia,
    )
    return [
        ServizioEsportato(
            *row,
            categorie=sorted(categorie.get(row[0], [])),
            sedi=sedi.get(row[0], []),
            comuni_copertura=sorted(coperture.get(row[0], [])),
            fasce=fasce.get(row[-1], []),
        )
        for row in chunk
    ]


def _grouped(rows: QuerySet, make: Callable | None = None) -> dict[int, list]:
    """{key: [value, ...]} from rows (key, value); with `make`, from rows (key, *fields)
    as make(*fields)."""
    grouped: dict[int, list] = {}
    for key, *values in rows:
        grouped.setdefault(key, []).append(make(*values) if make else values[0])
    return grouped


class _Line:
    """A file whose `write` gives the text back: csv's writer then returns each line."""

    def write(self, text: str) -> str:
        return text


def csv_lines(servizi: Iterable[ServizioEsportato]) -> Iterator[str]:
    """The CSV (comma-separated, the import's columns), a line at a time: the header,
    then one line per service."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    for servizio in servizi:
        yield writer.writerow(servizio_row(servizio).values())  # in the order of COLUMNS


def servizio_features(servizio: ServizioEsportato) -> list[dict]:
    """One GeoJSON Feature per place of the service; one without geometry for a service
    delivered at home only."""
    common = {
        "id": servizio.pk,
        "titolo": servizio.titolo,
        "ente": servizio.ente_nome,
        "tipo_ente": servizio.ente_tipo,
        "categorie": servizio.categorie,
        "costo": servizio.costo,
        "stato": servizio.stato,
        "demo": servizio.demo,
        "comuni_copertura": servizio.comuni_copertura,
    }
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(sede.lon, 6), round(sede.lat, 6)]},
            "properties": {
                **common,
                "sede": sede.nome,
                "indirizzo": sede.indirizzo,
                "cap": sede.cap,
                "comune": sede.comune_nome,
                "codice_istat": sede.comune_id,
            },
        }
        for sede in servizio.sedi
    ]
    if features:
        return features
    no_place = dict.fromkeys(["sede", "indirizzo", "cap", "comune", "codice_istat"])
    return [{"type": "Feature", "geometry": None, "properties": {**common, **no_place}}]


def geojson_chunks(servizi: Iterable[ServizioEsportato]) -> Iterator[str]:
    """A GeoJSON FeatureCollection, a Feature at a time (one line each)."""
    yield '{"type": "FeatureCollection", "features": [\n'
    separator = ""
    for servizio in servizi:
        for feature in servizio_features(servizio):
            yield separator + json.dumps(feature, ensure_ascii=False)
            separator = ",\n"
    yield "\n]}\n"


def export_servizi_csv(queryset: QuerySet[Servizio], stream: IO[str]) -> int:
    """Write the services as CSV to a text stream; return how many."""
    return _export(csv_lines, queryset, stream)


def export_servizi_geojson(queryset: QuerySet[Servizio], stream: IO[str]) -> int:
    """Write the services as a GeoJSON FeatureCollection to a text stream; return how
    many (a service has a Feature per place)."""
    return _export(geojson_chunks, queryset, stream)


def _export(chunks, queryset: QuerySet[Servizio], stream: IO[str]) -> int:
    count = 0

    def counted() -> Iterator[ServizioEsportato]:
        nonlocal count
        for servizio in exported(queryset):
            count += 1
            yield servizio

    for text in chunks(counted()):
        stream.write(text)
    return count
