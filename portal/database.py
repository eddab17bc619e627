"""One declarative base with a naming convention and UTC timestamps."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stored in UTC; always read back as an aware datetime, SQLite included."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime, dict[str, Any]: sa.JSON},
    )


def begin_as_ping(engine: sa.Engine) -> None:
    """PostgreSQL through psycopg: a connection taken from the pool is checked by the
    BEGIN of its transaction, sent at once, instead of `pool_pre_ping`'s SELECT 1 before
    it (one round trip to the database a request instead of two; psycopg sends no BEGIN
    of its own while one is open). A connection that does not answer is dropped and
    another taken, as with `pool_pre_ping`: a restarted database costs no request."""
    from psycopg import pq

    @sa.event.listens_for(engine, "checkout")
    def begin(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        pgconn = dbapi_connection.pgconn
        if dbapi_connection.autocommit or pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return
        try:
            result = pgconn.exec_(b"BEGIN")
        except Exception as error:  # the connection is gone
            raise sa.exc.DisconnectionError() from error
        if result.status != pq.ExecStatus.COMMAND_OK:
            raise sa.exc.DisconnectionError()
