"""How fast the public pages are, how much they weigh, and how soon a person on a slow
mobile connection can use the start page.

    .venv/bin/python bench/pages.py [--requests 200] [--runs 5] [--no-browser]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/pages.py

Builds a database of its own with the migrations and loads the demo teams (a temporary
SQLite file; or, when DATABASE_URL names a PostgreSQL server, a new database
`portal_bench_<random>` on that server, dropped at the end). Fills in a complaint as a
parent, step by step, and sends another (with the integration tests' journey helpers),
so that check your answers, the confirmation and the tracking page have something to
show. Then:

1. **Server time.** Requests each public page `--requests` times with the Flask test
   client, in turn (one request to each page, then the next round, so that a change in
   the machine's load falls on every page alike), after a warm-up, and prints the median,
   p95 and fastest in milliseconds. Beside them, a bare Flask app that renders the same base
   template (base.html with the GOV.UK components, the council's details and the
   language switch) around one paragraph, with no database, forms, CSRF, rate limits,
   sign-in or security headers: the framework's ceiling for this layout; and each page's
   median and fastest over the bare page's.
2. **Bytes over the wire.** For each page, the HTML and everything it makes the browser
   fetch: stylesheets, scripts (and the modules they import), images, icons, and the
   fonts and images its CSS asks for on elements that are on the page (the CSS is
   parsed and its selectors matched against the page, as the browser does on load; a
   `:hover` or `:focus` rule fetches nothing until then). Each as gzip at level 6, as a
   server that compresses sends it; fonts and images already compressed (woff2, woff,
   png, jpg) as they are. The goal: the start page under 100 KB in all.
3. **The start page in Chromium on Slow 3G.** Serves the app on 127.0.0.1 (werkzeug, in
   a thread), opens Debian's Chromium through Playwright with a phone-sized window, the
   cache disabled and Chrome DevTools' Slow 3G conditions (`SLOW_3G` below), loads the
   start page `--runs` times in a new browser context each time, and prints the median
   time to first contentful paint, DOMContentLoaded, load, and the moment the start
   button is drawn, visible and styled, so can be pressed (it is a link), as the portal
   serves it (its stylesheet inline, gzipped: portal/delivery.py). The goal: usable in
   under 3 s.

Prints markdown tables, and exits non-zero if a goal is missed.
"""

import argparse
import gzip
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import cssselect2
import sqlalchemy as sa
import tinycss2
import tinyhtml5
from common import (
    ROOT,
    build_schema,
    create_database,
    load_average,
    machine,
    make_app,
    percentile,
    serving,
)
from yardstick import bare_app

GOAL_START_PAGE_KB = 100.0
GOAL_USABLE_SECONDS = 3.0
GZIP_LEVEL = 6

# Chrome DevTools' "Slow 3G" preset (renamed "3G" in 2024, its values unchanged):
# ChromeDevTools/devtools-frontend, front_end/core/sdk/NetworkManager.ts, Slow3GConditions.
# DevTools adds the latency once to each request (from sending it to the response's
# headers), not to each packet, so it multiplies the 400 ms round trip it models by 5.
SLOW_3G = {
    "offline": False,
    "latency": 400 * 5,  # ms
    "downloadThroughput": 500 * 1000 / 8 * 0.8,  # bytes a second: 50,000 (400 kbit/s)
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
}
# Debian's Chromium and the flags the browser tests start it with.
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from browser_env import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# A mid-range phone, as Lighthouse's mobile runs use (Moto G Power).
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75}
START_BUTTON = ".govuk-button--start"
# Run in the page before anything else: notes (performance.now()) the first frame in which
# the start button has a box, is visible and is styled (the stylesheet has arrived: a
# GOV.UK button has a background colour), and when GOV.UK Frontend's script has started.
PROBE = """
window.__bench = {usable: null, scripts: null, bottom: null};
(function watch() {
  const button = document.querySelector(START_BUTTON);
  if (window.__bench.usable === null && button) {
    const box = button.getBoundingClientRect();
    const style = getComputedStyle(button);
    if (box.width > 0 && box.height > 0 && style.visibility === "visible"
        && style.display !== "none" && style.opacity !== "0"
        && style.backgroundColor !== "rgba(0, 0, 0, 0)") {
      window.__bench.usable = performance.now();
      window.__bench.bottom = box.bottom + window.scrollY;
    }
  }
  if (window.__bench.scripts === null && document.body
      && document.body.classList.contains("govuk-frontend-supported")) {
    window.__bench.scripts = performance.now();
  }
  if (window.__bench.usable === null || window.__bench.scripts === null) {
    requestAnimationFrame(watch);
  }
})();
""".replace("START_BUTTON", repr(START_BUTTON))

# Compressed already: a server sends them as they are.
NOT_COMPRESSED = {"font/woff2", "font/woff", "image/png", "image/jpeg", "image/gif", "image/webp"}


# --- the pages ---------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    client: Any
    status: int = 200


@dataclass
class Visitors:
    """Test clients in the states the pages need."""

    anonymous: Any
    filling_in: Any  # a complaint filled in up to check your answers
    sent: Any  # has just sent a complaint
    tracking_path: str


def prepare(app: Any) -> Visitors:
    """A parent fills in a complaint to check your answers; another sends one. Driven
    through the pages as a person would, by the tests' own journey helpers."""
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    from journey_helpers import Journey, answers_for  # type: ignore[import-not-found]

    from portal.extensions import db
    from portal.models import OutboxMessage

    with app.app_context():
        answers = answers_for("complaint", "parent")
    filling_in = app.test_client()
    Journey(filling_in, "complaint").fill(answers)
    sent = app.test_client()
    journey = Journey(sent, "complaint")
    journey.fill(answers)
    journey.send_and_confirm()
    with app.app_context():
        # The link the acknowledgement carries: the tracking page's secret is in it. The
        # worker renders the email when it sends it, so the link is in the message's
        # context (its JSON) until then.
        row = (
            db.session.execute(
                sa.select(OutboxMessage.__table__).where(OutboxMessage.purpose == "acknowledgement")
            )
            .mappings()
            .first()
        )
        db.session.remove()
    assert row, "no acknowledgement was queued"
    body = " ".join(str(value) for value in row.values())
    link = re.search(r"/track/[^/\s\"]+/[A-Za-z0-9_\-]+", body)
    assert link, "no tracking link in the acknowledgement"
    return Visitors(app.test_client(), filling_in, sent, link.group(0))


def public_pages(visitors: Visitors) -> list[Page]:
    anonymous = visitors.anonymous
    return [
        Page("Start page", "/", anonymous),
        Page("Make a complaint: first question", "/make-a-complaint/who-are-you", anonymous),
        Page(
            "Tell us something is wrong: first question",
            "/tell-us-something-is-wrong/who-are-you",
            anonymous,
        ),
        Page("Ask for an advocate: first question", "/ask-for-an-advocate/who-are-you", anonymous),
        Page("Give a compliment: first question", "/give-a-compliment/who-are-you", anonymous),
        Page(
            "A question, answers so far (what happened)",
            "/make-a-complaint/what-happened",
            visitors.filling_in,
        ),
        Page("Check your answers", "/make-a-complaint/check-answers", visitors.filling_in),
        Page("Confirmation", "/make-a-complaint/confirmation", visitors.sent),
        Page("Tracking page", visitors.tracking_path, anonymous),
        Page("Get help now", "/make-a-complaint/get-help-now?then=your-age", visitors.filling_in),
        Page(
            "Save and come back later",
            "/make-a-complaint/save-for-later?step=what-happened",
            visitors.filling_in,
        ),
        Page("Page not found", "/no-such-page", anonymous, 404),
    ]


# --- 1. server time ----------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    times: list[float] = field(default_factory=list)  # milliseconds

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95)

    @property
    def fastest(self) -> float:
        return min(self.times)


def time_pages(pages: list[Page], requests: int, warmup: int) -> list[Timing]:
    timings = [Timing(page.name) for page in pages]
    for attempt in range(warmup + requests):
        for page, timing in zip(pages, timings, strict=True):
            started = time.perf_counter()
            response = page.client.get(page.path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == page.status, (page.path, response.status_code)
            if attempt >= warmup:
                timing.times.append(elapsed)
    return timings


# --- 2. bytes over the wire --------------------------------------------------------------


@dataclass
class Asset:
    path: str
    kind: str  # HTML, CSS, JavaScript, font, image
    raw: int
    sent: int  # as a compressing server sends it

    @property
    def compressed(self) -> bool:
        return self.sent != self.raw


def sent_size(body: bytes, mimetype: str) -> int:
    if mimetype in NOT_COMPRESSED:
        return len(body)
    return len(gzip.compress(body, compresslevel=GZIP_LEVEL))


def kind_of(mimetype: str) -> str:
    if mimetype == "text/html":
        return "HTML"
    if mimetype == "text/css":
        return "CSS"
    if "javascript" in mimetype:
        return "JavaScript"
    if mimetype.startswith("font/") or "font" in mimetype:
        return "font"
    return "image" if mimetype.startswith("image/") else mimetype


class Links(HTMLParser):
    """What the HTML makes a browser fetch: (path, is a module script)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        rel = set(a.get("rel", "").lower().split())
        if tag == "link" and a.get("href"):
            if rel & {"stylesheet", "icon", "apple-touch-icon", "preload"}:
                self.found.append((a["href"], False))
            elif "modulepreload" in rel:
                self.found.append((a["href"], True))
        elif tag == "script" and a.get("src"):
            self.found.append((a["src"], a.get("type") == "module"))
        elif tag in ("img", "source") and (a.get("src") or a.get("srcset")):
            self.found.append(((a.get("src") or a["srcset"].split()[0]), False))
        elif tag == "input" and a.get("type") == "image" and a.get("src"):
            self.found.append((a["src"], False))


# Static imports in an ES module (minified or not): import ... from "x", import "x",
# export ... from "x". Dynamic import() loads on demand, not on page load.
MODULE_IMPORT = re.compile(
    r"""(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']"""
)


def same_origin(path: str) -> bool:
    return not urlsplit(path).netloc and not path.startswith("data:")


class Weigher:
    """Fetches each asset once with the test client and works out what each page loads."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.assets: dict[str, tuple[Asset, bytes]] = {}

    def fetch(self, path: str) -> tuple[Asset, bytes]:
        if path not in self.assets:
            response = self.client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            body = response.get_data()
            asset = Asset(path, kind_of(response.mimetype), len(body), 0)
            asset.sent = sent_size(body, response.mimetype)
            self.assets[path] = (asset, body)
        return self.assets[path]

    def page(self, page_path: str, html: bytes) -> list[Asset]:
        """The HTML and everything it loads, each once, in the order found."""
        page_asset = Asset(page_path, "HTML", len(html), sent_size(html, "text/html"))
        loaded: dict[str, Asset] = {}
        text = html.decode()
        # The page as the browser styles it once app.mjs has run (it adds these classes).
        document = tinyhtml5.parse(
            text.replace(
                'class="govuk-template__body"',
                'class="govuk-template__body js-enabled govuk-frontend-supported"',
                1,
            )
        )
        links = Links()
        links.feed(text)
        waiting = [(urljoin(page_path, href), module) for href, module in links.found]
        while waiting:
            path, module = waiting.pop(0)
            if path in loaded or not same_origin(path):
                continue
            asset, body = self.fetch(path)
            loaded[path] = asset
            if asset.kind == "CSS":
                waiting += [(url, False) for url in css_fetches(body.decode(), path, document)]
            elif module and asset.kind == "JavaScript":
                waiting += [
                    (urljoin(path, found), True) for found in MODULE_IMPORT.findall(body.decode())
                ]
        return [page_asset, *loaded.values()]


def css_fetches(css: str, css_path: str, document: Any) -> list[str]:
    """The URLs in a stylesheet that this page makes the browser fetch: @import, the
    images of rules that match an element on the page, and the fonts (@font-face) that
    a matching rule names. Print-only @media is skipped; other @media and @supports are
    taken to apply (a phone or a desktop fetches the same here)."""
    elements = list(cssselect2.ElementWrapper.from_html_root(document).iter_subtree())
    wanted: list[str] = []
    faces: dict[str, list[str]] = {}  # font family (lower case) -> its src URLs
    families_used: set[str] = set()
    matches: dict[str, bool] = {}

    def matching(prelude: list[Any]) -> bool:
        key = tinycss2.serialize(prelude)
        if key not in matches:
            try:
                selectors = cssselect2.compile_selector_list(prelude)
            except cssselect2.SelectorError:
                selectors = []
            matches[key] = any(s.test(e) for s in selectors for e in elements)
        return matches[key]

    def walk(rules: Iterable[Any]) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                declarations = [
                    d
                    for d in tinycss2.parse_blocks_contents(rule.content, True, True)
                    if d.type == "declaration"
                ]
                urls = [url for d in declarations for url in urls_in(d.value)]
                families = [
                    family
                    for d in declarations
                    if d.lower_name in ("font-family", "font")
                    for family in font_families(d.value)
                ]
                if (urls or families) and matching(rule.prelude):
                    wanted.extend(urls)
                    families_used.update(families)
            elif rule.type == "at-rule":
                keyword = rule.lower_at_keyword
                if keyword == "import":
                    wanted.extend(urls_in(rule.prelude))
                elif keyword == "media" and rule.content is not None:
                    query = tinycss2.serialize(rule.prelude).strip().lower()
                    if not re.match(r"^(only\s+)?print\b", query):
                        walk(tinycss2.parse_rule_list(rule.content, True, True))
                elif keyword in ("supports", "layer", "container") and rule.content is not None:
                    walk(tinycss2.parse_rule_list(rule.content, True, True))
                elif keyword == "font-face" and rule.content is not None:
                    declarations = [
                        d
                        for d in tinycss2.parse_blocks_contents(rule.content, True, True)
                        if d.type == "declaration"
                    ]
                    family = next(
                        (
                            font_families(d.value)
                            for d in declarations
                            if d.lower_name == "font-family"
                        ),
                        [],
                    )
                    sources = [
                        url
                        for d in declarations
                        if d.lower_name == "src"
                        for url in urls_in(d.value)
                    ]
                    if family and sources:
                        faces[family[0]] = sources

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    for family, sources in faces.items():
        if family in families_used:
            # The browser takes the first source it can use: a woff2 where there is one.
            woff2 = [source for source in sources if source.split("?")[0].endswith(".woff2")]
            wanted.append((woff2 or sources)[0])
    resolved = []
    for url in wanted:
        if url.startswith("data:"):
            continue
        absolute = urljoin(css_path, url)
        if absolute not in resolved:
            resolved.append(absolute)
    return resolved


def urls_in(tokens: Iterable[Any]) -> Iterator[str]:
    for token in tokens:
        if token.type == "url":
            yield token.value
        elif token.type == "function" and token.lower_name == "url":
            yield from (t.value for t in token.arguments if t.type == "string")
        elif token.type == "function":
            yield from urls_in(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            yield from urls_in(token.content)


def font_families(tokens: list[Any]) -> list[str]:
    """The family names in a font-family or font value, in lower case."""
    names, current = [], []
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            names.append(" ".join(current))
            current = []
        elif token.type in ("string", "ident"):
            current.append(token.value)
    names.append(" ".join(current))
    return [name.lower() for name in names if name]


# --- 3. the start page in Chromium -------------------------------------------------------


@dataclass
class BrowserRun:
    fcp: float
    dom_content_loaded: float
    load: float
    usable: float
    scripts: float
    requests: int
    transferred: int  # bytes, headers included, as Chromium counts them
    button_bottom: float  # px from the top of the page to the button's bottom edge
    screen_height: float  # px


def load_start_page(browser: Any, url: str) -> BrowserRun:
    context = browser.new_context(**PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        page.add_init_script(PROBE)
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_function(
            "performance.getEntriesByType('navigation')[0].loadEventEnd > 0"
            " && window.__bench.usable !== null",
            timeout=60_000,
        )
        figures = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType("navigation")[0];
              const paint = performance.getEntriesByName("first-contentful-paint")[0];
              const resources = performance.getEntriesByType("resource");
              return {
                fcp: paint ? paint.startTime : null,
                dcl: nav.domContentLoadedEventEnd,
                load: nav.loadEventEnd,
                usable: window.__bench.usable,
                scripts: window.__bench.scripts,
                requests: 1 + resources.length,
                transferred: nav.transferSize
                  + resources.reduce((sum, r) => sum + r.transferSize, 0),
                bottom: window.__bench.bottom,
                screen: window.innerHeight,
              };
            }"""
        )
        # Playwright's own test that a person could press it: visible, steady, enabled and
        # not covered (a trial: it scrolls to the button, and clicks nothing).
        page.locator(START_BUTTON).click(trial=True, timeout=10_000)
    finally:
        context.close()
    assert figures["fcp"] is not None, "Chromium reported no first contentful paint"
    return BrowserRun(
        figures["fcp"] / 1000,
        figures["dcl"] / 1000,
        figures["load"] / 1000,
        # Usable once drawn: the probe notes the frame just before it is painted.
        max(figures["usable"], figures["fcp"]) / 1000,
        (figures["scripts"] or 0) / 1000,
        figures["requests"],
        figures["transferred"],
        figures["bottom"],
        figures["screen"],
    )


def browse(app: Any, runs: int) -> dict[str, list[BrowserRun]]:
    from playwright.sync_api import sync_playwright

    # The portal compresses what it safely can itself (portal/delivery.py).
    variants = {"As the portal serves it": app}
    results: dict[str, list[BrowserRun]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, served in variants.items():
                with serving(served) as url:
                    results[name] = []
                    for _ in range(runs):
                        run = load_start_page(browser, f"{url}/")
                        results[name].append(run)
                        print(
                            f"  {name:<36} FCP {run.fcp:5.2f} s  DOMContentLoaded "
                            f"{run.dom_content_loaded:5.2f} s  load {run.load:5.2f} s  "
                            f"usable {run.usable:5.2f} s",
                            flush=True,
                        )
        finally:
            browser.close()
    return results


# --- the report --------------------------------------------------------------------------


def kb(size: float) -> str:
    return f"{size / 1024:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests a page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5, help="start page loads in Chromium")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    args = parser.parse_args()

    load_before = load_average()
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-pages-"))
    database = create_database(workdir)
    print(f"Database: {database.description}")
    app = make_app(
        database.url,
        # Hundreds of requests from one address: the limits still run, and never trip.
        TRACKING_RATE_LIMIT="100000 per minute",
        SUBMISSION_RATE_LIMIT="100000 per minute",
    )
    try:
        build_schema(app)
        pages = public_pages(prepare(app))
        bare_page = Page(
            "Bare Flask page (base.html, nothing else)", "/", bare_app(app).test_client()
        )

        print(f"Server time: {args.requests} requests a page after {args.warmup} to warm up")
        timings = time_pages([*pages, bare_page], args.requests, args.warmup)
        bare = timings[-1]

        print("Bytes over the wire")
        weigher = Weigher(pages[0].client)
        weights = {}
        for page in pages:
            html = page.client.get(page.path).get_data()
            weights[page.name] = weigher.page(page.path.split("?")[0], html)
        # Most browsers also ask for /favicon.ico on their own when a page names no icon.
        favicon = pages[0].client.get("/favicon.ico")
        favicon_sent = sent_size(favicon.get_data(), favicon.mimetype)

        browsed = {} if args.no_browser else browse(app, args.runs)
        with app.app_context():
            from portal.extensions import db

            db.session.remove()
            db.engine.dispose()
    finally:
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    load_after = load_average()

    print()
    print(f"Machine: {machine()}; {database.description}")
    print(f"Load average (1 min) before and after: {load_before:.1f}, {load_after:.1f}")
    print()
    print(f"Server time, Flask test client, {args.requests} requests a page:")
    print()
    print("| Page | Median (ms) | p95 (ms) | Fastest (ms) | Median / bare | Fastest / bare |")
    print("|---|---:|---:|---:|---:|---:|")
    for timing in timings:
        print(
            f"| {timing.name} | {timing.median:.1f} | {timing.p95:.1f} | {timing.fastest:.1f} "
            f"| {timing.median / bare.median:.1f} | {timing.fastest / bare.fastest:.1f} |"
        )

    print()
    print(f"Bytes over the wire, each file gzip level {GZIP_LEVEL} (woff2, png as they are):")
    print()
    print("| Page | HTML (KB) | Files it loads | Total (KB) | Total uncompressed (KB) |")
    print("|---|---:|---:|---:|---:|")
    for name, assets in weights.items():
        total = sum(a.sent for a in assets)
        raw = sum(a.raw for a in assets)
        print(f"| {name} | {kb(assets[0].sent)} | {len(assets) - 1} | {kb(total)} | {kb(raw)} |")
    start = weights[pages[0].name]
    start_total = sum(a.sent for a in start)
    print()
    print("The start page, file by file:")
    print()
    print("| File | Kind | Uncompressed (KB) | Sent (KB) |")
    print("|---|---|---:|---:|")
    for asset in start:
        how = "" if asset.compressed else " (as it is)"
        print(f"| `{asset.path}` | {asset.kind} | {kb(asset.raw)} | {kb(asset.sent)}{how} |")
    print(f"| **Total** | | {kb(sum(a.raw for a in start))} | **{kb(start_total)}** |")
    print(
        f"| `/favicon.ico`, asked for by most browsers by themselves "
        f"(answered {favicon.status_code}) | | {kb(len(favicon.get_data()))} | {kb(favicon_sent)} |"
    )
    missed = []
    verdict = "met" if start_total / 1024 < GOAL_START_PAGE_KB else "MISSED"
    print(
        f"\nGoal: the start page under {GOAL_START_PAGE_KB:.0f} KB in all (gzip): {verdict} "
        f"({kb(start_total)} KB; {kb(start_total + favicon_sent)} KB with /favicon.ico). "
        f"Uncompressed: {kb(sum(a.raw for a in start))} KB."
    )
    if verdict != "met":
        missed.append("start page weight")

    if browsed:
        print()
        print(
            f"The start page in Chromium, Slow 3G ({SLOW_3G['latency']:.0f} ms a request, "
            f"{SLOW_3G['downloadThroughput'] / 1000:.0f} kB/s), cache disabled, "
            f"{PHONE['viewport']['width']}x{PHONE['viewport']['height']}; "
            f"median of {args.runs} loads, seconds:"
        )
        print()
        print(
            "| Served | First contentful paint | DOMContentLoaded | Load | Start button usable "
            "| GOV.UK Frontend started | Requests | Transferred (KB) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, runs in browsed.items():

            def median(values: list[float]) -> float:
                return statistics.median(values)

            print(
                f"| {name} | {median([r.fcp for r in runs]):.2f} "
                f"| {median([r.dom_content_loaded for r in runs]):.2f} "
                f"| {median([r.load for r in runs]):.2f} "
                f"| **{median([r.usable for r in runs]):.2f}** "
                f"| {median([r.scripts for r in runs]):.2f} "
                f"| {runs[0].requests} | {kb(median([r.transferred for r in runs]))} |"
            )
        print()
        for name, runs in browsed.items():
            usable = statistics.median([r.usable for r in runs])
            run = runs[0]
            on_screen = run.button_bottom <= run.screen_height
            where = "on the first screen" if on_screen else "below the first screen"
            where += f" ({run.button_bottom:.0f} px down; the screen is {run.screen_height:.0f} px)"
            verdict = "met" if usable < GOAL_USABLE_SECONDS else "MISSED"
            print(
                f"Goal: start button usable in under {GOAL_USABLE_SECONDS:.0f} s, {name}: "
                f"{verdict} ({usable:.2f} s; the button is {where})"
            )
            if verdict != "met":
                missed.append(f"usable in {GOAL_USABLE_SECONDS:.0f} s ({name})")
    if missed:
        print(f"\nGoals missed: {'; '.join(missed)}.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
