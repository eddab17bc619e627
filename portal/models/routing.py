import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from portal.models import Model


class RoutingRule(Model):
    """One routing rule, edited by the complaints manager (portal/domain/routing.py
    evaluates them in `position` order; the first that matches wins)."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(120))
    is_active: Mapped[bool] = mapped_column(default=True)
    kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    chosen_team_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    words: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    procedure: Mapped[str | None] = mapped_column(sa.String(30))
    # Moved on by each save of the rule (services/routing_rules.save_rule), not by a move
    # up or down: the database refuses a save of a stale copy. Its order is not what the
    # edit page shows, so reordering does not refuse a manager editing the rule.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class Category(Model):
    """A type of complaint (domain.md, "Categories"): ten national ones by default."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)


submission_categories = sa.Table(
    "submission_categories",
    Model.metadata,
    sa.Column("submission_id", sa.ForeignKey("submissions.id"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("categories.id"), primary_key=True),
)


class RoutingMark(Model):
    """A random token that changes in the same transaction as any change to the teams or
    the routing rules (the listeners below), so that every worker process can keep what
    it read of them until the token it reads is another (services/routing_data.py)."""

    __tablename__ = "routing_marks"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(sa.String(32))


ROUTING_MARK_ID = 1
# What the public's team choices, routing and a submission's messages read.
MARKED_TABLES = frozenset({"teams", "routing_rules"})


def move_routing_mark(session: Session) -> None:
    """A new token, in the session's transaction: it commits with the change or not."""
    bind = session.get_bind()
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    token = secrets.token_hex(16)
    session.execute(
        insert(RoutingMark)
        .values(id=ROUTING_MARK_ID, token=token)
        .on_conflict_do_update(index_elements=["id"], set_={"token": token})
    )
    session.info.pop("routing_data", None)
    session.info.pop("routing_mark", None)


@sa.event.listens_for(Session, "before_flush")
def _teams_or_rules_changed(session: Session, context: Any, instances: Any) -> None:
    for changed in (*session.new, *session.dirty, *session.deleted):
        if getattr(changed, "__tablename__", None) not in MARKED_TABLES:
            continue
        if changed in session.dirty and not session.is_modified(changed):
            continue
        with session.no_autoflush:
            move_routing_mark(session)
        return


@sa.event.listens_for(Session, "do_orm_execute")
def _teams_or_rules_changed_in_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    if getattr(state.bind_mapper.local_table, "name", None) in MARKED_TABLES:
        with state.session.no_autoflush:
            move_routing_mark(state.session)
