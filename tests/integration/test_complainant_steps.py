"""The person's side of the case, from the tracking page (issue 17): reply, add
information and files, ask for more time, withdraw, ask for stage 2; each a dated record
staff see on the case, a task, an audit entry and an email to staff without the words;
what they write read for danger; and a copy of what they sent, as a page and a PDF."""

import io
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    case_page,
    look,
    make_staff,
    new_complaint,
    queue_row,
    read,
    received_at,
    save,
    sign_in,
    sign_in_as_manager,
    table_after,
)
from conftest import sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Journey, Page, answers_for, in_words, only_submission, squash
from PIL import Image
from smtp_server import SmtpServer
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.domain.clock import LONDON, add_working_days, london_date
from portal.domain.complainant_steps import Actor, Decision, MoreTimeFor
from portal.domain.stages import Move
from portal.domain.types import SubmitterRole
from portal.extensions import db
from portal.models import Attachment, AuditEvent, ComplainantStep, Staff, Submission, Task
from portal.services import (
    cases,
    clock,
    complainant_steps,
    correspondence,
    ombudsman,
    outbox,
    safeguarding,
    subject_access,
    tracking,
)
from portal.services.common import hash_token

TOKEN = "a-secret-token-for-the-tests"
TEAM_INBOX = "looked.after@northmoor.example"
DANGER = "My stepdad hits me when mum is at work."


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


def a_case(
    role: SubmitterRole = SubmitterRole.PARENT,
    on: date | None = None,
    text: str = "Nobody came to the review meeting.",
) -> str:
    case = new_complaint(role=role, when=received_at(on) if on else None, text=text)
    case.tracking_token_hash = hash_token(TOKEN)
    db.session.commit()
    reference = case.reference
    db.session.remove()
    return reference


def track(reference: str) -> str:
    return f"/track/{reference}/{TOKEN}"


def the_case(reference: str) -> Submission:
    db.session.expire_all()
    found = db.session.scalar(sa.select(Submission).where(Submission.reference == reference))
    assert found is not None
    return found


def a_manager() -> Staff:
    """The manager who decides (one account, however many cases they answer)."""
    email = "decider@northmoor.example"
    staff = db.session.scalar(sa.select(Staff).where(Staff.email == email))
    if staff is not None:
        return staff
    make_staff(Role.MANAGER, email=email)
    staff = db.session.scalar(sa.select(Staff).where(Staff.email == email))
    assert staff is not None
    return staff


def staff_move(staff: Staff, reference: str, move: Move, on: date) -> None:
    case = the_case(reference)
    cases.apply(staff, case, cases.MoveInput(move, on, {}), version=case.case.version)


def responded(reference: str, on: date) -> Staff:
    """Acknowledged, accepted and answered at stage 1 on `on`."""
    staff = a_manager()
    case = the_case(reference)
    cases.record_acknowledgement(
        staff, case, how="phone", on=on, version=case.case.version, today=on
    )
    staff_move(staff, reference, Move.ACCEPT, on)
    staff_move(staff, reference, Move.RESPOND_STAGE1, on)
    return staff


def granted(staff: Staff, reference: str, step: ComplainantStep, *, to: date, on: date) -> None:
    """Staff grant the more time `step` asked for, to `to`, deciding on `on`."""
    case = the_case(reference)
    complainant_steps.decide(
        staff,
        case,
        step,
        decision=Decision.GRANTED,
        granted_to=to,
        note="",
        version=case.case.version,
        today=on,
    )


def send(client: FlaskClient, url: str, data: dict, **kwargs: object) -> TestResponse:
    """Open the form, then send it with its hidden fields and `data`."""
    page = look(client, url)
    hidden = {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in page.find_all("input")
        if e.attrs.get("type") == "hidden" and e.attrs.get("name")
    }
    return client.post(url, data={**hidden, **data}, **kwargs)


def staff_emails(smtp: SmtpServer, address: str) -> list:
    outbox.work_once()
    return [m for m in smtp.inbox.to(address) if "tracking page" in m.text]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "PNG")
    return out.getvalue()


# --- reply ----------------------------------------------------------------------------------


def test_a_reply_is_kept_for_staff_who_are_told_without_the_words(
    app: Flask, smtp: SmtpServer
) -> None:
    reference = a_case()
    client = browser(app)
    page = look(client, track(reference))
    assert "Reply to us" in page.text and "Ask for stage 2" not in page.text

    words = "<script>alert(1)</script> The meeting was moved again without telling me."
    response = send(client, page.link_to("Reply to us"), {"text": words})
    assert response.status_code == 302
    sent = look(client, response.location)
    today = london_date(datetime.now(UTC))
    look_by = add_working_days(today, 3)
    assert sent.title.startswith("We have your message")
    assert f"read it by {in_words(look_by)}" in squash(sent.text)
    assert client.get(response.location).headers["Cache-Control"] == "no-store"

    case = the_case(reference)
    (step,) = db.session.scalars(sa.select(ComplainantStep)).all()
    assert (step.kind, step.by, step.sent_on, step.text) == ("reply", "complainant", today, words)
    task = db.session.scalar(sa.select(Task).where(Task.kind == "from_complainant"))
    assert task is not None and task.due_on == look_by
    audit = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "from_complainant_reply")
    )
    assert audit is not None and audit.staff_id is None and words not in str(audit.detail)

    told = staff_emails(smtp, TEAM_INBOX)
    assert len(told) == 1
    assert reference in told[0].text and f"/staff/cases/{reference}" in told[0].text
    assert "meeting" not in told[0].text and "meeting" not in told[0].html

    staff = browser(app)
    sign_in_as_manager(staff)
    shown = case_page(staff, reference)
    assert "From them, through the tracking page" in shown.text
    assert words in shown.text  # shown as words, not run
    assert "<script>alert(1)</script>" not in shown.html
    assert case.case.stage == "triage"


def test_a_reply_answers_the_latest_message_from_us(app: Flask) -> None:
    reference = a_case()
    staff = browser(app)
    sign_in_as_manager(staff)
    save(
        staff,
        f"/staff/cases/{reference}/message",
        {"subject": "Your meeting", "body": "When can we meet?", "to": ["complainant"]},
    )
    client = browser(app)
    page = look(client, f"{track(reference)}/reply")
    assert "You are replying to our message of" in page.text
    send(client, f"{track(reference)}/reply", {"text": "Tuesday works."})
    step = db.session.scalar(sa.select(ComplainantStep))
    assert step is not None and step.in_reply_to is not None
    assert step.in_reply_to.subject == "Your meeting"
    assert "In reply to: Your meeting" in squash(case_page(staff, reference).text)


def test_an_empty_reply_is_refused_in_the_summary_and_beside_the_box(app: Flask) -> None:
    reference = a_case()
    client = browser(app)
    response = send(client, f"{track(reference)}/reply", {"text": "  "})
    page = read(response)
    assert response.status_code == 200
    assert page.title.startswith("Error:")
    assert page.error_summary == [("#text", "Enter your message")]
    assert page.inline_errors["text"] == "Enter your message"
    assert db.session.scalar(sa.select(sa.func.count(ComplainantStep.id))) == 0


@pytest.mark.parametrize(
    "path", ["", "/reply", "/add-information", "/more-time", "/withdraw", "/what-you-sent"]
)
def test_a_wrong_token_finds_nothing(app: Flask, path: str) -> None:
    reference = a_case()
    client = browser(app)
    assert client.get(f"/track/{reference}/not-the-token{path}").status_code == 404
    assert client.get(f"/track/CSC-2099-9999/{TOKEN}{path}").status_code == 404
    assert client.get(f"{track(reference)}{path}").status_code == 200


def test_stage_2_cannot_be_asked_for_before_the_stage_1_response(app: Flask) -> None:
    reference = a_case()
    client = browser(app)
    assert client.get(f"{track(reference)}/ask-for-stage-2").status_code == 404


# --- information and files --------------------------------------------------------------------


def test_information_with_a_file_is_checked_and_kept_with_it(app: Flask, uploads: Path) -> None:
    reference = a_case()
    client = browser(app)
    url = f"{track(reference)}/add-information"
    refused = read(
        send(
            client,
            url,
            {"text": "", "files": [(io.BytesIO(b"MZ not a pdf"), "letter.pdf")]},
            content_type="multipart/form-data",
        )
    )
    assert refused.title.startswith("Error:")
    assert refused.error_summary[0][0] == "#files"
    assert (
        "letter.pdf: The selected file must be a PDF, JPG, PNG or Word document"
        in (refused.error_summary[0][1])
    )
    assert not uploads.exists() or list(uploads.iterdir()) == []

    response = send(
        client,
        url,
        {"text": "Here is the photo.", "files": [(io.BytesIO(png()), "photo.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "photo.png" in look(client, response.location).text
    (kept,) = db.session.scalars(sa.select(Attachment)).all()
    step = db.session.scalar(sa.select(ComplainantStep))
    assert step is not None and kept.step_id == step.id
    assert kept.submission_id == the_case(reference).id
    assert kept.scan_status == "unscanned"  # no scanner configured in tests
    staff = browser(app)
    sign_in_as_manager(staff)
    page = case_page(staff, reference)
    assert "photo.png" in page.text and "Not scanned for viruses" in page.text


def test_information_needs_words_or_a_file(app: Flask) -> None:
    reference = a_case()
    page = read(send(browser(app), f"{track(reference)}/add-information", {"text": ""}))
    assert page.error_summary == [("#text", "Enter what you want to tell us, or choose a file")]


# --- danger -------------------------------------------------------------------------------------


def test_danger_in_a_reply_alerts_the_safeguarding_team_and_tops_the_queue(
    app: Flask, smtp: SmtpServer
) -> None:
    reference = a_case(role=SubmitterRole.CHILD)
    case = the_case(reference)
    assert not case.urgent
    client = browser(app)
    response = send(client, f"{track(reference)}/reply", {"text": f"Please help. {DANGER}"})
    sent = look(client, response.location)
    assert "If someone is in danger right now, call 999." in sent.text

    case = the_case(reference)
    assert case.urgent and case.case.safeguarding_actioned_at is None
    assert case.case.danger_reported_at is not None
    assert any(
        s["sentence"] == DANGER and s["source"] == "tracking-page" for s in case.danger_signs
    )
    outbox.work_once()
    alerts = smtp.inbox.to("first.response@northmoor.example")
    assert any("URGENT" in m.subject and reference in m.subject for m in alerts)
    staff = browser(app)
    sign_in_as_manager(staff)
    assert "Possible danger: not yet looked at" in case_page(staff, reference).text


# --- more time, withdraw ------------------------------------------------------------------------


def test_more_time_is_a_task_for_staff_who_decide(app: Flask) -> None:
    reference = a_case()
    client = browser(app)
    page = look(client, f"{track(reference)}/more-time")
    assert "To decide whether to ask for stage 2" not in page.text  # no response yet
    response = send(
        client,
        f"{track(reference)}/more-time",
        {"what_for": "send_something", "text": "Two weeks to find the letters."},
    )
    sent = look(client, response.location)
    assert "We will decide by" in sent.text
    step = db.session.scalar(sa.select(ComplainantStep))
    assert step is not None and step.more_time_for == "send_something"

    staff = browser(app)
    sign_in_as_manager(staff)
    url = f"/staff/cases/{reference}/from-them/{step.id}"
    refused = read(send(staff, url, {"decision": "refused", "note": ""}))
    assert ("#note", "Enter why") in refused.error_summary


def test_reading_what_they_sent_on_its_own_page_is_a_view_of_the_case_in_its_trail(
    app: Flask,
) -> None:
    reference = a_case()
    words = "The meeting was moved again without telling me."
    step = complainant_steps.reply(the_case(reference), words).step
    member = browser(app)
    sign_in(member, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    # From the link in the task, not from the case page.
    assert words in look(member, f"/staff/cases/{reference}/from-them/{step.id}").text
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    page = look(auditor, f"/staff/cases/{reference}/who-looked")
    assert [row[1:] for row in table_after(page, "Who has looked for this case?")] == [
        ["team_member person", "Opened the case"]
    ]


def test_a_withdrawal_is_confirmed_then_staff_record_it_dated_the_day_asked(app: Flask) -> None:
    reference = a_case()
    client = browser(app)
    url = f"{track(reference)}/withdraw"
    check = read(send(client, url, {"reason": "It is sorted now."}))
    assert check.title.startswith("Are you sure you want to stop your complaint?")
    assert db.session.scalar(sa.select(sa.func.count(ComplainantStep.id))) == 0
    response = client.post(
        url, data={"csrf_token": check.csrf_token, "reason": "It is sorted now.", "confirm": "yes"}
    )
    sent = look(client, response.location)
    assert "Until then, nothing changes" in sent.text
    assert the_case(reference).case.stage == "triage"  # not closed by itself
    assert "Stop your complaint" not in look(client, track(reference)).text

    step = db.session.scalar(sa.select(ComplainantStep))
    assert step is not None
    staff = browser(app)
    sign_in_as_manager(staff)
    save(staff, f"/staff/cases/{reference}/from-them/{step.id}", {"decision": "granted"})
    case = the_case(reference)
    assert case.case.stage == "closed"
    assert case.case.withdrawn_on == step.sent_on
    assert look(client, track(reference)).text.count("Reply to us") == 0


def test_a_case_stopped_before_we_said_we_got_it_promises_no_date_for_that(
    app: Flask,
) -> None:
    """A complaint by phone is acknowledged by staff; stopped first and recorded as
    withdrawn, it is finished, and nobody will tell them we got it. Before, its page
    still said "We will tell you we got it by" a date, which then passed."""
    case = new_complaint(email=None)  # a phone number only: staff acknowledge it
    case.tracking_token_hash = hash_token(TOKEN)
    db.session.commit()
    reference = case.reference
    db.session.remove()
    client = browser(app)
    assert "We will tell you we got it by" in look(client, track(reference)).text
    url = f"{track(reference)}/withdraw"
    check = read(send(client, url, {"reason": "It is sorted now."}))
    client.post(
        url, data={"csrf_token": check.csrf_token, "reason": "It is sorted now.", "confirm": "yes"}
    )
    step = db.session.scalar(sa.select(ComplainantStep))
    assert step is not None
    staff = browser(app)
    sign_in_as_manager(staff)
    save(staff, f"/staff/cases/{reference}/from-them/{step.id}", {"decision": "granted"})

    page = look(client, track(reference)).text

    assert "Finished" in page
    assert "We will tell you we got it" not in page


# --- stage 2 --------------------------------------------------------------------------------------


def test_stage_2_in_time_is_recorded_and_starts_its_clock(app: Flask, smtp: SmtpServer) -> None:
    today = london_date(datetime.now(UTC))
    reference = a_case(on=today - (today - date(today.year, today.month, 1)))
    responded(reference, today)
    client = browser(app)
    page = look(client, track(reference))
    window = add_working_days(today, 20)
    assert f"ask by {in_words(window)}" in squash(page.text)
    url = page.link_to("Ask for stage 2")

    empty = read(send(client, url, {"reasons": ""}))
    assert empty.error_summary == [("#reasons", "Enter why you are not happy with our reply")]

    response = send(client, url, {"reasons": "The reply did not answer my main point."})
    sent = look(client, response.location)
    case = the_case(reference)
    assert case.case.stage == "stage2"
    assert case.stage_row("stage2").requested_on == today
    assert not case.stage_row("stage2").request_late
    due = add_working_days(today, 25)
    assert case.case.next_due_on == due
    assert f"by {in_words(due)}" in squash(sent.text)
    step = db.session.scalar(sa.select(ComplainantStep))
    assert step is not None and step.recorded and not step.late
    trail = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "move:request_stage2")
    )
    assert trail is not None and trail.staff_id is None and trail.detail["by"] == "complainant"
    assert "Ask for stage 2" not in look(client, track(reference)).text


@pytest.mark.parametrize("window", [20, 28])
def test_a_late_stage_2_request_is_accepted_flagged_and_staff_decide(
    app: Flask, window: int
) -> None:
    """The person and staff are told the council's window (NEXT_STAGE_WINDOW_WORKING_DAYS),
    not 20 days whatever it is."""
    app.config["NEXT_STAGE_WINDOW_WORKING_DAYS"] = window
    today = london_date(datetime.now(UTC))
    long_ago = today.replace(year=today.year - 1)
    reference = a_case(on=long_ago)
    responded(reference, long_ago)
    client = browser(app)
    page = look(client, f"{track(reference)}/ask-for-stage-2")
    assert "The usual time to ask ended on" in page.text
    response = send(client, f"{track(reference)}/ask-for-stage-2", {"reasons": "I was ill."})
    sent = look(client, response.location)
    assert f"You asked after the usual {window} working days" in sent.text
    case = the_case(reference)
    assert case.case.stage == "stage1"  # waiting for staff
    step = db.session.scalar(sa.select(ComplainantStep))
    assert step is not None and step.late and not step.recorded

    staff = browser(app)
    sign_in_as_manager(staff)
    shown = case_page(staff, reference)
    assert f"Asked for after the usual {window} working days" in shown.text
    save(staff, f"/staff/cases/{reference}/from-them/{step.id}", {"decision": "granted"})
    case = the_case(reference)
    assert case.case.stage == "stage2"
    assert case.stage_row("stage2").requested_on == step.sent_on
    assert case.stage_row("stage2").request_late


def test_time_granted_to_decide_makes_a_later_request_in_time_across_christmas(
    app: Flask,
) -> None:
    """Stage 1 answered on Wed 25 Nov 2026: 20 working days end on Wed 23 Dec 2026. More
    time asked for on 1 Dec, granted to 8 Jan 2027; the request on Thu 7 Jan 2027 is in
    time, and stage 2's 25 working days run past the Christmas and New Year bank
    holidays. A reply on Wed 23 Dec 2026 is to be read within 3 working days: Wed 30 Dec."""
    answered = date(2026, 11, 25)
    reference = a_case(on=date(2026, 11, 2))
    staff = responded(reference, answered)
    case = the_case(reference)
    assert complainant_steps.window_end(case) == date(2026, 12, 23)

    def at(day: date) -> datetime:
        return datetime.combine(day, time(12, 0), LONDON)

    reply = complainant_steps.reply(case, "Thanks.", now=at(date(2026, 12, 23)))
    assert reply.look_by == date(2026, 12, 30)

    asked = complainant_steps.ask_for_more_time(
        the_case(reference), MoreTimeFor.STAGE2_DECISION, "My exams.", now=at(date(2026, 12, 1))
    )
    assert asked.look_by == date(2026, 12, 3)
    granted(staff, reference, asked.step, to=date(2027, 1, 8), on=date(2026, 12, 2))
    case = the_case(reference)
    assert complainant_steps.window_end(case) == date(2027, 1, 8)

    sent = complainant_steps.ask_for_next_stage(case, "Not answered.", now=at(date(2027, 1, 7)))
    case = the_case(reference)
    assert sent.step.recorded and not sent.step.late
    assert not case.stage_row("stage2").request_late
    assert case.stage_row("stage2").requested_on == date(2027, 1, 7)
    # 25 working days from Thu 7 Jan 2027: Thu 11 Feb 2027.
    assert case.case.next_due_on == date(2027, 2, 11) == add_working_days(date(2027, 1, 7), 25)


def test_the_page_to_ask_for_stage_2_says_the_councils_window_and_time_granted_truly(
    app: Flask,
) -> None:
    """ "Ask by ... That is 20 working days after our reply" was written into the page:
    untrue for a council whose window is another length (NEXT_STAGE_WINDOW_WORKING_DAYS),
    and for someone given more time, whose date is later than that."""
    app.config["NEXT_STAGE_WINDOW_WORKING_DAYS"] = 28
    today = london_date(datetime.now(UTC))
    reference = a_case(on=today)
    staff = responded(reference, today)
    client = browser(app)
    url = f"{track(reference)}/ask-for-stage-2"

    usual = add_working_days(today, 28)
    shown = squash(read(client.get(url)).text)
    assert f"Ask by {in_words(usual)}. That is 28 working days after our reply." in shown

    asked = complainant_steps.ask_for_more_time(
        the_case(reference), MoreTimeFor.STAGE2_DECISION, "My exams.", now=datetime.now(UTC)
    )
    later = usual + timedelta(days=14)
    granted(staff, reference, asked.step, to=later, on=today)
    shown = squash(read(client.get(url)).text)
    assert f"Ask by {in_words(later)}." in shown
    assert "working days after our reply" not in shown


def test_the_team_told_of_a_late_request_is_told_the_councils_window_or_the_time_granted(
    app: Flask, smtp: SmtpServer
) -> None:
    """The email to staff said "a request for stage 2 after the usual 20 working days"
    whatever the council's window (NEXT_STAGE_WINDOW_WORKING_DAYS), and after staff had
    granted more time to a later date."""
    app.config["NEXT_STAGE_WINDOW_WORKING_DAYS"] = 28
    today = london_date(datetime.now(UTC))
    long_ago = today.replace(year=today.year - 1)

    def told(reference: str) -> list[str]:
        (email,) = [
            m
            for m in staff_emails(smtp, TEAM_INBOX)
            if m.subject.startswith(f"{reference}: a request for stage 2")
        ]
        return [squash(email.text), squash(Page(email.html).find_all("body")[0].text)]

    reference = a_case(on=long_ago)
    responded(reference, long_ago)
    complainant_steps.ask_for_next_stage(the_case(reference), "I was ill.")
    for shown in told(reference):
        assert (
            "It is a request for stage 2 after the usual 28 working days: "
            "decide whether to accept it." in shown
        )
        assert "20 working days" not in shown

    reference = a_case(on=long_ago)
    staff = responded(reference, long_ago)
    asked = complainant_steps.ask_for_more_time(
        the_case(reference), MoreTimeFor.STAGE2_DECISION, "My exams.", now=received_at(long_ago)
    )
    later = add_working_days(long_ago, 40)
    granted(staff, reference, asked.step, to=later, on=long_ago)
    complainant_steps.ask_for_next_stage(the_case(reference), "I was ill.")
    for shown in told(reference):
        assert (
            f"It is a request for stage 2 after the time granted to ask, to {in_words(later)}: "
            "decide whether to accept it." in shown
        )
        assert "working days" not in shown


def test_the_tracking_page_offers_what_each_reading_of_the_case_says(app: Flask) -> None:
    """The tracking page reads the case's facts once, taking the steps asked and the time
    granted from the steps it lists (`offer`): the same as reading each on its own, as a
    case is given more time, waits for a late stage 2 request and is asked to be
    withdrawn."""

    def separately(case: Submission) -> complainant_steps.Offer:
        return complainant_steps.Offer(
            complainant_steps.available(case),
            complainant_steps.window_end(case),
            complainant_steps.stage3_window_end(case),
        )

    def together(case: Submission) -> complainant_steps.Offer:
        found = tracking.tracking_page(case.reference, TOKEN)  # as the page reads it
        assert found is not None and found.submission is case
        return found.offer(found.steps())

    answered = date(2026, 11, 25)
    reference = a_case(on=date(2026, 11, 2))
    staff = responded(reference, answered)
    seen = []
    case = the_case(reference)
    seen.append(together(case))
    assert together(case) == separately(case)

    asked = complainant_steps.ask_for_more_time(
        case, MoreTimeFor.STAGE2_DECISION, "My exams.", now=datetime(2026, 12, 1, 12, tzinfo=UTC)
    )
    granted(staff, reference, asked.step, to=date(2027, 1, 8), on=date(2026, 12, 2))
    case = the_case(reference)
    seen.append(together(case))
    assert together(case) == separately(case)
    assert seen[-1].window_end == date(2027, 1, 8)

    late = datetime(2027, 2, 1, 12, tzinfo=UTC)  # after the time granted: kept, waiting
    assert not complainant_steps.ask_for_next_stage(case, "Not answered.", now=late).step.recorded
    case = the_case(reference)
    seen.append(together(case))
    assert together(case) == separately(case)

    complainant_steps.withdraw(case, "It is sorted.", now=late + timedelta(days=1))
    case = the_case(reference)
    seen.append(together(case))
    assert together(case) == separately(case)
    assert len({str(offer) for offer in seen}) > 2  # what is offered changed on the way

    # Asked for in time: recorded at once as the case's request, not waiting.
    other = a_case(on=date(2026, 11, 2))
    case = the_case(other)
    staff = db.session.merge(staff)
    version = case.case.version
    cases.record_acknowledgement(
        staff, case, how="phone", on=answered, version=version, today=answered
    )
    staff_move(staff, other, Move.ACCEPT, answered)
    staff_move(staff, other, Move.RESPOND_STAGE1, answered)
    in_time = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert complainant_steps.ask_for_next_stage(the_case(other), "No.", now=in_time).step.recorded
    assert together(the_case(other)) == separately(the_case(other))


def statements_of(client: FlaskClient, url: str) -> tuple[TestResponse, list[str]]:
    """The page, and every statement it sent to the database."""
    sent: list[str] = []

    def count(*arguments: object) -> None:
        sent.append(str(arguments[2]))

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return response, sent


def on_their_own(sent: list[str]) -> list[str]:
    return [statement for statement in sent if statement.startswith("SELECT stage_responses")]


def test_the_confirmation_and_tracking_pages_read_the_stage_rows_with_the_case(
    app: Flask,
) -> None:
    """A page about one case reads its stage rows in the statement that reads the case
    (issue 19: each statement is a round trip), and what they show comes from those
    rows."""
    today = london_date(datetime.now(UTC))
    reference = a_case(on=today - (today - date(today.year, today.month, 1)))
    responded(reference, today)
    client = browser(app)
    response, sent = statements_of(client, track(reference))
    assert response.status_code == 200
    # The stage 1 response's date gives the window for stage 2.
    window = add_working_days(today, 20)
    shown = squash(read(response).text)
    assert f"ask by {in_words(window)}" in shown
    assert on_their_own(sent) == [] and "JOIN stage_responses" in sent[0]
    # Each message from us says how it went, from its outbox row read with it.
    assert "We are emailing this now." in shown
    assert not any(statement.startswith("SELECT outbox_messages") for statement in sent)
    # Whether the feedback questionnaire is offered: its invitation read with the case.
    assert "JOIN feedback_invitations" in sent[0]
    assert not any(statement.startswith("SELECT feedback_invitations") for statement in sent)

    person = browser(app)
    person.get("/")
    journey = Journey(person, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    confirmation = journey.send()
    assert confirmation.status_code == 302
    response, sent = statements_of(person, confirmation.location)
    newest = sa.select(Submission.reference).order_by(Submission.id.desc()).limit(1)
    assert db.session.scalar(newest) in read(response).text
    assert on_their_own(sent) == [] and "JOIN stage_responses" in sent[0]
    assert len(sent) == 1  # with whether it has any of the ombudsman's enquiries


def test_the_tracking_page_reads_steps_enquiries_and_messages_only_when_the_case_has_some(
    app: Flask,
) -> None:
    """A case is read with whether it has any steps from the person, enquiries from the
    ombudsman and messages from us (issue 19: a new case's tracking page is one
    statement, not four); one that has them shows them, and the rules read its
    enquiries."""
    reference = a_case()
    client = browser(app)
    response, sent = statements_of(client, track(reference))
    assert response.status_code == 200
    assert len(sent) == 1
    found = tracking.find_sent(reference)
    assert found is not None and not found.has_enquiries
    assert found.progress() == clock.progress_of(found.submission)

    today = london_date(datetime.now(UTC))
    staff = responded(reference, today)  # a letter from us
    complainant_steps.reply(the_case(reference), "Thank you for the letter.")
    case = the_case(reference)
    ombudsman.record(
        db.session.merge(staff), case, reference="26 000 123", received_on=today,
        reply_due_on=None, today=today, version=case.case.version,
    )  # fmt: skip
    response, sent = statements_of(client, track(reference))
    shown = squash(read(response).text)
    assert "Your reply" in shown and "We are emailing this now." in shown
    for table in ("complainant_steps", "ombudsman_enquiries", "correspondence"):
        assert any(statement.startswith(f"SELECT {table}.") for statement in sent), table
    found = tracking.find_sent(reference)
    assert found is not None and found.has_enquiries
    assert found.progress() == clock.progress_of(found.submission)
    assert found.progress().ombudsman


def test_a_later_messages_link_is_checked_in_the_statement_that_reads_the_case(
    app: Flask,
) -> None:
    """Each message we send carries a link of its own (correspondence.new_tracking_url):
    the page it opens is read in one statement, as the first link's is (issue 19: each
    statement a round trip), and neither another case's link nor a made-up token opens
    it."""
    reference, other = a_case(), a_case()
    later = urlsplit(correspondence.new_tracking_url(the_case(reference))).path
    elsewhere = urlsplit(correspondence.new_tracking_url(the_case(other))).path
    db.session.commit()
    client = browser(app)
    response, sent = statements_of(client, later)
    assert response.status_code == 200
    assert reference in read(response).text
    assert len(sent) == 1
    token_of_the_other_case = elsewhere.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"/track/{reference}/{token_of_the_other_case}").status_code == 404
    assert client.get(f"/track/{reference}/{'x' * 32}").status_code == 404
    assert client.get(elsewhere).status_code == 200
    # The pages for replying and the rest, reached from the same link, the same way.
    response, sent = statements_of(client, f"{later}/reply")
    assert response.status_code == 200
    assert not any(statement.startswith("SELECT tracking_links") for statement in sent)
    assert client.get(f"/track/{reference}/{token_of_the_other_case}/reply").status_code == 404


# --- a copy of what they sent --------------------------------------------------------------------


def test_a_copy_of_what_they_sent_as_a_page_and_a_pdf(app: Flask) -> None:
    reference = a_case(text="The social worker missed three visits in March.")
    client = browser(app)
    page = look(client, track(reference))
    copy = look(client, page.link_to("A copy of what you sent"))
    assert copy.title.startswith("A copy of what you sent")
    assert "The social worker missed three visits in March." in copy.text
    response = client.get(copy.link_to("Download a copy (PDF)"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert reference in text
    assert "The social worker missed three visits in March." in squash(text)


def test_the_copy_is_in_welsh_for_someone_who_wrote_in_welsh(app: Flask) -> None:
    reference = a_case(text="Ni ddaeth neb i'r cyfarfod.")
    case = the_case(reference)
    case.language = "cy"
    db.session.commit()
    client = browser(app)
    copy = look(client, f"{track(reference)}/what-you-sent")
    assert copy.title.startswith("Copi o'r hyn a anfonoch chi")
    assert copy.summary_answers == {"Beth ddigwyddodd": "Ni ddaeth neb i'r cyfarfod."}
    response = client.get(f"{track(reference)}/what-you-sent.pdf")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    assert "Copi o'r hyn a anfonoch chi" in text and "Beth ddigwyddodd" in text
    assert reference in text


def test_the_copy_shows_every_answer_as_check_your_answers_showed_it(app: Flask) -> None:
    client = browser(app)
    journey = Journey(client, "complaint")
    journey.fill(answers_for("complaint", "parent"))
    checked = journey.check_answers().summary_answers
    journey.send_and_confirm()
    case = only_submission()
    case.tracking_token_hash = hash_token(TOKEN)
    db.session.commit()
    copy = look(browser(app), f"{track(case.reference)}/what-you-sent")
    assert copy.summary_answers == checked


def test_what_they_sent_later_is_in_their_subject_access_export(app: Flask) -> None:
    reference = a_case()
    complainant_steps.reply(the_case(reference), "I found the letter.")
    exported = subject_access.export(a_manager(), reference=reference)
    (case,) = exported["cases"]
    (sent,) = case["sent_from_the_tracking_page"]
    assert (sent["what"], sent["words"], sent["by"]) == (
        "reply",
        "I found the letter.",
        "complainant",
    )


def test_the_queue_tags_the_case_until_staff_have_dealt_with_it(app: Flask) -> None:
    reference = a_case()
    staff = browser(app)
    sign_in_as_manager(staff)
    assert "They sent something" not in queue_row(staff, reference)
    sent = complainant_steps.reply(the_case(reference), "Tuesday works.")
    assert "They sent something" in queue_row(staff, reference)
    save(staff, f"/staff/cases/{reference}/from-them/{sent.step.id}", {})
    assert "They sent something" not in queue_row(staff, reference)
    page = case_page(staff, reference)
    assert "Dealt with" in page.text


def test_danger_sent_later_is_sent_again_only_after_the_minutes_from_when_it_came(
    app: Flask,
) -> None:
    """The out-of-hours escalation counts from the message that brought the signs, not
    from receipt days before."""
    reference = a_case(role=SubmitterRole.CHILD, on=date(2026, 11, 2))
    came = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    complainant_steps.reply(the_case(reference), f"Please help. {DANGER}", now=came)
    minutes = app.config["SAFEGUARDING_ESCALATE_AFTER_MINUTES"]
    assert safeguarding.escalate_due(now=came + timedelta(minutes=minutes - 1)) == 0
    assert safeguarding.escalate_due(now=came + timedelta(minutes=minutes + 1)) == 1
    assert the_case(reference).case.safeguarding_escalated_at is not None


def test_the_assignee_is_told_rather_than_the_team_and_an_advocate_is_named(
    app: Flask, smtp: SmtpServer
) -> None:
    reference = a_case()
    worker = make_staff(Role.TEAM_MEMBER, team="Looked After Children", email="w@example.com")
    case = the_case(reference)
    case.case.assigned_staff_id = db.session.scalar(
        sa.select(Staff.id).where(Staff.email == worker)
    )
    db.session.commit()
    complainant_steps.add_information(
        the_case(reference), "The school wrote too.", by=Actor.ADVOCATE
    )
    outbox.work_once()
    (told,) = smtp.inbox.to(worker)
    assert told.subject == f"{reference}: more information or files from their advocate"
    assert "school" not in told.text
    assert staff_emails(smtp, TEAM_INBOX) == []
    staff = browser(app)
    sign_in_as_manager(staff)
    assert "(from their advocate)" in case_page(staff, reference).text


def test_someone_who_changes_their_mind_about_stopping_carries_on(app: Flask) -> None:
    reference = a_case()
    sent = complainant_steps.withdraw(the_case(reference), "")
    staff = browser(app)
    sign_in_as_manager(staff)
    url = f"/staff/cases/{reference}/from-them/{sent.step.id}"
    refused = read(send(staff, url, {"decision": "refused", "note": ""}))
    assert ("#note", "Enter why") in refused.error_summary
    save(staff, url, {"decision": "refused", "note": "They phoned: they want to carry on."})
    case = the_case(reference)
    assert case.case.stage == "triage" and case.case.withdrawn_on is None
    client = browser(app)
    assert "Stop your complaint" in look(client, track(reference)).text  # offered again


def test_a_review_panel_asked_for_in_time_is_recorded_and_starts_the_panels_clock(
    app: Flask,
) -> None:
    """England: after the stage 2 adjudication the tracking page offers a review panel
    (stage 3), and a request within 20 working days is recorded at once."""
    today = london_date(datetime.now(UTC))
    reference = a_case(on=today - (today - date(today.year, today.month, 1)))
    staff = responded(reference, today)
    client = browser(app)
    assert "Ask for a review panel" not in look(client, track(reference)).text
    for move in (Move.REQUEST_STAGE2, Move.ADJUDICATE_STAGE2):
        staff_move(staff, reference, move, today)
    page = look(client, track(reference))
    window = add_working_days(today, 20)
    assert f"stage 2 reply, ask by {in_words(window)}" in squash(page.text)
    url = page.link_to("Ask for a review panel")
    empty = read(send(client, url, {"reasons": ""}))
    assert empty.error_summary == [
        ("#reasons", "Enter why you are not happy with our stage 2 reply")
    ]
    sent = look(client, send(client, url, {"reasons": "Nobody looked again."}).location)
    panel_by = add_working_days(today, 30)
    assert f"The review panel must meet by {in_words(panel_by)}" in squash(sent.text)
    case = the_case(reference)
    assert case.case.stage == "stage3" and case.stage_row("stage3").requested_on == today
    trail = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "move:request_stage3")
    )
    assert trail is not None and trail.staff_id is None and trail.detail["by"] == "complainant"
    assert "Ask for a review panel" not in look(client, track(reference)).text
