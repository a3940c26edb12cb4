"""StorePipeline: write records to the archive, and own the archive for the whole crawl.

It is the one component that opens the Archive (``open_spider``) and closes it (at
``spider_closed``, when the finish reason is known). Everything else reaches the database
through it:

- ValidatePipeline raises ``InvalidItem``; this pipeline hears Scrapy's ``item_dropped``
  signal and records the failure (stage "validate").
- Spiders and middlewares send ``crawler.archive.signals.page_fetched`` / ``page_failed``
  through the helpers ``record_page(crawler, url, status=…, kind=…, …)`` and
  ``record_failure(crawler, url, "fetch", reason)``; this pipeline writes them with the
  run id. Without the pipeline enabled they are no-ops.
- Code that needs to read the archive mid-crawl (conditional requests) calls
  ``archive_of(crawler)``.

Settings: ARCHIVE_DB_URL (URL or path; default env ARCHIVE_DB_URL, else
sqlite:///data/archive.sqlite), ARCHIVE_COMMIT_EVERY (writes per transaction, default 100),
ARCHIVE_COMMIT_SECONDS (longest a batch stays open, default 10; SQLite holds its write lock
while a batch is open), ARCHIVE_WORKER (name of this worker in crawl_runs; default
host-pid, as in the WARC file names). A bad ARCHIVE_DB_URL raises ArchiveError from
``from_crawler``, before any request is made.

Writes are synchronous on the reactor thread: a local SQLite commit is quick, and a
single writer keeps batching and replay simple.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.archive import Archive, ArchiveError, StorageFull, database_url, open_archive
from crawler.archive import signals as archive_signals
from crawler.diskfull import stop_for_full_disk
from crawler.items import ArticleItem
from crawler.jobdir import note_run
from crawler.middlewares import worker_name
from pipelines.validate import InvalidItem

log = logging.getLogger(__name__)

_OPEN: WeakKeyDictionary[Crawler, StorePipeline] = WeakKeyDictionary()
_SIMPLE = (str, int, float, bool, type(None), list, tuple, dict)


def archive_of(crawler: Crawler) -> Archive | None:
    """The archive the crawler's StorePipeline has open, None outside an open crawl."""
    pipeline = _OPEN.get(crawler)
    return None if pipeline is None else pipeline.archive


def spider_args(spider: Any) -> dict[str, Any]:
    """What the run was asked to do: the spider's name and its plain public attributes
    (start_urls, -a arguments, site profile), fit for the crawl_runs.args JSON."""
    args: dict[str, Any] = {"spider": getattr(spider, "name", None)}
    for key, value in vars(spider).items():
        if not key.startswith("_") and isinstance(value, _SIMPLE):
            args[key] = value
    return args


class StorePipeline:
    """Save each ArticleItem's record, batching commits; log pages, failures, runs."""

    def __init__(
        self,
        crawler: Crawler,
        db_url: str,
        *,
        commit_every: int = 100,
        commit_seconds: float = 10.0,
        worker: str | None = None,
    ) -> None:
        self.crawler = crawler
        self.db_url = db_url
        self.commit_every = max(1, commit_every)
        self.commit_seconds = commit_seconds
        self.worker = worker
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self._last_commit = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        pipeline = cls(
            crawler,
            database_url(settings.get("ARCHIVE_DB_URL")),
            commit_every=settings.getint("ARCHIVE_COMMIT_EVERY", 100),
            commit_seconds=settings.getfloat("ARCHIVE_COMMIT_SECONDS", 10.0),
            worker=worker_name(settings),
        )
        crawler.signals.connect(pipeline._on_item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline._on_spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline._on_page_fetched, signal=archive_signals.page_fetched)
        crawler.signals.connect(pipeline._on_page_failed, signal=archive_signals.page_failed)
        return pipeline

    # -- Scrapy pipeline interface -------------------------------------------------

    def open_spider(self) -> None:
        self.archive = open_archive(self.db_url)
        self.run_id = self.archive.start_run(spider_args(self.crawler.spider), self.worker)
        if self.crawler.stats is not None:
            # For run_crawl: a stop before the engine starts never closes the spider, and
            # the run is then finished from outside (crawler.run).
            self.crawler.stats.set_value("archive/run_id", self.run_id)
        jobdir = self.crawler.settings.get("JOBDIR")
        if jobdir:
            # Committed now, so that a kill leaves a run the next crawl can name.
            self.archive.commit()
            note_run(Path(jobdir), self.run_id)
        self._last_commit = time.monotonic()
        _OPEN[self.crawler] = self
        log.info("Archiving to %s (run %d)", self.archive.where, self.run_id)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem) or self.archive is None:
            return item
        url = str(item.record.get("url") or "")
        try:
            outcome = self.archive.save_article(
                item.record,
                incomplete=item.incomplete,
                run_id=self.run_id,
                etag=item.etag,
                last_modified=item.last_modified,
            )
        except ArchiveError as exc:
            self._storage_failed(exc)
            self._record_failure(url, "store", str(exc))
            raise DropItem(f"could not store {url}: {exc}") from None
        self._inc(f"archive/articles_{outcome}")
        if item.incomplete:
            self._inc("archive/articles_incomplete")
        self._maybe_commit()
        return item

    def close_spider(self) -> None:
        """Commit the last batch; the run is finished at spider_closed, which has the reason."""
        if self.archive is not None:
            try:
                self.archive.commit()
            except ArchiveError as exc:
                self._storage_failed(exc)
                log.error("Archive commit failed: %s", exc)

    # -- signal handlers -------------------------------------------------------------

    def _on_spider_closed(self, reason: str) -> None:
        archive, self.archive = self.archive, None
        _OPEN.pop(self.crawler, None)
        if archive is None:
            return
        try:
            if self.run_id is not None:
                stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
                archive.finish_run(self.run_id, reason, stats)
        except ArchiveError as exc:
            log.error("Could not finish crawl run %s: %s", self.run_id, exc)
        finally:
            try:
                archive.close()
            except ArchiveError as exc:
                log.error("Closing the archive failed: %s", exc)

    def _on_item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(exception, InvalidItem):
            self._record_failure(exception.url, exception.stage, exception.reason)

    def _on_page_fetched(self, url: str, fields: dict[str, Any]) -> None:
        if self.archive is None:
            log.debug("No archive open; page %s not recorded", url)
            return
        try:
            self.archive.record_page(url, run_id=self.run_id, **fields)
        except (ArchiveError, TypeError) as exc:
            self._storage_failed(exc)
            log.warning("Could not record page %s: %s", url, exc)
            return
        self._inc("archive/pages")
        self._maybe_commit()

    def _on_page_failed(self, url: str, stage: str, reason: str) -> None:
        self._record_failure(url, stage, reason)

    # -- helpers ---------------------------------------------------------------------

    def _record_failure(self, url: str, stage: str, reason: str) -> None:
        if self.archive is None:
            log.debug("No archive open; failure of %s (%s) not recorded", url, stage)
            return
        try:
            self.archive.record_failure(url, stage, reason, self.run_id)
        except ArchiveError as exc:
            self._storage_failed(exc)
            log.warning("Could not record failure of %s: %s", url, exc)
            return
        self._inc(f"archive/failures/{stage}")
        self._maybe_commit()

    def _maybe_commit(self) -> None:
        if self.archive is None:
            return
        due = time.monotonic() - self._last_commit >= self.commit_seconds
        if self.archive.pending >= self.commit_every or due:
            try:
                self.archive.commit()
            except ArchiveError as exc:
                self._storage_failed(exc)
                log.error("Archive commit failed, batch lost: %s", exc)
            self._last_commit = time.monotonic()

    def _storage_failed(self, exc: BaseException) -> None:
        """The database cannot be written at all: stop the crawl rather than lose pages."""
        if isinstance(exc, StorageFull):
            stop_for_full_disk(self.crawler, str(exc))

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
