"""`flask import cases FILE.csv` loads past cases from the council's previous system: every
line is checked first and each bad one named with its line number, nothing is imported
unless all are good, importing again changes nothing, and the annual report counts them."""

import csv
import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from backoffice_helpers import new_complaint
from click.testing import Result
from flask import Flask

from portal.domain.holidays import bank_holidays
from portal.domain.imports import COLUMNS
from portal.extensions import db
from portal.models import Category, PastCase, Team
from portal.services import teams


@pytest.fixture(autouse=True)
def categories(app: Flask) -> None:
    teams.load_default_categories()


def a_complaint(**changes: str) -> dict[str, str]:
    """A complaint that went to stage 2 and the ombudsman: every column filled in."""
    return {
        "reference": "OLD-0001",
        "kind": "complaint",
        "received_on": "2024-05-01",
        "submitter_role": "parent",
        "team": "Looked After Children",
        "category": "delay_failed_service",
        "stage_reached": "2",
        "outcome": "partially_upheld",
        "acknowledged_on": "2024-05-02",
        "stage1_response_on": "2024-05-14",
        "stage1_extended": "no",
        "stage2_cost": "3081.96",
        "ombudsman": "referred",
    } | changes


def a_compliment(**changes: str) -> dict[str, str]:
    return (
        {column: "" for column in COLUMNS}
        | {
            "reference": "OLD-0002",
            "kind": "compliment",
            "received_on": "2024-06-10",
            "submitter_role": "foster_carer",
        }
        | changes
    )


def csv_file(
    tmp_path: Path,
    rows: list[dict[str, str]],
    *,
    columns: tuple[str, ...] | list[str] = COLUMNS,
    name: str = "old-system.csv",
    encoding: str = "utf-8",
) -> Path:
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def import_file(app: Flask, path: Path, *options: str) -> Result:
    return run(app, "import", "cases", str(path), *options)


def past_cases() -> list[PastCase]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PastCase).order_by(PastCase.reference)))


def team_named(name: str) -> Team | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Team).where(Team.name == name))


def category_slug(category_id: int | None) -> str | None:
    return db.session.scalar(sa.select(Category.slug).where(Category.id == category_id))


# --- a good file ------------------------------------------------------------------------


def test_a_good_file_is_imported_row_by_row(app: Flask, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        [
            a_complaint(team="  looked after CHILDREN "),
            a_compliment(),
            a_complaint(
                reference="OLD-0003",
                kind="advocacy",
                submitter_role="child",
                team="",
                category="",
                stage_reached="",
                outcome="",
                acknowledged_on="",
                stage1_response_on="",
                stage1_extended="",
                stage2_cost="",
                ombudsman="",
            ),
        ],
    )

    result = import_file(app, path)

    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 3, already there 0, teams created 0.\n"
    complaint, compliment, advocacy = past_cases()
    looked_after = team_named("Looked After Children")
    assert looked_after is not None
    assert complaint.reference == "OLD-0001"
    assert complaint.kind == "complaint"
    assert complaint.received_on == date(2024, 5, 1)
    assert complaint.submitter_role == "parent"
    assert complaint.team_id == looked_after.id
    assert category_slug(complaint.category_id) == "delay_failed_service"
    assert complaint.stage_reached == "2"
    assert complaint.outcome == "partially_upheld"
    assert complaint.acknowledged_on == date(2024, 5, 2)
    assert complaint.stage1_responded_on == date(2024, 5, 14)
    assert complaint.stage1_extended is False
    assert complaint.stage2_cost_pence == 308196
    assert complaint.ombudsman == "referred"
    assert complaint.imported_from == "old-system.csv"
    assert (compliment.kind, compliment.team_id, compliment.category_id) == (
        "compliment",
        None,
        None,
    )
    assert (advocacy.kind, advocacy.stage_reached, advocacy.stage2_cost_pence) == (
        "advocacy",
        None,
        None,
    )
    assert advocacy.stage1_extended is False


def test_columns_may_come_in_any_order_with_others_beside_them(app: Flask, tmp_path: Path) -> None:
    columns = ["notes", *reversed(COLUMNS), "worker"]
    path = csv_file(
        tmp_path,
        [a_complaint(stage1_extended="yes", stage2_cost="12") | {"notes": "x", "worker": "y"}],
        columns=columns,
    )

    result = import_file(app, path)

    assert result.exit_code == 0, result.output
    [case] = past_cases()
    assert (case.stage1_extended, case.stage2_cost_pence) == (True, 1200)


def test_a_file_saved_with_a_byte_order_mark_is_read(app: Flask, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [a_complaint()], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = import_file(app, path)

    assert result.exit_code == 0, result.output
    assert [case.reference for case in past_cases()] == ["OLD-0001"]


def test_blank_lines_at_the_end_are_not_rows(app: Flask, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [a_complaint()])
    path.write_text(path.read_text() + ",,,,,,,,,,,,\r\n\r\n")

    result = import_file(app, path)

    assert result.stdout == "Imported 1, already there 0, teams created 0.\n"


# --- bad rows ---------------------------------------------------------------------------

KINDS = "complaint, compliment, advocacy, representation"
ROLES = "child, parent, foster_carer, kinship_carer, relative, professional, advocate, other"
CATEGORIES = (
    "legislation, policy, confidentiality, broken_promise, delay_failed_service, "
    "denial_change_service, information, not_to_standard, staff_attitude, other"
)
OUTCOMES = "upheld, partially_upheld, not_upheld, no_finding, withdrawn, resolved_informally"
NOT_COMPLAINT = {"category": "", "stage_reached": "", "stage1_response_on": "", "stage2_cost": ""}


NOT_A_DATE = "is not a date written YYYY-MM-DD"
NOT_AN_AMOUNT = "is not an amount in pounds like 3081.96"
KNOWN = bank_holidays()
UNKNOWN_YEARS = (
    f"is not in {KNOWN.first_year} to {KNOWN.last_year}, the years whose bank holidays the "
    "portal knows"
)
UNKNOWN_TEAM = "is not a team in the portal (use --create-teams to create it)"
ONLY_COMPLAINTS = "is only for complaints (this row's kind is"
BAD_ROWS: list[tuple[dict[str, str], str]] = [
    ({"reference": ""}, "reference is empty"),
    ({"reference": "X" * 41}, "reference is longer than 40 characters"),
    ({"kind": "complain"}, f'kind "complain" is not one of {KINDS}'),
    ({"kind": ""}, "kind is empty"),
    ({"received_on": ""}, "received_on is empty"),
    ({"received_on": "01/05/2024"}, f'received_on "01/05/2024" {NOT_A_DATE}'),
    ({"received_on": "2024-5-1"}, f'received_on "2024-5-1" {NOT_A_DATE}'),
    ({"received_on": "2023-02-29"}, 'received_on "2023-02-29" is not a real date'),
    ({"received_on": "1924-05-01"}, f"received_on 1924-05-01 {UNKNOWN_YEARS}"),
    ({"acknowledged_on": "2924-05-03"}, f"acknowledged_on 2924-05-03 {UNKNOWN_YEARS}"),
    ({"submitter_role": "grandparent"}, f'submitter_role "grandparent" is not one of {ROLES}'),
    ({"submitter_role": ""}, "submitter_role is empty"),
    ({"team": "T" * 121}, "team is longer than 120 characters"),
    ({"team": "Youth Justice"}, f'team "Youth Justice" {UNKNOWN_TEAM}'),
    ({"category": "money"}, f'category "money" is not one of {CATEGORIES}'),
    ({"stage_reached": "4"}, 'stage_reached "4" is not one of informal, 1, 2, 3'),
    ({"stage_reached": "stage 2"}, 'stage_reached "stage 2" is not one of informal, 1, 2, 3'),
    ({"outcome": "won"}, f'outcome "won" is not one of {OUTCOMES}'),
    ({"acknowledged_on": "2024-13-01"}, 'acknowledged_on "2024-13-01" is not a real date'),
    (
        {"acknowledged_on": "2024-04-30"},
        "acknowledged_on 2024-04-30 is before received_on 2024-05-01",
    ),
    ({"stage1_response_on": "14 May 2024"}, f'stage1_response_on "14 May 2024" {NOT_A_DATE}'),
    ({"stage1_response_on": "2024-06-31"}, 'stage1_response_on "2024-06-31" is not a real date'),
    (
        {"stage1_response_on": "2024-04-01"},
        "stage1_response_on 2024-04-01 is before received_on 2024-05-01",
    ),
    ({"stage1_extended": "y"}, 'stage1_extended "y" is not one of yes, no'),
    ({"stage2_cost": "3081.961"}, 'stage2_cost "3081.961" has more than 2 decimal places'),
    ({"stage2_cost": "-5.00"}, 'stage2_cost "-5.00" is negative'),
    ({"stage2_cost": "£300"}, f'stage2_cost "£300" {NOT_AN_AMOUNT}'),
    ({"stage2_cost": "3,081.96"}, f'stage2_cost "3,081.96" {NOT_AN_AMOUNT}'),
    ({"stage_reached": "1"}, "stage2_cost is only for complaints that reached stage 2 or 3"),
    ({"ombudsman": "maybe"}, 'ombudsman "maybe" is not one of referred, upheld, not_upheld'),
    (
        {**NOT_COMPLAINT, "kind": "compliment", "category": "policy"},
        f"category {ONLY_COMPLAINTS} compliment)",
    ),
    (
        {**NOT_COMPLAINT, "kind": "representation", "stage_reached": "1"},
        f"stage_reached {ONLY_COMPLAINTS} representation)",
    ),
    (
        {**NOT_COMPLAINT, "kind": "advocacy", "stage1_response_on": "2024-05-09"},
        f"stage1_response_on {ONLY_COMPLAINTS} advocacy)",
    ),
]


@pytest.mark.parametrize("changes, reason", BAD_ROWS)
def test_a_bad_row_is_named_with_its_line_and_reason_and_nothing_is_imported(
    app: Flask, tmp_path: Path, changes: dict[str, str], reason: str
) -> None:
    path = csv_file(tmp_path, [a_compliment(), a_complaint(**changes), a_complaint(reference="OK")])

    result = import_file(app, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"line 3: {reason}", "Error: Nothing imported: 1 error."]
    assert result.stdout == ""
    assert past_cases() == []


def test_every_error_in_the_file_is_listed_in_line_order(app: Flask, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        [
            a_complaint(kind="complain", team="Youth Justice"),
            a_complaint(reference="OLD-0002"),
            a_complaint(reference="OLD-0003", received_on="2024-02-30", ombudsman="yes"),
        ],
    )

    result = import_file(app, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f'line 2: kind "complain" is not one of {KINDS}',
        f'line 2: team "Youth Justice" {UNKNOWN_TEAM}',
        'line 4: received_on "2024-02-30" is not a real date',
        'line 4: ombudsman "yes" is not one of referred, upheld, not_upheld',
        "Error: Nothing imported: 4 errors.",
    ]
    assert past_cases() == []


def test_a_missing_column_is_named(app: Flask, tmp_path: Path) -> None:
    columns = [column for column in COLUMNS if column not in ("ombudsman", "team")]
    path = csv_file(tmp_path, [a_complaint()], columns=columns)

    result = import_file(app, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        'line 1: the required column "team" is missing',
        'line 1: the required column "ombudsman" is missing',
    ]
    assert past_cases() == []


def test_a_reference_twice_in_the_file_is_an_error(app: Flask, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, [a_complaint(), a_compliment(), a_complaint(received_on="2024-05-03")]
    )

    result = import_file(app, path)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == 'line 4: reference "OLD-0001" is also on line 2'
    assert past_cases() == []


def test_line_numbers_are_the_files_even_when_a_value_runs_over_lines(
    app: Flask, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        [a_complaint() | {"notes": "one\ntwo\nthree"}, a_compliment(kind="thanks")],
        columns=[*COLUMNS, "notes"],
    )

    result = import_file(app, path)

    assert result.stderr.splitlines()[0] == f'line 5: kind "thanks" is not one of {KINDS}'
    # The ignored column is never printed: it may hold what the portal must not show.
    assert "two" not in result.output


def test_a_row_with_too_few_values_is_an_error(app: Flask, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [a_complaint()])
    path.write_text(path.read_text() + "OLD-0009,complaint,2024-05-01\r\n")

    result = import_file(app, path)

    assert result.stderr.splitlines()[0] == "line 3: 3 values, but the header has 13 columns"
    assert past_cases() == []


def test_a_file_that_is_not_utf8_is_refused(app: Flask, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, [a_complaint(), a_complaint(reference="OLD-0002", team="Café")], encoding="cp1252"
    )

    result = import_file(app, path)

    assert result.stderr.splitlines()[0] == (
        "line 3: the file is not UTF-8 text (save it as CSV UTF-8)"
    )
    assert past_cases() == []


def test_a_category_the_portal_does_not_have_is_an_error(app: Flask, tmp_path: Path) -> None:
    db.session.execute(sa.delete(Category).where(Category.slug == "policy"))
    db.session.commit()
    path = csv_file(tmp_path, [a_complaint(category="policy")])

    result = import_file(app, path)

    assert result.stderr.splitlines()[0] == 'line 2: category "policy" is not set up in the portal'
    assert past_cases() == []


# --- teams --------------------------------------------------------------------------------


def test_create_teams_creates_each_unknown_team_once(app: Flask, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        [
            a_complaint(team="Youth Justice"),
            a_compliment(team=" youth justice "),
            a_complaint(reference="OLD-0003", team="Looked After Children"),
        ],
    )

    result = import_file(app, path, "--create-teams")

    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 3, already there 0, teams created 1.\n"
    created = team_named("Youth Justice")
    assert created is not None
    assert (created.public_name, created.inbox_email, created.shown_to_public) == (
        "Youth Justice",
        "",
        False,
    )
    first, second, third = past_cases()
    assert first.team_id == second.team_id == created.id
    assert third.team_id != created.id

    more = csv_file(
        tmp_path, [a_complaint(reference="OLD-0004", team="YOUTH JUSTICE")], name="2.csv"
    )
    again = import_file(app, more, "--create-teams")

    assert again.stdout == "Imported 1, already there 0, teams created 0.\n"
    same_name = sa.select(sa.func.count()).where(sa.func.lower(Team.name) == "youth justice")
    assert db.session.scalar(same_name) == 1


def test_a_file_with_an_error_creates_no_teams(app: Flask, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [a_complaint(team="Youth Justice"), a_compliment(kind="thanks")])

    result = import_file(app, path, "--create-teams")

    assert result.exit_code == 1
    assert team_named("Youth Justice") is None


# --- importing again --------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(app: Flask, tmp_path: Path) -> None:
    path = csv_file(tmp_path, [a_complaint(team="Youth Justice"), a_compliment()])
    assert import_file(app, path, "--create-teams").exit_code == 0
    before = [(case.id, case.reference, case.team_id) for case in past_cases()]

    again = import_file(app, path, "--create-teams")

    assert again.exit_code == 0, again.output
    assert again.stdout == "Imported 0, already there 2, teams created 0.\n"
    assert [(case.id, case.reference, case.team_id) for case in past_cases()] == before


def test_a_file_with_more_rows_imports_only_the_new_ones(app: Flask, tmp_path: Path) -> None:
    assert import_file(app, csv_file(tmp_path, [a_complaint()])).exit_code == 0

    result = import_file(app, csv_file(tmp_path, [a_complaint(), a_compliment()]))

    assert result.stdout == "Imported 1, already there 1, teams created 0.\n"
    assert [case.reference for case in past_cases()] == ["OLD-0001", "OLD-0002"]


def test_a_reference_a_live_case_uses_is_skipped(app: Flask, tmp_path: Path) -> None:
    live = new_complaint()
    path = csv_file(tmp_path, [a_complaint(reference=live.reference), a_compliment()])

    result = import_file(app, path)

    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 1, already there 1, teams created 0.\n"
    assert [case.reference for case in past_cases()] == ["OLD-0002"]


# --- the annual report --------------------------------------------------------------------


def annual_report(app: Flask, start: str, end: str) -> dict[str, object]:
    result = run(app, "report", "annual", "--from", start, "--to", end, "--format", "json")
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_the_annual_report_counts_imported_cases(app: Flask, tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        [
            a_complaint(),
            a_complaint(
                reference="OLD-0003",
                category="staff_attitude",
                stage_reached="informal",
                outcome="resolved_informally",
                stage1_response_on="",
                stage2_cost="",
                ombudsman="",
                submitter_role="child",
            ),
            a_compliment(team="Fostering"),
            # Outside the financial year: not counted in it.
            a_complaint(
                reference="OLD-0004",
                received_on="2025-04-01",
                acknowledged_on="",
                stage1_response_on="",
            ),
        ],
    )
    assert import_file(app, path).exit_code == 0

    report = annual_report(app, "2024-04-01", "2025-03-31")

    assert report["contacts"] == {
        "complaint": 2,
        "compliment": 1,
        "advocacy": 0,
        "representation": 0,
        "total": 3,
    }
    complaints = report["complaints"]
    assert isinstance(complaints, dict)
    assert (complaints["received"], complaints["resolved_informally"]) == (2, 1)
    assert (complaints["stage1"], complaints["stage2"], complaints["stage3"]) == (1, 1, 0)
    by_category = report["by_category"]
    assert isinstance(by_category, dict)
    assert (by_category["delay_failed_service"], by_category["staff_attitude"]) == (1, 1)
    assert report["by_team_outcome"]["Looked After Children"]["partially_upheld"] == 1  # type: ignore[index]
    assert report["by_source"]["parent"] == 1  # type: ignore[index]
    assert report["by_source"]["child"] == 1  # type: ignore[index]
    timeliness = report["timeliness"]
    assert isinstance(timeliness, dict)
    assert (timeliness["acknowledged"], timeliness["acknowledged_in_time"]) == (2, 2)
    # 1 to 14 May 2024: 8 working days (6 May was a bank holiday).
    assert (timeliness["stage1_responses"], timeliness["stage1_in_10"]) == (1, 1)
    assert report["costs"] == {
        "stage2_cases": 1,
        "stage2_total": "3081.96",
        "ex_gratia_payments": 0,
        "ex_gratia_total": "0.00",
    }
    assert report["ombudsman"]["referred"] == 1  # type: ignore[index]
    assert report["compliments"]["by_team"] == {"Fostering": 1}  # type: ignore[index]

    next_year = annual_report(app, "2025-04-01", "2026-03-31")
    assert next_year["contacts"]["complaint"] == 1  # type: ignore[index]
    assert next_year["previous"]["contacts"]["complaint"] == 2  # type: ignore[index]


# --- the documentation -----------------------------------------------------------------


def test_the_example_in_the_documentation_imports(app: Flask, tmp_path: Path) -> None:
    docs = Path(__file__).parents[2] / "docs" / "import.md"
    example = docs.read_text().split("```csv\n")[1].split("```")[0]
    path = tmp_path / "example.csv"
    path.write_text(example)

    result = import_file(app, path)

    assert result.stdout == "Imported 5, already there 0, teams created 0.\n", result.output
