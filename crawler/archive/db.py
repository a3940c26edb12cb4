"""Opening an archive database and reading and writing it through the ``Archive`` class."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    String,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    inspect,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from crawler.archive import dialect, schema, search
from crawler.archive.errors import ArchiveError, StorageFull
from crawler.archive.models import (
    FAILURE_STAGES,
    Article,
    ArticleAlias,
    ArticleVersion,
    Base,
    CrawlRun,
    Failure,
    Page,
    SchemaVersion,
)
from crawler.archive.records import (
    alias_fingerprint,
    better_address,
    content_hash,
    record_json,
    same_site,
    utc_now,
)
from crawler.archive.search import SearchHit
from crawler.archive.stats import archive_stats

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite:///data/archive.sqlite"
ENV_DATABASE_URL = "ARCHIVE_DB_URL"

Outcome = Literal["new", "changed", "unchanged", "alias"]
# What _address_lookup's rows are: a known alias's article, one with the same fingerprint,
# the URL's own article.
_ALIAS, _SAME, _SELF = 0, 1, 2
T = TypeVar("T")
Operation = Callable[[Connection], Any]

_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def _redact(raw: str) -> str:
    """A URL string fit for an error message: the password replaced by ***."""
    return _PASSWORD.sub(r"\1***@", raw)


def _shown(url: URL) -> str:
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def database_url(value: str | None = None) -> str:
    """The SQLAlchemy URL for a user-given database: a URL, a plain file path, or nothing.

    A path becomes ``sqlite:///<absolute path>``; nothing means env ``ARCHIVE_DB_URL``, else
    ``sqlite:///data/archive.sqlite`` relative to the working directory. For SQLite the
    parent directory is created here, so that a mistyped path fails now with a message
    naming it rather than later as an opaque "unable to open database file".
    """
    raw = (value or os.environ.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL).strip()
    if "://" in raw:
        try:
            url = make_url(raw)
            url.get_dialect()
        except NoSuchModuleError:
            raise ArchiveError(
                f"unsupported database URL {_redact(raw)!r}: unknown dialect or driver"
            ) from None
        except (ArgumentError, ValueError) as exc:
            raise ArchiveError(f"bad database URL {_redact(raw)!r}: {exc}") from None
    else:
        url = URL.create("sqlite", database=raw)
    if url.get_backend_name() == "sqlite":
        url = _prepare_sqlite_file(url)
    return url.render_as_string(hide_password=False)


def in_memory(url: str | URL) -> bool:
    """Whether a database URL names SQLite's in-memory database, which keeps nothing."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and (parsed.database or "") in ("", ":memory:")


def _prepare_sqlite_file(url: URL) -> URL:
    database = url.database or ""
    if in_memory(url) or database.startswith("file:"):
        return url  # in-memory or URI form: nothing on disk to prepare
    path = Path(database).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    if path.is_dir():
        raise ArchiveError(f"archive path {path} is a directory, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(
            f"cannot create the directory {path.parent} for the archive {path}: "
            f"{exc.strerror or exc}"
        ) from None
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise ArchiveError(f"archive path {path} is not writable")
    return url.set(database=str(path))


SQLITE_HEADER = b"SQLite format 3\x00"


def existing_archive_url(value: str | None = None) -> str:
    """``database_url`` for a tool that only reads: an SQLite file must already be an archive.

    Checked with the sqlite3 module in read-only mode before SQLAlchemy opens it, because
    opening creates a missing or empty file and switches any SQLite file to WAL mode: a
    mistyped path must be reported, not turned into an empty archive or altered.
    """
    raw = (value or os.environ.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL).strip()
    if "://" not in raw:
        database = raw
    elif raw.startswith("sqlite:///"):
        database = raw.removeprefix("sqlite:///").partition("?")[0]
    else:
        return _existing_server_archive(database_url(raw))
    if database in ("", ":memory:") or database.startswith("file:"):
        return database_url(raw)
    path = Path(database).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    if not path.is_file():
        raise ArchiveError(f"{path}: no such archive")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if header != SQLITE_HEADER:
        raise ArchiveError(f"{path} is not a report-archiver archive (not an SQLite database)")
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
    except sqlite3.Error as exc:
        raise ArchiveError(f"{path}: cannot read the database: {exc}") from None
    if found is None:
        raise ArchiveError(f"{path} is not a report-archiver archive (no schema_version table)")
    return database_url(raw)


def _existing_server_archive(raw: str) -> str:
    """A server database (PostgreSQL) must hold an archive already: looked at, not changed."""
    url = make_url(raw)
    where = _shown(url)
    try:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                found = inspect(conn).has_table(SchemaVersion.__tablename__)
        finally:
            engine.dispose()
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise ArchiveError(f"cannot open the archive {where}: {exc}") from None
    except SQLAlchemyError as exc:
        raise ArchiveError(f"cannot open the archive {where}: {_reason(exc)}") from None
    if not found:
        raise ArchiveError(f"{where} is not a report-archiver archive (no schema_version table)")
    return raw


def open_archive(value: str | None = None) -> Archive:
    """Open (creating or upgrading as needed) the archive at a URL or path.

    Raises ArchiveError naming the database when it cannot be reached, is not an archive,
    or has a newer schema than this code knows.
    """
    url = make_url(database_url(value))
    where = _shown(url)
    if url.get_backend_name() not in dialect.SUPPORTED:
        raise ArchiveError(
            f"{where}: unsupported database {url.get_backend_name()!r} "
            f"(supported: {', '.join(dialect.SUPPORTED)})"
        )
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise ArchiveError(f"cannot open the archive {where}: {exc}") from None
    dialect.configure_engine(engine)
    try:
        with engine.begin() as conn:
            version = schema.ensure_schema(conn, where)
    except ArchiveError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ArchiveError(f"cannot open the archive {where}: {_reason(exc)}") from None
    return Archive(engine, where, version)


def _reason(exc: BaseException) -> str:
    """The driver's own message, first line only: enough to act on, no SQL dump."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _to_json(data: Mapping[str, Any]) -> str:
    """JSON for run arguments and Scrapy stats, which hold datetimes and odd objects."""
    return json.dumps(dict(data), ensure_ascii=False, sort_keys=True, default=_json_default)


class Archive:
    """One writer's handle on the archive database.

    Writes accumulate in one transaction until ``commit()`` (the store pipeline commits
    every N items), each inside a savepoint so a bad write is undone alone and the batch
    survives. The operations of the open batch are remembered: when a concurrent writer
    causes a deadlock (PostgreSQL) or a lock time-out (SQLite), the batch is rolled back and
    replayed instead of lost. Not thread-safe: use one Archive per thread or process.
    """

    MAX_ATTEMPTS = 8

    def __init__(self, engine: Engine, where: str, schema_version: int) -> None:
        self.engine = engine
        self.where = where  # the database as shown in messages (no password)
        self.schema_version = schema_version
        self._dialect = engine.dialect.name
        self._conn: Connection | None = None
        self._pending: list[Operation] = []
        # Page ledger rows wait here and go in as one multi-row INSERT when the batch is
        # flushed: a crawl logs a row per response, too many for a statement each.
        self._page_rows: list[dict[str, Any]] = []
        self._statements: dict[tuple[str, tuple[str, ...]], Any] = {}  # reused statements

    def __repr__(self) -> str:
        return f"Archive({self.where!r})"

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.rollback()
        self.close()

    # -- transactions -------------------------------------------------------------

    @property
    def pending(self) -> int:
        """How many writes wait for the next commit."""
        return len(self._pending) + len(self._page_rows)

    def _flush_pages(self) -> None:
        """Write the buffered page rows into the open batch (before a commit or a read)."""
        if not self._page_rows:
            return
        rows, self._page_rows = self._page_rows, []

        def op(conn: Connection) -> None:
            conn.execute(insert(Page), rows)

        self._write(f"record {len(rows)} pages", op)

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            self._conn = self.engine.connect()
        return self._conn

    def _apply(self, op: Callable[[Connection], T]) -> T:
        conn = self._connection()
        with conn.begin_nested():
            return op(conn)

    def _write(self, what: str, op: Callable[[Connection], T]) -> T:
        """Run one write in the open batch, replaying the batch after a concurrency error."""
        attempt = 0
        while True:
            try:
                result = self._apply(op)
            except DBAPIError as exc:
                if dialect.is_storage_full(exc):
                    self._discard()
                    raise StorageFull(f"{self.where}: {what}: {_reason(exc)}") from None
                if not dialect.is_retryable(exc):
                    raise ArchiveError(f"{self.where}: {what}: {_reason(exc)}") from None
                attempt = self._replay(attempt + 1, exc, what)
                continue
            except SQLAlchemyError as exc:
                raise ArchiveError(f"{self.where}: {what}: {_reason(exc)}") from None
            self._pending.append(op)
            return result

    def _replay(self, attempt: int, exc: DBAPIError, what: str) -> int:
        """Roll back, wait a little, redo the batch's writes; return the attempts used."""
        while True:
            if attempt >= self.MAX_ATTEMPTS:
                self._discard()
                raise ArchiveError(
                    f"{self.where}: {what}: gave up after {attempt} attempts: {_reason(exc)}"
                ) from None
            log.debug("%s: %s; retrying the batch (attempt %d)", self.where, _reason(exc), attempt)
            self._connection().rollback()
            time.sleep(random.uniform(0, 0.05 * 2**attempt))
            try:
                for op in self._pending:
                    self._apply(op)
                return attempt
            except DBAPIError as again:
                if not dialect.is_retryable(again):
                    self._discard()
                    raise ArchiveError(f"{self.where}: {what}: {_reason(again)}") from None
                exc, attempt = again, attempt + 1

    def _discard(self) -> None:
        self._pending.clear()
        self._page_rows.clear()
        if self._conn is not None and not self._conn.closed:
            try:
                self._conn.rollback()
            except SQLAlchemyError:
                self._conn.invalidate()

    def commit(self) -> None:
        """Make the batch's writes durable."""
        self._flush_pages()
        if self._conn is None or not self._conn.in_transaction():
            self._pending.clear()
            return
        attempt = 0
        while True:
            try:
                self._conn.commit()
                break
            except DBAPIError as exc:
                if not dialect.is_retryable(exc):
                    self._discard()
                    error = StorageFull if dialect.is_storage_full(exc) else ArchiveError
                    raise error(f"{self.where}: commit: {_reason(exc)}") from None
                attempt = self._replay(attempt + 1, exc, "commit")
        self._pending.clear()

    def rollback(self) -> None:
        """Drop the batch's uncommitted writes."""
        self._discard()

    def close(self) -> None:
        """Commit what is pending and release the database."""
        try:
            self.commit()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self.engine.dispose()

    # -- crawl runs ---------------------------------------------------------------

    def start_run(self, args: Mapping[str, Any], worker: str | None = None) -> int:
        """Record the start of a crawl and return its run id (committed at once, so that a
        crashed run is visible as one that never finished)."""
        values = {"args": _to_json(args), "started_at": utc_now(), "worker": worker}

        def op(conn: Connection) -> int:
            return int(
                conn.execute(insert(CrawlRun).values(values).returning(CrawlRun.id)).scalar_one()
            )

        run_id = self._write("start a crawl run", op)
        self.commit()
        return run_id

    def finish_run(self, run_id: int, reason: str | None, stats: Mapping[str, Any]) -> None:
        """Record how and when a crawl ended, with its stats; commits."""
        values = {"finished_at": utc_now(), "finish_reason": reason, "stats": _to_json(stats)}

        def op(conn: Connection) -> None:
            conn.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(values))

        self._write(f"finish crawl run {run_id}", op)
        self.commit()

    # -- articles -----------------------------------------------------------------

    def save_article(
        self,
        record: Mapping[str, Any],
        *,
        incomplete: bool = False,
        run_id: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        seen: bool = True,
    ) -> Outcome:
        """Upsert one record by its URL; say whether it was new, changed or unchanged, or an
        alias: another URL of an archived article. seen=False saves a record re-parsed from
        stored responses: the article's status (gone stays gone) and last_seen are left as
        they were.

        One ``INSERT … ON CONFLICT (url) DO UPDATE`` both creates the row and, on conflict,
        bumps last_seen and times_seen while locking the row; times_seen read back tells a
        fresh insert from an existing row without a racy read-before-write. A distinct
        content becomes a new article_versions row (unique on article and hash, so
        concurrent writers cannot duplicate it). An incomplete record (a continuation
        page failed) is kept as a version but does not replace a complete current record:
        a transient error must not degrade the archive. ``etag`` and ``last_modified`` are
        the first page's HTTP validators, kept (when given) for conditional re-fetches; not
        from an incomplete save (its missing pages must be asked for again), and never for a
        multi-page article (page 1 unchanged says nothing of page 2).

        A record whose URL is not archived but whose title and body are those of an article
        of the same site (records.alias_fingerprint, records.same_site) is that article
        reached by a second address: the worse of the two addresses (records.better_address)
        goes into article_aliases, and the article keeps, or moves to, the better one. A worse
        address stays an alias when fetched again, whatever it then holds: the article's own
        URL is where its changes are archived.

        The outcome is as observed when the write ran; if a concurrency conflict later
        makes the batch replay, the database is exact but an earlier outcome may differ
        from the replayed one (only stats counters can be off, never rows).
        """
        url = record.get("url")
        if not isinstance(url, str) or not url:
            raise ArchiveError(f"{self.where}: cannot save a record without a url: {record!r:.200}")
        data = dict(record)
        try:
            digest = content_hash(data)
            data["content_hash"] = digest
            text = record_json(data)
        except (TypeError, ValueError) as exc:
            raise ArchiveError(f"{self.where}: record of {url} is not JSON data: {exc}") from None
        now = utc_now()
        validators: dict[str, str | None] = {
            key: value
            for key, value in (("etag", etag), ("last_modified", last_modified))
            if value is not None
        }
        if incomplete:
            # The pages that failed must be asked for again: a 304 on page 1 would stop that.
            validators = {}
        elif len(record.get("pages") or ()) > 1:
            # Page 1's validators say nothing of page 2: a multi-page article is re-fetched
            # whole on a refresh (and any validators stored before are dropped).
            validators = {"etag": None, "last_modified": None}
        fingerprint = alias_fingerprint(data)
        fields = {
            "site": data.get("site"),
            "title": data.get("title"),
            "category": data.get("category"),
            "published_at": data.get("published_at"),
            "record": text,
            "content_hash": digest,
            "extractor_version": data.get("extractor_version"),
            "incomplete": incomplete,
            "body_hash": fingerprint,
        }
        version = {
            "content_hash": digest,
            "record": text,
            "seen_at": now,
            "run_id": run_id,
            "incomplete": incomplete,
        }

        row_values = {
            "url": url,
            "first_seen": now,
            "last_seen": now,
            "last_changed": now,
            "times_seen": 1,
            "status": "ok",
            **fields,
            **validators,
        }
        upsert = self._article_upsert(tuple(validators), seen)

        def op(conn: Connection) -> Outcome:
            original = self._original_of(conn, url, fingerprint)
            if original is not None:
                article_id, article_url = original
                moves = better_address(url, article_url)
                alias = {
                    "url": article_url if moves else url,
                    "article_id": article_id,
                    "first_seen": now,
                    "last_seen": now,
                }
                if not moves:
                    conn.execute(self._alias_upsert(), alias)
                    return "alias"
                # This address is the better one: the article moves to it, the old one becomes
                # its alias, and the record is saved below as the article's (a new version).
                conn.execute(delete(ArticleAlias).where(ArticleAlias.url == url))
                conn.execute(update(Article).where(Article.id == article_id).values(url=url))
                conn.execute(self._alias_upsert(), alias)
            row = conn.execute(upsert, row_values).one()
            article_id, current_hash, current_incomplete, times_seen = row
            if times_seen == 1:
                self._add_version(conn, article_id, version)
                search.index(conn, article_id, data)
                return "new"
            if current_hash == digest:
                if current_incomplete != incomplete:
                    conn.execute(
                        update(Article)
                        .where(Article.id == article_id)
                        .values(incomplete=incomplete)
                    )
                return "unchanged"
            self._add_version(conn, article_id, version)
            if incomplete and not current_incomplete:
                return "unchanged"
            conn.execute(
                update(Article).where(Article.id == article_id).values(last_changed=now, **fields)
            )
            search.index(conn, article_id, data)
            return "changed"

        return self._write(f"save {url}", op)

    def _article_upsert(self, validators: tuple[str, ...], seen: bool) -> Any:
        """The article upsert, built once per set of validators given (values come bound) and
        per kind of save: a fetch (seen: the article answered, so it is "ok" and seen now)
        or a re-parse of stored responses (the site was not asked: status and last_seen stay).

        Building a SQLAlchemy statement costs more than running it on SQLite, and a crawl
        saves thousands of articles: the statement is made once and reused.
        """
        key = ("article", (*validators, "seen" if seen else "reparsed"))
        cached = self._statements.get(key)
        if cached is not None:
            return cached
        base = dialect.insert(self._dialect, Article)
        fetched = {"last_seen": base.excluded.last_seen, "status": "ok"} if seen else {}
        stmt = base.on_conflict_do_update(
            index_elements=[Article.url],
            set_={
                **fetched,
                "times_seen": Article.times_seen + 1,
                **{key: getattr(base.excluded, key) for key in validators},
            },
        ).returning(Article.id, Article.content_hash, Article.incomplete, Article.times_seen)
        self._statements[key] = stmt
        return stmt

    def _original_of(
        self, conn: Connection, url: str, fingerprint: str | None
    ) -> tuple[int, str] | None:
        """(id, url) of the article url is an alias of: a known alias's, or for a URL archived
        under no name yet, the first article of the same site with the same fingerprint."""
        rows = conn.execute(self._address_lookup(), {"url": url, "fingerprint": fingerprint})
        known: tuple[int, str] | None = None
        same: list[tuple[int, str]] = []
        for kind, row_id, other in rows:
            if kind == _SELF:
                # Both URLs archived as articles already (by a version that told no aliases,
                # or as two titles at first): keep both.
                return None
            if kind == _ALIAS:
                known = (int(row_id), str(other))
            elif same_site(url, other):
                same.append((int(row_id), str(other)))
        return known or (min(same) if same else None)

    def _address_lookup(self) -> Any:
        """One query for what save_article must know of a URL before writing it: the article
        it is a known alias of, the articles with the same fingerprint, the URL's own article.
        (One round trip rather than three: a crawl saves every article through here.)"""
        stmt = self._statements.get(("addresses", ()))
        if stmt is None:
            url = bindparam("url", type_=String)
            fingerprint = bindparam("fingerprint", type_=String)
            stmt = union_all(
                select(literal(_ALIAS), Article.id, Article.url)
                .join(ArticleAlias, ArticleAlias.article_id == Article.id)
                .where(ArticleAlias.url == url),
                select(literal(_SAME), Article.id, Article.url).where(
                    Article.body_hash == fingerprint, Article.url != url
                ),
                select(literal(_SELF), Article.id, Article.url).where(Article.url == url),
            )
            self._statements[("addresses", ())] = stmt
        return stmt

    def _alias_upsert(self) -> Any:
        stmt = self._statements.get(("alias", ()))
        if stmt is None:
            base = dialect.insert(self._dialect, ArticleAlias)
            stmt = base.on_conflict_do_update(
                index_elements=[ArticleAlias.url],
                set_={"last_seen": base.excluded.last_seen},
            )
            self._statements[("alias", ())] = stmt
        return stmt

    def _add_version(self, conn: Connection, article_id: int, version: Mapping[str, Any]) -> None:
        stmt = self._statements.get(("version", ()))
        if stmt is None:
            stmt = dialect.insert(self._dialect, ArticleVersion).on_conflict_do_nothing(
                index_elements=[ArticleVersion.article_id, ArticleVersion.content_hash]
            )
            self._statements[("version", ())] = stmt
        conn.execute(stmt, {"article_id": article_id, **version})

    def mark_gone(self, url: str) -> bool:
        """Mark an article whose page now answers 404/410; True if the URL was archived."""

        def op(conn: Connection) -> bool:
            result = conn.execute(
                update(Article).where(Article.url == url).values(status="gone", last_seen=utc_now())
            )
            return bool(result.rowcount)

        return self._write(f"mark {url} gone", op)

    def touch(self, url: str) -> bool:
        """Note that an article was seen again unchanged (a 304); True if the URL was archived."""

        def op(conn: Connection) -> bool:
            result = conn.execute(
                update(Article).where(Article.url == url).values(status="ok", last_seen=utc_now())
            )
            return bool(result.rowcount)

        return self._write(f"touch {url}", op)

    def http_validators(self, url: str) -> tuple[str | None, str | None] | None:
        """(etag, last_modified) of an archived article, None when the URL is unknown."""
        row = self._read(select(Article.etag, Article.last_modified).where(Article.url == url))
        return None if row is None else (row[0], row[1])

    def get_record(self, url: str) -> dict[str, Any] | None:
        """The current record of one article, by its URL or an alias of it; None when the URL
        is not archived."""
        row = self._read(select(Article.record).where(Article.url == url))
        if row is None:
            row = self._read(
                select(Article.record)
                .join(ArticleAlias, ArticleAlias.article_id == Article.id)
                .where(ArticleAlias.url == url)
            )
        return None if row is None else dict(json.loads(row[0]))

    def _read(self, stmt: Any) -> Any:
        """First row of a query: inside the open batch when there is one (to see its
        writes), else on a short read-only connection that takes no write lock."""
        self._flush_pages()
        try:
            if self._conn is not None and self._conn.in_transaction():
                return self._conn.execute(stmt).first()
            with self.engine.connect() as conn:
                conn = conn.execution_options(**{dialect.READ_ONLY: True})
                with conn.begin():
                    return conn.execute(stmt).first()
        except SQLAlchemyError as exc:
            raise ArchiveError(f"{self.where}: read failed: {_reason(exc)}") from None

    def query(self, stmt: Any) -> list[Any]:
        """All rows of a read-only query, seeing this batch's uncommitted writes.

        For tools that read the archive (re-parse, incremental crawls) without a write lock.
        """
        self._flush_pages()
        try:
            if self._conn is not None and self._conn.in_transaction():
                return list(self._conn.execute(stmt).all())
            with self.engine.connect() as conn:
                conn = conn.execution_options(**{dialect.READ_ONLY: True})
                with conn.begin():
                    return list(conn.execute(stmt).all())
        except SQLAlchemyError as exc:
            raise ArchiveError(f"{self.where}: read failed: {_reason(exc)}") from None

    # -- pages and failures ----------------------------------------------------------

    def record_page(
        self,
        url: str,
        *,
        run_id: int | None = None,
        status: int | None = None,
        content_type: str | None = None,
        encoding: str | None = None,
        size: int | None = None,
        kind: str | None = None,
        fetched_at: str | None = None,
        article_url: str | None = None,
        warc_file: str | None = None,
        warc_offset: int | None = None,
        warc_length: int | None = None,
    ) -> None:
        """Log one fetched URL (any kind, any status) in the pages ledger."""
        values = {
            "url": url,
            "run_id": run_id,
            "status": status,
            "content_type": content_type,
            "encoding": encoding,
            "size": size,
            "kind": kind,
            "fetched_at": fetched_at or utc_now(),
            "article_url": article_url,
            "warc_file": warc_file,
            "warc_offset": warc_offset,
            "warc_length": warc_length,
        }

        self._page_rows.append(values)

    def record_failure(self, url: str, stage: str, reason: str, run_id: int | None = None) -> None:
        """Log why a URL did not become a stored record, so it can be retried or re-parsed."""
        if stage not in FAILURE_STAGES:
            raise ArchiveError(
                f"{self.where}: unknown failure stage {stage!r} for {url} "
                f"(one of {', '.join(FAILURE_STAGES)})"
            )
        values = {"url": url, "run_id": run_id, "stage": stage, "reason": reason, "at": utc_now()}

        def op(conn: Connection) -> None:
            conn.execute(insert(Failure).values(values))

        self._write(f"record failure of {url}", op)

    # -- reading ---------------------------------------------------------------------

    def iter_records(
        self,
        *,
        site: str | None = None,
        category: str | None = None,
        published_from: str | None = None,
        published_until: str | None = None,
        changed_since: str | None = None,
        include_incomplete: bool = True,
        include_gone: bool = False,
        batch_size: int = 500,
    ) -> Iterator[dict[str, Any]]:
        """Stream current records in archive order, for export.

        Commits the pending batch first so the export sees it, then reads on a separate
        connection with a server-side cursor (``yield_per``), so memory stays flat however
        large the archive. ``changed_since`` is an ISO 8601 UTC time stamp;
        ``published_from`` and ``published_until`` are YYYY-MM-DD dates, inclusive, compared
        with the publication date as the page gave it (its own time zone), and leave out
        articles without a date.
        """
        self.commit()
        stmt = select(Article.record).order_by(Article.id)
        if site is not None:
            stmt = stmt.where(Article.site == site)
        if category is not None:
            stmt = stmt.where(Article.category == category)
        published_day = func.substr(Article.published_at, 1, 10)
        if published_from is not None:
            stmt = stmt.where(published_day >= published_from)
        if published_until is not None:
            stmt = stmt.where(published_day <= published_until)
        if changed_since is not None:
            stmt = stmt.where(Article.last_changed >= changed_since)
        if not include_incomplete:
            stmt = stmt.where(Article.incomplete.is_(False))
        if not include_gone:
            stmt = stmt.where(Article.status == "ok")
        for (text,) in self._stream(stmt, batch_size):
            yield dict(json.loads(text))

    def iter_failures(
        self, *, run_id: int | None = None, stage: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stream recorded failures, oldest first, optionally of one run or stage."""
        self.commit()
        stmt = select(*Failure.__table__.columns).order_by(Failure.id)
        if run_id is not None:
            stmt = stmt.where(Failure.run_id == run_id)
        if stage is not None:
            stmt = stmt.where(Failure.stage == stage)
        for row in self._stream(stmt, 500):
            yield dict(row._mapping)

    def _stream(self, stmt: Any, batch_size: int) -> Iterator[Any]:
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(
                    stream_results=True, yield_per=batch_size, **{dialect.READ_ONLY: True}
                )
                with conn.begin():
                    yield from conn.execute(stmt)
        except SQLAlchemyError as exc:
            raise ArchiveError(f"{self.where}: read failed: {_reason(exc)}") from None

    def search(self, query: str, *, site: str | None = None, limit: int = 20) -> list[SearchHit]:
        """The current articles matching a query, best first (see ``archive.search``).

        Parts separated by spaces must all match; a quoted part is one phrase.
        """
        terms = search.parse_query(query)
        if not terms:
            raise ArchiveError(f"search query {query!r} has no letters or digits to look for")
        self.commit()
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(**{dialect.READ_ONLY: True})
                with conn.begin():
                    return search.search(conn, terms, site=site, limit=limit)
        except SQLAlchemyError as exc:
            raise ArchiveError(f"{self.where}: search failed: {_reason(exc)}") from None

    def stats(self, *, runs: int = 10) -> dict[str, Any]:
        """Per site and per recent crawl run: what the archive holds and how crawls went."""
        self.commit()
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(**{dialect.READ_ONLY: True})
                with conn.begin():
                    return archive_stats(conn, runs=runs)
        except SQLAlchemyError as exc:
            raise ArchiveError(f"{self.where}: reading stats failed: {_reason(exc)}") from None

    def counts(self) -> dict[str, int]:
        """Row count of every archive table (committed rows plus this batch's)."""
        return {
            name: int(self._read(select(func.count()).select_from(table))[0])
            for name, table in Base.metadata.tables.items()
        }
