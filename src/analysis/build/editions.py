"""The book's two editions: where each is rendered from, and the site root that sends a reader to one.

The English edition renders from the project's folder itself (``_config.yml``, ``_toc.yml``, ``book/``), so a
plain ``jupyter-book build .`` still builds it. The Chinese edition renders from a folder the build writes,
``_build/zh-source``: the same pages (links into ``book/``), the same data, the catalogs, and the chapters'
Chinese editions in its ``book/chapters``; its configuration is the English one with the settings of the
language (Sphinx's ``language`` and ``locale_dirs``, the title, the PDF's name and Chinese typesetting).
"""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis import chapters as chapter_list
from analysis.paths import (
    BOOK,
    BOOK_CHAPTERS,
    BOOK_CONFIG,
    BUILD,
    CHANGELOG,
    DATA,
    EDITIONS_ENV,
    LANGUAGE_ENV,
    LOCALE,
    PDF_LINK_ENV,
    ROOT,
)
from analysis.presentation import language
from analysis.presentation.language import _


@dataclass(frozen=True)
class Edition:
    lang: str

    @property
    def root(self) -> Path:
        """The folder Jupyter Book renders this edition from."""
        return ROOT if self.lang == language.SOURCE_LANGUAGE else BUILD / f"{self.lang}-source"

    @property
    def chapters(self) -> Path:
        return BOOK_CHAPTERS if self.lang == language.SOURCE_LANGUAGE else self.root / "book" / "chapters"

    @property
    def config(self) -> Path:
        return self.root / "_config.yml"

    @property
    def toc(self) -> Path:
        return self.root / "_toc.yml"

    @property
    def pdf_name(self) -> str:
        return pdf_name(self.lang)

    @property
    def staging(self) -> Path:
        return BUILD / f".staging-{self.lang}"

    @property
    def pdf_work(self) -> Path:
        return BUILD / f".pdf-work-{self.lang}"

    @property
    def html_log(self) -> Path:
        return BUILD / f"jupyter-book-{self.lang}.log"

    @property
    def pdf_log(self) -> Path:
        return BUILD / f"pdf-{self.lang}.log"


def pdf_name(lang: str) -> str:
    """The PDF of an edition: wuchang-book-en.pdf, wuchang-book-zh.pdf (latex_documents.targetname, with .pdf)."""
    return f"wuchang-book-{lang}.pdf"


EDITIONS = tuple(Edition(lang) for lang in language.LANGUAGES)


def prepare_source(edition: Edition) -> None:
    """A translated edition's folder: links to the pages, data and catalogs, its configuration and contents."""
    if edition.lang == language.SOURCE_LANGUAGE:
        return
    root = edition.root
    (root / "book").mkdir(parents=True, exist_ok=True)
    links = {root / "data": DATA, root / "locale": LOCALE, root / CHANGELOG.name: CHANGELOG}
    links.update({root / "book" / p.name: p for p in BOOK.iterdir() if p.name not in ("chapters", "__pycache__")})
    for link, target in links.items():
        if link.is_symlink() and link.resolve() == target.resolve():
            continue
        if link.is_symlink() or link.is_file():
            link.unlink()
        link.symlink_to(target)
    with language.using(edition.lang):
        _write_if_changed(edition.config, config_yaml(edition))
        _write_if_changed(edition.toc, chapter_list.toc_yaml())


def config_yaml(edition: Edition) -> str:
    """The edition's Jupyter Book configuration: the English one with its language's settings (written in the
    edition's language: call inside ``language.using``)."""
    config = yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8"))
    out = copy.deepcopy(config)
    out["title"] = _(config["title"])
    out["author"] = _(config["author"])
    latex_docs = out["latex"]["latex_documents"]
    latex_docs["targetname"] = edition.pdf_name.replace(".pdf", ".tex")
    latex_docs["title"] = _(config["latex"]["latex_documents"]["title"])
    sphinx = out["sphinx"]["config"]
    sphinx["language"] = language.LOCALE[edition.lang]
    sphinx["locale_dirs"] = ["locale"]
    sphinx["gettext_compact"] = True  # the pages' messages in one catalog, book.po
    sphinx["book_subtitle"] = "\n".join(_(line) for line in config["sphinx"]["config"]["book_subtitle"].splitlines())
    latex = sphinx["latex_elements"]
    latex["tableofcontents"] = (latex["tableofcontents"].replace("{Contents}", "{" + _("Contents") + "}")
                                .replace("{Introduction}", "{" + _("Introduction") + "}"))
    latex["preamble"] += CHINESE_PREAMBLE
    latex["fncychap"] = ""  # the class's own chapter head, which CHINESE_PREAMBLE sets as 第2章
    latex["releasename"] = _("Version")
    return ("# Written by the build (analysis.build.editions) from the top folder's _config.yml: change that one.\n"
            + yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=100))


def config_messages() -> list[str]:
    """The configuration's texts that ``config_yaml`` and ``site_index`` look up."""
    config = yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8"))
    return [config["title"], config["author"], config["latex"]["latex_documents"]["title"],
            *[line for line in config["sphinx"]["config"]["book_subtitle"].splitlines() if line],
            "Contents", "Introduction", "Version", *chapter_list.TOC_PARTS]


# Chinese typesetting: chapters open with 第2章, figures and tables are numbered 图2-1 and 表2-1 (after Sphinx's
# own numbering, which it sets at the start of the document), and xeCJK keeps closing punctuation off the start
# of a line (its default line-breaking rules).
CHINESE_PREAMBLE = r"""
\makeatletter
\AtBeginDocument{%
  \def\@makechapterhead#1{\vspace*{40\p@}{\parindent\z@\raggedright\normalfont
    \ifnum\c@secnumdepth>\m@ne\huge\bfseries 第\thechapter 章\par\nobreak\vskip 16\p@\fi
    \interlinepenalty\@M\Huge\bfseries #1\par\nobreak\vskip 36\p@}}%
  \renewcommand{\thefigure}{\ifnum\c@chapter>\z@\arabic{chapter}-\fi\arabic{figure}}%
  \renewcommand{\thetable}{\ifnum\c@chapter>\z@\arabic{chapter}-\fi\arabic{table}}}
\makeatother
"""


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


LANGUAGE_CHOICE = "wuchang-book-language"  # localStorage key: the edition a reader chose last


def site_index(editions: tuple[Edition, ...] = EDITIONS) -> str:
    """The site's root page: the edition a reader chose before, else the one of the browser's language, else
    English; without scripts, links to both."""
    links = " · ".join(f'<a href="{e.lang}/index.html" hreflang="{language.LOCALE[e.lang].replace("_", "-")}" '
                       f'lang="{language.LOCALE[e.lang].replace("_", "-")}">{html.escape(language.NAMES[e.lang])}</a>'
                       for e in editions)
    with language.using("zh"):
        title_zh = _(yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8"))["title"])
    title_en = yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8"))["title"]
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title_zh)} | {html.escape(title_en)}</title>
<link rel="alternate" hreflang="zh-CN" href="zh/index.html">
<link rel="alternate" hreflang="en" href="en/index.html">
<script>
(function () {{
  var chosen = null;
  try {{ chosen = window.localStorage.getItem("{LANGUAGE_CHOICE}"); }} catch (e) {{}}
  var wanted = (navigator.languages && navigator.languages.length ? navigator.languages[0] : navigator.language) || "";
  var lang = chosen === "zh" || chosen === "en" ? chosen : (/^zh/i.test(wanted) ? "zh" : "en");
  window.location.replace(lang + "/index.html" + window.location.hash);
}})();
</script>
</head>
<body>
<h1>{html.escape(title_zh)}</h1>
<p lang="en">{html.escape(title_en)}</p>
<p>{links}</p>
</body>
</html>
"""


def switch_link(lang: str, pagename: str, editions: list[str]) -> str:
    """The link of a page to the same page in the other edition (the site holds the editions side by side), or
    nothing when the site holds one edition."""
    other = next((e for e in editions if e != lang), None)
    if other is None:
        return ""
    depth = pagename.count("/") + 1  # out of the page's folders and out of its edition's folder
    href = "../" * depth + f"{other}/{pagename}.html"
    code = language.LOCALE[other].replace("_", "-")
    label = language.THIS_PAGE_IN[other]
    script = f"try{{localStorage.setItem('{LANGUAGE_CHOICE}','{other}')}}catch(e){{}}"
    return (f'<p class="wc-language"><a class="wc-language-switch" href="{html.escape(href)}" hreflang="{code}" '
            f'lang="{code}" onclick="{script}">{html.escape(label)}</a></p>\n')


def edition_env(edition: Edition, editions: tuple[Edition, ...] = EDITIONS) -> dict[str, str]:
    """What the render of an edition runs with: its language (for the package's code inside Sphinx: the
    switcher, footers, chart links) and the link to its PDF."""
    return {LANGUAGE_ENV: edition.lang, PDF_LINK_ENV: f"_static/{edition.pdf_name}",
            EDITIONS_ENV: ",".join(e.lang for e in editions)}


def compile_catalogs() -> None:
    """book.po → book.mo before the renders start: Sphinx would compile it itself, but two renders of the
    Chinese edition (HTML and PDF) run at once and must not write the same file."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(LOCALE.rglob("book.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo)
