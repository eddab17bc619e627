"""Names found without their accents: the case search compares a name folded (lower
case, no accents: "Zoë" and "Zoe", "Siobhán" and "Siobhan" find each other), by the
database function `portal_fold`. On PostgreSQL it is made here over `unaccent` (an
extension that ships with PostgreSQL, as pg_trgm does), and the trigram indexes of the
two names are made again over the folded names, which the search now reads; on SQLite
the portal gives each connection the same function (`portal.database`), and the names'
empty index copies go (SQLite reads every name for a search anyway). Nothing kept is
changed; the downgrade puts the indexes back as they were.

Revision ID: 4b8d2f6a9c13
Revises: ea50c5ab5d96
Create Date: 2026-12-07 20:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4b8d2f6a9c13"
down_revision = "ea50c5ab5d96"
branch_labels = None
depends_on = None

NAMES = {
    "ix_submissions_submitter_name_trgm": "submitter_name",
    "ix_submissions_child_name_trgm": "child_name",
}
FOLDED = {
    "ix_submissions_submitter_name_folded": "submitter_name",
    "ix_submissions_child_name_folded": "child_name",
}
# Immutable, as an index needs, and named in full, so that it means the same whatever
# the search_path (a restore from pg_dump sets an empty one). PL/pgSQL, not SQL: a SQL
# function over `unaccent` (stable) is never inlined, and called row by row it cost
# about 2.8 µs a name against 0.7 µs.
PORTAL_FOLD = """
CREATE OR REPLACE FUNCTION public.portal_fold(text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
AS $$ BEGIN RETURN pg_catalog.lower(public.unaccent('public.unaccent'::regdictionary, $1)); END $$
"""


def upgrade():
    for name in NAMES:
        op.drop_index(name, table_name="submissions")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    op.execute(PORTAL_FOLD)
    for name, column in FOLDED.items():
        op.execute(
            f"CREATE INDEX {name} ON submissions "
            f"USING gin (public.portal_fold({column}) gin_trgm_ops)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in FOLDED:
            op.drop_index(name, table_name="submissions")
        op.execute("DROP FUNCTION public.portal_fold(text)")
    for name, column in NAMES.items():
        op.create_index(
            name,
            "submissions",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
            sqlite_where=sa.text("0"),
        )
