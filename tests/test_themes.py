"""Tests of analysis.themes and derive.implied_base: the figures and readings the innovation and urban chapters
print, and the guards that keep their qualitative lists tied to the report's text."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import derive, themes
from analysis.chapters import get
from analysis.errors import SourceError
from analysis.indicators import load_indicators


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


def _frame(rows: dict[str, tuple[float, str]]) -> pd.DataFrame:
    """A minimal indicator table: id -> (value, qualifier)."""
    return pd.DataFrame({"value": [v for v, _ in rows.values()], "qualifier": [q for _, q in rows.values()],
                         "name_en": list(rows), "name_zh": list(rows), "quote": list(rows)}, index=list(rows))


# -- implied bases ---------------------------------------------------------------------------------------------


def test_implied_base_from_multiples(ind):
    sme = derive.implied_base("b", "b", "b", ind, "tech_smes_registered_2023", "tech_smes_registered_multiple_2023",
                              unit_factor=1, unit="家", formula="f")
    assert sme.value == pytest.approx(408)
    assert sme.reading.startswith("exact")
    contract = derive.implied_base("c", "c", "c", ind, "tech_contract_value_2023", "tech_contract_value_multiple_2023",
                                   unit_factor=1e8, unit="亿元", formula="f", rounding=0.05)
    assert contract.value == pytest.approx(130)
    assert contract.bounds.lo == pytest.approx(260 / 2.05)
    assert contract.bounds.hi == pytest.approx(260 / 1.95)
    assert contract.reading.startswith("approximate")


def test_implied_base_from_a_percent_share(ind):
    wuhan = derive.implied_base("w", "w", "w", ind, "elevators_installed_2023", "elevators_share_wuhan_2023",
                                unit_factor=1, unit="部", formula="f", per_unit=0.01, rounding=0.5)
    assert wuhan.value == pytest.approx(290)
    assert wuhan.bounds.lo == pytest.approx(116 / 0.405)
    assert wuhan.bounds.hi == pytest.approx(116 / 0.395)
    assert wuhan.inputs == ("elevators_installed_2023", "elevators_share_wuhan_2023")


def test_implied_base_of_a_lower_bound_is_a_lower_bound():
    table = _frame({"level": (300.0, "over"), "multiple": (1.5, "exact")})
    d = derive.implied_base("x", "x", "x", table, "level", "multiple", unit_factor=1, unit="", formula="f")
    assert d.value == pytest.approx(200)
    assert math.isinf(d.bounds.hi)
    assert d.reading.startswith("lower bound")


# -- estimates, quotients, differences --------------------------------------------------------------------------


def test_times_assumption_is_an_estimate_and_says_so(ind):
    traded = themes.times_assumption("t", "t", "t", ind, "carbon_trading_volume_cumulative", 56.4, unit_factor=1e8,
                                     unit="亿元", formula="f", assumption="a price of 56.4元/吨")
    assert traded.value == pytest.approx(4.3 * 56.4)
    assert isinstance(traded, themes.Estimate)
    assert traded.reading == "estimate (rests on a price of 56.4元/吨)"
    clearing = themes.indicator_as_derived(ind, "carbon_clearing_cumulative", unit_factor=1e8, unit="亿元")
    ratio = themes.quotient("q", "q", "q", clearing, traded, unit="×", formula="f")
    assert ratio.value == pytest.approx(490 / (4.3 * 56.4))
    assert isinstance(ratio, themes.Estimate)  # the assumption travels with the figure
    assert ratio.reading.startswith("lower bound") and "56.4" in ratio.reading
    assert set(ratio.inputs) == {"carbon_clearing_cumulative", "carbon_trading_volume_cumulative"}


def test_difference_bounds_cross():
    a = derive.Derived("a", "a", "a", 260, "", "", derive.Interval(260, 260), ("a",))
    b = derive.Derived("b", "b", "b", 130, "", "", derive.Interval(126, 133), ("b",))
    d = themes.difference("d", "d", "d", a, b, unit="", formula="f")
    assert (d.value, d.bounds.lo, d.bounds.hi) == (130, 127, 134)
    assert not isinstance(d, themes.Estimate)


# -- water classes ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "qualifier", "expected"), [
    (2, "exact", (2, 2)), (2, "at_least", (1, 2)), (3, "at_least", (1, 3)), (3, "expected+over", (1, 3))])
def test_class_range_points_to_better_water(value, qualifier, expected):
    assert themes.class_range(value, qualifier) == expected


def test_class_range_rejects_a_class_outside_the_standard():
    with pytest.raises(ValueError, match="outside"):
        themes.class_range(6, "exact")


def test_water_class_frame_reads_the_targets(ind):
    frame = themes.water_class_frame(ind, ["yangtze_water_quality_class_2023", "lake_water_class_target_2024"])
    assert list(frame["allowed"]) == ["Ⅱ", "Ⅰ–Ⅲ"]


# -- the report's structure, names and commitments --------------------------------------------------------------


def test_split_lead():
    assert themes.split_lead("数字经济成形起步。聚焦软件服务") == ("数字经济成形起步", "聚焦软件服务")
    assert themes.split_lead("扎实开展“城市更新”行动,高标准完成。")[0] == themes.OVERVIEW


def test_parts_follow_the_reports_sub_headings():
    assert [p.lead for p in themes.parts("review-2")] == [themes.OVERVIEW, "数字经济成形起步", "双碳产业抢滩布局",
                                                          "创新活力竞相迸发"]
    assert [p.lead for p in themes.parts("outlook-4")] == ["有序实施城市更新", "持续改善城区面貌"]


def test_lead_of_a_quote(ind):
    assert themes.lead_of(ind.loc["charging_piles_new_2023", "quote"]) == "基础设施不断完善"


@pytest.mark.parametrize("key", sorted(themes.NAMED))
def test_every_named_entity_is_in_its_section(key):
    frame = themes.named_entities(key)
    assert len(frame) == len(themes.NAMED[key])
    assert set(frame["category 类别"]) <= set(themes.CATEGORIES)
    assert all(name.strip("…") for name in frame["context 原文"])


def test_a_name_not_in_the_section_fails():
    with pytest.raises(SourceError, match="不存在的大厦"):
        themes.named_entities("review-2", names=[("不存在的大厦", themes.BUILDING)])


def test_named_summary_groups_without_losing_names():
    frame = themes.named_entities("review-3")
    summary = themes.named_summary(frame)
    names = [n for cell in summary["names 名称"] for n in cell.split("; ")]
    assert sorted(names) == sorted(frame["name 名称"])


def test_themes_holds_no_classifier_of_commitments():
    """analysis.commitments is the book's one classifier; a second one here gave the urban chapter other counts."""
    for name in ("classify", "commitments", "commitment_chart", "LEVELS", "MILESTONE_VERBS"):
        assert not hasattr(themes, name), name


def test_carried_forward(ind):
    urban = themes.carried_forward(ind, ["charging_piles_new_2023", "elevators_installed_2023",
                                         "yangtze_water_quality_class_2023"], ["outlook-4"]).set_index("id")
    assert urban.loc["charging_piles_new_2023", "in the outlook 展望"] == themes.CARRIED[1]
    assert urban.loc["elevators_installed_2023", "in the outlook 展望"] == themes.CARRIED[2]
    assert urban.loc["yangtze_water_quality_class_2023", "in the outlook 展望"] == themes.CARRIED[0]
    carbon = themes.carried_forward(ind, ["carbon_clearing_cumulative", "low_carbon_scenarios_2023"],
                                    ["outlook-2", "outlook-3"]).set_index("id")
    # the clearing sentence holds "五个方向", a number about something else: not a target for clearing
    assert carbon.loc["carbon_clearing_cumulative", "in the outlook 展望"] == themes.CARRIED[1]
    assert carbon.loc["low_carbon_scenarios_2023", "in the outlook 展望"] == themes.CARRIED[0]


def test_indicator_set_in_report_order(ind):
    ids = themes.indicator_set(ind, ["review-3"], units=["count"], exclude=["pocket_parks_new_2023"])
    assert "pocket_parks_new_2023" not in ids and "charging_piles_new_2023" in ids
    assert list(ind.loc[ids, "offset"]) == sorted(ind.loc[ids, "offset"])
    assert set(ind.loc[ids, "unit"]) == {"count"}


# -- charts ------------------------------------------------------------------------------------------------------


def _all_tooltips(spec: object) -> int:
    if isinstance(spec, dict):
        return int("tooltip" in spec) + sum(_all_tooltips(v) for v in spec.values())
    if isinstance(spec, list):
        return sum(_all_tooltips(v) for v in spec)
    return 0


def test_charts_carry_a_source_line_and_tooltips(ind):
    water = themes.water_class_frame(ind, ["yangtze_water_quality_class_2023"])
    wuhan = derive.implied_base("w", "w", "武汉", ind, "elevators_installed_2023", "elevators_share_wuhan_2023",
                                unit_factor=1, unit="部", formula="f", per_unit=0.01)
    charts = [
        themes.water_class_chart(water, "t", ["review-3"], "note"),
        themes.share_split_chart(ind.loc["elevators_installed_2023"], wuhan, "a", "b", "t", ["review-3"], "部", "n"),
    ]
    for chart in charts:
        spec = chart.to_dict()
        assert any(line.startswith("Source: ") for line in spec["title"]["subtitle"])
        assert _all_tooltips(spec) > 0


def test_log_count_bars_start_at_one_on_a_log_axis(ind):
    frame = pd.DataFrame({"label": ["a", "b"], "shown": [5.0, 13000.0], "phrase": ["5条", "1.3万个"],
                          "qualifier": ["exact", "over"], "quote": ["q", "q"], "group": ["g", "g"]})
    spec = themes.log_count_bars(frame, "t", ["review-3"], "count").to_dict()
    bars = spec["layer"][0]["encoding"]
    assert bars["x"]["scale"]["type"] == "log" and bars["x2"]["datum"] == 1
    assert len(spec["layer"]) == 3  # the lower bound gets its marker
    linear = themes.log_count_bars(frame, "t", ["review-3"], "count", log=False).to_dict()
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
    price = themes.carbon_price_default()
    inputs = themes.CARBON_PRICE_SOURCE
    assert price == pytest.approx(sum(i.turnover_yuan for i in inputs) / sum(i.volume_tonnes for i in inputs))
    declared = next(p for p in get("02_innovation").params if p.name == "carbon_price_yuan_per_tonne")
    assert declared.default == round(price, 1)
    # an average of the two periods lies between their own averages, below the year-end close
    per_period = [themes.carbon_price_default([i]) for i in inputs]
    assert min(per_period) < price < max(per_period) < themes.CARBON_CLOSE_2023


def test_carbon_price_table_names_every_source_and_its_address():
    table = themes.carbon_price_table()
    assert len(table) == len(themes.CARBON_PRICE_SOURCE) + 1
    for i in themes.CARBON_PRICE_SOURCE:
        assert table["source 来源"].str.contains(i.url, regex=False).any()
    assert float(table.iloc[-1]["average 元/吨"]) == pytest.approx(themes.carbon_price_default(), abs=0.005)
