"""The statutory annual report (docs/report.md) from a year of cases built as the portal
builds them: submissions through intake, then acknowledged, accepted, answered, taken to
stage 2, 3 and the ombudsman through the case services, with the details the back
office's own move form turns into (so pounds become pence as they do for staff).

Every figure is checked against counts made by hand from the list of cases below. The
working days were counted on a calendar with the England and Wales bank holidays
(domain.md): Easter 2025 is Fri 18 and Mon 21 April, the early May holiday Mon 5 May,
the spring holiday Mon 26 May, the summer holiday Mon 25 August; Christmas 2025 is Thu 25
and Fri 26 December, then Thu 1 January 2026. "N wd" below is N working days after the
first date up to the second (the day of receipt is day 0)."""

import csv
import io
import json
from datetime import date, datetime, time
from typing import Any

import pytest
import sqlalchemy as sa
from backoffice_helpers import make_staff, team_id
from copied_rows import Rows, every_row, put_back
from flask import Flask, current_app
from werkzeug.datastructures import MultiDict

from portal.backoffice.forms import MoveForm
from portal.domain.access import Role
from portal.domain.clock import LONDON
from portal.domain.reports import REFERRAL_OUTCOMES, Period
from portal.domain.stages import Move
from portal.domain.timescales import Procedure
from portal.domain.types import AdvocacyAnswer, ContactPreference, Kind, SubmitterRole
from portal.extensions import db
from portal.models import Category, Referral, Staff, Submission
from portal.models.report import PastCase
from portal.services import cases, clock, intake, ombudsman, referrals, reports
from portal.services.teams import load_default_categories

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
YEAR_BEFORE = Period(date(2024, 4, 1), date(2025, 3, 31))

FIRST_RESPONSE = "First Response / Referral and Assessment"
FAMILY_SUPPORT = "Family Support and Child Protection"
LOOKED_AFTER = "Looked After Children"
LEAVING_CARE = "Leaving Care"
FOSTERING = "Fostering"
ADOPTION = "Adoption"
DISABILITIES = "Children with Disabilities"
EARLY_HELP = "Early Help"
# The demo teams in their order; the advocacy provider is not a team the report lists.
TEAMS = [
    FIRST_RESPONSE,
    FAMILY_SUPPORT,
    LOOKED_AFTER,
    LEAVING_CARE,
    FOSTERING,
    ADOPTION,
    DISABILITIES,
    EARLY_HELP,
]

CHILD = SubmitterRole.CHILD
PARENT = SubmitterRole.PARENT
FOSTER_CARER = SubmitterRole.FOSTER_CARER
KINSHIP_CARER = SubmitterRole.KINSHIP_CARER
RELATIVE = SubmitterRole.RELATIVE
PROFESSIONAL = SubmitterRole.PROFESSIONAL
ADVOCATE = SubmitterRole.ADVOCATE

LESSON_A = ("Visits were cancelled without telling the child.", "Cancellations now go by text.")
LESSON_B = ("A promised meeting never happened.", "Meetings are confirmed in writing.")
LESSON_D = ("A report was shared with the wrong parent.", "Two people check every address.")
LESSON_X1 = ("Last year's lesson.", "Not in this year's report.")
LESSON_Z = ("Next year's lesson.", "Not in this year's report either.")


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in London on `day`."""
    return datetime.combine(day, time(hour, minute), LONDON)


def no_row() -> dict[str, int]:
    return {"upheld": 0, "partially_upheld": 0, "not_upheld": 0, "no_finding": 0}


class Desk:
    """The complaints manager's desk: every change goes through portal/services/cases.py
    as the back office's views call it."""

    def __init__(self, staff: Staff) -> None:
        self.staff = staff

    def receive(
        self,
        kind: Kind,
        role: SubmitterRole,
        when: datetime,
        team: str | None,
        *,
        advocacy: AdvocacyAnswer | None = None,
        worker: str | None = None,
    ) -> Submission:
        """A submission recorded by intake, as the public journey sends it."""
        if kind is Kind.ADVOCACY:
            advocacy = AdvocacyAnswer.REQUESTED
        elif role is ADVOCATE and kind in (Kind.COMPLAINT, Kind.REPRESENTATION):
            advocacy = AdvocacyAnswer.FILED_BY_ADVOCATE
        return intake.record_submission(
            intake.NewSubmission(
                kind=kind,
                role=role,
                name="Made-up Person",
                contact_preference=ContactPreference.PHONE,
                phone="07700 900982",
                what_happened="A made-up example for the annual report.",
                put_right="An apology." if kind is Kind.COMPLAINT else None,
                child_name=None if role is CHILD else "Made-up Child",
                child_age=12,
                team_id=team_id(team) if team else None,
                worker_name=worker,
                advocacy=advocacy,
            ),
            now=when,
        )

    def acknowledge(self, case: Submission, on: date) -> None:
        cases.record_acknowledgement(
            self.staff, case, how="phone", on=on, version=case.case.version, today=on
        )

    def move(self, case: Submission, move: Move, on: date, **fields: Any) -> None:
        """A move with its details as MoveForm.details() gives them from the posted
        form (blank optional fields included, pounds turned into pence)."""
        posted = MultiDict([("on", str(on.day)), ("on", str(on.month)), ("on", str(on.year))])
        for name, value in fields.items():
            if isinstance(value, date):
                value = [str(value.day), str(value.month), str(value.year)]
            for item in value if isinstance(value, list) else [value]:
                posted.add(name, item)
        with current_app.test_request_context(method="POST", data=posted):
            form = MoveForm(move=move, meta={"csrf": False})
            assert form.validate(), form.errors
            details = form.details()
        cases.apply(self.staff, case, cases.MoveInput(move, on, details), version=case.case.version)

    def ombudsman(
        self,
        case: Submission,
        arrived: date,
        decided: date | None = None,
        decision: str = "",
        *,
        reference: str | None = None,
    ) -> None:
        """The ombudsman's enquiry into the case (services/ombudsman.py), and its final
        decision (no fault found, where it investigated)."""
        enquiry = ombudsman.record(
            self.staff, case, reference=reference, received_on=arrived, reply_due_on=None,
            today=arrived, version=case.case.version,
        )  # fmt: skip
        if decided is not None:
            investigated = decision in ("upheld", "not_upheld")
            ombudsman.record_decision(
                self.staff, case, enquiry, decided_on=decided, decision=decision,
                maladministration=False if investigated else None,
                injustice=False if investigated else None, today=decided, version=case.case.version,
            )  # fmt: skip

    def categorise(self, case: Submission, *slugs: str) -> None:
        ids = list(db.session.scalars(sa.select(Category.id).where(Category.slug.in_(slugs))))
        assert len(ids) == len(slugs)
        cases.set_categories(self.staff, case, category_ids=ids, version=case.case.version)

    def lesson(self, case: Submission, lesson: tuple[str, str]) -> None:
        cases.add_lesson(self.staff, case, lesson=lesson[0], action=lesson[1], action_due_on=None)

    def thank(self, case: Submission, on: date) -> None:
        cases.thank(self.staff, case, on=on, version=case.case.version)


def a_desk() -> Desk:
    """A complaints manager's desk, with the ten default categories to choose from."""
    load_default_categories()
    email = make_staff(Role.MANAGER)
    return Desk(db.session.scalars(sa.select(Staff).where(Staff.email == email)).one())


# Every table's rows once build_cases has run, and the manager's id, by the
# STAGE2_CLOCK_START it ran with: building the cases is most of each test's time, and
# each test starts from the same rows, so they are built once and copied back.
_BUILT: dict[str, tuple[Rows, int]] = {}


def build_cases() -> Desk:
    """The cases the report counts on an emptied database: built the first time, copied
    afterwards."""
    key = current_app.config["STAGE2_CLOCK_START"]
    if key in _BUILT:
        rows, manager = _BUILT[key]
        put_back(rows)
        staff = db.session.get(Staff, manager)
        assert staff is not None
        return Desk(staff)
    desk = _build_cases()
    db.session.commit()
    _BUILT[key] = (every_row(), desk.staff.id)
    return desk


def _build_cases() -> Desk:
    """The cases the report counts, and a few it must not. Each complaint's counts are
    in its comment; the tests add them up."""
    desk = a_desk()

    # --- 2025 to 26: 11 complaints (A to K), 3 compliments, 2 representations, 2 requests
    # for an advocate: 18 contacts.

    # A: a child, Looked After Children, accepted an advocate. Received Thu 17 Apr 2025,
    # acknowledged Thu 24 Apr: 3 wd over Easter (22, 23, 24) -> within 3. Stage 1 answered
    # Tue 6 May: 10 wd (22-25, 28-30 Apr, 1-2 May, then 6 May after the 5 May holiday)
    # -> within 10. Upheld. Delay or failed service. A lesson.
    a = desk.receive(
        Kind.COMPLAINT, CHILD, at(date(2025, 4, 17)), LOOKED_AFTER, advocacy=AdvocacyAnswer.ACCEPTED
    )
    desk.acknowledge(a, date(2025, 4, 24))
    desk.categorise(a, "delay_failed_service")
    desk.move(a, Move.ACCEPT, date(2025, 4, 24))
    desk.move(a, Move.RESPOND_STAGE1, date(2025, 5, 6), outcome="upheld", redress=["apology"])
    desk.lesson(a, LESSON_A)

    # B: a parent, Family Support. Received Mon 2 Jun 2025, acknowledged Wed 4 Jun: 2 wd.
    # Stage 1 extended on 13 Jun, answered Mon 30 Jun: 20 wd -> 11 to 20, within the
    # agreed extension. Partially upheld with a GBP 150 ex gratia payment. Two categories:
    # broken promise, staff attitude. A lesson (Family Support: listed before LAC's).
    b = desk.receive(Kind.COMPLAINT, PARENT, at(date(2025, 6, 2)), FAMILY_SUPPORT)
    desk.acknowledge(b, date(2025, 6, 4))
    desk.categorise(b, "broken_promise", "staff_attitude")
    desk.move(b, Move.ACCEPT, date(2025, 6, 4))
    desk.move(
        b,
        Move.EXTEND_STAGE1,
        date(2025, 6, 13),
        stage1_extension_reason="Records from another team.",
        extension_agreement="Pat agreed by phone",
    )
    desk.move(
        b,
        Move.RESPOND_STAGE1,
        date(2025, 6, 30),
        outcome="partially_upheld",
        redress=["apology", "explanation"],
        ex_gratia="150",
    )
    desk.lesson(b, LESSON_B)

    # C: a foster carer, Fostering. Received Tue 1 Jul 2025, acknowledged Thu 3 Jul: 2 wd.
    # Stage 1 answered Thu 31 Jul: 22 wd -> over 20; not upheld. Stage 2 asked for Mon 11
    # Aug, statement agreed Mon 18 Aug, adjudicated Tue 16 Sep: 25 wd from the request (the
    # 25 Aug holiday skipped) -> within 25; 20 wd from the statement. Partially upheld,
    # cost GBP 3081.96, ex gratia GBP 250 at stage 2. Not to standard.
    c = desk.receive(Kind.COMPLAINT, FOSTER_CARER, at(date(2025, 7, 1)), FOSTERING)
    desk.acknowledge(c, date(2025, 7, 3))
    desk.categorise(c, "not_to_standard")
    desk.move(c, Move.ACCEPT, date(2025, 7, 3))
    desk.move(c, Move.RESPOND_STAGE1, date(2025, 7, 31), outcome="not_upheld")
    desk.move(c, Move.REQUEST_STAGE2, date(2025, 8, 11))
    desk.move(c, Move.AGREE_STATEMENT, date(2025, 8, 18))
    desk.move(
        c,
        Move.APPOINT_INVESTIGATORS,
        date(2025, 8, 19),
        investigating_officer="Jo Investigator",
        independent_person="Sam Independent",
    )
    desk.move(
        c,
        Move.ADJUDICATE_STAGE2,
        date(2025, 9, 16),
        outcome="partially_upheld",
        redress=["apology"],
        ex_gratia="250",
        stage2_cost="3081.96",
    )

    # D: an advocate for a child, Looked After Children. Received Mon 1 Sep 2025,
    # acknowledged Fri 5 Sep: 4 wd -> late. Stage 1 answered Wed 10 Sep: 7 wd; not upheld.
    # Stage 2 asked for Mon 22 Sep, statement Mon 29 Sep (5 wd later), extended on 20 Oct
    # to 7 Nov, adjudicated Mon 3 Nov: 30 wd from the request -> 26 to 65; 25 from the
    # statement. Not upheld, cost GBP 2000. Stage 3 asked for Mon 17 Nov; panel Wed 31 Dec:
    # 30 wd over Christmas (25, 26 Dec off) -> within 30; report Wed 7 Jan 2026; council's
    # response Wed 21 Jan: 44 wd (1 Jan off); not upheld. Ombudsman: referred Mon 2 Feb,
    # not upheld on 16 Mar. Breach of confidentiality. A lesson (LAC, after A's).
    d = desk.receive(Kind.COMPLAINT, ADVOCATE, at(date(2025, 9, 1)), LOOKED_AFTER)
    desk.acknowledge(d, date(2025, 9, 5))
    desk.categorise(d, "confidentiality")
    desk.move(d, Move.ACCEPT, date(2025, 9, 5))
    desk.move(d, Move.RESPOND_STAGE1, date(2025, 9, 10), outcome="not_upheld")
    desk.move(d, Move.REQUEST_STAGE2, date(2025, 9, 22))
    desk.move(d, Move.AGREE_STATEMENT, date(2025, 9, 29))
    desk.move(
        d,
        Move.EXTEND_STAGE2,
        date(2025, 10, 20),
        stage2_extended_to=date(2025, 11, 7),
        stage2_extension_reason="A witness is away; the advocate was told.",
    )
    desk.move(
        d, Move.ADJUDICATE_STAGE2, date(2025, 11, 3), outcome="not_upheld", stage2_cost="2000"
    )
    desk.move(d, Move.REQUEST_STAGE3, date(2025, 11, 17))
    desk.move(d, Move.SET_PANEL, date(2025, 12, 31), panel_members="Three independent people")
    desk.move(d, Move.PANEL_REPORT, date(2026, 1, 7), panel_recommendations="None.")
    desk.move(d, Move.RESPOND_STAGE3, date(2026, 1, 21), outcome="not_upheld")
    desk.ombudsman(d, date(2026, 2, 2), date(2026, 3, 16), "not_upheld", reference="25 012 345")
    desk.lesson(d, LESSON_D)

    # E: a child, Leaving Care, declined an advocate. Received Fri 19 Dec 2025,
    # acknowledged Wed 24 Dec: 3 wd -> within 3. Extended Mon 5 Jan 2026, answered Thu 22
    # Jan: 21 wd -> over 20, and outside the extension. No finding. Information.
    e = desk.receive(
        Kind.COMPLAINT,
        CHILD,
        at(date(2025, 12, 19)),
        LEAVING_CARE,
        advocacy=AdvocacyAnswer.DECLINED,
    )
    desk.acknowledge(e, date(2025, 12, 24))
    desk.categorise(e, "information")
    desk.move(e, Move.ACCEPT, date(2025, 12, 24))
    desk.move(
        e,
        Move.EXTEND_STAGE1,
        date(2026, 1, 5),
        stage1_extension_reason="Complex.",
        extension_agreement="By letter",
    )
    desk.move(e, Move.RESPOND_STAGE1, date(2026, 1, 22), outcome="no_finding")

    # F: a parent, Children with Disabilities. Received Tue 23 Dec 2025, acknowledged Fri 2
    # Jan 2026: 5 wd (24, 29, 30, 31 Dec, 2 Jan) -> late. Answered Wed 14 Jan: 13 wd ->
    # 11 to 20. Upheld. Straight to the ombudsman on Mon 9 Feb: premature, on 2 Mar.
    # Delay or failed service.
    f = desk.receive(Kind.COMPLAINT, PARENT, at(date(2025, 12, 23)), DISABILITIES)
    desk.acknowledge(f, date(2026, 1, 2))
    desk.categorise(f, "delay_failed_service")
    desk.move(f, Move.ACCEPT, date(2026, 1, 2))
    desk.move(f, Move.RESPOND_STAGE1, date(2026, 1, 14), outcome="upheld")
    desk.ombudsman(f, date(2026, 2, 9), date(2026, 3, 2), "premature")

    # G: a professional, First Response. Received Mon 3 Nov 2025, acknowledged Tue 4 Nov:
    # 1 wd. Resolved informally on Wed 5 Nov (no stage, no finding). Information.
    g = desk.receive(Kind.COMPLAINT, PROFESSIONAL, at(date(2025, 11, 3)), FIRST_RESPONSE)
    desk.acknowledge(g, date(2025, 11, 4))
    desk.categorise(g, "information")
    desk.move(
        g,
        Move.RESOLVE_INFORMALLY,
        date(2025, 11, 5),
        informal_resolution_terms="A new visit date by phone.",
    )

    # H: a parent, Early Help. Received Mon 12 Jan 2026, acknowledged Tue 13 Jan: 1 wd.
    # Accepted, then withdrawn on Mon 19 Jan (reached stage 1, no finding). Staff attitude.
    h = desk.receive(Kind.COMPLAINT, PARENT, at(date(2026, 1, 12)), EARLY_HELP)
    desk.acknowledge(h, date(2026, 1, 13))
    desk.categorise(h, "staff_attitude")
    desk.move(h, Move.ACCEPT, date(2026, 1, 13))
    desk.move(h, Move.WITHDRAW, date(2026, 1, 19))

    # I: a child who already has an advocate, Adoption. Received Mon 2 Mar 2026,
    # acknowledged the same day: 0 wd. Answered Fri 13 Mar: 9 wd. Partially upheld. No
    # category.
    i = desk.receive(
        Kind.COMPLAINT,
        CHILD,
        at(date(2026, 3, 2)),
        ADOPTION,
        advocacy=AdvocacyAnswer.ALREADY_HAS_ONE,
    )
    desk.acknowledge(i, date(2026, 3, 2))
    desk.move(i, Move.ACCEPT, date(2026, 3, 2))
    desk.move(i, Move.RESPOND_STAGE1, date(2026, 3, 13), outcome="partially_upheld")

    # J: a child not sure about an advocate, Looked After Children, at 23:45 on Tue 31 Mar
    # 2026, the period's last day. Not acknowledged, still in triage, no category.
    desk.receive(
        Kind.COMPLAINT,
        CHILD,
        at(date(2026, 3, 31), 23, 45),
        LOOKED_AFTER,
        advocacy=AdvocacyAnswer.NOT_SURE,
    )

    # K: a kinship carer, Family Support. Received Wed 16 Apr 2025, acknowledged Fri 25
    # Apr: 5 wd over Easter -> late. Answered Wed 30 Apr: 8 wd; not upheld. Stage 2 asked
    # for Thu 15 May, adjudicated Mon 18 Aug: 66 wd (26 May off) -> over 65; upheld, cost
    # GBP 1500.50, no ex gratia. Referred to the ombudsman on Mon 15 Sep, not decided yet.
    # About policy.
    k = desk.receive(Kind.COMPLAINT, KINSHIP_CARER, at(date(2025, 4, 16)), FAMILY_SUPPORT)
    desk.acknowledge(k, date(2025, 4, 25))
    desk.categorise(k, "policy")
    desk.move(k, Move.ACCEPT, date(2025, 4, 25))
    desk.move(k, Move.RESPOND_STAGE1, date(2025, 4, 30), outcome="not_upheld")
    desk.move(k, Move.REQUEST_STAGE2, date(2025, 5, 15))
    desk.move(k, Move.ADJUDICATE_STAGE2, date(2025, 8, 18), outcome="upheld", stage2_cost="1500.50")
    desk.ombudsman(k, date(2025, 9, 15))

    # Compliments: L (a parent, LAC, names a worker), M (a foster carer, Fostering),
    # N (a child, LAC).
    l_ = desk.receive(
        Kind.COMPLIMENT, PARENT, at(date(2025, 7, 15)), LOOKED_AFTER, worker="Jo Worker"
    )
    desk.thank(l_, date(2025, 7, 16))
    desk.receive(Kind.COMPLIMENT, FOSTER_CARER, at(date(2025, 10, 6)), FOSTERING)
    desk.receive(Kind.COMPLIMENT, CHILD, at(date(2026, 2, 9)), LOOKED_AFTER)

    # Representations: O (a parent, Early Help), P (a relative, Family Support).
    desk.receive(Kind.REPRESENTATION, PARENT, at(date(2025, 8, 20)), EARLY_HELP)
    desk.receive(Kind.REPRESENTATION, RELATIVE, at(date(2025, 12, 4)), FAMILY_SUPPORT)

    # Requests for an advocate: Q at 00:15 on Tue 1 Apr 2025 in London (still 31 March in
    # UTC: it belongs to 2025 to 26), R from a professional.
    q = desk.receive(Kind.ADVOCACY, CHILD, at(date(2025, 4, 1), 0, 15), None)
    r = desk.receive(Kind.ADVOCACY, PROFESSIONAL, at(date(2026, 2, 2)), None)

    # Their referrals to the advocacy provider, and A's (the offer accepted), worked by the
    # provider: Q's first contact Fri 4 Apr 2025, 3 working days after (its due date was
    # Wed 2 Apr: outside the contract), closed as no longer wanted; A's on Tue 22 Apr,
    # 1 working day after Thu 17 Apr over Easter (due that day: within), closed having
    # supported the complaint; R's declined.
    provider = provider_manager()
    work_referral(provider, q, first_contact=date(2025, 4, 4), closed=date(2025, 5, 1),
                  outcome="no_longer_wanted")  # fmt: skip
    work_referral(provider, a, first_contact=date(2025, 4, 22), closed=date(2025, 6, 2),
                  outcome="supported_complaint")  # fmt: skip
    [r_referral] = referrals_of(r)
    referrals.decline(provider, r_referral.id, on=date(2026, 2, 3), reason="No capacity",
                      today=date(2026, 2, 3))  # fmt: skip

    # --- 2024 to 25: 3 complaints (X1, X2 and an imported one), 1 compliment (X3).

    # X1: a parent, LAC. Received Mon 14 Oct 2024, acknowledged Wed 16 Oct: 2 wd. Answered
    # Mon 28 Oct: 10 wd. Upheld. Delay or failed service. Its lesson is last year's.
    x1 = desk.receive(Kind.COMPLAINT, PARENT, at(date(2024, 10, 14)), LOOKED_AFTER)
    desk.acknowledge(x1, date(2024, 10, 16))
    desk.categorise(x1, "delay_failed_service")
    desk.move(x1, Move.ACCEPT, date(2024, 10, 16))
    desk.move(x1, Move.RESPOND_STAGE1, date(2024, 10, 28), outcome="upheld")
    desk.lesson(x1, LESSON_X1)

    # X2: a child who accepted an advocate, Family Support. Received Mon 3 Feb 2025, never
    # acknowledged. Answered Mon 3 Mar: 20 wd. Not upheld.
    x2 = desk.receive(
        Kind.COMPLAINT,
        CHILD,
        at(date(2025, 2, 3)),
        FAMILY_SUPPORT,
        advocacy=AdvocacyAnswer.ACCEPTED,
    )
    desk.move(x2, Move.ACCEPT, date(2025, 2, 10))
    desk.move(x2, Move.RESPOND_STAGE1, date(2025, 3, 3), outcome="not_upheld")

    # X3: a compliment for Adoption at 23:30 on Mon 31 Mar 2025 in London (BST: 22:30 UTC).
    desk.receive(Kind.COMPLIMENT, PARENT, at(date(2025, 3, 31), 23, 30), ADOPTION)

    # PC1: imported from the old system: a foster carer, Fostering, about policy, received
    # Mon 10 Jun 2024, acknowledged Tue 11 Jun (1 wd), answered Thu 20 Jun (8 wd), reached
    # stage 2, not upheld, stage 2 cost GBP 1000, referred to the ombudsman.
    db.session.add(
        PastCase(
            reference="OLD-2024-0001",
            kind="complaint",
            received_on=date(2024, 6, 10),
            submitter_role="foster_carer",
            team_id=team_id(FOSTERING),
            category_id=db.session.scalar(sa.select(Category.id).where(Category.slug == "policy")),
            stage_reached="2",
            outcome="not_upheld",
            acknowledged_on=date(2024, 6, 11),
            stage1_responded_on=date(2024, 6, 20),
            stage1_extended=False,
            stage2_cost_pence=100000,
            ombudsman="referred",
            imported_from="old-system.csv",
        )
    )
    db.session.commit()

    # --- in neither year: Thu 28 Mar 2024 (before 2024 to 25), and 00:30 on Wed 1 Apr
    # 2026 in London (still 31 March in UTC, but 2026 to 27), with a lesson.
    desk.receive(Kind.COMPLAINT, PARENT, at(date(2024, 3, 28)), LOOKED_AFTER)
    z = desk.receive(
        Kind.COMPLAINT,
        CHILD,
        at(date(2026, 4, 1), 0, 30),
        LOOKED_AFTER,
        advocacy=AdvocacyAnswer.ACCEPTED,
    )
    desk.acknowledge(z, date(2026, 4, 1))
    desk.lesson(z, LESSON_Z)
    return desk


def provider_manager() -> Staff:
    email = make_staff(Role.PROVIDER_MANAGER, team="Advocacy provider (Coram Voice)")
    return db.session.scalars(sa.select(Staff).where(Staff.email == email)).one()


def referrals_of(case: Submission) -> list[Referral]:
    return list(db.session.scalars(sa.select(Referral).where(Referral.submission_id == case.id)))


def work_referral(
    provider: Staff, case: Submission, *, first_contact: date, closed: date, outcome: str
) -> None:
    """The case's referral accepted and the child first contacted on `first_contact`,
    closed on `closed` with `outcome`."""
    [referral] = referrals_of(case)
    referrals.accept(provider, referral.id, on=first_contact, today=first_contact)
    referrals.first_contact(provider, referral.id, on=first_contact, today=first_contact)
    referrals.close(provider, referral.id, on=closed, outcome=outcome, today=closed)


def save_context_and_comparators(desk: Desk) -> None:
    reports.save_context(
        YEAR,
        {"social_care_contacts": 2200, "referrals": 880, "children_looked_after": 0},
        staff=desk.staff,
    )
    reports.save_comparator("Southmoor", "2025 to 26", 129, 7140, staff=desk.staff)
    reports.save_comparator("Eastmoor", "2024 to 25", 40, None, staff=desk.staff)


NO_OUTCOMES = dict.fromkeys(REFERRAL_OUTCOMES, 0)


@pytest.fixture
def report(app: Flask) -> dict[str, Any]:
    save_context_and_comparators(build_cases())
    db.session.expire_all()
    return reports.annual_report(YEAR)


# --- this year ------------------------------------------------------------------------------


def test_the_period_and_the_one_before(report: dict[str, Any]) -> None:
    assert report["period"] == {"from": "2025-04-01", "to": "2026-03-31"}
    assert report["previous_period"] == {"from": "2024-04-01", "to": "2025-03-31"}
    assert report["category"] is None


def test_contacts_count_what_was_received_in_the_period_by_london_date(
    report: dict[str, Any],
) -> None:
    assert report["contacts"] == {
        "complaint": 11,  # A to K; not the complaints of 28 Mar 2024 or 1 Apr 2026
        "compliment": 3,  # L, M, N
        "advocacy": 2,  # Q (00:15 on 1 Apr 2025), R
        "representation": 2,  # O, P
        "total": 18,
    }


def test_complaints_at_each_stage(report: dict[str, Any]) -> None:
    assert report["complaints"] == {
        "received": 11,
        "resolved_informally": 1,  # G
        # 1 of 18 contacts: 5.555... -> 5.6
        "resolved_informally_percent_of_contacts": 5.6,
        # accepted: A, B, C, D, E, F, H (withdrawn later), I, K; not G (informal) or J
        "stage1": 9,
        "stage2": 3,  # C, D, K
        "stage3": 1,  # D
        # 9 reached stage 1, 3 went on: 6 of 9 = 66.666... -> 66.7
        "resolved_at_stage1_percent": 66.7,
        "corporate_procedure": 0,  # every complaint here follows the children's procedure
    }


def test_complaints_by_category_count_a_case_in_each_of_its_categories(
    report: dict[str, Any],
) -> None:
    assert report["by_category"] == {
        "legislation": 0,
        "policy": 1,  # K
        "confidentiality": 1,  # D
        "broken_promise": 1,  # B
        "delay_failed_service": 2,  # A, F
        "denial_change_service": 0,
        "information": 2,  # E, G
        "not_to_standard": 1,  # C
        "staff_attitude": 2,  # B (its second category), H
        "other": 0,
    }


def test_complaints_by_team_and_final_finding(report: dict[str, Any]) -> None:
    # The overall finding is the latest: C was not upheld at stage 1 and partially upheld
    # at stage 2; D not upheld at every stage. G (informal), H (withdrawn) and J (open)
    # have no finding to count; every team is listed, and no "No team" row.
    assert report["by_team_outcome"] == {
        FIRST_RESPONSE: no_row(),
        FAMILY_SUPPORT: no_row() | {"upheld": 1, "partially_upheld": 1},  # K, B
        LOOKED_AFTER: no_row() | {"upheld": 1, "not_upheld": 1},  # A, D
        LEAVING_CARE: no_row() | {"no_finding": 1},  # E
        FOSTERING: no_row() | {"partially_upheld": 1},  # C
        ADOPTION: no_row() | {"partially_upheld": 1},  # I
        DISABILITIES: no_row() | {"upheld": 1},  # F
        EARLY_HELP: no_row(),
    }


def test_one_category_narrows_the_team_table_only(app: Flask) -> None:
    build_cases()
    narrowed = reports.annual_report(YEAR, category="delay_failed_service")
    assert narrowed["category"] == "delay_failed_service"
    assert narrowed["by_team_outcome"] == {
        FIRST_RESPONSE: no_row(),
        FAMILY_SUPPORT: no_row(),
        LOOKED_AFTER: no_row() | {"upheld": 1},  # A
        LEAVING_CARE: no_row(),
        FOSTERING: no_row(),
        ADOPTION: no_row(),
        DISABILITIES: no_row() | {"upheld": 1},  # F
        EARLY_HELP: no_row(),
    }
    # The year before: X1 (LAC, upheld) is the only one in that category.
    assert narrowed["previous"]["by_team_outcome"] == {
        team: no_row() | ({"upheld": 1} if team == LOOKED_AFTER else {}) for team in TEAMS
    }
    # Everything else counts every category.
    assert narrowed["contacts"]["complaint"] == 11
    assert narrowed["by_category"]["information"] == 2
    assert narrowed["timeliness"]["stage1_responses"] == 8


def test_complaints_by_who_made_them(report: dict[str, Any]) -> None:
    assert report["by_source"] == {
        "child": 4,  # A, E, I, J
        "parent": 3,  # B, F, H (compliment L and representation O are not complaints)
        "foster_carer": 1,  # C
        "kinship_carer": 1,  # K
        "relative": 0,  # P is a representation
        "professional": 1,  # G
        "advocate": 1,  # D
        "other": 0,
    }


def test_timeliness_at_every_stage(report: dict[str, Any]) -> None:
    assert report["timeliness"] == {
        # Acknowledged: all but J. By each case's own date (the council's 3 wd): A 3, B 2,
        # C 2, E 3, G 1, H 1, I 0; late: D 4, F 5, K 5. 7 of 10.
        "acknowledged": 10,
        "acknowledged_in_time": 7,
        "acknowledged_late": 3,
        "acknowledged_in_time_percent": 70.0,
        # Answered at stage 1: A 10, B 20, C 22, D 7, E 21, F 13, I 9, K 8 (H withdrew).
        "stage1_responses": 8,
        # In time by England's limits (10 wd, 20 extended), as each case's clock fixed
        # it: A, D, I, K within 10; B extended, at 20. Late: C 22, E 21 (extended), F 13.
        "stage1_in_time": 5,
        "stage1_in_time_percent": 62.5,
        "stage1_within_agreed_extension": 1,  # B at 20; E took 21
        "stage1_late": 3,
        "stage1_in_10": 4,  # A (exactly 10), D, I, K
        "stage1_in_11_to_20": 2,  # B (exactly 20), F
        "stage1_over_20": 2,  # C, E (21)
        "stage1_in_10_percent": 50.0,
        # (10 + 20 + 22 + 7 + 21 + 13 + 9 + 8) / 8 = 110 / 8 = 13.75 -> 13.8 (half up)
        "stage1_average_working_days": 13.8,
        "stage1_extended": 2,  # B, E
        # From the request (the default clock): C 25, D 30, K 66.
        "stage2_adjudications": 3,
        "stage2_in_25": 1,  # C
        "stage2_in_26_to_65": 1,  # D
        "stage2_over_65": 1,  # K
        "stage2_extended": 1,  # D
        "stage2_average_working_days": 40.3,  # 121 / 3 = 40.333...
        "stage3_panels": 1,  # D, 30 wd after the request
        "stage3_panel_in_30": 1,
        "stage3_responses": 1,
        "stage3_average_working_days": 44.0,  # D: 17 Nov 2025 to 21 Jan 2026
    }


def test_stage2_counts_from_the_agreed_statement_when_the_council_says_so(app: Flask) -> None:
    build_cases()
    app.config["STAGE2_CLOCK_START"] = "statement"
    timeliness = reports.annual_report(YEAR)["timeliness"]
    # From the statement: C 20 (18 Aug to 16 Sep), D 25 (29 Sep to 3 Nov); K had no
    # statement, so its request: 66.
    assert {key: timeliness[key] for key in timeliness if key.startswith("stage2")} == {
        "stage2_adjudications": 3,
        "stage2_in_25": 2,  # C, D
        "stage2_in_26_to_65": 0,
        "stage2_over_65": 1,  # K
        "stage2_extended": 1,  # D
        "stage2_average_working_days": 37.0,  # (20 + 25 + 66) / 3 = 111 / 3
    }


def test_costs_of_stage2_and_ex_gratia_payments(report: dict[str, Any]) -> None:
    assert report["costs"] == {
        "stage2_cases": 3,  # C, D, K
        "stage2_total": "6582.46",  # 3081.96 + 2000.00 + 1500.50
        "ex_gratia_payments": 2,  # B at stage 1, C at stage 2
        "ex_gratia_total": "400.00",  # 150 + 250
    }


def test_the_ombudsman_counts_every_enquiry_and_each_decision(report: dict[str, Any]) -> None:
    assert report["ombudsman"] == {
        # Each enquiry that arrived in the year: D (decided), F (decided), K (not yet).
        "referred": 3,
        "upheld": 0,
        "not_upheld": 1,  # D
        "not_investigated": 0,
        "premature": 1,  # F
        "maladministration": 0,  # D: no fault found
        "injustice": 0,
        "remedies": 0,
        "remedies_on_time": 0,
    }


def test_compliments_and_representations(report: dict[str, Any]) -> None:
    assert report["compliments"] == {
        "total": 3,
        "about_a_named_worker": 1,  # L
        "by_team": {LOOKED_AFTER: 2, FOSTERING: 1},  # L, N; M
    }
    assert report["representations"] == {
        "total": 2,
        "by_team": {FAMILY_SUPPORT: 1, EARLY_HELP: 1},  # P; O
    }


def test_advocacy_offered_to_children_who_complained_and_taken_up(
    report: dict[str, Any],
) -> None:
    assert report["advocacy"] == {
        "requests": 2,  # Q, R
        "children_who_complained": 5,  # children A, E, I, J; the advocate for D's child
        "offered": 5,  # each has its answer recorded
        # A accepted, I already had one, D's child has the advocate who complained for
        # them; E declined, J was not sure.
        "took_up": 3,
        "take_up_percent": 60.0,
        # Referrals to the advocacy provider made in the year: Q's and R's requests, A's
        # offer accepted. Q and A first contacted, in 3 and 1 working days (median 2),
        # A's within the contract; R's declined.
        "referrals": 3,
        "referrals_from_requests": 2,
        "referrals_from_offers": 1,
        "referrals_from_staff": 0,
        "referrals_accepted": 2,
        "referrals_declined": 1,
        "referrals_first_contact": 2,
        "referral_take_up_percent": 66.7,
        "first_contact_median_working_days": 2.0,
        "first_contact_within_contract": 1,
        "first_contact_within_contract_percent": 50.0,
        "referral_outcomes": NO_OUTCOMES | {"supported_complaint": 1, "no_longer_wanted": 1},
    }


def test_lessons_of_cases_received_in_the_period_by_team(report: dict[str, Any]) -> None:
    # By team name (Family Support before Looked After Children), then as recorded; not
    # X1's (last year) or Z's (next year).
    assert report["lessons"] == [
        {"team": FAMILY_SUPPORT, "lesson": LESSON_B[0], "action": LESSON_B[1]},
        {"team": LOOKED_AFTER, "lesson": LESSON_A[0], "action": LESSON_A[1]},
        {"team": LOOKED_AFTER, "lesson": LESSON_D[0], "action": LESSON_D[1]},
    ]


def test_rates_against_the_context_figures_entered_for_the_period(
    report: dict[str, Any],
) -> None:
    assert report["context"] == {
        "social_care_contacts": 2200,
        "referrals": 880,
        "children_looked_after": 0,
    }
    assert report["rates"] == {
        "complaints_per_social_care_contacts_percent": 0.5,  # 11 / 2200
        "complaints_per_referrals_percent": 1.3,  # 11 / 880 = 1.25% -> 1.3 (half up)
        "complaints_per_children_looked_after_percent": None,  # a share of nothing
    }


def test_a_period_without_context_figures_has_no_rates(app: Flask) -> None:
    build_cases()
    report = reports.annual_report(YEAR)
    assert report["context"] == dict.fromkeys(reports.CONTEXT_FIELDS)
    assert set(report["rates"].values()) == {None}


def test_comparison_with_other_councils(app: Flask, report: dict[str, Any]) -> None:
    # Ours first, then the others by year and council.
    assert report["comparison"] == [
        {
            "council": app.config["COUNCIL_NAME"],
            "year": "2025 to 26",
            "complaints": 11,
            "referrals": 880,
            "complaints_per_referrals_percent": 1.3,
        },
        {
            "council": "Eastmoor",
            "year": "2024 to 25",
            "complaints": 40,
            "referrals": None,
            "complaints_per_referrals_percent": None,
        },
        {
            "council": "Southmoor",
            "year": "2025 to 26",
            "complaints": 129,
            "referrals": 7140,
            "complaints_per_referrals_percent": 1.8,  # 129 / 7140 = 1.806...
        },
    ]


# --- the year before --------------------------------------------------------------------------


def test_the_previous_period_is_the_financial_year_before(report: dict[str, Any]) -> None:
    before = report["previous"]
    assert "lessons" not in before
    assert before["contacts"] == {
        "complaint": 3,  # X1, X2, PC1 (imported); not 28 Mar 2024
        "compliment": 1,  # X3 at 23:30 on 31 Mar 2025
        "advocacy": 0,  # Q, at 00:15 on 1 Apr 2025, is this year's
        "representation": 0,
        "total": 4,
    }
    assert before["complaints"] == {
        "received": 3,
        "resolved_informally": 0,
        "resolved_informally_percent_of_contacts": 0.0,
        "stage1": 3,  # X1, X2, PC1
        "stage2": 1,  # PC1
        "stage3": 0,
        "resolved_at_stage1_percent": 66.7,  # 2 of 3
        "corporate_procedure": 0,
    }
    assert before["by_category"] == dict.fromkeys(before["by_category"], 0) | {
        "delay_failed_service": 1,  # X1
        "policy": 1,  # PC1
    }
    assert before["by_team_outcome"] == {
        team: no_row()
        | {
            LOOKED_AFTER: {"upheld": 1},  # X1
            FAMILY_SUPPORT: {"not_upheld": 1},  # X2
            FOSTERING: {"not_upheld": 1},  # PC1
        }.get(team, {})
        for team in TEAMS
    }
    assert before["by_source"] == dict.fromkeys(before["by_source"], 0) | {
        "parent": 1,  # X1
        "child": 1,  # X2
        "foster_carer": 1,  # PC1
    }
    assert before["timeliness"] == {
        "acknowledged": 2,  # X1 2 wd, PC1 1 wd; X2 never
        "acknowledged_in_time": 2,
        "acknowledged_late": 0,
        "acknowledged_in_time_percent": 100.0,
        "stage1_responses": 3,  # X1 10, X2 20, PC1 8
        # X1 in time at 10; X2 late at 20 with no extension; PC1, imported with no clock
        # record, in time by England's 10 wd from receipt.
        "stage1_in_time": 2,
        "stage1_in_time_percent": 66.7,
        "stage1_within_agreed_extension": 0,
        "stage1_late": 1,
        "stage1_in_10": 2,
        "stage1_in_11_to_20": 1,
        "stage1_over_20": 0,
        "stage1_in_10_percent": 66.7,
        "stage1_average_working_days": 12.7,  # 38 / 3 = 12.666...
        "stage1_extended": 0,
        # The import carries no stage 2 or 3 dates.
        "stage2_adjudications": 0,
        "stage2_in_25": 0,
        "stage2_in_26_to_65": 0,
        "stage2_over_65": 0,
        "stage2_extended": 0,
        "stage2_average_working_days": None,
        "stage3_panels": 0,
        "stage3_panel_in_30": 0,
        "stage3_responses": 0,
        "stage3_average_working_days": None,
    }
    assert before["costs"] == {
        "stage2_cases": 1,
        "stage2_total": "1000.00",
        "ex_gratia_payments": 0,
        "ex_gratia_total": "0.00",
    }
    assert before["ombudsman"] == {
        "referred": 1,  # PC1
        "upheld": 0,
        "not_upheld": 0,
        "not_investigated": 0,
        "premature": 0,
        "maladministration": 0,
        "injustice": 0,
        "remedies": 0,
        "remedies_on_time": 0,
    }
    assert before["compliments"] == {
        "total": 1,
        "about_a_named_worker": 0,
        "by_team": {ADOPTION: 1},
    }
    assert before["representations"] == {"total": 0, "by_team": {}}
    assert before["advocacy"] == {
        "requests": 0,
        "children_who_complained": 1,  # X2
        "offered": 1,
        "took_up": 1,
        "take_up_percent": 100.0,
        # X2's referral, waiting.
        "referrals": 1,
        "referrals_from_requests": 0,
        "referrals_from_offers": 1,
        "referrals_from_staff": 0,
        "referrals_accepted": 0,
        "referrals_declined": 0,
        "referrals_first_contact": 0,
        "referral_take_up_percent": 0.0,
        "first_contact_median_working_days": None,
        "first_contact_within_contract": 0,
        "first_contact_within_contract_percent": None,
        "referral_outcomes": NO_OUTCOMES,
    }


def test_a_report_of_the_year_before_sees_the_same_figures(app: Flask) -> None:
    build_cases()
    before = reports.annual_report(YEAR_BEFORE)
    assert before["period"] == {"from": "2024-04-01", "to": "2025-03-31"}
    assert before["previous_period"] == {"from": "2023-04-01", "to": "2024-03-31"}
    assert before["contacts"]["total"] == 4
    assert before["lessons"] == [
        {"team": LOOKED_AFTER, "lesson": LESSON_X1[0], "action": LESSON_X1[1]}
    ]
    # 2023 to 24 holds only the complaint of 28 Mar 2024.
    assert before["previous"]["contacts"] == {
        "complaint": 1,
        "compliment": 0,
        "advocacy": 0,
        "representation": 0,
        "total": 1,
    }
    assert before["comparison"][0]["year"] == "2024 to 25"


# --- the CSV ------------------------------------------------------------------------------


def csv_rows(text: str) -> list[list[str]]:
    """The rows as a spreadsheet reads them, told by the byte order mark it is UTF-8."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_has_a_row_per_figure_with_the_change_in_per_cent(
    report: dict[str, Any],
) -> None:
    rows = csv_rows(reports.as_csv(report))
    assert rows[0] == ["section", "figure", "this_period", "previous_period", "change_percent"]
    by_figure = {(row[0], row[1]): row[2:] for row in rows[1:] if row[0] != "lessons"}
    assert len(by_figure) == len(rows) - 1 - 3  # each figure once; 3 lessons
    expected = {
        ("contacts", "complaint"): ["11", "3", "266.7"],  # 8 / 3 = 266.666...%
        ("contacts", "compliment"): ["3", "1", "200.0"],
        ("contacts", "advocacy"): ["2", "0", ""],  # nothing before: no change
        ("contacts", "representation"): ["2", "0", ""],
        ("contacts", "total"): ["18", "4", "350.0"],
        ("complaints", "stage2"): ["3", "1", "200.0"],
        ("complaints", "resolved_informally"): ["1", "0", ""],
        ("complaints", "resolved_at_stage1_percent"): ["66.7", "66.7", ""],  # not a count
        ("by_category", "policy"): ["1", "1", "0.0"],
        ("by_category", "legislation"): ["0", "0", ""],
        ("by_source", "parent"): ["3", "1", "200.0"],
        ("by_source", "foster_carer"): ["1", "1", "0.0"],
        (
            "by_team_outcome",
            f"{FAMILY_SUPPORT}.not_upheld",
        ): ["0", "1", "-100.0"],  # X2 last year, none this year
        ("by_team_outcome", f"{LOOKED_AFTER}.upheld"): ["1", "1", "0.0"],
        ("timeliness", "stage1_in_time"): ["5", "2", "150.0"],
        ("timeliness", "stage1_late"): ["3", "1", "200.0"],
        ("timeliness", "stage1_in_10"): ["4", "2", "100.0"],
        ("timeliness", "stage1_in_11_to_20"): ["2", "1", "100.0"],
        ("timeliness", "stage1_over_20"): ["2", "0", ""],
        ("timeliness", "acknowledged"): ["10", "2", "400.0"],
        ("timeliness", "acknowledged_late"): ["3", "0", ""],
        ("timeliness", "stage1_average_working_days"): ["13.8", "12.7", ""],
        ("timeliness", "stage2_average_working_days"): ["40.3", "", ""],
        ("costs", "stage2_cases"): ["3", "1", "200.0"],
        ("costs", "stage2_total"): ["6582.46", "1000.00", ""],
        ("costs", "ex_gratia_total"): ["400.00", "0.00", ""],
        ("ombudsman", "referred"): ["3", "1", "200.0"],
        ("compliments", f"by_team.{LOOKED_AFTER}"): ["2", "", ""],
        ("advocacy", "took_up"): ["3", "1", "200.0"],
        ("advocacy", "take_up_percent"): ["60.0", "100.0", ""],
        ("context", "referrals"): ["880", "", ""],
        ("rates", "complaints_per_referrals_percent"): ["1.3", "", ""],
    }
    assert {key: by_figure.get(key) for key in expected} == expected
    timeliness = [figure for section, figure in by_figure if section == "timeliness"]
    assert timeliness == list(report["timeliness"]) and len(timeliness) == 25
    assert {section for section, _ in by_figure} == {
        "contacts",
        "complaints",
        "by_category",
        "by_team_outcome",
        "by_source",
        "by_channel",
        "timeliness",
        "costs",
        "ombudsman",
        "compliments",
        "representations",
        "advocacy",
        "feedback",
        "context",
        "rates",
        "comparison",
    }
    assert [row for row in rows if row[0] == "lessons"] == [
        ["lessons", FAMILY_SUPPORT, *LESSON_B, ""],
        ["lessons", LOOKED_AFTER, *LESSON_A, ""],
        ["lessons", LOOKED_AFTER, *LESSON_D, ""],
    ]


def test_the_csv_keeps_a_teams_figure_from_last_year(report: dict[str, Any]) -> None:
    rows = csv_rows(reports.as_csv(report))
    # X3 (Adoption) last year; no compliment for Adoption this year.
    assert ["compliments", f"by_team.{ADOPTION}", "0", "1", "-100.0"] in rows


# --- the command line --------------------------------------------------------------------------


def test_the_command_prints_the_same_json_as_the_report(app: Flask) -> None:
    save_context_and_comparators(build_cases())
    result = app.test_cli_runner().invoke(
        args=["report", "annual", "--from", "2025-04-01", "--to", "2026-03-31", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == reports.annual_report(YEAR)
    assert printed["contacts"]["total"] == 18 and printed["costs"]["stage2_total"] == "6582.46"


def test_the_command_narrows_the_team_table_to_a_category(app: Flask) -> None:
    build_cases()
    result = app.test_cli_runner().invoke(
        args=[
            "report",
            "annual",
            "--from",
            "2025-04-01",
            "--to",
            "2026-03-31",
            "--category",
            "delay_failed_service",
        ]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["category"] == "delay_failed_service"
    # A (LAC) and F (Children with Disabilities), both upheld: 2 in all.
    assert sum(sum(row.values()) for row in printed["by_team_outcome"].values()) == 2


def test_the_command_prints_csv_with_a_header_and_a_row_per_figure(app: Flask) -> None:
    save_context_and_comparators(build_cases())
    result = app.test_cli_runner().invoke(
        args=["report", "annual", "--from", "2025-04-01", "--to", "2026-03-31", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    # (The runner reads the csv module's \r\n line ends as \n.)
    assert result.output == reports.as_csv(reports.annual_report(YEAR)).replace("\r\n", "\n")
    rows = csv_rows(result.output)
    assert rows[0] == ["section", "figure", "this_period", "previous_period", "change_percent"]
    assert ["contacts", "complaint", "11", "3", "266.7"] in rows
    assert ["costs", "stage2_total", "6582.46", "1000.00", ""] in rows
    assert all(len(row) == 5 for row in rows)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2025-04-01"], "Give both --from and --to, or neither"),
        (["--to", "2026-03-31"], "Give both --from and --to, or neither"),
        (["--from", "2026-03-31", "--to", "2025-04-01"], "--to must be on or after --from"),
        (["--from", "2025-13-01", "--to", "2026-03-31"], "does not match the format"),
        (["--from", "2025-04-01", "--to", "2026-03-31", "--format", "xml"], "xml"),
    ],
    ids=["only from", "only to", "to before from", "not a date", "unknown format"],
)
def test_the_command_refuses_bad_arguments_with_a_message(
    app: Flask, args: list[str], message: str
) -> None:
    result = app.test_cli_runner().invoke(args=["report", "annual", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_the_command_without_dates_reports_the_financial_year_so_far(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["report", "annual"])
    assert result.exit_code == 0, result.output
    period = json.loads(result.output)["period"]
    start, end = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
    assert (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)
    assert end.year == start.year + 1


# --- what the report must still count when a case goes further ----------------------------------


def a_complaint_answered_at_stage1_with_ex_gratia(desk: Desk) -> Submission:
    """Received Mon 2 Jun 2025; GBP 150 ex gratia at stage 1; stage 2 asked for."""
    case = desk.receive(Kind.COMPLAINT, PARENT, at(date(2025, 6, 2)), FAMILY_SUPPORT)
    desk.move(case, Move.ACCEPT, date(2025, 6, 3))
    desk.move(
        case, Move.RESPOND_STAGE1, date(2025, 6, 10), outcome="partially_upheld", ex_gratia="150"
    )
    desk.move(case, Move.REQUEST_STAGE2, date(2025, 6, 20))
    return case


def test_a_stage1_ex_gratia_payment_still_counts_after_stage2_adjudication(app: Flask) -> None:
    desk = a_desk()
    case = a_complaint_answered_at_stage1_with_ex_gratia(desk)
    desk.move(
        case, Move.ADJUDICATE_STAGE2, date(2025, 7, 25), outcome="not_upheld", stage2_cost="900"
    )
    costs = reports.annual_report(YEAR)["costs"]
    # One payment, GBP 150, made at stage 1; stage 2 paid nothing more.
    assert (costs["ex_gratia_payments"], costs["ex_gratia_total"]) == (1, "150.00")


def test_ex_gratia_payments_at_both_stages_both_count(app: Flask) -> None:
    desk = a_desk()
    case = a_complaint_answered_at_stage1_with_ex_gratia(desk)
    desk.move(
        case,
        Move.ADJUDICATE_STAGE2,
        date(2025, 7, 25),
        outcome="upheld",
        ex_gratia="250",
        stage2_cost="900",
    )
    costs = reports.annual_report(YEAR)["costs"]
    # GBP 150 at stage 1 and GBP 250 at stage 2: two payments, GBP 400.
    assert (costs["ex_gratia_payments"], costs["ex_gratia_total"]) == (2, "400.00")


def test_a_complaint_reassigned_to_the_advocacy_provider_still_counts(app: Flask) -> None:
    desk = a_desk()
    case = desk.receive(Kind.COMPLAINT, CHILD, at(date(2025, 6, 2)), LOOKED_AFTER)
    provider = "Advocacy provider (Coram Voice)"
    # The assign form offers every active team, the provider's included.
    cases.assign(
        desk.staff,
        case,
        team_id=team_id(provider),
        person_id=None,
        reason="Sent to the advocate by mistake",
        version=case.case.version,
    )
    desk.move(case, Move.ACCEPT, date(2025, 6, 3))
    desk.move(case, Move.RESPOND_STAGE1, date(2025, 6, 10), outcome="upheld")
    rows = reports.annual_report(YEAR)["by_team_outcome"]
    # Not a team the report lists, but its one upheld complaint has a row of its own.
    assert rows[provider] == no_row() | {"upheld": 1}
    assert set(rows) == {*TEAMS, provider}


def test_a_complaint_under_the_corporate_procedure_is_counted_apart_from_the_statutory_ones(
    app: Flask,
) -> None:
    """domain.md, "What goes through which procedure": child protection decisions and
    court reports are not statutory children's complaints; they follow the council's
    corporate procedure, whose clock runs from the acknowledgement. The statutory report
    counts its own complaints, and says how many went the corporate way."""
    desk = a_desk()
    # S: a parent, Family Support, the statutory procedure (England). Received Mon 2 Jun
    # 2025, acknowledged Wed 4 Jun: 2 wd (in time). Stage 1 answered Mon 16 Jun: 10 wd ->
    # within 10. Not upheld.
    s = desk.receive(Kind.COMPLAINT, PARENT, at(date(2025, 6, 2)), FAMILY_SUPPORT)
    desk.acknowledge(s, date(2025, 6, 4))
    desk.move(s, Move.ACCEPT, date(2025, 6, 4))
    desk.move(s, Move.RESPOND_STAGE1, date(2025, 6, 16), outcome="not_upheld")
    # C: a parent, Family Support, about a child protection conference: staff move it to
    # the corporate procedure. Received Mon 2 Jun 2025, acknowledged Mon 9 Jun (5 wd: the
    # Code's limit), stage 1 answered Mon 23 Jun (10 wd after the acknowledgement, as the
    # Code allows; 15 after receipt). Upheld. A child protection decision, so none of it
    # belongs in the statutory figures.
    c = desk.receive(Kind.COMPLAINT, PARENT, at(date(2025, 6, 2)), FAMILY_SUPPORT)
    cases.change_procedure(
        desk.staff,
        c,
        procedure=Procedure.CORPORATE,
        reason="About a child protection conference",
        version=c.case.version,
    )
    desk.acknowledge(c, date(2025, 6, 9))
    desk.move(c, Move.ACCEPT, date(2025, 6, 9))
    desk.move(c, Move.RESPOND_STAGE1, date(2025, 6, 23), outcome="upheld")
    db.session.expire_all()

    report = reports.annual_report(YEAR)
    # By hand: S alone is a statutory complaint, answered in time, not upheld.
    assert report["contacts"]["complaint"] == 1
    assert report["contacts"]["total"] == 1
    assert report["complaints"]["received"] == 1
    assert report["complaints"]["stage1"] == 1
    assert report["complaints"]["corporate_procedure"] == 1
    timeliness = report["timeliness"]
    assert (timeliness["acknowledged"], timeliness["acknowledged_late"]) == (1, 0)
    assert timeliness["stage1_responses"] == timeliness["stage1_in_10"] == 1
    assert timeliness["stage1_in_11_to_20"] == 0
    assert timeliness["stage1_in_10_percent"] == 100.0
    assert report["by_source"]["parent"] == 1
    assert report["by_channel"]["online"] == 1
    assert report["by_team_outcome"][FAMILY_SUPPORT] == no_row() | {"not_upheld": 1}
    assert report == reports.annual_report(YEAR)  # the months kept read back the same

    # Moved back to the children's procedure (staff found it was about the child's
    # plan after all): the year counts it again, though its months were kept.
    cases.change_procedure(
        desk.staff,
        c,
        procedure=Procedure.ENGLAND_CHILDREN,
        reason="About the child in need plan, not the conference",
        version=c.case.version,
    )
    db.session.expire_all()
    again = reports.annual_report(YEAR)
    assert again["complaints"]["received"] == 2
    assert again["complaints"]["corporate_procedure"] == 0
    # 15 wd from receipt under the children's procedure: 11 to 20.
    assert again["timeliness"]["stage1_in_11_to_20"] == 1
    assert again["by_team_outcome"][FAMILY_SUPPORT] == no_row() | {"not_upheld": 1, "upheld": 1}
    assert {k: again[k] for k in reports.figures_case_by_case(YEAR)} == (
        reports.figures_case_by_case(YEAR) | {"lessons": []}
    )


# --- stage 1 in time by the limits of each case's own procedure -----------------------------

STAGE1_FIGURES = (
    "stage1_responses",
    "stage1_in_time",
    "stage1_in_time_percent",
    "stage1_within_agreed_extension",
    "stage1_late",
    "stage1_in_10",
    "stage1_in_11_to_20",
    "stage1_over_20",
    "stage1_in_10_percent",
)


def stage1_timeliness(period: Period) -> dict[str, Any]:
    """Stage 1's timeliness as the report says it, counted by the database; and the
    same counted case by case (the two ways must agree)."""
    db.session.expire_all()
    timeliness = reports.annual_report(period)["timeliness"]
    one_by_one = reports.figures_case_by_case(period)["timeliness"]
    assert isinstance(one_by_one, dict)
    assert {k: one_by_one[k] for k in STAGE1_FIGURES} == {k: timeliness[k] for k in STAGE1_FIGURES}
    return {k: timeliness[k] for k in STAGE1_FIGURES}


def a_welsh_childs_complaint(desk: Desk, *, discussion: date, resolution: date) -> Submission:
    """A child's complaint received Fri 19 Dec 2025 (JURISDICTION=wales), acknowledged and
    accepted Mon 22 Dec, the discussion held and the written resolution sent on the days
    given."""
    case = desk.receive(Kind.COMPLAINT, CHILD, at(date(2025, 12, 19)), LEAVING_CARE)
    desk.acknowledge(case, date(2025, 12, 22))
    desk.move(case, Move.ACCEPT, date(2025, 12, 22))
    desk.move(case, Move.HOLD_DISCUSSION, discussion)
    desk.move(case, Move.RESPOND_STAGE1, resolution, outcome="upheld")
    return case


def test_a_welsh_stage1_is_in_time_by_its_discussion_and_written_resolution(app: Flask) -> None:
    """WSI 2014/1795 (domain.md, "Timescales, Wales"): the discussion within 10 working
    days of the acknowledgement, the written resolution within 5 of the discussion.

    W1 (the probe's case): a child, received Fri 19 Dec 2025, acknowledged Mon 22 Dec.
    Discussion Thu 8 Jan 2026: the 10th working day after the acknowledgement (23, 24,
    29, 30, 31 Dec, 2, 5, 6, 7, 8 Jan; 25, 26 Dec and 1 Jan are bank holidays) -> in time.
    Written resolution Wed 14 Jan: 4 working days after (9, 12, 13, 14) -> in time.
    From receipt that is 15 working days: England's "11 to 20" band.

    W2: the same dates but the discussion on Fri 9 Jan, the 11th working day -> late,
    although the written resolution on Mon 12 Jan is 1 working day after it. 13 working
    days from receipt: "11 to 20".

    Before: "in 10" 0 of 2 (0%), both "11 to 20", and nothing said of Wales's limits.
    Now: 1 of 2 in time (50%), 1 late; the bands as before."""
    app.config.update(JURISDICTION="wales", ACKNOWLEDGEMENT_TARGET_WORKING_DAYS=2)
    desk = a_desk()
    a_welsh_childs_complaint(desk, discussion=date(2026, 1, 8), resolution=date(2026, 1, 14))
    a_welsh_childs_complaint(desk, discussion=date(2026, 1, 9), resolution=date(2026, 1, 12))

    assert stage1_timeliness(YEAR) == {
        "stage1_responses": 2,
        "stage1_in_time": 1,  # W1
        "stage1_in_time_percent": 50.0,
        "stage1_within_agreed_extension": 0,
        "stage1_late": 1,  # W2: the discussion on the 11th working day
        "stage1_in_10": 0,
        "stage1_in_11_to_20": 2,  # W1 at 15, W2 at 13 working days from receipt
        "stage1_over_20": 0,
        "stage1_in_10_percent": 0.0,
    }


def test_an_english_stage1_is_in_time_by_10_working_days_an_agreed_extension_or_a_pause(
    app: Flask,
) -> None:
    """England (domain.md, "Timescales, England"): 10 working days from receipt, 20 with
    an agreed extension; a paused clock does not count the days it was paused. Each is
    received Mon 2 Feb 2026 and acknowledged and accepted Tue 3 Feb.

    E10: answered Mon 16 Feb, the 10th working day (3-6, 9-13, 16 Feb) -> in time, "in 10".
    E11: answered Tue 17 Feb, the 11th -> late, "11 to 20".
    EX: stage 1 extended by agreement on Thu 12 Feb, answered Thu 26 Feb, the 18th -> in
        time within the agreed extension, "11 to 20".
    EP: paused Mon 9 Feb waiting for an advocate, restarted Mon 16 Feb (9-13 Feb not
        counted), answered Fri 20 Feb: the 14th working day from receipt, "11 to 20",
        but the 9th of the clock -> in time (it was due Mon 23 Feb).

    Before: 1 of 4 "in 10" (25%), and the paused case as late as E11.
    Now: 3 of 4 in time (75%), 1 of them within an agreed extension, 1 late."""
    desk = a_desk()
    received, accepted = date(2026, 2, 2), date(2026, 2, 3)

    def accepted_case() -> Submission:
        case = desk.receive(Kind.COMPLAINT, PARENT, at(received), FAMILY_SUPPORT)
        desk.acknowledge(case, accepted)
        desk.move(case, Move.ACCEPT, accepted)
        return case

    e10, e11, ex, ep = (accepted_case() for _ in range(4))
    desk.move(e10, Move.RESPOND_STAGE1, date(2026, 2, 16), outcome="upheld")
    desk.move(e11, Move.RESPOND_STAGE1, date(2026, 2, 17), outcome="upheld")
    desk.move(
        ex,
        Move.EXTEND_STAGE1,
        date(2026, 2, 12),
        stage1_extension_reason="Records from another team.",
        extension_agreement="Pat agreed by phone",
    )
    desk.move(ex, Move.RESPOND_STAGE1, date(2026, 2, 26), outcome="upheld")
    clock.pause(
        desk.staff, ep, on=date(2026, 2, 9), reason="advocate", detail="", version=ep.case.version
    )
    clock.restart(desk.staff, ep, on=date(2026, 2, 16), version=ep.case.version)
    desk.move(ep, Move.RESPOND_STAGE1, date(2026, 2, 20), outcome="upheld")

    assert stage1_timeliness(YEAR) == {
        "stage1_responses": 4,
        "stage1_in_time": 3,  # E10, EX, EP
        "stage1_in_time_percent": 75.0,
        "stage1_within_agreed_extension": 1,  # EX
        "stage1_late": 1,  # E11
        "stage1_in_10": 1,  # E10
        "stage1_in_11_to_20": 3,  # E11, EX, EP
        "stage1_over_20": 0,
        "stage1_in_10_percent": 25.0,
    }
