"""The report as read by analysis.report.text: sections, layout breaks, quote lookup and the raw file itself."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from analysis.errors import SourceError
from analysis.paths import RAW_REPORT, ROOT
from analysis.report.text import (
    PARAGRAPH_BREAK,
    SECTIONS,
    Paragraph,
    parse_report,
    read_text_strict,
    sentence_spans,
    sentences,
)

SHARED_COPY = Path("/work/shared/source/wuchang-2023-review.txt")
RAW_README = ROOT / "data" / "raw" / "README.md"

REVIEW_KEYS = [f"review-{i}" for i in range(1, 6)]
OUTLOOK_KEYS = [f"outlook-{i}" for i in range(1, 7)]

# The four places where the printed layout broke a sentence into two paragraphs: (before, after).
LAYOUT_BREAKS = [
    ("湖北北斗卫星", "技术应用协会"),
    ("外沙湖、内沙", "湖、晒湖获评"),
    ("“放大", "器”效应"),
    ("标杆路段。打造", "绿美城区标杆"),
]


# --- the raw file -------------------------------------------------------------------------------------

def test_raw_file_is_the_published_text_byte_for_byte():
    if not SHARED_COPY.exists():
        pytest.skip(f"{SHARED_COPY} is not on this machine")
    assert RAW_REPORT.read_bytes() == SHARED_COPY.read_bytes()


def test_raw_file_matches_the_checksum_its_readme_states():
    stated = re.search(r"SHA-256:\s*`([0-9a-f]{64})`", RAW_README.read_text(encoding="utf-8"))
    assert stated, "data/raw/README.md states no SHA-256"
    assert hashlib.sha256(RAW_REPORT.read_bytes()).hexdigest() == stated.group(1)


def test_report_keeps_the_raw_text_unchanged(report):
    assert report.raw == RAW_REPORT.read_text(encoding="utf-8")


# --- sections -----------------------------------------------------------------------------------------

def test_eleven_section_headings_in_report_order(report):
    headings = [p for p in report.paragraphs if p.role == "heading" and p.section != "preface"]
    assert [p.section for p in headings] == REVIEW_KEYS + OUTLOOK_KEYS
    by_key = {s.key: s.heading for s in SECTIONS}
    assert all(p.text == by_key[p.section] for p in headings)


def test_sections_fall_into_preface_review_and_outlook_parts():
    parts = {}
    for s in SECTIONS:
        parts.setdefault(s.part, []).append(s.key)
    assert parts == {"preface": ["preface"], "review": REVIEW_KEYS, "outlook": OUTLOOK_KEYS}


@pytest.mark.parametrize(
    ("quote", "key"),
    [
        ("武昌在建城1800年", "preface"),
        ("增幅6.5%左右", "review-1"),
        ("入库612家", "review-2"),
        ("加装电梯116部", "review-3"),
        ("民生支出超86亿元", "review-4"),
        ("织密568个治理单元", "review-5"),
        ("四大主导产业", "outlook-1"),
        ("滨江数创走廊建设规划", "outlook-2"),
        ("大力发展碳金融", "outlook-3"),
        ("稳定在Ⅲ类以上", "outlook-4"),
        ("五级区域化", "outlook-5"),
        ("10项重大民生实事", "outlook-6"),
    ],
)
def test_a_quote_belongs_to_the_section_it_stands_in(report, quote, key):
    assert report.locate(quote).section == key


def test_every_section_has_body_text_and_furniture_has_none(report):
    for s in SECTIONS:
        assert report.section_text(s.key), s.key
    furniture = [p for p in report.paragraphs if p.role == "furniture"]
    assert {p.text for p in furniture} >= {"回眸", "展望", "2023", "2024"}
    assert all(p.section is None for p in furniture)


def test_the_credits_and_banner_close_the_review(report):
    credits = next(p for p in report.paragraphs if p.text.startswith("策划:"))
    after = report.paragraphs[credits.index + 1 :]
    first_heading = next(p for p in after if p.role == "heading")
    assert first_heading.section == "outlook-1"
    assert all(p.section is None for p in after[: first_heading.index - credits.index - 1])


def test_missing_heading_is_an_error_naming_it(report):
    damaged = report.raw.replace("城区品质提档升级", "城区品质提档")
    with pytest.raises(SourceError) as err:
        parse_report(damaged, RAW_REPORT)
    assert str(err.value) == (
        "data/raw/wuchang-2023-review.txt: section headings not found as paragraphs: 城区品质提档升级")


# --- layout breaks and offsets ------------------------------------------------------------------------

def test_four_layout_breaks_are_detected(report):
    assert len(report.layout_breaks) == 4
    for brk, (before, after) in zip(report.layout_breaks, LAYOUT_BREAKS, strict=True):
        assert brk.before.endswith(before)
        assert brk.after.startswith(after)
        assert report.raw[brk.raw_offset : brk.raw_offset + 2] == "\n\n"


@pytest.mark.parametrize(("before", "after"), LAYOUT_BREAKS)
def test_quote_across_a_layout_break_maps_back_to_raw_text_with_the_break(report, before, after):
    quote = before + after
    where = report.locate(quote)
    raw = report.raw[where.raw_start : where.raw_end]
    assert "\n\n" in raw
    assert raw.replace("\n\n", "") == quote
    assert report.text[where.start : where.end] == quote


def test_beidou_association_quote_spans_the_first_break(report):
    where = report.locate("湖北北斗卫星技术应用协会")
    assert report.raw[where.raw_start : where.raw_end] == "湖北北斗卫星\n\n技术应用协会"
    assert where.section == "review-2"


def test_every_character_maps_back_to_the_same_raw_character(report):
    assert len(report.to_raw) == len(report.text) + 1
    for p in report.paragraphs:
        for i in range(p.start, p.end):
            assert report.raw[report.to_raw[i]] == report.text[i], i
        raw = report.raw[p.raw_start : p.raw_end]
        assert PARAGRAPH_BREAK.sub("", raw) == p.text


def test_quote_without_break_maps_to_identical_raw_text(report):
    where = report.locate("超2.2万亿元")
    assert report.raw[where.raw_start : where.raw_end] == "超2.2万亿元"
    assert where.section == "review-1"
    assert report.paragraphs[where.paragraph].start <= where.start < report.paragraphs[where.paragraph].end


# --- locate() errors ----------------------------------------------------------------------------------

def test_locate_not_found_names_the_file_and_the_near_miss(report):
    with pytest.raises(SourceError) as err:
        report.locate("地区生产总值突破2000亿元")
    assert str(err.value) == (
        "the quote '地区生产总值突破2000亿元' is not in data/raw/wuchang-2023-review.txt; "
        "its first 8 characters are in paragraph 10, followed by '1900亿元,增' rather than '2000亿元'"
    )


def test_locate_not_found_without_any_near_miss(report):
    with pytest.raises(SourceError, match=r"^the quote '汉口' is not in data/raw/wuchang-2023-review\.txt$"):
        report.locate("汉口")


def test_locate_ambiguous_names_the_paragraphs(report):
    with pytest.raises(SourceError) as err:
        report.locate("1800年")
    assert str(err.value) == (
        "the quote '1800年' occurs 3 times (paragraph 3, paragraph 5, paragraph 28); lengthen it to be unique"
    )


@pytest.mark.parametrize("quote", ["", "区域实力持续巩固\n\n预计"])
def test_locate_refuses_empty_or_multi_paragraph_quotes(report, quote):
    with pytest.raises(SourceError, match="empty" if not quote else "spans a paragraph break"):
        report.locate(quote)


# --- sentences ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("quote", "sentence"),
    [
        # first sentence of a paragraph: starts at the paragraph
        ("2023年,是全面贯彻",
         "2023年,是全面贯彻党的二十大精神的关键之年,也是武昌在建城1800年新起点上继往开来、砥砺奋进的一年。"),
        # after a semicolon, up to a full stop
        ("惟其磨砺", "惟其磨砺,始得玉成。"),
        # up to a semicolon
        ("方显勇毅", "砥砺奋进的这一年告诉我们,惟其艰难,方显勇毅;"),
        # a heading has no punctuation: the whole paragraph
        ("城区品质提档升级", "城区品质提档升级"),
        # a sentence across a layout break is one sentence
        ("卫星技术应用协会揭牌", None),
    ],
)
def test_sentence_boundaries(report, quote, sentence):
    where = report.locate(quote)
    found = report.sentence(where.start, where.end)
    if sentence is None:
        assert "湖北北斗卫星技术应用协会揭牌成立" in found
        assert found.startswith("中科、武大智谷") and found.endswith("相继落户。")
    else:
        assert found == sentence


def test_sentence_never_leaves_its_paragraph(report):
    for p in report.paragraphs:
        s = report.sentence(p.start, p.start + 1)
        assert "\n" not in s
        assert p.text.startswith(s)



def test_sentences_keep_their_end_and_a_trailing_fragment():
    assert sentences("甲,乙。丙;丁!戊") == ["甲,乙。", "丙;", "丁!", "戊"]
    assert sentences("甲，乙。丙；") == ["甲，乙。", "丙；"]


def test_sentence_spans_without_the_mark():
    text = "甲,乙。丙;丁!戊"
    assert [text[a:b] for a, b in sentence_spans(text, keep_mark=False)] == ["甲,乙", "丙", "丁", "戊"]


# --- sub-headings -------------------------------------------------------------------------------------

def _paragraph(text: str) -> Paragraph:
    return Paragraph(0, text, 0, len(text), 0, len(text), "body", None)


def test_subheading_is_split_off():
    p = _paragraph("做强主导产业。坚持以总部经济为引领")
    assert (p.subheading, p.body_start) == ("做强主导产业", 7)
    assert p.body == "坚持以总部经济为引领"
    p = _paragraph("坚持以总部经济为引领,持续推进")
    assert (p.subheading, p.body_start) == (None, 0)
    assert _paragraph("三个字。后文").subheading is None  # shorter than 4 characters is not a sub-heading


def test_subheading_is_a_short_unpunctuated_opening_sentence_only():
    p = _paragraph("教育医疗成色更足。教育布局更加优质均衡,新增学位。")
    assert (p.subheading, p.body) == ("教育医疗成色更足", "教育布局更加优质均衡,新增学位。")
    p = _paragraph("数字经济成形起步。聚焦软件服务")
    assert (p.subheading, p.body) == ("数字经济成形起步", "聚焦软件服务")
    for text in ("面对财政收支压力,把保民生放在更加突出的位置。", "扎实开展“城市更新”行动,高标准完成。"):
        p = _paragraph(text)
        assert (p.subheading, p.body) == (None, text)


def test_body_paragraphs_of_a_section_in_reading_order(report):
    found = report.body_paragraphs("review-2")
    assert [p.subheading for p in found] == [None, "数字经济成形起步", "双碳产业抢滩布局", "创新活力竞相迸发"]
    assert all(p.section == "review-2" and p.role == "body" for p in found)
    assert [p.index for p in found] == sorted(p.index for p in found)
    with pytest.raises(SourceError, match="no body paragraphs"):
        report.body_paragraphs("review-9")

# --- strict reading -----------------------------------------------------------------------------------

def test_byte_order_mark_is_refused(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"\xef\xbb\xbf" + RAW_REPORT.read_bytes())
    with pytest.raises(SourceError, match=r"report\.txt: starts with a UTF-8 byte-order mark"):
        read_text_strict(path)


def test_gbk_text_is_refused_with_line_and_byte(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("title\n\n勇挑大梁\n".encode("gbk"))
    with pytest.raises(SourceError) as err:
        read_text_strict(path)
    assert str(err.value) == (
        f"{path.resolve()}: line 3: byte 7 is not UTF-8 (b'\\xd3\\xc2'); expected UTF-8 (was it saved as GBK?)"
    )
