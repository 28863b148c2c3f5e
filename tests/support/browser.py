"""Open the built book in headless Chromium (Debian's, never a downloaded one), offline.

Used by the tests: every request to another host is blocked and recorded, so a page that needs the internet
shows it.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@dataclass
class PageVisit:
    url: str
    blocked: list[str] = field(default_factory=list)  # requests to other hosts
    console_errors: list[str] = field(default_factory=list)
    charts: int = 0  # chart containers on the page
    charts_drawn: int = 0  # containers holding a drawn SVG
    cjk_font: bool = False  # the CJK font is available to the page
    accessibility: list[str] = field(default_factory=list)  # axe-core's serious and critical violations
    text: str = ""  # the visible text of the page's main part, charts included, without code (VISIBLE_TEXT)
    switch: str = ""  # where the link to the other edition leads (an absolute address), if the page has one
    tables: int = 0  # tables of the book (wc-table) on the page
    marks: int = 0  # the shapes the charts drew (SVG paths): one edition draws what the other does


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of the page's WCAG rules at the given impacts, one line each: rule, impact, how many
    elements, the first element's selector and axe's summary of what to fix. axe-core comes from the
    axe-playwright-python package (a development dependency), injected into the page: nothing is fetched."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    # preload off: axe would fetch the theme's stylesheets again, by paths of its own
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations'], preload: false})")
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])} element(s), e.g. {v['nodes'][0]['target']}: "
            f"{v['nodes'][0].get('failureSummary', '').splitlines()[-1].strip()}"
            for v in results["violations"] if v.get("impact") in impacts]


# The text a reader sees in the page's main part: every rendered text node, the charts' SVG labels included, but
# not code, not text marked as another language (lang="en"), not the link to the other edition, not the chart's
# data link (its byte count is the file's, which differs between editions) and not citations of English sources.
VISIBLE_TEXT = """() => {
  const root = document.querySelector('main') || document.body;
  const skip = 'pre, code, script, style, [lang="en"]:not(html), .wc-data, .wc-language, .headerlink, '
    + '.citation, .bibtex';
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest(skip) || !el.checkVisibility()) continue;
    const text = walker.currentNode.textContent.trim();
    if (text) out.push(text);
  }
  return out.join('\\n');
}"""


def visit(b, base: str, page_path: str, screenshot: Path | None = None, timeout_ms: int = 20000,
          accessibility: bool = False) -> PageVisit:
    """Load one page with other hosts blocked; wait for its charts; optionally check it with axe-core and save a
    full-page screenshot."""
    context = b.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    result = PageVisit(f"{base}/{page_path}")

    def route(r):
        if r.request.url.startswith(base) or r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            result.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: result.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: result.console_errors.append(str(e)))
    page.goto(result.url, wait_until="load", timeout=timeout_ms)
    result.charts = page.locator(".wc-chart").count()
    if result.charts:
        with suppress(Exception):
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.wc-chart')).every(e => e.querySelector('svg'))",
                timeout=timeout_ms)
    result.charts_drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('.wc-chart')).filter("
        "e => e.querySelector('svg') && e.querySelector('svg').getBoundingClientRect().width > 50).length")
    result.cjk_font = page.evaluate(
        "async () => { await document.fonts.ready; return document.fonts.check('16px \"Noto Sans CJK SC\"', '武昌'); }")
    result.text = page.evaluate(VISIBLE_TEXT)
    switch = page.locator("a.wc-language-switch")
    result.switch = switch.first.evaluate("a => a.href") if switch.count() else ""
    result.tables = page.locator("table.wc-table").count()
    result.marks = page.locator(".wc-chart svg path").count()
    if accessibility:
        result.accessibility = axe_violations(page)
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    context.close()
    return result
