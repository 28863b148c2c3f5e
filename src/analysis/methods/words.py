"""What the review and the outlook emphasise in words: jieba word counts per part, the most frequent words and
the words most distinctive of each part (a smoothed log ratio of rates).

Words are cut with the project's term dictionary and counted in the text as read with the certain corrections
of the source notes (``analysis.datasets.notes.reading_text``), never in quotes.
"""

from __future__ import annotations

import logging
import math
import re
from pathlib import Path

import pandas as pd

from analysis.datasets.notes import reading_text
from analysis.datasets.userdict import read_userdict
from analysis.paths import USERDICT
from analysis.report.text import OUTLOOK, REVIEW, Report

# Words left out of the counts, and why: the district's own name and its synonyms (they name the subject in
# both parts, not an emphasis); the year frame; and function words of two characters or more that jieba
# keeps whole (single characters are dropped anyway).
STOPWORDS: frozenset[str] = frozenset({
    "武昌", "武昌区", "全区", "辖区", "区域", "全年", "今年", "一年", "年度",
    "以及", "其中", "通过", "等等", "进行", "作为", "成为", "实现了", "一个",
})
CJK = re.compile(r"[\u4e00-\u9fff]")


def tokenizer(userdict: Path = USERDICT):
    """A jieba tokenizer of its own (the global one is shared state) with the project terms added."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for term in read_userdict(userdict):
        tok.add_word(term.word, freq=2000, tag=term.tag)
    return tok


def part_text(report: Report, keys: tuple[str, ...]) -> str:
    """The body text of the given sections, with the certain corrections of the source notes applied."""
    return reading_text("\n".join(report.section_text(k) for k in keys))


def keep(token: str, stopwords: frozenset[str] = STOPWORDS) -> bool:
    """A content word: two characters or more, Chinese (or an upper-case acronym such as GDP), no digits."""
    if token in stopwords or len(token) < 2:
        return False
    if any(ch.isdigit() for ch in token):
        return False
    return bool(CJK.search(token)) or (token.isascii() and token.isalpha() and token.isupper())


def words(text: str, tok, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    return [w for w in tok.cut(text, HMM=False) if keep(w, stopwords)]


def word_counts(report: Report, tok, stopwords: frozenset[str] = STOPWORDS) -> pd.DataFrame:
    """Word counts per part: columns word, review, outlook (0 where a word is absent)."""
    counts = {}
    for part, keys in (("review", REVIEW), ("outlook", OUTLOOK)):
        counts[part] = pd.Series(words(part_text(report, keys), tok, stopwords)).value_counts()
    df = pd.DataFrame(counts).fillna(0).astype(int)
    df.index.name = "word"
    return df.reset_index().sort_values(["word"]).reset_index(drop=True)


def top_words(counts: pd.DataFrame, part: str, top_n: int) -> pd.DataFrame:
    """The part's most frequent words, with their share of its words (per 1000); ties broken by the word."""
    total = counts[part].sum()
    sub = counts[counts[part] > 0].sort_values([part, "word"], ascending=[False, True]).head(top_n).copy()
    sub["per_1000"] = 1000 * sub[part] / total
    sub["part"] = part
    sub["count"] = sub[part]
    return sub[["part", "word", "count", "per_1000", "review", "outlook"]]


def log_ratio(counts: pd.DataFrame, smoothing: float = 0.5, min_count: int = 3) -> pd.DataFrame:
    """How much more often a word appears in the outlook than in the review, as a log2 ratio of rates.

    log2( ((o + a) / (N_o + a·V)) / ((r + a) / (N_r + a·V)) ), with counts o, r, part totals N, vocabulary V
    and additive smoothing a, so that a word absent from one part gets a finite, shrunk ratio. Words seen
    fewer than ``min_count`` times in both parts together are left out: their ratios are noise.
    """
    if smoothing <= 0:
        raise ValueError("smoothing must be positive, or words absent from one part get an infinite ratio")
    v = len(counts)
    n_o, n_r = counts["outlook"].sum(), counts["review"].sum()
    sub = counts[(counts["outlook"] + counts["review"]) >= min_count].copy()
    rate_o = (sub["outlook"] + smoothing) / (n_o + smoothing * v)
    rate_r = (sub["review"] + smoothing) / (n_r + smoothing * v)
    sub["log2_ratio"] = (rate_o / rate_r).map(math.log2)
    sub["leans"] = sub["log2_ratio"].map(lambda x: "outlook 展望" if x > 0 else "review 回眸")
    return sub.sort_values(["log2_ratio", "word"], ascending=[False, True]).reset_index(drop=True)


def distinctive(ratios: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The top_n words leaning most to each part."""
    out = pd.concat([ratios.head(top_n), ratios.tail(top_n)])
    return out.drop_duplicates("word").reset_index(drop=True)
