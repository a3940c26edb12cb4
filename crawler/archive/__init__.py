"""The archive database: articles, their versions, fetched pages, crawl runs, failures.

SQLite by default, any SQLAlchemy URL for SQLite or PostgreSQL; see ``open_archive``.
"""

from crawler.archive.db import (
    DEFAULT_DATABASE_URL,
    Archive,
    Outcome,
    database_url,
    existing_archive_url,
    in_memory,
    open_archive,
)
from crawler.archive.errors import ArchiveError, StorageFull
from crawler.archive.models import FAILURE_STAGES
from crawler.archive.records import content_hash, utc_now
from crawler.archive.schema import SCHEMA_VERSION
from crawler.archive.search import SearchHit

__all__ = [
    "DEFAULT_DATABASE_URL",
    "FAILURE_STAGES",
    "SCHEMA_VERSION",
    "Archive",
    "ArchiveError",
    "Outcome",
    "SearchHit",
    "StorageFull",
    "content_hash",
    "database_url",
    "existing_archive_url",
    "in_memory",
    "open_archive",
    "utc_now",
]
