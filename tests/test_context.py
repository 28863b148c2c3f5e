"""Tests for analysis.context: the outside series, their validation, qualifiers, revisions and charts."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import read_table, write_table

from analysis import context
from analysis.checks import check_all
from analysis.errors import DataError, Problem
from analysis.indicators import load_indicators
from analysis.inputs import ENV_VAR

CSV = context.CONTEXT_SERIES


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


@pytest.fixture(scope="module")
def ctx() -> pd.DataFrame:
    return context.load_context()


@pytest.fixture(scope="module")
def figures(ctx, ind) -> pd.DataFrame:
    return context.all_figures(ctx, ind, 0.05)


def edited(tmp_path: Path, line: int, column: str, value: str) -> Path:
    """A copy of the context csv with one cell changed (``line`` as a person counts, header = 1)."""
    rows = read_table(CSV)
    rows[line - 1][rows[0].index(column)] = value
    return write_table(tmp_path / "context_series.csv", rows)


# -- the file as committed -------------------------------------------------------------------------------------


def test_the_committed_file_is_valid():
    assert context.validate_context() == []


def test_the_readme_documents_every_column_status_and_series():
    readme = (CSV.parent / "README.md").read_text(encoding="utf-8")
    for col in context.CONTEXT_COLUMNS:
        assert f"`{col.name}`" in readme
    for word in (*context.STATUSES, *context.HEADLINE):
        assert f"`{word}`" in readme
    assert "not in the report" in readme


# -- validation names file, line, column, expected and found ---------------------------------------------------


@pytest.mark.parametrize(("column", "value", "words"), [
    ("year", "23", ["found '23'", "expected a four-digit year"]),
    ("indicator", "gross_output", ["found 'gross_output'", "expected one of gdp"]),
    ("value", "lots", ["found 'lots'", "expected a positive finite number"]),
    ("unit", "万元", ["found '万元'", "expected one of 亿元, persons"]),
    ("status", "final", ["found 'final'", "预计", "expected 'estimate'"]),
    ("source_url", "www.wuchang.gov.cn/page", ["expected an address starting http://"]),
    ("excerpt", "预计实现地区生产总值1250亿元,增长8%", ["does not state the value 1200", "found 1250亿元"]),
])
def test_a_bad_cell_is_reported_with_its_place(tmp_path, column, value, words):
    line = 8  # 2018 GDP 1200亿元, an estimate whose excerpt says 预计
    problems = context.validate_context(edited(tmp_path, line, column, value))
    assert problems, f"a bad {column} passed"
    p = problems[0]
    assert (p.line, p.column) == (line, column)
    assert p.file.endswith("context_series.csv")
    for w in words:
        assert w in p.message, (w, p.message)


def test_a_note_that_claims_a_lower_bound_must_agree_with_the_excerpt(tmp_path):
    problems = context.validate_context(edited(tmp_path, 9, "note", "lower bound"))
    assert [(p.line, p.column) for p in problems] == [(9, "note")]


def test_an_empty_excerpt_needs_a_note(tmp_path):
    rows = read_table(CSV)
    header = rows[0]
    rows[8][header.index("excerpt")] = ""
    rows[8][header.index("note")] = ""
    problems = context.validate_context(write_table(tmp_path / "c.csv", rows))
    assert [(p.line, p.column) for p in problems] == [(9, "excerpt")]


def test_header_and_duplicates(tmp_path):
    rows = read_table(CSV)
    bad_header = [["year", "series", *rows[0][2:]], *rows[1:]]
    problems = context.validate_context(write_table(tmp_path / "h.csv", bad_header))
    assert problems[0].line == 1 and "missing indicator" in problems[0].message
    doubled = [*rows, rows[5]]
    problems = context.validate_context(write_table(tmp_path / "d.csv", doubled))
    assert [p.line for p in problems] == [len(doubled)] and "repeats line 6" in problems[0].message


def test_check_all_includes_the_context_problems(monkeypatch):
    monkeypatch.setattr(context, "validate_context",
                        lambda: [Problem("data/context/context_series.csv", 3, "value", "planted")])
    with pytest.raises(DataError, match="planted"):
        check_all()


def test_loading_records_the_file_for_the_build_cache(tmp_path, monkeypatch):
    log = tmp_path / "reads.log"
    monkeypatch.setenv(ENV_VAR, str(log))
    context.load_context()
    assert str(CSV.resolve()) in log.read_text(encoding="utf-8").splitlines()


def test_loading_a_broken_file_raises_with_every_problem(tmp_path):
    path = edited(tmp_path, 9, "year", "zz")
    with pytest.raises(DataError, match=r"context_series.csv:9: column 'year'"):
        context.load_context(path)


# -- qualifiers from the words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "excerpt", "note", "qualifier", "shown"), [
    (435, "全社会固定资产投资 | 10% | 435亿元以上 | 18.1%以上", "", "over", "435亿元以上"),
    (2100, "预计地区生产总值突破2100亿元,地方一般公共预算收入同比增长5%", "", "expected+over", "突破2100亿元"),
    (1750, "地区生产总值(简称“GDP”) | 7% | 1750亿元左右 | 5%左右", "", "approx", "1750亿元左右"),
    (359.58, "全社会固定资产投资 | 300亿元 | 359.58亿元 | 31.9%", "table column headed 2021年完成情况(预计)",
     "expected", "359.58亿元"),
    (135.9324, "收入为1,359,324万元,为年度预算(调整数)的105.4%", "", "exact",
     "135.9324亿元 (written 1,359,324万元)"),
    (140.7, "", "revision of the December 2019 estimate 135.11; growth 0%", "exact", "140.7亿元"),
])
def test_qualifier_and_phrase_come_from_the_words(value, excerpt, note, qualifier, shown):
    q, _, phrase = context.derive_qualifier(value, "亿元", excerpt, note)
    assert (q, phrase) == (qualifier, shown)


def test_no_bounded_figure_is_loaded_as_exact(ctx):
    for r in ctx.itertuples():
        if any(w in r.phrase for w in ("以上", "突破", "超")):
            assert "over" in r.qualifier, r.phrase
        if "左右" in r.phrase:
            assert "approx" in r.qualifier, r.phrase


def test_lower_bounds_reach_to_infinity(figures):
    fai22 = context.pick(figures, "fai", 2022)
    assert fai22["lo"] == 435 and math.isinf(fai22["hi"])


@pytest.mark.parametrize(("excerpt", "phrase", "expected"), [
    ("收入为1,359,324万元,为年度预算(调整数)的105.4%,比2021下降3.0%,扣除留抵退税因素后增长6.0%", "1359324万元",
     (-3.0, 0.05, False)),
    ("预计全年地方一般公共预算收入完成137.5亿元,同比增长0.3%。规模继续保持中心城区第1。", "137.5亿元",
     (0.3, 0.05, False)),
    ("地方一般公共预算收入 | 15% | 140.13亿元 | 28%", "140.13亿元", (28.0, 0.5, False)),
    ("全社会固定资产投资 | 10% | 435亿元以上 | 18.1%以上", "435亿元以上", (18.1, 0.05, True)),
    ("预计全年固定资产投资完成380亿元左右。", "380亿元左右", None),
    # another series' growth after a semicolon is never taken
    ("固定资产投资244亿元;社会消费品零售总额753亿元,增长10.3%", "244亿元", None),
])
def test_stated_growth(excerpt, phrase, expected):
    assert context.stated_growth(excerpt, phrase) == expected


# -- figures from the report, notes and growth rates ----------------------------------------------------------


def test_report_and_outside_figures_stay_apart(figures):
    report = figures[figures["origin"] == "report"]
    outside = figures[figures["origin"] == "outside"]
    assert set(report["source"]) == {context.REPORT_SOURCE}
    assert all(s.startswith("source: ") and s != context.REPORT_SOURCE for s in outside["source"])
    assert list(report["indicator"]) == list(context.HEADLINE)
    assert context.pick(figures, "gp_budget_revenue", 2023, origin="report")["phrase"] == "137亿元"


def test_note_estimates_skip_figures_already_known(figures):
    notes = figures[figures["origin"] == "note"]
    # The December 2022 estimate is new; December 2023's 137.0 repeats the report's 137 and is dropped.
    assert list(zip(notes["year"], notes["value"], strict=True)) == [(2022, 128.93)]


def test_implied_levels_use_nominal_series_and_carry_rounding(figures):
    implied = figures[figures["origin"] == "implied"]
    assert not set(implied["indicator"]) & {"gdp", "services_va"}
    r2021 = context.pick(figures, "gp_budget_revenue", 2021, origin="implied")
    assert r2021["value"] == pytest.approx(135.9324 / 0.97)
    assert r2021["lo"] == pytest.approx(135.9324 / (1 - 0.0295))
    assert r2021["hi"] == pytest.approx(135.9324 / (1 - 0.0305))
    # a lower-bound level over a lower-bound rate bounds nothing, so 2021 investment is not implied from 2022
    assert implied[(implied["indicator"] == "fai") & (implied["year"] == 2021)].empty


# -- comparisons ------------------------------------------------------------------------------------------------


def test_comparisons_compute_change_and_kind(figures):
    pairs = context.comparisons(figures, 2.0)
    rev23 = pairs[(pairs["year"] == 2023) & (pairs["earlier_origin"] == "report") & (pairs["later_status"] == "final")]
    assert len(rev23) == 1
    assert rev23.iloc[0]["change_pct"] == pytest.approx(100 * (137.116 / 137 - 1))
    assert rev23.iloc[0]["kind"] == "revision" and not rev23.iloc[0]["large"]
    conflict = pairs[pairs["kind"] == "conflict"]
    assert list(zip(conflict["earlier_value"], conflict["later_value"], strict=True)) == [(1664.44, 1720.0)]
    # equal figures (the report's 突破1900亿元 and the work report's) are no pair
    assert pairs[(pairs["indicator"] == "gdp") & (pairs["year"] == 2023)].empty


def test_threshold_decides_what_counts_as_large(figures):
    low = context.comparisons(figures, 0.01)
    high = context.comparisons(figures, 50.0)
    assert low["large"].sum() > context.comparisons(figures, 2.0)["large"].sum() > 0
    assert high["large"].sum() == 0


def test_revision_summary_counts_each_estimate_once(figures):
    pairs = context.comparisons(figures, 2.0)
    final = context.final_revisions(pairs)
    assert not final.duplicated(["indicator", "year", "earlier"]).any()
    summary = context.revision_summary(pairs)
    assert summary["count"] == len(final)
    assert summary["max_abs_pct"] == pytest.approx(100 * (135.9324 / 128.93 - 1))


def test_ratio_of_bounds_follow_the_qualifiers(figures, ind):
    gdp24 = context.pick(figures, "gdp", 2024)
    gdp23 = context.report_row(ind, "gdp_2023")  # 突破1900亿元: a lower bound
    d = context.ratio_of("g", "growth", "增幅", gdp24, gdp23, formula="", growth=True)
    assert d.value == pytest.approx(100 * (2020 / 1900 - 1))
    assert d.reading.startswith("upper bound")


# -- tables and charts -----------------------------------------------------------------------------------------


def test_figures_table_cites_every_outside_page(figures, ctx):
    frame = context.figures_table(figures).to_frame()
    cites = frame["source 来源 (page, address)"]
    for url in ctx.loc[ctx["indicator"].isin(context.HEADLINE), "source_url"]:
        assert any(url in c for c in cites), url
    assert sum(c == context.REPORT_SOURCE for c in cites) == len(context.HEADLINE)


def test_sources_list_every_page_once_with_its_key(ctx, tmp_path):
    bib = tmp_path / "refs.bib"
    url = ctx.iloc[1]["source_url"]
    bib.write_text("@misc{pagekey,\n  title = {t},\n  url = {" + url + "}\n}\n", encoding="utf-8")
    s = context.sources(ctx, path=bib)
    titles = [r[1] for r in s.rows]
    assert len(titles) == len(set(titles)) == ctx.loc[ctx["indicator"].isin(context.HEADLINE), "source_title"].nunique()
    assert "{cite:p}`pagekey`" in s._repr_markdown_()


def _layers(spec: dict) -> list[dict]:
    out = []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            out += [sub, *_layers(sub)]
    if "spec" in spec:
        out += [spec["spec"], *_layers(spec["spec"])]
    return out


def test_series_chart_keeps_sources_apart_and_marks_lower_bounds(figures):
    spec = context.series_chart(figures, ["Source: test"]).to_dict()
    data = next(iter(spec["datasets"].values()))
    colours = [lay["encoding"]["color"] for lay in _layers(spec) if "color" in lay.get("encoding", {})]
    domain = colours[0]["scale"]["domain"]
    assert context.ORIGIN_LABEL["report"] in domain and context.ORIGIN_LABEL["outside"] in domain
    bounds = [d for d in data if d["bound"].startswith("lower bound")]
    assert bounds and all(d["bar_hi"] > d["value"] for d in bounds)
    assert "Source: test" in spec["title"]["subtitle"]
    assert all(lay["encoding"].get("tooltip") for lay in _layers(spec) if "mark" in lay)


def test_report_vs_outside_bars_are_qualifier_aware(figures):
    spec = context.report_vs_outside_bars(figures, ["Source: test"]).to_dict()
    data = next(iter(spec["datasets"].values()))
    gdp = [d for d in data if d["label"].startswith("地区生产总值")]
    assert {d["qualifier"] for d in gdp} == {"expected+over"}
    assert {d["origin_label"] for d in data} == {context.ORIGIN_LABEL["report"], context.ORIGIN_LABEL["outside"]}


# -- what readers see ------------------------------------------------------------------------------------------


def test_a_reconstructed_title_is_said_in_words_not_as_a_marker(ctx, figures):
    marked = ctx[ctx["source_title"].str.startswith(context.RECONSTRUCTED)]
    assert len(marked)  # the data keeps its marker
    shown = context.display_title(marked.iloc[0]["source_title"])
    assert context.RECONSTRUCTED not in shown and shown.endswith(context.RECONSTRUCTED_SAYS)
    assert context.display_title("plain title") == "plain title"
    text = repr(context.figures_table(figures)) + repr(context.sources(ctx)) + context.sources(ctx)._repr_markdown_()
    text += repr(context.comparison_table(context.comparisons(figures, 2.0)))
    assert context.RECONSTRUCTED not in text and "title reconstructed" in text


def test_a_tiny_revision_counts_as_unchanged(figures):
    loose = context.comparisons(figures, 2.0, unchanged_pct=0.01)
    strict = context.comparisons(figures, 2.0, unchanged_pct=0.0)
    tiny = loose[(loose["year"] == 2021) & (loose["kind"] == "revision")].iloc[0]
    assert abs(tiny["change_pct"]) < 0.01 and tiny["direction"] == "unchanged"
    assert strict.loc[tiny.name, "direction"] == "up"
    summary = context.revision_summary(loose)
    assert summary["upward"] + summary["downward"] + summary["unchanged"] == summary["count"]
    assert summary["unchanged"] == context.revision_summary(strict)["unchanged"] + 1
    words = context.direction_words(summary, 0.01)
    assert "unchanged" in words["phrase"] and not words["phrase"].startswith("all")
    assert context.direction_words(context.revision_summary(strict), 0.0)["phrase"].startswith("all")


def test_level_axes_never_let_a_small_change_fill_a_panel(figures):
    spec = context.series_chart(figures, ["Source: test"]).to_dict()
    data = next(iter(spec["datasets"].values()))
    for panel in spec["concat"]:
        key = panel["transform"][0]["filter"].split("'")[1]
        lo, hi = panel["layer"][0]["encoding"]["y"]["scale"]["domain"]
        values = [d["value"] for d in data if d["indicator"] == key]
        mid = (min(values) + max(values)) / 2
        assert hi - lo >= 2 * context.LEVEL_PAD * mid  # retail sales: 753 and 760 no longer span the panel
        assert lo <= min(values) and hi >= max(values)
    assert context.LEVEL_NOTE in spec["title"]["subtitle"][-1]


def test_focus_labels_sit_below_their_points_not_beside_them(figures):
    spec = context.focus_chart(figures, "gp_budget_revenue", ["Source: test"]).to_dict()
    texts = [lay for lay in spec["layer"] if lay["mark"]["type"] == "text" and lay["encoding"].get("x")]
    assert texts and all(t["mark"].get("dy", 0) > 0 and not t["mark"].get("dx") for t in texts)
