"""Shared logic of the thematic chapters (innovation, urban quality): indicator sets, the report's own
sub-headings, named places and projects, the review's figures the outlook takes up again, implied bases, and
the charts they need.

Qualitative claims matter as much as numbers. The names below are the report's own words; every one is
located in the text by code, so a name that is not in its section fails loudly instead of being shown. How
checkable the outlook's commitments are is read by analysis.commitments, the book's one classifier of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from analysis.charts import PALETTE, QUALIFIER_STYLE, source_line
from analysis.derive import Derived, Interval, interval
from analysis.errors import SourceError
from analysis.quantities import parse_qualifier
from analysis.source import SECTION_BY_KEY, Report, load_report

INNOVATION_SECTIONS = ("review-2", "outlook-2", "outlook-3")
URBAN_SECTIONS = ("review-3", "outlook-4")

# The national carbon market's average price, yuan per tonne, used to express a volume in tonnes in yuan:
# cumulative turnover over cumulative volume to the end of 2023, summed from two published statements.


@dataclass(frozen=True)
class CarbonPriceInput:
    """One published statement of the national carbon market's (全国碳市场, allowances CEA) trading."""

    period: str  # what the totals cover
    turnover_yuan: float  # 成交额, yuan
    volume_tonnes: float  # 成交量, tonnes
    document: str  # the statement, as it names itself
    url: str  # where it is reproduced
    note: str = ""


CARBON_CLOSE_2023 = 79.42  # 元/吨, the 2023 year-end closing price, from the second statement below
CARBON_PRICE_SOURCE: tuple[CarbonPriceInput, ...] = (
    CarbonPriceInput("from the market's opening to 2022-12-28 (cumulative)", 10_447_885_698.39, 229_127_782,
                     "全国碳排放权交易市场清结算信息日报 (clearing daily report), 2022-12-28",
                     "https://3060edu.com/linxia_tzgg/319.html"),
    CarbonPriceInput("the year 2023", 144.44e8, 2.12e8, "full-year 2023 totals of the national carbon market",
                     "http://greenhousegog.com/info/1013/8404.htm", f"year-end close {CARBON_CLOSE_2023}元/吨"),
)

def carbon_price_default(inputs: Sequence[CarbonPriceInput] = CARBON_PRICE_SOURCE) -> float:
    """Average price to the end of 2023, yuan per tonne: summed turnover / summed volume.

    The last trading days of 2022 fall between the two statements and are in neither sum.
    """
    return sum(i.turnover_yuan for i in inputs) / sum(i.volume_tonnes for i in inputs)


def carbon_price_table(inputs: Sequence[CarbonPriceInput] = CARBON_PRICE_SOURCE) -> pd.DataFrame:
    """The statements behind the default price, with their totals in 亿元 and 亿吨 and their addresses."""
    rows = [{"period": i.period, "turnover 成交额, 亿元": f"{i.turnover_yuan / 1e8:,.2f}",
             "volume 成交量, 亿吨": f"{i.volume_tonnes / 1e8:,.2f}",
             "average 元/吨": f"{i.turnover_yuan / i.volume_tonnes:,.2f}",
             "source 来源": f"{i.document}" + (f"; {i.note}" if i.note else "") + f"\n{i.url}"} for i in inputs]
    total_t = sum(i.turnover_yuan for i in inputs)
    total_v = sum(i.volume_tonnes for i in inputs)
    rows.append({"period": "together: to the end of 2023", "turnover 成交额, 亿元": f"{total_t / 1e8:,.2f}",
                 "volume 成交量, 亿吨": f"{total_v / 1e8:,.2f}", "average 元/吨": f"{total_t / total_v:,.2f}",
                 "source 来源": "sum of the rows above (the last trading days of 2022 are in neither)"})
    return pd.DataFrame(rows)


# -- indicator sets -------------------------------------------------------------------------------------------


def indicator_set(ind: pd.DataFrame, sections: Iterable[str], *, kinds: Iterable[str] | None = None,
                  units: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[str]:
    """Ids of the indicators of some sections (optionally of some kinds/units), in the report's order."""
    sub = ind[ind["section_key"].isin(list(sections))]
    if kinds is not None:
        sub = sub[sub["kind"].isin(list(kinds))]
    if units is not None:
        sub = sub[sub["unit"].isin(list(units))]
    sub = sub[~sub.index.isin(list(exclude))]
    return list(sub.sort_values("offset").index)


# -- the report's own structure: sub-headings and sentences ----------------------------------------------------

LEAD_MAX_CHARS = 12  # a paragraph's lead phrase ("数字经济成形起步。") is short; body sentences are longer
OVERVIEW = "总述 overview"
SENTENCE = re.compile(r"[^。;;]+[。;;]?")


@dataclass(frozen=True)
class Part:
    section: str
    paragraph: int  # 1-based, as the indicator tables count
    lead: str  # the paragraph's sub-heading, or OVERVIEW for the section's opening paragraph
    body: str  # the paragraph without its lead


def split_lead(text: str) -> tuple[str, str]:
    """A paragraph's lead phrase and the rest: '数字经济成形起步。聚焦…' → ('数字经济成形起步', '聚焦…')."""
    head, sep, rest = text.partition("。")
    if sep and len(head) <= LEAD_MAX_CHARS and not any(c in head for c in ",,、“"):
        return head, rest
    return OVERVIEW, text


def parts(key: str, report: Report | None = None) -> list[Part]:
    """The body paragraphs of a section with their lead phrases."""
    report = report or load_report()
    out = []
    for p in report.paragraphs:
        if p.section == key and p.role == "body":
            lead, body = split_lead(p.text)
            out.append(Part(key, p.index + 1, lead, body))
    if not out:
        raise SourceError(f"section {key!r} has no body paragraphs")
    return out


def lead_of(quote: str, report: Report | None = None) -> str:
    """The sub-heading of the paragraph where a quote stands."""
    report = report or load_report()
    para = report.paragraphs[report.locate(quote).paragraph]
    return split_lead(para.text)[0]


def sentences(text: str) -> list[str]:
    """Sentences ending at 。 or ;, stripped, empty ones dropped."""
    return [s.strip() for s in SENTENCE.findall(text) if re.sub(r"[\s。;;]", "", s)]


# -- named places, projects and organisations ------------------------------------------------------------------

PLACE, BUILDING, PROJECT, ORG, PLATFORM, EVENT = (
    "place 地点/片区", "building or park 楼宇/园区", "project or infrastructure 项目/设施", "organisation 机构/企业",
    "platform or brand 平台/品牌", "event 活动")
CATEGORIES = (PLACE, BUILDING, PROJECT, ORG, PLATFORM, EVENT)

# The report's own words, per section. Each is checked against the section's text by ``named_entities``.
NAMED: dict[str, tuple[tuple[str, str], ...]] = {
    "review-2": (
        ("黄鹤楼星空计划", PLATFORM), ("一谷一廊多带", PLACE), ("武汉数创大厦", BUILDING), ("曦光大厦", BUILDING),
        ("滨江数创走廊", PLACE), ("徐东大街", PLACE), ("中科、武大智谷", PROJECT), ("小洪山科学城", PROJECT),
        ("珞珈山创新港", PROJECT), ("斗转科园", BUILDING), ("湖北北斗卫星技术应用协会", ORG), ("长江北斗", ORG),
        ("云成卫星", ORG), ("武汉双碳产业研究院", ORG), ("首义论碳", PLATFORM), ("埃文低碳", ORG), ("天顺集团", ORG),
        ("武碳通", PLATFORM), ("武汉碳普惠管理中心", ORG), ("武碳江湖", PLATFORM), ("碳金融园区巡回审判法庭", ORG),
        ("华创会", EVENT), ("台湾周碳金融论坛", EVENT), ("招商银行绿色支行", BUILDING),
        ("绿色智能船舶产业集聚区", PLACE), ("湖北长江船舶供应链公司", ORG), ("湖北中医药大学", ORG),
        ("湖北珍稀实验室", ORG), ("院士之家", PLATFORM), ("博士联盟", PLATFORM),
    ),
    "outlook-2": (
        ("北斗产业发展基金", PROJECT), ("滨江数创走廊", PLACE), ("武汉数创大厦二期", BUILDING), ("徐东大街", PLACE),
        ("中科、武大智谷", PROJECT), ("湖北省北斗卫星技术应用协会", ORG), ("武汉数据智能研究院", ORG),
        ("武昌智算中心", PROJECT), ("黄鹤楼星空数创大赛", EVENT),
    ),
    "outlook-3": (
        ("中碳登", ORG), ("湖北碳交中心", ORG), ("碳市场价格指数", PLATFORM), ("武汉碳清算所", ORG),
        ("曦光大厦", BUILDING), ("沙湖", PLACE), ("国家绿色金融改革示范区", PLACE), ("武碳通", PLATFORM),
        ("中国碳市场大会", EVENT), ("首义论碳", PLATFORM),
    ),
    "review-3": (
        ("和平大道南延段", PROJECT), ("华中最大的地下环路", PROJECT), ("交职院", PLACE), ("小湖口村", PLACE),
        ("滨江商务区", PLACE), ("长江沿岸铁路公园", BUILDING), ("劲牌集团", ORG), ("武九综合管廊", PROJECT),
        ("华中金融城", PLACE), ("联投中岳大厦", BUILDING), ("高投资资本大厦", BUILDING), ("长投生态中心", BUILDING),
        ("武昌古城遗址公园", BUILDING), ("昙华林街区", PLACE), ("轨道交通11、12号线", PROJECT), ("长江武昌段", PLACE),
        ("外沙湖", PLACE), ("内沙湖", PLACE), ("晒湖", PLACE), ("四美塘铁路遗址文化公园", BUILDING),
        ("武九生态长廊", BUILDING),
    ),
    "outlook-4": (
        ("长江国家博物馆", PROJECT), ("滨江地下空间环路", PROJECT), ("劲牌集团第二总部", PROJECT),
        ("长江中心", PROJECT), ("华中金融城", PLACE), ("武昌古城", PLACE), ("三道街", PLACE), ("蛇山北坡", PLACE),
        ("斗级营", PLACE), ("白沙", PLACE), ("杨园", PLACE), ("交运协同创新基地", PROJECT),
        ("得胜桥千年古陆路网", PROJECT), ("武昌湾路网", PROJECT), ("武昌火车站", PLACE),
        ("国家生态文明建设示范区", PLATFORM),
    ),
}


def _clip(sentence: str, name: str, width: int = 28) -> str:
    """The words around a name, so a table row stays short."""
    i = sentence.find(name)
    left, right = max(0, i - width), min(len(sentence), i + len(name) + width)
    return ("…" if left else "") + sentence[left:right] + ("…" if right < len(sentence) else "")


def named_entities(key: str, report: Report | None = None,
                   names: Sequence[tuple[str, str]] | None = None) -> pd.DataFrame:
    """The named places, projects and organisations of a section, each with its sub-heading and context.

    Raises SourceError for a name that is not in the section, so the list cannot drift from the text.
    """
    report = report or load_report()
    names = NAMED.get(key, ()) if names is None else names
    rows, missing = [], []
    section_parts = parts(key, report)
    for name, category in names:
        where = next((p for p in section_parts if name in p.body or name in p.lead), None)
        if where is None:
            missing.append(name)
            continue
        sentence = next(s for s in sentences(where.body) if name in s) if name in where.body else where.lead
        rows.append({"name 名称": name, "category 类别": category, "sub-heading 小标题": where.lead,
                     "context 原文": _clip(sentence, name), "¶": where.paragraph})
    if missing:
        raise SourceError(f"section {SECTION_BY_KEY[key].heading}: names not in its text: {', '.join(missing)}")
    return pd.DataFrame(rows, columns=["name 名称", "category 类别", "sub-heading 小标题", "context 原文", "¶"])


def named_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """The named entities of ``named_entities`` grouped: one row per sub-heading and category."""
    grouped = frame.groupby(["¶", "sub-heading 小标题", "category 类别"], sort=False)["name 名称"].agg("; ".join)
    out = grouped.reset_index().rename(columns={"name 名称": "names 名称"})
    out["category 类别"] = pd.Categorical(out["category 类别"], categories=list(CATEGORIES), ordered=True)
    out = out.sort_values(["¶", "category 类别"]).reset_index(drop=True)
    out["category 类别"] = out["category 类别"].astype(str)
    return out[["sub-heading 小标题", "category 类别", "names 名称", "¶"]]


# -- the outlook: which of the review's figures return ----------------------------------------------------

# How checkable each outlook commitment is, is not decided here: analysis.commitments holds the book's one
# segmentation and classifier, and the chapters count with its ``select`` and ``checkability``.

# Verbs that open an indicator's Chinese name ("新建微循环道路"): what remains is the thing built, the topic.
ACTION_PREFIXES = ("新建", "新增", "打通", "整治", "加装", "完成", "建成")
# Topics for names that do not reduce well (a rank, a share, a class): the word the outlook would use.
TOPICS: dict[str, str] = {
    "top100_new_district_rank_2023": "百强新区", "digital_focus_directions": "主攻方向",
    "digital_industry_space": "徐东大街", "digital_core_enterprises": "数字经济核心企业",
    "xiaohongshan_science_city_progress": "小洪山", "carbon_institutions_attracted": "涉碳",
    "carbon_trading_volume_cumulative": "碳交易", "carbon_clearing_cumulative": "碳清算",
    "wutantong_projects_first_batch": "武碳通", "academician_projects_2023": "院士",
    "phd_startup_projects_2023": "博士",
    "tech_contract_value_2023": "技术合同", "tech_contract_value_multiple_2023": "技术合同",
    "tech_smes_registered_2023": "科技型中小企业", "tech_smes_registered_multiple_2023": "科技型中小企业",
    "specialised_smes_2023": "专精特新", "gazelle_enterprises_2023": "瞪羚",
    "renewal_unit_plans_2023": "更新单元", "sponge_city_area_2023": "海绵城市",
    "waterlogging_points_fixed_2023": "易涝",
    "pipe_misconnections_fixed_2023": "管网", "complete_community_pilots_2023": "完整社区",
    "old_compounds_renovated_2023": "老旧小区", "elevators_installed_2023": "电梯",
    "elevators_share_wuhan_2023": "电梯",
    "yangtze_water_quality_class_2023": "水环境", "beautiful_lakes_rank_2023": "美丽河湖",
}


def topic(key: str, name_zh: str) -> str:
    """The thing an indicator counts, as the outlook would name it: 新增停车位 → 停车位."""
    if key in TOPICS:
        return TOPICS[key]
    for prefix in ACTION_PREFIXES:
        if name_zh.startswith(prefix) and len(name_zh) > len(prefix) + 1:
            return name_zh[len(prefix):]
    return name_zh


CARRIED = ("again, with a number 再提且有数字", "again, without a number 再提无数字", "not named again 未再提")


def carried_forward(ind: pd.DataFrame, ids: Iterable[str], outlook_keys: Sequence[str],
                    report: Report | None = None) -> pd.DataFrame:
    """For each reviewed indicator: does the outlook name its topic again, and with a number of its own?"""
    report = report or load_report()
    text = "\n".join(report.section_text(k) for k in outlook_keys)
    targets = ind[ind["section_key"].isin(list(outlook_keys))]
    rows = []
    for key in ids:
        row = ind.loc[key]
        t = topic(key, row["name_zh"])
        sentence = next((s for s in sentences(text) if t in s), "")
        if not sentence:
            status = CARRIED[2]
        else:
            # a number of its own: an outlook figure in the same sentence whose name is about the same topic
            own = targets[[q in sentence and t in n for q, n in zip(targets["quote"], targets["name_zh"], strict=True)]]
            status = CARRIED[0] if len(own) else CARRIED[1]
        rows.append({"2023 figure 2023年数字": f"{row['name_zh']} {row['display']}", "topic 主题": t,
                     "in the outlook 展望": status, "outlook words 展望原文": _clip(sentence, t) if sentence else "",
                     "id": key})
    return pd.DataFrame(rows)


# -- derived figures beyond analysis.derive ----------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate(Derived):
    """A derived figure that rests on an assumption (a parameter), which its reading says."""

    assumption: str = ""

    @property
    def reading(self) -> str:
        base = Derived.reading.fget(self)
        if base.startswith("exact"):
            return f"estimate (rests on {self.assumption})"
        return f"{base}; an estimate resting on {self.assumption}"


def _assumptions(*figures: Derived) -> str:
    return "; ".join(dict.fromkeys(f.assumption for f in figures if isinstance(f, Estimate)))


def indicator_as_derived(ind: pd.DataFrame, key: str, *, unit_factor: float, unit: str) -> Derived:
    """An indicator in display units, as a Derived, so it can enter further arithmetic with its bounds."""
    row = ind.loc[key]
    iv = interval(row["value"], row["qualifier"]).scale(1 / unit_factor)
    return Derived(key, row["name_en"], row["name_zh"], row["value"] / unit_factor, unit, row["quote"], iv, (key,))


def times_assumption(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, level: str, factor: float, *,
                     unit_factor: float, unit: str, formula: str, assumption: str) -> Estimate:
    """An indicator times an assumed factor (a price): the bounds follow the indicator's qualifier only."""
    row = ind.loc[level]
    value = row["value"] * factor / unit_factor
    bounds = interval(row["value"], row["qualifier"]).scale(factor / unit_factor)
    return Estimate(key, name_en, name_zh, value, unit, formula, bounds, (level,), assumption)


def quotient(key: str, name_en: str, name_zh: str, num: Derived, den: Derived, *, scale: float = 1.0,
             unit: str, formula: str) -> Derived:
    """``scale · num / den`` of two derived figures, bounds by interval arithmetic."""
    bounds = (num.bounds / den.bounds).scale(scale)
    args = (key, name_en, name_zh, scale * num.value / den.value, unit, formula, bounds,
            tuple(dict.fromkeys(num.inputs + den.inputs)))
    assumption = _assumptions(num, den)
    return Estimate(*args, assumption) if assumption else Derived(*args)


def difference(key: str, name_en: str, name_zh: str, a: Derived, b: Derived, *, unit: str,
               formula: str) -> Derived:
    """``a − b`` with bounds (a.lo − b.hi, a.hi − b.lo)."""
    bounds = Interval(a.bounds.lo - b.bounds.hi, a.bounds.hi - b.bounds.lo)
    args = (key, name_en, name_zh, a.value - b.value, unit, formula, bounds, tuple(dict.fromkeys(a.inputs + b.inputs)))
    assumption = _assumptions(a, b)
    return Estimate(*args, assumption) if assumption else Derived(*args)


def class_range(value: float, qualifier: str) -> tuple[int, int]:
    """Water-quality classes (地表水 Ⅰ best … Ⅴ worst) a stated class allows, as (best, worst).

    "Ⅱ类以上" means class Ⅱ *or better*, i.e. Ⅰ–Ⅱ: for classes "above" points to the lower numeral.
    """
    quals = parse_qualifier(qualifier) - {"expected"}
    cls = round(value)
    if not 1 <= cls <= 5:
        raise ValueError(f"water-quality class {value!r} is outside Ⅰ–Ⅴ")
    if quals & {"over", "at_least"}:
        return 1, cls
    return cls, cls


# -- charts ----------------------------------------------------------------------------------------------------


def two_line_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Chart labels as Chinese name over English name, so long names need no truncation (see ``two_line``)."""
    out = frame.copy()
    out["label"] = out["name_zh"] + "\n" + out["name_en"]
    return out


def two_line(chart: alt.TopLevelMixin, step: int = 36) -> alt.TopLevelMixin:
    """Draw y-axis labels written as "中文\nEnglish" on two lines, with room for both."""
    return chart.properties(height=alt.Step(step)).configure_axisY(labelExpr="split(datum.label, '\\n')",
                                                                   labelLimit=420, labelLineHeight=13)

ROMAN = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ")
# The national standard the report's water classes refer to (its classes Ⅰ–Ⅴ; Ⅰ is the cleanest).
WATER_STANDARD = ("《地表水环境质量标准》GB 3838-2002 (Environmental quality standards for surface water), "
                  "which grades surface water from class Ⅰ (best) to class Ⅴ (worst)")


def _title(title: str, sections: Sequence[str], *notes: str) -> alt.TitleParams:
    return alt.TitleParams(title, subtitle=[*notes, source_line(*sections)])


def base_level_frame(pairs: Sequence[tuple[Derived, pd.Series, str]]) -> pd.DataFrame:
    """Rows for ``base_level_chart``: for each (implied base, reported level, display unit), two bars."""
    rows = []
    for base, level, unit in pairs:
        label = f"{level['name_zh']} ({unit})"
        shown = level["value"] / (1e8 if unit == "亿元" else 1)
        rows.append({"indicator": label, "year": "2022 implied 推算", "value": base.value, "lo": base.bounds.lo,
                     "hi": base.bounds.hi, "basis": base.formula, "reading": base.reading})
        rows.append({"indicator": label, "year": "2023 reported 报告", "value": shown, "lo": None, "hi": None,
                     "basis": f"“{level['quote']}”", "reading": "stated"})
    return pd.DataFrame(rows)


def base_level_chart(frame: pd.DataFrame, title: str, sections: Sequence[str], note: str) -> alt.FacetChart:
    """Implied previous-year base beside the reported level, one panel per indicator (own scale each)."""
    tooltip = [alt.Tooltip("indicator:N"), alt.Tooltip("year:N"), alt.Tooltip("value:Q", format=",.1f"),
               alt.Tooltip("lo:Q", title="low", format=",.1f"), alt.Tooltip("hi:Q", title="high", format=",.1f"),
               alt.Tooltip("basis:N", title="basis 依据"), alt.Tooltip("reading:N", title="what it allows")]
    base = alt.Chart().encode(x=alt.X("year:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
                              tooltip=tooltip)
    bars = base.mark_bar(width=46).encode(
        y=alt.Y("value:Q", title=None),
        color=alt.Color("year:N", legend=None, scale=alt.Scale(range=[PALETTE[5], PALETTE[0]])))
    whisk = base.mark_errorbar(ticks=True, color=PALETTE[1], thickness=2).encode(
        y=alt.Y("lo:Q", title=None), y2="hi:Q")
    text = base.mark_text(dy=-8, fontSize=11).encode(y="top:Q", text=alt.Text("value:Q", format=",.0f")
                                                     ).transform_calculate(top="max(datum.value, datum.hi || 0)")
    return alt.layer(bars, whisk, text, data=frame).properties(width=200, height=220).facet(
        column=alt.Column("indicator:N", title=None, header=alt.Header(labelFontSize=12)),
    ).resolve_scale(y="independent").properties(title=_title(title, sections, note))


SCOPE_COLOURS = {"district 武昌区 · annual 年度": PALETTE[0],
                 "national market 全国碳市场 · cumulative 累计": PALETTE[1]}
ESTIMATE = ("estimate", 0.45, "square", "estimate 估算 (volume × assumed price)")


def scope_bars(frame: pd.DataFrame, title: str, sections: Sequence[str], axis_title: str,
               notes: Sequence[str] = (), width: int = 460) -> alt.LayerChart:
    """Bars coloured by scope (district-annual vs national-cumulative), with qualifier end markers.

    ``frame`` needs label, shown, phrase, qualifier (a report qualifier or 'estimate'), scope, basis.
    """
    data = frame.copy()
    styles = {**{q: (s[0], s[1], s[2]) for q, s in QUALIFIER_STYLE.items()}, ESTIMATE[0]: ESTIMATE[1:]}
    data["qual_base"] = [next((p for p in q.split("+") if p != "expected"), "exact") for q in data["qualifier"]]
    data["opacity"] = data["qual_base"].map(lambda q: styles[q][0])
    data["legend"] = data["qual_base"].map(lambda q: styles[q][2])
    present = [q for q in styles if q in set(data["qual_base"])]
    shapes = [styles[q][1] if styles[q][1] != "stroke" else "M-1,-1L1,-1L1,1L-1,1Z" for q in present]
    tooltip = [alt.Tooltip("label:N", title="figure"), alt.Tooltip("phrase:N", title="report says / estimate"),
               alt.Tooltip("scope:N"), alt.Tooltip("qualifier:N"), alt.Tooltip("basis:N", title="quote or formula")]
    y = alt.Y("label:N", sort=list(data["label"]), title=None)
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=18).encode(
        x=alt.X("shown:Q", title=axis_title),
        color=alt.Color("scope:N", title="scope 口径", scale=alt.Scale(domain=list(SCOPE_COLOURS),
                                                                     range=list(SCOPE_COLOURS.values())),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        opacity=alt.Opacity("opacity:Q", legend=None, scale=None))
    ends = base.mark_point(filled=True, size=110, color="#333333").encode(
        x="shown:Q", shape=alt.Shape("legend:N", title="qualifier", scale=alt.Scale(
            domain=[styles[q][2] for q in present], range=shapes),
            legend=alt.Legend(orient="bottom", direction="vertical")))
    labels = base.mark_text(align="left", dx=9, fontSize=11, color="#333333").encode(x="shown:Q", text="phrase:N")
    return alt.layer(bars, ends, labels).resolve_legend(shape="independent", color="independent").properties(
        width=width, height=alt.Step(30), title=_title(title, sections, *notes))


def log_count_bars(frame: pd.DataFrame, title: str, sections: Sequence[str], axis_title: str, *, log: bool = True,
                   width: int = 440) -> alt.LayerChart:
    """Counts of very different size (5 roads, 13000 parking spaces) on a log axis, coloured by sub-heading.

    ``frame`` needs label, shown, phrase, qualifier, quote, group. Inexact values get the same end markers
    as ``analysis.charts.qualified_bars``.
    """
    data = frame.copy()
    data["qual_base"] = [next((p for p in q.split("+") if p != "expected"), "exact") for q in data["qualifier"]]
    data["marker"] = data["qual_base"].map(lambda q: QUALIFIER_STYLE[q][2])
    scale = alt.Scale(type="log", domainMin=1) if log else alt.Scale()
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=list(data["label"]), title=None),
        tooltip=[alt.Tooltip("label:N", title="indicator"), alt.Tooltip("phrase:N", title="report says"),
                 alt.Tooltip("group:N", title="sub-heading 小标题"), alt.Tooltip("marker:N", title="qualifier"),
                 alt.Tooltip("quote:N")])
    groups = list(dict.fromkeys(data["group"]))
    bars = base.mark_bar(height=16).encode(
        x=alt.X("shown:Q", title=axis_title + (" (log scale 对数轴)" if log else ""), scale=scale),
        x2=alt.X2(datum=1) if log else alt.X2(datum=0),
        color=alt.Color("group:N", title="sub-heading 小标题", scale=alt.Scale(domain=groups, range=PALETTE),
                        legend=alt.Legend(orient="bottom", direction="vertical")))
    labels = base.mark_text(align="left", dx=4, fontSize=11, color="#333333").encode(x="shown:Q", text="phrase:N")
    layers = [bars, labels]
    inexact = data[data["qual_base"] != "exact"]
    if len(inexact):
        layers.append(alt.Chart(inexact).mark_point(filled=True, size=90, color=PALETTE[1], shape="triangle-right")
                      .encode(y=alt.Y("label:N", sort=list(data["label"])), x="shown:Q",
                              tooltip=[alt.Tooltip("marker:N", title="qualifier")]))
    return alt.layer(*layers).properties(width=width, height=alt.Step(24), title=_title(title, sections))


def share_split_chart(part: Derived | pd.Series, total: Derived, part_label: str, rest_label: str, title: str,
                      sections: Sequence[str], unit: str, note: str) -> alt.LayerChart:
    """One stacked bar: the district's part and the rest of an implied total, with the total's range."""
    part_value = float(part["value"]) if isinstance(part, pd.Series) else part.value
    data = pd.DataFrame({
        "bar": [total.name_zh] * 2,
        "piece": [part_label, rest_label],
        "value": [part_value, total.value - part_value],
        "start": [0.0, part_value],
        "end": [part_value, total.value],
        "basis": [f"“{part['quote']}”" if isinstance(part, pd.Series) else part.formula,
                  f"{total.formula} − {part_label}"],
    })
    tip = [alt.Tooltip("piece:N"), alt.Tooltip("value:Q", format=",.0f", title=unit), alt.Tooltip("basis:N")]
    bars = alt.Chart(data).mark_bar(height=34).encode(
        y=alt.Y("bar:N", title=None), x=alt.X("start:Q", title=unit), x2="end:Q",
        color=alt.Color("piece:N", title=None, sort=[part_label, rest_label],
                        scale=alt.Scale(range=[PALETTE[0], "#b9c7d3"]),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=tip)
    text = alt.Chart(data).mark_text(color="white", fontSize=12, fontWeight="bold").encode(
        y="bar:N", x=alt.X("mid:Q"), text=alt.Text("value:Q", format=",.0f"), tooltip=tip,
    ).transform_calculate(mid="(datum.start + datum.end) / 2")
    rng = pd.DataFrame({"bar": [total.name_zh], "lo": [total.bounds.lo], "hi": [total.bounds.hi],
                        "reading": [total.reading]})
    whisk = alt.Chart(rng).mark_errorbar(ticks=alt.MarkConfig(size=44), color=PALETTE[1], thickness=2).encode(
        y="bar:N", x=alt.X("lo:Q", title=unit), x2="hi:Q",
        tooltip=[alt.Tooltip("lo:Q", format=",.1f", title="low"), alt.Tooltip("hi:Q", format=",.1f", title="high"),
                 alt.Tooltip("reading:N", title="what it allows")])
    return alt.layer(bars, text, whisk).properties(width=460, height=60, title=_title(title, sections, note))


def water_class_frame(ind: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    rows = []
    for key in ids:
        row = ind.loc[key]
        best, worst = class_range(row["value"], row["qualifier"])
        rows.append({"label": f"{row['name_zh']} ({row['period']})\n{row['name_en']}", "best": best,
                     "worst": worst, "allowed": f"{ROMAN[best - 1]}–{ROMAN[worst - 1]}" if best < worst
                     else ROMAN[best - 1], "phrase": row["display"], "quote": row["quote"], "kind": row["kind"]})
    return pd.DataFrame(rows)


def water_class_chart(frame: pd.DataFrame, title: str, sections: Sequence[str], note: str) -> alt.LayerChart:
    """Classes Ⅰ (best) to Ⅴ (worst): a dot for a stated class, a band for the classes a target allows."""
    axis = alt.Axis(values=[1, 2, 3, 4, 5], labelExpr="['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ', 'Ⅴ'][datum.value]",
                    title="water-quality class 水质类别 (Ⅰ best → Ⅴ worst)", grid=True)
    tooltip = [alt.Tooltip("label:N", title="water"), alt.Tooltip("phrase:N", title="report says"),
               alt.Tooltip("allowed:N", title="classes allowed"), alt.Tooltip("quote:N")]
    base = alt.Chart(frame).encode(y=alt.Y("label:N", sort=list(frame["label"]), title=None), tooltip=tooltip)
    band = base.mark_bar(height=14, opacity=0.35, color=PALETTE[2]).encode(
        x=alt.X("lo:Q", scale=alt.Scale(domain=[0.6, 5.4]), axis=axis), x2="hi:Q"
    ).transform_calculate(lo="datum.best - 0.4", hi="datum.worst + 0.4")
    dots = base.mark_point(filled=True, size=140, color=PALETTE[0]).encode(
        x="worst:Q", shape=alt.Shape("kind:N", title=None, scale=alt.Scale(
            domain=["level", "target"], range=["circle", "diamond"]),
            legend=alt.Legend(orient="bottom", labelExpr="datum.label == 'level' ? 'reported 2023 实绩' : "
                                                          "'target 2024 目标 (worst class allowed)'")))
    return alt.layer(band, dots).properties(width=420, height=alt.Step(34), title=_title(
        title, sections, note))


__all__ = [
    "CARBON_CLOSE_2023",
    "CARBON_PRICE_SOURCE",
    "CARRIED",
    "INNOVATION_SECTIONS",
    "NAMED",
    "OVERVIEW",
    "URBAN_SECTIONS",
    "WATER_STANDARD",
    "CarbonPriceInput",
    "Estimate",
    "base_level_chart",
    "base_level_frame",
    "carbon_price_default",
    "carbon_price_table",
    "carried_forward",
    "class_range",
    "difference",
    "indicator_as_derived",
    "indicator_set",
    "lead_of",
    "log_count_bars",
    "named_entities",
    "named_summary",
    "parts",
    "quotient",
    "scope_bars",
    "sentences",
    "share_split_chart",
    "split_lead",
    "times_assumption",
    "topic",
    "two_line",
    "two_line_labels",
    "water_class_chart",
    "water_class_frame",
]
