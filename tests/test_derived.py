"""Tests of analysis.methods.derived: implied bases, estimates that rest on an assumption, figures that use
outside data, and the interval arithmetic behind what each reading allows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.datasets.indicators import load_indicators
from analysis.methods import derived as dv


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


def _frame(rows: dict[str, tuple[float, str]]) -> pd.DataFrame:
    """A minimal indicator table: id -> (value, qualifier)."""
    return pd.DataFrame({"value": [v for v, _ in rows.values()], "qualifier": [q for _, q in rows.values()],
                         "unit": "", "half_step": 0.0, "name_en": list(rows), "name_zh": list(rows),
                         "quote": list(rows)}, index=list(rows))


# -- implied bases ---------------------------------------------------------------------------------------------


def test_implied_base_from_multiples(ind):
    sme = dv.implied_base("b", "b", "b", ind, "tech_smes_registered_2023", "tech_smes_registered_multiple_2023",
                          unit_factor=1, unit="家", formula="f")
    assert sme.value == pytest.approx(408)
    # 612 is a whole count written out (exact); 1.5倍 as printed is 1.45–1.55
    assert (sme.bounds.lo, sme.bounds.hi) == (pytest.approx(612 / 1.55), pytest.approx(612 / 1.45))
    assert sme.reading == "approximate (range 394.8–422.1)"  # bounds rounded outwards
    contract = dv.implied_base("c", "c", "c", ind, "tech_contract_value_2023", "tech_contract_value_multiple_2023",
                               unit_factor=1e8, unit="亿元", formula="f")
    assert contract.value == pytest.approx(130)
    # 翻番 is "at least doubled": the 2022 base has only an upper bound; 260亿元 as printed reaches 260.5
    assert contract.bounds.lo == 0
    assert contract.bounds.hi == pytest.approx(260.5 / 2)
    assert contract.reading == "upper bound: at most 130.3"


def test_implied_base_from_a_percent_share(ind):
    wuhan = dv.implied_base("w", "w", "w", ind, "elevators_installed_2023", "elevators_share_wuhan_2023",
                            unit_factor=1, unit="部", formula="f", per_unit=0.01)
    assert wuhan.value == pytest.approx(290)
    assert wuhan.bounds.lo == pytest.approx(116 / 0.405)
    assert wuhan.bounds.hi == pytest.approx(116 / 0.395)
    assert wuhan.inputs == ("elevators_installed_2023", "elevators_share_wuhan_2023")


def test_implied_base_of_a_lower_bound_is_a_lower_bound():
    table = _frame({"level": (300.0, "over"), "multiple": (1.5, "exact")})
    d = dv.implied_base("x", "x", "x", table, "level", "multiple", unit_factor=1, unit="", formula="f")
    assert d.value == pytest.approx(200)
    assert math.isinf(d.bounds.hi)
    assert d.reading.startswith("lower bound")


# -- estimates, quotients, differences --------------------------------------------------------------------------


def test_times_assumption_is_an_estimate_and_says_so(ind):
    traded = dv.times_assumption("t", "t", "t", ind, "carbon_trading_volume_cumulative", 56.4, unit_factor=1e8,
                                 unit="亿元", formula="f", assumption="a price of 56.4元/吨")
    assert traded.value == pytest.approx(4.3 * 56.4)
    assert traded.assumption == "a price of 56.4元/吨"
    # 4.3亿吨 as printed is 4.25–4.35亿吨
    assert traded.reading == "approximate (range 239.7–245.4); an estimate resting on a price of 56.4元/吨"
    clearing = dv.indicator_as_derived(ind, "carbon_clearing_cumulative", unit_factor=1e8, unit="亿元")
    ratio = dv.quotient("q", "q", "q", clearing, traded, unit="×", formula="f")
    assert ratio.value == pytest.approx(490 / (4.3 * 56.4))
    assert ratio.assumption == traded.assumption  # the assumption travels with the figure
    assert ratio.reading.startswith("lower bound") and "56.4" in ratio.reading
    assert set(ratio.inputs) == {"carbon_clearing_cumulative", "carbon_trading_volume_cumulative"}


def test_difference_bounds_cross():
    a = dv.Derived("a", "a", "a", 260, "", "", dv.Interval(260, 260), ("a",))
    b = dv.Derived("b", "b", "b", 130, "", "", dv.Interval(126, 133), ("b",))
    d = dv.difference("d", "d", "d", a, b, unit="", formula="f")
    assert (d.value, d.bounds.lo, d.bounds.hi) == (130, 127, 134)
    assert not d.assumption and "estimate" not in d.reading  # no estimate among its inputs: not an estimate


# -- outside data (a population) -------------------------------------------------------------------------------


def test_per_capita_keeps_the_lower_bound_of_an_over_figure(ind):
    d = dv.per_capita("x", "x", "x", ind, "livelihood_spending_2023", 1_000_000, unit="元", formula="f")
    assert d.value == pytest.approx(8600)
    assert d.bounds.lo == pytest.approx(8600) and math.isinf(d.bounds.hi)
    assert d.reading.startswith("lower bound")
    assert "outside" in d.reading
    with pytest.raises(ValueError):
        dv.per_capita("x", "x", "x", ind, "livelihood_spending_2023", 0, unit="元", formula="f")


def test_residents_per_unit_and_its_reading(ind):
    d = dv.residents_per("x", "x", "x", ind, "governance_units", 568_000, unit="人", formula="f",
                         outside="a test population")
    assert d.value == pytest.approx(1000)
    # exact arithmetic on an outside population is still only as good as the population: never "exact"
    assert d.reading == "approximate; rests on a test population"


def test_ratio_to_indicator_spending_to_revenue(ind):
    total = dv.ratio("t", "t", "t", ind, "livelihood_spending_2023", "livelihood_spending_share_2023",
                     scale=100 / 1e8, unit="亿元", formula="f")
    r = dv.ratio_to_indicator("r", "r", "r", total, 1e8, ind, "fiscal_revenue_2023", scale=100, unit="%",
                              formula="f")
    assert r.value == pytest.approx(100 * (86 / 0.75) / 137)
    assert r.reading.startswith("lower bound")
    assert r.inputs == ("livelihood_spending_2023", "livelihood_spending_share_2023", "fiscal_revenue_2023")
