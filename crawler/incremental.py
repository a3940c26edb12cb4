"""Incremental crawls on the archive's own memory, across processes and machines.

A repeat crawl fetches list pages again and articles it has not seen. A known article is
fetched again only when the crawl refreshes (`--refresh`, or the profile's
`refresh_after` has passed since it was last seen), and then conditionally, with the
ETag / Last-Modified stored from its last fetch: a 304 only updates `last_seen`, a 404 or
410 marks it gone (the record is kept), a 200 goes through the normal path, where changed
content becomes a new version.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from sqlalchemy import select

from crawler.archive import Archive
from crawler.archive.models import Article, ArticleAlias, Page
from crawler.extract import canonical_url
from pipelines.store import archive_of

# request.meta key: the stored validators were sent with this request.
CONDITIONAL = "archive_conditional"


class NotNeeded(IgnoreRequest):
    """A request the archive already answers (known article, 304): a decision, not a failure."""


class KnownArticle:
    __slots__ = ("due", "etag", "last_modified", "last_seen")

    def __init__(
        self,
        due: bool,
        etag: str | None,
        last_modified: str | None,
        last_seen: str | None = None,
    ) -> None:
        self.due = due
        self.etag = etag
        self.last_modified = last_modified
        self.last_seen = last_seen  # when the crawl last fetched it (an alias: None)


def known_articles(archive: Archive, spider: Spider) -> dict[str, KnownArticle]:
    """The archived articles of the spider's sites, each marked due for a refresh or not, and
    their aliases, never due.

    Everything is due with the spider's `refresh` flag; otherwise what was last seen longer
    ago than the site profile's `refresh_after`; otherwise nothing.
    """
    refresh_all = bool(getattr(spider, "refresh", False))
    profile = getattr(spider, "profile", None)
    after: timedelta | None = getattr(profile, "refresh_after", None)
    cutoff = (datetime.now(UTC) - after).isoformat() if after else None
    domains = list(getattr(spider, "allowed_domains", None) or [])
    query = select(Article.url, Article.last_seen, Article.etag, Article.last_modified)
    known = {}
    for url, last_seen, etag, last_modified in archive.query(query):
        if domains and not _on(url, domains):
            continue
        due = refresh_all or (cutoff is not None and (last_seen or "") < cutoff)
        known[url] = KnownArticle(due, etag, last_modified, last_seen)
    # Another address of an archived article is never asked for again: the article's own
    # address is where its changes are fetched.
    for (url,) in archive.query(select(ArticleAlias.url)):
        if not domains or _on(url, domains):
            known.setdefault(url, KnownArticle(False, None, None))
    # So is a copy naming an archived article as its own (rel=canonical), once fetched.
    for url, original in archive.query(
        select(Page.url, Page.article_url).where(Page.kind == "copy")
    ):
        if original in known and (not domains or _on(url, domains)):
            known.setdefault(url, KnownArticle(False, None, None))
    return known


class IncrementalMiddleware:
    """Skip known articles, or re-fetch them conditionally when a refresh is due."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.known: dict[str, KnownArticle] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        archive = archive_of(self.crawler)
        if archive is not None:
            self.known = known_articles(archive, spider)
            self._inc("incremental/known_articles", len(self.known))

    def process_request(self, request: Request) -> None:
        known = self.known.get(canonical_url(request.url))
        if known is None or request.meta.get("dont_skip_known"):
            return
        if not known.due:
            self._inc("incremental/skipped")
            raise NotNeeded(f"{request.url}: archived, not due for a refresh")
        if known.etag:
            request.headers.setdefault("If-None-Match", known.etag)
        if known.last_modified:
            request.headers.setdefault("If-Modified-Since", known.last_modified)
        request.meta[CONDITIONAL] = bool(known.etag or known.last_modified)

    def process_response(self, request: Request, response: Response) -> Any:
        url = canonical_url(request.url)
        if url not in self.known:
            return response
        archive = archive_of(self.crawler)
        if response.status == 304 and request.meta.get(CONDITIONAL):
            if archive is not None:
                archive.touch(url)
            self._inc("incremental/not_modified")
            raise NotNeeded(f"{request.url}: not modified")
        if response.status in (404, 410) and archive is not None:
            archive.mark_gone(url)
            self._inc("incremental/gone")
            # Recorded as the article's status, not as a failure on every refresh.
            raise NotNeeded(f"{request.url}: gone ({response.status})")
        return response

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)


def _on(url: str, domains: list[str]) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == d or host.endswith("." + d) for d in domains)
