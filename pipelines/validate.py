"""ValidatePipeline: refuse records that are not worth archiving, saying why.

A record needs an http(s) url, a title and a body; anything less is an extraction
failure, not an article. The drop carries its url and stage so the StorePipeline (the
one owner of the archive) records it in ``failures`` when Scrapy signals ``item_dropped``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem


class InvalidItem(DropItem):
    """A dropped item that is a failure to record, not a mere duplicate."""

    stage = "validate"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"invalid record {url or '(no url)'}: {reason}")
        self.url = url
        self.reason = reason


def problems(record: dict[str, Any]) -> list[str]:
    """What is wrong with a record, empty when it is valid."""
    found = []
    url = record.get("url")
    if not isinstance(url, str) or not url.strip():
        found.append("no url")
    else:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            found.append(f"url is not http(s): {url!r}")
    for name in ("title", "body"):
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            found.append(f"empty {name}")
    return found


class ValidatePipeline:
    """Raise InvalidItem (a DropItem) for an ArticleItem whose record is unusable."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            found = problems(item.record)
            if found:
                url = item.record.get("url")
                if self.crawler.stats is not None:
                    self.crawler.stats.inc_value("archive/invalid")
                raise InvalidItem(url if isinstance(url, str) else "", "; ".join(found))
        return item
