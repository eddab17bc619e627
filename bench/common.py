"""What the benchmarks share: a database of their own, the app, a signed-in manager, a
server on a free port, and the figures (nearest-rank percentiles, the machine).

Each script in bench/ imports it as `from common import ...` (Python puts the script's
own folder first on sys.path); importing it also puts the project's root on sys.path, so
that `portal` imports without installing anything.
"""

import math
import os
import platform
import random
import re
import secrets
import socket
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False}
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

    from portal.backoffice.access import Role
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
