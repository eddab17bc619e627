"""Where the browser tests run: the portal on 127.0.0.1 in a background thread, a second
small site for "Exit this page" to lead to, and Debian's Chromium."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A step that takes longer than this is a fault to report, not a reason to wait.
TIMEOUT_MS = 10_000

# axe-core, as the test server serves it to the pages it checks (`with_axe`).
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"

EXIT_PAGE_TITLE = "Weather forecast"
EXIT_PAGE = (
    f"<!DOCTYPE html><html lang='en'><head><title>{EXIT_PAGE_TITLE}</title></head>"
    "<body><h1>Weather forecast</h1><p>Sunny spells.</p></body></html>"
)


def somewhere_else(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    """The ordinary, unrelated site "Exit this page" leads to in the tests: a second local
    server, so leaving the portal can be seen without going on the internet."""
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [EXIT_PAGE.encode()]


def with_axe(app: WSGIApplication) -> WSGIApplication:
    """`app`, and axe-core's file at AXE_PATH, cacheable: a page loads it as a script of
    its own origin (which the portal's CSP allows), so the browser fetches and compiles
    it once for a context instead of being sent its 560 KB for each page checked. Not
    the portal's: only the tests' server answers that path."""
    body = AXE_JS.read_bytes()
    headers = [
        ("Content-Type", "text/javascript; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "max-age=86400"),
    ]

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        if environ.get("PATH_INFO") == AXE_PATH:
            start_response("200 OK", headers)
            return [body]
        return app(environ, start_response)

    return serve


@dataclass
class LiveServer:
    url: str
    exit_url: str  # the EXIT_PAGE_URL the portal is configured with
    app: Flask
    reset_database: Callable[[], None]


@dataclass
class Contexts:
    """New browser contexts for one test, all closed when it ends."""

    browser: Browser
    server: LiveServer
    opened: list[BrowserContext] = field(default_factory=list)

    def new(self, **options: Any) -> BrowserContext:
        context = self.browser.new_context(base_url=self.server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        self.opened.append(context)
        return context

    def page(self, **options: Any) -> Page:
        return self.new(**options).new_page()

    def close(self) -> None:
        for context in self.opened:
            context.close()
