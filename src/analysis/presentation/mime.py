"""The book's HTML for a chart output: a MyST-NB mime renderer for the Vega-Lite spec every chart carries
(``analysis.presentation.display``), registered as an entry point of this package (``pyproject.toml``).

A notebook output keeps one spec that JupyterLab and VS Code draw themselves; only the book's HTML builder turns
it into the offline container, script and CSV download of the site. Other builders (the PDF) take the PNG.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from docutils import nodes

from analysis.presentation.display import VEGALITE_MIME, book_spec, site_html


class ChartMimePlugin:
    """Renders ``VEGALITE_MIME`` outputs for HTML builders; declines everywhere else."""

    # (builder, mime type, priority): lower is preferred, None removes it for that builder.
    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = [
        ("html", VEGALITE_MIME, 0), ("dirhtml", VEGALITE_MIME, 0), ("singlehtml", VEGALITE_MIME, 0),
        ("latex", VEGALITE_MIME, None),
    ]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if data.mime_type != VEGALITE_MIME or inline:
            return None
        spec = json.loads(data.content) if isinstance(data.content, str) else dict(data.content)
        return [nodes.raw(text=site_html(book_spec(spec)), format="html", classes=["output", "text_html"])]
