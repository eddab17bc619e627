"""Response letters (issue 8): a caseworker drafts the stage 1 response from the case,
edits it and sends it for approval; a complaints manager who did not write it approves
it and sends it by email, or for printing, or returns it with comments. The email goes
through the outbox to a real SMTP server, and the letter is kept on the case and shown on
the tracking page. A child's email carries no letter; a Welsh case's letter is in Welsh."""

import contextlib
import html
import json
import re
import zlib
from datetime import date
from urllib.parse import urlsplit

import bleach
import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    browser,
    case_page,
    errors_shown_twice,
    hidden_fields,
    look,
    make_staff,
    move,
    new_complaint,
    post_form,
    read,
    received_at,
    save,
    sign_in,
    table_after,
    who_looked,
)
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page, squash
from smtp_server import Received, SmtpServer

from portal.domain.access import Role
from portal.domain.clock import add_working_days
from portal.domain.types import SubmitterRole
from portal.extensions import db
from portal.models import Correspondence, OutboxMessage, ResponseLetter, Submission, Task
from portal.security import staff_html
from portal.services import retention

RECEIVED = date(2025, 12, 19)  # a Friday, before Christmas
ACCEPTED = date(2025, 12, 22)
RESPONDED = date(2026, 1, 7)
# 20 working days after Wednesday 7 January 2026: the last day to ask for stage 2.
ASK_BY = "Wednesday 4 February 2026"
UPHELD_POINT = "Nobody came to the review meeting in November."
NOT_UPHELD_POINT = "The social worker was rude on the phone."
OUR_EDIT = "We have booked your next review for Tuesday 3 March, at your home."


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


@pytest.fixture
def caseworker(app: Flask) -> FlaskClient:
    """A team member in Looked After Children, whose case it is."""
    client = browser(app)
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Looked After Children"))
    return client


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in(client, make_staff(Role.MANAGER, email="approver@council.example"))
    return client


def readable(received: Received) -> str:
    return squash(received.text + " " + html.unescape(received.html))


def letter_emails(smtp: SmtpServer, address: str, subject_has: str) -> list[Received]:
    return [m for m in smtp.inbox.to(address) if subject_has in m.subject]


def tracking_path(received: Received) -> str:
    links = set(re.findall(r"https?://\S+/track/[^\s<\"]+", received.text))
    assert len(links) == 1, links
    return urlsplit(links.pop()).path


def tracking_page(client: FlaskClient, received: Received) -> Page:
    response = client.get(tracking_path(received))
    assert response.status_code == 200
    return read(response)


def a_responded_case(
    client: FlaskClient,
    *,
    role: SubmitterRole = SubmitterRole.PARENT,
    email: str | None = "pat@example.com",
    language: str = "en",
) -> str:
    """A complaint accepted at stage 1 with two points (one upheld, one not) and a stage 1
    response recorded: partly upheld, with an apology."""
    case = new_complaint(role=role, email=email, when=received_at(RECEIVED))
    case.language = language
    db.session.commit()
    reference = case.reference
    db.session.remove()
    deliver()  # the acknowledgement goes first, as it would
    move(client, reference, "accept", ACCEPTED)
    for summary, outcome in ((UPHELD_POINT, "upheld"), (NOT_UPHELD_POINT, "not_upheld")):
        save(
            client,
            f"/staff/cases/{reference}/points",
            {"stage": "1", "summary": summary, "outcome": outcome},
        )
    move(
        client,
        reference,
        "respond_stage1",
        RESPONDED,
        outcome="partially_upheld",
        redress=["apology"],
        ex_gratia="",
    )
    return reference


def letter_url(reference: str, stage: int = 1) -> str:
    return f"/staff/cases/{reference}/response-letters/{stage}"


def the_draft(client: FlaskClient, reference: str) -> Page:
    """Open the stage 1 letter from the case page, as a caseworker finds it."""
    page = case_page(client, reference)
    return look(client, page.link_to("Draft the stage 1 response letter"))


def press_on_letter(
    client: FlaskClient, reference: str, action: str, body: str | None = None
) -> Page:
    """Press "Save draft" ("save") or "Send for approval" ("submit") on the letter's page,
    with `body` typed in place of the letter shown (or the letter as shown)."""
    page = look(client, letter_url(reference))
    words = {"subject": page.value_of("subject"), "body": page.value_of("body")}
    return save(
        client,
        letter_url(reference),
        {**words, "action": action} | ({"body": body} if body is not None else {}),
    )


def save_draft(client: FlaskClient, reference: str, body: str | None = None) -> Page:
    return press_on_letter(client, reference, "save", body)


def send_for_approval(client: FlaskClient, reference: str, body: str | None = None) -> Page:
    return press_on_letter(client, reference, "submit", body)


def decide(client: FlaskClient, reference: str, decision: str, comments: str = "") -> Page:
    """The approver's choice, made on the letter's page (its form posts to /decision)."""
    page = look(client, letter_url(reference))
    hidden = {e.attrs.get("name"): e.attrs.get("value", "") for e in page.find_all("input")}
    version = hidden.get("version", "")
    response = client.post(
        f"{letter_url(reference)}/decision",
        data={
            "csrf_token": page.csrf_token,
            "version": version,
            "decision": decision,
            "comments": comments,
        },
    )
    return read(response) if response.status_code != 302 else look(client, response.location)


def stored_letter(reference: str) -> ResponseLetter:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(ResponseLetter)
        .join(Submission, Submission.id == ResponseLetter.submission_id)
        .where(Submission.reference == reference)
    ).one()


# --- drafted, approved and delivered ---------------------------------------------------------


def test_a_stage_1_letter_is_drafted_edited_approved_emailed_and_kept_on_the_case(
    app: Flask, caseworker: FlaskClient, manager: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_responded_case(caseworker)
    assert add_working_days(RESPONDED, 20) == date(2026, 2, 4)

    # The caseworker drafts it from the case: each point with its finding, the apology,
    # and the date by which stage 2 can be asked for.
    page = the_draft(caseworker, reference)
    assert page.headings == ["Stage 1 response letter"]
    assert "Not started" in page.text
    assert "The letter starts: Dear Pat Parent," in page.text
    body = str(page.value_of("body"))
    assert f"1. {UPHELD_POINT}\n   Our finding: upheld. We agree that this went wrong." in body
    assert f"2. {NOT_UPHELD_POINT}\n   Our finding: not upheld." in body
    assert "Overall, we partly uphold your complaint." in body
    assert "We apologise for what went wrong." in body
    assert f"Please ask by {ASK_BY} (20 working days after Wednesday 7 January 2026)" in body
    assert page.value_of("subject") == f"Your complaint {reference}: our stage 1 response"

    # ... edits it and saves the draft: nothing is sent.
    edited = body.replace("Putting things right\n\n", f"Putting things right\n\n{OUR_EDIT}\n\n")
    page = save_draft(caseworker, reference, edited)
    assert "The draft is saved. Nothing is sent until a manager approves it." in (
        page.notification_banner
    )
    assert "Draft" in page.text
    assert OUR_EDIT in str(page.value_of("body"))
    deliver()
    assert letter_emails(smtp, "pat@example.com", "our stage 1 response") == []

    # The caseworker cannot send it without approval: no button, and the approval
    # itself is refused.
    assert "Approve it and send it by email" not in page.text
    refused = caseworker.post(
        f"{letter_url(reference)}/decision",
        data={"csrf_token": page.csrf_token, "decision": "email"},
    )
    assert refused.status_code == 403

    page = send_for_approval(caseworker, reference)
    assert "The letter is sent for approval." in page.notification_banner
    assert "Waiting for approval" in page.text
    assert "Waiting for a complaints manager to approve it" in page.text
    assert page.find_all("textarea") == []  # locked while it waits

    # The manager finds it in the letters waiting, reads it and approves it by email.
    waiting = look(manager, "/staff/letters")
    assert [row[0] for row in table_after(waiting, "Response letters waiting")] == [reference]
    letter_page = look(manager, waiting.link_to(f"Stage 1 response letter for {reference}"))
    assert OUR_EDIT in letter_page.text
    assert "To pat@example.com." in letter_page.text
    page = decide(manager, reference, "email")
    assert "The letter is approved and sent by email." in page.notification_banner
    who = {key: squash(value) for key, value in page.summary_answers.items()}
    assert who["Drafted"].startswith("team_member person, ")
    assert who["Approved"].startswith("manager person, ")
    assert who["Sent"].startswith("By email")

    deliver()
    (email,) = letter_emails(smtp, "pat@example.com", "our stage 1 response")
    assert email.subject == f"Your complaint {reference}: our stage 1 response"
    words = readable(email)
    assert "Dear Pat Parent," in words
    assert f"{UPHELD_POINT} Our finding: upheld." in words
    assert f"{NOT_UPHELD_POINT} Our finding: not upheld." in words
    assert OUR_EDIT in words
    assert f"Please ask by {ASK_BY}" in words

    # The case shows the letter, who approved it, and that it was emailed.
    case = case_page(caseworker, reference)
    assert table_after(case, "Response letters") == [
        [
            "Stage 1 response letter (print the stage 1 response letter)",
            "Sent by email",
            "manager person",
        ]
    ]
    (row,) = [
        r
        for r in table_after(case, "Letters and messages to the complainant")
        if "Response letter" in r[1]
    ]
    assert row[2] == "Complainant"
    assert row[3].startswith("Emailed")
    assert "Draft the stage 1 response letter" not in case.text
    trail = audit_trail(case)
    for step in (
        "team_member person: response letter drafted",
        "team_member person: response letter edited",
        "team_member person: response letter sent for approval",
        "manager person: response letter approved",
        "manager person: correspondence sent",
    ):
        assert any(event.startswith(step) for event in trail), (step, trail)
    assert waiting_rows(manager) == []

    # The tracking page shows it to the complainant.
    tracked = tracking_page(app.test_client(), email)
    assert "Our reply" in tracked.text
    assert OUR_EDIT in tracked.text
    assert UPHELD_POINT in tracked.text


# What the caseworker adds: the small markup staff write in (portal/security.py), and
# markup that must not work.
WITH_MARKUP = (
    "\n\n**What we will do next:**\n- Book your review\n- [Read our policy]"
    "(https://council.example/policy)\n\n"
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [Click](javascript:alert(1))"
)


def staff_markup_shown(page: Page) -> None:
    """The markup is shown as HTML; the rest is words that do nothing."""
    assert "What we will do next:" in [e.text for e in page.find_all("strong")]
    assert [e for e in page.find_all("ul") if e.text.startswith("Book your review")]
    items = [e.text for e in page.find_all("li")]
    assert items[items.index("Book your review") + 1] == "Read our policy"
    links = {e.text: e.attrs.get("href") for e in page.find_all("a")}
    assert links["Read our policy"] == "https://council.example/policy"
    assert "Click" not in links
    assert not any("javascript" in (href or "") for href in links.values())
    words = squash(html.unescape(re.sub(r"<[^>]*>", " ", page.html)))
    assert "<script>alert(1)</script> <img src=x onerror=alert(1)> Click" in words
    assert page.find_all("img") == []
    assert not [e for e in page.find_all("script") if not e.attrs.get("src")]


def pdf_contents(pdf: bytes) -> bytes:
    """A PDF's objects with their compressed streams opened: enough to find a link's
    address and the characters its fonts can draw."""
    parts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, flags=re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(stream[1]))
    return b"\n".join(parts)


def test_a_letter_written_with_markup_shows_it_in_the_preview_the_print_the_pdf_and_the_email(
    app: Flask, caseworker: FlaskClient, manager: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_responded_case(caseworker)
    body = str(the_draft(caseworker, reference).value_of("body")) + WITH_MARKUP
    send_for_approval(caseworker, reference, body)

    # The approver reads it as it will be sent, and can print it.
    staff_markup_shown(look(manager, letter_url(reference)))
    staff_markup_shown(look(manager, f"{letter_url(reference)}/print"))
    # The points the template wrote are a numbered list.
    (points,) = [e for e in look(manager, letter_url(reference)).find_all("ol")]
    assert points.text.startswith(f"{UPHELD_POINT} Our finding: upheld.")
    pdf = pdf_contents(manager.get(f"{letter_url(reference)}/letter.pdf").data)
    assert b"/URI (https://council.example/policy)" in pdf
    assert b"javascript" not in pdf
    assert b"<2022>" in pdf.upper()  # a bullet (U+2022) is among the characters drawn

    decide(manager, reference, "email")
    deliver()
    (email,) = letter_emails(smtp, "pat@example.com", "our stage 1 response")
    staff_markup_shown(Page(email.html))
    # The plain-text part is written from the same words.
    text = email.text.replace("\r\n", "\n")
    assert "What we will do next:\n- Book your review\n- Read our policy " in text
    assert "(https://council.example/policy)" in text
    assert "**" not in text
    assert "javascript" not in text
    # ... and the person's tracking page shows it as the email does.
    staff_markup_shown(tracking_page(app.test_client(), email))


def test_the_tracking_page_shows_the_letter_as_cleaned_when_it_was_sent_cleaning_nothing_again(
    app: Flask,
    caseworker: FlaskClient,
    manager: FlaskClient,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference = a_responded_case(caseworker)
    draft = str(the_draft(caseworker, reference).value_of("body"))
    # Sent for approval with markup that must not work, returned and changed: what is
    # kept is the letter as it was approved and sent.
    send_for_approval(caseworker, reference, draft + WITH_MARKUP)
    decide(manager, reference, "return", "Say when the review is.")
    send_for_approval(caseworker, reference, f"{draft}\n\n{OUR_EDIT}{WITH_MARKUP}")
    decide(manager, reference, "email")
    deliver()
    (email,) = letter_emails(smtp, "pat@example.com", "our stage 1 response")

    db.session.expire_all()
    kept = db.session.scalars(
        sa.select(Correspondence).where(Correspondence.kind == "response_letter")
    ).one()
    assert kept.body == f"{draft}\n\n{OUR_EDIT}{WITH_MARKUP}"
    assert kept.body_html == str(staff_html(kept.body))
    assert "<script" not in kept.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in kept.body_html
    assert kept.body_html in email.html.replace("\r\n", "\n")  # the email was written from it

    # The page shows the kept HTML: no letter is cleaned again to show it.
    cleaned: list[str] = []
    clean = bleach.clean

    def counted(html: str, **allowed: object) -> str:
        cleaned.append(html)
        return clean(html, **allowed)

    monkeypatch.setattr(bleach, "clean", counted)
    response = app.test_client().get(tracking_path(email))
    assert response.status_code == 200
    assert cleaned == []
    assert kept.body_html in response.get_data(as_text=True)
    tracked = read(response)
    assert OUR_EDIT in tracked.text
    staff_markup_shown(tracked)


def waiting_rows(client: FlaskClient) -> list[list[str]]:
    page = look(client, "/staff/letters")
    return (
        table_after(page, "Response letters waiting")
        if "No letters are waiting" not in page.text
        else []
    )


def test_each_stage_s_letter_says_what_that_stage_found_and_gave(
    caseworker: FlaskClient,
) -> None:
    reference = a_responded_case(caseworker)
    move(caseworker, reference, "request_stage2", date(2026, 1, 20))
    move(
        caseworker,
        reference,
        "adjudicate_stage2",
        date(2026, 2, 24),
        outcome="upheld",
        redress=["service_review"],
        ex_gratia="250",
        stage2_cost="900",
    )
    stage1 = str(look(caseworker, letter_url(reference, 1)).value_of("body"))
    stage2 = str(look(caseworker, letter_url(reference, 2)).value_of("body"))
    # Stage 2's finding did not replace stage 1's.
    assert "Overall, we partly uphold your complaint." in stage1
    assert "We apologise for what went wrong." in stage1
    assert "£250" not in stage1
    assert "Overall, we uphold your complaint." in stage2
    assert "We apologise for what went wrong." not in stage2
    assert "We will pay you £250 for your time and trouble." in stage2


def test_a_letter_still_to_be_written_cannot_go_for_approval(caseworker: FlaskClient) -> None:
    reference = a_responded_case(caseworker)
    page = the_draft(caseworker, reference)
    body = str(page.value_of("body")) + "\n\n[[Add the name of the new social worker]]"
    response = post_form(
        caseworker,
        letter_url(reference),
        {"action": "submit", "subject": page.value_of("subject"), "body": body},
    )
    refused = read(response)
    assert response.status_code == 200
    assert errors_shown_twice(refused) == {
        "body": "Replace the text in double square brackets, like [[this]], before you send "
        "the letter for approval"
    }
    assert refused.value_of("body") == body  # what was typed stays
    # An empty letter is refused in GOV.UK's words.
    response = post_form(
        caseworker, letter_url(reference), {"action": "save", "subject": "", "body": ""}
    )
    assert errors_shown_twice(read(response)) == {
        "subject": "Enter the subject",
        "body": "Enter the letter",
    }


def test_the_person_who_wrote_a_letter_cannot_approve_it(
    app: Flask, manager: FlaskClient, smtp: SmtpServer
) -> None:
    # A complaints manager drafts it themselves.
    reference = a_responded_case(manager)
    send_for_approval(manager, reference)
    page = look(manager, letter_url(reference))
    assert "You wrote or changed this letter, so someone else must approve it." in page.text
    assert "Confirm" not in page.text
    # Sending the approval anyway is refused, saying why.
    refused = read(
        manager.post(
            f"{letter_url(reference)}/decision",
            data={
                "csrf_token": page.csrf_token,
                "version": stored_letter(reference).version,
                "decision": "email",
            },
        )
    )
    assert refused.status == 200
    assert errors_shown_twice(refused) == {
        "decision": "You wrote or changed this letter, so someone else must approve it. Ask "
        "another complaints manager to approve it."
    }
    assert stored_letter(reference).status == "awaiting_approval"

    # Another complaints manager can.
    other = browser(app)
    sign_in(other, make_staff(Role.MANAGER, email="second.manager@council.example"))
    decide(other, reference, "email")
    assert stored_letter(reference).status == "sent"


def test_a_small_council_can_let_the_writer_approve_their_own_letter(
    app: Flask, manager: FlaskClient
) -> None:
    app.config["LETTER_SELF_APPROVAL_ALLOWED"] = True
    reference = a_responded_case(manager)
    send_for_approval(manager, reference)
    page = decide(manager, reference, "email")
    assert "The letter is approved and sent by email." in page.notification_banner
    assert stored_letter(reference).approved_by_id == stored_letter(reference).drafted_by_id


def test_a_returned_letter_goes_back_to_the_caseworker_with_the_comments(
    caseworker: FlaskClient, manager: FlaskClient
) -> None:
    reference = a_responded_case(caseworker)
    send_for_approval(caseworker, reference)
    # Nothing chosen, and returning without comments, are both refused.
    assert errors_shown_twice(decide(manager, reference, "")) == {
        "decision": "Select what you want to do with the letter"
    }
    assert errors_shown_twice(decide(manager, reference, "return")) == {
        "comments": "Enter what needs to change"
    }
    page = decide(manager, reference, "return", "Say when the new social worker starts.")
    assert "returned to the caseworker with your comments" in page.notification_banner

    page = look(caseworker, letter_url(reference))
    assert "Returned with comments" in page.text
    assert "Say when the new social worker starts." in page.text
    assert page.value_of("body")  # editable again
    assert any(
        "response letter returned" in e for e in audit_trail(case_page(caseworker, reference))
    )
    send_for_approval(
        caseworker, reference, str(page.value_of("body")) + "\n\nShe starts on 2 March."
    )
    decide(manager, reference, "email")
    assert stored_letter(reference).status == "sent"
    assert "She starts on 2 March." in stored_letter(reference).body


def test_a_letter_approved_for_printing_prints_as_a_page_and_a_pdf_and_is_kept_as_posted(
    app: Flask, caseworker: FlaskClient, manager: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_responded_case(caseworker)
    send_for_approval(caseworker, reference)
    page = decide(manager, reference, "post")
    assert "The letter is approved. Print it and post it today." in page.notification_banner

    printed = look(manager, page.link_to("Print the letter"))
    assert "Dear Pat Parent," in printed.text
    assert UPHELD_POINT in printed.text
    assert f"Our reference: {reference}" in printed.text
    assert "not approved" not in printed.text
    pdf = manager.get(f"{letter_url(reference)}/letter.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert f"{reference}-stage-1-letter.pdf" in pdf.headers["Content-Disposition"]

    # Kept on the case as posted: no email to the complainant, no reminder task.
    deliver()
    assert letter_emails(smtp, "pat@example.com", "our stage 1 response") == []
    case = case_page(caseworker, reference)
    assert table_after(case, "Response letters")[0][1] == "Sent by post"
    (row,) = [
        r
        for r in table_after(case, "Letters and messages to the complainant")
        if "Response letter" in r[1]
    ]
    assert row[3].startswith("By post")
    db.session.expire_all()
    assert db.session.scalars(sa.select(Task).where(Task.kind == "send_by_post")).all() == []
    events = audit_trail(case)
    assert any(e.startswith("manager person: response letter printed") for e in events)


def test_a_draft_prints_marked_as_a_draft(caseworker: FlaskClient) -> None:
    reference = a_responded_case(caseworker)
    the_draft(caseworker, reference)
    save_draft(caseworker, reference)
    printed = look(caseworker, f"{letter_url(reference)}/print")
    assert "This letter is not approved yet. Do not send it." in printed.text
    assert "DRAFT: not approved" in printed.text
    assert caseworker.get(f"{letter_url(reference)}/letter.pdf").data.startswith(b"%PDF")


def test_a_childs_email_says_only_that_there_is_a_letter_and_the_tracking_page_shows_it(
    app: Flask, caseworker: FlaskClient, manager: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_responded_case(caseworker, role=SubmitterRole.CHILD, email="sam@example.com")
    page = the_draft(caseworker, reference)
    body = str(page.value_of("body"))
    assert "you can ask someone else to look at it" in body
    assert "An advocate can help you say what you think." in body
    send_for_approval(caseworker, reference)
    deliver()
    before = len(smtp.inbox.to("sam@example.com"))
    decide(manager, reference, "email")
    deliver()

    (notice,) = smtp.inbox.to("sam@example.com")[before:]
    assert "a new message about" in notice.subject
    words = readable(notice)
    for secret in (UPHELD_POINT, NOT_UPHELD_POINT, "We agree with you", "Tell us by", "Pat Parent"):
        assert secret not in words, secret
    assert "our stage 1 response" not in notice.subject
    tracked = tracking_page(app.test_client(), notice)
    assert UPHELD_POINT in tracked.text
    assert "We agree with you." in tracked.text


def test_a_welsh_case_gets_its_letter_in_welsh(
    app: Flask, caseworker: FlaskClient, manager: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_responded_case(caseworker, language="cy")
    page = the_draft(caseworker, reference)
    assert "The letter is in Welsh, the language the person used." in page.text
    assert page.value_of("subject") == f"Eich cwyn {reference}: ein hymateb cam 1"
    body = str(page.value_of("body"))
    assert "Ein canfyddiad: wedi'i gadarnhau." in body
    assert "Dydd Mercher 4 Chwefror 2026" in body
    assert "Please ask by" not in body
    send_for_approval(caseworker, reference)
    decide(manager, reference, "email")
    deliver()
    (email,) = letter_emails(smtp, "pat@example.com", "ein hymateb cam 1")
    words = readable(email)
    assert "Annwyl Pat Parent," in words
    assert "Ein canfyddiad: wedi'i gadarnhau." in words
    printed = look(manager, f"{letter_url(reference)}/print")
    assert f"Ein cyfeirnod: {reference}" in printed.text


def test_the_letter_can_be_filled_in_again_from_the_case(caseworker: FlaskClient) -> None:
    reference = a_responded_case(caseworker)
    the_draft(caseworker, reference)
    save_draft(caseworker, reference, "Just a start.")
    save(
        caseworker,
        f"/staff/cases/{reference}/points",
        {"stage": "1", "summary": "Nobody returned my calls.", "outcome": "upheld"},
    )
    response = post_form(caseworker, letter_url(reference), {"action": "refill"})
    refilled = read(response)
    assert "The letter is filled in again from the case. Nothing is saved" in refilled.text
    assert "3. Nobody returned my calls." in str(refilled.value_of("body"))
    assert stored_letter(reference).body == "Just a start."


def test_opening_a_letter_or_filling_it_in_again_is_a_view_of_the_case_in_its_trail(
    app: Flask, caseworker: FlaskClient, manager: FlaskClient
) -> None:
    reference = a_responded_case(caseworker)
    save_draft(caseworker, reference, f"Dear Pat, {OUR_EDIT}")
    auditor = browser(app)
    sign_in(auditor, make_staff(Role.AUDITOR))
    by_manager = ["manager person", "Opened the case"]
    assert by_manager not in who_looked(auditor, reference)
    # The manager reads the draft without opening the case page.
    assert OUR_EDIT in str(look(manager, letter_url(reference)).value_of("body"))
    assert who_looked(auditor, reference).count(by_manager) == 1
    # Filled in again from the case, the letter shows what the case holds.
    refilled = read(post_form(manager, letter_url(reference), {"action": "refill"}))
    assert UPHELD_POINT in str(refilled.value_of("body"))
    assert who_looked(auditor, reference).count(by_manager) == 3  # the page, then the refill


def test_a_second_person_saving_a_stale_copy_is_refused(
    app: Flask, caseworker: FlaskClient
) -> None:
    reference = a_responded_case(caseworker)
    other = browser(app)
    sign_in(
        other,
        make_staff(Role.TEAM_MEMBER, team="Looked After Children", email="other@council.example"),
    )
    stale = the_draft(other, reference)
    save_draft(caseworker, reference, "Mine.")
    response = other.post(
        letter_url(reference),
        data={
            "csrf_token": stale.csrf_token,
            "version": "",
            "action": "save",
            "subject": stale.value_of("subject"),
            "body": "Theirs.",
        },
    )
    refused = read(response)
    assert "Someone else changed this letter while you were working on it." in refused.text
    assert stored_letter(reference).body == "Mine."


def test_only_the_stages_the_procedure_has_are_letters(caseworker: FlaskClient) -> None:
    reference = a_responded_case(caseworker)
    assert caseworker.get(letter_url(reference, 4)).status_code == 404
    assert caseworker.get(f"{letter_url(reference, 1)}/print").status_code == 404  # none yet
    case = case_page(caseworker, reference)
    assert "Draft the stage 2" not in case.text  # stage 2 has not been asked for


def test_no_letter_text_goes_out_before_approval(caseworker: FlaskClient) -> None:
    reference = a_responded_case(caseworker)
    send_for_approval(caseworker, reference)
    db.session.expire_all()
    case_id = db.session.scalar(sa.select(Submission.id).where(Submission.reference == reference))
    kept = db.session.scalars(
        sa.select(Correspondence).where(
            Correspondence.submission_id == case_id, Correspondence.kind == "response_letter"
        )
    ).all()
    assert kept == []
    queued = db.session.scalars(
        sa.select(OutboxMessage.subject).where(OutboxMessage.submission_id == case_id)
    ).all()
    assert not any("our stage 1 response" in subject for subject in queued)


def test_the_letter_is_in_a_subject_access_export_and_its_words_go_when_the_case_is_purged(
    caseworker: FlaskClient, manager: FlaskClient
) -> None:
    reference = a_responded_case(caseworker)
    send_for_approval(caseworker, reference)
    decide(manager, reference, "email")
    move(caseworker, reference, "close", date(2026, 3, 2))

    exported = post_form(
        manager, "/staff/subject-access", {"reference": reference, "email": "", "format": "json"}
    ).get_data(as_text=True)
    assert UPHELD_POINT in exported
    (letter,) = json.loads(exported)["cases"][0]["response_letters"]
    assert letter["status"] == "sent"
    assert letter["text"].startswith("Dear Pat Parent,\n\n")

    retention.purge(date(2033, 1, 1))
    kept = stored_letter(reference)
    assert (kept.subject, kept.greeting, kept.body) == ("", "", "")
    assert (kept.stage, kept.status, kept.sent_how) == (1, "sent", "email")
    # The copy kept as sent goes too, its HTML with its words.
    (sent,) = db.session.scalars(
        sa.select(Correspondence).where(Correspondence.kind == "response_letter")
    )
    assert (sent.subject, sent.body, sent.body_html) == ("", "", "")


def test_a_letter_waiting_for_approval_or_sent_cannot_be_changed(
    caseworker: FlaskClient, manager: FlaskClient
) -> None:
    reference = a_responded_case(caseworker)
    page = the_draft(caseworker, reference)
    typed = {"action": "save", "subject": page.value_of("subject"), "body": "Changed."}
    send_for_approval(caseworker, reference)
    response = caseworker.post(letter_url(reference), data={**hidden_fields(page), **typed})
    refused = read(response)
    assert errors_shown_twice(refused)["body"].startswith(
        "This letter has been sent for approval, so it cannot be changed now."
    )
    assert refused.value_of("body") == "Changed."  # what was typed is not lost
    decide(manager, reference, "email")
    response = caseworker.post(letter_url(reference), data={**hidden_fields(page), **typed})
    assert errors_shown_twice(read(response)) == {
        "body": "This letter has been sent, so it cannot be changed."
    }
    assert stored_letter(reference).body != "Changed."


def test_a_letter_with_a_long_paragraph_arrives_whole(
    caseworker: FlaskClient, manager: FlaskClient, smtp: SmtpServer
) -> None:
    # A mail server may refuse any line longer than 998 characters (RFC 5321; the test
    # server does), and a caseworker's paragraph easily is. The email must still arrive,
    # with the paragraph as written, accents and dashes included.
    paragraph = " ".join(
        f"Point {n}: we looked again at the visit on 3 March – Zoë's review – and agree."
        for n in range(1, 30)
    )
    assert len(paragraph) > 2000
    reference = a_responded_case(caseworker)
    body = str(the_draft(caseworker, reference).value_of("body")) + "\n\n" + paragraph
    send_for_approval(caseworker, reference, body)
    decide(manager, reference, "email")
    deliver()

    (email,) = letter_emails(smtp, "pat@example.com", "our stage 1 response")
    assert paragraph in email.text.replace("\r\n", "\n")
    assert paragraph in html.unescape(email.html)
    assert max(len(line) for line in email.raw.splitlines()) <= 998
    assert outbox_failures() == []


def outbox_failures() -> list[str]:
    return [
        str(m.last_error)
        for m in db.session.scalars(sa.select(OutboxMessage))
        if m.last_error is not None
    ]
