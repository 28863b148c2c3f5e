"""Wuhan's districts beside Wuchang: every census count on at most one polygon, never silently misplaced; a
density only where the census area is the whole district; the report's claim judged on what was found."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from analysis.datasets.wuhan_districts import POLYGONS, load_wuhan_districts, validate_wuhan_districts
from analysis.paths import WUHAN_DISTRICTS


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(WUHAN_DISTRICTS.read_text(encoding="utf-8"))))


def _write(tmp_path, rows: list[dict[str, str]]):
    path = tmp_path / "wuhan_districts.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_data_place_every_polygon_once_and_print_every_figure():
    assert validate_wuhan_districts() == []
    rows = load_wuhan_districts()
    census = rows[rows["indicator"] == "census_pop"]
    assert sorted(census.loc[census["adcode"].isin(POLYGONS), "adcode"]) == sorted(POLYGONS)
    zones = census[census["coverage"] == "functional zone"]
    assert set(zones["area"]) == {"东湖高新", "东湖风景", "武汉经开"} and (zones["adcode"] == "").all()
    # the 15 census areas (汉南 is a line inside 武汉经开) add up to the city's count
    city = census.loc[census["coverage"] == "city", "value"].iloc[0]
    assert census.loc[~census["area"].isin(["全市", "汉南"]), "value"].sum() == city


@pytest.mark.parametrize(("change", "says"), [
    (lambda rows: rows.pop(next(i for i, r in enumerate(rows) if r["area"] == "江汉")), "polygon 420103 has 0"),
    (lambda rows: rows[next(i for i, r in enumerate(rows) if r["area"] == "东湖高新")].update(adcode="420111"),
     "none for a functional zone"),
    (lambda rows: rows[next(i for i, r in enumerate(rows) if r["area"] == "武昌")].update(value="1092751"),
     "does not print the value"),
    (lambda rows: rows[0].update(source_url="http://example.org/武昌/1"), "in ASCII"),  # the PDF's Latin font
    (lambda rows: rows[0].update(coverage="whole district"), "expected one of district, part of a district"),
])
def test_a_misplaced_or_unprinted_figure_is_refused(tmp_path, change, says):
    rows = _rows()
    change(rows)
    problems = validate_wuhan_districts(_write(tmp_path, rows))
    assert any(says in str(p) for p in problems), problems


def test_density_only_where_the_census_area_is_the_whole_district():
    from analysis.chapters.wuhan_districts import census_on_polygons
    from analysis.datasets.geo import with_size, wuhan_districts

    polygons = census_on_polygons(load_wuhan_districts(), with_size(wuhan_districts()))
    whole = polygons["coverage"] == "district"
    assert polygons.loc[whole, "density"].notna().all() and polygons.loc[~whole, "density"].isna().all()
    assert set(polygons.loc[~whole, "short_zh"]) >= {"洪山", "江夏"}  # land of the high-tech zone


def test_the_claim_to_lead_is_not_confirmed_while_a_central_district_lacks_a_figure():
    from analysis.chapters.wuhan_districts import CentralGdp

    table = pd.DataFrame({"adcode": ["420106", "420102", "420103"], "district": ["武昌", "江岸", "江汉"],
                          "value": [1900.0, 1625.35, None]})
    none = pd.DataFrame()
    result = CentralGdp(table, 1900.0, ["江岸"], ["江汉"], none)
    assert "cannot be confirmed" in result.verdict and "江汉" in result.verdict
    assert CentralGdp(table.iloc[:2], 1900.0, ["江岸"], [], none).verdict.startswith("confirmed")


def test_wuchangs_share_of_the_city_is_an_interval_and_a_floor_where_the_report_gives_one():
    from analysis.chapters.wuhan_districts import gdp_share_of_city
    from analysis.datasets.context_series import load_context
    from analysis.datasets.indicators import load_indicators

    shares = gdp_share_of_city(load_wuhan_districts(), load_context(), load_indicators()).set_index("year")
    assert list(shares.index) == [2022, 2023, 2024]
    assert shares.loc[2023, "hi"] == float("inf")  # 突破1900亿元: no ceiling
    assert shares.loc[2023, "lo"] == pytest.approx(100 * 1900 / 20011.655)
    assert (shares["lo"] <= shares["hi"]).all()


def test_rank_claims_name_what_the_later_texts_rank_first():
    from analysis.chapters.wuhan_districts import rank_claims
    from analysis.datasets.later_reviews import load_later_reviews

    claims = rank_claims(load_later_reviews().texts)
    ranked = set(claims["ranks"])
    assert {"一般公共预算收入", "社会消费品零售总额", "地区生产总值"} <= ranked
    retail = claims[claims["ranks"] == "社会消费品零售总额"]
    assert list(retail["clause"]) == ["社会消费品零售总额跃升至中心城区第1"]
    # the plan report ranks GDP in the sentence after the one naming it
    assert "继续保持中心城区第1" in set(claims.loc[claims["ranks"] == "地区生产总值", "clause"])
    # "two core indicators" rank the two its sentence names
    assert "地区生产总值、一般公共预算收入" in ranked


def test_a_district_with_an_estimate_and_a_final_figure_is_tested_against_the_larger():
    from analysis.chapters.wuhan_districts import central_gdp
    from analysis.datasets.geo import with_size, wuhan_districts
    from analysis.datasets.indicators import load_indicators

    rows = load_wuhan_districts()
    result = central_gdp(rows, with_size(wuhan_districts()), load_indicators().loc["gdp_2023"])
    jiangan = result.table.set_index("adcode").loc["420102"]
    assert jiangan["status"] == "final" and jiangan["value"] == 1625.35  # the final figure is the one drawn
    assert jiangan["largest"] == 1685  # the claim is tested against the estimate, which is larger
    assert list(result.revisions["change_pct"].round(1)) == [-3.5]
    # were the estimate above Wuchang's floor, the district would not count as exceeded
    raised = rows.copy()
    raised.loc[(raised["area"] == "江岸") & (raised["status"] == "estimate") & (raised["indicator"] == "gdp"),
               "value"] = 1950.0
    again = central_gdp(raised, with_size(wuhan_districts()), load_indicators().loc["gdp_2023"])
    assert not any("江岸" in d for d in again.exceeded)


def test_a_figure_in_yi_yuan_may_be_printed_in_wan_yuan(tmp_path):
    # 武昌's revenue of 2023 is 137.116亿元 and the final accounts print 1,371,160万元
    rows = _rows()
    assert validate_wuhan_districts(_write(tmp_path, rows)) == []
    i = next(i for i, r in enumerate(rows) if r["area"] == "武昌" and r["indicator"] == "gp_budget_revenue")
    rows[i]["value"] = "137.117"
    problems = validate_wuhan_districts(_write(tmp_path, rows))
    assert any("13711700000" in str(p) or "137.117" in str(p) for p in problems), problems


def test_the_claim_names_its_three_totals_in_its_own_sentence(report):
    from analysis.chapters.wuhan_districts import claim_subjects
    from analysis.datasets.indicators import load_indicators

    named = claim_subjects(report, load_indicators(), "main_indicators_rank_central_districts_2023")
    assert list(named.index) == ["gdp_2023", "services_va_2023", "fiscal_revenue_2023"]  # the growth rate is no total
