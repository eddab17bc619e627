"""An advocate acts for the child from their own case page (issue 17): replies, adds
information and files, and asks for stage 2, through the complainant's own use cases with
their account named. Staff see that the advocate sent it, on the child's behalf; the trail
names the advocate's account; the danger check reads what they wrote; a case they are not
on is "Page not found"; a disabled advocate is signed out."""

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    case_page,
    errors_shown_twice,
    look,
    make_staff,
    read,
    received_at,
    save,
    sign_in,
    sign_in_as_manager,
)
from conftest import sending_to
from flask import Flask
from journey_helpers import in_words, squash
from smtp_server import SmtpServer
from test_advocates import ADVOCATE, advocate_account, childs_complaint, signed_in_advocate
from test_complainant_steps import DANGER, png, responded, send, the_case

from portal.domain.access import Role
from portal.domain.clock import add_working_days, london_date
from portal.domain.stages import Move
from portal.extensions import db
from portal.models import Attachment, AuditEvent, ComplainantStep, Staff
from portal.services import cases, outbox

TEAM_INBOX = "looked.after@northmoor.example"


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


def their_case(on: date | None = None) -> str:
    """A child's complaint naming the advocate (so it is theirs to see), received `on`."""
    advocate_account()
    reference = childs_complaint(now=received_at(on) if on else None).reference
    db.session.remove()
    return reference


def page_of(reference: str) -> str:
    return f"/staff/advocate/cases/{reference}"


def today() -> date:
    return london_date(datetime.now(UTC))


def the_advocate() -> Staff:
    return db.session.scalars(sa.select(Staff).where(Staff.email == ADVOCATE)).one()


def test_an_advocate_replies_for_the_child_and_staff_see_it_was_them(
    app: Flask, smtp: SmtpServer
) -> None:
    reference = their_case()
    client = signed_in_advocate(app)
    page = look(client, page_of(reference))
    assert "Act for the child" in page.text
    assert "To reply, add information or ask for the next stage" not in page.text
    # Before stage 1 is answered there is no stage 2 to ask for.
    assert "Ask for stage 2" not in page.text
    url = page.link_to("Reply to the council")

    empty = read(send(client, url, {"text": ""}))
    assert errors_shown_twice(empty) == {"text": "Enter your message"}

    words = "<b>Kai</b> says the review meeting was moved again."
    response = send(client, url, {"text": words})
    assert response.status_code == 302
    sent = look(client, response.location)
    look_by = add_working_days(today(), 3)
    assert sent.title.startswith("The council has your message for the child")
    assert f"read it by {in_words(look_by)}" in squash(sent.text)

    advocate = the_advocate()
    (step,) = db.session.scalars(sa.select(ComplainantStep)).all()
    assert (step.kind, step.by, step.by_staff_id, step.text) == (
        "reply",
        "advocate",
        advocate.id,
        words,
    )
    trail = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "from_complainant_reply")
    )
    assert trail is not None and trail.staff_id == advocate.id
    assert trail.detail["by"] == "advocate" and "Kai" not in str(trail.detail)

    outbox.work_once()
    (told,) = [m for m in smtp.inbox.to(TEAM_INBOX) if "from their advocate" in m.subject]
    assert told.subject == f"{reference}: a reply to a message from their advocate"
    assert "review meeting" not in told.text

    staff = browser(app)
    sign_in_as_manager(staff)
    shown = case_page(staff, reference)
    assert "A reply to a message (from their advocate, Ali Advocate, on the child's behalf)" in (
        shown.text
    )
    assert words in shown.text and "<b>Kai</b>" not in shown.html
    # The advocate's page lists what they sent for the child.
    mine = squash(look(client, page_of(reference)).text)
    assert f"Sent for the child {in_words(today())}: A reply to a message" in mine


def test_an_advocate_adds_information_and_a_file_checked_as_the_publics_are(
    app: Flask, uploads: Path
) -> None:
    reference = their_case()
    client = signed_in_advocate(app)
    url = look(client, page_of(reference)).link_to("Add information or files")
    empty = read(send(client, url, {"text": ""}))
    assert errors_shown_twice(empty) == {
        "text": "Enter what you want to tell the council, or choose a file"
    }
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
    assert "letter.pdf: The selected file must be a PDF" in refused.error_summary[0][1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplainantStep)) == 0

    response = send(
        client,
        url,
        {"text": "The school's letter.", "files": [(io.BytesIO(png()), "letter.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "letter.png" in look(client, response.location).text
    step = db.session.scalars(sa.select(ComplainantStep)).one()
    (kept,) = db.session.scalars(sa.select(Attachment)).all()
    assert (step.kind, step.by, kept.step_id) == ("information", "advocate", step.id)
    staff = browser(app)
    sign_in_as_manager(staff)
    shown = case_page(staff, reference)
    assert "letter.png" in shown.text and "on the child's behalf" in shown.text


def test_an_advocate_asks_for_stage_2_in_time_and_it_starts_the_clock(app: Flask) -> None:
    reference = their_case()
    responded(reference, today())
    client = signed_in_advocate(app)
    page = look(client, page_of(reference))
    window = add_working_days(today(), 20)
    assert f"Ask for stage 2 (in time until {in_words(window)})" in squash(page.text)
    url = page.link_to("Ask for stage 2")

    empty = read(send(client, url, {"reasons": ""}))
    assert errors_shown_twice(empty) == {
        "reasons": "Enter why the child is not happy with the stage 1 response"
    }
    response = send(client, url, {"reasons": "Kai's main point was not answered."})
    sent = look(client, response.location)
    due = add_working_days(today(), 25)
    assert "The complaint is now at stage 2" in sent.text
    assert f"stage 2 response by {in_words(due)}" in squash(sent.text)

    case = the_case(reference)
    assert case.case.stage == "stage2"
    assert case.stage_row("stage2").requested_on == today()
    assert not case.stage_row("stage2").request_late
    assert case.case.next_due_on == due
    trail = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "move:request_stage2")
    )
    assert trail is not None and trail.staff_id == the_advocate().id
    assert trail.detail["by"] == "advocate"
    # Asked once: the page no longer offers it, and the address is "Page not found".
    assert "Ask for stage 2" not in look(client, page_of(reference)).text
    assert client.get(url).status_code == 404


def test_danger_in_what_an_advocate_writes_alerts_as_the_childs_own_words_do(
    app: Flask, smtp: SmtpServer
) -> None:
    reference = their_case()
    client = signed_in_advocate(app)
    response = send(client, f"{page_of(reference)}/reply", {"text": f"Kai told me: {DANGER}"})
    sent = look(client, response.location)
    assert "If someone is in danger right now, call 999." in sent.text
    case = the_case(reference)
    assert case.urgent and case.case.danger_reported_at is not None
    assert any(DANGER in s["sentence"] for s in case.danger_signs)
    outbox.work_once()
    alerts = [m for m in smtp.inbox.messages() if "URGENT" in m.subject]
    assert alerts and all(reference in m.subject for m in alerts), [
        m.subject for m in smtp.inbox.messages()
    ]


def test_another_advocates_case_is_not_found_and_nothing_is_sent(app: Flask) -> None:
    reference = their_case()
    advocate_account("jo@speakup.example")
    other = signed_in_advocate(app, "jo@speakup.example")
    for path in ("reply", "add-information", "ask-for-stage-2"):
        assert other.get(f"{page_of(reference)}/{path}").status_code == 404
    posted = other.post(f"{page_of(reference)}/reply", data={"text": "x"})
    assert posted.status_code in (400, 404)  # no CSRF token, or not theirs: never sent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplainantStep)) == 0


def test_a_form_without_its_csrf_token_is_refused(app: Flask) -> None:
    reference = their_case()
    client = signed_in_advocate(app)
    assert client.post(f"{page_of(reference)}/reply", data={"text": "Hello"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplainantStep)) == 0


def test_a_disabled_advocate_is_signed_out_and_sends_nothing(app: Flask) -> None:
    reference = their_case()
    client = signed_in_advocate(app)
    url = look(client, page_of(reference)).link_to("Reply to the council")
    form = look(client, url)
    manager = browser(app)
    sign_in(manager, make_staff(Role.MANAGER, email="morgan.manager@council.example"))
    save(
        manager,
        f"/staff/staff-accounts/{the_advocate().id}",
        {"role": "advocate", "team": "", "can_sign_in": "no"},
    )
    token = next(
        e.attrs["value"] for e in form.find_all("input") if e.attrs.get("name") == "csrf_token"
    )
    response = client.post(url, data={"csrf_token": token, "text": "Still here?"})
    assert response.status_code == 302 and "/staff/sign-in" in response.location
    assert client.get(page_of(reference)).location.startswith("/staff/sign-in")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplainantStep)) == 0


def test_a_closed_case_offers_nothing_to_send(app: Flask) -> None:
    reference = their_case()
    manager = responded(reference, today())
    case = the_case(reference)
    cases.apply(
        manager, case, cases.MoveInput(Move.WITHDRAW, today(), {}), version=case.case.version
    )
    client = signed_in_advocate(app)
    page = look(client, page_of(reference))
    assert "This case is closed" in page.text and "Reply to the council" not in page.text
    assert client.get(f"{page_of(reference)}/reply").status_code == 404


# --- a review panel (stage 3, England) ---------------------------------------------------------


def adjudicated(reference: str, on: date) -> Staff:
    """Answered at stage 1, then stage 2 asked for and adjudicated, all on `on`."""
    manager = responded(reference, on)
    for move in (Move.REQUEST_STAGE2, Move.ADJUDICATE_STAGE2):
        case = the_case(reference)
        cases.apply(manager, case, cases.MoveInput(move, on, {}), version=case.case.version)
    return manager


def test_an_advocate_asks_for_a_review_panel_in_time_and_it_starts_the_panels_clock(
    app: Flask,
) -> None:
    reference = their_case()
    adjudicated(reference, today())
    client = signed_in_advocate(app)
    page = look(client, page_of(reference))
    window = add_working_days(today(), 20)
    assert f"Ask for a review panel (in time until {in_words(window)})" in squash(page.text)
    assert "Ask for stage 2" not in page.text
    url = page.link_to("Ask for a review panel")
    empty = read(send(client, url, {"reasons": ""}))
    assert errors_shown_twice(empty) == {
        "reasons": "Enter why the child is not happy with the stage 2 adjudication"
    }
    sent = look(client, send(client, url, {"reasons": "Kai wants the panel to hear him."}).location)
    assert sent.title.startswith("The council has the child's request for a review panel")
    panel_by = add_working_days(today(), 30)  # reg 19: the panel meets within 30 working days
    assert f"The review panel must meet by {in_words(panel_by)}" in squash(sent.text)

    case = the_case(reference)
    assert case.case.stage == "stage3"
    assert case.stage_row("stage3").requested_on == today()
    assert not case.stage_row("stage3").request_late
    trail = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "move:request_stage3")
    )
    assert trail is not None and trail.staff_id == the_advocate().id
    staff = browser(app)
    sign_in_as_manager(staff)
    shown = case_page(staff, reference)
    assert "A request for a review panel (stage 3) (from their advocate, Ali Advocate" in (
        shown.text
    )
    assert "Recorded as the request for a review panel (stage 3)" in shown.text
    assert client.get(url).status_code == 404  # asked once


# What each late request is called where: its address, what the page after sending says
# the council decides, how staff's case page names it, the stage it waits at.
LATE = {
    "stage2": ("ask-for-stage-2", "look at the complaint at stage 2", "stage1"),
    "stage3": ("ask-for-a-review-panel", "set up a review panel", "stage2"),
}


@pytest.mark.parametrize("stage", LATE)
def test_a_late_request_for_the_next_stage_is_flagged_and_staff_decide(
    app: Flask, stage: str
) -> None:
    path, decided, waits_at = LATE[stage]
    long_ago = today().replace(year=today().year - 1)
    reference = their_case(long_ago)
    (responded if stage == "stage2" else adjudicated)(reference, long_ago)
    client = signed_in_advocate(app)
    url = f"{page_of(reference)}/{path}"
    assert "The usual time to ask ended on" in look(client, url).text
    sent = look(client, send(client, url, {"reasons": "Kai was in hospital."}).location)
    assert "after the usual 20 working days. The council will decide by" in sent.text
    assert decided in sent.text
    step = db.session.scalars(sa.select(ComplainantStep)).one()
    assert (step.kind, step.by, step.late, step.recorded) == (stage, "advocate", True, False)
    assert the_case(reference).case.stage == waits_at

    staff = browser(app)
    sign_in_as_manager(staff)
    shown = case_page(staff, reference)
    assert "Asked for after the usual 20 working days" in shown.text
    assert "(from their advocate, Ali Advocate, on the child's behalf)" in shown.text
    save(staff, f"/staff/cases/{reference}/from-them/{step.id}", {"decision": "granted"})
    case = the_case(reference)
    assert case.case.stage == stage
    assert case.stage_row(stage).requested_on == step.sent_on
    assert case.stage_row(stage).request_late


def test_wales_has_no_review_panel_to_ask_for(app: Flask) -> None:
    reference = their_case()
    adjudicated(reference, today())
    case = the_case(reference)
    case.case.procedure = "wales_children_2014"  # the same case under the Welsh procedure
    db.session.commit()
    client = signed_in_advocate(app)
    assert "Ask for a review panel" not in look(client, page_of(reference)).text
    assert client.get(f"{page_of(reference)}/ask-for-a-review-panel").status_code == 404
