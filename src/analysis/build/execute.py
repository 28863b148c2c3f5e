"""Executing chapters with papermill: one chapter (cached by content, in a worker process) into the book, or
with an analyst's parameters into a folder of its own. A failure names the chapter and its cell."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import chapters as chapter_list
from analysis.build.cache import (
    cache_decision,
    cache_paths,
    check_data_once,
    code_hash,
    environment_hash,
    params_hash,
    sha256_file,
)
from analysis.chapters.params import validate
from analysis.errors import BookError
from analysis.paths import CACHE, CHART_PNG_ENV, READS_LOG_ENV, ROOT, relative
from analysis.read_log import read_log

if TYPE_CHECKING:
    from jupyter_client.manager import KernelManager

# What every chapter imports first (pandas, altair and the package's loaders): the kernel imports it as it starts,
# while this process is still importing papermill, so the two waits overlap instead of adding up.
KERNEL_WARM_UP = ("import analysis.chapters, analysis.build.citation, analysis.datasets.indicators, "
                  "analysis.presentation.display, analysis.presentation.prose, analysis.presentation.tables")
# The kernel's own start/stop chatter is not the reader's business.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", f"--IPKernelApp.exec_lines={KERNEL_WARM_UP}"]


class ChapterFailed(BookError):
    pass


@dataclass
class ChapterResult:
    name: str
    status: str  # executed | cached | failed
    seconds: float
    inputs: list[str] = field(default_factory=list)
    error: str | None = None
    reason: str = ""  # why it ran, or why its cached execution was still good


@contextmanager
def chapter_kernel() -> Iterator[KernelManager]:
    """A Python kernel started now in the project's folder, importing what chapters import; shut down after."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(ROOT), extra_arguments=KERNEL_ARGUMENTS)
    try:
        yield km
    finally:
        km.shutdown_kernel(now=True)


def execute_notebook(notebook: Path, output: Path, params: dict[str, Any], chapter: str,
                     params_are_defaults: bool = True) -> list[Path]:
    """Run one notebook with papermill; return the data files it read. Raises ChapterFailed naming the cell."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "reads.log"
        os.environ[READS_LOG_ENV] = str(log)  # before the kernel starts: it inherits the environment
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        try:
            with chapter_kernel() as km:
                import papermill as pm  # while the kernel starts
                from papermill.exceptions import PapermillExecutionError

                try:
                    pm.execute_notebook(str(notebook), str(output), parameters=params, kernel_name="python3",
                                        progress_bar=False, cwd=str(ROOT), log_output=False, km=km)
                except PapermillExecutionError as err:
                    cell = _cell_number(output, err.cell_index)
                    raise ChapterFailed(
                        f"chapter {chapter} failed in cell {cell} of {relative(notebook)}: {err.ename}: "
                        f"{err.evalue}\n  the executed notebook with the traceback is {relative(output)}") from None
        finally:
            os.environ.pop(READS_LOG_ENV, None)
        reads = read_log(log)
    _finish_notebook(output, params_are_defaults, chapter, notebook)
    return [p for p in reads if p.is_relative_to(ROOT)]


def _finish_notebook(output: Path, params_are_defaults: bool, chapter: str, notebook: Path) -> None:
    """Make the executed notebook what readers should see, and the same on every run.

    Readers see one parameters cell: the documented defaults, or the values this run injected.
    A cell that shows a chart becomes a numbered figure with its caption and description (``figure_options``).
    The prose's glued values are pasted into its Markdown, so the notebook reads as text wherever it is opened
    and the book prints exactly what the notebook shows.
    Execution timestamps and durations are dropped so that two builds of one commit are byte-identical.
    """
    import nbformat

    from analysis.presentation.display import FIGURE_META, figure_options  # altair: not before the kernel starts
    from analysis.presentation.prose import fill_glue, glued_values

    nb = nbformat.read(output, as_version=4)
    values = glued_values(o for c in nb.cells for o in c.get("outputs", []))
    hide = "injected-parameters" if params_are_defaults else "parameters"
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if hide in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"  # papermill draws a random id
        cell.metadata.pop("papermill", None)
        figures = [o["metadata"][FIGURE_META] for o in cell.get("outputs", []) if FIGURE_META in o.get("metadata", {})]
        if len(figures) > 1:
            raise ChapterFailed(f"chapter {chapter}: cell {_cell_number(output, index)} of {relative(notebook)} shows "
                                f"{len(figures)} charts; show one per cell, so that each is a figure of its own")
        if figures:
            cell.metadata["mystnb"] = {**cell.metadata.get("mystnb", {}), "figure": figure_options(figures[0])}
        if cell.cell_type == "markdown":
            try:
                cell.source = fill_glue(cell.source, values)
            except KeyError as err:
                raise ChapterFailed(f"chapter {chapter}: markdown cell {_cell_number(output, index)} of "
                                    f"{relative(notebook)}: {err.args[0]}") from None
        cell.metadata.pop("execution", None)
    pm_meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        pm_meta.pop(key, None)
    nbformat.write(nb, output)


def _cell_number(output: Path, index: int) -> str:
    """Cell numbers as the author sees them: 1-based, without the injected parameters cell."""
    try:
        nb = json.loads(output.read_text(encoding="utf-8"))
        injected = sum(1 for c in nb["cells"][:index] if "injected-parameters" in c.get("metadata", {}).get("tags", []))
        return f"{index + 1 - injected} (cell index {index} in the executed notebook)"
    except (OSError, ValueError, KeyError):
        return str(index + 1)


def run_chapter(slug: str, given: dict[str, Any], out_dir: Path, cache: Path | None = CACHE) -> ChapterResult:
    """Execute (or reuse) one chapter into ``out_dir``. Runs in a worker process."""
    chapter = chapter_list.get(slug)
    params = validate(chapter.slug, chapter.params, given)
    start = time.perf_counter()
    output = out_dir / f"{chapter.slug}.ipynb"
    why = "a one-off run (no cache)"
    if cache is not None:
        fresh, why = cache_decision(chapter.slug, chapter.notebook, params, cache)
        if fresh:
            meta_path, nb_path = cache_paths(chapter.slug, cache)
            output.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb_path, output)
            inputs = sorted(json.loads(meta_path.read_text(encoding="utf-8"))["inputs"])
            return ChapterResult(chapter.slug, "cached", round(time.perf_counter() - start, 3), inputs, reason=why)
    try:
        defaults = {p.name: p.default for p in chapter.params}
        reads = execute_notebook(chapter.notebook, output, params, chapter.slug, params == defaults)
    except ChapterFailed as err:
        return ChapterResult(chapter.slug, "failed", round(time.perf_counter() - start, 3), [], str(err), why)
    inputs = {p.relative_to(ROOT).as_posix(): sha256_file(p) for p in reads}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        meta_path, nb_path = cache_paths(chapter.slug, cache)
        shutil.copyfile(output, nb_path)
        meta = {"notebook": sha256_file(chapter.notebook), "params": params_hash(params), "code": code_hash(),
                "environment": environment_hash(), "inputs": inputs}
        meta_path.write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    return ChapterResult(chapter.slug, "executed", round(time.perf_counter() - start, 3), sorted(inputs), reason=why)


def say(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, flush=True)


def run_one(slug: str, given: dict[str, Any], out_dir: Path, quiet: bool = False) -> tuple[ChapterResult, Path]:
    """One chapter with an analyst's parameters into its own folder: executed notebook and standalone page.

    The published book and the build cache are not touched.
    """
    chapter = chapter_list.get(slug)
    validate(chapter.slug, chapter.params, given)  # before anything runs
    check_data_once()  # as the build does: skipped when data and code are unchanged since the last pass
    t0 = time.perf_counter()
    say(quiet, f"running {slug} into {out_dir} …")
    os.environ[CHART_PNG_ENV] = "0"  # the standalone page is HTML; PNGs are only for the book's PDF
    try:
        result = run_chapter(slug, given, out_dir, cache=None)
    finally:
        os.environ.pop(CHART_PNG_ENV, None)
    if result.status == "failed":
        raise ChapterFailed(result.error or slug)
    from analysis.build.standalone import write_standalone  # nbformat and markdown-it: only now

    page = write_standalone(out_dir / f"{result.name}.ipynb", out_dir / f"{result.name}.html")
    say(quiet, f"done in {time.perf_counter() - t0:.1f}s: {page}")
    return result, page
