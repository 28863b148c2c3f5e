"""The indicator table (analysis.datasets.indicators): the real rows agree with the report, every numeral is
accounted for, each kind of bad file is refused with a message naming the file, line, column, what was expected
and what was found; and the selections the chapters make of the table."""

from __future__ import annotations

import math

import pytest
from conftest import read_table, write_table

from analysis.datasets import indicators as ind
from analysis.datasets.checks import check_all
from analysis.datasets.csv_rows import MAX_BYTES
from analysis.errors import DataError, Problem
from analysis.paths import EXCLUSIONS, INDICATORS
from analysis.report.quantities import parse_qualifier, parse_quantity
from analysis.report.text import SECTION_BY_HEADING

HEADER = "id,section,quote,value,unit,unit_zh,qualifier,period,kind,scope,area,status,name_en,name_zh,reading_note"
ROWS = [dict(zip(read_table(INDICATORS)[0], r, strict=True)) for r in read_table(INDICATORS)[1:]]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# --- the real table -----------------------------------------------------------------------------------

def test_real_data_files_validate(report):
    assert ind.validate_indicators(report=report) == []
    assert ind.validate_exclusions(report=report) == []
    check_all()


def test_real_table_has_unique_snake_case_ids():
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)) > 90
    assert all(i.isascii() and i.replace("_", "").isalnum() and i == i.lower() for i in ids)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_every_row_agrees_with_its_quote(report, row):
    q = parse_quantity(row["quote"])
    assert math.isclose(q.value, float(row["value"]), rel_tol=1e-9), (q.value, row["value"])
    assert q.qualifiers - {"expected"} == parse_qualifier(row["qualifier"]) - {"expected"}
    where = report.locate(row["quote"])
    assert where.section == SECTION_BY_HEADING[row["section"]].key
    if "expected" in row["qualifier"]:
        assert "预计" in report.sentence(where.start, where.end)


def test_loaded_table_carries_place_and_display(report):
    df = ind.load_indicators()
    assert len(df) == len(ROWS)
    gdp = df.loc["gdp_2023"]
    assert (gdp["value"], gdp["section_key"], gdp["display"]) == (1.9e11, "review-1", "突破1900亿元")
    assert report.raw[gdp["offset"] : gdp["offset"] + len(gdp["quote"])] == gdp["quote"]
    assert report.paragraphs[gdp["paragraph"] - 1].text.startswith("预计全年地区生产总值")


# --- coverage: every numeral is an indicator or an exclusion ------------------------------------------

def test_every_numeral_is_covered(report):
    assert ind.uncovered_numerals(report) == []


@pytest.mark.parametrize(("text", "numeral"), [("二十大", "二十"), ("11、12号线", "11"), ("Top50", "50"),
                                                ("八项规定", "八")])
def test_removing_an_exclusion_uncovers_its_numerals(report, tmp_path, text, numeral):
    rows = read_table(EXCLUSIONS)
    kept = [r for r in rows if r[0] != text]
    assert len(kept) == len(rows) - 1
    path = write_table(tmp_path / "exclusions.csv", kept)
    missing = ind.uncovered_numerals(report, exclusions=path)
    assert missing
    assert numeral in [num for _, num, _ in missing]
    assert all(text in report.text[off - len(text) : off + len(text)] for off, _, _ in missing)


def test_removing_an_indicator_uncovers_its_numeral(report, tmp_path):
    rows = [r for r in read_table(INDICATORS) if r[0] != "gdp_growth_2023"]
    path = write_table(tmp_path / "indicators.csv", rows)
    assert [(num, ctx) for _, num, ctx in ind.uncovered_numerals(report, indicators=path)] == [
        ("6.5", "900亿元,增幅6.5%左右,服务业增")
    ]


# --- bad files ----------------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    assert ind.validate_indicators(path) == [Problem(str(path.resolve()), None, None, "file not found")]


def test_empty_file(tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_text("  \n", encoding="utf-8")
    p = only(ind.validate_indicators(path))
    assert str(p) == f"{path.resolve()}: file is empty; expected a header row and data rows"


def test_header_only(tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    assert only(ind.validate_indicators(path)) == Problem(str(path.resolve()), None, None, "no data rows")


def test_gbk_encoding(tmp_path):
    path = tmp_path / "indicators.csv"
    data = INDICATORS.read_text(encoding="utf-8").encode("gbk")
    path.write_bytes(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = err.start
    p = only(ind.validate_indicators(path))
    assert p.file == str(path.resolve())
    assert p.message == (f"line 2: byte {bad} is not UTF-8 ({data[bad:bad + 2]!r}); "
                         "expected UTF-8 (was it saved as GBK?)")


def test_utf8_byte_order_mark(tmp_path):
    path = tmp_path / "indicators.csv"
    path.write_bytes(b"\xef\xbb\xbf" + INDICATORS.read_bytes())
    assert str(only(ind.validate_indicators(path))) == (
        f"{path.resolve()}: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM"
    )


def test_missing_column(tmp_path):
    rows = [r[:5] + r[6:] for r in read_table(INDICATORS)]  # drop unit_zh
    path = write_table(tmp_path / "indicators.csv", rows)
    p = only(ind.validate_indicators(path))
    assert (p.line, p.column) == (1, None)
    assert p.message == (f"header is {HEADER.replace(',unit_zh', '')}; expected {HEADER} (missing unit_zh)")


def test_extra_column(tmp_path):
    rows = [[*r, "note" if i == 0 else ""] for i, r in enumerate(read_table(INDICATORS))]
    path = write_table(tmp_path / "indicators.csv", rows)
    assert str(only(ind.validate_indicators(path))) == (
        f"{path.resolve()}:1: header is {HEADER},note; expected {HEADER} (unexpected note)"
    )


def test_columns_out_of_order(tmp_path):
    rows = [[r[1], r[0], *r[2:]] for r in read_table(INDICATORS)]
    path = write_table(tmp_path / "indicators.csv", rows)
    assert only(ind.validate_indicators(path)).message.endswith("(columns out of order)")


def test_row_with_too_few_fields(tmp_path):
    rows = read_table(INDICATORS)
    rows[5] = rows[5][:10]
    path = write_table(tmp_path / "indicators.csv", rows)
    expected = len(ind.INDICATOR_COLUMNS)
    assert only(ind.validate_indicators(path)) == Problem(str(path.resolve()), 6, None,
                                                          f"10 fields; expected {expected}")


@pytest.mark.parametrize("value", ["1900亿", "abc", "nan", "inf", "1,900"])
def test_non_numeric_value(edited_indicators, value):
    path, line = edited_indicators("gdp_2023", "value", value)
    assert str(only(ind.validate_indicators(path))) == (
        f"{path.resolve()}:{line}: column 'value': found {value!r}; expected a finite number in base units"
    )


def test_empty_cell(edited_indicators):
    path, line = edited_indicators("gdp_2023", "name_en", "")
    assert only(ind.validate_indicators(path)) == Problem(str(path.resolve()), line, "name_en",
                                                          "is empty; expected English name")


def test_unknown_unit(edited_indicators):
    path, line = edited_indicators("gdp_2023", "unit", "rmb")
    p = only(ind.validate_indicators(path))
    assert (p.line, p.column) == (line, "unit")
    assert p.message == ("found 'rmb'; expected one of yuan, persons, person_times, count, m2, m, tonnes, percent, "
                         "rank, multiple, years, class")


def test_unit_disagreeing_with_the_quote(edited_indicators):
    path, line = edited_indicators("gdp_2023", "unit", "tonnes")
    assert str(only(ind.validate_indicators(path))) == (
        f"{path.resolve()}:{line}: column 'unit': found 'tonnes'; the quote '生产总值突破1900亿元' is in 'yuan'"
    )


def test_unknown_kind(edited_indicators):
    path, line = edited_indicators("gdp_2023", "kind", "guess")
    p = only(ind.validate_indicators(path))
    assert (p.line, p.column) == (line, "kind")
    assert p.message.startswith("found 'guess'; expected one of level, growth, share")


def test_unknown_qualifier(edited_indicators):
    path, line = edited_indicators("gdp_2023", "qualifier", "about")
    assert str(only(ind.validate_indicators(path))) == (
        f"{path.resolve()}:{line}: column 'qualifier': unknown qualifier 'about'; "
        "expected one of exact, approx, over, near, expected, at_least joined by '+'"
    )


def test_duplicate_id(edited_indicators):
    path, line = edited_indicators("gdp_2023", "id", "gdp_2023_preface")
    assert only(ind.validate_indicators(path)) == Problem(
        str(path.resolve()), line, "id", "duplicate id 'gdp_2023_preface' (first on line 3)")


def test_quote_not_in_report(edited_indicators):
    path, line = edited_indicators("gdp_2023", "quote", "生产总值突破2000亿元")
    p = only(ind.validate_indicators(path))
    assert (p.file, p.line, p.column) == (str(path.resolve()), line, "quote")
    assert p.message == ("the quote '生产总值突破2000亿元' is not in data/raw/wuchang-2023-review.txt; its first "
                         "6 characters are in paragraph 10, followed by '1900亿元,增' rather than '2000亿元'")


def test_quote_occurring_twice(edited_indicators):
    path, line = edited_indicators("gdp_2023", "quote", "突破1900亿元")
    p = only(ind.validate_indicators(path))
    assert (p.line, p.column) == (line, "quote")
    assert p.message == ("the quote '突破1900亿元' occurs 2 times (paragraph 3, paragraph 10); "
                         "lengthen it to be unique")


def test_quote_holding_two_numbers(edited_indicators):
    path, line = edited_indicators("gdp_2023", "quote", "突破1900亿元,增幅6.5%左右")
    p = only(ind.validate_indicators(path))
    assert (p.line, p.column) == (line, "quote")
    assert "holds 2 quantities ('1900亿元', '6.5%')" in p.message


def test_value_disagreeing_with_its_quote(edited_indicators):
    path, line = edited_indicators("gdp_2023", "value", "180000000000")
    assert str(only(ind.validate_indicators(path))) == (
        f"{path.resolve()}:{line}: column 'value': found 180000000000; "
        "the quote '生产总值突破1900亿元' says 190000000000 yuan"
    )


def test_value_in_display_units_rather_than_base_units(edited_indicators):
    path, _ = edited_indicators("gdp_2023", "value", "1900")
    assert only(ind.validate_indicators(path)).message.endswith("says 190000000000 yuan")


def test_wrong_qualifier(edited_indicators):
    path, line = edited_indicators("deposits_loans_2023", "qualifier", "exact")
    assert str(only(ind.validate_indicators(path))) == (
        f"{path.resolve()}:{line}: column 'qualifier': found 'exact'; the quote '超2.2万亿元' says 'over'"
    )


def test_expected_without_any_estimate_in_the_sentence(edited_indicators):
    path, line = edited_indicators("retail_sales_2023", "qualifier", "expected")
    p = only(ind.validate_indicators(path))
    assert (p.line, p.column) == (line, "qualifier")
    assert p.message == ("says 'expected' but no 预计 governs the sentence "
                         "'着力激发消费扩需求,全年实现社零额760亿元,增长11%。'")


def test_expected_missing_though_the_quote_says_it(edited_indicators):
    path, line = edited_indicators("gdp_2023_preface", "qualifier", "over")
    assert only(ind.validate_indicators(path)) == Problem(
        str(path.resolve()), line, "qualifier", "lacks 'expected' though the quote '预计突破1900亿元' says 预计")


def test_wrong_section(edited_indicators):
    path, line = edited_indicators("gdp_2023", "section", "创新动能加速集聚")
    assert str(only(ind.validate_indicators(path))) == (
        f"{path.resolve()}:{line}: column 'section': the quote stands in section '区域实力持续巩固', "
        "not '创新动能加速集聚'"
    )


def test_section_that_is_no_heading(edited_indicators):
    path, line = edited_indicators("gdp_2023", "section", "区域实力")
    p = only(ind.validate_indicators(path))
    assert (p.line, p.column) == (line, "section")
    assert p.message.startswith(
        "found '区域实力'; expected one of the report's headings: 勇挑大梁 走在前列, 区域实力持续巩固, ")


def test_huge_file(tmp_path):
    path = tmp_path / "indicators.csv"
    text = INDICATORS.read_text(encoding="utf-8")
    path.write_text(text * (MAX_BYTES // len(text.encode()) + 1), encoding="utf-8")
    size = path.stat().st_size
    assert size > MAX_BYTES
    assert only(ind.validate_indicators(path)) == Problem(
        str(path.resolve()), None, None, f"file is {size:,} bytes; expected at most 5,000,000")


def test_field_too_large_for_csv_is_a_problem_not_a_crash(edited_indicators):
    path, line = edited_indicators("gdp_2023", "name_en", "x" * 200_000)
    p = only(ind.validate_indicators(path))
    assert (p.line, p.column) == (line, None)
    assert p.message.startswith("not readable as CSV (field larger than field limit")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends_read_alike(tmp_path, newline):
    path = tmp_path / "indicators.csv"
    path.write_bytes(INDICATORS.read_bytes().replace(b"\n", newline.encode()))
    assert ind.validate_indicators(path) == []


def test_all_problems_are_collected_and_raised_together(tmp_path):
    rows = read_table(INDICATORS)
    rows[2][3] = "abc"  # line 3: value
    rows[9][6] = "maybe"  # line 10: qualifier
    path = write_table(tmp_path / "indicators.csv", rows)
    assert [(p.line, p.column) for p in ind.validate_indicators(path)] == [(3, "value"), (10, "qualifier")]
    with pytest.raises(DataError) as err:
        ind.load_indicators(path)
    assert str(err.value).startswith(f"2 problem(s) in the data:\n  {path.resolve()}:3: column 'value': found 'abc'")


def test_exclusion_not_in_report(tmp_path, report):
    rows = [*read_table(EXCLUSIONS), ["汉口", "not in the report"]]
    path = write_table(tmp_path / "exclusions.csv", rows)
    assert only(ind.validate_exclusions(path, report)) == Problem(
        str(path.resolve()), len(rows), "text", "'汉口' is not in the report")


# --- selections of the table --------------------------------------------------------------------------

def test_indicator_set_in_report_order():
    table = ind.load_indicators()
    ids = ind.indicator_set(table, ["review-3"], units=["count"], exclude=["pocket_parks_new_2023"])
    assert "pocket_parks_new_2023" not in ids and "charging_piles_new_2023" in ids
    assert list(table.loc[ids, "offset"]) == sorted(table.loc[ids, "offset"])
    assert set(table.loc[ids, "unit"]) == {"count"}


def test_in_report_order():
    table = ind.load_indicators()
    ids = ["urban_new_jobs_2023", "livelihood_spending_2023", "urban_new_jobs_2023"]
    assert ind.in_report_order(table, ids) == ["livelihood_spending_2023", "urban_new_jobs_2023"]
