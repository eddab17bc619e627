"""One public page in one process: its CPU time against the bare page's, and with
`--profile N` where it goes (issue 19; the figures over HTTP are bench/public_speed.py's).

    .venv/bin/python bench/page_profile.py [--page tracking] [--requests 300] [--profile 30]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/page_profile.py --page check-answers

The database is prepared as bench/public_speed.py prepares it. Then the Flask test client
requests the page and the bare page (bench/yardstick.py) in turn, `--requests` times
each, and prints the median of each (the CPU time of this thread, which other processes'
work on the machine changes less than the clock's) and their ratio.
Pages: any name `--list` prints.
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

from common import create_database, make_app
from public_speed import KEY, pages_of, prepare
from yardstick import bare_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", default=[], help="a part of a page's name")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="cProfile's top N functions")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()

    target = create_database(Path(tempfile.mkdtemp(prefix="portal-page-")), filename="page.db")
    try:
        prepared = prepare(target.url, 3)
        app = make_app(
            target.url,
            SECRET_KEY=KEY,
            WELSH_ENABLED=True,
            SUBMISSION_RATE_LIMIT="100000 per minute",
            TRACKING_RATE_LIMIT="100000 per minute",
        )
        pages = pages_of(prepared)
        if args.list:
            print("\n".join(p.name for p in pages))
            return
        chosen = [p for p in pages if not args.page or any(w in p.name for w in args.page)]
        bare = bare_app(app).test_client()
        print("| Page | ms | bare ms | × |\n|---|---|---|---|")
        for page in chosen:
            client = app.test_client()  # keeps the session cookie it is given
            if page.cookie:
                client.set_cookie("session", page.cookie.removeprefix("session="))

            def once(client: Any = client, page: Any = page) -> None:
                reply = client.get(page.path)
                assert reply.status_code == page.status, (page.path, reply.status_code)

            for _ in range(20):
                once()
                bare.get("/")
            ours, theirs = [], []
            profile = cProfile.Profile() if args.profile else None
            for _ in range(args.requests):
                started = time.thread_time()
                if profile:
                    profile.enable()
                once()
                if profile:
                    profile.disable()
                ours.append(time.thread_time() - started)
                started = time.thread_time()
                bare.get("/")
                theirs.append(time.thread_time() - started)
            a, b = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
            print(f"| {page.name} | {a:.2f} | {b:.2f} | {a / b:.2f}× |")
            if profile:
                pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(
                    args.profile
                )
    finally:
        target.drop()


if __name__ == "__main__":
    main()
