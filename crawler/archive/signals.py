"""Signals through which spiders and middlewares log pages and failures in the archive.

They keep fetch code free of any database handle: the sender does not know or care
whether a store pipeline is enabled, and the StorePipeline (the one owner of the Archive)
adds the crawl run id and writes the row. With no receiver, sending is a no-op.

    from crawler.archive.signals import record_failure, record_page

    record_page(self.crawler, response.url, status=response.status, kind="article",
                content_type=..., encoding=response.encoding, size=len(response.body))
    record_failure(self.crawler, failure.request.url, "fetch", repr(failure.value))

``crawler`` is the running ``scrapy.crawler.Crawler`` (``self.crawler`` in a spider).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


# Arguments: url: str, fields: dict of Archive.record_page's keyword arguments (run_id aside).
page_fetched = object()
# Arguments: url: str, stage: str (fetch/decode/extract/validate/store), reason: str.
page_failed = object()


def record_page(crawler: Crawler, url: str, **fields: Any) -> None:
    """Ask the archive to log a fetched URL; ``fields`` as in ``Archive.record_page``."""
    crawler.signals.send_catch_log(signal=page_fetched, url=url, fields=fields)


def record_failure(crawler: Crawler, url: str, stage: str, reason: str) -> None:
    """Ask the archive to log that ``url`` failed at ``stage`` and why."""
    crawler.signals.send_catch_log(signal=page_failed, url=url, stage=stage, reason=reason)
