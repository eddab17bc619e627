"""Access rules are a convention enforced by a test: every back-office route declares
one, and each role gets exactly what its rule allows."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from backoffice_helpers import make_staff, new_complaint, sign_in
from flask import Flask, current_app
from flask.testing import FlaskClient

from portal.backoffice.auth import PUBLIC
from portal.domain.access import ROLE_PERMISSIONS, Permission, Role
from portal.extensions import db
from portal.models import (
    Attachment,
    Case,
    Category,
    Correspondence,
    Enquiry,
    ResponseLetter,
    RoutingRule,
    Staff,
    Submission,
    Team,
    UnsentConcern,
)
from portal.services import routing_rules, teams


def backoffice_rules(app: Flask) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("backoffice.")]


def test_every_back_office_route_declares_an_access_rule(app: Flask) -> None:
    missing = [
        rule.rule
        for rule in backoffice_rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert backoffice_rules(app), "the back office has no routes"
    assert missing == []


def test_back_office_urls_are_kebab_case(app: Flask) -> None:
    for rule in backoffice_rules(app):
        static_parts = [part for part in rule.rule.split("/") if part and not part.startswith("<")]
        for part in static_parts:
            assert part == part.lower() and "_" not in part, rule.rule


def _url_for_rule(rule, reference: str, rule_id: int, attachment_id: int = 1) -> str:
    """The route with real ids of things that exist, so a refusal is about access."""
    url = rule.rule
    url = url.replace("<reference>", reference).replace("<int:rule_id>", str(rule_id))
    url = url.replace("<int:stage>", "1")  # the stage 1 letter _draft_a_letter writes
    url = url.replace("<int:attachment_id>", str(attachment_id))
    team = db.session.scalar(sa.select(Team.id).order_by(Team.id))
    category = db.session.scalar(sa.select(Category.id).order_by(Category.id))
    url = url.replace("<int:team_id>", str(team)).replace("<int:category_id>", str(category))
    url = url.replace("<section>", "stages").replace("<int:comparator_id>", "1")
    url = url.replace("<comment_id>", "0" * 32)
    url = url.replace("<int:staff_id>", str(db.session.scalar(sa.select(Staff.id)) or 1))
    url = url.replace("<int:concern_id>", str(_a_concern(reference)))
    url = url.replace("<int:enquiry_id>", str(_an_enquiry(reference)))
    url = url.replace("<int:letter_id>", str(_a_letter(reference)))
    return url.replace("<move>", "accept")


def _a_letter(reference: str) -> int:
    """A message on the case that went by post."""
    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    found = db.session.scalar(
        sa.select(Correspondence.id).where(Correspondence.submission_id == case.id)
    )
    if found is not None:
        return found
    letter = Correspondence(
        submission=case,
        kind="message",
        recipient="complainant",
        how="post",
        subject="Your meeting",
        body="See you on Friday.",
    )
    db.session.add(letter)
    db.session.commit()
    return letter.id


def _an_enquiry(reference: str) -> int:
    """An MP's enquiry on the case, not yet answered."""
    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    found = db.session.scalar(sa.select(Enquiry.id).where(Enquiry.submission_id == case.id))
    if found is not None:
        return found
    enquiry = Enquiry(
        submission_id=case.id,
        from_whom="mp",
        name="Jane Smith MP",
        received_on=case.received_on,
        reply_due_on=case.received_on,
    )
    db.session.add(enquiry)
    db.session.commit()
    return enquiry.id


def _a_concern(reference: str) -> int:
    """A "possible concern, not sent" task, raised for the case's own team (so the team
    member trying every route may see it, as the safeguarding team's members do)."""
    team = db.session.scalar(
        sa.select(Case.team_id)
        .join(Submission, Submission.id == Case.submission_id)
        .where(Submission.reference == reference)
    )
    found = db.session.scalar(sa.select(UnsentConcern.id).where(UnsentConcern.team_id == team))
    if found is not None:
        return found
    now = datetime.now(UTC)
    concern = UnsentConcern(
        draft_id="d" * 40, kind="complaint", team_id=team, help_shown_at=now, raised_at=now
    )
    db.session.add(concern)
    db.session.commit()
    return concern.id


def _draft_a_letter(case: Submission) -> None:
    """A stage 1 response letter on the case, as a caseworker saves a draft."""
    writer = db.session.scalar(sa.select(Staff.id).order_by(Staff.id))
    db.session.add(
        ResponseLetter(
            submission_id=case.id,
            stage=1,
            status="draft",
            language="en",
            subject="Your complaint: our stage 1 response",
            greeting="Dear Pat Parent,",
            body="Thank you for your complaint.",
            drafted_by_id=writer,
            edited_by_id=writer,
        )
    )
    db.session.commit()


def _attach_a_file(case: Submission) -> int:
    """A file on the case, stored as the upload service stores it."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "access-test-key").write_bytes(b"%PDF-1.4 test")
    attachment = Attachment(
        submission_id=case.id,
        filename="letter.pdf",
        file_type="pdf",
        size=13,
        sha256="0" * 64,
        storage_key="access-test-key",
        scan_status="unscanned",
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment.id


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_its_rule_allows_on_every_route(
    app: Flask, client: FlaskClient, role: Role
) -> None:
    routing_rules.load_demo_rules()
    teams.load_default_categories()
    case = new_complaint(team="Looked After Children")
    attachment_id = _attach_a_file(case)
    rule_id = db.session.scalar(sa.select(RoutingRule.id))
    sign_in(client, make_staff(role, team="Looked After Children"))
    _draft_a_letter(case)
    allowed = ROLE_PERMISSIONS[role]
    for rule in backoffice_rules(app):
        access = app.view_functions[rule.endpoint].access_rule
        if access == PUBLIC or "GET" not in rule.methods or rule.endpoint == "backoffice.sign_out":
            continue
        url = _url_for_rule(rule, case.reference, rule_id, attachment_id)
        response = client.get(url)
        status = response.status_code
        if Permission(access) in allowed:
            # "Stay signed in" answers with nothing to show.
            assert status == (204 if rule.endpoint == "backoffice.keep_alive" else 200), (
                role,
                url,
                status,
            )
        else:
            assert status == 403, (role, url, status)
            # In the back office's own words and layout, not the public error page.
            page = response.get_data(as_text=True)
            assert "You do not have access to this page" in page, url
            assert "Triage queue" in page and "Go to the start" not in page, url
    # Posting is refused the same way as looking.
    for rule in backoffice_rules(app):
        access = app.view_functions[rule.endpoint].access_rule
        if access == PUBLIC or "POST" not in rule.methods or Permission(access) in allowed:
            continue
        url = _url_for_rule(rule, case.reference, rule_id)
        assert client.post(url, data={}).status_code in (400, 403), (role, url)


def test_someone_not_signed_in_is_sent_to_sign_in_from_every_route(
    app: Flask, client: FlaskClient
) -> None:
    teams.load_default_categories()
    case = new_complaint()
    for rule in backoffice_rules(app):
        access = app.view_functions[rule.endpoint].access_rule
        if access == PUBLIC or "GET" not in rule.methods:
            continue
        response = client.get(_url_for_rule(rule, case.reference, 1))
        assert response.status_code == 302, rule.rule
        assert "/staff/sign-in" in response.location


def test_a_team_member_cannot_see_another_teams_case_even_by_guessing_its_reference(
    app: Flask, client: FlaskClient
) -> None:
    theirs = new_complaint(team="Fostering")
    ours = new_complaint(team="Looked After Children")
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    assert client.get(f"/staff/cases/{ours.reference}").status_code == 200
    hidden = client.get(f"/staff/cases/{theirs.reference}")
    missing = client.get("/staff/cases/CSC-2099-9999")
    assert hidden.status_code == missing.status_code == 404
    # Nothing tells the two apart but the reference the person typed (which the back
    # office's page repeats in its sign-in link).
    assert hidden.get_data(as_text=True).replace(theirs.reference, "?") == missing.get_data(
        as_text=True
    ).replace("CSC-2099-9999", "?")
    queue = client.get("/staff/").get_data(as_text=True)
    assert ours.reference in queue
    assert theirs.reference not in queue


def test_a_case_not_found_is_said_in_the_back_office_not_on_the_public_page(
    client: FlaskClient,
) -> None:
    other_teams = new_complaint(team="Fostering")
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    for reference in ("CC-2025-99999", other_teams.reference):
        response = client.get(f"/staff/cases/{reference}")
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "Page not found" in page
        assert "A case held by a team you are not in is not shown to you" in page
        assert "Go to the triage queue" in page and "Go to the start" not in page
        assert other_teams.what_happened not in page
