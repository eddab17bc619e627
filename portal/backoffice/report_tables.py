"""The annual report's figures as the tables the committee reads: one table per
section, each figure beside the previous period's with the change in per cent. The page,
each section's CSV and the PDF are all made from these tables, so they always agree."""

from dataclasses import dataclass, field
from typing import Any

from portal.csv_export import csv_text
from portal.domain import feedback
from portal.domain.labels import CHANNELS as CHANNELS_IN_WORDS
from portal.domain.labels import FINDINGS as FINDINGS_IN_WORDS
from portal.domain.labels import OMBUDSMAN_DECISIONS, REFERRAL_OUTCOMES, SUBMITTER_ROLES
from portal.domain.reports import CHANNELS, FINDINGS, KINDS, OMBUDSMAN, ROLES, change

KIND_NAMES = {
    "complaint": "Complaints",
    "compliment": "Compliments",
    "advocacy": "Advocacy requests",
    "representation": "Representations",
    "total": "All contacts",
}
# The ombudsman's enquiries, their decisions, what it found and the remedies.
OMBUDSMAN_NAMES = (
    {"referred": "Enquiries from the ombudsman"}
    | OMBUDSMAN_DECISIONS
    | {
        "maladministration": "Fault (maladministration) found",
        "injustice": "Injustice found",
        "remedies": "Remedies recommended",
        "remedies_on_time": "Remedies complied with on time",
    }
)
# The referrals to the advocacy provider (domain/reports.py `tally_referrals`).
REFERRAL_NAMES = {
    "referrals": "Referrals to the advocacy provider",
    "referrals_from_requests": "Of those, requests for an advocate",
    "referrals_from_offers": "Of those, the offer of an advocate accepted",
    "referrals_from_staff": "Of those, referred by council staff",
    "referrals_accepted": "Referrals accepted by the provider",
    "referrals_declined": "Referrals declined by the provider",
    "referrals_first_contact": "Referrals with a first contact with the child",
    "referral_take_up_percent": "Take-up of referrals (%)",
    "first_contact_median_working_days": "Median working days to the first contact",
    "first_contact_within_contract": "First contacts within the contract's response time",
    "first_contact_within_contract_percent": "First contacts within the contract (%)",
}
ACKNOWLEDGEMENT_NAMES = {
    "acknowledged": "Complaints acknowledged",
    "acknowledged_in_time": "Acknowledged in time (by each case's own date)",
    "acknowledged_late": "Acknowledged late",
    "acknowledged_in_time_percent": "Acknowledged in time (%)",
    "stage1_responses": "Stage 1 responses",
}
# Stage 1 in working days from receipt: the bands English committees read.
STAGE1_BAND_NAMES = {
    "stage1_in_10": "Stage 1 responses within 10 working days",
    "stage1_in_11_to_20": "Stage 1 responses in 11 to 20 working days",
    "stage1_over_20": "Stage 1 responses after more than 20 working days",
    "stage1_in_10_percent": "Stage 1 responses within 10 working days (%)",
    "stage1_average_working_days": "Average working days to a stage 1 response",
    "stage1_extended": "Stage 1 extensions agreed",
}
# Stage 1 against each case's own procedure's limits, as its clock record says.
STAGE1_IN_TIME_NAMES = {
    "stage1_in_time": "Stage 1 responses in time (by the procedure's own limits)",
    "stage1_in_time_percent": "Stage 1 responses in time (%)",
    "stage1_within_agreed_extension": "Of those, in time within an agreed extension",
    "stage1_late": "Stage 1 responses late",
}
LATER_STAGE_NAMES = {
    "stage2_adjudications": "Stage 2 adjudications",
    "stage2_in_25": "Stage 2 within 25 working days",
    "stage2_in_26_to_65": "Stage 2 in 26 to 65 working days (with an extension)",
    "stage2_over_65": "Stage 2 after more than 65 working days",
    "stage2_extended": "Stage 2 extensions",
    "stage2_average_working_days": "Average working days for stage 2",
    "stage3_panels": "Stage 3 review panels held",
    "stage3_panel_in_30": "Panels held within 30 working days of the request",
    "stage3_responses": "Stage 3 responses",
    "stage3_average_working_days": "Average working days from stage 3 request to response",
}


def timeliness_names(jurisdiction: str) -> dict[str, str]:
    """The timeliness table's rows in order. In Wales stage 1's limits are the
    discussion's and the written resolution's, not England's 10 working days: whether
    each response was in time comes first there, and the bands after it."""
    if jurisdiction == "wales":
        stage1 = STAGE1_IN_TIME_NAMES | STAGE1_BAND_NAMES
    else:
        stage1 = STAGE1_BAND_NAMES | STAGE1_IN_TIME_NAMES
    return ACKNOWLEDGEMENT_NAMES | stage1 | LATER_STAGE_NAMES


TIMELINESS_NOTE = (
    "In time: within the limits of the complaint's own procedure, as its record of due"
    " dates says (England: 10 working days from receipt, 20 with an agreed extension;"
    " Wales: the discussion within 10 working days of the acknowledgement and the written"
    " resolution within 5 of the discussion), with any pause of the clock left out."
    " The bands count working days from receipt, pauses included. A case imported from"
    " the old system has no record of due dates: it is in time within 10 working days of"
    " receipt, or 20 with an agreed extension."
)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    # (label, value) pairs drawn as bars; the table above always carries the numbers.
    chart: list[tuple[str, int]] = field(default_factory=list)
    note: str = ""
    numeric: bool = True  # False: words (lessons, comments), not figures

    @property
    def chart_max(self) -> int:
        return max((value for _, value in self.chart), default=0) or 1

    def csv(self) -> str:
        return csv_text([self.columns, *self.rows])


COMPARED = ["", "This period", "Previous period", "Change (%)"]


def _compare(label: str, now: Any, before: Any) -> list[Any]:
    moved = None
    if isinstance(now, int) and isinstance(before, int) and not isinstance(now, bool):
        moved = change(now, before)
    return [label, now, before, moved]


def _section(
    slug: str, title: str, now: dict[str, Any], before: dict[str, Any], names: dict[str, str]
) -> Table:
    rows = [_compare(names.get(key, key), now.get(key), before.get(key)) for key in names]
    return Table(slug, title, [title, *COMPARED[1:]], rows)


def tables(
    report: dict[str, Any], category_names: dict[str, str], *, jurisdiction: str
) -> list[Table]:
    before = report["previous"]
    complaints, earlier = report["complaints"], before["complaints"]

    contacts = _section(
        "contacts", "Contacts received", report["contacts"], before["contacts"], KIND_NAMES
    )
    contacts.chart = [(KIND_NAMES[k], report["contacts"][k]) for k in KINDS]

    informal = Table(
        "informal",
        "Resolved informally",
        ["Resolved informally", *COMPARED[1:]],
        [
            _compare(
                "Complaints resolved informally",
                complaints["resolved_informally"],
                earlier["resolved_informally"],
            ),
            _compare(
                "As a share of all contacts (%)",
                complaints["resolved_informally_percent_of_contacts"],
                earlier["resolved_informally_percent_of_contacts"],
            ),
        ],
    )

    stage_names = {
        "received": "Complaints received",
        "stage1": "Reached stage 1",
        "stage2": "Reached stage 2",
        "stage3": "Reached stage 3",
        "resolved_at_stage1_percent": "Resolved at stage 1 (%)",
        "corporate_procedure": "Complaints under the corporate procedure",
    }
    stages = _section("stages", "Complaints by stage", complaints, earlier, stage_names)
    stages.chart = [(stage_names[k], complaints[k]) for k in ("stage1", "stage2", "stage3")]
    stages.note = (
        "A complaint that went on to stage 2 counts at stage 1 and at stage 2. A complaint"
        " under the council's corporate procedure (a child protection decision, a court"
        " report) is not a statutory complaint: it is in no other figure of this report."
    )

    by_category = _section(
        "categories",
        "Complaints by category",
        report["by_category"],
        before["by_category"],
        {slug: category_names.get(slug, slug) for slug in report["by_category"]},
    )
    by_category.chart = [
        (category_names.get(slug, slug), count) for slug, count in report["by_category"].items()
    ]
    by_category.note = "A complaint about more than one thing counts in each of its categories."

    team_rows = [
        [team, *(row[f] for f in FINDINGS), sum(row.values())]
        for team, row in report["by_team_outcome"].items()
    ]
    team_rows.append(
        ["All teams"]
        + [sum(row[f] for row in report["by_team_outcome"].values()) for f in FINDINGS]
        + [sum(sum(row.values()) for row in report["by_team_outcome"].values())]
    )
    team_outcome = Table(
        "team-outcome",
        "Complaints by team and outcome",
        ["Team", *(FINDINGS_IN_WORDS[f] for f in FINDINGS), "Total"],
        team_rows,
        note=(
            f"Only complaints in the category “{category_names.get(report['category'], '')}”."
            if report.get("category")
            else "Complaints with a finding, by the team they went to."
        ),
    )

    source = _section(
        "source", "Complaints by who made them", report["by_source"], before["by_source"],
        {role: SUBMITTER_ROLES[role] for role in ROLES},
    )  # fmt: skip
    source.chart = [(SUBMITTER_ROLES[role], report["by_source"][role]) for role in ROLES]

    channel_names = {
        channel: CHANNELS_IN_WORDS.get(channel, "Not recorded (imported from the old system)")
        for channel in CHANNELS
    }
    arrived = _section(
        "channels", "How complaints arrived", report["by_channel"],
        before.get("by_channel", {}), channel_names,
    )  # fmt: skip
    arrived.chart = [(channel_names[c], report["by_channel"][c]) for c in CHANNELS]
    arrived.note = "Online: the public form. The others were recorded by staff."

    timeliness = _section(
        "timeliness",
        "Timeliness",
        report["timeliness"],
        before["timeliness"],
        timeliness_names(jurisdiction),
    )
    timeliness.note = TIMELINESS_NOTE
    costs = _section(
        "costs",
        "Stage 2 and 3 costs and ex gratia payments",
        report["costs"],
        before["costs"],
        {
            "stage2_cases": "Stage 2 investigations with a cost",
            "stage2_total": "Stage 2 cost (£)",
            "ex_gratia_payments": "Ex gratia payments",
            "ex_gratia_total": "Ex gratia total (£)",
        },
    )
    costs.note = "Stage 3 panels' costs are not recorded in the portal."
    ombudsman = _section(
        "ombudsman", "The ombudsman", report["ombudsman"], before["ombudsman"],
        {key: OMBUDSMAN_NAMES[key] for key in OMBUDSMAN},
    )  # fmt: skip
    advocacy = _section(
        "advocacy",
        "Advocacy",
        report["advocacy"],
        before["advocacy"],
        {
            "requests": "Requests for an advocate",
            "children_who_complained": "Complaints by or for a child",
            "offered": "Of those, an advocate was offered",
            "took_up": "Of those, the child took up the offer or already had one",
            "take_up_percent": "Take-up (%)",
            **REFERRAL_NAMES,
        },
    )
    advocacy.rows += [
        _compare(
            f"Referrals closed: {words}",
            report["advocacy"]["referral_outcomes"][outcome],
            before["advocacy"]["referral_outcomes"][outcome],
        )
        for outcome, words in REFERRAL_OUTCOMES.items()
    ]
    advocacy.note = (
        "Referrals to the advocacy provider are counted in the period they were made in. "
        "Take-up: referrals where the advocate made a first contact with the child. Within "
        "the contract: a first contact by the day the referral had to be accepted by (the "
        "provider's response time, in working days)."
    )
    compliments = _by_team_table(
        "compliments", "Compliments by team", report["compliments"], before["compliments"]
    )
    compliments.rows.append(
        _compare(
            "Naming a worker",
            report["compliments"]["about_a_named_worker"],
            before["compliments"]["about_a_named_worker"],
        )
    )
    representations = _by_team_table(
        "representations",
        "Representations by team",
        report["representations"],
        before["representations"],
    )
    lessons = Table(
        "lessons",
        "Lessons learned and actions",
        ["Team", "Lesson", "Action"],
        [[item["team"], item["lesson"], item["action"]] for item in report["lessons"]],
        numeric=False,
    )
    return [
        contacts,
        informal,
        stages,
        by_category,
        team_outcome,
        source,
        arrived,
        timeliness,
        costs,
        ombudsman,
        advocacy,
        compliments,
        representations,
        lessons,
        *feedback_tables(report),
        _context_table(report),
        _comparison_table(report),
    ]


def _by_team_table(slug: str, title: str, now: dict[str, Any], before: dict[str, Any]) -> Table:
    teams = list(dict.fromkeys([*now["by_team"], *before["by_team"]]))
    rows = [
        _compare(team, now["by_team"].get(team, 0), before["by_team"].get(team, 0))
        for team in teams
    ]
    rows.append(_compare("Total", now["total"], before["total"]))
    table = Table(slug, title, ["Team", *COMPARED[1:]], rows)
    table.chart = [(team, now["by_team"].get(team, 0)) for team in teams]
    return table


def _context_table(report: dict[str, Any]) -> Table:
    context, rates = report["context"], report["rates"]
    names = {
        "social_care_contacts": "Contacts with children's social care",
        "referrals": "Referrals",
        "children_looked_after": "Children looked after",
    }
    rows = [[names[key], context[key], rates[f"complaints_per_{key}_percent"]] for key in names]
    return Table(
        "context",
        "Complaints in context",
        ["Figure for the period", "Number", "Complaints as a share (%)"],
        rows,
        note="The complaints manager enters these figures below.",
    )


def _comparison_table(report: dict[str, Any]) -> Table:
    return Table(
        "comparison",
        "Other councils",
        ["Council", "Year", "Complaints", "Referrals", "Complaints per 100 referrals (%)"],
        [
            [
                c["council"],
                c["year"],
                c["complaints"],
                c["referrals"],
                c["complaints_per_referrals_percent"],
            ]
            for c in report["comparison"]
        ],
        note="Figures from other councils' published annual reports, entered below.",
    )


# --- feedback on the handling (issue 8) -----------------------------------------------------

FEEDBACK_NAMES = {
    "invited": "Questionnaires sent when a complaint closed",
    "answered": "Of those, answered so far",
    "response_rate_percent": "Response rate (%)",
    "answers": "Answers given in the period",
    "from_children": "Of those, from children and young people",
}
STAGE_NAMES = {
    "none": "Answered after a complaint closed before stage 1",
    "informal": "Answered after informal resolution",
    "1": "Answered after stage 1",
    "2": "Answered after stage 2",
    "3": "Answered after stage 3",
}
FROM_NAMES = {"child": "Child or young person", "adult": "Adult"}


def feedback_tables(report: dict[str, Any]) -> list[Table]:
    """What complainants told us about the handling: how many answered, each question's
    answers (adults and children apart) and what they wrote."""
    now, before = report["feedback"], report["previous"]["feedback"]
    summary = _section(
        "feedback", "Feedback on the handling of complaints", now, before, FEEDBACK_NAMES
    )
    summary.rows += [
        _compare(name, now["by_stage"][stage], before["by_stage"][stage])
        for stage, name in STAGE_NAMES.items()
    ]
    summary.note = (
        "Questionnaires count by the day they were sent. Answers are kept without the case "
        "and with only the month they were given, so a period counts the answers of each "
        "month that begins in it."
    )
    adults = _answers_table(
        "feedback-adults", "Feedback: adults' answers", now["adults"], feedback.SCALE_NAMES
    )
    adults.note = "Each is a statement the person agreed or disagreed with."
    children = _answers_table(
        "feedback-children",
        "Feedback: children's and young people's answers",
        now["children"],
        feedback.CHILD_SCALE_NAMES,
    )
    children.note = (
        "Children and young people answered the same questions in simple words, like "
        "“Did we keep telling you what was happening?”"
    )
    comments = Table(
        "feedback-comments",
        "Feedback: what people wrote",
        ["From", "Comment"],
        [[FROM_NAMES[c["from"]], c["comment"]] for c in report["feedback_comments"]],
        note=(
            "Names the case knows, email addresses, phone numbers, references, postcodes and "
            "dates are taken out when an answer is kept. The complaints manager can hide a "
            "comment from the report."
        ),
        numeric=False,
    )
    return [summary, adults, children, comments]


def _answers_table(slug: str, title: str, counts: dict[str, Any], scale: dict[int, str]) -> Table:
    agreeing = "Agree (%)" if scale is feedback.SCALE_NAMES else "Yes (%)"
    rows = [
        [
            feedback.QUESTION_NAMES[question],
            *(counts[question][str(point)] for point in feedback.SCALE),
            counts[question]["agree_percent"],
        ]
        for question in feedback.QUESTIONS
    ]
    if not any(sum(row[1:-1]) for row in rows):
        rows = []  # "None in this period."
    return Table(slug, title, ["Question", *scale.values(), agreeing], rows)
