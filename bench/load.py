"""Load and faults: many people sending at once to two app instances, with two outbox workers.

    .venv/bin/python bench/load.py [--count 5000] [--people 24] [--runs steady,faults]

Everything runs on this machine over loopback, as it would in production on two hosts:

- PostgreSQL (DATABASE_URL's server, default 127.0.0.1:5432): each run makes a database of
  its own, `portal_load_<random>`, with the real migrations and the demo teams, and drops it.
- Redis (REDIS_URL, default redis://127.0.0.1:6379/0) holds the rate limits of both instances.
- Two app instances: gunicorn, `--app-workers` sync workers each, on two ports.
- Two outbox workers: `flask --app wsgi outbox work`.
- One SMTP server (aiosmtpd) in a process of its own, noting each message that arrives.
- `--people` simulated people at a time (threads in four client processes). Each goes
  through a whole journey over HTTP as a browser would: the first question, each answer
  posted and its redirect followed, check your answers, Send, the confirmation page. Each
  person has an address of their own (X-Forwarded-For, trusted as from one load balancer),
  so the per-address limits apply as in real life and do not throttle the test. A person
  whose instance stops answering tries again on the other one, as a load balancer would
  send them.

A share of them (`--replies`, 30% by default) then wait for their acknowledgement email,
open the tracking page from its link and send a reply (the reply form read, then sent, then
its confirmation); half of those whose case takes more (not a compliment's) add information
as well. A reply sent again after a failover carries the same form key, so it is kept once.

The `faults` run does the same while, at set points, the SMTP server is down for
`--smtp-down` seconds (at 20% of the submissions), one app instance is killed with SIGKILL
(at 40%) and one outbox worker is killed with SIGKILL while messages are claimed (at 60%).

Then it checks, from the database and from what the SMTP server received: every person's
submission is stored once (none lost, none doubled), no reference is shared, every
reference a person was shown is theirs, every submission has exactly one acknowledgement
queued and it arrived exactly once (a killed worker may send the one message it had in
hand twice: at most one extra email per killed worker, docs/outbox.md), and every other
message arrived; each reply and each piece of information is kept exactly once, with
exactly one email to staff. It prints a table of throughput, p50/p95/p99 and these counts,
and exits non-zero if any check fails.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from common import (
    SmtpServer,
    drop_postgres_database,
    free_port,
    load_average,
    machine,
    percentile,
    postgres_database,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
REFERENCE = re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{4,}\b")
CLIENT_PROCESSES = 4
SLUGS = {"complaint": "make-a-complaint", "compliment": "give-a-compliment"}


# --- the portal's processes -------------------------------------------------------------------


@dataclass
class Portal:
    """The database, two app instances and two outbox workers of one run."""

    server_url: str
    redis_url: str
    smtp_port: int
    app_workers: int
    folder: Path
    database: str = field(default_factory=lambda: f"portal_load_{secrets.token_hex(4)}")
    ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    instances: list[subprocess.Popen[bytes]] = field(default_factory=list)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return sa.make_url(self.server_url).set(database=self.database).render_as_string(False)

    def environment(self) -> dict[str, str]:
        return os.environ | {
            "DATABASE_URL": self.url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": self.secret,
            "TRUSTED_PROXIES": "1",
            "SESSION_COOKIE_SECURE": "false",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.smtp_port),
            # Quicker than production so a run recovers within minutes: retries from 2 s,
            # a dead worker's claim taken over after 30 s, enough tries to outlast the gap.
            "OUTBOX_RETRY_BASE_SECONDS": "2",
            "OUTBOX_STUCK_AFTER_SECONDS": "30",
            "OUTBOX_MAX_ATTEMPTS": "20",
            "SMTP_TIMEOUT_SECONDS": "10",
            "PYTHONUNBUFFERED": "1",
        }

    def create(self) -> None:
        self.secret = secrets.token_hex(32)
        postgres_database(self.server_url, name=self.database)
        environment = self.environment()
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        subprocess.run(
            [*flask, "db", "upgrade"], cwd=ROOT, env=environment, check=True, capture_output=True
        )
        load_teams = (
            "from wsgi import app\nfrom portal.services.teams import load_demo_teams\n"
            "with app.app_context(): load_demo_teams()"
        )
        subprocess.run(
            [sys.executable, "-c", load_teams],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        environment = self.environment()
        for n, port in enumerate(self.ports):
            log = (self.folder / f"app-{n}.log").open("wb")
            self.instances.append(
                subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "--workers",
                        str(self.app_workers),
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--timeout",
                        "60",
                        "wsgi:app",
                    ],
                    cwd=ROOT,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own group: a kill takes master and workers
                )
            )
        for n in range(2):
            log = (self.folder / f"worker-{n}.log").open("wb")
            self.workers.append(
                subprocess.Popen(
                    [str(BIN / "flask"), "--app", "wsgi", "outbox", "work"],
                    cwd=ROOT,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        for port in self.ports:
            wait_for_http(port)

    def kill_instance(self, n: int) -> None:
        os.killpg(self.instances[n].pid, signal.SIGKILL)
        self.instances[n].wait()

    def kill_worker(self, n: int) -> None:
        os.killpg(self.workers[n].pid, signal.SIGKILL)
        self.workers[n].wait()

    def stop(self) -> None:
        for process in self.instances + self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.instances + self.workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def drop(self) -> None:
        drop_postgres_database(self.server_url, self.database)


def wait_for_http(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


# --- the people -------------------------------------------------------------------------------


# Of every ten people: six parents' complaints, two children's, two compliments.
MIX = [("complaint", "parent")] * 6 + [("complaint", "child")] * 2 + [("compliment", "parent")] * 2


def kind_and_role(number: int) -> tuple[str, str]:
    return MIX[number % 10]


def email_of(run: str, number: int) -> str:
    return f"person{number}.{run}@load.example"


def replies(number: int, share: float) -> bool:
    """Whether this person replies from their tracking page (spread across the mix)."""
    return (number * 37) % 100 < share * 100


def adds_information(number: int) -> bool:
    """Whether a person who replies adds information too (half of those who can)."""
    kind, _ = kind_and_role(number)
    return kind != "compliment" and (number // 7) % 2 == 0


REPLY = "Thank you. The next meeting is on Tuesday; I can come after 3pm."
INFORMATION = "The letter about the review was dated 3 March and came on 20 March."


def answers(kind: str, role: str, team_id: str, email: str) -> dict[str, dict[str, Any]]:
    """Plausible answers to every question this person could be asked."""
    happened: dict[str, Any] = {
        "what_happened": "Nobody came to the review meeting and nobody told us why.",
        "when_it_happened": "last_month",
    }
    # A child says who it is about in their own words ("where I live": the same team).
    about: dict[str, Any] = {"about": "where_i_live"} if role == "child" else {"team": team_id}
    if kind == "compliment":
        happened = {"what_happened": "Our social worker listened and came every week."}
        about["worker_name"] = "Jo Bloggs"
    return {
        "who-are-you": {"role": role},
        "are-you-safe": {"in_danger": "no"},
        "about-the-child": {
            "child_name": "Sam Taylor",
            "child_date_of_birth": ["14", "3", "2012"],
            "child_age": "",
        },
        "the-childs-views": {"child_agreement": "agrees", "child_reply_preference": "through_me"},
        "your-age": {"age": "14"},
        "what-it-is-about": about,
        "what-happened": happened,
        "put-it-right": {"put_right": "An apology, and a worker who turns up."},
        "files": {},
        "advocate": {"advocacy": "declined"},
        "contact": {
            "name": "Alex Morgan",
            "contact_preference": "email",
            "email": email,
            "safe_to_contact": ["phone", "voicemail", "letters"],
        },
        "support": {"support": "none"},
    }


class InstanceDown(Exception):
    pass


@dataclass
class Person:
    """One person's browser: their cookie, their address, the instance they are sent to."""

    number: int
    ports: list[int]
    address: str
    cookie: str = ""
    failovers: int = 0
    timings: list[tuple[str, float]] = field(default_factory=list)

    def request(
        self, name: str, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, str, str]:
        body = urlencode(form, doseq=True) if form is not None else None
        headers = {"X-Forwarded-For": self.address}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(6):
            port = self.ports[(self.number + self.failovers) % len(self.ports)]
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                connection.request(method, path, body, headers)
                response = connection.getresponse()
                text = response.read().decode()
                connection.close()
            except (OSError, http.client.HTTPException):
                # The instance is gone: the load balancer sends the person to the other.
                self.failovers += 1
                time.sleep(0.2 * attempt)
                continue
            self.timings.append((name, time.perf_counter() - started))
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("session="):
                    self.cookie = header.split(";", 1)[0]
            return response.status, response.headers.get("Location", ""), text
        raise InstanceDown(path)


@dataclass
class Outcome:
    number: int
    reference: str | None
    problem: str | None
    started: float
    finished: float
    failovers: int
    sent_twice: bool
    timings: list[tuple[str, float]]
    replied: bool = False
    informed: bool = False
    sent_again: int = 0  # a tracking-page step sent again on the other instance
    done: float = 0.0  # the person's last request answered (after any replies)


def tracking_link(links: Path, email: str, seconds: float = 300) -> str:
    """The tracking page's address from the person's acknowledgement, once it arrives."""
    target = links / email.lower()
    deadline = time.time() + seconds
    while not target.exists():
        if time.time() > deadline:
            raise AssertionError("no acknowledgement with a tracking link arrived")
        time.sleep(0.25)
    return target.read_text()


def send_from_tracking_page(person: Person, track: str, path: str, name: str, text: str) -> int:
    """Open the step's form from the tracking page, send it, read its confirmation. Says
    whether the step was sent again on the other instance (its own died meanwhile)."""
    _, _, page = person.request(f"{name} form (GET)", "GET", f"{track}/{path}")
    token, key = CSRF.search(page), FORM_KEY.search(page)
    assert token and key, f"no CSRF token or form key on {path}"
    failovers = person.failovers
    status, location, _ = person.request(
        f"{name} (POST)",
        "POST",
        f"{track}/{path}",
        {"csrf_token": token.group(1), "form_key": key.group(1), "text": text},
    )
    if status != 302 or "/sent/" not in location:
        raise AssertionError(f"{path}: HTTP {status}")
    again = int(person.failovers > failovers)
    person.request(f"{name} sent (GET)", "GET", location)
    return again


def from_tracking_page(person: Person, links: Path, email: str) -> tuple[bool, bool, int]:
    """A person who replies: the tracking page from their email's link, then the reply
    (and, for some, information). Says what they sent, and how many were sent again."""
    track = tracking_link(links, email)
    person.request("tracking page (GET)", "GET", track)
    again = send_from_tracking_page(person, track, "reply", "reply", REPLY)
    if not adds_information(person.number):
        return True, False, again
    again += send_from_tracking_page(
        person, track, "add-information", "add information", INFORMATION
    )
    return True, True, again


def journey(
    number: int, ports: list[int], run: str, team_id: str, links: Path, share: float
) -> Outcome:
    kind, role = kind_and_role(number)
    slug = SLUGS[kind]
    address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
    person = Person(number, ports, address)
    started = time.time()
    reference = problem = None
    sent_twice = replied = informed = False
    sent_again = 0
    confirmed = None
    try:
        _, _, page = person.request("question (GET)", "GET", f"/{slug}/who-are-you")
        found = CSRF.search(page)
        assert found, "no CSRF token on the first page"
        token = found.group(1)
        given = answers(kind, role, team_id, email_of(run, number))
        step, asked = "who-are-you", []
        while step != "check-answers":
            if step in asked or step not in given:
                raise AssertionError(f"asked {step!r} after {asked}")
            asked.append(step)
            status, location, _ = person.request(
                "answer (POST)", "POST", f"/{slug}/{step}", given[step] | {"csrf_token": token}
            )
            if status != 302:
                raise AssertionError(f"{step}: HTTP {status}")
            step = location.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        person.request("check answers (GET)", "GET", f"/{slug}/check-answers")
        failovers = person.failovers
        status, location, _ = person.request(
            "send (POST)", "POST", f"/{slug}/check-answers", {"csrf_token": token}
        )
        sent_twice = person.failovers > failovers
        if status == 302 and location.endswith("/confirmation"):
            _, _, page = person.request("confirmation (GET)", "GET", f"/{slug}/confirmation")
            shown = REFERENCE.search(page)
            reference = shown.group(0) if shown else None
            if reference is None:
                problem = "no reference on the confirmation page"
            elif replies(number, share):
                # The journey (and the rates) end at the confirmation; what follows waits
                # for the email first, and its requests are timed on their own.
                confirmed = time.time()
                replied, informed, sent_again = from_tracking_page(
                    person, links, email_of(run, number)
                )
        elif sent_twice and status == 400:
            # The instance died after saving and before answering: the person sees
            # "session ended". Whether it was saved is checked from the database.
            problem = None
        else:
            problem = f"send: HTTP {status}"
    except (AssertionError, InstanceDown) as error:
        problem = f"{type(error).__name__}: {error}"
    return Outcome(
        number,
        reference,
        problem,
        started,
        confirmed or time.time(),
        person.failovers,
        sent_twice,
        person.timings,
        replied,
        informed,
        sent_again,
        time.time(),
    )


def client_process(
    numbers: Any,
    lock: Any,
    count: int,
    threads: int,
    ports: list[int],
    run: str,
    team_id: str,
    links: Path,
    share: float,
    results: Any,
) -> None:
    def one_person_after_another() -> None:
        while True:
            with lock:
                number = numbers.value
                if number >= count:
                    return
                numbers.value += 1
            results.put(journey(number, ports, run, team_id, links, share))

    pool = [threading.Thread(target=one_person_after_another) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


# --- one run ----------------------------------------------------------------------------------


@dataclass
class Faults:
    smtp_down_seconds: float
    done: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def inject(
    faults: Faults,
    progress: float,
    portal: Portal,
    smtp: SmtpServer,
    started: float,
    timers: list[threading.Timer],
) -> None:
    at = f"{time.time() - started:.0f} s"
    if progress >= 0.2 and "smtp" not in faults.done:
        faults.done.append("smtp")
        smtp.down()
        timer = threading.Timer(faults.smtp_down_seconds, smtp.up)
        timer.start()
        timers.append(timer)
        faults.notes.append(f"SMTP server down at {at} for {faults.smtp_down_seconds:.0f} s")
    if progress >= 0.4 and "instance" not in faults.done:
        faults.done.append("instance")
        portal.kill_instance(1)
        faults.notes.append(f"app instance 2 killed (SIGKILL, master and workers) at {at}")
    if progress >= 0.6 and "worker" not in faults.done:
        faults.done.append("worker")
        # The relay slows down so both workers are part-way through a batch when one dies.
        smtp.slow(1.0)
        deadline = time.time() + 30
        while claiming_workers(portal.url) < 2 and time.time() < deadline:
            time.sleep(0.05)
        claimed = count_claimed(portal.url)
        killed_at = time.time()
        portal.kill_worker(1)
        time.sleep(3)
        smtp.slow(0)
        left = count_claimed(portal.url, before=killed_at)
        faults.notes.append(
            f"outbox worker 2 killed (SIGKILL) at {at}, the relay slowed to 1 s a message "
            f"until both workers held claims: {claimed} messages claimed, {left} still "
            "held by the dead worker 3 s later (taken over by the other once "
            "OUTBOX_STUCK_AFTER_SECONDS, 30 s, had passed)"
        )


def claiming_workers(url: str) -> int:
    """How many workers hold claimed messages now (each claim has a token of its own)."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        claims = connection.scalar(
            sa.text(
                "SELECT count(DISTINCT claim_token) FROM outbox_messages WHERE status = 'sending'"
            )
        )
    engine.dispose()
    return int(claims or 0)


def count_claimed(url: str, before: float | None = None) -> int:
    """Messages a worker has claimed and not finished (claimed before `before`, if given)."""
    from datetime import UTC, datetime

    query = "SELECT count(*) FROM outbox_messages WHERE status = 'sending'"
    values: dict[str, Any] = {}
    if before is not None:
        query += " AND claimed_at < :before"
        values["before"] = datetime.fromtimestamp(before, UTC)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        claimed = connection.scalar(sa.text(query), values)
    engine.dispose()
    return int(claimed or 0)


@dataclass
class Result:
    name: str
    outcomes: list[Outcome]
    checks: dict[str, int]
    allowed_extra_emails: int
    acknowledgement_waits: list[float]
    last_arrival: float
    notes: list[str]

    @property
    def failed(self) -> list[str]:
        problems = [
            name
            for name in (
                "lost",
                "stored twice",
                "reference shared",
                "reference not theirs",
                "acknowledgement not queued once",
                "acknowledgement missing",
                "other message missing",
                "reply not kept once",
                "information not kept once",
                "staff not emailed once a step",
                "journey failed",
            )
            if self.checks[name]
        ]
        if self.checks["acknowledgement sent twice"] > self.allowed_extra_emails:
            problems.append("acknowledgement sent twice")
        return problems


def run_once(name: str, args: argparse.Namespace, folder: Path) -> Result:
    run = secrets.token_hex(3)
    links = folder / name / "tracking-links"
    links.mkdir(parents=True)
    smtp = SmtpServer(links)
    portal = Portal(args.database_server, args.redis, smtp.port, args.app_workers, folder / name)
    faults = Faults(args.smtp_down) if name == "faults" else None
    timers: list[threading.Timer] = []
    try:
        portal.create()
        team_id = team_of(portal.url)
        portal.start()
        context = multiprocessing.get_context("spawn")
        numbers, lock, results = context.Value("i", 0), context.Lock(), context.Queue()
        threads = max(1, args.people // CLIENT_PROCESSES)
        clients = [
            context.Process(
                target=client_process,
                args=(
                    numbers,
                    lock,
                    args.count,
                    threads,
                    portal.ports,
                    run,
                    team_id,
                    links,
                    args.replies,
                    results,
                ),
            )
            for _ in range(CLIENT_PROCESSES)
        ]
        started = time.time()
        for client in clients:
            client.start()
        outcomes: list[Outcome] = []
        while len(outcomes) < args.count:
            outcomes.append(results.get(timeout=600))
            if len(outcomes) % 500 == 0:
                print(f"  {name}: {len(outcomes)} of {args.count} sent", file=sys.stderr)
            if faults is not None:
                inject(faults, len(outcomes) / args.count, portal, smtp, started, timers)
        for client in clients:
            client.join()
        for timer in timers:
            timer.join()
        last_arrival = wait_for_the_outbox(portal.url, args.drain)
        time.sleep(3)  # anything sent twice would arrive within a poll or two
        checks, waits, allowed = verify(
            portal.url, run, outcomes, smtp.arrivals(), workers_killed=1 if faults else 0
        )
        return Result(
            name, outcomes, checks, allowed, waits, last_arrival, faults.notes if faults else []
        )
    finally:
        portal.stop()
        smtp.stop()
        portal.drop()


def team_of(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        team_id = connection.scalar(
            sa.text("SELECT id FROM teams WHERE public_name = 'Children in care'")
        )
    engine.dispose()
    return str(team_id)


def wait_for_the_outbox(url: str, seconds: float) -> float:
    """Waits until nothing is pending or being sent; returns when the last was sent."""
    engine = sa.create_engine(url)
    deadline = time.time() + seconds
    with engine.connect() as connection:
        while time.time() < deadline:
            waiting = connection.scalar(
                sa.text(
                    "SELECT count(*) FROM outbox_messages WHERE status IN ('pending', 'sending')"
                )
            )
            connection.commit()
            if not waiting:
                break
            time.sleep(1)
        last = connection.scalar(sa.text("SELECT max(sent_at) FROM outbox_messages"))
    engine.dispose()
    return last.timestamp() if last else time.time()


def verify(
    url: str,
    run: str,
    outcomes: list[Outcome],
    arrivals: dict[int, list[float]],
    workers_killed: int,
) -> tuple[dict[str, int], list[float], int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text(
                "SELECT id, reference, email, received_at FROM submissions WHERE email LIKE :run"
            ),
            {"run": f"%.{run}@load.example"},
        ).all()
        messages = connection.execute(
            sa.text("SELECT id, submission_id, purpose FROM outbox_messages")
        ).all()
        steps = connection.execute(
            sa.text("SELECT submission_id, kind FROM complainant_steps")
        ).all()
    engine.dispose()

    by_email = Counter(row.email for row in stored)
    by_reference = Counter(row.reference for row in stored)
    reference_of = {row.email: row.reference for row in stored}
    acknowledgements = defaultdict(list)
    for message in messages:
        if message.purpose == "acknowledgement":
            acknowledgements[message.submission_id].append(message.id)
    waits = []
    for row in stored:
        for message_id in acknowledgements.get(row.id, []):
            if arrivals.get(message_id):
                received = row.received_at.replace(tzinfo=None)
                waits.append(arrivals[message_id][0] - received_utc(received))
    id_of = {row.email: row.id for row in stored}
    kept = Counter((step.submission_id, step.kind) for step in steps)
    told = Counter(m.submission_id for m in messages if m.purpose == "from_complainant")

    def kept_once(outcome: Outcome, kind: str) -> bool:
        return kept[(id_of.get(email_of(run, outcome.number)), kind)] == 1

    checks = {
        "submissions stored": len(stored),
        "lost": sum(1 for o in outcomes if by_email[email_of(run, o.number)] == 0),
        "stored twice": sum(1 for n in by_email.values() if n > 1),
        "reference shared": sum(1 for n in by_reference.values() if n > 1),
        "reference not theirs": sum(
            1
            for o in outcomes
            if o.reference and reference_of.get(email_of(run, o.number)) != o.reference
        ),
        "acknowledgement not queued once": sum(
            1 for row in stored if len(acknowledgements.get(row.id, [])) != 1
        ),
        "acknowledgement missing": sum(
            1 for ids in acknowledgements.values() for i in ids if not arrivals.get(i)
        ),
        "acknowledgement sent twice": sum(
            1 for ids in acknowledgements.values() for i in ids if len(arrivals.get(i, [])) > 1
        ),
        "other message missing": sum(
            1 for m in messages if m.purpose != "acknowledgement" and not arrivals.get(m.id)
        ),
        "any email sent twice": sum(1 for times in arrivals.values() if len(times) > 1),
        "replies sent": sum(1 for o in outcomes if o.replied),
        "information sent": sum(1 for o in outcomes if o.informed),
        "reply not kept once": sum(1 for o in outcomes if o.replied and not kept_once(o, "reply")),
        "information not kept once": sum(
            1 for o in outcomes if o.informed and not kept_once(o, "information")
        ),
        "staff not emailed once a step": sum(
            1
            for o in outcomes
            if o.replied
            and told[id_of.get(email_of(run, o.number))] != int(o.replied) + int(o.informed)
        ),
        "reply or information sent again on the other instance": sum(
            o.sent_again for o in outcomes
        ),
        "journey failed": sum(1 for o in outcomes if o.problem),
        "people moved to the other instance": sum(1 for o in outcomes if o.failovers),
        "Send pressed again on the other instance": sum(1 for o in outcomes if o.sent_twice),
    }
    return checks, waits, workers_killed


def received_utc(naive_utc: Any) -> float:
    from datetime import UTC

    return float(naive_utc.replace(tzinfo=UTC).timestamp())


# --- the table --------------------------------------------------------------------------------


def table(results: list[Result], args: argparse.Namespace) -> None:
    def timing_rows(result: Result) -> dict[str, str]:
        by_name: dict[str, list[float]] = defaultdict(list)
        for outcome in result.outcomes:
            for name, seconds in outcome.timings:
                by_name[name].append(seconds * 1000)
        every = [s for values in by_name.values() for s in values]
        rows = {}
        for name, values in [("every request", every), *sorted(by_name.items())]:
            rows[f"{name}: p50 / p95 / p99 ms"] = (
                f"{percentile(values, 0.5):.0f} / {percentile(values, 0.95):.0f} / "
                f"{percentile(values, 0.99):.0f}"
            )
        journeys = [o.finished - o.started for o in result.outcomes]
        rows["whole journey: p50 / p95 / p99 s"] = (
            f"{percentile(journeys, 0.5):.1f} / {percentile(journeys, 0.95):.1f} / "
            f"{percentile(journeys, 0.99):.1f}"
        )
        first = min(o.started for o in result.outcomes)
        last = max(o.finished for o in result.outcomes)
        rows["submissions a second"] = f"{len(result.outcomes) / (last - first):.1f}"
        # The requests run on after the last confirmation, for those who reply.
        done = max(o.done or o.finished for o in result.outcomes)
        rows["requests a second"] = f"{len(every) / (done - first):.1f}"
        rows["time to send all"] = f"{last - first:.0f} s"
        rows["last email sent, after the last submission"] = f"{result.last_arrival - last:.0f} s"
        waits = result.acknowledgement_waits
        if waits:
            rows["acknowledgement wait p50 / p95 / p99 s"] = (
                f"{percentile(waits, 0.5):.1f} / {percentile(waits, 0.95):.1f} / "
                f"{percentile(waits, 0.99):.1f}"
            )
        return rows

    columns = [timing_rows(r) | {k: f"{v:,}" for k, v in r.checks.items()} for r in results]
    for result, column in zip(results, columns, strict=True):
        column["extra emails allowed (one per killed worker)"] = str(result.allowed_extra_emails)
        column["checks"] = "FAILED: " + ", ".join(result.failed) if result.failed else "all passed"
    print()
    print(
        f"Load: {args.count:,} submissions a run, {args.people} people at a time, "
        f"2 app instances x {args.app_workers} gunicorn workers, 2 outbox workers"
    )
    print(f"Machine: {machine()}; load average {load_average():.1f}")
    print()
    print("| Measure | " + " | ".join(r.name for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for key in columns[0]:
        print(f"| {key} | " + " | ".join(c.get(key, "") for c in columns) + " |")
    for result in results:
        for note in result.notes:
            print(f"- {result.name}: {note}")
        problems = Counter(o.problem for o in result.outcomes if o.problem)
        for problem, n in problems.most_common(5):
            print(f"- {result.name}: {n} x {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="submissions in each run")
    parser.add_argument("--people", type=int, default=24, help="people sending at once")
    parser.add_argument(
        "--replies", type=float, default=0.3, help="share who reply from the tracking page"
    )
    parser.add_argument("--app-workers", type=int, default=3, help="gunicorn workers each")
    parser.add_argument("--runs", default="steady,faults", help="steady, faults, or both")
    parser.add_argument("--smtp-down", type=float, default=30.0, help="seconds (faults run)")
    parser.add_argument("--drain", type=float, default=900.0, help="seconds to wait for email")
    parser.add_argument("--database-server", default=os.environ.get("DATABASE_URL", DEFAULT_SERVER))
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    if not args.database_server.startswith("postgresql"):
        parser.error("two instances share one database: DATABASE_URL must name PostgreSQL")

    folder = Path(tempfile.mkdtemp(prefix="portal-load-"))
    results = [run_once(name, args, folder) for name in args.runs.split(",")]
    table(results, args)
    if any(r.failed for r in results):
        print(f"Logs kept in {folder}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
