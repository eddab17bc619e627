"""Feedback on the handling (issue 8), as the complainant and the complaints manager meet
it: the invitation that arrives (once) at a real SMTP server when a complaint closes, the
questionnaire behind its secret link (or the tracking page), its errors, a child's
words, Welsh, and the answers in the annual report's learning section, anonymous."""

import csv
import io
import json
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    browser,
    date_parts,
    errors_shown_twice,
    move,
    new_complaint,
    post_form,
    press,
    read,
    received_at,
    save,
    sign_in_as_manager,
    table_after,
)
from conftest import deliver, sending_to
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import Page, london_today
from smtp_server import Received, SmtpServer

from portal.domain.reports import financial_year
from portal.domain.types import Kind, SubmitterRole
from portal.extensions import db
from portal.models import (
    AuditEvent,
    Case,
    Correspondence,
    FeedbackAnswer,
    FeedbackInvitation,
    Submission,
    Task,
)
from portal.services import retention

ADULT_SUBJECT = "tell us how we handled your complaint"
CHILD_QUESTION = "Did we keep telling you what was happening?"
ALL_GOOD = {"easy": "5", "informed": "4", "on_time": "4", "respect": "5", "satisfied": "4"}


@pytest.fixture
def app(app: Flask, smtp: SmtpServer) -> Flask:
    return sending_to(app, smtp)


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    client = browser(app)
    sign_in_as_manager(client)
    return client


# --- helpers ------------------------------------------------------------------------------


def a_complaint(**options: object) -> str:
    """Received a few days ago (the invitation counts on the day it is sent: today)."""
    today = london_today()
    return new_complaint(when=received_at(today.replace(day=1)), **options).reference  # type: ignore[arg-type]


def close(manager: FlaskClient, reference: str) -> Page:
    """Accept it, reply at stage 1 and close it, as the complaints manager does."""
    today = london_today()
    start = today.replace(day=1)
    move(manager, reference, "accept", start)
    move(manager, reference, "respond_stage1", today, outcome="partially_upheld")
    return move(manager, reference, "close", today)


def invitations_to(smtp: SmtpServer, address: str) -> list[Received]:
    return [
        m for m in smtp.inbox.to(address) if "how we" in m.subject or "new message" in m.subject
    ]


def questionnaire_link(received: Received) -> str:
    links = set(re.findall(r"https?://\S+/feedback/[\w-]+(?:\?lang=cy)?", received.text))
    assert len(links) == 1, links
    link = links.pop()
    assert link in received.html
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def an_adult_invited(manager: FlaskClient, smtp: SmtpServer) -> tuple[str, str]:
    """A parent's complaint, closed; its reference and the link in the email they got."""
    reference = a_complaint(email="dana@example.com")
    close(manager, reference)
    deliver()
    return reference, questionnaire_link(invitations_to(smtp, "dana@example.com")[0])


def tracking_link(received: Received) -> str:
    (link,) = set(re.findall(r"https?://\S+/track/[^\s<\"]+", received.text))
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def open_page(client: FlaskClient, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html", (url, response.mimetype)  # a page, not text
    return read(response)


def answer(client: FlaskClient, url: str, data: dict[str, str]) -> Page:
    """Fill in the questionnaire at `url` and send it; the page it leads to."""
    token = open_page(client, url).csrf_token
    response = client.post(url, data={"csrf_token": token, **data})
    if response.status_code == 302:
        return open_page(client, response.location)
    return read(response)


def section_rows(page: Page, heading: str) -> list[list[str]]:
    """The rows of the section's own table; none when it says "None in this period"."""
    found = next(e for e in page.elements if e.tag == "h2" and e.text == heading)
    after = page.elements[page.elements.index(found) + 1 :]
    end = next((i for i, e in enumerate(after) if e.tag == "h2"), len(after))
    if not any(e.tag == "table" for e in after[:end]):
        return []
    return table_after(page, heading)


def answers() -> list[FeedbackAnswer]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(FeedbackAnswer)))


def invitation_of(reference: str) -> FeedbackInvitation | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(FeedbackInvitation)
        .join(Submission, Submission.id == FeedbackInvitation.submission_id)
        .where(Submission.reference == reference)
    )


# --- the invitation -------------------------------------------------------------------------


def test_closing_a_complaint_emails_one_invitation_and_nothing_after_it_invites_again(
    manager: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_complaint(email="dana@example.com")
    close(manager, reference)
    deliver()
    (email,) = invitations_to(smtp, "dana@example.com")
    assert ADULT_SUBJECT in email.subject
    assert "6 short questions" in email.text
    assert questionnaire_link(email).startswith("/feedback/")
    assert invitation_of(reference) is not None

    # Closing again is refused, and the ombudsman's steps on a closed case invite nobody.
    again = post_form(
        manager, f"/staff/cases/{reference}/move/close", {"on": [str(x) for x in (1, 1, 2030)]}
    )
    assert again.status_code == 200
    save(
        manager,
        f"/staff/cases/{reference}/ombudsman",
        {"received_on": date_parts(london_today())},
    )
    deliver()
    assert len(invitations_to(smtp, "dana@example.com")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackInvitation)) == 1
    # The invitation is kept on the case with the other letters.
    kinds = db.session.scalars(sa.select(Correspondence.kind)).all()
    assert kinds.count("feedback_invitation") == 1


def test_a_withdrawn_complaint_is_invited_but_a_compliment_is_not(
    manager: FlaskClient, smtp: SmtpServer
) -> None:
    withdrawn = a_complaint(email="wes@example.com")
    move(manager, withdrawn, "withdraw", london_today())
    thanks = a_complaint(email="chris@example.com", kind=Kind.COMPLIMENT)
    post_form(manager, f"/staff/cases/{thanks}/thank", {"on": [str(x) for x in (1, 1, 2030)]})
    deliver()
    assert len(invitations_to(smtp, "wes@example.com")) == 1
    assert invitation_of(thanks) is None


def test_someone_without_email_is_invited_by_post_through_a_task_for_staff(
    manager: FlaskClient, smtp: SmtpServer
) -> None:
    reference = a_complaint(email=None)
    close(manager, reference)
    tasks = db.session.scalars(sa.select(Task.description).where(Task.kind == "send_by_post"))
    assert [t for t in tasks if "how we handled your complaint" in t]
    assert invitation_of(reference) is not None


# --- the questionnaire ----------------------------------------------------------------------


def test_the_link_opens_the_questionnaire_and_an_empty_answer_shows_every_error(
    manager: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    reference, link = an_adult_invited(manager, smtp)
    person = browser(app)
    page = open_page(person, link)
    assert page.headings[0] == "Tell us how we handled your complaint"
    assert page.title.startswith("Tell us how we handled your complaint")
    legends = [e.text for e in page.find_all("legend")]
    assert legends == [
        "It was easy to make my complaint",
        "You kept me informed about what was happening",
        "You replied when you said you would",
        "You treated me with respect",
        "Overall, I am satisfied with the way my complaint was handled",
    ]
    assert "Strongly agree" in page.text and "Neither agree nor disagree" in page.text
    assert "govuk-exit-this-page" in page.html

    sent_empty = answer(person, link, {})
    assert sent_empty.status == 200
    assert errors_shown_twice(sent_empty) == {
        "easy": "Select how much you agree that it was easy to make your complaint",
        "informed": "Select how much you agree that we kept you informed",
        "on_time": "Select how much you agree that we replied when we said we would",
        "respect": "Select how much you agree that we treated you with respect",
        "satisfied": "Select how much you agree that you are satisfied with how it was handled",
    }
    # What was chosen stays chosen when another answer is missing.
    half = answer(person, link, {"easy": "2"})
    assert half.value_of("easy") == "2"
    assert answers() == []


def test_an_answer_is_kept_without_the_case_and_the_person_is_thanked(
    manager: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    reference, link = an_adult_invited(manager, smtp)
    comment = (
        f"Pat Parent here ({reference}). Call me on 07700 900982 or dana@example.com. "
        "The visit on 3 March was missed but the reply was kind."
    )
    thanks = answer(browser(app), link, ALL_GOOD | {"comment": comment})
    assert thanks.headings[0] == "Thank you for telling us how we did"

    (kept,) = answers()
    assert (kept.easy, kept.informed, kept.on_time, kept.respect, kept.satisfied) == (
        5,
        4,
        4,
        5,
        4,
    )
    assert kept.answered_month == london_today().replace(day=1)
    assert (kept.child, kept.stage_reached) == (False, "1")
    assert (
        kept.procedure
        == db.session.scalars(
            sa.select(Case.procedure)
            .join(Submission, Submission.id == Case.submission_id)
            .where(Submission.reference == reference)
        ).one()
    )
    # Nothing ties the answer to the case: no key to it, no time finer than the month.
    assert not FeedbackAnswer.__table__.foreign_keys
    assert "submission_id" not in FeedbackAnswer.__table__.columns
    assert not {"created_at", "answered_at"} & set(FeedbackAnswer.__table__.columns.keys())
    for gone in ("Pat", "Parent", reference, "07700", "dana@example.com", "3 March"):
        assert gone not in kept.comment, (gone, kept.comment)
    assert "the reply was kind" in kept.comment
    invitation = invitation_of(reference)
    assert invitation is not None and invitation.answered_at is not None
    # The case's trail says it was answered, never what was answered.
    (event,) = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "feedback_answered")
    )
    assert event.detail == {}


def test_a_second_answer_with_the_same_link_is_refused_kindly(
    manager: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    reference, link = an_adult_invited(manager, smtp)
    person = browser(app)
    token = open_page(person, link).csrf_token  # a second tab, opened before the first answer
    answer(person, link, ALL_GOOD)

    again = open_page(person, link, status=410)
    assert again.headings[0] == "You have already told us how we did"
    late_tab = person.post(link, data={"csrf_token": token, **ALL_GOOD})
    assert late_tab.status_code == 410
    assert "You have already told us how we did" in read(late_tab).text
    assert len(answers()) == 1


def test_a_wrong_link_says_kindly_that_it_does_not_work(app: Flask) -> None:
    page = open_page(app.test_client(), "/feedback/not-a-real-link", status=404)
    assert page.headings[0] == "This link does not work"
    assert "call us on" in page.text


def test_a_child_gets_a_notice_then_the_childrens_words_from_the_tracking_page(
    manager: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    reference = a_complaint(email="kit@example.com", role=SubmitterRole.CHILD, child_age=13)
    close(manager, reference)
    deliver()
    # A child's inbox gets only notices (the stage 1 reply's, then this one's): no
    # questionnaire link, no words about the case.
    notices = invitations_to(smtp, "kit@example.com")
    assert not [m for m in notices if "/feedback/" in m.text or "how we" in m.subject]
    notice = notices[-1]
    person = browser(app)
    tracking = open_page(person, tracking_link(notice))
    assert "Tell us how we did" in [e.text for e in tracking.find_all("h2")]
    assert "Finished" in tracking.text
    button = tracking.link_to("Answer the questions")
    assert button == f"/track/{reference}/{tracking_link(notice).split('/')[3]}/feedback"
    # The message itself, shown on the tracking page, carries the link too.
    assert "/feedback/" in tracking.text

    questions = open_page(person, button)
    assert questions.headings[0] == "Tell us how we did"
    legends = [e.text for e in questions.find_all("legend")]
    assert CHILD_QUESTION in legends
    assert "Yes, definitely" in questions.text and "No, not at all" in questions.text
    assert "Strongly agree" not in questions.text
    empty = answer(person, button, {})
    assert errors_shown_twice(empty)["informed"] == (
        "Tell us if we kept telling you what was happening"
    )

    thanks = answer(person, button, ALL_GOOD | {"comment": "My worker Sam listened."})
    assert thanks.headings[0] == "Thank you for telling us how we did"
    assert "Childline" in thanks.text
    (kept,) = answers()
    assert kept.child is True
    after = open_page(person, tracking_link(notice))
    assert "Thank you for telling us how we did." in after.text
    assert "Answer the questions" not in [e.text for e in after.find_all("a")]


def test_a_welsh_complaint_is_invited_and_asked_in_welsh(
    manager: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    app.config["WELSH_ENABLED"] = True
    reference = a_complaint(email="dafydd@example.com")
    case = db.session.scalars(sa.select(Submission).where(Submission.reference == reference)).one()
    case.language = "cy"  # they wrote in Welsh
    db.session.commit()
    close(manager, reference)
    deliver()
    (email,) = [m for m in smtp.inbox.to("dafydd@example.com") if "/feedback/" in m.text]
    assert ADULT_SUBJECT not in email.subject
    link = questionnaire_link(email)
    assert link.endswith("?lang=cy")
    person = browser(app)
    page = open_page(person, link)
    assert page.find_all("html")[0].attrs["lang"] == "cy"
    assert page.headings[0] != "Tell us how we handled your complaint"
    assert "Strongly agree" not in page.text
    thanks = answer(person, link.split("?")[0], ALL_GOOD)
    assert thanks.find_all("html")[0].attrs["lang"] == "cy"
    (kept,) = answers()
    assert kept.language == "cy"


# --- the annual report -----------------------------------------------------------------------


def test_the_annual_report_shows_the_answers_and_comments_without_names_or_emails(
    manager: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    adult = a_complaint(email="dana@example.com")
    child = a_complaint(email="kit@example.com", role=SubmitterRole.CHILD, child_age=12)
    silent = a_complaint(email="quiet@example.com")
    for reference in (adult, child, silent):
        close(manager, reference)
    deliver()
    person = browser(app)
    answer(
        person,
        questionnaire_link(invitations_to(smtp, "dana@example.com")[0]),
        ALL_GOOD | {"satisfied": "1", "comment": "Pat Parent (dana@example.com): too slow."},
    )
    tracking = open_page(person, tracking_link(invitations_to(smtp, "kit@example.com")[-1]))
    answer(person, tracking.link_to("Answer the questions"), ALL_GOOD | {"comment": "Nice."})

    year = financial_year(london_today())
    dates = f"?from={year.start.isoformat()}&to={year.end.isoformat()}"
    page = open_page(manager, f"/staff/reports/annual{dates}")
    summary = {
        row[0]: row[1] for row in table_after(page, "Feedback on the handling of complaints")
    }
    assert summary["Questionnaires sent when a complaint closed"] == "3"
    assert summary["Of those, answered so far"] == "2"
    assert summary["Response rate (%)"] == "66.7"
    assert summary["Of those, from children and young people"] == "1"
    assert summary["Answered after stage 1"] == "2"
    adults = {row[0]: row[1:] for row in table_after(page, "Feedback: adults' answers")}
    # Strongly agree, agree, neither, disagree, strongly disagree, agree (%).
    assert adults["Satisfied with the way it was handled"] == ["0", "0", "0", "0", "1", "0.0"]
    assert adults["It was easy to make the complaint"] == ["1", "0", "0", "0", "0", "100.0"]
    children = {
        row[0]: row[1:]
        for row in table_after(page, "Feedback: children's and young people's answers")
    }
    assert children["We kept them informed"] == ["0", "1", "0", "0", "0", "100.0"]
    comments = table_after(page, "Feedback: what people wrote")
    assert sorted(comments) == [
        ["Adult", "[name removed] ([email removed]): too slow."],
        ["Child or young person", "Nice."],
    ]
    for secret in ("Pat Parent", "dana@example.com", adult, child, "Kit"):
        assert secret not in page.text

    # The table as CSV, and the whole report from the command line.
    response = manager.get(f"/staff/reports/annual/feedback-comments.csv{dates}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["Adult", "[name removed] ([email removed]): too slow."] in rows
    runner = app.test_cli_runner()
    printed = runner.invoke(
        args=["report", "annual", "--from", str(year.start), "--to", str(year.end)]
    )
    figures = json.loads(printed.output)
    assert figures["feedback"]["invited"] == 3
    assert figures["feedback"]["children"]["easy"]["5"] == 1
    assert figures["previous"]["feedback"]["invited"] == 0
    assert {"from": "child", "comment": "Nice."} in figures["feedback_comments"]
    as_csv = runner.invoke(
        args=[
            "report",
            "annual",
            "--from",
            str(year.start),
            "--to",
            str(year.end),
            "--format",
            "csv",
        ]
    ).output
    assert "feedback,response_rate_percent,66.7,,\n" in as_csv
    assert "feedback_comments,child,Nice.,,\n" in as_csv


FORMULAS = ['=HYPERLINK("http://x","y")', "+SUM(A1:A9)", "-SUM(A1:A9)", "@SUM(A1:A9)"]


def test_a_comment_typed_as_a_formula_is_text_in_every_csv(
    manager: FlaskClient, app: Flask
) -> None:
    """A spreadsheet opening the report must show what was typed, not run it: the
    table's CSV and the whole report's both put a quote in front (OWASP CSV injection).
    (The report's own negative figures stay numbers: test_annual_report.py.)"""
    from portal.services import feedback, reports

    for comment in FORMULAS:
        case = new_complaint(email="dana@example.com")
        invitation = feedback.invite(case)
        db.session.commit()
        assert invitation is not None
        feedback.record_answer(invitation, {q: 4 for q in ALL_GOOD}, comment)
    year = financial_year(london_today())
    dates = f"?from={year.start.isoformat()}&to={year.end.isoformat()}"

    table = manager.get(f"/staff/reports/annual/feedback-comments.csv{dates}")
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True))))
    assert sorted(comment for _, comment in rows[1:]) == sorted(f"'{c}" for c in FORMULAS)

    whole = list(csv.reader(io.StringIO(reports.as_csv(reports.annual_report(year)))))
    written = [row[2] for row in whole if row[0] == "feedback_comments"]
    assert sorted(written) == sorted(f"'{c}" for c in FORMULAS)


def test_the_manager_hides_a_comment_from_the_report_and_can_show_it_again(
    manager: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    reference, link = an_adult_invited(manager, smtp)
    answer(browser(app), link, ALL_GOOD | {"comment": "Ask Mrs Smith at the school."})
    (kept,) = answers()
    year = financial_year(london_today())
    dates = f"?from={year.start.isoformat()}&to={year.end.isoformat()}"
    report = f"/staff/reports/annual{dates}"
    action = f"/staff/reports/feedback-comments/{kept.id}{dates}"

    page = press(manager, report, action, {"hide": "yes"})
    assert section_rows(page, "Feedback: what people wrote") == []
    assert "Mrs Smith" not in " ".join(
        e.text for e in page.find_all("table")
    )  # still listed below, to show again
    page = press(manager, report, action, {"hide": "no"})
    assert table_after(page, "Feedback: what people wrote") == [
        ["Adult", "Ask Mrs Smith at the school."]
    ]
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "feedback_comment_hidden" in actions and "feedback_comment_shown" in actions


def test_answers_count_in_the_period_of_their_month(app: Flask) -> None:
    """An answer keeps only its month: a quarter counts the months that begin in it."""
    db.session.add_all(
        [
            FeedbackAnswer(
                answered_month=month,
                child=False,
                stage_reached="1",
                procedure="england_children",
                language="en",
                comment="",
                **dict.fromkeys(("easy", "informed", "on_time", "respect", "satisfied"), 3),
            )
            for month in (date(2025, 6, 1), date(2025, 7, 1), date(2025, 9, 1))
        ]
    )
    db.session.commit()
    from portal.domain.reports import Period
    from portal.services import feedback

    figures, _ = feedback.report_figures(Period(date(2025, 7, 1), date(2025, 9, 30)))
    assert figures["answers"] == 2
    assert figures["invited"] == 0 and figures["response_rate_percent"] is None


def test_once_the_case_is_purged_its_unanswered_link_no_longer_works(
    manager: FlaskClient, smtp: SmtpServer, app: Flask
) -> None:
    reference, link = an_adult_invited(manager, smtp)
    open_page(app.test_client(), link)  # works while the case is kept
    years_later = london_today().replace(year=london_today().year + 7)
    purged = retention.purge(years_later)
    assert [item.reference for item in purged] == [reference]
    page = open_page(app.test_client(), link, status=404)
    assert page.headings[0] == "This link does not work"
    assert invitation_of(reference) is not None  # still counted as sent in the report
