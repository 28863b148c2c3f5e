"""Tests for analysis.livelihood: splitting the review into statements, their domains, and derived figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import livelihood as lv
from analysis.chapters import get
from analysis.indicators import load_indicators
from analysis.source import load_report


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


# --- splitting ------------------------------------------------------------------------------------------------

def test_sentences_keep_their_end_and_a_trailing_fragment():
    assert lv.sentences("甲,乙。丙;丁!戊") == ["甲,乙。", "丙;", "丁!", "戊"]
    assert lv.sentences("甲，乙。丙；") == ["甲，乙。", "丙；"]


def test_clauses_split_on_commas_and_keep_purpose_with_its_measure():
    assert lv.clauses("提高基层卫生服务水平,让居民享有家门口的优质医疗服务。") == [
        "提高基层卫生服务水平,让居民享有家门口的优质医疗服务"]
    assert lv.clauses("坚持就业优先政策，提高就业创业补贴覆盖率。") == ["坚持就业优先政策", "提高就业创业补贴覆盖率"]
    assert lv.clauses("甲、乙,丙") == ["甲、乙", "丙"]  # 、 joins items of one clause


def test_split_theme_takes_a_short_unpunctuated_opening_sentence_only():
    assert lv.split_theme("教育医疗成色更足。教育布局更加优质均衡,新增学位。") == (
        "教育医疗成色更足", "教育布局更加优质均衡,新增学位。")
    text = "面对财政收支压力,把保民生放在更加突出的位置。"
    assert lv.split_theme(text) == (lv.OPENING, text)


# --- classification -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "domain"), [
    ("医保定点机构“便民”门诊设置率达100%", "health 医疗卫生"),  # 门诊 before 医保
    ("社保、医保分别扩面2.4万、9.9万人次", "social security 社会保障"),
    ("全区婴幼儿托位累计超5000个", "elderly & childcare 一老一小"),  # not pre-school 幼儿园
    ("公办普惠幼儿园占比超87%", "education 教育"),
    ("筹集岗位8.2万个", "jobs 就业"),
    ("某某某", lv.OTHER),
])
def test_wellbeing_domains(text, domain):
    assert lv.classify(text, lv.WELLBEING_DOMAINS) == domain


# --- measures from the report ---------------------------------------------------------------------------------

def test_measures_cover_every_indicator_of_the_review_sections(ind):
    frame = lv.measures(["review-4", "review-5"], lv.WELLBEING_DOMAINS, ind)
    found = {i.strip() for cell in frame["indicators"] if cell for i in cell.split(",")}
    expected = set(ind[ind["section_key"].isin(["review-4", "review-5"])]["id"])
    assert found == expected
    assert frame["numbered"].tolist() == (frame["indicators"] != "").tolist()


def test_measures_clauses_are_text_of_their_paragraph(ind):
    report = load_report()
    frame = lv.measures(["review-5"], lv.GOVERNANCE_DOMAINS, ind, report)
    paragraphs = {p.index + 1: p.text for p in report.paragraphs}
    assert all(row.clause in paragraphs[row.paragraph] for row in frame.itertuples())
    # order counts clauses within each theme from 1
    assert frame.groupby("theme")["order"].apply(lambda s: list(s) == list(range(1, len(s) + 1))).all()


def test_measures_refuse_outlook_sections(ind):
    """Outlook commitments have one segmentation and one classifier, in analysis.commitments."""
    with pytest.raises(ValueError, match="outlook-6: not a review section"):
        lv.measures(["review-5", "outlook-6"], lv.GOVERNANCE_DOMAINS, ind)


def test_outlook_commitments_get_a_domain_but_keep_their_class(ind, report):
    from analysis import commitments as cm

    table = cm.commitments(report, ind, cm.read_userdict())
    rows = lv.with_domain(cm.select(table, subheadings=["提升民生保障水平"]), lv.WELLBEING_DOMAINS)
    assert len(rows) > 10 and rows["measure"].tolist() == table.loc[rows.index, "measure"].tolist()
    assert rows.set_index("n").loc[114, "domain"] == "jobs 就业"  # 实施“春风行动”…
    assert (rows["domain"] != lv.OTHER).all()


def test_counts_by_fill_missing_values_with_zero():
    frame = pd.DataFrame({"domain": ["a", "a", "b"], "kind": ["x", "x", "y"]})
    counts = lv.counts_by(frame, "domain", "kind", ["x", "y", "z"])
    assert len(counts) == 2 * 3
    assert counts.set_index(["domain", "kind"]).loc[("a", "x"), "clauses"] == 2
    assert counts.set_index(["domain", "kind"]).loc[("b", "x"), "clauses"] == 0


def test_in_report_order(ind):
    ids = ["urban_new_jobs_2023", "livelihood_spending_2023", "urban_new_jobs_2023"]
    assert lv.in_report_order(ind, ids) == ["livelihood_spending_2023", "urban_new_jobs_2023"]


def test_indicator_domains_read_from_the_clause(ind):
    domains = lv.indicator_domains(ind, ["elderly_assistance_services_2023", "convenience_clinic_rate_2023"],
                                   lv.WELLBEING_DOMAINS)
    assert domains["elderly_assistance_services_2023"] == "elderly & childcare 一老一小"
    assert domains["convenience_clinic_rate_2023"] == "health 医疗卫生"


# --- derived figures ------------------------------------------------------------------------------------------

def test_implied_total_and_break_even():
    assert lv.implied_total(86, 75) == pytest.approx(114.6667, rel=1e-4)
    margin = lv.break_even_margin(86, 75, 137)
    assert lv.implied_total(86 * (1 + margin / 100), 75) == pytest.approx(137)
    assert lv.break_even_margin(86, 75, 100) < 0  # implied total already above
    with pytest.raises(ValueError):
        lv.implied_total(86, 0)


def test_margin_curve_rises_with_the_margin():
    curve = lv.margin_curve(86, 75, [0, 10, 20])
    assert curve["implied_total"].is_monotonic_increasing
    assert curve["implied_total"].iloc[0] == pytest.approx(86 / 0.75)


def test_per_capita_keeps_the_lower_bound_of_an_over_figure(ind):
    d = lv.per_capita("x", "x", "x", ind, "livelihood_spending_2023", 1_000_000, unit="元", formula="f")
    assert d.value == pytest.approx(8600)
    assert d.bounds.lo == pytest.approx(8600) and math.isinf(d.bounds.hi)
    assert d.reading.startswith("lower bound")
    assert "outside" in d.reading
    with pytest.raises(ValueError):
        lv.per_capita("x", "x", "x", ind, "livelihood_spending_2023", 0, unit="元", formula="f")


def test_residents_per_unit_and_its_reading(ind):
    d = lv.residents_per("x", "x", "x", ind, "governance_units", 568_000, unit="人", formula="f",
                         outside="a test population")
    assert d.value == pytest.approx(1000)
    assert d.reading == "exact (all inputs exact); uses a test population"


def test_ratio_to_indicator_spending_to_revenue(ind):
    from analysis import derive

    total = derive.ratio("t", "t", "t", ind, "livelihood_spending_2023", "livelihood_spending_share_2023",
                         scale=100 / 1e8, unit="亿元", formula="f")
    r = lv.ratio_to_indicator("r", "r", "r", total, 1e8, ind, "fiscal_revenue_2023", scale=100, unit="%",
                              formula="f")
    assert r.value == pytest.approx(100 * (86 / 0.75) / 137)
    assert r.reading.startswith("lower bound")
    assert r.inputs == ("livelihood_spending_2023", "livelihood_spending_share_2023", "fiscal_revenue_2023")


def test_derived_frame_marks_bounds_for_qualified_bars(ind):
    from analysis import derive

    lower = derive.ratio("t", "t", "t", ind, "livelihood_spending_2023", "livelihood_spending_share_2023",
                         scale=100 / 1e8, unit="亿元", formula="f")
    exact = derive.ratio("e", "e", "e", ind, "job_posts_raised_2023", "urban_new_jobs_2023", unit="×", formula="g")
    frame = lv.derived_frame([lower, exact], digits=1)
    assert list(frame["qualifier"]) == ["over", "exact"]
    assert frame["phrase"].iloc[0].startswith("≥")
    assert pd.isna(frame["upper"].iloc[0]) and frame["upper"].iloc[1] == pytest.approx(8.2 / 3)


# --- chapters -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["04_wellbeing", "05_governance"])
def test_chapter_parameters_mirror_the_notebook(slug):
    """The parameters cell of the notebook declares exactly the registered parameters, with the same defaults."""
    import ast

    import nbformat

    chapter = get(slug)
    nb = nbformat.read(chapter.notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", []))
    found = {}
    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.Assign):
            found[node.targets[0].id] = ast.literal_eval(node.value)
    assert found == {p.name: p.default for p in chapter.params}
    for line in cell.source.splitlines():
        if "=" in line and not line.startswith("#"):
            assert "#" in line, f"parameter without a comment: {line}"
