"""An analyst's route: a chapter executed by plain papermill, opened in a real JupyterLab (started here on a local
port) in Debian's Chromium, draws every chart as SVG, offline, from the Vega-Lite spec its outputs carry."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import papermill as pm
import pytest
from support.browser import browser

from analysis.build.execute import run_one
from analysis.paths import NOTEBOOKS, ROOT
from analysis.presentation.display import VEGALITE_MIME

pytestmark = pytest.mark.e2e
TOKEN = "wuchang-test-token"
SCREENSHOTS = ROOT / "_build" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a folder with chapter 01 executed by plain papermill and chapter 04 by `analysis run`;
    yields (base url, the plain papermill notebook)."""
    work = tmp_path_factory.mktemp("lab")
    notebook = work / "01_regional_strength.ipynb"
    pm.execute_notebook(str(NOTEBOOKS / "01_regional_strength.ipynb"), str(notebook), progress_bar=False,
                        log_output=False, cwd=str(NOTEBOOKS))
    run_one("04_wellbeing", {}, work / "run", quiet=True)  # the analyst's own runner: prose already pasted
    settings = work / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Draw every cell at once: JupyterLab otherwise renders only the cells in view.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
           "JUPYTER_RUNTIME_DIR": str(work / "runtime"), "JUPYTER_DATA_DIR": str(work / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={work}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"],
        cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"JupyterLab exited: {proc.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.5)
        else:
            raise RuntimeError("JupyterLab did not start within 60 s")
        yield base, notebook
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_an_executed_chapter_draws_every_chart_in_jupyterlab_offline(lab) -> None:
    base, notebook = lab
    outputs = [o for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] for o in c.get("outputs", [])]
    charts = sum(VEGALITE_MIME in o.get("data", {}) for o in outputs)
    assert charts >= 3
    blocked: list[str] = []
    with browser() as b:
        context = b.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()

        def route(r):
            if r.request.url.startswith(base) or r.request.url.startswith(("data:", "blob:", "about:", "ws:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(f"{base}/lab/tree/{notebook.name}?token={TOKEN}", wait_until="load", timeout=60000)
        drawn = "() => document.querySelectorAll('.jp-OutputArea-output .vega-embed svg, " \
                ".jp-RenderedVegaCommon5 svg').length"
        page.wait_for_function(f"() => ({drawn})() >= {charts}", timeout=60000)
        count = page.evaluate(drawn)
        missing = page.evaluate("() => document.body.innerText.includes('Chart library missing')")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".jp-OutputArea-output .vega-embed").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab-01_regional_strength.png"))
        context.close()
    assert count == charts, f"{count} of {charts} charts drawn as SVG"
    assert not missing
    assert not [u for u in blocked if "vega" in u or "cdn" in u], blocked  # nothing fetched to draw a chart


def test_a_chapter_run_by_the_project_reads_as_prose_in_jupyterlab(lab) -> None:
    """`analysis run` pastes glued values into the Markdown: JupyterLab shows numbers, not {glue:text} roles."""
    base, notebook = lab
    executed = notebook.parent / "run" / "04_wellbeing.ipynb"
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    assert not [c for c in cells if c["cell_type"] == "markdown" and "{glue" in "".join(c["source"])]
    with browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        # a workspace of its own, so that the chapter opened by the other test is not restored beside it
        page.goto(f"{base}/lab/workspaces/prose/tree/run/{executed.name}?reset&token={TOKEN}", wait_until="load",
                  timeout=60000)
        page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownOutput", timeout=60000)
        prose = page.evaluate("() => [...document.querySelectorAll('.jp-MarkdownOutput')].map(e => e.innerText)"
                              ".join('\\n')")
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab-04_wellbeing-prose.png"))
    assert "亿元" in prose and "{glue" not in prose
