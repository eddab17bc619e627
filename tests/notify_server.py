"""A local GOV.UK Notify for the tests and the benchmarks: the parts of Notify's v2 API the
portal uses, written from Notify's published API documentation
(docs.notifications.service.gov.uk, "REST API"), on 127.0.0.1 and a port of its own.

- POST /v2/notifications/email, /sms and /letter: the template must exist, be of that
  kind and get every placeholder it has (its personalisation); the email address, the
  UK mobile number or the postal address must be valid. A refusal is Notify's JSON:
  ``{"status_code": 400, "errors": [{"error": "BadRequestError", "message": ...}]}``.
  An accepted notification answers 201 with its id, reference, content and template.
- GET /v2/notifications/{id} and GET /v2/notifications?reference=...&status=...
  &template_type=... (newest first, as Notify gives them).
- The API key checked as Notify checks it: the key is ``{name}-{service id}-{secret}``;
  each request carries ``Authorization: Bearer <JWT>``, a token signed with the secret
  (HS256) whose ``iss`` is the service id and whose ``iat`` is within 30 seconds of now
  (the checks are Notify's own, from ``notifications_python_client.authentication``, as
  the real API uses them). Otherwise 401 or 403 ``AuthError``.
- A rate limit of so many requests a rolling minute (429 ``RateLimitError``).
- An outage for a while: every request answered 503, or the port closed (connection
  refused), then back by itself.
- Delivery receipts: with a callback URL and bearer token, a receipt is POSTed for each
  email and text message accepted, in Notify's documented shape (id, reference, to,
  status, created_at, completed_at, sent_at, notification_type, template_id,
  template_version). Its status is the recipient's: Notify's own test numbers and
  addresses (07700900002 and ``perm-fail@simulator.notify`` a permanent failure,
  07700900003 and ``temp-fail@simulator.notify`` a temporary one), any address with
  "perm-fail", "temp-fail" or "technical-fail" in it, or what a test set in
  ``statuses``; otherwise delivered. ``send_receipt`` posts another later.
- Returned letters: ``return_letter`` posts Notify's returned-letter callback
  (notification_id, reference, created_at, template_id ...) to ``returned_letter_url``
  with the same bearer token.

Everything accepted is kept (``accepted``) so a test can check what the portal asked
Notify to send: the template, the personalisation, the reference.

Run on its own (the benchmark does, so that it does not share the bench's interpreter):
``python tests/notify_server.py --port N --api-key KEY`` prints "ready" and serves, with
``/_local/...`` endpoints to read what it accepted and to start an outage.
"""

import argparse
import json
import re
import socket
import sys
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from urllib.request import Request, urlopen

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import (
    TokenDecodeError,
    TokenError,
    TokenExpiredError,
    TokenIssuerError,
)

HOST = "127.0.0.1"

# The templates a council would set up for the portal (docs/notify.md), by id.
EMAIL_TEMPLATE_ID = "4f1b0a6e-0c8e-4d5e-9a43-2d6f3c1e7a01"
SMS_TEMPLATE_ID = "8b2d4c6e-1f3a-4b5c-8d7e-9f0a1b2c3d02"
LETTER_TEMPLATE_ID = "c3e5f7a9-2b4d-4c6e-8f0a-1b3c5d7e9f03"


@dataclass
class Template:
    type: str  # "email", "sms" or "letter"
    placeholders: tuple[str, ...]
    version: int = 1


def portal_templates() -> dict[str, Template]:
    """The three templates docs/notify.md asks the council for."""
    return {
        EMAIL_TEMPLATE_ID: Template("email", ("subject", "body")),
        SMS_TEMPLATE_ID: Template("sms", ("body",)),
        LETTER_TEMPLATE_ID: Template("letter", ("subject", "body")),
    }


@dataclass
class Notification:
    """One notification Notify accepted."""

    id: str
    type: str
    template_id: str
    template_version: int
    recipient: str  # the email address, the phone number, or the address's lines
    personalisation: dict[str, Any]
    reference: str | None
    created_at: datetime
    status: str = "created"
    sent_at: datetime | None = None
    completed_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """As GET /v2/notifications/{id} gives it."""
        body: dict[str, Any] = {
            "id": self.id,
            "reference": self.reference,
            "email_address": self.recipient if self.type == "email" else None,
            "phone_number": self.recipient if self.type == "sms" else None,
            "type": self.type,
            "status": self.status,
            "template": {
                "id": self.template_id,
                "version": self.template_version,
                "uri": f"/v2/template/{self.template_id}/version/{self.template_version}",
            },
            "body": str(self.personalisation.get("body", "")),
            "subject": self.personalisation.get("subject"),
            "created_at": _timestamp(self.created_at),
            "created_by_name": None,
            "sent_at": _timestamp(self.sent_at),
            "completed_at": _timestamp(self.completed_at),
        }
        for number in range(1, 8):
            body[f"line_{number}"] = self.personalisation.get(f"address_line_{number}")
        body["postcode"] = self.personalisation.get("postcode")
        return body


@dataclass
class Receipt:
    """A delivery receipt the server posted, and what the callback answered."""

    payload: dict[str, Any]
    answered: int | str  # the HTTP status, or the error if it could not connect


def _timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _now() -> datetime:
    return datetime.now(UTC)


class NotifyError(Exception):
    """A refusal in Notify's JSON shape."""

    def __init__(self, status_code: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = {"status_code": status_code, "errors": [{"error": error, "message": message}]}


def _bad_request(message: str) -> NotifyError:
    return NotifyError(400, "BadRequestError", message)


def _invalid(message: str) -> NotifyError:
    return NotifyError(400, "ValidationError", message)


# --- recipients, checked as Notify documents ---------------------------------------------------

_EMAIL = re.compile(r"^[^\s@,;]+@([^\s@.,;]+\.)+[a-z]{2,}$", re.IGNORECASE)
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}$", re.IGNORECASE)


def check_email_address(address: Any) -> None:
    if not isinstance(address, str) or not _EMAIL.match(address.strip()):
        raise _invalid("email_address Not a valid email address")


def check_phone_number(number: Any) -> None:
    """A UK mobile number, in any of the ways people write one."""
    if not isinstance(number, str):
        raise _invalid("phone_number Not a UK mobile number")
    written = re.sub(r"[\s()\-.]", "", number)
    if re.search(r"[^\d+]", written):
        raise _invalid("phone_number Must not contain letters or symbols")
    digits = written.lstrip("+")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    elif digits.startswith("7"):
        digits = "0" + digits
    if not digits.startswith("07"):
        raise _invalid("phone_number Not a UK mobile number")
    if len(digits) > 11:
        raise _invalid("phone_number Too many digits")
    if len(digits) < 11:
        raise _invalid("phone_number Not enough digits")


def letter_address(personalisation: dict[str, Any]) -> list[str]:
    lines = [
        str(personalisation[f"address_line_{number}"]).strip()
        for number in range(1, 8)
        if str(personalisation.get(f"address_line_{number}") or "").strip()
    ]
    if personalisation.get("postcode"):
        lines.append(str(personalisation["postcode"]).strip())
    if "address_line_1" not in personalisation:
        raise _invalid("personalisation address_line_1 is a required property")
    if len(lines) < 3:
        raise _invalid("Address must be at least 3 lines")
    if len(lines) > 7:
        raise _invalid("Address must be no more than 7 lines")
    if not _POSTCODE.match(lines[-1]):
        raise _invalid("Last line of address must be a real UK postcode or another country")
    return lines


def status_by_rule(recipient: str) -> str:
    """What becomes of a message to `recipient`: Notify's documented test numbers and
    addresses, or a word in the address; otherwise delivered."""
    digits = re.sub(r"\D", "", recipient)
    if digits.endswith("7700900002") or "perm-fail" in recipient:
        return "permanent-failure"
    if digits.endswith("7700900003") or "temp-fail" in recipient:
        return "temporary-failure"
    if "technical-fail" in recipient:
        return "technical-failure"
    return "delivered"


# --- the server -----------------------------------------------------------------------------


class NotifyServer:
    """The local Notify: `start()` (or `with`), then point NOTIFY_BASE_URL at `base_url`
    and NOTIFY_API_KEY at `api_key`."""

    def __init__(
        self,
        *,
        port: int | None = None,
        key_name: str = "portal_test",
        service_id: str | None = None,
        secret: str | None = None,
        templates: dict[str, Template] | None = None,
        rate_limit_per_minute: int = 3000,
        callback_url: str | None = None,
        callback_token: str | None = None,
    ) -> None:
        self.port = port or _free_port()
        self.service_id = service_id or str(uuid.uuid4())
        self.secret = secret or str(uuid.uuid4())
        self.api_key = f"{key_name}-{self.service_id}-{self.secret}"
        self.templates = templates if templates is not None else portal_templates()
        self.rate_limit_per_minute = rate_limit_per_minute
        self.callback_url = callback_url
        self.callback_token = callback_token
        # Where returned letters are posted (Notify's "returned letter" callback).
        self.returned_letter_url: str | None = None
        # A recipient's status in its delivery receipt, over `status_by_rule`.
        self.statuses: dict[str, str] = {}
        # Seconds each request takes, like a slow network.
        self.slowness = 0.0
        self.accepted: list[Notification] = []
        self.receipts: list[Receipt] = []
        self.requests: Counter[str] = Counter()  # "POST sms", "GET", "refused 429" ...
        self._lock = threading.Lock()
        self._recent: deque[float] = deque()  # request times, for the rate limit
        self._unavailable_until = 0.0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._receipt_threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    # -- starting and stopping -------------------------------------------------------------

    def start(self) -> "NotifyServer":
        server = self

        class Handler(_Handler):
            notify = server

        httpd = ThreadingHTTPServer((HOST, self.port), Handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        for thread in list(self._receipt_threads):
            thread.join(timeout=10)

    def __enter__(self) -> "NotifyServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what a test may do ----------------------------------------------------------------

    def outage(self, seconds: float, *, refuse_connections: bool = False) -> None:
        """Notify is down for `seconds` from now: each request is answered 503, or (with
        `refuse_connections`) the port is closed, so connecting is refused."""
        if refuse_connections:
            self.stop()
            timer = threading.Timer(seconds, self.start)
            timer.daemon = True
            timer.start()
        else:
            with self._lock:
                self._unavailable_until = time.monotonic() + seconds

    def back_up(self) -> None:
        """Ends a 503 outage now."""
        with self._lock:
            self._unavailable_until = 0.0

    def by_reference(self, reference: str) -> list[Notification]:
        with self._lock:
            return [n for n in self.accepted if n.reference == reference]

    def references(self) -> Counter[str | None]:
        """How many notifications were accepted with each reference (more than one: sent
        twice)."""
        with self._lock:
            return Counter(n.reference for n in self.accepted)

    def notifications(self) -> list[Notification]:
        with self._lock:
            return list(self.accepted)

    def wait_for_receipts(self, timeout: float = 10.0) -> list[Receipt]:
        """The receipts posted so far, once every one under way has been answered."""
        deadline = time.monotonic() + timeout
        for thread in list(self._receipt_threads):
            thread.join(timeout=max(deadline - time.monotonic(), 0))
        with self._lock:
            return list(self.receipts)

    def send_receipt(self, notification_id: str, status: str) -> None:
        """The notification's status changes (a letter returned, a text delivered late):
        Notify posts a receipt, if there is a callback."""
        with self._lock:
            notification = next(n for n in self.accepted if n.id == notification_id)
            notification.status = status
            notification.completed_at = _now()
        self._post_receipt(notification)

    # -- the API ---------------------------------------------------------------------------

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        """(status, JSON body) for one request; None when the server should answer as a
        proxy in front of a service that is down."""
        if self.slowness:
            time.sleep(self.slowness)
        with self._lock:
            if time.monotonic() < self._unavailable_until:
                self.requests["refused 503"] += 1
                return None
        try:
            self._authorise(headers.get("authorization"))
            self._count_against_the_limit()
            url = urlsplit(path)
            if method == "POST":
                kind = url.path.removeprefix("/v2/notifications/")
                if kind not in ("email", "sms", "letter"):
                    raise NotifyError(404, "NoResultFound", "No result found")
                return 201, self._accept(kind, _json(body))
            if method == "GET" and url.path == "/v2/notifications":
                return 200, self._list(parse_qs(url.query))
            if method == "GET" and url.path.startswith("/v2/notifications/"):
                return 200, self._one(url.path.removeprefix("/v2/notifications/"))
            raise NotifyError(404, "NoResultFound", "No result found")
        except NotifyError as error:
            with self._lock:
                self.requests[f"refused {error.status_code}"] += 1
            return error.status_code, error.body

    def _authorise(self, header: str | None) -> None:
        if not header:
            raise NotifyError(
                401, "AuthError", "Unauthorized: authentication token must be provided"
            )
        if header[:7].title() != "Bearer ":
            raise NotifyError(
                401, "AuthError", "Unauthorized: authentication bearer scheme must be used"
            )
        token = header[7:]
        try:
            issuer = get_token_issuer(token)
        except TokenIssuerError as error:
            raise NotifyError(403, "AuthError", "Invalid token: iss field not provided") from error
        except TokenDecodeError as error:
            raise NotifyError(
                403, "AuthError", "Invalid token: signature, api token is not valid"
            ) from error
        if issuer != self.service_id:
            raise NotifyError(403, "AuthError", "Invalid token: service not found")
        try:
            decode_jwt_token(token, self.secret)
        except TokenExpiredError as error:
            raise NotifyError(
                403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
            ) from error
        except TokenError as error:
            raise NotifyError(403, "AuthError", "Invalid token: API key not found") from error

    def _count_against_the_limit(self) -> None:
        now = time.monotonic()
        with self._lock:
            while self._recent and self._recent[0] <= now - 60:
                self._recent.popleft()
            if len(self._recent) >= self.rate_limit_per_minute:
                raise NotifyError(
                    429,
                    "RateLimitError",
                    f"Exceeded rate limit for key type LIVE of {self.rate_limit_per_minute} "
                    "requests per 60 seconds",
                )
            self._recent.append(now)

    def _accept(self, kind: str, request: dict[str, Any]) -> dict[str, Any]:
        template_id = request.get("template_id")
        if not isinstance(template_id, str) or not template_id:
            raise _invalid("template_id is a required property")
        try:
            uuid.UUID(template_id)
        except ValueError as error:
            raise _invalid("template_id is not a valid UUID") from error
        personalisation = request.get("personalisation") or {}
        if not isinstance(personalisation, dict):
            raise _invalid(
                f"personalisation {type(personalisation).__name__} is not of type object"
            )
        reference = request.get("reference")
        if kind == "email":
            recipient = request.get("email_address")
            check_email_address(recipient)
        elif kind == "sms":
            recipient = request.get("phone_number")
            check_phone_number(recipient)
        else:
            recipient = "\n".join(letter_address(personalisation))
        template = self.templates.get(template_id)
        if template is None:
            raise _bad_request("Template not found")
        if template.type != kind:
            raise _bad_request(f"{template.type} template is not suitable for {kind} notification")
        missing = [name for name in template.placeholders if name not in personalisation]
        if missing:
            raise _bad_request(f"Missing personalisation: {', '.join(missing)}")
        notification = Notification(
            id=str(uuid.uuid4()),
            type=kind,
            template_id=template_id,
            template_version=template.version,
            recipient=str(recipient),
            personalisation=dict(personalisation),
            reference=reference if isinstance(reference, str) else None,
            created_at=_now(),
            status="accepted" if kind == "letter" else "created",
        )
        with self._lock:
            self.accepted.append(notification)
            self.requests[f"POST {kind}"] += 1
        if kind != "letter":
            self._deliver_later(notification)
        content: dict[str, Any] = {"body": str(personalisation.get("body", ""))}
        if kind == "email":
            content |= {"subject": personalisation.get("subject"), "from_email": "portal@notify"}
        elif kind == "sms":
            content["from_number"] = "COUNCIL"
        else:
            content["subject"] = personalisation.get("subject")
        return {
            "id": notification.id,
            "reference": notification.reference,
            "content": content,
            "uri": f"{self.base_url}/v2/notifications/{notification.id}",
            "template": {
                "id": template_id,
                "version": template.version,
                "uri": f"{self.base_url}/v2/template/{template_id}",
            },
            "scheduled_for": None,
        }

    def _list(self, query: dict[str, list[str]]) -> dict[str, Any]:
        with self._lock:
            self.requests["GET"] += 1
            found = list(reversed(self.accepted))
        if "reference" in query:
            found = [n for n in found if n.reference == query["reference"][0]]
        if "template_type" in query:
            found = [n for n in found if n.type == query["template_type"][0]]
        if "status" in query:
            statuses = set(query["status"])
            found = [n for n in found if n.status in statuses]
        return {
            "notifications": [n.as_json() for n in found[:250]],
            "links": {"current": "/v2/notifications", "next": None},
        }

    def _one(self, notification_id: str) -> dict[str, Any]:
        try:
            uuid.UUID(notification_id)
        except ValueError as error:
            raise _invalid("notification_id is not a valid UUID") from error
        with self._lock:
            self.requests["GET"] += 1
            for notification in self.accepted:
                if notification.id == notification_id:
                    return notification.as_json()
        raise NotifyError(404, "NoResultFound", "No result found")

    # -- delivery receipts -----------------------------------------------------------------

    def _deliver_later(self, notification: Notification) -> None:
        """The provider's answer comes a moment after Notify accepted the message."""

        def deliver() -> None:
            time.sleep(0.05)
            with self._lock:
                notification.sent_at = _now()
                notification.status = self.statuses.get(
                    notification.recipient, status_by_rule(notification.recipient)
                )
                notification.completed_at = _now()
            self._post_receipt(notification)

        thread = threading.Thread(target=deliver, daemon=True)
        with self._lock:
            self._receipt_threads = [t for t in self._receipt_threads if t.is_alive()]
            self._receipt_threads.append(thread)
        thread.start()

    def return_letter(self, notification_id: str) -> None:
        """Royal Mail brings a letter back: Notify posts to the returned-letter callback,
        in the shape of Notify's returned letter report (notifications-api
        ``create_returned_letter_callback_data``), with the callback's bearer token."""
        with self._lock:
            notification = next(n for n in self.accepted if n.id == notification_id)
            notification.status = "returned-letter"
        if not self.returned_letter_url:
            return
        payload = {
            "notification_id": notification.id,
            "reference": notification.reference,
            "created_at": _timestamp(notification.created_at),
            "email_address": "API",
            "template_name": "Letter",
            "template_id": notification.template_id,
            "template_version": notification.template_version,
            "original_file_name": None,
            "job_row_number": None,
            "upload_letter_file_name": None,
        }
        self._post(self.returned_letter_url, payload)

    def _post_receipt(self, notification: Notification) -> None:
        if not self.callback_url:
            return
        payload = {
            "id": notification.id,
            "reference": notification.reference,
            "to": notification.recipient,
            "status": notification.status,
            "created_at": _timestamp(notification.created_at),
            "completed_at": _timestamp(notification.completed_at),
            "sent_at": _timestamp(notification.sent_at),
            "notification_type": notification.type,
            "template_id": notification.template_id,
            "template_version": notification.template_version,
        }
        self._post(self.callback_url, payload)

    def _post(self, url: str, payload: dict[str, Any]) -> None:
        request = Request(
            url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.callback_token}",
            },
        )
        answered: int | str
        try:
            with urlopen(request, timeout=10) as response:
                answered = int(response.status)
        except Exception as error:  # an HTTPError has a status; anything else is kept
            answered = int(getattr(error, "code", 0)) or f"{type(error).__name__}: {error}"
        with self._lock:
            self.receipts.append(Receipt(payload, answered))


def _json(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError as error:
        raise _invalid("Invalid JSON supplied in POST data") from error
    if not isinstance(parsed, dict):
        raise _invalid("Invalid JSON supplied in POST data")
    return parsed


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class _Handler(BaseHTTPRequestHandler):
    notify: NotifyServer
    protocol_version = "HTTP/1.1"
    # The headers and the body go out in two writes; with Nagle's algorithm on, the body
    # waits for the client to acknowledge the headers, which Linux delays by up to 40 ms
    # (delayed ACK), so every answer took that much longer than its work. Notify's own
    # servers answer without such a stall; nothing a test checks depends on it.
    disable_nagle_algorithm = True

    def _respond(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/_local/"):
            status, answer = _local(self.notify, method, self.path, body)
        else:
            headers = {key.lower(): value for key, value in self.headers.items()}
            answered = self.notify.answer(method, self.path, headers, body)
            if answered is None:
                self._send(503, b"Service Unavailable", "text/plain")
                return
            status, answer = answered
        self._send(status, json.dumps(answer).encode(), "application/json")

    def _send(self, status: int, content: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_GET(self) -> None:  # noqa: N802
        self._respond("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._respond("POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests read the server's lists, not its log


def _local(notify: NotifyServer, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """For a server run in a process of its own (the benchmark): what it accepted, and
    an outage on demand."""
    url = urlsplit(path)
    if url.path == "/_local/references":
        return 200, {"references": {str(k): v for k, v in notify.references().items()}}
    if url.path == "/_local/arrivals":
        return 200, {
            "arrivals": [[n.reference, n.created_at.timestamp()] for n in notify.notifications()]
        }
    if url.path == "/_local/requests":
        return 200, {"requests": dict(notify.requests)}
    if url.path == "/_local/outage" and method == "POST":
        seconds = float(json.loads(body or b"{}").get("seconds", 30))
        notify.outage(seconds)
        return 200, {"down_for": seconds}
    return 404, {"error": "no such local endpoint"}


def main(argv: list[str] | None = None, ready: Callable[[], None] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A local GOV.UK Notify")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-key", required=True, help="{name}-{service id}-{secret}")
    parser.add_argument("--rate-limit", type=int, default=3000, help="requests a minute")
    args = parser.parse_args(argv)
    server = NotifyServer(
        port=args.port,
        service_id=args.api_key[-73:-37],
        secret=args.api_key[-36:],
        rate_limit_per_minute=args.rate_limit,
    ).start()
    print("ready", flush=True)
    if ready is not None:
        ready()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
