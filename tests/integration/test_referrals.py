"""Referrals to the advocacy provider (issue 17, docs/advocacy-provider.md): made when a
child asks for an advocate, accepts the offer of one on a complaint, or staff refer a case;
worked step by step by the provider's manager in its own queue, each step dated, audited
and shown on the council's case page; escalated once, through the outbox to a real SMTP
server, when not accepted within the provider's response time."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    date_parts,
    errors_shown_twice,
    look,
    make_staff,
    new_complaint,
    post_form,
    read,
    received_at,
    save,
    sign_in,
    summary,
    team_id,
)
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page, in_words, squash
from smtp_server import SmtpServer

from portal.domain.access import Role
from portal.domain.clock import LONDON
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Referral, Staff, Submission, Team
from portal.services import cases, intake, referrals, staff, subject_access

PROVIDER = "Advocacy provider (Coram Voice)"
PROVIDER_INBOX = "advocacy@coramvoice.example"
PROVIDER_MANAGER = "manager@coramvoice.example"
PROVIDER_HEAD = "head@coramvoice.example"
MANAGER = "complaints.manager@northmoor.example"

CHILD = {
    "name": "Robin Whitfield",
    "email": "robin.whitfield@example.com",
    "wants": "Help to tell my social worker I want to see my brother.",
}


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp, COMPLAINTS_MANAGER_EMAIL=MANAGER)


def today() -> date:
    return datetime.now(LONDON).date()


def a_childs_request(when: datetime | None = None) -> Submission:
    """A child's request for an advocate through the public form's service."""
    return intake.record_submission(
        intake.NewSubmission(
            kind=Kind.ADVOCACY,
            role=SubmitterRole.CHILD,
            name=CHILD["name"],
            contact_preference=ContactPreference.EMAIL,
            email=CHILD["email"],
            what_happened=CHILD["wants"],
            child_age=13,
            advocacy=AdvocacyAnswer.REQUESTED,
            team_id=team_id("Looked After Children"),
            answers={"what-happened": {"what_happened": CHILD["wants"]}},
        ),
        now=when or datetime.now(UTC),
    )


def referrals_of(case: Submission) -> list[Referral]:
    return list(
        db.session.scalars(
            sa.select(Referral).where(Referral.submission_id == case.id).order_by(Referral.id)
        )
    )


def provider_client(app: Flask) -> FlaskClient:
    client = browser(app)
    if db.session.scalar(sa.select(Staff.id).where(Staff.email == PROVIDER_MANAGER)) is None:
        make_staff(Role.PROVIDER_MANAGER, team=PROVIDER, email=PROVIDER_MANAGER)
    sign_in(client, PROVIDER_MANAGER)
    return client


def manager_client(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    return client


# --- made where advocacy goes to the provider ------------------------------------------------


def test_a_childs_request_makes_one_referral_due_the_next_working_day_and_emails_the_queue(
    app: Flask, smtp: SmtpServer
) -> None:
    # Thursday 2 April 2026: Good Friday and Easter Monday follow the weekend's edges.
    case = a_childs_request(received_at(date(2026, 4, 2)))
    [referral] = referrals_of(case)
    assert (referral.source, referral.status) == ("request", "waiting")
    assert referral.made_on == date(2026, 4, 2)
    assert referral.due_on == date(2026, 4, 7)  # Fri 3 and Mon 6 April are bank holidays
    assert case.case.advocacy_status == "requested"

    deliver()
    [email] = smtp.inbox.to(PROVIDER_INBOX)
    assert email.subject == f"Advocacy request: {case.reference}"
    assert "http://localhost/staff/referrals" in email.text or "/staff/referrals" in email.text
    assert "Tuesday 7 April 2026" in email.text
    for words in (CHILD["name"], CHILD["wants"], CHILD["email"]):
        assert words not in email.text and words not in email.html


def test_an_accepted_offer_on_a_complaint_is_a_referral_and_a_declined_one_is_not(
    app: Flask,
) -> None:
    accepted = new_complaint(role=SubmitterRole.CHILD, advocacy=AdvocacyAnswer.ACCEPTED)
    declined = new_complaint(role=SubmitterRole.CHILD, advocacy=AdvocacyAnswer.DECLINED)
    assert [r.source for r in referrals_of(accepted)] == ["offer"]
    assert referrals_of(declined) == []


@pytest.mark.parametrize(
    ("kind", "role", "sent"),
    [
        (
            Kind.COMPLAINT,
            SubmitterRole.CHILD,
            "The child is making a complaint and accepted the offer of an advocate.",
        ),
        (
            Kind.REPRESENTATION,
            SubmitterRole.CHILD,
            "The child has told us something is wrong, without making a formal complaint, "
            "and accepted the offer of an advocate.",
        ),
        (
            Kind.COMPLAINT,
            SubmitterRole.PARENT,
            "Someone is making a complaint for the child and accepted the offer of an "
            "advocate for the child.",
        ),
        (
            Kind.REPRESENTATION,
            SubmitterRole.FOSTER_CARER,
            "Someone has told us something is wrong for the child, without making a formal "
            "complaint, and accepted the offer of an advocate for the child.",
        ),
    ],
)
def test_the_providers_email_says_what_was_sent_and_by_when_to_answer_each_on_its_line(
    app: Flask, smtp: SmtpServer, kind: Kind, role: SubmitterRole, sent: str
) -> None:
    case = new_complaint(kind=kind, role=role, advocacy=AdvocacyAnswer.ACCEPTED)
    [referral] = referrals_of(case)
    deliver()
    [email] = smtp.inbox.to(PROVIDER_INBOX)
    by = f"Please accept or decline it by {in_words(referral.due_on)}."
    lines = [line.strip() for line in email.text.splitlines()]
    assert sent in lines and by in lines
    shown = squash(Page(email.html).find_all("body")[0].text)
    assert sent in shown and by in shown


def test_staff_refer_a_case_from_its_page_once_while_it_is_open(app: Flask) -> None:
    case = new_complaint()
    staff = manager_client(app)
    page = case_page(staff, case.reference)
    assert page.link_to("Refer to the advocacy provider")

    page = save(staff, f"/staff/cases/{case.reference}/refer-to-advocacy-provider", {})
    assert "Referred to the advocacy provider." in page.notification_banner
    assert page.by_id("advocacy-referrals") is not None
    assert summary(page)["Where it came from"] == "Referred by council staff"
    db.session.expire_all()
    [referral] = referrals_of(case)
    assert (referral.source, referral.made_by is not None) == ("staff", True)
    assert not any(e.text == "Refer to the advocacy provider" for e in page.find_all("a"))

    # Pressed again (an old copy of the page): refused, beside the button and in the summary.
    response = post_form(staff, f"/staff/cases/{case.reference}/refer-to-advocacy-provider", {})
    refused = read(response)
    assert refused.title.startswith("Error: ")
    assert refused.error_summary == [
        ("#refer", "This case already has a referral that is still open")
    ]
    assert len(referrals_of(case)) == 1


def test_a_referral_sent_with_a_version_in_other_digits_is_refused_not_an_error(
    app: Flask,
) -> None:
    """A version that is a "digit" int() refuses ("²", from a hand-made request) is no
    version: the case is taken as changed since, as with any out-of-date page."""
    case = new_complaint()
    staff = manager_client(app)
    url = f"/staff/cases/{case.reference}/refer-to-advocacy-provider"
    response = post_form(staff, url, {"version": "\u00b2"})
    assert response.status_code == 200, response.status_code
    assert read(response).error_summary
    assert referrals_of(case) == []


def test_a_not_sure_child_who_later_accepts_is_referred_when_staff_record_it(app: Flask) -> None:
    case = new_complaint(role=SubmitterRole.CHILD, advocacy=AdvocacyAnswer.NOT_SURE)
    assert referrals_of(case) == []
    me = db.session.scalars(sa.select(Staff).where(Staff.email == make_staff(Role.MANAGER))).one()
    cases.update_advocacy(me, case, status="requested", advocate=None, version=case.case.version)
    assert [r.source for r in referrals_of(case)] == ["offer"]


# --- the provider's steps ----------------------------------------------------------------------


def test_the_provider_works_a_referral_step_by_step_and_the_council_sees_each_date(
    app: Flask,
) -> None:
    case = a_childs_request()
    [referral] = referrals_of(case)
    provider = provider_client(app)
    url = f"/staff/referrals/{referral.id}"

    queue = look(provider, "/staff/referrals")
    assert case.reference in queue.text and CHILD["name"] in queue.text
    page = look(provider, url)
    assert page.title.startswith(f"Referral {case.reference}")
    assert CHILD["wants"] in page.text and CHILD["email"] in page.text
    # Nothing of the council's working: the notes, the trail, the queue's links.
    assert "Internal notes" not in page.text and "Audit trail" not in page.text
    assert "Triage queue" not in page.text

    on = today()
    steps = [
        ("accept", {"on": date_parts(on)}, "Referral accepted. Name the advocate next."),
        ("advocate", {"advocate_name": "Alex Advocate"}, "Advocate named."),
        ("first-contact", {"on": date_parts(on)}, "First contact recorded."),
        ("add-visit", {"on": date_parts(on), "note": "Prepared for the meeting"}, "Visit added."),
        ("close", {"on": date_parts(on), "outcome": "supported_complaint"}, "Referral closed."),
    ]
    for step, data, message in steps:
        page = save(provider, f"{url}/{step}", data)
        assert message in page.notification_banner, step

    long_day = f"{on:%A} {on.day} {on:%B %Y}"
    steps_shown = {
        "Accepted": f"{long_day} by provider_manager person",
        "Advocate": f"Alex Advocate, named {long_day}",
        "First contact with the child": f"{long_day} (within the contract's response time)",
        "Visit 1": f"{long_day}: Prepared for the meeting",
        "Closed": f"{long_day}: Advocate supported the complaint",
    }
    shown = summary(page)
    assert {key: shown[key] for key in steps_shown} == steps_shown

    db.session.expire_all()
    assert (case.case.advocacy_status, case.case.advocate_assigned) == ("assigned", "Alex Advocate")

    staff = manager_client(app)
    council = case_page(staff, case.reference)
    assert council.by_id("advocacy-referrals") is not None
    shown = summary(council)
    for key in ("Accepted", "First contact with the child", "Visit 1", "Closed"):
        assert shown[key] == steps_shown[key], key
    trail = "\n".join(audit_trail(council))
    for action in (
        "referral accepted",
        "referral advocate named",
        "referral first contact",
        "referral visit",
        "referral closed",
        "referral viewed",
    ):
        assert action in trail, action
    # The queue lists it among those that ended.
    ended = look(provider, "/staff/referrals")
    assert ended.by_id("ended-referrals") is not None and ended.by_id("open-referrals") is None


def test_the_provider_names_one_of_its_advocate_accounts(app: Flask) -> None:
    case = a_childs_request()
    [referral] = referrals_of(case)
    db.session.add(
        Staff(
            email="sam.advocate@coramvoice.example",
            name="Sam Advocate",
            password_hash="x",
            role="advocate",
            team_id=team_id(PROVIDER),
        )
    )
    db.session.commit()
    advocate_id = db.session.scalar(sa.select(Staff.id).where(Staff.name == "Sam Advocate"))
    provider = provider_client(app)
    url = f"/staff/referrals/{referral.id}"
    save(provider, f"{url}/accept", {"on": date_parts(today())})

    form = look(provider, f"{url}/advocate")
    assert "Sam Advocate" in form.text and "Advocate's name" not in form.text
    refused = read(post_form(provider, f"{url}/advocate", {}))
    assert errors_shown_twice(refused) == {"advocate": "Select the advocate"}
    page = save(provider, f"{url}/advocate", {"advocate": str(advocate_id)})
    assert summary(page)["Advocate"].startswith("Sam Advocate, named")
    db.session.expire_all()
    assert referrals_of(case)[0].advocate_staff_id == advocate_id
    assert case.case.advocate_assigned == "Sam Advocate"


def test_each_step_says_what_is_wrong_beside_the_field_and_in_the_summary(app: Flask) -> None:
    case = a_childs_request()
    [referral] = referrals_of(case)
    provider = provider_client(app)
    url = f"/staff/referrals/{referral.id}"

    def refused(step: str, data: dict) -> dict[str, str]:
        response = post_form(provider, f"{url}/{step}", data)
        assert response.status_code == 200, step
        return errors_shown_twice(read(response))

    assert refused("accept", {}) == {"on": "Enter the date accepted"}
    tomorrow = date.fromordinal(today().toordinal() + 1)
    assert refused("accept", {"on": date_parts(tomorrow)}) == {
        "on": "The date must be today or in the past"
    }
    assert refused("decline", {"on": date_parts(today())}) == {
        "reason": "Enter why the referral is declined"
    }
    # A step out of turn is refused with the rule's words.
    assert refused("first-contact", {"on": date_parts(today())}) == {
        "on": "Accept the referral before recording a contact"
    }
    assert refused("close", {"on": date_parts(today())}) == {
        "outcome": "Select how the referral ended"
    }
    db.session.expire_all()
    assert referrals_of(case)[0].status == "waiting"

    page = save(provider, f"{url}/decline", {"on": date_parts(today()), "reason": "No capacity"})
    assert "Referral declined." in page.notification_banner
    db.session.expire_all()
    assert case.case.advocacy_status == "declined"
    assert refused("accept", {"on": date_parts(today())}) == {
        "on": "This referral has already been accepted or declined"
    }


# --- escalation --------------------------------------------------------------------------------


def remind(app: Flask, on: date) -> str:
    result = app.test_cli_runner().invoke(args=["deadlines", "remind", "--date", on.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_a_referral_not_accepted_in_time_is_escalated_once_after_easter(
    app: Flask, smtp: SmtpServer
) -> None:
    db.session.execute(
        sa.update(Team).where(Team.name == PROVIDER).values(manager_email=PROVIDER_HEAD)
    )
    db.session.commit()
    make_staff(Role.PROVIDER_MANAGER, team=PROVIDER, email=PROVIDER_MANAGER)
    late = a_childs_request(received_at(date(2026, 4, 2)))  # due Tue 7 April
    on_time = a_childs_request(received_at(date(2026, 4, 2)))
    provider = db.session.scalars(sa.select(Staff).where(Staff.email == PROVIDER_MANAGER)).one()
    referrals.accept(
        provider, referrals_of(on_time)[0].id, on=date(2026, 4, 7), today=date(2026, 4, 7)
    )
    deliver()
    before = len(smtp.inbox.messages())

    # Good Friday, the weekend, Easter Monday and the day it is due: not yet.
    for day in (3, 4, 5, 6, 7):
        assert remind(app, date(2026, 4, day)).endswith("advocacy referrals escalated 0."), day
    assert remind(app, date(2026, 4, 8)).endswith("advocacy referrals escalated 1.")
    assert remind(app, date(2026, 4, 8)).endswith("advocacy referrals escalated 0.")
    assert remind(app, date(2026, 4, 9)).endswith("advocacy referrals escalated 0.")
    deliver()

    # (The daily run also sends the cases' own reminders and the teams' digests.)
    escalations = [m for m in smtp.inbox.messages()[before:] if "not accepted in time" in m.subject]
    assert sorted(r for m in escalations for r in m.recipients) == sorted(
        [PROVIDER_MANAGER, PROVIDER_HEAD, MANAGER]
    )
    for email in escalations:
        assert email.subject == f"Advocacy referral not accepted in time: {late.reference}"
        assert "Tuesday 7 April 2026 (1 working day ago)" in email.text
        for words in (CHILD["name"], CHILD["wants"], CHILD["email"]):
            assert words not in email.text and words not in email.html
    [to_manager] = [m for m in escalations if MANAGER in m.recipients]
    assert f"/staff/cases/{late.reference}" in to_manager.text
    [to_provider] = [m for m in escalations if PROVIDER_MANAGER in m.recipients]
    assert f"/staff/referrals/{referrals_of(late)[0].id}" in to_provider.text
    assert referrals_of(late)[0].escalated_at is not None
    assert referrals_of(on_time)[0].escalated_at is None


def test_a_referral_made_on_a_friday_is_escalated_on_the_tuesday(
    app: Flask, smtp: SmtpServer
) -> None:
    case = a_childs_request(received_at(date(2026, 12, 4)))  # Friday: due Monday 7
    assert referrals_of(case)[0].due_on == date(2026, 12, 7)
    for day in (5, 6, 7):
        assert remind(app, date(2026, 12, day)).endswith("escalated 0."), day
    assert remind(app, date(2026, 12, 8)).endswith("escalated 1.")
    deliver()
    # No provider manager account and no manager email: the provider's inbox is told.
    assert [m.subject for m in smtp.inbox.to(PROVIDER_INBOX)][-1].startswith(
        "Advocacy referral not accepted in time"
    )
    assert any("not accepted in time" in m.subject for m in smtp.inbox.to(MANAGER))


def test_the_contract_response_time_is_the_teams_setting(app: Flask) -> None:
    staff = manager_client(app)
    provider = team_id(PROVIDER)
    form = look(staff, f"/staff/teams/{provider}")
    assert form.value_of("response_working_days") == "1"
    response = post_form(
        staff, f"/staff/teams/{provider}", {"response_working_days": "0", "is_active": "y"}
    )
    assert errors_shown_twice(read(response)) == {
        "response_working_days": "Enter a response time between 1 and 20 working days"
    }
    checked = {"is_active": "y", "is_advocacy_provider": "y"}
    save(staff, f"/staff/teams/{provider}", {"response_working_days": "3", **checked})
    case = a_childs_request(received_at(date(2026, 12, 4)))
    [referral] = referrals_of(case)
    assert (referral.response_working_days, referral.due_on) == (3, date(2026, 12, 9))


def test_a_subject_access_export_holds_the_referral_and_its_visits(app: Flask) -> None:
    case = a_childs_request(received_at(date(2026, 12, 1)))
    [referral] = referrals_of(case)
    provider = db.session.scalars(
        sa.select(Staff).where(
            Staff.email == make_staff(Role.PROVIDER_MANAGER, team=PROVIDER, email=PROVIDER_MANAGER)
        )
    ).one()
    on = date(2026, 12, 2)
    referrals.accept(provider, referral.id, on=on, today=on)
    referrals.first_contact(provider, referral.id, on=on, today=on)
    referrals.add_visit(provider, referral.id, on=on, note="Met at school", today=on)
    manager = db.session.scalars(
        sa.select(Staff).where(Staff.email == make_staff(Role.MANAGER))
    ).one()
    [exported] = subject_access.export(manager, reference=case.reference)["cases"]
    [shown] = exported["advocacy_referrals"]
    assert shown["from"] == "request" and shown["status"] == "accepted"
    assert (shown["accepted"], shown["first_contact"]) == ("2026-12-02", "2026-12-02")
    assert shown["visits"] == [{"on": "2026-12-02", "note": "Met at school"}]


def test_the_provider_lands_on_its_referrals_and_its_menu_offers_nothing_of_the_councils(
    app: Flask,
) -> None:
    client = browser(app)
    make_staff(Role.PROVIDER_MANAGER, team=PROVIDER, email=PROVIDER_MANAGER)
    assert sign_in(client, PROVIDER_MANAGER).location.endswith("/staff/referrals")
    menu = read(client.get("/staff/referrals")).find_all("nav")[0].text
    assert "Advocacy referrals" in menu and "Your account" in menu
    for council in ("Triage queue", "Find a case", "Annual report", "Teams and categories"):
        assert council not in menu


def test_a_provider_manager_must_be_in_the_providers_team(app: Flask) -> None:
    with pytest.raises(staff.StaffError, match="Select the advocacy provider's team"):
        staff.create_staff(
            email="wrong@council.example",
            name="Wrong Team",
            password="a long and unusual passphrase 42",
            role=Role.PROVIDER_MANAGER,
            team_name="Looked After Children",
        )


def test_a_referral_due_on_christmas_eve_is_escalated_on_the_next_working_day(
    app: Flask, smtp: SmtpServer
) -> None:
    case = a_childs_request(received_at(date(2026, 12, 23)))
    assert referrals_of(case)[0].due_on == date(2026, 12, 24)
    # Christmas Day, the weekend and Monday 28 December (the substitute Boxing Day).
    for day in (24, 25, 26, 27, 28):
        assert remind(app, date(2026, 12, day)).endswith("escalated 0."), day
    assert remind(app, date(2026, 12, 29)).endswith("escalated 1.")
    assert remind(app, date(2026, 12, 30)).endswith("escalated 0.")
