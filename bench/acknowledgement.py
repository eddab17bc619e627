"""How long a person waits for their acknowledgement, with one outbox worker.

    .venv/bin/python bench/acknowledgement.py [--count 1000] [--rate 0]

Builds a database of its own with the migrations (a temporary SQLite file; or, when
DATABASE_URL names a PostgreSQL server, a new database on that server, dropped at the
end), starts an aiosmtpd server in a process of its own that notes when each message
arrives, starts ONE worker
(`flask --app wsgi outbox work`, polling every second) in a subprocess, then records
`--count` complaints through portal.services.intake.record_submission: as fast as one
process can (the default, the worst case for the queue) or `--rate` a second.

For each submission it measures the time from its commit to its acknowledgement arriving
at the SMTP server, prints a table, and exits non-zero if any acknowledgement (or any
other message) is missing or arrived twice. The goal: p99 under 60 seconds.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from common import (
    ROOT,
    SmtpServer,
    build_schema,
    create_database,
    load_average,
    machine,
    make_app,
    percentile,
)

GOAL_P99_SECONDS = 60.0


# --- the worker -----------------------------------------------------------------------------


def start_worker(database_url: str, smtp_port: int, log_path: Path) -> subprocess.Popen[bytes]:
    flask = Path(sys.executable).parent / "flask"
    environment = os.environ | {
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "OUTBOX_POLL_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
        "PORTAL_ENV": "development",
    }
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


# --- the figures ----------------------------------------------------------------------------


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
    args = parser.parse_args()

    from portal.extensions import db
    from portal.models import OutboxMessage

    load_before = load_average()
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    database = create_database(workdir)
    smtp = SmtpServer()
    smtp_port = smtp.port
    worker = None
    app = make_app(database.url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    try:
        build_schema(app)
        with app.app_context():
            worker = start_worker(database.url, smtp_port, workdir / "worker.log")
            time.sleep(2)  # let the worker start and reach its first poll
            if worker.poll() is not None:
                print((workdir / "worker.log").read_text(), file=sys.stderr)
                return 2

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
            while time.time() < deadline and not every_message <= set(smtp.arrivals()):
                if worker.poll() is not None:
                    break
                time.sleep(0.2)
            # Anything sent twice would follow within a poll or two.
            time.sleep(3)
            seen = smtp.arrivals()
            statuses = Counter(db.session.scalars(sa.select(OutboxMessage.status)))
            worker_cpu = cpu_seconds(worker.pid)
            load_after = load_average()
    finally:
        worker_exit = stop_worker(worker) if worker is not None else None
        smtp.stop()
        with app.app_context():
            db.engine.dispose()
        database.drop()

    latencies = []
    missing = []
    for item in recorded:
        message_id = by_submission.get(item.submission_id)
        if message_id is None or message_id not in seen:
            missing.append(item.submission_id)
            continue
        latencies.append(seen[message_id][0] - item.committed_at)
    twice = sorted(message_id for message_id, times in seen.items() if len(times) > 1)
    not_arrived = sorted(every_message - set(seen))
    last_arrival = max((times[0] for times in seen.values()), default=started)
    wall = last_arrival - started

    print()
    print(f"Acknowledgements: {args.count} submissions, one worker (OUTBOX_POLL_SECONDS=1)")
    print(f"Database: {database.description}")
    print(f"Machine: {machine()}")
    print(f"Load average (1 min) before and after: {load_before:.1f}, {load_after:.1f}")
    pace = f"{args.rate:g} a second" if args.rate > 0 else "as fast as possible"
    print(
        f"Recorded {len(recorded)} submissions ({pace}) in "
        f"{finished_recording - started:.1f} s; {len(every_message)} messages in the outbox"
    )
    print()
    if latencies:
        rows = [
            ("acknowledgements delivered", f"{len(latencies)}"),
            ("median, commit to arrival", f"{statistics.median(latencies):.2f} s"),
            ("p95", f"{percentile(latencies, 0.95):.2f} s"),
            ("p99", f"{percentile(latencies, 0.99):.2f} s"),
            ("max", f"{max(latencies):.2f} s"),
            ("total wall time, first commit to last arrival", f"{wall:.1f} s"),
            ("throughput, acknowledgements", f"{len(latencies) / wall:.1f} a second"),
            ("throughput, all messages", f"{len(seen) / wall:.1f} a second"),
        ]
        if worker_cpu is not None:
            per_message = 1000 * worker_cpu / max(len(seen), 1)
            rows.append(
                (
                    "worker CPU, start-up included",
                    f"{worker_cpu:.1f} s ({per_message:.0f} ms a message)",
                )
            )
        print("| Measure | Value |")
        print("|---|---|")
        for name, value in rows:
            print(f"| {name} | {value} |")
    print()
    print(f"Outbox statuses at the end: {dict(statuses)}; worker exit code {worker_exit}")

    failed = False
    if missing:
        print(f"MISSING: {len(missing)} acknowledgements never arrived", file=sys.stderr)
        failed = True
    if not_arrived:
        print(f"MISSING: {len(not_arrived)} messages in all never arrived", file=sys.stderr)
        failed = True
    if twice:
        print(f"DUPLICATED: messages {twice[:20]} arrived more than once", file=sys.stderr)
        failed = True
    if failed:
        print(f"Worker log: {workdir / 'worker.log'}", file=sys.stderr)
        return 1
    shutil.rmtree(workdir, ignore_errors=True)  # kept on failure, for the worker's log
    p99 = percentile(latencies, 0.99)
    verdict = "met" if p99 < GOAL_P99_SECONDS else "NOT met"
    print(f"Goal p99 < {GOAL_P99_SECONDS:.0f} s: {verdict} ({p99:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
