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


def submission_count() -> int:
    """How many submissions the database holds (the demo's are 120)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("submissions"))) or 0


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
    """A complaint made through the model after the migration, with `columns` set (the
    case's on its row); saved."""
    from portal.models import Case, Submission
    from portal.models.case import CASE_COLUMNS

    values: dict[str, Any] = {"kind": "complaint", "procedure": "england_children_2006"} | columns
    case = values.pop("case", None) or Case()
    for name in [name for name in values if name in CASE_COLUMNS]:
        setattr(case, name, values.pop(name))
    made = Submission(
        **{
            "reference": reference,
            "case": case,
            "submitter_role": "parent",
            "submitter_name": "B",
            "contact_preference": "email",
            "what_happened": "x",
            "answers": {},
            "tracking_token_hash": "x",
            "received_at": datetime(2026, 11, 30, 10, tzinfo=UTC),
            "received_on": TODAY,
            "acknowledge_by": TODAY,
            "jurisdiction": "england",
        }
        | values
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
    its stages' rows, as models/submission.py read_field names them), by reference."""
    from portal.models import Submission
    from portal.models.submission import read_field

    return {
        case.reference: {name: read_field(case, name) for name in names}
        for case in db.session.scalars(sa.select(Submission).order_by(Submission.reference))
    }


def without_the_ombudsman(figures: dict[str, Any]) -> dict[str, Any]:
    """A report's figures but the ombudsman's (and the comparison built on them): the
    enquiries' migration (b1d5e9a3c7f2) keeps only their dates and decisions on the way
    down (tests/integration/test_ombudsman_migration.py), so a test that goes down past
    it and up again compares the rest."""
    return {
        key: without_the_ombudsman(value) if key == "previous" else value
        for key, value in figures.items()
        if key not in ("ombudsman", "comparison")
    }
