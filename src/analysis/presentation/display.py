"""How a chart reaches the reader. A chart's output carries the Vega-Lite spec under the mime type JupyterLab 4
and VS Code draw by themselves, offline; the book's HTML builder turns that same spec into offline HTML for the
site (the site-wide vega bundle, no CDN) with a CSV download of exactly the rows it draws
(``analysis.presentation.mime``); the PDF prints the PNG (vl-convert). Every chart of the book goes through
``show``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

from analysis.paths import CHART_PNG_ENV
from analysis.presentation.charts import REPORT_TITLE

# The mime type of the chart output: JupyterLab 4's built-in renderer and VS Code draw Vega-Lite 5 specs; the
# book's specs compile under Vega-Lite 5 too (a test compiles every chart of the book with it).
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
NOTEBOOK_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def notebook_spec(spec: dict) -> dict:
    """The spec as the notebook carries it: under the Vega-Lite 5 schema the notebook renderers know."""
    return {**spec, "$schema": NOTEBOOK_SCHEMA}


def book_spec(carried: dict) -> dict:
    """The spec as the site draws it: Altair's own schema again, so ids and pages match the chart as made."""
    return {**carried, "$schema": alt.SCHEMA_URL}


def site_html(spec: dict) -> str:
    """What the site shows for a chart: its container and drawing script, its data download and, for a named
    figure, the line to cite it by."""
    return chart_html(spec) + data_link(spec) + cite_line(spec)


def cite_line(spec: dict) -> str:
    """"Cite this figure": its title, its stable name and the book's version."""
    from analysis import __version__

    name = spec.get("usermeta", {}).get(FIGURE_NAME)
    if not name:
        return ""
    return (f'<p class="wc-cite">Cite this figure: “{html.escape(chart_title(spec))}” (figure '
            f'<a href="#{chart_id(spec)}">{html.escape(name)}</a>), in <em>Wuchang 2023, traced</em>, version '
            f"{html.escape(__version__)}.</p>")


FIGURE_NAME = "figure"  # usermeta key: the figure's stable name, "<chapter>-<name>"
FIGURE_NAME_FORM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def chart_id(spec: dict) -> str:
    """The chart's anchor and file name: ``fig-<stable name>`` for a named figure (unchanged when the data
    change), else a content hash."""
    name = spec.get("usermeta", {}).get(FIGURE_NAME)
    if name:
        return f"fig-{name}"
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    return f"wc-chart-{digest}"


def chart_title(spec: dict) -> str:
    """The chart's title text, its accessible name (a composed chart may title only its panels)."""
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text or "chart")


def _script_json(spec: dict) -> str:
    """JSON safe inside a <script> element: text from data can never close it."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_html(spec: dict) -> str:
    """A container and the call that draws the chart with the site-wide bundle (``_static/vega-offline.js``);
    its menu saves the picture as SVG or PNG, offline."""
    cid = chart_id(spec)
    label = html.escape(chart_title(spec), quote=True)
    return (
        f'<div id="{cid}" class="wc-chart" role="img" aria-label="{label}"></div>\n'
        '<script type="text/javascript">\n(function () {\n'
        f'  var id = "{cid}", spec = {_script_json(spec)};\n'
        "  function draw() {\n"
        "    var el = document.getElementById(id);\n"
        '    if (!window.vegaEmbed) { el.textContent = "Chart library missing: _static/vega-offline.js"; return; }\n'
        "    var actions = {export: {svg: true, png: true}, source: false, compiled: false, editor: false};\n"
        '    vegaEmbed(el, spec, {actions: actions, renderer: "svg", downloadFileName: id}).catch(function (e) {\n'
        '      el.textContent = "Chart failed to draw: " + e;\n    });\n  }\n'
        '  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }\n'
        "  else { draw(); }\n})();\n</script>"
    )


COLUMN_ORDER = "csv_columns"  # usermeta key: each dataset's columns in the order the chart's frame had them


def with_column_order(spec: dict) -> dict:
    """The spec with its datasets' column order recorded in ``usermeta``: a notebook stores JSON objects with
    sorted keys, and the CSV download should keep the frame's order (label before value, source last)."""
    order = {name: list(dict.fromkeys(k for r in rows if isinstance(r, dict) for k in r))
             for name, rows in spec.get("datasets", {}).items()}
    usermeta = {**spec.get("usermeta", {}), COLUMN_ORDER: order}
    return {**spec, "usermeta": usermeta}


def chart_data(spec: dict) -> pd.DataFrame:
    """Exactly the rows the chart draws (all its inline datasets), with the chart's source line."""
    frames = []
    order = spec.get("usermeta", {}).get(COLUMN_ORDER, {})
    for name, rows in sorted(spec.get("datasets", {}).items()):
        flat = [{**r.get("properties", {}), **{k: v for k, v in r.items() if k not in ("geometry", "properties",
                                                                                      "type")}}
                if isinstance(r, dict) else {"value": r} for r in rows]
        frame = pd.DataFrame(flat)
        known = [c for c in order.get(name, []) if c in frame.columns]
        frame = frame[known + [c for c in frame.columns if c not in known]]
        frame.insert(0, "dataset", name)
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    data["source"] = " ".join(_subtitles(spec)) or REPORT_TITLE
    return data


def _subtitles(spec: object) -> list[str]:
    """The source lines of a chart, wherever its titles stand (a composed chart titles each panel)."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "subtitle":
                lines = [value] if isinstance(value, str) else value if isinstance(value, list) else []
                found += [line for line in lines if isinstance(line, str) and line.startswith("Source")]
            elif key != "datasets":
                found += _subtitles(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _subtitles(item)
    return list(dict.fromkeys(found))


def data_link(spec: dict) -> str:
    """A download of the chart's data as UTF-8 CSV, embedded in the page (no separate file to go stale)."""
    csv_bytes = chart_data(spec).to_csv(index=False, lineterminator="\n").encode("utf-8")
    payload = base64.b64encode(csv_bytes).decode("ascii")
    name = f"{chart_id(spec).removeprefix('fig-')}.csv"
    return (f'<p class="wc-data"><a download="{name}" href="data:text/csv;charset=utf-8;base64,{payload}">'
            f"Download the data of this chart (CSV, {len(csv_bytes):,} bytes)</a></p>")


def chart_png(spec: dict) -> bytes:
    return vlc.vegalite_to_png(spec, scale=2)


class Figure:
    """A chart as a notebook displays it: the Vega-Lite spec (JupyterLab, VS Code, and the site through
    ``analysis.presentation.mime``), a PNG for the PDF, plain text for a terminal. ``name`` is the figure's
    stable name, "<chapter>-<what it shows>": its anchor, its CSV and its pictures are named after it."""

    def __init__(self, chart: alt.TopLevelMixin, name: str = ""):
        if name and not FIGURE_NAME_FORM.fullmatch(name):
            raise ValueError(f"figure name {name!r}: expected lower-case words joined by '-', e.g. "
                             "'regional-strength-money-flows'")
        self.chart = chart
        spec = with_column_order(chart.to_dict())
        if name:
            spec["usermeta"] = {**spec["usermeta"], FIGURE_NAME: name}
        self.spec = spec

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, object]:
        bundle: dict[str, object] = {
            VEGALITE_MIME: notebook_spec(self.spec),
            "text/plain": f"<chart {chart_id(self.spec)}: {self.spec.get('title', {})}>",
        }
        # The PNG is what the PDF prints; an analyst's one-chapter run (HTML only) skips it: it is the slowest part.
        if os.environ.get(CHART_PNG_ENV, "1") != "0":
            bundle["image/png"] = base64.b64encode(chart_png(self.spec)).decode("ascii")
        return bundle


def show(name: str, chart: alt.TopLevelMixin) -> Figure:
    """Display a chart of the book as the figure ``name`` (``Figure``)."""
    return Figure(chart, name)


def bundle_js() -> str:
    """The site-wide script: vega, vega-lite and vega-embed, wrapped so their globals do not leak."""
    return "(function () {\n" + vlc.javascript_bundle() + "\n})();\n"


def write_bundle(target: Path) -> Path:
    """The offline chart bundle at ``target``, generated only when missing or made by another vl-convert:
    generating it takes seconds, and every build and every `run` needs it."""
    import contextlib
    from importlib.metadata import version

    stamp = f"/* vega, vega-lite, vega-embed from vl-convert-python {version('vl-convert-python')} */\n"
    with contextlib.suppress(OSError), target.open(encoding="utf-8") as fh:
        if fh.readline() == stamp:
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(stamp + bundle_js(), encoding="utf-8")
    return target
