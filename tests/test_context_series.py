"""Tests for analysis.datasets.context_series: the outside series, their validation, and the qualifiers read from
their words; and the one loader of the file (load_context)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import pytest
from conftest import context_csv, read_table, write_table

from analysis.datasets import context_series as cs
from analysis.datasets.checks import check_all
from analysis.errors import DataError, Problem
from analysis.paths import CONTEXT_SERIES, READS_LOG_ENV

CSV = CONTEXT_SERIES


@pytest.fixture(scope="module")
def ctx() -> pd.DataFrame:
    return cs.load_context()


def edited(tmp_path: Path, line: int, column: str, value: str) -> Path:
    """A copy of the context csv with one cell changed (``line`` as a person counts, header = 1)."""
    rows = read_table(CSV)
    rows[line - 1][rows[0].index(column)] = value
    return write_table(tmp_path / "context_series.csv", rows)


# -- the file as committed -------------------------------------------------------------------------------------


def test_the_committed_file_is_valid():
    assert cs.validate_context() == []


def test_the_readme_documents_every_column_status_and_series():
    readme = (CSV.parent / "README.md").read_text(encoding="utf-8")
    for col in cs.CONTEXT_COLUMNS:
        assert f"`{col.name}`" in readme
    for word in (*cs.STATUSES, *cs.HEADLINE):
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
    problems = cs.validate_context(edited(tmp_path, line, column, value))
    assert problems, f"a bad {column} passed"
    p = problems[0]
    assert (p.line, p.column) == (line, column)
    assert p.file.endswith("context_series.csv")
    for w in words:
        assert w in p.message, (w, p.message)


def test_a_note_that_claims_a_lower_bound_must_agree_with_the_excerpt(tmp_path):
    problems = cs.validate_context(edited(tmp_path, 9, "note", "lower bound"))
    assert [(p.line, p.column) for p in problems] == [(9, "note")]


def test_every_row_has_its_excerpt_and_provenance(tmp_path):
    rows = read_table(CSV)
    header = rows[0]
    rows[8][header.index("excerpt")] = ""
    rows[8][header.index("grade")] = "hearsay"
    problems = cs.validate_context(write_table(tmp_path / "c.csv", rows))
    assert [(p.line, p.column) for p in problems] == [(9, "excerpt"), (9, "grade")]


def test_a_status_against_the_date_of_writing_fails(tmp_path):
    """2020 investment, 'reported' on a page of June 2021: dated January 2021 it would be an estimate."""
    rows = read_table(CSV)
    header = rows[0]
    line = next(i for i, r in enumerate(rows) if r[:2] == ["2020", "fai"]) + 1
    rows[line - 1][header.index("dated")] = "2021-01"
    problems = cs.validate_context(write_table(tmp_path / "c.csv", rows))
    assert [(p.line, p.column) for p in problems] == [(line, "status")]
    assert "rule 'status from when it was written'" in problems[0].message
    assert "'estimate'; found 'reported'" in problems[0].message


def test_every_outside_row_is_graded_and_counted():
    ctx = cs.load_context()
    assert set(ctx["grade"]) <= {"official", "official-secondary", "unofficial"}
    assert ctx.loc[ctx["indicator"] == "census_pop", "grade"].tolist() == ["unofficial"]  # a copy of the bulletin


def test_header_and_duplicates(tmp_path):
    rows = read_table(CSV)
    bad_header = [["year", "series", *rows[0][2:]], *rows[1:]]
    problems = cs.validate_context(write_table(tmp_path / "h.csv", bad_header))
    assert problems[0].line == 1 and "missing indicator" in problems[0].message
    doubled = [*rows, rows[5]]
    problems = cs.validate_context(write_table(tmp_path / "d.csv", doubled))
    assert [p.line for p in problems] == [len(doubled)] and "repeats line 6" in problems[0].message


def test_check_all_includes_the_context_problems(monkeypatch):
    monkeypatch.setattr(cs, "validate_context",
                        lambda: [Problem("data/context/context_series.csv", 3, "value", "planted")])
    with pytest.raises(DataError, match="planted"):
        check_all()


def test_loading_records_the_file_for_the_build_cache(tmp_path, monkeypatch):
    log = tmp_path / "reads.log"
    monkeypatch.setenv(READS_LOG_ENV, str(log))
    cs.load_context()
    assert str(CSV.resolve()) in log.read_text(encoding="utf-8").splitlines()


def test_loading_a_broken_file_raises_with_every_problem(tmp_path):
    path = edited(tmp_path, 9, "year", "zz")
    with pytest.raises(DataError, match=r"context_series.csv:9: column 'year'"):
        cs.load_context(path)





def test_context_series_is_read_from_the_project_file_or_the_one_given(tmp_path):
    """One loader: data/context/context_series.csv unless a file is given (no fallback to a copy outside)."""
    assert inspect.signature(cs.load_context).parameters["path"].default == CONTEXT_SERIES
    local = tmp_path / "context_series.csv"
    context_csv(local, [("2024", "gdp", "2020", "亿元", "estimate", "预计全年地区生产总值完成2020亿元")])
    assert cs.load_context(local)["value"].tolist() == [2020.0]


def test_context_series_errors_name_line_and_column(tmp_path):
    bad = tmp_path / "c.csv"
    context_csv(bad, [("2024", "gdp", "二千", "亿元", "estimate", "x")])
    with pytest.raises(DataError, match=r"c.csv:2: column 'value': found '二千'"):
        cs.load_context(bad)
    bad.write_text("year,indicator,value\n2024,gdp,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"c.csv:1: .*missing unit, status"):
        cs.load_context(bad)

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
    q, _, phrase = cs.derive_qualifier(value, "亿元", excerpt, note)
    assert (q, phrase) == (qualifier, shown)


def test_no_bounded_figure_is_loaded_as_exact(ctx):
    for r in ctx.itertuples():
        if any(w in r.phrase for w in ("以上", "突破", "超")):
            assert "over" in r.qualifier, r.phrase
        if "左右" in r.phrase:
            assert "approx" in r.qualifier, r.phrase


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
    assert cs.stated_growth(excerpt, phrase) == expected

