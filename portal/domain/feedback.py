"""Feedback on the handling of a complaint (issue 8): the questionnaire a complainant is
invited to once their case closes, how its answers are counted for the annual report's
learning section, and how a comment is made anonymous before it is kept. Pure: the
services read and write the answers (services/feedback.py).

An answer is kept apart from the case (domain.md, "Annual figures never identify a
complainant"): only the month it was given, whether a child or an adult gave it, the
stage the complaint reached and its procedure.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.domain.reports import percent

# The five questions, each answered on one five-point scale: 5 is the best answer
# ("Strongly agree"; a child's "Yes, definitely"), 1 the worst.
QUESTIONS = ("easy", "informed", "on_time", "respect", "satisfied")
SCALE = (5, 4, 3, 2, 1)
POSITIVE = frozenset({5, 4})

# How the report names each question and point (staff read it in English).
QUESTION_NAMES = {
    "easy": "It was easy to make the complaint",
    "informed": "We kept them informed",
    "on_time": "We replied when we said we would",
    "respect": "We treated them with respect",
    "satisfied": "Satisfied with the way it was handled",
}
SCALE_NAMES = {
    5: "Strongly agree",
    4: "Agree",
    3: "Neither",
    2: "Disagree",
    1: "Strongly disagree",
}
CHILD_SCALE_NAMES = {
    5: "Yes, definitely",
    4: "Yes, mostly",
    3: "Not sure",
    2: "Not really",
    1: "No, not at all",
}
# The furthest a complaint went before it closed, as the report counts stages.
STAGES = ("none", "informal", "1", "2", "3")
COMMENT_LIMIT = 1000


@dataclass(frozen=True)
class Answer:
    """One questionnaire as answered, without the case."""

    month: date  # the first day of the month it was answered in
    child: bool
    stage_reached: str  # one of STAGES
    procedure: str
    ratings: dict[str, int]  # question -> 1 to 5
    comment: str = ""
    comment_hidden: bool = False


def month_of(day: date) -> date:
    return day.replace(day=1)


def stage_reached(
    *,
    accepted: bool,
    resolved_informally: bool,
    stage2_requested: bool,
    stage3_requested: bool,
) -> str:
    if stage3_requested:
        return "3"
    if stage2_requested:
        return "2"
    if accepted:
        return "1"
    if resolved_informally:
        return "informal"
    return "none"  # withdrawn or closed before it was accepted


def _counts(answers: list[Answer]) -> dict[str, dict[str, object]]:
    """For each question: how many gave each point, and the share agreeing (4 or 5)."""
    counted: dict[str, dict[str, object]] = {}
    for question in QUESTIONS:
        given = [a.ratings[question] for a in answers if question in a.ratings]
        row: dict[str, object] = {str(point): given.count(point) for point in SCALE}
        share = percent(sum(point in POSITIVE for point in given), len(given))
        row["agree_percent"] = float(share) if share is not None else None
        counted[question] = row
    return counted


def figures(answers: list[Answer], *, invited: int, answered: int) -> dict[str, object]:
    """The questionnaire's part of the annual report (docs/report.md, "feedback").
    `invited`: questionnaires sent in the period; `answered`: how many of those have
    been answered so far. `answers`: those given in the period, by month."""
    share = percent(answered, invited)
    children = [a for a in answers if a.child]
    adults = [a for a in answers if not a.child]
    return {
        "invited": invited,
        "answered": answered,
        "response_rate_percent": float(share) if share is not None else None,
        "answers": len(answers),
        "from_children": len(children),
        "by_stage": {stage: sum(a.stage_reached == stage for a in answers) for stage in STAGES},
        "adults": _counts(adults),
        "children": _counts(children),
    }


def comments(answers: list[Answer]) -> list[dict[str, str]]:
    """What people wrote, as the report shows it: never a comment the manager hid."""
    return [
        {"from": "child" if a.child else "adult", "comment": a.comment}
        for a in answers
        if a.comment and not a.comment_hidden
    ]


# --- making a comment anonymous ---------------------------------------------------------

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers as people write them: 07700 900982, +44 7700 900982, (01632) 960 001.
PHONE = re.compile(r"(?<!\w)(?:\+44\s?\(?0?\)?|\(?0)\d[\d\s()-]{7,14}\d(?!\w)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
REFERENCE = re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{4,}\b", re.IGNORECASE)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    "|ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr"
)
DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"  # 12/03/2026
    r"|\b\d{4}-\d{2}-\d{2}\b"  # 2026-03-12
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:\s+\d{{4}})?"  # 12 March
    rf"|\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?",  # March 12th
    re.IGNORECASE,
)
NAME_PART_MIN = 3  # "Al" or "Jo" alone would remove too many ordinary words

REMOVED = {
    "email": "[email removed]",
    "phone": "[phone number removed]",
    "reference": "[reference removed]",
    "postcode": "[postcode removed]",
    "date": "[date removed]",
    "name": "[name removed]",
}


def anonymise(text: str, names: Iterable[str] = ()) -> str:
    """The comment with what could identify someone taken out: email addresses, phone
    numbers, references, postcodes, dates, and the names the case knows (the
    complainant's, the child's, the advocate's, the worker's). A name nobody recorded
    can still slip through: the complaints manager can hide a comment from the report."""
    text = EMAIL.sub(REMOVED["email"], text)
    text = REFERENCE.sub(REMOVED["reference"], text)
    text = DATE.sub(REMOVED["date"], text)
    text = PHONE.sub(REMOVED["phone"], text)
    text = POSTCODE.sub(REMOVED["postcode"], text)
    wholes, parts = set(), set()
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        wholes.add(name)
        parts |= {part for part in re.split(r"[\s-]+", name) if len(part) >= NAME_PART_MIN}
    # The whole name in any case first, then each part as a name is written (capitalised),
    # so that "Parent" as a surname goes but "a parent" stays.
    for whole in sorted(wholes, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(whole)}(?!\w)", REMOVED["name"], text, flags=re.I)
    for part in sorted(parts, key=len, reverse=True):
        for written in {part, part.capitalize(), part.upper()}:
            text = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", REMOVED["name"], text)
    return text.strip()
