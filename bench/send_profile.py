"""Send (check your answers, POST) in one process: the SQL statements one Send runs,
and where its CPU goes (issue 19).

    .venv/bin/python bench/send_profile.py [--sends 200] [--statements] [--profile 25]
        [--redis redis://127.0.0.1:6379/15]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/send_profile.py

The database is prepared as bench/public_speed.py prepares it (a parent's complaint filled
in and copied, one copy a Send); then, through the Flask test client, each copy's check
your answers is read for its CSRF token and sent. Prints the statements of one Send (with
`--statements`, their text), the CPU and wall time of a Send (median, in this process) and, with
`--profile N`, cProfile's N costliest functions over all of them. The rate limits are
counted in memory, or with `--redis URL` in Redis as deployed (a database of its own: it
is emptied first).
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import create_database, csrf_token, make_app
from public_speed import KEY, prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=200)
    parser.add_argument("--statements", action="store_true", help="print each statement")
    parser.add_argument("--profile", type=int, default=0, help="cProfile's top N functions")
    parser.add_argument(
        "--redis", metavar="URL", help="the rate limits in Redis (emptied first), as deployed"
    )
    args = parser.parse_args()

    target = create_database(Path(tempfile.mkdtemp(prefix="portal-send-")), filename="send.db")
    try:
        prepared = prepare(target.url, args.sends + 3)
        limits = {"RATELIMIT_STORAGE_URI": args.redis} if args.redis else {}
        if args.redis:
            import redis

            redis.Redis.from_url(args.redis).flushdb()
        app = make_app(
            target.url, SECRET_KEY=KEY, SUBMISSION_RATE_LIMIT="100000 per minute", **limits
        )
        serializer = app.session_interface.get_signing_serializer(app)
        from portal.extensions import db

        statements: list[str] = []
        with app.app_context():
            engine = db.engine

        def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", note)
        profiler = cProfile.Profile()
        cpu: list[float] = []
        wall: list[float] = []
        counts: list[int] = []
        for number, draft_id in enumerate(prepared.drafts[: args.sends]):
            client = app.test_client()
            value = serializer.dumps({"drafts": {"complaint": draft_id}, "_permanent": True})
            client.set_cookie("session", value)
            page = client.get("/make-a-complaint/check-answers")
            assert page.status_code == 200, page.status_code
            form = {"csrf_token": csrf_token(page.get_data(as_text=True))}
            statements.clear()
            if args.profile and number >= 3:
                profiler.enable()
            started, clock = time.process_time(), time.perf_counter()
            reply = client.post("/make-a-complaint/check-answers", data=form)
            cpu.append((time.process_time() - started) * 1000)
            wall.append((time.perf_counter() - clock) * 1000)
            if args.profile and number >= 3:
                profiler.disable()
            assert reply.status_code == 302, reply.status_code
            assert reply.location.endswith("/confirmation"), reply.location
            counts.append(len(statements))
            if number == 3:
                shown = list(statements)
        print(f"{target.description}: {args.sends} Sends in one process (the test client)")
        print(f"The rate limits: {'Redis, ' + args.redis if args.redis else 'in memory'}")
        print(f"Statements a Send: {counts[3]} (min {min(counts)}, max {max(counts)})")
        for index, statement in enumerate(shown, 1):
            first = " ".join(statement.split())
            print(f"  {index:2}. {first if args.statements else first[:110]}")
        print(
            f"CPU a Send, ms: median {statistics.median(cpu[3:]):.2f}, fastest {min(cpu[3:]):.2f}"
        )
        print(
            f"Wall time a Send (waits on the database and Redis too), ms: median "
            f"{statistics.median(wall[3:]):.2f}, fastest {min(wall[3:]):.2f}"
        )
        if args.profile:
            stats = pstats.Stats(profiler, stream=sys.stdout)
            # The portal's own functions and the extensions' by time spent in them and
            # below; then every function by its own time.
            stats.sort_stats("cumulative").print_stats(
                "portal/|flask_limiter|flask_wtf|session", args.profile
            )
            stats.sort_stats("tottime").print_stats(args.profile)
    finally:
        target.drop()


if __name__ == "__main__":
    main()
