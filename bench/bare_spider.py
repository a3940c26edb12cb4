"""The floor for bench/crawl.py: a bare Scrapy spider, and the timing extension both crawls use.

Why: a pages-per-second number for our crawler only means something next to what Scrapy
itself manages on the same machine, against the same server, with the same settings. The
bare spider does the least a crawler of this site can do: fetch a page, pull every
``//a/@href`` out of it (the same XPath ours uses), and follow each same-host http(s) link.
No extraction, no items, no pipelines, no archive, no WARC. Whatever ours does beyond that
is what the ratio full/floor prices.

``TimingExtension`` is loaded into both crawls (floor and full) through the EXTENSIONS
setting, so that both are timed by the same code: from ``spider_opened`` to
``spider_closed`` (the crawl proper; process start-up, imports and the reactor are left
out), with Scrapy's own ``response_received_count``. ``spider_closed`` fires after the item
pipelines' ``close_spider``, so the full crawl's last database commit is inside the window.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse

from crawler.spiders.reports import is_loopback


def _rss_kib() -> int:
    """The current resident set size of this process in KiB (Linux /proc), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class BareSpider(scrapy.Spider):
    """Follow every same-host http(s) link from ``//a/@href``; nothing else (the floor)."""

    name = "bare"

    def __init__(self, start_url: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = [u.strip() for u in start_url.split(",") if u.strip()]
        self.allowed_domains = list(
            dict.fromkeys(urlsplit(u).hostname or "" for u in self.start_urls)
        )
        self.hosts = set(self.allowed_domains)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BareSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if all(is_loopback(url) for url in spider.start_urls):
            # The same decision ReportsSpider.from_crawler makes for a site on this machine.
            crawler.settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for href in response.xpath("//a/@href").getall():
            url = urljoin(response.url, href.strip()).split("#", 1)[0]
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.hostname in self.hosts:
                yield scrapy.Request(url, callback=self.parse)


class TimingExtension:
    """Times the crawl proper and writes a JSON summary to BENCH_TIMING_FILE at the end."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.opened = 0.0
        self.cpu_opened = 0.0
        self.rss_opened_kib = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TimingExtension:
        path = crawler.settings.get("BENCH_TIMING_FILE")
        if not path:
            raise NotConfigured
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.opened = time.monotonic()
        self.cpu_opened = time.process_time()
        self.rss_opened_kib = _rss_kib()

    def spider_closed(self, reason: str) -> None:
        seconds = time.monotonic() - self.opened
        cpu = time.process_time() - self.cpu_opened
        stats: dict[str, Any] = self.crawler.stats.get_stats() if self.crawler.stats else {}
        usage = resource.getrusage(resource.RUSAGE_SELF)
        summary = {
            "pid": os.getpid(),
            "finish_reason": reason,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "responses": int(stats.get("response_received_count", 0)),
            "requests": int(stats.get("downloader/request_count", 0)),
            "items": int(stats.get("item_scraped_count", 0)),
            "status_200": int(stats.get("downloader/response_status_count/200", 0)),
            "errors": {
                k: v
                for k, v in stats.items()
                if k.startswith(
                    ("log_count/ERROR", "spider_exceptions", "downloader/exception_count")
                )
            },
            "rss_opened_kib": self.rss_opened_kib,
            "rss_closed_kib": _rss_kib(),
            "maxrss_kib": int(usage.ru_maxrss),  # Linux: KiB
        }
        self.path.write_text(json.dumps(summary, indent=1), encoding="utf-8")
