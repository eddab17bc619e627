"""How long a person waits for their acknowledgement, with one outbox worker, over SMTP
or through GOV.UK Notify, and whether an outage loses or doubles anything.

    .venv/bin/python bench/acknowledgement.py [--count 1000] [--rate 0]
    .venv/bin/python bench/acknowledgement.py --via both --count 300 --rate 5 \\
        --outage 30 --outage-after 15 --retry-base 2

Builds a database of its own with the migrations (a temporary SQLite file; or, when
DATABASE_URL names a PostgreSQL server, a new database on that server, dropped at the
end), starts the server messages go to in a process of its own (an aiosmtpd server that
notes when each message arrives by its X-Portal-Message-Id, or the local GOV.UK Notify,
tests/notify_server.py, which keeps each notification it accepts with its reference, the
outbox id), starts ONE worker (`flask --app wsgi outbox work`, polling every second) in a
subprocess, then records `--count` complaints through
portal.services.intake.record_submission: as fast as one process can (the default, the
worst case for the queue) or `--rate` a second. With `--outage N` the server is down for
N seconds from `--outage-after` seconds into the recording (the SMTP server stops
listening; Notify answers every request 503).

For each submission it measures the time from its commit to its acknowledgement arriving
at (accepted by) the server, prints a table (one column a route with `--via both`), and
exits non-zero if any message is missing or arrived twice. The goal: p99 under 60 seconds
without an outage.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import (
    ROOT,
    LocalNotify,
    SmtpServer,
    build_schema,
    create_database,
    load_average,
    machine,
    make_app,
    percentile,
)

GOAL_P99_SECONDS = 60.0
# The worker polls every second; a message waits at most one poll before it is picked up.
POLL_SECONDS = 1


# --- the worker -----------------------------------------------------------------------------


def start_worker(
    database_url: str, smtp_port: int, log_path: Path, settings: dict[str, str]
) -> subprocess.Popen[bytes]:
    flask = Path(sys.executable).parent / "flask"
    environment = os.environ | {
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "OUTBOX_POLL_SECONDS": str(POLL_SECONDS),
        "PYTHONUNBUFFERED": "1",
        "PORTAL_ENV": "development",
    }
    environment |= settings
    log = log_path.open("wb")
    return subprocess.Popen(
        [str(flask), "--app", "wsgi", "outbox", "work"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU a process has used (Linux /proc), or None where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def stop_worker(worker: subprocess.Popen[bytes]) -> int:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return worker.returncode


# --- recording the submissions --------------------------------------------------------------


def complaint(number: int) -> Any:
    from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
    from portal.services.intake import NewSubmission

    # One in ten accepts an advocate, so the queue also holds referrals, as in real life.
    advocacy = AdvocacyAnswer.ACCEPTED if number % 10 == 0 else AdvocacyAnswer.DECLINED
    return NewSubmission(
        kind=Kind.COMPLAINT,
        role=SubmitterRole.PARENT,
        name=f"Bench Parent {number}",
        contact_preference=ContactPreference.EMAIL,
        email=f"parent{number}@bench.example",
        child_name=f"Bench Child {number}",
        child_age=10,
        what_happened="The social worker did not come to the planned visit.",
        put_right="A new date for the visit.",
        advocacy=advocacy,
    )


@dataclass
class Recorded:
    submission_id: int
    committed_at: float


def record_all(count: int, rate: float) -> tuple[list[Recorded], float, float]:
    from portal.services.intake import record_submission

    recorded = []
    started = time.time()
    for number in range(count):
        if rate > 0:
            # Spread evenly: submission n is due at started + n / rate.
            time.sleep(max(0.0, started + number / rate - time.time()))
        submission = record_submission(complaint(number))
        committed_at = time.time()  # record_submission returns straight after its commit
        recorded.append(Recorded(submission.id, committed_at))
    return recorded, started, time.time()


# --- one run ---------------------------------------------------------------------------------


@dataclass
class Run:
    via: str
    database: str
    load_before: float
    load_after: float
    recorded: int
    recording_seconds: float
    messages: int
    latencies: list[float]
    missing_acknowledgements: int
    lost: int  # messages that never arrived
    twice: list[int]  # messages that arrived more than once
    arrivals: int
    wall: float
    worker_cpu: float | None
    statuses: dict[str, int]
    worker_exit: int | None
    log: Path


def run(args: argparse.Namespace, via: str) -> Run:
    from portal.extensions import db
    from portal.models import OutboxMessage

    load_before = load_average()
    workdir = Path(tempfile.mkdtemp(prefix=f"portal-bench-{via}-"))
    database = create_database(workdir)
    smtp = SmtpServer()
    notify = LocalNotify() if via == "notify" else None
    server: SmtpServer | LocalNotify = notify or smtp
    settings = notify.settings() if notify else {}
    if args.retry_base is not None:
        settings["OUTBOX_RETRY_BASE_SECONDS"] = str(args.retry_base)
    worker = None
    app = make_app(database.url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    outage: threading.Timer | None = None
    try:
        build_schema(app)
        with app.app_context():
            worker = start_worker(database.url, smtp.port, workdir / "worker.log", settings)
            time.sleep(2)  # let the worker start and reach its first poll
            if worker.poll() is not None:
                raise SystemExit((workdir / "worker.log").read_text())
            if args.outage > 0:
                outage = threading.Timer(args.outage_after, server.down_for, (args.outage,))
                outage.start()

            # In the portal a submission is recorded while the POST of "check your answers"
            # is handled: record inside a request too.
            with app.test_request_context("/make-a-complaint/check-answers", method="POST"):
                recorded, started, finished_recording = record_all(args.count, args.rate)
            by_submission = dict(
                db.session.execute(
                    sa.select(OutboxMessage.submission_id, OutboxMessage.id).where(
                        OutboxMessage.purpose == "acknowledgement"
                    )
                ).all()
            )
            every_message = set(db.session.scalars(sa.select(OutboxMessage.id)))

            deadline = time.time() + args.wait
            while time.time() < deadline and not every_message <= set(server.arrivals()):
                if worker.poll() is not None:
                    break
                time.sleep(0.5)
            # Anything sent twice would follow within a poll or two.
            time.sleep(3)
            seen = server.arrivals()
            statuses = Counter(db.session.scalars(sa.select(OutboxMessage.status)))
            worker_cpu = cpu_seconds(worker.pid)
            load_after = load_average()
    finally:
        if outage is not None:
            outage.cancel()
        worker_exit = stop_worker(worker) if worker is not None else None
        smtp.stop()
        if notify is not None:
            notify.stop()
        with app.app_context():
            db.engine.dispose()
        database.drop()

    latencies = []
    missing = 0
    for item in recorded:
        message_id = by_submission.get(item.submission_id)
        if message_id is None or message_id not in seen:
            missing += 1
            continue
        latencies.append(seen[message_id][0] - item.committed_at)
    last_arrival = max((times[0] for times in seen.values()), default=started)
    return Run(
        via=via,
        database=database.description,
        load_before=load_before,
        load_after=load_after,
        recorded=len(recorded),
        recording_seconds=finished_recording - started,
        messages=len(every_message),
        latencies=latencies,
        missing_acknowledgements=missing,
        lost=len(every_message - set(seen)),
        twice=sorted(message_id for message_id, times in seen.items() if len(times) > 1),
        arrivals=sum(len(times) for times in seen.values()),
        wall=last_arrival - started,
        worker_cpu=worker_cpu,
        statuses=dict(statuses),
        worker_exit=worker_exit,
        log=workdir / "worker.log",
    )


# --- the figures ----------------------------------------------------------------------------


def rows(result: Run) -> dict[str, str]:
    figures = {
        "messages in the outbox": f"{result.messages}",
        "sent (arrived at least once)": f"{result.messages - result.lost}",
        "lost (never arrived)": f"{result.lost}",
        "duplicated (arrived more than once)": f"{len(result.twice)}",
        "acknowledgements delivered": f"{len(result.latencies)} of {result.recorded}",
    }
    if result.latencies:
        latencies = result.latencies
        figures |= {
            "median, commit to arrival": f"{statistics.median(latencies):.2f} s",
            "p95": f"{percentile(latencies, 0.95):.2f} s",
            "p99": f"{percentile(latencies, 0.99):.2f} s",
            # The yardstick: how many polls the slowest 1% waited.
            "p99 ÷ poll interval": f"{percentile(latencies, 0.99) / POLL_SECONDS:.2f}×",
            "max": f"{max(latencies):.2f} s",
            "total wall time, first commit to last arrival": f"{result.wall:.1f} s",
            "throughput, all messages": f"{result.arrivals / result.wall:.1f} a second",
        }
    if result.worker_cpu is not None:
        per_message = 1000 * result.worker_cpu / max(result.arrivals, 1)
        figures["worker CPU, start-up included"] = (
            f"{result.worker_cpu:.1f} s ({per_message:.0f} ms a message)"
        )
    figures["load average (1 min), before and after"] = (
        f"{result.load_before:.1f}, {result.load_after:.1f}"
    )
    figures["outbox statuses at the end"] = ", ".join(
        f"{status} {count}" for status, count in sorted(result.statuses.items())
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="submissions to record")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="submissions a second (0: as fast as possible, the default)",
    )
    parser.add_argument(
        "--wait", type=float, default=600.0, help="seconds to wait for the last message"
    )
    parser.add_argument(
        "--via", choices=["smtp", "notify", "both"], default="smtp", help="where messages go"
    )
    parser.add_argument(
        "--outage", type=float, default=0.0, help="seconds the server is down (0: none)"
    )
    parser.add_argument(
        "--outage-after", type=float, default=15.0, help="seconds into the recording it goes"
    )
    parser.add_argument(
        "--retry-base",
        type=float,
        default=None,
        help="OUTBOX_RETRY_BASE_SECONDS for the worker (default: the portal's, 30 s)",
    )
    args = parser.parse_args()

    routes = ["smtp", "notify"] if args.via == "both" else [args.via]
    results = [run(args, via) for via in routes]

    names = {"smtp": "SMTP", "notify": "GOV.UK Notify (local)"}
    pace = f"{args.rate:g} a second" if args.rate > 0 else "as fast as possible"
    print()
    print(
        f"Acknowledgements: {args.count} submissions ({pace}), one worker "
        f"(OUTBOX_POLL_SECONDS={POLL_SECONDS}, OUTBOX_RETRY_BASE_SECONDS="
        f"{args.retry_base if args.retry_base is not None else 'default'})"
    )
    if args.outage > 0:
        print(f"Outage: the server down for {args.outage:g} s from {args.outage_after:g} s in")
    print(f"Database: {results[0].database}")
    print(f"Machine: {machine()}")
    print()
    table = [rows(result) for result in results]
    print("| Measure | " + " | ".join(names[r.via] for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for measure in table[0]:
        print(f"| {measure} | " + " | ".join(t.get(measure, "-") for t in table) + " |")
    print()

    failed = False
    for result in results:
        this_failed = bool(result.lost or result.missing_acknowledgements or result.twice)
        if result.lost or result.missing_acknowledgements:
            print(f"MISSING ({result.via}): {result.lost} messages never arrived", file=sys.stderr)
        if result.twice:
            print(
                f"DUPLICATED ({result.via}): messages {result.twice[:20]} arrived more than once",
                file=sys.stderr,
            )
        if this_failed:
            print(f"Worker log ({result.via}): {result.log}", file=sys.stderr)
        else:
            shutil.rmtree(result.log.parent, ignore_errors=True)  # kept on failure, for the log
        failed = failed or this_failed
    if failed:
        return 1
    if args.outage == 0:
        for result in results:
            p99 = percentile(result.latencies, 0.99)
            verdict = "met" if p99 < GOAL_P99_SECONDS else "NOT met"
            print(
                f"{names[result.via]}: goal p99 < {GOAL_P99_SECONDS:.0f} s {verdict} ({p99:.2f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
