"""Keeping the complainant informed and the clock honest (issue 8): the clock ledger (a
pause, a restart, an agreed extension, a stop fixed in time, due dates worked out again
when the bank holidays change, and the page that shows how), the notices the complainant
is sent without anyone having to remember, and messages written by staff, all delivered
through a real SMTP server and shown on the case and the tracking page."""

import html
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    case_page,
    look,
    move,
    new_complaint,
    post_form,
    read,
    received_at,
    save,
    sign_in_as_manager,
)
from conftest import sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import squash
from smtp_server import Received, SmtpServer

from portal.domain import holidays
from portal.domain.types import AdvocacyAnswer, SubmitterRole
from portal.extensions import db
from portal.models import AuditEvent, ClockEvent, Correspondence, Submission
from portal.services import consent, correspondence, outbox

RECEIVED = date(2025, 12, 19)  # a Friday, before Christmas
ACCEPTED = date(2025, 12, 22)


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


@pytest.fixture
def staff(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


def a_case(
    role: SubmitterRole = SubmitterRole.PARENT,
    email: str = "pat@example.com",
    advocacy: AdvocacyAnswer | None = None,
) -> str:
    case = new_complaint(role=role, email=email, when=received_at(RECEIVED), advocacy=advocacy)
    reference = case.reference
    db.session.remove()
    return reference


def accepted(staff: FlaskClient, reference: str) -> None:
    deliver()  # the acknowledgement goes first, as it would
    move(staff, reference, "accept", ACCEPTED)


def deliver() -> None:
    outbox.work_once()
    db.session.expire_all()


def emails_to(smtp: SmtpServer, address: str) -> list[Received]:
    return smtp.inbox.to(address)


def readable(received: Received) -> str:
    return squash(received.text + " " + html.unescape(received.html))


def next_due(staff: FlaskClient, reference: str) -> str:
    rows = {k: squash(v) for k, v in case_page(staff, reference).summary_answers.items()}
    return rows["Next due"]


def tracking_page(client: FlaskClient, received: Received) -> str:
    links = set(re.findall(r"https?://\S+/track/[^\s<\"]+", received.text))
    assert len(links) == 1, links
    response = client.get(urlsplit(links.pop()).path)
    assert response.status_code == 200
    return read(response).text


def ledger(reference: str) -> list[ClockEvent]:
    db.session.expire_all()
    case_id = db.session.scalar(sa.select(Submission.id).where(Submission.reference == reference))
    return list(
        db.session.scalars(
            sa.select(ClockEvent).where(ClockEvent.submission_id == case_id).order_by(ClockEvent.id)
        )
    )


# --- the clock ledger ---------------------------------------------------------------------


def test_a_pause_for_an_advocate_moves_the_due_date_and_the_complainant_is_told(
    staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case()
    accepted(staff, reference)
    # Ten working days from Friday 19 December, past Christmas, Boxing Day and New Year.
    assert next_due(staff, reference) == "Stage 1 response by Wednesday 7 January 2026"

    page = save(
        staff,
        f"/staff/cases/{reference}/clock/pause",
        {"on": ["5", "1", "2026"], "reason": "advocate"},
    )
    assert "The clock is paused" in page.notification_banner
    assert next_due(staff, reference) == "Stage 1 response: clock paused"

    # Counted before the pause: 22, 23, 24, 29, 30, 31 December and 2 January (7 days).
    # Paused 5 to 11 January; restarted on Monday 12: 12, 13 and 14 January make ten.
    save(staff, f"/staff/cases/{reference}/clock/restart", {"on": ["12", "1", "2026"]})
    assert next_due(staff, reference) == "Stage 1 response by Wednesday 14 January 2026"

    deliver()
    told = [readable(e) for e in emails_to(smtp, "pat@example.com")][1:]  # after the ack
    assert len(told) == 2, told
    assert "paused the time limit" in told[0]
    assert "Waiting for an advocate to be appointed" in told[0]
    assert "We will now respond by Wednesday 14 January 2026" in told[1]

    events = [(e.kind, e.on, e.due_before, e.due_after) for e in ledger(reference)]
    assert events == [
        # The stage 1 response was already running from receipt: accepting it moves nothing.
        ("started", ACCEPTED, date(2026, 1, 7), date(2026, 1, 7)),
        ("paused", date(2026, 1, 5), date(2026, 1, 7), None),
        ("restarted", date(2026, 1, 12), None, date(2026, 1, 14)),
    ]


def test_how_the_date_was_worked_out_shows_every_day_counted_and_skipped(
    staff: FlaskClient,
) -> None:
    reference = a_case()
    accepted(staff, reference)
    save(
        staff,
        f"/staff/cases/{reference}/clock/pause",
        {"on": ["5", "1", "2026"], "reason": "other", "detail": "Waiting for the school's notes"},
    )
    save(staff, f"/staff/cases/{reference}/clock/restart", {"on": ["12", "1", "2026"]})

    page = look(staff, f"/staff/cases/{reference}/due-dates")
    rows = dict(
        (cells[0], cells[1])
        for cells in (
            [c.text for c in page.find_all("td")][i : i + 2]
            for i in range(0, len(page.find_all("td")), 2)
        )
        if len(cells) == 2
    )
    assert rows["Monday 22 December 2025"] == "Working day 1"
    assert rows["Thursday 25 December 2025"] == "Not counted: Bank holiday: Christmas Day"
    assert rows["Saturday 27 December 2025"] == "Not counted: Saturday"
    assert rows["Thursday 1 January 2026"] == "Not counted: Bank holiday: New Year's Day"
    assert rows["Friday 2 January 2026"] == "Working day 7"
    assert rows["Tuesday 6 January 2026"] == (
        "Not counted: Clock paused: Another reason: Waiting for the school's notes"
    )
    assert rows["Monday 12 January 2026"] == "Working day 8"
    assert rows["Wednesday 14 January 2026"] == "Working day 10"
    assert "Stage 1 response: Wednesday 14 January 2026" in page.text
    assert "Counted from Friday 19 December 2025 (day 0): 10 working days" in page.text


def test_an_agreed_extension_is_recorded_with_the_agreement_and_confirmed_in_writing(
    staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case()
    accepted(staff, reference)
    refused = post_form(
        staff,
        f"/staff/cases/{reference}/move/extend_stage1",
        {"on": ["5", "1", "2026"], "stage1_extension_reason": "Three teams are involved."},
    )
    assert ("#extension_agreement", "Enter how and when the complainant agreed") in read(
        refused
    ).error_summary

    move(
        staff,
        reference,
        "extend_stage1",
        date(2026, 1, 5),
        stage1_extension_reason="Three teams are involved.",
        extension_agreement="By phone on 5 January",
    )
    # Twenty working days from 19 December 2025 (domain.md's own example).
    assert next_due(staff, reference) == "Stage 1 response by Wednesday 21 January 2026"
    (extended,) = [e for e in ledger(reference) if e.kind == "extended"]
    assert extended.agreement == "By phone on 5 January"
    assert (extended.due_before, extended.due_after) == (date(2026, 1, 7), date(2026, 1, 21))

    deliver()
    confirmation = readable(emails_to(smtp, "pat@example.com")[-1])
    assert "Thank you for agreeing to give us more time" in confirmation
    assert "We will now respond by Wednesday 21 January 2026" in confirmation
    assert "Three teams are involved." in confirmation


def test_whether_a_response_was_in_time_is_fixed_when_it_is_sent(
    app: Flask, staff: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered = a_case()
    accepted(staff, answered)
    move(staff, answered, "respond_stage1", date(2026, 1, 7), outcome="upheld")
    waiting = a_case(email="sam@example.com")
    accepted(staff, waiting)
    (stopped,) = [e for e in ledger(answered) if e.kind == "stopped"]
    assert (stopped.on_time, stopped.working_days_taken, stopped.due_before) == (
        True,
        10,
        date(2026, 1, 7),
    )

    # The bank-holiday table changes: a one-off holiday on Friday 2 January 2026.
    table = json.loads(holidays.TABLE.read_text(encoding="utf-8"))
    table["dates"]["2026-01-02"] = "A one-off bank holiday"
    changed = tmp_path / "bank_holidays.json"
    changed.write_text(json.dumps(table), encoding="utf-8")
    monkeypatch.setattr(holidays, "TABLE", changed)
    try:
        moved_one_day(app, staff, answered, waiting)
    finally:
        # The table as shipped again for the tests that follow in this process.
        monkeypatch.undo()
        holidays.bank_holidays.cache_clear()


def moved_one_day(app: Flask, staff: FlaskClient, answered: str, waiting: str) -> None:
    result = app.test_cli_runner().invoke(args=["clock", "recompute"])
    assert result.exit_code == 0, result.output
    assert f"{waiting}: 2026-01-07 -> 2026-01-08" in result.output
    assert "1 open case(s) with a new due date." in result.output

    # The open case moved a day, and says why; the answered one's result did not change.
    assert next_due(staff, waiting) == "Stage 1 response by Thursday 8 January 2026"
    recomputed = [e for e in ledger(waiting) if e.kind == "recomputed"]
    assert [(e.due_before, e.due_after, e.reason) for e in recomputed] == [
        (date(2026, 1, 7), date(2026, 1, 8), "The bank-holiday table changed")
    ]
    (still,) = [e for e in ledger(answered) if e.kind == "stopped"]
    assert (still.on_time, still.working_days_taken) == (True, 10)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "due_date_recomputed")
        )
        == 1
    )
    history = look(staff, f"/staff/cases/{waiting}/due-dates").text
    assert "Due date worked out again" in history and "The bank-holiday table changed" in history


# --- what the complainant is told ---------------------------------------------------------


def late_at_stage2(staff: FlaskClient, reference: str) -> None:
    """Answered at stage 1, asked for stage 2, and stage 2 extended to Friday 13 March
    2026 because the independent person is ill; the notice delivered."""
    accepted(staff, reference)
    move(staff, reference, "respond_stage1", date(2026, 1, 7), outcome="not_upheld")
    move(staff, reference, "request_stage2", date(2026, 1, 12))
    move(
        staff,
        reference,
        "extend_stage2",
        date(2026, 2, 2),
        stage2_extended_to=["13", "3", "2026"],
        stage2_extension_reason="The independent person is ill.",
    )
    deliver()


def test_a_late_stage2_response_reaches_the_complainant_with_why_and_the_new_date(
    app: Flask, staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case()
    late_at_stage2(staff, reference)
    late = emails_to(smtp, "pat@example.com")[-1]
    assert late.subject == f"Your complaint {reference}: our reply will be late"
    text = readable(late)
    assert "We will now respond by Friday 13 March 2026" in text
    assert "The independent person is ill." in text
    tracking = tracking_page(app.test_client(), late)
    assert "Our reply will be late" in tracking
    assert "We will now respond by Friday 13 March 2026" in tracking


@pytest.mark.parametrize(
    ("advocacy", "told"),
    [
        (AdvocacyAnswer.ACCEPTED, "talk to your advocate"),
        (AdvocacyAnswer.DECLINED, "You can also ask us for an advocate"),
    ],
)
def test_a_child_told_their_reply_will_be_late_is_sent_to_an_advocate_only_if_they_have_one(
    app: Flask, staff: FlaskClient, smtp: SmtpServer, advocacy: AdvocacyAnswer, told: str
) -> None:
    reference = a_case(role=SubmitterRole.CHILD, email="sam.child@example.com", advocacy=advocacy)
    late_at_stage2(staff, reference)
    page = tracking_page(app.test_client(), emails_to(smtp, "sam.child@example.com")[-1])
    assert "Sorry, our reply will be late" in page
    assert told in page
    if advocacy is AdvocacyAnswer.DECLINED:
        assert "talk to your advocate" not in page


def test_after_each_response_the_complainant_is_told_what_they_can_do_next_and_by_when(
    staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case()
    accepted(staff, reference)
    move(staff, reference, "respond_stage1", date(2026, 1, 20), outcome="partially_upheld")
    deliver()
    after_stage1 = readable(emails_to(smtp, "pat@example.com")[-1])
    # Twenty working days after Tuesday 20 January 2026.
    assert "Please ask by Tuesday 17 February 2026" in after_stage1
    assert "someone independent (stage 2)" in after_stage1

    move(staff, reference, "request_stage2", date(2026, 1, 26))
    move(staff, reference, "adjudicate_stage2", date(2026, 2, 27), outcome="not_upheld")
    deliver()
    after_stage2 = readable(emails_to(smtp, "pat@example.com")[-1])
    assert "review panel (stage 3)" in after_stage2
    assert "Please ask by Friday 27 March 2026" in after_stage2


def test_a_child_is_told_in_childrens_words_and_the_email_carries_none_of_it(
    app: Flask, staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case(role=SubmitterRole.CHILD, email="sam.child@example.com")
    accepted(staff, reference)
    move(staff, reference, "respond_stage1", date(2026, 1, 7), outcome="upheld")
    deliver()
    notice = emails_to(smtp, "sam.child@example.com")[-1]
    email_text = readable(notice)
    assert "We have sent you a new message about your reference" in email_text
    assert "tell us by" not in email_text  # the words are only on the tracking page
    page = tracking_page(app.test_client(), notice)
    assert "If you are not happy with our answer, tell us by Wednesday 4 February 2026" in page


# --- messages written by staff ------------------------------------------------------------


def test_staff_write_to_the_complainant_and_their_advocate_and_see_it_delivered(
    app: Flask, staff: FlaskClient, smtp: SmtpServer
) -> None:
    case = new_complaint(when=received_at(RECEIVED), email="pat@example.com")
    case.advocate_name = "Ali Advocate"
    case.advocate_email = "ali@advocacy.example"
    # The child agreed to their advocate having copies (issue 17).
    consent.give(case, by="staff", on=RECEIVED)
    db.session.commit()
    reference = case.reference
    db.session.remove()

    form = look(staff, f"/staff/cases/{reference}/message")
    assert form.value_of("to") == ["complainant", "advocate"]
    empty = post_form(staff, f"/staff/cases/{reference}/message", {"to": []})
    assert read(empty).error_summary == [
        ("#to", "Select who to send it to"),
        ("#subject", "Enter a subject"),
        ("#body", "Enter the message"),
    ]

    page = save(
        staff,
        f"/staff/cases/{reference}/message",
        {
            "to": ["complainant", "advocate"],
            "subject": "Your meeting on Friday",
            "body": "We have booked the meeting for Friday at 10am <b>at the town hall</b>."
            "\n\n**Please bring:**\n- your letter\n- [a map](https://council.example/map)"
            "\n\n[Reply](javascript:alert(1))",
        },
    )
    assert "Message sent" in page.notification_banner
    assert "Waiting to send" in page.text

    deliver()
    for address in ("pat@example.com", "ali@advocacy.example"):
        (received,) = [e for e in emails_to(smtp, address) if e.subject == "Your meeting on Friday"]
        assert "We have booked the meeting for Friday at 10am <b>at the town hall</b>." in (
            html.unescape(received.html)
        )
        assert "<b>at the town hall</b>" not in received.html  # shown as text, never markup
        # The small markup staff write in is HTML; a link anywhere but the web is only words.
        assert "<strong>Please bring:</strong>" in received.html
        assert "<li>your letter</li>" in received.html
        assert '<a class="govuk-link" href="https://council.example/map">a map</a>' in (
            received.html
        )
        assert "javascript" not in received.html
        assert "Please bring:\n- your letter\n- a map (https://council.example/map)\n\nReply" in (
            received.text.replace("\r\n", "\n")
        )
    page = case_page(staff, reference)
    assert page.text.count("Emailed") == 2
    sent = db.session.scalars(sa.select(Correspondence).where(Correspondence.kind == "message"))
    assert sorted(c.recipient for c in sent) == ["advocate", "complainant"]
    tracking = tracking_page(
        app.test_client(),
        [e for e in emails_to(smtp, "pat@example.com") if e.subject == "Your meeting on Friday"][0],
    )
    assert "A message from us" in tracking
    assert "We have booked the meeting for Friday at 10am" in tracking
    assert "We emailed this on" in tracking


def test_a_kept_message_given_new_words_keeps_the_html_of_the_new_words(app: Flask) -> None:
    # Nothing changes a message once sent but a purge (which clears both columns); a
    # change through the model must still bring its HTML with it.
    case = new_complaint(when=received_at(RECEIVED), email="pat@example.com")
    (kept,) = correspondence.send(
        case,
        kind=correspondence.Kind.MESSAGE,
        subject="Your meeting",
        body="See you on **Friday**.",
        to=[correspondence.Recipient.COMPLAINANT],
    )
    db.session.commit()
    assert kept.body_html == '<p class="govuk-body">See you on <strong>Friday</strong>.</p>'
    kept.body = "<script>alert(1)</script> See you on **Monday**."
    db.session.commit()
    stored = db.session.execute(
        sa.select(Correspondence.__table__.c.body_html).where(Correspondence.id == kept.id)
    ).scalar_one()
    assert stored == (
        '<p class="govuk-body">&lt;script&gt;alert(1)&lt;/script&gt; See you on '
        "<strong>Monday</strong>.</p>"
    )


def test_without_an_email_address_the_message_waits_as_a_task_to_post_it(
    staff: FlaskClient,
) -> None:
    case = new_complaint(when=received_at(RECEIVED), email=None)
    case.postal_address = "12 Mill Lane, Northmoor"
    case.postcode = "NM1 2AB"
    db.session.commit()
    reference = case.reference
    db.session.remove()
    save(
        staff,
        f"/staff/cases/{reference}/message",
        {"to": ["complainant"], "subject": "Your meeting", "body": "See you on Friday."},
    )
    page = case_page(staff, reference)
    assert "By post" in page.text
    assert "Send by post to the complainant: Your meeting" in page.text
    # The task links the letter it is for, ready to print with the address on it.
    letter = look(staff, page.link_to("Print the letter: Your meeting"))
    assert letter.headings == ["Your meeting"]
    for words in (
        "Pat Parent",
        "12 Mill Lane",
        "NM1 2AB",
        "Dear Pat Parent,",
        "See you on Friday.",
    ):
        assert words in letter.text, words
    assert f"Our reference: {reference}" in letter.text


def test_with_no_address_to_post_to_the_task_phones_or_asks_for_an_address(
    staff: FlaskClient,
) -> None:
    reachable = new_complaint(when=received_at(RECEIVED), email=None).reference
    only_letters = new_complaint(when=received_at(RECEIVED), email=None)
    only_letters.safe_to_phone = False
    only_letters.safe_to_leave_voicemail = False
    only_letters.safe_to_send_letters = True
    db.session.commit()
    unreachable = only_letters.reference
    db.session.remove()
    for reference in (reachable, unreachable):
        save(
            staff,
            f"/staff/cases/{reference}/message",
            {"to": ["complainant"], "subject": "Your meeting", "body": "See you on Friday."},
        )
    page = case_page(staff, reachable)
    assert "Phone the complainant to tell them about it: Your meeting" in page.text
    assert "Send by post" not in page.text
    assert page.link_to("Read the message: Your meeting")
    page = case_page(staff, unreachable)
    assert "Not sent yet (no postal address: a task asks for one)" in page.text
    assert "Not sent yet: no postal address is held: ask for one" in page.text
    assert "Send by post" not in page.text


def test_a_complaint_made_in_welsh_is_told_what_next_in_welsh(
    staff: FlaskClient, smtp: SmtpServer
) -> None:
    case = new_complaint(when=received_at(RECEIVED), email="cymraeg@example.com")
    case.language = "cy"
    db.session.commit()
    reference = case.reference
    db.session.remove()
    accepted(staff, reference)
    move(staff, reference, "respond_stage1", date(2026, 1, 20), outcome="upheld")
    deliver()
    told = emails_to(smtp, "cymraeg@example.com")[-1]
    assert told.subject == f"Eich cwyn {reference}: beth allwch chi ei wneud nesaf"
    assert "Gofynnwch erbyn Dydd Mawrth 17 Chwefror 2026" in readable(told)


def test_a_response_with_its_own_letter_is_not_followed_by_a_second_notice(
    staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_case()
    accepted(staff, reference)
    # The caseworker drafts the stage 1 letter first: it will say what they can do next.
    save(
        staff,
        f"/staff/cases/{reference}/response-letters/1",
        {"subject": "Our response", "body": "We looked into it. You can ask for stage 2."},
    )
    move(staff, reference, "respond_stage1", date(2026, 1, 20), outcome="upheld")
    deliver()
    subjects = [e.subject for e in emails_to(smtp, "pat@example.com")]
    assert not [s for s in subjects if "what you can do next" in s], subjects


def test_a_complaint_withdrawn_during_stage1_stops_its_clock_without_a_verdict(
    staff: FlaskClient,
) -> None:
    reference = a_case()
    accepted(staff, reference)
    move(staff, reference, "withdraw", date(2026, 1, 5))
    stopped = [(e.stage, e.kind, e.reason, e.on_time) for e in ledger(reference)][-1]
    assert stopped == ("stage1", "stopped", "withdraw", None)


def test_the_acknowledgement_date_is_explained_too(staff: FlaskClient) -> None:
    reference = a_case(email="")  # no email address: acknowledged by phone or letter
    page = look(staff, f"/staff/cases/{reference}/due-dates")
    # Three working days after Friday 19 December 2025: the 22nd, 23rd and 24th.
    assert "Acknowledge: Wednesday 24 December 2025" in page.text
    assert "Counted from Friday 19 December 2025 (day 0): 3 working days" in page.text
