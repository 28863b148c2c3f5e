"""Areas that descriptions give for places the report names (``data/context/described_areas.csv``): outside
data, each with its definition, its source and that source's grade. They size schematic shapes and enter
ratios only as approximate figures."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from analysis.datasets.csv_rows import Column, read_csv_rows
from analysis.datasets.provenance import PROVENANCE_COLUMNS, printed_in, provenance_problems
from analysis.errors import DataError, Problem
from analysis.paths import DESCRIBED_AREAS, relative

AREA_COLUMNS: tuple[Column, ...] = (
    Column("place", "the place as the report names it"),
    Column("area_km2", "the area the source gives, km²"),
    Column("definition", "what the area covers, as the source bounds it"),
    *PROVENANCE_COLUMNS,
    Column("note", "other sources, and what is missing", optional=True),
)


@dataclass(frozen=True)
class DescribedArea:
    place: str
    area_km2: float
    definition: str
    excerpt: str
    source_url: str
    grade: str


def _read(path: Path) -> tuple[list[DescribedArea], list[Problem]]:
    rows, problems = read_csv_rows(path, AREA_COLUMNS)
    name = relative(path)
    areas = []
    for line, row in rows:
        bad = provenance_problems(row, name, line)
        try:
            area = float(row["area_km2"])
            if not math.isfinite(area) or area <= 0:
                raise ValueError
        except ValueError:
            bad.append(Problem(name, line, "area_km2", f"found {row['area_km2']!r}; expected a positive number"))
            area = math.nan
        if not bad and not printed_in(area, row["excerpt"]):
            bad.append(Problem(name, line, "excerpt", f"does not print the area {row['area_km2']}; expected it as "
                                                      "the source writes it"))
        problems += bad
        if not bad:
            areas.append(DescribedArea(row["place"], area, row["definition"], row["excerpt"], row["source_url"],
                                       row["grade"]))
    return areas, problems


def validate_described_areas(path: Path = DESCRIBED_AREAS) -> list[Problem]:
    return _read(path)[1]


def described_areas(path: Path = DESCRIBED_AREAS) -> list[DescribedArea]:
    """The validated rows."""
    areas, problems = _read(path)
    if problems:
        raise DataError(problems)
    return areas


def described_area(place: str, path: Path = DESCRIBED_AREAS) -> DescribedArea:
    """The described area of a place; an error naming the file when it has none."""
    for a in described_areas(path):
        if a.place == place:
            return a
    raise DataError([Problem(relative(path), None, "place", f"no row for {place!r}")])
