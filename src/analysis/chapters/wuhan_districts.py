"""Chapter 09, Wuchang among Wuhan's districts: the 2020 census on the district polygons (only where a census
area is the whole of one polygon), each census area's share of the city, the 2023 GDP figures found for the
central districts, and the report's claim to lead them.

Figures come from ``data/context/wuhan_districts.csv`` (each with its page and grade) and, for Wuchang's own
2023 GDP, from the report (``data/indicators.csv``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.datasets import geo
from analysis.datasets.context_series import derive_qualifier
from analysis.datasets.wuhan_districts import COVERAGES, WUHAN_ADCODE
from analysis.presentation.charts import PALETTE, QUALIFIER_STYLE, base_qualifier
from analysis.presentation.maps import NO_DATA, class_labels, classify, district_choropleth

# Wuhan's seven central districts (中心城区), the reference group of the report's 中心城区第一.
# A census line inside another area's count (其中): its residents are already in that area's figure.
WITHIN = {"汉南": "武汉经开"}
CENTRAL = ("420102", "420103", "420104", "420105", "420106", "420107", "420111")
DENSITY_BREAKS = (2_000, 5_000, 10_000, 20_000)  # residents per km² of polygon
COVERAGE_LABEL = {
    "district": "whole district 全区 (the count is the polygon's)",
    "part of a district": "part of a district: residents on its land counted with a functional zone",
}


def census_on_polygons(rows: pd.DataFrame, districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The 13 polygons with their census row: population, coverage and, only where the census area is the whole
    district, residents per km² of the polygon's area (which includes water up to the boundary)."""
    census = rows[(rows["indicator"] == "census_pop") & rows["adcode"].isin(districts["adcode"].astype(str))]
    merged = districts.assign(adcode_s=districts["adcode"].astype(str)).merge(
        census[["adcode", "area", "value", "coverage", "note", "grade"]].rename(
            columns={"adcode": "adcode_s", "value": "census_pop"}), on="adcode_s", how="left", validate="1:1")
    whole = merged["coverage"] == "district"
    merged["density"] = np.where(whole, merged["census_pop"] / merged["area_km2"], np.nan)
    merged["density_shown"] = [f"{d:,.0f} per km²" if whole_ else "not comparable: " + str(n)
                               for d, whole_, n in zip(merged["density"], whole, merged["note"], strict=True)]
    merged["census_shown"] = merged["census_pop"].map(lambda v: f"{v:,.0f}")
    merged["coverage_label"] = merged["coverage"].map(COVERAGE_LABEL)
    return gpd.GeoDataFrame(merged.drop(columns=["adcode_s"]), geometry="geometry", crs=districts.crs)


def density_map(polygons: gpd.GeoDataFrame, source: Sequence[str]) -> alt.LayerChart:
    polygons = polygons.assign(density_class=classify(polygons["density"], DENSITY_BREAKS, "per km²"))
    return district_choropleth(
        polygons, "density_class", class_labels(DENSITY_BREAKS, "per km²"),
        "Residents per km², 2020 census, on each district's polygon", "residents 常住人口 per km²",
        [("census_shown", "census count"), ("density_shown", "density")],
        ["Density = census count ÷ the polygon's area, water up to the boundary included (mid-Yangtze, 东湖).",
         f"{NO_DATA}: the census counts part of the district's residents with a functional zone (东湖高新, "
         "东湖风景, 武汉经开)."], source)


def coverage_map(polygons: gpd.GeoDataFrame, census_areas: int, source: Sequence[str]) -> alt.LayerChart:
    order = [COVERAGE_LABEL[k] for k in ("district", "part of a district")]
    return district_choropleth(
        polygons, "coverage_label", order, "What the census count of each district polygon covers",
        "census area 普查口径", [("census_shown", "census count"), ("note", "note")],
        [f"The census counts {census_areas} areas: the districts (汉南 inside 武汉经开) and functional zones with no "
         "polygon of their own."], source, colours=[PALETTE[0], PALETTE[3]])


def population_shares(rows: pd.DataFrame) -> pd.DataFrame:
    """Each census area's share of the city's census count, with its coverage; 汉南, a line inside 武汉经开, is
    left out so that the shares add up to the whole."""
    census = rows[rows["indicator"] == "census_pop"]
    city = float(census.loc[census["adcode"] == WUHAN_ADCODE, "value"].iloc[0])
    areas = census[(census["adcode"] != WUHAN_ADCODE) & ~census["area"].isin(list(WITHIN))].copy()
    areas["share"] = 100 * areas["value"] / city
    areas["kind"] = areas["coverage"].map({"district": "district 区", "part of a district": "district 区",
                                           "functional zone": "functional zone 功能区"})
    return areas.sort_values("share", ascending=False)[["area", "value", "share", "kind", "coverage"]]


def share_chart(shares: pd.DataFrame, source: Sequence[str], highlight: str = "武昌") -> alt.LayerChart:
    data = shares.assign(role=np.where(shares["area"] == highlight, "武昌 Wuchang", shares["kind"]),
                         label=shares["share"].map(lambda s: f"{s:.2f}%"))
    roles = ["武昌 Wuchang", "district 区", "functional zone 功能区"]
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("share:Q", title="share of Wuhan's residents 占全市常住人口, %"),
        y=alt.Y("area:N", sort=None, title=None),
        color=alt.Color("role:N", title=None,
                        scale=alt.Scale(domain=roles, range=[PALETTE[1], "#9fb8c8", PALETTE[3]])),
        tooltip=["area:N", alt.Tooltip("value:Q", title="census count", format=","),
                 alt.Tooltip("share:Q", format=".2f"), "coverage:N"])
    text = bars.mark_text(align="left", dx=3, fontSize=10).encode(text="label:N", color=alt.value("#333333"))
    total = shares["share"].sum()
    return alt.layer(bars, text).properties(width=420, height=330, title=alt.TitleParams(
        "Each census area's share of Wuhan's residents, 2020",
        subtitle=[f"The areas add up to {total:.2f}% of the city's count (汉南 is within 武汉经开).", *source]))


@dataclass(frozen=True)
class CentralGdp:
    """The 2023 GDP figures found for the central districts, beside Wuchang's, and what they allow to say."""

    table: pd.DataFrame  # one row per central district: figure, status, grade (NaN where none was found)
    wuchang_floor: float  # the report's 突破 figure, 亿元
    exceeded: list[str]  # districts all of whose figures Wuchang's floor is above
    missing: list[str]  # central districts without a 2023 figure
    revisions: pd.DataFrame  # districts with an estimate and a final figure: both, and the change in percent

    @property
    def verdict(self) -> str:
        if self.missing:
            return (f"consistent with the figures found: Wuchang's floor is above all {len(self.exceeded)} central "
                    f"districts with a 2023 figure, but {', '.join(self.missing)} "
                    f"{'has' if len(self.missing) == 1 else 'have'} none, so the claim cannot be confirmed")
        return f"confirmed: Wuchang's floor is above every other central district's figure ({len(self.exceeded)})"


def central_gdp(rows: pd.DataFrame, districts: gpd.GeoDataFrame, wuchang: pd.Series) -> CentralGdp:
    names = districts.assign(adcode=districts["adcode"].astype(str)).set_index("adcode")
    gdp = rows[(rows["indicator"] == "gdp") & (rows["year"] == 2023) & rows["adcode"].isin(CENTRAL)]
    floor = float(wuchang["value"]) / 1e8
    table, revisions = [], []
    for code in CENTRAL:
        found = gdp[gdp["adcode"] == code]
        row = {"adcode": code, "district": f"{names.loc[code, 'name_zh']} {names.loc[code, 'name_en']}"}
        if code == str(geo.WUCHANG):
            row.update(value=floor, status="estimate", grade="the report", phrase=str(wuchang["display"]),
                       qualifier=str(wuchang["qualifier"]), coverage="district", largest=floor, also="")
        elif not found.empty:
            # A final figure stands for the district; the claim is tested against the largest of all of them.
            found = found.sort_values("status", key=lambda s: s != "final", kind="stable")
            f = found.iloc[0]
            qualifier, _, phrase = derive_qualifier(float(f["value"]), f["unit"], f["excerpt"], f["note"])
            row.update(value=float(f["value"]), status=f["status"], grade=f["grade"], phrase=phrase,
                       qualifier=qualifier, coverage=f["coverage"], largest=float(found["value"].max()),
                       also="; ".join(f"{printed(o)} ({o['status']}, {o['grade']})"
                                      for _, o in found.iloc[1:].iterrows()))
            if set(found["status"]) >= {"final", "estimate"}:
                est = found[found["status"] == "estimate"].iloc[0]
                revisions.append({"district": row["district"], "estimate": printed(est), "estimated": est["dated"],
                                  "final": phrase, "change_pct": 100 * (float(f["value"]) / float(est["value"]) - 1)})
        table.append(row)
    frame = pd.DataFrame(table)
    others = frame[frame["adcode"] != str(geo.WUCHANG)]
    exceeded = others.loc[others["value"].notna() & (others["largest"] < floor), "district"].tolist()
    missing = others.loc[others["value"].isna(), "district"].tolist()
    return CentralGdp(frame, floor, exceeded, missing,
                      pd.DataFrame(revisions, columns=["district", "estimate", "estimated", "final", "change_pct"]))


def found_by_status(result: CentralGdp) -> str:
    """The figures found for the other central districts, grouped by status and grade, in words."""
    others = result.table[(result.table["adcode"] != str(geo.WUCHANG)) & result.table["value"].notna()]
    parts = [f"{status} figures on {grade} pages for {', '.join(group['district'])}"
             for (status, grade), group in sorted(others.groupby(["status", "grade"]), key=lambda g: (
                 g[0][0] != "final", g[0][1] != "official"))]  # final and official first
    return "; ".join(parts)


def central_gdp_chart(result: CentralGdp, source: Sequence[str]) -> alt.LayerChart:
    data = result.table.dropna(subset=["value"]).assign(
        how=lambda d: d["status"].map({"final": "final (yearbook 年鉴)", "estimate": "estimate 预计"}) + " · "
        + d["grade"],
        marker=lambda d: d["qualifier"].map(lambda q: QUALIFIER_STYLE[base_qualifier(q)][2]))
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title="GDP 2023, 亿元 (hundred million yuan)",
                scale=alt.Scale(domain=[0, 1.2 * float(data["value"].max())])),
        y=alt.Y("district:N", sort="-x", title=None),
        color=alt.Color("how:N", title="status · grade of the page"),
        tooltip=["district:N", "phrase:N", "how:N", "coverage:N", alt.Tooltip("marker:N", title="qualifier"),
                 alt.Tooltip("also:N", title="other figures")])
    text = bars.mark_text(align="left", dx=3, fontSize=10).encode(text="phrase:N", color=alt.value("#333333"))
    missing = "; no 2023 figure found for " + ", ".join(result.missing) if result.missing else ""
    return alt.layer(bars, text).properties(width=420, height=170, title=alt.TitleParams(
        "GDP of Wuhan's central districts, 2023: the figures found",
        subtitle=[f"Wuchang: the report's {data.loc[data['adcode'] == str(geo.WUCHANG), 'phrase'].iloc[0]} "
                  f"(a floor){missing}.", "洪山: the district's own accounts, without 东湖高新 on its land.",
                  *([f"Where a district has an estimate and a final figure, the bar is the final one; "
                     f"the estimate is in the tooltip and the table ({', '.join(result.revisions['district'])})"]
                    if len(result.revisions) else []),
                  *source]))


def claim_subjects(report, ind: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """The totals a ranking claim ranks: the report's level figures (kind ``level``) that stand in the claim's
    sentence before it. 三项主要经济指标总量 … 中心城区第一 follows 地区生产总值, 服务业增加值 and 地方一般公共预算收入
    in one sentence; the growth rate between them is not a total."""
    claim = ind.loc[claim_id]
    where = report.locate(str(claim["quote"]))
    sentence = report.sentence(where.start, where.end)
    start = report.text.find(sentence)
    inside = ind[(ind["kind"] == "level") & (ind["offset"] >= start) & (ind["offset"] < where.start)]
    return inside.sort_values("offset")


RANK_WORDS = "中心城区第"  # how the district's texts rank it among the central districts
RANKED = ("地区生产总值", "一般公共预算收入", "社会消费品零售总额", "核心指标")  # what a ranking clause may be of


def rank_claims(texts: pd.DataFrame) -> pd.DataFrame:
    """Every clause of the later texts read (``later_reviews``) that ranks Wuchang among the central districts:
    the clause, and what it ranks — the last of ``RANKED`` named before it on its line (a plan report names the
    indicator in a heading sentence and ranks it in the next: 规模继续保持中心城区第1); a clause that ranks
    "two core indicators" (两项核心指标) ranks every indicator its sentence names before it."""
    rows = []
    for r in texts.itertuples():
        for line in r.text.splitlines():
            for hit in re.finditer(RANK_WORDS, line):
                before = line[:hit.start()]
                start = max(before.rfind(m) for m in ",。;:") + 1
                stop = min((i for i in (line.find(m, hit.end()) for m in ",。;") if i >= 0), default=len(line))
                clause = line[start:stop]
                if "指标" in clause:
                    sentence = before[before.rfind("。") + 1:]
                    named = "、".join(w for w in RANKED[:-1] if w in sentence) or RANKED[-1]
                else:
                    named = max(((before.rfind(w), w) for w in RANKED if w in before), default=(-1, ""))[1]
                rows.append({"key": r.key, "title": r.short_title, "dated": r.dated, "ranks": named,
                             "clause": clause})
    return pd.DataFrame(rows, columns=["key", "title", "dated", "ranks", "clause"])


def coverage_counts(polygons: gpd.GeoDataFrame) -> dict[str, int]:
    return {k: int((polygons["coverage"] == k).sum()) for k in COVERAGES}


def printed(row: pd.Series) -> str:
    """A figure as its page prints it, qualifier words included (突破1900亿元, 76.35万人)."""
    return derive_qualifier(float(row["value"]), row["unit"], row["excerpt"], row["note"])[2]


def district_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One line per census area and the city: the 2020 census count and share, and the 2023 figures found,
    each with its status and the grade of its page; a figure not found is said to be missing."""
    census = rows[rows["indicator"] == "census_pop"]
    city = float(census.loc[census["adcode"] == WUHAN_ADCODE, "value"].iloc[0])

    def cell(area: str, indicator: str) -> str:
        found = rows[(rows["area"] == area) & (rows["indicator"] == indicator) & (rows["year"] == 2023)]
        if found.empty:
            return "not found"
        found = found.sort_values("status", key=lambda s: s != "final", kind="stable")  # the final figure first
        return "; ".join(f"{printed(f)} ({f['status']}, {f['grade']})" for _, f in found.iterrows())

    out = []
    for _, c in census.iterrows():
        out.append({
            "area 区域": c["area"],
            "covers 口径": c["coverage"] + (f"; 其中 of {WITHIN[c['area']]}, already in its count"
                                            if c["area"] in WITHIN else ""),
            "census 2020 七普": f"{c['value']:,.0f}",
            "share of city 占全市": f"{100 * c['value'] / city:.2f}%",
            "GDP 2023": cell(c["area"], "gdp"),
            "growth 2023": cell(c["area"], "gdp_growth"),
            "budget revenue 2023": cell(c["area"], "gp_budget_revenue"),
            "land area": cell(c["area"], "land_area"),
            "residents 2023": cell(c["area"], "resident_pop"),
        })
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Basis:
    """A denominator for a per-km² or per-resident figure: what it is, its value, and where it comes from."""

    label: str
    value: float
    source: str  # the grade of its page, or "computed" for a polygon's area


def per_basis(ind: pd.DataFrame, measures: list[tuple[str, str, float, str]], bases: list[Basis]) -> pd.DataFrame:
    """Each measure over each basis as the interval the figures allow: ``measures`` are (indicator id, label,
    scale to the display unit, unit); a 突破 figure gives a floor only (``hi`` infinite)."""
    from analysis.methods.derived import stated_interval

    out = []
    for key, label, scale, unit in measures:
        stated = stated_interval(ind.loc[key]).scale(scale)
        for basis in bases:
            out.append({"measure": label, "basis": basis.label, "basis_value": basis.value, "source": basis.source,
                        "lo": stated.lo / basis.value, "hi": stated.hi / basis.value, "unit": unit,
                        "figure": str(ind.loc[key, "display"])})
    return pd.DataFrame(out)


def spread(frame: pd.DataFrame, measure: str) -> tuple[float, float]:
    """The smallest and the largest floor of a measure over its bases: the range a single number would hide."""
    lows = frame.loc[frame["measure"] == measure, "lo"]
    return float(lows.min()), float(lows.max())


def per_basis_chart(frame: pd.DataFrame, source: Sequence[str]) -> alt.VConcatChart:
    """One panel per measure: the floor each basis gives, labelled with the basis and its provenance."""
    panels = []
    for measure, rows in frame.groupby("measure", sort=False):
        data = rows.assign(label=[f"≥ {lo:,.1f}" if hi == np.inf else f"{lo:,.1f}–{hi:,.1f}"
                                  for lo, hi in zip(rows["lo"], rows["hi"], strict=True)],
                           basis_shown=[f"{b} ({s})" for b, s in zip(rows["basis"], rows["source"], strict=True)])
        bars = alt.Chart(data).mark_bar(color=PALETTE[0]).encode(
            x=alt.X("lo:Q", title=f"{measure}, {data['unit'].iloc[0]} (floor)",
                    scale=alt.Scale(domain=[0, 1.25 * float(data["lo"].max())])),
            y=alt.Y("basis_shown:N", sort=None, title=None, axis=alt.Axis(labelLimit=330)),
            tooltip=["measure:N", "basis:N", alt.Tooltip("basis_value:Q", format=",.2f"), "source:N", "label:N",
                     alt.Tooltip("figure:N", title="the report's figure")])
        text = bars.mark_text(align="left", dx=3, fontSize=10).encode(text="label:N", color=alt.value("#333333"))
        panels.append(alt.layer(bars, text).properties(width=300, height=24 * len(data), title=measure))
    return alt.vconcat(*panels, spacing=22).properties(title=alt.TitleParams(
        "Wuchang per km² and per resident, by the area and the population used",
        subtitle=["Each bar: the report's 2023 figure over one published area or population; its floor "
                  "(突破 sets no ceiling).", *source]))


def gdp_share_of_city(rows: pd.DataFrame, ctx: pd.DataFrame, ind: pd.DataFrame) -> pd.DataFrame:
    """Wuchang's GDP as a share of Wuhan's, for each year the city's bulletin gives: the district's own figure
    (the report's for 2023, else the most authoritative row of the context series) over the city's, as the
    interval both figures' words and rounding allow."""
    from analysis.datasets.context_series import latest
    from analysis.methods.derived import Interval, stated_interval

    out = []
    city_rows = rows[(rows["adcode"] == WUHAN_ADCODE) & (rows["indicator"] == "gdp")].sort_values("year")
    for _, city in city_rows.iterrows():
        year = int(city["year"])
        if year == int(ind.loc["gdp_2023", "period"]):
            wc, phrase, status = stated_interval(ind.loc["gdp_2023"]).scale(1e-8), ind.loc["gdp_2023", "display"], \
                "estimate (the report)"
        else:
            row = latest(ctx, "gdp", year)
            if row is None:
                continue
            wc, phrase, status = stated_interval(row), row["phrase"], row["status"]
        whole = Interval(city["value"] - 0.005, city["value"] + 0.005)  # printed to the hundredth
        share = (wc / whole).scale(100)
        out.append({"year": year, "lo": share.lo, "hi": share.hi, "wuchang": phrase, "wuchang_status": status,
                    "city": printed(city), "city_grade": city["grade"]})
    return pd.DataFrame(out)


def share_of_city_chart(shares: pd.DataFrame, population_share: float, source: Sequence[str]) -> alt.LayerChart:
    data = shares.assign(label=[f"≥ {lo:.2f}%" if hi == np.inf else f"{lo:.2f}–{hi:.2f}%"
                                for lo, hi in zip(shares["lo"], shares["hi"], strict=True)],
                         year_shown=shares["year"].astype(str))
    bars = alt.Chart(data).mark_bar(color=PALETTE[0], size=34).encode(
        x=alt.X("year_shown:N", title="year 年份", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("lo:Q", title="Wuchang's share of Wuhan's GDP, % (floor)",
                scale=alt.Scale(domain=[0, 1.3 * float(data["lo"].max())])),
        tooltip=["year_shown:N", "label:N", "wuchang:N", "wuchang_status:N", "city:N", "city_grade:N"])
    text = bars.mark_text(dy=-8, fontSize=10).encode(text="label:N", color=alt.value("#333333"))
    rule_row = pd.DataFrame({"share": [population_share], "what": ["share of Wuhan's residents, 2020 census"]})
    rule = alt.Chart(rule_row).mark_rule(strokeDash=[5, 3], color=PALETTE[1]).encode(
        y="share:Q", tooltip=["what:N", alt.Tooltip("share:Q", format=".2f")])
    return alt.layer(bars, text, rule).properties(width=300, height=220, title=alt.TitleParams(
        "Wuchang's share of Wuhan's GDP: the district's estimates over the city's final figures",
        subtitle=["Dashed: Wuchang's share of the city's residents in the 2020 census.",
                  "The district's figures are year-end estimates (2023: the report's floor, 突破); the city's are "
                  "its statistical bulletins, read on reposts.", *source]))
