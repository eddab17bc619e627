"""Past cases from a council's previous system, as `flask import cases` reads them
(docs/import.md): the columns, the values each may take, and the checks on one row and
on a whole file. Pure: the file is read and the database consulted by
services/importing.py."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.domain import labels
from portal.domain.holidays import bank_holidays
from portal.domain.types import NATIONAL_CATEGORIES, Kind, SubmitterRole

COLUMNS = (
    "reference",
    "kind",
    "received_on",
    "submitter_role",
    "team",
    "category",
    "stage_reached",
    "outcome",
    "acknowledged_on",
    "stage1_response_on",
    "stage1_extended",
    "stage2_cost",
    "ombudsman",
)
KINDS = tuple(kind.value for kind in Kind)
ROLES = tuple(role.value for role in SubmitterRole)
CATEGORIES = tuple(NATIONAL_CATEGORIES)
STAGES = ("informal", "1", "2", "3")
OUTCOMES = tuple(labels.OUTCOMES)
OMBUDSMAN = ("referred", "upheld", "not_upheld")
YES_NO = ("yes", "no")

# The widths of the past_cases and teams columns.
REFERENCE_LENGTH = 40
TEAM_NAME_LENGTH = 120

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_POUNDS = re.compile(r"^\d+(\.\d+)?$")
# A bad value is quoted back in the error; a long one is cut short, so a row that has
# slipped into another column's text prints no more of it than needed to find it.
_QUOTED_LENGTH = 40


@dataclass(frozen=True)
class PastCaseRow:
    """One row of the file, checked: every value is one the report can count."""

    reference: str
    kind: str
    received_on: date
    submitter_role: str
    team: str | None
    category: str | None
    stage_reached: str | None
    outcome: str | None
    acknowledged_on: date | None
    stage1_responded_on: date | None
    stage1_extended: bool
    stage2_cost_pence: int | None
    ombudsman: str | None


@dataclass(frozen=True)
class LineError:
    """Why a line of the file cannot be imported; line 1 is the header."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class CheckedFile:
    """Every good row with its line number, and every reason a line is bad."""

    rows: tuple[tuple[int, PastCaseRow], ...]
    errors: tuple[LineError, ...]


def quoted(value: str) -> str:
    if len(value) > _QUOTED_LENGTH:
        value = value[:_QUOTED_LENGTH] + "..."
    return f'"{value}"'


def _one_of(
    column: str, value: str, allowed: Sequence[str], reasons: list[str], *, required: bool = False
) -> str | None:
    if not value:
        if required:
            reasons.append(f"{column} is empty")
        return None
    if value not in allowed:
        reasons.append(f"{column} {quoted(value)} is not one of {', '.join(allowed)}")
        return None
    return value


def _date(column: str, value: str, reasons: list[str], *, required: bool = False) -> date | None:
    if not value:
        if required:
            reasons.append(f"{column} is empty")
        return None
    if not _DATE.match(value):
        reasons.append(f"{column} {quoted(value)} is not a date written YYYY-MM-DD")
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        reasons.append(f"{column} {quoted(value)} is not a real date")
        return None
    # The report counts a case's days in working days: only in the years whose bank
    # holidays are known (a year mistyped, 1924 for 2024, would stop it).
    known = bank_holidays()
    if not known.covers(found):
        reasons.append(
            f"{column} {value} is not in {known.first_year} to {known.last_year}, the years "
            "whose bank holidays the portal knows"
        )
        return None
    return found


def _pence(value: str, reasons: list[str]) -> int | None:
    """Pounds as the old system wrote them ("3081.96") in whole pence."""
    if not value:
        return None
    if value.startswith("-") and _POUNDS.match(value[1:]):
        reasons.append(f"stage2_cost {quoted(value)} is negative")
        return None
    if not _POUNDS.match(value):
        reasons.append(f"stage2_cost {quoted(value)} is not an amount in pounds like 3081.96")
        return None
    if "." in value and len(value.split(".")[1]) > 2:
        reasons.append(f"stage2_cost {quoted(value)} has more than 2 decimal places")
        return None
    return int(Decimal(value) * 100)


def check_row(row: Mapping[str, str]) -> PastCaseRow | list[str]:
    """One row (column name to text, as read) checked: the row, or every reason it is bad."""
    value = {column: (row.get(column) or "").strip() for column in COLUMNS}
    reasons: list[str] = []

    reference = value["reference"]
    if not reference:
        reasons.append("reference is empty")
    elif len(reference) > REFERENCE_LENGTH:
        reasons.append(f"reference is longer than {REFERENCE_LENGTH} characters")
    kind = _one_of("kind", value["kind"], KINDS, reasons, required=True)
    received_on = _date("received_on", value["received_on"], reasons, required=True)
    role = _one_of("submitter_role", value["submitter_role"], ROLES, reasons, required=True)
    team = value["team"] or None
    if team is not None and len(team) > TEAM_NAME_LENGTH:
        reasons.append(f"team is longer than {TEAM_NAME_LENGTH} characters")
    category = _one_of("category", value["category"], CATEGORIES, reasons)
    stage = _one_of("stage_reached", value["stage_reached"], STAGES, reasons)
    outcome = _one_of("outcome", value["outcome"], OUTCOMES, reasons)
    acknowledged_on = _date("acknowledged_on", value["acknowledged_on"], reasons)
    responded_on = _date("stage1_response_on", value["stage1_response_on"], reasons)
    extended = _one_of("stage1_extended", value["stage1_extended"], YES_NO, reasons)
    cost = _pence(value["stage2_cost"], reasons)
    ombudsman = _one_of("ombudsman", value["ombudsman"], OMBUDSMAN, reasons)

    # Stages, categories and responses belong to the complaints procedure only.
    if kind and kind != Kind.COMPLAINT:
        for column in ("category", "stage_reached", "stage1_response_on"):
            if value[column]:
                reasons.append(f"{column} is only for complaints (this row's kind is {kind})")
    # A stage that is itself wrong is reason enough; the cost is checked against a good one.
    stage_known = stage is not None or not value["stage_reached"]
    if value["stage2_cost"] and stage_known and stage not in ("2", "3"):
        reasons.append("stage2_cost is only for complaints that reached stage 2 or 3")
    for column, when in (
        ("acknowledged_on", acknowledged_on),
        ("stage1_response_on", responded_on),
    ):
        if received_on and when and when < received_on:
            reasons.append(f"{column} {when} is before received_on {received_on}")

    if reasons or not (kind and received_on and role):
        return reasons
    return PastCaseRow(
        reference=reference,
        kind=kind,
        received_on=received_on,
        submitter_role=role,
        team=team,
        category=category,
        stage_reached=stage,
        outcome=outcome,
        acknowledged_on=acknowledged_on,
        stage1_responded_on=responded_on,
        stage1_extended=extended == "yes",
        stage2_cost_pence=cost,
        ombudsman=ombudsman,
    )


def header_columns(header: Sequence[str]) -> tuple[list[str], list[LineError]]:
    """The header's column names as compared (trimmed, lower case), and an error for
    each required column it lacks or has twice."""
    names = [name.strip().lower() for name in header]
    errors = [
        LineError(1, f'the required column "{column}" is missing')
        for column in COLUMNS
        if column not in names
    ] + [
        LineError(1, f'the column "{column}" is there {names.count(column)} times')
        for column in COLUMNS
        if names.count(column) > 1
    ]
    return names, errors


def check_rows(lines: Iterable[tuple[int, Mapping[str, str]]]) -> CheckedFile:
    """Every row with its line number checked, and each reference used only once."""
    rows: list[tuple[int, PastCaseRow]] = []
    errors: list[LineError] = []
    first_seen: dict[str, int] = {}
    for line, raw in lines:
        checked = check_row(raw)
        reasons = checked if isinstance(checked, list) else []
        reference = (raw.get("reference") or "").strip()
        if reference in first_seen:
            reasons = [
                f"reference {quoted(reference)} is also on line {first_seen[reference]}",
                *reasons,
            ]
        elif reference:
            first_seen[reference] = line
        if reasons:
            errors += [LineError(line, reason) for reason in reasons]
        elif isinstance(checked, PastCaseRow):
            rows.append((line, checked))
    return CheckedFile(rows=tuple(rows), errors=tuple(errors))
