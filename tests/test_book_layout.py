"""Layout settings of the book: break opportunities in the HTML tables, the PDF's one-sided pages."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml

BOOK = Path(__file__).resolve().parents[1] / "book"
BOOK_CONFIG = BOOK.parent / "_config.yml"


def _ext():
    spec = importlib.util.spec_from_file_location("wuchang_book", BOOK / "_ext" / "wuchang_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_breaks_long_ids_and_addresses_only() -> None:
    ext = _ext()
    html = ('<table class="wc-table"><tr><td>main_indicators_rank_2023</td><td>gdp_2023</td>'
            "<td>http://www.wuchang.gov.cn/xxgk/t1.html</td><td>&lt;/script&gt;</td></tr></table>")
    out = ext.table_breaks(html)
    assert "main_<wbr>indicators_<wbr>rank_<wbr>2023" in out
    assert "<td>gdp_2023</td>" in out  # short ids stay whole
    assert "http://<wbr>www.wuchang.gov.cn/<wbr>xxgk/<wbr>t1.html" in out  # never between the slashes of //
    assert "<td>&lt;/script&gt;</td>" in out  # escaped text and tags untouched
    assert re.sub("<wbr>", "", out) == html
    assert ext.table_breaks("<p>main_indicators_rank_2023</p>") == "<p>main_indicators_rank_2023</p>"


def test_pdf_is_one_sided_with_sized_charts() -> None:
    latex = yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8"))["sphinx"]["config"]["latex_elements"]
    assert {"openany", "oneside"} <= set(latex["extraclassoptions"].split(","))
    assert r"\renewcommand*{\sphinxincludegraphics}" in latex["preamble"]
    assert "keepaspectratio" in latex["preamble"]


def test_only_the_books_pages_are_sources_whatever_else_lies_in_the_checkout() -> None:
    """Tool caches and editor folders at the top of a checkout (.pytest_cache/README.md…) are not pages: Sphinx
    would warn about them, and the PDF build treats warnings as errors."""
    from sphinx.util.matching import Matcher

    excluded = Matcher(yaml.safe_load(BOOK_CONFIG.read_text(encoding="utf-8"))["exclude_patterns"])
    for stray in (".pytest_cache/README.md", ".ruff_cache/README.md", ".venv/lib/x.md", "book/.ipynb_checkpoints",
                  "notebooks/01_regional_strength.ipynb", "README.md", "_build/html/x.md"):
        parts = stray.split("/")
        assert any(excluded("/".join(parts[: i + 1])) for i in range(len(parts))), stray
    for page in ("book/intro.md", "book/chapters/01_regional_strength.ipynb", "book/method.md"):
        parts = page.split("/")
        assert not any(excluded("/".join(parts[: i + 1])) for i in range(len(parts))), page
