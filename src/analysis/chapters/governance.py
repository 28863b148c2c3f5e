"""Chapter 05, governance: the domains of the report's statements on grass-roots governance and a
service-oriented government (by keyword, first match wins)."""

from __future__ import annotations

GOVERNANCE_DOMAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("livelihood projects 民生实事", ("民生实事", "主题教育")),
    ("capacity 能力效能", ("培训", "能力", "一网统管", "督查", "考核")),
    ("services for firms 营商服务", ("企业", "民营", "国企", "政企", "市场", "员工", "三岗")),
    ("integrity & initiative 担当廉政", ("廉政", "八项规定", "四风", "审计", "紧日子", "不担当", "不作为", "干事创业",
                                        "敢想", "风清气正")),
    ("rule of law 法治监督", ("法定", "法治", "监督", "执法", "公开", "审管")),
    ("grass-roots governance 基层治理", ("治理", "共同缔造", "社区", "小区", "街道", "党建", "党组织", "党员",
                                         "下沉", "群众", "议事", "驿站", "典型案例", "物业", "群团", "共建", "问题",
                                         "电梯", "民族团结", "枫桥", "矛盾", "资源", "体制机制")),
)
