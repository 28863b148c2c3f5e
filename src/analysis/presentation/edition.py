"""The Chinese edition of an executed chapter, made from the English one without executing it again.

Every visible text is looked up in the catalogs (``analysis.presentation.language``): each Markdown block of
the prose as written (its glue roles still in place, so one message serves any value), the glued phrases, a
chart's titles, axis and legend titles, labels and data, a table's caption, headers and cells, and the lines of
other Markdown outputs. A chart is drawn again from its translated spec (its PNG, for the PDF) and its caption
and description are composed again in Chinese from the English spec, so both editions describe the same marks.
Numbers are never touched.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
from typing import Any

from analysis.paths import CHART_PNG_ENV
from analysis.presentation.language import chart_locale, glossed, is_prose, known, lookup, template, translate

# Blocks of Markdown: paragraphs, headings, lists, separated by blank lines.
BLOCKS = re.compile(r"\n[ \t]*\n")


# A line break between two Chinese characters or marks: a browser would set it as a space.
_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]"
CJK_BREAK = re.compile(rf"(?<={_CJK})\n[ \t]*(?={_CJK})")


def translated_markdown(source: str, where: str) -> str:
    """A Markdown cell's prose, block by block, looked up as written (glue roles, references and all); a line
    of Chinese continues the one before it without a space."""
    blocks = BLOCKS.split(source)
    return CJK_BREAK.sub("", "\n\n".join(_block(b, where) for b in blocks))


def _block(block: str, where: str) -> str:
    text = block.strip()
    if not text or not is_prose(re.sub(r"\{[a-z:]+\}`[^`]*`|`[^`]*`", " ", text)):
        return block
    return lookup(text, where) or block


# Keys of a Vega-Lite spec whose string values a reader sees (a chart's description is composed again).
SHOWN = {"title", "subtitle", "text", "datum"}
LISTS = {"domain", "sort", "values"}  # lists of categories that must match the translated data
EXPRESSIONS = {"test", "filter", "calculate", "expr", "labelExpr"}
QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
ENCODING_CHANNELS = {"x", "y", "x2", "y2", "color", "fill", "stroke", "shape", "size", "opacity", "theta",
                     "radius", "row", "column", "facet", "detail", "text", "tooltip", "strokeDash", "order"}


def translated_chart(spec: dict, where: str) -> dict:
    """A chart in the current edition: its texts translated, its numbers printed by the edition's locale."""
    out = translated_spec(spec, where)
    _shared_legend_titles(spec, out)
    out["config"] = {**out.get("config", {}), "locale": chart_locale()}
    return out


def _shared_legend_titles(english: dict, out: dict) -> None:
    """Layers share their legends: where one layer titles a channel, a title given to another layer's untitled
    field would be joined to it ("区, 颜色"), so that layer keeps none, as in the English chart."""
    layers = english.get("layer") if isinstance(english.get("layer"), list) else []
    for channel in TITLED - {"x", "y"}:
        encodings = [layer.get("encoding", {}).get(channel) for layer in layers]
        if not any(isinstance(e, dict) and "title" in e for e in encodings):
            continue
        for i, e in enumerate(encodings):
            if isinstance(e, dict) and "title" not in e:
                out["layer"][i]["encoding"][channel].pop("title", None)


def translated_spec(spec: Any, where: str, key: str = "") -> Any:
    """A chart's spec with every visible text in the current edition's language; field names and codes kept."""
    if isinstance(spec, str):
        if key in SHOWN or key in LISTS:
            return translate(spec, where)
        if key in EXPRESSIONS:
            return QUOTED.sub(lambda m: _quoted(m, where), spec)
        return spec
    if isinstance(spec, list):
        return [translated_spec(v, where, key if key in SHOWN | LISTS else "") for v in spec]
    if not isinstance(spec, dict):
        return spec
    out: dict[str, Any] = {}
    for k, v in spec.items():
        if k == "datasets":
            out[k] = {name: [_row(r, where) for r in rows] for name, rows in v.items()}
        elif k == "values" and isinstance(v, list) and any(isinstance(r, dict) for r in v):
            out[k] = [_row(r, where) for r in v]  # a layer's own rows (a map's shapes), read like a dataset's
        elif k in ("usermeta", "$schema", "field", "type", "name", "format", "font", "description"):
            out[k] = v
        elif k == "encoding" and isinstance(v, dict):
            out[k] = {ch: _channel(c, where, ch) for ch, c in v.items()}
        else:
            out[k] = translated_spec(v, where, k)
    return out


# Channels whose field name a reader sees as an axis or legend title when the spec gives none.
TITLED = {"x", "y", "color", "fill", "stroke", "shape", "size", "strokeDash", "row", "column", "facet"}


def _channel(channel: Any, where: str, name: str = "tooltip") -> Any:
    """An encoding channel: a field shown without a title of its own gets its name translated as its title."""
    if isinstance(channel, list):  # tooltips
        return [_channel(c, where) for c in channel]
    if not isinstance(channel, dict):
        return channel
    out = translated_spec(channel, where)
    guide = "axis" if name in ("x", "y") else "header" if name in ("row", "column", "facet") else "legend"
    shown = name == "tooltip" or (name in TITLED and channel.get(guide, {}) is not None)
    if shown and "field" in channel and "title" not in channel and is_prose(str(channel["field"])):
        own = channel.get(guide) if isinstance(channel.get(guide), dict) else {}
        if "title" not in own:
            out["title"] = translate(str(channel["field"]), where)
    if "value" in channel and isinstance(channel["value"], str) and channel.get("type") is None \
            and not channel["value"].startswith("#"):
        out["value"] = translate(channel["value"], where)
    return out


def _quoted(m: re.Match, where: str) -> str:
    quote = "'" if m.group(1) is not None else '"'
    inner = m.group(1) if m.group(1) is not None else m.group(2)
    text = translate(inner, where) if is_prose(inner) else inner
    return quote + text.replace(quote, "\\" + quote) + quote


def _row(row: Any, where: str) -> Any:
    if not isinstance(row, dict):
        return translate(row, where) if isinstance(row, str) else row
    out = {}
    for k, v in row.items():
        if k in ("geometry", "id", "type") or k.endswith("_en"):  # a shape and its kind, an id, an English name
            out[k] = v
        elif k == "properties" and isinstance(v, dict):
            out[k] = _row(v, where)
        elif isinstance(v, str):
            out[k] = translate(v, where)
        elif isinstance(v, list):
            out[k] = [translate(x, where) if isinstance(x, str) else x for x in v]
        else:
            out[k] = v
    return out


def translated_cell(value: object, where: str) -> object:
    """A table cell. A note wrapped to the column (three lines or more, long ones) is one text; other lines stand
    apart (a value, its status, its qualifier; a kind and where it stands) and are translated one by one; a term
    and its gloss keeps the Chinese."""
    if not isinstance(value, str) or "\n" not in value or not is_prose(value):
        return translate(value, where) if isinstance(value, str) else value
    lines = value.split("\n")
    wrapped = len(lines) >= 3 and sum(map(len, lines)) / len(lines) >= 30
    if wrapped or known(value) or glossed(template(value)[0]):
        return translate(value, where)
    return "\n".join(translate(line, where) for line in lines)


# Columns of identifiers: their cells are names in the data, shown as they are.
ID_COLUMN = re.compile(r"\bid\b")


def translated_table(data: dict, where: str) -> dict:
    from analysis.presentation.tables import Table

    table = Table.from_json(data)
    frame = table.frame.copy()
    for column in frame.columns:
        if not ID_COLUMN.search(str(column)):
            frame[column] = frame[column].map(lambda v: translated_cell(v, where))
    frame.columns = [translated_cell(str(c), where) for c in frame.columns]
    return Table(frame, translate(table.caption, where)).to_json()


def translated_output(output: dict, where: str) -> dict:
    """One output of a code cell in the current edition's language (charts drawn again, tables set again)."""
    from analysis.presentation.display import FIGURE_META, VEGALITE_MIME, chart_png, chart_title, figure_meta
    from analysis.presentation.tables import TABLE_MIME, Table

    data = output.get("data")
    if not data:
        return output
    out = copy.deepcopy(output)
    if VEGALITE_MIME in data:
        english = data[VEGALITE_MIME]
        spec = translated_chart(english, where)
        out["data"][VEGALITE_MIME] = spec
        if "description" in english:  # the drawing's accessible name, composed again in this language
            meta = figure_meta(english)
            spec["description"] = f"{translate(chart_title(english)).rstrip('.。')}。{meta['description']}"
        if "image/png" in data and os.environ.get(CHART_PNG_ENV, "1") != "0":
            out["data"]["image/png"] = base64.b64encode(chart_png(spec)).decode("ascii")
        if FIGURE_META in output.get("metadata", {}):  # caption and description in this language
            out["metadata"][FIGURE_META] = figure_meta(english)
    elif TABLE_MIME in data:
        table = Table.from_json(translated_table(data[TABLE_MIME], where))
        out["data"] = {**out["data"], "text/html": table._repr_html_(), "text/markdown": table._repr_markdown_(),
                       "text/plain": repr(table), TABLE_MIME: table.to_json()}
    elif "text/markdown" in data:
        text = "".join(data["text/markdown"]) if isinstance(data["text/markdown"], list) else data["text/markdown"]
        out["data"]["text/markdown"] = "\n".join(translate(line, where) for line in text.split("\n"))
    return out


def translated_value(value: object, where: str) -> object:
    """A glued value: a phrase translated, a number as it is."""
    return translate(value, where) if isinstance(value, str) else value


def spec_of(output: dict) -> dict | None:
    from analysis.presentation.display import VEGALITE_MIME

    spec = output.get("data", {}).get(VEGALITE_MIME)
    return json.loads(spec) if isinstance(spec, str) else spec
