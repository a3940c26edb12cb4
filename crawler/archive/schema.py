"""Creating the archive schema and upgrading an older one, recorded in ``schema_version``.

A migration is a function upgrading version ``n`` to ``n + 1``, registered in
``MIGRATIONS[n]``; it alters existing tables. Tables that are new in a version need no
migration: ``create_all`` adds any missing table after the migrations ran. The full-text
table is the exception: it is dialect-specific DDL outside the models, and an older
archive's articles must be indexed, so version 2 adds and fills it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, func, insert, inspect, select

from crawler.archive import dialect, search
from crawler.archive.errors import ArchiveError
from crawler.archive.models import Base, SchemaVersion
from crawler.archive.records import utc_now

SCHEMA_VERSION = 2

Migration = Callable[[Connection], None]


def _add_search_index(conn: Connection) -> None:
    """1 -> 2: the full-text table, filled from the articles already archived."""
    search.create(conn)
    search.backfill(conn)


MIGRATIONS: dict[int, Migration] = {1: _add_search_index}


def ensure_schema(conn: Connection, where: str) -> int:
    """Create the schema in an empty database or upgrade an older one; return the version.

    Runs inside the caller's transaction, so a failed upgrade leaves the database as it
    was. ``where`` names the database in error messages.
    """
    dialect.lock_schema(conn)
    tables = set(inspect(conn).get_table_names())
    if SchemaVersion.__tablename__ not in tables:
        if tables:
            shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
            raise ArchiveError(
                f"{where} is not a report-archiver archive: it holds other tables "
                f"({shown}) and no schema_version table"
            )
        Base.metadata.create_all(conn)
        search.create(conn)
        _record_version(conn, SCHEMA_VERSION)
        return SCHEMA_VERSION

    current = conn.scalar(select(func.max(SchemaVersion.version)))
    if current is None:
        raise ArchiveError(f"{where}: the schema_version table is empty; not a usable archive")
    if current > SCHEMA_VERSION:
        raise ArchiveError(
            f"{where} has archive schema version {current}, newer than this "
            f"report-archiver supports ({SCHEMA_VERSION}); upgrade report-archiver"
        )
    for version in range(current, SCHEMA_VERSION):
        migration = MIGRATIONS.get(version)
        if migration is None:
            raise ArchiveError(f"{where}: no migration from schema version {version}")
        migration(conn)
        _record_version(conn, version + 1)
    Base.metadata.create_all(conn)  # tables new since the recorded version
    return SCHEMA_VERSION


def _record_version(conn: Connection, version: int) -> None:
    conn.execute(insert(SchemaVersion).values(version=version, applied_at=utc_now()))
