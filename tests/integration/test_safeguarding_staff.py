"""Danger, as staff meet it (docs/safeguarding-what-happens.md): urgent cases on top of the
queue with their own red status until someone records what was done, possible concerns
next; an alert nobody acts on is sent again once to the complaints manager and the
out-of-hours team; a child's help page left unsent becomes a task with what was written.
The sweep is driven with an explicit `now`; two sweeps at once run on SQLite and on
PostgreSQL (DATABASE_URL)."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from backoffice_helpers import (
    audit_trail,
    case_page,
    make_staff,
    new_complaint,
    read,
    save,
    sign_in,
)
from conftest import sending_to, twice_at_once
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from journey_helpers import Journey, answers_for, page_of
from smtp_server import SmtpServer

from portal import create_app
from portal.domain.access import Role
from portal.domain.safeguarding import Signal, Strength
from portal.domain.types import Kind
from portal.extensions import db
from portal.models import AuditEvent, Draft, OutboxMessage, Staff, Submission, UnsentConcern
from portal.services import intake, outbox, retention, safeguarding, subject_access

DANGER_SENTENCE = "My stepdad hits me when mum is at work."
MANAGER = "complaints.manager@northmoor.example"
SAFEGUARDING_TEAM = "First Response / Referral and Assessment"
TEAM_INBOX = "first.response@northmoor.example"
OUT_OF_HOURS = "out.of.hours@northmoor.example"  # SAFEGUARDING_ESCALATION_EMAIL
T = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)  # a Saturday night: round the clock


def urgent_case(when: datetime = T) -> Submission:
    return new_complaint(text=f"Nobody listens. {DANGER_SENTENCE}", when=when)


def purposes() -> Counter[tuple[str, str]]:
    return Counter(
        (m.purpose, m.recipient)
        for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))
    )


def abandoned_help_page(
    *, role: str = "child", reach: str | None = "07700 900982", at: datetime = T
) -> Draft:
    """A journey that reached the help page and went no further, as the portal keeps it."""
    draft = intake.start_draft(Kind.COMPLAINT)
    intake.save_step(draft, "who-are-you", {"role": [role]}, complete=True)
    intake.save_step(draft, "are-you-safe", {"in_danger": ["no"]}, complete=True)
    intake.save_step(
        draft,
        "what-happened",
        {"what_happened": [f"I hate it here. {DANGER_SENTENCE}"]},
        complete=True,
    )
    if reach:
        safeguarding.save_contact_today(
            draft,
            {"contact_today": ["yes"], "contact_detail": [reach]},
            wanted=True,
            reach=reach,
        )
    safeguarding.help_shown(draft, now=at)
    return draft


# --- the queue and the case ---------------------------------------------------------------------


def queue_rows(client: FlaskClient) -> list[tuple[str, str]]:
    """(reference cell, status) of each row, in the order shown."""
    page = read(client.get("/staff/"))
    rows = []
    for row in page.find_all("tr"):
        if not row.attrs.get("id", "").startswith("row-"):
            continue
        rows.append(row.attrs["id"].removeprefix("row-"))
    statuses = [
        tag.text
        for tag in page.find_all("strong", "govuk-tag")
        if tag.text
        in {
            "Possible danger: not yet looked at",
            "Overdue",
            "Due within 2 working days",
            "On track",
        }
    ]
    return list(zip(rows, statuses, strict=True))


def test_possible_danger_has_its_own_red_status_on_top_until_someone_records_what_was_done(
    client: FlaskClient,
) -> None:
    ordinary = new_complaint(text="The worker was late.")
    urgent = urgent_case(datetime.now(UTC))
    sign_in(client, make_staff(Role.MANAGER))

    rows = queue_rows(client)
    assert rows[0] == (urgent.reference, "Possible danger: not yet looked at")
    assert rows[1][0] == ordinary.reference and rows[1][1] != "Possible danger: not yet looked at"
    queue = read(client.get("/staff/"))
    assert f"“{DANGER_SENTENCE}”" in queue.text
    filtered = read(client.get("/staff/?status=danger"))
    assert urgent.reference in filtered.text and ordinary.reference not in filtered.text

    page = case_page(client, urgent.reference)
    assert "Possible danger: not yet looked at" in page.notification_banner
    assert f"“{DANGER_SENTENCE}”" in page.notification_banner
    assert "On track" not in page.notification_banner

    save(
        client,
        f"/staff/cases/{urgent.reference}/safeguarding",
        {"version": str(urgent.case.version), "action": "Called the child back; referred to MASH."},
    )
    rows = queue_rows(client)
    assert dict(rows)[urgent.reference] != "Possible danger: not yet looked at"
    page = case_page(client, urgent.reference)
    assert "Possible danger: looked at" in page.notification_banner
    assert "Called the child back; referred to MASH." in page.notification_banner


@pytest.fixture
def worried_by_brother(monkeypatch: pytest.MonkeyPatch) -> None:
    """A weaker sign, whatever the matcher of the day calls weak: the portal's handling
    of a CONCERN is under test here, not the matcher (tests/unit for that)."""
    real = safeguarding.assess

    def assess(texts: Any, phrases: Any = ()) -> tuple[Signal, ...]:
        texts = list(texts)
        if any("my brother" in text for text in texts):
            return (Signal(Strength.CONCERN, "I worry about my brother.", "a worry about a child"),)
        return real(texts, phrases)

    monkeypatch.setattr(safeguarding, "assess", assess)


def test_a_possible_concern_is_tagged_and_sorted_after_danger_and_before_the_rest(
    client: FlaskClient, worried_by_brother: None
) -> None:
    ordinary = new_complaint(text="The worker was late.")
    concern = new_complaint(text="The worker was late. I worry about my brother.")
    urgent = urgent_case(datetime.now(UTC))
    assert concern.concern and not concern.urgent
    # No alert for a concern: only the urgent case's two.
    alerted = {
        m.submission_id
        for m in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.purpose == "safeguarding_alert")
        )
    }
    assert alerted == {urgent.id}

    sign_in(client, make_staff(Role.MANAGER))
    order = [reference for reference, _ in queue_rows(client)]
    assert order == [urgent.reference, concern.reference, ordinary.reference]
    row = read(client.get("/staff/")).by_id(f"row-{concern.reference}")
    assert row is not None and "Possible concern" in row.text
    assert "“I worry about my brother.”" in row.text and "a worry about a child" in row.text
    page = case_page(client, concern.reference)
    assert "Possible concern" in page.notification_banner
    assert "“I worry about my brother.”" in page.notification_banner


# --- sent again when nobody acts ---------------------------------------------------------------


def sweep(minutes_after: float, start: datetime = T) -> safeguarding.SweepResult:
    return safeguarding.sweep(now=start + timedelta(minutes=minutes_after))


def test_an_alert_nobody_acts_on_is_sent_again_once_after_the_configured_time(
    app: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    sending_to(app, smtp)
    case = urgent_case()
    assert sweep(59).escalated == 0
    assert sweep(60).escalated == 1
    assert sweep(61).escalated == 0
    assert sweep(24 * 60).escalated == 0
    escalations = purposes()
    assert escalations[("safeguarding_escalation", MANAGER)] == 1
    assert escalations[("safeguarding_escalation", OUT_OF_HOURS)] == 1

    outbox.work_once()
    again = smtp.inbox.to(OUT_OF_HOURS)
    assert len(again) == 1
    assert (
        again[0].subject
        == f"URGENT, NOT YET LOOKED AT: possible danger to a child, {case.reference}"
    )
    assert f'"{DANGER_SENTENCE}"' in again[0].text
    assert "in the 60 minutes since it arrived" in again[0].text

    sign_in(client, make_staff(Role.MANAGER))
    page = case_page(client, case.reference)
    assert "Sent again to the complaints manager and the out-of-hours team" in (
        page.notification_banner
    )
    assert any("The portal: safeguarding escalated" in line for line in audit_trail(page))


def test_the_time_before_sending_again_is_configuration(app: Flask) -> None:
    app.config["SAFEGUARDING_ESCALATE_AFTER_MINUTES"] = 15
    urgent_case()
    assert sweep(14).escalated == 0
    assert sweep(15).escalated == 1


def test_an_alert_someone_acted_on_is_never_sent_again(client: FlaskClient) -> None:
    case = urgent_case()
    sign_in(client, make_staff(Role.MANAGER))
    save(
        client,
        f"/staff/cases/{case.reference}/safeguarding",
        {"version": str(case.case.version), "action": "Spoke to the child's school."},
    )
    assert sweep(120).escalated == 0
    assert not any(purpose == "safeguarding_escalation" for purpose, _ in purposes())


# --- a child's help page left unsent ------------------------------------------------------------


def test_the_help_page_only_looked_at_starts_the_hour_and_a_second_look_does_not_move_it(
    client: FlaskClient,
) -> None:
    """A child who reads "Get help now" and closes the tab without pressing anything:
    the page, shown without a transaction, still notes when they first saw it (the hour
    before a task for staff counts from then, as the next test shows)."""
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", answers_for("complaint", "child")["who-are-you"])
    help_page = journey.post("are-you-safe", {"in_danger": "yes"}).location
    shown_at = sa.select(Draft.help_shown_at)

    assert db.session.scalars(shown_at).one() is None
    before = datetime.now(UTC)
    assert client.get(help_page).status_code == 200
    first = db.session.scalars(shown_at).one()
    assert first is not None and before <= first <= datetime.now(UTC)

    assert client.get(help_page).status_code == 200
    assert db.session.scalars(shown_at).one() == first


def test_a_childs_help_page_left_unsent_for_an_hour_becomes_a_task_with_what_was_written(
    app: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    sending_to(app, smtp)
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "child")
    journey.answer("who-are-you", answers["who-are-you"])
    help_page = journey.post("are-you-safe", {"in_danger": "yes"}).location
    page = page_of(client.get(help_page))
    client.post(
        help_page,
        data={
            "csrf_token": page.csrf_token,
            "contact_today": "yes",
            "contact_detail": "07700 900982",
        },
    )
    journey.answer("your-age", answers["your-age"])
    journey.answer("what-it-is-about", answers["what-it-is-about"])
    journey.post(
        "what-happened", {"what_happened": DANGER_SENTENCE, "when_it_happened": "still_happening"}
    )
    # ... and the tab is closed.
    shown = db.session.scalars(sa.select(Draft)).one().help_shown_at
    assert shown is not None

    assert sweep(59, shown).unsent == 0
    assert sweep(60, shown).unsent == 1
    assert sweep(61, shown).unsent == 0
    concern = db.session.scalars(sa.select(UnsentConcern)).one()
    assert concern.contact_today_by == "07700 900982"
    assert concern.written == [{"source": "what-happened", "text": DANGER_SENTENCE}]
    assert concern.signals[0]["why"].startswith("answered “Yes” to “Is anyone hurting you")
    assert any(sign["sentence"] == DANGER_SENTENCE for sign in concern.signals)

    outbox.work_once()
    for inbox in (TEAM_INBOX, MANAGER):
        [alert] = smtp.inbox.to(inbox)
        assert alert.subject.startswith("Possible concern, not sent")
        assert f'"{DANGER_SENTENCE}"' in alert.text
        assert "They asked us to contact them today, on 07700 900982." in alert.text

    # The complaints manager sees the task at the top of the queue, reads it, acts.
    sign_in(client, make_staff(Role.MANAGER))
    queue = read(client.get("/staff/"))
    assert "Possible concern, not sent: 1" in queue.notification_banner
    task = read(client.get(f"/staff/concerns/{concern.id}"))
    assert task.headings == ["Possible concern, not sent"]
    assert DANGER_SENTENCE in task.text and "07700 900982" in task.text
    save(
        client,
        f"/staff/concerns/{concern.id}/action",
        {"action": "Phoned the number given; the child is safe with their aunt."},
    )
    assert "Possible concern, not sent" not in read(client.get("/staff/")).notification_banner
    assert (
        "the child is safe with their aunt"
        in read(client.get(f"/staff/concerns/{concern.id}")).text
    )


def test_the_help_page_left_unsent_becomes_a_task_only_for_a_child_who_left_a_way_to_reach_them(
    app: Flask,
) -> None:
    abandoned_help_page(reach=None)
    abandoned_help_page(role="parent")
    assert sweep(120).unsent == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnsentConcern)) == 0


def test_a_help_page_sent_within_the_hour_raises_no_task(client: FlaskClient) -> None:
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "child", are_you_safe={"in_danger": "yes"})
    journey.answer("who-are-you", answers["who-are-you"])
    journey.post("are-you-safe", answers["are-you-safe"])
    shown_page = page_of(client.get("/make-a-complaint/get-help-now?then=your-age"))
    client.post(
        "/make-a-complaint/get-help-now?then=your-age",
        data={"csrf_token": shown_page.csrf_token, "contact_today": "no"},
    )
    journey.fill(answers, start="your-age")
    journey.send_and_confirm()
    assert sweep(24 * 60, datetime.now(UTC)).unsent == 0


def test_who_sees_a_task_the_manager_and_the_safeguarding_team_not_another_team(
    client: FlaskClient,
) -> None:
    abandoned_help_page()
    sweep(60)
    concern = db.session.scalars(sa.select(UnsentConcern)).one()
    sign_in(client, make_staff(Role.TEAM_MEMBER, team="Fostering"))
    assert client.get(f"/staff/concerns/{concern.id}").status_code == 404
    assert "Possible concern, not sent" not in read(client.get("/staff/")).notification_banner
    client.post("/staff/sign-out", data={"csrf_token": read(client.get("/staff/")).csrf_token})
    sign_in(client, make_staff(Role.TEAM_MEMBER, team=SAFEGUARDING_TEAM))
    assert client.get(f"/staff/concerns/{concern.id}").status_code == 200


# --- two sweeps at once --------------------------------------------------------------------------


def test_two_sweeps_at_once_send_each_alert_again_once_and_raise_each_task_once(
    app: Flask,
) -> None:
    """Two workers (or a worker and cron): SQLite, and PostgreSQL with DATABASE_URL."""
    references = [urgent_case().reference for _ in range(4)]
    for _ in range(3):
        abandoned_help_page()
    results = twice_at_once(app, lambda: sweep(90))
    assert sum(r.escalated for r in results) == 4
    assert sum(r.unsent for r in results) == 3
    db.session.expire_all()
    sent = purposes()
    assert sent[("safeguarding_escalation", MANAGER)] == 4
    assert sent[("safeguarding_escalation", OUT_OF_HOURS)] == 4
    assert sent[("unsent_concern", TEAM_INBOX)] == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnsentConcern)) == 3
    escalated = db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "safeguarding_escalated")
    )
    assert escalated == len(references)


# --- how it runs ---------------------------------------------------------------------------------


def test_cron_runs_the_sweep_as_at_a_london_time(app: Flask) -> None:
    urgent_case()  # received 22:30 UTC, 22:30 London time in December
    runner = app.test_cli_runner()
    early = runner.invoke(args=["safeguarding", "sweep", "--now", "2026-12-05T23:29"])
    assert "Alerts sent again 0, possible concerns not sent 0." in early.output
    due = runner.invoke(args=["safeguarding", "sweep", "--now", "2026-12-05T23:30"])
    assert "Alerts sent again 1, possible concerns not sent 0." in due.output


def test_the_outbox_worker_sweeps_every_few_minutes_and_a_failed_sweep_does_not_stop_it(
    app: Flask,
) -> None:
    seconds = iter([0.0, 0.0, 60.0, 130.0, 130.0, 200.0, 270.0, 270.0])
    ran: list[str] = []
    loops = iter(range(6))

    def job() -> None:
        ran.append("sweep")
        if len(ran) == 1:
            raise RuntimeError("the database went away")

    outbox.work_forever(
        poll_seconds=0,
        should_stop=lambda: next(loops, None) is None,
        every=(120.0, job),
        clock=lambda: next(seconds),
    )
    # At 0 s (it fails, is logged, and the worker goes on), then at 130 s and 270 s.
    assert ran == ["sweep", "sweep", "sweep"]


# --- old rows, retention, subject access ---------------------------------------------------------


def test_the_migration_turns_old_bare_keywords_into_sentences_and_reasons(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="1acf9419f30e")
        db.session.execute(
            sa.text(
                "INSERT INTO submissions (reference, kind, submitter_role, submitter_name, "
                "contact_preference, what_happened, support_needs, flags, answers, procedure, "
                "tracking_token_hash, received_at, received_on, acknowledge_by, jurisdiction, "
                "urgent, danger_signs, version, stage) VALUES ('CSC-2025-0001', 'complaint', "
                "'child', 'A', 'email', 'It was fine. My dad hits me a lot. Bye.', '[]', '[]', "
                "'{}', 'england_children', 'x', '2025-01-01 10:00:00', '2025-01-01', "
                "'2025-01-06', 'england', 1, :signs, 1, 'triage')"
            ),
            {"signs": '["hits me", "answered the danger question: not_sure", "kil me"]'},
        )
        db.session.commit()
        upgrade()
        signs = db.session.scalars(sa.select(Submission.danger_signs)).one()
        db.session.remove()
        db.engine.dispose()
    assert signs == [
        {
            "strength": "urgent",
            "sentence": "My dad hits me a lot.",
            "why": "words about danger (“hits me”)",
            "source": "what-happened",
        },
        {
            "strength": "urgent",
            "sentence": "",
            "why": "answered “I'm not sure” to “Are you or another child in danger now?”",
            "source": "are-you-safe",
        },
        {
            "strength": "urgent",
            "sentence": "",
            "why": "words about danger (“kil me”)",
            "source": "",
        },
    ]


def test_retention_removes_what_a_task_holds_and_subject_access_finds_it(app: Flask) -> None:
    abandoned_help_page(reach="sam@example.com")
    sweep(60)
    concern = db.session.scalars(sa.select(UnsentConcern)).one()
    staff_email = make_staff(Role.MANAGER)
    manager = db.session.scalars(sa.select(Staff).where(Staff.email == staff_email)).one()
    found = subject_access.export(manager, email="SAM@example.com")
    [held] = found["possible_concerns_not_sent"]
    assert held["contact_today_by"] == "sam@example.com"
    assert DANGER_SENTENCE in str(held["written"])

    safeguarding.record_concern_action(
        manager, concern, action="Emailed; the child replied.", now=T + timedelta(days=1)
    )
    years = app.config["RETENTION_YEARS"]
    assert retention.purge_unsent_concerns((T + timedelta(days=1)).date()) == 0
    due = (T + timedelta(days=1)).date().replace(year=T.year + years)
    assert retention.purge_unsent_concerns(due) == 1
    db.session.expire_all()
    purged = db.session.get(UnsentConcern, concern.id)
    assert purged is not None and purged.purged_at is not None
    assert purged.written == [] and purged.signals == []
    assert purged.contact_today_by is None and purged.action is None
