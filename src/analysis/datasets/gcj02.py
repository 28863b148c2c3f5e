"""GCJ-02, the obfuscated datum of Chinese web maps: converting to and from WGS-84, and how far it shifts.

The published GCJ-02 ("Mars coordinates") obfuscation formula, as implemented by the MIT/CC0 converters
on PyPI (coordtransform, prcoords, eviltransform): an ellipsoid (Krasovsky 1940) and two trigonometric
series. Forward only; the inverse is found by fixed-point iteration (converges to < 1e-7° in a few steps).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

_A = 6378245.0
_EE = 0.00669342162296594323


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    dlat = dlat * 180.0 / ((_A * (1 - _EE)) / (magic * np.sqrt(magic)) * np.pi)
    dlon = dlon * 180.0 / (_A / np.sqrt(magic) * np.cos(rad) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(coords: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat arrays from WGS-84 to GCJ-02."""
    coords = np.asarray(coords, dtype=float)
    dlon, dlat = _delta(coords[:, 0], coords[:, 1])
    return np.column_stack([coords[:, 0] + dlon, coords[:, 1] + dlat])


def gcj02_to_wgs84(coords: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat arrays from GCJ-02 back to WGS-84 (iterative inverse)."""
    target = np.asarray(coords, dtype=float)
    guess = target.copy()
    for _ in range(10):
        guess = guess - (wgs84_to_gcj02(guess) - target)
    return guess


def gcj_offset_m(lon: float, lat: float) -> tuple[float, float]:
    """How far GCJ-02 moves a WGS-84 point, in metres east and north."""
    g = wgs84_to_gcj02(np.array([[lon, lat]]))[0]
    north = (g[1] - lat) * 111_320.0
    east = (g[0] - lon) * 111_320.0 * math.cos(math.radians(lat))
    return east, north


def to_gcj02(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, wgs84_to_gcj02)


def from_gcj02(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, gcj02_to_wgs84)
