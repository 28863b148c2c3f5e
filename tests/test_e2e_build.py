"""End to end: build the book from a clean copy, open every page offline in Chromium, then rebuild.

The tests run in file order on one copy: cold build, pages in the browser, no-op rebuild, a changed data
file, a failing chapter.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import vl_convert as vlc
from support.snapshot import copy_project, project_env, run_cli

from analysis.chapters import CHAPTERS
from analysis.paths import ROOT
from analysis.presentation.display import VEGALITE_MIME, book_spec, site_html

pytestmark = pytest.mark.e2e
SCREENSHOTS = ROOT / "_build" / "screenshots"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    proj = copy_project(tmp_path_factory.mktemp("book"))
    result = run_cli(proj, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    (proj / "_build" / "cold-build.log").write_text(result.stdout, encoding="utf-8")
    return proj


def test_a_cold_build_reports_each_chapter_once_as_it_finishes_and_sums_up(project: Path) -> None:
    out = (project / "_build" / "cold-build.log").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        assert len(re.findall(rf"^  {chapter.slug}: executed in [0-9.]+s, no cached execution", out, re.M)) == 1, out
    assert re.search(rf"^built in \d+s: {len(CHAPTERS)} chapters executed, 0 cached", out, re.M), out


def test_search_finds_the_reports_terms_whole(project: Path) -> None:
    """Search in each edition's language: the indexes hold 固定资产投资 as one word, so a reader's query for it finds
    its pages; the Chinese edition's index holds its own words (城区, 推算), the English one its (renew, stemmed)."""
    for lang, own in (("en", ("renew", "estim")), ("zh", ("城区", "推算", "预计"))):  # English words by their stem
        index = (project / "_build" / "html" / lang / "searchindex.js").read_text(encoding="utf-8")
        terms = json.loads(index[index.index("(") + 1:index.rindex(")")])["terms"]
        for word in ("固定资产投资", "地区生产总值", "社会消费品零售总额", *own):
            assert word in terms, (lang, word)


def report(project: Path) -> dict:
    return json.loads((project / "_build" / "build-report.json").read_text(encoding="utf-8"))


def test_cold_build_publishes_every_chapter(project: Path) -> None:
    html = project / "_build" / "html"
    assert (html / "index.html").exists()
    for chapter in CHAPTERS:
        for lang in ("en", "zh"):
            assert (html / lang / "book" / "chapters" / f"{chapter.slug}.html").exists(), (lang, chapter.slug)
    rep = report(project)
    assert rep["status"] == "ok" and rep["seconds"] > 0
    assert {c["name"] for c in rep["chapters"]} == {c.slug for c in CHAPTERS}
    for c in rep["chapters"]:
        assert c["status"] == "executed" and c["reason"] == "no cached execution"
        assert "data/indicators.csv" in c["inputs"], c  # recorded by the kernel, not declared by hand


def test_no_chapter_writes_to_stderr(project: Path) -> None:
    """A warning in an executed chapter is printed into the book, with the machine's paths: none may remain."""
    for chapter in CHAPTERS:
        nb = nbformat.read(project / "book" / "chapters" / f"{chapter.slug}.ipynb", as_version=4)
        errors = [(i, "".join(o.get("text", ""))[:200]) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  for o in c.outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"]
        assert not errors, f"{chapter.slug}: stderr in cells {errors}"


def test_every_chart_has_a_source_line_a_png_and_its_data(project: Path) -> None:
    """Every chart output carries the Vega-Lite spec (drawn offline by JupyterLab and VS Code, compiled here with
    the Vega-Lite 5 they use), its PNG, and on the site its source line and data download."""
    for chapter in CHAPTERS:
        nb = nbformat.read(project / "book" / "chapters" / f"{chapter.slug}.ipynb", as_version=4)
        charts = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                  if VEGALITE_MIME in o.get("data", {})]
        if chapter.kind == "analysis":
            assert len(charts) >= 3, f"{chapter.slug}: {len(charts)} charts"
        for out in charts:
            spec = out["data"][VEGALITE_MIME]
            vlc.vegalite_to_vega(spec, vl_version="5.21")
            html = site_html(book_spec(spec))
            assert '"Source' in html, f"{chapter.slug}: a chart without a source line"
            assert out["data"].get("image/png"), f"{chapter.slug}: a chart without its PNG (the PDF needs it)"
            assert 'class="wc-data"' in html and "data:text/csv" in html, f"{chapter.slug}: no data download"
            payload = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', html).group(1)
            rows = list(csv.DictReader(io.StringIO(base64.b64decode(payload).decode("utf-8"))))
            assert rows and "source" in rows[0], f"{chapter.slug}: a chart's CSV has no rows or no source column"
            assert rows[0]["source"].startswith("Source"), f"{chapter.slug}: {rows[0]['source']!r}"


def test_every_chart_is_a_numbered_figure_with_caption_and_description(project: Path) -> None:
    """In the HTML, each chart is a figure ``fig-<name>`` numbered by chapter (Fig. 2.3), captioned with its title
    and source, described in words from its data; the PDF numbers the same figures the same way."""
    from analysis.build.pdf import pdf_text

    for lang, fig, source in (("en", "Fig. {}.{} ", "Source"), ("zh", "图{}-{} ", "资料来源")):
        pdf = re.sub(r"\s+", " ", pdf_text(project / "_build" / "pdf" / f"wuchang-book-{lang}.pdf"))
        for number, chapter in enumerate(CHAPTERS, start=1):
            nb = nbformat.read(project / "book" / "chapters" / f"{chapter.slug}.ipynb", as_version=4)
            names = [o["data"][VEGALITE_MIME]["usermeta"]["figure"] for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if VEGALITE_MIME in o.get("data", {})]
            page = (project / "_build" / "html" / lang / "book" / "chapters" / f"{chapter.slug}.html").read_text(
                encoding="utf-8")
            figures = re.findall(r'<figure class="[^"]*wc-figure[^"]*" id="fig-([a-z0-9-]+)">(.*?)</figure>', page,
                                 re.S)
            assert [name for name, _ in figures] == names, (lang, chapter.slug)
            for i, (name, body) in enumerate(figures, start=1):
                assert f'<span class="caption-number">{fig.format(number, i)}</span>' in body, (lang, name)
                assert source in body and '<div class="legend">\n<p>' in body and "<details" in body, (lang, name)
                printed = fig.format(number, i).strip().replace(" ", "")
                assert printed in pdf.replace(" ", ""), f"the {lang} PDF lacks figure {printed}"


def test_pdf_holds_every_chapter_and_chart(project: Path) -> None:
    from analysis.build.pdf import check_book_pdf

    for lang, chapters in (("en", project / "book" / "chapters"),
                           ("zh", project / "_build" / "zh-source" / "book" / "chapters")):
        pdf = project / "_build" / "pdf" / f"wuchang-book-{lang}.pdf"
        assert pdf.exists()
        assert check_book_pdf(pdf, chapters) == [], lang
        assert (project / "_build" / "html" / lang / "_static" / pdf.name).exists(), "the site links the PDF"


def site_pages(html: Path) -> list[str]:
    """Every page of the site (both editions and the root page), not the theme's templates or redirects."""
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if "_static" not in p.parts and "http-equiv=\"Refresh\"" not in p.read_text(encoding="utf-8"))


def numbers(text: str) -> set[str]:
    """The numbers a page prints; 1,625.35 (English) and 1625.35 (Chinese) are one number."""
    return set(re.findall(r"\d+", re.sub(r"(?<=\d),(?=\d{3})", "", text)))


def test_site_loads_nothing_from_other_hosts_every_chart_draws_and_axe_passes(project: Path) -> None:
    """Every page of both editions in Chromium: offline, charts drawn, accessible; each page's switcher leads to
    the same page of the other edition; a Chinese page shows no English sentence (charts included) and the same
    numbers, charts and tables as its English page."""
    from support.browser import browser, serve, visit

    from analysis.build.catalogs import english_runs

    html = project / "_build" / "html"
    pages = site_pages(html)
    assert {p.split("/")[0] for p in pages} == {"en", "zh", "index.html"}
    pages.remove("index.html")  # it sends the reader on at once (test_the_site_root_sends_…)
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    chapter_pages = {f"book/chapters/{c.slug}.html" for c in CHAPTERS if c.kind == "analysis"}
    seen = {}
    with serve(html) as base, browser() as b:
        for page in pages:
            shot = SCREENSHOTS / (page.replace("/", "_").removesuffix(".html") + ".png")
            plain = page.endswith(("genindex.html", "search.html"))
            v = visit(b, base, page, None if plain else shot, accessibility=True)
            seen[page] = v
            assert v.blocked == [], f"{page} requested other hosts: {v.blocked}"
            assert v.accessibility == [], f"{page}: axe-core finds serious or critical violations: {v.accessibility}"
            assert v.console_errors == [], f"{page}: {v.console_errors}"
            assert v.charts_drawn == v.charts, f"{page}: {v.charts_drawn} of {v.charts} charts drawn"
            assert v.cjk_font, f"{page}: the CJK font is not available"
            lang, rest = page.split("/", 1)
            other = "zh" if lang == "en" else "en"
            assert v.switch == f"{base}/{other}/{rest}", f"{page}: the switcher leads to {v.switch}"
            if rest in chapter_pages:
                assert v.charts >= 3, f"{page} has {v.charts} charts"
            if lang == "zh" and not plain:
                runs = [run for line in v.text.splitlines() for run in english_runs(line)]
                assert runs == [], f"{page} shows English: {runs[:5]}"
    for page, v in seen.items():
        if not page.startswith("zh/") or page.endswith(("genindex.html", "search.html")):
            continue
        en = seen["en/" + page.removeprefix("zh/")]
        assert (v.charts, v.tables, v.marks) == (en.charts, en.tables, en.marks), (
            f"{page}: charts, tables or drawn shapes differ from English: {(v.charts, v.tables, v.marks)} against "
            f"{(en.charts, en.tables, en.marks)}")
        assert numbers(v.text) == numbers(en.text), (
            f"{page}: numbers only in Chinese {sorted(numbers(v.text) - numbers(en.text))[:10]}, only in English "
            f"{sorted(numbers(en.text) - numbers(v.text))[:10]}")


def test_the_site_root_sends_a_reader_to_the_edition_of_their_language(project: Path) -> None:
    from playwright.sync_api import sync_playwright
    from support.browser import CHROMIUM, CHROMIUM_ARGS, serve

    with serve(project / "_build" / "html") as base, sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for locale, lang in (("zh-CN", "zh"), ("en-GB", "en"), ("de-DE", "en")):
                context = b.new_context(locale=locale)
                page = context.new_page()
                page.goto(f"{base}/index.html", wait_until="load")
                page.wait_for_url(f"{base}/{lang}/index.html")
                context.close()
            # A reader who chose the other edition is sent there next time.
            context = b.new_context(locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base}/zh/book/intro.html", wait_until="load")
            page.locator("a.wc-language-switch").first.click()
            page.wait_for_url(f"{base}/en/book/intro.html")
            page.goto(f"{base}/index.html", wait_until="load")
            page.wait_for_url(f"{base}/en/index.html")
            context.close()
        finally:
            b.close()


def test_static_html_references_no_other_host(project: Path) -> None:
    html = project / "_build" / "html"
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for marker in ('src="http', "src='http", 'href="https://fonts', "cdn.jsdelivr", "unpkg.com/vega"):
            assert marker not in text, f"{page.relative_to(html)} contains {marker}"


def test_internal_links_resolve(project: Path) -> None:
    """Every local href/src of every page points at a file of the site (anchors checked within pages)."""
    import re
    from urllib.parse import unquote, urlsplit

    html = project / "_build" / "html"
    broken = []
    for page in html.rglob("*.html"):
        if "_static" in page.relative_to(html).parts:
            continue  # theme templates, not pages
        text = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', text):
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(html)} -> {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = set(re.findall(r'id="([^"]+)"', target.read_text(encoding="utf-8")))
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(html)} -> {link} (no such anchor)")
    assert broken == []


def test_plain_jupyter_book_build_renders_the_same_site(project: Path, tmp_path: Path) -> None:
    """`jupyter-book build .` at the top of an executed project builds the site the runner published (run before
    the tests below change the project's data and chapters)."""
    from analysis.build.editions import EDITIONS, edition_env
    from analysis.build.version import build_env

    # with the settings the build gives the English edition: its language, its PDF, the other edition beside it
    env = {**project_env(project), **edition_env(EDITIONS[0]), **build_env(project / "data")}
    result = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(project),
                             "--path-output", str(tmp_path), "--builder", "html", "-W", "-n"],
                            cwd=project, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    ours, plain = project / "_build" / "html" / "en", tmp_path / "_build" / "html"
    files = sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(plain) for p in plain.rglob("*") if p.is_file() and p.name != ".buildinfo")
    differing = [str(f) for f in files if (ours / f).read_bytes() != (plain / f).read_bytes()]
    assert differing == [], f"{len(differing)} files differ, e.g. {differing[:5]}"


def test_noop_rebuild_executes_nothing(project: Path) -> None:
    result = run_cli(project, "build", "--quiet")
    assert result.returncode == 0, result.stderr
    assert {(c["status"], c["reason"]) for c in report(project)["chapters"]} == {("cached", "nothing changed")}


def test_changed_data_file_reexecutes_exactly_its_readers(project: Path) -> None:
    chapters = report(project)["chapters"]
    readers: dict[str, set[str]] = {}
    for c in chapters:
        for path in c["inputs"]:
            readers.setdefault(path, set()).add(c["name"])
    # The file with the fewest readers shows selectivity best.
    path, expected = min(readers.items(), key=lambda kv: (len(kv[1]), kv[0]))
    target = project / path
    target.write_bytes(target.read_bytes() + b"\n")  # a content change that keeps the file valid
    result = run_cli(project, "build", "--quiet")
    assert result.returncode == 0, result.stderr
    executed = {c["name"] for c in report(project)["chapters"] if c["status"] == "executed"}
    assert executed == expected, f"changed {path}: executed {executed}, expected {expected}"
    reasons = {c["reason"] for c in report(project)["chapters"] if c["status"] == "executed"}
    assert reasons == {f"input {path} changed"}  # the report says why each chapter ran


def test_failing_chapter_names_cell_and_keeps_last_good_book(project: Path) -> None:
    index = project / "_build" / "html" / "zh" / "index.html"
    before = index.read_bytes()
    chapter = CHAPTERS[-1]
    nb_path = project / "notebooks" / f"{chapter.slug}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('deliberate failure for the test')"))
    nbformat.write(nb, nb_path)
    result = run_cli(project, "build")
    assert result.returncode != 0
    assert chapter.slug in result.stderr and "cell" in result.stderr
    assert "deliberate failure for the test" in result.stderr
    assert "last good book is still published" in result.stderr
    assert index.read_bytes() == before
    assert report(project)["status"] == "failed"


def test_two_clean_builds_are_byte_identical(tmp_path_factory) -> None:
    """Determinism: two clean copies of the same tree, in different folders, build to the same bytes."""
    first = copy_project(tmp_path_factory.mktemp("again1"))
    second = copy_project(tmp_path_factory.mktemp("again2"))
    for proj in (first, second):
        result = run_cli(proj, "build", "--quiet")
        assert result.returncode == 0, result.stderr
    a, b = first / "_build" / "html", second / "_build" / "html"
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    differing = [str(f) for f in files_a if (a / f).read_bytes() != (b / f).read_bytes()]
    assert differing == [], f"{len(differing)} files differ, e.g. {differing[:5]}"


def test_bad_data_stops_the_build_before_any_chapter_and_keeps_the_book(project: Path) -> None:
    index = project / "_build" / "html" / "index.html"
    before = index.read_bytes()
    table = project / "data" / "indicators.csv"
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("value")] = "not-a-number"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    table.write_text(out.getvalue(), encoding="utf-8")
    result = run_cli(project, "build")
    assert result.returncode != 0
    assert "data/indicators.csv:2: column 'value'" in result.stderr, result.stderr
    assert "executed" not in result.stdout
    assert index.read_bytes() == before

