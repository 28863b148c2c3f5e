"""Tests for analysis.chapters.at_a_glance: the report's structure, where its numbers are, the dashboard and the
guide."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.chapters import CHAPTERS, PAGES
from analysis.chapters import at_a_glance as overview
from analysis.datasets.indicators import KINDS, load_indicators
from analysis.report.quantities import NUMERAL
from analysis.report.text import SECTIONS


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


@pytest.fixture(scope="module")
def numerals(report) -> pd.DataFrame:
    return overview.classify_numerals(report)


@pytest.fixture(scope="module")
def structure(report, ind, numerals) -> pd.DataFrame:
    return overview.section_structure(report, ind, numerals, 1000, True)


def test_part_labels_are_read_from_the_report(report):
    labels = overview.part_labels(report)
    assert labels["review"].label_zh == "回眸 2023"
    assert labels["outlook"].label_zh == "展望 2024"
    assert labels["preface"].label_zh == "勇挑大梁 走在前列"
    assert labels["review"].banner.startswith("经济发展回升向好")
    assert all(label.banner in report.text for label in labels.values())


def test_every_numeral_is_classified_and_magnitudes_are_not_counted(report, numerals):
    assert set(numerals["class"]) <= set(overview.NUMERAL_CLASSES)
    for r in numerals.itertuples():
        if re.fullmatch(r"[万亿]+", r.numeral):  # a magnitude word counts only when no number precedes it
            assert not re.match(r"[0-9〇零一二两三四五六七八九十百千]", report.text[r.offset - 1])
    # 1900亿元 is one numeral, not two
    at = report.text.index("突破1900亿元")
    assert list(numerals.loc[numerals["offset"].between(at, at + 9), "numeral"]) == ["1900"]


def test_a_numeral_in_an_exclusion_is_not_a_quantity(numerals):
    congress = numerals[numerals["context"].str.contains("二十大")]
    assert not congress.empty and set(congress["class"]) == {"not a quantity"}


def test_section_structure_counts_match_the_sources(report, ind, structure):
    assert list(structure["key"]) == [s.key for s in SECTIONS]
    assert structure["indicators"].sum() == len(ind)
    for s in structure.itertuples():
        body = [p for p in report.paragraphs if p.section == s.key and p.role == "body"]
        assert s.paragraphs == len(body) > 0
        assert s.characters == sum(len(re.sub(r"\s", "", p.text)) for p in body)
        assert s.density == pytest.approx(1000 * (s.quantity_numerals + s.other_numerals) / s.characters)


def test_density_parameters_change_the_result(report, ind, numerals, structure):
    only_quantities = overview.section_structure(report, ind, numerals, 1000, False)
    assert (only_quantities["density"] <= structure["density"]).all()
    assert (only_quantities["density"] < structure["density"]).any()
    per_100 = overview.section_structure(report, ind, numerals, 100, True)
    assert per_100["density"].tolist() == pytest.approx((structure["density"] / 10).tolist())


def test_parts_add_up(structure):
    parts = overview.part_summary(structure)
    assert list(parts["part"]) == list(overview.PARTS)
    assert parts["share_of_text"].sum() == pytest.approx(100)
    assert parts["characters"].sum() == structure["characters"].sum()


def test_kind_matrix_has_every_section_and_kind(ind, structure):
    matrix = overview.kind_matrix(ind, structure)
    assert len(matrix) == len(SECTIONS) * len(KINDS)
    assert matrix["n"].sum() == len(ind)


def test_dashboard_draws_every_headline_figure_with_its_qualifier(ind):
    ids = overview.headline_ids()
    assert len(ids) == len(set(ids)) and set(ids) <= set(ind.index)
    spec = overview.headline_dashboard(ind).to_dict()
    assert len(spec["vconcat"]) == len(overview.HEADLINE_PANELS)
    drawn = {row["id"]: row["qualifier"] for data in spec["datasets"].values() for row in data if "id" in row}
    assert drawn == {i: ind.loc[i, "qualifier"] for i in ids}


def test_no_dashboard_panel_mixes_display_units(ind):
    """3.1万个 drawn at 3.1 beside 2160个 at 2160 would be a false picture: one panel, one unit on its axis."""
    for _, _, ids in overview.HEADLINE_PANELS:
        frame = overview.panel_frame(ind, ids)
        factors = (ind.loc[list(ids), "value"].to_numpy() / frame["shown"].to_numpy()).round(9)
        assert len(set(factors)) == 1, ids
        assert list(frame["phrase"]) == list(ind.loc[list(ids), "display"])  # labels keep the report's words
        assert all("\n" in label for label in frame["label"])
    people = overview.panel_frame(ind, overview.HEADLINE_PANELS[2][2])
    assert people.set_index("id").loc["new_market_entities_2023", "shown"] == ind.loc["new_market_entities_2023",
                                                                                       "value"]


def test_dashboard_end_labels_fit_inside_the_plot(ind):
    from analysis.presentation.charts import text_width

    width = 520
    spec = overview.headline_dashboard(ind, width=width).to_dict()
    for panel in spec["vconcat"]:
        rows = spec["datasets"][panel["data"]["name"]]
        top = panel["layer"][0]["encoding"]["x"]["scale"]["domain"][1]
        assert top > max(r["shown"] for r in rows)
        for r in rows:
            assert r["shown"] * width / top + 9 + text_width(r["phrase"]) <= width, r["phrase"]


def test_numerals_reconcile_with_the_indicators(report, ind, numerals, structure):
    tally = overview.numeral_count(report, ind, numerals)
    assert tally.total == tally.outside_body + tally.body == len(numerals)
    assert tally.body == tally.body_quantities + tally.body_others
    assert tally.body == structure["quantity_numerals"].sum() + structure["other_numerals"].sum()
    assert tally.unexplained == 0
    assert tally.in_words and all(not NUMERAL.search(q) for q in tally.in_words)
    assert tally.two_numerals and all(len(NUMERAL.findall(q)) >= 2 for q in tally.two_numerals)


def test_guide_links_every_other_chapter_by_slug_in_reading_order():
    guide = overview.chapter_guide(CHAPTERS, "00_at_a_glance", PAGES)
    md = guide._repr_markdown_()
    links = re.findall(r"\[\]\(([^)]+)\)", md)
    expected = [f"{c.slug}.ipynb" for c in CHAPTERS if c.slug != "00_at_a_glance"]
    assert links == expected + [f"../{p}.md" for p in PAGES]
    assert "this page" in md
    assert all(c.slug in repr(guide) for c in CHAPTERS)


def test_guide_names_sections_by_their_chinese_headings():
    guide = overview.chapter_guide(CHAPTERS, "00_at_a_glance")
    rows = {slug: covered for slug, _, covered, _ in guide.rows}
    for c in CHAPTERS:
        if len(set(c.sections)) < len(SECTIONS):
            for key in c.sections:
                assert next(s.heading for s in SECTIONS if s.key == key) in rows[c.slug]


def test_coverage_marks_exactly_the_declared_sections(structure):
    coverage = overview.coverage_frame(CHAPTERS, structure)
    assert coverage["covered"].sum() == sum(len(set(c.sections)) for c in CHAPTERS)


def test_charts_carry_the_given_source_line_and_tooltips(ind, structure):
    source = [overview.report_source_line()]
    for chart in (overview.structure_chart(structure, source), overview.density_chart(structure, 1000, True, source),
                  overview.kinds_chart(overview.kind_matrix(ind, structure), source)):
        spec = chart.to_dict()
        assert spec["title"]["subtitle"][0] == source[0]
        marks = [lay for lay in spec.get("layer", [spec])]
        assert all(lay["encoding"].get("tooltip") for lay in marks)


def test_the_chapter_list_opens_with_the_overview():
    slugs = [c.slug for c in CHAPTERS]
    assert slugs[0] == "00_at_a_glance"
    assert slugs.index("06_estimates") == slugs.index("05_governance") + 1
