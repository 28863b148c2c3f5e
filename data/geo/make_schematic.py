"""Draw the book's schematic places layer, ``places_schematic.geojson`` beside this script.

Usage (from the project folder): ``.venv/bin/python data/geo/make_schematic.py``. Run it again only when the
landmarks or the rules below change: the layer is data, reviewed and committed like any other file. Every
feature says in its ``basis`` how it was drawn and in ``precision_m`` how far it may be off.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point, mapping

from analysis.datasets.geo import (
    CRS84,
    METRIC,
    SHARED_TOLERANCE_M,
    WGS84,
    landmarks,
    to_metric,
    wuchang_main,
    wuhan_districts,
)
from analysis.datasets.outside_figures import outside_figure
from analysis.paths import PLACES, relative

# The area given for 武昌古城 (the old walled city), km², with its source in data/context/outside_figures.csv.
# It sizes the schematic disc and is also written into the feature (``described_area_km2``).
OLD_CITY_KM2 = outside_figure("old_city_area").value


def _landmark(gdf: gpd.GeoDataFrame, name_zh: str) -> Point:
    return gdf.loc[gdf["name_zh"] == name_zh, "geometry"].iloc[0]


def build_schematic_places() -> gpd.GeoDataFrame:
    """The book's schematic places, drawn from the landmarks and the Amap 武昌 polygon (see each ``basis``)."""
    marks = to_metric(landmarks())
    main = to_metric(gpd.GeoSeries([wuchang_main("amap")], crs=WGS84)).iloc[0]
    others = to_metric(wuhan_districts("amap"))
    across = others[others["name_zh"].isin(["江岸区", "江汉区", "汉阳区"])].geometry.union_all()
    river_line = main.boundary.intersection(across.buffer(SHARED_TOLERANCE_M))  # 武昌's mid-Yangtze boundary
    features = []

    # 滨江商务区: between the two bridges, river to the west; 2 km inland from the mid-river boundary.
    b1, b2 = _landmark(marks, "武汉长江大桥"), _landmark(marks, "武汉长江二桥")
    axis = np.array([b2.x - b1.x, b2.y - b1.y])
    axis /= np.linalg.norm(axis)
    normal = np.array([axis[1], -axis[0]]) * 20_000  # perpendicular to the river, far to both sides
    band = shapely.Polygon([(b1.x + normal[0], b1.y + normal[1]), (b2.x + normal[0], b2.y + normal[1]),
                            (b2.x - normal[0], b2.y - normal[1]), (b1.x - normal[0], b1.y - normal[1])])
    riverside = main.intersection(band).intersection(river_line.buffer(2000))
    features.append(("滨江商务区", "Riverside Business District", "zone", riverside, 1000.0, (
        "the part of 武昌 between the lines through the centres of 武汉长江大桥 and 武汉长江二桥 drawn at right "
        "angles to the river, within 2 km of the district's mid-Yangtze boundary (river to the west; the 沙湖 "
        "limit to the east is not drawn: no lake geometry); includes river water")))

    # 武昌古城: a disc of the described 7.7 km², its western edge at 黄鹤楼 (the tower stands at the west end
    # of 蛇山, by the river, on the old city's western side).
    tower = _landmark(marks, "黄鹤楼")
    radius = math.sqrt(OLD_CITY_KM2 * 1e6 / math.pi)
    old_city = Point(tower.x + radius, tower.y).buffer(radius, quad_segs=32).intersection(main)
    features.append(("武昌古城", "Wuchang Ancient City", "zone", old_city, round(radius, -2), (
        f"a disc of {OLD_CITY_KM2} km² (the area usually given for the old walled city), radius {radius:.0f} m, "
        "centred "
        "one radius east of the 黄鹤楼 landmark so that the tower stands on its western edge; clipped to 武昌. "
        "Shows where and how large, not the outline")))

    # Places whose location is known roughly and whose extent is not: points with a precision radius.
    features.append(("华中金融城", "Central China Financial City", "zone", _landmark(marks, "中南路站"), 1500.0, (
        "a point at 中南路站 (Zhongnan Road station), on the 中南路–中北路 axis where the district's financial "
        "headquarters stand; the report names buildings of the zone but no boundary, so no extent is drawn")))
    features.append(("滨江数创走廊", "Riverside Digital Innovation Corridor", "corridor",
                     _landmark(marks, "徐家棚站"), 1500.0, (
        "a point at 徐家棚站 (Xujiapeng station), where 徐东大街 meets the riverside 和平大道; the report places "
        "the corridor along 徐东大街, but no street geometry is available, so its course is not drawn")))
    bridge = _landmark(marks, "白沙洲大桥")
    gap = main.distance(bridge)
    tip = bridge.buffer(gap + 1500, quad_segs=32).intersection(main)  # the district's southern tip
    features.append(("白沙 (南翼)", "Baisha, southern wing", "wing", tip.representative_point(), 1500.0, (
        f"a point in the southern tip of 武昌, within 1.5 km of the district's nearest point to the centre of "
        f"白沙洲大桥 (the bridge lies {gap / 1000:.1f} km away, outside the district): the 白沙洲 riverside. "
        "The report names the wing, not its extent")))

    gdf = gpd.GeoDataFrame(
        {"name_zh": [f[0] for f in features], "name_en": [f[1] for f in features],
         "kind": [f[2] for f in features], "basis": [f[5] for f in features],
         "precision_m": [f[4] for f in features], "schematic": True,
         "described_area_km2": [OLD_CITY_KM2 if f[0] == "武昌古城" else None for f in features]},
        geometry=[f[3] for f in features], crs=METRIC).to_crs(WGS84)
    return gdf


def write_geojson(gdf: gpd.GeoDataFrame, path: Path, name: str) -> None:
    """A layer as GeoJSON with an explicit CRS member, coordinates rounded to 1e-6° (~0.1 m)."""
    gdf = gdf.to_crs(WGS84)
    features = []
    for row in gdf.itertuples(index=False):
        props = {k: (v.item() if hasattr(v, "item") else v) for k, v in row._asdict().items() if k != "geometry"}
        props = {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in props.items()}
        geom = shapely.transform(row.geometry, lambda c: np.round(c, 6))
        features.append({"type": "Feature", "properties": props, "geometry": mapping(geom)})
    doc = {"type": "FeatureCollection", "name": name,
           "crs": {"type": "name", "properties": {"name": CRS84}}, "features": features}
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    write_geojson(build_schematic_places(), PLACES, "places_schematic")
    print(f"wrote {relative(PLACES)}")


if __name__ == "__main__":
    main()
