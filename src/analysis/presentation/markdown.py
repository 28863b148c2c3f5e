"""Text for MyST Markdown: the one escaper of plain text, and tables as MyST list-tables for the PDF.

The LaTeX builder takes no HTML. ``analysis.presentation.tables.Table`` offers this Markdown (text/markdown,
which the HTML builder ranks below text/html): a MyST list-table that LaTeX sets as a longtable, so a long
table breaks across pages and repeats its header, with ragged-right columns sized from their contents and a
numbered caption.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
# Where a line may break inside a cell: spaces, Chinese characters, and (in tables only) underscores.
BREAKS = re.compile(r"[\s_\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+")
CAPACITY = 104  # half-width characters on a line of \footnotesize text (17 cm of DejaVu Serif at 8 pt)
PADDING = 3  # the space between two columns, in the same unit
MAX_WANT = 48  # no column asks for more than this, however long its cells
URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:)\]）。，]")


def escape(text: str) -> str:
    """Plain text safe in MyST: every ASCII punctuation mark backslash-escaped (CommonMark allows all)."""
    return ASCII_PUNCT.sub(r"\\\1", text)


def _width(text: str) -> int:
    """Printed width in half-width characters: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(headers: list[str], columns: list[list[str]]) -> list[int]:
    """Each column's width in half-width characters: in proportion to its typical (90th percentile) line,
    but never narrower than its longest unbreakable word; the columns together fill at most one line."""
    mins, wants = [], []
    for header, cells in zip(headers, columns, strict=True):
        lines = [part for cell in cells for part in cell.split("\n")] or [""]
        # A web address is set as a link, which LaTeX breaks after its slashes.
        words = [w for t in [header, *lines] for w in BREAKS.split(URL.sub(lambda m: m[0].replace("/", " "), t))]
        word = max(_width(w) for w in words)
        typical = sorted(_width(t) for t in lines)[int(0.9 * (len(lines) - 1))]
        mins.append(max(2, word))
        wants.append(max(2, word, min(typical, MAX_WANT), min(_width(header), 12)))
    room = CAPACITY - PADDING * len(headers)
    if sum(wants) <= room:
        return wants
    fixed: dict[int, int] = {}  # columns held at their minimum
    while True:
        free = [i for i in range(len(wants)) if i not in fixed]
        left = room - sum(fixed.values())
        if not free or left <= 0:
            return mins
        scale = left / sum(wants[i] for i in free)
        short = {i: mins[i] for i in free if mins[i] > wants[i] * scale}
        if not short:
            return [fixed.get(i, max(mins[i], int(wants[i] * scale))) for i in range(len(wants))]
        fixed.update(short)


def _inline(text: str) -> str:
    """Escaped text whose web addresses become links (LaTeX breaks those at slashes; plain text cannot)."""
    out, last = [], 0
    for m in URL.finditer(text):
        out += [escape(text[last:m.start()]), f"<{m.group(0)}>"]
        last = m.end()
    return "".join(out) + escape(text[last:])


def _cell(value: object) -> str:
    """One cell: escaped; its lines become paragraphs; never empty (an empty item breaks the list)."""
    parts = [_inline(p.strip()) for p in str(value).split("\n")]
    text = "\n\n    ".join(p for p in parts if p)
    return text or "\u00a0"


def table_markdown(frame: pd.DataFrame, caption: str = "") -> str:
    """A table as MyST for the PDF: a longtable (header row repeated on every page), numbered caption."""
    cells = frame.astype(str)
    headers = [str(c) for c in frame.columns]
    widths = column_widths(headers, [list(cells.iloc[:, i]) for i in range(len(headers))])
    # \X{a}{b} is a/b of the line less the column's padding, so each column asks for its width plus padding.
    total = max(sum(widths) + PADDING * len(widths), CAPACITY)
    colspec = "".join(rf">{{\raggedright\arraybackslash}}\X{{{w + PADDING}}}{{{total}}}" for w in widths)
    out = ["```{raw} latex",
           r"\begingroup\footnotesize",
           "```", "", f"```{{tabularcolumns}} {colspec}", "```", "",
           f"```{{list-table}} {escape(caption)}".rstrip(),
           ":header-rows: 1", f":widths: {' '.join(str(w) for w in widths)}", ":class: longtable", ""]
    for row in [headers, *cells.itertuples(index=False, name=None)]:
        for i, value in enumerate(row):
            out.append(("* - " if i == 0 else "  - ") + _cell(value))
    out += ["```", "", "```{raw} latex", r"\endgroup", "```"]
    return "\n".join(out) + "\n"
