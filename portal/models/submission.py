from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, contains_eager, mapped_column, relationship
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.util import identity_key

from portal.domain.contact_safety import ContactSafety
from portal.domain.responses import overall_outcome
from portal.domain.search import PHONE_SEPARATORS
from portal.models import Model
from portal.models.case import CASE_COLUMNS, Case
from portal.models.ombudsman import OmbudsmanEnquiry, OmbudsmanRemedy
from portal.models.stage_response import STAGE_FIELDS, StageResponse

if TYPE_CHECKING:
    from portal.models.case import ComplaintPoint, Lesson
    from portal.models.routing import Category
    from portal.models.team import Team


class Submission(Model):
    """Anything a person sent through the public form: a complaint, a compliment, a
    request for an advocate or a representation, as they sent it, and what was worked out
    from it on receipt (reference, the dates received and owed, jurisdiction, language,
    the signs of danger and whether they are urgent). Nothing here changes after receipt
    but for a purge, and the signs of danger read in something the person sent later from
    the tracking page, which join them (services/safeguarding.assess_later). The case
    worked from it has its own row (`case`, models/case.py),
    made with it and loaded with it in one join: everything staff and the clock change
    (the kind and team it has now, its procedure, stage, assignment, what is due, the
    acknowledgement, the safeguarding action, the outcome dates, legal hold, the
    version), read and written there (submission.case.stage); each stage's on its row
    (`response`, `stage_row`, `reach`); a query joins cases (docs/architecture.md, "The
    case and the submission"). Personal
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

    received_at: Mapped[datetime] = mapped_column(index=True)  # when the portal recorded it
    # London local date: the day it reached the council, which every clock runs from. For
    # the public form the day it was sent; for one that came another way (a phone call, a
    # letter) the day staff say it came, today or earlier.
    received_on: Mapped[date] = mapped_column(index=True)
    # How it arrived (domain/channels.py): "online" through the public form; the others
    # recorded by a member of staff (`recorded_by_staff_id`).
    channel: Mapped[str] = mapped_column(sa.String(20), default="online", server_default="online")
    recorded_by_staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id"))
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

    def __init__(self, **values: Any) -> None:
        # Every submission has its case, made with it.
        super().__init__(case=values.pop("case", None) or Case(), **values)

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
            response = StageResponse.blank(stage)
            self.responses.append(response)
        return response

    def stage_row(self, stage: str) -> "StageResponse":
        """For reading: the row of `stage`, or before the stage is reached a blank one
        (every date and name empty, nothing late) that is never saved. A change is made
        on `reach(stage)`."""
        return self.response(stage) or StageResponse.blank(stage)

    @property
    def outcome(self) -> str | None:
        """The case's overall outcome: withdrawn, resolved informally, or the finding of
        the latest stage responded to."""
        return overall_outcome(
            withdrawn=self.case.withdrawn_on is not None,
            resolved_informally=self.case.resolved_informally_on is not None,
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


# --- the case search (services/search.py) ---------------------------------------------------
# What is kept, keyed as the search keys what is typed (domain/search.py): the same SQL in
# the indexes below and in the queries, so that both databases use them.


def phone_key(column: Any) -> Any:
    """The phone number without the separators people write (PHONE_SEPARATORS)."""
    for separator in PHONE_SEPARATORS:
        column = sa.func.replace(column, separator, "")
    return column


def postcode_key(column: Any) -> Any:
    """The postcode in capitals without spaces."""
    return sa.func.upper(sa.func.replace(column, " ", ""))


def email_key(column: Any) -> Any:
    return sa.func.lower(column)


def folded(column: Any) -> Any:
    """The text in lower case without its accents, as a name is searched for: the
    database's `portal_fold` (PostgreSQL's `unaccent`, migration 4b8d2f6a9c13; on SQLite
    `domain/characters.folded`, given to each connection by portal/database.py)."""
    return sa.func.portal_fold(column)


# PostgreSQL finds part of a name, or words in what was written, by trigrams (pg_trgm):
# a name folded (`folded`), the words as written. SQLite cannot use an index for
# LIKE '%...%' and reads the table, so it has no index of the folded names, and its copies
# of the others are empty (WHERE 0) rather than a B-tree nothing would read. Words are
# looked for in what was written, what would put it right and the advocate's name and
# email.
for _name, _column in (
    ("ix_submissions_submitter_name_folded", "submitter_name"),
    ("ix_submissions_child_name_folded", "child_name"),
):
    sa.Index(
        _name,
        folded(Submission.__table__.c[_column]).label(_column),
        postgresql_using="gin",
        postgresql_ops={_column: "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")
for _name, _column in (
    ("ix_submissions_what_happened_trgm", "what_happened"),
    ("ix_submissions_put_right_trgm", "put_right"),
    ("ix_submissions_advocate_name_trgm", "advocate_name"),
    ("ix_submissions_advocate_email_trgm", "advocate_email"),
):
    sa.Index(
        _name,
        Submission.__table__.c[_column],
        postgresql_using="gin",
        postgresql_ops={_column: "gin_trgm_ops"},
        sqlite_where=sa.text("0"),
    )
sa.Index("ix_submissions_email_key", email_key(Submission.__table__.c.email))
sa.Index("ix_submissions_phone_key", phone_key(Submission.__table__.c.phone))
sa.Index("ix_submissions_postcode_key", postcode_key(Submission.__table__.c.postcode))
sa.Index("ix_submissions_child_date_of_birth", Submission.__table__.c.child_date_of_birth)


def is_field(name: str) -> bool:
    """Whether `name` is a field of the case that `read_field` reads."""
    return name in STAGE_FIELDS or name in CASE_COLUMNS or name in Submission.__table__.columns


def read_field(submission: Submission, name: str) -> Any:
    """The case's field `name`, as the rules' Progress, the moves, the audit trail and
    retention name it: a stage's column (STAGE_FIELDS; empty before the stage is
    reached), else the case's column, else the submission's own."""
    return _field(submission, name, submission.response)


def read_fields(submission: Submission, names: Iterable[str]) -> dict[str, Any]:
    """`read_field` of each of `names`, the stages' rows found once for all of them (the
    rules read about twenty fields of a case each time they read its progress)."""
    rows: dict[str, StageResponse] = {}
    for reached in submission.responses:
        rows.setdefault(reached.stage, reached)  # the first, as `response` finds it
    return {name: _field(submission, name, rows.get) for name in names}


def _field(
    submission: Submission, name: str, row_of: Callable[[str], "StageResponse | None"]
) -> Any:
    if name in STAGE_FIELDS:
        stage, column = STAGE_FIELDS[name]
        row = row_of(stage)
        return getattr(row, column) if row is not None else _blank_value(stage, column)
    return getattr(submission.case if name in CASE_COLUMNS else submission, name)


@cache
def _blank_value(stage: str, column: str) -> Any:
    """A column of a stage not reached yet, as its blank row holds it: made once, not a
    new row for every field read (the rules read some twenty on every new case)."""
    return getattr(StageResponse.blank(stage), column)


def write_field(submission: Submission, name: str, value: Any) -> None:
    """Set the case's field `name` (named as `read_field` names it) on the row that holds
    it; a stage's row is made (reached) only to hold a value that is not empty. A value
    already there is left alone, so that nothing is changed for nothing."""
    if read_field(submission, name) == value:
        return
    if name in STAGE_FIELDS:
        stage, column = STAGE_FIELDS[name]
        setattr(submission.reach(stage), column, value)
    else:
        setattr(submission.case if name in CASE_COLUMNS else submission, name, value)


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
    """A change to a case's submission (a purge), its categories, a stage's row or the
    ombudsman's enquiry (or a remedy) moves the case's version on, as a change to the
    case's own row does: whichever row a staff change lands on, a copy opened before it
    is refused (version_id_col is the case's)."""
    touched: set[int] = set()
    for changed in (*session.new, *session.dirty, *session.deleted):
        if isinstance(changed, Submission):
            if changed in session.dirty and session.is_modified(changed):
                _touch(changed.case)
        elif (
            isinstance(changed, StageResponse | OmbudsmanEnquiry | OmbudsmanRemedy)
            and changed.submission_id is not None
        ):
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


class ReferenceCounter(Model):
    """The last reference number given in a year; bumped atomically per submission."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
