"""Reminders before a deadline, breach notices when it is missed, and each team's daily
digest (docs/reminders.md), sent through the outbox to a real SMTP server (aiosmtpd on
127.0.0.1, tests/integration/smtp_server.py).

The job runs as cron runs it, `flask deadlines remind --date ...`, once for each day of
the calendar the test walks through; the worker then delivers what it queued. Each test
reads what arrived in which inbox on which day.
"""

import html
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    errors_shown_twice,
    make_staff,
    post_form,
    read,
    received_at,
    save,
    sign_in,
    table_after,
    team_id,
)
from conftest import sending_to, twice_at_once
from flask import Flask
from smtp_server import Received, SmtpServer

from portal.domain.access import Role
from portal.domain.stages import Move
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import DeadlineNotice, OutboxMessage, Staff, Submission, Team
from portal.services import cases, ombudsman, outbox, reminders
from portal.services.intake import NewSubmission, record_submission

LOOKED_AFTER = "Looked After Children"
LOOKED_AFTER_INBOX = "looked.after@northmoor.example"
FOSTERING = "Fostering"
FOSTERING_INBOX = "fostering@northmoor.example"
MANAGER = "complaints.manager@northmoor.example"
OWNER = "owner@council.example"
TEAM_MANAGER = "head.of.fostering@northmoor.example"

# What the person told us: none of it may reach a shared staff inbox.
PERSON = {
    "name": "Dana Whitfield",
    "email": "dana.whitfield@example.com",
    "phone": "07700 900461",
    "child": "Robin Whitfield",
    "wrote": "The social worker missed three visits in a row.",
    "wants": "A new visit plan in writing.",
}

# No advocacy referral waits to be escalated in these tests (test_referrals.py has those).
NONE_ESCALATED = ", advocacy referrals escalated 0."


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp, COMPLAINTS_MANAGER_EMAIL=MANAGER, REMINDER_WORKING_DAYS_BEFORE=3)


# --- helpers ----------------------------------------------------------------------------


def day(text: str) -> date:
    """ "Fri 2 Jan 2026" as a date, checking the weekday written is the right one."""
    parsed = datetime.strptime(text, "%a %d %b %Y").date()
    if parsed.strftime("%a") != text[:3]:
        raise ValueError(f"{text!r} is a {parsed:%A}")
    return parsed


def named(on: date) -> str:
    return f"{on:%a} {on.day} {on:%b %Y}"


def a_complaint(received: str, *, team: str = LOOKED_AFTER, by_phone: bool = False) -> Submission:
    """A parent's complaint received at midday on `received`, through the real intake."""
    return record_submission(
        NewSubmission(
            kind=Kind.COMPLAINT,
            role=SubmitterRole.PARENT,
            name=PERSON["name"],
            contact_preference=ContactPreference.PHONE if by_phone else ContactPreference.EMAIL,
            email=None if by_phone else PERSON["email"],
            phone=PERSON["phone"] if by_phone else None,
            child_name=PERSON["child"],
            child_age=9,
            what_happened=PERSON["wrote"],
            put_right=PERSON["wants"],
            team_id=team_id(team),
            advocacy=AdvocacyAnswer.DECLINED,
            answers={"what-happened": {"what_happened": PERSON["wrote"]}},
        ),
        now=received_at(day(received)),
    )


def staff_member(email: str) -> Staff:
    return db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()


def manager() -> Staff:
    found = db.session.scalar(sa.select(Staff).where(Staff.role == Role.MANAGER.value))
    if found is None:
        return staff_member(make_staff(Role.MANAGER))
    return found


def deliver() -> None:
    outbox.work_once()
    db.session.expire_all()


def accept_and_assign(case: Submission, on: str, owner: str = OWNER) -> Submission:
    """Acknowledged by email (the worker sends it), accepted at stage 1 on `on` and given
    to a member of the team: the case then owes its stage 1 response."""
    deliver()
    db.session.refresh(case)
    assert case.case.acknowledged_at is not None
    if db.session.scalar(sa.select(Staff.id).where(Staff.email == owner)) is None:
        make_staff(Role.TEAM_MEMBER, team=LOOKED_AFTER, email=owner)
    me = manager()
    cases.apply(me, case, cases.MoveInput(Move.ACCEPT, day(on), {}), version=case.case.version)
    cases.assign(
        me,
        case,
        team_id=None,
        person_id=staff_member(owner).id,
        reason="",
        version=case.case.version,
    )
    return case


def remind(app: Flask, on: date) -> str:
    result = app.test_cli_runner().invoke(args=["deadlines", "remind", "--date", on.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def subject(received: Received) -> str:
    """The subject as a mail client shows it (Flask-Mail folds a long one onto a new
    line, which Python's parser leaves as a leading space)."""
    return received.subject.strip()


def what_it_is(received: Received) -> str:
    for prefix, name in (
        ("Reminder:", "reminder"),
        ("Deadline missed:", "breach"),
        ("Due and overdue", "digest"),
    ):
        if subject(received).startswith(prefix):
            return name
    return subject(received)


def day_by_day(app: Flask, smtp: SmtpServer, first: str, last: str) -> dict[str, list[str]]:
    """Run the job once a day from `first` to `last`, the worker delivering after each
    run; returns what arrived each day ("reminder to owner@...") for the days anything did."""
    deliver()  # what the submissions themselves set off is not under test
    arrived: dict[str, list[str]] = {}
    today = day(first)
    while today <= day(last):
        before = len(smtp.inbox.messages())
        remind(app, today)
        deliver()
        new = smtp.inbox.messages()[before:]
        if new:
            arrived[named(today)] = sorted(
                f"{what_it_is(m)} to {', '.join(m.recipients)}" for m in new
            )
        today += timedelta(days=1)
    return arrived


def text(received: Received) -> str:
    """The plain-text part as a person reads it (SMTP ends its lines with CRLF)."""
    return received.text.replace("\r\n", "\n")


def readable(received: Received) -> str:
    return text(received) + "\n" + html.unescape(received.html)


def staff_emails(smtp: SmtpServer) -> list[Received]:
    return [m for m in smtp.inbox.messages() if what_it_is(m) in ("reminder", "breach", "digest")]


# --- a case left alone --------------------------------------------------------------------


def test_a_stage_1_response_left_alone_is_reminded_3_working_days_ahead_and_breached_the_day_after(
    app: Flask, smtp: SmtpServer
) -> None:
    # Received Fri 19 Dec 2025: the response is due 10 working days later, Wed 7 Jan 2026
    # (Christmas, Boxing Day and New Year's Day do not count).
    case = accept_and_assign(a_complaint("Fri 19 Dec 2025"), "Mon 22 Dec 2025")
    assert (case.case.next_due_what, case.case.next_due_on) == (
        "Stage 1 response",
        day("Wed 7 Jan 2026"),
    )

    arrived = day_by_day(app, smtp, "Mon 22 Dec 2025", "Fri 9 Jan 2026")

    # Three working days before Wed 7 Jan is Fri 2 Jan: not Wed 31 Dec, not New Year's Day.
    # Missed on Thu 8 Jan, the day after the due date, not on it.
    digest = f"digest to {LOOKED_AFTER_INBOX}"
    assert arrived == {
        "Fri 2 Jan 2026": [digest, f"reminder to {LOOKED_AFTER_INBOX}", f"reminder to {OWNER}"],
        "Mon 5 Jan 2026": [digest],
        "Tue 6 Jan 2026": [digest],
        "Wed 7 Jan 2026": [digest],
        "Thu 8 Jan 2026": [f"breach to {MANAGER}", f"breach to {LOOKED_AFTER_INBOX}", digest],
        "Fri 9 Jan 2026": [digest],
    }
    reminder = smtp.inbox.to(OWNER)[-1]
    assert subject(reminder) == (
        f"Reminder: Stage 1 response for {case.reference} due Wednesday 7 January 2026"
    )
    assert "is due by Wednesday 7 January 2026, in 3 working days." in text(reminder)
    assert "Case owner: team_member person" in text(reminder)
    assert f"/staff/cases/{case.reference}" in text(reminder)
    breach = smtp.inbox.to(MANAGER)[-1]
    assert subject(breach) == (
        f"Deadline missed: Stage 1 response for {case.reference} was due Wednesday 7 January 2026"
    )
    assert "(1 working day late)" in text(breach)


def test_a_complaint_with_no_email_left_alone_in_triage_is_reminded_to_acknowledge_it(
    app: Flask, smtp: SmtpServer
) -> None:
    app.config["REMINDER_WORKING_DAYS_BEFORE"] = 1
    # Received Tue 23 Dec 2025 with only a phone number: acknowledge by Tue 30 Dec 2025.
    case = a_complaint("Tue 23 Dec 2025", team=FOSTERING, by_phone=True)
    assert (case.case.next_due_what, case.case.next_due_on) == (
        "Acknowledge",
        day("Tue 30 Dec 2025"),
    )

    arrived = day_by_day(app, smtp, "Tue 23 Dec 2025", "Fri 2 Jan 2026")

    # One working day before Tue 30 Dec is Mon 29 Dec (Christmas and Boxing Day skipped);
    # missed on Wed 31 Dec. No one owns the case yet: its team is reminded.
    digest = f"digest to {FOSTERING_INBOX}"
    assert arrived == {
        "Mon 29 Dec 2025": [digest, f"reminder to {FOSTERING_INBOX}"],
        "Tue 30 Dec 2025": [digest],
        "Wed 31 Dec 2025": [f"breach to {MANAGER}", f"breach to {FOSTERING_INBOX}", digest],
        "Fri 2 Jan 2026": [digest],
    }
    reminder = next(m for m in smtp.inbox.to(FOSTERING_INBOX) if what_it_is(m) == "reminder")
    assert "is due by Tuesday 30 December 2025, in 1 working day." in text(reminder)
    assert "- Acknowledge by phone by Tuesday 30 December 2025" in text(reminder)  # no address
    assert "Case owner: Not assigned" in text(reminder)


def test_an_extension_is_a_new_due_date_with_a_reminder_of_its_own_and_no_breach_of_the_old(
    app: Flask, smtp: SmtpServer
) -> None:
    case = accept_and_assign(a_complaint("Fri 19 Dec 2025"), "Mon 22 Dec 2025")
    remind(app, day("Fri 2 Jan 2026"))
    cases.apply(
        manager(),
        case,
        cases.MoveInput(
            Move.EXTEND_STAGE1,
            day("Mon 5 Jan 2026"),
            {"stage1_extension_reason": "Records from another team were needed."},
        ),
        version=case.case.version,
    )
    # Extended to 20 working days from receipt: Wed 21 Jan 2026.
    assert case.case.next_due_on == day("Wed 21 Jan 2026")

    arrived = day_by_day(app, smtp, "Mon 5 Jan 2026", "Fri 23 Jan 2026")

    notices = {
        when: [line for line in lines if not line.startswith("digest")]
        for when, lines in arrived.items()
    }
    assert {when: lines for when, lines in notices.items() if lines} == {
        "Fri 16 Jan 2026": [f"reminder to {LOOKED_AFTER_INBOX}", f"reminder to {OWNER}"],
        "Thu 22 Jan 2026": [f"breach to {MANAGER}", f"breach to {LOOKED_AFTER_INBOX}"],
    }


def test_a_closed_case_gets_no_reminder_and_no_breach_notice(app: Flask, smtp: SmtpServer) -> None:
    case = accept_and_assign(a_complaint("Fri 19 Dec 2025"), "Mon 22 Dec 2025")
    cases.apply(
        manager(),
        case,
        cases.MoveInput(Move.WITHDRAW, day("Tue 23 Dec 2025"), {}),
        version=case.case.version,
    )

    assert day_by_day(app, smtp, "Fri 2 Jan 2026", "Fri 9 Jan 2026") == {}


# --- never twice -------------------------------------------------------------------------------


def three_cases_due() -> None:
    """On Fri 2 Jan 2026: a stage 1 response due Wed 7 Jan (a reminder), and two
    acknowledgements missed on Wed 31 Dec 2025 (breach notices), in two teams."""
    accept_and_assign(a_complaint("Fri 19 Dec 2025"), "Mon 22 Dec 2025")
    a_complaint("Wed 24 Dec 2025", by_phone=True)
    a_complaint("Wed 24 Dec 2025", team=FOSTERING, by_phone=True)
    deliver()


def delivered_once_each(smtp: SmtpServer) -> Counter[tuple[str, str]]:
    """How often each (kind, recipient) arrived, having checked that no outbox message
    arrived twice."""
    ids = Counter(m.portal_id for m in smtp.inbox.messages())
    assert [id_ for id_, times in ids.items() if times > 1] == []
    return Counter((what_it_is(m), ", ".join(m.recipients)) for m in staff_emails(smtp))


EXPECTED_ON_2_JANUARY = Counter(
    {
        ("reminder", OWNER): 1,
        ("reminder", LOOKED_AFTER_INBOX): 1,
        ("breach", MANAGER): 2,
        ("breach", LOOKED_AFTER_INBOX): 1,
        ("breach", FOSTERING_INBOX): 1,
        ("digest", LOOKED_AFTER_INBOX): 1,
        ("digest", FOSTERING_INBOX): 1,
    }
)


def test_running_the_job_again_the_same_day_sends_nothing_twice(
    app: Flask, smtp: SmtpServer
) -> None:
    three_cases_due()

    first = remind(app, day("Fri 2 Jan 2026"))
    second = remind(app, day("Fri 2 Jan 2026"))
    deliver()

    assert first == "Reminders 1, breach notices 2, digests 2" + NONE_ESCALATED
    assert second == "Reminders 0, breach notices 0, digests 0" + NONE_ESCALATED
    assert delivered_once_each(smtp) == EXPECTED_ON_2_JANUARY
    # The next day's run sends the same notices no more (a digest only on working days).
    assert (
        remind(app, day("Sat 3 Jan 2026"))
        == "Reminders 0, breach notices 0, digests 0" + NONE_ESCALATED
    )


def test_a_run_that_loses_the_race_to_another_run_rolls_back_and_sends_nothing(
    app: Flask, smtp: SmtpServer
) -> None:
    three_cases_due()
    today = day("Fri 2 Jan 2026")
    # The first run has found what is due; a second run sends it all meanwhile.
    planned = reminders.due_events(today)
    team = db.session.scalars(sa.select(Team).where(Team.name == FOSTERING)).one()
    planned_digest = reminders.digest_lines(team, today)
    assert len(planned) == 3 and planned_digest

    assert remind(app, today) == "Reminders 1, breach notices 2, digests 2" + NONE_ESCALATED
    queued = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))

    assert [reminders.send_notice(event, today) for event in planned] == [False] * 3
    assert reminders.send_digest(team, today, planned_digest) is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == queued
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeadlineNotice)) == 3
    deliver()
    assert delivered_once_each(smtp) == EXPECTED_ON_2_JANUARY


def test_two_runs_at_the_same_moment_send_each_notice_once(app: Flask, smtp: SmtpServer) -> None:
    """Two cron hosts: runs on SQLite and on PostgreSQL (DATABASE_URL)."""
    for _ in range(5):
        three_cases_due()
    results = twice_at_once(app, lambda: reminders.run(day("Fri 2 Jan 2026")))
    assert sum(r.reminders for r in results) == 5
    assert sum(r.breach_notices for r in results) == 10
    assert sum(r.digests for r in results) == 2
    deliver()
    counted = delivered_once_each(smtp)
    assert counted == Counter(
        {
            ("reminder", OWNER): 5,
            ("reminder", LOOKED_AFTER_INBOX): 5,
            ("breach", MANAGER): 10,
            ("breach", LOOKED_AFTER_INBOX): 5,
            ("breach", FOSTERING_INBOX): 5,
            ("digest", LOOKED_AFTER_INBOX): 1,
            ("digest", FOSTERING_INBOX): 1,
        }
    )


# --- the digest ---------------------------------------------------------------------------------


def test_each_team_gets_a_digest_of_its_own_cases_due_and_overdue(
    app: Flask, smtp: SmtpServer
) -> None:
    make_staff(Role.TEAM_MEMBER, team=LOOKED_AFTER, email=OWNER)
    overdue = a_complaint("Fri 2 Jan 2026", by_phone=True)  # acknowledge by Wed 7 Jan
    due = a_complaint("Wed 7 Jan 2026", by_phone=True)  # acknowledge by Mon 12 Jan
    cases.assign(
        manager(), due, team_id=None, person_id=staff_member(OWNER).id, reason="", version=1
    )
    later = accept_and_assign(a_complaint("Fri 9 Jan 2026"), "Fri 9 Jan 2026")  # Fri 23 Jan
    closed = a_complaint("Fri 2 Jan 2026", by_phone=True)
    cases.apply(
        manager(), closed, cases.MoveInput(Move.WITHDRAW, day("Mon 5 Jan 2026"), {}), version=1
    )
    fostering = a_complaint("Fri 2 Jan 2026", team=FOSTERING, by_phone=True)
    deliver()

    # Friday 9 January 2026: three working days ahead is Wednesday 14 January.
    assert (
        remind(app, day("Fri 9 Jan 2026"))
        == "Reminders 1, breach notices 2, digests 2" + NONE_ESCALATED
    )
    deliver()

    digests = {m.recipients[0]: m for m in staff_emails(smtp) if what_it_is(m) == "digest"}
    assert set(digests) == {LOOKED_AFTER_INBOX, FOSTERING_INBOX}
    looked_after = digests[LOOKED_AFTER_INBOX]
    assert subject(looked_after) == f"Due and overdue for {LOOKED_AFTER}: Friday 9 January 2026"
    assert (
        "Overdue (1):\n"
        f"- {overdue.reference}: Acknowledge, was due Wednesday 7 January 2026. "
        "Owner: Not assigned\n"
        "\n"
        "Due by Wednesday 14 January 2026 (1):\n"
        f"- {due.reference}: Acknowledge, due Monday 12 January 2026. "
        "Owner: team_member person\n"
    ) in text(looked_after)
    for reference in (overdue.reference, due.reference):
        assert reference in looked_after.html
    for elsewhere in (later.reference, closed.reference, fostering.reference):
        assert elsewhere not in readable(looked_after)
    assert f"- {fostering.reference}: Acknowledge, was due Wednesday 7 January 2026." in text(
        digests[FOSTERING_INBOX]
    )
    for elsewhere in (overdue.reference, due.reference, later.reference, closed.reference):
        assert elsewhere not in readable(digests[FOSTERING_INBOX])
    # The acknowledgement task is the case's own next step: listed once, not twice.
    assert text(looked_after).count(overdue.reference) == 1
    # Nothing on the weekend or a bank holiday.
    assert remind(app, day("Sat 10 Jan 2026")).endswith("digests 0" + NONE_ESCALATED)


def test_staff_emails_carry_the_reference_and_nothing_the_person_told_us(
    app: Flask, smtp: SmtpServer
) -> None:
    three_cases_due()
    remind(app, day("Fri 2 Jan 2026"))
    remind(app, day("Thu 8 Jan 2026"))
    deliver()

    sent = staff_emails(smtp)
    assert {what_it_is(m) for m in sent} == {"reminder", "breach", "digest"}
    for received in sent:
        text = readable(received)
        assert "CSC-" in text
        for told in PERSON.values():
            assert told not in text, (received.subject, told)
            assert told not in subject(received)


# --- the team manager ----------------------------------------------------------------------------


def test_a_breach_goes_to_the_team_manager_set_on_the_team_page(
    app: Flask, smtp: SmtpServer
) -> None:
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER))
    team = db.session.scalars(sa.select(Team).where(Team.name == FOSTERING)).one()
    fields = {
        "name": FOSTERING,
        "public_name": "Fostering",
        "public_description": "",
        "inbox_email": FOSTERING_INBOX,
        "is_active": "y",
        "shown_to_public": "y",
    }
    refused = read(post_form(client, f"/staff/teams/{team.id}", fields | {"manager_email": "x"}))
    assert errors_shown_twice(refused) == {
        "manager_email": "Enter an email address in the correct format, like name@example.com"
    }
    save(client, f"/staff/teams/{team.id}", fields | {"manager_email": TEAM_MANAGER})

    a_complaint("Tue 23 Dec 2025", team=FOSTERING, by_phone=True)  # acknowledge by Tue 30 Dec
    deliver()
    remind(app, day("Wed 31 Dec 2025"))
    deliver()

    breaches = sorted(m.recipients[0] for m in staff_emails(smtp) if what_it_is(m) == "breach")
    assert breaches == [MANAGER, TEAM_MANAGER]


# --- the case page --------------------------------------------------------------------------------


def test_the_case_page_shows_each_notice_who_it_went_to_and_whether_it_was_delivered(
    app: Flask, smtp: SmtpServer
) -> None:
    case = accept_and_assign(a_complaint("Fri 19 Dec 2025"), "Mon 22 Dec 2025")
    remind(app, day("Fri 2 Jan 2026"))
    client = browser(app)
    sign_in(client, manager().email)

    waiting = table_after(case_page(client, case.reference), "Reminders and notices")
    assert [row[0:2] + row[3:] for row in waiting] == [
        [
            "Reminder",
            "Stage 1 response, due Wednesday 7 January 2026",
            f"{OWNER}: Waiting to send {LOOKED_AFTER_INBOX}: Waiting to send",
        ]
    ]

    deliver()
    smtp.inbox.refuse("550 5.1.1 Mailbox unavailable")
    app.config.update(OUTBOX_MAX_ATTEMPTS=1)
    remind(app, day("Thu 8 Jan 2026"))
    deliver()

    page = case_page(client, case.reference)
    assert [row[0:2] + row[3:] for row in table_after(page, "Reminders and notices")] == [
        [
            "Deadline missed",
            "Stage 1 response, due Wednesday 7 January 2026",
            f"{MANAGER}: Failed {LOOKED_AFTER_INBOX}: Failed",
        ],
        [
            "Reminder",
            "Stage 1 response, due Wednesday 7 January 2026",
            f"{OWNER}: Sent {LOOKED_AFTER_INBOX}: Sent",
        ],
    ]
    trail = audit_trail(page)
    assert "The portal: reminder sent; " in trail
    assert "The portal: breach notice sent; " in trail


# --- the ombudsman's enquiry ------------------------------------------------------------------


def test_a_reply_to_the_ombudsman_on_a_closed_case_is_reminded_and_breached_as_a_stage_is(
    app: Flask, smtp: SmtpServer
) -> None:
    # Closed after its stage 1 response; the ombudsman's enquiry arrives Mon 5 Jan 2026
    # and sets Fri 16 Jan 2026 for the council's reply.
    case = accept_and_assign(a_complaint("Fri 19 Dec 2025"), "Mon 22 Dec 2025")
    me = manager()
    cases.apply(
        me,
        case,
        cases.MoveInput(Move.RESPOND_STAGE1, day("Tue 23 Dec 2025"), {"outcome": "not_upheld"}),
        version=case.case.version,
    )
    cases.apply(
        me, case, cases.MoveInput(Move.CLOSE, day("Wed 24 Dec 2025"), {}), version=case.case.version
    )
    ombudsman.record(
        me,
        case,
        reference="25 012 345",
        received_on=day("Mon 5 Jan 2026"),
        reply_due_on=day("Fri 16 Jan 2026"),
        today=day("Mon 5 Jan 2026"),
        version=case.case.version,
    )
    assert (case.case.next_due_what, case.case.next_due_on) == (
        "Reply to the ombudsman's enquiry",
        day("Fri 16 Jan 2026"),
    )

    arrived = day_by_day(app, smtp, "Mon 12 Jan 2026", "Tue 20 Jan 2026")

    digest = f"digest to {LOOKED_AFTER_INBOX}"
    assert arrived == {
        "Tue 13 Jan 2026": [digest, f"reminder to {LOOKED_AFTER_INBOX}", f"reminder to {OWNER}"],
        "Wed 14 Jan 2026": [digest],
        "Thu 15 Jan 2026": [digest],
        "Fri 16 Jan 2026": [digest],
        "Mon 19 Jan 2026": [f"breach to {MANAGER}", f"breach to {LOOKED_AFTER_INBOX}", digest],
        "Tue 20 Jan 2026": [digest],
    }
    breach = smtp.inbox.to(MANAGER)[-1]
    assert subject(breach) == (
        f"Deadline missed: Reply to the ombudsman's enquiry for {case.reference} "
        "was due Friday 16 January 2026"
    )
    assert "25 012 345" not in readable(breach)

    # Replied: nothing dated is owed (the case stays with the ombudsman until its
    # decision), and nobody is reminded.
    (enquiry,) = ombudsman.enquiries_of(case)
    ombudsman.record_reply(
        me, case, enquiry, replied_on=day("Tue 20 Jan 2026"), today=day("Tue 20 Jan 2026"),
        version=case.case.version,
    )  # fmt: skip
    assert (case.case.stage, case.case.next_due_on) == ("ombudsman", None)
    assert day_by_day(app, smtp, "Wed 21 Jan 2026", "Thu 22 Jan 2026") == {}
