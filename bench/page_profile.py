"""One public page in one process: its CPU time against the bare page's, and with
`--profile N` where it goes (issue 19; the figures over HTTP are bench/public_speed.py's).

    .venv/bin/python bench/page_profile.py [--page tracking] [--requests 300] [--profile 30]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/page_profile.py --page check-answers

The database is prepared as bench/public_speed.py prepares it. Then the Flask test client
requests the page and the bare page (bench/yardstick.py) in turn, `--requests` times
each, and prints the median of each (the CPU time of this thread, which other processes'
work on the machine changes less than the clock's) and their ratio.
Pages: any name `--list` prints. Besides bench/public_speed.py's pages, "Tracking page,
three letters": another parent's complaint (recorded by intake.record_submission) with
three letters of about 1 KB each in the markup staff write (paragraphs, lists, bold, a
link), kept by correspondence.send as a member of staff's message and a response letter
are (the tracking page of public_speed's case has none).

`--gc`: besides the times, the garbage collector's work during the page's views: how
many collections of each generation a view, and the milliseconds they took (the median
leaves out the views a collection fell on; the mean does not).

`--gzip`: the page and the bare page both asked for gzip, as a browser asks (a page with
no form is then compressed on every view; the bare page, as the start page, once).

`--read-once`: each page's read of the database (the draft a question, check your answers,
get help now and save and come back later read; the sent case the confirmation reads; the
tracked case the tracking page reads) made at its first view and its result given again
to every later one: what the page costs besides that read. The draft's rows are kept
(`read_now`'s, in `intake`: the draft is made of them and its routing mark noted each
time); the cases' objects are taken out of the session after the first view and given
as they are. On PostgreSQL the
connection each view takes for reading (`read_only_from_now`) is still taken. The
yardstick is the same.

`--bare-reads`: the bare page also makes the page's read, as a question page reads its
draft (`database.read_now`, Core, outside a transaction) and before it renders: the same
draft statement for the question pages, get help now and save and come back later; the
draft with its checked rows for check your answers; the sent case's statement for the
confirmation and the tracked case's for the tracking pages (read as rows, not objects).
The ratio is then the page over a bare page that reads what it reads.

`--round-trips` (PostgreSQL): instead of timing, counts each view's round trips to the
database (every answer psycopg waits for ends with the server's ReadyForQuery: libpq's
trace of the connection, `PQtrace`) and prints the messages of the last view.
"""

import argparse
import cProfile
import functools
import gc
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import create_database, make_app
from public_speed import KEY, Page, pages_of, prepare
from yardstick import add_reads, bare_app, read_path

# Three letters of about 1 KB each, written as staff write them (portal/security.py).
LETTERS = [
    (
        "message",
        "Your meeting on Friday",
        "Dear Dana,\n\nThank you for talking to us on the phone on Tuesday. We have booked "
        "a meeting with you and Robin's social worker for **Friday 12 December at 10am**, at "
        "the family centre on Station Road. The meeting room is on the ground floor and there "
        "is step-free access from the car park.\n\n**Please bring:**\n- the letter we sent "
        "you in October about Robin's visit plan\n- any notes you made about the visits that "
        "were missed\n- someone to support you, if you would like to\n\nIf Friday does not "
        "suit you, call us on 01632 960000 and we will find another day. You can also read "
        "[how we handle complaints](https://council.example/complaints) before the meeting.\n"
        "\nWe will write to you after the meeting with what was agreed and what happens "
        "next. If anything changes before then, we will tell you. If you would rather meet "
        "somewhere else, or talk on the phone instead, tell us and we will arrange it. You "
        "do not have to come on your own: a friend, a relative or an advocate can come too.",
    ),
    (
        "late_notice",
        "Our reply will be late",
        "Dear Dana,\n\nWe are sorry: our reply to your complaint will be later than we told "
        "you. We said we would reply by Wednesday 10 December. We now expect to reply by "
        "**Friday 19 December**.\n\nWhy it is late:\n- the manager looking into your "
        "complaint needs to talk to two social workers who have been away\n- we are waiting "
        "for the notes of the review meeting in November\n\nThis does not change what you "
        "can do. If you are not happy with how long this is taking, you can ask for the next "
        "stage now: call us on 01632 960000 or reply to this message from your tracking "
        "page.\n\nYou can also ask an advocate to help you. An advocate is someone who is "
        "on your side and can help you say what you think. Read more about "
        "[advocacy for children and families](https://council.example/advocacy).\n\nWe will "
        "keep you up to date while we finish looking into your complaint. If your reply is "
        "late again, we will write to you before the new date with the reason and a date "
        "we can keep. You do not need to do anything now.",
    ),
    (
        "response_letter",
        "Your complaint: our stage 1 response",
        "Thank you for your complaint, which we received on 2 December. We have looked into "
        "each of the points you raised.\n\n1. Nobody came to the review meeting in "
        "November.\n   Our finding: upheld. The social worker was off sick and nobody told "
        "you. We are sorry.\n2. The social worker missed three visits in a row.\n   Our "
        "finding: partly upheld. Two visits were missed; the third was moved with notice.\n"
        "3. The visit plan was not sent to you.\n   Our finding: upheld.\n\n**What we "
        "will do:**\n- send you Robin's visit plan in writing by Friday 19 December\n- "
        "make sure cover is arranged when a social worker is away\n\nIf you are not happy "
        "with our response, you can ask for stage 2 by **Wednesday 7 January**. Read "
        "[what happens at stage 2](https://council.example/complaints/stage-2), call us on "
        "01632 960000 or ask from your tracking page. At stage 2 someone from outside the "
        "team will look at your complaint again, with an independent person who does not "
        "work for the council. We are sorry for what went wrong and thank you for telling "
        "us about it.",
    ),
]


def with_three_letters(app: Any) -> Page:
    """The tracking page of another complaint, with LETTERS sent to it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "integration"))
    from outbox_helpers import a_complaint  # type: ignore[import-not-found]

    from portal.extensions import db
    from portal.services import correspondence
    from portal.services.intake import record_submission

    with app.app_context():
        case = record_submission(a_complaint())
        for kind, subject, body in LETTERS:
            correspondence.send(case, kind=correspondence.Kind(kind), subject=subject, body=body)
        link = correspondence.new_tracking_url(case)
        db.session.commit()
        db.session.remove()
    return Page("Tracking page, three letters", "/track/" + link.split("/track/", 1)[1])


class Collections:
    """The collector's work while `counting`: collections by generation, and their time."""

    def __init__(self) -> None:
        self.counting = False
        self.reset()

    def reset(self) -> None:
        self.collections = [0, 0, 0]
        self.seconds = 0.0
        self._started = 0.0

    def noted(self, phase: str, info: dict[str, int]) -> None:
        if not self.counting:
            return
        if phase == "start":
            self._started = time.thread_time()
        else:
            self.collections[info["generation"]] += 1
            self.seconds += time.thread_time() - self._started


def count_round_trips(app: Any, pages: list[Page], views: int) -> None:
    """Each page viewed `views` times after 20 to warm up, every connection taken from
    the pool traced by libpq (the tracing is begun before the portal's own checkout
    listener sends anything, and ended after the pool's reset)."""
    from psycopg import pq

    from portal.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.driver != "psycopg":
        sys.exit("--round-trips counts PostgreSQL's messages (psycopg): set DATABASE_URL")
    trace = Path(tempfile.mkdtemp(prefix="portal-trace-")) / "trace.txt"
    tracing = False

    with trace.open("w") as out:

        def taken(dbapi_connection: Any, record: Any, proxy: Any) -> None:
            if tracing:
                dbapi_connection.pgconn.trace(out.fileno())
                dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)

        def given_back(dbapi_connection: Any, record: Any) -> None:
            if tracing and dbapi_connection is not None:
                dbapi_connection.pgconn.untrace()

        sa.event.listen(engine, "checkout", taken, insert=True)
        sa.event.listen(engine, "checkin", given_back)
        print("| Page | round trips a view | the last view's |\n|---|---|---|")
        for page in pages:
            client = app.test_client()
            if page.cookie:
                client.set_cookie("session", page.cookie.removeprefix("session="))
            for _ in range(20):
                client.get(page.path)
            out.seek(0)
            out.truncate()
            tracing = True
            for _ in range(views):
                reply = client.get(page.path)
                assert reply.status_code == page.status, (page.path, reply.status_code)
            tracing = False
            out.flush()
            lines = trace.read_text().splitlines()
            trips = [_round_trip(sent) for sent in _split_at_answers(lines)]
            each = len(trips) / views
            print(f"| {page.name} | {each:g} | {', '.join(trips[-round(each) :])} |")


def _split_at_answers(lines: list[str]) -> list[list[str]]:
    """The messages sent before each ReadyForQuery: one list a round trip."""
    trips, sent = [], []
    for line in lines:
        kind, _, message, *rest = line.split("\t") + ["", "", ""]
        if kind == "F" and message:  # (a statement's text runs on over lines)
            sent.append(f"{message}\t{rest[0]}")
        elif message == "ReadyForQuery":
            trips.append(sent)
            sent = []
    return trips


def _round_trip(sent: list[str]) -> str:
    """BEGIN, ROLLBACK or another statement sent as text; a statement parsed (planned)
    now, or one prepared before (only bound and run)."""
    first, _, text = sent[0].partition("\t") if sent else ("?", "", "")
    if first == "Query":
        return text.strip().strip('"').split(None, 1)[0]
    return "a statement, parsed" if first == "Parse" else "a statement, prepared before"


def bare_reads(bare: Any, app: Any, prepared: Any) -> Callable[[Any], str]:
    """`--bare-reads`: the bare app's pages that read (yardstick.add_reads); which of its
    addresses each page is measured against."""
    add_reads(bare, app)
    return lambda page: read_path(page.name, page.path, prepared.drafts[0], prepared.tracking_path)


class ReadOnce:
    """The public pages' reads (module attributes the views call) made once: after a
    page's warm-up (whose views have written what a view writes, such as the rows check
    your answers keeps, or when get help now was first shown) the next read is kept and
    given again to every later view (`--read-once`)."""

    def __init__(self) -> None:
        from portal.extensions import db
        from portal.services import intake, tracking

        self.keeping = False
        self.kept: dict[object, Any] = {}

        def once(read: Any, *, objects: bool) -> Any:
            @functools.wraps(read)
            def reading(*args: Any, **kwargs: Any) -> Any:
                key = (read.__name__, repr(args), repr(sorted(kwargs.items())))
                if not self.keeping:
                    return read(*args, **kwargs)
                if key not in self.kept:
                    self.kept[key] = read(*args, **kwargs)
                    if objects:  # kept as read: the request's rollback would expire them
                        db.session.expunge_all()
                return self.kept[key]

            return reading

        # The draft's statement (`find_draft_to_show`'s `read_now`): its rows kept, the
        # rest done each time (the draft made of them, the routing mark noted).
        intake.read_now = once(intake.read_now, objects=False)
        tracking.find_sent = once(tracking.find_sent, objects=True)
        tracking.tracking_page = once(tracking.tracking_page, objects=True)

    def keep(self, keeping: bool) -> None:
        self.keeping = keeping
        self.kept.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", default=[], help="a part of a page's name")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="cProfile's top N functions")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--callers", default="", help="with --profile: who calls these")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--round-trips", action="store_true", help="PostgreSQL: count them")
    parser.add_argument("--gc", action="store_true", help="the collector's work a view")
    parser.add_argument("--gzip", action="store_true", help="ask for gzip, as a browser does")
    parser.add_argument("--read-once", action="store_true", help="each page's read made once")
    parser.add_argument(
        "--bare-reads", action="store_true", help="the bare page makes the page's read too"
    )
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
        pages = [*pages_of(prepared), with_three_letters(app)]
        if args.list:
            print("\n".join(p.name for p in pages))
            return
        chosen = [p for p in pages if not args.page or any(w in p.name for w in args.page)]
        if args.round_trips:
            count_round_trips(app, chosen, args.requests)
            return
        bare_flask = bare_app(app)
        yardstick = bare_reads(bare_flask, app, prepared) if args.bare_reads else None
        bare = bare_flask.test_client()
        reads = ReadOnce() if args.read_once else None
        asked = {"Accept-Encoding": "gzip, deflate, br"} if args.gzip else {}
        collector = Collections()
        if args.gc:
            gc.callbacks.append(collector.noted)
            print("| Page | ms | bare ms | × | mean ms | collections a view (0/1/2) | ms in them |")
            print("|---|---|---|---|---|---|---|")
        else:
            print("| Page | ms | bare ms | × |\n|---|---|---|---|")
        for page in chosen:
            bare_path = yardstick(page) if yardstick else "/"
            assert bare.get(bare_path).status_code == 200, bare_path
            client = app.test_client()  # keeps the session cookie it is given
            if page.cookie:
                client.set_cookie("session", page.cookie.removeprefix("session="))

            def once(client: Any = client, page: Any = page) -> None:
                reply = client.get(page.path, headers=asked)
                assert reply.status_code == page.status, (page.path, reply.status_code)

            if reads:
                reads.keep(False)
            for _ in range(20):
                once()
                bare.get(bare_path, headers=asked)
            if reads:
                reads.keep(True)
            ours, theirs = [], []
            profile = cProfile.Profile() if args.profile else None
            for _ in range(args.requests):
                started = time.thread_time()
                if profile:
                    profile.enable()
                collector.counting = True
                once()
                collector.counting = False
                if profile:
                    profile.disable()
                ours.append(time.thread_time() - started)
                started = time.thread_time()
                bare.get(bare_path, headers=asked)
                theirs.append(time.thread_time() - started)
            a, b = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
            row = f"| {page.name} | {a:.2f} | {b:.2f} | {a / b:.2f}× |"
            if args.gc:
                each = "/".join(f"{n / args.requests:.2f}" for n in collector.collections)
                row += f" {statistics.mean(ours) * 1000:.2f} | {each} |"
                row += f" {collector.seconds * 1000 / args.requests:.3f} |"
                collector.reset()
            print(row)
            if profile:
                stats = pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort)
                if args.callers:
                    stats.print_callers(args.callers)
                else:
                    stats.print_stats(args.profile)
    finally:
        target.drop()


if __name__ == "__main__":
    main()
