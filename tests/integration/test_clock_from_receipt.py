"""The statutory clock runs from receipt, and staff see it (issue 13, section 3): over the
client, a real database and a real SMTP server.

- From the moment a complaint is received the queue and the case page show the step that is
  running and its date, and it is the date the acknowledgement gave the person.
- An acknowledgement date in the future is refused; a late one is recorded, shown as late,
  and counted as late in the annual report against the case's own date (2 days in Wales).
- In Wales the discussion counts from the day the acknowledgement was made, the written
  resolution is a step staff record, and every page, email and letter says the Welsh
  procedure's steps.
"""

import html
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    date_parts,
    errors_shown_twice,
    look,
    move,
    new_complaint,
    post_form,
    queue_row,
    read,
    received_at,
    save,
    sign_in_as_manager,
    summary,
)
from conftest import sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, in_words, london_today, only_submission, squash
from smtp_server import Received, SmtpServer

from portal.domain.clock import LONDON, add_working_days
from portal.domain.reports import Period
from portal.domain.types import Kind
from portal.extensions import db
from portal.models import ClockEvent, DeadlineNotice, Submission
from portal.services import outbox, reminders, reports

FRI_19_DEC_2025 = date(2025, 12, 19)
YEAR_2025_26 = Period(date(2025, 4, 1), date(2026, 3, 31))


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


@pytest.fixture
def staff(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


@pytest.fixture
def wales(app: Flask) -> Iterator[Flask]:
    app.config.update(JURISDICTION="wales", ACKNOWLEDGEMENT_TARGET_WORKING_DAYS=2)
    yield app


@pytest.fixture
def mail_on_19_december(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outbox's clock on Friday 19 December 2025, mid-afternoon: what is queued is sent,
    and the acknowledgement made, that day."""
    monkeypatch.setattr(outbox, "utcnow", lambda: datetime(2025, 12, 19, 15, 0, tzinfo=UTC))


def deliver() -> None:
    outbox.work_once()
    db.session.expire_all()


def readable(received: Received) -> str:
    return squash(received.text + " " + html.unescape(received.html))


def the_acknowledgement(smtp: SmtpServer, address: str) -> str:
    emails = smtp.inbox.to(address)
    assert emails, f"nothing reached {address}"
    return readable(emails[0])


def case_named(reference: str) -> Submission:
    db.session.expire_all()
    found = db.session.scalar(sa.select(Submission).where(Submission.reference == reference))
    assert found is not None
    return found


def short(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- from receipt, the step that is running and its date ------------------------------------


def test_right_after_a_public_complaint_staff_see_the_stage_1_date_the_person_was_told(
    client: FlaskClient, staff: FlaskClient, smtp: SmtpServer
) -> None:
    Journey(client, "complaint").complete("parent")
    reference = only_submission().reference
    received = only_submission().received_on
    reply_by = add_working_days(received, 10)  # SI 2006/1738: 10 working days from receipt

    # Before anything else happens: the acknowledgement, and beside it the stage 1 response.
    row = queue_row(staff, reference)
    assert f"Acknowledge by {short(add_working_days(received, 3))}" in row
    assert f"Stage 1 response by {short(reply_by)}" in row
    assert summary(case_page(staff, reference))["Also due"] == (
        f"Stage 1 response by {in_words(reply_by)}"
    )

    # The acknowledgement goes by email: what staff now see is the date it gave.
    deliver()
    told = the_acknowledgement(smtp, "alex@example.com")
    assert f"We will reply by {in_words(reply_by)}." in told
    shown = summary(case_page(staff, reference))
    assert shown["Next due"] == f"Stage 1 response by {in_words(reply_by)}"
    assert "Nothing due" not in queue_row(staff, reference)
    assert f"Stage 1 response by {short(reply_by)}" in queue_row(staff, reference)
    # Nobody has pressed "Accept at stage 1": the law's clock runs all the same.
    assert "Accepted at stage 1" not in shown
    assert case_named(reference).case.stage == "triage"


def test_a_representation_shows_the_councils_reply_date_from_receipt(
    client: FlaskClient, staff: FlaskClient, smtp: SmtpServer
) -> None:
    _, confirmation = Journey(client, "representation").complete("parent")
    stored = only_submission()
    reply_by = add_working_days(stored.received_on, 10)  # the council's own target
    assert f"reply by {in_words(reply_by)}" in confirmation.text
    deliver()
    assert f"reply by {in_words(reply_by)}" in the_acknowledgement(smtp, "alex@example.com")
    assert summary(case_page(staff, stored.reference))["Next due"] == (
        f"Reply by {in_words(reply_by)}"
    )


# --- the acknowledgement's own date ------------------------------------------------------------


def test_an_acknowledgement_dated_in_the_future_is_refused_beside_the_date(
    staff: FlaskClient,
) -> None:
    reference = new_complaint(email=None, when=received_at(FRI_19_DEC_2025)).reference
    tomorrow = london_today() + timedelta(days=1)
    response = post_form(
        staff,
        f"/staff/cases/{reference}/acknowledge",
        {"how": "phone", "on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]},
    )
    assert response.status_code == 200
    assert errors_shown_twice(read(response)) == {"on": "The date must be today or in the past"}
    assert case_named(reference).case.acknowledged_at is None


def test_a_late_acknowledgement_is_recorded_shown_as_late_and_counted_late(
    staff: FlaskClient,
) -> None:
    # Received Fri 19 Dec 2025, due by Wed 24 Dec (the council's 3 days); phoned Mon 29 Dec.
    late = new_complaint(email=None, when=received_at(FRI_19_DEC_2025)).reference
    in_time = new_complaint(email=None, when=received_at(FRI_19_DEC_2025)).reference
    page = save(
        staff,
        f"/staff/cases/{late}/acknowledge",
        {"how": "phone", "on": ["29", "12", "2025"]},
    )
    assert summary(page)["Acknowledged"] == (
        "Monday 29 December 2025 (by phone), late: it was due by Wednesday 24 December 2025"
    )
    assert "Acknowledged late" in queue_row(staff, late)
    save(staff, f"/staff/cases/{in_time}/acknowledge", {"how": "phone", "on": ["24", "12", "2025"]})
    assert "late" not in summary(case_page(staff, in_time))["Acknowledged"]
    assert "Acknowledged late" not in queue_row(staff, in_time)

    timeliness = reports.annual_report(YEAR_2025_26)["timeliness"]
    assert isinstance(timeliness, dict)
    assert (
        timeliness["acknowledged"],
        timeliness["acknowledged_in_time"],
        timeliness["acknowledged_late"],
    ) == (2, 1, 1)


def test_in_wales_an_acknowledgement_on_the_third_working_day_counts_late_in_the_report(
    wales: Flask, staff: FlaskClient
) -> None:
    # The law's 2 working days end Tue 23 Dec; a 3-day band would call Wed 24 Dec in time.
    reference = new_complaint(email=None, when=received_at(FRI_19_DEC_2025)).reference
    page = save(
        staff, f"/staff/cases/{reference}/acknowledge", {"how": "phone", "on": ["24", "12", "2025"]}
    )
    assert summary(page)["Acknowledged"].endswith("late: it was due by Tuesday 23 December 2025")
    timeliness = reports.annual_report(YEAR_2025_26)["timeliness"]
    assert isinstance(timeliness, dict)
    assert (timeliness["acknowledged_in_time"], timeliness["acknowledged_late"]) == (0, 1)


# --- Wales: from the acknowledgement as it was made ---------------------------------------------


def test_in_wales_acknowledged_by_email_on_19_december_the_discussion_is_due_on_7_january(
    wales: Flask, mail_on_19_december: None, staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = new_complaint(email="pat@example.com", when=received_at(FRI_19_DEC_2025)).reference
    deliver()
    told = the_acknowledgement(smtp, "pat@example.com")
    # WSI 2014/1795: 10 working days from the acknowledgement, made Fri 19 Dec, not from
    # its due date (Tue 23 Dec, which gave Fri 9 January).
    assert "We will offer to talk with you about it, on a day no later than " in told
    assert "Wednesday 7 January 2026" in told and "9 January" not in told
    assert "Within 5 working days of talking with you, we will write to you" in told
    assert "reply within 25 working days of you asking" in told
    assert "We will reply by" not in told

    assert summary(case_page(staff, reference))["Next due"] == (
        "Discussion held by Wednesday 7 January 2026"
    )
    assert "Discussion held by 7 January 2026" in queue_row(staff, reference)


def test_in_wales_a_phone_acknowledgement_moves_the_discussion_and_the_ledger_says_so(
    wales: Flask, staff: FlaskClient
) -> None:
    reference = new_complaint(email=None, when=received_at(FRI_19_DEC_2025)).reference
    # Until it is acknowledged, counted from its due date (Tue 23 Dec): Fri 9 Jan.
    assert summary(case_page(staff, reference))["Also due"] == (
        "Discussion held by Friday 9 January 2026"
    )
    page = save(
        staff, f"/staff/cases/{reference}/acknowledge", {"how": "phone", "on": ["22", "12", "2025"]}
    )
    # From the day it was made, Mon 22 Dec: Thu 8 Jan.
    assert summary(page)["Next due"] == "Discussion held by Thursday 8 January 2026"
    case_id = case_named(reference).id
    moved = db.session.scalars(
        sa.select(ClockEvent).where(ClockEvent.submission_id == case_id)
    ).all()
    assert [(e.kind, e.on, e.due_before, e.due_after) for e in moved] == [
        ("recomputed", date(2025, 12, 22), date(2026, 1, 9), date(2026, 1, 8))
    ]
    history = look(staff, f"/staff/cases/{reference}/due-dates").text
    assert "Counted from the acknowledgement, made on Monday 22 December 2025" in history


def test_in_wales_the_written_resolution_is_recorded_with_its_due_date_and_reminded(
    wales: Flask, mail_on_19_december: None, app: Flask, staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = new_complaint(email="pat@example.com", when=received_at(FRI_19_DEC_2025)).reference
    deliver()
    move(staff, reference, "accept", date(2025, 12, 22))
    links = [e.text for e in case_page(staff, reference).find_all("a")]
    assert "Record the discussion with the complainant" in links

    page = move(staff, reference, "hold_discussion", date(2026, 1, 5))
    # 5 working days after the discussion on Mon 5 Jan 2026.
    assert summary(page)["Next due"] == "Written resolution by Monday 12 January 2026"
    assert summary(page)["Discussion held"] == "Monday 5 January 2026"
    assert "Written resolution by 12 January 2026" in queue_row(staff, reference)
    assert audit_trail(page)[1].startswith("manager person: hold discussion; Discussion on: ")
    done = db.session.scalar(
        sa.select(ClockEvent).where(
            ClockEvent.submission_id == case_named(reference).id, ClockEvent.kind == "done"
        )
    )
    assert done is not None
    assert (done.reason, done.on_time, done.due_before, done.due_after) == (
        "Discussion held",
        True,
        date(2026, 1, 7),
        date(2026, 1, 12),
    )

    # The reminders use what is due: 3 working days ahead of Mon 12 Jan.
    reminders.run(date(2026, 1, 7))
    notice = db.session.scalar(sa.select(DeadlineNotice))
    assert notice is not None
    assert (notice.what, notice.due_on) == ("Written resolution", date(2026, 1, 12))

    links = [e.text for e in case_page(staff, reference).find_all("a")]
    assert "Record the written resolution (the stage 1 response)" in links
    page = move(staff, reference, "respond_stage1", date(2026, 1, 9), outcome="upheld")
    assert summary(page)["Written resolution (stage 1 response)"] == "Friday 9 January 2026"
    assert summary(page)["Next due"] == "Nothing due"


def test_in_wales_the_tracking_page_follows_the_discussion_then_the_written_resolution(
    wales: Flask, mail_on_19_december: None, client: FlaskClient, staff: FlaskClient,
    smtp: SmtpServer,
) -> None:  # fmt: skip
    reference = new_complaint(email="pat@example.com", when=received_at(FRI_19_DEC_2025)).reference
    deliver()
    told = smtp.inbox.to("pat@example.com")[0].text
    path = next(w for w in told.split() if "/track/" in w).split("127.0.0.1:5000", 1)[-1]
    assert "We will offer to talk with you by Wednesday 7 January 2026" in squash(
        read(client.get(path)).text
    )
    move(staff, reference, "accept", date(2025, 12, 22))
    move(staff, reference, "hold_discussion", date(2026, 1, 5))
    assert "We will write to you with what we agreed by Monday 12 January 2026" in squash(
        read(client.get(path)).text
    )


# An acknowledgement queued on receipt that goes on a later London day than it was queued:
# sent a minute after midnight (in summer that is still the same UTC day), on the night the
# clocks went forward, or days later after the worker was down. What it told the person, and
# what the confirmation page told them, counts from the day it was queued; staff and the
# tracking page must say the same date.
SENT_ON_A_LATER_DAY = {
    "a minute after midnight in summer": (
        datetime(2026, 6, 10, 23, 59, tzinfo=LONDON),
        datetime(2026, 6, 11, 0, 0, 30, tzinfo=LONDON),
    ),
    "sunday night after the clocks went forward": (
        datetime(2026, 3, 29, 23, 30, tzinfo=LONDON),
        datetime(2026, 3, 30, 0, 15, tzinfo=LONDON),
    ),
    "sunday night after the clocks went back": (
        datetime(2026, 10, 25, 23, 30, tzinfo=LONDON),
        datetime(2026, 10, 26, 0, 15, tzinfo=LONDON),
    ),
    "31 march, the last day of the financial year": (
        datetime(2026, 3, 31, 23, 45, tzinfo=LONDON),
        datetime(2026, 4, 1, 0, 5, tzinfo=LONDON),
    ),
    "four days later, the worker having been down": (
        datetime(2026, 10, 16, 12, 0, tzinfo=LONDON),
        datetime(2026, 10, 20, 9, 0, tzinfo=LONDON),
    ),
}
# Counted from the acknowledgement (Wales: the discussion; the corporate code: stage 1).
FIRST_RESPONSE_WORDS = {
    "wales": ("on a day no later than", "We will offer to talk with you by", "Discussion held"),
    "corporate": ("We will reply by", "We will reply by", "Stage 1 response"),
}


@pytest.mark.parametrize("procedure", FIRST_RESPONSE_WORDS)
@pytest.mark.parametrize(
    ("received", "sent"), SENT_ON_A_LATER_DAY.values(), ids=SENT_ON_A_LATER_DAY
)
def test_an_acknowledgement_sent_on_a_later_day_keeps_the_date_it_gave_the_person(
    app: Flask, client: FlaskClient, staff: FlaskClient, smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch, procedure: str, received: datetime, sent: datetime,
) -> None:  # fmt: skip
    if procedure == "wales":
        app.config.update(JURISDICTION="wales", ACKNOWLEDGEMENT_TARGET_WORKING_DAYS=2)
        text = "Nobody came to the review meeting."
    else:
        from portal.services import routing_rules

        routing_rules.load_demo_rules()
        text = "The child protection conference got the facts wrong."
    # The outbox's clock: what is queued is due, and goes, at `sent`.
    monkeypatch.setattr(outbox, "utcnow", lambda: sent.astimezone(UTC))
    reference = new_complaint(email="pat@example.com", when=received, text=text).reference
    assert case_named(reference).case.procedure == (
        "wales_children_2014" if procedure == "wales" else "corporate"
    )
    queued_on = received.date()
    expected = in_words(add_working_days(queued_on, 10))
    told_on_the_day = case_named(reference).case.stage1_due  # the confirmation page's date
    assert told_on_the_day is not None and in_words(told_on_the_day) == expected

    deliver()
    email_words, tracking_words, staff_words = FIRST_RESPONSE_WORDS[procedure]
    told = the_acknowledgement(smtp, "pat@example.com")
    assert f"{email_words} {expected}" in told
    path = next(w for w in smtp.inbox.to("pat@example.com")[0].text.split() if "/track/" in w)
    tracking = squash(read(client.get(path.split("127.0.0.1:5000", 1)[-1])).text)
    # Truthful about when it went, and the same date as the email.
    assert f"We told you we got it {in_words(sent.date())}" in tracking
    assert f"{tracking_words} {expected}" in tracking
    assert summary(case_page(staff, reference))["Next due"] == f"{staff_words} by {expected}"
    assert f"{staff_words} by {short(add_working_days(queued_on, 10))}" in queue_row(
        staff, reference
    )


# --- the Welsh procedure's words everywhere ------------------------------------------------------


def test_in_wales_the_start_page_says_the_welsh_procedure_in_english_and_welsh(
    wales: Flask, client: FlaskClient
) -> None:
    page = read(client.get("/")).text
    assert "We will tell you we got it within 2 working days." in page
    assert (
        "We will offer to talk with you about it within 10 working days of that. After we "
        "talk, we will write to you within 5 working days to say what we agreed." in page
    )
    assert "They will reply within 25 working days." in page
    assert "We will reply within 10 working days" not in page
    assert "up to 20 working days" not in page
    welsh = read(client.get("/?lang=cy")).text
    assert "Byddwn yn cynnig siarad â chi am y gŵyn o fewn 10 diwrnod gwaith" in welsh


def test_in_england_the_start_page_keeps_englands_rule(client: FlaskClient) -> None:
    page = read(client.get("/")).text
    assert "We will reply within 10 working days." in page
    assert "offer to talk" not in page


def test_in_wales_the_confirmation_page_says_the_discussion_date(
    wales: Flask, client: FlaskClient
) -> None:
    _, confirmation = Journey(client, "complaint").complete("parent")
    stored = only_submission()
    # Acknowledged by email on receipt: 10 working days from today.
    talk_by = add_working_days(stored.received_on, 10)
    assert (
        f"We will then offer to talk with you about it. We will talk by {in_words(talk_by)} "
        "at the latest. After we talk, we will write to you within 5 working days"
        in confirmation.text
    )
    assert "reply within 10 working days" not in confirmation.text
    assert stored.case.stage1_due == talk_by


def test_in_wales_the_printed_letter_offers_the_discussion_instead_of_a_response_date(
    wales: Flask, staff: FlaskClient
) -> None:
    reference = new_complaint(email=None, when=received_at(FRI_19_DEC_2025)).reference
    letter = look(staff, f"/staff/cases/{reference}/acknowledgement-letter").text
    assert "We will respond by" not in letter
    # The letter is the acknowledgement: counted from the day it is printed.
    talk_by = add_working_days(london_today(), 10)
    assert (
        f"We will offer to talk with you about your complaint, on a day no later than "
        f"{in_words(talk_by)}. Within 5 working days of talking with you, we will write to "
        "you with what we agreed." in squash(letter)
    )


def test_in_wales_a_letter_printed_while_the_email_waits_gives_the_date_staff_then_see(
    wales: Flask, staff: FlaskClient
) -> None:
    # The email queued on receipt has not gone (the worker is down); staff print the
    # acknowledgement letter and post it today. The letter is the acknowledgement.
    reference = new_complaint(
        email="pat@example.com",
        address="1 High Street, Northmoor",
        when=received_at(FRI_19_DEC_2025),
    ).reference
    letter = squash(look(staff, f"/staff/cases/{reference}/acknowledgement-letter").text)
    talk_by = in_words(add_working_days(london_today(), 10))
    assert f"on a day no later than {talk_by}." in letter
    save(
        staff,
        f"/staff/cases/{reference}/acknowledge",
        {"how": "letter", "on": date_parts(london_today())},
    )
    assert summary(case_page(staff, reference))["Next due"] == f"Discussion held by {talk_by}"


def test_in_wales_a_child_writing_in_welsh_is_told_the_welsh_procedure_in_welsh(
    wales: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    wales.config["WELSH_ENABLED"] = True
    client.get("/?lang=cy")
    _, confirmation = Journey(client, "complaint").complete("child")
    stored = only_submission()
    assert stored.language == "cy"
    talk_by = add_working_days(stored.received_on, 10)
    assert "Yna byddwn yn cynnig siarad â chi am y gŵyn. Byddwn yn siarad erbyn" in (
        confirmation.text
    )
    deliver()
    told = the_acknowledgement(smtp, "alex@example.com")
    assert "Byddwn yn cynnig siarad â chi, ar ddiwrnod heb fod yn hwyrach na" in told
    assert str(talk_by.day) in told
    assert "O fewn 5 diwrnod gwaith ar ôl siarad â chi" in told


# --- the corporate procedure ---------------------------------------------------------------


def test_corporate_stage_2_is_due_20_working_days_after_its_request_is_acknowledged(
    staff: FlaskClient,
) -> None:
    from portal.services import routing_rules

    routing_rules.load_demo_rules()
    reference = new_complaint(
        text="The child protection conference got the facts wrong.",
        when=received_at(FRI_19_DEC_2025),
        email=None,
    ).reference
    assert case_named(reference).case.procedure == "corporate"
    save(
        staff, f"/staff/cases/{reference}/acknowledge", {"how": "phone", "on": ["22", "12", "2025"]}
    )
    # 10 working days from the acknowledgement made Mon 22 Dec: Thu 8 Jan 2026.
    assert summary(case_page(staff, reference))["Next due"] == (
        "Stage 1 response by Thursday 8 January 2026"
    )
    move(staff, reference, "accept", date(2025, 12, 22))
    move(staff, reference, "respond_stage1", date(2026, 1, 6), outcome="not_upheld")
    page = move(staff, reference, "request_stage2", date(2026, 1, 12))
    # Mon 12 Jan: the request acknowledged within 5 working days (Mon 19 Jan); stage 2 runs
    # 20 from that acknowledgement.
    assert summary(page)["Next due"] == "Acknowledge the stage 2 request by Monday 19 January 2026"
    assert summary(page)["Also due"] == "Stage 2 response by Monday 16 February 2026"
    page = move(staff, reference, "acknowledge_stage2", date(2026, 1, 13))
    # 20 working days from Tue 13 Jan 2026: Tue 10 Feb.
    assert summary(page)["Next due"] == "Stage 2 response by Tuesday 10 February 2026"
    assert summary(page)["Stage 2 request acknowledged"] == "Tuesday 13 January 2026"


def test_kinds_without_a_statutory_clock_keep_their_own_next_step(staff: FlaskClient) -> None:
    compliment = new_complaint(kind=Kind.COMPLIMENT, when=received_at(FRI_19_DEC_2025)).reference
    assert summary(case_page(staff, compliment))["Next due"] == "Thank the team"


def test_in_wales_a_restarted_clock_tells_the_person_the_discussion_date_in_its_words(
    wales: Flask, mail_on_19_december: None, staff: FlaskClient, smtp: SmtpServer
) -> None:
    reference = new_complaint(email="pat@example.com", when=received_at(FRI_19_DEC_2025)).reference
    deliver()
    move(staff, reference, "accept", date(2025, 12, 22))
    save(
        staff,
        f"/staff/cases/{reference}/clock/pause",
        {"on": ["29", "12", "2025"], "reason": "advocate"},
    )
    save(staff, f"/staff/cases/{reference}/clock/restart", {"on": ["5", "1", "2026"]})
    deliver()
    restarted = readable(smtp.inbox.to("pat@example.com")[-1])
    # From Fri 19 Dec: 22, 23, 24 Dec counted; 29 Dec to 2 Jan paused; 5 to 9 and 12 Jan.
    assert (
        "We will offer to talk with you about it, on a day no later than Tuesday 13 January 2026"
        in restarted
    )
    assert "We will now respond by" not in restarted
