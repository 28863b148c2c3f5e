"""Citation: CITATION.cff against the CFF 1.2.0 rules, the bibliography, the data fingerprint, and the
version and fingerprint on every HTML page of a small book built with the book's own configuration."""

from __future__ import annotations

import copy
import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import nbformat
import pytest
import yaml

from analysis import __version__
from analysis.build.citation import BOOK_KEY, ChapterCitation, book_bibtex, cite_chapter
from analysis.build.version import build_env, current, data_fingerprint, footer_html
from analysis.datasets.bibliography import entry_bibtex, fields, source_key
from analysis.paths import BIBLIOGRAPHY, BOOK, BOOK_CONFIG, CITATION_FILE, DATA, FINGERPRINT_ENV, PDF_NAME, VERSION_ENV

# --- CITATION.cff -----------------------------------------------------------------------------------------
# The rules of the Citation File Format 1.2.0 schema (citation-file-format/schema.json) that apply to the
# keys this project can use, written out so the check runs offline: the keys allowed at each level, the
# required ones, and the types and patterns of their values.
_PERSON_KEYS = ["address", "affiliation", "alias", "city", "country", "email", "family-names", "fax",
                "given-names", "name-particle", "name-suffix", "orcid", "post-code", "region", "tel", "website"]
_ENTITY_KEYS = ["address", "alias", "city", "country", "date-end", "date-start", "email", "fax", "location",
                "name", "orcid", "post-code", "region", "tel", "website"]
_TEXT = {"type": "string", "minLength": 1}
_DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_URL = {"type": "string", "pattern": r"^(https|http|ftp|sftp)://.+"}
_ORCID = {"type": "string", "pattern": r"^https://orcid\.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]{1}$"}
_PERSON = {"type": "object", "additionalProperties": False, "minProperties": 1,
           "properties": {**{k: _TEXT for k in _PERSON_KEYS}, "orcid": _ORCID, "website": _URL}}
_ENTITY = {"type": "object", "additionalProperties": False, "required": ["name"],
           "properties": {**{k: _TEXT for k in _ENTITY_KEYS}, "orcid": _ORCID, "website": _URL,
                          "date-end": _DATE, "date-start": _DATE}}
_AUTHORS = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"anyOf": [_PERSON, _ENTITY]}}
_IDENTIFIER = {"type": "object", "required": ["type", "value"],
               "properties": {"type": {"enum": ["doi", "url", "swh", "other"]}, "value": _TEXT,
                              "description": _TEXT}}
_VERSION = {"anyOf": [_TEXT, {"type": "number"}]}
_REFERENCE_TYPES = [
    "art", "article", "audiovisual", "bill", "blog", "book", "catalogue", "conference", "conference-paper", "data",
    "database", "dictionary", "edited-work", "encyclopedia", "film-broadcast", "generic", "government-document",
    "grant", "hearing", "historical-work", "legal-case", "legal-rule", "magazine-article", "manual", "map",
    "multimedia", "music", "newspaper-article", "newspaper-issue", "patent", "pamphlet", "personal-communication",
    "proceedings", "report", "serial", "slides", "software", "software-code", "software-container",
    "software-executable", "software-virtual-machine", "sound-recording", "standard", "statute", "thesis",
    "unpublished", "video", "website"]
_REFERENCE = {
    "type": "object", "required": ["authors", "title", "type"],
    "properties": {"type": {"enum": _REFERENCE_TYPES}, "title": _TEXT, "authors": _AUTHORS, "abstract": _TEXT,
                   "year": {"type": "integer"}, "version": _VERSION, "url": _URL, "doi": {"type": "string",
                   "pattern": r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$"},
                   "date-released": _DATE, "date-published": _DATE, "languages": {
                       "type": "array", "items": {"type": "string", "pattern": "^[a-z]{2,3}$"}},
                   "keywords": {"type": "array", "items": _TEXT}, "identifiers": {"type": "array",
                                                                                 "items": _IDENTIFIER}},
}
CFF_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["authors", "cff-version", "message", "title"],
    "properties": {
        "abstract": _TEXT, "authors": _AUTHORS, "cff-version": {"type": "string", "const": "1.2.0"},
        "commit": _TEXT, "contact": _AUTHORS, "date-released": _DATE, "doi": _REFERENCE["properties"]["doi"],
        "identifiers": {"type": "array", "items": _IDENTIFIER}, "keywords": {"type": "array", "items": _TEXT},
        "license": {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}, "license-url": _URL, "message": _TEXT,
        "preferred-citation": _REFERENCE, "references": {"type": "array", "items": _REFERENCE},
        "repository": _URL, "repository-artifact": _URL, "repository-code": _URL, "title": _TEXT,
        "type": {"enum": ["dataset", "software"]}, "url": _URL, "version": _VERSION,
    },
}
# SPDX identifiers this project might use (the schema lists all of them).
SPDX = {"MIT", "Apache-2.0", "BSD-3-Clause", "CC-BY-4.0", "CC0-1.0", "GPL-3.0-only", "GPL-3.0-or-later"}


def cff() -> dict:
    return yaml.safe_load(CITATION_FILE.read_text(encoding="utf-8"))


def cff_errors(data: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(CFF_SCHEMA)
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(data)]
    licenses = data.get("license", [])
    for lic in [licenses] if isinstance(licenses, str) else licenses:
        if lic not in SPDX:
            errors.append(f"license: {lic!r} is not an SPDX identifier")
    return errors


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    assert cff_errors(cff()) == []


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("authors"),
    lambda d: d.update({"type": "book"}),  # only software or dataset at the top level
    lambda d: d.update({"cff-version": "1.1.0"}),
    lambda d: d["preferred-citation"].pop("type"),
    lambda d: d.update({"date-released": "26 November 2026"}),
    lambda d: d.update({"licence": "MIT"}),  # misspelt key
    lambda d: d["authors"].append({"name": ""}),
    lambda d: d.update({"license": "MIT License"}),
])
def test_the_cff_check_rejects_broken_files(breakage) -> None:
    data = copy.deepcopy(cff())
    breakage(data)
    assert cff_errors(data), "a broken CITATION.cff passed the check"


def test_citation_cff_agrees_with_the_package_and_the_book() -> None:
    data = cff()
    config = yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8"))
    assert str(data["version"]) == __version__
    assert str(data["preferred-citation"]["version"]) == __version__
    assert data["title"] == config["title"] == data["preferred-citation"]["title"]
    assert [a["name"] for a in data["authors"]] == [config["author"]]
    pyproject = (CITATION_FILE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'license = "{data["license"]}"' in pyproject


# --- bibliography ------------------------------------------------------------------------------------------
def test_bibliography_parses_and_every_entry_is_complete() -> None:
    from pybtex.database import parse_file

    db = parse_file(str(BIBLIOGRAPHY))
    assert "wuchang2023review" in db.entries
    for key, entry in db.entries.items():
        assert entry.fields.get("title"), key
        assert entry.fields.get("year", "").isdigit(), key
        assert entry.persons.get("author"), key
    # keys are unique (pybtex would merge or fail silently otherwise) and match the text's count
    assert len(db.entries) == len(re.findall(r"^@\w+\{", BIBLIOGRAPHY.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_outside_source_of_the_context_data_has_one_entry() -> None:
    rows = []
    for path in sorted((DATA / "context").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            rows += [r for r in csv.DictReader(fh) if "source_title" in r]
    assert rows, "no context series with sources found under data/context"
    sources = {(r.get("source_url") or "").strip() or r["source_title"] for r in rows}
    keys = {source_key(r.get("source_url"), r["source_title"]) for r in rows}
    assert len(keys) == len(sources)  # one entry per distinct page, no two pages sharing an entry
    urls = {f.get("url") for f in fields().values()}
    assert {u for u in sources if u.startswith("http")} <= urls


def test_source_key_refuses_an_unknown_source() -> None:
    with pytest.raises(KeyError, match="add one to the bibliography"):
        source_key("http://example.org/not-a-source.html", "未收录的页面")


def test_bib_entry_is_copied_verbatim_with_nested_braces(tmp_path: Path) -> None:
    """entry_bibtex formats the entry in the style of references.bib (field names padded to 12): an entry
    written in that style comes back exactly as written."""
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{a,\n  title        = {A {B} c},\n  year         = {2020}\n}\n\n"
                   "@book{b,\n  title        = {B}\n}\n", encoding="utf-8")
    assert entry_bibtex("a", bib) == "@misc{a,\n  title        = {A {B} c},\n  year         = {2020}\n}"
    assert entry_bibtex("b", bib) == "@book{b,\n  title        = {B}\n}"
    assert entry_bibtex("c", bib) is None


def test_book_bibtex_names_version_and_fingerprint() -> None:
    text = book_bibtex("9.8.7", "abcdef012345")
    assert text.startswith(f"@book{{{BOOK_KEY},")
    assert "edition  = {Version 9.8.7}" in text and "Data fingerprint abcdef012345" in text
    assert cff()["title"] in text and "{{The Wuchang review book authors}}" in text
    assert text.count("{") == text.count("}")


# --- data fingerprint --------------------------------------------------------------------------------------
def _data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "raw").mkdir(parents=True)
    (root / "raw" / "a.txt").write_text("报告", encoding="utf-8")
    (root / "b.csv").write_text("x\n1\n", encoding="utf-8")
    return root


def test_fingerprint_is_short_hex_and_deterministic(tmp_path: Path) -> None:
    root = _data(tmp_path)
    fp = data_fingerprint(root)
    assert re.fullmatch(r"[0-9a-f]{12}", fp)
    assert data_fingerprint(root) == fp
    other = tmp_path / "other"
    shutil.copytree(root, other)  # same content elsewhere, files created in another order
    assert data_fingerprint(other) == fp


def test_fingerprint_changes_with_content_name_and_new_files(tmp_path: Path) -> None:
    root = _data(tmp_path)
    fp = data_fingerprint(root)
    (root / "b.csv").write_text("x\n2\n", encoding="utf-8")
    fp_content = data_fingerprint(root)
    (root / "b.csv").rename(root / "c.csv")
    fp_name = data_fingerprint(root)
    (root / "raw" / "empty.txt").write_bytes(b"")
    fp_new = data_fingerprint(root)
    assert len({fp, fp_content, fp_name, fp_new}) == 4


def test_the_build_environment_and_its_fallback(tmp_path: Path) -> None:
    root = _data(tmp_path)
    env = build_env(root)
    assert env == {VERSION_ENV: __version__, FINGERPRINT_ENV: data_fingerprint(root)}
    assert current(root, {}) == (__version__, data_fingerprint(root))
    assert current(root, {VERSION_ENV: "2.0", FINGERPRINT_ENV: "feedfeedfeed"}) == ("2.0", "feedfeedfeed")
    assert re.fullmatch(r"[0-9a-f]{12}", data_fingerprint(DATA))


def test_footer_escapes_and_links_the_pdf() -> None:
    html = footer_html("1.0<b>", "abc", "../_static/wuchang-book.pdf")
    assert "1.0&lt;b&gt;" in html and 'href="../_static/wuchang-book.pdf"' in html
    assert "PDF" not in footer_html("1.0", "abc")


# --- cite this chapter ---------------------------------------------------------------------------------------
def test_cite_chapter_line() -> None:
    line = cite_chapter("01")
    md = line._repr_markdown_()
    assert "Regional strength 区域实力" in md
    assert "{{ book_version }}" in md and "{{ data_fingerprint }}" in md
    assert "chapters\\/01\\_regional\\_strength\\.html" in md
    assert f"version {__version__}" in repr(line) and "chapters/01_regional_strength.html" in repr(line)


def test_cite_line_escapes_markdown_in_titles() -> None:
    line = ChapterCitation("x", "A *bold* [link](http://e.org) `code` {{ x }}", "Book", "Me", "2026", "1")
    md = line._repr_markdown_()
    assert "\\*bold\\*" in md and "\\[link\\]" in md and "\\`code\\`" in md and "\\{\\{ x \\}\\}" in md


# --- a small book built with the book's own configuration and extension -----------------------------------
def _mini_book(tmp_path: Path) -> Path:
    """intro, a notebook with a cite line output, the cite page: the book's config, extension, bibliography."""
    proj = tmp_path / "proj"
    book = proj / "book"
    shutil.copytree(BOOK / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (book / "_static").mkdir(parents=True)
    for asset in ("book.css", "favicon.svg"):  # the site's own assets (_config.yml names them)
        shutil.copy(BOOK / "_static" / asset, book / "_static" / asset)
    for name in ("references.bib", "cite.md"):
        shutil.copy(BOOK / name, book / name)
    shutil.copy(BOOK_CONFIG, proj / "_config.yml")
    shutil.copytree(_data(tmp_path), proj / "data")
    (book / "intro.md").write_text("# Mini book\n\nThe report {cite:p}`wuchang2023review`.\n\n## 区域实力持续巩固\n\n"
                                   "Version {{ book_version }}.\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# Regional strength 区域实力\n\nA chapter.")]
    cell = nbformat.v4.new_code_cell("cite_chapter('01')", metadata={"tags": ["remove-input"]})
    line = cite_chapter("01")
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/markdown": line._repr_markdown_(),
                                                              "text/plain": repr(line)}, execution_count=1)]
    nb.cells.append(cell)
    (book / "chapters").mkdir()
    nbformat.write(nb, book / "chapters" / "01_regional_strength.ipynb")
    (proj / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nparts:\n  - caption: Chapters\n    chapters:\n"
                                   "      - file: book/chapters/01_regional_strength\n      - file: book/cite\n",
                                   encoding="utf-8")
    return proj


@pytest.fixture(scope="module")
def mini_html(tmp_path_factory) -> Path:
    proj = _mini_book(tmp_path_factory.mktemp("cite"))
    (proj / "book" / "_static" / PDF_NAME).write_bytes(b"%PDF-1.4\n")  # the build puts the real one here
    out = proj.parent / "out"
    env = {**os.environ, VERSION_ENV: "9.9.9-test", FINGERPRINT_ENV: "0123456789ab", "NO_COLOR": "1"}
    proc = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(proj), "--path-output",
                           str(out), "--builder", "html", "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out / "_build" / "html"


def test_every_html_page_shows_version_fingerprint_and_pdf_link(mini_html: Path) -> None:
    pages = [p for p in mini_html.rglob("*.html")
             if "_static" not in p.parts and "http-equiv=\"Refresh\"" not in p.read_text(encoding="utf-8")]
    assert len(pages) >= 4
    for page in pages:
        text = page.read_text(encoding="utf-8")
        stamp = re.search(r'<p class="wc-build-stamp">(.*?)</p>', text)
        assert stamp, f"{page.name}: no version line in the footer"
        assert "9.9.9-test" in stamp.group(1) and "0123456789ab" in stamp.group(1), page.name
        href = re.search(r'class="wc-pdf-link" href="([^"]+)"', stamp.group(1)).group(1)
        assert (page.parent / href).resolve() == (mini_html / "_static" / PDF_NAME).resolve(), page


def test_cite_page_and_chapter_line_are_filled_in(mini_html: Path) -> None:
    cite = (mini_html / "book" / "cite.html").read_text(encoding="utf-8")
    assert "Version 9.9.9-test" in cite and "Data fingerprint 0123456789ab" in cite  # the book's BibTeX
    assert "wuchang2023review" in cite
    assert "{{ book_version" not in cite and "{{ data_fingerprint" not in cite and "{{ pdf_download" not in cite
    assert len(re.findall(r'class="citation', cite)) >= len(fields())  # the whole bibliography
    href = re.search(r'class="wc-pdf-download">[^<]*<a class="wc-pdf-link" href="([^"]+)"', cite).group(1)
    assert (mini_html / "book" / href).resolve() == (mini_html / "_static" / PDF_NAME).resolve()
    chapter = (mini_html / "book" / "chapters" / "01_regional_strength.html").read_text(encoding="utf-8")
    assert re.search(r"Cite this chapter:</strong>.*version 9\.9\.9-test, data fingerprint 0123456789ab", chapter)


def test_the_citation_file_gives_the_release_date_of_this_version() -> None:
    from analysis import __release_date__, __version__

    cff = yaml.safe_load(CITATION_FILE.read_text(encoding="utf-8"))
    assert str(cff["date-released"]) == __release_date__ and cff["version"] == __version__
