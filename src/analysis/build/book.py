"""Build the book: validate data, execute chapters (cached by content, in parallel), render, publish atomically.

A chapter is re-executed exactly when its notebook, its parameters, the code in ``src/analysis`` or a data
file it read has changed (``analysis.build.cache``). The files a chapter read are recorded by the kernel
itself (``analysis.read_log``). The published ``_build/html`` is replaced only after the whole build succeeded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from analysis import chapters as chapter_list
from analysis.build.cache import check_data_once, code_hash
from analysis.build.editions import (
    EDITIONS,
    Edition,
    compile_catalogs,
    edition_env,
    prepare_source,
    site_index,
)
from analysis.build.execute import ChapterFailed, ChapterResult, all_cached, run_chapter, say
from analysis.build.pdf import ANSI, PdfFailed, check_book_pdf, render_pdf
from analysis.build.version import build_env, source_date_epoch
from analysis.errors import BookError
from analysis.paths import (
    BOOK_CHAPTERS,
    BOOK_STATIC,
    BOOK_TOC,
    BUILD,
    BUILD_LOCK,
    BUILD_REPORT,
    CACHE,
    CHANGELOG,
    CHAPTER_CATALOGS,
    DATA,
    DATA_ARCHIVE,
    HTML,
    LOCALE,
    PUBLISHED_PDFS,
    RENDERED,
    ROOT,
    SITE_STAGING,
    VEGA_BUNDLE,
    relative,
)
from analysis.presentation.bundle import write_bundle
from analysis.presentation.language import LANGUAGES, SOURCE_LANGUAGE


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


def render_html(edition: Edition, editions: tuple[Edition, ...] = EDITIONS) -> Path:
    """Jupyter Book (execution off, warnings as errors) renders one edition into its staging folder; returns the
    HTML folder."""
    if edition.staging.exists():
        shutil.rmtree(edition.staging)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(edition.root), "--path-output",
           str(edition.staging), "--builder", "html", "-W", "-n", "--keep-going"]
    env = {**os.environ, **edition_env(edition, editions), "NO_COLOR": "1", "SOURCE_DATE_EPOCH": source_date_epoch()}
    log = edition.html_log
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, cwd=edition.root, stdout=fh, stderr=subprocess.STDOUT, env=env, check=False)
    if proc.returncode != 0:
        text = ANSI.sub("", log.read_text(encoding="utf-8", errors="replace"))
        problems = [ln for ln in text.splitlines() if re.search(r"WARNING|ERROR|[Ee]rror:", ln)][:20]
        shown = "\n  ".join(problems or text.splitlines()[-20:])
        raise RenderFailed(f"Jupyter Book failed on the {edition.lang} edition (warnings are errors):\n  {shown}\n"
                           f"  full log: {relative(log)}")
    site = edition.staging / "_build" / "html"
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
    stale lock file can block the next build. The build's workers are spawned, not forked (``worker_pool``): they
    do not inherit the descriptor, so a killed build's workers cannot hold the lock until they end. A one-chapter
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


def build(html: bool = True, pdf: bool = True, quiet: bool = False, jobs: int | None = None,
          untranslated_ok: bool = False, languages: tuple[str, ...] = LANGUAGES) -> dict[str, Any]:
    """The whole book, one build at a time per folder. Raises BookError; the last good book stays published on
    any failure. ``untranslated_ok`` publishes a Chinese edition with English left where translations are
    missing (a translator's draft; the book's build never does); ``languages`` limits the editions (the
    benchmark's one-language build)."""
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown or SOURCE_LANGUAGE not in languages:
        raise BookError(f"languages {', '.join(languages)}: the book has the editions {', '.join(LANGUAGES)}, and "
                        f"every build makes the English one ({SOURCE_LANGUAGE}), which the others are translated from")
    editions = tuple(e for e in EDITIONS if e.lang in languages)
    with one_build_at_a_time():
        return _build(html, pdf, quiet, jobs, untranslated_ok, editions)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Workers started afresh (spawned), not forked from the build: a fork would inherit the build lock's
    descriptor, and the chart renderer (vl-convert) the build may have started already, whose threads a fork
    does not copy: a forked worker drawing a chart would wait for them for ever."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))


def _execute_chapters(jobs: int, quiet: bool, t0: float, translated: Path | None) -> list[ChapterResult]:
    """Every chapter at once (``jobs`` workers), each reported the moment it finishes — cached, executed or
    failed, with its seconds and why it ran — under a progress bar (rich); ``quiet`` shows only failures.
    Each chapter is executed once and written in both editions. The results come back in the book's order."""
    order = [c.slug for c in chapter_list.CHAPTERS]
    results: list[ChapterResult] = []
    console = Console(highlight=False)
    with worker_pool(jobs) as pool, \
            Progress(TextColumn("chapters"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                     console=console, transient=True, disable=quiet) as progress:
        bar = progress.add_task("chapters", total=len(order))
        langs = ["en", "zh"] if translated is not None else ["en"]
        # Chapters whose execution and editions are all still good are copied here; the others go to workers.
        done = [slug for slug in order if all_cached(slug, langs)]
        futures = [pool.submit(run_chapter, slug, {}, BOOK_CHAPTERS, CACHE, translated)
                   for slug in order if slug not in done]
        ready = [run_chapter(slug, {}, BOOK_CHAPTERS, CACHE, translated) for slug in done]
        for res in itertools.chain(ready, (fut.result() for fut in as_completed(futures))):
            results.append(res)
            if not quiet or res.status == "failed":
                progress.console.print(f"  {res.name}: {res.status} in {res.seconds:.1f}s, {res.reason} "
                                       f"(elapsed {time.perf_counter() - t0:.0f}s)", soft_wrap=True)
            progress.advance(bar)
    return sorted(results, key=lambda r: order.index(r.name))


class Untranslated(BookError):
    """The Chinese edition lacks translations: it is not published half in English."""


def untranslated(results: list[ChapterResult], limit: int = 12) -> Untranslated | None:
    """The messages the chapters' Chinese editions lack, as an error that says where to add them."""
    missing = [(r.name, m) for r in results for m in r.missing]
    if not missing:
        return None
    shown = "\n  ".join(f"{name}: {m[:150]!r}" for name, m in missing[:limit])
    more = f"\n  … and {len(missing) - limit} more" if len(missing) > limit else ""
    return Untranslated(
        f"the Chinese edition lacks {len(missing)} translations:\n  {shown}{more}\n"
        f"  `python -m analysis translations` adds them to {relative(CHAPTER_CATALOGS)}/<chapter>.po; translate "
        "each new msgstr there (numbers stay as their slots {1}, {2} …)")


def _build(html: bool, pdf: bool, quiet: bool, jobs: int | None, untranslated_ok: bool,
           editions: tuple[Edition, ...]) -> dict[str, Any]:
    t0 = time.perf_counter()
    say(quiet, "checking data …")
    check_data_once()
    write_static()
    for edition in EDITIONS:
        if edition.chapters.exists():
            shutil.rmtree(edition.chapters)
    jobs = jobs or min(os.cpu_count() or 1, len(chapter_list.CHAPTERS))
    translated = next((e.chapters for e in editions if e.lang != SOURCE_LANGUAGE), None)
    results = _execute_chapters(jobs, quiet, t0, translated)
    report: dict[str, Any] = {"chapters": [{k: v for k, v in asdict(r).items() if k != "missing"} for r in results]}
    BUILD.mkdir(exist_ok=True)

    def fail(err: BookError) -> BookError:
        report["seconds"] = round(time.perf_counter() - t0, 3)
        report["status"] = "failed"
        BUILD_REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        return type(err)(str(err) + _kept())

    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise fail(ChapterFailed("\n".join(r.error or r.name for r in failed)))
    lacking = untranslated(results)
    if lacking and not untranslated_ok:
        raise fail(lacking)
    if lacking:
        say(quiet, f"draft: {lacking}")
    for edition in editions:
        prepare_source(edition)
    compile_catalogs()
    os.environ.update(build_env())  # version and data fingerprint: page footers, PDF title page, cite lines
    keys = {e.lang: render_key(e, editions) for e in editions}
    done = _rendered()
    pdf_todo = [e for e in editions if pdf and not (done.get(f"pdf-{e.lang}") == keys[e.lang]
                                                    and published_pdf(e).exists())]
    html_todo = [e for e in editions if html and not (done.get(f"html-{e.lang}") == keys[e.lang]
                                                      and (HTML / e.lang / "index.html").exists())]
    if pdf and not pdf_todo:
        say(quiet, "PDFs unchanged")
    if html and not html_todo:
        say(quiet, "HTML unchanged")
    # Rendering is one process per edition and format: two at a time, the machine's cores.
    with ThreadPoolExecutor(max_workers=RENDERS_AT_ONCE) as pool:
        if pdf_todo:
            say(quiet, f"rendering PDF ({', '.join(e.lang for e in pdf_todo)}) … "
                       f"(elapsed {time.perf_counter() - t0:.0f}s)")
            try:
                pdfs = dict(zip([e.lang for e in pdf_todo], pool.map(lambda e: _render_checked_pdf(e, editions),
                                                                      pdf_todo), strict=True))
            except (PdfFailed, RenderFailed) as err:
                raise fail(err) from None
            for edition in pdf_todo:
                published_pdf(edition).parent.mkdir(exist_ok=True)
                shutil.copyfile(pdfs[edition.lang], published_pdf(edition))
        # The site carries each edition's PDF in its _static (from book/_static, so that a plain
        # `jupyter-book build .` links it too).
        for edition in EDITIONS:
            site_pdf = BOOK_STATIC / edition.pdf_name
            if published_pdf(edition).exists():
                shutil.copyfile(published_pdf(edition), site_pdf)
            else:
                site_pdf.unlink(missing_ok=True)
        if html_todo:
            say(quiet, f"rendering HTML ({', '.join(e.lang for e in html_todo)}) … "
                       f"(elapsed {time.perf_counter() - t0:.0f}s)")
            try:
                staged = dict(zip([e.lang for e in html_todo], pool.map(lambda e: render_html(e, editions),
                                                                        html_todo), strict=True))
            except RenderFailed as err:
                raise fail(err) from None
            publish(assemble_site(staged, editions))
            say(quiet, f"published {relative(HTML)} ({', '.join(e.lang for e in editions)})")
    for edition in pdf_todo:
        # a site not rendered again still carries this build's PDF
        site_pdf = HTML / edition.lang / "_static" / edition.pdf_name
        if edition not in html_todo and site_pdf.parent.exists():
            shutil.copyfile(published_pdf(edition), site_pdf)
        done[f"pdf-{edition.lang}"] = keys[edition.lang]
        say(quiet, f"published {relative(published_pdf(edition))}")
    for edition in html_todo:
        done[f"html-{edition.lang}"] = keys[edition.lang]
    RENDERED.write_text(json.dumps(done, indent=1), encoding="utf-8")
    report["seconds"] = round(time.perf_counter() - t0, 3)
    report["status"] = "ok"
    BUILD_REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    counts = {s: sum(r.status == s for r in results) for s in ("executed", "cached")}
    rendered = lambda todo: ", ".join(e.lang for e in todo) or "unchanged"  # noqa: E731
    print(f"built in {report['seconds']:.0f}s: {counts['executed']} chapters executed, {counts['cached']} cached; "
          f"HTML {rendered(html_todo) if html else 'not asked'}, PDF {rendered(pdf_todo) if pdf else 'not asked'}",
          flush=True)
    return report


RENDERS_AT_ONCE = 2


def published_pdf(edition: Edition) -> Path:
    return PUBLISHED_PDFS / edition.pdf_name


def _render_checked_pdf(edition: Edition, editions: tuple[Edition, ...]) -> Path:
    path = render_pdf(edition.root, edition.pdf_work, edition.pdf_log, edition.pdf_name, edition_env(edition, editions))
    problems = check_book_pdf(path, edition.chapters)
    if problems:
        raise PdfFailed(f"the {edition.lang} PDF is incomplete:\n  " + "\n  ".join(problems))
    return path


def assemble_site(staged: dict[str, Path], editions: tuple[Edition, ...]) -> Path:
    """The new site in one folder: the root page that picks an edition, and each edition — newly rendered, or
    the published one where it did not change."""
    site = SITE_STAGING
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    for edition in editions:
        if edition.lang in staged:
            staged[edition.lang].rename(site / edition.lang)
        else:
            shutil.copytree(HTML / edition.lang, site / edition.lang)
    (site / "index.html").write_text(site_index(editions), encoding="utf-8")
    return site


def render_key(edition: Edition, editions: tuple[Edition, ...]) -> str:
    """A hash of everything Jupyter Book renders an edition from: every file under its book/ (executed chapters
    included), its configuration, table of contents and catalogs, the changelog, the package's code (pages
    generated from the data by it: method, glossary, data dictionary) and the stamp shown on the pages (version,
    data fingerprint). Equal keys mean an identical edition, so rendering is skipped."""
    h = hashlib.sha256(",".join(e.lang for e in editions).encode() + b"/" + edition.lang.encode())
    book = edition.root / "book"
    files = [p for p in book.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and not p.name.endswith(".pdf")]  # the PDFs are outputs of the same build
    catalogs = sorted(LOCALE.rglob("*.po")) if edition.lang != "en" else []
    for path in sorted([*files, edition.config, edition.toc, CHANGELOG, *catalogs]):
        h.update(path.relative_to(edition.root if path.is_relative_to(edition.root) else ROOT).as_posix().encode()
                 + b"\0" + path.read_bytes())
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


