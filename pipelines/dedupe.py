"""DedupePipeline: one article per canonical URL per run.

Several list pages link the same article, and the record's url is its canonical first
page, so two requests can yield the same article; the second is redundant work for the
store, not an error, hence a plain DropItem at debug level and no failure row.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem


def dedupe_key(url: str) -> str:
    """The URL as the duplicate check sees it: trimmed, without a #fragment."""
    return urldefrag(url.strip())[0]


class DedupePipeline:
    """Drop an ArticleItem whose record url was already seen in this run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.seen = set()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            url = item.record.get("url")
            if isinstance(url, str) and url:
                key = dedupe_key(url)
                if key in self.seen:
                    if self.crawler.stats is not None:
                        self.crawler.stats.inc_value("archive/duplicates")
                    raise DropItem(f"duplicate article in this run: {url}", log_level="DEBUG")
                self.seen.add(key)
        return item
