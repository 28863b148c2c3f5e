"""The project's term dictionary (``data/jieba_userdict.txt``): proper names and domain terms of the report,
one 'word frequency tag' per line, used to cut words (jieba) and to recognise named deliverables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.errors import DataError, Problem
from analysis.paths import USERDICT, in_project, relative
from analysis.read_log import record_read


@dataclass(frozen=True)
class Term:
    word: str
    tag: str  # nz/ns/nt: a proper name (project, place, organisation); n: a domain term kept whole


def read_userdict(path: Path = USERDICT) -> list[Term]:
    """The project terms, one 'word frequency tag' per line; errors name the file and line."""
    path = in_project(path)
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
