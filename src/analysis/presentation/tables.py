"""Tables as the book shows them: escaped HTML for the site, a MyST list-table for the PDF, plain text
elsewhere; and the book's standard tables (indicators with their quotes, derived figures with what their
qualifiers allow, outside data kept apart, the review's statements).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.methods.derived import Derived, fmt
from analysis.presentation.markdown import table_markdown

TABLE_MIME = "application/vnd.wuchang.table+json"  # a table's frame, so that its edition can be set again


class Table:
    """A table as the book shows it: escaped HTML for the site, plain text elsewhere.

    Text from data is always escaped; ``breaks`` columns may hold a line break between a Chinese and an
    English term (written as "\n").
    """

    def __init__(self, frame: pd.DataFrame, caption: str = ""):
        self.frame = frame.reset_index(drop=True)
        self.caption = caption

    def _repr_html_(self) -> str:
        def cell(value: object) -> str:
            return "<br>".join(html.escape(part) for part in str(value).split("\n"))

        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
            for row in self.frame.itertuples(index=False)
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f'<table class="wc-table">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def _repr_markdown_(self) -> str:
        """For the PDF: the LaTeX builder takes no HTML; the HTML builder prefers text/html to this."""
        return table_markdown(self.frame, self.caption)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, object]:
        """HTML for the site, Markdown for the PDF, and the frame itself, from which the build sets the table
        again in the other edition's language (``analysis.presentation.edition``)."""
        return {"text/html": self._repr_html_(), "text/markdown": self._repr_markdown_(), "text/plain": repr(self),
                TABLE_MIME: self.to_json()}

    def to_json(self) -> dict[str, object]:
        cells = self.frame.astype(object).where(self.frame.notna(), None)
        return {"caption": self.caption, "columns": [str(c) for c in self.frame.columns],
                "rows": [[v if isinstance(v, str | int | float | bool) or v is None else str(v) for v in row]
                         for row in cells.itertuples(index=False, name=None)]}

    @classmethod
    def from_json(cls, data: dict) -> Table:
        return cls(pd.DataFrame(data["rows"], columns=data["columns"]), data.get("caption", ""))

    def __repr__(self) -> str:
        return (self.caption + "\n" if self.caption else "") + self.frame.to_string(index=False)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()


def indicator_table(ind: pd.DataFrame, section_keys: Iterable[str] | None = None,
                    ids: Iterable[str] | None = None, caption: str = "") -> Table:
    """Indicators with the exact quote and where it stands (paragraph of the report)."""
    sub = ind
    if section_keys is not None:
        sub = sub[sub["section_key"].isin(list(section_keys))]
    if ids is not None:
        sub = sub.loc[list(ids)]
    frame = pd.DataFrame(
        {
            "指标 indicator": sub["name_zh"] + "\n" + sub["name_en"],
            "report says": sub["display"],
            "qualifier": sub["qualifier"],
            "period": sub["period"],
            # what it measures, whose it is, how final (analysis.report.reading); a reading note, where the
            # words alone would mislead, follows
            "reads as": sub["scope"] + " · " + sub["area"] + " · " + sub["status"]
            + sub["reading_note"].map(lambda n: f"\n{n}" if n else ""),
            "quote 原文": "“" + sub["quote"] + "”",
            "¶": sub["paragraph"].astype(str),
            "id": sub["id"],
        }
    )
    return Table(frame, caption or "Indicators with the words of the report they were read from (¶ = paragraph; "
                 "reads as: scope · area · status)")


def derived_table(derived: Sequence[Derived]) -> Table:
    """Derived figures with their formula and what the qualifiers of their inputs allow."""
    return Table(pd.DataFrame(
        {
            "figure 指标": [f"{d.name_zh}\n{d.name_en}" for d in derived],
            "value 数值": [f"{fmt(d.value, 2 if abs(d.value) < 100 else 0)} {d.unit}" for d in derived],
            "formula 算法": [d.formula for d in derived],
            "what the qualifiers allow": [d.reading for d in derived],
            "inputs": [", ".join(d.inputs) for d in derived],
        }
    ), "Derived figures: formula and what the qualifiers of the inputs allow")


@dataclass(frozen=True)
class OutsideFigure:
    """A figure from outside the report, with the source a reader can look up."""

    name: str
    value: float
    unit: str
    source: str


def cited(name: str, value: float, unit: str, source: Any) -> OutsideFigure:
    """An outside figure with its source as a reader can look it up: publisher, title, date, address and grade,
    from a row of data/context (a context-series row or an ``outside_figures`` row). A value that differs from
    the source's (a chapter parameter changed) says so."""
    def get(key: str) -> Any:
        return source[key] if isinstance(source, dict | pd.Series) else getattr(source, key)

    text = (f"{get('publisher')}: 《{get('source_title')}》, {get('dated')}; {get('source_url')}; "
            f"grade: {get('grade')}")
    if not math.isclose(float(value), float(get("value")), rel_tol=1e-9):
        text = f"given as a parameter; the source's figure is {float(get('value')):,.10g}. " + text
    return OutsideFigure(name, value, unit, text)


def outside_table(figures: Sequence[OutsideFigure]) -> Table:
    return Table(pd.DataFrame({
        "figure 数据": [f.name for f in figures],
        "value 数值": [f"{f.value:,.10g} {f.unit}" for f in figures],
        "source 来源 (not the report)": [f.source for f in figures],
    }), "Outside data used in this chapter, kept apart from the report's figures")


def statement_table(frame: pd.DataFrame, caption: str) -> Table:
    """The review's statements (``analysis.methods.statements.review_statements``) as the book shows them."""
    return Table(pd.DataFrame({
        "theme 主题": frame["theme"],
        "statement 表述 (clause of the report)": frame["clause"],
        "domain 领域": frame["domain"],
        "figure 数字": frame["figures"].replace("", "—"),
        "¶": frame["paragraph"].astype(str),
    }), caption)
