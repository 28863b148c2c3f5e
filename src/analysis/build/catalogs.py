"""Keeping the Chinese edition's catalogs in step with the English text: ``python -m analysis translations``.

The messages are found the way the build uses them, never by a second reading of the text:
- ``chapters/<slug>.po``: every text the Chinese edition of a chapter looked up, from the chapter's last
  execution in the build cache (run ``make book`` first); ``shared.po``: those several chapters look up;
- ``code.po``: the package's ``_()``/``gettext()`` messages (Babel's extractor) and the configuration's texts;
- ``book.po``: the hand-written pages, from Sphinx's gettext builder (what sphinx-intl reads too).
A message keeps its translation while its English is unchanged; a new one comes with an empty translation, and
one the text no longer has is dropped. Each file is written in the order its messages appear.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from analysis import chapters as chapter_list
from analysis.errors import BookError
from analysis.paths import (
    BOOK_CATALOG,
    BOOK_EXTENSIONS,
    CACHE,
    CHAPTER_CATALOGS,
    CHART_PNG_ENV,
    CODE,
    CODE_CATALOG,
    GETTEXT,
    ROOT,
    SHARED_CATALOG,
    relative,
)
from analysis.presentation import language

HEADER = "The Chinese edition of 'Wuchang 2023, traced': {what}. Kept in step by `python -m analysis translations`."


def read_catalog(path: Path) -> dict[str, str]:
    """A catalog's translations (empty ones included), by message."""
    from babel.messages.pofile import read_po

    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return {str(m.id): str(m.string or "") for m in read_po(fh) if m.id}


def write_catalog(path: Path, messages: Iterable[tuple[str, str]], what: str,
                  known: dict[str, str] | None = None) -> tuple[int, int]:
    """The catalog at ``path`` with exactly ``messages`` (message, where it stands), their translations taken
    from ``known`` (by default the file's own); returns (messages, of which untranslated)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    known = read_catalog(path) if known is None else known
    catalog = Catalog(locale="zh_CN", project="wuchang-book", header_comment="# " + HEADER.format(what=what),
                      charset="utf-8")
    empty = 0
    for message, where in dict(messages).items():
        string = known.get(message, "")
        empty += not string
        catalog.add(message, string, auto_comments=[where] if where else ())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".po.tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=False, include_lineno=False)
    tmp.replace(path)
    return len(catalog), empty


def chapter_messages(slug: str) -> dict[str, str]:
    """The messages the Chinese edition of a chapter looks up, from its cached execution."""
    import nbformat

    from analysis.presentation import edition
    from analysis.presentation.prose import glued_values

    raw = CACHE / f"{slug}.ipynb"
    if not raw.exists():
        raise BookError(f"no executed chapter {slug} in {relative(CACHE)}: run `make book` first")
    nb = nbformat.read(raw, as_version=4)
    language.forget()
    before = os.environ.get(CHART_PNG_ENV)
    os.environ[CHART_PNG_ENV] = "0"  # the pictures are not messages
    try:
        with language.using("zh"):
            from analysis.presentation.display import FIGURE_META

            for value in glued_values(o for c in nb.cells for o in c.get("outputs", [])).values():
                edition.translated_value(value, slug)
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    edition.translated_markdown(cell.source, slug)
                for out in cell.get("outputs", []):
                    edition.translated_output({**out, "metadata": {k: v for k, v in out.get("metadata", {}).items()
                                                                  if k == FIGURE_META}}, slug)
    finally:
        if before is None:
            os.environ.pop(CHART_PNG_ENV, None)
        else:
            os.environ[CHART_PNG_ENV] = before
    code = {m for m, where in language.SEEN.items() if where == "code"}
    return {m: slug for m in language.SEEN if m not in code}


def code_messages() -> dict[str, str]:
    """The package's own messages: its ``_()`` and ``gettext()`` calls, and the configuration's texts."""
    from babel.messages.extract import extract_from_dir

    from analysis.build.editions import config_messages

    found: dict[str, str] = {}
    for folder in (CODE, BOOK_EXTENSIONS):
        for filename, lineno, message, _comments, _context in extract_from_dir(
                folder, method_map=[("**.py", "python")], keywords={"_": None, "gettext": None}):
            if isinstance(message, str):
                where = f"{relative(folder / filename)}:{lineno}"
                found.setdefault(message, where)
    for message in config_messages():
        found.setdefault(message, "_config.yml")
    return found


def page_messages() -> dict[str, str]:
    """The hand-written pages' messages, from Sphinx's gettext builder over the English edition."""
    from babel.messages.pofile import read_po

    out = GETTEXT
    if out.exists():
        shutil.rmtree(out)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", str(out),
           "--builder", "custom", "--custom-builder", "gettext"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    pots = sorted((out / "_build").rglob("*.pot"))
    if proc.returncode != 0 or not pots:
        raise BookError(f"Sphinx's gettext builder failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    found: dict[str, str] = {}
    for pot in pots:
        with pot.open("rb") as fh:
            for m in read_po(fh):
                places = [f for f, _line in m.locations]
                # the chapters are translated by the build (chapters/<slug>.po), not by Sphinx
                if m.id and any("/chapters/" not in p for p in places) and language.is_prose(
                        CODE_SPAN.sub(" ", ROLE.sub(" ", str(m.id)))):
                    found.setdefault(str(m.id), places[0] if places else "")
    return found


def update(pages: bool = True) -> list[str]:
    """Bring every catalog in step with the English text; returns one line per catalog."""
    lines = []
    # A message that moves between catalogs (from one chapter's to the shared one) keeps its translation.
    known: dict[str, str] = {}
    for path in language.catalog_files():
        known.update({m: t for m, t in read_catalog(path).items() if t})
    per_chapter = {c.slug: chapter_messages(c.slug) for c in chapter_list.CHAPTERS}
    seen_in: dict[str, list[str]] = {}
    for slug, messages in per_chapter.items():
        for message in messages:
            seen_in.setdefault(message, []).append(slug)
    shared = {m: ", ".join(slugs) for m, slugs in seen_in.items() if len(slugs) > 1}
    for slug, messages in per_chapter.items():
        path = CHAPTER_CATALOGS / f"{slug}.po"
        n, empty = write_catalog(path, [(m, w) for m, w in messages.items() if m not in shared], f"chapter {slug}",
                                 known)
        lines.append(f"{relative(path)}: {n} messages, {empty} untranslated")
    n, empty = write_catalog(SHARED_CATALOG, shared.items(), "texts of several chapters", known)
    lines.append(f"{relative(SHARED_CATALOG)}: {n} messages, {empty} untranslated")
    n, empty = write_catalog(CODE_CATALOG, code_messages().items(), "texts the package composes", known)
    lines.append(f"{relative(CODE_CATALOG)}: {n} messages, {empty} untranslated")
    if pages:
        n, empty = write_catalog(BOOK_CATALOG, page_messages().items(), "the hand-written pages")
        lines.append(f"{relative(BOOK_CATALOG)}: {n} messages, {empty} untranslated")
    language.catalog.cache_clear()
    return lines


# --- Checking a translation ---------------------------------------------------------------------------------
ROLE = re.compile(r"\{[a-z][a-z:-]*\}`[^`]*`")  # {glue:text}`name:fmt`, {numref}`fig-x`, {cite:p}`key`
FIELD = re.compile(r"\{[a-z_]*\}|\{\d+\}")  # Python's {name} fields and the numbers' slots {1}, {2} …
CODE_SPAN = re.compile(r"(?<!\})`[^`]+`")
LINK_TARGET = re.compile(r"\]\(([^)]*)\)")
HEADING = re.compile(r"^(#+)\s")
# Four Latin-letter words in a row: an English sentence (or most of one), not a term such as GDP or CO₂.
ENGLISH_RUN = re.compile(r"(?:\b[A-Za-z][A-Za-z'’-]+\b[\s,;:]+){3,}\b[A-Za-z][A-Za-z'’-]+\b")


def english_runs(text: str) -> list[str]:
    """Runs of English words in a text, outside roles, code, link targets and web addresses."""
    bare = LINK_TARGET.sub("]", CODE_SPAN.sub(" ", ROLE.sub(" ", text)))
    bare = re.sub(r"https?://\S+|<[^>]*>", " ", bare)
    return ENGLISH_RUN.findall(bare)


def _numbers(text: str) -> set[str]:
    """The numbers a text prints (outside roles, code and link targets): both editions print the same."""
    bare = LINK_TARGET.sub("]", CODE_SPAN.sub(" ", ROLE.sub(" ", text)))
    return set(re.findall(r"\d+", re.sub(r"(?<=\d),(?=\d{3})", "", bare)))  # 1,625 and 1625 are one number


def translation_problems(message: str, translation: str) -> list[str]:
    """What a translation breaks of its message: its slots and fields, roles, code, links, numbers and heading
    level, and whether English sentences were left in it."""
    if not translation:
        return ["untranslated"]
    found = []
    def spans(pattern: re.Pattern, text: str) -> list[str]:
        # code spans are read outside the roles: a role's backticks are not code
        return sorted(pattern.findall(ROLE.sub(" ", text) if pattern is CODE_SPAN else text))

    for name, pattern in (("slots and fields", FIELD), ("roles", ROLE), ("code", CODE_SPAN)):
        if spans(pattern, message) != spans(pattern, translation):
            found.append(f"{name} differ: {spans(pattern, message)} → {spans(pattern, translation)}")
    if sorted(LINK_TARGET.findall(message)) != sorted(LINK_TARGET.findall(translation)):
        found.append("link targets differ")
    head_m, head_t = HEADING.match(message), HEADING.match(translation)
    if (head_m and head_m.group(1)) != (head_t and head_t.group(1)):
        found.append("heading level differs")
    lost = _numbers(message) - _numbers(translation)
    # a month or a day may be written in digits where the English names it (December → 12月); nothing else
    added = {n for n in _numbers(translation) - _numbers(message) if not 1 <= int(n) <= 31}
    if lost or added:
        found.append(f"numbers differ: {sorted(lost)} lost, {sorted(added)} added")
    runs = english_runs(translation)
    if runs:
        found.append(f"English left in it: {runs[0]!r}")
    return found


def catalog_problems(path: Path) -> list[str]:
    """Every problem of a catalog's translations, one line each, naming the message."""
    return [f"{relative(path)}: {message[:80]!r}: {problem}" for message, translation in read_catalog(path).items()
            for problem in translation_problems(message, translation)]
