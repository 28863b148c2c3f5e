"""Text from data is escaped wherever it appears: markup planted in an indicator's English name and in a
context-data note shows up literally and never runs (a build of a clean copy, checked in Chromium)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from support.snapshot import copy_project, run_cli

pytestmark = pytest.mark.e2e
PAYLOADS = ('<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>")


def plant(path: Path, row_match: tuple[str, str], column: str, text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    key, value = row_match
    target = next(r for r in rows if r[key] == value)
    target[column] = f"{target[column]} {text}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    proj = copy_project(tmp_path_factory.mktemp("hostile"))
    plant(proj / "data" / "indicators.csv", ("id", "gdp_2023"), "name_en", " ".join(PAYLOADS))
    plant(proj / "data" / "context" / "context_series.csv", ("note", "text figure on the same page as the table "
                                                             "figure 1664.44"), "note", " ".join(PAYLOADS))
    # The planted text has no translation: the Chinese edition is built as a draft, English left in place.
    result = run_cli(proj, "build", "--html", "--untranslated-ok")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return proj / "_build" / "html"


@pytest.mark.parametrize("page", ["en/book/chapters/00_at_a_glance.html", "en/book/chapters/01_regional_strength.html",
                                  "en/book/chapters/06_estimates.html", "zh/book/chapters/01_regional_strength.html",
                                  "zh/book/chapters/06_estimates.html"])
def test_planted_markup_is_shown_as_text_and_never_runs(hostile_site: Path, page: str) -> None:
    from playwright.sync_api import sync_playwright
    from support.browser import CHROMIUM, CHROMIUM_ARGS, serve

    with serve(hostile_site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.goto(f"{base}/{page}", wait_until="load")
        tab.wait_for_timeout(1500)  # charts draw after load
        assert tab.evaluate("window.__xss") is None, f"planted markup ran on {page}"
        assert dialogs == []
        html = (hostile_site / page).read_text(encoding="utf-8")
        assert "<script>window.__xss=2</script>" not in html
        assert '<img src=x onerror="window.__xss=1">' not in html
        browser.close()


def test_planted_markup_appears_literally_where_the_data_is_shown(hostile_site: Path) -> None:
    from playwright.sync_api import sync_playwright
    from support.browser import CHROMIUM, CHROMIUM_ARGS, serve

    with serve(hostile_site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        for page, what in (("en/book/chapters/01_regional_strength", "the indicator's English name"),
                           ("en/book/chapters/06_estimates", "the context-data note"),
                           ("zh/book/chapters/06_estimates", "the context-data note")):
            tab.goto(f"{base}/{page}.html", wait_until="load")
            text = tab.inner_text("body")
            assert all(p in text for p in PAYLOADS), f"{what} is not shown as text on {page}"
        browser.close()
