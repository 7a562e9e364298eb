"""Great-circle distances, the sparse cost structure and the travel-time CSV loader."""

import io
import math

import numpy as np
import pytest

from socplan.availability.engine import (
    EARTH_RADIUS_KM,
    build_distance_costs,
    costs_from_pairs,
    haversine_km,
    load_travel_time_csv,
)

R = 6371.0088


def test_radius_constant():
    assert EARTH_RADIUS_KM == R


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 0), (1, 0), R * math.pi / 180),  # one degree along a meridian = 111.19508 km
        ((49, 16), (50, 16), R * math.pi / 180),  # same anywhere on a meridian
        ((0, 0), (0, 90), R * math.pi / 2),  # a quarter of the equator
        ((0, 0), (90, 0), R * math.pi / 2),  # equator to pole
        ((0, 0), (0, 180), R * math.pi),  # antipodes
        ((49.2, 16.6), (49.2, 16.6), 0.0),
    ],
)
def test_haversine_closed_forms(a, b, expected):
    assert float(haversine_km(a[0], a[1], b[0], b[1])) == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_haversine_along_a_parallel_by_hand():
    # on the parallel φ, Δλ apart: sin²(d/2R) = cos²φ · sin²(Δλ/2)  ⇒  d = 2R·asin(cos φ · sin(Δλ/2))
    phi, dl = math.radians(49.0), math.radians(2.0)
    expected = 2 * R * math.asin(math.cos(phi) * math.sin(dl / 2))
    assert float(haversine_km(49.0, 15.0, 49.0, 17.0)) == pytest.approx(expected, rel=1e-12)


def test_haversine_broadcasts_and_is_symmetric():
    lat = np.array([49.0, 50.0, 48.8])
    lon = np.array([14.0, 15.5, 17.1])
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert d.shape == (3, 3)
    assert np.allclose(d, d.T, rtol=1e-14, atol=0)
    assert np.all(np.diag(d) == 0)


def test_kdtree_pairs_equal_brute_force():
    rng = np.random.default_rng(7)
    o_lat, o_lon = rng.uniform(48.6, 51.0, 400), rng.uniform(12.1, 18.8, 400)
    s_lat, s_lon = rng.uniform(48.6, 51.0, 150), rng.uniform(12.1, 18.8, 150)
    cutoff = 25.0
    costs = build_distance_costs(range(400), o_lat, o_lon, range(150), s_lat, s_lon, cutoff_km=cutoff)

    # independent brute force: central angle from the dot product of unit vectors
    def unit(lat, lon):
        la, lo = np.radians(lat), np.radians(lon)
        return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)

    dots = np.clip(unit(o_lat, o_lon) @ unit(s_lat, s_lon).T, -1, 1)
    dense = R * np.arccos(dots)
    clear = np.abs(dense - cutoff) > 1e-6  # ignore pairs within a micrometre of the cut-off
    expected = {(i, j) for i, j in zip(*np.nonzero((dense <= cutoff) & clear), strict=True)}
    got = {(int(i), int(j)) for i, j in zip(costs.rows, costs.indices, strict=True) if clear[i, j]}
    assert got == expected
    assert len(expected) > 100
    assert costs.cost == pytest.approx(dense[costs.rows, costs.indices], rel=1e-7, abs=1e-6)


def test_cutoff_inclusive_and_zero_distance_pair_kept():
    d = float(haversine_km(49.0, 16.0, 49.1, 16.0))
    ids = ["o1", "o2"]
    kept = build_distance_costs(ids, [49.0, 49.1], [16.0, 16.0], ["s"], [49.0], [16.0], cutoff_km=d)
    assert kept.nnz == 2  # o1 at distance 0 (stored), o2 exactly at the cut-off
    assert sorted(kept.cost.tolist()) == [0.0, d]
    cut = build_distance_costs(
        ids, [49.0, 49.1], [16.0, 16.0], ["s"], [49.0], [16.0], cutoff_km=d * (1 - 1e-9)
    )
    assert cut.nnz == 1


def test_include_obec_sites():
    costs = build_distance_costs(
        ["500011", "500020"], [49.2, 49.25], [17.7, 17.7], ["misto-1"], [49.21], [17.71],
        cutoff_km=10, include_obec_sites=True,
    )  # fmt: skip
    assert costs.site_ids.tolist() == ["500011", "500020", "misto-1"]
    assert costs.obec_site.tolist() == [0, 1]
    frame = costs.pairs_frame()
    assert set(map(tuple, frame[["origin", "dest"]].to_numpy().tolist())) >= {
        ("500011", "500011"),
        ("500020", "500011"),
    }
    with pytest.raises(ValueError):
        build_distance_costs(["1"], [49], [16], ["1"], [49], [16], cutoff_km=5, include_obec_sites=True)


def test_missing_coordinates_rejected():
    with pytest.raises(ValueError):
        build_distance_costs(["a"], [np.nan], [16.0], ["s"], [49.0], [16.0], cutoff_km=5)


def test_costs_from_pairs_rejects_duplicates_and_negative():
    with pytest.raises(ValueError, match="duplicate"):
        costs_from_pairs(["a"], ["s"], np.array([0, 0]), np.array([0, 0]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError):
        costs_from_pairs(["a"], ["s"], np.array([0]), np.array([0]), np.array([-1.0]))


CSV = """origin,destination,minutes
582786,582786,0
582786,583201,18.5
583201,582786,19
583201,584321,41
584321,583201,40
"""


def test_travel_time_csv():
    costs = load_travel_time_csv(io.StringIO(CSV), cutoff_min=30)
    assert costs.origin_ids.tolist() == ["582786", "583201", "584321"]
    assert costs.site_ids.tolist() == costs.origin_ids.tolist()
    assert costs.obec_site.tolist() == [0, 1, 2]
    assert costs.unit == "min"
    pairs = {(o, d): c for o, d, c in costs.pairs_frame().itertuples(index=False)}
    # 41 and 40 minutes exceed the 30-minute cut-off; missing self pairs are added with 0 minutes
    assert pairs == {
        ("582786", "582786"): 0.0,
        ("582786", "583201"): 18.5,
        ("583201", "582786"): 19.0,
        ("583201", "583201"): 0.0,
        ("584321", "584321"): 0.0,
    }


def test_travel_time_csv_fixed_obce_and_errors():
    costs = load_travel_time_csv(io.StringIO(CSV), ["584321", "583201", "582786", "500011"])
    assert costs.origin_ids.tolist() == ["584321", "583201", "582786", "500011"]
    assert costs.nnz == 5 + 3  # 5 rows given, self pairs added for 583201, 584321, 500011
    with pytest.raises(KeyError):
        load_travel_time_csv(io.StringIO(CSV), ["582786", "583201"])
    bad = "origin,destination,minutes\n1,2,x\n"
    with pytest.raises(ValueError):
        load_travel_time_csv(io.StringIO(bad))
    with pytest.raises(ValueError, match="minutes"):
        load_travel_time_csv(io.StringIO("origin,destination,time\n1,2,3\n"))
