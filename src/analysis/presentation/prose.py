"""Helpers for a chapter's prose: computed values glued into the text, and section headings named as the
report prints them (never typed by hand)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping

from analysis.presentation.language import localized_numbers
from analysis.presentation.markdown import escape
from analysis.report.text import SECTION_BY_KEY

# ``{glue:text}`key``` or ``{glue:text}`key:format```, as myst-nb reads them (the format is after the last colon).
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`]+?)(?::([^`:]*))?`")


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


def glued_values(outputs: Iterable[Mapping]) -> dict[str, object]:
    """The values a notebook glued, by name, read from its outputs as myst-nb reads them."""
    values: dict[str, object] = {}
    for out in outputs:
        meta = out.get("metadata", {}).get("scrapbook")
        if meta:
            text = out["data"].get(meta["mime_prefix"] + "text/plain", "")
            try:
                values[meta["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[meta["name"]] = text
    return values


def pasted_text(value: object, spec: str | None) -> str:
    """A glued value as ``{glue:text}`` prints it: the format's type character decides int, float or str."""
    if not spec:
        return str(value)
    kind = spec[-1]
    if kind in "bcdoxX":
        value = int(value)  # type: ignore[call-overload]
    elif kind in "eEfFgGn%":
        value = float(value)  # type: ignore[arg-type]
    elif kind == "s":
        value = str(value)
    return format(value, spec)


def fill_glue(markdown: str, values: Mapping[str, object]) -> str:
    """Markdown with every ``{glue:text}`` role replaced by its value, escaped so that it stays literal text.

    An executed notebook then reads as prose wherever it is opened (JupyterLab, VS Code, GitHub), not as roles.
    A role without a value raises KeyError naming it: prose must never print a placeholder.
    """
    def sub(m: re.Match) -> str:
        if m.group(1) not in values:
            raise KeyError(f"the prose pastes {m.group(1)!r}, which the notebook never glued")
        # literal text, as myst-nb pastes it, in the edition's way of printing numbers
        return escape(localized_numbers(pasted_text(values[m.group(1)], m.group(2))))

    return GLUE_ROLE.sub(sub, markdown)
