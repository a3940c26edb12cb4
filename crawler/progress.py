"""Live crawl progress on a terminal; plain periodic log lines elsewhere (Scrapy's LogStats)."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressExtension:
    """Redraws one status line a second: pages, articles, failures and pages per second."""

    def __init__(self, crawler: Crawler, interval: float = 1.0) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("PROGRESS_ENABLED", sys.stderr.isatty()):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.draw)
        self.loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.draw()
        sys.stderr.write("\n")

    def draw(self) -> None:
        stats: dict[str, Any] = self.crawler.stats.get_stats() if self.crawler.stats else {}
        pages = int(stats.get("response_received_count", 0))
        articles = sum(
            int(stats.get(f"archive/articles_{o}", 0)) for o in ("new", "changed", "unchanged")
        )
        failures = sum(int(v) for k, v in stats.items() if k.startswith("archive/failures/"))
        elapsed = max(time.monotonic() - self.started, 1e-6)
        sys.stderr.write(
            f"\r  pages {pages}  articles {articles}  failures {failures}"
            f"  {pages / elapsed:.1f} pages/s  {elapsed:.0f}s "
        )
        sys.stderr.flush()
