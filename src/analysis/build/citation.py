"""How to cite the book and its chapters: one source of truth (CITATION.cff) for title, authors and year.

A chapter calls ``cite_chapter("01_regional_strength")`` in a cell to show its "Cite this chapter" line.
The line is Markdown with the MyST substitutions ``{{ book_version }}`` and ``{{ data_fingerprint }}``,
which the book's Sphinx extension fills at render time: the fingerprint is of the data the page was
built from, and reading every data file in the kernel would tie each chapter's cache to all data files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.chapters import get
from analysis.paths import CITATION_FILE
from analysis.presentation.markdown import escape

BOOK_KEY = "wuchangtraced"


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
        return f"book/chapters/{self.slug}.html"

    def _repr_markdown_(self) -> str:
        e = escape
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
    chapter = get(slug)
    meta = book_metadata(path)
    return ChapterCitation(chapter.slug, chapter.title, meta["title"], "; ".join(author_names(meta["authors"])),
                           str(meta.get("year", "")), __version__)
