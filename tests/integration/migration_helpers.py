"""Cases written straight into the submissions table, as code of an older revision left
them, for the tests of a migration that moves data (the model no longer fits that table)."""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.services import demo_cases, routing_rules, staff, teams

RECEIVED = date(2025, 6, 2)
TODAY = date(2026, 11, 30)  # the demo cases' "today": two financial years up to it


def load_the_demo(today: date) -> int:
    """The database filled as `flask demo load` fills it; the number of cases."""
    teams.load_demo_teams()
    teams.load_default_categories()
    routing_rules.load_demo_rules()
    staff.load_demo_accounts()
    return demo_cases.load_demo_cases(today)


def old_case(reference: str, **columns: Any) -> int:
    """A complaint received on RECEIVED with `columns` set; its id."""
    values = {
        "reference": reference,
        "kind": "complaint",
        "submitter_role": "parent",
        "submitter_name": "A",
        "contact_preference": "email",
        "what_happened": "Nobody came.",
        "support_needs": "[]",
        "flags": "[]",
        "answers": "{}",
        "procedure": "england_children_2006",
        "tracking_token_hash": "x",
        "received_at": "2025-06-02 10:00:00",
        "received_on": RECEIVED,
        "acknowledge_by": date(2025, 6, 5),
        "jurisdiction": "england",
        "danger_signs": "[]",
        "version": 1,
    } | columns
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    db.session.execute(sa.text(f"INSERT INTO submissions ({names}) VALUES ({marks})"), values)
    return int(
        db.session.scalar(
            sa.text("SELECT id FROM submissions WHERE reference = :r"), {"r": reference}
        )
    )


def new_case(reference: str, **columns: Any) -> Any:
    """A complaint made through the model after the migration, with `columns` set; saved."""
    from portal.models import Submission

    made = Submission(
        **{
            "reference": reference,
            "kind": "complaint",
            "submitter_role": "parent",
            "submitter_name": "B",
            "contact_preference": "email",
            "what_happened": "x",
            "answers": {},
            "procedure": "england_children_2006",
            "tracking_token_hash": "x",
            "received_at": datetime(2026, 11, 30, 10, tzinfo=UTC),
            "received_on": TODAY,
            "acknowledge_by": TODAY,
            "jurisdiction": "england",
        }
        | columns
    )
    db.session.add(made)
    db.session.commit()
    return made


def submissions_columns(
    names: Sequence[str], flags: Sequence[str] = (), moments: Sequence[str] = ()
) -> dict[str, dict[str, Any]]:
    """Each case's `names`, read from the submissions table without the model, by
    reference; `flags` are booleans (SQLite gives them back as numbers), `moments` times
    (SQLite gives them back as text, in UTC)."""
    rows = db.session.execute(
        sa.text(f"SELECT reference, {', '.join(names)} FROM submissions")
    ).mappings()
    return {
        row["reference"]: {
            name: _flag(row[name])
            if name in flags
            else _moment(row[name])
            if name in moments
            else _day(row[name])
            for name in names
        }
        for row in rows
    }


def _moment(value: Any) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value is None else value.astimezone(UTC)


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _day(value: Any) -> Any:
    # SQLite gives a date column back as text when read without the model.
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    return value


def through_the_model(names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each case's `names`, read through the model (the case's row, or the submission and
    its bridges), by reference."""
    from portal.models import Submission
    from portal.models.submission import row_of

    return {
        case.reference: {name: getattr(row_of(case, name), name) for name in names}
        for case in db.session.scalars(sa.select(Submission).order_by(Submission.reference))
    }
