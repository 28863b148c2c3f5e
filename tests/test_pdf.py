"""The PDF: tables sized for the page, a small book rendered with the book's own configuration (charts as
images, Chinese as glyphs, version and fingerprint on the title page), LaTeX errors named, and the
published book's PDF when one has been built."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

from analysis.build.citation import cite_chapter
from analysis.build.pdf import (
    PARAMETERS_MARK,
    PdfFailed,
    _problems,
    check_book_pdf,
    check_pdf,
    pdf_images,
    pdf_pages,
    pdf_text,
    render_pdf,
)
from analysis.paths import BOOK, BOOK_CHAPTERS, BOOK_CONFIG, BUILD, FINGERPRINT_ENV, PDF_NAME, VERSION_ENV
from analysis.presentation.charts import source_line
from analysis.presentation.display import FIGURE_META, figure_options, show
from analysis.presentation.markdown import CAPACITY, PADDING, _width, column_widths, table_markdown


# --- tables -------------------------------------------------------------------------------------------------
def test_widths_fill_at_most_one_line_and_keep_words_whole() -> None:
    headers = ["指标 indicator", "quote 原文", "¶", "id"]
    columns = [["地区生产总值\nGDP (gross regional product)"] * 5, ["“生产总值突破1900亿元”"] * 5, ["10"] * 5,
               ["main_indicators_rank_central_districts_2023"] * 5]
    widths = column_widths(headers, columns)
    assert sum(widths) <= CAPACITY - PADDING * len(headers)
    assert widths[2] >= 2 and widths[3] >= len("districts")  # identifiers may break at underscores only
    assert widths[0] >= len("regional)")


def test_narrow_tables_stay_narrow() -> None:
    assert column_widths(["a", "b"], [["x"], ["yy"]]) == [2, 2]


def test_width_counts_chinese_double() -> None:
    assert _width("GDP 生产") == 8


def test_table_markdown_escapes_and_structure() -> None:
    frame = pd.DataFrame({"name": ["*bold* `x` {{ y }} $1$", "地区生产总值\nGDP"], "n": ["", "50%_#&"]})
    md = table_markdown(frame, "Caption with _under_ and 区域")
    assert md.count("* - ") == 3 and md.count("  - ") == 3  # header and two rows of two cells
    assert "\\*bold\\* \\`x\\` \\{\\{ y \\}\\} \\$1\\$" in md
    assert "地区生产总值\n\n    GDP" in md  # two lines of a cell as two paragraphs, never a LaTeX row break
    assert "  - \u00a0" in md  # an empty cell still makes a list item
    assert "```{list-table} Caption with \\_under\\_ and 区域" in md
    assert ":class: longtable" in md and ":header-rows: 1" in md
    spec = re.search(r"```\{tabularcolumns\} (.*)", md).group(1)
    assert spec.count(r"\X{") == 2 and spec.count(r"\raggedright\arraybackslash") == 2


def test_problems_name_latex_errors_and_their_line() -> None:
    log = ("This is XeTeX\n(./wuchang-book.tex\n./wuchang-book.tex:120: Undefined control sequence.\n"
           "l.120 \\undefinedmacro\n\nsome noise\n! Emergency stop.\n")
    found = _problems(log)
    assert found[0] == "./wuchang-book.tex:120: Undefined control sequence."
    assert "    l.120 \\undefinedmacro" in found and "! Emergency stop." in found
    assert "some noise" not in found


# --- a small book through the real PDF build ------------------------------------------------------------------
CHART_TITLES = ("Mini chart one", "Mini chart two")


def _chart(title: str) -> alt.Chart:
    df = pd.DataFrame({"label": ["地区生产总值 GDP", "服务业增加值 Services"], "v": [1900, 1700]})
    return alt.Chart(df, title=alt.TitleParams(title, subtitle=[source_line("review-1")])).mark_bar().encode(
        x="v:Q", y="label:N", tooltip=["label", "v"])


def _mini_book(root: Path, intro_extra: str = "") -> Path:
    """The book's configuration, extension and bibliography; an intro, one chapter notebook with two charts,
    a table and a cite line (outputs as the kernel would write them), and the cite page."""
    book = root / "book"
    shutil.copytree(BOOK / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (book / "_static").mkdir(parents=True)
    for asset in ("book.css", "favicon.svg"):  # the site's own assets (_config.yml names them)
        shutil.copy(BOOK / "_static" / asset, book / "_static" / asset)
    for name in ("references.bib", "cite.md"):
        shutil.copy(BOOK / name, book / name)
    shutil.copy(BOOK_CONFIG, root / "_config.yml")
    (root / "data").mkdir()
    (root / "data" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    (book / "intro.md").write_text("# Mini\n\nThe report {cite:p}`wuchang2023review`.\n\n## How to read\n\nText.\n"
                                   + intro_extra, encoding="utf-8")
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# Regional strength 区域实力\n\n## 区域实力持续巩固\n\nThe review."),
                # a parameters cell with its output: the HTML shows it, the PDF must not (check_pdf says so)
                nbformat.v4.new_code_cell(f"{PARAMETERS_MARK}).\nscenario_growth = 6.5",
                                          metadata={"tags": ["parameters"]})]

    def output_cell(shown: dict | tuple[dict, dict]) -> nbformat.NotebookNode:
        """A cell as the runner leaves it: a chart's cell is a figure (execute._finish_notebook)."""
        bundle, meta = shown if isinstance(shown, tuple) else (shown, {})
        cell = nbformat.v4.new_code_cell("show(chart)", metadata={"tags": ["remove-input"]})
        if FIGURE_META in meta:
            cell.metadata["mystnb"] = {"figure": figure_options(meta[FIGURE_META])}
        cell.outputs = [nbformat.v4.new_output("display_data", bundle, metadata=meta)]
        return cell

    for title in CHART_TITLES:
        name = f"regional-strength-{title.lower().replace(' ', '-')}"
        nb.cells.append(output_cell(show(name, _chart(title))._repr_mimebundle_()))
    frame = pd.DataFrame({"指标 indicator": ["地区生产总值\nGDP (gross regional product)"] * 40,
                          "quote 原文": ["“生产总值突破1900亿元”"] * 40, "special": ["50%_#&$"] * 40,
                          "id": ["main_indicators_rank_central_districts_2023"] * 40})
    nb.cells.append(output_cell({"text/html": "<table><tr><td>only for the site</td></tr></table>",
                                 "text/markdown": table_markdown(frame, "Indicators of the mini chapter"),
                                 "text/plain": "a table"}))
    line = cite_chapter("01")
    nb.cells.append(output_cell({"text/markdown": line._repr_markdown_(), "text/plain": repr(line)}))
    (book / "chapters").mkdir()
    nbformat.write(nb, book / "chapters" / "01_regional_strength.ipynb")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nparts:\n  - caption: Chapters\n    chapters:\n"
                                   "      - file: book/chapters/01_regional_strength\n  - caption: Appendix\n"
                                   "    chapters:\n      - file: book/cite\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def mini_pdf(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pdf")
    book = _mini_book(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(VERSION_ENV, "9.9.9-test")
        mp.setenv(FINGERPRINT_ENV, "0123456789ab")
        return render_pdf(book, root / "work", root / "pdf.log")


def test_mini_pdf_passes_the_book_checks(mini_pdf: Path) -> None:
    assert mini_pdf.name == PDF_NAME and mini_pdf.exists()
    assert check_pdf(mini_pdf, ["Regional strength 区域实力", "How to cite"], ["区域实力持续巩固"], 2) == []
    assert pdf_images(mini_pdf) == len(CHART_TITLES)  # each chart once, as a picture
    assert pdf_pages(mini_pdf) >= 4


def test_mini_pdf_title_page_and_text(mini_pdf: Path) -> None:
    text = pdf_text(mini_pdf)
    first_page = text.split("\f")[0]
    assert "Version 9.9.9-test" in first_page and "Data fingerprint 0123456789ab" in first_page
    assert "勇挑大梁" in first_page
    assert "Table 1.1: Indicators of the mini chapter" in text
    flat = re.sub(r"\s+", "", text)  # table cells wrap (at underscores, too)
    assert "50%_#&$" in flat and "onlyforthesite" not in flat  # the table's PDF form, not its HTML
    assert "alt.Chart(" not in text  # charts are pictures, not code
    for number, title in enumerate(CHART_TITLES, start=1):  # numbered figures, captioned with title and source
        assert re.search(rf"Fig\. 1\.{number}: {title}\. Source:", text), title
    assert re.search(r"Cite this chapter: .*\s*.*version\s+9\.9\.9-test", text)
    assert "中共武昌区委宣传部" in text  # the bibliography, with Chinese glyphs


def test_mini_pdf_tables_fit_the_page(mini_pdf: Path) -> None:
    log = mini_pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    overfull = [float(x) for x in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert max(overfull, default=0) < 10, f"boxes wider than the page: {sorted(overfull)[-5:]}"
    assert "Missing character" not in log


def test_a_latex_error_is_named(tmp_path: Path) -> None:
    book = _mini_book(tmp_path, "\n```{raw} latex\n\\wcnosuchmacro\n```\n")
    with pytest.raises(PdfFailed) as err:
        render_pdf(book, tmp_path / "work", tmp_path / "pdf.log")
    message = str(err.value)
    assert "Undefined control sequence" in message and "wcnosuchmacro" in message
    assert "pdf.log" in message


def test_a_character_without_a_glyph_fails_the_build(tmp_path: Path) -> None:
    book = _mini_book(tmp_path, "\nA sign no font of the book has: \U0001F600.\n")
    with pytest.raises(PdfFailed, match=r"lacks glyphs for 😀"):
        render_pdf(book, tmp_path / "work", tmp_path / "pdf.log")


def test_a_missing_toc_is_named(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    with pytest.raises(PdfFailed, match="no table of contents"):
        render_pdf(tmp_path / "proj", tmp_path / "work", tmp_path / "pdf.log")


# --- the book's own PDF, when the build has made one -------------------------------------------------------------
@pytest.mark.e2e
def test_published_pdf_has_every_chapter_chart_and_heading() -> None:
    pdf = BUILD / "pdf" / PDF_NAME
    if not pdf.exists():
        pytest.skip(f"no {PDF_NAME} in _build/pdf: run `python -m analysis build` first")
    assert check_book_pdf(pdf, BOOK_CHAPTERS) == []


def test_a_title_is_found_with_the_curly_apostrophe_latex_sets() -> None:
    from analysis.build.pdf import _squeeze

    assert _squeeze("Among Wuhan’s\ndistricts 武汉各区") == _squeeze("Among Wuhan's districts 武汉各区")
