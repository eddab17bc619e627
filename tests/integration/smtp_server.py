"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, on a port of its own.

The inbox keeps every message it accepts, with the time it arrived. It can be told to
refuse (a 4xx or 5xx reply, as a real server does when it is busy or will not take the
mail), and the server can be stopped and started again on the same port to stand for
an SMTP server that is down for a while.
"""

import asyncio
import email
import email.parser
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from functools import cached_property
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    """One message as it arrived at the server."""

    recipients: list[str]
    raw: bytes
    arrived_at: float  # time.time() when the server accepted it

    # Parsed when first asked for: the server thread only stores bytes, so it keeps up
    # with several workers at once.
    @cached_property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @cached_property
    def headers(self) -> email.message.Message:
        return email.parser.BytesHeaderParser().parsebytes(self.raw)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def portal_id(self) -> int:
        """The outbox message's id, which the worker puts in X-Portal-Message-Id."""
        return int(str(self.headers["X-Portal-Message-Id"]))

    def _part(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        if part is None or part.get_content_subtype() != subtype:
            raise AssertionError(f"the message has no text/{subtype} part")
        return str(part.get_content())  # type: ignore[attr-defined]

    @property
    def text(self) -> str:
        return self._part("plain")

    @property
    def html(self) -> str:
        return self._part("html")


class Inbox:
    """An aiosmtpd handler: keeps every message it accepts, or refuses when told to."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refusal: str | None = None
        # Seconds the server takes over each message, like a busy or tarpitting relay.
        self.slowness = 0.0
        self._lock = threading.Lock()

    def refuse(self, reply: str = "451 4.3.0 Mailbox busy, try again later") -> None:
        self.refusal = reply

    def accept(self) -> None:
        self.refusal = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.slowness:
            await asyncio.sleep(self.slowness)
        if self.refusal:
            return self.refusal
        arrived = Received(list(envelope.rcpt_tos), bytes(envelope.content), time.time())
        with self._lock:
            self.received.append(arrived)
        return "250 2.0.0 Message accepted for delivery"

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages() if address in m.recipients]


class SmtpServer:
    """aiosmtpd's Controller on 127.0.0.1 and a free port, stoppable and restartable."""

    def __init__(self, inbox: Inbox | None = None, port: int | None = None) -> None:
        self.inbox = inbox or Inbox()
        self.port = port or free_port()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> "SmtpServer":
        # A Controller's event loop closes when it stops: a restart needs a new one.
        controller = Controller(self.inbox, hostname=HOST, port=self.port)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "SmtpServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
