"""The annual report's figures counted by the database, and their tallies kept by the
calendar month once the month has ended (docs/performance.md, "Annual report").

`count` returns the same tallies `portal.domain.reports.tally` counts one case at a time
(tests/integration/test_report_counts.py holds them equal), month by month of receipt,
from a few aggregate queries over the cases received in some periods, each query grouped
by the month: the database returns a few hundred rows a month whatever the number of
cases, and as many queries whatever the number of months. Working days are a subtraction
of two days' numbers in `calendar_days`.

Every column of a case the report reads is named in `_live` and `_responses` (and
`_team_outcomes`, `_categories` for the outcome and the categories); the ombudsman's
enquiries in `_ombudsman` (counted by the month each arrived in); the referrals to the
advocacy provider in `_referrals` (by the month each was made); past cases in `_past`.
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.domain import reports
from portal.domain.clock import LONDON, is_working_day
from portal.domain.holidays import OutsideHolidayTable, bank_holidays
from portal.domain.reports import (
    FINDINGS,
    FIRST_CONTACT_DAYS_CAP,
    NOT_RECORDED,
    OMBUDSMAN_DECISIONS,
    TOOK_UP,
    Period,
    Tallies,
)
from portal.domain.responses import RESPONSE_STAGES
from portal.domain.timescales import Procedure
from portal.extensions import db
from portal.models import (
    Case,
    Category,
    ClockEvent,
    OmbudsmanEnquiry,
    OmbudsmanRemedy,
    Referral,
    StageResponse,
    Submission,
    Team,
    submission_categories,
)
from portal.models.related import merged_duplicates
from portal.models.report import (
    IN_BULK,
    CalendarDay,
    PastCase,
    ReportChange,
    ReportCount,
)
from portal.services.clock import DONE, STOPPED

# Bump when the report's arithmetic or what it reads changes: every kept figure is then
# counted again.
VERSION = 8  # 2: tallies kept by the month; 3: how complaints arrived; 4: a duplicate
# merged into a case not counted; 5: the ombudsman's enquiries by the month each arrived;
# 6: the referrals to the advocacy provider by the month each was made; 7: complaints
# under the corporate procedure counted apart; 8: stage 1 in time by the procedure's own
# limits, as the case's clock record says

NO_TEAM = "No team"
# A complaint under the council's corporate procedure, as the queries group it: counted
# apart from the statutory figures (domain/reports.py `statutory`).
CORPORATE_COMPLAINT = "corporate_complaint"


# --- the calendar ------------------------------------------------------------------------

_calendar_checked: set[str] = set()  # the databases whose calendar this process checked


def calendar_rows() -> list[dict[str, Any]]:
    """Every day the bank-holiday table covers, with its running count of working days."""
    table = bank_holidays()
    day, last = date(table.first_year, 1, 1), date(table.last_year, 12, 31)
    rows, counted = [], 0
    while day <= last:
        counted += is_working_day(day, table)
        after = datetime.combine(day + timedelta(days=1), time(), LONDON).astimezone(UTC)
        rows.append({"day": day, "working_days": counted, "next_day_starts_at": after})
        day += timedelta(days=1)
    return rows


def ensure_calendar() -> None:
    """`calendar_days` as the bank-holiday table says: compared in full once a process
    (and built again, committed, when the table has changed), then by its last day."""
    key = db.engine.url.render_as_string(hide_password=True)
    wanted = calendar_rows() if key not in _calendar_checked else None
    if wanted is None:
        last = _last_row()
        stored = db.session.get(CalendarDay, last["day"])
        if stored is not None and stored.working_days == last["working_days"]:
            return
        wanted = calendar_rows()
    if not _calendar_matches(wanted):
        if db.engine.dialect.name == "postgresql":
            # One process builds it; the others wait, then find it built.
            db.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('calendar_days'))"))
        if not _calendar_matches(wanted):
            db.session.execute(sa.delete(CalendarDay))
            db.session.execute(sa.insert(CalendarDay), wanted)
        db.session.commit()
    _calendar_checked.add(key)


@cache
def _last_row() -> dict[str, Any]:
    return calendar_rows()[-1]


def _calendar_matches(wanted: list[dict[str, Any]]) -> bool:
    stored = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.working_days).order_by(CalendarDay.day)
    ).all()
    return [(row.day, row.working_days) for row in stored] == [
        (row["day"], row["working_days"]) for row in wanted
    ]


def _working_days(start: Any, end: Any) -> tuple[Any, Any, Any]:
    """Working days after `start` up to `end` (0 when end <= start), as SQL over two
    calendar days joined on the dates, with the condition that both dates are known."""
    first = sa.orm.aliased(CalendarDay)
    last = sa.orm.aliased(CalendarDay)
    gap = last.working_days - first.working_days
    days = sa.case((gap > 0, gap), else_=0)
    return days, (first, first.day == start), (last, last.day == end)


def _sum(condition: Any, value: Any = 1) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def _truthy(column: Any) -> Any:
    """Set and not empty: what Python's `if value` means for a text column."""
    return sa.and_(column.is_not(None), column != "")


# --- the tallies -------------------------------------------------------------------------


ByMonth = defaultdict[date, Tallies]  # each month's (by its first day) tallies


def count(
    periods: list[Period],
    *,
    category: str | None,
    stage2_from_statement: bool,
    acknowledge_by: Callable[[date], date],
) -> ByMonth:
    """The tallies of the cases, live and imported, received in `periods` (which do not
    overlap), by the calendar month they were received in: each query counts every
    month at once, grouped by the month. A month with no case has no entry (its
    tallies are empty). `stage2_from_statement`: stage 2's clock starts at the agreed
    statement when there is one; `acknowledge_by(received on)`: the council's target for
    an imported case (the old system kept none)."""
    ensure_calendar()
    _plan_for_a_slice()
    runs = _runs(periods)
    by_month: ByMonth = defaultdict(Counter)
    for part in (
        _live(runs, stage2_from_statement),
        _responses(runs),
        _team_outcomes(runs, category),
        _categories(runs),
        _ombudsman(runs),
        _referrals(runs),
        _channels(runs),
        _past(runs, category, acknowledge_by),
    ):
        for first_day, tallies in part.items():
            by_month[first_day].update(tallies)
    return by_month


def _runs(periods: Iterable[Period]) -> list[Period]:
    """The periods in order, those that follow on from one another joined into one."""
    runs: list[Period] = []
    for period in sorted(periods, key=lambda p: p.start):
        if runs and period.start <= runs[-1].end + timedelta(days=1):
            runs[-1] = Period(runs[-1].start, max(runs[-1].end, period.end))
        else:
            runs.append(period)
    return runs


def _month(column: Any) -> Any:
    """The month of a date, in SQL: its first day on PostgreSQL (`date_trunc`, cheaper to
    group by than EXTRACT's numerics), "YYYY-MM" on SQLite (where a date is its ISO text)."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.date_trunc("month", sa.cast(column, sa.DateTime))  # no time zone
    return sa.func.substr(column, 1, 7)


def _first_day(month: Any) -> date:
    """The first day of the month `_month` gave."""
    if isinstance(month, datetime | date):
        return date(month.year, month.month, 1)
    year, number = str(month).split("-")
    return date(int(year), int(number), 1)


def _plan_for_a_slice() -> None:
    """What is counted is a slice of the table (a month, or the days of one so far):
    PostgreSQL's default random_page_cost (4, for spinning disks) makes its planner read
    all of stage_responses to hash-join a few hundred cases' stages rather than look each
    up in its (submission_id, stage) index; 1.1, as for a database on SSD or in memory,
    makes it look them up (docs/performance.md: 65 ms against 12 ms for the first five
    days of a month at 100,000 cases). For the rest of this transaction only."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL random_page_cost = 1.1"))


# Each stage's row beside its case (outer: a stage not reached has none), for its dates.
_S1, _S2, _S3 = STAGE_ROWS = tuple(
    sa.orm.aliased(StageResponse, name=f"stage{n}") for n in (1, 2, 3)
)


def with_stages(query: Any) -> Any:
    """`query` over Submission with its case (models/case.py: its kind, team and outcome
    dates) joined, and STAGE_ROWS outer-joined, one row per stage."""
    query = query.join(Case, Case.submission_id == Submission.id)
    for stage, row in zip(RESPONSE_STAGES, STAGE_ROWS, strict=True):
        query = query.outerjoin(
            row, sa.and_(row.submission_id == Submission.id, row.stage == stage)
        )
    return query


def _in(runs: list[Period], column: Any) -> Any:
    """Received in one of the runs of days."""
    return sa.or_(*(column.between(run.start, run.end) for run in runs))


def _stage2_started(stage2_from_statement: bool) -> Any:
    if stage2_from_statement:
        return sa.func.coalesce(_S2.statement_on, _S2.requested_on)
    return _S2.requested_on


def _live(runs: list[Period], stage2_from_statement: bool) -> ByMonth:
    """Everything counted from the case's own row, by kind, team and role."""
    s, c = Submission, Case
    stage1_days, *stage1_joins = _working_days(s.received_on, _S1.responded_on)
    due = sa.orm.aliased(CalendarDay)
    pairs = [(s.received_on, _S1.responded_on, stage1_joins)]
    acknowledged = c.acknowledged_at.is_not(None)
    sums: dict[tuple[str, ...], Any] = {
        ("reached", "1"): _sum(
            sa.or_(
                _S3.requested_on.is_not(None),
                _S2.requested_on.is_not(None),
                c.accepted_on.is_not(None),
            )
        ),
        ("reached", "2"): _sum(
            sa.or_(_S3.requested_on.is_not(None), _S2.requested_on.is_not(None))
        ),
        ("reached", "3"): _sum(_S3.requested_on.is_not(None)),
        # Reached no stage but resolved informally, or ended so (not withdrawn).
        ("resolved_informally",): _sum(
            sa.and_(
                c.resolved_informally_on.is_not(None),
                sa.or_(
                    c.withdrawn_on.is_(None),
                    sa.and_(
                        c.accepted_on.is_(None),
                        _S2.requested_on.is_(None),
                        _S3.requested_on.is_(None),
                    ),
                ),
            )
        ),
        ("acknowledged",): _sum(acknowledged),
        # After the day it was due by, in London: at or after the next day began.
        ("acknowledged_late",): _sum(
            sa.and_(
                acknowledged,
                sa.or_(s.acknowledge_by.is_(None), c.acknowledged_at >= due.next_day_starts_at),
            )
        ),
        **_stage1(
            _S1.responded_on.is_not(None),
            stage1_days,
            _S1.extended_on.is_not(None),
            case_id=s.id,
        ),
        ("stage2_extended",): _sum(_S2.extended_to.is_not(None)),
        ("advocacy_offered",): _sum(_truthy(s.advocacy_answer)),
        ("advocacy_took_up",): _sum(s.advocacy_answer.in_(TOOK_UP)),
        ("worker_named",): _sum(s.worker_name.is_not(None)),
        ("uncovered",): _uncovered(pairs),
    }
    team = sa.func.coalesce(Team.name, NO_TEAM)
    month = _month(s.received_on)
    kind = sa.case((_corporate(), CORPORATE_COMPLAINT), else_=c.kind)
    query = (
        with_stages(
            sa.select(
                month, kind, team, s.submitter_role, sa.func.count(), *sums.values()
            ).select_from(s)
        )
        .outerjoin(Team, Team.id == c.team_id)
        .outerjoin(due, due.day == s.acknowledge_by)
    )
    for _, _, joins in pairs:
        for alias, on in joins:
            query = query.outerjoin(alias, on)
    query = query.where(_in(runs, s.received_on), counted()).group_by(
        month, kind, team, s.submitter_role
    )
    by_month: ByMonth = defaultdict(Counter)
    for first_day, kind, team_name, role, contacts, figures in _groups(query, sums):
        tallies = by_month[first_day]
        _add_contacts(tallies, kind, team_name, role, contacts, figures.pop(("worker_named",)))
        if kind != "complaint":
            continue
        if role not in ("child", "advocate"):
            figures.pop(("advocacy_offered",))
            figures.pop(("advocacy_took_up",))
        tallies.update({key: int(value) for key, value in figures.items()})
    for first_day, tallies in _later_stages(runs, stage2_from_statement).items():
        by_month[first_day].update(tallies)
    return by_month


def _later_stages(runs: list[Period], stage2_from_statement: bool) -> ByMonth:
    """Stages 2 and 3's timeliness, from the few complaints that went beyond stage 1 (so
    that only their dates are looked up in the calendar)."""
    s = Submission
    stage2_started = _stage2_started(stage2_from_statement)
    stage2_days, *stage2_joins = _working_days(stage2_started, _S2.responded_on)
    panel_days, *panel_joins = _working_days(_S3.requested_on, _S3.panel_on)
    stage3_days, *stage3_joins = _working_days(_S3.requested_on, _S3.responded_on)
    pairs = [
        (stage2_started, _S2.responded_on, stage2_joins),
        (_S3.requested_on, _S3.panel_on, panel_joins),
        (_S3.requested_on, _S3.responded_on, stage3_joins),
    ]
    adjudicated = sa.and_(stage2_started.is_not(None), _S2.responded_on.is_not(None))
    panel = sa.and_(_S3.requested_on.is_not(None), _S3.panel_on.is_not(None))
    stage3 = sa.and_(_S3.requested_on.is_not(None), _S3.responded_on.is_not(None))
    sums: dict[tuple[str, ...], Any] = {
        ("stage2_adjudications",): _sum(adjudicated),
        ("stage2_days",): _sum(adjudicated, stage2_days),
        ("stage2_band", "in_25"): _sum(sa.and_(adjudicated, stage2_days <= reports.STAGE2_LIMIT)),
        ("stage2_band", "in_26_to_65"): _sum(
            sa.and_(
                adjudicated,
                stage2_days > reports.STAGE2_LIMIT,
                stage2_days <= reports.STAGE2_EXTENDED_LIMIT,
            )
        ),
        ("stage2_band", "over_65"): _sum(
            sa.and_(adjudicated, stage2_days > reports.STAGE2_EXTENDED_LIMIT)
        ),
        ("stage3_panels",): _sum(panel),
        ("stage3_panel_in_30",): _sum(sa.and_(panel, panel_days <= reports.STAGE3_PANEL_LIMIT)),
        ("stage3_responses",): _sum(stage3),
        ("stage3_days",): _sum(stage3, stage3_days),
        ("uncovered",): _uncovered(pairs),
    }
    month = _month(s.received_on)
    query = with_stages(sa.select(month, *sums.values()).select_from(s))
    for _, _, joins in pairs:
        for alias, on in joins:
            query = query.outerjoin(alias, on)
    query = query.where(
        _complaints_in(runs),
        sa.or_(stage2_started.is_not(None), _S3.requested_on.is_not(None)),
    ).group_by(month)
    by_month: ByMonth = defaultdict(Counter)
    for received_in, *values in db.session.execute(query):
        figures = dict(zip(sums, values, strict=True))
        if figures.pop(("uncovered",)):
            raise OutsideHolidayTable("a case's dates are outside the bank-holiday table")
        by_month[_first_day(received_in)].update(
            {key: int(value) for key, value in figures.items()}
        )
    return by_month


def _uncovered(pairs: list[tuple[Any, Any, Any]]) -> Any:
    """Dates the calendar does not cover: the clock refuses to count them."""
    return _sum(
        sa.or_(
            *(
                sa.and_(end > start, sa.or_(first.day.is_(None), last.day.is_(None)))
                for start, end, ((first, _), (last, _)) in pairs
            )
        )
    )


def _stage1(
    responded: Any, days: Any, extended: Any, case_id: Any = None
) -> dict[tuple[str, ...], Any]:
    """Stage 1's timeliness: responses, their working days and bands, extensions, and in
    time by the procedure's own limits (domain/reports.py `stage1_in_time`): as the clock
    record of the case `case_id` (a live case's submission id) says, else, with no verdict on
    record (an imported case has no record), England's 10 working days from receipt, or
    20 with an agreed extension."""
    limit, extended_limit = reports.STAGE1_LIMIT, reports.STAGE1_EXTENDED_LIMIT
    in_time = sa.or_(days <= limit, sa.and_(extended, days <= extended_limit))
    if case_id is not None:
        in_time = sa.and_(
            ~_on_record(case_id, on_time=False), sa.or_(_on_record(case_id, on_time=True), in_time)
        )
    return {
        ("stage1_extended",): _sum(extended),
        ("stage1_responses",): _sum(responded),
        ("stage1_days",): _sum(responded, days),
        ("stage1_band", "in_10"): _sum(sa.and_(responded, days <= limit)),
        ("stage1_band", "in_11_to_20"): _sum(
            sa.and_(responded, days > limit, days <= extended_limit)
        ),
        ("stage1_band", "over_20"): _sum(sa.and_(responded, days > extended_limit)),
        ("stage1_in_time",): _sum(sa.and_(responded, in_time)),
        ("stage1_within_agreed_extension",): _sum(sa.and_(responded, extended, in_time)),
    }


def stage1_verdict() -> Any:
    """A clock event that fixed whether a stage 1 step was in time: the response stopping
    the clock, or in Wales the discussion held on the way (services/clock.py `_stop`).
    A case ended while stage 1 ran stops its clock with no verdict (on_time NULL)."""
    return sa.and_(ClockEvent.stage == "stage1", ClockEvent.kind.in_((STOPPED, DONE)))


def _on_record(case_id: Any, *, on_time: bool) -> Any:
    """The case's clock record holds a stage 1 step fixed as in time (or late)."""
    e = ClockEvent
    return sa.exists().where(e.submission_id == case_id, stage1_verdict(), e.on_time.is_(on_time))


def _groups(query: Any, sums: dict[tuple[str, ...], Any]) -> Any:
    """Each (month, kind, team, role) group's count and sums, the month by its first day;
    refuses dates outside the calendar."""
    for received_in, kind, team_name, role, contacts, *values in db.session.execute(query):
        figures = dict(zip(sums, values, strict=True))
        if figures.pop(("uncovered",)):
            raise OutsideHolidayTable("a case's dates are outside the bank-holiday table")
        yield _first_day(received_in), kind, team_name, role, contacts, figures


def _add_contacts(
    tallies: Tallies, kind: str, team: str, role: str, contacts: int, named: int
) -> None:
    if kind == CORPORATE_COMPLAINT:
        tallies["corporate_complaints",] += contacts
        return
    tallies["total",] += contacts
    tallies["kind", kind] += contacts
    if kind == "complaint":
        tallies["source", role] += contacts
        if role in ("child", "advocate"):
            tallies["children",] += contacts
    elif kind in ("compliment", "representation"):
        tallies["by_team", kind, team] += contacts
        tallies["worker_named", kind] += int(named)


def _complaints_in(runs: list[Period]) -> Any:
    """The statutory complaints received in the runs: a condition on a submission joined
    to its case."""
    return sa.and_(
        Case.kind == "complaint",
        Case.procedure != Procedure.CORPORATE,
        _in(runs, Submission.received_on),
        counted(),
    )


def _corporate() -> Any:
    """A complaint under the council's corporate procedure: not a statutory one
    (domain/reports.py `statutory`)."""
    return sa.and_(Case.kind == "complaint", Case.procedure == Procedure.CORPORATE)


def counted() -> Any:
    """Not a duplicate merged into another case: the pair is one complaint, counted as
    the case kept (services/related_cases.py)."""
    return Submission.id.not_in(merged_duplicates())


def _responses(runs: list[Period]) -> ByMonth:
    """Ex gratia payments at every stage, and stage 2's cost, of the complaints."""
    r = StageResponse
    paid = sa.and_(r.ex_gratia_pence.is_not(None), r.ex_gratia_pence != 0)
    cost = sa.and_(r.stage == "stage2", r.cost_pence.is_not(None), r.cost_pence != 0)
    month = _month(Submission.received_on)
    rows = db.session.execute(
        sa.select(
            month, _sum(paid), _sum(paid, r.ex_gratia_pence), _sum(cost), _sum(cost, r.cost_pence)
        )
        .join(Submission, Submission.id == r.submission_id)
        .join(Case, Case.submission_id == Submission.id)
        .where(_complaints_in(runs))
        .group_by(month)
    )
    by_month: ByMonth = defaultdict(Counter)
    for received_in, payments, paid_pence, costs, cost_pence in rows:
        by_month[_first_day(received_in)].update(
            {
                ("ex_gratia_payments",): int(payments),
                ("ex_gratia_pence",): int(paid_pence),
                ("stage2_costs",): int(costs),
                ("stage2_cost_pence",): int(cost_pence),
            }
        )
    return by_month


def _team_outcomes(runs: list[Period], category: str | None) -> ByMonth:
    """Complaints by team and overall outcome: the finding of the latest stage that gave
    one, when the case was neither withdrawn nor resolved informally."""
    s, c, r = Submission, Case, StageResponse
    later = sa.orm.aliased(StageResponse)
    found = _truthy(r.outcome)
    latest = ~sa.exists().where(
        later.submission_id == r.submission_id,
        later.stage.in_(RESPONSE_STAGES),
        later.stage > r.stage,
        _truthy(later.outcome),
    )
    team = sa.func.coalesce(Team.name, NO_TEAM)
    month = _month(s.received_on)
    query = (
        sa.select(month, team, r.outcome, sa.func.count())
        .select_from(s)
        .join(c, c.submission_id == s.id)
        .join(r, r.submission_id == s.id)
        .outerjoin(Team, Team.id == c.team_id)
        .where(
            _complaints_in(runs),
            c.withdrawn_on.is_(None),
            c.resolved_informally_on.is_(None),
            r.stage.in_(RESPONSE_STAGES),
            found,
            r.outcome.in_(FINDINGS),
            latest,
        )
        .group_by(month, team, r.outcome)
    )
    if category is not None:
        query = query.where(
            sa.exists()
            .where(submission_categories.c.submission_id == s.id)
            .where(submission_categories.c.category_id == Category.id, Category.slug == category)
        )
    by_month: ByMonth = defaultdict(Counter)
    for received_in, name, outcome, n in db.session.execute(query):
        by_month[_first_day(received_in)]["team_outcome", name, str(outcome)] += n
    return by_month


def _categories(runs: list[Period]) -> ByMonth:
    month = _month(Submission.received_on)
    query = (
        sa.select(
            month,
            Category.slug,
            # A case has a category once (the key is the pair): counting rows counts cases.
            sa.func.count(),
        )
        .select_from(submission_categories)
        .join(Category, Category.id == submission_categories.c.category_id)
        .join(Submission, Submission.id == submission_categories.c.submission_id)
        .join(Case, Case.submission_id == Submission.id)
        .where(_complaints_in(runs))
        .group_by(month, Category.slug)
    )
    by_month: ByMonth = defaultdict(Counter)
    for received_in, slug, n in db.session.execute(query):
        by_month[_first_day(received_in)]["category", slug] += n
    return by_month


def _ombudsman(runs: list[Period]) -> ByMonth:
    """The ombudsman's enquiries, by the month each arrived in (not the case's): how many,
    their decisions, the fault and injustice found; and their remedies, recommended and
    complied with by their date."""
    e, r = OmbudsmanEnquiry, OmbudsmanRemedy
    month = _month(e.received_on)
    decided = e.decided_on.is_not(None)
    sums: dict[tuple[str, ...], Any] = {
        ("ombudsman", "referred"): _sum(sa.true()),
        **{
            ("ombudsman", outcome): _sum(sa.and_(decided, e.decision == outcome))
            for outcome in OMBUDSMAN_DECISIONS
        },
        ("ombudsman", "maladministration"): _sum(e.maladministration.is_(True)),
        ("ombudsman", "injustice"): _sum(e.injustice.is_(True)),
    }
    by_month: ByMonth = defaultdict(Counter)
    query = sa.select(month, *sums.values()).where(_in(runs, e.received_on)).group_by(month)
    for first_day, *figures in db.session.execute(query):
        by_month[_first_day(first_day)].update(
            {key: int(n or 0) for key, n in zip(sums, figures, strict=True)}
        )
    remedies = (
        sa.select(
            month,
            sa.func.count(),
            _sum(sa.and_(r.complied_on.is_not(None), r.complied_on <= r.due_on)),
        )
        .select_from(r)
        .join(e, e.id == r.enquiry_id)
        .where(_in(runs, e.received_on))
        .group_by(month)
    )
    for first_day, recommended, on_time in db.session.execute(remedies):
        tallies = by_month[_first_day(first_day)]
        tallies["ombudsman", "remedies"] += int(recommended)
        tallies["ombudsman", "remedies_on_time"] += int(on_time or 0)
    return by_month


def _referrals(runs: list[Period]) -> ByMonth:
    """The referrals to the advocacy provider, by the month each was made in (not the
    case's): where from, accepted or declined, the first contact with the child (working
    days after the referral, and by the day it was due or not), the closed ones' outcomes
    (domain/reports.py `tally_referrals` counts the same one by one)."""
    r = Referral
    month = _month(r.made_on)
    contacted = r.first_contact_on.is_not(None)
    days, *joins = _working_days(r.made_on, r.first_contact_on)
    within = sa.and_(contacted, r.first_contact_on <= r.due_on)
    query = sa.select(
        month, r.source, r.status, r.outcome, contacted, days, within, sa.func.count()
    ).select_from(r)
    for alias, on in joins:
        query = query.outerjoin(alias, on)
    query = query.where(_in(runs, r.made_on)).group_by(
        month, r.source, r.status, r.outcome, contacted, days, within
    )
    by_month: ByMonth = defaultdict(Counter)
    for made_in, source, status, outcome, has_contact, n_days, in_time, n in db.session.execute(
        query
    ):
        t = by_month[_first_day(made_in)]
        t["referrals", source] += n
        t["referrals_accepted",] += n if status in ("accepted", "closed") else 0
        t["referrals_declined",] += n if status == "declined" else 0
        if has_contact:
            t["referrals_first_contact",] += n
            capped = min(int(n_days or 0), FIRST_CONTACT_DAYS_CAP)
            t["referral_first_contact_days", str(capped)] += n
            t["referrals_within_contract",] += n if in_time else 0
        if status == "closed" and outcome:
            t["referral_outcome", outcome] += n
    return by_month


def _channels(runs: list[Period]) -> ByMonth:
    """How the complaints arrived: the public form, or the way staff recorded."""
    s = Submission
    month = _month(s.received_on)
    query = (
        sa.select(month, s.channel, sa.func.count())
        .select_from(s)
        .join(Case, Case.submission_id == s.id)
        .where(_complaints_in(runs))
        .group_by(month, s.channel)
    )
    by_month: ByMonth = defaultdict(Counter)
    for received_in, channel, n in db.session.execute(query):
        by_month[_first_day(received_in)]["channel", channel] += n
    return by_month


def _past(
    runs: list[Period], category: str | None, acknowledge_by: Callable[[date], date]
) -> ByMonth:
    """Imported cases: what the old system kept, counted as a live case's would be."""
    p = PastCase
    complaint = p.kind == "complaint"
    stage1_days, *joins = _working_days(p.received_on, p.stage1_responded_on)
    reached = {"1": ("1", "2", "3"), "2": ("2", "3"), "3": ("3",)}
    sums: dict[tuple[str, ...], Any] = {
        **{("reached", stage): _sum(p.stage_reached.in_(at)) for stage, at in reached.items()},
        ("resolved_informally",): _sum(
            sa.or_(p.stage_reached == "informal", p.outcome == "resolved_informally")
        ),
        ("acknowledged",): _sum(p.acknowledged_on.is_not(None)),
        **_stage1(p.stage1_responded_on.is_not(None), stage1_days, p.stage1_extended),
        ("stage2_costs",): _sum(
            sa.and_(p.stage2_cost_pence.is_not(None), p.stage2_cost_pence != 0)
        ),
        ("stage2_cost_pence",): _sum(p.stage2_cost_pence.is_not(None), p.stage2_cost_pence),
        ("ombudsman", "referred"): _sum(p.ombudsman.is_not(None)),
        **{("ombudsman", outcome): _sum(p.ombudsman == outcome) for outcome in OMBUDSMAN_DECISIONS},
        ("uncovered",): _uncovered([(p.received_on, p.stage1_responded_on, joins)]),
    }
    team = sa.func.coalesce(Team.name, NO_TEAM)
    month = _month(p.received_on)
    query = (
        sa.select(month, p.kind, team, p.submitter_role, sa.func.count(), *sums.values())
        .select_from(p)
        .outerjoin(Team, Team.id == p.team_id)
    )
    for alias, on in joins:
        query = query.outerjoin(alias, on)
    query = query.where(_in(runs, p.received_on)).group_by(month, p.kind, team, p.submitter_role)
    by_month: ByMonth = defaultdict(Counter)
    for first_day, kind, team_name, role, contacts, figures in _groups(query, sums):
        tallies = by_month[first_day]
        _add_contacts(tallies, kind, team_name, role, contacts, 0)
        if kind == "complaint":
            tallies.update({key: int(value) for key, value in figures.items()})
            tallies["channel", NOT_RECORDED] += contacts  # the old system kept none
    if not by_month:
        return by_month  # no imported case in the runs (most months): the rest finds none
    in_period = sa.and_(complaint, _in(runs, p.received_on))
    # Late against the council's target as it is now: the due date of each day received.
    due: dict[date, date] = {}
    for received_on, acknowledged_on, n in db.session.execute(
        sa.select(p.received_on, p.acknowledged_on, sa.func.count())
        .where(in_period, p.acknowledged_on.is_not(None))
        .group_by(p.received_on, p.acknowledged_on)
    ):
        if received_on not in due:
            due[received_on] = acknowledge_by(received_on)
        late = acknowledged_on is not None and acknowledged_on > due[received_on]
        by_month[received_on.replace(day=1)]["acknowledged_late",] += n * late
    outcome = sa.and_(in_period, p.outcome.in_(FINDINGS))
    if category is not None:
        outcome = sa.and_(outcome, Category.slug == category)
    for received_in, team_name, finding, n in db.session.execute(
        sa.select(month, team, p.outcome, sa.func.count())
        .select_from(p)
        .outerjoin(Team, Team.id == p.team_id)
        .outerjoin(Category, Category.id == p.category_id)
        .where(outcome)
        .group_by(month, team, p.outcome)
    ):
        by_month[_first_day(received_in)]["team_outcome", team_name, str(finding)] += n
    for received_in, slug, n in db.session.execute(
        sa.select(month, Category.slug, sa.func.count())
        .select_from(p)
        .join(Category, Category.id == p.category_id)
        .where(in_period)
        .group_by(month, Category.slug)
    ):
        by_month[_first_day(received_in)]["category", slug] += n
    return by_month


# --- kept figures --------------------------------------------------------------------------


def version(settings: dict[str, Any]) -> str:
    """What kept figures were counted with: the arithmetic's VERSION, the bank holidays,
    the settings they depend on, the teams and the categories."""
    table = bank_holidays()
    text = json.dumps(
        {
            "version": VERSION,
            "holidays": [table.first_year, table.last_year, sorted(map(str, table.holidays))],
            **settings,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def changes_by_month(months: list[Period]) -> dict[date, int]:
    """Each month's changes (by its first day): those counted to the cases received in
    it, and those made in bulk."""
    rows = db.session.execute(
        sa.select(ReportChange.day, ReportChange.changes).where(
            sa.or_(
                ReportChange.day.between(months[0].start, months[-1].end),
                ReportChange.day == IN_BULK,
            )
        )
    ).all()
    bulk = sum(n for day, n in rows if day == IN_BULK)
    changes = dict.fromkeys((m.start for m in months), bulk)
    for day, n in rows:
        if day != IN_BULK and day.replace(day=1) in changes:  # not a month between two
            changes[day.replace(day=1)] += n
    return changes


def _stored(tallies: Tallies) -> dict[str, int]:
    """Tallies as JSON: each key, a list of strings, written as JSON text."""
    return {json.dumps(list(key)): int(n) for key, n in tallies.items()}


def _read(stored: dict[str, int]) -> Tallies:
    return Counter({tuple(json.loads(key)): n for key, n in stored.items()})


def kept(
    periods: list[Period],
    category: str | None,
    *,
    today: date,
    settings: dict[str, Any],
    count: Callable[[list[Period]], ByMonth],
) -> list[Tallies]:
    """Each period's tallies: the sum of its months' (every tally is a count or a sum of
    one case's figures, so a part's tallies add up to the whole's). A whole month of a
    period that ended before yesterday (a change made in the last moments of a day may
    still be committing after midnight) is read as kept while nothing it counts has
    changed, else counted again and kept; the rest (the months not over yet, and the part
    of a month a period starting or ending mid-month takes) is counted each time. What
    is to be counted, for every period, is counted by one call of `count(parts)` (month
    by month at once), or by one a period if their parts share a calendar month."""
    last_kept = today - timedelta(days=1)
    months_of = [[m for m in reports.whole_months(p) if m.end < last_kept] for p in periods]
    ends_of = [_ends(p, months) for p, months in zip(periods, months_of, strict=True)]
    every_month = sorted(
        {m.start: m for ms in months_of for m in ms}.values(), key=lambda m: m.start
    )
    stamp = version(settings)
    # Read before counting: a change committed while counting makes the month out of date.
    changes = changes_by_month(every_month) if every_month else {}
    found = {
        row.month: row
        for row in db.session.scalars(
            sa.select(ReportCount).where(
                ReportCount.month.in_([m.start for m in every_month]),
                ReportCount.category == (category or ""),
            )
        )
    }
    stale = [
        m
        for m in every_month
        if (row := found.get(m.start)) is None
        or row.version != stamp
        or row.changes != changes[m.start]
    ]
    parts = stale + [part for ends in ends_of for part in ends]
    if _months_apart(parts):  # as a year and the year before: all in one pass
        counted = count(parts) if parts else _none()
        at_ends = [_in_months(counted, ends) for ends in ends_of]
    else:  # periods that overlap: each period's ends on their own
        counted = count(stale) if stale else _none()
        at_ends = [_in_months(count(ends), ends) if ends else Counter() for ends in ends_of]
    for m in stale:
        row = found.get(m.start)
        if row is None:
            row = ReportCount(month=m.start, category=category or "")
            db.session.add(row)
        fresh = counted.get(m.start, Counter())  # none received in it: nothing to count
        row.version, row.changes, row.tallies = stamp, changes[m.start], _stored(fresh)
        row.computed_at = datetime.now(UTC)
    every: list[Tallies] = []
    for months, tallies in zip(months_of, at_ends, strict=True):
        for m in months:
            if m in stale:
                tallies.update(counted.get(m.start, Counter()))
            else:
                tallies.update(_read(found[m.start].tallies))
        every.append(tallies)
    if stale:
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()  # another request kept the same month at the same moment
    return every


def _ends(period: Period, months: list[Period]) -> list[Period]:
    """What of the period its kept months leave: all of it when none, else the part of a
    month it starts in the middle of and the days after the last kept month."""
    if not months:
        return [period]
    before = Period(period.start, months[0].start - timedelta(days=1))
    after = Period(months[-1].end + timedelta(days=1), period.end)
    return [part for part in (before, after) if part.start <= part.end]


def _months_touched(part: Period) -> set[date]:
    touched, first = set(), part.start.replace(day=1)
    while first <= part.end:
        touched.add(first)
        first = reports.month(first).end + timedelta(days=1)
    return touched


def _months_apart(parts: list[Period]) -> bool:
    """No calendar month has days in two of the parts (so counts by month tell them apart)."""
    touched = [_months_touched(part) for part in parts]
    return sum(map(len, touched)) == len(set().union(*touched))


def _in_months(counted: ByMonth, parts: list[Period]) -> Tallies:
    """The sum of the counted months the parts have days in."""
    tallies: Tallies = Counter()
    for first in set().union(*map(_months_touched, parts)):
        tallies.update(counted.get(first, Counter()))
    return tallies


def _none() -> ByMonth:
    return defaultdict(Counter)


def settings() -> dict[str, Any]:
    config = current_app.config
    return {
        "stage2_clock_start": config["STAGE2_CLOCK_START"],
        "jurisdiction": config["JURISDICTION"],
        "acknowledgement_target": config["ACKNOWLEDGEMENT_TARGET_WORKING_DAYS"],
    }
