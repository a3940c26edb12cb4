"""Stop a crawl the moment its archive cannot be written (disk full, file too large, I/O error).

Going on would fetch pages only to lose them, and log the same error for each. Stopping
at once keeps what was committed before intact (SQLite rolls the open batch back; the WARC
file's torn last record is cut off by the next crawl), and the command ends with one line
naming the file that could not be written (``STORAGE_ERROR`` in the crawl's stats).
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

log = logging.getLogger(__name__)

STORAGE_ERROR = "storage/error"  # stats key: the one-line message, set once
FINISH_REASON = "storage_full"


def stop_for_full_disk(crawler: Crawler, detail: str) -> None:
    """Record why (``detail`` names the file) and close the spider; later calls are no-ops."""
    stats = crawler.stats
    if stats is None or stats.get_value(STORAGE_ERROR):
        return
    message = (
        f"{detail}: the disk is full or failing; the crawl stopped, what was saved before is kept"
    )
    stats.set_value(STORAGE_ERROR, message)
    log.error("%s", message)
    engine = crawler.engine
    if engine is not None and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason=FINISH_REASON))
