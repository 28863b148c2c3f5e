"""Tests for the estimates chapter (analysis.chapters.estimates, .estimates_charts): figures from the report,
notes and growth rates beside the outside series, their revisions and comparisons, and the tables and charts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.chapters import estimates as est
from analysis.chapters import estimates_charts as ec
from analysis.datasets import context_series as cs
from analysis.datasets.indicators import load_indicators


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


@pytest.fixture(scope="module")
def ctx() -> pd.DataFrame:
    return cs.load_context()


@pytest.fixture(scope="module")
def figures(ctx, ind) -> pd.DataFrame:
    return est.all_figures(ctx, ind, 0.05)


# -- figures from the report, notes and growth rates ----------------------------------------------------------


def test_lower_bounds_reach_to_infinity(figures):
    fai22 = est.pick(figures, "fai", 2022)
    assert fai22["lo"] == 435 and math.isinf(fai22["hi"])


def test_report_and_outside_figures_stay_apart(figures):
    report = figures[figures["origin"] == "report"]
    outside = figures[figures["origin"] == "outside"]
    assert set(report["source"]) == {est.REPORT_SOURCE}
    assert all(s.startswith("source: ") and s != est.REPORT_SOURCE for s in outside["source"])
    assert list(report["indicator"]) == list(cs.HEADLINE)
    assert est.pick(figures, "gp_budget_revenue", 2023, origin="report")["phrase"] == "137亿元"


def test_note_estimates_skip_figures_already_known(figures):
    notes = figures[figures["origin"] == "note"]
    # The December 2022 estimate is new; December 2023's 137.0 repeats the report's 137 and is dropped.
    assert list(zip(notes["year"], notes["value"], strict=True)) == [(2022, 128.93)]


def test_implied_levels_use_nominal_series_and_carry_rounding(figures):
    implied = figures[figures["origin"] == "implied"]
    assert not set(implied["indicator"]) & {"gdp", "services_va"}
    r2021 = est.pick(figures, "gp_budget_revenue", 2021, origin="implied")
    assert r2021["value"] == pytest.approx(135.9324 / 0.97)
    assert r2021["lo"] == pytest.approx(135.9324 / (1 - 0.0295))
    assert r2021["hi"] == pytest.approx(135.9324 / (1 - 0.0305))
    # a lower-bound level over a lower-bound rate bounds nothing, so 2021 investment is not implied from 2022
    assert implied[(implied["indicator"] == "fai") & (implied["year"] == 2021)].empty


# -- comparisons ------------------------------------------------------------------------------------------------


def test_comparisons_compute_change_and_kind(figures):
    pairs = est.comparisons(figures, 2.0)
    rev23 = pairs[(pairs["year"] == 2023) & (pairs["earlier_origin"] == "report") & (pairs["later_status"] == "final")]
    assert len(rev23) == 1
    assert rev23.iloc[0]["change_pct"] == pytest.approx(100 * (137.116 / 137 - 1))
    assert rev23.iloc[0]["kind"] == "revision" and not rev23.iloc[0]["large"]
    conflict = pairs[pairs["kind"] == "conflict"]
    assert list(zip(conflict["earlier_value"], conflict["later_value"], strict=True)) == [(1664.44, 1720.0)]
    # equal figures (the report's 突破1900亿元 and the work report's) are no pair
    assert pairs[(pairs["indicator"] == "gdp") & (pairs["year"] == 2023)].empty


def test_threshold_decides_what_counts_as_large(figures):
    low = est.comparisons(figures, 0.01)
    high = est.comparisons(figures, 50.0)
    assert low["large"].sum() > est.comparisons(figures, 2.0)["large"].sum() > 0
    assert high["large"].sum() == 0


def test_revision_summary_counts_each_estimate_once(figures):
    pairs = est.comparisons(figures, 2.0)
    final = est.final_revisions(pairs)
    assert not final.duplicated(["indicator", "year", "earlier"]).any()
    summary = est.revision_summary(pairs)
    assert summary["count"] == len(final)
    assert summary["max_abs_pct"] == pytest.approx(100 * (135.9324 / 128.93 - 1))


def test_ratio_of_bounds_follow_the_qualifiers(figures, ind):
    gdp24 = est.pick(figures, "gdp", 2024)
    gdp23 = est.report_row(ind, "gdp_2023")  # 突破1900亿元: a lower bound
    d = est.ratio_of("g", "growth", "增幅", gdp24, gdp23, formula="", growth=True)
    assert d.value == pytest.approx(100 * (2020 / 1900 - 1))
    assert d.reading.startswith("upper bound")


# -- tables and charts -----------------------------------------------------------------------------------------


def test_figures_table_cites_every_outside_page(figures, ctx):
    frame = ec.figures_table(figures).to_frame()
    cites = frame["source 来源 (page, address)"]
    for url in ctx.loc[ctx["indicator"].isin(cs.HEADLINE), "source_url"]:
        assert any(url in c for c in cites), url
    assert sum(c == est.REPORT_SOURCE for c in cites) == len(cs.HEADLINE)


def test_sources_list_every_page_once_with_its_key(ctx):
    s = est.sources(ctx)
    titles = [r[1] for r in s.rows]
    assert len(titles) == len(set(titles)) == ctx.loc[ctx["indicator"].isin(cs.HEADLINE), "source_title"].nunique()
    assert all(key for key, *_ in s.rows)
    assert s._repr_markdown_().count("{cite:p}`") == len(s.rows)


def test_a_page_without_a_bibliography_entry_stops_the_chapter(ctx, tmp_path):
    bib = tmp_path / "refs.bib"
    url = ctx.iloc[1]["source_url"]
    bib.write_text("@misc{pagekey,\n  title = {t},\n  url = {" + url + "}\n}\n", encoding="utf-8")
    with pytest.raises(KeyError, match="add one to the bibliography"):
        est.sources(ctx, path=bib)


def _layers(spec: dict) -> list[dict]:
    out = []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            out += [sub, *_layers(sub)]
    if "spec" in spec:
        out += [spec["spec"], *_layers(spec["spec"])]
    return out


def test_series_chart_keeps_sources_apart_and_marks_lower_bounds(figures):
    spec = ec.series_chart(figures, ["Source: test"]).to_dict()
    data = next(iter(spec["datasets"].values()))
    colours = [lay["encoding"]["color"] for lay in _layers(spec) if "color" in lay.get("encoding", {})]
    domain = colours[0]["scale"]["domain"]
    assert cs.ORIGIN_LABEL["report"] in domain and cs.ORIGIN_LABEL["outside"] in domain
    bounds = [d for d in data if d["bound"].startswith("lower bound")]
    assert bounds and all(d["bar_hi"] > d["value"] for d in bounds)
    assert "Source: test" in spec["title"]["subtitle"]
    assert all(lay["encoding"].get("tooltip") for lay in _layers(spec) if "mark" in lay)


def test_report_vs_outside_bars_are_qualifier_aware(figures):
    spec = ec.report_vs_outside_bars(figures, ["Source: test"]).to_dict()
    data = next(iter(spec["datasets"].values()))
    gdp = [d for d in data if d["label"].startswith("地区生产总值")]
    assert {d["qualifier"] for d in gdp} == {"expected+over"}
    assert {d["origin_label"] for d in data} == {cs.ORIGIN_LABEL["report"], cs.ORIGIN_LABEL["outside"]}


# -- what readers see ------------------------------------------------------------------------------------------


def test_a_reconstructed_title_is_said_in_words_not_as_a_marker(ctx, figures):
    marked = ctx[ctx["source_title"].str.startswith(cs.RECONSTRUCTED)]
    assert len(marked)  # the data keeps its marker
    shown = cs.display_title(marked.iloc[0]["source_title"])
    assert cs.RECONSTRUCTED not in shown and shown.endswith(cs.RECONSTRUCTED_SAYS)
    assert cs.display_title("plain title") == "plain title"
    text = repr(ec.figures_table(figures)) + repr(est.sources(ctx)) + est.sources(ctx)._repr_markdown_()
    text += repr(ec.comparison_table(est.comparisons(figures, 2.0)))
    assert cs.RECONSTRUCTED not in text and "title reconstructed" in text


def test_a_tiny_revision_counts_as_unchanged(figures):
    loose = est.comparisons(figures, 2.0, unchanged_pct=0.01)
    strict = est.comparisons(figures, 2.0, unchanged_pct=0.0)
    tiny = loose[(loose["year"] == 2021) & (loose["kind"] == "revision")].iloc[0]
    assert abs(tiny["change_pct"]) < 0.01 and tiny["direction"] == "unchanged"
    assert strict.loc[tiny.name, "direction"] == "up"
    summary = est.revision_summary(loose)
    assert summary["upward"] + summary["downward"] + summary["unchanged"] == summary["count"]
    assert summary["unchanged"] == est.revision_summary(strict)["unchanged"] + 1
    words = est.direction_words(summary, 0.01)
    assert "unchanged" in words["phrase"] and not words["phrase"].startswith("all")
    assert est.direction_words(est.revision_summary(strict), 0.0)["phrase"].startswith("all")


def test_level_axes_never_let_a_small_change_fill_a_panel(figures):
    spec = ec.series_chart(figures, ["Source: test"]).to_dict()
    data = next(iter(spec["datasets"].values()))
    for panel in spec["concat"]:
        key = panel["transform"][0]["filter"].split("'")[1]
        lo, hi = panel["layer"][0]["encoding"]["y"]["scale"]["domain"]
        values = [d["value"] for d in data if d["indicator"] == key]
        mid = (min(values) + max(values)) / 2
        assert hi - lo >= 2 * ec.LEVEL_PAD * mid  # retail sales: 753 and 760 no longer span the panel
        assert lo <= min(values) and hi >= max(values)
    assert ec.LEVEL_NOTE in spec["title"]["subtitle"][-1]


def test_focus_labels_sit_below_their_points_not_beside_them(figures):
    spec = ec.focus_chart(figures, "gp_budget_revenue", ["Source: test"]).to_dict()
    texts = [lay for lay in spec["layer"] if lay["mark"]["type"] == "text" and lay["encoding"].get("x")]
    assert texts and all(t["mark"].get("dy", 0) > 0 and not t["mark"].get("dx") for t in texts)
