"""The archive's tables, as typed SQLAlchemy declarative models.

Time stamps are ISO 8601 UTC strings (see ``records.utc_now``); records, run arguments and
stats are JSON text, so the schema is the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

FAILURE_STAGES = ("fetch", "decode", "extract", "validate", "store")
ARTICLE_STATUSES = ("ok", "gone")

Stamp = String(40)  # ISO 8601, e.g. 2024-05-01T12:00:00+00:00
Hash = String(64)  # sha256 hex digest


class Base(DeclarativeBase):
    """Declarative base holding the archive's metadata (and nothing else's)."""


class SchemaVersion(Base):
    """One row per applied schema version; the highest is the database's version.

    Its presence is also what marks a database as a report-archiver archive.
    """

    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    applied_at: Mapped[str] = mapped_column(Stamp)


class CrawlRun(Base):
    """One crawl (one spider run on one worker): what was asked, how it ended, its stats."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    args: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    started_at: Mapped[str] = mapped_column(Stamp)
    finished_at: Mapped[str | None] = mapped_column(Stamp)  # null: still running or crashed
    finish_reason: Mapped[str | None] = mapped_column(String(200))
    stats: Mapped[str | None] = mapped_column(Text)  # JSON object of Scrapy stats
    worker: Mapped[str | None] = mapped_column(String(200))


class Article(Base):
    """The current record of one article, one row per canonical URL."""

    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint(f"status IN {ARTICLE_STATUSES!r}", name="ck_articles_status"),
        Index("ix_articles_site", "site"),
        Index("ix_articles_last_changed", "last_changed"),
        Index("ix_articles_body_hash", "body_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    site: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(Stamp)
    record: Mapped[str] = mapped_column(Text)  # the full record as JSON
    content_hash: Mapped[str] = mapped_column(Hash)
    # Title and body alone (records.alias_fingerprint): finds the same article under another
    # URL of its site. Null where the body is too short to tell one article from another.
    body_hash: Mapped[str | None] = mapped_column(Hash)
    extractor_version: Mapped[str | None] = mapped_column(String(100))
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[str] = mapped_column(Stamp)
    last_seen: Mapped[str] = mapped_column(Stamp)
    last_changed: Mapped[str] = mapped_column(Stamp)
    # How many saves hit this row; the upsert reads it back to tell "new" (1) from the
    # rest in the same statement, without a racy read-before-write.
    times_seen: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="ok")
    # HTTP validators of the first page, for conditional re-fetches.
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)


class ArticleAlias(Base):
    """Another URL that served an archived article's title and body: the same article reached
    by a second address (http and https, www and bare host, a dynamic and a static URL, a
    mobile mirror), recorded instead of a second article."""

    __tablename__ = "article_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    first_seen: Mapped[str] = mapped_column(Stamp)
    last_seen: Mapped[str] = mapped_column(Stamp)


class ArticleVersion(Base):
    """Every distinct content an article has had, so a change never loses the old text."""

    __tablename__ = "article_versions"
    __table_args__ = (
        UniqueConstraint("article_id", "content_hash", name="uq_article_versions_content"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(Hash)
    record: Mapped[str] = mapped_column(Text)
    seen_at: Mapped[str] = mapped_column(Stamp)  # when this content was first seen
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False)


class Page(Base):
    """Every fetched URL of a run, whatever became of it (the raw-response ledger)."""

    __tablename__ = "pages"
    __table_args__ = (
        Index("ix_pages_url", "url"),
        Index("ix_pages_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    status: Mapped[int | None] = mapped_column(Integer)  # HTTP status
    content_type: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(50))
    size: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(50))  # list / article / continuation …
    fetched_at: Mapped[str] = mapped_column(Stamp)
    article_url: Mapped[str | None] = mapped_column(Text)
    # Where the raw response sits in a WARC file, once responses are archived as WARC.
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(BigInteger)


class Failure(Base):
    """A URL that could not be turned into a stored record, with the stage and the reason."""

    __tablename__ = "failures"
    __table_args__ = (
        CheckConstraint(f"stage IN {FAILURE_STAGES!r}", name="ck_failures_stage"),
        Index("ix_failures_url", "url"),
        Index("ix_failures_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    stage: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(Stamp)


TABLE_NAMES = frozenset(Base.metadata.tables)
