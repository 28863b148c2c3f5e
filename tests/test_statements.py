"""Tests for analysis.methods.statements: splitting the review into statements and their domains; and the
well-being and governance chapters that read them (analysis.chapters.wellbeing, .governance)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chapters import get
from analysis.chapters.governance import GOVERNANCE_DOMAINS
from analysis.chapters.wellbeing import WELLBEING_DOMAINS, break_even_margin, implied_total, margin_curve
from analysis.datasets.indicators import load_indicators
from analysis.methods import statements as st
from analysis.report.text import load_report


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


# --- splitting ------------------------------------------------------------------------------------------------

def test_clauses_split_on_commas_and_keep_purpose_with_its_measure():
    assert st.clauses("提高基层卫生服务水平,让居民享有家门口的优质医疗服务。") == [
        "提高基层卫生服务水平,让居民享有家门口的优质医疗服务"]
    assert st.clauses("坚持就业优先政策，提高就业创业补贴覆盖率。") == ["坚持就业优先政策", "提高就业创业补贴覆盖率"]
    assert st.clauses("甲、乙,丙") == ["甲、乙", "丙"]  # 、 joins items of one clause


# --- classification -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "domain"), [
    ("医保定点机构“便民”门诊设置率达100%", "health 医疗卫生"),  # 门诊 before 医保
    ("社保、医保分别扩面2.4万、9.9万人次", "social security 社会保障"),
    ("全区婴幼儿托位累计超5000个", "elderly & childcare 一老一小"),  # not pre-school 幼儿园
    ("公办普惠幼儿园占比超87%", "education 教育"),
    ("筹集岗位8.2万个", "jobs 就业"),
    ("某某某", st.OTHER),
])
def test_wellbeing_domains(text, domain):
    assert st.classify(text, WELLBEING_DOMAINS) == domain


# --- statements from the report -------------------------------------------------------------------------------

def test_statements_cover_every_indicator_of_the_review_sections(ind):
    frame = st.review_statements(["review-4", "review-5"], WELLBEING_DOMAINS, ind)
    found = {i.strip() for cell in frame["indicators"] if cell for i in cell.split(",")}
    expected = set(ind[ind["section_key"].isin(["review-4", "review-5"])]["id"])
    assert found == expected
    assert frame["numbered"].tolist() == (frame["indicators"] != "").tolist()


def test_statements_clauses_are_text_of_their_paragraph(ind):
    report = load_report()
    frame = st.review_statements(["review-5"], GOVERNANCE_DOMAINS, ind, report)
    paragraphs = {p.index + 1: p.text for p in report.paragraphs}
    assert all(row.clause in paragraphs[row.paragraph] for row in frame.itertuples())
    # order counts clauses within each theme from 1
    assert frame.groupby("theme")["order"].apply(lambda s: list(s) == list(range(1, len(s) + 1))).all()


def test_statements_refuse_outlook_sections(ind):
    """Outlook commitments have one segmentation and one classifier, in analysis.methods.commitments."""
    with pytest.raises(ValueError, match="outlook-6: not a review section"):
        st.review_statements(["review-5", "outlook-6"], GOVERNANCE_DOMAINS, ind)


def test_outlook_commitments_get_a_domain_but_keep_their_class(ind, report):
    from analysis.datasets.userdict import read_userdict
    from analysis.methods import commitments as cm

    table = cm.commitments(report, ind, read_userdict())
    rows = st.with_domain(cm.select(table, subheadings=["提升民生保障水平"]), WELLBEING_DOMAINS)
    assert len(rows) > 10 and rows["measure"].tolist() == table.loc[rows.index, "measure"].tolist()
    assert rows.set_index("n").loc[114, "domain"] == "jobs 就业"  # 实施“春风行动”…
    assert (rows["domain"] != st.OTHER).all()


def test_counts_by_fill_missing_values_with_zero():
    frame = pd.DataFrame({"domain": ["a", "a", "b"], "kind": ["x", "x", "y"]})
    counts = st.counts_by(frame, "domain", "kind", ["x", "y", "z"])
    assert len(counts) == 2 * 3
    assert counts.set_index(["domain", "kind"]).loc[("a", "x"), "clauses"] == 2
    assert counts.set_index(["domain", "kind"]).loc[("b", "x"), "clauses"] == 0


# --- the well-being chapter's derived figures -----------------------------------------------------------------

def test_implied_total_and_break_even():
    assert implied_total(86, 75) == pytest.approx(114.6667, rel=1e-4)
    margin = break_even_margin(86, 75, 137)
    assert implied_total(86 * (1 + margin / 100), 75) == pytest.approx(137)
    assert break_even_margin(86, 75, 100) < 0  # implied total already above
    with pytest.raises(ValueError):
        implied_total(86, 0)


def test_margin_curve_rises_with_the_margin():
    curve = margin_curve(86, 75, [0, 10, 20])
    assert curve["implied_total"].is_monotonic_increasing
    assert curve["implied_total"].iloc[0] == pytest.approx(86 / 0.75)


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
