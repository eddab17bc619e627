"""Past cases loaded from a council's previous system (`flask import cases`,
docs/import.md), so the annual report has earlier years from the first day. Every line
is checked (portal/domain/imports.py) and every team, category and reference looked up
before anything is written; then the rows and any new teams commit together, or
nothing does."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from portal.domain import imports
from portal.domain.imports import LineError, PastCaseRow
from portal.extensions import db
from portal.models import Category, PastCase, Submission, Team
from portal.services import audit

# References are looked up this many at a time: databases cap the values in one IN ().
_LOOKUP_BATCH = 500


@dataclass(frozen=True)
class ImportResult:
    """What an import did; with errors, it did nothing."""

    imported: int = 0
    already_there: int = 0
    teams_created: int = 0
    errors: tuple[LineError, ...] = ()


def import_cases(path: Path, *, create_teams: bool = False) -> ImportResult:
    """Load a CSV file of past cases into past_cases, all of it or none of it."""
    lines, errors = read_lines(path.read_bytes())
    if errors:
        return ImportResult(errors=tuple(errors))
    checked = imports.check_rows(lines)
    errors = list(checked.errors)

    in_use = _references_in_use([(row.get("reference") or "").strip() for _, row in lines])
    new = [(line, row) for line, row in checked.rows if row.reference not in in_use]
    teams = {
        name.strip().casefold(): team_id
        for team_id, name in db.session.execute(sa.select(Team.id, Team.name))
    }
    categories = {
        slug: category_id
        for slug, category_id in db.session.execute(sa.select(Category.slug, Category.id))
    }

    # Teams are checked on every line not already imported, good or bad, so one run
    # lists every unknown team.
    to_create: dict[str, str] = {}
    for line, raw in lines:
        team = (raw.get("team") or "").strip()
        # A name too long for any team is already an error of the row's own.
        if not team or team.casefold() in teams or len(team) > imports.TEAM_NAME_LENGTH:
            continue
        if (raw.get("reference") or "").strip() in in_use:
            continue
        if create_teams:
            to_create.setdefault(team.casefold(), team)
        else:
            errors.append(
                LineError(
                    line,
                    f"team {imports.quoted(team)} is not a team in the portal "
                    "(use --create-teams to create it)",
                )
            )
    for line, row in new:
        if row.category and row.category not in categories:
            errors.append(
                LineError(
                    line, f"category {imports.quoted(row.category)} is not set up in the portal"
                )
            )
    if errors:
        return ImportResult(errors=tuple(sorted(errors, key=lambda error: error.line)))

    teams |= _create_teams(to_create)
    db.session.add_all(
        _past_case(row, teams=teams, categories=categories, file_name=path.name) for _, row in new
    )
    result = ImportResult(
        imported=len(new), already_there=len(checked.rows) - len(new), teams_created=len(to_create)
    )
    if result.imported or result.teams_created:
        audit.record(
            "past_cases_imported",
            staff=None,
            detail={
                "file": path.name,
                "imported": result.imported,
                "already_there": result.already_there,
                "teams_created": result.teams_created,
            },
        )
    db.session.commit()
    return result


def read_lines(raw: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[LineError]]:
    """The file's rows as {column: text} with the line each starts on, or why it cannot be
    read as CSV. Blank rows (a spreadsheet's trailing empty lines) are left out."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [], [LineError(line, "the file is not UTF-8 text (save it as CSV UTF-8)")]
    reader = csv.reader(io.StringIO(text, newline=""))
    lines: list[tuple[int, dict[str, str]]] = []
    errors: list[LineError] = []
    try:
        header = next(reader, None)
        if not header or not any(name.strip() for name in header):
            return [], [LineError(1, "the header row is missing")]
        names, errors = imports.header_columns(header)
        if errors:
            return [], errors
        # A row's own line is the one after where the last row ended (a quoted value
        # may run over several lines).
        ended = reader.line_num
        for cells in reader:
            line, ended = ended + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(names):
                errors.append(
                    LineError(line, f"{len(cells)} values, but the header has {len(names)} columns")
                )
                continue
            lines.append((line, dict(zip(names, cells, strict=True))))
    except csv.Error as error:
        errors.append(LineError(reader.line_num, f"cannot be read as CSV ({error})"))
    return lines, errors


def _references_in_use(references: Iterable[str]) -> set[str]:
    """Which of these references are already in past_cases or used by a live case."""
    wanted = sorted({reference for reference in references if reference})
    found: set[str] = set()
    for start in range(0, len(wanted), _LOOKUP_BATCH):
        batch = wanted[start : start + _LOOKUP_BATCH]
        found.update(
            db.session.scalars(sa.select(PastCase.reference).where(PastCase.reference.in_(batch)))
        )
        found.update(
            db.session.scalars(
                sa.select(Submission.reference).where(Submission.reference.in_(batch))
            )
        )
    return found


def _create_teams(names: dict[str, str]) -> dict[str, int]:
    """A team for each name the old system used that the portal lacks: inactive (no case
    can be sent to it), hidden from the public and with no inbox, until the complaints
    manager fills it in; it still names its past cases in the report."""
    last = db.session.scalar(sa.select(sa.func.max(Team.sort_order))) or 0
    created = {}
    for order, (key, name) in enumerate(names.items(), start=last + 1):
        team = Team(
            name=name,
            public_name=name,
            inbox_email="",
            is_active=False,
            shown_to_public=False,
            sort_order=order,
        )
        db.session.add(team)
        created[key] = team
    db.session.flush()
    return {key: team.id for key, team in created.items()}


def _past_case(
    row: PastCaseRow, *, teams: dict[str, int], categories: dict[str, int], file_name: str
) -> PastCase:
    return PastCase(
        reference=row.reference,
        kind=row.kind,
        received_on=row.received_on,
        submitter_role=row.submitter_role,
        team_id=teams[row.team.casefold()] if row.team else None,
        category_id=categories[row.category] if row.category else None,
        stage_reached=row.stage_reached,
        outcome=row.outcome,
        acknowledged_on=row.acknowledged_on,
        stage1_responded_on=row.stage1_responded_on,
        stage1_extended=row.stage1_extended,
        stage2_cost_pence=row.stage2_cost_pence,
        ombudsman=row.ombudsman,
        imported_from=file_name,
    )
