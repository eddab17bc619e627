"""One declarative base with a naming convention and UTC timestamps."""

import select
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Session, registry

from portal.domain.characters import folded

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


# Set while a connection is taken for reading only (`read_now`, `read_only_from_now`):
# the checkout leaves it outside any transaction instead of beginning one.
_READING_NOW: ContextVar[bool] = ContextVar("reading_now", default=False)
# Every statement a connection taken for reading sends begins with one of these.
_READS = ("SELECT", "WITH")
# The engines whose connections taken for reading are read outside a transaction or
# checked (`watch_connections`); on the others a view reads as any other does.
_READING_APART: "weakref.WeakSet[sa.Engine]" = weakref.WeakSet()


class WriteWhileReading(RuntimeError):
    """A statement that writes, sent on a connection taken only to read (no transaction
    would hold it): a view marked as reading only that writes is a bug, which the tests
    find (`REFUSE_WRITES_WHILE_READING`)."""


@contextmanager
def _reading() -> Iterator[None]:
    """A connection taken from the pool meanwhile is taken for reading only."""
    reading = _READING_NOW.set(True)
    try:
        yield
    finally:
        _READING_NOW.reset(reading)


def read_now(
    engine: sa.Engine, statement: sa.Executable, parameters: Mapping[str, Any]
) -> Sequence[sa.Row[Any]]:
    """The rows of one statement that only reads, read outside any transaction: for a
    page that shows what it reads and writes nothing (issue 19). On PostgreSQL that is
    one round trip, not three (no BEGIN, no ROLLBACK). A connection the database ended
    since its last use is replaced as it is taken (`watch_connections`); one that fails
    the statement is replaced and the statement read once more, so a restarted database
    still costs no request."""
    for attempt in (1, 2):
        try:
            with _reading(), engine.connect() as connection:
                return connection.execute(statement, parameters).all()
        except sa.exc.DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def read_only_from_now(session: Session) -> None:
    """The rest of `session`'s work in this request reads outside any transaction: for
    a view that only shows what it reads (on PostgreSQL each statement is then one round
    trip, with no BEGIN or ROLLBACK around them). A statement that writes on that
    connection is refused (`WriteWhileReading`, in the tests and development). A session
    in a transaction already is left as it is, and so is one whose engine gains nothing
    (SQLite outside the tests: no round trips to save, and taking the connection apart
    costs about 0.08 ms). `stop_reading` ends it, when the request does."""
    if session.in_transaction() or session.get_bind() not in _READING_APART:
        return
    with _reading():
        session.connection()
    session.info["reading_now"] = True


def stop_reading(session: Session) -> None:
    """The connection `read_only_from_now` took given back (its objects read again if
    used after: a test's session outlives a request)."""
    if session.info.pop("reading_now", False):
        session.rollback()


def watch_connections(engine: sa.Engine, *, ping_by_beginning: bool, refuse_writes: bool) -> None:
    """How the portal takes a connection from the pool and gives it back.

    - Reading only (`_READING_NOW`), with `ping_by_beginning`: put in autocommit, which
      psycopg sets without a word to the server; checked without a round trip (a
      connection the server ended, at a restart, has the server's goodbye waiting to be
      read, or is closed); put back out of autocommit when it returns.
    - Otherwise, with `ping_by_beginning` (PostgreSQL through psycopg, `pool_pre_ping`
      asked for): checked by the BEGIN of its transaction, sent at once, instead of
      `pool_pre_ping`'s SELECT 1 before it (one round trip a request instead of two;
      psycopg sends no BEGIN of its own while one is open).
    - With `refuse_writes` (the tests and development: `REFUSE_WRITES_WHILE_READING`), a
      statement that writes on a connection taken for reading is refused. It is a check
      for the portal's own bugs, not a defence: a listener on every statement makes
      SQLAlchemy run its statement events for each one (about 0.1 ms a page), so
      production goes without it.

    A connection that fails its check is dropped and another taken, as with
    `pool_pre_ping`: a restarted database costs no request."""

    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def with_portal_functions(dbapi_connection: Any, record: Any) -> None:
            # PostgreSQL's is made by migration 4b8d2f6a9c13, over `unaccent`.
            dbapi_connection.create_function("portal_fold", 1, _fold, deterministic=True)

    if engine.dialect.driver == "psycopg":

        @sa.event.listens_for(engine, "connect")
        def described_plainly(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.cursor_factory = _plain_description_cursor()

    if ping_by_beginning or refuse_writes:
        _READING_APART.add(engine)

    if ping_by_beginning:

        @sa.event.listens_for(engine, "checkout")
        def checked(dbapi_connection: Any, record: Any, proxy: Any) -> None:
            if _READING_NOW.get():
                _read_outside_transaction(dbapi_connection, record)
            else:
                _begin(dbapi_connection)

        @sa.event.listens_for(engine, "checkin")
        def given_back(dbapi_connection: Any, record: Any) -> None:
            if record.info.pop("autocommit_to_undo", False) and dbapi_connection is not None:
                try:
                    dbapi_connection.autocommit = False
                except Exception:  # the connection broke while reading: not used again
                    record.invalidate()

    if refuse_writes:

        @sa.event.listens_for(engine, "checkout")
        def taken(dbapi_connection: Any, record: Any, proxy: Any) -> None:
            record.info["reading_now"] = _READING_NOW.get()

        @sa.event.listens_for(engine, "before_cursor_execute")
        def refuse_writes_while_reading(
            connection: sa.Connection, cursor: Any, statement: str, *args: Any
        ) -> None:
            reading = connection.info.get("reading_now")
            if reading and not statement.lstrip().upper().startswith(_READS):
                raise WriteWhileReading(statement.split(None, 1)[0])


def _fold(text: str | None) -> str | None:
    """SQLite's `portal_fold`: NULL (a child's own complaint has no child's name) stays
    NULL, as PostgreSQL's (STRICT) does."""
    return None if text is None else folded(text)


def _begin(dbapi_connection: Any) -> None:
    from psycopg import pq

    pgconn = dbapi_connection.pgconn
    if dbapi_connection.autocommit or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return
    try:
        result = pgconn.exec_(b"BEGIN")
    except Exception as error:  # the connection is gone
        raise sa.exc.DisconnectionError() from error
    if result.status != pq.ExecStatus.COMMAND_OK:
        raise sa.exc.DisconnectionError()


def _read_outside_transaction(dbapi_connection: Any, record: Any) -> None:
    from psycopg import pq

    pgconn = dbapi_connection.pgconn
    try:
        # An idle connection has nothing to read: anything there is the server's goodbye
        # (a notice would do too: rare, and it costs only a new connection).
        waiting = bool(select.select([pgconn.socket], [], [], 0)[0])
    except Exception as error:  # closed already
        raise sa.exc.DisconnectionError() from error
    if waiting or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        raise sa.exc.DisconnectionError()
    if not dbapi_connection.autocommit:
        dbapi_connection.autocommit = True
        record.info["autocommit_to_undo"] = True


@cache
def _plain_description_cursor() -> type:
    """psycopg's cursor, its `description` made as the DB-API's plain tuples (name, type
    code, and five None) rather than a `Column` object a column, each of which looks
    up its type's display details the statement's reader never asks for (SQLAlchemy
    reads the name and type code of each; the tracking page's statement has over a
    hundred columns: issue 19)."""
    import psycopg
    from psycopg import pq

    tuples = (
        pq.ExecStatus.TUPLES_OK,
        pq.ExecStatus.SINGLE_TUPLE,
        pq.ExecStatus.TUPLES_CHUNK,
    )

    class PlainDescriptionCursor(psycopg.Cursor[Any]):
        @property
        def description(self) -> list[Any] | None:
            result = self.pgresult
            if not result or not (result.nfields or result.status in tuples):
                return None
            encoding = self.connection.info.encoding
            return [
                (
                    (result.fname(i) or b"").decode(encoding) or f"column_{i + 1}",
                    result.ftype(i),
                    None,
                    None,
                    None,
                    None,
                    None,
                )
                for i in range(result.nfields)
            ]

    return PlainDescriptionCursor
