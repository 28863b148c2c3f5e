"""Build the book: validate data, execute chapters (cached by content, in parallel), render, publish atomically.

A chapter is re-executed exactly when its notebook, its parameters, the code in ``src/analysis`` or a data
file it read has changed. The files a chapter read are recorded by the kernel itself (``analysis.inputs``).
The published ``_build/html`` is replaced only after the whole build succeeded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from analysis import chapters as chapter_list
from analysis.checks import check_all
from analysis.errors import BookError
from analysis.inputs import ENV_VAR, read_log
from analysis.params import validate
from analysis.paths import BOOK, BOOK_CHAPTERS, BOOK_STATIC, BUILD, CACHE, ROOT, relative
from analysis.pdf import PDF_NAME, PdfFailed, check_book_pdf, render_pdf
from analysis.version import build_env, source_date_epoch

CODE = ROOT / "src" / "analysis"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
STAGING = BUILD / ".staging"
HTML = BUILD / "html"
REPORT = BUILD / "build-report.json"
DATA_ARCHIVE = "wuchang-book-data.zip"  # in book/_static; the intro page links to it
PUBLISHED_PDF = BUILD / "pdf" / PDF_NAME
RENDERED = BUILD / "rendered.json"  # render keys of the published site and PDF
CHECKED = BUILD / "checked.key"  # data and code that last passed check_all


class ChapterFailed(BookError):
    pass


class RenderFailed(BookError):
    pass


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def code_hash() -> str:
    h = hashlib.sha256()
    for path in sorted(CODE.rglob("*.py")):
        h.update(path.relative_to(CODE).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def params_hash(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


@dataclass
class ChapterResult:
    name: str
    status: str  # executed | cached | failed
    seconds: float
    inputs: list[str] = field(default_factory=list)
    error: str | None = None


def _cache_paths(slug: str, cache: Path) -> tuple[Path, Path]:
    return cache / f"{slug}.json", cache / f"{slug}.ipynb"


def cache_decision(slug: str, notebook: Path, params: dict[str, Any], cache: Path = CACHE) -> tuple[bool, str]:
    """Whether the cached execution of a chapter is still valid, and why (for the report and the tests)."""
    meta_path, nb_path = _cache_paths(slug, cache)
    if not meta_path.exists() or not nb_path.exists():
        return False, "no cached execution"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("notebook") != sha256_file(notebook):
        return False, "notebook changed"
    if meta.get("params") != params_hash(params):
        return False, "parameters changed"
    if meta.get("code") != code_hash():
        return False, "code in src/analysis changed"
    for rel, digest in meta.get("inputs", {}).items():
        path = ROOT / rel
        if not path.exists():
            return False, f"input {rel} is gone"
        if sha256_file(path) != digest:
            return False, f"input {rel} changed"
    return True, "nothing changed"


def execute_notebook(notebook: Path, output: Path, params: dict[str, Any], chapter: str,
                     params_are_defaults: bool = True) -> list[Path]:
    """Run one notebook with papermill; return the data files it read. Raises ChapterFailed naming the cell."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "reads.log"
        os.environ[ENV_VAR] = str(log)
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        try:
            pm.execute_notebook(str(notebook), str(output), parameters=params, kernel_name="python3",
                                progress_bar=False, cwd=str(ROOT), log_output=False,
                                # the kernel's own start/stop chatter is not the reader's business
                                extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        except PapermillExecutionError as err:
            cell = _cell_number(output, err.cell_index)
            raise ChapterFailed(
                f"chapter {chapter} failed in cell {cell} of {relative(notebook)}: {err.ename}: {err.evalue}"
                f"\n  the executed notebook with the traceback is {relative(output)}") from None
        finally:
            os.environ.pop(ENV_VAR, None)
        reads = read_log(log)
    _finish_notebook(output, params_are_defaults)
    return [p for p in reads if p.is_relative_to(ROOT)]


def _finish_notebook(output: Path, params_are_defaults: bool) -> None:
    """Make the executed notebook what readers should see, and the same on every run.

    Readers see one parameters cell: the documented defaults, or the values this run injected.
    Execution timestamps and durations are dropped so that two builds of one commit are byte-identical.
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
    if cache is not None:
        fresh, _why = cache_decision(chapter.slug, chapter.notebook, params, cache)
        if fresh:
            meta_path, nb_path = _cache_paths(chapter.slug, cache)
            output.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb_path, output)
            inputs = sorted(json.loads(meta_path.read_text(encoding="utf-8"))["inputs"])
            return ChapterResult(chapter.slug, "cached", round(time.perf_counter() - start, 3), inputs)
    try:
        defaults = {p.name: p.default for p in chapter.params}
        reads = execute_notebook(chapter.notebook, output, params, chapter.slug, params == defaults)
    except ChapterFailed as err:
        return ChapterResult(chapter.slug, "failed", round(time.perf_counter() - start, 3), [], str(err))
    inputs = {p.relative_to(ROOT).as_posix(): sha256_file(p) for p in reads}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        meta_path, nb_path = _cache_paths(chapter.slug, cache)
        shutil.copyfile(output, nb_path)
        meta = {"notebook": sha256_file(chapter.notebook), "params": params_hash(params), "code": code_hash(),
                "inputs": inputs}
        meta_path.write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    return ChapterResult(chapter.slug, "executed", round(time.perf_counter() - start, 3), sorted(inputs))


def check_data_once() -> None:
    """check_all, skipped when neither the data nor the code changed since it last passed."""
    from analysis.paths import DATA

    h = hashlib.sha256(code_hash().encode())
    for path in sorted(p for p in DATA.rglob("*") if p.is_file()):
        h.update(path.relative_to(DATA).as_posix().encode() + b"\0" + path.read_bytes())
    key = h.hexdigest()
    if CHECKED.exists() and CHECKED.read_text(encoding="utf-8") == key:
        return
    check_all()
    BUILD.mkdir(exist_ok=True)
    CHECKED.write_text(key, encoding="utf-8")


def write_static() -> None:
    """Generated site files: the offline chart bundle and the table of contents."""
    from analysis.charts import bundle_js

    BOOK_STATIC.mkdir(parents=True, exist_ok=True)
    bundle = BOOK_STATIC / "vega-offline.js"
    stamp = f"/* vega, vega-lite, vega-embed from vl-convert-python {version('vl-convert-python')} */\n"
    with contextlib.suppress(OSError):
        if bundle.open(encoding="utf-8").readline() == stamp:
            stamp = ""  # up to date: generating the 900 kB bundle is the slow part of a no-op build
    if stamp:
        bundle.write_text(stamp + bundle_js(), encoding="utf-8")
    write_data_archive(BOOK_STATIC / DATA_ARCHIVE)
    _write_if_changed(BOOK / "_toc.yml", toc_yaml())


def write_data_archive(target: Path) -> None:
    """All of data/ (with its READMEs and schema) as one zip; fixed timestamps keep it byte-identical."""
    import zipfile

    from analysis.paths import DATA

    files = sorted(p for p in DATA.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            info = zipfile.ZipInfo(f"data/{path.relative_to(DATA).as_posix()}", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    if target.exists() and target.read_bytes() == tmp.read_bytes():
        tmp.unlink()
    else:
        tmp.replace(target)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def toc_yaml() -> str:
    lines = ["# Generated from src/analysis/chapters.py by the build; do not edit.", "format: jb-book",
             "root: intro", "parts:"]
    for part in chapter_list.PARTS:
        members = [c for c in chapter_list.CHAPTERS if c.part == part]
        pages = list(chapter_list.PAGES) if part == chapter_list.PARTS[-1] else []
        if not members and not pages:
            continue
        lines += [f"  - caption: {part}", "    chapters:"]
        lines += [f"      - file: chapters/{c.slug}" for c in members]
        lines += [f"      - file: {p}" for p in pages]
    return "\n".join(lines) + "\n"


def render_html(log: Path) -> Path:
    """Jupyter Book (execution off, warnings as errors) into the staging folder; returns the HTML folder."""
    if STAGING.exists():
        shutil.rmtree(STAGING)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(BOOK), "--path-output", str(STAGING),
           "--builder", "html", "-W", "-n", "--keep-going"]
    env = {**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": source_date_epoch()}
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env, check=False)
    if proc.returncode != 0:
        text = ANSI.sub("", log.read_text(encoding="utf-8", errors="replace"))
        problems = [ln for ln in text.splitlines() if re.search(r"WARNING|ERROR|[Ee]rror:", ln)][:20]
        shown = "\n  ".join(problems or text.splitlines()[-20:])
        raise RenderFailed(f"Jupyter Book failed (warnings are errors):\n  {shown}\n  full log: {relative(log)}")
    return STAGING / "_build" / "html"


def publish(staged: Path, target: Path = HTML) -> None:
    """Swap the new site in; the old one is removed only after the new one is in place."""
    if not (staged / "index.html").exists():
        raise FileNotFoundError(f"nothing to publish: {staged} holds no index.html")
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    try:
        staged.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)  # put the last good site back
        raise
    if old.exists():
        shutil.rmtree(old)


def say(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, flush=True)


def build(html: bool = True, pdf: bool = True, quiet: bool = False, jobs: int | None = None) -> dict[str, Any]:
    """The whole book. Raises BookError; the last good book stays published on any failure."""

    t0 = time.perf_counter()
    say(quiet, "checking data …")
    check_data_once()
    write_static()
    if BOOK_CHAPTERS.exists():
        shutil.rmtree(BOOK_CHAPTERS)
    jobs = jobs or min(os.cpu_count() or 1, len(chapter_list.CHAPTERS))
    results: list[ChapterResult] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {c.slug: pool.submit(run_chapter, c.slug, {}, BOOK_CHAPTERS) for c in chapter_list.CHAPTERS}
        for slug, fut in futures.items():
            res = fut.result()
            results.append(res)
            say(quiet, f"  {slug}: {res.status} in {res.seconds:.1f}s (elapsed {time.perf_counter() - t0:.0f}s)")
    report: dict[str, Any] = {"chapters": [asdict(r) for r in results]}
    BUILD.mkdir(exist_ok=True)

    def fail(err: BookError) -> BookError:
        report["seconds"] = round(time.perf_counter() - t0, 3)
        report["status"] = "failed"
        REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        return type(err)(str(err) + _kept())

    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise fail(ChapterFailed("\n".join(r.error or r.name for r in failed)))
    os.environ.update(build_env())  # version and data fingerprint: page footers, PDF title page, cite lines
    key = render_key()
    done = _rendered()
    pdf_path = None
    if pdf and done.get("pdf") == key and PUBLISHED_PDF.exists():
        say(quiet, "PDF unchanged")
        pdf_path, pdf = PUBLISHED_PDF, False
        os.environ["BOOK_PDF"] = f"_static/{PDF_NAME}"
    if html and done.get("html") == key and (HTML / "index.html").exists():
        say(quiet, "HTML unchanged")
        html = False
    if pdf:
        say(quiet, f"rendering PDF … (elapsed {time.perf_counter() - t0:.0f}s)")
        try:
            pdf_path = render_pdf(BOOK, BUILD / ".pdf-work", BUILD / "pdf.log")
        except PdfFailed as err:
            raise fail(err) from None
        problems = check_book_pdf(pdf_path)
        if problems:
            raise fail(PdfFailed("the PDF is incomplete:\n  " + "\n  ".join(problems)))
        os.environ["BOOK_PDF"] = f"_static/{PDF_NAME}"  # footers and the cite page link it
    if html:
        say(quiet, f"rendering HTML … (elapsed {time.perf_counter() - t0:.0f}s)")
        try:
            staged = render_html(BUILD / "jupyter-book.log")
        except RenderFailed as err:
            raise fail(err) from None
        if pdf_path:
            shutil.copyfile(pdf_path, staged / "_static" / PDF_NAME)
        publish(staged)
        done["html"] = key
        say(quiet, f"published {relative(HTML)}")
    if pdf:
        PUBLISHED_PDF.parent.mkdir(exist_ok=True)
        shutil.copyfile(pdf_path, PUBLISHED_PDF)
        done["pdf"] = key
        say(quiet, f"published {relative(PUBLISHED_PDF)}")
    RENDERED.write_text(json.dumps(done, indent=1), encoding="utf-8")
    report["seconds"] = round(time.perf_counter() - t0, 3)
    report["status"] = "ok"
    REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return report


def render_key() -> str:
    """A hash of everything Jupyter Book renders from: every file under book/ (executed chapters included)
    and the stamp shown on the pages. Equal keys mean an identical site, so rendering is skipped."""
    h = hashlib.sha256()
    for path in sorted(p for p in BOOK.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(BOOK).as_posix().encode() + b"\0" + path.read_bytes())
    stamp = {k: os.environ.get(k, "") for k in sorted(build_env())}
    h.update(json.dumps(stamp, sort_keys=True).encode())
    return h.hexdigest()


def _rendered() -> dict[str, str]:
    """The render keys of the published HTML and PDF (what they were built from)."""
    try:
        return json.loads(RENDERED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _kept() -> str:
    if (HTML / "index.html").exists():
        return f"\nThe last good book is still published in {relative(HTML)}."
    return "\nNo book was published."


def run_one(slug: str, given: dict[str, Any], out_dir: Path, quiet: bool = False) -> tuple[ChapterResult, Path]:
    """One chapter with an analyst's parameters into its own folder: executed notebook and standalone page.

    The published book and the build cache are not touched.
    """
    from analysis.standalone import write_standalone

    chapter = chapter_list.get(slug)
    validate(chapter.slug, chapter.params, given)  # before anything runs
    check_all()
    t0 = time.perf_counter()
    say(quiet, f"running {slug} into {out_dir} …")
    from analysis.charts import PNG_ENV

    os.environ[PNG_ENV] = "0"  # the standalone page is HTML; PNGs are only for the book's PDF
    try:
        result = run_chapter(slug, given, out_dir, cache=None)
    finally:
        os.environ.pop(PNG_ENV, None)
    if result.status == "failed":
        raise ChapterFailed(result.error or slug)
    page = write_standalone(out_dir / f"{result.name}.ipynb", out_dir / f"{result.name}.html")
    say(quiet, f"done in {time.perf_counter() - t0:.1f}s: {page}")
    return result, page

