"""Named places, projects, organisations and events of a section: the report's own words, each located in
its section by code, so a name that is not in the text fails loudly instead of being shown.

Qualitative claims matter as much as numbers; the innovation and urban-quality chapters list what the review
and the outlook name, by sub-heading and category.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.errors import SourceError
from analysis.report.text import SECTION_BY_KEY, Paragraph, Report, load_report, sentences

# The label of a paragraph without a sub-heading of its own: the section's opening paragraph.
NO_SUBHEADING = "总述 overview"


def subheading_label(paragraph: Paragraph) -> str:
    return paragraph.subheading or NO_SUBHEADING


def subheading_of(quote: str, report: Report | None = None) -> str:
    """The sub-heading (or ``NO_SUBHEADING``) of the paragraph where a quote stands."""
    report = report or load_report()
    return subheading_label(report.paragraphs[report.locate(quote).paragraph])


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


def clip_around(sentence: str, name: str, width: int = 28) -> str:
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
    paragraphs = report.body_paragraphs(key)
    for name, category in names:
        where = next((p for p in paragraphs if name in p.body or name in subheading_label(p)), None)
        if where is None:
            missing.append(name)
            continue
        lead = subheading_label(where)
        sentence = next(s for s in sentences(where.body) if name in s) if name in where.body else lead
        rows.append({"name 名称": name, "category 类别": category, "sub-heading 小标题": lead,
                     "context 原文": clip_around(sentence, name), "¶": where.index + 1})
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
