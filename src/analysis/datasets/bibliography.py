"""The book's bibliography (``book/references.bib``), read with pybtex: the one reader of BibTeX in the package.

Chapters cite an outside page by its key ({cite}`key`); the key of a page is found by its address, or by its
title for a page whose address could not be verified (``source_key``). The "How to cite" page shows entries as the file
writes them (``entry_bibtex``); a test keeps the file in that one style, so the two never differ.
"""

from __future__ import annotations

from pathlib import Path

from pybtex.database import BibliographyData, Entry, parse_file

from analysis.datasets.context_series import RECONSTRUCTED
from analysis.paths import BIBLIOGRAPHY
from analysis.read_log import record_read

FIELD_WIDTH = 12  # field names are padded to this width in references.bib


def read_bibliography(path: Path = BIBLIOGRAPHY) -> BibliographyData:
    record_read(path)
    return parse_file(str(path), bib_format="bibtex")


def fields(path: Path = BIBLIOGRAPHY) -> dict[str, dict[str, str]]:
    """Every entry's fields by key (lower-case names; persons joined with ' and ', as written)."""
    out = {}
    for key, entry in read_bibliography(path).entries.items():
        values = {role.lower(): " and ".join(str(p) for p in people) for role, people in entry.persons.items()}
        values.update({name.lower(): value for name, value in entry.fields.items()})
        out[key] = values
    return out


def source_key(url: str | None, title: str | None = None, path: Path = BIBLIOGRAPHY,
               entries: dict[str, dict[str, str]] | None = None) -> str:
    """The key of an outside source (a row of data/context): by its address, else by its title among the
    entries without an address. A source without an entry is an error, not a silent omission. ``entries``
    (from ``fields``) spares reading the file again for each source."""
    entries = fields(path) if entries is None else entries
    if url:
        for key, f in entries.items():
            if f.get("url") == url.strip():
                return key
    if title:
        plain = title.removeprefix(RECONSTRUCTED).strip()
        for key, f in entries.items():
            if f.get("title") and plain.startswith(f["title"]) and not f.get("url"):
                return key
    raise KeyError(f"no entry in {Path(path).name} for the source {url or title!r}: add one to the bibliography")


def format_entry(key: str, entry: Entry) -> str:
    """An entry in the style of references.bib: persons first, each field on its line, values in braces."""
    lines = [f"  {role.lower():<{FIELD_WIDTH}} = {{{' and '.join(str(p) for p in people)}}}"
             for role, people in entry.persons.items()]
    lines += [f"  {name.lower():<{FIELD_WIDTH}} = {{{value}}}" for name, value in entry.fields.items()]
    return f"@{entry.type}{{{key},\n" + ",\n".join(lines) + "\n}"


def entry_bibtex(key: str, path: Path = BIBLIOGRAPHY) -> str | None:
    """One entry as BibTeX text (None when the key is absent)."""
    entry = read_bibliography(path).entries.get(key)
    return None if entry is None else format_entry(key, entry)
