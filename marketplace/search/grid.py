"""The map grid's cells (index.CELL_DEGREES a side, numbered by column and row as
`floor(lon / CELL_DEGREES)`, `floor(lat / CELL_DEGREES)`) that a circle on the sphere
covers wholly, and those it only touches.

A map of the places within a radius reads the pre-aggregated cells wholly inside the
circle and groups only the rows of the cells on its edge (backends.postgres.map_view).
The circle is the radius search's (`ST_DWithin(geography, geography, metres, false)`:
PostGIS's sphere, of the WGS84 mean radius).

Per column of cells, the rows inside the circle follow from one meridian: the points of
a meridian inside the circle are one interval of latitudes, and that interval shrinks
as the meridian gets farther (in longitude) from the centre's. So the cells of a column
wholly inside are those within the interval of its edge farther from the centre; the
cells it touches are within the interval of its edge (or the centre's meridian) nearest.
The answer is exact on the sphere: the intervals are solved, not sampled; a margin of a
metre on the radius keeps rounding on the safe side (a cell counted as touched, not
as wholly inside).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from marketplace.search.index import CELL_DEGREES

# PostGIS's sphere for geography with use_spheroid=false: (2a + b) / 3 of WGS84.
SPHERE_RADIUS_M = 6371008.771415
MARGIN_M = 1.0
# An area holding every cell (for disc_cells).
EVERYWHERE = [-(2**31), 2**31 - 1, -(2**31), 2**31 - 1]
# The cells of an area: its first and last column, then row (as disc_cells' `area`).
IN_CELLS = "cella_x BETWEEN %s AND %s AND cella_y BETWEEN %s AND %s"
# Tiles of the map grid's cells, 2**shift by 2**shift, at two sizes (about 3.4 by
# 4.9 km and 13.6 by 19.6 km in Lombardy): the keys of a row's place, one per size
# (the size in the top bits, the tile's column in the next and its row added), that
# the index of the text holds with the text (backends.postgres.ROW_KEYS, migration
# 0026). The SQL is the index's own, or the planner does not match it (the row's alias
# in `{a}`).
TILE_SHIFTS = (2, 4)
TILE_KEYS = tuple(
    f"({shift}::int8 << 56) + (({{a}}.cella_x >> {shift})::int8 << 32) + ({{a}}.cella_y >> {shift})"
    for shift in TILE_SHIFTS
)
# GIN checks each row the text gives against every tile key of the scan: at a million
# services 4.5 ns a pair, where reading the row costs 1.5 µs ("asilo" within 100 km of
# the Duomo through its 1,975 small tiles: 313 ms for 35,500 rows).
TILE_PAIR_COST = 0.003  # of reading a row


@dataclass(frozen=True)
class DiscCells:
    """The cells of columns `first_x`.. (one entry per column): rows `inner[i]` (first,
    last) wholly inside the circle, rows `touched[i]` meeting it; an empty range has
    first > last. Clipped to the cells of the map's area."""

    first_x: int
    inner: tuple[tuple[int, int], ...]
    touched: tuple[tuple[int, int], ...]

    @property
    def last_x(self) -> int:
        return self.first_x + len(self.inner) - 1

    def inner_condition(self) -> tuple[str, list]:
        """A condition on `cella_x`, `cella_y` that holds for the cells wholly inside."""
        return self._condition(self.inner)

    def touched_condition(self) -> tuple[str, list]:
        """A condition on `cella_x`, `cella_y` that holds for the cells it touches."""
        return self._condition(self.touched)

    def _condition(self, ranges: tuple[tuple[int, int], ...]) -> tuple[str, list]:
        """The columns' range (which an index on the cells reads), then each column's
        rows `ranges` looked up in an array by the column's offset."""
        present = [(first, last) for first, last in ranges if first <= last]
        if not present:
            return "false", []
        firsts = [first for first, _last in ranges]
        lasts = [last for _first, last in ranges]
        offset = self.first_x - 1  # arrays count from 1
        sql = (
            IN_CELLS
            + " AND cella_y BETWEEN (%s::int[])[cella_x - %s] AND (%s::int[])[cella_x - %s]"
        )
        bottom = min(first for first, _last in present)
        top = max(last for _first, last in present)
        return sql, [self.first_x, self.last_x, bottom, top, firsts, offset, lasts, offset]

    def edge_ranges(self) -> tuple[list[int], list[int], list[int]]:
        """The cells touched but not wholly inside, as (column, first row, last row)
        ranges: up to two per column, below and above its inner cells."""
        columns: list[int] = []
        firsts: list[int] = []
        lasts: list[int] = []
        for i, ((inner_first, inner_last), (first, last)) in enumerate(
            zip(self.inner, self.touched, strict=True)
        ):
            if first > last:
                continue
            if inner_first > inner_last:
                pieces = [(first, last)]
            else:
                pieces = [(first, inner_first - 1), (inner_last + 1, last)]
            for piece_first, piece_last in pieces:
                if piece_first <= piece_last:
                    columns.append(self.first_x + i)
                    firsts.append(piece_first)
                    lasts.append(piece_last)
        return columns, firsts, lasts


def meridian_latitudes(
    lon: float, lat: float, angle: float, meridian_lon: float
) -> tuple[float, float] | None:
    """The latitudes (degrees) of the points of the meridian `meridian_lon` within
    `angle` radians of the centre (lon, lat); None when it passes farther.

    On the sphere, cos(distance) = sin φ0 sin φ + cos φ0 cos φ cos Δλ = M sin(φ + β),
    with M cos β = sin φ0 and M sin β = cos φ0 cos Δλ."""
    phi0 = math.radians(lat)
    a = math.sin(phi0)
    b = math.cos(phi0) * math.cos(math.radians(meridian_lon - lon))
    m = math.hypot(a, b)
    ratio = math.cos(angle) / m
    if ratio > 1:
        return None
    beta = math.atan2(b, a)
    low = math.asin(ratio) - beta
    high = math.pi - math.asin(ratio) - beta
    return math.degrees(max(low, -math.pi / 2)), math.degrees(min(high, math.pi / 2))


def disc_cells(lon: float, lat: float, radius_m: float, area: list[int]) -> DiscCells | None:
    """The cells of the circle of `radius_m` metres around (lon, lat) within `area`
    ([first column, last column, first row, last row]); None when the circle reaches
    a pole or half round the globe (the map then groups its rows)."""
    inner_angle = max(radius_m - MARGIN_M, 0.0) / SPHERE_RADIUS_M
    outer_angle = (radius_m + MARGIN_M) / SPHERE_RADIUS_M
    cos_lat = math.cos(math.radians(lat))
    if math.sin(outer_angle) >= cos_lat or outer_angle >= math.pi / 4:
        return None
    half_width = math.degrees(math.asin(math.sin(outer_angle) / cos_lat))
    first_x = max(math.floor((lon - half_width) / CELL_DEGREES), area[0])
    last_x = min(math.floor((lon + half_width) / CELL_DEGREES), area[1])
    if first_x > last_x:
        return DiscCells(area[0], ((0, -1),), ((0, -1),))
    inner, touched = [], []
    for x in range(first_x, last_x + 1):
        west, east = x * CELL_DEGREES, (x + 1) * CELL_DEGREES
        nearest = min(max(lon, west), east)
        farthest = west if abs(west - lon) > abs(east - lon) else east
        inner.append(_rows(meridian_latitudes(lon, lat, inner_angle, farthest), area, whole=True))
        touched.append(_rows(meridian_latitudes(lon, lat, outer_angle, nearest), area, whole=False))
    return DiscCells(first_x, tuple(inner), tuple(touched))


def _rows(
    latitudes: tuple[float, float] | None, area: list[int], *, whole: bool
) -> tuple[int, int]:
    """The rows of cells wholly within the `latitudes` (`whole`), or meeting them,
    clipped to the area's rows."""
    if latitudes is None:
        return (0, -1)
    low, high = latitudes
    if whole:
        first, last = math.ceil(low / CELL_DEGREES), math.floor(high / CELL_DEGREES) - 1
    else:
        first, last = math.floor(low / CELL_DEGREES), math.floor(high / CELL_DEGREES)
    first, last = max(first, area[2]), min(last, area[3])
    return (first, last) if first <= last else (0, -1)


def tile_key(x: int, y: int, shift: int) -> int:
    """The key of the tile of cell (x, y) at 2**shift cells a side, as TILE_KEYS
    computes it in SQL (whose `>>` on integers rounds down, as Python's)."""
    return (shift << 56) + ((x >> shift) << 32) + (y >> shift)


@functools.lru_cache(maxsize=1024)  # asked twice a search (the choice, the statement)
def disc_tiles(lon: float, lat: float, radius_m: float) -> tuple[int, ...] | None:
    """The keys of the tiles holding a cell that the circle of `radius_m` metres around
    (lon, lat) touches, at the size whose scan costs least: every place of the circle
    lies in one of them. The rows a scan reads grow with the tiles' area, and each row
    is checked against every tile (TILE_PAIR_COST): a 10 km circle takes 29 small
    tiles, a 100 km one 142 large ones (1,975 small). None as disc_cells."""
    disc = disc_cells(lon, lat, radius_m, EVERYWHERE)
    if disc is None:
        return None

    def keys(shift: int) -> tuple[int, ...]:
        found = set()
        for i, (first, last) in enumerate(disc.touched):
            for y in range(first >> shift, (last >> shift) + 1) if first <= last else ():
                found.add(tile_key(disc.first_x + i, y << shift, shift))
        return tuple(sorted(found))

    def cost(shift_and_tiles: tuple[int, tuple[int, ...]]) -> float:
        shift, tiles = shift_and_tiles
        return len(tiles) * 4**shift * (1 + len(tiles) * TILE_PAIR_COST)

    return min(((shift, keys(shift)) for shift in TILE_SHIFTS), key=cost)[1]
