"""The source notes (analysis.datasets.notes): every passage is in the report, bad files are refused with file,
line and column, the layout breaks found by the code join the hand-written notes without duplicates, and
punctuation widths are counted as the page claims."""

from __future__ import annotations

import pytest
from conftest import read_table, write_table

from analysis.datasets import notes as sn
from analysis.datasets.indicators import load_indicators
from analysis.errors import DataError, Problem
from analysis.paths import SOURCE_NOTES

HEADER = ["id", "passage", "kind", "problem", "treatment"]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def edited(tmp_path, row_id: str, column: str, value: str):
    """A copy of data/source_notes.csv with one cell changed, and the line of that row."""
    rows = read_table(SOURCE_NOTES)
    index = next(i for i, row in enumerate(rows) if row[0] == row_id)
    rows[index][rows[0].index(column)] = value
    return write_table(tmp_path / "source_notes.csv", rows), index + 1


# --- the real notes -------------------------------------------------------------------------------------

def test_real_notes_validate_and_every_passage_is_in_the_raw_text(report):
    assert sn.validate_source_notes(report=report) == []
    rows = read_table(SOURCE_NOTES)
    assert rows[0] == HEADER
    for row in rows[1:]:
        assert report.raw.count(row[1]) == 1, row[1]


def test_known_defects_are_listed(report):
    notes = sn.load_source_notes(report=report)
    passages = set(notes["passage"])
    for expected in ("信心 and 底气", "外贸外贸高位奋进", "交通運輸", "实施化运行链长制", "持续提升“三”功能区",
                     "建设筹集一批保障性租赁住房市场化租赁住房", "碳证自愿减排", "翠华林演艺小镇"):
        assert any(expected in p for p in passages), expected


def test_uncertain_notes_say_so(report):
    notes = sn.load_source_notes(report=report)
    for ident in ("shizhen-laboratory", "byline-name", "cuihualin-name", "extra-word-display"):
        problem = notes.set_index("id").loc[ident, "problem"]
        assert "ossibl" in problem, ident


def test_readings_only_correct_noted_passages(report):
    notes = sn.load_source_notes(report=report)
    for passage, reading in sn.READINGS.items():
        assert passage in report.text, passage
        assert any(passage in p for p in notes["passage"]), f"{passage!r} has no source note"
        assert passage not in sn.reading_text(passage) or passage in reading
    text = sn.reading_text(report.text)
    assert "信心和底气,来源于经济复苏" in text and " and " not in text and "外贸外贸" not in text


def test_sections_are_assigned_from_raw_offsets(report):
    notes = sn.load_source_notes(report=report).set_index("id")
    assert notes.loc["duplicated-waimao", "section"] == "preface"
    assert notes.loc["byline-name", "section"] == "furniture"  # the credits are page furniture
    assert notes.loc["traditional-transport", "section"] == "outlook-2"
    assert notes.loc["rental-housing-missing-he", "section"] == "outlook-5"


# --- layout breaks join the notes -----------------------------------------------------------------------

def test_layout_breaks_are_added_once_with_raw_offsets(report):
    notes = sn.all_notes(report=report)
    breaks = notes[notes["kind"] == "layout break"]
    assert len(breaks) == len(report.layout_breaks) == 4
    for b in report.layout_breaks:
        assert report.raw[b.raw_offset:b.raw_offset + 2] == "\n\n"
    assert list(notes["raw_offset"]) == sorted(notes["raw_offset"])


def test_a_hand_written_layout_break_replaces_the_detected_one(tmp_path, report):
    first = report.layout_breaks[0]
    passage = report.raw[first.raw_offset - 6:first.raw_offset + 8]
    rows = [*read_table(SOURCE_NOTES), ["manual-break", passage, "layout break", "a break", "joined"]]
    path = write_table(tmp_path / "notes.csv", rows)
    notes = sn.all_notes(path, report)
    breaks = notes[notes["kind"] == "layout break"]
    assert len(breaks) == 4
    assert "manual-break" in set(breaks["id"]) and "layout-break-1" not in set(breaks["id"])


def test_indicators_read_from_defective_passages_are_found(report):
    ids = sn.indicators_touching(sn.all_notes(report=report), load_indicators(), report)
    assert "functional_zones_2024" in ids and "water_environment_class_target_2024" in ids
    assert "gdp_2023" not in ids


# --- bad files ------------------------------------------------------------------------------------------

def test_passage_not_in_report_names_file_line_column(tmp_path, report):
    path, line = edited(tmp_path, "duplicated-waimao", "passage", "外贸外贸外贸")
    p = only(sn.validate_source_notes(path, report))
    assert (p.file, p.line, p.column) == (str(path), line, "passage")
    assert "not in data/raw/wuchang-2023-review.txt" in p.message and "first 4 characters" in p.message


def test_ambiguous_passage_is_refused(tmp_path, report):
    path, line = edited(tmp_path, "duplicated-waimao", "passage", "信心和底气")
    p = only(sn.validate_source_notes(path, report))
    assert p.line == line and "occurs 4 times" in p.message


def test_unknown_kind_and_empty_cells_and_duplicate_ids(tmp_path, report):
    path, line = edited(tmp_path, "ccer-typo", "kind", "spelling")
    p = only(sn.validate_source_notes(path, report))
    assert (p.line, p.column) == (line, "kind") and "expected one of typo" in p.message
    path, line = edited(tmp_path, "ccer-typo", "treatment", "")
    assert only(sn.validate_source_notes(path, report)).column == "treatment"
    path, line = edited(tmp_path, "ccer-typo", "id", "duplicated-waimao")
    p = only(sn.validate_source_notes(path, report))
    assert p.column == "id" and "duplicate id" in p.message and p.line == line


def test_bad_header_and_loader_raises(tmp_path, report):
    rows = read_table(SOURCE_NOTES)
    rows[0][3] = "issue"
    path = write_table(tmp_path / "notes.csv", rows)
    p = only(sn.validate_source_notes(path, report))
    assert p.line == 1 and "missing problem" in p.message
    with pytest.raises(DataError, match=r"notes\.csv:1"):
        sn.load_source_notes(path, report)


# --- punctuation ----------------------------------------------------------------------------------------

def test_punctuation_counts_skip_decimal_points():
    counts = {c.mark.split()[0]: c for c in sn.punctuation_counts("增长6.5%,达1,000亿元\uff0c好。(注)")}
    assert counts["comma"].half_count == 1 and counts["comma"].full_count == 1  # 1,000 is a number
    assert counts["full"].half_count == 0 and counts["full"].full_count == 1
    assert counts["left"].half_count == 1 and counts["left"].full_count == 0


def test_the_report_sets_commas_half_width(report):
    counts = {c.mark.split()[0]: c for c in sn.punctuation_counts(report.raw)}
    assert counts["comma"].half_count > 300 and counts["comma"].full_count == 0
    assert counts["full"].full_count > 100 and counts["full"].half_count == 0
