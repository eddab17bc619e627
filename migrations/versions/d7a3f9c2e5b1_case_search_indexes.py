"""The case search's indexes (trigrams, keys of email, phone, postcode); "My cases"

Revision ID: d7a3f9c2e5b1
Revises: c4e8a2d6f1b9
Create Date: 2027-01-10 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d7a3f9c2e5b1"
down_revision = "c4e8a2d6f1b9"
branch_labels = None
depends_on = None

OPEN = sa.text("stage <> 'closed'")
TRIGRAMS = {
    "ix_submissions_submitter_name_trgm": "submitter_name",
    "ix_submissions_child_name_trgm": "child_name",
    "ix_submissions_what_happened_trgm": "what_happened",
}
# As models/submission.py writes them (phone_key, postcode_key, email_key).
PHONE_KEY = "phone"
for separator in " -().+/":
    PHONE_KEY = f"replace({PHONE_KEY}, '{separator}', '')"
KEYS = {
    "ix_submissions_email_key": "lower(email)",
    "ix_submissions_phone_key": PHONE_KEY,
    "ix_submissions_postcode_key": "upper(replace(postcode, ' ', ''))",
}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAMS.items():
        # SQLite cannot use an index for LIKE '%...%': its copy is empty.
        op.create_index(
            name,
            "submissions",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
            sqlite_where=sa.text("0"),
        )
    for name, expression in KEYS.items():
        op.create_index(name, "submissions", [sa.text(expression)])
    op.create_index(
        "ix_submissions_child_date_of_birth", "submissions", ["child_date_of_birth"]
    )
    # "My cases" (models/case.py).
    op.create_index(
        "ix_cases_open_assigned",
        "cases",
        ["assigned_staff_id", "next_due_on", "submission_id", "stage"]
        + ["kind", "team_id", "safeguarding_actioned_at"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade():
    op.drop_index("ix_cases_open_assigned", table_name="cases")
    op.drop_index("ix_submissions_child_date_of_birth", table_name="submissions")
    for name in [*KEYS, *TRIGRAMS]:
        op.drop_index(name, table_name="submissions")
