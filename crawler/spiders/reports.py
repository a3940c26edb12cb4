"""The generic report-site spider: give it a home or category page, get every article.

Navigation only. Each response goes to `crawler.extract.analyse` once, which says what the
page is (article / list / other), which other pages continue it, and what its record is;
the spider decides what to fetch next and stitches multi-page articles in page order.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.archive.signals import record_failure, record_page
from crawler.extract import (
    DEFAULT_RULES,
    ExtractError,
    FieldRules,
    PageAnalysis,
    Report,
    analyse,
    canonical_url,
    merge_pages,
)
from crawler.extract.urls import (
    first_page_address,
    is_front_page,
    page_key,
    same_article_pages,
    without_tracking,
)
from crawler.frontier import local_meta
from crawler.incremental import NotNeeded, known_articles
from crawler.items import ArticleItem
from crawler.profiles import SiteProfile, find_profile
from crawler.resilience import failure_reason
from pipelines.store import archive_of

# Scrapy's list of media and document types, and the documents Chinese sites offer besides:
# WPS Office's, CNKI's CAJ, Apabi's CEB, e-books and plain text.
_DOCUMENT_EXTENSIONS = ("wps", "et", "dps", "caj", "nh", "kdh", "ceb", "epub", "djvu", "mobi")
_IGNORED_SUFFIXES = tuple(
    f".{ext}" for ext in (*IGNORED_EXTENSIONS, *_DOCUMENT_EXTENSIONS, "txt", "chm")
)
# Links to pages that only repeat an article or hold none: the print version of an article
# (print.php?aid=, /print/, ?action=print, EmpireCMS /e/DoPrint/), a comment-reply copy
# (WordPress ?replytocom=), comment and guestbook pages (DedeCMS /plus/feedback.php?aid=, an
# ASP site's Comment.asp?ArticleID=),
# feeds, search results, log-in and posting forms.
_IGNORED_LINKS = re.compile(
    r"(?:^|[/_.?&=-])(?:do)?print(?:page)?(?:\.\w+)?(?:$|[/?&=_.])|"
    r"[?&](?:action|do|mod|act)=print\b|"
    r"[?&]replytocom=|/(?:feed|rss|atom)(?:/|\.xml|$)|[?&]feed=|"
    # Discuz!'s printable copy, report form, jumps to a post and one author's posts.
    r"[?&]action=(?:printable|report)\b|[?&]goto=(?:findpost|lastpost|nextnewset|nextoldset)\b|"
    r"[?&]authorid=\d|"
    r"/(?:feedback|guestbook|comments?|pinglun)(?:_ajax)?\.(?:php|asp|aspx|jsp)|[?&]m=comment\b|"
    r"/(?:plus/)?search\.\w+|[?&]m=member\b|"
    r"[?&](?:mod|action|do|a|ac|act)=(?:search|logging|login|logout|register|post)\b|"
    r"/(?:wp-login|wp-admin|member|login|register|signin|signup)(?:/|\.\w+|$)|"
    # A list sorted another way (?orderby=hits, &order=desc, ThinkPHP's /order/hits.html)
    # lists the same articles; a calendar's day and month links (?date=2024-03-05,
    # ?month=2024-03, /calendar/202403.html) never end.
    r"[?&](?:orderby|order|sort|sortby|sorttype)=|/(?:orderby|order|sort|sortby)/[^/?#]+|"
    r"[?&](?:date|day|month|ym|year)=\d{4}(?:[-/]?\d{1,2}){0,2}(?:&|$)|/calendar[/_.]|"
    # A share button's link: the article again, addressed to a share service.
    r"[?&]share=|"
    # WordPress's search results (/?s=…; not ThinkPHP's routes, /?s=/home/article/5).
    r"^/?\?(?:.*&)?s=(?!/|%2F)|"
    # DedeCMS's scripts under /plus/ but its dynamic article and list pages: bookmarking,
    # recommending, error reports, advanced search, votes, counters.
    r"/plus/(?!view\.php|list\.php)\w+\.php|"
    # EmpireCMS's comment, search, member, action and counter scripts under /e/.
    r"/e/(?:pl|search|member|enews|public|DoPrint|DownSys|ShopSys|payapi|space)/|"
    # Hanweb's list data endpoint, which its list script POSTs to (a GET of it is an error).
    r"/module/web/jpage/dataproxy\.jsp",
    re.IGNORECASE,
)
# The sitemap is read after the start pages, and a sitemap index two levels deep at most.
SITEMAP_PRIORITY = -1
SITEMAP_DEPTH = 2
SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit
# Continuation pages jump the queue: an article's pages are held in memory until stitched.
CONTINUATION_PRIORITY = 10
# How many followed links the spider remembers to skip repeats without asking the scheduler;
# bounded, so memory does not grow with the site (the duplicate filter stays the authority).
RECENT_LINKS = 20_000


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _ports_of(parts: SplitResult) -> tuple[int, ...]:
    """The port a URL names, or both default ports when it names none (a site answers http
    and https alike)."""
    try:
        port = parts.port
    except ValueError:
        return ()
    return (port,) if port is not None and port not in (80, 443) else (80, 443)


def _is_xml(content_type: str) -> bool:
    """A feed or other XML document (not XHTML): no page to read, whatever linked to it."""
    media = content_type.split(";", 1)[0].strip().lower()
    return "html" not in media and media.endswith(("/xml", "+xml"))


class StartURLError(ValueError):
    """A start URL that cannot be crawled; the message names it."""


@dataclass
class ArticleInProgress:
    """The pages of one multi-page article fetched so far, and those still to fetch."""

    first_url: str
    validators: tuple[str | None, str | None] = (None, None)  # first page's ETag, Last-Modified
    reports: dict[int, Report] = field(default_factory=dict)  # page number -> record
    pending: dict[int, str] = field(default_factory=dict)  # page number -> URL
    missing: list[str] = field(default_factory=list)
    # Meta of the continuation requests: they stay with the worker that took the first page.
    meta: dict[str, Any] = field(default_factory=dict)

    def add_pages(self, urls: list[str]) -> None:
        for url in urls:
            number = page_key(url)[1]
            failed = url in self.missing  # a later page's pager links it again: once is enough
            if number not in self.reports and number not in self.pending and not failed:
                self.pending[number] = url


def check_start_url(url: str) -> str:
    """The URL if a crawl can start there, else StartURLError saying why."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[::1": a bracket never closed
        raise StartURLError(f"{url}: not a URL") from None
    if parts.scheme not in ("http", "https"):
        raise StartURLError(f"{url}: not an http(s) URL")
    if not parts.hostname:
        raise StartURLError(f"{url}: no host name")
    try:
        _ = parts.port
    except ValueError:
        raise StartURLError(f"{url}: bad port") from None
    return url.strip()


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ReportsSpider(scrapy.Spider):
    """Crawl one report site from its home or category pages (`-a start_url=URL`)."""

    name = "reports"

    def __init__(
        self,
        start_url: str | None = None,
        site: str | None = None,
        refresh: str | bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.profile: SiteProfile | None = find_profile(site) if site else None
        urls = [u for u in (start_url or "").split(",") if u.strip()]
        if not urls and self.profile:
            urls = list(self.profile.start_urls)
        if not urls:
            raise StartURLError("no start URL: give -a start_url=URL or -a site=NAME")
        self.start_urls = [check_start_url(u) for u in urls]
        domains = self.profile.allowed_domains if self.profile and not start_url else ()
        self.allowed_domains = list(
            domains or dict.fromkeys(urlsplit(u).hostname or "" for u in self.start_urls)
        )
        # Hosts followed: the allowed domains and their subdomains (an IP address has none),
        # on the start URLs' ports (another port is another server; http and https are one).
        self._hosts = frozenset(self.allowed_domains)
        self._parent_domains = tuple(f".{d}" for d in self.allowed_domains if not _is_ip(d))
        self._ports = frozenset(p for u in self.start_urls for p in _ports_of(urlsplit(u)))
        self.site = self.profile.name if self.profile else None
        # Re-fetch every known article (conditionally); else only those the profile says.
        self.refresh = str(refresh).lower() in ("1", "true", "yes", "on")
        self.rules: FieldRules = self.profile.rules if self.profile else DEFAULT_RULES
        self._recently_followed: OrderedDict[str, None] = OrderedDict()
        # Archived articles not due for a refresh, and when each was last fetched: a sitemap
        # saying one changed since has it fetched again (parse_sitemap).
        self._last_seen: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if all(is_loopback(url) for url in spider.start_urls):
            # A site on this machine (the demo, the tests): no need to be gentle.
            crawler.settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.fetch_failed)
        if self.crawler.settings.getbool("SITEMAP_DISCOVERY", True):
            # The site's own list of its pages reaches what no link does any more: at the
            # usual address, and wherever robots.txt says (sitemap_index.xml, baidusitemap.xml).
            for origin in dict.fromkeys(_origin(url) for url in self.start_urls):
                yield self._sitemap_request(f"{origin}/sitemap.xml", depth=0)
                yield scrapy.Request(
                    f"{origin}/robots.txt",
                    callback=self.parse_robots,
                    errback=self.sitemap_missing,
                    priority=SITEMAP_PRIORITY,
                )
        archive = archive_of(self.crawler)
        if archive is not None:
            # Articles due for a refresh are revisited even when no list links them any more.
            for url, known in known_articles(archive, self).items():
                if known.due:
                    yield self._request(url, self.parse)
                elif known.last_seen:
                    self._last_seen[url] = known.last_seen

    # -- pages ---------------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        analysis = self._analyse(response)
        if analysis is None:
            return
        if analysis.kind == "article":
            if analysis.page_number > 1:
                # Reached a later page first: the article is fetched from its first page, and
                # the page's links are followed all the same (should the first page be dead,
                # or the page no article page at all, they are the only way on).
                first = next(
                    (u for u in analysis.continuation_urls if page_key(u)[1] == 1),
                    page_key(response.url)[0],
                )
                yield self._request(first, self.parse)
                skip = frozenset((*analysis.continuation_urls, first))
                yield from self._follow(analysis, skip)
                return
            original = self._original_of(response, analysis)
            if original:
                # The page names another address as its own (rel=canonical): a copy under a
                # second URL (index.php?…&id=345 of show-12-345-1.html) is fetched, and
                # stored, at that address only.
                yield scrapy.Request(
                    original,
                    callback=self.parse,
                    errback=self.fetch_failed,
                    meta={"canonical_of": response.url},
                )
                # (The copy's pager leads to the article's later pages, which the original's
                # stitching fetches: following them here too would fetch them twice.)
                pages = same_article_pages(original, analysis.links, base=analysis.base_url)
                skip = frozenset((original, *analysis.continuation_urls, *pages))
                yield from self._follow(analysis, skip)
                return
            article = ArticleInProgress(
                response.url, _validators(response), meta=local_meta(response.meta)
            )
            if analysis.cut_off:
                article.missing.append(response.url)
            if analysis.continuation_urls:
                article.reports[1] = analysis.report
                article.add_pages(analysis.continuation_urls)
                yield from self._next_page_or_item(article)
            else:
                yield self._item(analysis.report, article)
        # The article's own pager is fetched by the chain above (unfiltered, so the
        # duplicate filter never sees those URLs): following it again would fetch them twice.
        yield from self._follow(analysis, frozenset(analysis.continuation_urls))

    def parse_continuation(self, response: Response, article: ArticleInProgress) -> Iterator[Any]:
        analysis = self._analyse(response, article_url=article.first_url)
        if analysis is None:
            article.missing.append(response.url)
        else:
            article.reports[page_key(response.url)[1]] = analysis.report
            article.add_pages(analysis.continuation_urls)
            if analysis.cut_off:
                article.missing.append(response.url)
        yield from self._next_page_or_item(article)

    def _next_page_or_item(self, article: ArticleInProgress) -> Iterator[Any]:
        if article.pending:
            number = min(article.pending)
            url = article.pending.pop(number)
            # Fetched unfiltered, so the duplicate filter never learns of it: a link to it
            # from another page must not fetch it again.
            self._seen_recently(url)
            yield scrapy.Request(
                url,
                callback=self.parse_continuation,
                errback=self.continuation_failed,
                cb_kwargs={"article": article},
                meta=dict(article.meta),
                dont_filter=True,
                priority=CONTINUATION_PRIORITY,
            )
            return
        reports = [article.reports[n] for n in sorted(article.reports)]
        yield self._item(merge_pages(reports), article)

    def _item(self, report: Report, article: ArticleInProgress) -> ArticleItem:
        return ArticleItem(
            record=report.to_dict(),
            incomplete=bool(article.missing),
            missing_pages=list(article.missing),
            site_profile=self.site,
            etag=article.validators[0],
            last_modified=article.validators[1],
        )

    def _analyse(self, response: Response, article_url: str | None = None) -> PageAnalysis | None:
        """The page's analysis, with the page and any failure logged in the archive."""
        page = _ledger(response, "other")
        content_type = page["content_type"]
        if "download_stopped" in response.flags:  # a file, stopped at its headers
            record_page(self.crawler, response.url, **{**page, "kind": "file"})
            return None
        if not isinstance(response, TextResponse) or _is_xml(content_type):
            record_page(self.crawler, response.url, **page)
            return None
        try:
            analysis = analyse(
                response.body, response.url, {"Content-Type": content_type}, rules=self.rules
            )
            if analysis.kind == "article" or article_url is not None:
                # The record is read when first asked for: here, where a parser bug on an
                # odd page is caught and recorded instead of losing the page unnoticed.
                _ = analysis.report
        except ExtractError as error:
            record_failure(self.crawler, response.url, "decode", str(error))
            record_page(self.crawler, response.url, **page)
            return None
        except Exception as error:  # a parser bug must not stop the crawl
            reason = f"{type(error).__name__}: {error}"
            record_failure(self.crawler, response.url, "extract", reason)
            record_page(self.crawler, response.url, **page)
            return None
        page["kind"] = analysis.kind
        page["encoding"] = analysis.encoding
        if analysis.cut_off:
            stored = (
                ", stored as far as it goes, marked incomplete"
                if analysis.kind == "article"
                else ""
            )
            record_failure(
                self.crawler,
                response.url,
                "extract",
                f"HTML cut off: the page ends before </body></html>{stored}",
            )
        if analysis.kind == "article":
            original = None if article_url else self._original_of(response, analysis)
            if original:
                # A copy of the article at another address: the ledger says whose, and the
                # next crawl knows the address (incremental.known_articles) and skips it.
                page["kind"] = "copy"
            page["article_url"] = canonical_url(article_url or original or response.url)
        record_page(self.crawler, response.url, **page)
        return analysis

    # -- sitemaps ------------------------------------------------------------------------

    def _sitemap_request(self, url: str, depth: int) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_sitemap,
            errback=self.sitemap_missing,
            cb_kwargs={"depth": depth},
            meta={"sitemap": True},  # (a gzipped one may come as a file: downloads.py)
            priority=SITEMAP_PRIORITY,
        )

    def parse_sitemap(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        """The pages a sitemap lists, and the sitemaps a sitemap index lists (two levels)."""
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=SITEMAP_MAX_BYTES)
            except (OSError, ValueError):  # (ValueError: past the size a sitemap may have)
                return
        try:
            sitemap = Sitemap(body)
        except (ValueError, etree.LxmlError):
            return
        if sitemap.type not in ("urlset", "sitemapindex"):
            return  # a page answering for a sitemap the site has not got
        record_page(self.crawler, response.url, **_ledger(response, "sitemap"))
        entries: list[object] = []
        with contextlib.suppress(etree.LxmlError):  # cut off: the entries before still count
            entries.extend(sitemap)
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            loc = entry.get("loc")
            url = self._followable(response.url, loc) if isinstance(loc, str) else None
            if url is None:
                continue
            if sitemap.type == "sitemapindex":
                if depth < SITEMAP_DEPTH:
                    yield self._sitemap_request(url, depth + 1)
            elif sitemap.type == "urlset" and self._changed_since_seen(url, entry.get("lastmod")):
                # Archived, not due, but changed since (its <lastmod>): fetched again, past
                # the incremental skip, and past the duplicate filter (a list's link to it
                # was skipped, and filtered, before).
                self._last_seen.pop(canonical_url(url), None)
                yield scrapy.Request(
                    url,
                    callback=self.parse,
                    errback=self.fetch_failed,
                    meta={"dont_skip_known": True},
                    dont_filter=True,
                )
            elif sitemap.type == "urlset" and not self._seen_recently(url):
                yield self._request(url, self.parse)

    def _changed_since_seen(self, url: str, lastmod: object) -> bool:
        """Whether a sitemap's <lastmod> for an archived article is later than its last
        fetch (a date alone, or a time without a zone, read as UTC)."""
        seen = self._last_seen.get(canonical_url(url))
        if not seen or not isinstance(lastmod, str):
            return False
        try:
            changed = datetime.fromisoformat(lastmod.strip().replace("Z", "+00:00"))
            fetched = datetime.fromisoformat(seen)
        except ValueError:
            return False
        if changed.tzinfo is None:
            changed = changed.replace(tzinfo=UTC)
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        return changed > fetched

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """The sitemaps robots.txt names (Sitemap: lines); /sitemap.xml again is a duplicate
        the scheduler drops."""
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            if url.startswith(("http://", "https://")):
                yield self._sitemap_request(url, depth=0)

    def sitemap_missing(self, failure: Failure) -> None:
        """Most sites have no sitemap.xml: its 404 is no failure of the crawl."""

    # -- links ---------------------------------------------------------------------------

    def _follow(self, analysis: PageAnalysis, skip: frozenset[str]) -> Iterator[scrapy.Request]:
        for href in analysis.links:
            url = self._followable(analysis.base_url, href)
            if not url or url in skip:
                continue
            # Menus and side lists repeat on every page: the scheduler would drop the
            # request as a duplicate, after costing as much as a new one to build.
            if not self._seen_recently(url):
                # (A query written in Chinese on a GBK page goes out GBK-encoded, as a
                # browser sends it: ?kw=工作报告 is %B9%A4%D7%F7…, not UTF-8's.)
                yield self._request(url, self.parse, analysis.encoding)

    def _seen_recently(self, url: str) -> bool:
        """Whether url was requested lately (and remember that it is now)."""
        recent = self._recently_followed
        if url in recent:
            recent.move_to_end(url)
            return True
        recent[url] = None
        if len(recent) > RECENT_LINKS:
            recent.popitem(last=False)
        return False

    def _original_of(self, response: Response, analysis: PageAnalysis) -> str | None:
        """The URL of the article this page copies, by its rel=canonical; None where it names
        itself, another page of itself, the site's front page (a common misconfiguration),
        another site, or where the page was itself reached as some copy's original (two pages
        naming each other would otherwise both go unstored)."""
        if not analysis.canonical or "canonical_of" in response.meta:
            return None
        url = self._followable(response.url, analysis.canonical)
        if url is None or page_key(url)[0] == page_key(response.url)[0] or is_front_page(url):
            return None
        return url if canonical_url(url) != canonical_url(response.url) else None

    def _followable(self, base: str, href: str) -> str | None:
        """The absolute URL of a link worth following, or None (other site, media, mailto…)."""
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            return None
        if "\\" in href:
            href = href.replace("\\", "/")  # \html\a.html: a browser reads the slashes so
        try:
            url = urljoin(base, href).split("#", 1)[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return None
        except ValueError:  # not a URL ("http://[x", an IPv6 host that is none)
            return None
        if parts.path.lower().endswith(_IGNORED_SUFFIXES):
            return None
        if _IGNORED_LINKS.search(f"{parts.path}?{parts.query}"):
            return None
        if parts.hostname not in self._hosts and not parts.hostname.endswith(self._parent_domains):
            return None
        if not self._ports.intersection(_ports_of(parts)):
            return None
        if self.profile and not self.profile.wants(url):
            return None
        # ?utm_source=… copies of one page, and ?page=1 of one that is its own address:
        # asked for once, at its plain address.
        return first_page_address(without_tracking(url))

    def _request(self, url: str, callback: Any, encoding: str = "utf-8") -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.fetch_failed, encoding=encoding)

    # -- failures ------------------------------------------------------------------------

    def fetch_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if _decided(failure):
            return  # robots.txt said no, or the archive already has it: not a failure
        self._record_error_page(failure)
        record_failure(self.crawler, _first_url(request), "fetch", failure_reason(failure))

    def continuation_failed(self, failure: Failure) -> Iterator[Any]:
        """A later page of an article failed: the article is still stored, marked incomplete."""
        request = failure.request  # type: ignore[attr-defined]
        self._record_error_page(failure)
        record_failure(self.crawler, _first_url(request), "fetch", failure_reason(failure))
        article: ArticleInProgress = request.cb_kwargs["article"]
        article.missing.append(request.url)
        response = getattr(failure.value, "response", None)
        if isinstance(response, Response) and response.status in (404, 410):
            # A pager promising more pages than there are (1 … 50 for 3): the pages after a
            # missing one are missing too, and not worth a request each.
            number = page_key(request.url)[1]
            article.pending = {n: url for n, url in article.pending.items() if n < number}
        yield from self._next_page_or_item(article)

    def _record_error_page(self, failure: Failure) -> None:
        """An HTTP error response (404, 500 …) is a fetched page too, kept in the WARC."""
        response = getattr(failure.value, "response", None)
        if isinstance(response, Response):
            record_page(self.crawler, response.url, **_ledger(response, "error"))


def _ledger(response: Response, kind: str) -> dict[str, Any]:
    """What the pages ledger keeps of a response: status, size, type, kind, WARC place."""
    return {
        "status": response.status,
        "size": len(response.body),
        "content_type": (response.headers.get("Content-Type") or b"").decode("latin-1"),
        "kind": kind,
        **response.meta.get("warc", {}),
    }


def _validators(response: Response) -> tuple[str | None, str | None]:
    """The response's ETag and Last-Modified, kept for conditional re-fetches."""
    etag = response.headers.get("ETag")
    modified = response.headers.get("Last-Modified")
    return (
        etag.decode("latin-1") if etag else None,
        modified.decode("latin-1") if modified else None,
    )


def _decided(failure: Failure) -> bool:
    """Whether a request was dropped by choice (robots.txt, the archive) rather than failed."""
    if failure.check(NotNeeded):
        return True
    return bool(failure.check(IgnoreRequest)) and str(failure.value).startswith(
        "Forbidden by robots.txt"  # RobotsTxtMiddleware's message; its only IgnoreRequest
    )


def _first_url(request: scrapy.Request) -> str:
    """The URL the crawl asked for: before any redirect, that is the page that failed."""
    urls = request.meta.get("redirect_urls") or [request.url]
    return str(urls[0])
