"""Chapters run where analysts run them: plain papermill, from any folder, with parameters given as papermill
gives them; every notebook checks its parameters in the cell after its parameters cell."""

from __future__ import annotations

import json
from pathlib import Path

import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis.chapters import CHAPTERS, checked_parameters, get
from analysis.errors import ParameterError
from analysis.paths import NOTEBOOKS
from analysis.presentation.display import VEGALITE_MIME


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_the_cell_after_the_parameters_checks_them(chapter) -> None:
    cells = json.loads(chapter.notebook.read_text(encoding="utf-8"))["cells"]
    at = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    check = cells[at + 1]
    assert check["cell_type"] == "code" and "remove-cell" in check["metadata"]["tags"]
    assert f'checked_parameters("{chapter.slug}", globals())' in "".join(check["source"])


def test_checked_parameters_convert_text_and_refuse_what_is_out_of_range() -> None:
    values = checked_parameters("03_urban_quality", {"log_scale": "false", "other": object()})
    assert values == {"log_scale": False}
    with pytest.raises(ParameterError, match=r"scenario_growth: got 500, above the maximum; expected .*<= 30"):
        checked_parameters("01_regional_strength", {"scenario_growth": 500})
    with pytest.raises(ParameterError, match="not a boolean"):
        checked_parameters("03_urban_quality", {"log_scale": "maybe"})
    assert checked_parameters("01_regional_strength", {}) == {p.name: p.default for p in get("01").params}


def test_plain_papermill_refuses_a_bad_value_at_the_check_cell(tmp_path: Path) -> None:
    with pytest.raises(PapermillExecutionError) as err:
        pm.execute_notebook(str(NOTEBOOKS / "01_regional_strength.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"scenario_growth": 500}, progress_bar=False, log_output=False)
    assert err.value.ename == "ParameterError"
    assert "scenario_growth: got 500, above the maximum" in err.value.evalue
    executed = [c for c in json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))["cells"]
                if "papermill-error-cell-tag" not in c["metadata"].get("tags", [])]  # papermill's own banners
    assert executed[err.value.cell_index].get("id") == "check-parameters"


def test_plain_papermill_runs_a_chapter_from_the_notebooks_folder(tmp_path: Path, monkeypatch) -> None:
    """JupyterLab starts kernels in notebooks/: paths a chapter reads resolve against the project."""
    monkeypatch.chdir(NOTEBOOKS)
    out = tmp_path / "90.ipynb"
    pm.execute_notebook("90_source_notes.ipynb", str(out), progress_bar=False, log_output=False, cwd=str(NOTEBOOKS))
    outputs = [o for c in json.loads(out.read_text(encoding="utf-8"))["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    # every chart carries the Vega-Lite spec JupyterLab and VS Code draw offline, and its PNG
    charts = [o["data"] for o in outputs if VEGALITE_MIME in o.get("data", {})]
    assert charts and all("image/png" in c for c in charts)
    assert not any('class="wc-chart"' in "".join(o.get("data", {}).get("text/html", "")) for o in outputs)


@pytest.fixture
def captured_run(monkeypatch) -> dict:
    """`python -m analysis run` with the chapter's execution replaced: what would reach it."""
    from analysis.build import execute

    seen: dict = {}
    monkeypatch.setattr(execute, "run_one", lambda slug, given, out, quiet=False: seen.update(slug=slug, given=given))
    return seen


def test_analysis_run_accepts_papermills_forms(captured_run: dict, tmp_path: Path) -> None:
    from analysis.__main__ import main

    params = tmp_path / "params.yaml"
    params.write_text("scenario_growth: 4\napprox_tolerance: 0.1\n", encoding="utf-8")
    assert main(["run", "01", "-f", str(params), "-p", "scenario_growth", "5", "-r", "gdp_target_yuan", "2e11"]) == 0
    assert captured_run == {"slug": "01_regional_strength",
                            "given": {"scenario_growth": "5", "approx_tolerance": 0.1, "gdp_target_yuan": "2e11"}}
    assert main(["run", "01", "-p", "scenario_growth=6"]) == 0
    assert captured_run["given"] == {"scenario_growth": "6"}


@pytest.mark.parametrize(("args", "says"), [
    (["-p", "scenario_growth"], "expected NAME=VALUE or NAME VALUE"),
    (["-f", "/no/such/params.yaml"], "cannot read it as YAML"),
])
def test_analysis_run_refuses_malformed_parameters(captured_run: dict, capsys, args: list[str], says: str) -> None:
    from analysis.__main__ import main

    assert main(["run", "01", *args]) == 1
    assert says in capsys.readouterr().err
    assert captured_run == {}


def test_the_kernel_warms_up_with_only_what_every_chapter_imports() -> None:
    """The runner's kernel imports these modules as it starts. A module some chapter does not import could read
    data files on that chapter's behalf and widen what its cache depends on."""
    import re

    from analysis.build.execute import KERNEL_WARM_UP

    warm = {m.strip() for m in KERNEL_WARM_UP.removeprefix("import ").split(",")}
    for chapter in CHAPTERS:
        code = "\n".join("".join(c["source"]) for c in json.loads(chapter.notebook.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code")
        imported = set(re.findall(r"^\s*(?:from|import)\s+([\w.]+)", code, flags=re.M))
        assert warm <= imported, f"{chapter.slug} does not import {sorted(warm - imported)}"
