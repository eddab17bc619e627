import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

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
