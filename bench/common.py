"""What the benchmarks share: a database of their own, the app, a signed-in manager, a
server on a free port, and the figures (nearest-rank percentiles, the machine).

Each script in bench/ imports it as `from common import ...` (Python puts the script's
own folder first on sys.path); importing it also puts the project's root on sys.path, so
that `portal` imports without installing anything.
"""

import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import platform
import random
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MESSAGE_ID = re.compile(rb"^X-Portal-Message-Id: (\d+)\r?$", re.MULTILINE)
MANAGER = "bench.manager@council.example"
PASSWORD = "bench-password-long-enough"


# --- the database ------------------------------------------------------------------------


@dataclass
class Database:
    url: str
    name: str  # the PostgreSQL database's name, or the SQLite file's path
    kind: str  # "SQLite" or "PostgreSQL", as the tables name it
    description: str  # the version and the file or database, for the output
    drop: Callable[[], None]  # removes what the bench created, and nothing else


def database_url(server_url: str, name: str) -> str:
    """The URL of database `name` on the server `server_url` names."""
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def server_url() -> str:
    """DATABASE_URL when it names a PostgreSQL server, else ''."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else ""


def create_database(
    workdir: Path,
    *,
    filename: str = "bench.sqlite3",
    prefix: str = "portal_bench",
    name: str | None = None,
) -> Database:
    """A temporary SQLite file `workdir/filename`; or, when DATABASE_URL names a PostgreSQL
    server, a new database on that server (see `postgres_database`)."""
    server = server_url()
    if server:
        return postgres_database(server, prefix=prefix, name=name)
    path = workdir / filename

    def remove() -> None:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)

    return Database(
        f"sqlite:///{path}",
        str(path),
        "SQLite",
        f"SQLite {sqlite3.sqlite_version}, file {path}",
        remove,
    )


def postgres_database(
    server: str, *, prefix: str = "portal_bench", name: str | None = None
) -> Database:
    """A new database `<prefix>_<8 random hex digits>` (or exactly `name`) on the server
    `server` names: a bench never touches existing data. A database called `name` left
    over from an interrupted run is dropped first."""
    name = name or f"{prefix}_{secrets.token_hex(4)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        version = connection.execute(sa.text("SHOW server_version")).scalar_one()
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return Database(
        database_url(server, name),
        name,
        "PostgreSQL",
        f"PostgreSQL {version}, database {name}",
        lambda: drop_postgres_database(server, name),
    )


def vacuum_analyze(engine: sa.Engine, *, checkpoint: bool = False) -> None:
    """What autovacuum does on a live server (statistics, and the visibility map that
    lets PostgreSQL answer from an index alone), and with `checkpoint` the bulk load
    written out now rather than in the middle of the timings (superuser only). On an
    engine of its own in autocommit: the portal's engine begins a transaction as each
    connection is taken (portal/database.py `watch_connections`), and VACUUM runs in
    none."""
    own = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT")
    try:
        with own.connect() as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
            if checkpoint:
                with contextlib.suppress(sa.exc.DBAPIError):
                    connection.execute(sa.text("CHECKPOINT"))
    finally:
        own.dispose()


def drop_postgres_database(server: str, name: str) -> None:
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def database_version(url: str) -> str:
    """The database and its version, e.g. SQLite 3.40.1 or PostgreSQL 15.20."""
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        version = connection.execute(sa.text("SHOW server_version")).scalar_one()
    engine.dispose()
    return f"PostgreSQL {version}"


# --- the app -----------------------------------------------------------------------------


def make_app(url: str, **config: Any) -> Any:
    """The portal from its factory, on the bench's database. The bench's clients speak
    plain http on 127.0.0.1, so the session cookie is not marked secure."""
    from portal import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-" + "0" * 32,
            "SESSION_COOKIE_SECURE": False,
        }
        | config
    )


def build_schema(app: Any) -> None:
    """The schema from the real migrations, then the demo teams (inside the app context)."""
    from flask_migrate import upgrade

    from portal.services.teams import load_demo_teams

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo_teams()


def add_manager() -> Any:
    """A complaints manager with an authenticator app already set up (managers must have
    one), whose codes `sign_in` works out. Call inside the app context; returns the
    manager (`totp_secret` holds the app's key)."""
    import pyotp

    from portal.domain.access import Role
    from portal.extensions import db
    from portal.services import staff

    manager = staff.create_staff(
        email=MANAGER, name="Bench Manager", password=PASSWORD, role=Role.MANAGER
    )
    manager.totp_secret = pyotp.random_base32()
    db.session.commit()
    return manager


def csrf_token(page: str) -> str:
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert token, "no CSRF token on the page"
    return token.group(1)


def sign_in(client: Any, secret: str | None) -> None:
    """Sign in as the manager: the password, then a code from the authenticator app when
    the account has one."""
    page = client.get("/staff/sign-in").get_data(as_text=True)
    response = client.post(
        "/staff/sign-in",
        data={"csrf_token": csrf_token(page), "email": MANAGER, "password": PASSWORD},
    )
    assert response.status_code == 302, "could not sign in"
    if "/sign-in/code" in response.location:
        import pyotp

        assert secret, "the manager has no authenticator app"
        page = client.get(response.location).get_data(as_text=True)
        response = client.post(
            response.location,
            data={"csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now()},
        )
        assert response.status_code == 302, "the code was refused"
    assert "/sign-in" not in response.location, response.location


# --- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """A WSGI app on 127.0.0.1 at a free port (werkzeug, threaded, in a background thread,
    no request log); yields its URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass

    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=httpd.serve_forever, name="bench-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


# --- an SMTP server in a process of its own -----------------------------------------------


TRACKING_LINK = re.compile(r"https?://[^\s/]+(/track/[\w-]+/[\w-]+)")


def keep_tracking_link(folder: Path, content: bytes, recipients: list[str]) -> None:
    """The tracking page's address a message carries, written to `folder`/<recipient>
    for the simulated person to open, as a person follows the link in their email."""
    import email
    from email import policy

    message = email.message_from_bytes(content, policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    found = TRACKING_LINK.search(body.get_content()) if body is not None else None
    if found is None:
        return
    for recipient in recipients:
        target = folder / recipient.lower()
        if not target.exists():
            partial = target.with_suffix(".part")
            partial.write_text(found.group(1))
            partial.rename(target)  # whole or not at all, for a reader polling for it


def serve_smtp(port: int, commands: Connection, links: str | None = None) -> None:
    """The SMTP server's own process, as a real relay would be (in the bench's process it
    would wait for the interpreter lock and slow the workers down). Answers "down" (stop
    listening), "up" (listen again on the same port), "slow:<seconds>", "arrivals"
    (message id -> arrival times) and "stop" (the arrivals, last). With `links` (a
    folder), the first tracking link each recipient is sent is written there."""
    from aiosmtpd.controller import Controller

    arrivals: dict[int, list[float]] = defaultdict(list)
    lock = threading.Lock()
    delay = [0.0]  # "slow:0.3": each message takes that long to accept (a busy relay)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            if delay[0]:
                await asyncio.sleep(delay[0])
            found = MESSAGE_ID.search(envelope.content)
            if found is None:
                return "550 5.6.0 No X-Portal-Message-Id"
            with lock:
                arrivals[int(found.group(1))].append(time.time())
            if links is not None:
                keep_tracking_link(Path(links), envelope.content, envelope.rcpt_tos)
            return "250 2.0.0 Accepted"

    def listening() -> Controller:
        controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        controller.start()
        return controller

    controller: Controller | None = listening()
    commands.send("ready")
    while (command := commands.recv()) != "stop":
        if command == "down" and controller is not None:
            controller.stop()
            controller = None
        elif command == "up" and controller is None:
            controller = listening()
        elif command.startswith("slow:"):
            delay[0] = float(command.removeprefix("slow:"))
        with lock:
            commands.send({key: list(value) for key, value in arrivals.items()})
    if controller is not None:
        controller.stop()
    with lock:
        commands.send({key: list(value) for key, value in arrivals.items()})


class SmtpServer:
    """An aiosmtpd server in a process of its own that notes when each outbox message
    (by its X-Portal-Message-Id) arrives, and can be taken down, brought back, slowed."""

    def __init__(self, links: Path | None = None) -> None:
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self._commands, their_end = context.Pipe()
        self._process = context.Process(
            target=serve_smtp, args=(self.port, their_end, str(links) if links else None)
        )
        self._process.start()
        self._asking = threading.Lock()
        assert self._commands.recv() == "ready"

    def _ask(self, command: str) -> Any:
        with self._asking:  # the timer of `down_for` asks from a thread of its own
            self._commands.send(command)
            return self._commands.recv()

    def down(self) -> None:
        self._ask("down")

    def up(self) -> None:
        self._ask("up")

    def down_for(self, seconds: float) -> None:
        """Down now, and back by itself `seconds` later."""
        self.down()
        timer = threading.Timer(seconds, self.up)
        timer.daemon = True
        timer.start()

    def slow(self, seconds: float) -> None:
        self._ask(f"slow:{seconds}")

    def arrivals(self) -> dict[int, list[float]]:
        return dict(self._ask("arrivals"))

    def stop(self) -> dict[int, list[float]]:
        final = dict(self._ask("stop"))
        self._process.join(timeout=10)
        return final


class LocalNotify:
    """The local GOV.UK Notify (tests/notify_server.py) in a process of its own, as the
    real one would be; `arrivals` are by reference (the outbox message's id), so a
    message Notify accepted twice shows twice."""

    def __init__(self) -> None:
        import uuid

        self.port = free_port()
        self.api_key = f"bench-{uuid.uuid4()}-{uuid.uuid4()}"
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "notify_server.py")]
            + ["--port", str(self.port), "--api-key", self.api_key],
            stdout=subprocess.PIPE,
        )
        assert self._process.stdout is not None
        assert self._process.stdout.readline().strip() == b"ready"

    def settings(self) -> dict[str, str]:
        """What the worker's environment needs to send through it."""
        sys.path.insert(0, str(ROOT / "tests"))
        from notify_server import EMAIL_TEMPLATE_ID, LETTER_TEMPLATE_ID, SMS_TEMPLATE_ID

        return {
            "NOTIFY_API_KEY": self.api_key,
            "NOTIFY_BASE_URL": self.base_url,
            "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE_ID,
            "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE_ID,
            "NOTIFY_LETTER_TEMPLATE_ID": LETTER_TEMPLATE_ID,
        }

    def _local(self, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.base_url}/_local/{path}",
            data=None if body is None else json.dumps(body).encode(),
            method="GET" if body is None else "POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def down_for(self, seconds: float) -> None:
        """Every request answered 503 for `seconds`, then back by itself."""
        self._local("outage", {"seconds": seconds})

    def arrivals(self) -> dict[int, list[float]]:
        found: dict[int, list[float]] = defaultdict(list)
        for reference, at in self._local("arrivals")["arrivals"]:
            found[int(reference)].append(at)
        return dict(found)

    def requests(self) -> dict[str, int]:
        return dict(self._local("requests")["requests"])

    def stop(self) -> dict[int, list[float]]:
        final = self.arrivals()
        self._process.terminate()
        self._process.wait(timeout=10)
        return final


# --- the figures -------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    """One of `choices` (value, weight), in proportion to its weight."""
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def machine() -> str:
    """The cores, CPU model, system and Python, for the line above a table."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def load_average() -> float:
    """The 1-minute load average: compare runs only at a similar load."""
    return os.getloadavg()[0]


# --- gunicorn ------------------------------------------------------------------------------


def start_gunicorn(app: str, port: int, environment: dict[str, str]) -> Any:
    """`gunicorn --workers 3` serving `app` ("module:variable" or a factory call) on
    127.0.0.1:`port`, in a process group of its own (stop_gunicorn stops master and
    workers), its output discarded."""
    import subprocess

    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "3",
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", app],
        cwd=ROOT,
        env=os.environ | environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def stop_gunicorn(process: Any) -> None:
    import signal

    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
