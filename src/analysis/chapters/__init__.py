"""The book's chapters, in reading order, with their parameters: the one place the chapter list lives, and the
table of contents generated from it.

Each chapter's own code is the module of this package named after it (``notebooks/04_wellbeing.ipynb`` →
``analysis.chapters.wellbeing``); chapters without code of their own use the shared layers only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis.chapters.params import Param, validate
from analysis.errors import ParameterError
from analysis.methods.derived import APPROX_TOLERANCE
from analysis.paths import BOOK_CHAPTERS, NOTEBOOKS, SOURCE_NOTES, USERDICT, relative
from analysis.presentation.language import gettext
from analysis.report.text import OUTLOOK, REVIEW, SECTION_KEYS

# Residents of Wuchang, 2020 census: outside data, the census_pop row of data/context/context_series.csv (a
# test keeps the two equal). A literal, because a notebook's parameters cell must state its default.
CENSUS_POPULATION = 1092750
# The population parameter of the chapters that express counts per resident.
POPULATION = Param("population", "int", CENSUS_POPULATION,
                   "residents of Wuchang, outside data: 2020 census (武汉市第七次全国人口普查公报(第二号), 2021-05-28)",
                   minimum=1, maximum=100_000_000)


def population_basis(population: int, year_used: int = 2023) -> str:
    """What a per-resident figure rests on, in words, from the census row of the context series (its year and
    grade); any other population is the analyst's, and says so."""
    from analysis.datasets.context_series import latest, load_context

    census = latest(load_context(), "census_pop", 2020)
    if census is None or population != int(census["value"]):
        return f"a population of {population:,} given as a parameter, not checked against a source"
    return (f"the {census['year']} census count of residents, {year_used - census['year']} years before "
            f"{year_used}, read on a copy graded {census['grade']}")


@dataclass(frozen=True)
class Chapter:
    slug: str  # notebooks/<slug>.ipynb
    title: str
    sections: tuple[str, ...]  # report section keys (analysis.report.text.SECTIONS) it analyses
    params: tuple[Param, ...] = ()
    # analysis: reads sections of the report, with charts and a table of their figures; notes: about the text
    kind: str = "analysis"

    @property
    def notebook(self):
        return NOTEBOOKS / f"{self.slug}.ipynb"

    @property
    def output(self):
        return BOOK_CHAPTERS / f"{self.slug}.ipynb"


TOC_PARTS = ("Chapters", "Appendix")  # the executed chapters, then the hand-written pages
# Hand-written pages after the chapters, in book/ (without the .md suffix).
PAGES: tuple[str, ...] = ("method", "glossary", "data", "changelog", "cite")

# Reading order. Chapters are added here and nowhere else; the table of contents is generated from it.
CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "00_at_a_glance",
        "The report at a glance 报告概览",
        SECTION_KEYS,
        (
            Param("density_unit", "int", 1000,
                  "numeral density is counted per this many characters of body text", minimum=100, maximum=100_000),
            Param("count_excluded", "bool", True,
                  "count numerals that are not quantities (names, slogans, labels in data/exclusions.csv) in the "
                  "density too"),
        ),
    ),
    Chapter(
        "01_regional_strength",
        "Regional strength 区域实力",
        ("review-1", "outlook-1"),
        (
            Param("gdp_target_yuan", "float", 200_000_000_000.0,
                  "GDP level to compare 2023 with, yuan (default: the 2000亿元 the preface says the economy is heading "
                  "toward; 迈向 is a description, not a target)", minimum=1e9, maximum=1e13),
            Param("scenario_growth", "float", 6.5,
                  "nominal GDP growth assumed for 2024, percent (default: 2023's reported 6.5%左右)",
                  minimum=-20, maximum=30),
            Param("approx_tolerance", "float", APPROX_TOLERANCE,
                  "how far a 左右/近 figure may stray, as a share of its value", minimum=0, maximum=0.5),
        ),
    ),
    Chapter(
        "02_innovation",
        "Innovation 创新动能",
        ("review-2", "outlook-2", "outlook-3"),
        (
            Param("carbon_price_yuan_per_tonne", "float", 56.4,
                  "national carbon-market price, yuan per tonne, to express 4.3亿吨 in yuan (default: cumulative "
                  "average to end-2023, computed from data/context/carbon_market.csv)", minimum=1, maximum=1000),
            Param("comparison_base", "str", "gdp_2023",
                  "indicator the carbon market and technology contracts are set against",
                  choices=("gdp_2023", "services_va_2023", "fiscal_revenue_2023")),
        ),
    ),
    Chapter(
        "03_urban_quality",
        "Urban quality 城区品质",
        ("review-3", "outlook-4"),
        (
            Param("log_scale", "bool", True,
                  "draw the counts of 2023's works on a log axis (they run from 5 roads to 1.3万 parking spaces)"),
        ),
    ),
    Chapter(
        "04_wellbeing",
        "Well-being 民生福祉",
        ("review-4", "outlook-5"),
        (
            POPULATION,
            Param("spending_margin_pct", "float", 0.0,
                  "assumed excess of true livelihood spending over the report's lower bound 超86亿元, percent",
                  minimum=0, maximum=200),
            Param("childcare_benchmark_per_1000", "float", 4.5,
                  "childcare places per 1000 residents to compare with, outside data: national 2025 goal, "
                  "十四五规划纲要 (2021)", minimum=0, maximum=100),
        ),
    ),
    Chapter(
        "05_governance",
        "Governance 基层治理与服务型政府",
        ("review-5", "outlook-6", "outlook-5"),
        (
            POPULATION,
            Param("per_residents", "int", 10000,
                  "per-resident figures are given per this many residents", minimum=1, maximum=1_000_000),
        ),
    ),
    Chapter(
        "06_estimates",
        "From estimate to final 从预计到决算",
        ("preface", "review-1"),
        (
            Param("indicator", "str", "gp_budget_revenue",
                  "the series to look at year by year, with every figure known for each year",
                  choices=("gdp", "gp_budget_revenue", "fai", "services_va", "retail_sales")),
            Param("revision_threshold_pct", "float", 2.0,
                  "a revision larger than this, in percent of the earlier figure, counts as large",
                  minimum=0, maximum=100),
            Param("unchanged_tolerance_pct", "float", 0.01,
                  "a revision smaller than this either way, in percent, counts as unchanged",
                  minimum=0, maximum=1),
            Param("approx_tolerance", "float", APPROX_TOLERANCE,
                  "how far a 左右 figure may stray, as a share of its value", minimum=0, maximum=0.5),
        ),
    ),
    Chapter(
        "07_commitments",
        "The outlook as commitments 展望中的承诺",
        (*OUTLOOK, *REVIEW, "preface"),
        (
            Param("top_n", "int", 15, "how many words (and verbs) each word chart shows per part",
                  minimum=3, maximum=40),
            Param("min_count", "int", 3,
                  "a word needs at least this many occurrences in both parts together to get a distinctiveness "
                  "ratio", minimum=1, maximum=50),
            Param("smoothing", "float", 0.5, "additive smoothing of word counts in the log ratio (must be above zero)",
                  minimum=0.01, maximum=10),
            Param("userdict_path", "path", relative(USERDICT),
                  "jieba user dictionary of project terms ('word frequency tag' per line; names tagged nz/ns/nt)",
                  roots=("data",)),
        ),
    ),
    Chapter(
        "08_places",
        "Places 地图",
        ("preface", "review-2", "review-3", "outlook-4"),
        (
            Param("zones_path", "path", "",
                  "places layer to draw: a GeoJSON under data/ with a declared CRS and name_zh, name_en, basis, "
                  "precision_m, schematic on every feature; empty: the schematic layer "
                  "data/geo/places_schematic.geojson",
                  roots=("data",)),
            Param("boundary_source", "str", "amap",
                  "district boundaries: amap (detailed, converted from GCJ-02) or tianditu (official, simplified)",
                  choices=("amap", "tianditu")),
        ),
    ),
    Chapter(
        "09_wuhan_districts",
        "Among Wuhan's districts 武汉各区",
        ("review-1",),
        (
            Param("boundary_source", "str", "amap",
                  "district boundaries: amap (detailed, converted from GCJ-02) or tianditu (official, simplified)",
                  choices=("amap", "tianditu")),
        ),
    ),
    Chapter(
        "90_source_notes",
        "Source notes 原文勘误",
        SECTION_KEYS,
        (
            Param("context_chars", "int", 6, "characters of the surrounding text shown on each side of a passage",
                  minimum=0, maximum=40),
            Param("notes_path", "path", relative(SOURCE_NOTES),
                  "the notes file to validate and show (columns id, passage, kind, problem, treatment)",
                  roots=("data",)),
        ),
        kind="notes",
    ),
)


def get(slug: str) -> Chapter:
    for chapter in CHAPTERS:
        if slug in (chapter.slug, chapter.slug.split("_", 1)[0], chapter.slug.split("_", 1)[-1]):
            return chapter
    names = ", ".join(c.slug for c in CHAPTERS)
    raise ParameterError(f"unknown chapter {slug!r}; chapters are: {names}")


def toc_yaml() -> str:
    """_toc.yml: the chapters in reading order under their parts, the hand-written pages last (pages under
    book/, where the runner writes the executed chapters)."""
    lines = ["# Written from src/analysis/chapters/__init__.py by the build (a test keeps the committed file equal);",
             "# add chapters there, not here.", "format: jb-book", "root: book/intro", "parts:"]
    for part in TOC_PARTS:
        members = list(CHAPTERS) if part == TOC_PARTS[0] else []
        pages = list(PAGES) if part == TOC_PARTS[-1] else []
        if not members and not pages:
            continue
        caption = gettext(part)  # a name of TOC_PARTS (editions.config_messages lists them for the catalog)
        lines += [f"  - caption: {caption}"]
        # Chapters are numbered, so their figures are too (Fig. 3.2), alike in the HTML and the PDF (where LaTeX
        # numbers chapters); the hand-written pages of the appendix hold no figures and stay unnumbered.
        lines += ["    numbered: true"] if part == TOC_PARTS[0] else []
        lines += ["    chapters:"]
        lines += [f"      - file: book/chapters/{c.slug}" for c in members]
        lines += [f"      - file: book/{p}" for p in pages]
    return "\n".join(lines) + "\n"


def checked_parameters(slug: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """A chapter's parameters as its notebook holds them, checked and converted by their declaration.

    The cell after a notebook's parameters cell calls this, so a chapter run by plain papermill, in JupyterLab or
    by ``python -m analysis run`` refuses a bad value alike (``-p log_scale false`` arrives as the text "false"
    and becomes False; ``-p scenario_growth 500`` is refused with the range it must lie in).
    """
    chapter = get(slug)
    return validate(chapter.slug, chapter.params, {p.name: namespace[p.name] for p in chapter.params
                                                   if p.name in namespace})
