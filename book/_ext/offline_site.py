"""Keep the site self-contained: drop the live-code (thebe) scripts Jupyter Book adds to every page.

The book does not offer live code; those scripts point at a CDN and are declared twice, which raises a
console error on every page.
"""

from __future__ import annotations

from typing import Any


def _is_thebe(script: Any) -> bool:
    filename = str(getattr(script, "filename", "") or "")
    attributes = getattr(script, "attributes", {}) or {}
    body = str(attributes.get("body", ""))
    return "thebe" in filename or "THEBE" in body or attributes.get("type") == "text/x-thebe-config"


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]


def setup(app) -> dict[str, Any]:
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
