"""Tables and glued values for chapters: what a reader sees next to every number — its quote and place."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

from analysis.derive import display_factor
from analysis.source import SECTION_BY_KEY


def shown(ind: pd.DataFrame) -> pd.Series:
    """Values in the report's own display units (亿元 stays 亿元)."""
    return pd.Series([v / display_factor(u) for v, u in zip(ind["value"], ind["unit_zh"], strict=True)],
                     index=ind.index)


def chart_frame(ind: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """The columns a qualifier-aware chart needs, for the given indicators in the given order."""
    sub = ind.loc[list(ids)].copy()
    sub["label"] = sub["name_zh"] + " " + sub["name_en"]
    sub["shown"] = shown(sub)
    sub["phrase"] = sub["display"]
    return sub[["id", "label", "shown", "phrase", "qualifier", "quote", "name_en", "name_zh", "unit_zh", "section"]]


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
        from analysis.pdf import table_markdown

        return table_markdown(self.frame, self.caption)

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
            "quote 原文": "“" + sub["quote"] + "”",
            "¶": sub["paragraph"].astype(str),
            "id": sub["id"],
        }
    )
    return Table(frame, caption or "Indicators with the words of the report they were read from (¶ = paragraph)")


def section_headings(*keys: str) -> str:
    return "; ".join(f"{SECTION_BY_KEY[k].heading} ({SECTION_BY_KEY[k].name_en})" for k in keys)


def glue(name: str, value: object) -> None:
    """Make a computed value available to the chapter's prose (``{glue:text}`name```).

    numpy scalars become plain Python numbers: myst-nb formats the stored text form, and
    ``np.float64(…)`` would not parse.
    """
    from myst_nb import glue as myst_glue

    if hasattr(value, "item"):
        value = value.item()
    myst_glue(name, value, display=False)
