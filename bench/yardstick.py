"""The yardsticks the public pages are measured against (bench/public_speed.py, and the
server-time table of bench/pages.py): what Flask itself costs for the same work.

- **The bare page** (`GET /`): a `Flask()` app with the portal's template loader and
  compiled-template cache, its template globals and filters (`templating`, `delivery`),
  and Babel with the person's language (`i18n`), and nothing else (no database, forms,
  CSRF, rate limits, sign-in or security headers), rendering `base.html` (the header,
  service navigation, "Exit this page", footer) around one paragraph.
- **The bare page that reads** (`GET /read/...`, `add_reads`): the same page after one
  public page's read of the database, made as a question page makes it (`read_now`, rows):
  what a page is measured against with `--bare-reads` (bench/public_speed.py,
  bench/page_profile.py).
- **The bare page that reads with the driver alone** (`GET /driver/...`, `add_reads`):
  the same read sent by the database's driver itself (psycopg, sqlite3) on a connection
  the worker keeps open, prepared, its rows taken as the driver gives them: no SQLAlchemy,
  no pool. The least a page that makes that read can cost (`--driver-reads`).
- **The bare Send** (`POST /send`, the form field `draft` naming a draft): in one
  transaction, the rows a real Send writes, and nothing else: the draft removed, the
  year's reference counter moved on, the submission's row, and a copy of every row the
  real Send wrote beside it (its case, outbox messages, clock events, audit events,
  tasks...), read once at start-up from a submission the portal made
  (`YARDSTICK_SAMPLE_SUBMISSION`). No routing, no checks, no rendering.

Served by gunicorn like the portal:

    DATABASE_URL=... YARDSTICK_SAMPLE_SUBMISSION=<id> \\
        gunicorn --workers 3 --chdir bench 'yardstick:create()'
"""

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The bare page: base.html around one paragraph.
BARE_TEMPLATE = """{% extends "base.html" %}
{% block title %}A bare page{% endblock %}
{% block content %}
<h1 class="govuk-heading-xl">A bare page</h1>
<p class="govuk-body">The same layout as every public page, and nothing else.</p>
{% endblock %}
"""
# Columns that must differ from one submission to the next.
UNIQUE_SUBMISSION_COLUMNS = ("reference", "tracking_token_hash", "sent_from_draft")


def bare_app(portal: Any) -> Any:
    """Flask with the portal's templates, council details and languages, and nothing
    else. Its one page renders base.html as every public page does."""
    from flask import Blueprint, Flask, render_template
    from jinja2 import ChoiceLoader, DictLoader

    from portal import delivery, i18n, templating

    bare = Flask("bare", static_folder=str(ROOT / "static"), static_url_path="/static")
    bare.config.from_mapping(portal.config)
    bare.jinja_options = portal.jinja_options  # the same compiled-template cache
    bare.jinja_loader = ChoiceLoader(
        [DictLoader({"bench/bare.html": BARE_TEMPLATE}), portal.jinja_loader]
    )
    bare.jinja_env.trim_blocks = True
    bare.jinja_env.lstrip_blocks = True
    templating.init_app(bare)
    delivery.init_app(bare)
    i18n.init_app(bare)
    # base.html links to the start page and the footer's pages by their endpoints.
    public = Blueprint("public", __name__)
    public.add_url_rule("/", "start", lambda: render_template("bench/bare.html"))
    for endpoint in ("privacy", "accessibility_statement", "cookies"):
        public.add_url_rule(f"/{endpoint}", endpoint, lambda: "")
    bare.register_blueprint(public)
    return bare


def link_values(reference: str, token: str) -> dict[str, str]:
    """A tracking link's reference and token as the tracking page's statement is given
    them (`tracking._read_by_link`)."""
    from portal.domain.references import normalise_reference
    from portal.services.common import hash_token

    return {"reference": normalise_reference(reference), "token_hash": hash_token(token)}


class DriverReads:
    """Statements read by the database's driver alone, on one connection each worker
    process keeps open (made after gunicorn forks it), in autocommit: no SQLAlchemy
    connection, result or pool on the way. Each statement is sent as SQLAlchemy sent it
    the first time (its SQL and parameters, caught as they went to the driver), with the
    page's values put in; psycopg prepares it on the server."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.pid = 0
        self.connection: Any = None
        self.sent: dict[int, tuple[str, Any, tuple[str, ...] | None]] = {}

    def _connection(self) -> Any:
        if self.pid != os.getpid():
            raw = self.engine.raw_connection()
            self.connection = raw.driver_connection
            raw.detach()  # the worker's own from now on, not the pool's
            if self.engine.dialect.driver == "psycopg":
                self.connection.rollback()  # the pool's check began a transaction
                self.connection.autocommit = True
            self.pid = os.getpid()
        return self.connection

    def _as_sent(
        self, statement: Any, values: dict[str, str]
    ) -> tuple[str, Any, tuple[str, ...] | None]:
        """The statement's SQL and parameters as SQLAlchemy gave them to the driver, and
        for a driver that takes them by position, the name of each."""
        caught: list[tuple[str, Any, tuple[str, ...] | None]] = []

        def catch(_c: Any, _cur: Any, sql: str, parameters: Any, context: Any, *_: Any) -> None:
            caught.append((sql, parameters, getattr(context.compiled, "positiontup", None)))

        sa.event.listen(self.engine, "before_cursor_execute", catch)
        try:
            with self.engine.connect() as connection:
                connection.execute(statement, values).all()
        finally:
            sa.event.remove(self.engine, "before_cursor_execute", catch)
        return caught[0]

    def rows(self, statement: Any, values: dict[str, str]) -> list[Any]:
        if id(statement) not in self.sent:
            self.sent[id(statement)] = self._as_sent(statement, values)
        sql, parameters, names = self.sent[id(statement)]
        cursor = self._connection().cursor()
        if names is None:  # psycopg: by name
            cursor.execute(sql, parameters | values, prepare=True)
        else:  # sqlite3: by position
            cursor.execute(sql, [values.get(name, parameters[i]) for i, name in enumerate(names)])
        return list(cursor.fetchall())


def add_reads(bare: Any, portal: Any) -> None:
    """The bare page after one of the public pages' reads (`--bare-reads`): the statement
    read through `read_now` as rows, as a question page reads its draft, then base.html
    rendered. `/read/draft/<id>` and `/read/checked/<id>` (a draft, and with the rows check
    your answers keeps), `/read/sent/<reference>` (the confirmation's case) and
    `/read/track/<reference>/<token>` (the tracking page's). The same under `/driver/`
    read by the driver alone (`DriverReads`, `--driver-reads`)."""
    from flask import abort, render_template

    from portal.database import read_now
    from portal.domain.references import normalise_reference
    from portal.extensions import db
    from portal.services import intake, tracking

    with portal.app_context():
        engine = db.engine
    by_driver = DriverReads(engine)
    readers = {
        "read": lambda statement, values: read_now(engine, statement, values),
        "driver": by_driver.rows,
    }
    reads = {
        "draft": lambda draft_id: (intake._shown_draft_query(False), {"draft_id": draft_id}),
        "checked": lambda draft_id: (intake._shown_draft_query(True), {"draft_id": draft_id}),
        "sent": lambda reference: (
            tracking._SENT,
            {"reference": normalise_reference(reference)},
        ),
        "track": lambda reference, token: (
            tracking._FOR_THE_TRACKING_PAGE,
            link_values(reference, token),
        ),
    }
    arguments = {
        "draft": "<draft_id>",
        "checked": "<draft_id>",
        "sent": "<reference>",
        "track": "<reference>/<token>",
    }

    def page(how: str, what: str) -> Any:
        def view(**path: str) -> str:
            if not readers[how](*reads[what](*path.values())):
                abort(404)  # the bench's own mistake: nothing read, nothing measured
            return render_template("bench/bare.html")

        return view

    for how in readers:
        for what in reads:
            bare.add_url_rule(f"/{how}/{what}/{arguments[what]}", f"{how}_{what}", page(how, what))


def read_path(
    page_name: str, page_path: str, draft_id: str, tracking_path: str, how: str = "read"
) -> str:
    """The bare page that makes the read the public page named `page_name` makes
    (`add_reads`): through `read_now` (`how="read"`) or the driver alone (`"driver"`);
    the plain bare page for a page that reads nothing. The confirmation is of the case
    `tracking_path` (its tracking link) follows."""
    if page_name.startswith(("Answered:", "Get help", "Save and come back")):
        return f"/{how}/draft/{draft_id}"
    if page_name.startswith("Check your answers"):
        return f"/{how}/checked/{draft_id}"
    if page_name == "Confirmation":
        return f"/{how}/sent/{tracking_path.split('/')[2]}"
    if page_name.startswith("Tracking page"):
        return f"/{how}{page_path}"
    return "/"


class SameRows:
    """The rows a real Send wrote for one submission, to be written again as they are."""

    def __init__(self, engine: sa.Engine, submission_id: int) -> None:
        self.engine = engine
        self.metadata = sa.MetaData()
        self.metadata.reflect(engine)
        self.submissions = self.metadata.tables["submissions"]
        self.drafts = self.metadata.tables["drafts"]
        self.counters = self.metadata.tables["reference_counters"]
        with engine.connect() as connection:
            row = connection.execute(
                sa.select(self.submissions).where(self.submissions.c.id == submission_id)
            ).one()
            self.submission = {k: v for k, v in row._mapping.items() if k != "id"}
            self.children: list[tuple[sa.Table, list[dict[str, Any]]]] = []
            for table in self.metadata.sorted_tables:
                if "submission_id" not in table.c or table.name == "submissions":
                    continue
                rows = connection.execute(
                    sa.select(table).where(table.c.submission_id == submission_id)
                ).all()
                if rows:
                    self.children.append(
                        (table, [{k: v for k, v in r._mapping.items() if k != "id"} for r in rows])
                    )

    def count(self) -> int:
        """How many rows a Send writes (the submission, its rows, the counter, the draft)."""
        return 3 + sum(len(rows) for _, rows in self.children)

    def write(self, draft_id: str) -> None:
        with self.engine.begin() as connection:
            deleted = connection.execute(sa.delete(self.drafts).where(self.drafts.c.id == draft_id))
            assert deleted.rowcount == 1, "no such draft"
            year = self.submission["received_on"].year
            connection.execute(
                sa.update(self.counters)
                .where(self.counters.c.year == year)
                .values(last_number=self.counters.c.last_number + 1)
            )
            # As long as the sample's own (a reference, a hash), and new each time.
            row = self.submission | {
                column: secrets.token_hex(32)[: len(self.submission[column])]
                for column in UNIQUE_SUBMISSION_COLUMNS
            }
            new_id = connection.execute(
                sa.insert(self.submissions).returning(self.submissions.c.id), row
            ).scalar_one()
            for table, rows in self.children:
                connection.execute(sa.insert(table), [r | {"submission_id": new_id} for r in rows])


def create() -> Any:
    """The yardstick app, for gunicorn: the portal's configuration from the environment."""
    from flask import request

    from portal import create_app

    portal = create_app()
    bare = bare_app(portal)
    add_reads(bare, portal)
    sample = os.environ.get("YARDSTICK_SAMPLE_SUBMISSION")
    if sample:
        engine = sa.create_engine(portal.config["SQLALCHEMY_DATABASE_URI"])
        rows = SameRows(engine, int(sample))

        def send() -> str:
            rows.write(request.form["draft"])
            return "sent"

        bare.add_url_rule("/send", "send", send, methods=["POST"])
        bare.add_url_rule("/rows", "rows", lambda: str(rows.count()))
    return bare
