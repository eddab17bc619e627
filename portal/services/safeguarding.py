"""Safeguarding: recognise signs of immediate danger in what a person sends, alert staff
straight away (ahead of every other message), and record what staff did."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from portal.database import utcnow
from portal.domain.safeguarding import assess, load_phrases
from portal.extensions import db
from portal.models import Staff, Submission
from portal.services import audit, outbox
from portal.services.routing_rules import team_named

ALERT_PRIORITY = 100
DANGER_QUESTION = "in_danger"  # the answer to "Are you or another child in danger now?"
DANGER_ANSWERS = frozenset({"yes", "not_sure"})


@dataclass(frozen=True)
class DangerCheck:
    found: bool
    matched: tuple[str, ...] = ()


@cache
def _phrases(extra: str | None) -> tuple[str, ...]:
    """The council's own phrases (DANGER_PHRASES_FILE); the matcher's words are its own."""
    return load_phrases(Path(extra) if extra else None)


def phrases() -> tuple[str, ...]:
    return _phrases(current_app.config.get("DANGER_PHRASES_FILE"))


def text_values(answers: dict[str, Any]) -> Iterable[str]:
    for value in answers.values():
        if isinstance(value, str):
            yield value


def check_step(answers: dict[str, Any]) -> DangerCheck:
    """Danger in one page's answers: the question answered yes (or not sure), or words."""
    if answers.get(DANGER_QUESTION) in DANGER_ANSWERS:
        return DangerCheck(True, ("answered the danger question: " + answers[DANGER_QUESTION],))
    signals = assess(text_values(answers), phrases())
    return DangerCheck(bool(signals), tuple(f"{s.why}: “{s.sentence}”" for s in signals))


def check_submission(answers: dict[str, dict[str, Any]]) -> DangerCheck:
    signs: list[str] = []
    for step_answers in answers.values():
        signs.extend(check_step(step_answers).matched)
    return DangerCheck(bool(signs), tuple(dict.fromkeys(signs)))


def queue_alerts(submission: Submission) -> None:
    """Alert the front door team and the complaints manager; the caller commits.
    The person's acknowledgement says nothing of this (their inbox may not be private)."""
    config = current_app.config
    front_door = team_named(config["SAFEGUARDING_TEAM_NAME"])
    recipients = [front_door.inbox_email] if front_door else []
    recipients.append(config["COMPLAINTS_MANAGER_EMAIL"])
    base_url = str(config["PUBLIC_BASE_URL"]).rstrip("/")
    context = {
        "submission": submission,
        "council_name": config["COUNCIL_NAME"],
        "case_url": f"{base_url}/staff/cases/{submission.reference}",
    }
    # Staff read alerts in English, whatever language the child wrote in.
    with force_locale("en"):
        text = render_template("emails/safeguarding-alert.txt", **context)
        html = render_template("emails/safeguarding-alert.html", **context)
    for recipient in dict.fromkeys(recipients):
        outbox.queue(
            purpose="safeguarding_alert",
            recipient=recipient,
            subject=f"URGENT: possible danger to a child, {submission.reference}",
            text_body=text,
            html_body=html,
            submission=submission,
            priority=ALERT_PRIORITY,
        )


def record_action(
    staff: Staff, case: Submission, *, action: str, now: datetime | None = None
) -> None:
    if not action.strip():
        raise ValueError("Enter what was done")
    before = {
        "safeguarding_actioned_at": case.safeguarding_actioned_at,
        "safeguarding_action": case.safeguarding_action,
    }
    case.safeguarding_actioned_at = now or utcnow()
    case.safeguarding_action = action
    case.safeguarding_actioned_by = staff.id
    audit.record(
        "safeguarding_actioned",
        staff=staff,
        submission=case,
        detail={
            "changes": audit.changes(
                before,
                {
                    "safeguarding_actioned_at": case.safeguarding_actioned_at,
                    "safeguarding_action": action,
                },
            )
        },
    )
    db.session.commit()
