from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, contains_eager, mapped_column, relationship
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.util import identity_key

from portal.domain.contact_safety import ContactSafety
from portal.domain.responses import overall_outcome
from portal.models import Model
from portal.models.case import CASE_COLUMNS, Case
from portal.models.stage_response import StageResponse

if TYPE_CHECKING:
    from portal.models.case import ComplaintPoint, Lesson
    from portal.models.routing import Category
    from portal.models.team import Team

T = TypeVar("T")


class OnStage(Generic[T]):
    """A column of a stage's row (models/stage_response.py) under the name the case once
    had for it: reading gives `empty` until the stage is reached; writing a value reaches
    the stage (makes its row), which moves the case's version on (`_move_the_version_on`,
    below). Python only: a query joins stage_responses instead."""

    def __init__(self, stage: str, column: str, empty: T) -> None:
        self.stage, self.column, self.empty = stage, column, empty

    @overload
    def __get__(self, case: None, owner: type["Submission"]) -> "OnStage[T]": ...
    @overload
    def __get__(self, case: "Submission", owner: type["Submission"]) -> T: ...
    def __get__(self, case: "Submission | None", owner: type["Submission"]) -> "T | OnStage[T]":
        if case is None:
            return self
        response = case.response(self.stage)
        return self.empty if response is None else getattr(response, self.column)

    def __set__(self, case: "Submission", value: T) -> None:
        response = case.response(self.stage)
        if response is None and value == self.empty:
            return
        if response is not None and getattr(response, self.column) == value:
            return
        setattr(response or case.reach(self.stage), self.column, value)


class OnCase(Generic[T]):
    """A column of the case (models/case.py `Case`) under the name the submission once had
    for it, for Python only: a change moves the case's version on (the case's own row),
    so that a second person saving a stale copy is still refused. A query names the
    case's column (Case.stage) and joins cases: on the class, a bridge refuses to be
    compared, so a query written against it fails instead of comparing nothing."""

    def __init__(self, column: str) -> None:
        self.column = column

    @overload
    def __get__(self, submission: None, owner: type["Submission"]) -> "OnCase[T]": ...
    @overload
    def __get__(self, submission: "Submission", owner: type["Submission"]) -> T: ...
    def __get__(
        self, submission: "Submission | None", owner: type["Submission"]
    ) -> "T | OnCase[T]":
        if submission is None:
            return self
        value: T = getattr(submission.case, self.column)
        return value

    def __set__(self, submission: "Submission", value: T) -> None:
        case = submission.case
        if case is None:
            if value is None:
                return
            case = submission.case = Case()
        if getattr(case, self.column) == value:
            return
        setattr(case, self.column, value)

    def _not_in_a_query(self, other: object) -> bool:
        raise TypeError(
            f"Submission.{self.column} is the case's (a Python bridge): "
            f"a query joins cases and names Case.{self.column}"
        )

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _not_in_a_query
    __hash__ = object.__hash__


class Submission(Model):
    """Anything a person sent through the public form: a complaint, a compliment, a
    request for an advocate or a representation, as they sent it, and what was worked out
    from it on receipt (reference, the dates received and owed, jurisdiction, language,
    the signs of danger and whether they are urgent). Nothing here changes after receipt
    but for a purge. The case worked from it has its own row (`case`, models/case.py),
    made with it and loaded with it in one join: everything staff and the clock change
    (the kind and team it has now, its procedure, stage, assignment, what is due, the
    acknowledgement, the safeguarding action, the outcome dates, legal hold, the
    version). The submission answers to the names of the case's columns queries filter
    on (OnCase bridges, BRIDGED) for Python; the rest are read on the case's row; a
    query joins cases (docs/architecture.md, "The case and the submission"). Personal
    data is in this row, the case's and each stage's (responses: the officers' and
    panel's names, the reasons for more time, the panel's recommendations)."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    submitter_role: Mapped[str] = mapped_column(sa.String(20))
    submitter_name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    contact_preference: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    postal_address: Mapped[str | None] = mapped_column(sa.String(600))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    # Whether it is safe for us to phone, leave a voicemail or send letters (asked of
    # everyone; None: not asked). Every message honours it (portal/domain/contact_safety.py).
    safe_to_phone: Mapped[bool | None]
    safe_to_leave_voicemail: Mapped[bool | None]
    safe_to_send_letters: Mapped[bool | None]

    child_name: Mapped[str | None] = mapped_column(sa.String(200))
    child_date_of_birth: Mapped[date | None]
    child_age: Mapped[int | None]
    child_agreement: Mapped[str | None] = mapped_column(sa.String(30))
    child_reply_preference: Mapped[str | None] = mapped_column(sa.String(30))

    # None means the person was not sure which service: triage decides.
    about_team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    worker_name: Mapped[str | None] = mapped_column(sa.String(200))
    what_happened: Mapped[str] = mapped_column(sa.Text)
    when_it_happened: Mapped[str | None] = mapped_column(sa.String(30))
    event_date: Mapped[date | None]
    put_right: Mapped[str | None] = mapped_column(sa.Text)

    advocacy_answer: Mapped[str | None] = mapped_column(sa.String(30))
    support_needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    interpreter_language: Mapped[str | None] = mapped_column(sa.String(100))
    other_support: Mapped[str | None] = mapped_column(sa.String(500))
    flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Every answer as checked, for the record and for the annual report's audit.
    answers: Mapped[dict[str, Any]]

    # The advocate a child asked us to reply through (the acknowledgement goes there).
    advocate_name: Mapped[str | None] = mapped_column(sa.String(200))
    advocate_email: Mapped[str | None] = mapped_column(sa.String(254))

    # Only a hash: the token itself is in the person's acknowledgement link.
    tracking_token_hash: Mapped[str] = mapped_column(sa.String(64))
    # A hash of the id of the draft it was sent from: Send pressed twice finds this case
    # instead of making a second one (services/intake.py). None for imported cases.
    sent_from_draft: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    received_at: Mapped[datetime] = mapped_column(index=True)
    received_on: Mapped[date] = mapped_column(index=True)  # London local date
    acknowledge_by: Mapped[date]
    acknowledge_by_statutory: Mapped[date | None]
    jurisdiction: Mapped[str] = mapped_column(sa.String(10))
    # The language the person used ("en" or "cy"): every email and letter to them is in it.
    language: Mapped[str] = mapped_column(sa.String(2), server_default="en")

    # Signs that a child may be in danger (docs/safeguarding-what-happens.md), read on
    # receipt. Urgent (an answer of yes or not sure, a precise match, a request to be
    # contacted today): staff are alerted and it tops the queue until someone records what
    # was done (the case's safeguarding_actioned_at). A concern (a weaker match): tagged
    # and sorted next, with no alert. Each sign is kept as {"strength", "sentence" (as
    # written), "why" (plain words), "source" (the page)}.
    urgent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    concern: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    danger_signs: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    # The person's answer to "Do you want us to contact you today?" ("yes" or "no"; None
    # when they were not asked) and the phone number or email address to use.
    contact_today: Mapped[str | None] = mapped_column(sa.String(3))
    contact_today_by: Mapped[str | None] = mapped_column(sa.String(254))

    categories: Mapped[list["Category"]] = relationship(
        secondary="submission_categories", order_by="Category.position"
    )
    points: Mapped[list["ComplaintPoint"]] = relationship(order_by="ComplaintPoint.id")
    lessons: Mapped[list["Lesson"]] = relationship(order_by="Lesson.id")
    # Each stage reached: its dates, extension and response (models/stage_response.py).
    # Loaded with the case (one query for a list of cases): the rules read them every time.
    responses: Mapped[list["StageResponse"]] = relationship(
        order_by="StageResponse.stage", lazy="selectin"
    )
    # The case worked from it (models/case.py), made with it; loaded in the same query.
    # What is recorded one case at a time is read there (submission.case.routing_reason).
    case: Mapped["Case"] = relationship(lazy="joined", innerjoin=True, cascade="all, delete-orphan")

    # --- the case's columns the queue, reports and retention filter on, on its row
    # (models/case.py): bridges under the old names, until their readers read the case ------
    version = OnCase[int]("version")
    kind = OnCase[str]("kind")
    team_id = OnCase[int | None]("team_id")
    procedure = OnCase[str]("procedure")
    routing_rule_id = OnCase[int | None]("routing_rule_id")
    assigned_staff_id = OnCase[int | None]("assigned_staff_id")
    stage = OnCase[str]("stage")
    next_due_on = OnCase[date | None]("next_due_on")
    next_due_what = OnCase[str | None]("next_due_what")
    stage1_due = OnCase[date | None]("stage1_due")
    acknowledged_at = OnCase[datetime | None]("acknowledged_at")
    safeguarding_actioned_at = OnCase[datetime | None]("safeguarding_actioned_at")
    safeguarding_escalated_at = OnCase[datetime | None]("safeguarding_escalated_at")
    accepted_on = OnCase[date | None]("accepted_on")
    resolved_informally_on = OnCase[date | None]("resolved_informally_on")
    withdrawn_on = OnCase[date | None]("withdrawn_on")
    closed_on = OnCase[date | None]("closed_on")
    ombudsman_referred_on = OnCase[date | None]("ombudsman_referred_on")
    ombudsman_decision = OnCase[str | None]("ombudsman_decision")
    thanked_on = OnCase[date | None]("thanked_on")
    legal_hold = OnCase[bool]("legal_hold")
    purged_at = OnCase[datetime | None]("purged_at")

    def __init__(self, **values: Any) -> None:
        # Its case first, so that the bridges below write to it.
        super().__init__(case=values.pop("case", None) or Case(), **values)

    # --- each stage's dates, extension, people and panel, on its row ------------------------
    # Bridges (OnStage) under the case's old names, so that the rules' Progress
    # (services/clock.py), the letters, the templates and the audit trail read them as
    # before. New code reads the stage's row: case.response("stage2").requested_on.
    stage1_extended_on = OnStage[date | None]("stage1", "extended_on", None)
    stage1_extension_reason = OnStage[str | None]("stage1", "extension_reason", None)
    discussion_on = OnStage[date | None]("stage1", "discussion_on", None)  # Wales
    stage1_responded_on = OnStage[date | None]("stage1", "responded_on", None)
    stage2_requested_on = OnStage[date | None]("stage2", "requested_on", None)
    stage2_acknowledged_on = OnStage[date | None]("stage2", "acknowledged_on", None)
    stage2_request_late = OnStage[bool]("stage2", "request_late", False)
    stage2_statement_on = OnStage[date | None]("stage2", "statement_on", None)
    investigators_appointed_on = OnStage[date | None]("stage2", "investigators_appointed_on", None)
    investigating_officer = OnStage[str | None]("stage2", "investigating_officer", None)
    independent_person = OnStage[str | None]("stage2", "independent_person", None)
    stage2_extended_to = OnStage[date | None]("stage2", "extended_to", None)
    stage2_extension_reason = OnStage[str | None]("stage2", "extension_reason", None)
    stage2_adjudicated_on = OnStage[date | None]("stage2", "responded_on", None)
    stage3_requested_on = OnStage[date | None]("stage3", "requested_on", None)
    stage3_request_late = OnStage[bool]("stage3", "request_late", False)
    panel_on = OnStage[date | None]("stage3", "panel_on", None)
    panel_members = OnStage[str | None]("stage3", "panel_members", None)
    panel_report_on = OnStage[date | None]("stage3", "panel_report_on", None)
    panel_recommendations = OnStage[str | None]("stage3", "panel_recommendations", None)
    stage3_responded_on = OnStage[date | None]("stage3", "responded_on", None)

    @property
    def team(self) -> "Team | None":
        """The team the case is with now (the case's)."""
        return self.case.team

    @property
    def contact_safety(self) -> ContactSafety:
        return ContactSafety(
            phone=self.safe_to_phone,
            voicemail=self.safe_to_leave_voicemail,
            letters=self.safe_to_send_letters,
        )

    def response(self, stage: str) -> "StageResponse | None":
        """The row of `stage` ("stage1", "stage2", "stage3"), once the stage is reached."""
        return next((r for r in self.responses if r.stage == stage), None)

    @property
    def responses_made(self) -> list["StageResponse"]:
        """The stages the council has responded at (a stage reached has a row before)."""
        return [r for r in self.responses if r.has_response]

    def reach(self, stage: str) -> "StageResponse":
        """The row of `stage`, made the first time the case reaches it."""
        response = self.response(stage)
        if response is None:
            response = StageResponse(
                stage=stage,
                request_late=False,
                redress_apology=False,
                redress_explanation=False,
                redress_service_review=False,
            )
            self.responses.append(response)
        return response

    @property
    def outcome(self) -> str | None:
        """The case's overall outcome: withdrawn, resolved informally, or the finding of
        the latest stage responded to."""
        return overall_outcome(
            withdrawn=self.withdrawn_on is not None,
            resolved_informally=self.resolved_informally_on is not None,
            findings={r.stage: r.outcome for r in self.responses},
        )

    __table_args__ = (
        # The queue's search for part of a reference (ILIKE '%...%'): trigrams on
        # PostgreSQL (pg_trgm), over every reference (a closed case's stage is the case's,
        # services/triage.py keeps the open ones); on SQLite a plain index of the
        # references, which it scans instead of the table.
        sa.Index(
            "ix_submissions_reference_trgm",
            "reference",
            postgresql_using="gin",
            postgresql_ops={"reference": "gin_trgm_ops"},
        ),
        # The few submissions with signs of danger, which the queue puts on top (and the
        # safeguarding sweep reads): found without reading every submission. On
        # PostgreSQL only those few are in it; SQLite, which compares a flag as "urgent =
        # 1" and would then not use an index of "urgent OR concern", has every one.
        sa.Index(
            "ix_submissions_danger",
            "urgent",
            "concern",
            "id",
            postgresql_where=sa.text("urgent OR concern"),
        ),
    )


# The case's columns the submission still answers to (OnCase bridges); the others are read
# on the case's row only.
BRIDGED: tuple[str, ...] = tuple(
    name for name, value in vars(Submission).items() if isinstance(value, OnCase)
)
assert set(BRIDGED) <= set(CASE_COLUMNS)


def row_of(submission: Submission, name: str) -> Any:
    """The row that holds the case's field `name` under the name the trail, the moves and
    retention use: the case's own row for a column with no bridge, else the submission
    (itself, or through a bridge to the case's row or a stage's)."""
    if name in CASE_COLUMNS and name not in BRIDGED:
        return submission.case
    return submission


def with_case() -> "sa.Select[Submission]":
    """Submissions joined to their case, for a query that filters or sorts on the case's
    columns (Case.stage ...): the case is loaded from that join, not joined a second time."""
    return sa.select(Submission).join(Submission.case).options(contains_eager(Submission.case))


def urgent() -> sa.ColumnElement[bool]:
    """The case's submission had urgent signs of danger on receipt: asked of the few such
    submissions (ix_submissions_danger), so that a query over cases needs no join."""
    return Case.submission_id.in_(sa.select(Submission.id).where(Submission.urgent))


def concern() -> sa.ColumnElement[bool]:
    """The case's submission had a weaker sign (a possible concern) and none urgent."""
    return Case.submission_id.in_(
        sa.select(Submission.id).where(Submission.concern, sa.not_(Submission.urgent))
    )


@sa.event.listens_for(Session, "before_flush")
def _move_the_version_on(session: Session, context: Any, instances: Any) -> None:
    """A change to a case's submission (a purge), its categories or a stage's row moves
    the case's version on, as a change to the case's own row does: whichever row a staff
    change lands on, a copy opened before it is refused (version_id_col is the case's)."""
    touched: set[int] = set()
    for changed in (*session.new, *session.dirty, *session.deleted):
        if isinstance(changed, Submission):
            if changed in session.dirty and session.is_modified(changed):
                _touch(changed.case)
        elif isinstance(changed, StageResponse) and changed.submission_id is not None:
            if changed in session.dirty and not session.is_modified(changed):
                continue
            touched.add(changed.submission_id)
    for submission_id in touched:
        found = session.identity_map.get(identity_key(Submission, submission_id))
        case = found.case if isinstance(found, Submission) else None
        if case is None:
            with session.no_autoflush:
                case = session.scalar(sa.select(Case).where(Case.submission_id == submission_id))
        _touch(case)


def _touch(case: Case | None) -> None:
    state = sa.inspect(case) if case is not None else None
    if case is None or state is None or not state.persistent or state.deleted:
        return
    case.stage  # noqa: B018 (loaded, so that it can be flagged)
    flag_modified(case, "stage")


# The case's old names for its stages' columns, each now a bridge to a stage's row.
ON_STAGES: tuple[str, ...] = tuple(
    name for name, value in vars(Submission).items() if isinstance(value, OnStage)
)


class ReferenceCounter(Model):
    """The last reference number given in a year; bumped atomically per submission."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
