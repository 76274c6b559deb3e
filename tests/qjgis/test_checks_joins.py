"""The indexed joins equal a brute-force double loop, and do not depend on input order.

Layouts are small random rectangles (hypothesis), with integer coordinates so
that shared edges, touching corners, duplicates and ties occur often.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qjgis.checks import joins
from qjgis.errors import QjgisError

X0, Y0 = 36_400_000.0, 3_200_000.0
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def boxes(max_size: int = 12, span: int = 60, side: int = 25) -> st.SearchStrategy:
    box = st.tuples(
        st.integers(0, span), st.integers(0, span), st.integers(1, side), st.integers(1, side)
    )
    return st.lists(box, min_size=0, max_size=max_size).map(
        lambda bs: np.array(
            [shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h) for x, y, w, h in bs],
            dtype=object,
        )
    )


# ---------------------------------------------------------------- brute force
def brute_building_parcel(
    b: np.ndarray, p: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[list[float]]]:
    parcel = np.full(len(b), -1)
    best = np.zeros(len(b))
    total = np.zeros(len(b))
    hits = np.zeros(len(b), dtype=int)
    all_shares: list[list[float]] = []
    for i, bg in enumerate(b):
        shares = []
        for j, pg in enumerate(p):
            if bg.intersects(pg):
                hits[i] += 1
                s = bg.intersection(pg).area / bg.area
                shares.append(s)
                total[i] += s
                if s > best[i]:
                    best[i], parcel[i] = s, j
            else:
                shares.append(0.0)
        all_shares.append(shares)
    return parcel, best, total, hits, all_shares


def brute_polygon_of_point(f: np.ndarray, v: np.ndarray) -> np.ndarray:
    out = np.full(len(f), -1)
    for i, g in enumerate(f):
        pt = shapely.point_on_surface(g)
        inside = [k for k, vg in enumerate(v) if pt.within(vg)]
        touching = [k for k, vg in enumerate(v) if pt.intersects(vg)]
        if inside:
            out[i] = inside[0]
        elif touching:
            out[i] = touching[0]
    return out


def brute_neighbours(g: np.ndarray, tol: float) -> dict[tuple[int, int], tuple[float, float]]:
    out = {}
    for i in range(len(g)):
        for j in range(i + 1, len(g)):
            d = g[i].distance(g[j])
            if d <= tol:
                area = g[i].intersection(g[j]).area if d == 0 else 0.0
                out[(i, j)] = (d, area)
    return out


# ---------------------------------------------------------------- building -> parcel
@FAST
@given(p=boxes(), b=boxes(side=10))
def test_building_parcel_equals_brute_force(p: np.ndarray, b: np.ndarray) -> None:
    got = joins.building_parcel(b, p, threads=1)
    parcel, best, total, hits, _ = brute_building_parcel(b, p)
    assert (got.hits == hits).all()
    np.testing.assert_allclose(got.share, best, atol=1e-9)
    np.testing.assert_allclose(got.total_share, total, atol=1e-9)
    assert (got.parcel == parcel).all()


@FAST
@given(p=boxes(), b=boxes(side=10), seed=st.integers(0, 2**16))
def test_building_parcel_does_not_depend_on_order(p: np.ndarray, b: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed)
    pp, bp = rng.permutation(len(p)), rng.permutation(len(b))
    ref = joins.building_parcel(b, p, threads=1)
    got = joins.building_parcel(b[bp], p[pp], threads=2)
    np.testing.assert_allclose(got.share, ref.share[bp], atol=1e-9)
    np.testing.assert_allclose(got.total_share, ref.total_share[bp], atol=1e-9)
    chosen = np.full(len(b), -1)
    found = got.parcel >= 0
    chosen[found] = pp[got.parcel[found]]
    _, best, _, _, shares = brute_building_parcel(b, p)
    for k, i in enumerate(bp):
        if chosen[k] < 0:
            assert ref.parcel[i] < 0
            continue
        # Ties may pick another parcel, but never one with a smaller share.
        assert shares[i][chosen[k]] == pytest.approx(best[i], abs=1e-9)


def test_building_parcel_threads_agree(
    scattered: Callable[..., np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(joins, "_PARALLEL_MIN", 1)
    p = scattered(400, seed=3, span=400)
    b = scattered(600, seed=4, span=400)
    one = joins.building_parcel(b, p, threads=1)
    two = joins.building_parcel(b, p, threads=2)
    assert (one.parcel == two.parcel).all()
    np.testing.assert_array_equal(one.share, two.share)
    assert (one.pairs_building == two.pairs_building).all()
    assert (one.pairs_parcel == two.pairs_parcel).all()


def test_building_parcel_single_hit_partly_outside() -> None:
    parcel = np.array([shapely.box(X0, Y0, X0 + 10, Y0 + 10)], dtype=object)
    inside = shapely.box(X0 + 1, Y0 + 1, X0 + 4, Y0 + 4)
    half = shapely.box(X0 + 8, Y0 + 1, X0 + 12, Y0 + 2)
    out = shapely.box(X0 + 20, Y0, X0 + 25, Y0 + 5)
    edge = shapely.box(X0 + 10, Y0, X0 + 12, Y0 + 5)  # touches only
    got = joins.building_parcel(np.array([inside, half, out, edge], dtype=object), parcel)
    assert got.share.tolist() == pytest.approx([1.0, 0.5, 0.0, 0.0])
    assert got.parcel.tolist() == [0, 0, -1, -1]
    # Without exact single hits a partial building counts as wholly inside (geopandas' answer).
    fast = joins.building_parcel(np.array([inside, half], dtype=object), parcel, exact_single=False)
    assert fast.parcel.tolist() == [0, 0] and fast.share.tolist() == [1.0, 1.0]


# ---------------------------------------------------------------- point in polygon
@FAST
@given(f=boxes(), v=boxes(max_size=6, side=40))
def test_polygon_of_point_equals_brute_force(f: np.ndarray, v: np.ndarray) -> None:
    assert (joins.polygon_of_point(f, v, threads=1) == brute_polygon_of_point(f, v)).all()


@FAST
@given(f=boxes(), seed=st.integers(0, 2**16))
def test_polygon_of_point_does_not_depend_on_order(f: np.ndarray, seed: int) -> None:
    # Villages tile the plane (4 x 4 squares of 20 m): a point lies in one, or on edges.
    k = np.arange(16)
    v = np.array(
        shapely.box(
            X0 + (k % 4) * 20, Y0 + (k // 4) * 20, X0 + (k % 4 + 1) * 20, Y0 + (k // 4 + 1) * 20
        ),
        dtype=object,
    )
    rng = np.random.default_rng(seed)
    fp, vp = rng.permutation(len(f)), rng.permutation(len(v))
    ref = joins.polygon_of_point(f, v)
    got = joins.polygon_of_point(f[fp], v[vp])
    mapped = np.full(len(f), -1)
    mapped[got >= 0] = vp[got[got >= 0]]
    pts = shapely.point_on_surface(f[fp]) if len(f) else np.array([], dtype=object)
    for k2, i in enumerate(fp):
        assert (mapped[k2] < 0) == (ref[i] < 0)
        if mapped[k2] >= 0:
            assert v[mapped[k2]].intersects(pts[k2])
            containing = [j for j in range(16) if pts[k2].within(v[j])]
            if len(containing) == 1:
                assert mapped[k2] == ref[i] == containing[0]


# ---------------------------------------------------------------- neighbours
@FAST
@given(g=boxes(max_size=14, span=50, side=15), tol=st.sampled_from([0.0, 0.5, 2.0]))
def test_neighbour_pairs_equal_brute_force(g: np.ndarray, tol: float) -> None:
    got = joins.neighbour_pairs(g, tol, threads=1)
    expected = brute_neighbours(g, tol)
    pairs = list(zip(got.i.tolist(), got.j.tolist(), strict=True))
    assert sorted(pairs) == sorted(expected)
    for k, pair in enumerate(pairs):
        d, area = expected[pair]
        assert got.distance[k] == pytest.approx(d, abs=1e-9)
        assert got.overlap_area[k] == pytest.approx(area, abs=1e-9)


@FAST
@given(g=boxes(max_size=14, span=50, side=15), seed=st.integers(0, 2**16))
def test_neighbour_pairs_do_not_depend_on_order(g: np.ndarray, seed: int) -> None:
    perm = np.random.default_rng(seed).permutation(len(g))
    ref = joins.neighbour_pairs(g, 0.5)
    got = joins.neighbour_pairs(g[perm], 0.5)
    mapped = {
        tuple(sorted((int(perm[a]), int(perm[b])))): round(float(ar), 6)
        for a, b, ar in zip(got.i, got.j, got.overlap_area, strict=True)
    }
    expected = {
        (int(a), int(b)): round(float(ar), 6)
        for a, b, ar in zip(ref.i, ref.j, ref.overlap_area, strict=True)
    }
    assert mapped == expected


def test_neighbour_overlap_width_measures_slivers() -> None:
    a = shapely.box(X0, Y0, X0 + 10, Y0 + 10)
    b = shapely.box(X0 + 9.8, Y0, X0 + 20, Y0 + 10)  # 0.2 m wide overlap
    c = shapely.box(X0 + 20.3, Y0, X0 + 30, Y0 + 10)  # 0.3 m gap from b
    got = joins.neighbour_pairs(np.array([a, b, c], dtype=object), 0.5)
    assert list(zip(got.i.tolist(), got.j.tolist(), strict=True)) == [(0, 1), (1, 2)]
    assert got.overlap_area[0] == pytest.approx(2.0)
    assert got.overlap_width[0] == pytest.approx(2 * 2.0 / 20.4)
    assert got.distance[1] == pytest.approx(0.3)
    with pytest.raises(QjgisError) as err:
        joins.neighbour_pairs(np.array([a], dtype=object), -1.0)
    assert err.value.code == "invalid_argument"


# ---------------------------------------------------------------- households
ID_POOL = [
    "500110198001010011",
    "500110198001010038",
    "50011019800101004x",  # lower-case x: matches its upper-case form
    "500110800101005",  # 15 digits: matches its 18-digit form
    "500110198001010062",
]


def _norm(i: str | None) -> str:
    from qjgis.codes import normalize_id

    return normalize_id(i) if i else ""


@FAST
@given(
    members=st.lists(st.tuples(st.integers(0, 4), st.sampled_from(ID_POOL)), max_size=8),
    parcels=st.lists(
        st.tuples(
            st.sampled_from([None, "H0", "H1", "H2", "H3", "H9", " H1 "]),
            st.sampled_from([None, "", "510000199001010000", *ID_POOL]),
        ),
        max_size=10,
    ),
    coholders=st.lists(st.tuples(st.integers(0, 9), st.sampled_from(ID_POOL)), max_size=6),
)
def test_link_households_equals_brute_force(
    members: list[tuple[int, str]],
    parcels: list[tuple[str | None, str | None]],
    coholders: list[tuple[int, str]],
) -> None:
    register = np.array(["H0", "H1", "H2", "H3"], dtype=object)
    # Brute force: the register's ID -> households, the link rule row by row.
    owners: dict[str, set[int]] = {}
    for h, i in members:
        if h < 4:
            owners.setdefault(_norm(i), set()).add(h)
    by_id = {i: next(iter(hs)) for i, hs in owners.items() if len(hs) == 1}
    expected = []
    for k, (hno, hid) in enumerate(parcels):
        key = (hno or "").strip()
        if key in {"H0", "H1", "H2", "H3"}:
            expected.append(int(key[1]))
        elif _norm(hid) in by_id:
            expected.append(by_id[_norm(hid)])
        else:
            co = {by_id[_norm(i)] for p, i in coholders if p == k and _norm(i) in by_id}
            expected.append(co.pop() if len(co) == 1 else -1)
    index = joins.id_index(
        np.array([i for _, i in members], dtype=object),
        np.array([h if h < 4 else -1 for h, _ in members], dtype=np.intp),
    )
    got = joins.link_households(
        np.array([h for h, _ in parcels], dtype=object),
        np.array([i for _, i in parcels], dtype=object),
        register,
        index,
        coholder_parcel=np.array([p for p, _ in coholders], dtype=np.intp),
        coholder_id=np.array([i for _, i in coholders], dtype=object),
    )
    assert got.household.tolist() == expected
    assert ((got.via > 0) == (got.household >= 0)).all()


def test_normalize_ids_and_lookup() -> None:
    ids = joins.normalize_ids(np.array([" 50011019800101004x ", None, "500110800101005"], object))
    assert ids[0] == "50011019800101004X" and ids[1] == ""
    assert len(ids[2]) == 18 and ids[2].startswith("50011019800101")
    assert joins.lookup(np.array(["b", "", "z", "a"]), np.array(["a", "b", "b"])).tolist() == [
        1,
        -1,
        -1,
        0,
    ]


# ---------------------------------------------------------------- input checks
def test_crs_checks() -> None:
    joins.check_crs("buildings", "EPSG:4524", "parcels", "EPSG:4524", projected=True)
    joins.check_crs("buildings", None, "parcels", "EPSG:4524", projected=True)
    with pytest.raises(QjgisError) as err:
        joins.check_crs("buildings", "EPSG:4523", "parcels", "EPSG:4524")
    assert err.value.code == "checks_crs_mismatch"
    assert "buildings" in str(err.value) and "EPSG:4523" in str(err.value)
    with pytest.raises(QjgisError) as err:
        joins.check_crs("parcels", "EPSG:4490", projected=True)
    assert err.value.code == "checks_crs_not_projected"
    a = np.array([shapely.box(0, 0, 1, 1)], dtype=object)
    with pytest.raises(QjgisError) as err:
        joins.building_parcel(a, a, crs="EPSG:4490", parcels_crs="EPSG:4490")
    assert err.value.code == "checks_crs_not_projected"


def test_key_hash_does_not_depend_on_array_width() -> None:
    short = joins.key_hash(np.array(["户号0001"]))
    wide = joins.key_hash(np.array(["户号0001", "a much longer key than the first"]))
    assert short[0] == wide[0] != wide[1]


@FAST
@given(
    table=st.lists(st.text(alphabet="ab户号 1", max_size=5), max_size=12),
    keys=st.lists(st.text(alphabet="ab户号 1", max_size=5), max_size=12),
)
def test_lookup_equals_a_dict(table: list[str], keys: list[str]) -> None:
    first: dict[str, int] = {}
    for i, k in enumerate(table):
        first.setdefault(k, i)
    expected = [first.get(k, -1) if k else -1 for k in keys]
    got = joins.lookup(np.array(keys, dtype=object), np.array(table, dtype=object))
    assert got.tolist() == expected
