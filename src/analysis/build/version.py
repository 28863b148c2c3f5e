"""The book's version and a fingerprint of its data, so a reader can tell which data a page was built from.

The build sets ``BOOK_VERSION`` and ``DATA_FINGERPRINT`` (``build_env``) before Jupyter Book runs; the
Sphinx extension in ``book/_ext/wuchang_book.py`` reads them (or computes them when they are unset) and
shows them in the footer of every HTML page and on the PDF's title page.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from analysis import __version__
from analysis.paths import DATA, FINGERPRINT_ENV, VERSION_ENV

FINGERPRINT_LENGTH = 12


def book_version() -> str:
    """The package version is the book's version: one number to bump."""
    return __version__


def data_files(data_dir: Path = DATA) -> list[Path]:
    """Every file under ``data_dir``, in a stable order (POSIX relative paths, sorted)."""
    data_dir = Path(data_dir)
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    return sorted(files, key=lambda p: p.relative_to(data_dir).as_posix())


def data_fingerprint(data_dir: Path = DATA, length: int = FINGERPRINT_LENGTH) -> str:
    """A short SHA-256 over the relative path and the bytes of every data file.

    Paths are hashed too, so renaming or moving a file changes the fingerprint; each part is
    length-prefixed, so no two different file sets can produce the same byte stream.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"no data folder at {data_dir}")
    h = hashlib.sha256()
    for path in data_files(data_dir):
        name = path.relative_to(data_dir).as_posix().encode("utf-8")
        content = path.read_bytes()
        h.update(len(name).to_bytes(8, "big") + name)
        h.update(len(content).to_bytes(8, "big") + content)
    return h.hexdigest()[:length]


def build_env(data_dir: Path = DATA) -> dict[str, str]:
    """The environment variables the build passes to Jupyter Book (HTML and PDF alike)."""
    return {VERSION_ENV: book_version(), FINGERPRINT_ENV: data_fingerprint(data_dir)}


def current(data_dir: Path = DATA, environ: os._Environ[str] | dict[str, str] | None = None) -> tuple[str, str]:
    """Version and fingerprint as the build set them, computed afresh when they are not set."""
    env = os.environ if environ is None else environ
    version = env.get(VERSION_ENV) or book_version()
    fingerprint = env.get(FINGERPRINT_ENV) or data_fingerprint(data_dir)
    return version, fingerprint


def footer_html(version: str, fingerprint: str, pdf: str | None = None, changelog: str | None = None) -> str:
    """The line under every HTML page; ``changelog`` is the changelog page's address from the page."""
    import html

    from analysis.presentation.language import _

    words = {"version": _("Version"), "fingerprint": _("data fingerprint"), "changes": _("what changed")}
    line = (f'<span class="wc-version">{words["version"]} <strong>{html.escape(version)}</strong></span> · '
            f'<span class="wc-fingerprint">{words["fingerprint"]} <code>{html.escape(fingerprint)}</code></span>')
    if changelog:
        line += f' · <a class="wc-changelog-link" href="{html.escape(changelog)}">{words["changes"]}</a>'
    if pdf:
        line += f' · <a class="wc-pdf-link" href="{html.escape(pdf)}">PDF</a>'
    return f'<p class="wc-build-stamp">{line}</p>'


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH for Sphinx and LaTeX: the environment's, else this version's release date."""
    import datetime

    from analysis import __release_date__

    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    day = datetime.datetime.fromisoformat(__release_date__).replace(tzinfo=datetime.UTC)
    return str(int(day.timestamp()))

