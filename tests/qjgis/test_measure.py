"""Measuring on the map (issue 16, point 9): metres and square metres, planar in the
projected CRS, geodesic in a geographic one. Headless tier."""

from __future__ import annotations

import math

import pytest
import shapely
from pyproj import Transformer

from qjgis.measure import measure

X0, Y0 = 36_400_000.0, 3_200_000.0  # EPSG:4524, easting with the zone-36 prefix


def test_a_square_plot_in_gauss_krueger() -> None:
    # 30.5 m by 20.25 m: the area keeps its centimetres despite the zone prefix
    pts = [(X0, Y0), (X0 + 30.5, Y0), (X0 + 30.5, Y0 + 20.25), (X0, Y0 + 20.25)]
    m = measure(pts, "EPSG:4524")
    assert m.method == "planar" and m.points == 4
    assert m.length == pytest.approx(30.5 + 20.25 + 30.5)
    assert m.perimeter == pytest.approx(2 * (30.5 + 20.25))
    assert m.area == pytest.approx(30.5 * 20.25, abs=1e-6)


def test_agrees_with_shapely_on_an_irregular_polygon_either_way_round() -> None:
    pts = [(X0, Y0), (X0 + 41.2, Y0 + 3.1), (X0 + 37.9, Y0 + 29.4), (X0 + 12.0, Y0 + 35.7),
           (X0 - 4.4, Y0 + 18.8)]  # fmt: skip
    poly = shapely.Polygon(pts)
    for order in (pts, pts[::-1]):
        m = measure(order, 4524)
        assert m.area == pytest.approx(poly.area, rel=1e-12)
        assert m.perimeter == pytest.approx(poly.length, rel=1e-12)


def test_fewer_points_measure_what_they_can() -> None:
    assert measure([], "EPSG:4524").length == 0.0
    one = measure([(X0, Y0)], "EPSG:4524")
    assert (one.length, one.area) == (0.0, 0.0)
    two = measure([(X0, Y0), (X0 + 3, Y0 + 4)], "EPSG:4524")
    assert (two.length, two.perimeter, two.area) == (5.0, 0.0, 0.0)


def test_a_geographic_project_is_measured_on_the_ellipsoid_not_in_degrees() -> None:
    pts = [(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100)]
    to_geo = Transformer.from_crs(4524, 4490, always_xy=True)
    lonlat = [to_geo.transform(x, y) for x, y in pts]
    m = measure(lonlat, "EPSG:4490")
    assert m.method == "geodesic"
    # Gauss-Krüger scale near the zone's middle differs from 1 by far less than 1 %
    assert m.length == pytest.approx(300.0, rel=1e-3)
    assert m.area == pytest.approx(10_000.0, rel=2e-3)
    assert not math.isclose(m.area, measure(lonlat, "EPSG:4524").area, rel_tol=0.5)


def test_a_projected_crs_in_feet_reads_in_metres() -> None:
    m = measure([(0.0, 0.0), (1000.0, 0.0)], "EPSG:2227")  # California zone 3, US feet
    assert m.length == pytest.approx(304.8006, rel=1e-6)
