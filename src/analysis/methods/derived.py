"""Derived figures: computed from indicators, each with its formula and what its qualifiers imply.

A reported figure is an interval: "突破1900亿元" is [1900, ∞), "近470亿元" is [470·(1−t), 470],
"6.5%左右" is [6.5·(1−t), 6.5·(1+t)], with t the tolerance a chapter passes (``APPROX_TOLERANCE`` unless it
says otherwise). Arithmetic on intervals tells whether a derived figure is a lower bound, an upper bound,
exact or only indicative. A figure that rests on an assumed parameter (a price) or on outside data (a
population) is one ``Derived`` too; its reading says what it rests on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.report.quantities import parse_qualifier

APPROX_TOLERANCE = 0.05  # how far "左右"/"近" may stray, as a share of the value (an assumption, stated)


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float

    def __truediv__(self, other: Interval) -> Interval:
        cands = [_div(a, b) for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(cands), max(cands))

    def scale(self, k: float) -> Interval:
        return Interval(self.lo * k, self.hi * k) if k >= 0 else Interval(self.hi * k, self.lo * k)


def _div(a: float, b: float) -> float:
    if b == 0 or (math.isinf(b) and math.isinf(a)):
        return math.inf
    return a / b


def interval(value: float, qualifier: str, tolerance: float = APPROX_TOLERANCE, unit: str = "",
             half_step: float = 0.0) -> Interval:
    """The values a stated figure allows: the one rounding rule of the book.

    ``half_step`` is half the last printed digit (``Quantity.half_step``: 86亿元 → 0.5亿元), ``tolerance`` how
    far 左右/近 may stray. Exact as printed: value ± half_step. 近: at most the value, down to
    value·(1 − tolerance) − half_step. 左右/约: value·(1 ± tolerance) ± half_step. 超/突破/以上/翻番: at least the
    value as printed (the words set a floor; rounding does not lower it).
    """
    quals = parse_qualifier(qualifier)
    if unit in ("class", "rank") and ("over" in quals or "at_least" in quals):
        return Interval(1, value)  # "Ⅲ类以上": class Ⅲ or better, i.e. a class number of at most 3
    if "over" in quals or "at_least" in quals:
        return Interval(value, math.inf)
    if "near" in quals:
        return Interval(value * (1 - tolerance) - half_step, value)
    if "approx" in quals:
        return Interval(value * (1 - tolerance) - half_step, value * (1 + tolerance) + half_step)
    return Interval(value - half_step, value + half_step)


def stated_interval(row: pd.Series, tolerance: float = APPROX_TOLERANCE) -> Interval:
    """The interval of an indicator row (``interval`` with the row's qualifier, unit and printed precision)."""
    return interval(row["value"], row["qualifier"], tolerance, row["unit"], row["half_step"])


@dataclass(frozen=True)
class Derived:
    key: str
    name_en: str
    name_zh: str
    value: float  # from the stated figures
    unit: str  # display unit, e.g. "%", "亿元", "元", "×"
    formula: str
    bounds: Interval
    inputs: tuple[str, ...]  # indicator ids
    assumption: str = ""  # an assumed parameter the figure rests on (a price): it is then an estimate
    outside: str = ""  # outside data it uses (a population), taken as exact

    @property
    def reading(self) -> str:
        """What the inputs let us say about the derived value, with its bounds rounded outwards (a lower bound
        of 2,023.5 reads "at least 2,023.5", of 2,023.56 "at least 2,023.5", never 2,023.6), and what else
        it rests on."""
        lo, hi = self.bounds.lo, self.bounds.hi
        if math.isclose(lo, hi, rel_tol=1e-12):
            text = "exact (all inputs exact)"
        elif math.isinf(hi) and lo <= 0:
            text = "indicative only (inputs are bounds in the same direction)"
        elif math.isinf(hi):
            text = f"lower bound: at least {fmt_down(lo)}"
        elif lo <= 0 < hi:
            text = f"upper bound: at most {fmt_up(hi)}"
        elif math.isclose(hi, self.value, rel_tol=1e-12):
            text = f"upper bound: at most {fmt_up(hi)} (range {fmt_down(lo)}–{fmt_up(hi)})"
        else:
            text = f"approximate (range {fmt_down(lo)}–{fmt_up(hi)})"
        if self.assumption:
            text = (f"estimate (rests on {self.assumption})" if text.startswith("exact")
                    else f"{text}; an estimate resting on {self.assumption}")
        if self.outside:  # outside data used for another year, or from a copy, is never exact for this use
            text = ("approximate" if text.startswith("exact") else text) + f"; rests on {self.outside}"
        return text


def fmt(x: float, digits: int = 1) -> str:
    if math.isinf(x):
        return "∞"
    return f"{x:,.{digits}f}"


def fmt_down(x: float, digits: int = 1) -> str:
    """A lower bound for display, rounded down: it stays a true lower bound."""
    if math.isinf(x):
        return fmt(x, digits)
    k = 10 ** digits
    return fmt(math.floor(x * k + 1e-9) / k, digits)


def fmt_up(x: float, digits: int = 1) -> str:
    """An upper bound for display, rounded up."""
    if math.isinf(x):
        return fmt(x, digits)
    k = 10 ** digits
    return fmt(math.ceil(x * k - 1e-9) / k, digits)


def ratio(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, num: str, den: str, *,
          scale: float = 1.0, unit: str = "%", formula: str, tolerance: float = APPROX_TOLERANCE) -> Derived:
    """``scale · num / den`` with interval bounds from both qualifiers."""
    a, b = ind.loc[num], ind.loc[den]
    value = scale * a["value"] / b["value"]
    bounds = (stated_interval(a, tolerance)
              / stated_interval(b, tolerance)).scale(scale)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (num, den))


def growth_base(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, level: str, growth: str, *,
                unit_factor: float, unit: str, formula: str, tolerance: float = APPROX_TOLERANCE) -> Derived:
    """The previous year's level implied by this year's level and its growth rate: level / (1 + g)."""
    a, g = ind.loc[level], ind.loc[growth]
    value = a["value"] / (1 + g["value"] / 100) / unit_factor
    gi = stated_interval(g, tolerance)
    bounds = (stated_interval(a, tolerance) / Interval(1 + gi.lo / 100, 1 + gi.hi / 100)).scale(
        1 / unit_factor)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (level, growth))


def required_growth(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, base: str, target_yuan: float,
                    formula: str, tolerance: float = APPROX_TOLERANCE) -> Derived:
    """Growth (%) needed to go from the base level to a target in one year: 100·(target/base − 1)."""
    b = ind.loc[base]
    value = 100 * (target_yuan / b["value"] - 1)
    bi = stated_interval(b, tolerance)
    bounds = Interval(100 * (target_yuan / bi.hi - 1) if not math.isinf(bi.hi) else -100.0,
                      100 * (target_yuan / bi.lo - 1))
    return Derived(key, name_en, name_zh, value, "%", formula, bounds, (base,))


def implied_base(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, level: str, multiple: str, *,
                 unit_factor: float, unit: str, formula: str, per_unit: float = 1.0,
                 tolerance: float = APPROX_TOLERANCE) -> Derived:
    """The base a level is a stated multiple of: level / multiple.

    "612家, 为去年的1.5倍" gives last year's 408 (1.5倍 as printed is 1.45–1.55); "116部, 占武汉市40%" gives
    Wuhan's 290 (``per_unit=0.01`` turns a percent share into a multiple); 翻番 (at least doubled) makes the base
    an upper bound.
    """
    a, m = ind.loc[level], ind.loc[multiple]
    value = a["value"] / (m["value"] * per_unit) / unit_factor
    mi = stated_interval(m, tolerance)
    mi = Interval(max(mi.lo, 0.0) * per_unit, mi.hi * per_unit)
    bounds = (stated_interval(a, tolerance) / mi).scale(1 / unit_factor)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (level, multiple))


def _assumptions(*figures: Derived) -> str:
    return "; ".join(dict.fromkeys(f.assumption for f in figures if f.assumption))


def indicator_as_derived(ind: pd.DataFrame, key: str, *, unit_factor: float, unit: str,
                         tolerance: float = APPROX_TOLERANCE) -> Derived:
    """An indicator in display units, as a Derived, so it can enter further arithmetic with its bounds."""
    row = ind.loc[key]
    iv = stated_interval(row, tolerance).scale(1 / unit_factor)
    return Derived(key, row["name_en"], row["name_zh"], row["value"] / unit_factor, unit, row["quote"], iv, (key,))


def times_assumption(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, level: str, factor: float, *,
                     unit_factor: float, unit: str, formula: str, assumption: str,
                     tolerance: float = APPROX_TOLERANCE) -> Derived:
    """An indicator times an assumed factor (a price): the bounds follow the indicator's qualifier only."""
    row = ind.loc[level]
    value = row["value"] * factor / unit_factor
    bounds = stated_interval(row, tolerance).scale(factor / unit_factor)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (level,), assumption=assumption)


def quotient(key: str, name_en: str, name_zh: str, num: Derived, den: Derived, *, scale: float = 1.0,
             unit: str, formula: str) -> Derived:
    """``scale · num / den`` of two derived figures, bounds by interval arithmetic."""
    bounds = (num.bounds / den.bounds).scale(scale)
    args = (key, name_en, name_zh, scale * num.value / den.value, unit, formula, bounds,
            tuple(dict.fromkeys(num.inputs + den.inputs)))
    return Derived(*args, assumption=_assumptions(num, den))


def difference(key: str, name_en: str, name_zh: str, a: Derived, b: Derived, *, unit: str,
               formula: str) -> Derived:
    """``a − b`` with bounds (a.lo − b.hi, a.hi − b.lo)."""
    bounds = Interval(a.bounds.lo - b.bounds.hi, a.bounds.hi - b.bounds.lo)
    args = (key, name_en, name_zh, a.value - b.value, unit, formula, bounds, tuple(dict.fromkeys(a.inputs + b.inputs)))
    return Derived(*args, assumption=_assumptions(a, b))


def per_capita(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, num: str, population: float, *,
               per: float = 1.0, unit: str, formula: str, outside: str = "outside population data",
               tolerance: float = APPROX_TOLERANCE) -> Derived:
    """``per · indicator / population``; the population is outside data, taken as exact."""
    if population <= 0:
        raise ValueError(f"population must be positive, got {population}")
    a = ind.loc[num]
    k = per / population
    return Derived(key, name_en, name_zh, a["value"] * k, unit, formula,
                   stated_interval(a, tolerance).scale(k), (num, "population"), outside=outside)


def residents_per(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, den: str, population: float, *,
                  unit: str, formula: str, outside: str = "outside population data",
                  tolerance: float = APPROX_TOLERANCE) -> Derived:
    """``population / indicator``: how many residents one counted thing serves on average."""
    if population <= 0:
        raise ValueError(f"population must be positive, got {population}")
    b = ind.loc[den]
    bounds = Interval(population, population) / stated_interval(b, tolerance)
    return Derived(key, name_en, name_zh, population / b["value"], unit, formula, bounds, ("population", den),
                   outside=outside)


def ratio_to_indicator(key: str, name_en: str, name_zh: str, num: Derived, num_base: float, ind: pd.DataFrame,
                       den: str, *, scale: float = 1.0, unit: str, formula: str,
                       tolerance: float = APPROX_TOLERANCE) -> Derived:
    """A derived figure (in display units; ``num_base`` base units per display unit) over an indicator."""
    b = ind.loc[den]
    value = scale * num.value * num_base / b["value"]
    bounds = (num.bounds.scale(num_base) / stated_interval(b, tolerance)).scale(scale)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (*num.inputs, den))


def bound_qualifier(d: Derived) -> str:
    """The qualifier a derived figure is drawn with: a lower bound (no upper) as 'over', exact as 'exact',
    else 'approx'."""
    lo, hi = d.bounds.lo, d.bounds.hi
    if math.isclose(lo, hi, rel_tol=1e-12) and not d.outside:
        return "exact"
    if math.isinf(hi) and lo > 0:
        return "over"
    return "approx"
