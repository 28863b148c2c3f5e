"""One executed chapter as a standalone HTML page, for an analyst's run outside the book.

Markdown is rendered with markdown-it (the runner has already pasted the glued values into it),
outputs are shown as the book shows them (HTML first), and charts draw with a copy of the offline bundle
written next to the page.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt

from analysis.paths import VEGA_BUNDLE
from analysis.presentation.bundle import write_bundle
from analysis.presentation.display import VEGALITE_MIME, book_spec, figure_html

CSS = """body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.55}table{border-collapse:collapse;font-size:.85rem}td,th{border-bottom:1px solid #ddd;
padding:.25rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}pre{background:#f6f6f6;padding:.5rem;
white-space:pre-wrap}
.wc-chart{margin:1rem 0}"""


def _output_html(out: nbformat.NotebookNode, md: MarkdownIt) -> str:
    if out.get("metadata", {}).get("scrapbook"):
        return ""
    if out["output_type"] == "stream":
        return f"<pre>{html.escape(out['text'])}</pre>"
    if out["output_type"] == "error":
        return f"<pre>{html.escape(out['ename'])}: {html.escape(out['evalue'])}</pre>"
    data = out.get("data", {})
    if VEGALITE_MIME in data:
        return figure_html(book_spec(data[VEGALITE_MIME]))
    if "text/html" in data:
        return data["text/html"]
    if "text/markdown" in data:
        return md.render(data["text/markdown"])
    if "image/png" in data:
        return f'<img alt="output" src="data:image/png;base64,{data["image/png"]}">'
    if "text/plain" in data:
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


def write_standalone(executed: Path, target: Path) -> Path:
    nb = nbformat.read(executed, as_version=4)
    md = MarkdownIt("commonmark").enable("table")
    parts = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "remove-cell" in tags:
            continue
        if cell.cell_type == "markdown":
            parts.append(md.render(cell.source))
        elif cell.cell_type == "code":
            if "remove-input" not in tags:
                parts.append(f"<pre><code>{html.escape(cell.source)}</code></pre>")
            parts.extend(_output_html(o, md) for o in cell.get("outputs", []))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(write_bundle(VEGA_BUNDLE), target.parent / "vega-offline.js")  # the site's, when fresh
    title = html.escape(executed.stem)
    target.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<style>{CSS}</style><script src="vega-offline.js"></script></head><body>{"".join(parts)}</body></html>',
        encoding="utf-8")
    return target
