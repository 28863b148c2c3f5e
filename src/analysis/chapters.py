"""The book's chapters, in reading order, with their parameters: the one place the chapter list lives."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.errors import ParameterError
from analysis.params import Param
from analysis.paths import BOOK_CHAPTERS, NOTEBOOKS


@dataclass(frozen=True)
class Chapter:
    slug: str  # notebooks/<slug>.ipynb
    title: str
    sections: tuple[str, ...]  # report section keys (analysis.source.SECTIONS) it analyses
    params: tuple[Param, ...] = ()
    part: str = "Chapters"  # the table-of-contents part: Chapters | Appendix

    @property
    def notebook(self):
        return NOTEBOOKS / f"{self.slug}.ipynb"

    @property
    def output(self):
        return BOOK_CHAPTERS / f"{self.slug}.ipynb"


PARTS = ("Chapters", "Appendix")
# Hand-written pages after the chapters, in book/ (without the .md suffix).
PAGES: tuple[str, ...] = ("method",)

# Reading order. Chapters are added here and nowhere else; the table of contents is generated from it.
CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "01_regional_strength",
        "Regional strength 区域实力",
        ("review-1", "outlook-1"),
        (
            Param("gdp_target_yuan", "float", 200_000_000_000.0,
                  "GDP level to reach, yuan (default: the preface's 迈向2000亿元)", minimum=1e9, maximum=1e13),
            Param("scenario_growth", "float", 6.5,
                  "nominal GDP growth assumed for 2024, percent (default: 2023's reported 6.5%左右)",
                  minimum=-20, maximum=30),
            Param("approx_tolerance", "float", 0.05,
                  "how far a 左右/近 figure may stray, as a share of its value", minimum=0, maximum=0.5),
        ),
    ),
)


def get(slug: str) -> Chapter:
    for chapter in CHAPTERS:
        if slug in (chapter.slug, chapter.slug.split("_", 1)[0], chapter.slug.split("_", 1)[-1]):
            return chapter
    names = ", ".join(c.slug for c in CHAPTERS)
    raise ParameterError(f"unknown chapter {slug!r}; chapters are: {names}")
