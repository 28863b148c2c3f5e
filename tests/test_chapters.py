"""Every chapter is a real chapter: parameters declared once, its sections named, charts, a table of its
indicators, and no number typed into its prose. (That every drawn chart carries a source line is checked on
the executed chapters, in test_e2e_build.)"""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest

from analysis.chapters import CHAPTERS, PAGES
from analysis.paths import BOOK
from analysis.report.text import SECTIONS

CHAPTER_IDS = [c.slug for c in CHAPTERS]
# In prose: glue roles, inline code, links and MyST roles are not typed numbers; years and ordinals
# ("the 14th Five-Year Plan") are labels.
NOT_PROSE = re.compile(r"\{[a-z:]+\}`[^`]*`|`[^`]*`|\]\([^)]*\)|\(\w[\w.-]*\)=")
TYPED_NUMBER = re.compile(r"(?<![\w.-])(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*(?![\d.,])(?!(?:st|nd|rd|th)\b)")


def notebook(chapter) -> nbformat.NotebookNode:
    return nbformat.read(chapter.notebook, as_version=4)


def test_every_report_section_is_analysed_by_a_chapter() -> None:
    covered = {key for c in CHAPTERS for key in c.sections}
    missing = [s.heading for s in SECTIONS if s.key not in covered]
    assert missing == [], f"sections without a chapter: {missing}"


def test_chapter_slugs_are_unique_and_pages_exist() -> None:
    assert len(set(CHAPTER_IDS)) == len(CHAPTER_IDS)
    for page in PAGES:
        assert (BOOK / f"{page}.md").exists(), page


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_notebook_is_committed_without_outputs(chapter) -> None:
    nb = notebook(chapter)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {i + 1} has outputs"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_parameters_cell_matches_the_declaration(chapter) -> None:
    cells = [c for c in notebook(chapter).cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    values = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, "plain assignments only (papermill)"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    declared = {p.name: p.default for p in chapter.params}
    assert values == declared
    # papermill parses the cell its own way (a comment holding "=" hides a parameter): it must see them all.
    from papermill.inspection import inspect_notebook

    seen = {name: ast.literal_eval(info["default"]) for name, info in inspect_notebook(str(chapter.notebook)).items()}
    assert seen == declared, "papermill does not read the parameters cell as declared"
    for line in cells[0].source.splitlines():
        if "=" in line:
            assert "#" in line, f"parameter without a comment saying what it means: {line}"


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c.kind == "analysis"], ids=lambda c: c.slug)
def test_chapter_names_its_sections_and_shows_charts(chapter) -> None:
    nb = notebook(chapter)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for key in chapter.sections:
        heading = next(s.heading for s in SECTIONS if s.key == key)
        assert heading in markdown, f"the chapter does not name section {heading}"
    assert len(re.findall(r"\bshow\(", code)) >= 3, "at least three charts"
    assert "indicator_table(" in code, "a table of the chapter's indicators with their quotes"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_no_number_typed_into_prose(chapter) -> None:
    for i, cell in enumerate(notebook(chapter).cells):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            if fenced or line.lstrip().startswith(("|", "#", "```", "~~~")):
                continue  # code blocks are commands; headings are labels; table rows have their own sources
            prose = NOT_PROSE.sub("", line)
            found = TYPED_NUMBER.findall(prose)
            assert not found, f"markdown cell {i + 1} types {found} in: {line.strip()}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_the_parameters_cell_opens_with_the_mark_the_pdf_check_looks_for(chapter) -> None:
    from analysis.build.pdf import PARAMETERS_MARK

    cells = json.loads(chapter.notebook.read_text(encoding="utf-8"))["cells"]
    params = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1 and "".join(params[0]["source"]).startswith(PARAMETERS_MARK)


def test_the_committed_table_of_contents_is_the_one_the_chapter_list_writes() -> None:
    from analysis.chapters import toc_yaml
    from analysis.paths import BOOK_TOC

    assert BOOK_TOC.read_text(encoding="utf-8") == toc_yaml(), "run `python -m analysis build` and commit _toc.yml"
