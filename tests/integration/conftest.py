"""Integration tests run on a real database; on SQLite they skip the disk flush after
each commit (durability is not under test, and it makes the suite several times faster).
Locking, constraints and transactions are SQLite's own, so nothing else changes."""

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _no_flush_to_disk(connection: Any, record: Any) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous = OFF")
