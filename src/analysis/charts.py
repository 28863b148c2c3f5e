"""Charts for the book: one theme, honest qualifiers, and offline rendering with a PNG for the PDF.

Every chart is displayed through ``show``: its HTML draws with the site-wide vega bundle (no CDN) and its
PNG (vl-convert) is what the LaTeX builder prints.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence

import altair as alt
import pandas as pd
import vl_convert as vlc

from analysis.source import SECTION_BY_KEY

FONT = "Noto Sans CJK SC"
PALETTE = ["#1f5f8b", "#c8553d", "#588b8b", "#f2a541", "#6b4e71", "#8c8c8c"]
REPORT_TITLE = "《勇挑大梁 走在前列 奋力推进中国式现代化武昌实践》"
PNG_ENV = "ANALYSIS_CHART_PNG"  # "0": charts carry no PNG (set by `python -m analysis run`)

# How each qualifier is drawn: the bar's opacity, the end marker and the legend's words.
QUALIFIER_STYLE: dict[str, tuple[float, str, str]] = {
    "exact": (1.0, "stroke", "exact 确数"),
    "over": (0.85, "triangle-right", "lower bound 超/突破/余 (more than shown)"),
    "at_least": (0.85, "triangle-right", "floor 以上 (at least)"),
    "near": (0.55, "triangle-left", "just under 近 (less than shown)"),
    "approx": (0.55, "diamond", "approximate 左右/约"),
}


def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 12, "labelLimit": 300,
                     "gridColor": "#e6e6e6"},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelLimit": 320},
            "title": {"font": FONT, "subtitleFont": FONT, "fontSize": 15, "anchor": "start",
                      "subtitleColor": "#555555", "subtitleFontSize": 10},
            "header": {"labelFont": FONT, "titleFont": FONT},
            "text": {"font": FONT},
            "range": {"category": PALETTE},
            "view": {"stroke": None},
            "background": "white",
        }
    }


alt.theme.register("wuchang", enable=True)(theme)


def source_line(*section_keys: str) -> str:
    """The line under every chart naming the report sections its data come from."""
    names = "、".join(SECTION_BY_KEY[k].heading for k in section_keys)
    return f"Source: {REPORT_TITLE}, section {names}; data/indicators.csv"


def chart_id(spec: dict) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
    return f"wc-chart-{digest}"


def _script_json(spec: dict) -> str:
    """JSON safe inside a <script> element: text from data can never close it."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_html(spec: dict) -> str:
    """A container and the call that draws the chart with the site-wide bundle (``_static/vega-offline.js``)."""
    cid = chart_id(spec)
    return (
        f'<div id="{cid}" class="wc-chart" role="img" aria-label="chart"></div>\n'
        '<script type="text/javascript">\n(function () {\n'
        f'  var id = "{cid}", spec = {_script_json(spec)};\n'
        "  function draw() {\n"
        "    var el = document.getElementById(id);\n"
        '    if (!window.vegaEmbed) { el.textContent = "Chart library missing: _static/vega-offline.js"; return; }\n'
        '    vegaEmbed(el, spec, {actions: false, renderer: "svg"}).catch(function (e) {\n'
        '      el.textContent = "Chart failed to draw: " + e;\n    });\n  }\n'
        '  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }\n'
        "  else { draw(); }\n})();\n</script>"
    )


def chart_data(spec: dict) -> pd.DataFrame:
    """Exactly the rows the chart draws (all its inline datasets), with the chart's source line."""
    frames = []
    for name, rows in sorted(spec.get("datasets", {}).items()):
        flat = [{**r.get("properties", {}), **{k: v for k, v in r.items() if k not in ("geometry", "properties",
                                                                                      "type")}}
                if isinstance(r, dict) else {"value": r} for r in rows]
        frame = pd.DataFrame(flat)
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
    name = f"{chart_id(spec)}.csv"
    return (f'<p class="wc-data"><a download="{name}" href="data:text/csv;charset=utf-8;base64,{payload}">'
            f"Download the data of this chart (CSV, {len(csv_bytes):,} bytes)</a></p>")


def chart_png(spec: dict) -> bytes:
    return vlc.vegalite_to_png(spec, scale=2)


class Figure:
    """A chart as the notebook displays it: HTML for the site, PNG for the PDF, JSON spec for tests."""

    def __init__(self, chart: alt.TopLevelMixin):
        self.chart = chart
        self.spec = chart.to_dict()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        bundle = {
            "text/html": chart_html(self.spec) + data_link(self.spec),
            "text/plain": f"<chart {chart_id(self.spec)}: {self.spec.get('title', {})}>",
        }
        # The PNG is what the PDF prints; an analyst's one-chapter run (HTML only) skips it: it is the slowest part.
        if os.environ.get(PNG_ENV, "1") != "0":
            bundle["image/png"] = base64.b64encode(chart_png(self.spec)).decode("ascii")
        return bundle


def show(chart: alt.TopLevelMixin) -> Figure:
    return Figure(chart)


def bundle_js() -> str:
    """The site-wide script: vega, vega-lite and vega-embed, wrapped so their globals do not leak."""
    return "(function () {\n" + vlc.javascript_bundle() + "\n})();\n"


def _base_qualifier(qualifier: str) -> str:
    """The qualifier that decides how a value is drawn; 预计 (expected) alone is drawn as stated."""
    parts = [p for p in qualifier.split("+") if p != "expected"]
    return parts[0] if parts else "exact"


def _titled(title: str, sections: Sequence[str]) -> alt.TitleParams:
    return alt.TitleParams(text=title, subtitle=[source_line(*sections)])


def text_width(text: str, font_size: float = 11) -> float:
    """A rough rendered width in pixels: a CJK character is about one em, other characters about 0.58 em."""
    return sum(font_size if ord(c) > 0x2E80 else 0.58 * font_size for c in str(text))


def label_room_max(values: Sequence[float], labels: Sequence[str], width: int, offset: float = 9,
                   font_size: float = 11) -> float:
    """The x-axis maximum at which each bar's end label (drawn ``offset`` px right of the bar) still fits.

    For a bar of value v and a label w px wide: v · width / max + offset + w ≤ width.
    """
    need = 0.0
    for v, text in zip(values, labels, strict=True):
        room = width - offset - text_width(text, font_size) - 4
        if v > 0:
            need = max(need, v * width / max(room, width * 0.25))
    return need


def qualified_bars(df: pd.DataFrame, title: str, sections: Sequence[str], axis_title: str,
                   width: int = 520) -> alt.LayerChart:
    """Horizontal bars that keep the report's qualifiers visible.

    ``df`` needs columns label, shown (the value to draw), phrase (the report's words, the end label),
    qualifier, quote, name_en. A lower bound (超, 突破) ends in a right-pointing triangle, "just under" (近)
    in a left-pointing one, an approximate value (左右) in a diamond; the bars of inexact values are lighter.
    The x axis runs from zero and far enough right for every end label to fit; a label written
    "中文\nEnglish" is drawn on two lines.
    """
    data = df.copy()
    data["qual_base"] = [_base_qualifier(q) for q in data["qualifier"]]
    data["opacity"] = data["qual_base"].map(lambda q: QUALIFIER_STYLE[q][0])
    data["legend"] = data["qual_base"].map(lambda q: QUALIFIER_STYLE[q][2])
    data["expected"] = data["qualifier"].str.startswith("expected").map({True: "yes (预计)", False: "no"})
    order = list(data["label"])
    legend_values = [QUALIFIER_STYLE[q][2] for q in QUALIFIER_STYLE if q in set(data["qual_base"])]
    shapes = [QUALIFIER_STYLE[q][1] if QUALIFIER_STYLE[q][1] != "stroke" else "M-1,-1L1,-1L1,1L-1,1Z"
              for q in QUALIFIER_STYLE if q in set(data["qual_base"])]
    tooltip = [
        alt.Tooltip("label:N", title="indicator"),
        alt.Tooltip("name_en:N", title="English"),
        alt.Tooltip("phrase:N", title="report says"),
        alt.Tooltip("qualifier:N"),
        alt.Tooltip("expected:N", title="estimate"),
        alt.Tooltip("quote:N", title="quote"),
    ]
    two_lines = data["label"].str.contains("\n").any()
    axis = alt.Axis(labelExpr="split(datum.label, '\\n')", labelLineHeight=13, labelLimit=440) if two_lines \
        else alt.Axis()
    y = alt.Y("label:N", sort=order, title=None, axis=axis)
    x_scale = alt.Scale(domain=[min(0.0, float(data["shown"].min())),
                                label_room_max(list(data["shown"]), list(data["phrase"]), width)])
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=16, color=PALETTE[0]).encode(
        x=alt.X("shown:Q", title=axis_title, scale=x_scale),
        opacity=alt.Opacity("opacity:Q", legend=None, scale=None)
    )
    ends = base.mark_point(filled=True, size=110, color=PALETTE[1]).encode(
        x="shown:Q",
        shape=alt.Shape("legend:N", title="qualifier",
                        scale=alt.Scale(domain=legend_values, range=shapes),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
    )
    labels = base.mark_text(align="left", dx=9, fontSize=11, color="#333333").encode(x="shown:Q", text="phrase:N")
    return alt.layer(bars, ends, labels).properties(width=width, height=alt.Step(34 if two_lines else 24),
                                                    title=_titled(title, sections))
