"""Rows built once for a test module, then copied back for each of its tests: for
modules whose tests all start from the same costly cases (built through the services),
so the cases are built once rather than before every test."""

from typing import Any

import sqlalchemy as sa

from portal.extensions import db

Rows = list[tuple[sa.Table, list[dict[str, Any]]]]


def every_row() -> Rows:
    """Every table's rows as they are now (committed), parents before children."""
    return [
        (
            table,
            [
                dict(row._mapping)
                for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns))
            ],
        )
        for table in db.metadata.sorted_tables
    ]


def put_back(rows: Rows) -> None:
    """The database emptied (as the `app` fixture empties it) and `rows` copied in,
    with the same ids; the session starts afresh."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    for table, table_rows in rows:
        if table_rows:
            db.session.execute(table.insert(), table_rows)
    db.session.commit()
    db.session.expunge_all()
