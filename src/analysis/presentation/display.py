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
import math
import os
import re

import altair as alt
import pandas as pd
import vl_convert as vlc

from analysis.paths import CHART_PNG_ENV
from analysis.presentation.charts import REPORT_TITLE
from analysis.presentation.language import _, localized_numbers, translate

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
    """What the site shows for a chart: its container and drawing script, its data as a table and a download,
    and, for a named figure, the line to cite it by. The figure around it (number, caption, description) is the
    builder's (``analysis.presentation.mime``) or the standalone page's (``figure_html``)."""
    return chart_html(spec) + data_table(spec) + data_link(spec) + cite_line(spec)


def figure_html(spec: dict) -> str:
    """A chart as a figure outside the book: caption and description under it, anchored by its stable name."""
    fid = figure_id(spec)
    anchor = f' id="{fid}"' if fid else ""
    return (f'<figure class="wc-figure"{anchor}>{site_html(spec)}<figcaption><p>{html.escape(caption(spec))}</p>'
            f'<p class="wc-description">{html.escape(describe(spec))}</p></figcaption></figure>')


def cite_line(spec: dict) -> str:
    """"Cite this figure": its title, its stable name and the book's version."""
    from analysis import __version__

    name = spec.get("usermeta", {}).get(FIGURE_NAME)
    if not name:
        return ""
    return ('<p class="wc-cite">' + _("Cite this figure: “{title}” (figure {name}), in {book}, version {version}.")
            .format(title=html.escape(chart_title(spec)), name=f'<a href="#{figure_id(spec)}">{html.escape(name)}</a>',
                    book=f"<em>{html.escape(_('Wuchang 2023, traced'))}</em>", version=html.escape(__version__))
            + "</p>")


FIGURE_NAME = "figure"  # usermeta key: the figure's stable name, "<chapter>-<name>"
FIGURE_NAME_FORM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def figure_name(spec: dict) -> str:
    return spec.get("usermeta", {}).get(FIGURE_NAME, "")


def figure_id(spec: dict) -> str:
    """A named figure's anchor and label, ``fig-<stable name>``: unchanged when the data change, referenced from
    prose as {numref}`fig-<name>`; empty for an unnamed chart."""
    name = figure_name(spec)
    return f"fig-{name}" if name else ""


def chart_id(spec: dict) -> str:
    """The drawing's container: ``chart-<stable name>`` for a named figure, else a content hash."""
    name = figure_name(spec)
    if name:
        return f"chart-{name}"
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    return f"wc-chart-{digest}"


def chart_title(spec: dict) -> str:
    """The chart's title text, its accessible name and the start of its caption."""
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text or "chart")


def _subtitle_lists(spec: object) -> list[list[str]]:
    """Every subtitle of a chart, as lists of lines (a composed chart titles each panel)."""
    found: list[list[str]] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "subtitle":
                found.append([value] if isinstance(value, str) else [v for v in value if isinstance(v, str)])
            elif key != "datasets":
                found += _subtitle_lists(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _subtitle_lists(item)
    return found


def source_text(spec: dict) -> str:
    """The chart's source lines and the notes after them, as one text: a line broken after 、 continues on the
    next (``charts.wrap_source``), one ending in a clause mark is followed by a space; other lines are joined by
    semicolons."""
    parts: list[str] = []
    for lines in _subtitle_lists(spec):
        start = next((i for i, line in enumerate(lines) if is_source_line(line)), None)
        if start is None:
            continue
        text = ""
        for line in map(translate, lines[start:]):
            # a line broken after 、 continues; one that ends a clause (; , :) is followed by a space
            sep = "" if not text or text.endswith(("、", "；", "，", "：")) else " " if text.endswith((";", ",", ":")) \
                else _("; ")
            text += sep + line
        parts.append(text)
    return _("; ").join(dict.fromkeys(parts))


def is_source_line(line: str) -> bool:
    """A chart's source line, in either edition ("Source: …", "资料来源：…")."""
    return line.startswith(("Source", _("Source")))


def caption(spec: dict) -> str:
    """A figure's caption: its title, then its source (each in the current edition's language)."""
    title, source = translate(chart_title(spec)).rstrip(".。"), source_text(spec)
    return _("{title}. {source}").format(title=title, source=source) if source else title


def _views(spec: dict, data: str | None = None) -> list[tuple[dict, str | None]]:
    """Every single view of a (possibly layered or composed) chart, with the name of the dataset it draws."""
    data = spec.get("data", {}).get("name", data) if isinstance(spec.get("data"), dict) else data
    found = [(spec, data)] if "encoding" in spec and "mark" in spec else []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            found += _views(sub, data)
    if isinstance(spec.get("spec"), dict):  # facet and repeat
        found += _views(spec["spec"], data)
    return found


def _field(enc: dict, channel: str, types: tuple[str, ...]) -> str:
    ch = enc.get(channel, {})
    return ch.get("field", "") if isinstance(ch, dict) and ch.get("type") in types else ""


def _reading(view: dict) -> tuple[str, list[str], str]:
    """The field a view measures, the fields that name each mark (empty when it has no quantitative axis), and
    the field where a mark ends when it spans from one value to another (x2, y2: a stacked piece, a range)."""
    enc = view.get("encoding", {})
    mark = view.get("mark")
    if (mark.get("type") if isinstance(mark, dict) else mark) == "text":
        return "", [], ""  # a text mark labels another mark; the marks it labels speak for the chart
    names = ("nominal", "ordinal", "temporal")
    x_q, y_q = _field(enc, "x", ("quantitative",)), _field(enc, "y", ("quantitative",))
    if y_q:  # bars up, lines and points over years (x quantitative or not): y is the measure
        value, axes, end = y_q, [x_q or _field(enc, "x", names)], _end(enc, "y2")
    elif x_q:  # horizontal bars
        value, axes, end = x_q, [_field(enc, "y", names)], _end(enc, "x2")
    else:
        return "", [], ""
    return value, [f for f in [_field(enc, "color", names), *axes] if f], end


def _end(enc: dict, channel: str) -> str:
    c = enc.get(channel)
    return str(c.get("field", "")) if isinstance(c, dict) else ""


SPAN = "__span"  # a mark's extent when it is drawn from a start to an end


def describe(spec: dict) -> str:
    """A short text of what the chart shows, computed from the rows it draws: how many values, which is largest,
    and how many are bounds or approximations rather than exact figures (by the report's qualifiers). The view
    with the most marks speaks for a layered or composed chart."""
    from analysis.presentation.charts import QUALIFIER_STYLE, base_qualifier

    datasets = spec.get("datasets", {})
    best: tuple[int, dict, str, list[str], list[dict], str] | None = None
    def number(x: object) -> bool:
        return isinstance(x, int | float) and not isinstance(x, bool)

    for view, name in _views(spec):
        value, labels, end = _reading(view)
        rows = [r for r in datasets.get(name or "", []) if isinstance(r, dict)]
        if end:  # a stacked piece or a range measures what lies between its start and its end
            rows = [{**r, SPAN: r[end] - r[value]} for r in rows if number(r.get(value)) and number(r.get(end))]
        measure = SPAN if end else value
        numeric = [r for r in rows if number(r.get(measure))]
        # the view with most marks speaks; of two alike, one whose marks stand for values, not spans (a range)
        if value and labels and numeric and (best is None or len(numeric) > best[0]
                                             or (len(numeric) == best[0] and best[5] == SPAN and not end)):
            best = (len(numeric), view, value, labels, numeric, measure)
    if best is None:
        return _("A figure: {title}. Its values are listed in its data table and CSV.").format(
            title=translate(chart_title(spec)).rstrip(".。"))
    n, view, axis_field, labels, numeric, value = best
    top = max(numeric, key=lambda r: r[value])
    label = " · ".join(dict.fromkeys(translate(_label(top.get(f))) for f in labels if _label(top.get(f))))
    # The row's phrase only where it prints the value drawn (a derived row may carry its source's phrase).
    phrase = str(top.get("phrase") or "")
    shown = translate(phrase) if _prints(phrase, float(top[value])) else localized_numbers(f"{top[value]:,.4g}")
    axis = translate(_axis_title(view.get("encoding", {}), axis_field))
    text = (_("{n} value of {axis}; the largest is {label} ({shown}).") if n == 1 else
            _("{n} values of {axis}; the largest is {label} ({shown}).")).format(n=n, axis=axis, label=label,
                                                                                  shown=shown)
    kinds: dict[str, int] = {}
    for r in numeric:
        base = base_qualifier(str(r["qualifier"])) if r.get("qualifier") else "exact"
        if base != "exact" and base in QUALIFIER_STYLE:
            kinds[base] = kinds.get(base, 0) + 1
    if kinds:
        text += _(" Not exact: {counts}.").format(
            counts=_(", ").join(f"{k} {translate(QUALIFIER_STYLE[q][2])}" for q, k in sorted(kinds.items())))
    return text


def _prints(phrase: str, value: float) -> bool:
    """Whether a phrase (超86亿元, 1,625.35亿元) prints the value, as is or in 万 or 亿 of it."""
    numbers = [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", phrase)]
    return any(math.isclose(n * k, value, rel_tol=1e-6) for n in numbers for k in (1.0, 1e4, 1e8))


def _axis_title(enc: dict, value: str) -> str:
    for ch in ("x", "y"):
        c = enc.get(ch, {})
        if isinstance(c, dict) and c.get("field") == value:
            axis = c.get("axis") if isinstance(c.get("axis"), dict) else {}
            title = c.get("title") or axis.get("title")
            if title:
                return " ".join(title) if isinstance(title, list) else str(title)
    return value


def _label(value: object) -> str:
    """A mark's name as text: a year drawn as a number reads 2025, a jittered position (2019.16) is no name."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else ""
    return _cell(value).replace("\n", " ").replace("|", " ")  # '|' breaks an axis label into lines


def _cell(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(_plain(value))


def _plain(value: object) -> object:
    """A cell as a reader reads it: a list of words joined by 、 (not Python's ['持续', '提升']), a flag yes/no."""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


TABLE_ROWS = 60  # more rows than a reader scans: the CSV has them all


def data_table(spec: dict) -> str:
    """The chart's rows as an HTML table behind a disclosure a keyboard reaches (summary), for readers who do
    not see the chart; at most ``TABLE_ROWS`` rows, the CSV download has the rest."""
    data = chart_data(spec).drop(columns=["source"], errors="ignore")
    if data.empty:
        return ""
    shown = data.head(TABLE_ROWS)
    more = _(" (the first {shown} of {rows}; the CSV has all)").format(shown=TABLE_ROWS, rows=len(data)) \
        if len(data) > TABLE_ROWS else ""
    head = "".join(f"<th scope=\"col\">{html.escape(translate(str(c)))}</th>" for c in shown.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False))
    summary = _("The data of this chart as a table")
    return (f'<details class="wc-table-of-chart"><summary>{summary}{more}</summary>'
            f'<div class="wc-scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
            "</details>")


def _script_json(spec: dict) -> str:
    """JSON safe inside a <script> element: text from data can never close it."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_html(spec: dict) -> str:
    """A container and the call that draws the chart with the site-wide bundle (``_static/vega-offline.js``);
    its menu saves the picture as SVG or PNG, offline."""
    cid = chart_id(spec)
    return (
        f'<div id="{cid}" class="wc-chart"></div>\n'
        '<script type="text/javascript">\n(function () {\n'
        f'  var id = "{cid}", name = "{figure_name(spec) or cid}", spec = {_script_json(spec)};\n'
        "  function draw() {\n"
        "    var el = document.getElementById(id);\n"
        '    if (!window.vegaEmbed) { el.textContent = "' + _("Chart library missing:")
        + ' _static/vega-offline.js"; return; }\n'
        "    var actions = {export: {svg: true, png: true}, source: false, compiled: false, editor: false};\n"
        '    vegaEmbed(el, spec, {actions: actions, renderer: "svg", downloadFileName: name}).then(function () {\n'
        # One image with one name (the spec's description: title and what the data show) for a screen reader,
        # not hundreds of unnamed shapes; the data table under the chart gives the values.
        '      var svg = el.querySelector("svg");\n'
        '      svg.setAttribute("role", "img");\n'
        '      svg.setAttribute("aria-label", spec.description || spec.title || name);\n'
        '      Array.prototype.forEach.call(svg.children, function (c) { c.setAttribute("aria-hidden", "true"); });\n'
        # the menu's button is an icon: give it a name a screen reader can say
        '      var menu = el.querySelector("summary");\n'
        '      if (menu) { menu.setAttribute("aria-label", "' + _("Save this chart as SVG or PNG") + '"); }\n'
        '    }).catch(function (e) {\n'
        '      el.textContent = "' + _("Chart failed to draw:") + ' " + e;\n    });\n  }\n'
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
        frame = pd.DataFrame([{k: _plain(v) for k, v in r.items()} for r in flat])
        known = [c for c in order.get(name, []) if c in frame.columns]
        frame = frame[known + [c for c in frame.columns if c not in known]]
        frame.insert(0, "dataset", name)
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    data["source"] = " ".join(_subtitles(spec)) or REPORT_TITLE
    return data


def _subtitles(spec: object) -> list[str]:
    """The source lines of a chart, wherever its titles stand (a composed chart titles each panel)."""
    lines = [line for group in _subtitle_lists(spec) for line in group if is_source_line(line)]
    return list(dict.fromkeys(lines))


def data_link(spec: dict) -> str:
    """A download of the chart's data as UTF-8 CSV, embedded in the page (no separate file to go stale)."""
    csv_bytes = chart_data(spec).to_csv(index=False, lineterminator="\n").encode("utf-8")
    payload = base64.b64encode(csv_bytes).decode("ascii")
    name = f"{figure_name(spec) or chart_id(spec)}.csv"
    return (f'<p class="wc-data"><a download="{name}" href="data:text/csv;charset=utf-8;base64,{payload}">'
            + _("Download the data of this chart (CSV, {size} bytes)").format(
                size=localized_numbers(f"{len(csv_bytes):,}")) + "</a></p>")


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
        spec = json_safe(with_column_order(chart.to_dict()))
        if name:
            spec["usermeta"] = {**spec["usermeta"], FIGURE_NAME: name}
        # The drawing's accessible name (Vega labels its SVG with the description): title and what the data show.
        spec.setdefault("description", f"{chart_title(spec).rstrip('.')}. {describe(spec)}")
        self.spec = spec

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict[str, object], dict[str, object]]:
        bundle: dict[str, object] = {
            VEGALITE_MIME: notebook_spec(self.spec),
            "text/plain": f"<chart {chart_id(self.spec)}: {self.spec.get('title', {})}>",
        }
        # The PNG is what the PDF prints; an analyst's one-chapter run (HTML only) skips it: it is the slowest part.
        if os.environ.get(CHART_PNG_ENV, "1") != "0":
            bundle["image/png"] = base64.b64encode(chart_png(self.spec)).decode("ascii")
        # The figure's label, caption and description travel with the output: the PDF's builder sees only the PNG.
        return bundle, {FIGURE_META: figure_meta(self.spec)}


def json_safe(value: object) -> object:
    """The spec with every non-finite number (an open bound, ``inf``; a gap, ``nan``) as null: JSON has no
    Infinity, and a kernel message carrying one is refused and re-sent with a warning on the chapter's stderr."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


FIGURE_META = "wuchang/figure"  # output metadata key: {"label", "caption", "description"}


def figure_meta(spec: dict) -> dict[str, str]:
    return {"label": figure_id(spec), "caption": caption(spec), "description": describe(spec)}


def figure_options(meta: dict[str, str]) -> dict[str, str]:
    """MyST-NB's figure options for the cell that shows a chart (cell metadata ``mystnb.figure``): the book
    numbers the figure, labels it for {numref}, and sets the caption (first paragraph) and description (legend)."""
    from analysis.presentation.markdown import escape

    options = {"caption": f"{escape(meta['caption'])}\n\n{escape(meta['description'])}", "classes": "wc-figure"}
    return {**options, "name": meta["label"]} if meta.get("label") else options


def show(name: str, chart: alt.TopLevelMixin) -> Figure:
    """Display a chart of the book as the figure ``name`` (``Figure``)."""
    return Figure(chart, name)
