"""What one read of the database costs a public page in CPU, by the layer it goes
through (issue 19): the reason the pages that read are over the bare page.

    .venv/bin/python bench/read_cost.py [--reads 2000] [--rounds 3]        # SQLite
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/read_cost.py

The database is prepared as bench/public_speed.py prepares it (a parent's complaint
filled in to check your answers, another sent). Three statements, each read in four ways:

- **The driver alone**: psycopg or sqlite3 on a connection of its own (autocommit), the
  statement as SQLAlchemy compiles it, its rows as the driver gives them (no types
  read: SQLite's JSON stays text).
- **Core, a connection held**: `connection.execute(statement).all()` on one connection
  taken for reading before the timing (`database._reading`) and kept.
- **`read_now`**: as a question page reads its draft: a connection taken from the pool for
  reading, the statement, the connection given back (`portal.database.read_now`).
- **The request's session**: as the tracking page and the confirmation read their case:
  `read_only_from_now`, `db.session.execute(...)` (`.unique()` for the tracking page's
  objects), `stop_reading` and the session removed, inside a request context; the
  request context pushed and popped with no read is given as "no read" (subtract it).

The statements: `SELECT 1`; the draft as a question page reads it
(`intake._shown_draft_query(False)`); the tracking page's case, its stage rows and what the
page asks of it (`tracking._FOR_THE_TRACKING_PAGE`, 119 columns; objects through the
session, rows through Core). Each cell is the median CPU time of this thread (`thread_time`:
the wait for the database server is not in it) in microseconds, over `--reads` reads
after 200 to warm up, the ways taken in turn in each of `--rounds` rounds.
"""

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import create_database, load_average, make_app
from public_speed import KEY, prepare
from yardstick import link_values

WAYS = ("The driver alone", "Core, a connection held", "`read_now`", "The request's session")


def driver_reader(engine: sa.Engine, statement: Any, values: dict[str, Any]) -> Callable[[], Any]:
    """The statement as SQLAlchemy compiles it, read by the driver on a connection of
    its own."""
    compiled = statement.compile(dialect=engine.dialect)
    sql = str(compiled)
    parameters = compiled.construct_params(values)
    if compiled.positional:
        parameters = tuple(parameters[name] for name in compiled.positiontup)
    if engine.dialect.name == "postgresql":
        import psycopg

        url = engine.url
        connection: Any = psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
        )
    else:
        connection = sqlite3.connect(engine.url.database, isolation_level=None)
    cursor = connection.cursor()

    def read() -> Any:
        cursor.execute(sql, parameters)
        return cursor.fetchall()

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    target = create_database(Path(tempfile.mkdtemp(prefix="portal-read-")), filename="read.db")
    try:
        prepared = prepare(target.url, 1)
        app = make_app(target.url, SECRET_KEY=KEY)

        from portal.database import _reading, read_now, read_only_from_now, stop_reading
        from portal.extensions import db
        from portal.services import intake, tracking

        reference, token = prepared.tracking_path.split("/")[2:4]
        statements: dict[str, tuple[Any, dict[str, Any], bool]] = {
            "`SELECT 1`": (sa.select(sa.literal_column("1")), {}, False),
            "The draft (a question page)": (
                intake._shown_draft_query(False),
                {"draft_id": prepared.drafts[0]},
                False,
            ),
            "The tracked case (the tracking page)": (
                tracking._FOR_THE_TRACKING_PAGE,
                link_values(reference, token),
                True,
            ),
        }
        with app.app_context():
            engine = db.engine
            with _reading():
                held = engine.connect()
        print(f"{target.description}; load average {load_average()}")
        times: dict[tuple[str, str], list[float]] = {}

        def timed(name: str, way: str, read: Callable[[], Any]) -> None:
            for _ in range(200):
                read()
            each = []
            for _ in range(args.reads):
                started = time.thread_time()
                read()
                each.append(time.thread_time() - started)
            times.setdefault((name, way), []).append(statistics.median(each) * 1e6)

        def in_a_request(read: Callable[[], Any] | None) -> Callable[[], Any]:
            def view() -> None:
                with app.test_request_context():
                    if read is not None:
                        read_only_from_now(db.session())
                        read()
                        stop_reading(db.session())
                    db.session.remove()

            return view

        for _ in range(args.rounds):
            for name, (statement, values, objects) in statements.items():
                assert read_now(engine, statement, values), name  # it finds its row

                def session_read(
                    statement: Any = statement, values: Any = values, objects: bool = objects
                ) -> Any:
                    found = db.session.execute(statement, values)
                    return found.unique().all() if objects else found.all()

                timed(name, WAYS[0], driver_reader(engine, statement, values))
                timed(name, WAYS[1], lambda s=statement, v=values: held.execute(s, v).all())
                with app.app_context():
                    timed(name, WAYS[2], lambda s=statement, v=values: read_now(engine, s, v))
                timed(name, WAYS[3], in_a_request(session_read))
            timed("No read", WAYS[3], in_a_request(None))
        held.close()

        print(f"\n| Statement | {' | '.join(WAYS)} |\n|---|---|---|---|---|")
        for name in [*statements, "No read"]:
            cells = []
            for way in WAYS:
                rounds = times.get((name, way))
                cells.append(" / ".join(f"{t:.0f}" for t in rounds) if rounds else "")
            print(f"| {name} | {' | '.join(cells)} |")
        print(
            f"\nµs of CPU a read, median of {args.reads}, each round; load average {load_average()}"
        )
    finally:
        target.drop()


if __name__ == "__main__":
    sys.exit(main())
