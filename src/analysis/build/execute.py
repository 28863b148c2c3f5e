"""Executing chapters with papermill: one chapter (cached by content, in a worker process) into the book, or
with an analyst's parameters into a folder of its own. A failure names the chapter and its cell."""

from __future__ import annotations

import hashlib
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
    translation_key,
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
    missing: dict[str, str] = field(default_factory=dict)  # messages the Chinese edition lacks (→ where)


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
    _finish_notebook(output, params_are_defaults)
    return [p for p in reads if p.is_relative_to(ROOT)]


def _finish_notebook(output: Path, params_are_defaults: bool) -> None:
    """Make the executed notebook the same on every run, in either language.

    Readers see one parameters cell: the documented defaults, or the values this run injected.
    Execution timestamps and durations are dropped so that two builds of one commit are byte-identical.
    What depends on the edition's language (figures, pasted values) is ``write_edition``'s.
    """
    import nbformat

    nb = nbformat.read(output, as_version=4)
    hide = "injected-parameters" if params_are_defaults else "parameters"
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if hide in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"  # papermill draws a random id
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    pm_meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        pm_meta.pop(key, None)
    nbformat.write(nb, output)


def write_edition(raw: Path, target: Path, lang: str, chapter: str, notebook: Path) -> dict[str, str]:
    """One edition of an executed chapter (``raw``, finished but not yet pasted) at ``target``; returns the
    messages it lacked a translation for (message → where).

    A cell that shows a chart becomes a numbered figure with its caption and description (``figure_options``).
    The prose's glued values are pasted into its Markdown, so the notebook reads as text wherever it is opened
    and the book prints exactly what the notebook shows. The Chinese edition is the English one with every
    visible text looked up in the catalogs (``analysis.presentation.edition``): nothing is executed again.
    """
    import nbformat

    from analysis.presentation import edition, language
    from analysis.presentation.display import FIGURE_META, figure_options  # altair: not before the kernel starts
    from analysis.presentation.prose import fill_glue, glued_values

    nb = nbformat.read(raw, as_version=4)
    values = glued_values(o for c in nb.cells for o in c.get("outputs", []))
    language.forget()
    with language.using(lang):
        if lang != language.SOURCE_LANGUAGE:
            values = {k: edition.translated_value(v, chapter) for k, v in values.items()}
        for index, cell in enumerate(nb.cells):
            if lang != language.SOURCE_LANGUAGE:
                if cell.cell_type == "markdown":
                    cell.source = edition.translated_markdown(cell.source, chapter)
                elif cell.get("outputs"):
                    cell.outputs = [nbformat.from_dict(edition.translated_output(o, chapter)) for o in cell.outputs]
            figures = [o["metadata"][FIGURE_META] for o in cell.get("outputs", [])
                       if FIGURE_META in o.get("metadata", {})]
            if len(figures) > 1:
                raise ChapterFailed(f"chapter {chapter}: cell {_cell_number(raw, index)} of {relative(notebook)} "
                                    f"shows {len(figures)} charts; show one per cell, so that each is a figure of "
                                    "its own")
            if figures:
                cell.metadata["mystnb"] = {**cell.metadata.get("mystnb", {}), "figure": figure_options(figures[0])}
            if cell.cell_type == "markdown":
                try:
                    cell.source = fill_glue(cell.source, values)
                except KeyError as err:
                    raise ChapterFailed(f"chapter {chapter}: markdown cell {_cell_number(raw, index)} of "
                                        f"{relative(notebook)}: {err.args[0]}") from None
        nb.metadata["language"] = language.LOCALE[lang]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return dict(language.MISSING)


def _cell_number(output: Path, index: int) -> str:
    """Cell numbers as the author sees them: 1-based, without the injected parameters cell."""
    try:
        nb = json.loads(output.read_text(encoding="utf-8"))
        injected = sum(1 for c in nb["cells"][:index] if "injected-parameters" in c.get("metadata", {}).get("tags", []))
        return f"{index + 1 - injected} (cell index {index} in the executed notebook)"
    except (OSError, ValueError, KeyError):
        return str(index + 1)


def run_chapter(slug: str, given: dict[str, Any], out_dir: Path, cache: Path | None = CACHE,
                translated_dir: Path | None = None) -> ChapterResult:
    """Execute (or reuse) one chapter into ``out_dir``, and its Chinese edition into ``translated_dir`` when
    given. Runs in a worker process. The Chinese edition is cached apart: new translations set it again
    without executing the chapter."""
    chapter = chapter_list.get(slug)
    params = validate(chapter.slug, chapter.params, given)
    start = time.perf_counter()
    output = out_dir / f"{chapter.slug}.ipynb"
    why = "a one-off run (no cache)"
    if cache is not None:
        fresh, why = cache_decision(chapter.slug, chapter.notebook, params, cache)
        if fresh:
            meta_path, raw_path = cache_paths(chapter.slug, cache)
            inputs = sorted(json.loads(meta_path.read_text(encoding="utf-8"))["inputs"])
            try:
                missing = _editions(chapter, raw_path, output, translated_dir, cache)
            except ChapterFailed as err:
                return ChapterResult(chapter.slug, "failed", round(time.perf_counter() - start, 3), inputs, str(err),
                                     why)
            return ChapterResult(chapter.slug, "cached", round(time.perf_counter() - start, 3), inputs, reason=why,
                                 missing=missing)
    raw = output.with_suffix(".raw.ipynb")
    try:
        defaults = {p.name: p.default for p in chapter.params}
        reads = execute_notebook(chapter.notebook, raw, params, chapter.slug, params == defaults)
        inputs = {p.relative_to(ROOT).as_posix(): sha256_file(p) for p in reads}
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            meta_path, raw_path = cache_paths(chapter.slug, cache)
            shutil.copyfile(raw, raw_path)
            meta = {"notebook": sha256_file(chapter.notebook), "params": params_hash(params), "code": code_hash(),
                    "environment": environment_hash(), "inputs": inputs}
            meta_path.write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
        missing = _editions(chapter, raw, output, translated_dir, cache)
    except ChapterFailed as err:
        return ChapterResult(chapter.slug, "failed", round(time.perf_counter() - start, 3), [], str(err), why)
    finally:
        raw.unlink(missing_ok=True)
    return ChapterResult(chapter.slug, "executed", round(time.perf_counter() - start, 3), sorted(inputs), reason=why,
                         missing=missing)


def _editions(chapter: chapter_list.Chapter, raw: Path, output: Path, translated_dir: Path | None,
              cache: Path | None) -> dict[str, str]:
    """The English edition at ``output`` and the Chinese one in ``translated_dir`` (when given); returns what
    the Chinese one lacks. Each is reused from the cache while the execution, the catalogs and the code are
    those it was made from."""
    targets = {"en": output, **({"zh": translated_dir / output.name} if translated_dir is not None else {})}
    missing: dict[str, str] = {}
    key = edition_key(raw) if cache is not None else ""
    for lang, target in targets.items():
        cached, stamp = edition_cache(chapter.slug, lang, cache) if cache is not None else (None, None)
        done = json.loads(stamp.read_text(encoding="utf-8")) if stamp is not None and stamp.exists() else {}
        target.parent.mkdir(parents=True, exist_ok=True)
        if done.get("key") == key and cached.exists():
            shutil.copyfile(cached, target)
            missing.update(done.get("missing", {}))
            continue
        lacking = write_edition(raw, target, lang, chapter.slug, chapter.notebook)
        missing.update(lacking)
        if cached is not None:
            shutil.copyfile(target, cached)
            stamp.write_text(json.dumps({"key": key, "missing": lacking}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return missing


def edition_key(raw: Path) -> str:
    """What an edition of an executed chapter is made from: the execution, the catalogs and the code."""
    return hashlib.sha256((sha256_file(raw) + translation_key()).encode()).hexdigest()


def edition_cache(slug: str, lang: str, cache: Path) -> tuple[Path, Path]:
    return cache / f"{slug}.{lang}.ipynb", cache / f"{slug}.{lang}.json"


def all_cached(slug: str, langs: list[str], cache: Path = CACHE) -> bool:
    """Whether a chapter's execution and the editions asked for are all still good: then the build copies them
    without starting a worker."""
    chapter = chapter_list.get(slug)
    fresh, _why = cache_decision(slug, chapter.notebook, validate(slug, chapter.params, {}), cache)
    if not fresh:
        return False
    key = edition_key(cache_paths(slug, cache)[1])
    for lang in langs:
        cached, stamp = edition_cache(slug, lang, cache)
        if not (cached.exists() and stamp.exists()
                and json.loads(stamp.read_text(encoding="utf-8")).get("key") == key):
            return False
    return True


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
