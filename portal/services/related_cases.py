"""Cases linked to each other (docs/casework.md, "Related cases and duplicates"): two
cases about connected matters, read both ways with why; and a duplicate (the same person
complaining twice, through two channels) merged into the case kept. A merge closes the
duplicate, "merged into" the kept case, and deletes nothing: its submission, trail,
notes and documents stay, reachable from the kept case's page. The annual report counts
the pair once (models/related.py `merged_duplicates`). Only a case the member of staff
may see can be linked or merged (services/cases.py `visible_to`)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from portal.domain import stages
from portal.domain.access import Permission
from portal.domain.stages import Move
from portal.extensions import db
from portal.models import Case, CaseLink, Staff, Submission
from portal.models.related import DUPLICATE, RELATED
from portal.services import audit, cases, clock
from portal.services.common import check_version, require


class LinkRefused(ValueError):
    """A link or a merge that cannot be made; the message says why."""


def _other(staff: Staff, case: Submission, reference: str) -> Submission:
    """The case named, if this member of staff may see it (a case they may not see is
    answered as one that does not exist)."""
    other = cases.find(staff, reference.strip().upper())
    if other is None:
        raise LinkRefused("There is no case with that reference that you can see")
    if other.id == case.id:
        raise LinkRefused("Enter the reference of another case")
    return other


def _linked(one: int, two: int, kind: str) -> bool:
    return (
        db.session.scalar(
            sa.select(CaseLink.id).where(
                CaseLink.kind == kind,
                sa.or_(
                    sa.and_(CaseLink.submission_id == one, CaseLink.other_submission_id == two),
                    sa.and_(CaseLink.submission_id == two, CaseLink.other_submission_id == one),
                ),
            )
        )
        is not None
    )


def link(staff: Staff, case: Submission, *, reference: str, note: str) -> Submission:
    """Link two cases as related, with why; both trails record it. Returns the other."""
    require(staff, Permission.WORK_CASES)
    if not note.strip():
        raise LinkRefused("Enter why the cases are related")
    other = _other(staff, case, reference)
    if _linked(case.id, other.id, RELATED):
        raise LinkRefused(f"{case.reference} and {other.reference} are already linked")
    db.session.add(
        CaseLink(
            submission_id=case.id,
            other_submission_id=other.id,
            kind=RELATED,
            note=note.strip(),
            staff_id=staff.id,
        )
    )
    audit.record("case_linked", staff=staff, submission=case, detail={"with": other.reference})
    audit.record("case_linked", staff=staff, submission=other, detail={"with": case.reference})
    db.session.commit()
    return other


def merged_into(case: Submission) -> Submission | None:
    """The case this one was merged into, if it is a duplicate."""
    return db.session.scalar(
        sa.select(Submission)
        .join(CaseLink, CaseLink.other_submission_id == Submission.id)
        .where(CaseLink.submission_id == case.id, CaseLink.kind == DUPLICATE)
    )


def merge(
    staff: Staff,
    duplicate: Submission,
    *,
    into: str,
    note: str,
    version: int,
    today: date,
) -> Submission:
    """Merge `duplicate` into the case `into` names (the case kept): the duplicate is
    closed, its outcome "merged into" the kept case, and linked to it; nothing of either
    is deleted. Refused: a case into itself, into a case already merged into another, a
    case already merged, or a merge that would make a circle. Returns the case kept."""
    require(staff, Permission.WORK_CASES)
    check_version(duplicate, version)
    if not note.strip():
        raise LinkRefused("Enter why this case is a duplicate")
    if into.strip().upper() == duplicate.reference:
        raise LinkRefused("A case cannot be merged into itself")
    kept = _other(staff, duplicate, into)
    already = merged_into(duplicate)
    if already is not None:
        raise LinkRefused(f"{duplicate.reference} has already been merged into {already.reference}")
    onwards = merged_into(kept)
    if onwards is not None:
        raise LinkRefused(
            f"{kept.reference} has been merged into {onwards.reference}: "
            f"merge into {onwards.reference} instead"
        )
    if _circle(duplicate, kept):
        raise LinkRefused(f"{kept.reference} was merged into this case: that would be a circle")
    was = clock.progress_of(duplicate)
    row = duplicate.case
    before = {"stage": row.stage, "closed_on": row.closed_on, "next_due_on": row.next_due_on}
    if stages.current_stage(was) is not stages.Stage.CLOSED:
        # Closed as a move of the procedure would be, its running clock stopped; but
        # nobody is asked about its handling: the kept case carries the complaint on.
        owed_before = clock.owed(duplicate, progress=was)
        progress = stages.apply_move(was, Move.CLOSE, today)
        row.closed_on = progress.closed_on
        clock.refresh_due(duplicate)
        clock.after_move(duplicate, Move.CLOSE, today, staff, was, owed_before, {})
    db.session.add(
        CaseLink(
            submission_id=duplicate.id,
            other_submission_id=kept.id,
            kind=DUPLICATE,
            note=note.strip(),
            staff_id=staff.id,
        )
    )
    audit.record(
        "duplicate_merged_in", staff=staff, submission=kept, detail={"from": duplicate.reference}
    )
    clock.save_change(
        staff,
        duplicate,
        "merged_into",
        before,
        {"into": kept.reference, "outcome": f"Merged into {kept.reference}"},
    )
    return kept


def _circle(duplicate: Submission, kept: Submission) -> bool:
    """The kept case is, through a chain of merges, merged into the duplicate already."""
    seen: set[int] = set()
    current: Submission | None = kept
    while current is not None and current.id not in seen:
        if current.id == duplicate.id:
            return True
        seen.add(current.id)
        current = merged_into(current)
    return False


@dataclass(frozen=True)
class Linked:
    """A case linked to the one on the page, as its page shows it."""

    reference: str
    kind: str  # related, merged_into (this case is the duplicate), merged_here
    note: str
    who: str | None
    at: datetime


def _side(here: Any, other: Any, case: Submission, *, outwards: bool) -> sa.Select[Any]:
    """The links with `case` on one side (`here`), naming the case on the other."""
    return sa.select(
        CaseLink.kind,
        other.label("other_id"),
        CaseLink.note,
        CaseLink.staff_id,
        CaseLink.linked_at,
        sa.literal(outwards).label("outwards"),
    ).where(here == case.id)


def linked_to(staff: Staff, case: Submission) -> list[Linked]:
    """The cases linked to `case` that this member of staff may see, either way round,
    newest first: related cases, the case it was merged into, the duplicates merged
    into it."""
    links = sa.union_all(
        _side(CaseLink.submission_id, CaseLink.other_submission_id, case, outwards=True),
        _side(CaseLink.other_submission_id, CaseLink.submission_id, case, outwards=False),
    ).subquery()
    rows = db.session.execute(
        sa.select(
            links.c.kind,
            links.c.note,
            links.c.linked_at,
            links.c.outwards,
            Submission.reference,
            Staff.name,
        )
        .join(Submission, Submission.id == links.c.other_id)
        .join(Case, Case.submission_id == Submission.id)
        .outerjoin(Staff, Staff.id == links.c.staff_id)
        .where(cases.visible_to(staff))
        .order_by(links.c.linked_at.desc())
    ).all()
    found = []
    for kind, note, at, outwards, reference, who in rows:
        if kind == DUPLICATE:
            kind = "merged_into" if outwards else "merged_here"
        found.append(Linked(reference, kind, note, who, at))
    return found
