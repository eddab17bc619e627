from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.models import Model


class Staff(UserMixin, Model):  # type: ignore[misc]
    """A member of staff who signs in to the back office, or a child's advocate
    (Role.ADVOCATE: their own pages only, docs/advocates.md)."""

    __tablename__ = "staff"
    # One account for each person of the council's directory (docs/oidc.md).
    __table_args__ = (sa.UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(20))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    # An advocate's organisation (models/advocacy.py), when it is not the advocacy
    # provider's team; shown on their cases and filled in when they file again.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("advocate_organisations.id"))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Every signed-in browser carries the version it signed in with; signing out, a new
    # password, a new role or disabling the account moves it on, and every other copy of
    # the session cookie stops working (portal/backoffice/auth.py).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # A one-time link to set a password (an invitation, or a manager's reset;
    # services/staff_links.py): the SHA-256 of its token and when it stops working.
    # Using it, or sending another, ends it.
    password_link_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    password_link_expires_at: Mapped[datetime | None]

    # The second factor (services/two_factor.py). `totp_secret` is the authenticator app
    # in use, set once a code from it has been confirmed; a new app's secret waits in
    # `totp_pending_secret` until then, so moving to a new phone never leaves the account
    # without one. The last 30-second step accepted stops a code being used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_pending_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_confirmed_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # Keyed hashes of the unused recovery codes; each code works once.
    recovery_code_hashes: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, server_default="[]"
    )

    # Signing in with the council's account (OpenID Connect, services/directory.py): the
    # provider and the person's unchanging id there. An issuer without a subject is an
    # account a complaints manager has said may be linked by its email address at the
    # next sign-in from that provider (`flask staff link-directory`).
    oidc_issuer: Mapped[str | None] = mapped_column(sa.String(500))
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255))
    # With OIDC_ISSUER set, only a break-glass account signs in with the portal's own
    # password and second factor: a complaints manager's, for when the provider is down
    # (`flask staff break-glass`).
    break_glass: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    @property
    def signs_in_with_directory(self) -> bool:
        """Linked to the council's directory: its sign-in is the provider's."""
        return self.oidc_subject is not None

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled account cannot sign in
        return self.is_active_account
