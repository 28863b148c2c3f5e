"""Tests of analysis.methods.named and analysis.methods.carried_forward: the report's own sub-headings, the named
places and projects the innovation and urban chapters list, and the review's figures the outlook takes up again."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chapters import innovation, urban_quality
from analysis.datasets.indicators import load_indicators
from analysis.errors import SourceError
from analysis.methods import carried_forward as cf
from analysis.methods import named


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return load_indicators()


# -- the report's structure: sub-headings ------------------------------------------------------------------------


def test_body_paragraphs_are_labelled_by_the_reports_sub_headings(report):
    assert [named.subheading_label(p) for p in report.body_paragraphs("review-2")] == [
        named.NO_SUBHEADING, "数字经济成形起步", "双碳产业抢滩布局", "创新活力竞相迸发"]
    assert [named.subheading_label(p) for p in report.body_paragraphs("outlook-4")] == ["有序实施城市更新",
                                                                                        "持续改善城区面貌"]


def test_subheading_of_a_quote(ind):
    assert named.subheading_of(ind.loc["charging_piles_new_2023", "quote"]) == "基础设施不断完善"


# -- named places, projects and organisations --------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(named.NAMED))
def test_every_named_entity_is_in_its_section(key):
    frame = named.named_entities(key)
    assert len(frame) == len(named.NAMED[key])
    assert set(frame["category 类别"]) <= set(named.CATEGORIES)
    assert all(name.strip("…") for name in frame["context 原文"])


def test_a_name_not_in_the_section_fails():
    with pytest.raises(SourceError, match="不存在的大厦"):
        named.named_entities("review-2", names=[("不存在的大厦", named.BUILDING)])


def test_named_summary_groups_without_losing_names():
    frame = named.named_entities("review-3")
    summary = named.named_summary(frame)
    names = [n for cell in summary["names 名称"] for n in cell.split("; ")]
    assert sorted(names) == sorted(frame["name 名称"])


@pytest.mark.parametrize("module", [named, cf, innovation, urban_quality])
def test_the_thematic_modules_hold_no_classifier_of_commitments(module):
    """analysis.methods.commitments is the book's one classifier; a second one gave the urban chapter other counts."""
    for name in ("classify", "commitments", "commitment_chart", "LEVELS", "MILESTONE_VERBS"):
        assert not hasattr(module, name), name


# -- the outlook: which of the review's figures return -----------------------------------------------------------


def test_carried_forward(ind):
    urban = cf.carried_forward(ind, ["charging_piles_new_2023", "elevators_installed_2023",
                                     "yangtze_water_quality_class_2023"], ["outlook-4"]).set_index("id")
    assert urban.loc["charging_piles_new_2023", "in the outlook 展望"] == cf.CARRIED[1]
    assert urban.loc["elevators_installed_2023", "in the outlook 展望"] == cf.CARRIED[2]
    assert urban.loc["yangtze_water_quality_class_2023", "in the outlook 展望"] == cf.CARRIED[0]
    carbon = cf.carried_forward(ind, ["carbon_clearing_cumulative", "low_carbon_scenarios_2023"],
                                ["outlook-2", "outlook-3"]).set_index("id")
    # the clearing sentence holds "五个方向", a number about something else: not a target for clearing
    assert carbon.loc["carbon_clearing_cumulative", "in the outlook 展望"] == cf.CARRIED[1]
    assert carbon.loc["low_carbon_scenarios_2023", "in the outlook 展望"] == cf.CARRIED[0]
