"""Creating the archive schema and upgrading an older one, recorded in ``schema_version``.

A migration is a function upgrading version ``n`` to ``n + 1``, registered in
``MIGRATIONS[n]``; it alters existing tables. Tables that are new in a version need no
migration: ``create_all`` adds any missing table after the migrations ran. The full-text
table is the exception: it is dialect-specific DDL outside the models, and an older
archive's articles must be indexed, so version 2 adds and fills it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, inspect, select, text, update

from crawler.archive import dialect, search
from crawler.archive.errors import ArchiveError
from crawler.archive.models import Article, Base, SchemaVersion
from crawler.archive.records import alias_fingerprint, utc_now

SCHEMA_VERSION = 3

Migration = Callable[[Connection], None]


def _add_search_index(conn: Connection) -> None:
    """1 -> 2: the full-text table, filled from the articles already archived."""
    search.create(conn)
    search.backfill(conn)


def _add_body_hash(conn: Connection) -> None:
    """2 -> 3: articles.body_hash, indexed and filled from the stored records, by which a
    second URL of an archived article is recognised (the aliases table is new: create_all
    makes it)."""
    columns = {column["name"] for column in inspect(conn).get_columns(Article.__tablename__)}
    if "body_hash" not in columns:
        conn.execute(text("ALTER TABLE articles ADD COLUMN body_hash VARCHAR(64)"))
    indexes = {index["name"] for index in inspect(conn).get_indexes(Article.__tablename__)}
    for index in Base.metadata.tables[Article.__tablename__].indexes:
        if index.name not in indexes:
            index.create(conn)
    # Streamed (a server-side cursor on PostgreSQL): only the hashes are held, not the records.
    rows = conn.execute(
        select(Article.id, Article.record)
        .where(Article.body_hash.is_(None))
        .execution_options(stream_results=True, max_row_buffer=500)
    )
    hashes = [
        {"row_id": row_id, "hash": digest}
        for row_id, text_ in rows
        if (digest := alias_fingerprint(_loaded(text_)))
    ]
    if hashes:
        conn.execute(
            update(Article)
            .where(Article.id == bindparam("row_id"))
            .values(body_hash=bindparam("hash")),
            hashes,
        )


def _loaded(record: str) -> dict[str, Any]:
    try:
        data = json.loads(record)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


MIGRATIONS: dict[int, Migration] = {1: _add_search_index, 2: _add_body_hash}


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
