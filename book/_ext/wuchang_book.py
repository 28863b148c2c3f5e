"""Sphinx extension of the book: its version and data fingerprint on every page, BibTeX blocks for the cite page.

- Version and fingerprint come from the environment (``BOOK_VERSION``, ``DATA_FINGERPRINT``, set by the
  build) or are computed from the package and ``data/`` when unset, so a plain ``jupyter-book build``
  shows them too.
- HTML: a line in the footer of every page (the theme's ``extra_footer``), with a link to the PDF when
  the site has one (``BOOK_PDF``, a path relative to the site root, or ``book/_static/wuchang-book.pdf``).
- LaTeX: the title page and the running head name the version; the title page names the fingerprint.
- MyST substitutions ``{{ book_version }}`` and ``{{ data_fingerprint }}`` for pages and notebook outputs,
  and ``{{ pdf_download }}`` (a paragraph linking the PDF, HTML only, empty without a PDF; for the pages of
  book/, one folder below the site's root, where _static is).
- Directives ``book-bibtex`` (the book's entry, with this build's version) and ``bibtex-entry KEY`` (an
  entry of the book's .bib files, as analysis.datasets.bibliography formats it in the file's own style), so
  the cite page never drifts from the bibliography.
- HTML tables of the chapters (``wc-table``): long identifiers and web addresses may break after ``_`` and
  ``/`` (``<wbr>``), as the PDF's do, so a column need not be as wide as its longest id or address.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

from analysis.build import citation
from analysis.build.editions import switch_link
from analysis.build.version import current, footer_html
from analysis.datasets.bibliography import entry_bibtex
from analysis.datasets.checks import contents_sentence
from analysis.datasets.context_series import SERIES
from analysis.datasets.indicators import load_indicators
from analysis.paths import EDITIONS_ENV, LANGUAGE_ENV, PDF_LINK_ENV, PDF_NAME, USERDICT
from analysis.presentation.language import _
from analysis.presentation.reference_pages import data_dictionary_markdown, glossary_markdown, glossary_terms
from analysis.presentation.rules import reading_rules
from analysis.report.text import load_report


def _latex_escape(text: str) -> str:
    table = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
             "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(table.get(ch, ch) for ch in text)


def title_page(subtitle: str, version: str, fingerprint: str) -> str:
    """The PDF's title page: title, the report it reads, authors, version, data fingerprint."""
    sub = "".join(f"{{\\Large {_latex_escape(line)}\\par}}\\smallskip\n" for line in subtitle.splitlines() if line)
    words = {"version": _("Version"), "fingerprint": _("Data fingerprint")}
    return (
        "\\makeatletter\n"
        "\\begingroup\\hypersetup{pageanchor=false}\n"
        "\\begin{titlepage}\n"
        "\\begingroup\\def\\endgraf{ }\\def\\and{\\& }\\pdfstringdefDisableCommands{\\def\\\\{, }}%\n"
        "\\hypersetup{pdfauthor={\\@author}, pdftitle={\\@title}}\\endgroup\n"
        "\\noindent\\rule{\\textwidth}{1pt}\\par\n"
        "\\begin{flushright}\\py@HeaderFamily\n"
        "{\\Huge \\@title \\par}\\bigskip\n"
        f"{sub}"
        "\\vfill\n"
        "{\\LARGE \\@author \\par}\n"
        "\\vfill\n"
        f"{{\\Large {words['version']} {_latex_escape(version)}\\par}}\\medskip\n"
        f"{{\\large {words['fingerprint']} \\texttt{{{_latex_escape(fingerprint)}}}\\par}}\n"
        "\\end{flushright}\n"
        "\\end{titlepage}\n"
        "\\endgroup\n"
        "\\setcounter{footnote}{0}\\clearpage\n"
        "\\makeatother\n"
    )


def _config_inited(app: Sphinx, config: Config) -> None:
    # The package's code writes this edition's language (footers, chart links, generated pages).
    os.environ[LANGUAGE_ENV] = "zh" if str(config.language or "").startswith("zh") else "en"
    _chapters_executed(app)
    version, fingerprint = current(Path(app.srcdir) / "data")
    config.version = version
    config.release = version
    pdf = _pdf_target(app)
    href = pdf if not pdf or "://" in pdf or pdf.startswith("/") else f"../{pdf}"  # from a page of book/
    lead = _("The whole book is also one PDF:")
    download = (f'<p class="wc-pdf-download">{lead} <a class="wc-pdf-link" href="{href}">{Path(pdf).name}</a>.</p>'
                if pdf else "")
    config.myst_substitutions = {**(config.myst_substitutions or {}), "book_version": version,
                                 "data_fingerprint": fingerprint, "pdf_download": download,
                                 "book_contents": contents_sentence(),
                                 "reading_rules": reading_rules(load_report(), load_indicators()),
                                 "glossary_table": glossary_markdown(), "data_dictionary": data_dictionary_markdown()}
    config.html_search_language = "zh"
    config.html_search_options = {**(config.html_search_options or {}),
                                  "dict": str(search_dictionary(Path(app.doctreedir) / "search-dict.txt"))}
    latex = dict(config.latex_elements or {})
    latex.setdefault("releasename", _("Version"))
    latex["maketitle"] = title_page(config.book_subtitle, version, fingerprint)
    config.latex_elements = latex
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer_html(version, fingerprint)
    config.html_theme_options = options


def search_dictionary(path: Path) -> Path:
    """jieba's words for the search index: the project's user dictionary and every indicator's Chinese name, so
    that a reader searching 固定资产投资 finds the pages that use it (Sphinx's Chinese search looks up whole
    query words in the index it built with jieba)."""
    lines = USERDICT.read_text(encoding="utf-8").splitlines()
    names = {re.sub(r"[“”\"]", "", n) for n in load_indicators()["name_zh"]} | {s.name_zh.split("(")[0]
                                                                           for s in SERIES.values()}
    lines += [f"{name} 1000 n" for name in sorted(names) if " " not in name and len(name) > 1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _chapters_executed(app: Sphinx) -> None:
    """Jupyter Book only renders: when a chapter of the table of contents is not executed yet (the runner writes
    them into book/chapters/), stop with one line saying how to execute them."""
    toc = Path(app.srcdir) / "_toc.yml"
    if not toc.exists():
        return
    files = re.findall(r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)", toc.read_text(encoding="utf-8"), re.MULTILINE)
    missing = [f for f in files if "/chapters/" in f and not (Path(app.srcdir) / f"{f}.ipynb").exists()]
    if missing:
        raise ConfigError(f"{len(missing)} chapters of _toc.yml are not executed yet ({missing[0]}.ipynb is missing): "
                          "run `make book` or `python -m analysis build` first, which executes and renders them; "
                          "`jupyter-book build .` then renders the same site again")


def _pdf_target(app: Sphinx) -> str | None:
    given = os.environ.get(PDF_LINK_ENV)
    if given:
        return given
    if (Path(app.srcdir) / "book" / "_static" / PDF_NAME).exists():
        return f"_static/{PDF_NAME}"
    return None


CHANGELOG_DOC = "book/changelog"


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    """Per page, because the PDF link must be relative to the page (chapters live in a subfolder)."""
    version, fingerprint = app.config.version, app.config.myst_substitutions["data_fingerprint"]
    pdf = _pdf_target(app)
    href = context["pathto"](pdf, 1) if pdf and "pathto" in context else None
    changelog = (context["pathto"](CHANGELOG_DOC) if "pathto" in context and CHANGELOG_DOC in app.env.found_docs
                 else None)
    context["theme_extra_footer"] = footer_html(version, fingerprint, href, changelog)
    if os.environ.get(EDITIONS_ENV):
        # Every page, the generated ones (search, index) included, names the same page in the other edition.
        switch = switch_link(os.environ[LANGUAGE_ENV], pagename, os.environ[EDITIONS_ENV].split(","))
        context["theme_extra_footer"] += switch.replace('class="wc-language"', 'class="wc-language wc-language-foot"')
    context["book_version"] = version
    context["data_fingerprint"] = fingerprint
    if "body" in context and os.environ.get(EDITIONS_ENV):
        # The same page in the other edition (the site holds both side by side: en/, zh/).
        context["body"] = switch_link(os.environ[LANGUAGE_ENV], pagename,
                                      os.environ[EDITIONS_ENV].split(",")) + context["body"]
    if "body" in context and os.environ.get(LANGUAGE_ENV) == "zh":
        # Chapters and figures numbered as Chinese books number them: 第2章, 图2-1 (not "2." and 图 2.1).
        context["body"] = FIGURE_NUMBER.sub(lambda m: f"{m[1]}{m[2]}-{m[3]}", context["body"])
        context["body"] = CHAPTER_NUMBER.sub(r'\1第\2章 </span>', context["body"], count=1)
    if "body" in context:
        # docutils marks a bibliography role="list" around entries that are not list items (axe-core's
        # aria-required-children, critical): the entries keep their own doc-biblioentry role.
        context["body"] = context["body"].replace('<div role="list" class="citation-list">',
                                                  '<div class="citation-list">')


FIGURE_NUMBER = re.compile(r"(图|表)\s?(\d+)\.(\d+)")
CHAPTER_NUMBER = re.compile(r'(<h1[^>]*>\s*<span class="section-number">)(\d+)\. </span>')

WC_TABLE = '<table class="wc-table">'
TAG = re.compile(r"(<[^>]*>)")
# A run this long without a space is an identifier, a path or a web address, never a word of prose.
LONG_TOKEN = re.compile(r"[^\s<>]{16,}")
BREAK_AFTER = re.compile(r"([_/])(?=[^\s/])")  # not between the slashes of "//"


def table_breaks(html: str) -> str:
    """Break opportunities (<wbr>) after "_" and "/" inside long tokens of the text of the book's tables.

    CSS offers no such opportunity, and breaking anywhere would also split short cells ("2023", "¶ 31")
    when a table is squeezed. Tags are left alone; the text is already escaped, and "_" and "/" never
    occur inside an entity.
    """
    if WC_TABLE not in html:
        return html
    parts = TAG.split(html)
    for i in range(0, len(parts), 2):  # even items are text between tags
        parts[i] = LONG_TOKEN.sub(lambda m: BREAK_AFTER.sub(r"\1<wbr>", m[0]), parts[i])
    return "".join(parts)


# Cells a printed page does not need: the parameters an analyst may change (the HTML keeps them).
PRINT_HIDDEN_TAGS = ("tag_parameters", "tag_injected-parameters")


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format == "latex":
        for node in list(doctree.findall(nodes.container)):
            if any(tag in node.get("classes", []) for tag in PRINT_HIDDEN_TAGS):
                node.parent.remove(node)
        return
    if app.builder.format != "html":
        return
    for node in list(doctree.findall(nodes.raw)):
        if node.get("format") == "html" and WC_TABLE in node.astext():
            text = table_breaks(node.astext())
            node.replace(node[0], nodes.Text(text))


class BookBibtex(SphinxDirective):
    """The BibTeX entry of the book itself, with this build's version and data fingerprint."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        subs = self.config.myst_substitutions
        text = citation.book_bibtex(subs["book_version"], subs["data_fingerprint"])
        block = nodes.literal_block(text, text, language="bibtex")
        return [block]


class BibtexEntry(SphinxDirective):
    """One entry copied from the book's .bib files, e.g. ``{bibtex-entry} wuchang2023review``."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0]
        files = [Path(self.env.srcdir) / f for f in self.config.bibtex_bibfiles]
        for path in files:
            self.env.note_dependency(str(path))
            entry = entry_bibtex(key, path)
            if entry:
                return [nodes.literal_block(entry, entry, language="bibtex")]
        raise self.error(f"no BibTeX entry {key!r} in {', '.join(str(f) for f in files)}")


GLOSSARY_PAGE = "book/glossary"
# Where a term is not prose: headings, code, raw HTML, links and the glossary's own entries.
NOT_PROSE = (nodes.title, nodes.subtitle, nodes.literal, nodes.literal_block, nodes.raw, nodes.reference,
             nodes.term, nodes.caption, addnodes.pending_xref, addnodes.toctree)


def _prose_texts(doctree: nodes.document) -> list[nodes.Text]:
    return [t for t in doctree.findall(nodes.Text)
            if not any(isinstance(a, NOT_PROSE) for a in _ancestors(t))]


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def glossary_links(app: Sphinx, doctree: nodes.document) -> None:
    """Link each glossary term where it first appears in a page's prose, to its entry on the glossary page (a
    cross-reference Sphinx resolves in the HTML and the PDF alike)."""
    if app.env.docname == GLOSSARY_PAGE or GLOSSARY_PAGE not in app.env.found_docs:
        return
    for term, pattern in glossary_terms():
        for text in _prose_texts(doctree):
            m = pattern.search(text.astext())
            if not m:
                continue
            whole = text.astext()
            xref = addnodes.pending_xref("", nodes.inline(term, term, classes=["wc-term"]), refdomain="std",
                                         reftype="term", reftarget=term, refexplicit=True, refwarn=True,
                                         refdoc=app.env.docname)
            text.parent.replace(text, [nodes.Text(whole[:m.start()]), xref, nodes.Text(whole[m.end():])])
            break


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("book_subtitle", "", "env", [str])
    # Runs after jupyter-book and myst-parser have set their values; priority > 500 means later.
    app.connect("config-inited", _config_inited, priority=800)
    app.connect("doctree-read", glossary_links)
    app.connect("html-page-context", _page_context)
    app.connect("doctree-resolved", _doctree_resolved)
    app.add_directive("book-bibtex", BookBibtex)
    app.add_directive("bibtex-entry", BibtexEntry)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
