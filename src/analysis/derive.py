"""Derived figures: computed from indicators, each with its formula and what its qualifiers imply.

A reported figure is an interval: "突破1900亿元" is [1900, ∞), "近470亿元" is [470·(1−t), 470],
"6.5%左右" is [6.5·(1−t), 6.5·(1+t)], with t = ``APPROX_TOLERANCE``. Arithmetic on intervals tells
whether a derived figure is a lower bound, an upper bound, exact or only indicative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.quantities import MAGNITUDES, UNITS, parse_qualifier

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


def interval(value: float, qualifier: str, tolerance: float | None = None, unit: str = "") -> Interval:
    # Read at call time, so a chapter's approx_tolerance parameter (set on the module) takes effect.
    tolerance = APPROX_TOLERANCE if tolerance is None else tolerance
    quals = parse_qualifier(qualifier)
    if unit in ("class", "rank") and ("over" in quals or "at_least" in quals):
        return Interval(1, value)  # "Ⅲ类以上": class Ⅲ or better, i.e. a class number of at most 3
    if "over" in quals or "at_least" in quals:
        return Interval(value, math.inf)
    if "near" in quals:
        return Interval(value * (1 - tolerance), value)
    if "approx" in quals:
        return Interval(value * (1 - tolerance), value * (1 + tolerance))
    return Interval(value, value)


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

    @property
    def reading(self) -> str:
        """What the qualifiers of the inputs let us say about the derived value."""
        lo, hi = self.bounds.lo, self.bounds.hi
        if math.isclose(lo, hi, rel_tol=1e-12):
            return "exact (all inputs exact)"
        if math.isclose(lo, self.value, rel_tol=1e-12):
            return "lower bound (the true value is at least this)"
        if math.isclose(hi, self.value, rel_tol=1e-12):
            return "upper bound (the true value is at most this)"
        if math.isinf(hi) and lo <= 0:
            return "indicative only (inputs are bounds in the same direction)"
        return f"approximate (range {fmt(lo)}–{fmt(hi)})"


def fmt(x: float, digits: int = 1) -> str:
    if math.isinf(x):
        return "∞"
    return f"{x:,.{digits}f}"


def display_factor(unit_zh: str) -> float:
    """Base units per display unit: 亿元 → 1e8, 万人 → 1e4, % → 1."""
    for mag, factor in sorted(MAGNITUDES.items(), key=lambda kv: -len(kv[0])):
        if unit_zh.startswith(mag):
            rest = unit_zh[len(mag):]
            return factor * UNITS.get(rest, ("", 1))[1]
    return UNITS.get(unit_zh, ("", 1))[1]


def ratio(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, num: str, den: str, *,
          scale: float = 1.0, unit: str = "%", formula: str) -> Derived:
    """``scale · num / den`` with interval bounds from both qualifiers."""
    a, b = ind.loc[num], ind.loc[den]
    value = scale * a["value"] / b["value"]
    bounds = (interval(a["value"], a["qualifier"]) / interval(b["value"], b["qualifier"])).scale(scale)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (num, den))


def growth_base(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, level: str, growth: str, *,
                unit_factor: float, unit: str, formula: str) -> Derived:
    """The previous year's level implied by this year's level and its growth rate: level / (1 + g)."""
    a, g = ind.loc[level], ind.loc[growth]
    value = a["value"] / (1 + g["value"] / 100) / unit_factor
    gi = interval(g["value"], g["qualifier"])
    bounds = (interval(a["value"], a["qualifier"]) / Interval(1 + gi.lo / 100, 1 + gi.hi / 100)).scale(
        1 / unit_factor)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (level, growth))


def required_growth(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, base: str, target_yuan: float,
                    formula: str) -> Derived:
    """Growth (%) needed to go from the base level to a target in one year: 100·(target/base − 1)."""
    b = ind.loc[base]
    value = 100 * (target_yuan / b["value"] - 1)
    bi = interval(b["value"], b["qualifier"])
    bounds = Interval(100 * (target_yuan / bi.hi - 1) if not math.isinf(bi.hi) else -100.0,
                      100 * (target_yuan / bi.lo - 1))
    return Derived(key, name_en, name_zh, value, "%", formula, bounds, (base,))


def table(derived: list[Derived]):
    from analysis.tables import Table

    return Table(pd.DataFrame(
        {
            "figure 指标": [f"{d.name_zh}\n{d.name_en}" for d in derived],
            "value 数值": [f"{fmt(d.value, 2 if abs(d.value) < 100 else 0)} {d.unit}" for d in derived],
            "formula 算法": [d.formula for d in derived],
            "what the qualifiers allow": [d.reading for d in derived],
            "inputs": [", ".join(d.inputs) for d in derived],
        }
    ), "Derived figures: formula and what the qualifiers of the inputs allow")


def implied_base(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, level: str, multiple: str, *,
                 unit_factor: float, unit: str, formula: str, per_unit: float = 1.0,
                 rounding: float = 0.0) -> Derived:
    """The base a level is a stated multiple of: level / multiple.

    "612家, 为去年的1.5倍" gives last year's 408; "116部, 占武汉市40%" gives Wuhan's 290 (``per_unit=0.01``
    turns a percent share into a multiple). ``rounding`` is the half-width, in the multiple's own units, of the
    rounding the report may have applied (1.5倍 to one decimal: 0.05), which widens the bounds.
    """
    a, m = ind.loc[level], ind.loc[multiple]
    value = a["value"] / (m["value"] * per_unit) / unit_factor
    mi = interval(m["value"], m["qualifier"])
    mi = Interval(max(mi.lo - rounding, 0.0) * per_unit, (mi.hi + rounding) * per_unit)
    bounds = (interval(a["value"], a["qualifier"]) / mi).scale(1 / unit_factor)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (level, multiple))
