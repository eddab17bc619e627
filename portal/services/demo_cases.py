"""Demo cases for `make run`: two financial years of contacts taken through the real
services (intake, acknowledgement, the procedure's moves, categories, lessons), so the
triage queue, the cases and the annual report have something to show. Made-up people
only; the same cases every time (a fixed seed)."""

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portal.domain.clock import LONDON, add_working_days
from portal.domain.reports import financial_year, previous
from portal.domain.stages import Move, MoveRefused
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Category, Staff, Submission, Team
from portal.services import cases, intake, ombudsman

NAMES = ["Alex Demo", "Sam Example", "Jo Sample", "Chris Test", "Pat Placeholder"]
ROLES = [
    SubmitterRole.PARENT,
    SubmitterRole.PARENT,
    SubmitterRole.CHILD,
    SubmitterRole.CHILD,
    SubmitterRole.FOSTER_CARER,
    SubmitterRole.KINSHIP_CARER,
    SubmitterRole.PROFESSIONAL,
    SubmitterRole.ADVOCATE,
]
KINDS = [Kind.COMPLAINT] * 6 + [Kind.COMPLIMENT] * 2 + [Kind.REPRESENTATION, Kind.ADVOCACY]
FINDINGS = ["upheld", "partially_upheld", "partially_upheld", "not_upheld", "not_upheld"]
LESSONS = [
    ("Visits were cancelled without telling the family.", "Cancellations now go by text."),
    ("A review was held without the child's views.", "Advocates are invited to every review."),
    ("Letters used words the family did not understand.", "Plain-English letter templates."),
]


def load_demo_cases(today: date, *, per_year: int = 60) -> int:
    """Two years of contacts up to `today`; nothing if there are cases already."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Submission)):
        return 0
    manager = db.session.scalar(sa.select(Staff).where(Staff.role == "manager"))
    if manager is None:
        return 0
    pick = random.Random(2026)
    teams = list(
        db.session.scalars(
            sa.select(Team.id).where(Team.shown_to_public, sa.not_(Team.is_advocacy_provider))
        )
    )
    category_ids = list(db.session.scalars(sa.select(Category.id)))
    start = previous(financial_year(today)).start
    days = (today - start).days
    made = 0
    for n in range(per_year * 2):
        received = start + timedelta(days=int(days * n / (per_year * 2)))
        kind = pick.choice(KINDS)
        role = pick.choice(ROLES)
        if kind is Kind.COMPLIMENT and role is SubmitterRole.ADVOCATE:
            role = SubmitterRole.PARENT
        case = intake.record_submission(
            intake.NewSubmission(
                kind=kind,
                role=role,
                name=pick.choice(NAMES),
                contact_preference=ContactPreference.PHONE,
                email=None,
                phone="07700 900982",
                what_happened="A made-up example for the demonstration.",
                put_right="An apology." if kind is Kind.COMPLAINT else None,
                child_name=None if role is SubmitterRole.CHILD else "Demo Child",
                child_age=pick.randint(5, 17),
                team_id=pick.choice(teams),
                advocacy=_advocacy(kind, role, pick),
                worker_name="A worker" if kind is Kind.COMPLIMENT and pick.random() < 0.5 else None,
            ),
            now=datetime.combine(received, time(10, 30), LONDON),
        )
        made += 1
        _work(manager, case, today, pick, category_ids)
    return made


def _advocacy(kind: Kind, role: SubmitterRole, pick: random.Random) -> AdvocacyAnswer | None:
    if kind is Kind.ADVOCACY:
        return AdvocacyAnswer.REQUESTED
    if kind in (Kind.COMPLAINT, Kind.REPRESENTATION):
        return pick.choice(
            [AdvocacyAnswer.ACCEPTED, AdvocacyAnswer.DECLINED, AdvocacyAnswer.NOT_SURE]
        )
    return None


def _work(
    staff: Staff, case: Submission, today: date, pick: random.Random, category_ids: list[int]
) -> None:
    """Take a case as far through the procedure as its age allows."""
    received = case.received_on
    acknowledged = add_working_days(received, pick.choice([1, 2, 2, 3, 3, 4, 6]))
    if acknowledged >= today:
        return
    cases.record_acknowledgement(
        staff, case, how="phone", on=acknowledged, version=case.case.version, today=today
    )
    if case.case.kind != Kind.COMPLAINT.value:
        return
    cases.set_categories(
        staff, case, category_ids=pick.sample(category_ids, pick.choice([1, 1, 2])),
        version=case.case.version,
    )  # fmt: skip
    if pick.random() < 0.15:
        _move(staff, case, Move.RESOLVE_INFORMALLY, acknowledged, today,
              informal_resolution_terms="An apology and a new visit date.")  # fmt: skip
        return
    if not _move(staff, case, Move.ACCEPT, acknowledged, today):
        return
    took = pick.choice([6, 8, 9, 10, 10, 12, 15, 18, 24])
    if took > 10 and pick.random() < 0.6:
        _move(staff, case, Move.EXTEND_STAGE1, add_working_days(received, 8), today,
              stage1_extension_reason="Records from another team were needed.")  # fmt: skip
    responded = add_working_days(received, took)
    finding = pick.choice(FINDINGS)
    # A late, upheld response pays for the time and trouble (stage 2 may pay again).
    paid = 5000 if finding != "not_upheld" and took > 10 else None
    if not _move(staff, case, Move.RESPOND_STAGE1, responded, today, outcome=finding,
                 redress_apology=finding != "not_upheld", ex_gratia_pence=paid):  # fmt: skip
        return
    if finding != "not_upheld" and pick.random() < 0.5:
        lesson, action = pick.choice(LESSONS)
        cases.add_lesson(staff, case, lesson=lesson, action=action, action_due_on=None)
    if pick.random() > 0.2:
        _move(staff, case, Move.CLOSE, add_working_days(responded, 21), today)
        return
    requested = add_working_days(responded, pick.randint(3, 15))
    if not _move(staff, case, Move.REQUEST_STAGE2, requested, today):
        return
    adjudicated = add_working_days(requested, pick.choice([20, 24, 25, 30, 45]))
    if not _move(staff, case, Move.ADJUDICATE_STAGE2, adjudicated, today,
                 outcome=pick.choice(FINDINGS), stage2_cost_pence=pick.randint(150000, 450000),
                 ex_gratia_pence=pick.choice([None, None, 25000])):  # fmt: skip
        return
    _move(staff, case, Move.CLOSE, add_working_days(adjudicated, 21), today)
    if pick.random() < 0.5:
        # Its own numbers, so the cases after it come out as they always have.
        _ombudsman(
            staff, case, add_working_days(adjudicated, 30), today, random.Random(case.reference)
        )


def _ombudsman(
    staff: Staff, case: Submission, arrived: date, today: date, pick: random.Random
) -> None:
    """The ombudsman's enquiry after the procedure, as far as the days that have come."""
    if arrived >= today:
        return
    reply_by = add_working_days(arrived, 20)
    enquiry = ombudsman.record(
        staff, case, reference=f"25 {pick.randint(100, 999)} {pick.randint(100, 999)}",
        received_on=arrived, reply_due_on=reply_by, today=today, version=case.case.version,
    )  # fmt: skip
    replied = add_working_days(arrived, pick.randint(12, 22))
    if replied >= today:
        return
    ombudsman.record_reply(staff, case, enquiry, replied_on=replied, today=today,
                           version=case.case.version)  # fmt: skip
    decided = add_working_days(replied, pick.randint(40, 90))
    if decided >= today:
        return
    upheld = pick.random() < 0.5
    ombudsman.record_decision(
        staff, case, enquiry, decided_on=decided, decision="upheld" if upheld else "not_upheld",
        maladministration=upheld, injustice=upheld, today=today, version=case.case.version,
    )  # fmt: skip
    if upheld:
        remedy = ombudsman.add_remedy(
            staff, case, enquiry, what="Apologise in writing for the delay.",
            due_on=add_working_days(decided, 20), version=case.case.version,
        )  # fmt: skip
        complied = add_working_days(decided, pick.randint(10, 25))
        if complied < today:
            ombudsman.record_compliance(
                staff, case, remedy, complied_on=complied,
                evidence="The letter of apology, sent to the ombudsman.", attachment_id=None,
                today=today, version=case.case.version,
            )  # fmt: skip


def _move(
    staff: Staff, case: Submission, move: Move, on: date, today: date, **details: object
) -> bool:
    """A move on a day that has come; False when it has not, or the procedure refuses."""
    if on >= today:
        return False
    try:
        cases.apply(
            staff, case, cases.MoveInput(move, on, dict(details)), version=case.case.version
        )
    except MoveRefused:
        return False
    return True
