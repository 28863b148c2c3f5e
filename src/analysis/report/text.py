"""Reading the report: paragraphs, their sub-headings and sentences, the section each belongs to, and where
a quote stands. The one place where the report's text is split.

The raw file is never edited. Its layout breaks (a paragraph that stops mid-sentence and goes on in the
next) are joined here, in a normalised text that keeps a map back to raw offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.errors import SourceError
from analysis.paths import RAW_REPORT, relative
from analysis.read_log import record_read

PARAGRAPH_BREAK = re.compile(r"\n[ \t\u3000]*\n\s*")
# A body paragraph that ends on none of these stops mid-sentence: a layout break.
SENTENCE_FINAL = "。!?;:”」)\uff01\uff1f\uff1b\uff1a\uff09"  # half- and full-width (escaped: editors fold them)
# A sentence ends at one of these, half- or full-width, unless it stands inside quotation marks or parentheses.
SENTENCE_END = "。!?;\uff01\uff1f\uff1b"
OPENERS, CLOSERS = "“(\uff08", "”)\uff09"
# A paragraph may open with a sub-heading of its own: a short phrase, without inner punctuation, ended by 。
# (数字经济成形起步。 教育医疗成色更足。).
SUBHEADING = re.compile(r"^([^,\uff0c;\uff1b、。“”()\uff08\uff09]{4,8})。")
# Headings and banner lines are short and unpunctuated; body paragraphs are longer than this.
MIN_BODY_CHARS = 40


@dataclass(frozen=True)
class SectionSpec:
    key: str
    heading: str  # exactly as the report prints it
    part: str  # preface | review | outlook
    name_en: str


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("preface", "勇挑大梁 走在前列", "preface", "Preface: shoulder the load, lead the way"),
    SectionSpec("review-1", "区域实力持续巩固", "review", "Regional strength consolidated"),
    SectionSpec("review-2", "创新动能加速集聚", "review", "Innovation momentum gathers"),
    SectionSpec("review-3", "城区品质提档升级", "review", "Urban quality upgraded"),
    SectionSpec("review-4", "人民福祉持续提升", "review", "People's well-being improved"),
    SectionSpec("review-5", "社会大局和谐安宁", "review", "Society harmonious and stable"),
    SectionSpec("outlook-1", "坚持夯基固本 着力增强发展基础支撑", "outlook", "Strengthen the foundations"),
    SectionSpec("outlook-2", "聚焦创新突破 着力建设数字经济高地", "outlook", "Build a digital-economy highland"),
    SectionSpec("outlook-3", "大力培育新兴产业 着力拓展双碳产业优势", "outlook", "Expand the dual-carbon industries"),
    SectionSpec("outlook-4", "立足功能完善 着力优化城区环境品质", "outlook", "Improve the urban environment"),
    SectionSpec("outlook-5", "紧盯群众需求 着力提升公共服务质量", "outlook", "Raise public-service quality"),
    SectionSpec("outlook-6", "突出提能增效 着力打造服务型政府", "outlook", "Build a service-oriented government"),
)
SECTION_BY_HEADING = {s.heading: s for s in SECTIONS}
SECTION_KEYS = tuple(s.key for s in SECTIONS)  # reading order: preface, review, outlook
REVIEW = tuple(s.key for s in SECTIONS if s.part == "review")
OUTLOOK = tuple(s.key for s in SECTIONS if s.part == "outlook")
SECTION_BY_KEY = {s.key: s for s in SECTIONS}

# Paragraphs that are page furniture, not content: subtitle, banners, part labels, year labels, credits.
FURNITURE_PREFIXES: tuple[str, ...] = (
    "奋力推进中国式现代化 武昌实践",
    "经济发展回升向好 创新动能加速集聚",
    "全面对标一线城区 树立一流工作标准",
    "回眸",
    "展望",
    "2023",
    "2024",
    "策划:",
)


@dataclass(frozen=True)
class Paragraph:
    index: int
    text: str  # layout breaks joined
    start: int  # offset in Report.text
    end: int
    raw_start: int  # offset in the raw file
    raw_end: int
    role: str  # heading | body | furniture
    section: str | None  # section key; None for furniture between parts

    @property
    def subheading(self) -> str | None:
        """The paragraph's own sub-heading (without its 。), or None when it opens with its body."""
        m = SUBHEADING.match(self.text)
        return m.group(1) if m else None

    @property
    def body_start(self) -> int:
        """Where the text after the sub-heading starts (0 when there is none)."""
        m = SUBHEADING.match(self.text)
        return m.end() if m else 0

    @property
    def body(self) -> str:
        """The paragraph without its sub-heading."""
        return self.text[self.body_start:]


@dataclass(frozen=True)
class LayoutBreak:
    raw_offset: int
    before: str  # the last characters before the break
    after: str  # the first characters after it


@dataclass(frozen=True)
class Location:
    start: int  # offsets in Report.text
    end: int
    raw_start: int
    raw_end: int
    section: str | None
    paragraph: int


@dataclass(frozen=True)
class Report:
    path: Path
    raw: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    layout_breaks: tuple[LayoutBreak, ...]
    to_raw: tuple[int, ...]  # Report.text offset -> raw offset (one extra entry for the end)

    def occurrences(self, quote: str) -> list[int]:
        """Start offsets in the normalised text of every occurrence of ``quote`` (overlaps included)."""
        found, i = [], self.text.find(quote)
        while i >= 0:
            found.append(i)
            i = self.text.find(quote, i + 1)
        return found

    def paragraph_at(self, offset: int) -> Paragraph:
        for p in self.paragraphs:
            if p.start <= offset < p.end:
                return p
        raise ValueError(f"offset {offset} is between paragraphs")

    def locate(self, quote: str) -> Location:
        """Where a quote stands; it must occur exactly once."""
        if not quote:
            raise SourceError("the quote is empty")
        if "\n" in quote:
            raise SourceError(f"the quote {quote!r} spans a paragraph break; quotes stay within one paragraph")
        hits = self.occurrences(quote)
        if not hits:
            raise SourceError(f"the quote {quote!r} is not in {relative(self.path)}{_near_miss(self, quote)}")
        if len(hits) > 1:
            places = ", ".join(f"paragraph {self.paragraph_at(h).index + 1}" for h in hits)
            raise SourceError(f"the quote {quote!r} occurs {len(hits)} times ({places}); lengthen it to be unique")
        start = hits[0]
        end = start + len(quote)
        para = self.paragraph_at(start)
        return Location(start, end, self.to_raw[start], self.to_raw[end - 1] + 1, para.section, para.index)

    def sentence(self, start: int, end: int) -> str:
        """The sentence (or sentences) a span stands in, by ``sentence_spans``."""
        para = self.paragraph_at(start)
        spans = sentence_spans(para.text)
        left = next((a for a, b in spans if para.start + b > start), 0)
        right = next((b for a, b in spans if para.start + b >= end), len(para.text))
        return para.text[left:right]

    def body_paragraphs(self, key: str) -> list[Paragraph]:
        """The body paragraphs of a section, in reading order; an error for a section without any."""
        found = [p for p in self.paragraphs if p.section == key and p.role == "body"]
        if not found:
            raise SourceError(f"section {key!r} has no body paragraphs")
        return found

    def section_text(self, key: str) -> str:
        return "\n\n".join(p.text for p in self.paragraphs if p.section == key and p.role == "body")


def top_level_cuts(text: str, marks: str) -> list[int]:
    """Positions of ``marks`` in a text, outside quotation marks and parentheses."""
    depth, cuts = 0, []
    for i, ch in enumerate(text):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch in marks and depth == 0:
            cuts.append(i)
    return cuts


def sentence_spans(text: str, keep_mark: bool = True) -> list[tuple[int, int]]:
    """(start, end) of every sentence of a text: a sentence ends at 。!?; (either width) outside quotation marks
    and parentheses; a trailing fragment without a mark is a sentence too. Spans holding only whitespace and
    marks are dropped; ``keep_mark=False`` leaves the closing mark out of each span."""
    spans, pos = [], 0
    for cut in top_level_cuts(text, SENTENCE_END):
        spans.append((pos, cut + 1 if keep_mark else cut))
        pos = cut + 1
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(" \t\n\u3000" + SENTENCE_END)]


def sentences(text: str) -> list[str]:
    """The sentences of a text (``sentence_spans``), each with its closing mark, stripped."""
    return [text[a:b].strip() for a, b in sentence_spans(text)]


def _near_miss(report: Report, quote: str) -> str:
    """Help for a quote that is not found: the longest prefix of it that is."""
    for n in range(len(quote) - 1, 1, -1):
        i = report.text.find(quote[:n])
        if i >= 0:
            found = report.text[i : i + len(quote) + 2]
            where = report.paragraph_at(i).index + 1
            return (f"; its first {n} characters are in paragraph {where}, followed by {found[n:]!r} "
                    f"rather than {quote[n:]!r}")
    return ""


def _role(text: str) -> str:
    if text in SECTION_BY_HEADING:
        return "heading"
    if any(text.startswith(prefix) for prefix in FURNITURE_PREFIXES) and len(text) < 80:
        return "furniture"
    return "body"


def parse_report(raw: str, path: Path = RAW_REPORT) -> Report:
    """Split the raw text into paragraphs, join layout breaks and assign sections."""
    pieces: list[tuple[int, int]] = []  # raw spans of raw paragraphs
    pos = 0
    stripped_start = len(raw) - len(raw.lstrip())
    pos = stripped_start
    for m in PARAGRAPH_BREAK.finditer(raw, stripped_start):
        if m.start() > pos:
            pieces.append((pos, m.start()))
        pos = m.end()
    tail = raw[pos:].rstrip()
    if tail:
        pieces.append((pos, pos + len(tail)))

    # Merge a body paragraph that stops mid-sentence with the next one.
    merged: list[list[tuple[int, int]]] = []
    breaks: list[LayoutBreak] = []
    for span in pieces:
        if merged:
            prev = merged[-1][-1]
            prev_text = raw[merged[-1][0][0] : prev[1]]
            if len(prev_text) > MIN_BODY_CHARS and prev_text[-1] not in SENTENCE_FINAL:
                breaks.append(LayoutBreak(prev[1], raw[prev[1] - 12 : prev[1]], raw[span[0] : span[0] + 12]))
                merged[-1].append(span)
                continue
        merged.append([span])

    text_parts: list[str] = []
    to_raw: list[int] = []
    paragraphs: list[Paragraph] = []
    section: str | None = None
    offset = 0
    for index, spans in enumerate(merged):
        if text_parts:
            text_parts.append("\n\n")
            to_raw.extend([spans[0][0] - 2, spans[0][0] - 1])
            offset += 2
        para_text = "".join(raw[a:b] for a, b in spans)
        for a, b in spans:
            to_raw.extend(range(a, b))
        role = _role(para_text)
        if role == "heading":
            section = SECTION_BY_HEADING[para_text].key
        elif role == "furniture" and para_text.startswith(("经济发展", "全面对标", "策划")):
            section = None  # a banner or the credits close the section before it
        paragraphs.append(
            Paragraph(index, para_text, offset, offset + len(para_text), spans[0][0], spans[-1][1], role,
                      section if role != "furniture" else None)
        )
        text_parts.append(para_text)
        offset += len(para_text)
    to_raw.append(len(raw))

    seen = {p.section for p in paragraphs if p.role == "heading"}
    missing = [s.heading for s in SECTIONS if s.key not in seen]
    if missing:
        raise SourceError(f"{relative(path)}: section headings not found as paragraphs: {', '.join(missing)}")
    return Report(path, raw, "".join(text_parts), tuple(paragraphs), tuple(breaks), tuple(to_raw))


def read_text_strict(path: Path) -> str:
    """Read a UTF-8 file, naming the file and position of any bad byte or a byte-order mark."""
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise SourceError(f"{relative(path)}: starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceError(
            f"{relative(path)}: line {line}: byte {err.start} is not UTF-8 ({data[err.start:err.start + 2]!r}); "
            "expected UTF-8 (was it saved as GBK?)"
        ) from None


@lru_cache(maxsize=4)
def load_report(path: Path = RAW_REPORT) -> Report:
    record_read(path)
    return parse_report(read_text_strict(path), Path(path))
