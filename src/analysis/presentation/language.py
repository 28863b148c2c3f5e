"""The book's two editions: English, as the notebooks and the code write it, and Chinese, from message catalogs.

One execution of a chapter makes both. The kernel writes the English edition; the Chinese one is the same
executed notebook with every visible text looked up in the catalogs (``analysis.presentation.edition``): the
prose of each Markdown block before its glued values are pasted, the glued phrases, the charts' titles, labels,
legends and data, the tables' headers and cells, the figures' captions. Numbers are never translated: a text's
numbers become numbered slots ({1}, {2} …) in its message, so one message serves every value, and the Chinese
text prints exactly the digits the English one does.

Texts the code composes with ``gettext`` (a figure's description, the site's chart links, page footers) are
messages of their own, with Python's ``{name}`` fields.

Catalogs are gettext ``.po`` files under ``locale/zh_CN/LC_MESSAGES``: ``book.po`` for the hand-written pages
(Sphinx's own i18n, kept up to date with sphinx-intl), ``code.po`` and ``chapters/<slug>.po`` for the rest
(``python -m analysis translations`` extracts and merges them). A text without a translation is recorded in
``missing`` and printed in English; the build refuses to publish a Chinese edition that has any.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from analysis.paths import CATALOGS, LANGUAGE_ENV

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "zh")
# Sphinx's and gettext's name of each edition's language.
LOCALE = {"en": "en", "zh": "zh_CN"}
NAMES = {"en": "English", "zh": "中文"}
# The link to a page in an edition, written in that edition's language (a reader of it can read it).
THIS_PAGE_IN = {"en": "This page in English", "zh": "本页中文版"}

# What a message keeps as a slot: a web address (never translated, and full of digits) or a number as a text
# prints it: 2023, 1,625.35, 0.3 (a sign stays in the text: 下降 is words).
NUMBER = re.compile(r"https?://[^\s<>\"）)]*[^\s<>\"）).,;:，。；]|\d+(?:[.,]\d+)*")
SLOT = re.compile(r"\{(\d+)\}")
# Words of a language written in Latin letters: two letters or more.
WORD = re.compile(r"[A-Za-z]{2,}")
# Not prose: identifiers (gdp_2023, review-3, expected+over), file names, web addresses, colours; a word joined
# by hyphens (half-width, plot-by-plot) is a word.
CODE = re.compile(r"https?://\S+|#[0-9a-fA-F]{3,8}\b|[A-Za-z0-9]*(?:[A-Za-z][0-9]|[0-9][A-Za-z]|[A-Za-z0-9][_./:#+]"
                  r"[A-Za-z0-9]|[A-Za-z0-9]-[0-9])[A-Za-z0-9_./:#+-]*|[a-z]+_[a-z_]+")


# How each edition prints a number, in one place: English groups thousands with commas (1,625.35); Chinese official
# text does not (1625.35). Charts take the same rule as Vega's number locale (``chart_locale``).
NUMBER_LOCALE = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]},
    "zh": {"decimal": ".", "thousands": "", "grouping": [3], "currency": ["", ""]},
}
GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])")


def localized_numbers(text: str) -> str:
    """A text's numbers as the current edition prints them (its thousands separator)."""
    sep = NUMBER_LOCALE[current()]["thousands"]
    return text if sep == "," else GROUPED.sub(lambda m: m.group(0).replace(",", sep), text)


def chart_locale() -> dict[str, object]:
    """The number locale of the current edition, for a chart's ``config.locale``."""
    return {"number": NUMBER_LOCALE[current()]}


def current() -> str:
    """The edition being written: the environment's ``BOOK_LANGUAGE`` (set by the build), else English."""
    lang = os.environ.get(LANGUAGE_ENV, SOURCE_LANGUAGE)
    return lang if lang in LANGUAGES else SOURCE_LANGUAGE


@contextlib.contextmanager
def using(lang: str) -> Iterator[None]:
    """Write in ``lang`` inside the block (the build's Chinese pass over an executed chapter)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: the book is written in {', '.join(LANGUAGES)}")
    before = os.environ.get(LANGUAGE_ENV)
    os.environ[LANGUAGE_ENV] = lang
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(LANGUAGE_ENV, None)
        else:
            os.environ[LANGUAGE_ENV] = before


def is_prose(text: str) -> bool:
    """Whether a text has words to translate: Latin-letter words outside identifiers and addresses."""
    return bool(WORD.search(CODE.sub(" ", text)))


def template(text: str) -> tuple[str, list[str]]:
    """The text's message, its numbers replaced by {1}, {2} …, and the numbers in order."""
    numbers: list[str] = []

    def slot(m: re.Match) -> str:
        numbers.append(m.group(0))
        return f"{{{len(numbers)}}}"

    return NUMBER.sub(slot, text), numbers


def known(text: str) -> bool:
    """Whether the catalogs hold a text's message."""
    return template(text.strip())[0] in catalog()


def fill(message: str, numbers: list[str]) -> str:
    """A translated message with the text's numbers put back into its slots."""
    return SLOT.sub(lambda m: numbers[int(m.group(1)) - 1] if 0 < int(m.group(1)) <= len(numbers) else m.group(0),
                    message)


def catalog_files(folder: Path = CATALOGS) -> list[Path]:
    """The catalogs this package reads (book.po belongs to Sphinx)."""
    return sorted(p for p in folder.rglob("*.po") if p.name != "book.po")


@cache
def catalog(folder: Path = CATALOGS) -> dict[str, str]:
    """Every translated message of the package's catalogs (untranslated and fuzzy entries left out)."""
    from babel.messages.pofile import read_po

    messages: dict[str, str] = {}
    for path in catalog_files(folder):
        with path.open("rb") as fh:
            for entry in read_po(fh, abort_invalid=True):
                if entry.id and entry.string and not entry.fuzzy:
                    messages[str(entry.id)] = str(entry.string)
    return messages


# Every message looked up, and those without a translation: message → where it was met (a chapter's slug,
# "code"). The build empties both before it translates a chapter.
SEEN: dict[str, str] = {}
MISSING: dict[str, str] = {}


def forget() -> None:
    SEEN.clear()
    MISSING.clear()


def lookup(message: str, where: str = "") -> str | None:
    SEEN.setdefault(message, where)
    found = catalog().get(message)
    if found is None:
        MISSING.setdefault(message, where)
    return found


def gettext(message: str) -> str:
    """A message of the code in the current edition's language (``{name}`` fields are formatted by the caller)."""
    if current() == SOURCE_LANGUAGE:
        return message
    return lookup(message, "code") or message


_ = gettext


# A term given in both languages, one after the other ("value 数值", "Urban quality 城区品质", "社零额\nRetail
# sales", "地区生产总值 GDP"): the Chinese edition keeps the Chinese term, the English one glosses it.
_EN_TERM = r"[A-Za-z][A-Za-z,.'()&/-]*(?: [A-Za-z,.'()&/-]+){0,3}"  # up to four words: no number, no slot
_EN_NAME = r"[A-Za-z][ -~]*"  # an English name after its Chinese one: any length
_ZH_TERM = r"[^ -~][^A-Za-z0-9{}\n]*"
_ZH_NAME = r"[^ -~][^{}\n]*?"  # a Chinese name before its English one: it may hold a Latin term (与GDP之比)
# Chinese first, its English name after it on the same line or the next ("社零额\nRetail sales"); English first
# only as a short term on the same line ("value 数值"): a line of English above a line of Chinese says something
# else ("punctuation\n勇挑大梁 走在前列": a kind, then where).
GLOSSED = re.compile(rf"^(?:(?P<en1>{_EN_TERM}) (?P<zh1>{_ZH_TERM})|(?P<zh2>{_ZH_NAME})[ \n]+(?P<en2>{_EN_NAME}))$")


def glossed(text: str) -> str | None:
    """The Chinese term of a text that gives one term in both languages, else None."""
    m = GLOSSED.match(text.strip())
    if not m:
        return None
    return (m.group("zh1") or m.group("zh2")).strip()


def translate(text: str, where: str = "") -> str:
    """A visible text in the current edition's language, its numbers kept: looked up as its template; a term
    glossed in both languages without a message of its own keeps its Chinese."""
    if current() == SOURCE_LANGUAGE:
        return text
    if not is_prose(text):
        return localized_numbers(text)
    message, numbers = template(text.strip())
    found = glossed(message) if message not in catalog() else None  # a rule, not a message of the catalog
    if found is None:
        found = lookup(message, where)
    if found is None:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return lead + localized_numbers(fill(found, numbers)) + trail
