"""The map cells a circle holds wholly and those it only touches, as PostGIS's radius
search sees them: every point of a cell said to be inside is within the radius, every
point within the radius is in a cell said to be touched."""

from __future__ import annotations

import math

import pytest
from django.db import connection

from marketplace.search.grid import (
    EVERYWHERE,
    TILE_KEYS,
    TILE_SHIFTS,
    DiscCells,
    disc_cells,
    disc_tiles,
    meridian_latitudes,
    tile_key,
)
from marketplace.search.index import CELL_DEGREES

DUOMO = (9.1916, 45.4641)


def _cells(disc: DiscCells, ranges: tuple[tuple[int, int], ...]) -> set[tuple[int, int]]:
    return {
        (disc.first_x + i, y)
        for i, (first, last) in enumerate(ranges)
        for y in range(first, last + 1)
    }


def _grid_points(lon: float, lat: float, radius_m: float, per_cell: int) -> list[tuple]:
    """Points `per_cell` to a cell side (its corners among them) over the circle's
    surroundings, each with its cell and whether PostGIS finds it within the radius."""
    step = CELL_DEGREES / per_cell
    reach = radius_m / 111_000 / math.cos(math.radians(lat)) + 2 * CELL_DEGREES
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i, j, floor(%(s)s * i / %(d)s)::int, floor(%(s)s * j / %(d)s)::int,
                   ST_DWithin(ST_SetSRID(ST_MakePoint(%(s)s * i, %(s)s * j), 4326)::geography,
                              ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography,
                              %(r)s, false)
            FROM generate_series(%(i0)s, %(i1)s) i, generate_series(%(j0)s, %(j1)s) j
            """,
            {
                "s": step,
                "d": CELL_DEGREES,
                "lon": lon,
                "lat": lat,
                "r": radius_m,
                "i0": math.floor((lon - reach) / step),
                "i1": math.ceil((lon + reach) / step),
                "j0": math.floor((lat - reach) / step),
                "j1": math.ceil((lat + reach) / step),
            },
        )
        return cursor.fetchall()


def _cells_holding(i: int, j: int, per_cell: int) -> set[tuple[int, int]]:
    """The cells of the grid point (i, j), `per_cell` points to a cell side: one, or
    those on both sides of the cells' edges it lies on."""
    columns = {i // per_cell, (i - 1) // per_cell} if i % per_cell == 0 else {i // per_cell}
    rows = {j // per_cell, (j - 1) // per_cell} if j % per_cell == 0 else {j // per_cell}
    return {(x, y) for x in columns for y in rows}


@pytest.mark.django_db
@pytest.mark.parametrize("radius_km", [0.05, 0.9, 4, 12.5])
@pytest.mark.parametrize("centre", [DUOMO, (9.67, 45.7), (10.0, 46.5)])
def test_a_circles_cells_are_those_postgis_finds_within_the_radius(centre, radius_km):
    lon, lat = centre
    disc = disc_cells(lon, lat, radius_km * 1000, EVERYWHERE)
    inner, touched = _cells(disc, disc.inner), _cells(disc, disc.touched)
    assert inner <= touched
    per_cell = 4 if radius_km > 5 else 8 if radius_km > 0.5 else 64  # points inside too
    within_seen = 0
    for i, j, x, y, within in _grid_points(lon, lat, radius_km * 1000, per_cell):
        if within:
            within_seen += 1
            assert (x, y) in touched, (i, j)
        else:
            assert not _cells_holding(i, j, per_cell) & inner, (i, j)
    assert within_seen > 0
    if radius_km > 1:
        assert len(inner) > len(touched) / 3


@pytest.mark.parametrize("radius_km", [0.05, 2, 10, 50, 100])
@pytest.mark.parametrize("centre", [DUOMO, (-0.01, -0.02), (10.0, 46.5)])
def test_a_circles_tiles_are_those_of_the_cells_it_touches_at_one_size(centre, radius_km):
    lon, lat = centre
    disc = disc_cells(lon, lat, radius_km * 1000, EVERYWHERE)
    touched = _cells(disc, disc.touched)
    keys = disc_tiles(lon, lat, radius_km * 1000)
    (shift,) = [s for s in TILE_SHIFTS if tile_key(*next(iter(touched)), s) in keys]
    assert list(keys) == sorted({tile_key(x, y, shift) for x, y in touched})
    tiles = {(x >> shift, y >> shift) for x, y in touched}
    assert len(keys) == len(tiles)  # one key per tile, west and south of 0 too
    # Small tiles for a town's circle; large ones where the small would be too many to
    # check each row against.
    assert shift == (TILE_SHIFTS[0] if radius_km <= 10 else TILE_SHIFTS[-1])


@pytest.mark.django_db
def test_a_cells_tile_keys_are_those_its_row_has_in_the_index():
    cells = [(833, 4138), (836, 4141), (837, 4142), (-1, -1), (-4, 3), (-5, -5), (0, 0)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ARRAY[{', '.join(TILE_KEYS).format(a='c')}] "
            "FROM unnest(%s::int[], %s::int[]) "
            "AS c(cella_x, cella_y)",
            [[x for x, _y in cells], [y for _x, y in cells]],
        )
        rows = [keys for (keys,) in cursor.fetchall()]
    assert rows == [[tile_key(x, y, shift) for shift in TILE_SHIFTS] for x, y in cells]
    # Six small tiles among them, four large; no key of one size is one of the other.
    assert len({key for keys in rows for key in keys}) == 6 + 4


@pytest.mark.parametrize("radius_km", [1, 10, 100])
def test_a_meridian_through_the_centre_holds_the_circles_whole_height(radius_km):
    lon, lat = DUOMO
    angle = radius_km * 1000 / 6371008.771415
    low, high = meridian_latitudes(lon, lat, angle, lon)
    assert low == pytest.approx(lat - math.degrees(angle), abs=1e-9)
    assert high == pytest.approx(lat + math.degrees(angle), abs=1e-9)
    # Farther meridians hold less of it, and one beyond its width none.
    narrower = meridian_latitudes(lon, lat, angle, lon + math.degrees(angle) / 2)
    assert low < narrower[0] < narrower[1] < high
    assert meridian_latitudes(lon, lat, angle, lon + 2 * math.degrees(angle)) is None


def test_the_edge_is_what_the_circle_touches_without_holding_it():
    disc = disc_cells(*DUOMO, 10_000, EVERYWHERE)
    columns, firsts, lasts = disc.edge_ranges()
    edge = {
        (x, y)
        for x, first, last in zip(columns, firsts, lasts, strict=True)
        for y in range(first, last + 1)
    }
    assert edge == _cells(disc, disc.touched) - _cells(disc, disc.inner)
    assert edge


def test_the_cells_stay_within_the_maps_area():
    x, y = math.floor(DUOMO[0] / CELL_DEGREES), math.floor(DUOMO[1] / CELL_DEGREES)
    area = [x, x + 3, y - 2, y]
    disc = disc_cells(*DUOMO, 10_000, area)
    cells = _cells(disc, disc.touched)
    assert cells == {(cx, cy) for cx in range(x, x + 4) for cy in range(y - 2, y + 1)}
    assert _cells(disc, disc.inner) == cells  # 10 km around: all of them inside
    outside = disc_cells(*DUOMO, 1_000, [x + 100, x + 110, y, y + 10])
    assert _cells(outside, outside.touched) == set()
    assert outside.inner_condition() == ("false", [])


def test_a_circle_reaching_a_pole_is_not_drawn_on_the_grid():
    assert disc_cells(10.0, 89.5, 100_000, EVERYWHERE) is None
    assert disc_cells(10.0, 45.0, 100_000, EVERYWHERE) is not None
