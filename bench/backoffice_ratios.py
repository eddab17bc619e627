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
from datetime import date, datetime, timedelta
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
    vacuum_analyze,
)

GOAL = 3.0
GOALS = ("Queue, search a reference", "Annual report", "Annual report, this year (open)")


# --- the databases -------------------------------------------------------------------------


@dataclass
class Target:
    kind: str  # PostgreSQL or SQLite
    size: int
    url: str


def targets(sizes: list[int], sqlite: bool, tag: str = "") -> list[Target]:
    found = []
    server = server_url()
    name = f"ratios_{tag}_" if tag else "ratios_"
    if server:
        found += [
            Target("PostgreSQL", n, database_url(server, f"portal_bench_{name}{n}")) for n in sizes
        ]
    if sqlite:
        folder = Path(tempfile.gettempdir()) / "portal-bench-ratios"
        folder.mkdir(exist_ok=True)
        file = name.replace("_", "-")
        found += [Target("SQLite", n, f"sqlite:///{folder / f'{file}{n}.sqlite3'}") for n in sizes]
    return found


def shares(size: int, today: date) -> tuple[int, int]:
    """The contacts of each of the two complete financial years, and of the year not over
    yet (to today), received at one steady rate, `size` in all."""
    from portal.domain.reports import financial_year

    year = financial_year(today)
    part = ((today - year.start).days + 1) / 365
    per_year = round(size / (2 + part))
    return per_year, size - 2 * per_year


def prepare(target: Target, rebuild: bool, seed: int) -> None:
    """The database built for the size, or reused when it has that many cases already."""
    from flask_migrate import upgrade

    from portal.domain.clock import LONDON
    from portal.domain.reports import financial_year, previous

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
        this_year = db.session.scalar(
            sa.text("SELECT count(*) FROM submissions WHERE received_on >= :start"),
            {"start": financial_year(datetime.now(LONDON).date()).start},
        )
        db.session.remove()
        db.engine.dispose()
    if cases == target.size and this_year:
        print(f"  {target.kind} {target.size:,}: reused ({target.url.rsplit('/', 1)[-1]})")
        return
    if cases == target.size:
        raise SystemExit(f"{target.url} has no cases this year (built before): use --rebuild")
    if cases:
        raise SystemExit(f"{target.url} has {cases} cases, not {target.size}: use --rebuild")
    from report import build

    today = datetime.now(LONDON).date()
    period = previous(financial_year(today))
    per_year, this_year = shares(target.size, today)
    built = build(app, per_year, period, seed, this_year=this_year)
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
            vacuum_analyze(db.engine)
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


def change_a_case(url: str, earlier_month: bool = False) -> None:
    """A complaint received this month (or, `earlier_month`, in an earlier month of this
    financial year) changes what the report counts (who made it), and its day's change is
    counted as the portal counts it (models/report.py, note_changes)."""
    from portal.domain.clock import LONDON
    from portal.domain.reports import financial_year

    today = datetime.now(LONDON).date()
    month = today.replace(day=1)
    start, end = (financial_year(today).start, month) if earlier_month else (month, today)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        case = connection.execute(
            sa.text(
                "SELECT submissions.id, submissions.received_on FROM submissions "
                "JOIN cases ON cases.submission_id = submissions.id WHERE cases.kind = "
                "'complaint' AND received_on >= :start AND received_on < :end "
                "ORDER BY random() LIMIT 1"
            ),
            {"start": start, "end": end},
        ).one()
        connection.execute(
            sa.text(
                "UPDATE submissions SET submitter_role = CASE submitter_role "
                "WHEN 'parent' THEN 'relative' ELSE 'parent' END WHERE id = :id"
            ),
            {"id": case.id},
        )
        connection.execute(
            sa.text(
                "INSERT INTO report_changes (day, changes) VALUES (:day, 1) ON CONFLICT (day) "
                "DO UPDATE SET changes = report_changes.changes + 1"
            ),
            {"day": case.received_on},
        )
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


def pages(report: str, this_year: str) -> list[Page]:
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
        Page("Annual report, this year (open)", lambda refs: (this_year, {}), change_a_case),
        Page(
            "This year, after a change in an earlier month",
            lambda refs: (this_year, {}),
            lambda url: change_a_case(url, earlier_month=True),
        ),
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
    parser.add_argument("--tag", default="", help="own databases: portal_bench_ratios_TAG_n")
    args = parser.parse_args()
    sizes = [int(n.replace("_", "")) for n in args.sizes.split(",")]
    small, large = sizes[0], sizes[-1]

    from portal.domain.clock import LONDON
    from portal.domain.reports import financial_year, previous

    current = financial_year(datetime.now(LONDON).date())
    period = previous(current)
    report = f"/staff/reports/annual?from={period.start}&to={period.end}"
    this_year = f"/staff/reports/annual?from={current.start}&to={current.end}"
    random.seed(args.seed)
    load_before = load_average()
    print("Databases")
    chosen = targets(sizes, sqlite=not args.no_sqlite, tag=args.tag)
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
                for page in pages(report, this_year):
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
    print(f"This year: {current.label()} (open), compared with {period.label()}")
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
            if name in GOALS and max(ratios) > GOAL:
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
