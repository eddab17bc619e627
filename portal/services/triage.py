"""The triage queue: every open submission, what is owed next and by when."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from portal.domain import complainant_steps
from portal.domain.clock import add_working_days, london_date
from portal.domain.references import whole_references
from portal.domain.stages import ACKNOWLEDGE, Stage, first_response_name
from portal.domain.timescales import acknowledged_late
from portal.extensions import db
from portal.models import Case, Staff, Submission, Task, Team
from portal.models.submission import concern, urgent
from portal.services import audit
from portal.services.cases import visible_to

PAGE_SIZE = 50
# A search that matches at most this many references is asked of the queue as their ids,
# looked up once; one that matches more (a few characters), as the search itself.
MATCHES_LISTED = 1000
DUE_SOON_WORKING_DAYS = 2
# The most rows one export holds (more than any council's open cases).
EXPORT_MOST = 100_000

STATUS_NAMES = {
    # Possible danger nobody has recorded what was done about: its own status, above
    # every due date, and never "On track" (docs/safeguarding-what-happens.md).
    "danger": "Possible danger: not yet looked at",
    "overdue": "Overdue",
    "due_soon": "Due within 2 working days",
    "on_track": "On track",
}


@dataclass
class QueueFilters:
    kind: str = ""
    team_id: int | None = None
    stage: str = ""
    status: str = ""
    reference: str = ""
    page: int = 1
    # "My cases": the open cases assigned to this member of staff (their id).
    assigned_to: int | None = None
    limit: int = PAGE_SIZE  # the export asks for every row at once


@dataclass
class QueueRow:
    reference: str
    version: int
    team_id: int | None
    acknowledged: bool
    urgent: bool
    kind: str
    received_on: date
    next_due_on: date | None
    next_due_what: str | None
    stage: str
    team_name: str | None
    status: str
    flags: list[str]
    concern: bool = False  # a weaker sign, not yet looked at: tagged and sorted next
    signs: list[dict[str, str]] = field(default_factory=list)
    # While the acknowledgement is owed, the statutory step already running beside it.
    also_due_what: str | None = None
    also_due_on: date | None = None
    acknowledged_late: bool = False
    sent_us_something: bool = False  # from the tracking page, waiting for staff


@dataclass
class QueuePage:
    rows: list[QueueRow]
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    page: int = 1
    pages: int = 1


def needs_safeguarding() -> sa.ColumnElement[bool]:
    """Possible danger nobody has recorded what was done about (a condition on cases)."""
    return sa.and_(Case.safeguarding_actioned_at.is_(None), urgent())


def needs_a_look() -> sa.ColumnElement[bool]:
    """A possible concern (a weaker sign) nobody has recorded what was done about."""
    return sa.and_(Case.safeguarding_actioned_at.is_(None), concern())


def due_status(next_due_on: date | None, today: date, soon: date, *, danger: bool = False) -> str:
    if danger:
        return "danger"
    if next_due_on is None:
        return "on_track"
    if next_due_on < today:
        return "overdue"
    if next_due_on <= soon:
        return "due_soon"
    return "on_track"


def status_is(name: str, today: date, soon: date) -> sa.ColumnElement[bool]:
    """`due_status` as a range of due dates, which the open-cases index answers."""
    due = Case.next_due_on
    if name == "danger":
        return needs_safeguarding()
    calm = sa.not_(needs_safeguarding())
    if name == "overdue":
        return sa.and_(calm, due < today)
    if name == "due_soon":
        return sa.and_(calm, due >= today, due <= soon)
    return sa.and_(calm, sa.or_(due > soon, due.is_(None)))


def reference_matches(typed: str) -> sa.ColumnElement[bool]:
    """The cases whose submission's reference is the one typed: a whole reference, however
    it was typed, finds that case (the unique index answers it); anything else finds the
    references that contain it, in any case, which on PostgreSQL the trigram index
    ix_submissions_reference_trgm answers. A condition on cases: the submissions that match
    are looked up first (once), then their cases."""
    whole = whole_references(typed)
    if whole:
        ids = list(
            db.session.scalars(sa.select(Submission.id).where(Submission.reference.in_(whole)))
        )
        if ids:
            return Case.submission_id.in_(ids)
    # What is typed is text to find, not a pattern: "%" and "_" match only themselves.
    # ILIKE rather than lower() LIKE, which the trigram index could not serve.
    text = typed.strip().replace("/", "//").replace("%", "/%").replace("_", "/_")
    found = Submission.reference.ilike(f"%{text}%", escape="/")
    # Looked up once, not again by each of the queue's statements.
    ids = list(db.session.scalars(sa.select(Submission.id).where(found).limit(MATCHES_LISTED + 1)))
    if len(ids) <= MATCHES_LISTED:
        return Case.submission_id.in_(ids)
    return Case.submission_id.in_(sa.select(Submission.id).where(found))


def queue(staff: Staff, filters: QueueFilters, *, today: date) -> QueuePage:
    soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    status = sa.case(
        (needs_safeguarding(), "danger"),
        (Case.next_due_on < today, "overdue"),
        (Case.next_due_on <= soon, "due_soon"),
        else_="on_track",
    )
    # Conditions on cases alone: the counts and the page's ids read the open-cases index.
    conditions = [Case.stage != Stage.CLOSED.value, visible_to(staff)]
    if filters.kind:
        conditions.append(Case.kind == filters.kind)
    if filters.team_id:
        conditions.append(Case.team_id == filters.team_id)
    if filters.stage:
        conditions.append(Case.stage == filters.stage)
    if filters.reference.strip():
        conditions.append(reference_matches(filters.reference))
    if filters.assigned_to is not None:
        conditions.append(Case.assigned_staff_id == filters.assigned_to)

    counts = {name: 0 for name in STATUS_NAMES}
    for name, count in db.session.execute(
        sa.select(status, sa.func.count()).select_from(Case).where(*conditions).group_by(status)
    ):
        counts[name] = count
    if filters.status in STATUS_NAMES:
        conditions.append(status_is(filters.status, today, soon))
    total = counts[filters.status] if filters.status in STATUS_NAMES else sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    ids = _page_ids(conditions, offset=(page - 1) * PAGE_SIZE, limit=filters.limit)
    return QueuePage(
        rows=_rows(ids, today, soon),
        counts=counts,
        total=total,
        page=page,
        pages=pages,
    )


def export(staff: Staff, filters: QueueFilters, *, today: date) -> list[QueueRow]:
    """Every row of the queue as this person sees it with these filters, in its order,
    for the CSV export; recorded in the audit trail (the filters and how many rows)."""
    everything = QueueFilters(**{**vars(filters), "page": 1, "limit": EXPORT_MOST})
    rows = queue(staff, everything, today=today).rows
    audit.record(
        "queue_exported",
        staff=staff,
        detail={
            "filters": {
                name: value
                for name, value in vars(filters).items()
                if name not in ("page", "limit") and value not in ("", None)
            },
            "rows": len(rows),
        },
    )
    db.session.commit()
    return rows


def _rows(ids: list[int], today: date, soon: date) -> list[QueueRow]:
    """The rows of these cases, in this order (read a thousand at a time)."""
    by_id = {}
    for first in range(0, len(ids), 1000):
        chunk = ids[first : first + 1000]
        for row in db.session.execute(
            _row_columns().add_columns(Submission.id).where(Submission.id.in_(chunk))
        ):
            by_id[row[-1]] = row
    return [_row(by_id[i], today, soon) for i in ids if i in by_id]


def _page_ids(
    conditions: list[sa.ColumnElement[bool]], *, offset: int, limit: int = PAGE_SIZE
) -> list[int]:
    """The ids of one page, in queue order: possible danger on top until someone records
    what was done, then possible concerns, then by due date, nothing due last. A query
    for each, each reading the open-cases index (ix_cases_open_queue) in its own order,
    rather than one that sorts every open case for each page. The first two are few
    (every one of them is listed before the rest). The ids are the submissions'."""
    in_order = (Case.next_due_on.asc().nulls_last(), Case.submission_id)
    on_top: list[int] = []
    for group in (needs_safeguarding(), needs_a_look()):
        on_top += db.session.scalars(
            sa.select(Case.submission_id).where(*conditions, group).order_by(*in_order)
        )
    ids = on_top[offset : offset + limit]
    if len(ids) < limit:
        ids += db.session.scalars(
            sa.select(Case.submission_id)
            .where(*conditions, sa.not_(needs_safeguarding()), sa.not_(needs_a_look()))
            .order_by(*in_order)
            .offset(max(0, offset - len(on_top)))
            .limit(limit - len(ids))
        )
    return ids


def _row_columns() -> Any:  # a Select of the queue columns, submissions joined to cases
    return (
        sa.select(
            Submission.reference,
            Case.kind,
            Submission.received_on,
            Case.next_due_on,
            Case.next_due_what,
            Case.stage,
            Team.name,
            Submission.flags,
            Case.version,
            Case.team_id,
            Case.acknowledged_at,
            sa.and_(Submission.urgent, Case.safeguarding_actioned_at.is_(None)),
            sa.and_(
                Submission.concern,
                sa.not_(Submission.urgent),
                Case.safeguarding_actioned_at.is_(None),
            ),
            Submission.danger_signs,
            Case.procedure,
            Case.stage1_due,
            Submission.acknowledge_by,
            # Something the person sent from the tracking page, not yet dealt with.
            sa.exists().where(
                Task.submission_id == Submission.id,
                Task.kind == complainant_steps.TASK_KIND,
                Task.done_at.is_(None),
            ),
        )
        .join(Case, Case.submission_id == Submission.id)
        .outerjoin(Team, Team.id == Case.team_id)
    )


def _row(r: Any, today: date, soon: date) -> QueueRow:
    running_beside = r[4] == ACKNOWLEDGE and r[15] is not None
    acknowledged_on = london_date(r[10]) if r[10] is not None else None
    return QueueRow(
        reference=r[0],
        kind=r[1],
        received_on=r[2],
        next_due_on=r[3],
        next_due_what=r[4],
        stage=r[5],
        team_name=r[6],
        status=due_status(r[3], today, soon, danger=bool(r[11])),
        flags=list(r[7] or []),
        version=r[8],
        team_id=r[9],
        acknowledged=r[10] is not None,
        urgent=bool(r[11]),
        concern=bool(r[12]),
        signs=list(r[13] or []) if r[11] or r[12] else [],
        also_due_what=first_response_name(r[14], r[1]) if running_beside else None,
        also_due_on=r[15] if running_beside else None,
        acknowledged_late=acknowledged_late(acknowledged_on, r[16]),
        sent_us_something=bool(r[17]),
    )


def row_for(staff: Staff, reference: str, *, today: date) -> QueueRow | None:
    """One row of the queue, as it is now (after an inline action)."""
    soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    found = db.session.execute(
        _row_columns().where(Submission.reference == reference, visible_to(staff))
    ).first()
    return _row(found, today, soon) if found else None
