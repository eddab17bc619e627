"""Does the back office grow with the table? Each page's time at 100,000 cases as a ratio
to its time at 1,000, measured in one run over HTTP with gunicorn (3 workers).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/backoffice_ratios.py [--sizes 1000,100000] [--rounds 3]
    .venv/bin/python bench/backoffice_ratios.py            # SQLite only

For each size it makes (or reuses) a database of its own: on the PostgreSQL server that
DATABASE_URL names, `portal_bench_ratios_<size>`; always a SQLite file
`<tmp>/portal-bench-ratios/ratios-<size>.sqlite3` too (`--no-sqlite` skips it). Building
one: the migrations, the demo teams, the ten categories, a complaints manager, then the
cases of bench/report.py (two financial years, the last complete one and the one before,
half the size each; 12% of them imported past cases; stage responses, categories,
lessons), inserted in bulk; then 30% of the live cases are reopened at a stage with a due
date from 40 days overdue to 60 days ahead, so the queue has open cases to sort and
search. A database already built for the size is reused (`--rebuild` builds it again);
the migrations are applied to it first.

Then a gunicorn (3 sync workers) serves each database, the bench signs in as the manager
over HTTP on each, and in each of `--rounds` rounds times every page `--requests` times
on each size in turn (after warm-up requests), taking the median. The table gives each
page's median at each size and the ratio, round by round. "Annual report, counted afresh"
empties `report_counts` before each request (not timed), so the figures are counted by
the database each time; "Annual report" is the page as a committee member finds it, a
closed year's figures kept. Last, the memory (RSS) of each gunicorn worker at each size
after the rounds (the report is the last page of each round).
"""

import argparse
import http.client
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from backoffice import DUE_WHAT, OPEN_STAGES
from common import (
    MANAGER,
    PASSWORD,
    ROOT,
    csrf_token,
    database_url,
    database_version,
    free_port,
    load_average,
    machine,
    make_app,
    server_url,
    start_gunicorn,
    stop_gunicorn,
)

GOAL = 3.0


# --- the databases -------------------------------------------------------------------------


@dataclass
class Target:
    kind: str  # PostgreSQL or SQLite
    size: int
    url: str


def targets(sizes: list[int], sqlite: bool) -> list[Target]:
    found = []
    server = server_url()
    if server:
        found += [
            Target("PostgreSQL", n, database_url(server, f"portal_bench_ratios_{n}")) for n in sizes
        ]
    if sqlite:
        folder = Path(tempfile.gettempdir()) / "portal-bench-ratios"
        folder.mkdir(exist_ok=True)
        found += [Target("SQLite", n, f"sqlite:///{folder / f'ratios-{n}.sqlite3'}") for n in sizes]
    return found


def prepare(target: Target, rebuild: bool, seed: int) -> None:
    """The database built for the size, or reused when it has that many cases already."""
    from flask_migrate import upgrade

    if target.kind == "PostgreSQL":
        admin = sa.create_engine(server_url(), isolation_level="AUTOCOMMIT")
        name = sa.make_url(target.url).database
        with admin.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if rebuild and exists:
                connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if rebuild or not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    elif rebuild:
        Path(sa.make_url(target.url).database or "").unlink(missing_ok=True)
    app = make_app(target.url)
    with app.app_context():
        from portal.extensions import db

        upgrade(directory=str(ROOT / "migrations"))
        cases = db.session.scalar(
            sa.text("SELECT (SELECT count(*) FROM submissions) + (SELECT count(*) FROM past_cases)")
        )
        db.session.remove()
        db.engine.dispose()
    if cases == target.size:
        print(f"  {target.kind} {target.size:,}: reused ({target.url.rsplit('/', 1)[-1]})")
        return
    if cases:
        raise SystemExit(f"{target.url} has {cases} cases, not {target.size}: use --rebuild")
    from report import build

    from portal.domain.clock import LONDON
    from portal.domain.reports import financial_year, previous

    period = previous(financial_year(datetime.now(LONDON).date()))
    built = build(app, target.size // 2, period, seed)
    reopen(app, seed)
    print(f"\r  {target.kind} {target.size:,}: built in {built.seconds:.0f} s" + " " * 20)


def reopen(app: Any, seed: int) -> None:
    """30% of the live cases open at a stage, with a due date, as a queue has them."""
    from portal.domain.clock import LONDON
    from portal.extensions import db

    rng = random.Random(seed)
    today = datetime.now(LONDON).date()
    with app.app_context():
        ids = list(db.session.scalars(sa.text("SELECT id FROM submissions ORDER BY id")))
        rows = []
        for case_id in rng.sample(ids, int(len(ids) * 0.3)):
            stage = rng.choices([s for s, _ in OPEN_STAGES], [w for _, w in OPEN_STAGES])[0]
            due = None if stage == "ombudsman" else today + timedelta(days=rng.randint(-40, 60))
            rows.append(
                {
                    "id": case_id,
                    "stage": stage,
                    "due": due,
                    "what": DUE_WHAT.get(stage) if due else None,
                }
            )
        db.session.execute(
            sa.text(
                "UPDATE cases SET stage = :stage, next_due_on = :due, "
                "next_due_what = :what, closed_on = NULL WHERE submission_id = :id"
            ),
            rows,
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))
        db.session.remove()
        db.engine.dispose()


# --- serving and asking ----------------------------------------------------------------------


@dataclass
class Server:
    target: Target
    port: int = field(default_factory=free_port)
    process: Any = None
    cookie: str = ""

    def start(self) -> None:
        self.process = start_gunicorn(
            "wsgi:app",
            self.port,
            {
                "DATABASE_URL": self.target.url,
                "SECRET_KEY": secrets.token_hex(32),
                "SESSION_COOKIE_SECURE": "false",
                "PYTHONUNBUFFERED": "1",
            },
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/staff/sign-in")
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not start for {self.target.url}")

    def stop(self) -> None:
        stop_gunicorn(self.process)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, str, str]:
        body = urlencode(form) if form is not None else None
        sent = dict(headers)
        if self.cookie:
            sent["Cookie"] = self.cookie
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        connection.request(method, path, body, sent)
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                self.cookie = header.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text

    def get(self, path: str, **headers: str) -> str:
        status, _, text = self.request("GET", path, **headers)
        assert status == 200, (path, status)
        return text

    def sign_in(self, secret: str) -> None:
        import pyotp

        page = self.get("/staff/sign-in")
        form = {"csrf_token": csrf_token(page), "email": MANAGER, "password": PASSWORD}
        status, location, _ = self.request("POST", "/staff/sign-in", form)
        assert status == 302 and "/sign-in/code" in location, (status, location)
        path = location.replace(f"http://127.0.0.1:{self.port}", "")
        page = self.get(path)
        form = {"csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now()}
        status, location, _ = self.request("POST", path, form)
        assert status == 302 and "/sign-in" not in location, (status, location)

    def workers_rss_mb(self) -> list[float]:
        """The resident memory of each worker (the master's children), in MB."""
        assert self.process is not None
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            parent = re.search(r"^PPid:\s+(\d+)", text, re.M)
            rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
            if parent and rss and int(parent.group(1)) == self.process.pid:
                sizes.append(int(rss.group(1)) / 1024)
        return sorted(sizes)


def open_references(url: str, count: int, seed: int) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = list(
            connection.execute(
                sa.text(
                    "SELECT reference FROM submissions JOIN cases ON submission_id = submissions.id"
                    " WHERE stage <> 'closed' ORDER BY submissions.id"
                )
            ).scalars()
        )
    engine.dispose()
    return random.Random(seed).sample(found, min(count, len(found)))


def forget_kept_figures(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM report_counts"))
    engine.dispose()


def manager_secret(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        secret = connection.execute(
            sa.text("SELECT totp_secret FROM staff WHERE email = :email"), {"email": MANAGER}
        ).scalar_one()
    engine.dispose()
    return str(secret)


@dataclass
class Page:
    name: str
    path: Any  # the server's references -> (path, headers)
    before: Any = None  # run (untimed) before each request, given the database's URL


def pages(report: str) -> list[Page]:
    overdue = "/staff/?kind=complaint&status=overdue"
    return [
        Page("Queue, first page", lambda refs: ("/staff/", {})),
        Page("Queue, complaints overdue", lambda refs: (overdue, {})),
        Page("Queue, htmx filter (fragment)", lambda refs: (overdue, {"HX-Request": "true"})),
        Page("Queue, search a reference", lambda refs: (f"/staff/?reference={choice(refs)}", {})),
        Page(
            "Queue, search part of a reference",
            lambda refs: (f"/staff/?reference={choice(refs)[-6:]}", {}),
        ),
        Page("Annual report", lambda refs: (report, {})),
        Page("Annual report, counted afresh", lambda refs: (report, {}), forget_kept_figures),
    ]


def choice(refs: list[str]) -> str:
    return random.choice(refs)


def time_page(server: Server, page: Page, refs: list[str], requests: int, warmup: int) -> float:
    timings = []
    for attempt in range(warmup + requests):
        if page.before is not None:
            page.before(server.target.url)
        path, headers = page.path(refs)
        started = time.perf_counter()
        server.get(path, **headers)
        if attempt >= warmup:
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


# --- the run ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="cases, smallest first")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=9, help="timed requests a page a round")
    parser.add_argument("--warmup", type=int, default=6, help="3 workers: 2 each")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    sizes = [int(n.replace("_", "")) for n in args.sizes.split(",")]
    small, large = sizes[0], sizes[-1]

    from portal.domain.clock import LONDON
    from portal.domain.reports import financial_year, previous

    period = previous(financial_year(datetime.now(LONDON).date()))
    report = f"/staff/reports/annual?from={period.start}&to={period.end}"
    random.seed(args.seed)
    load_before = load_average()
    print("Databases")
    chosen = targets(sizes, sqlite=not args.no_sqlite)
    for target in chosen:
        prepare(target, args.rebuild, args.seed)

    lines = []
    for kind in dict.fromkeys(t.kind for t in chosen):
        servers = {t.size: Server(t) for t in chosen if t.kind == kind}
        try:
            for server in servers.values():
                server.start()
                server.sign_in(manager_secret(server.target.url))
            refs = {n: open_references(s.target.url, 500, args.seed) for n, s in servers.items()}
            medians: dict[tuple[str, int], list[float]] = {}
            for round_number in range(args.rounds):
                print(f"{kind}, round {round_number + 1}")
                for page in pages(report):
                    for size, server in servers.items():
                        median = time_page(server, page, refs[size], args.requests, args.warmup)
                        medians.setdefault((page.name, size), []).append(median)
                    now = {n: medians[(page.name, n)][-1] for n in servers}
                    print(
                        f"  {page.name:<36}"
                        + "".join(f" {now[n]:8.1f}" for n in servers)
                        + f"   {now[large] / now[small]:5.2f}x",
                        flush=True,
                    )
            rss = {n: server.workers_rss_mb() for n, server in servers.items()}
            lines.append((kind, medians, rss, database_version(servers[large].target.url)))
        finally:
            for server in servers.values():
                server.stop()

    print()
    print(
        f"{args.rounds} rounds, the median of {args.requests} requests a page a round after "
        f"{args.warmup} warm-up; gunicorn, 3 sync workers; {machine()}"
    )
    print(f"Load average (1 min) before and after: {load_before:.1f}, {load_average():.1f}")
    print(f"Annual report: {period.label()} (closed), compared with {previous(period).label()}")
    missed = False
    for kind, medians, rss, version in lines:
        print()
        print(f"{kind} ({version}): milliseconds at {small:,} and {large:,} cases, and the ratio")
        print()
        print(f"| Page | {small:,} (ms) | {large:,} (ms) | {large:,} ÷ {small:,}, each round |")
        print("|---|---:|---:|---|")
        for name in dict.fromkeys(name for name, _ in medians):
            a, b = medians[(name, small)], medians[(name, large)]
            ratios = [y / x for x, y in zip(a, b, strict=True)]
            print(
                f"| {name} | {' / '.join(f'{x:.0f}' for x in a)} | "
                f"{' / '.join(f'{y:.0f}' for y in b)} | "
                f"{' / '.join(f'{r:.2f}×' for r in ratios)} |"
            )
            if name in ("Queue, search a reference", "Annual report") and max(ratios) > GOAL:
                missed = True
        print()
        for size, sizes_mb in rss.items():
            print(
                f"Each gunicorn worker's memory (RSS) after the rounds at {size:,} cases: "
                + ", ".join(f"{mb:.0f} MB" for mb in sizes_mb)
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
