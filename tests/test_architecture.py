"""The package's shape: layers and cycles enforced by import-linter, modules of a readable size, one place for
each fact and one implementation per concept. These tests guard the layout as much as the behaviour."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.paths import CODE, NOTEBOOKS, ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 500
MODULES = sorted(CODE.rglob("*.py"))


def _lint(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=project, capture_output=True, text=True,
                          env={"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"}, check=False)


def test_the_import_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    # a lower layer importing a higher one, even inside a function, breaks the layers
    ("report/quantities.py", "    from analysis.chapters import CHAPTERS", "Layers follow the data flow"),
    # one chapter's code importing another's
    ("chapters/wellbeing.py", "    from analysis.chapters import governance", "Chapters never import each other"),
    # a cycle inside one layer
    ("presentation/markdown.py", "    from analysis.presentation import tables", "No import cycles"),
])
def test_the_import_contracts_can_fail(tmp_path: Path, module: str, line: str, broken: str) -> None:
    shutil.copytree(CODE, tmp_path / "src" / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "analysis" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _planted():\n{line}\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert re.search(re.escape(broken) + r" BROKEN", result.stdout), result.stdout


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(CODE).as_posix())
def test_no_module_is_longer_than_the_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concern"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(CODE).as_posix())
def test_every_module_says_what_it_owns(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if path.name == "__main__.py" or path.stat().st_size == 0:
        return
    assert ast.get_docstring(tree), f"{path.relative_to(ROOT)} has no module docstring"


def _sources() -> dict[str, str]:
    return {p.relative_to(CODE).as_posix(): p.read_text(encoding="utf-8") for p in MODULES}


def test_paths_are_made_in_the_paths_module_only() -> None:
    """Every path of the project is a name of analysis.paths; other modules only join a name to a parent."""
    found = [name for name, text in _sources().items() if name != "paths.py"
             and re.search(r"__file__|Path\(\s*[\"']/|\b(ROOT|DATA|BOOK|BUILD)\s*/\s*[\"']", text)]
    assert not found, f"paths built outside analysis/paths.py: {found}"


# Each concept, and the one module allowed to implement it (a pattern only its implementation needs).
ONE_PLACE = {
    "sentence ends": (r"[\"'\[]。[!?;]|SENTENCE_END\s*=", "report/text.py"),
    "the sub-heading rule": (r"\bSUBHEADING\s*=", "report/text.py"),
    "reading context_series.csv": (r"read_csv\w*\([^)]*CONTEXT", "datasets/context_series.py"),
    "a status ranking": (r"STATUS_RANK\s*=", "datasets/context_series.py"),
    "reading BibTeX": (r"pybtex|@\\w\+", "datasets/bibliography.py"),
    "escaping Markdown": (r"\\\\\\1", "presentation/markdown.py"),
    "a derived-figure class": (r"class \w+\((?:\w+\.)?Derived\)|class Derived\b", "methods/derived.py"),
    "the approx tolerance": (r"APPROX_TOLERANCE\s*=", "methods/derived.py"),
}


@pytest.mark.parametrize("concept", ONE_PLACE)
def test_one_implementation_per_concept(concept: str) -> None:
    pattern, home = ONE_PLACE[concept]
    where = sorted(name for name, text in _sources().items() if re.search(pattern, text))
    assert where == [home], f"{concept}: implemented in {where}, expected only in {home}"


def _code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_pass_parameters_and_never_set_module_globals(notebook: Path) -> None:
    """``derived.APPROX_TOLERANCE = x`` in a notebook would change every later chapter run in the same kernel."""
    for cell in _code_cells(notebook):
        for line in cell.splitlines():
            assert not re.match(r"\s*[A-Za-z_]\w*\.[A-Z_][A-Z0-9_]*\s*=[^=]", line), f"{notebook.name}: {line}"


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_a_chapter_with_code_of_its_own_imports_it_by_its_name(notebook: Path) -> None:
    slug = notebook.stem.split("_", 1)[1]
    own = {"source_notes": "source_notes", "estimates": "estimates"}.get(slug, slug)
    if not (CODE / "chapters" / f"{own}.py").exists():
        return
    text = "\n".join(_code_cells(notebook))
    imported = re.search(rf"analysis\.chapters\.{own}\b|from analysis\.chapters import [^\n]*\b{own}\b", text)
    assert imported, f"{notebook.name} does not use analysis.chapters.{own}"


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_draw_no_charts_of_their_own(notebook: Path) -> None:
    """Notebooks stay thin: parameters, calls into the package, interpretation; charts are built in its modules."""
    text = "\n".join(_code_cells(notebook))
    assert not re.search(r"^\s*import altair|\balt\.", text, re.M), f"{notebook.name} builds a chart inline"


def test_the_package_holds_the_product_only() -> None:
    """Test helpers live under tests/support, generators of data files beside the data they write."""
    names = {p.relative_to(CODE).as_posix() for p in MODULES}
    assert not names & {"browser.py", "snapshot.py"}
    assert (ROOT / "tests" / "support" / "browser.py").exists()
    assert (ROOT / "data" / "geo" / "make_schematic.py").exists()
    assert not any("def main(" in text for name, text in _sources().items() if name != "__main__.py")


def test_every_code_cell_says_whether_the_reader_sees_it() -> None:
    """The book shows prose, figures and tables, not the code behind them: a code cell is the parameters cell or
    hides its input (remove-input) or itself (remove-cell). A cell without a tag showed its code in the book."""
    shown = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            tags = set(cell.get("metadata", {}).get("tags", []))
            if cell["cell_type"] == "code" and not tags & {"parameters", "remove-input", "remove-cell"}:
                shown.append(f"{path.name} cell {i}: {''.join(cell['source'])[:40]!r}")
    assert not shown, "code cells without a visibility tag:\n" + "\n".join(shown)
