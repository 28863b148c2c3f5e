"""The outlook for 2024 as a list of commitments: the one segmentation and the one classifier of the book.

Segmentation rule (``segment``), applied to each outlook paragraph after its sub-heading (做强主导产业。):

1. Sentences end at 。 ; ! ? (either width), never inside “…” or (…) (``analysis.report.text.sentence_spans``).
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

import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.datasets.userdict import Term, names_of
from analysis.report.text import CLOSERS, OPENERS, OUTLOOK, Report, sentence_spans, top_level_cuts

COMMAS = ",\uff0c"

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


# --- segmentation ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    start: int  # offsets into the text given to ``segment``
    end: int
    body: int  # where the clause proper starts (after a frame joined to it)
    text: str


def _pieces(text: str, start: int, end: int, marks: str) -> list[tuple[int, int]]:
    spans, pos = [], start
    for cut in top_level_cuts(text[start:end], marks):
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
    for s_start, s_end in sentence_spans(text, keep_mark=False):
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
        heading, body_at = p.subheading, p.body_start
        body = p.body
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
