"""Cases written straight into the submissions table, as code of an older revision left
them, for the tests of a migration that moves data (the model no longer fits that table)."""

from datetime import date
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
