"""Glued values pasted into an executed notebook's Markdown read exactly as myst-nb would print them."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt
from myst_nb.core.variables import format_plain_text

from analysis.presentation.prose import fill_glue, glued_values

VALUES: dict[str, object] = {"share": 0.4567, "count": 12.0, "label": "a*b_c [x](y) <b>|", "year": 2023}


@pytest.mark.parametrize("spec", ["", ".1f", ".0%", "d", "s", ",.2f"])
def test_a_pasted_value_is_formatted_as_myst_nb_formats_it(spec: str) -> None:
    for name in ("share", "count", "year"):
        if spec == "d" and name == "share":
            continue
        role = f"{{glue:text}}`{name}:{spec}`" if spec else f"{{glue:text}}`{name}`"
        shown = MarkdownIt("commonmark").renderInline(fill_glue(role, VALUES))
        assert shown == html.escape(format_plain_text(repr(VALUES[name]), spec or "s"), quote=False)


def test_a_pasted_value_stays_literal_text_when_the_markdown_is_rendered() -> None:
    filled = fill_glue("Label: {glue:text}`label`, in 2023: {glue:text}`year`.", VALUES)
    rendered = MarkdownIt("commonmark").renderInline(filled)
    assert rendered == "Label: a*b_c [x](y) &lt;b&gt;|, in 2023: 2023."


def test_a_role_without_a_glued_value_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="'missing', which the notebook never glued"):
        fill_glue("{glue:text}`count` and {glue:text}`missing:.1f`", VALUES)


def test_glued_values_are_read_from_scrapbook_outputs() -> None:
    outputs = [{"output_type": "display_data", "metadata": {"scrapbook": {"name": "n", "mime_prefix": ""}},
                "data": {"text/plain": "3.5"}},
               {"output_type": "stream", "text": "ignored"}]
    assert glued_values(outputs) == {"n": 3.5}
