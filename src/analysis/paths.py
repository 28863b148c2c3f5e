"""Every path of the project and every environment variable the build passes on, in one place."""

import os
from pathlib import Path

# The checkout a command works on: given by this variable, else the one the working folder is in, else the one
# the package itself lies in (a kernel started outside the project). A copied checkout thus builds itself, not
# the folder its editable install points to.
ROOT_ENV = "WUCHANG_BOOK_ROOT"
PROJECT_MARK = 'name = "wuchang-review-book"'


def is_checkout(folder: Path) -> bool:
    """A folder holding this project: its pyproject.toml names it and its data folder is there."""
    pyproject = folder / "pyproject.toml"
    return pyproject.is_file() and PROJECT_MARK in pyproject.read_text(encoding="utf-8") and (folder / "data").is_dir()


def find_root(cwd: Path | None = None, environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ROOT_ENV):
        given = Path(env[ROOT_ENV]).resolve()
        if not is_checkout(given):
            raise RuntimeError(f"{ROOT_ENV}={given} is not a checkout of the book (no pyproject.toml naming "
                               "wuchang-review-book beside a data/ folder)")
        return given
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if is_checkout(folder):
            return folder
    here = Path(__file__).resolve().parents[2]
    if is_checkout(here):
        return here
    raise RuntimeError(f"no checkout of the book in {start} or above, and the package is installed outside one "
                       f"({here}): run from a clone of the repository or set {ROOT_ENV}")


ROOT = find_root()
CODE = Path(__file__).resolve().parent  # the package that runs: its source is part of every chapter's cache key
CITATION_FILE = ROOT / "CITATION.cff"
CHANGELOG = ROOT / "CHANGELOG.md"  # kept by hand; the book's changelog page includes it

# data/: the report verbatim, the tables read from it, and outside data with their provenance
DATA = ROOT / "data"
RAW_REPORT = DATA / "raw" / "wuchang-2023-review.txt"
INDICATORS = DATA / "indicators.csv"
EXCLUSIONS = DATA / "exclusions.csv"
SOURCE_NOTES = DATA / "source_notes.csv"
USERDICT = DATA / "jieba_userdict.txt"
CONTEXT = DATA / "context"
CONTEXT_SERIES = CONTEXT / "context_series.csv"
CARBON_MARKET = CONTEXT / "carbon_market.csv"
OUTSIDE_FIGURES = CONTEXT / "outside_figures.csv"
WUHAN_DISTRICTS = CONTEXT / "wuhan_districts.csv"
LATER_REVIEWS = CONTEXT / "later_reviews.csv"  # the later texts read, each beginning in later_reviews/
COMMITMENT_FOLLOWUP = CONTEXT / "commitment_followup.csv"
GLOSSARY = DATA / "glossary.csv"
GEO = DATA / "geo"
LANDMARKS = GEO / "landmarks.geojson"
PLACES = GEO / "places_schematic.geojson"
NAMED_PLACES = GEO / "places_named.csv"

# notebooks/ and book/: chapter sources, hand-written pages, site assets
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
BOOK_CHAPTERS = BOOK / "chapters"  # executed chapters, generated
BOOK_STATIC = BOOK / "_static"
BOOK_EXTENSIONS = BOOK / "_ext"  # the book's Sphinx extensions
BOOK_CONFIG = ROOT / "_config.yml"  # Jupyter Book's configuration, at the top: `jupyter-book build .` works
BOOK_TOC = ROOT / "_toc.yml"  # from analysis.chapters.CHAPTERS; committed, and a test keeps it equal
BIBLIOGRAPHY = BOOK / "references.bib"
DATA_ARCHIVE = BOOK_STATIC / "wuchang-book-data.zip"  # all of data/; the intro page links to it
VEGA_BUNDLE = BOOK_STATIC / "vega-offline.js"

# locale/: the Chinese edition's message catalogs (analysis.presentation.language)
LOCALE = ROOT / "locale"
CATALOGS = LOCALE / "zh_CN" / "LC_MESSAGES"
CHAPTER_CATALOGS = CATALOGS / "chapters"  # chapters/<slug>.po: a chapter's prose and outputs
SHARED_CATALOG = CATALOGS / "shared.po"  # texts of several chapters
CODE_CATALOG = CATALOGS / "code.po"  # texts the package composes (gettext)
BOOK_CATALOG = CATALOGS / "book.po"  # the hand-written pages (Sphinx's i18n)

# _build/: everything the build writes
BUILD = ROOT / "_build"
CACHE = BUILD / "cache"
GEO_CACHE = CACHE / "geo"
HTML = BUILD / "html"  # the site: a root page that picks an edition, en/ and zh/
SITE_STAGING = BUILD / ".site"  # the next site, assembled before it replaces the published one
GETTEXT = BUILD / ".gettext"  # Sphinx's messages of the hand-written pages (python -m analysis translations)
PDF_NAME = "wuchang-book-en.pdf"  # latex_documents.targetname in _config.yml (the English edition), with .pdf
PUBLISHED_PDFS = BUILD / "pdf"  # wuchang-book-en.pdf, wuchang-book-zh.pdf
BUILD_REPORT = BUILD / "build-report.json"
RENDERED = BUILD / "rendered.json"  # render keys of the published site and PDF
CHECKED = BUILD / "checked.key"  # data and code that last passed the data check
BUILD_LOCK = BUILD / "build.lock"  # held by the one build running in this folder
RUNS = BUILD / "runs"  # an analyst's one-chapter runs

# Environment variables: set by the build for its kernels and for Jupyter Book
READS_LOG_ENV = "ANALYSIS_READS_LOG"  # where a chapter's kernel records the data files it read
CHART_PNG_ENV = "ANALYSIS_CHART_PNG"  # "0": charts carry no PNG (an analyst's HTML-only run)
VERSION_ENV = "BOOK_VERSION"
FINGERPRINT_ENV = "DATA_FINGERPRINT"
LANGUAGE_ENV = "BOOK_LANGUAGE"  # the edition being written: en (the source) or zh
EDITIONS_ENV = "BOOK_EDITIONS"  # the editions the site holds side by side (en,zh): each page links the other
PDF_LINK_ENV = "BOOK_PDF"  # the PDF's path relative to the site root, for page footers


def relative(path: Path) -> str:
    """A path as the user should read it in a message: relative to the project when inside it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def in_project(path: Path | str) -> Path:
    """A path given relative to the project (as parameters and data files write them) made absolute."""
    path = Path(path)
    return path if path.is_absolute() else ROOT / path
