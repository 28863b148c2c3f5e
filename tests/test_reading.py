"""The rules of reading (analysis.report.reading and their checks in analysis.datasets.indicators): scope and
area from the words that govern a number, status from when it was written, and the one rounding rule."""

from __future__ import annotations

import math

import pytest
from conftest import read_table, write_table

from analysis.datasets import indicators as ind
from analysis.methods.derived import fmt_down, fmt_up, interval, stated_interval
from analysis.paths import INDICATORS
from analysis.report.quantities import find_quantities
from analysis.report.reading import period_years, read_governing, status_for
from analysis.report.text import load_report

COLUMNS = read_table(INDICATORS)[0]


def evidence(quote: str):
    report = load_report()
    where = report.locate(quote)
    return read_governing(report, where.start, where.end)


@pytest.mark.parametrize(("quote", "scope", "word"), [
    ("超过300家", "new", "新增"),  # 全年新增市场主体3.1万个,“四上”企业超过300家: the list shares its verb
    ("企业20家", "new", "新增"),  # 新增高新技术企业245家,省级及以上专精特新企业20家
    ("企业14家", "new", "新增"),
    ("6000个", "new", "新增"),  # 新增停车位1.3万个,充电桩6000个
    ("96个在建项目", "stock", "在建项目"),
    ("42个亿元以上项目", "new", "开工"),  # the number is the subject: the verb follows
    ("成交4.3亿吨", "cumulative", "累计"),  # 累计 rules over 成交
    ("超490亿元", "cumulative", "累计"),  # no verb of its own: the item before governs
    ("超470亿元", "flow", "营收"),  # 规模以上 is a size threshold, not 规模
    ("13条街道", "stock", "覆盖"),  # 覆盖 decides before the general 实现
    ("719个", "flow", "解决"),  # the verb before the object, not 改造 inside the object
    ("1362个", None, "推进"),  # a neutral verb: no evidence, and no borrowing from earlier items
])
def test_scope_is_read_from_the_governing_word(quote, scope, word):
    e = evidence(quote)
    assert (e.scope, e.scope_word) == (scope, word)


def test_area_is_read_from_a_word_before_the_number_not_from_a_title_or_a_ranking():
    assert (evidence("成交4.3亿吨").area, evidence("超490亿元").area) == ("national", "national")
    assert evidence("107个企业项目").area == "province"  # 首批吸纳全省107个企业项目入库
    assert evidence("连续4年").area is None  # 领跑全省: the province is where it leads, after the number
    assert evidence("第25名").area is None  # 全国百强新区第25名: a ranking, not whose number


def test_whole_year_allows_new_or_flow_only():
    e = evidence("4500万人次")
    assert e.whole_year and "stock" not in e.allowed_scopes()


def _with(tmp_path, row_id: str, **changes: str):
    rows = read_table(INDICATORS)
    at = next(i for i, r in enumerate(rows) if r[0] == row_id)
    for column, value in changes.items():
        rows[at][COLUMNS.index(column)] = value
    return ind.validate_indicators(write_table(tmp_path / "indicators.csv", rows)), at + 1


def test_a_scope_against_the_governing_word_fails_naming_row_rule_expected_and_found(tmp_path):
    problems, line = _with(tmp_path, "high_tech_enterprises_new_2023", scope="stock")
    assert [(p.line, p.column) for p in problems] == [(line, "scope")]
    assert "rule 'scope from the governing word'" in problems[0].message
    assert "新增 governs it, so expected new; found 'stock'" in problems[0].message


def test_a_written_reason_lets_a_row_differ_from_its_words(tmp_path):
    problems, _ = _with(tmp_path, "high_tech_enterprises_new_2023", scope="stock",
                        reading_note="a reason a reader can weigh")
    assert problems == []


def test_an_area_against_the_governing_word_fails(tmp_path):
    problems, line = _with(tmp_path, "carbon_trading_volume_cumulative", area="district", reading_note="")
    assert [(p.line, p.column) for p in problems] == [(line, "area")]
    assert "全国 stands before it, so expected 'national'; found 'district'" in problems[0].message


def test_a_2023_figure_without_预计_is_still_an_estimate(tmp_path):
    problems, line = _with(tmp_path, "fixed_asset_investment_2023", status="reported")
    assert [(p.line, p.column) for p in problems] == [(line, "status")]
    assert "a figure of 2023 is then 'estimate'; found 'reported'" in problems[0].message


def test_status_rule():
    assert status_for(2023, 2023, (2023, 12)) == "estimate"
    assert status_for(2024, 2024, (2023, 12)) == "target"
    assert status_for(2019, 2023, (2023, 12)) == "estimate"  # a span ending in an open year
    assert status_for(2022, 2022, (2023, 6)) == "reported"
    assert status_for(2022, 2022, (2023, 1)) == "estimate"  # a January work report: statistics not out yet
    assert status_for(2022, 2022, (2023, 9), final_source=True) == "final"
    assert status_for(2022, 2022, (2023, 9), says_expected=True) == "estimate"
    assert period_years("as of 2023") == (2023, 2023) and period_years("2019-2023") == (2019, 2023)


# -- the one rounding rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "lo", "hi"), [
    ("11%", 10.5, 11.5),  # an integer percent: ±0.5 points, like 40% — no figure is exact by accident
    ("40%", 39.5, 40.5),
    ("1.5倍", 1.45, 1.55),
    ("86亿元", 85.5e8, 86.5e8),
    ("3.1万个", 30_500, 31_500),
    ("42个", 42, 42),  # a whole count written out is exact
    ("超86亿元", 86e8, math.inf),  # a floor stays a floor
    ("翻番", 2, math.inf),  # at least doubled
])
def test_every_printed_number_is_an_interval_from_its_last_digit(text, lo, hi):
    q = find_quantities(text)[0]
    iv = interval(q.value, q.qualifier, unit=q.unit or "", half_step=q.half_step)
    assert (iv.lo, iv.hi) == (pytest.approx(lo), pytest.approx(hi) if math.isfinite(hi) else hi)


def test_every_indicator_row_goes_through_the_rule():
    table = ind.load_indicators()
    for row_id in ("retail_sales_growth_2023", "elevators_share_wuhan_2023"):
        iv = stated_interval(table.loc[row_id])
        assert iv.hi - iv.lo == pytest.approx(1.0), row_id


def test_bounds_are_rounded_in_their_own_direction():
    assert fmt_down(2023.56) == "2,023.5" and fmt_up(2023.51) == "2,023.6"
    assert fmt_down(2023.5) == "2,023.5"  # a bound already at a printed digit stays where it is


# -- charts and pages that follow the rules ----------------------------------------------------------------------


def test_a_chart_refuses_a_stock_beside_a_flow_and_a_national_figure_beside_the_districts():
    from analysis.presentation.charts import chart_frame, check_comparable

    table = ind.load_indicators()
    with pytest.raises(ValueError, match=r"deposits_loans_2023: stock, district"):
        chart_frame(table, ["gdp_2023", "deposits_loans_2023"])
    with pytest.raises(ValueError, match=r"carbon_trading_volume_cumulative: cumulative, national"):
        check_comparable(table, ["tech_contract_value_2023", "carbon_trading_volume_cumulative"])
    check_comparable(table, ["new_market_entities_2023", "investment_promotion_trips_2023"])  # new and flow: a year's
    check_comparable(table, ["gdp_growth_2023", "public_inclusive_kindergarten_share"])  # rates take no scope


def test_the_book_says_what_it_contains_counted_from_the_data():
    from analysis.datasets.carbon_market import carbon_statements
    from analysis.datasets.checks import contents_sentence
    from analysis.datasets.context_series import load_context
    from analysis.datasets.outside_figures import outside_figures
    from analysis.datasets.wuhan_districts import load_wuhan_districts

    text = contents_sentence()
    assert f"**{len(ind.load_indicators())} figures from the report itself**" in text
    assert "unofficial" in text and "every number" not in text.lower()
    grades = [*load_context()["grade"], *(s.grade for s in carbon_statements()), *(f.grade for f in outside_figures()),
              *load_wuhan_districts()["grade"]]  # every file of data/context counts
    assert f"**{len(grades)} figures from other pages** ({grades.count('official')} official" in text


def test_the_method_page_states_each_rule_with_an_example_from_the_data():
    from analysis.presentation.rules import reading_rules

    table = reading_rules(load_report(), ind.load_indicators())
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    assert len(rows) == 8
    assert "新增市场主体3.1万个,“四上”企业超过300家: 新增 governs 超过300家" in table
    assert "10.5–11.5%" in table and "39.5–40.5%" in table
    assert "is refused by the chart check" in table


def test_the_glossary_refuses_a_misleading_rendering_in_the_books_prose(tmp_path):
    from analysis.datasets.checks import validate_glossary

    assert validate_glossary() == []
    path = tmp_path / "glossary.csv"
    path.write_text("term,reads_as,meaning,avoid\n普惠,affordable,capped fees,subsidised\n不在报告中的词,x,y,\n",
                    encoding="utf-8")
    problems = validate_glossary(path)
    assert any(p.line == 3 and p.column == "term" for p in problems)  # a term the report does not use
    assert any("renders 普惠 as 'subsidised'" in p.message for p in problems)  # the notebooks do say subsidised


def test_the_reference_pages_hold_every_term_and_every_column() -> None:
    from analysis.chapters import PAGES
    from analysis.datasets.checks import read_glossary
    from analysis.presentation.reference_pages import DATA_FILES, data_dictionary_markdown, glossary_markdown

    glossary = glossary_markdown()
    assert all(row["term"] in glossary for row in read_glossary())
    for word in ("cumulative", "national", "estimate", "unofficial"):
        assert f"| {word} |" in glossary
    dictionary = data_dictionary_markdown()
    for path, _, columns in DATA_FILES:
        section = dictionary.split(f"## `{path}`")[1].split("## `")[0]
        assert all(f"| `{c.name}` |" in section for c in columns), path
    assert {"glossary", "data", "changelog"} <= set(PAGES)


def test_a_glossary_term_is_found_where_it_is_used_and_not_inside_other_words():
    from analysis.presentation.reference_pages import glossary_terms

    patterns = dict(glossary_terms())
    assert patterns["超"].search("存贷款余额超2.2万亿元") and not patterns["超"].search("超过预期")
    assert patterns["近"].search("近2000亿元") and not patterns["近"].search("附近")
    assert patterns["预计"].search("预计全年")
    order = [t for t, _ in glossary_terms()]
    assert order.index("碳普惠") < order.index("普惠") and order.index("公办普惠幼儿园") < order.index("普惠")
