"""How to cite the book and its chapters: one source of truth (CITATION.cff) for title, authors and year.

A chapter calls ``cite_chapter("01_regional_strength")`` in a cell to show its "Cite this chapter" line.
The line is Markdown with the MyST substitutions ``{{ book_version }}`` and ``{{ data_fingerprint }}``,
which the book's Sphinx extension fills at render time: the fingerprint is of the data the page was
built from, and reading every data file in the kernel would tie each chapter's cache to all data files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.paths import BOOK, ROOT

CITATION_FILE = ROOT / "CITATION.cff"
BIBFILE = BOOK / "references.bib"
BOOK_KEY = "wuchangtraced"
ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


@cache
def _metadata(path: Path = CITATION_FILE) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def book_metadata(path: Path = CITATION_FILE) -> dict[str, Any]:
    """The citation of the book as CITATION.cff prefers it (its ``preferred-citation``, else the top level)."""
    meta = _metadata(Path(path))
    return {**meta, **meta.get("preferred-citation", {})}


def author_names(authors: list[dict[str, str]], bibtex: bool = False) -> list[str]:
    """CFF authors as names: organisations as they are (braced for BibTeX), persons as "Family, Given"."""
    names = []
    for a in authors:
        if "name" in a:
            names.append(f"{{{a['name']}}}" if bibtex else a["name"])
        else:
            family = " ".join(p for p in (a.get("name-particle"), a["family-names"]) if p)
            names.append(f"{family}, {a['given-names']}" if a.get("given-names") else family)
    return names


def book_bibtex(version: str, fingerprint: str, path: Path = CITATION_FILE) -> str:
    """The book's BibTeX entry for one build: the version and data fingerprint name what was read."""
    meta = book_metadata(path)
    fields = [
        ("title", meta["title"]),
        ("author", " and ".join(author_names(meta["authors"], bibtex=True))),
        ("year", str(meta.get("year", ""))),
        ("edition", f"Version {version}"),
        ("note", f"Data fingerprint {fingerprint}"),
    ]
    if meta.get("url"):
        fields.append(("url", meta["url"]))
    body = ",\n".join(f"  {name:<8} = {{{value}}}" for name, value in fields if value)
    return f"@book{{{BOOK_KEY},\n{body}\n}}"


def bib_entry(key: str, bibfile: Path) -> str | None:
    """The text of one entry of a .bib file, exactly as written there (None when the key is absent)."""
    text = Path(bibfile).read_text(encoding="utf-8")
    m = re.search(r"@\w+\s*\{\s*" + re.escape(key) + r"\s*,", text)
    if not m:
        return None
    depth = 0
    for i in range(text.index("{", m.start()), len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[m.start(): i + 1]
    raise ValueError(f"{bibfile}: entry {key!r} has unbalanced braces")


def bib_fields(bibfile: Path = BIBFILE) -> dict[str, dict[str, str]]:
    """Every entry's fields (lower-case names, braces and all as written), by key."""
    text = Path(bibfile).read_text(encoding="utf-8")
    entries = {}
    for m in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,", text):
        body = bib_entry(m.group(1), bibfile) or ""
        entries[m.group(1)] = {k.lower(): v for k, v in re.findall(r"(\w+)\s*=\s*\{(.*)\},?\s*$", body, re.MULTILINE)}
    return entries


def source_key(url: str | None, title: str | None = None, bibfile: Path = BIBFILE) -> str:
    """The bibliography key of an outside source (a row of data/context): by its address, else by its title.

    Chapters cite it with {cite}`key`; a source without an entry is an error, not a silent omission.
    """
    entries = bib_fields(bibfile)
    if url:
        for key, fields in entries.items():
            if fields.get("url") == url.strip():
                return key
    if title:
        plain = title.removeprefix("[title not in stored excerpt]").strip()
        for key, fields in entries.items():
            if fields.get("title") and plain.startswith(fields["title"].strip("{}")) and not fields.get("url"):
                return key
    raise KeyError(f"no entry in {bibfile.name} for the source {url or title!r}: add one to the bibliography")


def _md_escape(text: str) -> str:
    """Plain text safe in Markdown: every ASCII punctuation mark backslash-escaped (CommonMark allows all)."""
    return ASCII_PUNCT.sub(r"\\\1", text)


@dataclass(frozen=True)
class ChapterCitation:
    """A "Cite this chapter" line; Markdown in the book, plain text elsewhere (no fingerprint known there)."""

    slug: str
    title: str
    book_title: str
    authors: str
    year: str
    version: str

    @property
    def page(self) -> str:
        """The chapter's stable address inside the book: its page is named after its slug."""
        return f"chapters/{self.slug}.html"

    def _repr_markdown_(self) -> str:
        e = _md_escape
        return (
            f"**Cite this chapter:** {e(self.authors)} ({e(self.year)}). “{e(self.title)}”. "
            f"In *{e(self.book_title)}*, version {{{{ book_version }}}}, data fingerprint "
            f"{{{{ data_fingerprint }}}}. Page {e(self.page)}."
        )

    def __repr__(self) -> str:
        return (f"Cite this chapter: {self.authors} ({self.year}). “{self.title}”. In {self.book_title}, "
                f"version {self.version}. Page {self.page}.")


def cite_chapter(slug: str, path: Path = CITATION_FILE) -> ChapterCitation:
    """The line a chapter shows under its title or at its end; ``slug`` as in analysis.chapters."""
    from analysis.chapters import get

    chapter = get(slug)
    meta = book_metadata(path)
    return ChapterCitation(chapter.slug, chapter.title, meta["title"], "; ".join(author_names(meta["authors"])),
                           str(meta.get("year", "")), __version__)
