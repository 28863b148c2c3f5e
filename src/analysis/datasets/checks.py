"""Every data file checked before any chapter runs: one call, every problem listed with file, line and column."""

from __future__ import annotations

from analysis.datasets import context_series, notes
from analysis.datasets.carbon_market import validate_carbon_market
from analysis.datasets.described_areas import validate_described_areas
from analysis.datasets.indicators import uncovered_numerals, validate_exclusions, validate_indicators
from analysis.errors import DataError, Problem
from analysis.paths import INDICATORS, relative
from analysis.report.text import load_report


def check_all() -> None:
    """Validate the report's tables, the outside series and prices, the source notes and the map layers.

    Raises DataError listing all problems.
    """
    report = load_report()
    problems: list[Problem] = validate_indicators(report=report) + validate_exclusions(report=report)
    if not problems:  # coverage is only meaningful once the rows themselves are valid
        problems = [Problem(relative(INDICATORS), None, "quote",
                            f"numeral {num!r} at {context_text!r} is neither in an indicator quote nor excluded")
                    for _, num, context_text in uncovered_numerals(report)]
    problems += context_series.validate_context()
    problems += validate_carbon_market()
    problems += validate_described_areas()
    problems += notes.validate_source_notes(report=report)
    problems += _map_layer_problems()
    if problems:
        raise DataError(problems)


def _map_layer_problems() -> list[Problem]:
    from analysis.datasets import geo  # geopandas is slow to import; only needed here

    problems: list[Problem] = []
    for load in (geo.landmarks, geo.places):
        try:
            load()
        except DataError as err:
            problems += err.problems
    return problems
