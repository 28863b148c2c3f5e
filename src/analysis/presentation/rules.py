"""The rules of reading, stated once for the method page, each with one example computed from the data.

Every example is produced by the same code that enforces the rule (the data check, the rounding function, the
chart check), so the page cannot describe a rule the build does not apply.
"""

from __future__ import annotations

import pandas as pd

from analysis.datasets.context_series import load_context
from analysis.methods.derived import fmt_down, fmt_up, stated_interval
from analysis.presentation.charts import check_comparable
from analysis.report.reading import read_governing
from analysis.report.text import Report


def _governed_words(report: Report, quote: str, area: bool = False) -> tuple[str, str]:
    """The words from the governing word (of scope, or of area) to the end of the quote, and that word."""
    where = report.locate(quote)
    evidence = read_governing(report, where.start, where.end)
    word = evidence.area_word if area else evidence.scope_word
    start = report.text.rfind(word, 0, where.end)
    return report.text[start:where.end], word


def reading_rules(report: Report, ind: pd.DataFrame) -> str:
    """The rules as Markdown: scope, area, status, rounding, bounds, direction words, charts, provenance."""
    new = ind.loc["four_above_enterprises_2023"]
    new_words, new_word = _governed_words(report, new["quote"])
    national = ind.loc["carbon_trading_volume_cumulative"]
    national_words, _ = _governed_words(report, national["quote"], area=True)
    fai = ind.loc["fixed_asset_investment_2023"]
    r11, r40 = (stated_interval(ind.loc[i]) for i in ("retail_sales_growth_2023", "elevators_share_wuhan_2023"))
    twice = ind.loc["tech_contract_value_multiple_2023"]
    heading = ind.loc["gdp_heading_2000"]
    try:
        check_comparable(ind, ["gdp_2023", "deposits_loans_2023"])
        mixed = "accepted"  # never reached: the check refuses the pair
    except ValueError:
        mixed = "refused"
    ctx = load_context()
    early = ctx[(ctx["indicator"] == "services_va") & (ctx["year"] == 2018)].iloc[0]
    grades = ctx["grade"].value_counts()
    census = ctx[ctx["indicator"] == "census_pop"].iloc[0]
    lines = [
        "| rule | what it says | example from the data |",
        "|---|---|---|",
        f"| scope from the governing word | A list shares its verb: the word that governs the first item governs "
        f"the rest. Each row's `scope` is new, flow, stock or cumulative; the data check reads the sentence and "
        f"fails a row that disagrees, unless it gives a written reason. | {new_words}: {new_word} governs "
        f"{new['display']}, so the row is `{new['scope']}` — new in 2023, not the district's total. |",
        f"| area from the governing word | 全国, 全省, 全市, 全区 before a number say whose it is. | "
        f"{national_words}: the row is `{national['area']}`, `{national['scope']}` — the market the district "
        "hosts, not its own trading. |",
        f"| one rule for estimates | A figure written before the period's statistics were out is an estimate, "
        "whether or not it says 预计. The report was written at the end of 2023; statistics of a year are out "
        "three months after it ends. "
        f"| {fai['name_zh']} {fai['display']} stands without 预计, and is `{fai['status']}`. On the outside pages, "
        f"{early['year']}'s services value added “{early['written']}” is called 完成 in a text dated "
        f"{early['dated']}, and is `{early['status']}`. |",
        f"| one rounding rule | Every printed number allows half a unit of its last digit, combined with its "
        f"qualifier; a whole count written out is exact. | {ind.loc['retail_sales_growth_2023', 'display']} reads "
        f"{r11.lo:g}–{r11.hi:g}%, and {ind.loc['elevators_share_wuhan_2023', 'display']} "
        f"{r40.lo:g}–{r40.hi:g}%: no percentage is exact by accident. |",
        f"| bounds rounded outwards | A lower bound is shown rounded down, an upper bound rounded up. | "
        f"2,023.56 as a lower bound reads “at least {fmt_down(2023.56)}”; as an upper bound “at most "
        f"{fmt_up(2023.56)}”. |",
        f"| words of direction and multiples | 翻番 is a floor (at least doubled); 迈向 describes where a figure "
        f"stands, not a target. | {twice['quote']} is `{twice['qualifier']}` 2, so the 2022 base is at most half "
        f"of 2023's; {heading['quote']} is of kind `{heading['kind']}` and no verdict calls it reached. |",
        f"| one axis, one kind | A chart never draws a stock beside a flow, a cumulative total beside a year's "
        f"amount, or a national figure beside a district's. | GDP (a flow) beside deposits and loans (a stock) "
        f"is {mixed} by the chart check. |",
        f"| provenance and grade | Every outside figure carries its publisher, title, address, date and the "
        f"words that print it; its grade is its page's: official, official-secondary or unofficial. | The "
        f"context series holds {grades.get('official', 0)} official and {grades.get('unofficial', 0)} unofficial "
        f"rows; the census count {census['value']:,.0f} is `{census['grade']}`: it was read on a copy of the "
        "bulletin. |",
    ]
    return "\n".join(lines)
