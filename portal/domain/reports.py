"""The statutory annual report's arithmetic (domain.md, "Records and the annual report"):
periods, comparisons with the previous period, rates, and timeliness bands. Pure:
services/reports.py reads a period's cases and these functions count them."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from portal.domain.channels import Channel
from portal.domain.referrals import Outcome as ReferralOutcome
from portal.domain.referrals import Source as ReferralSource
from portal.domain.timescales import Procedure, acknowledged_late


@dataclass(frozen=True)
class Period:
    """Inclusive dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if (
            self.start.month == 4
            and self.start.day == 1
            and self.end == date(self.start.year + 1, 3, 31)
        ):
            return f"{self.start.year} to {self.end.year % 100:02d}"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def financial_year(containing: date) -> Period:
    """1 April to 31 March: the year councils report on."""
    first = containing.year if containing.month >= 4 else containing.year - 1
    return Period(date(first, 4, 1), date(first + 1, 3, 31))


def quarter(containing: date) -> Period:
    """A quarter of the financial year. Its quarters (April-June, July-September,
    October-December, January-March) are the calendar's."""
    first_month = (containing.month - 1) // 3 * 3 + 1
    start = date(containing.year, first_month, 1)
    after = date(containing.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return Period(start, after - timedelta(days=1))


def month(containing: date) -> Period:
    """The calendar month: the unit the report's tallies are kept by."""
    start = containing.replace(day=1)
    after = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return Period(start, after - timedelta(days=1))


def whole_months(period: Period) -> list[Period]:
    """The calendar months that lie wholly inside the period, in order (a period that
    starts or ends in the middle of a month leaves that month's part out)."""
    months = []
    first = month(period.start)
    if first.start < period.start:
        first = month(first.end + timedelta(days=1))
    while first.end <= period.end:
        months.append(first)
        first = month(first.end + timedelta(days=1))
    return months


def previous(period: Period) -> Period:
    """The same dates a year earlier (for a financial year, the financial year before),
    so a quarter or a month is compared with the same season."""
    fy = financial_year(period.start)
    if period == fy:
        return financial_year(date(period.start.year - 1, 6, 1))
    return Period(_a_year_before(period.start), _a_year_before(period.end))


def _a_year_before(day: date) -> date:
    # 29 February a year earlier is 28 February.
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def change(now: int, before: int) -> Decimal | None:
    """Change in per cent from the previous period; None when there was nothing before."""
    if before == 0:
        return None
    return (Decimal(now - before) * 100 / Decimal(before)).quantize(Decimal("0.1"), ROUND_HALF_UP)


STAGE1_LIMIT = 10  # England: working days from receipt, 20 with an agreed extension
STAGE1_EXTENDED_LIMIT = 20


def stage1_band(working_days: int) -> str:
    """Stage 1 timeliness as reports show it: within 10, within 11 to 20, over 20."""
    if working_days <= STAGE1_LIMIT:
        return "in_10"
    if working_days <= STAGE1_EXTENDED_LIMIT:
        return "in_11_to_20"
    return "over_20"


# --- the figures -------------------------------------------------------------------------

KINDS = ("complaint", "compliment", "advocacy", "representation")
ROLES = (
    "child",
    "parent",
    "foster_carer",
    "kinship_carer",
    "relative",
    "professional",
    "advocate",
    "other",
)
# How complaints arrived (domain/channels.py); an imported case's was not recorded.
NOT_RECORDED = "not_recorded"
CHANNELS = (*(channel.value for channel in Channel), NOT_RECORDED)
FINDINGS = ("upheld", "partially_upheld", "not_upheld", "no_finding")
# The ombudsman's table: enquiries received ("referred"), their final decisions by kind,
# the fault (maladministration) and injustice found, and the remedies it recommended and
# those the council complied with by their date.
OMBUDSMAN_DECISIONS = ("upheld", "not_upheld", "not_investigated", "premature")
OMBUDSMAN = (
    "referred",
    *OMBUDSMAN_DECISIONS,
    "maladministration",
    "injustice",
    "remedies",
    "remedies_on_time",
)
STAGE2_LIMIT = 25  # working days (reg 17), 65 with an extension
STAGE2_EXTENDED_LIMIT = 65
STAGE3_PANEL_LIMIT = 30  # the panel meets within 30 working days of the request


@dataclass(frozen=True)
class ReportCase:
    """One contact as the report counts it, from a live case or an imported past one.
    Nothing that identifies anyone."""

    kind: str
    received_on: date
    submitter_role: str
    team: str | None
    categories: tuple[str, ...] = ()
    # informal, 1, 2 or 3: the furthest stage a complaint reached (None: not yet).
    stage_reached: str | None = None
    outcome: str | None = None
    acknowledged_on: date | None = None
    # The case's own acknowledge-by date: the council's target, held to the law's 2
    # working days in Wales. Acknowledged after it is late.
    acknowledge_by: date | None = None
    stage1_responded_on: date | None = None
    stage1_extended: bool = False
    # What the case's clock record (services/clock.py, `clock_events`) fixed when its
    # stage 1 response, and in Wales the discussion before it, happened: True in time,
    # False late by the limits of the case's own procedure, None when the record holds
    # no such verdict (an imported past case: `stage1_in_time`).
    stage1_on_time: bool | None = None
    stage2_started_on: date | None = None
    stage2_adjudicated_on: date | None = None
    stage2_extended: bool = False
    stage3_requested_on: date | None = None
    panel_on: date | None = None
    stage3_responded_on: date | None = None
    stage2_cost_pence: int | None = None
    # Each ex gratia payment, in pence: one per stage that paid one.
    ex_gratia_payments: tuple[int, ...] = ()
    ombudsman: str | None = None  # referred, or the decision
    advocacy_answer: str | None = None
    worker_named: bool = False
    channel: str | None = None  # None: not recorded (an imported case)
    procedure: str | None = None  # None: an imported case (the statutory procedure)


def clock_verdict(on_times: Iterable[bool]) -> bool | None:
    """Stage 1 in time, as a case's clock record says: every step the record fixed as in
    time or late (England: the response; Wales: the discussion, then the written
    resolution) was in time. One late step makes it late; no step recorded, None."""
    found = list(on_times)
    if not found:
        return None
    return all(found)


def stage1_in_time(case: ReportCase, working_days: int) -> bool:
    """A stage 1 response within its procedure's time limit (domain.md, "Timescales,
    England" and "Timescales, Wales"), as the case's clock record fixed it, pauses and
    an agreed extension counted. A case with no verdict on record (an imported past
    case: the old system kept no clock) is measured as it always was, by England's rule
    from receipt: within 10 working days, or 20 with an agreed extension."""
    if case.stage1_on_time is not None:
        return case.stage1_on_time
    limit = STAGE1_EXTENDED_LIMIT if case.stage1_extended else STAGE1_LIMIT
    return working_days <= limit


def statutory(case: ReportCase) -> bool:
    """A contact the statutory report counts: all but a complaint that follows the
    council's corporate procedure (domain.md, "What goes through which procedure": child
    protection decisions, court reports), which is counted apart."""
    return not (case.kind == "complaint" and case.procedure == Procedure.CORPORATE)


@dataclass(frozen=True)
class ReportEnquiry:
    """One of the ombudsman's enquiries as the report counts it: in the period it
    arrived in. Nothing that identifies anyone."""

    received_on: date
    decision: str | None = None
    maladministration: bool | None = None
    injustice: bool | None = None
    # Each remedy recommended: whether it was complied with by its date.
    remedies_on_time: tuple[bool, ...] = ()


@dataclass(frozen=True)
class ReportReferral:
    """A referral to the advocacy provider as the report counts it: in the month it was
    made (domain/referrals.py). Nothing that identifies anyone."""

    made_on: date
    due_on: date
    source: str  # request, offer, staff
    status: str  # waiting, accepted, declined, closed
    first_contact_on: date | None = None
    outcome: str | None = None


# Referral sources and outcomes as the report names them (domain/referrals.py).
REFERRAL_SOURCES = tuple(source.value for source in ReferralSource)
REFERRAL_OUTCOMES = tuple(outcome.value for outcome in ReferralOutcome)
# Working days to a first contact are kept as a count per number of days, so that the
# median can be read from the tallies of any months; this many or more count as this many.
FIRST_CONTACT_DAYS_CAP = 60


@dataclass(frozen=True)
class Lesson:
    team: str
    lesson: str
    action: str


def pounds(pence: int) -> str:
    """ "3081.96": money as the report writes it, exact."""
    return f"{Decimal(pence) / 100:.2f}"


Tallies = Counter[tuple[str, ...]]
"""The counts and sums the report's figures are made of, for the cases of one period,
keyed by what each counts: ("kind", "complaint"), ("team_outcome", team, finding),
("stage1_days",) (a sum of working days)... Counted here from cases (`tally`) or by the
database (services/report_counts.py); the tallies of live and imported cases add up."""


def _mean(total: int, count: int) -> float | None:
    if not count:
        return None
    return float((Decimal(total) / count).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _percent(part: int, whole: int) -> float | None:
    value = percent(part, whole)
    return float(value) if value is not None else None


def stage2_band(working_days: int) -> str:
    if working_days <= STAGE2_LIMIT:
        return "in_25"
    if working_days <= STAGE2_EXTENDED_LIMIT:
        return "in_26_to_65"
    return "over_65"


def tally(
    cases: list[ReportCase],
    *,
    working_days: Callable[[date, date], int],
    category: str | None = None,
) -> Tallies:
    """The tallies of cases, one by one. `working_days(start, end)` counts working days
    after start up to end. `category` narrows the outcomes by team to that category."""
    t: Tallies = Counter()
    for case in cases:
        if not statutory(case):
            t["corporate_complaints",] += 1
            continue
        t["total",] += 1
        t["kind", case.kind] += 1
        if case.kind == "complaint":
            _tally_complaint(t, case, working_days, category)
        elif case.kind in ("compliment", "representation"):
            t["by_team", case.kind, case.team or "No team"] += 1
            t["worker_named", case.kind] += case.worker_named
    return t


def tally_referrals(
    referrals: list[ReportReferral], *, working_days: Callable[[date, date], int]
) -> Tallies:
    """The tallies of the referrals to the advocacy provider made in a period, one by
    one: where each came from, accepted or declined, the first contact with the child
    (working days after the referral was made, and whether by the day it was due: the
    contract's response time), and how the closed ones ended."""
    t: Tallies = Counter()
    for referral in referrals:
        t["referrals", referral.source] += 1
        t["referrals_accepted",] += referral.status in ("accepted", "closed")
        t["referrals_declined",] += referral.status == "declined"
        if referral.first_contact_on is not None:
            days = working_days(referral.made_on, referral.first_contact_on)
            t["referrals_first_contact",] += 1
            t["referral_first_contact_days", str(min(days, FIRST_CONTACT_DAYS_CAP))] += 1
            t["referrals_within_contract",] += referral.first_contact_on <= referral.due_on
        if referral.status == "closed" and referral.outcome:
            t["referral_outcome", referral.outcome] += 1
    return t


def median_from_counts(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}: None for none."""
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def nth(n: int) -> int:  # the n-th value (0-based) in order
        seen = 0
        for value, many in ordered:
            seen += many
            if n < seen:
                return value
        raise IndexError(n)  # pragma: no cover

    middle = total // 2
    if total % 2:
        return float(nth(middle))
    return (nth(middle - 1) + nth(middle)) / 2


def _referral_figures(t: Tallies) -> dict[str, object]:
    made = {source: t["referrals", source] for source in REFERRAL_SOURCES}
    total = sum(made.values())
    contacted = t["referrals_first_contact",]
    within = t["referrals_within_contract",]
    days = {int(key[1]): n for key, n in t.items() if key[0] == "referral_first_contact_days" and n}
    return {
        "referrals": total,
        "referrals_from_requests": made["request"],
        "referrals_from_offers": made["offer"],
        "referrals_from_staff": made["staff"],
        "referrals_accepted": t["referrals_accepted",],
        "referrals_declined": t["referrals_declined",],
        "referrals_first_contact": contacted,
        "referral_take_up_percent": _percent(contacted, total),
        "first_contact_median_working_days": median_from_counts(days),
        "first_contact_within_contract": within,
        "first_contact_within_contract_percent": _percent(within, contacted),
        "referral_outcomes": {
            outcome: t["referral_outcome", outcome] for outcome in REFERRAL_OUTCOMES
        },
    }


def tally_enquiries(enquiries: list[ReportEnquiry]) -> Tallies:
    """The tallies of the ombudsman's enquiries received in a period, one by one."""
    t: Tallies = Counter()
    for enquiry in enquiries:
        t["ombudsman", "referred"] += 1
        if enquiry.decision is not None:
            t["ombudsman", enquiry.decision] += 1
        t["ombudsman", "maladministration"] += bool(enquiry.maladministration)
        t["ombudsman", "injustice"] += bool(enquiry.injustice)
        t["ombudsman", "remedies"] += len(enquiry.remedies_on_time)
        t["ombudsman", "remedies_on_time"] += sum(enquiry.remedies_on_time)
    return t


def _tally_complaint(
    t: Tallies, case: ReportCase, working_days: Callable[[date, date], int], category: str | None
) -> None:
    for stage in ("1", "2", "3"):
        t["reached", stage] += _reached(case, stage)
    t["resolved_informally",] += _resolved_informally(case)
    for slug in set(case.categories):
        t["category", slug] += 1
    if case.outcome in FINDINGS and (category is None or category in case.categories):
        t["team_outcome", case.team or "No team", case.outcome] += 1
    t["source", case.submitter_role] += 1
    t["channel", case.channel or NOT_RECORDED] += 1
    if case.acknowledged_on is not None:
        t["acknowledged",] += 1
        t["acknowledged_late",] += _acknowledged_late(case)
    t["stage1_extended",] += case.stage1_extended
    if case.stage1_responded_on is not None:
        days = working_days(case.received_on, case.stage1_responded_on)
        t["stage1_responses",] += 1
        t["stage1_days",] += days
        t["stage1_band", stage1_band(days)] += 1
        in_time = stage1_in_time(case, days)
        t["stage1_in_time",] += in_time
        t["stage1_within_agreed_extension",] += case.stage1_extended and in_time
    t["stage2_extended",] += case.stage2_extended
    if case.stage2_started_on and case.stage2_adjudicated_on is not None:
        days = working_days(case.stage2_started_on, case.stage2_adjudicated_on)
        t["stage2_adjudications",] += 1
        t["stage2_days",] += days
        t["stage2_band", stage2_band(days)] += 1
    if case.stage3_requested_on and case.panel_on:
        t["stage3_panels",] += 1
        t["stage3_panel_in_30",] += (
            working_days(case.stage3_requested_on, case.panel_on) <= STAGE3_PANEL_LIMIT
        )
    if case.stage3_requested_on and case.stage3_responded_on:
        t["stage3_responses",] += 1
        t["stage3_days",] += working_days(case.stage3_requested_on, case.stage3_responded_on)
    if case.stage2_cost_pence:
        t["stage2_costs",] += 1
        t["stage2_cost_pence",] += case.stage2_cost_pence
    for pence in case.ex_gratia_payments:
        if pence:
            t["ex_gratia_payments",] += 1
            t["ex_gratia_pence",] += pence
    if case.ombudsman is not None:  # an imported case: what the old system kept
        t["ombudsman", "referred"] += 1
        if case.ombudsman != "referred":
            t["ombudsman", case.ombudsman] += 1
    if case.submitter_role in ("child", "advocate"):
        t["children",] += 1
        if case.advocacy_answer:
            t["advocacy_offered",] += 1
            t["advocacy_took_up",] += case.advocacy_answer in TOOK_UP


TOOK_UP = ("accepted", "already_has_one", "filed_by_advocate")


def figures(
    cases: list[ReportCase],
    *,
    working_days: Callable[[date, date], int],
    teams: list[str],
    categories: list[str],
    lessons: tuple[Lesson, ...] = (),
    category: str | None = None,
    enquiries: list[ReportEnquiry] | None = None,
    referrals: list[ReportReferral] | None = None,
) -> dict[str, object]:
    """Every figure of the annual report for the cases received in one period, counted
    one case at a time (`figures_of` says what each figure is)."""
    return figures_of(
        tally(cases, working_days=working_days, category=category)
        + tally_enquiries(enquiries or [])
        + tally_referrals(referrals or [], working_days=working_days),
        teams=teams,
        categories=categories,
        lessons=lessons,
    )


def figures_of(
    t: Tallies,
    *,
    teams: list[str],
    categories: list[str],
    lessons: tuple[Lesson, ...] = (),
) -> dict[str, object]:
    """Every figure of the annual report from a period's tallies (the JSON that `flask
    report annual` prints; docs/report.md defines each key)."""
    contacts = {kind: t["kind", kind] for kind in KINDS}
    total = t["total",]
    complaints = t["kind", "complaint"]
    informal = t["resolved_informally",]
    reached = {stage: t["reached", stage] for stage in ("1", "2", "3")}
    acknowledged = t["acknowledged",]
    in_time = acknowledged - t["acknowledged_late",]
    responded = t["stage1_responses",]
    answered_in_time = t["stage1_in_time",]
    bands = {band: t["stage1_band", band] for band in ("in_10", "in_11_to_20", "over_20")}
    adjudicated = t["stage2_adjudications",]
    offered = t["advocacy_offered",]
    took_up = t["advocacy_took_up",]
    return {
        "contacts": contacts | {"total": total},
        "complaints": {
            "received": complaints,
            "resolved_informally": informal,
            "resolved_informally_percent_of_contacts": _percent(informal, total),
            "stage1": reached["1"],
            "stage2": reached["2"],
            "stage3": reached["3"],
            "resolved_at_stage1_percent": _percent(reached["1"] - reached["2"], reached["1"]),
            # Not statutory, so in none of the figures: how many, so none goes unseen.
            "corporate_procedure": t["corporate_complaints",],
        },
        "by_category": {slug: t["category", slug] for slug in categories},
        "by_team_outcome": _team_outcome(t, teams),
        "by_source": {role: t["source", role] for role in ROLES},
        "by_channel": {channel: t["channel", channel] for channel in CHANNELS},
        "timeliness": {
            "acknowledged": acknowledged,
            "acknowledged_in_time": in_time,
            "acknowledged_late": t["acknowledged_late",],
            "acknowledged_in_time_percent": _percent(in_time, acknowledged),
            "stage1_responses": responded,
            "stage1_in_time": answered_in_time,
            "stage1_in_time_percent": _percent(answered_in_time, responded),
            "stage1_within_agreed_extension": t["stage1_within_agreed_extension",],
            "stage1_late": responded - answered_in_time,
            "stage1_in_10": bands["in_10"],
            "stage1_in_11_to_20": bands["in_11_to_20"],
            "stage1_over_20": bands["over_20"],
            "stage1_in_10_percent": _percent(bands["in_10"], responded),
            "stage1_average_working_days": _mean(t["stage1_days",], responded),
            "stage1_extended": t["stage1_extended",],
            "stage2_adjudications": adjudicated,
            "stage2_in_25": t["stage2_band", "in_25"],
            "stage2_in_26_to_65": t["stage2_band", "in_26_to_65"],
            "stage2_over_65": t["stage2_band", "over_65"],
            "stage2_extended": t["stage2_extended",],
            "stage2_average_working_days": _mean(t["stage2_days",], adjudicated),
            "stage3_panels": t["stage3_panels",],
            "stage3_panel_in_30": t["stage3_panel_in_30",],
            "stage3_responses": t["stage3_responses",],
            "stage3_average_working_days": _mean(t["stage3_days",], t["stage3_responses",]),
        },
        "costs": {
            "stage2_cases": t["stage2_costs",],
            "stage2_total": pounds(t["stage2_cost_pence",]),
            "ex_gratia_payments": t["ex_gratia_payments",],
            "ex_gratia_total": pounds(t["ex_gratia_pence",]),
        },
        # Every enquiry the ombudsman made in the period (and every imported case that
        # went to it) counts as referred; a decided one also counts under its decision.
        "ombudsman": {outcome: t["ombudsman", outcome] for outcome in OMBUDSMAN},
        "compliments": {
            "total": contacts["compliment"],
            "about_a_named_worker": t["worker_named", "compliment"],
            "by_team": _by_team(t, "compliment", teams),
        },
        "representations": {
            "total": contacts["representation"],
            "by_team": _by_team(t, "representation", teams),
        },
        "advocacy": {
            "requests": contacts["advocacy"],
            "children_who_complained": t["children",],
            "offered": offered,
            "took_up": took_up,
            "take_up_percent": _percent(took_up, offered),
            # The referrals to the advocacy provider made in the period.
            **_referral_figures(t),
        },
        "lessons": [
            {"team": lesson.team, "lesson": lesson.lesson, "action": lesson.action}
            for lesson in lessons
        ],
    }


def _others(counted: set[str], teams: list[str]) -> list[str]:
    """Teams counted that are not in the list ("No team", the advocacy provider, one since
    removed): they still count, after the list."""
    others = counted - set(teams)
    return ["No team"] * ("No team" in others) + sorted(others - {"No team"})


def _team_outcome(t: Tallies, teams: list[str]) -> dict[str, dict[str, int]]:
    counted = {key[1] for key in t if key[0] == "team_outcome" and t[key]}
    return {
        team: {finding: t["team_outcome", team, finding] for finding in FINDINGS}
        for team in [*teams, *_others(counted, teams)]
    }


def _acknowledged_late(case: ReportCase) -> bool:
    """After the case's own date; a case with no date known counts as late, never as
    in time (the report cannot claim what it cannot show)."""
    if case.acknowledge_by is None:
        return True
    return acknowledged_late(case.acknowledged_on, case.acknowledge_by)


def _reached(case: ReportCase, stage: str) -> bool:
    order = {"1": 1, "2": 2, "3": 3}
    return case.stage_reached in order and order[case.stage_reached] >= order[stage]


def _resolved_informally(case: ReportCase) -> bool:
    return case.stage_reached == "informal" or case.outcome == "resolved_informally"


def _by_team(t: Tallies, kind: str, teams: list[str]) -> dict[str, int]:
    counted = {key[2] for key in t if key[:2] == ("by_team", kind) and t[key]}
    counts = {team: t["by_team", kind, team] for team in [*teams, *_others(counted, teams)]}
    return {team: n for team, n in counts.items() if n}


def rates(complaints: int, context: dict[str, int | None]) -> dict[str, float | None]:
    """Complaints as a share of the context figures the manager typed in."""
    return {
        f"complaints_per_{name}_percent": _percent(complaints, value) if value else None
        for name, value in context.items()
    }
