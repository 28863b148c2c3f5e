"""Charts and tables as the book shows them (analysis.presentation.charts, .display, .tables): data cannot break
out of the page, ids are stable, the PDF gets a real PNG, the theme names the CJK font and qualifiers stay visible."""

from __future__ import annotations

import base64
import html
import json
import math
import re

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from analysis.datasets.indicators import load_indicators
from analysis.methods.derived import ratio
from analysis.presentation import charts, display
from analysis.presentation.charts import chart_frame, derived_frame
from analysis.presentation.tables import Table, indicator_table

HOSTILE = ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!-- x", "a & b", "</SCRIPT >"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def hostile_chart(labels=HOSTILE) -> alt.Chart:
    data = pd.DataFrame({"label": labels, "value": range(1, len(labels) + 1)})
    return alt.Chart(data).mark_bar().encode(
        x="value:Q", y="label:N", tooltip=["label:N", "value:Q"]
    ).properties(title=alt.TitleParams("</script>标题", subtitle=[charts.source_line("review-1")]))


def embedded_spec(page: str) -> dict:
    """The JSON between ``spec = `` and the end of its statement, as the browser would parse it."""
    m = re.search(r"spec = (\{.*\});\n  function draw", page, re.S)
    assert m, page[:300]
    return json.loads(m.group(1))


def test_chart_html_data_cannot_close_the_script():
    spec = hostile_chart().to_dict()
    page = display.chart_html(spec)
    script = page[page.index("<script") :]
    # exactly one script element, and nothing from the data opens or closes a tag
    assert script.lower().count("</script") == 1 and script.rstrip().endswith("</script>")
    assert page.lower().count("<script") == 1
    body = script[len('<script type="text/javascript">') : -len("</script>")]
    assert "<" not in body and ">" not in body
    assert "<img" not in page and "<!--" not in page


def test_escaped_json_still_carries_the_data_exactly():
    spec = hostile_chart().to_dict()
    assert embedded_spec(display.chart_html(spec)) == spec
    rows = next(iter(spec["datasets"].values()))
    assert [r["label"] for r in rows] == HOSTILE


def test_chart_ids_are_deterministic():
    a, b = hostile_chart().to_dict(), hostile_chart().to_dict()
    assert display.chart_id(a) == display.chart_id(b)
    assert re.fullmatch(r"wc-chart-[0-9a-f]{12}", display.chart_id(a))
    assert display.chart_id({"a": 1, "b": [2]}) == display.chart_id({"b": [2], "a": 1})
    other = hostile_chart([*HOSTILE[:-1], "changed"]).to_dict()
    assert display.chart_id(other) != display.chart_id(a)
    page = display.chart_html(a)
    assert page.count(display.chart_id(a)) == 3  # the container, the script that fills it, its pictures' name


def test_figure_mimebundle_holds_the_vegalite_spec_and_a_valid_png():
    figure = display.show("test-hostile", hostile_chart())
    bundle, _ = figure._repr_mimebundle_()
    # no text/html: JupyterLab would prefer it to the spec it can draw offline
    assert set(bundle) == {display.VEGALITE_MIME, "image/png", "text/plain"}
    carried = bundle[display.VEGALITE_MIME]
    assert carried["$schema"].endswith("/vega-lite/v5.json")
    assert display.book_spec(carried) == figure.spec  # the site draws exactly the chart as made
    vlc.vegalite_to_vega(carried, vl_version="5.21")  # and JupyterLab's Vega-Lite 5 can compile it
    page = display.site_html(display.book_spec(carried))
    assert page.startswith(display.chart_html(figure.spec))
    assert page.lower().count("</script") == 1 and "<img" not in page  # whatever follows the chart is escaped too
    png = base64.b64decode(bundle["image/png"], validate=True)
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 100 and height > 50
    assert bundle["text/plain"].startswith(f"<chart {display.chart_id(figure.spec)}: ")


def test_theme_names_the_cjk_font():
    config = charts.altair_theme()["config"]
    assert charts.FONT == "Noto Sans CJK SC"
    assert config["font"] == charts.FONT
    for part in ("axis", "legend", "header"):
        assert config[part]["labelFont"] == config[part]["titleFont"] == charts.FONT
    assert config["title"]["font"] == config["title"]["subtitleFont"] == charts.FONT
    assert alt.theme.active == "wuchang"
    assert hostile_chart().to_dict()["config"]["font"] == charts.FONT


def test_source_line_names_the_report_and_sections():
    assert charts.source_line("review-1", "outlook-1") == (
        "Source: 《勇挑大梁 走在前列 奋力推进中国式现代化武昌实践》, section 区域实力持续巩固、"
        "坚持夯基固本 着力增强发展基础支撑; data/indicators.csv"
    )
    with pytest.raises(KeyError):
        charts.source_line("review-9")


def test_qualified_bars_never_draw_a_bound_as_exact():
    ind = load_indicators()
    ids = ["gdp_2023", "tourism_revenue_2023", "gdp_growth_2023", "retail_sales_growth_2023"]
    frame = chart_frame(ind, ids)
    spec = charts.qualified_bars(frame, "t", ["review-1"], "x").to_dict()
    rows = {r["id"]: r for r in next(iter(spec["datasets"].values()))}
    assert rows["gdp_2023"]["qual_base"] == "over" and rows["gdp_2023"]["opacity"] < 1
    assert rows["tourism_revenue_2023"]["qual_base"] == "near"
    assert rows["gdp_growth_2023"]["qual_base"] == "approx" and rows["gdp_growth_2023"]["expected"] == "yes (预计)"
    assert rows["retail_sales_growth_2023"]["qual_base"] == "exact" and rows["retail_sales_growth_2023"]["opacity"] == 1
    assert rows["gdp_2023"]["phrase"] == "突破1900亿元" and rows["gdp_2023"]["shown"] == 1900
    shape = spec["layer"][1]["encoding"]["shape"]["scale"]
    assert shape["domain"] == [charts.QUALIFIER_STYLE[q][2] for q in ("exact", "over", "near", "approx")]
    assert shape["range"][1:] == ["triangle-right", "triangle-left", "diamond"]
    assert spec["title"]["subtitle"] == [charts.source_line("review-1")]


def test_table_html_escapes_data():
    table = Table(pd.DataFrame({"名称 name": ["武昌\nWuchang", HOSTILE[0]], "v": [HOSTILE[1], "a & b"]}), "<b>cap</b>")
    page = table._repr_html_()
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert html.escape(HOSTILE[0]) in page and "a &amp; b" in page
    assert "<td>武昌<br>Wuchang</td>" in page  # the one line break a cell may hold


def test_indicator_table_shows_quote_and_paragraph():
    frame = indicator_table(load_indicators(), ids=["deposits_loans_2023"]).to_frame()
    row = frame.iloc[0]
    assert row["quote 原文"] == "“超2.2万亿元”"
    assert (row["report says"], row["qualifier"], row["¶"]) == ("超2.2万亿元", "over", "12")


def test_derived_frame_marks_bounds_for_qualified_bars():
    ind = load_indicators()
    lower = ratio("t", "t", "t", ind, "livelihood_spending_2023", "livelihood_spending_share_2023",
                  scale=100 / 1e8, unit="亿元", formula="f")
    exact = ratio("e", "e", "e", ind, "charging_piles_new_2023", "pocket_parks_new_2023", unit="×", formula="g")
    frame = derived_frame([lower, exact], digits=1)
    assert list(frame["qualifier"]) == ["over", "exact"]
    assert frame["phrase"].iloc[0].startswith("≥")
    # a lower bound is drawn at its bound rounded down: 86亿元 over a share of at most 75.5%
    assert frame["shown"].iloc[0] == math.floor(86 / 0.755 * 10) / 10
    assert pd.isna(frame["upper"].iloc[0]) and frame["upper"].iloc[1] == pytest.approx(6000 / 9)


def test_the_html_builder_turns_the_spec_into_the_sites_chart_and_the_pdf_declines_it():
    from types import SimpleNamespace

    from analysis.presentation.mime import ChartMimePlugin

    figure = display.show("test-hostile", hostile_chart())
    carried = figure._repr_mimebundle_()[0][display.VEGALITE_MIME]
    data = SimpleNamespace(mime_type=display.VEGALITE_MIME, content=carried)
    [node] = ChartMimePlugin.handle_mime(None, data, inline=False)
    assert node["format"] == "html" and display.chart_id(figure.spec) in node.astext()
    assert 'class="wc-data"' in node.astext()  # the CSV download travels with the chart
    assert ChartMimePlugin.handle_mime(None, SimpleNamespace(mime_type="text/html", content=""), False) is None
    assert ("latex", display.VEGALITE_MIME, None) in ChartMimePlugin.mime_priority_overrides


def test_a_named_figure_keeps_its_anchor_csv_and_cite_line_when_its_data_change():
    a = display.show("test-hostile", hostile_chart())
    b = display.show("test-hostile", hostile_chart([*HOSTILE[:-1], "changed"]))
    assert display.figure_id(a.spec) == display.figure_id(b.spec) == "fig-test-hostile"
    assert display.chart_id(a.spec) == "chart-test-hostile"  # the drawing inside the figure
    page = display.site_html(a.spec)
    assert 'download="test-hostile.csv"' in page and 'class="wc-cite"' in page and 'href="#fig-test-hostile"' in page
    assert a.spec["description"].startswith(display.chart_title(a.spec))  # Vega's accessible name for the SVG
    assert "values of value; the largest is" in a.spec["description"]
    assert "export: {svg: true, png: true}" in page  # the picture can be saved, offline
    with pytest.raises(ValueError, match="lower-case words"):
        display.show("Not A Name", hostile_chart())


def test_every_figure_of_the_book_has_a_unique_name_of_its_chapter():
    from analysis.chapters import CHAPTERS

    seen: dict[str, str] = {}
    for chapter in CHAPTERS:
        code = "".join("".join(c["source"]) for c in json.loads(chapter.notebook.read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
        calls = re.findall(r"(?<![\w.])show\(([^,]*),", code)
        prefix = chapter.slug.split("_", 1)[1].replace("_", "-") + "-"
        for call in calls:
            name = call.strip().strip('"')
            assert call.strip().startswith('"') and name.startswith(prefix), f"{chapter.slug}: show({call}, …)"
            assert name not in seen, f"{name} is used by {seen[name]} and {chapter.slug}"
            seen[name] = chapter.slug
    assert len(seen) >= 40


def test_a_figure_carries_its_caption_and_a_description_computed_from_its_rows():
    figure = display.show("test-hostile", hostile_chart())
    _, meta = figure._repr_mimebundle_()
    fig = meta[display.FIGURE_META]
    assert fig["label"] == "fig-test-hostile"
    assert fig["caption"] == display.caption(figure.spec) and "Source" in fig["caption"]
    assert fig["description"].startswith(f"{len(HOSTILE)} values of value; the largest is {HOSTILE[-1]} (5)")
    options = display.figure_options(fig)
    assert options["name"] == "fig-test-hostile"
    caption, description = options["caption"].split("\n\n")  # MyST reads a caption, then a legend
    assert caption.replace("\\", "") == fig["caption"].replace("\\", "")  # Markdown-escaped
    assert description.replace("\\", "") == fig["description"].replace("\\", "")


def test_a_figure_description_names_the_largest_value_and_counts_bounds():
    frame = pd.DataFrame({"label": ["a", "b", "c"], "v": [3.0, 9.0, 5.0], "phrase": ["3", "超9", "5左右"],
                          "qualifier": ["exact", "over", "approx"]})
    chart = alt.Chart(frame).mark_bar().encode(x=alt.X("v:Q", title="things"), y="label:N")
    text = display.describe(display.show("test-bounds", chart).spec)
    assert text.startswith("3 values of things; the largest is b (超9).")
    assert "1 approximate" in text and "1 lower bound" in text


def test_the_data_of_a_chart_is_a_table_a_keyboard_reaches():
    page = display.site_html(display.show("test-hostile", hostile_chart()).spec)
    table = re.search(r"<details[^>]*><summary>[^<]+</summary>.*?</details>", page, re.S)
    assert table and "<table>" in table.group(0) and '<th scope="col">' in table.group(0)
    assert "<script" not in table.group(0)  # hostile labels stay text


def test_prose_refers_to_figures_by_their_names():
    """{numref}`fig-<name>` in a chapter's prose names a figure that chapter shows (Sphinx would only warn)."""
    from analysis.chapters import CHAPTERS

    refs = 0
    for chapter in CHAPTERS:
        cells = json.loads(chapter.notebook.read_text(encoding="utf-8"))["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        prose = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        shown = {f"fig-{n}" for n in re.findall(r'(?<![\w.])show\("([^"]+)"', code)}
        for target in re.findall(r"\{numref\}`(?:[^`<]*<)?(fig-[a-z0-9-]+)>?`", prose):
            assert target in shown, f"{chapter.slug} refers to {target}, which it does not show"
            refs += 1
    assert refs >= 5


def test_an_open_bound_in_a_chart_is_null_so_the_kernel_message_is_valid_json():
    """A floor with no ceiling (hi = inf) once made the kernel refuse the display message and print a warning,
    with the machine's paths, into the chapter."""
    import json
    import math

    import altair as alt
    import pandas as pd

    from analysis.presentation.display import Figure

    data = pd.DataFrame({"year": [2022, 2023], "lo": [1.0, 2.0], "hi": [1.5, math.inf]})
    figure = Figure(alt.Chart(data).mark_rule().encode(x="year:O", y="lo:Q", y2="hi:Q"), "test-open-bound")
    text = json.dumps(figure.spec, allow_nan=False)  # raises on Infinity or NaN
    assert '"hi": null' in text


def test_a_stacked_piece_is_described_by_its_span_not_its_start():
    """A bar drawn from start to end measures end − start: the largest piece is the one widest, and its label
    is its own (the description once named one piece with another's figure)."""
    import altair as alt
    import pandas as pd

    from analysis.presentation.display import describe

    data = pd.DataFrame({"bar": ["total", "total"], "piece": ["ours", "the rest"], "start": [0.0, 116.0],
                         "end": [116.0, 290.0]})
    chart = alt.Chart(data).mark_bar().encode(x="start:Q", x2="end:Q", y="bar:N", color="piece:N")
    text = describe(chart.to_dict())
    assert "the largest is the rest · total (174)" in text, text


def test_a_label_layer_never_speaks_for_the_chart():
    """Text marks label bars; their position (the middle of a piece) is no value of the chart."""
    import altair as alt
    import pandas as pd

    from analysis.presentation.display import describe

    data = pd.DataFrame({"bar": ["a", "a"], "start": [0.0, 300.0], "end": [300.0, 400.0], "mid": [150.0, 350.0],
                         "piece": ["first", "second"]})
    base = alt.Chart(data).encode(y="bar:N")
    chart = alt.layer(base.mark_bar().encode(x="start:Q", x2="end:Q", color="piece:N"),
                      base.mark_text().encode(x="mid:Q", text="piece:N"))
    text = describe(chart.to_dict())
    assert "values of mid" not in text and "(300)" in text, text
