"""Run one crawl in this process and report what it did: the engine behind `crawl` and `demo`."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.archive import ArchiveError, open_archive
from crawler.diskfull import STORAGE_ERROR
from crawler.jobdir import close_jobdir, open_jobdir

log = logging.getLogger(__name__)


@dataclass
class CrawlSummary:
    """What a crawl did, from Scrapy's stats and the archive."""

    finish_reason: str
    seconds: float
    responses: int  # responses the spider received (none: the site was unreachable)
    articles_new: int
    articles_changed: int
    articles_unchanged: int
    failures: int
    archive_articles: int
    archive_pages: int
    archive_failures: int
    storage_error: str | None = None  # set when the archive could not be written
    # Pages that were an archived article under another URL (kept as its aliases).
    articles_alias: int = 0
    # Fetched URLs this run logged in the archive's pages table (redirects, robots-named
    # sitemaps and stopped downloads too): what `stats` counts for the run.
    pages: int = 0

    def lines(self) -> list[str]:
        pages = self.pages or self.responses  # (no archive to log them: the responses)
        rate = pages / self.seconds if self.seconds else 0.0
        return [
            f"finished: {self.finish_reason} in {self.seconds:.1f}s ({rate:.1f} pages/s)",
            f"this run: {pages} pages fetched, {self.articles_new} new articles, "
            f"{self.articles_changed} changed, {self.articles_unchanged} unchanged, "
            f"{self.articles_alias} aliases, {self.failures} failures",
            f"archive:  {self.archive_articles} articles, {self.archive_pages} pages, "
            f"{self.archive_failures} failures",
        ]


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project's settings with per-run overrides on top."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    start_urls: list[str],
    *,
    db_url: str,
    site: str | None = None,
    max_pages: int | None = None,
    refresh: bool = False,
    overrides: Mapping[str, Any] | None = None,
    jobdir: Path | None = None,
) -> CrawlSummary:
    """Crawl into the archive at db_url (already checked by the caller) and summarise."""
    from crawler.spiders.reports import ReportsSpider

    values: dict[str, Any] = {"ARCHIVE_DB_URL": db_url}
    if max_pages:
        values["CLOSESPIDER_PAGECOUNT"] = max_pages
    if sys.stderr.isatty():
        values.setdefault("LOG_LEVEL", "WARNING")  # the progress line replaces the log
    values.update(overrides or {})
    if jobdir is not None:
        values["JOBDIR"] = str(jobdir)
        killed = open_jobdir(jobdir).killed_run
        if killed is not None:
            _mark_run(db_url, killed, "killed")
    process = CrawlerProcess(project_settings(values))
    crawler = process.create_crawler(ReportsSpider)
    started = time.monotonic()
    process.crawl(crawler, start_url=",".join(start_urls) or None, site=site, refresh=refresh)
    process.start()
    seconds = time.monotonic() - started
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    run_id = stats.get("archive/run_id")
    if run_id is not None and "finish_reason" not in stats:
        # Stopped (SIGTERM, Ctrl-C) before the engine ran: the spider never closed, and the
        # run it opened would stay unfinished for ever.
        _mark_run(db_url, int(run_id), "shutdown")
        stats["finish_reason"] = "shutdown"
    if jobdir is not None:
        close_jobdir(jobdir, str(stats.get("finish_reason", "")))
    try:
        with open_archive(db_url) as archive:
            counts = archive.counts()
    except ArchiveError as error:  # the disk filled up, say: the stats still tell the run
        log.error("%s", error)
        counts = {}
    return CrawlSummary(
        finish_reason=str(stats.get("finish_reason", "unknown")),
        seconds=seconds,
        responses=int(stats.get("response_received_count", 0)),
        articles_new=int(stats.get("archive/articles_new", 0)),
        articles_changed=int(stats.get("archive/articles_changed", 0)),
        articles_unchanged=int(stats.get("archive/articles_unchanged", 0)),
        articles_alias=int(stats.get("archive/articles_alias", 0)),
        pages=int(stats.get("archive/pages", 0)),
        failures=sum(int(v) for k, v in stats.items() if k.startswith("archive/failures/")),
        archive_articles=counts.get("articles", 0),
        archive_pages=counts.get("pages", 0),
        archive_failures=counts.get("failures", 0),
        storage_error=stats.get(STORAGE_ERROR),
    )


def _mark_run(db_url: str, run_id: int, reason: str) -> None:
    """A crawl run cut short gets the finish reason it never wrote ("killed": a kill ended the
    process; "shutdown": a stop came before the spider opened)."""
    try:
        with open_archive(db_url) as archive:
            archive.finish_run(run_id, reason, {})
    except ArchiveError as error:
        log.warning("could not mark crawl run %d as %s: %s", run_id, reason, error)
