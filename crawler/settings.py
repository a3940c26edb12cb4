"""Scrapy settings: polite defaults for crawling other people's report sites.

Environment overrides: ARCHIVE_DB_URL (the archive database, a SQLAlchemy URL or a path).
Everything else can be set per run with `report-archiver crawl -s NAME=VALUE`.
"""

from __future__ import annotations

import os

from crawler import __version__

BOT_NAME = "report-archiver"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = f"report-archiver/{__version__} (+https://pypi.org/project/report-archiver/)"
ROBOTSTXT_OBEY = True
# Long article URLs exist (a title in the path, percent-encoded): Scrapy's 2083 drops them
# silently; servers take 8 KB.
URLLENGTH_LIMIT = 8000

# Politeness: a few parallel requests per site, slowed further by AutoThrottle on remote
# sites (the spider turns AutoThrottle off when every start URL is on this machine).
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
# Bounded retries: a failing page costs at most 1 + RETRY_TIMES requests. A 429/503's
# Retry-After is waited for up to RETRY_AFTER_MAX seconds; a longer one is not retried.
RETRY_TIMES = 2
RETRY_AFTER_MAX = 30
REDIRECT_MAX_TIMES = 5
# Report pages are small; anything far larger is not an article.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
COOKIES_ENABLED = False

# No remote control or telnet console: a crawler should not open ports.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# The raw archive: a WARC writer next to the downloader (see crawler/middlewares.py).
DOWNLOADER_MIDDLEWARES = {
    "crawler.scope.ScopeMiddleware": 50,
    "crawler.incremental.IncrementalMiddleware": 80,
    "crawler.resilience.RetryAfterMiddleware": 560,
    "crawler.resilience.RedirectGuardMiddleware": 610,
    "crawler.middlewares.WarcMiddleware": 950,
}
WARC_ENABLED = True
WARC_MAX_BYTES = 1024 * 1024 * 1024
WARC_DIR = os.environ.get("WARC_DIR")

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 400,
}
EXTENSIONS = {
    "crawler.progress.ProgressExtension": 500,
    "crawler.downloads.FileDownloadStopper": 500,
}

ARCHIVE_DB_URL = os.environ.get("ARCHIVE_DB_URL")
ARCHIVE_COMMIT_EVERY = 100

# Scrapy 2.13+ conventions.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
