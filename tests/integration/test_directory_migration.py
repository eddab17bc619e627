"""The migration that lets staff sign in with the council's directory (99e9d502e329):
every account already there keeps its password, is linked to nobody and is not
break-glass; an account can then be linked to one person at a provider, and no two
accounts to the same one; the downgrade drops the links and keeps the accounts. On
SQLite and, with DATABASE_URL, on PostgreSQL."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from portal.extensions import db

BEFORE = "c4a9e2d71f03"  # the revision before: every account signs in with its password
NEW_COLUMNS = {"oidc_issuer", "oidc_subject", "break_glass"}
ISSUER = "https://login.microsoftonline.com/tenant/v2.0"


@pytest.fixture
def own_database(
    portal_on_its_own_database: Callable[[str], AbstractContextManager[Flask]],
) -> Iterator[Flask]:
    with portal_on_its_own_database("directory") as app:
        yield app


def columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("staff")}


def accounts() -> list[tuple[object, ...]]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.text("SELECT email, name, password_hash, role FROM staff ORDER BY email")
        )
    ]


def an_account_as_before(email: str) -> None:
    db.session.execute(
        sa.text(
            "INSERT INTO staff (email, name, password_hash, role, is_active_account, "
            "failed_sign_ins, created_at, session_version, recovery_code_hashes) VALUES "
            "(:email, 'Pat', 'scrypt:hash', 'manager', :yes, 0, '2026-12-01 09:00:00', 1, '[]')"
        ),
        {"email": email, "yes": True},
    )
    db.session.commit()


def link(email: str, subject: str) -> None:
    db.session.execute(
        sa.text("UPDATE staff SET oidc_issuer = :i, oidc_subject = :s WHERE email = :e"),
        {"i": ISSUER, "s": subject, "e": email},
    )
    db.session.commit()


def test_accounts_keep_their_passwords_and_the_downgrade_keeps_the_accounts(
    own_database: Flask,
) -> None:
    db.session.remove()
    downgrade(revision=BEFORE)
    assert not NEW_COLUMNS & columns()
    an_account_as_before("pat@northmoor.example")
    an_account_as_before("sam@northmoor.example")
    before = accounts()

    db.session.remove()
    upgrade()
    assert columns() >= NEW_COLUMNS
    assert accounts() == before
    assert [
        (issuer, subject, bool(glass))
        for issuer, subject, glass in db.session.execute(
            sa.text("SELECT oidc_issuer, oidc_subject, break_glass FROM staff")
        )
    ] == [(None, None, False), (None, None, False)]

    link("pat@northmoor.example", "subject-1")
    # One account for each person at the provider.
    with pytest.raises(sa.exc.IntegrityError):
        link("sam@northmoor.example", "subject-1")
    db.session.rollback()
    link("sam@northmoor.example", "subject-2")

    db.session.remove()
    downgrade(revision=BEFORE)
    assert not NEW_COLUMNS & columns()
    assert accounts() == before
    db.session.remove()
    upgrade()
    assert accounts() == before
