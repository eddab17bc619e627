"""Helpers for back-office tests: staff accounts, signing in, and a case to work on."""

import re
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pyotp
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page, squash
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.domain.clock import LONDON
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Staff, Submission, Team
from portal.services import intake, staff, two_factor

PASSWORD = "a-long-test-password"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def make_staff(role: Role, *, team: str | None = None, email: str | None = None) -> str:
    """An account that can sign in. Someone whose role must use an authenticator app
    (every role, unless the test's council made it optional) has one already (the tests
    sign in with codes from it)."""
    email = email or f"{role.value}-{team or 'all'}@council.example".replace(" ", "-").lower()
    if role is Role.TEAM_MEMBER and team is None:
        team = "Looked After Children"
    person = staff.create_staff(
        email=email, name=f"{role.value} person", password=PASSWORD, role=role, team_name=team
    )
    if two_factor.required(person):
        give_authenticator_app(email)
    return email


def give_authenticator_app(email: str) -> list[str]:
    """Set up an authenticator app through the service, as the person did an hour ago
    on the set-up page; returns their recovery codes."""
    person = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    secret = two_factor.new_key(person)
    return two_factor.confirm(person, pyotp.TOTP(secret).at(an_hour_ago), now=an_hour_ago)


def authenticator_code(email: str) -> str:
    """The code the person's app shows now. The portal takes each code once, and a code
    a step either side of now: a test that signs the same person in again within 30
    seconds gets the next step's code, and after that waits for a new one, as a person
    would."""
    while True:
        secret, last_step = db.session.execute(
            sa.select(Staff.totp_secret, Staff.totp_last_step).where(Staff.email == email)
        ).one()
        assert secret, f"{email} has no authenticator app"
        totp = pyotp.TOTP(secret)
        now = clock.time()
        step = totp.timecode(datetime.fromtimestamp(now, UTC))
        for offset in (0, 1):
            if last_step is None or step + offset > last_step:
                return totp.at(now, counter_offset=offset)
        clock.sleep(totp.interval - now % totp.interval + 0.05)


CODE_PAGE = "/staff/sign-in/code"


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Sign in with the password and, when the account has an authenticator app, its
    code. Returns the last response (a redirect)."""
    page = client.get("/staff/sign-in").get_data(as_text=True)
    response = client.post(
        "/staff/sign-in",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    if response.location == CODE_PAGE:
        response = give_code(client, authenticator_code(email))
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return response


def give_code(client: FlaskClient, code: str) -> TestResponse:
    """Answer "Enter the 6-digit code from your authenticator app"."""
    page = client.get(CODE_PAGE).get_data(as_text=True)
    return client.post(CODE_PAGE, data={"csrf_token": csrf_token(page), "code": code})


def team_id(name: str) -> int:
    found = db.session.scalar(sa.select(Team.id).where(Team.name == name))
    assert found is not None
    return found


def new_complaint(
    *,
    team: str = "Looked After Children",
    role: SubmitterRole = SubmitterRole.PARENT,
    text: str = "Nobody came to the review meeting.",
    when: datetime | None = None,
    email: str | None = "parent@example.com",
    kind: Kind = Kind.COMPLAINT,
    child_age: int | None = 9,
    advocacy: AdvocacyAnswer | None = None,
    address: str | None = None,
) -> Submission:
    """A submission recorded through the real intake service (routing rules apply)."""
    return intake.record_submission(
        intake.NewSubmission(
            kind=kind,
            role=role,
            name="Pat Parent",
            contact_preference=ContactPreference.EMAIL if email else ContactPreference.PHONE,
            email=email,
            phone=None if email else "07700 900982",
            address=address,
            postcode="NM1 2AB" if address else None,
            what_happened=text,
            put_right="An apology" if kind is Kind.COMPLAINT else None,
            child_name="Sam" if role is not SubmitterRole.CHILD else None,
            child_age=child_age,
            team_id=team_id(team),
            advocacy=advocacy,
            answers={"what-happened": {"what_happened": text}},
        ),
        now=when or datetime.now(UTC),
    )


# --- reading and filling in back-office pages ---------------------------------------------


class OwnContextClient(FlaskClient):
    """A browser whose every request runs in an application context of its own, as in
    production. The `app` fixture keeps one context open for the whole test, and a plain
    test client's requests reuse it: `g` (the signed-in member of staff, the CSRF token)
    and the database session would carry over from one request, or one person, to the
    next."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def browser(app: Flask) -> FlaskClient:
    return OwnContextClient(app, app.response_class, use_cookies=True)


def sign_in_as_manager(client: FlaskClient) -> str:
    email = make_staff(Role.MANAGER)
    sign_in(client, email)
    return email


def date_parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def received_at(day: date) -> datetime:
    """Midday in London on `day`: the moment a submission is received."""
    return datetime.combine(day, time(12, 0), LONDON)


def look(client: FlaskClient, url: str, *, htmx: bool = False) -> Page:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code, response.location)
    return read(response)


def read(response: TestResponse) -> Page:
    """The page as a person reads it: a line break separates words."""
    return Page(response.get_data(as_text=True).replace("<br>", "<br> "), response.status_code)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], *, htmx: bool = False
) -> TestResponse:
    """Open the form at `url` as a person would, then send it with `data` filled in. The
    page's own hidden fields (the CSRF token, the case's version) go with it unless
    `data` says otherwise."""
    hidden = hidden_fields(look(client, url.split("?")[0]))
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data={**hidden, **data}, headers=headers)


def hidden_fields(page: Page) -> dict[str, str]:
    """The page's hidden fields (the CSRF token, the version it was opened at), as its
    forms send them."""
    return {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in page.find_all("input")
        if e.attrs.get("type") == "hidden" and e.attrs.get("name")
    }


def save(client: FlaskClient, url: str, data: dict[str, Any]) -> Page:
    """Send a form that must be accepted; return the page it leads to."""
    response = post_form(client, url, data)
    if response.status_code != 302:
        refused = read(response)
        raise AssertionError(f"{url} was refused: {refused.error_summary}")
    return look(client, response.location)


def press(client: FlaskClient, on_page: str, action: str, data: dict[str, Any]) -> Page:
    """Press a button on `on_page` that posts to `action` (a form with no page of its
    own, like moving a rule); returns the page it leads to."""
    token = look(client, on_page).csrf_token
    response = client.post(action, data={"csrf_token": token, **data})
    assert response.status_code == 302, (action, response.status_code)
    return look(client, response.location)


def move(client: FlaskClient, reference: str, move: str, on: date, **details: Any) -> Page:
    """Record a step of the procedure on the case; returns the case page."""
    return save(
        client,
        f"/staff/cases/{reference}/move/{move}",
        {"on": date_parts(on), **details},
    )


def case_page(client: FlaskClient, reference: str) -> Page:
    return look(client, f"/staff/cases/{reference}")


def summary(page: Page) -> dict[str, str]:
    """The case page's summary rows, key -> value as shown (whitespace squashed)."""
    return {key: squash(value) for key, value in page.summary_answers.items()}


def queue_row(client: FlaskClient, reference: str) -> str:
    """The text of the case's row in the triage queue, found by searching its reference."""
    page = look(client, f"/staff/?reference={reference}")
    row = page.by_id(f"row-{reference}")
    assert row is not None, f"{reference} is not in the queue"
    return row.text


def queue_references(page: Page) -> list[str]:
    return [
        e.attrs["id"].removeprefix("row-")
        for e in page.find_all("tr")
        if e.attrs.get("id", "").startswith("row-")
    ]


def errors_shown_twice(page: Page) -> dict[str, str]:
    """Every error in the summary, checked to appear beside the field it links to;
    returns {field id: message}."""
    summary_errors = page.error_summary
    assert summary_errors, "the page shows no error summary"
    assert page.title.startswith("Error: "), page.title
    inline = page.inline_errors
    shown = {}
    for href, message in summary_errors:
        target = href.removeprefix("#")
        assert page.by_id(target) is not None, f"the summary links to a missing {href}"
        field = target.removesuffix("-day")
        assert inline.get(field) == message, (field, message, inline)
        shown[field] = message
    assert len(inline) == len(summary_errors), (inline, summary_errors)
    return shown


def who_looked(client: FlaskClient, reference: str) -> list[list[str]]:
    """ "Who has looked for this case?" (an auditor's page): who, and how, for each row."""
    page = look(client, f"/staff/cases/{reference}/who-looked")
    return [row[1:] for row in table_after(page, "Who has looked for this case?")]


def table_after(page: Page, heading: str) -> list[list[str]]:
    """The body rows of the first table after the heading, as the text of each cell."""
    found = next(e for e in page.elements if e.tag in ("h1", "h2") and e.text == heading)
    rows: list[list[str]] = []
    for element in page.elements[page.elements.index(found) + 1 :]:
        if element.tag == "tr":
            rows.append([])
        elif element.tag in ("td", "th") and rows:
            rows[-1].append(element.text)
        elif element.tag in ("h2", "table") and rows:
            break
    return rows[1:]  # the first is the table's header


def audit_trail(page: Page) -> list[str]:
    """The case's audit trail, newest first: "who: what; changes" for each event."""
    return [
        f"{who}: {what}; {changed}" for _, who, what, changed in table_after(page, "Audit trail")
    ]
