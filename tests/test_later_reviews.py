"""What the later reviews say of the outlook's commitments: every quote stands in the text read, every
commitment in the outlook, and a commitment no text speaks of is 'not mentioned in the text read', never 'not
done'."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from analysis.chapters.commitments import VERDICT_ORDER, followups
from analysis.datasets.indicators import load_indicators
from analysis.datasets.later_reviews import (
    NOT_MENTIONED,
    VERDICTS,
    characters,
    load_later_reviews,
    validate_later_reviews,
)
from analysis.datasets.userdict import read_userdict
from analysis.methods import commitments as cm
from analysis.paths import COMMITMENT_FOLLOWUP, CONTEXT, LATER_REVIEWS, USERDICT


@pytest.fixture(scope="module")
def table(report):
    return cm.commitments(report, load_indicators(), read_userdict(USERDICT))


def _copy(tmp_path):
    """The two files and the texts in a folder of their own, to be spoiled by a test."""
    shutil.copytree(CONTEXT / "later_reviews", tmp_path / "later_reviews")
    shutil.copy(LATER_REVIEWS, tmp_path / LATER_REVIEWS.name)
    return tmp_path / LATER_REVIEWS.name, tmp_path / COMMITMENT_FOLLOWUP.name


def _write_followups(path, change):
    rows = list(csv.DictReader(io.StringIO(COMMITMENT_FOLLOWUP.read_text(encoding="utf-8"))))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_the_files_are_valid_and_every_quote_stands_in_its_text(report):
    assert validate_later_reviews(report=report) == []
    later = load_later_reviews(report=report)
    texts = dict(zip(later.texts["key"], later.texts["text"], strict=True))
    for row in later.followups.itertuples():
        assert row.quote.replace(" ", "") in texts[row.review].replace("\n", "").replace(" ", "")
    # the texts are only the pages' beginnings: each stops mid-sentence, which the chapter says
    assert later.texts["cut_off"].all()
    assert characters("一、\n二 三") == 4


@pytest.mark.parametrize(("change", "says"), [
    (lambda rows: rows[0].update(quote="华中首家SKP盛大开业、首日销售额破十亿元"), "is not in the text read"),
    (lambda rows: rows[0].update(commitment="做好武汉SKP开业服务工作"), "is not in the report's outlook"),
    (lambda rows: rows[0].update(review="gwr-2026-review"), "expected a key of"),
    (lambda rows: rows[0].update(verdict="done"), "verdict"),
    (lambda rows: rows.append(dict(rows[0])), "twice"),
])
def test_a_quote_or_commitment_not_in_its_text_is_refused(tmp_path, report, change, says):
    reviews, follow = _copy(tmp_path)
    _write_followups(follow, change)
    problems = validate_later_reviews(reviews, follow, report=report)
    assert any(says in str(p) for p in problems), problems


def test_a_text_file_that_lost_its_excerpt_is_refused(tmp_path, report):
    reviews, follow = _copy(tmp_path)
    shutil.copy(COMMITMENT_FOLLOWUP, follow)
    text = tmp_path / "later_reviews" / "gwr-2024-review.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("2024年12月27日", "2024年12月28日"), encoding="utf-8")
    problems = validate_later_reviews(reviews, follow, report=report)
    assert any(p.column == "excerpt" for p in problems), problems


def test_every_commitment_gets_one_verdict_and_silence_is_not_failure(table, report):
    later = load_later_reviews(report=report)
    rows = followups(table, later)
    assert len(rows) == len(table) and rows["n"].is_unique
    assert set(rows["verdict"]) <= set(VERDICT_ORDER) == {*VERDICTS, NOT_MENTIONED}
    matched = rows[rows["verdict"] != NOT_MENTIONED]
    assert set(matched["text"]) == set(later.followups["commitment"])
    assert (rows.loc[rows["verdict"] == NOT_MENTIONED, "quote"] == "").all()


def test_a_match_the_segmentation_no_longer_cuts_stops_the_chapter(table, report):
    later = load_later_reviews(report=report)
    later.followups.loc[0, "commitment"] = "做好武汉SKP"  # in the outlook, but no longer one commitment
    with pytest.raises(ValueError, match="line 2"):
        followups(table, later)
