"""The one sentence splitter and the one sub-heading rule of the book (analysis.report.text), on made-up text
and on the report itself."""

from __future__ import annotations

import pytest

from analysis.report.text import Paragraph, Report, sentence_spans, sentences


def test_sentences_end_at_every_mark_of_either_width() -> None:
    text = "一是这样。二是那样;三是如何?四是好!五是全角；六是全角！七是全角？八是结尾"
    assert sentences(text) == ["一是这样。", "二是那样;", "三是如何?", "四是好!", "五是全角；", "六是全角！",
                               "七是全角？", "八是结尾"]


def test_a_sentence_is_never_cut_inside_quotation_marks_or_parentheses() -> None:
    text = "提出“稳中求进。以进促稳”的要求(见附件。第三条),继续推进。下一句。"
    assert sentences(text) == ["提出“稳中求进。以进促稳”的要求(见附件。第三条),继续推进。", "下一句。"]


def test_marks_alone_and_whitespace_make_no_sentence() -> None:
    assert sentences("。。 ;\n好。") == ["好。"]
    assert sentence_spans("") == []


def test_spans_can_leave_the_mark_out() -> None:
    text = "甲乙。丙丁;"
    assert [text[a:b] for a, b in sentence_spans(text, keep_mark=False)] == ["甲乙", "丙丁"]
    assert [text[a:b] for a, b in sentence_spans(text)] == ["甲乙。", "丙丁;"]


def test_the_report_sentence_around_a_quote(report: Report) -> None:
    loc = report.locate("3.1万个")
    sentence = report.sentence(loc.start, loc.end)
    assert "3.1万个" in sentence and sentence.endswith(("。", ";"))
    assert sentence in sentences(report.paragraphs[loc.paragraph].text)


def _paragraph(text: str) -> Paragraph:
    return Paragraph(0, text, 0, len(text), 0, len(text), "body", "review-2")


@pytest.mark.parametrize(("text", "subheading", "body"), [
    ("数字经济成形起步。聚焦数字经济,", "数字经济成形起步", "聚焦数字经济,"),
    ("教育医疗成色更足。新增学位", "教育医疗成色更足", "新增学位"),
    ("全年新增市场主体3.1万个,“四上”企业超过300家。", None, "全年新增市场主体3.1万个,“四上”企业超过300家。"),
    ("好。短", None, "好。短"),  # shorter than four characters: a sentence, not a heading
    ("创新、协调发展。", None, "创新、协调发展。"),  # inner punctuation: not a heading
])
def test_the_subheading_rule(text: str, subheading: str | None, body: str) -> None:
    p = _paragraph(text)
    assert p.subheading == subheading
    assert p.body == body


def test_every_subheading_of_the_report_is_short_and_starts_its_paragraph(report: Report) -> None:
    found = [p for p in report.paragraphs if p.role == "body" and p.subheading]
    assert len(found) >= 20
    for p in found:
        assert p.text.startswith(p.subheading + "。")
        assert 4 <= len(p.subheading) <= 8


def test_body_paragraphs_of_a_section(report: Report) -> None:
    paragraphs = report.body_paragraphs("review-2")
    assert paragraphs and all(p.section == "review-2" and p.role == "body" for p in paragraphs)
    with pytest.raises(Exception, match="no body paragraphs"):
        report.body_paragraphs("no-such-section")
