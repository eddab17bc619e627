"""The statutory annual report's arithmetic (domain.md, "Records and the annual report"):
periods, comparisons with the previous period, rates, and timeliness bands. Pure:
services/reports.py reads a period's cases and these functions count them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from portal.domain.timescales import acknowledged_late


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


def stage1_band(working_days: int) -> str:
    """Stage 1 timeliness as reports show it: within 10, within 11 to 20, over 20."""
    if working_days <= 10:
        return "in_10"
    if working_days <= 20:
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
FINDINGS = ("upheld", "partially_upheld", "not_upheld", "no_finding")
OMBUDSMAN = ("referred", "upheld", "not_upheld", "not_investigated", "premature")
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


@dataclass(frozen=True)
class Lesson:
    team: str
    lesson: str
    action: str


def pounds(pence: int) -> str:
    """ "3081.96": money as the report writes it, exact."""
    return f"{Decimal(pence) / 100:.2f}"


def _average(values: list[int]) -> float | None:
    if not values:
        return None
    return float((Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _percent(part: int, whole: int) -> float | None:
    value = percent(part, whole)
    return float(value) if value is not None else None


def figures(
    cases: list[ReportCase],
    *,
    working_days: Callable[[date, date], int],
    teams: list[str],
    categories: list[str],
    lessons: tuple[Lesson, ...] = (),
    category: str | None = None,
) -> dict[str, object]:
    """Every figure of the annual report for the cases received in one period (the
    JSON that `flask report annual` prints; docs/report.md defines each key).
    `working_days(start, end)` counts working days after start up to end."""
    complaints = [c for c in cases if c.kind == "complaint"]
    contacts = {kind: sum(c.kind == kind for c in cases) for kind in KINDS}

    reached = {stage: [c for c in complaints if _reached(c, stage)] for stage in ("1", "2", "3")}
    informal = [c for c in complaints if _resolved_informally(c)]

    team_outcome: dict[str, dict[str, int]] = {}
    for team in [*teams, "No team"]:
        team_outcome[team] = dict.fromkeys(FINDINGS, 0)
    for case in complaints:
        if case.outcome in FINDINGS and (category is None or category in case.categories):
            # A team not in the list (the advocacy provider, one since removed) still counts.
            row = team_outcome.setdefault(case.team or "No team", dict.fromkeys(FINDINGS, 0))
            row[case.outcome] += 1
    team_outcome = {t: row for t, row in team_outcome.items() if t in teams or any(row.values())}

    acknowledged = [c for c in complaints if c.acknowledged_on is not None]
    acknowledged_late = [c for c in acknowledged if _acknowledged_late(c)]
    in_time = len(acknowledged) - len(acknowledged_late)
    responded = [c for c in complaints if c.stage1_responded_on is not None]
    stage1_days = [working_days(c.received_on, c.stage1_responded_on) for c in responded]  # type: ignore[arg-type]
    bands = {band: 0 for band in ("in_10", "in_11_to_20", "over_20")}
    for days in stage1_days:
        bands[stage1_band(days)] += 1
    extended_in_time = sum(
        1
        for case, days in zip(responded, stage1_days, strict=True)
        if case.stage1_extended and days <= 20
    )
    adjudicated = [
        c for c in complaints if c.stage2_started_on and c.stage2_adjudicated_on is not None
    ]
    stage2_days = [working_days(c.stage2_started_on, c.stage2_adjudicated_on) for c in adjudicated]  # type: ignore[arg-type]
    panels = [c for c in complaints if c.stage3_requested_on and c.panel_on]
    panel_days = [working_days(c.stage3_requested_on, c.panel_on) for c in panels]  # type: ignore[arg-type]
    stage3_done = [c for c in complaints if c.stage3_requested_on and c.stage3_responded_on]
    stage3_days = [working_days(c.stage3_requested_on, c.stage3_responded_on) for c in stage3_done]  # type: ignore[arg-type]

    stage2_costs = [c.stage2_cost_pence for c in complaints if c.stage2_cost_pence]
    ex_gratia = [pence for c in complaints for pence in c.ex_gratia_payments if pence]

    compliments = [c for c in cases if c.kind == "compliment"]
    representations = [c for c in cases if c.kind == "representation"]
    children = [c for c in complaints if c.submitter_role in ("child", "advocate")]
    offered = [c for c in children if c.advocacy_answer]
    took_up = [
        c
        for c in offered
        if c.advocacy_answer in ("accepted", "already_has_one", "filed_by_advocate")
    ]

    return {
        "contacts": contacts | {"total": len(cases)},
        "complaints": {
            "received": len(complaints),
            "resolved_informally": len(informal),
            "resolved_informally_percent_of_contacts": _percent(len(informal), len(cases)),
            "stage1": len(reached["1"]),
            "stage2": len(reached["2"]),
            "stage3": len(reached["3"]),
            "resolved_at_stage1_percent": _percent(
                len(reached["1"]) - len(reached["2"]), len(reached["1"])
            ),
        },
        "by_category": {slug: sum(slug in c.categories for c in complaints) for slug in categories},
        "by_team_outcome": team_outcome,
        "by_source": {role: sum(c.submitter_role == role for c in complaints) for role in ROLES},
        "timeliness": {
            "acknowledged": len(acknowledged),
            "acknowledged_in_time": in_time,
            "acknowledged_late": len(acknowledged_late),
            "acknowledged_in_time_percent": _percent(in_time, len(acknowledged)),
            "stage1_responses": len(responded),
            "stage1_in_10": bands["in_10"],
            "stage1_in_11_to_20": bands["in_11_to_20"],
            "stage1_over_20": bands["over_20"],
            "stage1_in_10_percent": _percent(bands["in_10"], len(responded)),
            "stage1_average_working_days": _average(stage1_days),
            "stage1_extended": sum(c.stage1_extended for c in complaints),
            "stage1_within_agreed_extension": extended_in_time,
            "stage2_adjudications": len(adjudicated),
            "stage2_in_25": sum(d <= STAGE2_LIMIT for d in stage2_days),
            "stage2_in_26_to_65": sum(
                STAGE2_LIMIT < d <= STAGE2_EXTENDED_LIMIT for d in stage2_days
            ),
            "stage2_over_65": sum(d > STAGE2_EXTENDED_LIMIT for d in stage2_days),
            "stage2_extended": sum(c.stage2_extended for c in complaints),
            "stage2_average_working_days": _average(stage2_days),
            "stage3_panels": len(panels),
            "stage3_panel_in_30": sum(d <= STAGE3_PANEL_LIMIT for d in panel_days),
            "stage3_responses": len(stage3_done),
            "stage3_average_working_days": _average(stage3_days),
        },
        "costs": {
            "stage2_cases": len(stage2_costs),
            "stage2_total": pounds(sum(stage2_costs)),
            "ex_gratia_payments": len(ex_gratia),
            "ex_gratia_total": pounds(sum(ex_gratia)),
        },
        "ombudsman": {
            outcome: sum(_ombudsman_counts(c, outcome) for c in complaints) for outcome in OMBUDSMAN
        },
        "compliments": {
            "total": len(compliments),
            "about_a_named_worker": sum(c.worker_named for c in compliments),
            "by_team": _by_team(compliments, teams),
        },
        "representations": {
            "total": len(representations),
            "by_team": _by_team(representations, teams),
        },
        "advocacy": {
            "requests": contacts["advocacy"],
            "children_who_complained": len(children),
            "offered": len(offered),
            "took_up": len(took_up),
            "take_up_percent": _percent(len(took_up), len(offered)),
        },
        "lessons": [
            {"team": lesson.team, "lesson": lesson.lesson, "action": lesson.action}
            for lesson in lessons
        ],
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


def _ombudsman_counts(case: ReportCase, outcome: str) -> bool:
    """Every case that went to the ombudsman counts as referred; a decided one also
    counts under its decision."""
    if outcome == "referred":
        return case.ombudsman is not None
    return case.ombudsman == outcome


def _by_team(cases: list[ReportCase], teams: list[str]) -> dict[str, int]:
    counts = {team: 0 for team in teams}
    for case in cases:
        name = case.team or "No team"
        counts[name] = counts.get(name, 0) + 1
    return {team: n for team, n in counts.items() if n}


def rates(complaints: int, context: dict[str, int | None]) -> dict[str, float | None]:
    """Complaints as a share of the context figures the manager typed in."""
    return {
        f"complaints_per_{name}_percent": _percent(complaints, value) if value else None
        for name, value in context.items()
    }
