"""Where the outbox's messages arrive, seen the same way whichever way they went: over
SMTP (tests/integration/smtp_server.py) or through GOV.UK Notify
(tests/notify_server.py). The outbox tests that hold for both run against each."""

import html
from dataclasses import dataclass

from notify_server import NotifyServer
from smtp_server import SmtpServer


@dataclass
class Arrival:
    """One message as its person would get it."""

    recipient: str
    subject: str
    text: str
    html: str | None  # Notify makes its own HTML from the text: only SMTP has the portal's
    portal_id: int  # the outbox message's id: X-Portal-Message-Id, or Notify's reference

    def readable(self) -> list[str]:
        """Each version a person may read (entities in the HTML turned back into text)."""
        return [self.text] + ([html.unescape(self.html)] if self.html is not None else [])


class SmtpPostbox:
    name = "smtp"
    # What last_error says while the server cannot be reached.
    while_down = "ConnectionRefusedError"

    def __init__(self, smtp: SmtpServer) -> None:
        self.smtp = smtp

    def arrivals(self) -> list[Arrival]:
        return [
            Arrival(m.recipients[0], m.subject, m.text, m.html, m.portal_id)
            for m in self.smtp.inbox.messages()
        ]

    def go_down(self) -> None:
        self.smtp.stop()

    def come_back(self) -> None:
        self.smtp.start()

    def slow_down(self, seconds: float) -> None:
        self.smtp.inbox.slowness = seconds

    def to(self, address: str) -> list[Arrival]:
        return [a for a in self.arrivals() if a.recipient == address]


class NotifyPostbox:
    name = "notify"
    while_down = "NotifyUnavailable: 503"

    def __init__(self, server: NotifyServer) -> None:
        self.server = server

    def arrivals(self) -> list[Arrival]:
        return [
            Arrival(
                n.recipient,
                str(n.personalisation.get("subject", "")),
                str(n.personalisation.get("body", "")),
                None,
                int(n.reference or 0),
            )
            for n in self.server.notifications()
        ]

    def go_down(self) -> None:
        self.server.outage(3600)

    def come_back(self) -> None:
        self.server.back_up()

    def slow_down(self, seconds: float) -> None:
        self.server.slowness = seconds

    def to(self, address: str) -> list[Arrival]:
        return [a for a in self.arrivals() if a.recipient == address]


Postbox = SmtpPostbox | NotifyPostbox
