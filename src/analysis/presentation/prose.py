"""Helpers for a chapter's prose: computed values glued into the text, and section headings named as the
report prints them (never typed by hand)."""

from __future__ import annotations

from analysis.report.text import SECTION_BY_KEY


def section_headings(*keys: str) -> str:
    return "; ".join(f"{SECTION_BY_KEY[k].heading} ({SECTION_BY_KEY[k].name_en})" for k in keys)


def glue(name: str, value: object) -> None:
    """Make a computed value available to the chapter's prose (``{glue:text}`name```).

    numpy scalars become plain Python numbers: myst-nb formats the stored text form, and
    ``np.float64(…)`` would not parse.
    """
    from myst_nb import glue as myst_glue

    if hasattr(value, "item"):
        value = value.item()
    myst_glue(name, value, display=False)
