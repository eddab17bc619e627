"""Access rules are a convention enforced by a test: every back-office route declares
one, and each role gets exactly what its rule allows."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from backoffice_helpers import csrf_token, make_staff, new_complaint, sign_in
from flask import Flask, current_app
from flask.testing import FlaskClient
from outbox_helpers import a_message_not_sent

from portal.backoffice.auth import PUBLIC
from portal.domain.access import ROLE_PERMISSIONS, Permission, Role
from portal.domain.stages import Move
from portal.extensions import db
from portal.models import (
    AdvocateOrganisation,
    Attachment,
    Case,
    Category,
    ComplainantStep,
    Correspondence,
    Enquiry,
    OmbudsmanEnquiry,
    OmbudsmanRemedy,
    OutboxMessage,
    Referral,
    ResponseLetter,
    RoutingRule,
    Staff,
    Submission,
    Team,
    UnsentConcern,
)
from portal.services import cases, complainant_steps, routing_rules, teams


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
    if "<int:step_id>" in url:
        url = url.replace("<int:step_id>", str(_a_reply_from_them(reference)))
    url = url.replace("<int:letter_id>", str(_a_letter(reference)))
    url = url.replace("<int:organisation_id>", str(_an_organisation()))
    if "<int:message_id>" in url:
        url = url.replace("<int:message_id>", str(_a_message_not_sent(reference)))
    if "<int:referral_id>" in url:
        url = url.replace("<int:referral_id>", str(_a_referral(reference)))
    if "<int:ombudsman_id>" in url or "<int:remedy_id>" in url:
        enquiry, remedy = _an_ombudsman_enquiry(reference)
        url = url.replace("<int:ombudsman_id>", str(enquiry))
        url = url.replace("<int:remedy_id>", str(remedy))
    return url.replace("<move>", "accept")


PROVIDER = "Advocacy provider (Coram Voice)"


def _a_referral(reference: str, provider: str = PROVIDER) -> int:
    """A referral of the case to the advocacy provider `provider`, waiting to be accepted."""
    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    team = db.session.scalar(sa.select(Team.id).where(Team.name == provider))
    found = db.session.scalar(
        sa.select(Referral.id).where(
            Referral.submission_id == case.id, Referral.provider_team_id == team
        )
    )
    if found is not None:
        return found
    referral = Referral(
        submission_id=case.id,
        provider_team_id=team,
        source="staff",
        status="waiting",
        made_on=case.received_on,
        response_working_days=1,
        due_on=case.received_on,
    )
    db.session.add(referral)
    db.session.commit()
    return referral.id


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


def _a_message_not_sent(reference: str) -> int:
    """A message on the case that failed, for "Try again"."""
    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    found = db.session.scalar(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.submission_id == case.id, OutboxMessage.status == "failed"
        )
    )
    if found is not None:
        return found
    message = a_message_not_sent(case)
    return message.id


def _a_reply_from_them(reference: str) -> int:
    """A reply the complainant sent from the tracking page, not yet dealt with."""
    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    found = db.session.scalar(
        sa.select(ComplainantStep.id).where(ComplainantStep.submission_id == case.id)
    )
    if found is not None:
        return found
    return complainant_steps.reply(case, "Thank you.").step.id


def _stage2_adjudicated(case: Submission) -> None:
    """Answered at stage 1, then stage 2 asked for and adjudicated, today."""
    _stage1_answered(case)
    manager = db.session.scalars(sa.select(Staff).where(Staff.email == "m@council.example")).one()
    today = datetime.now(UTC).date()
    for move in (Move.REQUEST_STAGE2, Move.ADJUDICATE_STAGE2):
        cases.apply(manager, case, cases.MoveInput(move, today, {}), version=case.case.version)


def _stage1_answered(case: Submission) -> None:
    """Acknowledged, accepted and answered at stage 1 today, by a manager."""
    email = "m@council.example"
    if db.session.scalar(sa.select(Staff.id).where(Staff.email == email)) is None:
        make_staff(Role.MANAGER, email=email)
    manager = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    today = datetime.now(UTC).date()
    cases.record_acknowledgement(
        manager, case, how="phone", on=today, version=case.case.version, today=today
    )
    for move in (Move.ACCEPT, Move.RESPOND_STAGE1):
        cases.apply(manager, case, cases.MoveInput(move, today, {}), version=case.case.version)


def _an_organisation() -> int:
    """An advocates' organisation a manager approved."""
    found = db.session.scalar(sa.select(AdvocateOrganisation.id))
    if found is not None:
        return found
    organisation = AdvocateOrganisation(name="Speak Up", email_domain="speakup.example")
    db.session.add(organisation)
    db.session.commit()
    return organisation.id


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


def _an_ombudsman_enquiry(reference: str) -> tuple[int, int]:
    """The ombudsman's enquiry on the case, decided, with a remedy not yet complied with."""
    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    found = db.session.scalar(
        sa.select(OmbudsmanEnquiry).where(OmbudsmanEnquiry.submission_id == case.id)
    )
    if found is None:
        found = OmbudsmanEnquiry(
            submission_id=case.id, received_on=case.received_on, decided_on=case.received_on
        )
        found.decision = "upheld"
        found.remedies.append(
            OmbudsmanRemedy(submission_id=case.id, what="Apologise.", due_on=case.received_on)
        )
        db.session.add(found)
        db.session.commit()
    return found.id, found.remedies[0].id


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
    # The provider's manager belongs to the provider's team; the others to a council team.
    team = PROVIDER if role is Role.PROVIDER_MANAGER else "Looked After Children"
    email = make_staff(role, team=team)
    if role is Role.ADVOCATE:
        # Named on the case by staff, so their own case page is theirs to see; stage 1
        # answered, so asking for stage 2 for the child is open, and a reply they sent
        # for the child, whose confirmation is theirs to see.
        advocate = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
        case.case.advocate_id = advocate.id
        db.session.commit()
        _stage1_answered(case)
        complainant_steps.reply(case, "The child read the letter.", advocate=advocate)
        # A second case of theirs, adjudicated at stage 2: a review panel is theirs to ask.
        adjudicated = new_complaint(team="Looked After Children")
        adjudicated.case.advocate_id = advocate.id
        db.session.commit()
        _stage2_adjudicated(adjudicated)
    sign_in(client, email)
    _draft_a_letter(case)
    allowed = ROLE_PERMISSIONS[role]
    for rule in backoffice_rules(app):
        access = app.view_functions[rule.endpoint].access_rule
        if access == PUBLIC or "GET" not in rule.methods or rule.endpoint == "backoffice.sign_out":
            continue
        url = _url_for_rule(rule, case.reference, rule_id, attachment_id)
        if role is Role.ADVOCATE and rule.endpoint == "backoffice.advocate_ask_for_stage3":
            url = url.replace(case.reference, adjudicated.reference)
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
            # The navigation offers only what the person can use: an advocate their
            # cases, the provider its referrals, never the council's queue.
            own_pages = {
                Role.ADVOCATE: "Your cases",
                Role.PROVIDER_MANAGER: "Advocacy referrals",
            }.get(role, "Triage queue")
            assert own_pages in page and "Go to the start" not in page, url
            if role in (Role.ADVOCATE, Role.PROVIDER_MANAGER):
                assert "Triage queue" not in page and "Find a case" not in page, url
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


def test_an_advocate_sees_only_their_own_cases_and_another_case_is_not_found(
    client: FlaskClient,
) -> None:
    mine = new_complaint(team="Looked After Children")
    other = new_complaint(team="Looked After Children")
    email = make_staff(Role.ADVOCATE, email="ali@speakup.example")
    mine.case.advocate_id = db.session.scalars(
        sa.select(Staff.id).where(Staff.email == email)
    ).one()
    db.session.commit()
    sign_in(client, email)
    assert client.get(f"/staff/advocate/cases/{mine.reference}").status_code == 200
    hidden = client.get(f"/staff/advocate/cases/{other.reference}")
    missing = client.get("/staff/advocate/cases/CSC-2099-9999")
    assert hidden.status_code == missing.status_code == 404
    page = hidden.get_data(as_text=True)
    assert "A case you did not file and are not named on is not shown to you" in page
    assert other.what_happened not in page
    listed = client.get("/staff/advocate/cases").get_data(as_text=True)
    assert mine.reference in listed and other.reference not in listed
    # Nor through the staff pages of the case, or the queue.
    assert client.get(f"/staff/cases/{mine.reference}").status_code == 403
    assert client.get("/staff/").status_code == 403
    assert client.post(f"/staff/advocate/cases/{other.reference}/copies", data={}).status_code in (
        400,
        404,
    )


def test_an_advocate_acts_for_a_child_only_on_their_own_cases_route_by_route(
    app: Flask, client: FlaskClient
) -> None:
    """Replying, adding information, asking for stage 2 and the page after sending:
    another case, and a reference that is none, are "Page not found", looked at or
    posted to; their own opens."""
    mine = new_complaint(team="Looked After Children")
    other = new_complaint(team="Looked After Children")
    email = make_staff(Role.ADVOCATE, email="ali@speakup.example")
    advocate = db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()
    mine.case.advocate_id = advocate.id
    db.session.commit()
    adjudicated = new_complaint(team="Looked After Children")
    adjudicated.case.advocate_id = advocate.id
    db.session.commit()
    _stage1_answered(mine)
    _stage2_adjudicated(adjudicated)  # a review panel is theirs to ask for here
    _stage1_answered(other)
    sent = complainant_steps.reply(mine, "From the child.", advocate=advocate).step.id
    theirs = complainant_steps.reply(other, "From the complainant.").step.id
    sign_in(client, email)
    token = csrf_token(client.get(f"/staff/advocate/cases/{mine.reference}").get_data(True))
    acting = [
        rule
        for rule in backoffice_rules(app)
        if rule.rule.startswith("/staff/advocate/cases/<reference>/")
    ]
    assert len(acting) == 6  # copies, reply, add information, stage 2, stage 3, sent
    for rule in acting:
        url = rule.rule.replace("<int:step_id>", str(sent))
        own = adjudicated if rule.endpoint == "backoffice.advocate_ask_for_stage3" else mine
        if "GET" in rule.methods:
            assert client.get(url.replace("<reference>", own.reference)).status_code == 200, url
        for reference in (other.reference, "CSC-2099-9999"):
            elsewhere = rule.rule.replace("<int:step_id>", str(theirs)).replace(
                "<reference>", reference
            )
            if "GET" in rule.methods:
                missing = client.get(elsewhere)
                assert missing.status_code == 404, elsewhere
                assert other.what_happened not in missing.get_data(as_text=True)
            if "POST" in rule.methods:
                posted = client.post(elsewhere, data={"csrf_token": token, "text": "x"})
                assert posted.status_code == 404, elsewhere
    # A step on their case that someone else sent has no confirmation for them.
    someone_elses = complainant_steps.reply(mine, "From the complainant.").step.id
    assert (
        client.get(f"/staff/advocate/cases/{mine.reference}/sent/{someone_elses}").status_code
        == 404
    )
    # Nothing was sent on the other case in the advocate's name.
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ComplainantStep)
            .where(ComplainantStep.submission_id == other.id, ComplainantStep.by == "advocate")
        )
        == 0
    )


def test_a_provider_manager_sees_only_its_own_referrals_route_by_route(
    app: Flask, client: FlaskClient
) -> None:
    """Another provider's referral, and a referral that does not exist, are "Page not
    found" on every referral route, looked at or posted to; the provider's own opens."""
    teams.load_default_categories()
    db.session.add(
        Team(
            name="Another provider",
            public_name="Another provider",
            inbox_email="other@provider.example",
            is_advocacy_provider=True,
            shown_to_public=False,
        )
    )
    db.session.commit()
    case = new_complaint(team="Looked After Children")
    ours = _a_referral(case.reference)
    theirs = _a_referral(case.reference, provider="Another provider")
    sign_in(client, make_staff(Role.PROVIDER_MANAGER, team=PROVIDER))
    referral_rules = [rule for rule in backoffice_rules(app) if "<int:referral_id>" in rule.rule]
    assert len(referral_rules) == 7
    page = client.get(f"/staff/referrals/{ours}").get_data(as_text=True)
    token = csrf_token(page)
    for rule in referral_rules:
        mine = rule.rule.replace("<int:referral_id>", str(ours))
        assert client.get(mine).status_code == 200, mine
        for other in (str(theirs), "999999"):
            url = rule.rule.replace("<int:referral_id>", other)
            missing = client.get(url)
            assert missing.status_code == 404, url
            assert "Go to your referrals" in missing.get_data(as_text=True)
            if "POST" in rule.methods:
                assert client.post(url, data={"csrf_token": token}).status_code == 404, url
    # Its queue lists its own referral only.
    queue = client.get("/staff/referrals").get_data(as_text=True)
    assert f"/staff/referrals/{ours}" in queue and f"/staff/referrals/{theirs}" not in queue
    # And the council's case is not open to it, with or without a referral.
    assert client.get(f"/staff/cases/{case.reference}").status_code == 403
