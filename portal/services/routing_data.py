"""The teams and the routing rules as Send reads them (the public's choice of team, the
routing, the team's note and the advocacy provider), read once per worker process and
again only when they change (issue 19).

Every change to a team or a rule moves the routing mark on in its own transaction
(`models/routing.py`: the ORM's flushes and bulk statements alike), so a worker reads
the mark, one small row, once per transaction and reads the teams and rules again when
it is not the one it kept: a change staff save applies to the next submission in every
worker. Without the row (a database emptied by hand) nothing is kept.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from portal.domain.routing import Rule
from portal.domain.timescales import Procedure
from portal.extensions import db
from portal.models import RoutingMark, RoutingRule, Team
from portal.models.routing import ROUTING_MARK_ID


@dataclass(frozen=True)
class TeamRow:
    """A team as Send reads it: a plain copy of the row, safe to keep between requests."""

    id: int
    name: str
    public_name: str
    public_description: str
    public_name_cy: str
    public_description_cy: str
    inbox_email: str
    is_active: bool
    is_advocacy_provider: bool
    response_working_days: int
    shown_to_public: bool
    sort_order: int


@dataclass(frozen=True)
class RoutingData:
    token: str | None
    teams: tuple[TeamRow, ...]  # by id
    rules: tuple[Rule, ...]  # the active rules, in the order they are tried
    # The teams the public may choose, in the database's order (its collation).
    public: tuple[TeamRow, ...]

    def team(self, team_id: int | None) -> TeamRow | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def active_team_named(self, name: str) -> TeamRow | None:
        return next((t for t in self.teams if t.name == name and t.is_active), None)


_kept: RoutingData | None = None  # this process's copy


def mark() -> sa.ScalarSelect[str]:
    """The mark, as a column another statement can read beside its own (Send reads it
    with the draft: `note_mark`)."""
    return sa.select(RoutingMark.token).where(RoutingMark.id == ROUTING_MARK_ID).scalar_subquery()


def note_mark(token: str | None) -> None:
    """The mark as a statement of this transaction read it (or, before any began, a read
    outside one: `intake.find_draft_to_show`): `current` need not read it."""
    session = db.session()
    session.info["routing_mark"] = (session.get_transaction(), token)


def current() -> RoutingData:
    """The teams and active rules as the database holds them in this transaction."""
    global _kept
    session = db.session()
    transaction = session.get_transaction()
    memo = session.info.get("routing_data")
    if memo is not None and transaction is not None and memo[0] is transaction:
        return memo[1]  # type: ignore[no-any-return]
    noted = session.info.pop("routing_mark", None)
    # Noted in this transaction, or (None) by a read outside any before one began.
    if noted is not None and noted[0] is transaction:
        token = noted[1]
    else:
        token = session.scalar(sa.select(mark()))
    kept = _kept
    if token is None or kept is None or kept.token != token:
        kept = _read(token)
        if token is not None:
            _kept = kept
    # The mark was read in this transaction (it began, if none had): keep it for the rest.
    session.info["routing_data"] = (session.get_transaction(), kept)
    return kept


def _read(token: str | None) -> RoutingData:
    teams = tuple(
        TeamRow(
            id=t.id,
            name=t.name,
            public_name=t.public_name,
            public_description=t.public_description,
            public_name_cy=t.public_name_cy,
            public_description_cy=t.public_description_cy,
            inbox_email=t.inbox_email,
            is_active=t.is_active,
            is_advocacy_provider=t.is_advocacy_provider,
            response_working_days=t.response_working_days,
            shown_to_public=t.shown_to_public,
            sort_order=t.sort_order,
        )
        for t in db.session.execute(sa.select(*Team.__table__.c).order_by(Team.id))
    )
    public = db.session.scalars(
        sa.select(Team.id)
        .where(Team.is_active, Team.shown_to_public, sa.not_(Team.is_advocacy_provider))
        .order_by(Team.sort_order, Team.public_name)
    )
    by_id = {t.id: t for t in teams}
    rules = db.session.scalars(
        sa.select(RoutingRule)
        .where(RoutingRule.is_active)
        .order_by(RoutingRule.position, RoutingRule.id)
    )
    return RoutingData(
        token, teams, tuple(as_rule(row) for row in rules), tuple(by_id[i] for i in public)
    )


def as_rule(row: RoutingRule) -> Rule:
    return Rule(
        id=row.id,
        name=row.name,
        team_id=row.team_id,
        procedure=Procedure(row.procedure) if row.procedure else None,
        kinds=frozenset(row.kinds or []),
        chosen_team_ids=frozenset(int(t) for t in row.chosen_team_ids or []),
        roles=frozenset(row.roles or []),
        age_min=row.age_min,
        age_max=row.age_max,
        words=tuple(row.words or []),
    )
