"""The whole book as one PDF: Jupyter Book 1's LaTeX builder, XeLaTeX with xeCJK and the Noto CJK fonts.

The book must already be executed (the runner's chapters in ``book/chapters``); nothing is executed here.
Fonts, page layout and the title page are set in ``book/_config.yml`` and ``book/_ext/wuchang_book.py``.
A failure names the LaTeX error lines from the log rather than leaving the reader to dig through it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from analysis.build.version import build_env, source_date_epoch
from analysis.chapters import CHAPTERS
from analysis.errors import BookError
from analysis.paths import BOOK_CHAPTERS, FINGERPRINT_ENV, PDF_NAME, VERSION_ENV, relative
from analysis.report.text import SECTION_BY_KEY

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Lines of a Sphinx or TeX log that say what went wrong.
PROBLEM = re.compile(r"WARNING|ERROR|^! |^[^:\s]+\.tex:\d+: |LaTeX Error|Emergency stop|Fatal error|Undefined control"
                     r"|Missing character|Error:", re.MULTILINE)
NOISE = re.compile(r"_error\(|^\s*RuntimeError:\s*$|Failed to build pdf")  # jupyter-book's own traceback
TOOLS = ("xelatex", "latexmk", "make", "kpsewhich", "pltotf")
# What XeLaTeX runs with: never wait for input, stop at the first error, name file and line.
LATEXOPTS = "-interaction=nonstopmode -halt-on-error -file-line-error"


# hyperref loads the Zapf Dingbats metrics (pzdr.tfm) under XeTeX for \XeTeXLinkBox, which the book never
# uses. They ship in texlive-fonts-recommended; without that package a zero-width stand-in lets LaTeX start.
PZDR_STUB = """(FAMILY PZDR)
(DESIGNSIZE R 10.0)
(FONTDIMEN
   (SLANT R 0.0)
   (SPACE R 0.0)
   (QUAD R 1.0)
   )
(CHARACTER O 40
   (CHARWD R 0.0)
   )
"""


class PdfFailed(BookError):
    """The PDF could not be built; the message names the LaTeX or Sphinx problem and the full log."""


def _font_metrics_env(work_dir: Path) -> dict[str, str]:
    """Environment for a stand-in pzdr.tfm when the real one is missing (see PZDR_STUB)."""
    found = subprocess.run(["kpsewhich", "pzdr.tfm"], capture_output=True, text=True, check=False).stdout.strip()
    if found:
        return {}
    stub_dir = work_dir / "tex-fallback"
    stub_dir.mkdir(parents=True, exist_ok=True)
    (stub_dir / "pzdr.pl").write_text(PZDR_STUB, encoding="ascii")
    subprocess.run(["pltotf", "pzdr.pl", "pzdr.tfm"], cwd=stub_dir, capture_output=True, check=True)
    # A trailing separator keeps kpathsea's default search path after the stand-in's folder.
    return {"TFMFONTS": f"{stub_dir}{os.pathsep}{os.environ.get('TFMFONTS', '')}"}


def _problems(text: str, limit: int = 20) -> list[str]:
    lines = ANSI.sub("", text).splitlines()
    found: list[str] = []
    for i, line in enumerate(lines):
        if PROBLEM.search(line) and not NOISE.search(line):
            found.append(line.strip())
            # A TeX error's next lines show where it stands ("l.123 ...").
            found.extend(f"    {nxt.strip()}" for nxt in lines[i + 1: i + 3] if nxt.startswith("l."))
    unique = list(dict.fromkeys(found))
    return unique[:limit]


def _missing_characters(tex_log: Path) -> list[str]:
    """XeLaTeX only warns when a font lacks a glyph; in this book that would drop Chinese text."""
    if not tex_log.exists():
        return []
    text = tex_log.read_text(encoding="utf-8", errors="replace")
    return sorted(set(re.findall(r"Missing character: There is no (.+?) in font", text)))


def render_pdf(book_dir: Path, work_dir: Path, log: Path, name: str = PDF_NAME,
               extra_env: dict[str, str] | None = None) -> Path:
    """Build the PDF of the executed book whose ``_config.yml`` and ``_toc.yml`` are in ``book_dir`` (the
    project's top folder) under ``work_dir``; return the PDF's path.

    ``log`` receives Jupyter Book's and LaTeX's output; ``name`` is the PDF's (the configuration's
    latex_documents.targetname); ``extra_env`` what the edition renders with. Raises PdfFailed naming the problem.
    The environment's BOOK_VERSION and DATA_FINGERPRINT (analysis.build.version) are used when set, else
    computed from the package and ``book_dir/data``.
    """
    book_dir, work_dir, log = Path(book_dir).resolve(), Path(work_dir).resolve(), Path(log).resolve()
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        raise PdfFailed(f"cannot build the PDF: {', '.join(missing)} not found; run `bash scripts/system-packages.sh`"
                        " as root (texlive-xetex, texlive-lang-chinese, latexmk, fonts-noto-cjk)")
    if not (book_dir / "_toc.yml").exists():
        raise PdfFailed(f"no table of contents at {relative(book_dir / '_toc.yml')}: write it first "
                        "(analysis.build.book.write_static)")
    latex_dir = work_dir / "_build" / "latex"
    if latex_dir.exists():
        shutil.rmtree(latex_dir)  # a stale .aux or .toc from another chapter list would survive otherwise
    work_dir.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)

    stamp = {k: v for k, v in os.environ.items() if k in (VERSION_ENV, FINGERPRINT_ENV) and v}
    if len(stamp) < 2:
        stamp = {**build_env(book_dir / "data"), **stamp}
    env = {**os.environ, **(extra_env or {}), **stamp, **_font_metrics_env(work_dir), "NO_COLOR": "1",
           "LATEXOPTS": LATEXOPTS, "SOURCE_DATE_EPOCH": source_date_epoch()}
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(book_dir), "--path-output", str(work_dir),
           "--builder", "pdflatex", "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, cwd=book_dir, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              env=env, check=False)
        fh.write(f"\n[analysis.build.pdf] jupyter-book exited with {proc.returncode} after "
                 f"{time.perf_counter() - start:.1f}s\n")
    pdf = latex_dir / name
    text = log.read_text(encoding="utf-8", errors="replace")
    tex_log = pdf.with_suffix(".log")
    if proc.returncode != 0 or not pdf.exists():
        problems = _problems(text)
        if tex_log.exists():
            problems += [p for p in _problems(tex_log.read_text(encoding="utf-8", errors="replace"))
                         if p not in problems]
        shown = "\n  ".join(problems[:25] or text.splitlines()[-20:])
        where = f"\n  LaTeX log: {relative(tex_log)}" if tex_log.exists() else ""
        raise PdfFailed(f"the PDF build failed:\n  {shown}\n  full log: {relative(log)}{where}")
    glyphs = _missing_characters(tex_log)
    if glyphs:
        raise PdfFailed(f"the PDF lacks glyphs for {', '.join(glyphs[:10])}: give them a font that has them in "
                        "book/_config.yml (latex_elements.fontpkg, e.g. \\xeCJKDeclareCharClass{CJK}{\"23CE})"
                        f"\n  LaTeX log: {relative(tex_log)}")
    return pdf


# --- Checking the PDF ------------------------------------------------------------------------------------
def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_images(pdf: Path) -> int:
    """Images placed in the PDF (pdfimages -list), without their transparency masks."""
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return sum(1 for line in out.splitlines()[2:] if line.split()[2:3] == ["image"])


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))


def pdf_fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def notebook_charts(chapters_dir: Path) -> int:
    """Outputs of the executed chapters that carry a PNG (every chart is shown through
    analysis.presentation.display.show)."""
    import nbformat

    count = 0
    for path in sorted(Path(chapters_dir).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        count += sum(1 for cell in nb.cells for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))
    return count


def _squeeze(text: str) -> str:
    """Text as compared: no whitespace (pdftotext breaks lines and drops spaces between Chinese words), and
    straight quotes for the curly ones LaTeX sets (Wuhan's is printed Wuhan’s)."""
    return re.sub(r"\s+", "", text).casefold().translate(str.maketrans("‘’“”", "''\"\""))


def check_pdf(pdf: Path, titles: list[str], headings: list[str], charts: int) -> list[str]:
    """What is wrong with a built PDF, as sentences (empty when nothing is): every title and heading is in
    its text, it holds an image for every chart, no chart printed as code, the Chinese font is embedded."""
    pdf = Path(pdf)
    if not pdf.exists():
        return [f"no PDF at {relative(pdf)}"]
    text = pdf_text(pdf)
    flat = _squeeze(text)
    problems = [f"title missing from the PDF: {t}" for t in titles if _squeeze(t) not in flat]
    problems += [f"Chinese heading missing from the PDF: {h}" for h in headings if _squeeze(h) not in flat]
    images = pdf_images(pdf)
    if images < charts:
        problems.append(f"the PDF holds {images} images for {charts} charts")
    if "alt.Chart(" in text or "<chart wc-chart-" in text:
        problems.append("a chart is printed as text instead of an image")
    if not any("CJK" in f for f in pdf_fonts(pdf)):
        problems.append("no Noto CJK font is embedded: Chinese text is missing")
    if PARAMETERS_MARK in text:
        problems.append("a parameters cell is printed; the PDF leaves them to the HTML (book/_ext/wuchang_book.py)")
    blank = blank_pages(pdf)
    if blank:
        problems.append(f"blank pages: {', '.join(map(str, blank))}")
    return problems


# The first words of every chapter's parameters cell (tests/test_chapters.py keeps them there).
PARAMETERS_MARK = "# Parameters (checked before the notebook runs"


def blank_pages(pdf: Path) -> list[int]:
    """Pages with neither text nor an image (pdftotext and pdfimages per page)."""
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    with_image = {int(line.split()[0]) for line in out.splitlines()[2:] if line.split()}
    pages = pdf_text(pdf).split("\f")
    return [i for i, page in enumerate(pages[:pdf_pages(pdf)], start=1) if not page.strip() and i not in with_image]


def check_book_pdf(pdf: Path, chapters_dir: Path | None = None) -> list[str]:
    """check_pdf for this book: the executed chapters' titles (as their edition writes them) and the report
    headings they cover."""
    import nbformat

    chapters_dir = BOOK_CHAPTERS if chapters_dir is None else Path(chapters_dir)
    present = [c for c in CHAPTERS if (chapters_dir / f"{c.slug}.ipynb").exists()]
    titles = []
    for c in present:
        nb = nbformat.read(chapters_dir / f"{c.slug}.ipynb", as_version=4)
        first = next((cell.source for cell in nb.cells if cell.cell_type == "markdown"), "")
        heading = re.match(r"#\s+(.+)", first)
        titles.append(heading.group(1).strip() if heading else c.title)
    headings = list(dict.fromkeys(SECTION_BY_KEY[k].heading for c in present for k in c.sections))
    return check_pdf(pdf, titles, headings, notebook_charts(chapters_dir))
