"""The outlook for 2024 as a list of commitments, and what the review and the outlook emphasise in words.

Segmentation rule (``segment``), applied to each outlook paragraph after its sub-heading (做强主导产业。):

1. Sentences end at 。 ; ! ? (either width). A sentence is never split inside “…” or (…).
2. A sentence is cut at every comma into pieces.
3. A piece that has no verb of its own continues the clause before it (a list of objects run on with
   commas: 开展新建楼宇精准招商,存量楼宇腾笼换鸟,… “四个行动”), and is joined back to it. A piece
   opening with 让/使 (so that) states a purpose and is joined back too.
4. A piece that only frames what follows (聚焦 … 等五个方向, 依托 … 资源优势, 围绕打造 …) is joined to the
   clause after it; the verb is then read from that clause.
5. A clause is cut at 、 only where every part starts with a verb (持续新建微循环道路、打通断头路) and the
   list does not end in 的 + noun (营造支持…、关心…、尊重…的浓厚氛围 stays one clause).

A verb is a word of ``VERBS`` at the start of a clause, after manner words (``MODIFIERS``: 持续, 加快 …), an
optional named subject (华中金融城启动 …) or a leading slogan in quotation marks. Lists are written out here
rather than tagged by jieba, because jieba's part-of-speech tags are unreliable on this register
(全面实施 comes out as a noun).

What counts as checkable (``Commitment.measure``, ``CHECKABLE``, stated to readers as ``CHECKABLE_RULE``):
a commitment is checkable when a reader at the end of 2024 could say from the public record whether it was
kept, without judging a degree. Three things make it so, tried in this order:

- number (outcome): a number of ``data/indicators.csv`` whose quote lies inside the clause and that sets a
  level (超/以上: a floor) or is governed by a verb of completion (``OUTCOME_VERBS``: 办好10项 …);
- date: a year, month or season named in the clause (``DATE``);
- named deliverable: a proper name of the project dictionary (a project, place or title) together with an
  event one can see happen (``MILESTONES``: 开业, 建成, 通车, 启动 …).

Everything else is not checkable: a number that only counts a programme's parts (四大主导产业: number
(scope)), a programme or campaign named without a level or an event (实施“春风行动”“学子聚汉”等专项行动:
carrying a campaign out says nothing of its size or result), a named place with a direction (实施武昌火车站
环境品质提升: 提升 has no end point), a mechanism to set up or improve (建立…“三岗”服务机制) and every
direction (提高, 完善, 推进 …). This is the book's one classifier of outlook commitments: the chapters on
innovation, urban quality, well-being and governance select their sections and paragraphs from
``commitments`` (``select``) and count them with ``checkability``, so their counts are the ones of the chapter
on the outlook.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import DataError, Problem
from analysis.inputs import record_read
from analysis.paths import CONTEXT, DATA, ROOT, relative
from analysis.source import SECTION_BY_KEY, SECTIONS, Report

OUTLOOK = tuple(s.key for s in SECTIONS if s.part == "outlook")
REVIEW = tuple(s.key for s in SECTIONS if s.part == "review")
USERDICT = DATA / "jieba_userdict.txt"
CONTEXT_FILE = CONTEXT / "context_series.csv"
# Until data/context/ holds the series, the copy kept beside the design notes is read (and the chapter says so).
SHARED_CONTEXT = Path("/work/shared/reference/context_series.csv")
CONTEXT_COLUMNS = ("year", "indicator", "value", "unit", "status", "source_title", "source_url", "excerpt")

SUBHEADING = re.compile(r"^([^,\uff0c;\uff1b、。“”()\uff08\uff09]{4,8})。")
SENTENCE_END = "。;!?\uff1b\uff01\uff1f"
COMMAS = ",\uff0c"
OPENERS, CLOSERS = "“(\uff08", "”)\uff09"

# Manner and degree words before a verb. They do not change what is promised, only how hard.
MODIFIERS: tuple[str, ...] = (
    "进一步", "驰而不息", "针对性", "分批次", "持续", "不断", "全力", "着力", "大力", "加快", "加速", "加紧",
    "深入", "积极", "稳步", "有序", "扎实", "全面", "充分", "精准", "严格", "自觉", "主动", "牢固", "长期", "切实",
)
# Modifiers that are verbs themselves when no other verb follows (加快项目建设: speed up project building).
VERBAL_MODIFIERS = ("加快", "加紧", "加速")
# Words that open a frame for the clause after them (focus on …, relying on …, in support of …).
FRAMES: tuple[str, ...] = ("围绕", "聚焦", "着眼", "紧盯", "依托", "配合", "按照", "针对", "立足", "面向", "在")
PURPOSE = ("让", "使", "从而")
# The outlook's verbs; compounds are listed whole so the longest match wins (编制实施 before 编制).
VERBS: tuple[str, ...] = (
    "引导鼓励", "编制实施", "研究制定", "研究发布", "承办举办", "策划举办", "建立健全", "改造投用", "做优做强",
    "支持引导", "鼓励支持", "深化推进", "组织开展", "建设筹集", "开放运营", "总结推出", "探索形成", "鼓励激发",
    "做强", "做大", "做好", "做实", "做优", "引进", "开展", "引导", "鼓励", "打造", "发挥", "推动", "建设",
    "推进", "丰富", "建成", "强化", "加强", "完成", "实现", "坚持", "实施", "深化", "制定", "夯实", "提升", "瞄准",
    "招引", "组建", "支持", "开拓", "编制", "改造", "投用", "建强", "完善", "建立", "健全", "承办", "举办", "营造",
    "形成", "研究", "发布", "扩大", "争创", "办好", "策划", "擦亮", "启动", "优化", "创建", "提高", "推出", "探索",
    "凝聚", "抓好", "组织", "接受", "行使", "树立", "纠正", "落实", "打通", "新建", "新增", "确保", "守好", "扩容",
    "总结", "培育", "促进", "增强", "改善", "筹集", "推行", "开放", "上线", "落地", "拓",
)
# Words that mark an event a reader can see happen: an opening, a completion, a launch, a designation.
MILESTONES: tuple[str, ...] = (
    "开业", "建成", "通车", "竣工", "投用", "落地", "开放运营", "启动", "组建", "编制", "上线", "主体结构", "办好",
    "争创", "揭牌", "发布", "开展", "开工",
)
# Verbs that promise an outcome when they govern a number (办好10项 …), not just the scope of a programme.
OUTCOME_VERBS = ("办好", "完成", "建成", "新增", "实现", "确保", "争创")
DATE = re.compile(r"20\d\d年|[0-9一二三四五六七八九十]+月|年底|年内|年末|上半年|下半年|季度")
# Words that keep a promise open-ended (continue, keep on, further, a batch of …).
VAGUE_MARKERS: tuple[str, ...] = (
    "持续", "不断", "进一步", "着力", "全力", "大力", "加快", "加速", "深入", "积极", "稳步", "有序", "扎实", "全面",
    "一批", "更多", "各类", "提升", "完善", "强化", "优化", "深化",
)
MEASURES = ("number (outcome)", "date", "named deliverable", "number (scope)", "vague")
CHECKABLE = MEASURES[:3]
# The rule in words, for the chapters' prose (glued, so every chapter states the same rule).
CHECKABLE_RULE = ("it sets a number of the report as an outcome (a level to reach, or a count governed by a verb of "
                  "completion such as 办好 or 建成), names a date, or names a project, place or title together with "
                  "an event one can see happen (开业, 建成, 通车, 启动 …)")
NOT_CHECKABLE_RULE = ("a number that only counts a programme's parts, a programme named without a level or an event, "
                      "a named place or project given only a direction, a mechanism to set up or improve, and a "
                      "direction (提高, 完善, 推进 …) are not")


def wrap_source(text: str, width: int = 64, extra: str = "") -> list[str]:
    """A source line (``analysis.charts.source_line``) broken at 、 into lines a chart subtitle can hold."""
    text += f"; {extra}" if extra else ""
    lines, current = [], ""
    for i, part in enumerate(text.split("、")):
        piece = part if i == 0 else "、" + part
        if current and len(current) + len(piece) > width:
            lines.append(current)
            current = piece.lstrip("、")
        else:
            current += piece
    return [*lines, current]


# --- the user dictionary --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    word: str
    tag: str  # nz/ns/nt: a proper name (project, place, organisation); n: a domain term kept whole


def read_userdict(path: Path = USERDICT) -> list[Term]:
    """The project terms, one 'word frequency tag' per line; errors name the file and line."""
    path = Path(path)
    if not path.is_absolute():
        path = ROOT / path
    name = relative(path)
    if not path.exists():
        raise DataError([Problem(name, None, None, "file not found")])
    record_read(path)
    terms, problems = [], []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit():
            problems.append(Problem(name, i, None, f"found {line!r}; expected 'word frequency tag'"))
            continue
        terms.append(Term(parts[0], parts[2]))
    if problems:
        raise DataError(problems)
    return terms


def names_of(terms: list[Term]) -> tuple[str, ...]:
    """Proper names, longest first (so 武汉数创大厦二期 wins over 武汉数创大厦)."""
    return tuple(sorted({t.word for t in terms if t.tag in ("nz", "ns", "nt")}, key=len, reverse=True))


# --- segmentation ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    start: int  # offsets into the text given to ``segment``
    end: int
    body: int  # where the clause proper starts (after a frame joined to it)
    text: str


def split_subheading(paragraph: str) -> tuple[str | None, int]:
    """The 4–8 character sub-heading a paragraph opens with (without its 。), and where the body starts."""
    m = SUBHEADING.match(paragraph)
    return (m.group(1), m.end()) if m else (None, 0)


def _top_level_cuts(text: str, marks: str) -> list[int]:
    """Positions of ``marks`` outside quotation marks and parentheses."""
    depth, cuts = 0, []
    for i, ch in enumerate(text):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch in marks and depth == 0:
            cuts.append(i)
    return cuts


def _pieces(text: str, start: int, end: int, marks: str) -> list[tuple[int, int]]:
    spans, pos = [], start
    for cut in _top_level_cuts(text[start:end], marks):
        spans.append((pos, start + cut))
        pos = start + cut + 1
    spans.append((pos, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


@dataclass(frozen=True)
class VerbMatch:
    verb: str | None
    start: int  # offset of the verb in the clause (or of the clause's end when there is none)
    modifiers: tuple[str, ...]
    frame: str | None
    subject: str | None


def _strip_modifiers(text: str, pos: int) -> tuple[int, list[str]]:
    found = []
    while True:
        word = next((m for m in MODIFIERS if text.startswith(m, pos)), None)
        if word is None:
            return pos, found
        found.append(word)
        pos += len(word)


def _verb_at(text: str, pos: int) -> str | None:
    return next((v for v in sorted(VERBS, key=len, reverse=True) if text.startswith(v, pos)), None)


def _first_verb_after(text: str, pos: int) -> tuple[int, str, list[str]] | None:
    """The earliest verb from ``pos`` on (outside quotation marks), with the manner words before it."""
    depth = 0
    for i in range(pos, len(text)):
        ch = text[i]
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0:
            j, mods = _strip_modifiers(text, i)
            verb = _verb_at(text, j)
            if verb:
                return j, verb, mods
    return None


def find_verb(clause: str, names: tuple[str, ...] = ()) -> VerbMatch:
    """The clause's verb, the manner words before it, and a frame or named subject it opens with."""
    pos = 0
    if clause.startswith("“") and "”" in clause:  # a slogan used as an adverb: “一路一策”优化 …
        pos = clause.index("”") + 1
    pos, mods = _strip_modifiers(clause, pos)
    subject = next((n for n in names if clause.startswith(n, pos)), None)
    if subject:
        pos, more = _strip_modifiers(clause, pos + len(subject))
        mods += more
    frame = next((f for f in FRAMES if clause.startswith(f, pos)), None) if not subject else None
    if frame:
        after = pos + len(frame)
        if _verb_at(clause, after):  # 围绕打造 …: a purpose, the whole piece is a frame
            return VerbMatch(None, len(clause), tuple(mods), frame, None)
        hit = _first_verb_after(clause, after)
        if hit is None:
            return VerbMatch(None, len(clause), tuple(mods), frame, None)
        j, verb, later = hit
        return VerbMatch(verb, j, tuple(mods + later), frame, None)
    verb = _verb_at(clause, pos)
    if verb is None and mods and mods[-1] in VERBAL_MODIFIERS:
        last = mods.pop()
        return VerbMatch(last, pos - len(last), tuple(mods), None, subject)
    return VerbMatch(verb, pos if verb else len(clause), tuple(mods), None, subject)


def _role(piece: str, names: tuple[str, ...]) -> str:
    """clause | frame | continuation | purpose"""
    if piece.startswith(PURPOSE):
        return "purpose"
    match = find_verb(piece, names)
    if match.verb is None:
        return "frame" if match.frame else "continuation"
    return "clause"


def _split_enumeration(text: str, start: int, end: int, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Cut a clause at 、 when every part starts with a verb (rule 5)."""
    parts = _pieces(text, start, end, "、")
    if len(parts) < 2 or "的" in text[parts[-1][0]:parts[-1][1]]:
        return [(start, end)]
    for a, b in parts:
        piece = text[a:b]
        pos, _ = _strip_modifiers(piece, 0)
        if not _verb_at(piece, pos):
            return [(start, end)]
    return parts


def segment(text: str, names: tuple[str, ...] = ()) -> list[Segment]:
    """Commitment clauses of a paragraph body (the text after its sub-heading), by the rules above."""
    out: list[Segment] = []
    for s_start, s_end in _pieces(text, 0, len(text), SENTENCE_END):
        pieces = _pieces(text, s_start, s_end, COMMAS)
        clauses: list[list[int]] = []  # [start, end, body]
        pending_frame: int | None = None
        for a, b in pieces:
            role = _role(text[a:b], names)
            if role in ("continuation", "purpose") and clauses:
                clauses[-1][1] = b
            elif role == "frame":
                if pending_frame is None:
                    pending_frame = a
            else:
                start = pending_frame if pending_frame is not None else a
                clauses.append([start, b, a])
                pending_frame = None
        if pending_frame is not None:  # a frame with nothing after it in the sentence stands alone
            if clauses:
                clauses[-1][1] = s_end
            else:
                clauses.append([pending_frame, s_end, pending_frame])
        for start, end, body in clauses:
            for a, b in _split_enumeration(text, body, end, names):
                seg_start = start if a == body else a
                out.append(Segment(seg_start, b, a, text[seg_start:b]))
    return out


# --- the commitments table ------------------------------------------------------------------------------

@dataclass
class Commitment:
    section: str
    subheading: str
    paragraph: int  # 1-based paragraph number of the report
    text: str
    start: int  # offset in Report.text
    end: int
    verb: str
    object: str
    subject: str  # a named subject before the verb (华中金融城启动 …), else empty
    frame: str
    modifiers: tuple[str, ...]
    indicators: tuple[str, ...] = ()
    number_role: str = ""
    dates: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    milestones: tuple[str, ...] = ()
    vague_markers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def measure(self) -> str:
        if self.indicators and self.number_role == "outcome":
            return "number (outcome)"
        if self.dates:
            return "date"
        if self.names and self.milestones:
            return "named deliverable"
        if self.indicators:
            return "number (scope)"
        return "vague"


def _names_in(text: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """Names standing in the text, in reading order; a name inside a longer one found (武汉数创大厦 in
    武汉数创大厦二期) is not counted again."""
    found = [n for n in names if n in text]
    found = [n for n in found if not any(n != m and n in m for m in found)]
    return tuple(sorted(found, key=text.index))


def _indicator_spans(report: Report, ind: pd.DataFrame) -> list[tuple[str, int, int, str]]:
    spans = []
    for row in ind.itertuples():
        loc = report.locate(row.quote)
        spans.append((row.id, loc.start, loc.end, row.qualifier))
    return spans


def commitments(report: Report, ind: pd.DataFrame, terms: list[Term]) -> pd.DataFrame:
    """Every commitment clause of the six outlook sections, with verb, object and how measurable it is."""
    names = names_of(terms)
    spans = _indicator_spans(report, ind)
    rows: list[Commitment] = []
    for p in report.paragraphs:
        if p.role != "body" or p.section not in OUTLOOK:
            continue
        heading, body_at = split_subheading(p.text)
        body = p.text[body_at:]
        for seg in segment(body, names):
            start = p.start + body_at + seg.start
            end = p.start + body_at + seg.end
            clause_body = body[seg.body:seg.end]
            match = find_verb(clause_body, names)
            linked = [(i, q) for i, a, b, q in spans if a >= start and b <= end]
            verb = match.verb or ""
            outcome = any("at_least" in q or "over" in q for _, q in linked) or verb in OUTCOME_VERBS
            rows.append(Commitment(
                section=p.section, subheading=heading or "", paragraph=p.index + 1, text=seg.text, start=start,
                end=end, verb=verb, object=clause_body[match.start + len(verb):] if verb else clause_body,
                subject=match.subject or "",
                frame=body[seg.start:seg.body].rstrip(",\uff0c"), modifiers=match.modifiers,
                indicators=tuple(i for i, _ in linked),
                number_role=("outcome" if outcome else "scope") if linked else "",
                dates=tuple(DATE.findall(seg.text)), names=_names_in(seg.text, names),
                milestones=tuple(m for m in MILESTONES if m in seg.text),
                vague_markers=tuple(v for v in VAGUE_MARKERS if v in seg.text),
            ))
    df = pd.DataFrame([{**c.__dict__, "measure": c.measure} for c in rows])
    df["checkable"] = df["measure"].isin(CHECKABLE)
    df.insert(0, "n", range(1, len(df) + 1))
    return df


def select(df: pd.DataFrame, sections: tuple[str, ...] | list[str] = (),
           subheadings: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """The commitments of whole outlook sections and of single paragraphs (by sub-heading), in report order.

    A row is kept when its section is one of ``sections`` or its sub-heading one of ``subheadings``; the
    chapters that read part of a section (well-being and governance share 紧盯群众需求) select by sub-heading.
    """
    unknown = [s for s in subheadings if s not in set(df["subheading"])]
    if unknown:
        raise ValueError(f"no outlook paragraph has the sub-heading(s) {', '.join(unknown)}")
    keep = df["section"].isin(list(sections)) | df["subheading"].isin(list(subheadings))
    return df[keep].copy()


def checkability(df: pd.DataFrame, by: str = "section", order: list[str] | tuple[str, ...] | None = None
                 ) -> pd.DataFrame:
    """Commitments per ``by`` value and measure, with how many and what share a reader could check a year later.

    Columns: one per measure (``MEASURES``, zeros included), total, checkable, share_checkable (percent).
    """
    index = list(order) if order is not None else list(dict.fromkeys(df[by]))
    table = pd.crosstab(df[by], df["measure"]).reindex(index=index, columns=list(MEASURES), fill_value=0)
    table["total"] = table.sum(axis=1)
    table["checkable"] = table[list(CHECKABLE)].sum(axis=1)
    table["share_checkable"] = 100 * table["checkable"] / table["total"].where(table["total"] > 0)
    return table


def per_section(df: pd.DataFrame) -> pd.DataFrame:
    """Counts per outlook section and measure, with the share a reader could check a year later."""
    return checkability(df, "section", OUTLOOK)


def evidence(row, ind: pd.DataFrame) -> str:
    """What makes a commitment checkable (or what it lacks), in words a reader can verify against the clause.

    The evidence follows the class (``row.measure``), so a clause with a scope number and a named deliverable
    shows the name and its event, which is what makes it checkable.
    """
    numbers = ", ".join(f"{i} ({ind.loc[i, 'display']})" for i in row.indicators)
    if row.measure == "number (outcome)":
        return f"indicator {numbers}"
    if row.measure == "date":
        return "date " + ", ".join(row.dates)
    if row.measure == "named deliverable":
        return ", ".join(row.names) + " → " + ", ".join(row.milestones)
    if row.measure == "number (scope)":
        return f"indicator {numbers}: counts the parts, sets no level"
    if row.names:
        return ", ".join(row.names) + ": named, but no event one can see"
    return ("vague: " + "、".join(row.vague_markers)) if row.vague_markers else "no number, date or named deliverable"


def commitment_table(rows: pd.DataFrame, ind: pd.DataFrame, caption: str, compact: bool = False,
                     extra: dict[str, list] | None = None, place: str = "section"):
    """Commitments as the reader sees them: the clause, its verb and object, and what makes it checkable.

    ``compact`` gives the sub-heading, clause, verb and class only; ``extra`` adds columns (name → values)
    before the class, such as a chapter's own domain of each clause. ``place`` says where a clause stands:
    "section" (section heading and sub-heading), "subheading", or "none" (rows of a single paragraph).
    """
    from analysis.tables import Table

    extra = extra or {}
    if compact:
        return Table(pd.DataFrame({"№": rows["n"], "sub-heading 小标题": rows["subheading"],
                                   "clause 原文": rows["text"], "verb 动词": rows["verb"], **extra,
                                   "measurable by": rows["measure"]}), caption)
    where = {
        "section": {"section · sub-heading 小标题": [f"{SECTION_BY_KEY[s].heading}\n{h}" for s, h in
                                                   zip(rows["section"], rows["subheading"], strict=True)]},
        "subheading": {"sub-heading 小标题": list(rows["subheading"])},
        "none": {},
    }[place]
    return Table(pd.DataFrame({
        "№": rows["n"],
        **where,
        "clause 原文": rows["text"],
        "verb 动词": rows["verb"],
        "object 宾语": [(f"[{s}] " if s else "") + o for s, o in zip(rows["subject"], rows["object"], strict=True)],
        **extra,
        "measurable by": rows["measure"],
        "evidence": [evidence(r, ind) for r in rows.itertuples()],
    }), caption)


# --- outside data: the context series -------------------------------------------------------------------

def context_series_path() -> Path:
    """data/context/context_series.csv when it exists, else the reference copy (outside the project)."""
    return CONTEXT_FILE if CONTEXT_FILE.exists() else SHARED_CONTEXT


def read_context_series(path: Path | None = None) -> pd.DataFrame:
    """Official figures for other years, each with its source; errors name file, line and column."""
    path = Path(path or context_series_path())
    name = relative(path)
    if not path.exists():
        raise DataError([Problem(name, None, None, "file not found")])
    record_read(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in CONTEXT_COLUMNS if c not in df.columns]
    if missing:
        raise DataError([Problem(name, 1, None, f"missing column(s) {', '.join(missing)}; expected at least "
                                                f"{', '.join(CONTEXT_COLUMNS)}")])
    problems = []
    for i, (year, value) in enumerate(zip(df["year"], df["value"], strict=True)):
        if not year.isdigit():
            problems.append(Problem(name, i + 2, "year", f"found {year!r}; expected a year"))
        try:
            float(value)
        except ValueError:
            problems.append(Problem(name, i + 2, "value", f"found {value!r}; expected a number"))
    if problems:
        raise DataError(problems)
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    df["line"] = range(2, len(df) + 2)
    return df


def _qualifier_in_excerpt(excerpt: str, value: float) -> str:
    """The qualifier the source attaches to the value (以上, 左右 …), read from its own words."""
    from analysis.quantities import find_quantities

    for q in find_quantities(excerpt):
        if math.isclose(q.number, value, rel_tol=1e-9):
            return q.qualifier
    return "exact"


STATUS_RANK = {"final": 3, "reported": 2, "estimate": 1}


def latest(ctx: pd.DataFrame, indicator: str, year: int) -> pd.Series | None:
    """The most authoritative figure for a year: final accounts before reports before estimates."""
    rows = ctx[(ctx["indicator"] == indicator) & (ctx["year"] == year)]
    if rows.empty:
        return None
    order = rows.assign(rank=rows["status"].map(STATUS_RANK).fillna(0)).sort_values(["rank", "line"],
                                                                                     ascending=[False, True])
    return order.iloc[0]


def page_title(row: pd.Series) -> str:
    """The title of a context row's page as readers see it, in 《》. The data mark a title the stored excerpt
    does not show (``analysis.context.RECONSTRUCTED``); readers get that said in words after the title."""
    from analysis.context import RECONSTRUCTED_SAYS, display_title

    shown = display_title(str(row["source_title"]))
    if shown.endswith(RECONSTRUCTED_SAYS):
        return f"《{shown.removesuffix(RECONSTRUCTED_SAYS).strip()}》 {RECONSTRUCTED_SAYS}"
    return f"《{shown}》"


@dataclass(frozen=True)
class ContextCheck:
    what: str  # the commitment, in the report's words
    section: str
    target: str  # what the report sets, as it writes it
    indicator: str  # the context series used
    year: int
    found: str  # the later figure, as its source writes it
    status: str
    verdict: str
    formula: str
    source: str


def context_checks(ind: pd.DataFrame, ctx: pd.DataFrame, gdp_target_id: str = "gdp_milestone_target",
                   investment_base_id: str = "fixed_asset_investment_2023") -> list[ContextCheck]:
    """The report's forward-looking statements that the context series already lets a reader check."""
    checks = []
    target = ind.loc[gdp_target_id]
    gdp = latest(ctx, "gdp", 2024)
    if gdp is not None:
        qual = _qualifier_in_excerpt(gdp["excerpt"], gdp["value"])
        reached = gdp["value"] * 1e8 >= target["value"]
        verdict = ("reached" if reached else "not reached") + (" (on an estimate)" if gdp["status"] == "estimate"
                                                                else "")
        if qual in ("approx", "near", "expected+approx") and not reached:
            verdict += "; the figure is approximate"
        checks.append(ContextCheck(
            f"{target['name_zh']}: {target['quote']} ({target['name_en']})", target["section"], target["display"],
            "gdp", 2024, f"{gdp['value']:g}{gdp['unit']} ({qual})", gdp["status"], verdict,
            f"2024 GDP (context) ≥ {target['display']}", f"{page_title(gdp)} {gdp['source_url']}".strip()))
    fai = latest(ctx, "fai", 2024)
    if fai is not None and investment_base_id in ind.index:
        base = ind.loc[investment_base_id]
        qual = _qualifier_in_excerpt(fai["excerpt"], fai["value"])
        change = 100 * (fai["value"] * 1e8 / base["value"] - 1)
        bound = "at least " if "over" in qual else ("about " if "approx" in qual else "")
        checks.append(ContextCheck(
            "狠抓项目投资 (push project investment)", "坚持夯基固本 着力增强发展基础支撑", "no number set",
            "fai", 2024, f"{fai['value']:g}{fai['unit']} ({qual})", fai["status"],
            f"no target to judge; investment changed by {bound}{change:+.1f}% on 2023's {base['display']}",
            "100 × (2024 investment / 2023 investment − 1)", f"{page_title(fai)} {fai['source_url']}".strip()))
    return checks


# --- words: what the review and the outlook emphasise ----------------------------------------------------

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
    from analysis.defects import reading_text

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


# --- charts ---------------------------------------------------------------------------------------------

MEASURE_LABELS = {
    "number (outcome)": "number: an outcome 数字目标",
    "date": "date 时间节点",
    "named deliverable": "named deliverable 具名项目",
    "number (scope)": "number: scope only 范围数字",
    "vague": "vague 笼统表述",
}
MEASURE_COLORS = ["#1f5f8b", "#6b4e71", "#588b8b", "#f2a541", "#c9c9c9"]
PART_COLORS = {"review 回眸": "#1f5f8b", "outlook 展望": "#c8553d"}


def section_axis_label(key: str) -> str:
    """A two-line axis label: the Chinese heading, then its English name ('|' is the line break)."""
    spec = SECTION_BY_KEY[key]
    return f"{spec.heading}|{spec.name_en}"


def _multiline_y(field: str, sort, title=None):
    import altair as alt

    return alt.Y(field, sort=sort, title=title, axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=400))


def measure_chart(df: pd.DataFrame, source: str):
    """Commitments per outlook section, stacked by how measurable they are."""
    import altair as alt

    data = df.groupby(["section", "measure"]).agg(count=("n", "size"),
                                                 examples=("text", lambda t: " / ".join(list(t)[:3]))).reset_index()
    data["label"] = data["section"].map(section_axis_label)
    data["measure_label"] = data["measure"].map(MEASURE_LABELS)
    data["order"] = data["measure"].map(MEASURES.index)
    domain = [MEASURE_LABELS[m] for m in MEASURES]
    return alt.Chart(data).mark_bar().encode(
        y=_multiline_y("label:N", [section_axis_label(k) for k in OUTLOOK]),
        x=alt.X("count:Q", title="commitments 承诺条数"),
        color=alt.Color("measure_label:N", title="measurable by", scale=alt.Scale(domain=domain,
                                                                              range=MEASURE_COLORS),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("label:N", title="section"), alt.Tooltip("measure_label:N", title="measurable by"),
                 alt.Tooltip("count:Q", title="commitments"), alt.Tooltip("examples:N", title="e.g.")],
    ).properties(width=460, height=alt.Step(44), title=alt.TitleParams(
        "Commitments for 2024 per outlook section, by what makes them checkable",
        subtitle=wrap_source(source, extra="segmentation: analysis.commitments")))


CHECKABLE_NOTE = "checkable = an outcome number, a date or a named deliverable"


def paragraph_chart(df: pd.DataFrame, title: str, source: str, width: int = 420):
    """Commitments per outlook paragraph (sub-heading), stacked by class, one panel per section.

    For chapters that read some sections: the rows come from ``select`` on the one ``commitments`` table, so a
    section's bars add up to its bar in ``measure_chart``.
    """
    import altair as alt

    data = (df.groupby(["section", "subheading", "measure"], sort=False)
            .agg(count=("n", "size"), clauses=("text", lambda t: " / ".join(t)[:320])).reset_index())
    data["heading"] = data["section"].map(section_axis_label)
    data["measure_label"] = data["measure"].map(MEASURE_LABELS)
    data["order"] = data["measure"].map(MEASURES.index)
    data["checkable"] = data["measure"].isin(CHECKABLE).map({True: "yes", False: "no"})
    domain = [MEASURE_LABELS[m] for m in MEASURES]
    bars = alt.Chart(data).mark_bar(height=20).encode(
        y=alt.Y("subheading:N", sort=list(dict.fromkeys(df["subheading"])), title=None),
        x=alt.X("count:Q", title="commitments 承诺条数", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("measure_label:N", title="measurable by", scale=alt.Scale(domain=domain,
                                                                              range=MEASURE_COLORS),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("subheading:N", title="sub-heading 小标题"),
                 alt.Tooltip("measure_label:N", title="measurable by"), alt.Tooltip("checkable:N"),
                 alt.Tooltip("count:Q", title="commitments"), alt.Tooltip("clauses:N", title="the clauses")],
    ).properties(width=width, height=alt.Step(28))
    headings = [section_axis_label(k) for k in dict.fromkeys(df["section"])]
    header = alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top", labelFontSize=12,
                        labelFontWeight="bold", labelExpr="split(datum.label, '|')", labelLimit=600)
    return bars.facet(row=alt.Row("heading:N", sort=headings, title=None, header=header)).resolve_scale(
        y="independent").properties(title=alt.TitleParams(title, subtitle=[
            CHECKABLE_NOTE, *wrap_source(source, extra="segmentation and classes: analysis.commitments")]))


def share_chart(per: pd.DataFrame, overall: float, source: str):
    """The share of each section's commitments a reader could check a year later."""
    import altair as alt

    data = per.reset_index()[["section", "total", "checkable", "share_checkable"]].copy()
    data["label"] = data["section"].map(section_axis_label)
    base = alt.Chart(data).encode(
        y=_multiline_y("label:N", [section_axis_label(k) for k in OUTLOOK]),
        x=alt.X("share_checkable:Q", title="checkable 可核查, % of the section's commitments",
                scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("label:N", title="section"), alt.Tooltip("checkable:Q"), alt.Tooltip("total:Q"),
                 alt.Tooltip("share_checkable:Q", title="share, %", format=".1f")])
    bars = base.mark_bar(color=MEASURE_COLORS[0])
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("share_checkable:Q", format=".0f"))
    rule_data = pd.DataFrame({"share": [overall], "label": [f"all sections {overall:.0f}%"]})
    rule = alt.Chart(rule_data).mark_rule(strokeDash=[5, 3], color="#c8553d").encode(
        x="share:Q", tooltip=[alt.Tooltip("label:N", title="overall")])
    return alt.layer(bars, text, rule).properties(width=420, height=alt.Step(44), title=alt.TitleParams(
        "Share of commitments a reader could check a year later",
        subtitle=[f"{CHECKABLE_NOTE}; share = 100 × checkable / total",
                  *wrap_source(source)]))


def verb_chart(df: pd.DataFrame, top_n: int, source: str):
    """The outlook's most frequent verbs, stacked by the measurability of the clauses they head."""
    import altair as alt

    totals = df["verb"].value_counts()
    top = sorted(totals.index, key=lambda v: (-totals[v], v))[:top_n]
    sub = df[df["verb"].isin(top)]
    data = sub.groupby(["verb", "measure"]).agg(count=("n", "size"),
                                               examples=("text", lambda t: " / ".join(list(t)[:3]))).reset_index()
    data["measure_label"] = data["measure"].map(MEASURE_LABELS)
    data["order"] = data["measure"].map(MEASURES.index)
    domain = [MEASURE_LABELS[m] for m in MEASURES]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("verb:N", sort=top, title="verb 动词"),
        x=alt.X("count:Q", title="commitments headed by the verb"),
        color=alt.Color("measure_label:N", title="measurable by",
                        scale=alt.Scale(domain=domain, range=MEASURE_COLORS),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("verb:N"), alt.Tooltip("measure_label:N", title="measurable by"),
                 alt.Tooltip("count:Q", title="commitments"), alt.Tooltip("examples:N", title="e.g.")],
    ).properties(width=420, height=alt.Step(20), title=alt.TitleParams(
        f"The {len(top)} most frequent verbs of the outlook", subtitle=wrap_source(source)))


def top_words_chart(counts: pd.DataFrame, top_n: int, source: str):
    """Each part's most frequent words, per 1000 words of that part, side by side."""
    import altair as alt

    panels = []
    for part in ("review", "outlook"):
        data = top_words(counts, part, top_n)
        other = "outlook" if part == "review" else "review"
        data["other"] = data[other]
        label = "review 回眸" if part == "review" else "outlook 展望"
        panels.append(alt.Chart(data).mark_bar(color=PART_COLORS[label]).encode(
            y=alt.Y("word:N", sort=list(data["word"]), title=None),
            x=alt.X("per_1000:Q", title=f"per 1000 words of the {part}"),
            tooltip=[alt.Tooltip("word:N"), alt.Tooltip("count:Q", title=f"count in the {part}"),
                     alt.Tooltip("per_1000:Q", title="per 1000 words", format=".1f"),
                     alt.Tooltip("other:Q", title=f"count in the {other}")],
        ).properties(width=230, height=alt.Step(17), title=label))
    return alt.hconcat(*panels).properties(title=alt.TitleParams(
        f"The {top_n} most frequent words of the review and of the outlook (jieba segmentation)",
        subtitle=wrap_source(source, extra="stopwords: analysis.commitments.STOPWORDS")))


def distinctive_chart(ratios: pd.DataFrame, top_n: int, smoothing: float, min_count: int, source: str):
    """Words leaning most to each part, by smoothed log2 ratio of their rates."""
    import altair as alt

    data = distinctive(ratios, top_n)
    order = list(data.sort_values("log2_ratio", ascending=False)["word"])
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("word:N", sort=order, title=None),
        x=alt.X("log2_ratio:Q", title="log2 ratio of rates, outlook ÷ review (0 = equal emphasis)"),
        color=alt.Color("leans:N", title="leans to", scale=alt.Scale(domain=list(PART_COLORS),
                                                                  range=list(PART_COLORS.values())),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("word:N"), alt.Tooltip("review:Q", title="count in review"),
                 alt.Tooltip("outlook:Q", title="count in outlook"),
                 alt.Tooltip("log2_ratio:Q", title="log2 ratio", format="+.2f")],
    ).properties(width=420, height=alt.Step(15), title=alt.TitleParams(
        "Words distinctive of each part",
        subtitle=[f"log2 of (count + {smoothing:g}) / (words + {smoothing:g}·vocabulary), outlook over review; "
                  f"words seen at least {min_count} times", *wrap_source(source)]))


def gdp_step_chart(ind: pd.DataFrame, ctx: pd.DataFrame, source: str, base_id: str = "gdp_2023",
                   target_id: str = "gdp_milestone_target"):
    """The preface's step towards 2000亿元: 2023 as reported (a lower bound) and 2024 from the context series."""
    import altair as alt

    base, target = ind.loc[base_id], ind.loc[target_id]
    gdp = latest(ctx, "gdp", 2024)
    rows = [{"year": "2023", "yi": base["value"] / 1e8, "says": base["display"], "basis": f"report: “{base['quote']}”",
             "kind": "lower bound 突破 (more than shown)"}]
    if gdp is not None:
        rows.append({"year": "2024", "yi": gdp["value"], "says": f"{gdp['value']:g}{gdp['unit']}",
                     "basis": f"{gdp['status']}: {gdp['excerpt']}", "kind": f"{gdp['status']} 预计 (context series)"})
    data = pd.DataFrame(rows)
    scale = alt.Scale(domain=[1800, 2100], zero=False)
    points = alt.Chart(data).mark_point(filled=True, size=220).encode(
        x=alt.X("year:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("yi:Q", title="地区生产总值 GDP, 亿元", scale=scale),
        shape=alt.Shape("kind:N", title=None, scale=alt.Scale(domain=list(data["kind"]),
                                                               range=["triangle-up", "circle"][:len(data)]),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        color=alt.value("#1f5f8b"),
        tooltip=[alt.Tooltip("year:N"), alt.Tooltip("says:N", title="stated as"), alt.Tooltip("basis:N")])
    labels = points.mark_text(dx=14, align="left").encode(text="says:N")
    tdata = pd.DataFrame({"t": [target["value"] / 1e8], "label": [f"{target['quote']} (preface)"]})
    rule = alt.Chart(tdata).mark_rule(strokeDash=[6, 4], color="#c8553d").encode(
        y=alt.Y("t:Q", scale=scale), tooltip=["label:N"])
    rlabel = alt.Chart(tdata).mark_text(align="left", dy=-8, color="#c8553d").encode(
        y=alt.Y("t:Q", scale=scale), x=alt.value(4), text="label:N")
    return alt.layer(rule, rlabel, points, labels).properties(width=320, height=260, title=alt.TitleParams(
        "The step the preface points to, checked against a later official estimate",
        subtitle=["▲ lower bound: 2023 GDP 突破 (exceeded) the value shown",
                  *wrap_source(source)]))
