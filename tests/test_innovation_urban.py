"""Tests of the innovation and urban-quality chapters (analysis.chapters.innovation, .urban_quality) and of the
carbon market data behind the innovation chapter's default price (analysis.datasets.carbon_market)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chapters import get
from analysis.chapters.innovation import carbon_price_table
from analysis.chapters.urban_quality import (
    class_range,
    log_count_bars,
    share_split_chart,
    water_class_chart,
    water_class_frame,
)
from analysis.datasets.carbon_market import average_price, carbon_statements, year_end_close
from analysis.datasets.indicators import load_indicators
from analysis.methods.derived import implied_base


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


# -- water classes ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "qualifier", "expected"), [
    (2, "exact", (2, 2)), (2, "at_least", (1, 2)), (3, "at_least", (1, 3)), (3, "expected+over", (1, 3))])
def test_class_range_points_to_better_water(value, qualifier, expected):
    assert class_range(value, qualifier) == expected


def test_class_range_rejects_a_class_outside_the_standard():
    with pytest.raises(ValueError, match="outside"):
        class_range(6, "exact")


def test_water_class_frame_reads_the_targets(ind):
    frame = water_class_frame(ind, ["yangtze_water_quality_class_2023", "lake_water_class_target_2024"])
    assert list(frame["allowed"]) == ["Ⅱ", "Ⅰ–Ⅲ"]


# -- charts ------------------------------------------------------------------------------------------------------


def _all_tooltips(spec: object) -> int:
    if isinstance(spec, dict):
        return int("tooltip" in spec) + sum(_all_tooltips(v) for v in spec.values())
    if isinstance(spec, list):
        return sum(_all_tooltips(v) for v in spec)
    return 0


def test_charts_carry_a_source_line_and_tooltips(ind):
    water = water_class_frame(ind, ["yangtze_water_quality_class_2023"])
    wuhan = implied_base("w", "w", "武汉", ind, "elevators_installed_2023", "elevators_share_wuhan_2023",
                         unit_factor=1, unit="部", formula="f", per_unit=0.01)
    charts = [
        water_class_chart(water, "t", ["review-3"], "note"),
        share_split_chart(ind.loc["elevators_installed_2023"], wuhan, "a", "b", "t", ["review-3"], "部", "n"),
    ]
    for chart in charts:
        spec = chart.to_dict()
        assert any(line.startswith("Source: ") for line in spec["title"]["subtitle"])
        assert _all_tooltips(spec) > 0


def test_log_count_bars_start_at_one_on_a_log_axis(ind):
    frame = pd.DataFrame({"label": ["a", "b"], "shown": [5.0, 13000.0], "phrase": ["5条", "1.3万个"],
                          "qualifier": ["exact", "over"], "quote": ["q", "q"], "group": ["g", "g"]})
    spec = log_count_bars(frame, "t", ["review-3"], "count").to_dict()
    bars = spec["layer"][0]["encoding"]
    assert bars["x"]["scale"]["type"] == "log" and bars["x2"]["datum"] == 1
    assert len(spec["layer"]) == 3  # the lower bound gets its marker
    linear = log_count_bars(frame, "t", ["review-3"], "count", log=False).to_dict()
    assert linear["layer"][0]["encoding"]["x2"]["datum"] == 0


# -- the chapters' parameters mirror their notebooks ------------------------------------------------------------


@pytest.mark.parametrize("slug", ["02_innovation", "03_urban_quality"])
def test_declared_parameters_match_the_notebook(slug):
    import ast

    import nbformat

    chapter = get(slug)
    nb = nbformat.read(chapter.notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", []))
    assigned = {t.targets[0].id: ast.literal_eval(t.value) for t in ast.parse(cell.source).body
                if isinstance(t, ast.Assign)}
    assert assigned == {p.name: p.default for p in chapter.params}
    assert all("=" not in line.split("#", 1)[1] for line in cell.source.splitlines() if "=" in line and "#" in line), \
        "papermill cannot parse a parameter line whose comment holds '='"


# -- the carbon price behind the default parameter ---------------------------------------------------------------


def test_default_carbon_price_is_computed_from_its_sources():
    statements = carbon_statements()
    price = average_price(statements)
    assert price == pytest.approx(sum(s.turnover_yuan for s in statements) / sum(s.volume_tonnes for s in statements))
    declared = next(p for p in get("02_innovation").params if p.name == "carbon_price_yuan_per_tonne")
    assert declared.default == round(price, 1)
    # an average of the two periods lies between their own averages, below the year-end close
    per_period = [average_price([s]) for s in statements]
    assert min(per_period) < price < max(per_period) < year_end_close(statements)


def test_carbon_price_table_names_every_source_and_its_address():
    statements = carbon_statements()
    table = carbon_price_table(statements)
    assert len(table) == len(statements) + 1
    for s in statements:
        assert table["source 来源"].str.contains(s.url, regex=False).any()
    assert float(table.iloc[-1]["average 元/吨"]) == pytest.approx(average_price(statements), abs=0.005)
