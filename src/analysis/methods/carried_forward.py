"""Which of the review's 2023 figures the outlook for 2024 takes up again, and whether with a number of its own.

A figure's topic is the thing it counts, as the outlook would name it (新增停车位 → 停车位); the outlook
"takes it up" when a sentence of the given outlook sections names that topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.methods.named import clip_around
from analysis.report.text import Report, load_report, sentences

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
                     "in the outlook 展望": status,
                     "outlook words 展望原文": clip_around(sentence, t) if sentence else "",
                     "id": key})
    return pd.DataFrame(rows)
