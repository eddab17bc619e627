import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models import Model


class Team(Model):
    """A team in children's services that cases go to (domain.md, "Teams")."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # What the public sees in "what is it about": plain words, no jargon.
    public_name: Mapped[str] = mapped_column(sa.String(120))
    public_description: Mapped[str] = mapped_column(sa.String(300), default="")
    # The same in Welsh, for councils that offer Welsh; empty falls back to English.
    public_name_cy: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    public_description_cy: Mapped[str] = mapped_column(
        sa.String(300), default="", server_default=""
    )
    inbox_email: Mapped[str] = mapped_column(sa.String(254))
    # Told when one of the team's cases misses a deadline; empty: the team inbox is.
    manager_email: Mapped[str | None] = mapped_column(sa.String(254))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_advocacy_provider: Mapped[bool] = mapped_column(default=False)
    # An advocacy provider's contract: working days to accept a referral and make the
    # first contact with the child (domain/referrals.py).
    response_working_days: Mapped[int] = mapped_column(default=1, server_default="1")
    shown_to_public: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    # Moved on by each save of the team's page (services/teams.save_team): the database
    # refuses a save of a stale copy, as a routing rule's.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
