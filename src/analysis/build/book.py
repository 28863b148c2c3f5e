"""Build the book: validate data, execute chapters (cached by content, in parallel), render, publish atomically.

A chapter is re-executed exactly when its notebook, its parameters, the code in ``src/analysis`` or a data
file it read has changed (``analysis.build.cache``). The files a chapter read are recorded by the kernel
itself (``analysis.read_log``). The published ``_build/html`` is replaced only after the whole build succeeded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from analysis import chapters as chapter_list
from analysis.build.cache import check_data_once, code_hash
from analysis.build.execute import ChapterFailed, ChapterResult, run_chapter, say
from analysis.build.pdf import ANSI, PdfFailed, check_book_pdf, render_pdf
from analysis.build.version import build_env, source_date_epoch
from analysis.errors import BookError
from analysis.paths import (
    BOOK,
    BOOK_CHAPTERS,
    BOOK_CONFIG,
    BOOK_STATIC,
    BOOK_TOC,
    BUILD,
    BUILD_LOCK,
    BUILD_REPORT,
    CHANGELOG,
    DATA,
    DATA_ARCHIVE,
    HTML,
    HTML_LOG,
    PDF_LINK_ENV,
    PDF_LOG,
    PDF_NAME,
    PDF_WORK,
    PUBLISHED_PDF,
    RENDERED,
    ROOT,
    STAGING,
    VEGA_BUNDLE,
    relative,
)
from analysis.presentation.display import write_bundle


class RenderFailed(BookError):
    pass


def write_static() -> None:
    """Generated site files: the offline chart bundle and the table of contents."""
    write_bundle(VEGA_BUNDLE)
    write_data_archive(DATA_ARCHIVE)
    _write_if_changed(BOOK_TOC, chapter_list.toc_yaml())


def write_data_archive(target: Path) -> None:
    """All of data/ (with its READMEs and schema) as one zip; fixed timestamps keep it byte-identical."""
    import zipfile

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


def render_html(log: Path) -> Path:
    """Jupyter Book (execution off, warnings as errors) into the staging folder; returns the HTML folder."""
    if STAGING.exists():
        shutil.rmtree(STAGING)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", str(STAGING),
           "--builder", "html", "-W", "-n", "--keep-going"]
    env = {**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": source_date_epoch()}
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env, check=False)
    if proc.returncode != 0:
        text = ANSI.sub("", log.read_text(encoding="utf-8", errors="replace"))
        problems = [ln for ln in text.splitlines() if re.search(r"WARNING|ERROR|[Ee]rror:", ln)][:20]
        shown = "\n  ".join(problems or text.splitlines()[-20:])
        raise RenderFailed(f"Jupyter Book failed (warnings are errors):\n  {shown}\n  full log: {relative(log)}")
    site = STAGING / "_build" / "html"
    # Sphinx's note for its own incremental builds: it hashes the configuration, absolute paths included, so
    # it would differ between two checkouts of one commit. The site does not need it.
    (site / ".buildinfo").unlink(missing_ok=True)
    return site


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


class BuildRunning(BookError):
    """Another build holds this folder."""


@contextlib.contextmanager
def one_build_at_a_time(lock_path: Path = BUILD_LOCK) -> Iterator[int]:
    """Hold the folder's build lock, or stop at once if another build holds it; yields the lock's descriptor.

    An advisory lock of the operating system (flock): a build that is killed releases it with its process, so no
    stale lock file can block the next build. Worker processes forked by the build must close the descriptor
    (``release_in_worker``), or a killed build's workers would hold the lock until they end. A one-chapter
    ``run`` writes elsewhere and takes no lock.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise BuildRunning(f"another build is running in {ROOT} ({holder}); wait for it to finish or "
                               "stop it, then build again") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield fh.fileno()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(html: bool = True, pdf: bool = True, quiet: bool = False, jobs: int | None = None) -> dict[str, Any]:
    """The whole book, one build at a time per folder. Raises BookError; the last good book stays published on
    any failure."""
    with one_build_at_a_time() as lock:
        return _build(html, pdf, quiet, jobs, lock)


def release_in_worker(lock: int) -> None:
    """In a forked worker: close the inherited copy of the build lock (closing it does not unlock the build)."""
    os.close(lock)


def _execute_chapters(jobs: int, lock: int, quiet: bool, t0: float) -> list[ChapterResult]:
    """Every chapter at once (``jobs`` workers), each reported the moment it finishes — cached, executed or
    failed, with its seconds and why it ran — under a progress bar (rich); ``quiet`` shows only failures.
    The results come back in the book's order."""
    order = [c.slug for c in chapter_list.CHAPTERS]
    results: list[ChapterResult] = []
    console = Console(highlight=False)
    with ProcessPoolExecutor(max_workers=jobs, initializer=release_in_worker, initargs=(lock,)) as pool, \
            Progress(TextColumn("chapters"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                     console=console, transient=True, disable=quiet) as progress:
        bar = progress.add_task("chapters", total=len(order))
        futures = [pool.submit(run_chapter, slug, {}, BOOK_CHAPTERS) for slug in order]
        for fut in as_completed(futures):
            res = fut.result()
            results.append(res)
            if not quiet or res.status == "failed":
                progress.console.print(f"  {res.name}: {res.status} in {res.seconds:.1f}s, {res.reason} "
                                       f"(elapsed {time.perf_counter() - t0:.0f}s)", soft_wrap=True)
            progress.advance(bar)
    return sorted(results, key=lambda r: order.index(r.name))


def _build(html: bool, pdf: bool, quiet: bool, jobs: int | None, lock: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    say(quiet, "checking data …")
    check_data_once()
    write_static()
    if BOOK_CHAPTERS.exists():
        shutil.rmtree(BOOK_CHAPTERS)
    jobs = jobs or min(os.cpu_count() or 1, len(chapter_list.CHAPTERS))
    results = _execute_chapters(jobs, lock, quiet, t0)
    report: dict[str, Any] = {"chapters": [asdict(r) for r in results]}
    BUILD.mkdir(exist_ok=True)

    def fail(err: BookError) -> BookError:
        report["seconds"] = round(time.perf_counter() - t0, 3)
        report["status"] = "failed"
        BUILD_REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
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
        os.environ[PDF_LINK_ENV] = f"_static/{PDF_NAME}"
    if html and done.get("html") == key and (HTML / "index.html").exists():
        say(quiet, "HTML unchanged")
        html = False
    if pdf:
        say(quiet, f"rendering PDF … (elapsed {time.perf_counter() - t0:.0f}s)")
        try:
            pdf_path = render_pdf(ROOT, PDF_WORK, PDF_LOG)
        except PdfFailed as err:
            raise fail(err) from None
        problems = check_book_pdf(pdf_path)
        if problems:
            raise fail(PdfFailed("the PDF is incomplete:\n  " + "\n  ".join(problems)))
        os.environ[PDF_LINK_ENV] = f"_static/{PDF_NAME}"  # footers and the cite page link it
    if html:
        say(quiet, f"rendering HTML … (elapsed {time.perf_counter() - t0:.0f}s)")
        # The site carries the PDF of this build in its _static (from book/_static, so that a plain
        # `jupyter-book build .` links it too), or none.
        site_pdf = BOOK_STATIC / PDF_NAME
        if pdf_path:
            shutil.copyfile(pdf_path, site_pdf)
        else:
            site_pdf.unlink(missing_ok=True)
        try:
            staged = render_html(HTML_LOG)
        except RenderFailed as err:
            raise fail(err) from None
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
    BUILD_REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    counts = {s: sum(r.status == s for r in results) for s in ("executed", "cached")}
    print(f"built in {report['seconds']:.0f}s: {counts['executed']} chapters executed, {counts['cached']} cached; "
          f"HTML {'rendered' if html else 'unchanged'}, PDF {'rendered' if pdf else 'unchanged or not asked'}",
          flush=True)
    return report


def render_key() -> str:
    """A hash of everything Jupyter Book renders from: every file under book/ (executed chapters included),
    the configuration, the table of contents and the changelog, the package's code (pages generated from the
    data by it: method, glossary, data dictionary) and the stamp shown on the pages (version, data
    fingerprint). Equal keys mean an identical site, so rendering is skipped."""
    h = hashlib.sha256()
    files = [p for p in BOOK.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and p != BOOK_STATIC / PDF_NAME]  # the PDF is an output of the same build
    for path in sorted([*files, BOOK_CONFIG, BOOK_TOC, CHANGELOG]):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    h.update(code_hash().encode())
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


