"""What the district's later reviews say about the report's commitments for 2024.

``data/context/later_reviews.csv`` lists the later texts that could be read: the review of 2024 (December 2024)
and of 2025, each with its page and grade. Only the beginning of each page could be read, and that beginning is
kept verbatim in ``data/context/later_reviews/``, so that the book can say how much it read and a test can find
every quote in it.

``data/context/commitment_followup.csv`` matches a commitment of the outlook (its words as the outlook prints
them) with a quote of a later text and a verdict. A commitment without a row is *not mentioned in the text
read*, which, with so little read, never means *not done*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.datasets.csv_rows import Column, cell_problems, read_csv_rows
from analysis.datasets.provenance import PROVENANCE_COLUMNS, row_problems
from analysis.errors import DataError, Problem
from analysis.paths import COMMITMENT_FOLLOWUP, CONTEXT, LATER_REVIEWS, relative
from analysis.read_log import record_read
from analysis.report.text import OUTLOOK, SENTENCE_FINAL, Report, load_report, read_text_strict

VERDICTS = {
    "reported done": "the later text reports the committed step done in the year it was committed for",
    "reported done later": "a text of a later year reports the step, or one beyond it, done; when the committed "
                           "step itself was done it does not say",
    "reported in part": "the later text reports part of the committed step done (a first phase of a whole)",
    "subject named": "the later text names the commitment's subject but says nothing of the committed step",
    "related, not named": "the later text reports something related, naming neither the commitment's subject "
                          "nor its step",
    "named differently": "the later text reports a project whose name differs from the commitment's; whether "
                         "they are one is left open",
    "contradicted": "the later text says the step did not happen, or happened otherwise",
}
NOT_MENTIONED = "not mentioned in the text read"

REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("key", "a short name of the text, used by commitment_followup.csv"),
    Column("reviews_year", "the year the text gives an account of"),
    *PROVENANCE_COLUMNS,
    Column("file", "the beginning of the page as read, verbatim, relative to data/context/"),
    Column("note", "what the text is and how much of it could be read", optional=True),
)
FOLLOWUP_COLUMNS: tuple[Column, ...] = (
    Column("commitment", "the commitment as the outlook prints it"),
    Column("review", "the key of the later text (later_reviews.csv)"),
    Column("quote", "the later text's words, verbatim; they must stand in the text read"),
    Column("verdict", "; ".join(f"{k} = {v}" for k, v in VERDICTS.items()), tuple(VERDICTS)),
    Column("note", "why the verdict, and what the quote leaves open", optional=True),
)


def _squeeze(text: str) -> str:
    """The text without line breaks and spaces: a page's layout breaks lines anywhere."""
    return re.sub(r"\s+", "", text)


def _read_reviews(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    rows, problems = read_csv_rows(path, REVIEW_COLUMNS)
    name = relative(path)
    good = []
    for line, row in rows:
        bad = row_problems(row, REVIEW_COLUMNS, name, line)
        if not row["reviews_year"].isdigit():
            bad.append(Problem(name, line, "reviews_year", f"found {row['reviews_year']!r}; expected a year"))
        text_path = path.parent / row["file"]
        if not text_path.is_file():
            bad.append(Problem(name, line, "file", f"found {row['file']!r}; no such file beside {name}"))
        else:
            text = read_text_strict(text_path)
            if row["excerpt"] and _squeeze(row["excerpt"]) not in _squeeze(text):
                bad.append(Problem(name, line, "excerpt", f"{row['excerpt']!r} is not in {row['file']}"))
        problems += bad
        if not bad:
            good.append({**row, "reviews_year": int(row["reviews_year"]), "text": text, "line": line})
    keys = [r["key"] for _, r in rows]
    problems += [Problem(name, None, "key", f"{k!r} is used {keys.count(k)} times; expected once")
                 for k in sorted(set(keys)) if keys.count(k) > 1]
    return pd.DataFrame(good), problems


def _read_followups(path: Path, reviews: pd.DataFrame, report: Report) -> tuple[pd.DataFrame, list[Problem]]:
    rows, problems = read_csv_rows(path, FOLLOWUP_COLUMNS)
    name = relative(path)
    outlook = _squeeze("".join(report.section_text(k) for k in OUTLOOK))
    texts = dict(zip(reviews.get("key", []), reviews.get("text", []), strict=True))
    good, seen = [], set()
    for line, row in rows:
        bad = cell_problems(row, FOLLOWUP_COLUMNS, name, line)
        if _squeeze(row["commitment"]) not in outlook:
            bad.append(Problem(name, line, "commitment", f"{row['commitment']!r} is not in the report's outlook"))
        if row["review"] not in texts:
            bad.append(Problem(name, line, "review", f"found {row['review']!r}; expected a key of "
                                                     f"{relative(LATER_REVIEWS)}: {', '.join(texts) or 'none'}"))
        elif _squeeze(row["quote"]) not in _squeeze(texts[row["review"]]):
            bad.append(Problem(name, line, "quote", f"{row['quote']!r} is not in the text read of {row['review']}"))
        pair = (row["commitment"], row["review"])
        if pair in seen:
            bad.append(Problem(name, line, "commitment", f"{row['commitment']!r} is matched with {row['review']} "
                                                         "twice; expected one verdict per text"))
        seen.add(pair)
        problems += bad
        if not bad:
            good.append({**row, "line": line})
    return pd.DataFrame(good, columns=[c.name for c in FOLLOWUP_COLUMNS] + ["line"]), problems


def validate_later_reviews(reviews_path: Path = LATER_REVIEWS, followup_path: Path = COMMITMENT_FOLLOWUP,
                           report: Report | None = None) -> list[Problem]:
    reviews, problems = _read_reviews(reviews_path)
    return problems + _read_followups(followup_path, reviews, report or load_report())[1]


@dataclass(frozen=True)
class LaterReviews:
    """The later texts read (one row each, with the text) and the commitments matched in them."""

    texts: pd.DataFrame
    followups: pd.DataFrame


def characters(text: str) -> int:
    """Characters of a text as a reader counts them: line breaks and spaces left out."""
    return len(_squeeze(text))


def load_later_reviews(reviews_path: Path = LATER_REVIEWS, followup_path: Path = COMMITMENT_FOLLOWUP,
                       report: Report | None = None) -> LaterReviews:
    reviews, problems = _read_reviews(reviews_path)
    followups, more = _read_followups(followup_path, reviews, report or load_report())
    if problems + more:
        raise DataError(problems + more)
    record_read(reviews_path)
    record_read(followup_path)
    for f in reviews["file"]:
        record_read(CONTEXT / f)
    reviews["characters"] = reviews["text"].map(characters)
    reviews["cut_off"] = reviews["text"].map(lambda t: t.rstrip()[-1] not in SENTENCE_FINAL)
    reviews["last_words"] = reviews["text"].map(lambda t: _squeeze(t)[-12:])
    # The title without the session and speaker the record adds in brackets: 《政府工作报告》.
    reviews["short_title"] = reviews["source_title"].map(lambda t: f"《{t.split('(')[0]}》")
    return LaterReviews(reviews, followups)
