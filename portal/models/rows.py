"""New rows written with Core instead of the ORM's unit of work (issue 19, Send).

The ORM's flush of a new submission, its case and its referral spent most of its time
working out what to write, not writing it (sorting its dependencies, collecting each
row's values, its bookkeeping after each INSERT). `flush_new` writes such rows with
one Core INSERT each, with the values the ORM's flush would write, in the same order,
after the same `before_flush` listeners (what the report counts, the case's version,
the routing mark), and leaves the objects persistent, as after a flush. Anything it does
not know how to write as the ORM would (a change to a row already written, a deletion, a
many-to-many link, a SQL expression as a value, a mapper with its own insert events,
two new rows of one table) is left to the ORM's flush, as before.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import get_state_history
from sqlalchemy.orm.base import PASSIVE_NO_INITIALIZE
from sqlalchemy.orm.interfaces import MANYTOONE, ONETOMANY
from sqlalchemy.orm.state import InstanceState


def flush_new(session: Session) -> None:
    """Flush `session`; when it holds only new rows that `_plain` knows, with Core."""
    states = [sa.inspect(obj) for obj in session.new]
    tables = {state.mapper.local_table for state in states}
    if (
        not states
        or session.dirty
        or session.deleted
        # Two rows of one table: the ORM writes them in one statement on PostgreSQL.
        or len(tables) < len(states)
        or not all(map(_plain, states))
    ):
        session.flush()
        return
    # The flush's listeners are told what a flush would tell them, at the same points.
    session.dispatch.before_flush(session, None, None)
    pending = {id(state) for state in states}
    order = _table_order(states[0].mapper.local_table.metadata)
    states.sort(key=lambda s: (order[s.mapper.local_table], s.insert_order or 0))
    connection = session.connection()
    # Columns the database filled in (a server default): read when first asked for.
    made_by_the_database = {id(state): _write(connection, state, pending) for state in states}
    # As after a flush, while the rows are still the session's new ones.
    session.dispatch.after_flush(session, None)
    # Persistent as the flush makes them (its own step: keyed, history committed, and
    # taken out again if the transaction rolls back).
    session._register_persistent(set(states))
    for state in states:
        if made_by_the_database[id(state)]:
            session.expire(state.obj(), made_by_the_database[id(state)])
    session.dispatch.after_flush_postexec(session, None)
    # Anything a listener added is the ORM's (nothing does today).
    session.flush()


@cache
def _table_order(metadata: sa.MetaData) -> dict[sa.Table, int]:
    """Each table's place in the order its rows are written: a row before those that
    refer to it, as the ORM orders its INSERTs."""
    return {table: index for index, table in enumerate(metadata.sorted_tables)}


def _plain(state: InstanceState[Any]) -> bool:
    """A new row the ORM would write with one INSERT of its own values: one table, no
    insert events, and links only to rows written before it or after it here."""
    mapper = state.mapper
    if (
        mapper.inherits is not None
        or not isinstance(mapper.local_table, sa.Table)
        or mapper.dispatch.before_insert
        or mapper.dispatch.after_insert
        or state.session_id is None
        or state.key is not None
    ):
        return False
    for prop in mapper.column_attrs:
        if isinstance(state.dict.get(prop.key), sa.ClauseElement):
            return False
    for rel in mapper.relationships:
        if rel.key not in state.dict:
            continue
        history = get_state_history(state, rel.key, PASSIVE_NO_INITIALIZE)
        if history.deleted or history.unchanged:
            return False
        for other in history.added:
            if rel.secondary is not None or rel.mapper is mapper or other is None:
                return False  # a link table, a row of the same table, or a link undone
            other_state = sa.inspect(other)
            if rel.direction is ONETOMANY and other_state.key is not None:
                return False  # a row already written, whose key would change
            if other_state.key is None and other_state.session_id != state.session_id:
                return False  # a new row the session does not hold
    return True


@dataclass(frozen=True)
class _Shape:
    """What writing a mapper's rows needs, worked out once."""

    insert: sa.Insert
    columns: tuple[tuple[str, str, bool], ...]  # attribute, column, stores None as a value
    as_none: tuple[str, ...]  # columns without a default: named with None, as the ORM does
    keys: tuple[str, ...]  # the primary key's attributes
    version: str | None  # the version's column (version_id_col), numbered by the ORM
    first_version: Callable[[Any], Any]
    prefetched: dict[str, str]  # column -> attribute, for defaults worked out in Python
    to_one: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # link, (own, target's)
    to_many: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # link, (own, child's)


@cache
def _shape(mapper: Mapper[Any]) -> _Shape:
    table = mapper.local_table
    assert isinstance(table, sa.Table)
    columns = tuple(
        (prop.key, prop.columns[0].key, prop.columns[0].type.should_evaluate_none)
        for prop in mapper.column_attrs
        if getattr(prop.columns[0], "table", None) is table
    )
    as_none = tuple(
        column.key
        for column in table.columns
        if not column.primary_key
        and column.default is None
        and column.server_default is None
        and not column.type.should_evaluate_none
    )

    def attribute(owner: Mapper[Any], column: sa.ColumnElement[Any]) -> str:
        return owner.get_property_by_column(column).key

    def links(direction: Any) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        """Each link of `direction`: its name, and (own, the other's) attribute pairs."""
        return tuple(
            (
                rel.key,
                tuple(
                    (attribute(mapper, local), attribute(rel.mapper, remote))
                    for local, remote in rel.local_remote_pairs
                ),
            )
            for rel in mapper.relationships
            if rel.direction is direction
        )

    versioned = mapper.version_id_col is not None and mapper.version_id_generator is not False
    return _Shape(
        insert=sa.insert(table),
        version=mapper.version_id_col.key if versioned else None,  # type: ignore[union-attr]
        first_version=cast(Callable[[Any], Any], mapper.version_id_generator),
        columns=columns,
        as_none=as_none,
        keys=tuple(attribute(mapper, column) for column in table.primary_key.columns),
        prefetched={column: attribute for attribute, column, _ in columns},
        to_one=links(MANYTOONE),
        to_many=links(ONETOMANY),
    )


def _write(connection: sa.Connection, state: InstanceState[Any], pending: set[int]) -> list[str]:
    """One row's INSERT with the values the ORM's flush gives it, and its key and
    defaults put on the object as the flush puts them."""
    mapper, values = state.mapper, state.dict
    shape = _shape(mapper)
    # A link to a row written before this one: its key, as the ORM copies it.
    for link, pairs in shape.to_one:
        target = values.get(link)
        if target is not None:
            for own, theirs in pairs:
                values[own] = getattr(target, theirs)
    params: dict[str, Any] = {}
    for attribute, column, stores_none in shape.columns:
        if attribute in values:
            value = values[attribute]
            # As the ORM: None leaves the column to its default, except for a type that
            # stores None as a value of its own (JSON's null).
            if value is not None or stores_none:
                params[column] = value
    for column in shape.as_none:
        params.setdefault(column, None)
    if shape.version is not None:
        params[shape.version] = shape.first_version(None)  # as the ORM numbers a new row
    result = connection.execute(shape.insert, params)
    for attribute, key in zip(shape.keys, result.inserted_primary_key or (), strict=True):
        values[attribute] = key
    # Defaults worked out in Python (and the version) are the object's, as after a flush;
    # the database's own defaults are read when first asked for.
    prefetched = [column.key for column in result.prefetch_cols() or ()]
    if shape.version is not None:
        prefetched.append(shape.version)
    if prefetched:
        written = cast(dict[str, Any], result.last_inserted_params())
        for column in prefetched:
            if column in shape.prefetched and column in written:
                values[shape.prefetched[column]] = written[column]
    # A link to a row written after this one (its case): this row's key, on it.
    for link, pairs in shape.to_many:
        children = values.get(link)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and id(sa.inspect(child)) in pending:
                for own, theirs in pairs:
                    sa.inspect(child).dict[theirs] = values[own]
    # As the ORM's flush: what the database made (a server default) is expired, so that
    # reading it loads the row's value.
    return [
        shape.prefetched[column.key]
        for column in result.postfetch_cols() or ()
        if column.key in shape.prefetched and shape.prefetched[column.key] not in values
    ]
