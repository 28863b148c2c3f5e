"""The review's statements as a structured list: every clause of a review section, its sub-heading, its domain
(by keyword) and the report's numbers it holds. The well-being and governance chapters read their mostly prose
sections this way.

The outlook's commitments are not split here: they are read from ``analysis.methods.commitments`` (one
segmentation, one rule of what is checkable, for every chapter); this module only gives them a domain
(``with_domain``). The rules are plain keyword lists, shown to readers, so the classification can be argued with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.report.text import REVIEW, SECTION_BY_KEY, SENTENCE_END, Report, load_report, sentences

CLAUSE_SPLIT = re.compile(r"[,\uff0c]")  # the report writes half-width commas; full-width ones too
END_PUNCT = re.compile(f"[{SENTENCE_END}]+$")
# A clause opening with these words states the purpose of the one before it (…,让居民享有…), not a new measure.
PURPOSE_OPENERS = ("让", "使", "以便", "确保")
# The label of a paragraph without a sub-heading of its own (the section's opening paragraph).
OPENING = "opening 导语"

OTHER = "other 其他"


def clauses(sentence: str) -> list[str]:
    """Comma-separated clauses of a sentence, end punctuation dropped, purpose clauses kept with their measure."""
    parts = [p.strip() for p in CLAUSE_SPLIT.split(END_PUNCT.sub("", sentence)) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and part.startswith(PURPOSE_OPENERS):
            merged[-1] += "," + part
        else:
            merged.append(part)
    return merged


def classify(text: str, domains: Sequence[tuple[str, tuple[str, ...]]]) -> str:
    """The first domain one of whose keywords occurs in the text; ``OTHER`` when none does."""
    for name, words in domains:
        if any(w in text for w in words):
            return name
    return OTHER


def review_statements(section_keys: Iterable[str], domains: Sequence[tuple[str, tuple[str, ...]]],
             ind: pd.DataFrame | None = None, report: Report | None = None) -> pd.DataFrame:
    """Every clause of the review sections' body paragraphs, one row each, with its sub-heading ("theme") and
    domain.

    ``ind`` (the indicator table) marks clauses that contain an indicator's quote: they carry a number of
    the report (``numbered``), and its id and display form are given. Outlook sections are refused: their
    commitments are cut and classed by ``analysis.methods.commitments`` alone, so no chapter counts them differently.
    """
    section_keys = list(section_keys)
    outlook = [k for k in section_keys if k not in REVIEW]
    if outlook:
        raise ValueError(f"{', '.join(outlook)}: not a review section; read outlook commitments with "
                         "analysis.methods.commitments.commitments and select()")
    report = report or load_report()
    quotes = [] if ind is None else list(zip(ind["id"], ind["quote"], ind["display"], strict=True))
    rows = []
    for key in section_keys:
        for para in (p for p in report.paragraphs if p.section == key and p.role == "body"):
            theme = para.subheading or OPENING
            for s_no, sentence in enumerate(sentences(para.body), start=1):
                for clause in clauses(sentence):
                    hits = [(i, d) for i, q, d in quotes if q in clause]
                    rows.append({
                        "section": key,
                        "heading": SECTION_BY_KEY[key].heading,
                        "part": SECTION_BY_KEY[key].part,
                        "paragraph": para.index + 1,
                        "theme": theme,
                        "sentence": s_no,
                        "clause": clause,
                        "domain": classify(clause, domains),
                        "numbered": bool(hits),
                        "indicators": ", ".join(i for i, _ in hits),
                        "figures": "、".join(d for _, d in hits),
                    })
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["order"] = frame.groupby(["section", "theme"], sort=False).cumcount() + 1
    return frame


NUMBERED = "with a number of the report 有数字"
UNNUMBERED = "without a number 无数字"


def counts_by(frame: pd.DataFrame, by: str, column: str, values: Sequence[str]) -> pd.DataFrame:
    """Rows per ``by`` value and ``column`` value, every value present (zeros included) so charts keep their legend."""
    counts = frame.groupby([by, column]).size().rename("clauses").reset_index()
    full = pd.MultiIndex.from_product([frame[by].unique(), list(values)], names=[by, column])
    return counts.set_index([by, column]).reindex(full, fill_value=0).reset_index()


def with_domain(commitments: pd.DataFrame, domains: Sequence[tuple[str, tuple[str, ...]]]) -> pd.DataFrame:
    """Outlook commitments (rows of ``analysis.methods.commitments.commitments``) with the chapter's domain of each."""
    out = commitments.copy()
    out["domain"] = out["text"].map(lambda t: classify(t, domains))
    return out


# --- derived figures ------------------------------------------------------------------------------------------
