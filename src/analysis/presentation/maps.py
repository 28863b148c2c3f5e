"""Maps of the book: Altair geoshape charts, ready for ``analysis.presentation.display.show`` (HTML with
tooltips, PNG for the PDF).

Entry points (each returns one chart):
- ``district_in_wuhan_map(source)``: Wuhan's 13 districts, 武昌 highlighted, its neighbours named, the exclave;
- ``zones_map(zones_path, source)``: 武昌 with the places layer (schematic by default) and the landmarks;
- ``corridor_map(source)``: the riverside north of 武昌: 滨江商务区 and the 滨江数创走廊 along 徐东大街;
- ``district_area_chart()`` and ``neighbour_chart(source)``: the measured figures behind the maps.

Surveyed boundaries are drawn with solid lines; schematic features (示意图) with dashed outlines and a light
fill; landmarks as points inside a dashed circle of their precision. Every map says so in its legend and
subtitle. Maps keep to the city's extent: no national or provincial borders are drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box, mapping

from analysis.datasets import geo
from analysis.paths import relative
from analysis.presentation.charts import PALETTE, source_line

SURVEYED = "administrative boundary 行政区划边界, from boundary data (solid)"
SCHEMATIC = "schematic 示意图, not from boundary data (dashed)"
LANDMARK = "landmark 地标 (dashed circle: its precision)"
STATUS = alt.Scale(domain=[SURVEYED, SCHEMATIC], range=[[1, 0], [6, 4]])
# Report sections where the mapped places are named (analysis.report.text.SECTIONS).
PLACE_SECTIONS = ("preface", "review-2", "review-3", "outlook-4")
SCHEMATIC_NOTE = ("Dashed = schematic 示意图: drawn from landmarks and descriptions, not from boundary data; "
                  "in the HTML book, hover for the basis and precision of each feature.")
SURVEYED_NOTE = ("Solid = district boundary from boundary data (Amap or Tianditu polygons); the grey frame is the "
                 "edge of the map, not a boundary.")
FRAME_COLOUR = "#bbbbbb"  # the map's edge: never drawn like a boundary
CLIP_MARGIN = 0.25  # geometry is cut to the view enlarged by this share on every side, so no cut edge shows
NOT_DRAWN = ("Named in the report but not drawn (no geometry with a source): the six renewal units (not named in "
             "the report), 杨园, 昙华林, lakes, new roads.")
ZONE_COLOURS = [PALETTE[1], PALETTE[3], PALETTE[4], PALETTE[2], "#b07aa1", "#9c755f", "#e15759", "#76b7b2"]
LINE_LEGEND = alt.Legend(orient="bottom", direction="vertical", symbolType="stroke", symbolStrokeWidth=2,
                         symbolSize=400, symbolStrokeColor="#333333")
DISPLAY_TOLERANCE_M = 20.0  # boundaries are simplified to this for drawing; every figure uses the full geometry


def _values(gdf: gpd.GeoDataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """GeoJSON features for Vega: rings clockwise (else Vega fills the frame), coordinates to ~1 m."""
    gdf = gdf.to_crs(geo.WGS84)
    geoms = gdf.geometry.orient_polygons(exterior_cw=True)
    out = []
    for geom, (_, row) in zip(geoms, gdf[list(columns)].iterrows(), strict=True):
        props = {k: _plain(v) for k, v in row.items()}
        rounded = shapely.transform(geom, lambda c: np.round(c, 5))
        out.append({**props, "type": "Feature", "geometry": mapping(rounded)})
    return out


def _plain(v: Any) -> Any:
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def _simplified(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    metric = geo.to_metric(gdf)
    metric["geometry"] = metric.geometry.simplify(DISPLAY_TOLERANCE_M, preserve_topology=True)
    return metric.to_crs(geo.WGS84)


def _frame(geoms: Iterable, margin_m: float) -> shapely.Polygon:
    """A lon/lat rectangle around the geometries with a margin in metres (the map's extent)."""
    series = geo.to_metric(gpd.GeoSeries(list(geoms), crs=geo.WGS84))
    xmin, ymin, xmax, ymax = series.total_bounds
    rect = box(xmin - margin_m, ymin - margin_m, xmax + margin_m, ymax + margin_m)
    return gpd.GeoSeries([rect], crs=geo.METRIC).to_crs(geo.WGS84).envelope.iloc[0]


def _clip_rect(frame: shapely.Polygon, margin: float = CLIP_MARGIN) -> tuple[float, float, float, float]:
    """The view enlarged on every side: geometry cut here has its cut edges outside the drawn area."""
    xmin, ymin, xmax, ymax = frame.bounds
    dx, dy = margin * (xmax - xmin), margin * (ymax - ymin)
    return xmin - dx, ymin - dy, xmax + dx, ymax + dy


def _clipped(gdf: gpd.GeoDataFrame, frame: shapely.Polygon) -> gpd.GeoDataFrame:
    """Geometry cut to beyond the view (shapely.clip_by_rect), empty parts dropped. The marks clip to the view
    itself (``clip=True``), so the map's edge is never drawn as part of a boundary."""
    out = gdf.copy()
    out["geometry"] = shapely.clip_by_rect(out.geometry.to_numpy(), *_clip_rect(frame))
    return out[~out.geometry.is_empty]


def _projection(frame: shapely.Polygon) -> alt.Projection:
    xmin, ymin, xmax, ymax = frame.bounds
    corners = {"type": "Feature", "properties": {},
               "geometry": {"type": "MultiPoint", "coordinates": [[xmin, ymin], [xmax, ymax]]}}
    return alt.Projection(type="mercator", fit=corners)


def _size(frame: shapely.Polygon, width: int) -> tuple[int, int]:
    xmin, ymin, xmax, ymax = frame.bounds
    aspect = (ymax - ymin) / ((xmax - xmin) * np.cos(np.radians((ymin + ymax) / 2)))
    return width, round(float(width * aspect))


def _label_points(gdf: gpd.GeoDataFrame, columns: Sequence[str]) -> pd.DataFrame:
    pts = gdf.geometry.representative_point()
    frame = pd.DataFrame(gdf[list(columns)]).reset_index(drop=True)
    frame["lon"], frame["lat"] = pts.x.to_numpy(), pts.y.to_numpy()
    return frame


def _line_key(frame: shapely.Polygon, scale: alt.Scale) -> alt.Chart:
    """An invisible layer that carries the line legend: Vega-Lite draws a dash legend only for line marks."""
    x, y = frame.bounds[:2]
    rows = [{"lon": x, "lat": y, "status": status} for status in scale.domain for _ in range(2)]
    return alt.Chart(pd.DataFrame(rows)).mark_line(color="#333333", strokeWidth=2, opacity=0).encode(
        longitude="lon:Q", latitude="lat:Q", strokeDash=alt.StrokeDash("status:N", title="line 线型", scale=scale,
                                                                       legend=LINE_LEGEND))


def _title(text: str, lines: Sequence[str]) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=[line for line in lines if line])


# --- Wuhan -------------------------------------------------------------------------------------------------

def district_in_wuhan_map(source: str = "amap", width: int = 560) -> alt.LayerChart:
    """武昌 among Wuhan's 13 districts: highlighted, its neighbours named, its exclave in 江夏 marked."""
    districts = geo.wuhan_districts(source)
    nb = geo.neighbours(source)
    near = set(nb.loc[nb["shared_km"] > 0, "adcode"])
    districts["role"] = np.where(districts["adcode"] == geo.WUCHANG, "武昌区 Wuchang",
                                 np.where(districts["adcode"].isin(near), "neighbour 相邻区", "other district 其他区"))
    districts["status"] = SURVEYED
    districts["area_shown"] = districts["area_km2"].map(lambda a: f"{a:,.1f} km²")
    parts = geo.wuchang_parts(source)
    main_km2 = parts["area_km2"].iloc[0]
    districts.loc[districts["adcode"] == geo.WUCHANG, "area_shown"] = (
        f"{main_km2:.1f} km² main polygon" + (f" + {parts['area_km2'].iloc[1:].sum():.1f} km² exclave"
                                             if len(parts) > 1 else ""))
    frame = _frame(districts.geometry, 3000)
    w, h = _size(frame, width)
    roles = ["武昌区 Wuchang", "neighbour 相邻区", "other district 其他区"]
    shapes = alt.Chart(alt.Data(values=_values(_simplified(districts),
                                               ["name_zh", "name_en", "role", "area_shown", "status"]))).mark_geoshape(
        stroke="white", strokeWidth=0.8).encode(
        color=alt.Color("role:N", title="district 区", scale=alt.Scale(domain=roles,
                        range=[PALETTE[1], "#9fb8c8", "#dcdcdc"]), legend=alt.Legend(orient="right")),
        strokeDash=alt.StrokeDash("status:N", scale=alt.Scale(domain=[SURVEYED], range=[[1, 0]]), legend=None),
        tooltip=[alt.Tooltip("name_zh:N", title="区"), alt.Tooltip("name_en:N", title="district"),
                 alt.Tooltip("area_shown:N", title="area (EPSG:4547)"), alt.Tooltip("role:N"),
                 alt.Tooltip("status:N", title="geometry")])
    labels = _label_points(districts, ["short_zh", "name_en", "role"])
    labels["colour"] = np.where(labels["role"] == "武昌区 Wuchang", "white", "#333333")
    text = alt.Chart(labels).mark_text(fontSize=10, fontWeight="bold").encode(
        longitude="lon:Q", latitude="lat:Q", text="short_zh:N", color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("name_en:N", title="district")])
    exclaves = parts.iloc[1:]
    marks = pd.DataFrame({"lon": exclaves["lon"], "lat": exclaves["lat"], "label": "武昌飞地 exclave",
                          "note": [f"{a:.1f} km², inside 江夏" for a in exclaves["area_km2"]]})
    callouts = alt.Chart(marks).mark_text(align="left", dx=10, fontSize=11, fontWeight="bold",
                                          color=PALETTE[1]).encode(
        longitude="lon:Q", latitude="lat:Q", text="label:N", tooltip=["label:N", "note:N"])
    dots = alt.Chart(marks).mark_point(shape="triangle-left", filled=True, size=40, color=PALETTE[1]).encode(
        longitude="lon:Q", latitude="lat:Q", tooltip=["label:N", "note:N"])
    key = _line_key(frame, alt.Scale(domain=[SURVEYED], range=[[1, 0]]))
    return alt.layer(key, shapes, text, dots, callouts).properties(
        width=w, height=h, projection=_projection(frame),
        title=_title(f"武昌区 Wuchang among the {len(districts)} districts of Wuhan 武汉市", [
            "All lines are district boundaries from boundary data (no schematic features on this map); city extent "
            "only.",
            "武昌's western boundary runs mid-Yangtze; "
            + ("its exclave 飞地 is marked. " if len(parts) > 1 else "this source draws no exclave. ")
            + f"Drawn simplified to {DISPLAY_TOLERANCE_M:.0f} m.",
            geo.source_note(source)]))


# --- 武昌 and its places ------------------------------------------------------------------------------------

def _status(schematic: pd.Series) -> pd.Series:
    return schematic.map({True: SCHEMATIC, False: SURVEYED})


def _places_map(frame: shapely.Polygon, zones: gpd.GeoDataFrame, marks: gpd.GeoDataFrame, source: str,
                title: str, lines: Sequence[str], width: int) -> alt.LayerChart:
    w, h = _size(frame, width)
    districts = geo.wuhan_districts(source)
    main = geo.wuchang_main(source)
    others = districts[districts["adcode"] != geo.WUCHANG].copy()
    others["status"] = SURVEYED
    visible = others.geometry.intersection(frame)  # what the view shows of each: for choosing and labelling
    keep = ~visible.is_empty & (geo.to_metric(gpd.GeoDataFrame(geometry=visible, crs=geo.WGS84)).area > 2e5)
    in_view = others[keep].copy()
    in_view["geometry"] = visible[keep]
    others = _clipped(others[keep], frame)
    wc = _clipped(gpd.GeoDataFrame(
        {"name_zh": ["武昌区"], "name_en": ["Wuchang"], "status": [SURVEYED],
         "area_shown": [f"{geo.wuchang_parts(source)['area_km2'].iloc[0]:.1f} km² (main polygon)"]},
        geometry=[main], crs=geo.WGS84), frame)
    dash = alt.StrokeDash("status:N", scale=STATUS, legend=None)  # the key layer carries the legend
    layers = [
        _line_key(frame, STATUS),
        alt.Chart(alt.Data(values=_values(others, ["name_zh", "name_en", "status"]))).mark_geoshape(
            fill="#eeeeee", stroke="#aaaaaa", strokeWidth=0.8, clip=True).encode(
            strokeDash=dash, tooltip=[alt.Tooltip("name_zh:N", title="区"), alt.Tooltip("name_en:N", title="district"),
                                      alt.Tooltip("status:N", title="geometry")]),
        alt.Chart(alt.Data(values=_values(wc, ["name_zh", "name_en", "status", "area_shown"]))).mark_geoshape(
            fill="#f7f3ea", stroke="#333333", strokeWidth=1.6, clip=True).encode(
            strokeDash=dash, tooltip=[alt.Tooltip("name_zh:N", title="区"), alt.Tooltip("name_en:N", title="district"),
                                      alt.Tooltip("area_shown:N", title="area (EPSG:4547)"),
                                      alt.Tooltip("status:N", title="geometry")]),
    ]
    # Names stand well inside the view (a label is about 90 px wide), so none runs over the edge.
    inner = box(*_clip_rect(frame, -min(0.2, 90 / w)))
    in_view["geometry"] = in_view.geometry.intersection(inner)
    nlabels = _label_points(in_view[~in_view.geometry.is_empty], ["short_zh", "name_en"])
    nlabels["label"] = nlabels["short_zh"] + " " + nlabels["name_en"]
    layers.append(alt.Chart(nlabels).mark_text(fontSize=10, color="#777777", fontStyle="italic").encode(
        longitude="lon:Q", latitude="lat:Q", text="label:N"))

    tooltip = [alt.Tooltip("name_en:N", title="name"), alt.Tooltip("name_zh:N", title="名称"),
               alt.Tooltip("basis:N", title="basis (how drawn)"), alt.Tooltip("precision:N", title="precision"),
               alt.Tooltip("area_shown:N", title="area (EPSG:4547)"), alt.Tooltip("status:N", title="geometry")]
    cols = ["name_zh", "name_en", "basis", "precision", "area_shown", "status"]
    if len(zones):
        z = geo.with_size(zones)
        z["status"] = _status(z["schematic"])
        z["precision"] = z["precision_m"].map(lambda p: f"±{p:,.0f} m")
        z["area_shown"] = [f"{a:.1f} ± {pm:.1f} km² (outline ± precision)" if np.isfinite(a) else
                           "none drawn: location only (point ± precision)"
                           for a, pm in zip(z["area_km2"], z["area_pm_km2"], strict=True)]
        names = list(z["name_zh"])
        scale = alt.Scale(domain=names, range=ZONE_COLOURS[: len(names)]) if len(names) <= len(ZONE_COLOURS) \
            else alt.Scale(domain=names)
        colour = alt.Color("name_zh:N", title="place 地点", scale=scale, legend=alt.Legend(orient="right"))
        points = z.geom_type.isin(["Point", "MultiPoint"])
        shapes = pd.concat([z[~points], geo.precision_discs(z[points])]) if points.any() else z
        shapes = gpd.GeoDataFrame(shapes, geometry="geometry", crs=geo.WGS84)
        layers.append(alt.Chart(alt.Data(values=_values(shapes, cols))).mark_geoshape(
            fillOpacity=0.22, strokeWidth=2, clip=True).encode(
            fill=colour, stroke=alt.Color("name_zh:N", scale=scale, legend=None), strokeDash=dash,
            tooltip=tooltip))
        if points.any():
            layers.append(alt.Chart(_label_points(z[points], cols)).mark_circle(size=70, opacity=1).encode(
                longitude="lon:Q", latitude="lat:Q", color=alt.Color("name_zh:N", scale=scale, legend=None),
                tooltip=tooltip))
        labels = _label_points(z, cols)
        labels["dy"] = np.where(points.to_numpy(), 14, 0)
        layers.append(alt.Chart(labels).mark_text(fontSize=12, fontWeight="bold", color="#222222", dy=0).encode(
            longitude="lon:Q", latitude="lat:Q", text="name_zh:N", yOffset="dy:Q", tooltip=tooltip))
    if len(marks):
        m = marks.copy()
        m["status"] = _status(m["schematic"])
        m["precision"] = m["precision_m"].map(lambda p: f"±{p:,.0f} m")
        m["area_shown"] = "— (point)"
        discs = geo.precision_discs(m)
        layers.append(alt.Chart(alt.Data(values=_values(discs, cols))).mark_geoshape(
            fillOpacity=0, stroke="#555555", strokeWidth=1, clip=True).encode(strokeDash=dash, tooltip=tooltip))
        pts = _label_points(m, cols)
        pts["symbol"] = LANDMARK
        layers.append(alt.Chart(pts).mark_point(filled=True, size=50, color="#333333").encode(
            longitude="lon:Q", latitude="lat:Q", tooltip=tooltip,
            shape=alt.Shape("symbol:N", title="point 点", scale=alt.Scale(domain=[LANDMARK], range=["diamond"]),
                            legend=alt.Legend(orient="bottom", direction="vertical"))))
        # A landmark that anchors a place (e.g. 中南路站 for 华中金融城) is named in the tooltip only.
        anchors = zones[zones.geom_type == "Point"].geometry if len(zones) else gpd.GeoSeries([], crs=geo.WGS84)
        pts["label"] = ["" if any(p.distance(a) < 5e-4 for a in anchors) else n
                        for p, n in zip(m.geometry, m["name_zh"], strict=True)]
        layers.append(alt.Chart(pts).mark_text(align="left", dx=7, dy=-6, fontSize=10, color="#333333").encode(
            longitude="lon:Q", latitude="lat:Q", text="label:N", tooltip=tooltip))
    # The view's own border marks the map's edge, where the marks are clipped: a thin grey line, unlike any boundary.
    return alt.layer(*layers).resolve_scale(color="independent").properties(
        width=w, height=h, projection=_projection(frame), title=_title(title, lines),
        view=alt.ViewBackground(stroke=FRAME_COLOUR, strokeWidth=1))


def zones_map(zones_path: str | Path | None = None, source: str = "amap", landmarks: bool = True,
              width: int = 600) -> alt.LayerChart:
    """武昌 with its places: the book's schematic layer (default) or an analyst's own layer under data/."""
    zones = geo.places(zones_path or "")
    marks = geo.landmarks() if landmarks else geo.landmarks().iloc[0:0]
    frame = _frame([geo.wuchang_main(source)], 800)
    marks = marks[marks.within(frame)]
    own = bool(zones_path)
    schematic = bool(zones["schematic"].any())
    return _places_map(frame, zones, marks, source,
                       "Places in 武昌 named by the report" + (" (schematic 示意图)" if schematic else ""), [
                           SCHEMATIC_NOTE, SURVEYED_NOTE,
                           (f"Places layer: {relative(Path(zones_path))} (an analyst's layer, checked on loading)"
                            if own else NOT_DRAWN),
                           "Places: data/geo/places_schematic.geojson" if not own else "",
                           "Landmarks: data/geo/landmarks.geojson" if landmarks else "",
                           geo.source_note(source) + "; areas in EPSG:4547",
                           source_line(*PLACE_SECTIONS)], width)


def corridor_map(source: str = "amap", width: int = 560) -> alt.LayerChart:
    """The riverside north of 武昌: 滨江商务区 and the 滨江数创走廊 along 徐东大街 (both schematic)."""
    zones = geo.places()
    zones = zones[zones["name_zh"].isin(["滨江商务区", "滨江数创走廊"])]
    marks = geo.landmarks()
    marks = marks[marks["name_zh"].isin(["武汉长江大桥", "武汉长江二桥", "徐家棚站", "黄鹤楼"])]
    frame = _frame(list(zones.geometry) + list(marks.geometry), 900)
    return _places_map(frame, zones, marks, source,
                       "滨江数创走廊 along 徐东大街 and the 滨江商务区 (schematic 示意图)", [
                           SCHEMATIC_NOTE, SURVEYED_NOTE,
                           "The corridor is drawn as a point at 徐家棚站 inside a circle of its precision: "
                           "no geometry of 徐东大街 is available.",
                           geo.source_note(source),
                           source_line("review-2", "review-3", "outlook-2")], width)


# --- the figures behind the maps ---------------------------------------------------------------------------

def district_area_chart(width: int = 420) -> alt.LayerChart:
    """How far the two boundary sources disagree on each district's area (EPSG:4547): the precision of an area."""
    table = geo.area_comparison()
    data = pd.DataFrame({
        "district": table["name_zh"] + " " + table["name_en"],
        "amap_km2": table["amap_main"], "tianditu_km2": table["tianditu"],
        "gap_km2": table["difference_km2"], "gap_pct": table["difference_pct"],
        "gap_label": table["difference_km2"].map("{:.1f} km²".format),
        "note": np.where(table["adcode"] == geo.WUCHANG, "Amap: main polygon only (exclave excluded)",
                         "whole district"),
    })
    tooltip = [alt.Tooltip("district:N"), alt.Tooltip("amap_km2:Q", format=",.1f", title="Amap 高德, km²"),
               alt.Tooltip("tianditu_km2:Q", format=",.1f", title="Tianditu 天地图, km²"),
               alt.Tooltip("gap_km2:Q", format=".2f", title="gap, km²"), alt.Tooltip("gap_pct:Q", format=".1f",
                                                                                  title="gap, % of Tianditu"),
               alt.Tooltip("note:N")]
    order = list(data.sort_values("gap_pct", ascending=False)["district"])
    base = alt.Chart(data).encode(y=alt.Y("district:N", sort=order, title=None), tooltip=tooltip)
    bars = base.mark_bar(height=14).encode(
        x=alt.X("gap_pct:Q", title="gap between the two sources, % of the district's area"),
        color=alt.condition(alt.datum.district == "武昌区 Wuchang", alt.value(PALETTE[1]), alt.value(PALETTE[0])))
    text = base.mark_text(align="left", dx=4, fontSize=10).encode(
        x="gap_pct:Q", text="gap_label:N")
    return (bars + text).properties(width=width, height=alt.Step(20), title=_title(
        "How much the two boundary sources disagree on each district's area", [
            "Bars: |Amap − Tianditu| as % of the Tianditu area; labels: the gap in km². Areas in EPSG:4547.",
            "This gap is the precision to assume for an area (武昌: Amap main polygon).",
            f"{geo.source_note('amap')}; Tianditu 天地图 from the same package"]))


def neighbour_chart(source: str = "amap", width: int = 420) -> alt.LayerChart:
    """Length of 武昌's boundary shared with each neighbour, in km (EPSG:4547)."""
    nb = geo.neighbours(source)
    rows = []
    for r in nb.itertuples():
        label = f"{r.short_zh} {r.name_en}"
        if r.shared_km > 0:
            rows.append({"neighbour": label, "part": "main polygon 主体", "km": r.shared_km,
                         "where": "across the Yangtze (mid-river line)" if r.across_river else "on land"})
        if r.shared_with_exclave_km > 0:
            rows.append({"neighbour": label, "part": "exclave 飞地", "km": r.shared_with_exclave_km,
                         "where": "around the exclave"})
    data = pd.DataFrame(rows)
    order = list(data.sort_values("km", ascending=False)["neighbour"])
    chart = alt.Chart(data).mark_bar(height=14).encode(
        y=alt.Y("neighbour:N", sort=order, title=None),
        x=alt.X("km:Q", title="shared boundary 共同边界, km"),
        color=alt.Color("part:N", title="武昌's part", scale=alt.Scale(domain=["main polygon 主体", "exclave 飞地"],
                                                                      range=[PALETTE[0], PALETTE[3]]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("neighbour:N"), alt.Tooltip("part:N"), alt.Tooltip("km:Q", format=".1f"),
                 alt.Tooltip("where:N")])
    text = alt.Chart(data).mark_text(align="left", dx=4, fontSize=10).encode(
        y=alt.Y("neighbour:N", sort=order), x="km:Q", text=alt.Text("km:Q", format=".1f"))
    return (chart + text).properties(width=width, height=alt.Step(24), title=_title(
        "Where 武昌 meets its neighbours", [
            f"Boundary of 武昌 within {geo.SHARED_TOLERANCE_M:.0f} m of each neighbour, km (EPSG:4547).",
            geo.source_note(source)]))


# --- Wuhan's districts as a choropleth ---------------------------------------------------------------------

NO_DATA = "no comparable figure 无可比数据"
NO_DATA_COLOUR = "#f0f0f0"
CLASS_COLOURS = ["#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b"]  # light to dark: more is darker


def class_labels(breaks: Sequence[float], unit: str, fmt: str = ",.0f") -> list[str]:
    """Legend labels of the classes ``breaks`` cut: "< b1", "b1–b2", …, "≥ bn", with the unit."""
    edges = [format(b, fmt) for b in breaks]
    return ([f"< {edges[0]} {unit}"] + [f"{a}–{b} {unit}" for a, b in pairwise(edges)]
            + [f"≥ {edges[-1]} {unit}"])


def classify(values: pd.Series, breaks: Sequence[float], unit: str, fmt: str = ",.0f") -> pd.Series:
    """Each value's class label (``class_labels``); a missing value is ``NO_DATA``."""
    labels = class_labels(breaks, unit, fmt)
    return pd.Series([NO_DATA if pd.isna(v) else labels[int(np.searchsorted(breaks, v, side="right"))]
                      for v in values], index=values.index)


def district_choropleth(districts: gpd.GeoDataFrame, class_column: str, classes: Sequence[str], title: str,
                        legend_title: str, tooltip: Sequence[tuple[str, str]], notes: Sequence[str],
                        source: Sequence[str], colours: Sequence[str] | None = None, highlight: int = geo.WUCHANG,
                        width: int = 520) -> alt.LayerChart:
    """Wuhan's district polygons filled by class, with "no data" shown as its own class, the district names,
    and ``highlight`` (武昌) outlined; classes in the legend in the given order, then no data."""
    if colours is None:  # a sequential scale for up to five classes
        if len(classes) > len(CLASS_COLOURS):
            raise ValueError(f"{len(classes)} classes; give colours for more than {len(CLASS_COLOURS)}")
        colours = CLASS_COLOURS[len(CLASS_COLOURS) - len(classes):]
    domain, scale_range = [*classes, NO_DATA], [*colours[:len(classes)], NO_DATA_COLOUR]
    columns = list(dict.fromkeys(["name_zh", "name_en", class_column, *[field for field, _ in tooltip]]))
    shapes = alt.Chart(alt.Data(values=_values(_simplified(districts), columns))).mark_geoshape(
        stroke="white", strokeWidth=0.8).encode(
        color=alt.Color(f"{class_column}:N", title=legend_title, scale=alt.Scale(domain=domain, range=scale_range),
                        legend=alt.Legend(orient="right", labelLimit=260)),
        tooltip=[alt.Tooltip("name_zh:N", title="区"), alt.Tooltip("name_en:N", title="district"),
                 *[alt.Tooltip(f"{field}:N", title=title) for field, title in tooltip]])
    outline = alt.Chart(alt.Data(values=_values(_simplified(districts[districts["adcode"] == highlight]),
                                                ["name_zh"]))).mark_geoshape(
        filled=False, stroke=PALETTE[1], strokeWidth=2.2)
    labels = _label_points(districts, ["short_zh", "name_en", class_column])
    dark = set(classes[-2:]) if len(classes) > 2 else set()
    labels["colour"] = np.where(labels[class_column].isin(dark), "white", "#333333")
    text = alt.Chart(labels).mark_text(fontSize=10, fontWeight="bold").encode(
        longitude="lon:Q", latitude="lat:Q", text="short_zh:N", color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("name_en:N", title="district")])
    frame = _frame(districts.geometry, 3000)
    w, h = _size(frame, width)
    return alt.layer(shapes, outline, text).properties(
        width=w, height=h, projection=_projection(frame), title=_title(title, [*notes, *source]))
