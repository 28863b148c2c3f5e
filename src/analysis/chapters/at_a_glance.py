"""Chapter 00, the report at a glance: its parts and sections, where its numbers stand, its headline figures,
and a guide to the book's chapters.

Everything is counted from the text (analysis.report.text) and the data files, never typed: a section's size is
its body paragraphs, a numeral is a match of analysis.report.quantities.NUMERAL, and whether a numeral is a
quantity is decided by data/indicators.csv (its quotes) and data/exclusions.csv (names, slogans, labels).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from analysis.datasets.csv_rows import read_csv_rows
from analysis.datasets.indicators import EXCLUSION_COLUMNS, KINDS, coverage_masks
from analysis.paths import EXCLUSIONS, INDICATORS
from analysis.presentation.charts import PALETTE, REPORT_TITLE, chart_frame, qualified_bars
from analysis.report.quantities import NUMERAL, display_factor
from analysis.report.text import SECTIONS, Report

PARTS = ("preface", "review", "outlook")
PART_EN = {"preface": "Preface", "review": "Review of 2023", "outlook": "Outlook for 2024"}
PART_COLOR = {"preface": PALETTE[3], "review": PALETTE[0], "outlook": PALETTE[2]}
# A magnitude word right after a number (1900亿, 3.1万) is part of that number, not a numeral of its own.
MAGNITUDE_ONLY = re.compile(r"[万亿]+")
NUMERAL_CLASSES = ("quantity", "not a quantity")


@dataclass(frozen=True)
class PartLabel:
    key: str
    label_zh: str  # as the report prints it: 回眸 2023, 展望 2024; the preface's own heading
    banner: str  # the part's banner line


def report_source_line() -> str:
    """The source line of a chart about the whole report (all its sections)."""
    return f"Source: {REPORT_TITLE}, all {len(SECTIONS)} sections; data/raw/wuchang-2023-review.txt"


def part_labels(report: Report) -> dict[str, PartLabel]:
    """Each part's label and banner, read from the furniture lines that open it (回眸 / 2023, 展望 / 2024).

    The preface has no label line: its heading stands for it, and the subtitle after it is its banner.
    """
    out: dict[str, PartLabel] = {}
    paras = report.paragraphs
    for part in PARTS:
        first = next(s.key for s in SECTIONS if s.part == part)
        at = next(p.index for p in paras if p.role == "heading" and p.section == first)
        if part == "preface":
            after = [p.text for p in paras[at + 1:] if p.role == "furniture"][:1]
            out[part] = PartLabel(part, paras[at].text, after[0] if after else "")
            continue
        before = []
        for p in reversed(paras[:at]):
            if p.role != "furniture":
                break
            if not p.text.startswith("策划"):  # the credits close the part before
                before.insert(0, p.text)
        short = [t for t in before if len(t) <= 4]
        long = [t for t in before if len(t) > 4]
        out[part] = PartLabel(part, " ".join(short), long[0] if long else "")
    return out


def classify_numerals(report: Report, indicators: Path = INDICATORS,
                      exclusions: Path = EXCLUSIONS) -> pd.DataFrame:
    """Every numeral of the report with its section and class: a quantity (inside an indicator's quote) or not
    (inside an exclusion: a name, a slogan, a year label). Magnitude words after a number are not counted."""
    text = report.text
    in_quote, in_exclusion = coverage_masks(report, indicators, exclusions)
    rows = []
    for m in NUMERAL.finditer(text):
        if MAGNITUDE_ONLY.fullmatch(m.group()) and m.start() > 0 and NUMERAL.fullmatch(text[m.start() - 1]):
            continue
        para = report.paragraph_at(m.start())
        span = slice(m.start(), m.end())
        cls = ("quantity" if all(in_quote[span]) else "not a quantity" if all(in_exclusion[span])
               else "unclassified")
        rows.append({"offset": m.start(), "numeral": m.group(), "section": para.section, "role": para.role,
                     "class": cls, "context": text[max(0, m.start() - 6):m.end() + 6]})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class NumeralCount:
    """How the report's numerals add up to the indicator table, each step counted from the data."""

    total: int  # every numeral of the text
    outside_body: int  # in headings, banners and credits (回眸 2023, 展望 2024 …)
    body: int  # in body paragraphs: what the density chart counts
    body_quantities: int  # body numerals inside an indicator's quote
    body_others: int  # body numerals inside an exclusion (names, slogans, labels)
    others: int  # all numerals that are not quantities, body or not
    indicators: int  # rows of data/indicators.csv
    in_words: tuple[str, ...]  # quotes of indicators stated without any numeral (首位, 亚军, 翻番)
    two_numerals: tuple[str, ...]  # quotes holding a second numeral (百亿级, 社零额, 亿元以上)
    unexplained: int  # quantity numerals the two lists above do not account for (0 when the counts reconcile)


def numeral_count(report: Report, ind: pd.DataFrame, numerals: pd.DataFrame) -> NumeralCount:
    """Reconcile the numerals counted in the text with the indicators: an indicator stated in words has no
    numeral, and a quote may hold two (a size class or a word that contains a numeral character)."""
    quantities = numerals[numerals["class"] == "quantity"]
    spans = {i: [(s, s + len(q)) for s in report.occurrences(q)] for i, q in ind["quote"].items()}
    per_indicator = dict.fromkeys(ind.index, 0)
    for offset in quantities["offset"]:
        for i, places in spans.items():
            if any(a <= offset < b for a, b in places):
                per_indicator[i] += 1
    in_words = tuple(ind.loc[i, "quote"] for i, n in per_indicator.items() if n == 0)
    two = tuple(ind.loc[i, "quote"] for i, n in per_indicator.items() if n >= 2)
    extra = sum(n - 1 for n in per_indicator.values() if n >= 2)
    body = numerals[numerals["role"] == "body"]
    return NumeralCount(
        total=len(numerals), outside_body=int((numerals["role"] != "body").sum()), body=len(body),
        body_quantities=int((body["class"] == "quantity").sum()),
        body_others=int((body["class"] != "quantity").sum()),
        others=int((numerals["class"] != "quantity").sum()), indicators=len(ind), in_words=in_words,
        two_numerals=two, unexplained=len(quantities) - (len(ind) - len(in_words) + extra))


def exclusion_examples(path: Path = EXCLUSIONS, per_kind: int = 1,
                       kinds: Sequence[str] = ("party congress", "slogan", "metro line", "proper name")) -> list[str]:
    """A few excluded numerals for the prose, one per kind of reason, read from data/exclusions.csv."""
    rows = [row for _, row in read_csv_rows(path, EXCLUSION_COLUMNS)[0]]
    out = []
    for kind in kinds:
        out += [r["text"] for r in rows if r["reason"].startswith(kind)][:per_kind]
    return out


def _chars(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def section_structure(report: Report, ind: pd.DataFrame, numerals: pd.DataFrame,
                      density_unit: int = 1000, count_excluded: bool = False) -> pd.DataFrame:
    """One row per section in reading order: part, heading, paragraphs, characters, indicators, numerals and
    their density per ``density_unit`` characters of body text."""
    labels = part_labels(report)
    body = numerals[numerals["role"] == "body"]
    rows = []
    for order, s in enumerate(SECTIONS, start=1):
        paras = [p for p in report.paragraphs if p.section == s.key and p.role == "body"]
        chars = sum(_chars(p.text) for p in paras)
        nums = body[body["section"] == s.key]
        quantities = int((nums["class"] == "quantity").sum())
        others = int((nums["class"] != "quantity").sum())
        counted = quantities + (others if count_excluded else 0)
        indicators = int((ind["section_key"] == s.key).sum())
        rows.append({
            "order": order, "key": s.key, "part": s.part, "part_zh": labels[s.part].label_zh,
            "part_label": f"{labels[s.part].label_zh} {PART_EN[s.part]}", "heading": s.heading,
            "name_en": s.name_en, "label": f"{order:02d} {s.heading}", "paragraphs": len(paras),
            "characters": chars, "indicators": indicators, "quantity_numerals": quantities,
            "other_numerals": others, "numerals_counted": counted,
            "density": density_unit * counted / chars if chars else 0.0,
            "indicator_density": density_unit * indicators / chars if chars else 0.0,
        })
    return pd.DataFrame(rows)


def part_summary(structure: pd.DataFrame, density_unit: int = 1000) -> pd.DataFrame:
    """Totals per part, in reading order."""
    g = structure.groupby("part", sort=False).agg(
        part_label=("part_label", "first"), sections=("key", "count"), paragraphs=("paragraphs", "sum"),
        characters=("characters", "sum"), indicators=("indicators", "sum"),
        numerals_counted=("numerals_counted", "sum")).reset_index()
    g["density"] = density_unit * g["numerals_counted"] / g["characters"]
    g["share_of_text"] = 100 * g["characters"] / g["characters"].sum()
    g["share_of_indicators"] = 100 * g["indicators"] / g["indicators"].sum()
    return g


def kind_matrix(ind: pd.DataFrame, structure: pd.DataFrame) -> pd.DataFrame:
    """Indicators per section and kind (level, growth, …), zeros included, for a heat map."""
    counts = ind.groupby(["section_key", "kind"]).size()
    rows = []
    for s in structure.itertuples():
        for kind in KINDS:
            rows.append({"label": s.label, "heading": s.heading, "name_en": s.name_en, "part_label": s.part_label,
                         "kind": kind, "n": int(counts.get((s.key, kind), 0))})
    return pd.DataFrame(rows)


# -- charts --------------------------------------------------------------------------------------------------


def _part_color(structure: pd.DataFrame) -> alt.Color:
    labels = list(dict.fromkeys(structure["part_label"]))
    parts = list(dict.fromkeys(structure["part"]))
    return alt.Color("part_label:N", title="part 部分",
                     scale=alt.Scale(domain=labels, range=[PART_COLOR[p] for p in parts]),
                     legend=alt.Legend(orient="bottom"))


def structure_chart(structure: pd.DataFrame, source: Sequence[str], width: int = 420) -> alt.LayerChart:
    """Characters of body text per section, coloured by part, labelled with the paragraph count."""
    y = alt.Y("label:N", sort=list(structure["label"]), title=None)
    tooltip = [alt.Tooltip("heading:N", title="heading 标题"), alt.Tooltip("name_en:N", title="English"),
               alt.Tooltip("part_label:N", title="part"), alt.Tooltip("paragraphs:Q"),
               alt.Tooltip("characters:Q", format=","), alt.Tooltip("indicators:Q")]
    base = alt.Chart(structure).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=16).encode(x=alt.X("characters:Q", title="characters of body text 字数"),
                                           color=_part_color(structure))
    text = base.mark_text(align="left", dx=4, fontSize=10, color="#333333").encode(
        x="characters:Q", text=alt.Text("paragraphs:Q", format="d"))
    return alt.layer(bars, text).properties(width=width, height=alt.Step(22), title=alt.TitleParams(
        "The report's sections and their length (number = paragraphs 段)", subtitle=list(source)))


def kinds_chart(matrix: pd.DataFrame, source: Sequence[str]) -> alt.LayerChart:
    """Heat map: how many indicators of each kind each section states."""
    order = list(dict.fromkeys(matrix["label"]))
    tooltip = [alt.Tooltip("heading:N", title="heading 标题"), alt.Tooltip("name_en:N", title="English"),
               alt.Tooltip("kind:N"), alt.Tooltip("n:Q", title="indicators")]
    base = alt.Chart(matrix).encode(
        x=alt.X("kind:N", sort=list(KINDS), title="kind of number", axis=alt.Axis(labelAngle=-30, orient="top")),
        y=alt.Y("label:N", sort=order, title=None), tooltip=tooltip)
    cells = base.mark_rect(stroke="white").encode(color=alt.condition(
        "datum.n > 0",
        alt.Color("n:Q", title="indicators", scale=alt.Scale(scheme="blues", domainMin=0),
                  legend=alt.Legend(orient="bottom")),
        alt.value("#f3f3f3")))
    text = base.mark_text(fontSize=11).encode(
        text=alt.condition("datum.n > 0", alt.Text("n:Q"), alt.value("")),
        color=alt.condition("datum.n >= 8", alt.value("white"), alt.value("#333333")))
    return alt.layer(cells, text).properties(width=alt.Step(56), height=alt.Step(22), title=alt.TitleParams(
        "Where the numbers are: indicators per section and kind",
        subtitle=[*source, "data/indicators.csv (one row per number the report states)"]))


def density_chart(structure: pd.DataFrame, density_unit: int, count_excluded: bool, source: Sequence[str],
                  width: int = 380) -> alt.Chart:
    """Numerals per ``density_unit`` characters, split into quantities and (optionally) other numerals."""
    rows = []
    for s in structure.itertuples():
        classes = [("quantity", s.quantity_numerals)]
        if count_excluded:
            classes.append(("not a quantity", s.other_numerals))
        for cls, n in classes:
            rows.append({"label": s.label, "heading": s.heading, "name_en": s.name_en, "class": cls, "n": n,
                         "stack": NUMERAL_CLASSES.index(cls),
                         "per_unit": density_unit * n / s.characters if s.characters else 0.0,
                         "characters": s.characters, "indicators": s.indicators,
                         "indicator_density": s.indicator_density})
    data = pd.DataFrame(rows)
    domain = list(NUMERAL_CLASSES if count_excluded else NUMERAL_CLASSES[:1])
    tooltip = [alt.Tooltip("heading:N", title="heading 标题"), alt.Tooltip("class:N", title="numerals"),
               alt.Tooltip("n:Q", title="count"), alt.Tooltip("characters:Q", format=","),
               alt.Tooltip("per_unit:Q", title=f"per {density_unit:,} characters", format=".1f"),
               alt.Tooltip("indicators:Q", title="indicators in the section")]
    y = alt.Y("label:N", sort=list(structure["label"]), title=None)
    bars = alt.Chart(data).mark_bar(height=16).encode(
        y=y, x=alt.X("sum(per_unit):Q", title=f"numerals per {density_unit:,} characters"),
        color=alt.Color("class:N", title="numerals", scale=alt.Scale(domain=domain, range=[PALETTE[0], "#b8c4cc"]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("stack:Q"), tooltip=tooltip)
    return bars.properties(width=width, height=alt.Step(22), title=alt.TitleParams(
        f"Numeral density: numerals per {density_unit:,} characters of each section",
        subtitle=[*source, "quantities: numerals in data/indicators.csv quotes; others: names, "
                  "slogans and labels in data/exclusions.csv"]))


# Headline figures for the dashboard: (panel title, axis title, indicator ids). The ids are the report's
# first-named figures of each review section, grouped by unit so that each panel has one honest axis.
HEADLINE_PANELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Money, 亿元 (hundred million yuan)", "亿元", (
        "gdp_2023", "services_va_2023", "retail_sales_2023", "tourism_revenue_2023", "design_revenue_2023",
        "fixed_asset_investment_2023", "tech_contract_value_2023", "fiscal_revenue_2023",
        "livelihood_spending_2023")),
    ("Rates and shares, %", "%", (
        "gdp_growth_2023", "retail_sales_growth_2023", "livelihood_spending_share_2023",
        "public_inclusive_kindergarten_share", "elevators_share_wuhan_2023")),
    ("People and firms (number)", "number 人/个/家", (
        "new_market_entities_2023", "graduates_employed_2023", "urban_new_jobs_2023", "parking_spaces_new_2023",
        "school_places_new_2023", "high_tech_enterprises_new_2023")),
)


def headline_ids() -> list[str]:
    return [i for _, _, ids in HEADLINE_PANELS for i in ids]


def panel_frame(ind: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """The rows of one dashboard panel, labelled "中文\nEnglish".

    One axis must have one unit: when the report writes the panel's figures in different display units
    (3.1万个 beside 2160个), every bar is drawn in base units (the value column); the end labels keep the
    report's words either way.
    """
    frame = chart_frame(ind, ids)
    frame["label"] = frame["name_zh"] + "\n" + frame["name_en"]
    if len({display_factor(u) for u in frame["unit_zh"]}) > 1:
        frame["shown"] = ind.loc[list(ids), "value"].to_numpy()
    return frame


def headline_dashboard(ind: pd.DataFrame, width: int = 520) -> alt.VConcatChart:
    """The headline figures in three panels by unit, each drawn qualifier-aware
    (analysis.presentation.charts.qualified_bars)."""
    # One source line for all panels (the sections of every panel), so the figure's caption states it once.
    sections = list(dict.fromkeys(ind.loc[[i for _, _, ids in HEADLINE_PANELS for i in ids], "section_key"]))
    panels = [qualified_bars(panel_frame(ind, ids), title, sections, axis, width=width)
              for title, axis, ids in HEADLINE_PANELS]
    return alt.vconcat(*panels, spacing=28).resolve_scale(
        shape="independent", x="independent", y="independent").properties(
        title=alt.TitleParams("The report's headline figures for 2023, by unit", anchor="start", fontSize=15,
                             offset=12))


# -- the guide to the book -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterGuide:
    """The book's chapters as a table: MyST Markdown in the book (links resolved and checked by Sphinx),
    plain text elsewhere."""

    rows: tuple[tuple[str, str, str, str], ...]  # (slug or page, title, sections covered, parameters)
    current: str

    def _repr_markdown_(self) -> str:
        lines = ["| chapter | report sections it covers 章节 | parameters |", "|---|---|---|"]
        for slug, _title, covered, params in self.rows:
            if slug == self.current:
                link = "this page"
            elif slug.startswith("../"):
                link = f"[]({slug}.md)"  # a hand-written page, one folder up
            else:
                link = f"[]({slug}.ipynb)"
            code = ", ".join(f"`{p}`" for p in params.split(", ")) if params else "—"
            lines.append(f"| {link} | {covered} | {code} |")
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        return "\n".join(f"{slug}: {title} — sections: {covered}; parameters: {params or 'none'}"
                         for slug, title, covered, params in self.rows)


def chapter_guide(chapters: Sequence, current: str, pages: Iterable[str] = ()) -> ChapterGuide:
    """The chapters in reading order (from analysis.chapters.CHAPTERS), each linked by its slug, with the report
    sections it covers (Chinese headings) and its parameters; hand-written pages follow."""
    def covered(keys: Iterable[str]) -> str:
        keys = set(keys)
        if keys >= {s.key for s in SECTIONS}:
            return f"all {len(SECTIONS)} sections 全文"
        return "、".join(s.heading for s in SECTIONS if s.key in keys)  # in the report's order

    rows = [(c.slug, c.title, covered(c.sections), ", ".join(p.name for p in c.params)) for c in chapters]
    rows += [(f"../{page}", page, "(about the book)", "") for page in pages]
    return ChapterGuide(tuple(rows), current)


def coverage_frame(chapters: Sequence, structure: pd.DataFrame) -> pd.DataFrame:
    """Chapter × section: which chapter analyses which section of the report."""
    rows = []
    for c in chapters:
        for s in structure.itertuples():
            rows.append({"chapter": c.title, "slug": c.slug, "label": s.label, "heading": s.heading,
                         "name_en": s.name_en, "part_label": s.part_label, "covered": s.key in c.sections})
    return pd.DataFrame(rows)


def coverage_chart(coverage: pd.DataFrame, structure: pd.DataFrame, source: Sequence[str]) -> alt.LayerChart:
    chapters = list(dict.fromkeys(coverage["chapter"]))
    tooltip = [alt.Tooltip("chapter:N"), alt.Tooltip("heading:N", title="section 标题"),
               alt.Tooltip("name_en:N", title="English"), alt.Tooltip("covered:N")]
    base = alt.Chart(coverage).encode(
        x=alt.X("chapter:N", sort=chapters, title=None, axis=alt.Axis(labelAngle=-35, orient="top", labelLimit=220)),
        y=alt.Y("label:N", sort=list(structure["label"]), title=None), tooltip=tooltip)
    grid = base.mark_rect(fill="#f3f3f3", stroke="white")
    dots = base.mark_circle(size=170).encode(color=_part_color(structure)).transform_filter("datum.covered")
    return alt.layer(grid, dots).properties(width=alt.Step(64), height=alt.Step(22), title=alt.TitleParams(
        "Which chapter reads which section of the report",
        subtitle=[*source, "chapters and their sections: src/analysis/chapters/__init__.py"]))
