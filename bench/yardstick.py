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


def add_reads(bare: Any, portal: Any) -> None:
    """The bare page after one of the public pages' reads (`--bare-reads`): the statement
    read through `read_now` as rows, as a question page reads its draft, then base.html
    rendered. `/read/draft/<id>` and `/read/checked/<id>` (a draft, and with the rows check
    your answers keeps), `/read/sent/<reference>` (the confirmation's case) and
    `/read/track/<reference>/<token>` (the tracking page's)."""
    from flask import abort, render_template

    from portal.database import read_now
    from portal.domain.references import normalise_reference
    from portal.extensions import db
    from portal.services import intake, tracking

    with portal.app_context():
        engine = db.engine

    def read(statement: Any, values: dict[str, str]) -> str:
        if not read_now(engine, statement, values):
            abort(404)  # the bench's own mistake: nothing read, nothing measured
        return render_template("bench/bare.html")

    def draft(draft_id: str) -> str:
        return read(intake._shown_draft_query(False), {"draft_id": draft_id})

    def checked(draft_id: str) -> str:
        return read(intake._shown_draft_query(True), {"draft_id": draft_id})

    def sent(reference: str) -> str:
        return read(tracking._SENT, {"reference": normalise_reference(reference)})

    def track(reference: str, token: str) -> str:
        return read(tracking._FOR_THE_TRACKING_PAGE, link_values(reference, token))

    bare.add_url_rule("/read/draft/<draft_id>", "read_draft", draft)
    bare.add_url_rule("/read/checked/<draft_id>", "read_checked", checked)
    bare.add_url_rule("/read/sent/<reference>", "read_sent", sent)
    bare.add_url_rule("/read/track/<reference>/<token>", "read_track", track)


def read_path(page_name: str, page_path: str, draft_id: str, tracking_path: str) -> str:
    """The bare page that makes the read the public page named `page_name` makes
    (`add_reads`); the plain bare page for a page that reads nothing. The confirmation
    is of the case `tracking_path` (its tracking link) follows."""
    if page_name.startswith(("Answered:", "Get help", "Save and come back")):
        return f"/read/draft/{draft_id}"
    if page_name.startswith("Check your answers"):
        return f"/read/checked/{draft_id}"
    if page_name == "Confirmation":
        return f"/read/sent/{tracking_path.split('/')[2]}"
    if page_name.startswith("Tracking page"):
        return "/read" + page_path
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
