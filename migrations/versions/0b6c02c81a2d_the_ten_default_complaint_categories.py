"""The ten default complaint categories, made by `flask db upgrade`

Revision ID: 0b6c02c81a2d
Revises: d1678439dbd8
Create Date: 2026-12-04 15:30:00.000000

A council's first `flask import cases` of past years names these categories, and only
`flask demo load` made them: a fresh install (no demo data) refused every categorised
row. Only the missing ones are added, so an install that ran the demo loader before is
left as it is, and the demo loader (which also adds only what is missing) adds nothing
after this. The list is written out here, not imported from the app, so this migration
does what it did even when the app's list changes later (domain.md, "Categories").
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0b6c02c81a2d'
down_revision = 'd1678439dbd8'
branch_labels = None
depends_on = None

DEFAULTS = [
    ("legislation", "About legislation"),
    ("policy", "About policy"),
    ("confidentiality", "Breach of confidentiality"),
    ("broken_promise", "Broken promise or appointment"),
    ("delay_failed_service", "Delay or failed service"),
    ("denial_change_service", "Denial, withdrawal or change of service"),
    ("information", "Lack of or incorrect information"),
    ("not_to_standard", "Not to standard"),
    ("staff_attitude", "Staff attitude or conduct"),
    ("other", "Other"),
]

categories = sa.table(
    "categories",
    sa.column("id", sa.Integer),
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("is_active", sa.Boolean),
    sa.column("position", sa.Integer),
)


def upgrade():
    existing = set(op.get_bind().scalars(sa.select(categories.c.slug)))
    missing = [
        {"slug": slug, "name": name, "is_active": True, "position": position}
        for position, (slug, name) in enumerate(DEFAULTS)
        if slug not in existing
    ]
    if missing:
        op.bulk_insert(categories, missing)


def downgrade():
    # Only the defaults no case has used: a category a case carries stays with it.
    used = sa.union(
        sa.select(sa.column("category_id")).select_from(sa.table("submission_categories")),
        sa.select(sa.column("category_id"))
        .select_from(sa.table("past_cases"))
        .where(sa.column("category_id").is_not(None)),
    )
    op.execute(
        categories.delete().where(
            categories.c.slug.in_([slug for slug, _ in DEFAULTS]),
            categories.c.id.not_in(used),
        )
    )
