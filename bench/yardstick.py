"""The yardsticks the public pages are measured against (bench/public_speed.py, and the
server-time table of bench/pages.py): what Flask itself costs for the same work.

- **The bare page** (`GET /`): a `Flask()` app with the portal's template loader and
  compiled-template cache, its template globals and filters (`templating`, `delivery`),
  and Babel with the person's language (`i18n`), and nothing else (no database, forms,
  CSRF, rate limits, sign-in or security headers), rendering `base.html` (the header,
  service navigation, "Exit this page", footer) around one paragraph.
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
