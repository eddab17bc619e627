"""The migration that keeps each letter's HTML (6f2b8d4e1a37): a letter or message kept
before it gets the HTML staff_html makes of its words, its script shown as words, and
the tracking page shows it; the downgrade drops the column and keeps the letters. On
SQLite and, with DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_helpers import read
from flask import Flask
from flask_migrate import downgrade, upgrade
from outbox_helpers import a_complaint

from portal.extensions import db
from portal.security import staff_html
from portal.services import correspondence
from portal.services.intake import record_submission

BEFORE = "3b7e2c9d4f15"  # the revision before: a letter keeps only its words
WITH_MARKUP = (
    "We have booked your meeting for **Friday at 10am**.\n\n- Bring your letter\n"
    "- [Read our policy](https://council.example/policy)\n\n"
    "<script>alert(1)</script> [Click](javascript:alert(1))"
)
# More letters than the migration reads at a time (its BATCH), so it has to go on.
MANY = 501


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("letter_html") as app:
        yield app


def columns() -> dict[str, bool]:
    """The correspondence table's columns, and whether each may be empty (NULL)."""
    return {c["name"]: c["nullable"] for c in sa.inspect(db.engine).get_columns("correspondence")}


def letters() -> list[tuple[object, ...]]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.text("SELECT id, submission_id, kind, subject, body FROM correspondence ORDER BY id")
        )
    ]


def test_letters_sent_before_the_migration_get_their_html_and_the_tracking_page_shows_it(
    own_database: Flask,
) -> None:
    case = record_submission(a_complaint())
    case_id, link = case.id, correspondence.new_tracking_url(case)
    db.session.commit()
    db.session.remove()
    downgrade(revision=BEFORE)
    assert "body_html" not in columns()

    # Letters as the code before kept them: their words only.
    db.session.execute(
        sa.text(
            "INSERT INTO correspondence (submission_id, kind, recipient, how, subject, body, "
            "created_at) VALUES (:case_id, :kind, 'complainant', 'post', :subject, :body, "
            "'2026-12-04 09:00:00')"
        ),
        [{"case_id": case_id, "kind": "message", "subject": "Your meeting", "body": WITH_MARKUP}]
        + [
            {
                "case_id": case_id,
                "kind": "late_notice",
                "subject": f"Our reply will be late ({n})",
                "body": f"We will reply by **{n} January**.",
            }
            for n in range(1, MANY)
        ],
    )
    db.session.commit()
    before = letters()
    assert len(before) == MANY
    db.session.remove()  # the read's transaction would hold the table against ALTER

    upgrade()
    assert columns()["body_html"] is False  # every letter has it, and a new one must
    assert letters() == before
    kept = dict(db.session.execute(sa.text("SELECT body, body_html FROM correspondence")).all())
    assert kept == {body: str(staff_html(body)) for _, _, _, _, body in before}
    assert kept["We will reply by **7 January**."] == (
        '<p class="govuk-body">We will reply by <strong>7 January</strong>.</p>'
    )
    assert "<script" not in kept[WITH_MARKUP]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Click</p>" in kept[WITH_MARKUP]
    assert "javascript" not in kept[WITH_MARKUP]

    # The tracking page shows the letter as the migration kept it.
    response = own_database.test_client().get(urlsplit(link).path)
    assert response.status_code == 200
    assert kept[WITH_MARKUP] in response.get_data(as_text=True)
    page = read(response)
    assert '<a class="govuk-link" href="https://council.example/policy">' in page.html
    assert not [e for e in page.find_all("script") if not e.attrs.get("src")]

    db.session.remove()
    downgrade(revision=BEFORE)
    assert "body_html" not in columns()
    assert letters() == before
    db.session.remove()
    upgrade()
    assert columns()["body_html"] is False
