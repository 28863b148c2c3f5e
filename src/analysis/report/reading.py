"""What a number's own words say it measures: its scope (new, flow, stock, cumulative) and its area (district,
city, province, national), read from the words that govern it in its sentence.

A Chinese list shares its verb: in 全年新增市场主体3.1万个,“四上”企业超过300家 the 新增 of the first item
governs the second, so the 300 firms are new that year, not the district's total. The reading therefore looks
first in the number's own list item (between top-level commas), and, when that item has no word of its own,
walks back through the earlier items of the sentence until one has. 累计 governs over any verb in its item
(累计成交 is cumulative, not a flow). The result is evidence, not a verdict: ``datasets.indicators`` compares it
with the row's hand-read ``scope`` and ``area`` and fails unless the row gives a reason to differ.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from analysis.report.text import Report, top_level_cuts

SCOPES = ("new", "flow", "stock", "cumulative")
AREAS = ("district", "city", "province", "national")
SCOPE_MEANING = {
    "new": "added during the period (新增, 新建, 引进, 落地…)",
    "flow": "an amount over the period (GDP, revenue, visits, investment completed)",
    "stock": "a level at a moment (balances, firms located somewhere, places available)",
    "cumulative": "a total over several periods (累计, 近五年来…)",
}
AREA_MEANING = {
    "district": "Wuchang District's own",
    "city": "Wuhan's",
    "province": "Hubei Province's",
    "national": "the whole country's",
}
# Scopes that describe the same kind of quantity (over the year) and may share a chart axis.
PERIOD_SCOPES = frozenset({"new", "flow"})

# Words that say what a number measures, with the scope they give. 累计 and its kin dominate their item.
CUMULATIVE_WORDS = ("累计", "近五年来", "五年来")
SCOPE_WORDS: dict[str, str] = {
    **{w: "new" for w in ("新增", "新建", "引进", "落地", "签约", "开工", "竣工", "打通", "建成", "加装", "改造",
                          "上市")},
    **{w: "stock" for w in ("在建项目", "规模", "集聚", "覆盖", "占比", "设置率", "余额")},
    **{w: "flow" for w in ("营收", "收入", "增加值", "生产总值", "支出", "提供", "举办", "扩面", "筹集", "解决",
                           "整治", "成交额", "人数")},
}
# Verbs so general that any more specific word of the item decides first (全年完成固定资产投资: a flow).
WEAK_WORDS: dict[str, str] = {"完成": "flow", "实现": "flow"}
# Verbs that govern their item without saying what it measures (推进…共建项目1362个, 吸纳…3.5万人): reading
# stops there, with no evidence, rather than borrow a word from an earlier, unrelated item.
NEUTRAL_WORDS = ("推进", "推动", "吸纳", "吸引", "促成", "打造", "实施", "形成", "织密", "下放", "带队", "惠及",
                 "组建", "搭建", "发放", "入选", "获评", "攀升", "领跑")
# An item opening with these sets a new topic or time: the walk back reads it and goes no further (未来两年)
# or does not read it at all (聚焦…, 围绕…: a topic, not a governor).
TIME_OPENERS = ("未来", "近五年来")
TOPIC_OPENERS = ("聚焦", "围绕", "坚持")
# Not scope words although they contain one: 规模以上 is a size threshold (规模以上设计企业).
NOT_SCOPE = ("规模以上",)
# 全年 ("in the whole year") makes a number a quantity of the period: new or flow, never a stock.
WHOLE_YEAR = "全年"
# Words of area before a number: 全国碳交易量 is the nation's. Followed by these they name a ranking or a
# title instead (全国百强, 全国首批, 全省(市、区)第一), which says nothing about whose the number is.
AREA_WORDS = {"全国": "national", "全省": "province", "全市": "city", "全区": "district"}
AREA_NOT_FOLLOWED_BY = ("第", "首", "百强", "前列", "(", "\uff08", "典型", "改革", "性")
ITEM_MARKS = ",\uff0c"


@dataclass(frozen=True)
class Evidence:
    scope: str | None  # what the governing words make the number, None when they say nothing
    scope_word: str  # the word that says so ("" when none)
    whole_year: bool  # 全年 governs the number: it is new or flow
    area: str | None
    area_word: str

    def allowed_scopes(self) -> frozenset[str] | None:
        """The scopes the words allow, or None when they say nothing."""
        if self.scope:
            return frozenset({self.scope})
        return PERIOD_SCOPES if self.whole_year else None


def _items(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the list items of a sentence: the spans between its top-level commas."""
    cuts = top_level_cuts(sentence, ITEM_MARKS)
    bounds = [-1, *cuts, len(sentence)]
    return [(a + 1, b) for a, b in itertools.pairwise(bounds)]


def _positions(text: str, words) -> list[tuple[int, str]]:
    return sorted((m.start(), w) for w in words for m in re.finditer(w, text))


def _scope_in(text: str, anchor: int) -> tuple[str | None, str] | None:
    """What the words of one list item say, as (scope, word); scope None for a neutral verb (stop, no
    evidence); None when the item has no such word. ``anchor`` is where the number stands in the item."""
    for word in NOT_SCOPE:
        text = text.replace(word, "\0" * len(word))
    for word in CUMULATIVE_WORDS:
        if word in text:
            return "cumulative", word
    governing = _positions(text, (*SCOPE_WORDS, *NEUTRAL_WORDS))
    before = [(p, w) for p, w in governing if p < anchor]
    if before:  # the verb before the object governs it (解决…问题719个), the earliest one
        word = before[0][1]
        return SCOPE_WORDS.get(word), word
    after = [(p, w) for p, w in governing if p >= anchor and w in SCOPE_WORDS]
    if after:  # the number is the subject (42个项目开工)
        return SCOPE_WORDS[after[0][1]], after[0][1]
    weak = _positions(text, WEAK_WORDS)
    if weak:
        return WEAK_WORDS[weak[0][1]], weak[0][1]
    neutral = [(p, w) for p, w in governing if w in NEUTRAL_WORDS]
    return (None, neutral[0][1]) if neutral else None


def _area_in(text: str, anchor: int) -> tuple[str, str] | None:
    for m in re.finditer("|".join(AREA_WORDS), text[:anchor]):
        if not text[m.end():].startswith(AREA_NOT_FOLLOWED_BY):
            return AREA_WORDS[m.group()], m.group()
    return None


def read_governing(report: Report, start: int, end: int) -> Evidence:
    """What the words governing the span [start, end) of ``report.text`` say about its scope and area."""
    para = report.paragraph_at(start)
    sentence = report.sentence(start, end)
    local = start - para.start - para.text.find(sentence)
    items = _items(sentence)
    own = next(i for i, (a, b) in enumerate(items) if a <= local <= b)
    scope: tuple[str | None, str] | None = None
    area = None
    whole_year = False
    for i in range(own, -1, -1):
        a, b = items[i]
        text = sentence[a:b].lstrip()
        a = b - len(text)
        if i != own and text.startswith(TOPIC_OPENERS):
            break
        anchor = local - a if i == own else len(text)  # an earlier item is read to its end
        whole_year = whole_year or WHOLE_YEAR in text[:anchor]
        scope = _scope_in(text, anchor)
        area = area or _area_in(text, anchor)
        if scope or text.startswith(TIME_OPENERS):
            break
    found_scope, word = scope if scope else (None, "")
    return Evidence(found_scope, word, whole_year, area[0] if area else None, area[1] if area else "")


# -- status: one rule for estimates ----------------------------------------------------------------------------

STATUSES = ("estimate", "reported", "final", "target", "fixed")
STATUS_MEANING = {
    "estimate": "written before the year's statistics were final, whether or not the text says 预计",
    "reported": "a closed year's figure, written after the year's statistics were out",
    "final": "from the final accounts (决算) or a statistical bulletin",
    "target": "set for a year still to come",
    "fixed": "not a statistic of the year: an anniversary or the size of a named set (三大功能区)",
}
# Statistics of a period are out three months after it ends: a year's from March of the next year (the
# district's plan-execution reports of June are "reported"; its work reports of late December and January speak
# of 预计 and are estimates), January–September's from December.
STATISTICS_LAG_MONTHS = 3


def period_years(period: str) -> tuple[int, int]:
    """The first and last year a period names: '2023' → (2023, 2023), 'as of 2023', '2019-2023' → (2019, 2023)."""
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", period)]
    if not years:
        raise ValueError(f"the period {period!r} names no year")
    return years[0], years[-1]


def status_for(first_year: int, last_year: int, written: tuple[int, int], *, last_month: int = 12,
               final_source: bool = False, says_expected: bool = False) -> str:
    """The status a figure must have. ``written`` is (year, month) of the text that states it; the period
    ends in ``last_month`` of ``last_year`` (9 for January–September figures)."""
    if first_year > written[0]:
        return "target"
    months = last_year * 12 + last_month - 1 + STATISTICS_LAG_MONTHS
    if says_expected or written < (months // 12, months % 12 + 1):
        return "estimate"
    return "final" if final_source else "reported"
