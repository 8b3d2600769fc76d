"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a live server."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SEEDBED_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-results" / "screenshots"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"!! {CHROMIUM} is missing: install Debian's chromium (make test-deps) to run browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


class Watched:
    """A page whose console errors, CSP violations and off-machine requests are recorded."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        page.on("console", self._on_console)
        page.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"), self._block_foreign)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _block_foreign(self, route: Any) -> None:
        if route.request.url.startswith(("data:", "blob:", "about:")):
            route.continue_()
            return
        self.foreign_requests.append(route.request.url)
        route.abort()

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def axe_violations(self) -> list[dict[str, Any]]:
        """Serious and critical WCAG 2.1 A/AA violations found by axe-core on the current page."""
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        tags = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"
        result = self.page.evaluate(f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {tags}}}}})")
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:3]],
            }
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]


@pytest.fixture
def watched(browser: Any, live_server: Any) -> Iterator[Any]:
    pages: list[Watched] = []

    def open_page(viewport: tuple[int, int] = (1280, 900)) -> Watched:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15000)
        watched_page = Watched(page, live_server.url)
        pages.append(watched_page)
        return watched_page

    yield open_page
    for watched_page in pages:
        watched_page.page.context.close()
