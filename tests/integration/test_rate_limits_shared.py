"""The limits hold across processes: two gunicorn instances behind one (pretend) load
balancer count one person's requests together when REDIS_URL is set, and would not without
it. Real processes and a real Redis (127.0.0.1:6379), because an in-process test shares
one limiter object and would pass whatever the storage was.

The tracking page is limited to 20 a minute per address; the person's address reaches the
portal in X-Forwarded-For, trusted because TRUSTED_PROXIES=1, and is random for each test
so earlier runs' counts in Redis do not matter."""

import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import request
from smtp_server import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS = "redis://127.0.0.1:6379/0"
TRACKING_LIMIT = 20


def start_instances(database_url: str, *, redis_url: str | None) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "shared-by-both-instances-of-the-portal",
        "TRUSTED_PROXIES": "1",
        "TRACKING_RATE_LIMIT": f"{TRACKING_LIMIT} per minute",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return [
        subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{free_port()}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]


def address_of(instance: subprocess.Popen[bytes]) -> str:
    return str(instance.args[4])  # type: ignore[index]


def wait_until_serving(instances: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 30
    for instance in instances:
        while True:
            try:
                urllib.request.urlopen(f"http://{address_of(instance)}/", timeout=5)
                break
            except OSError as error:
                if instance.poll() is not None or time.monotonic() > deadline:
                    stop(instances)
                    output = instance.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
                    raise AssertionError(output) from error
                time.sleep(0.2)


def stop(instances: list[subprocess.Popen[bytes]]) -> None:
    for instance in instances:
        instance.terminate()
    for instance in instances:
        instance.wait(timeout=30)


def track(instance: subprocess.Popen[bytes], person: str) -> int:
    """One look at a tracking page (a wrong link: a 404 counts toward the limit too)."""
    request = urllib.request.Request(
        f"http://{address_of(instance)}/track/CSC-2026-0001/not-the-token",
        headers={"X-Forwarded-For": person},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def someone() -> str:
    return "10." + ".".join(str(random.randint(1, 254)) for _ in range(3))


@pytest.fixture
def shared_by_redis(app: object, database_url: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    instances = start_instances(database_url, redis_url=REDIS)
    wait_until_serving(instances)
    yield instances
    stop(instances)


@pytest.fixture
def each_on_its_own(app: object, database_url: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    instances = start_instances(database_url, redis_url=None)
    wait_until_serving(instances)
    yield instances
    stop(instances)


def test_one_persons_requests_are_counted_across_both_instances(
    shared_by_redis: list[subprocess.Popen[bytes]],
) -> None:
    person = someone()
    answers = [track(shared_by_redis[n % 2], person) for n in range(TRACKING_LIMIT)]
    assert answers == [404] * TRACKING_LIMIT
    # The 21st, on either instance, is refused.
    assert track(shared_by_redis[0], person) == 429
    assert track(shared_by_redis[1], person) == 429
    # Somebody else, at the same moment, is not.
    assert track(shared_by_redis[0], someone()) == 404


def test_without_redis_each_process_counts_alone(
    each_on_its_own: list[subprocess.Popen[bytes]],
) -> None:
    # What REDIS_URL is for: in memory, each worker process keeps its own count, so the
    # same 21 requests spread over the instances are all let through.
    person = someone()
    answers = [track(each_on_its_own[n % 2], person) for n in range(TRACKING_LIMIT + 1)]
    assert 429 not in answers


def test_a_forwarded_address_is_ignored_unless_a_proxy_is_trusted(
    app: object, database_url: str
) -> None:
    from portal import create_app

    def address_seen(proxies: int) -> str | None:
        portal = create_app(
            {"SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": proxies, "TESTING": True}
        )
        seen: list[str | None] = []
        portal.before_request(lambda: seen.append(request.remote_addr))
        portal.test_client().get("/", headers={"X-Forwarded-For": "10.1.2.3"})
        return seen[0]

    assert address_seen(0) == "127.0.0.1", "anyone could dodge the limits with a header"
    assert address_seen(1) == "10.1.2.3"
