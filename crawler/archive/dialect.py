"""Everything that differs between SQLite and PostgreSQL, in one place.

The rest of the archive is portable SQLAlchemy Core; this module supplies the
``INSERT … ON CONFLICT`` statement builder, SQLite's connection set-up (pragmas and
explicit BEGIN so savepoints and transactional DDL work), PostgreSQL's schema lock, and the
test for errors that mean "another writer got in the way, run the transaction again".
"""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

SUPPORTED = ("sqlite", "postgresql")

# Execution option marking a connection that only reads (exports), so SQLite's BEGIN for it
# is DEFERRED and never waits for, or blocks, the writer.
READ_ONLY = "archive_read_only"

SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL advisory lock key serialising schema creation/upgrade across workers.
_SCHEMA_LOCK_KEY = zlib.crc32(b"report-archiver schema")
# SQLSTATEs after which PostgreSQL has rolled the statement back and a retry can succeed:
# deadlock_detected, serialization_failure.
_PG_RETRYABLE = frozenset({"40P01", "40001"})


def insert(dialect_name: str, model: Any) -> sqlite.Insert | postgresql.Insert:
    """An INSERT supporting ``on_conflict_do_nothing/do_update`` and ``.excluded``.

    Both dialects' Insert classes share that API, so callers write one upsert.
    """
    if dialect_name == "postgresql":
        return postgresql.insert(model)
    if dialect_name == "sqlite":
        return sqlite.insert(model)
    raise ValueError(f"unsupported database dialect {dialect_name!r}")


def configure_engine(engine: Engine) -> None:
    """Install per-connection set-up; a no-op for PostgreSQL, which needs none."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (the sqlite3 module's legacy mode would
        # not BEGIN before SAVEPOINT or DDL), then set the pragmas:
        # WAL lets exports read while a crawl writes; NORMAL is crash-safe under WAL;
        # foreign keys are off by default in SQLite; busy_timeout makes a second writer
        # wait for the lock instead of failing at once.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front (IMMEDIATE): a deferred transaction that
        # read first could not upgrade later if another process wrote in between.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def lock_schema(conn: Connection) -> None:
    """Serialise schema set-up between processes opening the same database at once.

    SQLite's BEGIN IMMEDIATE already holds the database lock; PostgreSQL needs an advisory
    lock, released at the end of the transaction.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})


def is_retryable(exc: DBAPIError) -> bool:
    """Whether the error is a concurrency conflict that rolling back and retrying can fix."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate in _PG_RETRYABLE:
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database table is locked" in message


# SQLite primary result codes: SQLITE_IOERR (10, with extended codes above it), SQLITE_FULL (13).
_SQLITE_STORAGE = {10, 13}
# PostgreSQL class 53 (insufficient resources: disk_full 53100) and 58030 (io_error).
_PG_STORAGE_PREFIXES = ("53", "58030")


def is_storage_full(exc: DBAPIError) -> bool:
    """Whether a write failed because the disk is full or failing (no retry helps)."""
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _SQLITE_STORAGE:
        return True
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_PG_STORAGE_PREFIXES):
        return True
    message = str(orig).lower()
    return "disk is full" in message or "disk i/o error" in message
