"""The public pages' server time, and Send's, each as a ratio to a yardstick measured in
the same run (issue 19), over HTTP with gunicorn (3 sync workers), on PostgreSQL and
SQLite.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/public_speed.py [--rounds 3] [--requests 30] [--sends 15]
            [--send-only] [--bare-reads | --driver-reads] [--redis redis://127.0.0.1:6379/0]
    .venv/bin/python bench/public_speed.py            # SQLite only

For each database (a new PostgreSQL database on the server DATABASE_URL names, dropped
afterwards, and a temporary SQLite file; `--no-sqlite` skips SQLite): the migrations and
the demo teams (bench/common.py); a parent fills in a complaint up to check your answers
and another sends one, page by page with the integration tests' journey helpers in this
process; the filled-in draft is copied (`--sends` × rounds × 2 copies), each copy in a
session of its own (a session cookie signed with the servers' key), ready to be sent.

Then two gunicorns (3 sync workers each) serve the database: the portal (`wsgi:app`) and
the yardstick (bench/yardstick.py: the bare Flask page rendering the same base.html with
the same loader, globals and Babel; and the bare Send, writing the same rows in one
transaction). In each round:

- **Pages**: `--requests` times, each page in turn, each followed by the bare page (so a
  change in the machine's load falls on both alike); a page's figure is its median
  over the bare page's median in that round (≤ 1.5× is the goal).
- **Send**: `--sends` times, check your answers is read for its CSRF token (not timed),
  then Send is pressed (the POST timed, to its redirect to the confirmation), then the
  bare Send writes the same rows for another copy of the draft. The figure is the bare
  Send's median over Send's (≥ 0.5× is the goal: Send takes at most twice as long).

`--bare-reads`: each page that reads the database is measured against a bare page that
makes the same read first (bench/yardstick.py `add_reads`: its statement through
`read_now`, as rows), timed beside it, instead of the plain bare page: the portal's own
work over Flask doing the same read. `--driver-reads`: the same, the bare page's read
made by the driver alone on a connection kept open (yardstick.DriverReads): the least
any page making that read could cost, over HTTP.

The portal's rate limits are counted in each worker's memory, or with `--redis URL` in
Redis as deployed (REDIS_URL; a database of its own, e.g. redis://127.0.0.1:6379/15, so
that no other run's counts are shared). Each request is a new connection (http.client),
asking for gzip as a browser does, the response read to its end. Before the
rounds, `--warmup` requests of each page warm the three workers. Prints a markdown table
per database, the load average before and after, and the start page's size as sent
(gzip when asked for); exits non-zero if a goal is missed.
"""

import argparse
import http.client
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from common import (
    ROOT,
    build_schema,
    create_database,
    csrf_token,
    free_port,
    load_average,
    machine,
    make_app,
    postgres_database,
    server_url,
    start_gunicorn,
    stop_gunicorn,
)
from yardstick import read_path

KEY = "bench-" + "0" * 32
GOAL_PAGE = 1.5
GOAL_SEND = 0.5
GOAL_START_KB = 100.0


@dataclass
class Server:
    """A gunicorn (3 sync workers) serving `app` on the database at `url`."""

    app: str
    url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: Any = None

    def start(self, ready_path: str) -> None:
        environment = {
            "DATABASE_URL": self.url,
            "SECRET_KEY": KEY,
            "SESSION_COOKIE_SECURE": "false",
            "WELSH_ENABLED": "true",
            "SUBMISSION_RATE_LIMIT": "100000 per minute",
            "TRACKING_RATE_LIMIT": "100000 per minute",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
        } | self.extra_env
        self.process = start_gunicorn(self.app, self.port, environment)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                request(self.port, "GET", ready_path)
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not start: {self.app}")

    def stop(self) -> None:
        stop_gunicorn(self.process)


@dataclass
class Reply:
    status: int
    location: str
    body: bytes
    cookie: str
    elapsed: float  # milliseconds, from connecting to the last byte


def request(
    port: int,
    method: str,
    path: str,
    *,
    cookie: str = "",
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    sent = {"Accept-Encoding": "gzip, deflate, br"} | (headers or {})  # as a browser asks
    if cookie:
        sent["Cookie"] = cookie
    body = urlencode(form) if form is not None else None
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request(method, path, body, sent)
    response = connection.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    new_cookie = cookie
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            new_cookie = header.split(";", 1)[0]
    return Reply(response.status, response.headers.get("Location", ""), data, new_cookie, elapsed)


# --- preparing the database ----------------------------------------------------------------


@dataclass
class Prepared:
    filling_in: str  # a session cookie: a complaint filled in up to check your answers
    welsh: str  # the same, in Welsh
    steps: list[str]  # the questions it asked
    sent: str  # has just sent a complaint
    tracking_path: str
    sample_submission: int
    drafts: list[str]  # copies of the filled-in draft, to send


def session_cookie(app: Any, data: dict[str, Any]) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    return f"session={serializer.dumps(data)}"


def prepare(url: str, copies: int) -> Prepared:
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    from journey_helpers import Journey, answers_for  # type: ignore[import-not-found]

    from portal.extensions import db
    from portal.models import Draft, OutboxMessage, Submission

    app = make_app(url, SECRET_KEY=KEY, WELSH_ENABLED=True)
    build_schema(app)
    with app.app_context():
        answers = answers_for("complaint", "parent")
    filling = app.test_client()
    steps = Journey(filling, "complaint").fill(answers)
    sent = app.test_client()
    journey = Journey(sent, "complaint")
    journey.fill(answers)
    journey.send_and_confirm()

    def cookie_of(client: Any) -> str:
        return f"session={client.get_cookie('session').value}"

    with app.app_context():
        draft_id = db.session.scalar(sa.select(Draft.id))
        draft = db.session.get(Draft, draft_id)
        assert draft is not None
        submission = db.session.scalars(sa.select(Submission)).one()
        outbox = OutboxMessage.__table__
        bodies = db.session.execute(sa.select(outbox)).mappings().all()
        text = " ".join(str(value) for row in bodies for value in row.values())
        link = re.search(r"/track/[^/\s\"]+/[A-Za-z0-9_\-]+", text)
        assert link, "no tracking link in the acknowledgement"
        row = {c.name: getattr(draft, c.key) for c in Draft.__table__.columns}
        ids = [secrets.token_urlsafe(32) for _ in range(copies)]
        db.session.execute(sa.insert(Draft.__table__), [row | {"id": i} for i in ids])
        db.session.commit()
        welsh = session_cookie(
            app, {"drafts": {"complaint": draft_id}, "language": "cy", "_permanent": True}
        )
        prepared = Prepared(
            cookie_of(filling), welsh, steps, cookie_of(sent), link.group(0), submission.id, ids
        )
        db.session.remove()
        db.engine.dispose()
    prepared.drafts = ids
    return prepared


# --- the rounds ----------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    cookie: str = ""
    status: int = 200


def pages_of(prepared: Prepared) -> list[Page]:
    journeys = {
        "Make a complaint": "make-a-complaint",
        "Tell us something is wrong": "tell-us-something-is-wrong",
        "Ask for an advocate": "ask-for-an-advocate",
        "Give a compliment": "give-a-compliment",
    }
    filling = prepared.filling_in
    return [
        Page("Start page", "/"),
        *(
            Page(f"{name}: first question", f"/{slug}/who-are-you")
            for name, slug in journeys.items()
        ),
        *(
            Page(f"Answered: {step}", f"/make-a-complaint/{step}", filling)
            for step in prepared.steps
            if step != "files"
        ),
        Page(
            "Answered: what-happened, in Welsh", "/make-a-complaint/what-happened", prepared.welsh
        ),
        Page("Check your answers", "/make-a-complaint/check-answers", filling),
        Page("Check your answers, in Welsh", "/make-a-complaint/check-answers", prepared.welsh),
        Page("Confirmation", "/make-a-complaint/confirmation", prepared.sent),
        Page("Tracking page", prepared.tracking_path),
        Page("Get help now", "/make-a-complaint/get-help-now?then=contact", filling),
        Page("Save and come back later", "/make-a-complaint/save-for-later?step=contact", filling),
        Page("Page not found", "/no-such-page", status=404),
    ]


def time_page(port: int, page: Page) -> float:
    reply = request(port, "GET", page.path, cookie=page.cookie)
    assert reply.status == page.status, (page.path, reply.status, reply.location)
    page.cookie = reply.cookie
    return reply.elapsed


@dataclass
class Results:
    kind: str
    version: str
    pages: dict[str, list[float]] = field(default_factory=dict)  # median ms per round
    bare: list[float] = field(default_factory=list)
    # With `--bare-reads`: each page's own bare page (one that makes its read), per round.
    page_bare: dict[str, list[float]] = field(default_factory=dict)
    bare_reads: bool = False
    reading: set[str] = field(default_factory=set)  # the pages whose bare page reads
    send: list[float] = field(default_factory=list)
    bare_send: list[float] = field(default_factory=list)
    start_kb: float = 0.0


def send_once(port: int, draft_id: str, app: Any) -> float:
    cookie = session_cookie(app, {"drafts": {"complaint": draft_id}, "_permanent": True})
    page = request(port, "GET", "/make-a-complaint/check-answers", cookie=cookie)
    assert page.status == 200, (page.status, page.location)
    reply = request(
        port,
        "POST",
        "/make-a-complaint/check-answers",
        cookie=page.cookie,
        form={"csrf_token": csrf_token(page.body.decode())},
    )
    assert reply.status == 302 and reply.location.endswith("/confirmation"), reply.location
    return reply.elapsed


def bare_send_once(port: int, draft_id: str) -> float:
    reply = request(port, "POST", "/send", form={"draft": draft_id})
    assert reply.status == 200, reply.body[:500]
    return reply.elapsed


def measure(kind: str, url: str, version: str, args: argparse.Namespace) -> Results:
    copies = args.rounds * args.sends * 2 + 6
    prepared = prepare(url, copies)
    signer = make_app(url, SECRET_KEY=KEY)  # signs the copies' session cookies
    # As deployed, the rate limits counted in Redis (`--redis`); without it, in each
    # worker's memory (limits' memory storage starts a timer thread as a request counts).
    portal = Server("wsgi:app", url, {"REDIS_URL": args.redis} if args.redis else {})
    yardstick = Server(
        "yardstick:create()",
        url,
        {"YARDSTICK_SAMPLE_SUBMISSION": str(prepared.sample_submission)},
    )
    reads = "read" if args.bare_reads else "driver" if args.driver_reads else None
    results = Results(kind, version, bare_reads=reads is not None)
    drafts = list(prepared.drafts)
    try:
        portal.start("/")
        yardstick.start("/")
        pages = [] if args.send_only else pages_of(prepared)
        # Each page's bare page: the plain one, or with `--bare-reads` one that reads
        # what the page reads (yardstick.add_reads), on the first copy of the draft
        # (Send takes the copies from the other end and leaves two).
        bare_of = {
            page.name: Page(
                "Bare page",
                read_path(page.name, page.path, drafts[0], prepared.tracking_path, reads)
                if reads
                else "/",
            )
            for page in pages
        }
        results.reading = {name for name, bare in bare_of.items() if bare.path != "/"}
        for _ in range(args.warmup):
            for page in pages:
                time_page(portal.port, page)
                time_page(yardstick.port, bare_of[page.name])
        for _ in range(2):  # warm Send and the bare Send
            send_once(portal.port, drafts.pop(), signer)
            bare_send_once(yardstick.port, drafts.pop())
        gzipped = request(portal.port, "GET", "/")
        results.start_kb = len(gzipped.body) / 1000
        for _ in range(args.rounds):
            times: dict[str, list[float]] = {page.name: [] for page in pages}
            page_bare: dict[str, list[float]] = {page.name: [] for page in pages}
            bare_times: list[float] = []
            for _ in range(args.requests):
                for page in pages:
                    times[page.name].append(time_page(portal.port, page))
                    spent = time_page(yardstick.port, bare_of[page.name])
                    page_bare[page.name].append(spent)
                    if bare_of[page.name].path == "/":
                        bare_times.append(spent)
            for name, values in times.items():
                results.pages.setdefault(name, []).append(statistics.median(values))
                results.page_bare.setdefault(name, []).append(statistics.median(page_bare[name]))
            if bare_times:
                results.bare.append(statistics.median(bare_times))
            sends, bare_sends = [], []
            for _ in range(args.sends):
                sends.append(send_once(portal.port, drafts.pop(), signer))
                bare_sends.append(bare_send_once(yardstick.port, drafts.pop()))
            results.send.append(statistics.median(sends))
            results.bare_send.append(statistics.median(bare_sends))
    finally:
        portal.stop()
        yardstick.stop()
    return results


def report(results: Results) -> bool:
    """Prints the table; whether every goal is met."""
    met = True
    rounds = len(results.bare)
    print()
    if rounds:
        print(f"**{results.version}**: median milliseconds each round, and the ratio each round")
        if results.bare_reads:
            print()
            print("Each page over a bare page that makes the same read (`--bare-reads`,")
            print("`--driver-reads`: read by the driver alone).")
        print()
        if results.bare_reads:
            # And the bare page that reads over the plain one: what the read alone costs.
            print(
                "| Page | ms, each round | ÷ its bare page, each round | ≤ 1.5× "
                "| its bare page ÷ the plain one |"
            )
            print("|---|---:|---|---|---|")
        else:
            print("| Page | ms, each round | ÷ bare page, each round | ≤ 1.5× |")
            print("|---|---:|---|---|")
    else:
        print(f"**{results.version}**: Send only")
    for name, medians in results.pages.items():
        # Each page over the bare page timed beside it: the plain one, or (--bare-reads)
        # the one that reads what it reads.
        under = results.page_bare[name] if results.bare_reads else results.bare
        ratios = [m / b for m, b in zip(medians, under, strict=True)]
        ok = max(ratios) <= GOAL_PAGE
        met &= ok
        read_alone = ""
        if name not in results.reading and results.bare_reads:
            read_alone = " |"
        elif results.bare_reads:
            alone = [b / plain for b, plain in zip(under, results.bare, strict=True)]
            read_alone = f" {' / '.join(f'{r:.2f}×' for r in alone)} |"
        print(
            f"| {name} | {' / '.join(f'{m:.1f}' for m in medians)} | "
            f"{' / '.join(f'{r:.2f}×' for r in ratios)} | {'yes' if ok else '**no**'} |"
            + read_alone
        )
    if rounds:
        print(
            f"| *Bare page* | {' / '.join(f'{b:.1f}' for b in results.bare)} | "
            f"{' / '.join('1.00×' for _ in range(rounds))} | |"
        )
    ratios = [b / s for s, b in zip(results.send, results.bare_send, strict=True)]
    ok = min(ratios) >= GOAL_SEND
    met &= ok
    print()
    print("| Send | Send, ms | Bare Send (same rows), ms | bare ÷ Send, each round | ≥ 0.5× |")
    print("|---|---:|---:|---|---|")
    print(
        f"| Check your answers, POST | {' / '.join(f'{s:.1f}' for s in results.send)} | "
        f"{' / '.join(f'{b:.1f}' for b in results.bare_send)} | "
        f"{' / '.join(f'{r:.2f}×' for r in ratios)} | {'yes' if ok else '**no**'} |"
    )
    print()
    print(f"Start page as sent (gzip): {results.start_kb:.1f} KB (goal ≤ {GOAL_START_KB:.0f} KB)")
    met &= results.start_kb <= GOAL_START_KB
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30, help="of each page, each round")
    parser.add_argument("--sends", type=int, default=15, help="Sends each round")
    parser.add_argument("--warmup", type=int, default=6, help="requests of each page first")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--redis", metavar="URL", help="the portal's rate limits in Redis (REDIS_URL), as deployed"
    )
    parser.add_argument(
        "--send-only", action="store_true", help="time Send and the bare Send, no pages"
    )
    same_read = parser.add_mutually_exclusive_group()
    same_read.add_argument(
        "--bare-reads",
        action="store_true",
        help="each page over a bare page that makes the same read (yardstick.add_reads)",
    )
    same_read.add_argument(
        "--driver-reads",
        action="store_true",
        help="each page over a bare page making the same read by the driver alone",
    )
    args = parser.parse_args()

    load_before = load_average()
    targets = []
    if server := server_url():
        targets.append(postgres_database(server, prefix="portal_bench_public"))
    workdir = Path(tempfile.mkdtemp(prefix="portal-public-speed-"))
    if not args.no_sqlite:
        os.environ.pop("DATABASE_URL", None)
        targets.append(create_database(workdir, filename="public.sqlite3"))
    all_results = []
    try:
        for target in targets:
            from common import database_version

            version = f"{database_version(target.url)}"
            all_results.append(measure(target.kind, target.url, version, args))
    finally:
        for target in targets:
            target.drop()
    print(
        f"Public pages over HTTP, gunicorn 3 sync workers; {args.rounds} rounds, "
        f"{args.requests} requests a page and {args.sends} Sends a round; {machine()}"
    )
    print(f"The portal's rate limits: {'Redis, ' + args.redis if args.redis else 'in memory'}")
    print(f"Load average (1 min) before and after: {load_before:.1f}, {load_average():.1f}")
    met = all([report(results) for results in all_results])
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
