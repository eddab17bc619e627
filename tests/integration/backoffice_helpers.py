"""Helpers for back-office tests: staff accounts, signing in, and a case to work on."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from flask.testing import FlaskClient

from portal.backoffice.access import Role
from portal.domain.types import ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Submission, Team
from portal.services import intake, staff

PASSWORD = "a-long-test-password"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def make_staff(role: Role, *, team: str | None = None, email: str | None = None) -> str:
    email = email or f"{role.value}-{team or 'all'}@council.example".replace(" ", "-").lower()
    if role is Role.TEAM_MEMBER and team is None:
        team = "Looked After Children"
    staff.create_staff(
        email=email, name=f"{role.value} person", password=PASSWORD, role=role, team_name=team
    )
    return email


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    page = client.get("/staff/sign-in").get_data(as_text=True)
    response = client.post(
        "/staff/sign-in",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]


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
            what_happened=text,
            put_right="An apology" if kind is Kind.COMPLAINT else None,
            child_name="Sam" if role is not SubmitterRole.CHILD else None,
            child_age=child_age,
            team_id=team_id(team),
        ),
        now=when or datetime.now(UTC),
    )
