"""Wuchang over the years: the census break, revenue against GDP and the zones' investment, each an interval that
follows from the figures' wording, and a bound that cannot be had said rather than invented."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.chapters.estimates import all_figures
from analysis.chapters.over_time import census_break, envelope, share_of_gdp, zones_against_investment
from analysis.datasets.context_series import load_context
from analysis.datasets.indicators import load_indicators


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return all_figures(load_context(), load_indicators())


def test_the_census_break_sets_each_level_step_against_its_printed_growth(figures):
    brk = census_break(figures)
    assert (brk.growth_2018, brk.growth_2019, brk.growth_2020) == (8.0, 8.0, -2.0)
    # 1200 → 1450 is a step of about 21% in a year printed as 8%
    assert 20 < brk.step_2018_2019.lo < brk.step_2018_2019.hi < 21.5
    assert brk.implied_2019_value == pytest.approx(1492.93 / 0.98)
    # the rate as printed (-2%) stands for -2.5 to -1.5: the implied level spans that
    assert brk.implied_2019.lo == pytest.approx(1492.925 / 0.985) and brk.implied_2019.hi == pytest.approx(
        1492.935 / 0.975)
    assert brk.revision_2019.lo == pytest.approx(100 * (brk.implied_2019.lo / 1450.5 - 1))
    assert brk.jump.lo > 25 and brk.jump.hi < 30


def test_a_break_without_its_growth_rate_stops_with_the_line(figures):
    spoiled = figures.copy()
    row = (spoiled["indicator"] == "gdp") & (spoiled["year"] == 2020)
    spoiled.loc[row & (spoiled["origin"] == "outside"), "excerpt"] = "地区生产总值 | 7.5% | 1492.93亿元"
    with pytest.raises(ValueError, match=r"context_series\.csv line"):
        census_break(spoiled)


def test_revenue_share_keeps_bounds_and_a_floor_leaves_only_an_upper_bound(figures):
    shares = share_of_gdp(figures, gdp_2019=census_break(figures)).set_index("year")
    assert shares.loc[2018, "basis"].startswith("before") and shares.loc[2019, "basis"].startswith("after")
    # 2023: GDP 突破1900亿元 has no ceiling, so the share has none below
    assert shares.loc[2023, "open_below"] and shares.loc[2023, "lo"] == 0
    assert shares.loc[2023, "hi"] == pytest.approx(100 * 137.11605 / 1900)
    # 2019: two revenue estimates that disagree (135.11 and 140.7) both lie inside the range
    assert shares.loc[2019, "lo"] < 100 * 135.11 / 1450 < 100 * 140.7 / 1450 < shares.loc[2019, "hi"]
    assert (shares["lo"] <= shares["share"]).all() and (shares["share"] <= shares["hi"]).all()


def test_envelope_covers_every_latest_figure_of_the_year(figures):
    both = envelope(figures, "gp_budget_revenue", 2019)
    assert both["lo"] < 135.11 and both["hi"] > 140.7
    with pytest.raises(KeyError, match="retail_sales 2030"):
        envelope(figures, "retail_sales", 2030)


def test_the_zones_check_says_what_the_open_year_would_need(figures):
    check = zones_against_investment(figures, load_indicators())
    assert list(check.years["year"]) == [2019, 2020, 2021, 2022, 2023]
    assert check.open_year == 2022 and math.isinf(check.total.hi)
    others = check.years.loc[check.years["year"] != 2022, "hi"].sum()
    assert check.needed == pytest.approx(check.zones["lo"] - others)
    # the widest 2023 wording (380亿元左右) is the one counted, so the total is never understated
    assert check.years.set_index("year").loc[2023, "hi"] > 380.5
    assert check.needed_over == pytest.approx(100 * (check.needed / 435 - 1))


def test_share_words_never_give_a_bound_the_figures_lack(figures):
    from analysis.chapters.over_time import share_words

    words = share_words(share_of_gdp(figures, "services_va"))
    assert "2023: 89.5% on the two printed floors, either way unbounded (both are floors)" in words
    assert "2021: 87.9–91.0%" in words  # two estimates of 2021 GDP on one page; bounds rounded outwards
    revenue = share_words(share_of_gdp(figures, gdp_2019=census_break(figures)))
    assert "2023: at most 7.3%" in revenue  # 7.2166…, rounded up: a bound stays a bound
