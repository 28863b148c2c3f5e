"""Wuhan's districts beside Wuchang (``data/context/wuhan_districts.csv``): the 2020 census count of each census
area, and the 2023 figures found for districts and the city, each with its page, words and grade.

The census counts 15 areas: 12 districts and three functional zones (东湖高新, 东湖风景, 武汉经开) whose
residents it counts apart from the districts on whose land they live; 汉南 stands inside 武汉经开 as its
其中 line, and 武汉化工 inside 青山. Each row says how its area relates to the 13 district polygons of the
maps (``coverage``): the whole of one district, part of one (its land holds residents counted elsewhere), a
functional zone (no polygon), or the city. The check holds that every polygon has exactly one census row, so
no resident is silently put on the wrong polygon.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.datasets.csv_rows import Column, read_csv_rows
from analysis.datasets.provenance import PROVENANCE_COLUMNS, dated_month, row_problems, sourced_number
from analysis.errors import DataError, Problem
from analysis.paths import WUHAN_DISTRICTS, relative
from analysis.read_log import record_read
from analysis.report.reading import status_for

COVERAGES = {
    "district": "the whole of one district polygon",
    "part of a district": "one district, but residents on its land are counted with a functional zone: the "
                          "figure is not the polygon's",
    "functional zone": "a functional zone: land of several districts, no polygon of its own",
    "city": "Wuhan as a whole",
}
INDICATORS = {
    "census_pop": ("常住人口(七普)", "resident population, 2020 census", "persons"),
    "resident_pop": ("常住人口(年末)", "resident population at year end", "persons"),
    "gdp": ("地区生产总值", "GDP", "亿元"),
    "gdp_growth": ("地区生产总值增长", "GDP growth", "%"),
    "gp_budget_revenue": ("地方一般公共预算收入", "local general public budget revenue", "亿元"),
    "land_area": ("土地面积", "land area", "km²"),
}
WUHAN_ADCODE = "420100"
# The 13 district polygons of the maps (analysis.datasets.geo), by adcode.
POLYGONS = ("420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112", "420113", "420114",
            "420115", "420116", "420117")

DISTRICT_COLUMNS: tuple[Column, ...] = (
    Column("area", "the census area or district as the source names it (武昌, 东湖高新, 全市)"),
    Column("adcode", "the district polygon the area belongs to (empty for a functional zone; 420100 for the city)",
           optional=True),
    Column("coverage", "how the area relates to the polygons: " + "; ".join(f"{k} = {v}" for k, v in
                                                                            COVERAGES.items()), tuple(COVERAGES)),
    Column("year", "the year the figure refers to"),
    Column("indicator", "what the figure measures", tuple(INDICATORS)),
    Column("value", "the figure, in the unit column's unit"),
    Column("unit", "persons, 亿元, % or km²", ("persons", "亿元", "%", "km²")),
    Column("status", "final (a census, a yearbook, a statistical bulletin) or estimate (written before the "
                     "year's statistics, 预计)", ("final", "estimate")),
    *PROVENANCE_COLUMNS,
    Column("note", "the basis of the figure and what it leaves out", optional=True),
)


def _read(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    rows, problems = read_csv_rows(path, DISTRICT_COLUMNS)
    name = relative(path)
    good = []
    for line, row in rows:
        bad = row_problems(row, DISTRICT_COLUMNS, name, line)
        value, found = sourced_number(row, "value", name, line, scale=1e8 if row["unit"] == "亿元" else 1.0)
        bad += found
        if row["unit"] != INDICATORS.get(row["indicator"], ("", "", row["unit"]))[2]:
            bad.append(Problem(name, line, "unit", f"found {row['unit']!r}; {row['indicator']} is in "
                                                   f"{INDICATORS[row['indicator']][2]}"))
        if (row["coverage"] == "functional zone") != (row["adcode"] == ""):
            bad.append(Problem(name, line, "adcode", f"found {row['adcode']!r} for coverage {row['coverage']!r}; "
                                                     "expected a polygon's adcode, and none for a functional zone"))
        elif row["adcode"] and row["adcode"] not in (*POLYGONS, WUHAN_ADCODE):
            bad.append(Problem(name, line, "adcode", f"found {row['adcode']!r}; expected one of the 13 district "
                                                     f"polygons ({', '.join(POLYGONS)}) or {WUHAN_ADCODE}"))
        if row["indicator"] != "census_pop" and row["dated"] and row["year"].isdigit():
            year = int(row["year"])
            expected = status_for(year, year, dated_month(row["dated"]), final_source=True,
                                  says_expected="预计" in row["excerpt"])
            if expected != row["status"]:
                bad.append(Problem(name, line, "status", f"found {row['status']!r}; a figure for {year} written "
                                                         f"{row['dated']} is {expected!r} by the status rule"))
        problems += bad
        if not bad:
            good.append({**row, "value": value, "year": int(row["year"]), "line": line})
    frame = pd.DataFrame(good)
    if not frame.empty:
        census = frame[(frame["indicator"] == "census_pop") & frame["adcode"].isin(POLYGONS)]
        for code in POLYGONS:
            n = int((census["adcode"] == code).sum())
            if n != 1:
                problems.append(Problem(name, None, "adcode", f"polygon {code} has {n} census rows; expected "
                                                              "exactly one, so that every resident is placed once"))
    return frame, problems


def validate_wuhan_districts(path: Path = WUHAN_DISTRICTS) -> list[Problem]:
    return _read(path)[1]


def load_wuhan_districts(path: Path = WUHAN_DISTRICTS) -> pd.DataFrame:
    """The validated rows, with the indicator's names."""
    frame, problems = _read(path)
    if problems:
        raise DataError(problems)
    record_read(path)
    frame["name_zh"] = frame["indicator"].map(lambda k: INDICATORS[k][0])
    frame["name_en"] = frame["indicator"].map(lambda k: INDICATORS[k][1])
    return frame
