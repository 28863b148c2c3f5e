"""Parsing the quantities the report writes: numerals, magnitudes, units and qualifiers.

Numerals are converted by cn2an; magnitudes (万, 亿, 万亿), units and qualifier words are this project's
own, because they carry the meaning the book must not lose ("超2.2万亿元" is a lower bound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

# Every numeral the report uses, as a regex: Arabic numbers, runs of Chinese numerals, Roman class numbers.
NUMERAL = re.compile(r"[0-9]+(?:\.[0-9]+)?|[〇零一二两三四五六七八九十百千万亿半]+|[ⅠⅡⅢⅣⅤⅥ]")

MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "万": 1e4}
# Unit words after a number -> (base unit, factor to base). Longest match wins.
UNITS: dict[str, tuple[str, float]] = {
    "元": ("yuan", 1),
    "人次": ("person_times", 1),
    "人": ("persons", 1),
    "吨": ("tonnes", 1),
    "平方公里": ("m2", 1e6),
    "平方米": ("m2", 1),
    "公顷": ("m2", 1e4),
    "公里": ("m", 1e3),
    "%": ("percent", 1),
    "倍": ("multiple", 1),
    "年": ("years", 1),
    **{c: ("count", 1) for c in "个家项条处部场次名位批座所套户级类"},
}
BASE_UNITS = ("yuan", "persons", "person_times", "count", "m2", "m", "tonnes", "percent", "rank", "multiple",
              "years", "class")
ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "Ⅵ": 6}
# Words that state a quantity without a numeral.
WORDS: dict[str, tuple[float, str, str, frozenset[str]]] = {
    "翻番": (2, "multiple", "倍", frozenset({"at_least"})),  # 实现翻番: at least doubled, a bound
    "过半": (50, "percent", "%", frozenset({"over"})),
    "首位": (1, "rank", "位", frozenset()),
    "冠军": (1, "rank", "位", frozenset()),
    "亚军": (2, "rank", "位", frozenset()),
}
QUALIFIERS = ("exact", "approx", "over", "near", "expected", "at_least")
BEFORE = [("超过", "over"), ("突破", "over"), ("不低于", "at_least"), ("超", "over"), ("逾", "over"),
          ("近", "near"), ("约", "approx")]
AFTER = [("左右", "approx"), ("以上", "over")]

_TOKEN = re.compile(
    r"(?P<ordinal>第)?(?P<num>[0-9]+(?:\.[0-9]+)?|[〇零一二两三四五六七八九十百千]+|[ⅠⅡⅢⅣⅤⅥ])"
    r"(?P<mag>万亿|亿|万)?(?P<approx>余|多)?"
)


class QuantityError(ValueError):
    """A text does not hold exactly the quantity it should."""


@dataclass(frozen=True)
class Quantity:
    text: str  # the matched span, numeral to unit
    start: int
    phrase: str  # the span with its qualifier words, as a reader should see it: 超2.2万亿元, 6.5%左右
    number: float  # the numeral's own value
    magnitude: float  # 1, 1e4, 1e8, 1e12
    unit_zh: str | None  # the unit word as written, magnitude included (亿元, 万人次, %)
    unit: str | None  # base unit, None when the text gives none
    value: float  # in base units
    qualifiers: frozenset[str]

    @property
    def qualifier(self) -> str:
        return format_qualifier(self.qualifiers)

    @property
    def half_step(self) -> float:
        """Half of the last printed digit, in base units: how far rounding may have moved the number.

        86亿元 may be anything from 85.5 to 86.5亿元 (0.5亿元), 1.5倍 from 1.45 to 1.55 (0.05), 11% from 10.5% to
        11.5% (0.5). Whole counts written out in full (42个, 2160个) and numbers written in words (三大, 翻番,
        首位) are exact: 0. 3.1万个 is a count rounded to the thousand: 0.05万 = 500.
        """
        return half_step(self.text, self.magnitude, self.unit)


# Units counted in whole numbers: written out in full, such a number is exact.
WHOLE_UNITS = ("count", "persons", "person_times", "rank", "class", "years")


def half_step(numeral_text: str, magnitude: float = 1, unit: str | None = None) -> float:
    """Half of the last digit of a number as printed, in base units (see ``Quantity.half_step``)."""
    m = re.match(r"[0-9]+(?:\.([0-9]+))?", numeral_text)
    if not m:
        return 0.0  # a number in words: 三大, 翻番, 首位
    decimals = len(m.group(1) or "")
    if unit in WHOLE_UNITS and magnitude == 1 and decimals == 0:
        return 0.0
    factor = UNITS.get(numeral_text[m.end():].lstrip("万亿"), ("", 1))[1] if unit else 1
    return 0.5 * 10 ** -decimals * magnitude * factor


def format_qualifier(qualifiers: frozenset[str] | set[str]) -> str:
    """Qualifiers in their canonical written order, e.g. ``expected+over``; ``exact`` when none."""
    ordered = [q for q in ("expected", "approx", "over", "near", "at_least") if q in qualifiers]
    return "+".join(ordered) or "exact"


def parse_qualifier(text: str) -> frozenset[str]:
    parts = {p.strip() for p in text.split("+")}
    unknown = parts - set(QUALIFIERS)
    if unknown or not parts:
        raise QuantityError(f"unknown qualifier {text!r}; expected one of {', '.join(QUALIFIERS)} joined by '+'")
    return frozenset(parts - {"exact"})


def _numeral_value(num: str) -> float:
    if num in ROMAN:
        return ROMAN[num]
    if num[0].isdigit():
        return float(num)
    return float(cn2an.cn2an(num, "normal"))


def _is_scale_word(num: str, following: str) -> bool:
    """百强, 千年, 百亿级 name a scale, not a count; 零 alone (社零额) is part of a word."""
    return num[0] in "百千零〇" or (num[0] in "十" and following.startswith("级"))


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in a text, in order."""
    found: list[Quantity] = []
    for word, (number, unit, unit_zh, quals) in WORDS.items():
        for m in re.finditer(word, text):
            found.append(Quantity(word, m.start(), word, number, 1, unit_zh, unit, number,
                                  quals | _expected(text, m.start())))
    for m in _TOKEN.finditer(text):
        num = m.group("num")
        if _is_scale_word(num, text[m.end("num"):]):
            continue
        if any(q.start <= m.start() < q.start + len(q.text) for q in found):
            continue
        mag = m.group("mag") or ""
        end = m.end()
        unit_word = next((u for u in sorted(UNITS, key=len, reverse=True) if text.startswith(u, end)), None)
        number = _numeral_value(num)
        magnitude = MAGNITUDES.get(mag, 1)
        if m.group("ordinal") and (unit_word in (None, "位", "名")):
            unit, factor = "rank", 1
        elif num in ROMAN:
            unit, factor = "class", 1
        elif unit_word:
            unit, factor = UNITS[unit_word]
        else:
            unit, factor = None, 1
        span_end = end + len(unit_word or "")
        quals = set(_expected(text, m.start()))
        if m.group("approx"):
            quals.add("over")
        phrase_start, phrase_end = m.start(), span_end
        for word, q in BEFORE:
            if text[: m.start()].endswith(word):
                quals.add(q)
                phrase_start -= len(word)
                break
        for word, q in AFTER:
            if text.startswith(word, span_end):
                quals.add("at_least" if (q == "over" and unit in ("class", "rank")) else q)
                phrase_end += len(word)
        found.append(Quantity(text[m.start():span_end], m.start(), text[phrase_start:phrase_end], number, magnitude,
                              (mag + (unit_word or "")) or None, unit, number * magnitude * factor,
                              frozenset(quals)))
    return sorted(found, key=lambda q: q.start)


def _expected(text: str, pos: int) -> frozenset[str]:
    return frozenset({"expected"}) if "预计" in text[:pos] else frozenset()


def parse_quantity(text: str) -> Quantity:
    """The one quantity a quote states; an error when it holds none or several."""
    found = find_quantities(text)
    if not found:
        raise QuantityError(f"no quantity found in {text!r}")
    if len(found) > 1:
        listed = ", ".join(repr(q.text) for q in found)
        raise QuantityError(f"{text!r} holds {len(found)} quantities ({listed}); a quote must hold exactly one")
    return found[0]


def display_factor(unit_zh: str) -> float:
    """Base units per display unit: 亿元 → 1e8, 万人 → 1e4, % → 1."""
    for mag, factor in sorted(MAGNITUDES.items(), key=lambda kv: -len(kv[0])):
        if unit_zh.startswith(mag):
            rest = unit_zh[len(mag):]
            return factor * UNITS.get(rest, ("", 1))[1]
    return UNITS.get(unit_zh, ("", 1))[1]
