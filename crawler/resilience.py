"""Downloader middlewares that keep a misbehaving server's answers bounded and nameable.

Scrapy 2.19's RetryMiddleware retries a 429 or 503 at once, whatever its Retry-After
says, and its RedirectMiddleware hands a redirect back to the scheduler, whose duplicate
filter silently drops a loop (A -> B -> A) as a "seen" request: the page is lost and
nothing says why. These two sit just outside them:

- ``RetryAfterMiddleware`` waits as long as Retry-After asks (seconds or an HTTP date)
  before RetryMiddleware retries, up to ``RETRY_AFTER_MAX`` seconds; a longer wait is
  not retried at all (the failure says so), since hammering a site that asked for an
  hour's rest is rude and waiting an hour stalls the crawl.
- ``RedirectGuardMiddleware`` turns a redirect back into its own chain, or off the
  crawl's allowed domains (which OffsiteMiddleware drops silently while scheduling), into
  an IgnoreRequest naming where it led, which the spider's errback records as a failure.

``failure_reason`` words any failed request in one line for the failures table.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from twisted.internet import defer
from twisted.internet.error import ConnectionDone, ConnectionLost, TimeoutError
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

log = logging.getLogger(__name__)

# request.meta key: the Retry-After (seconds) that was past the cap, so it was not retried.
RETRY_AFTER_REFUSED = "retry_after_refused"
# request.meta key: the Retry-After (seconds) waited before the retry.
RETRY_AFTER_WAITED = "retry_after_waited"


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (RFC 9110 10.2.3), None when absent or unusable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """Honour Retry-After on the statuses RetryMiddleware retries, within RETRY_AFTER_MAX."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.cap = settings.getfloat("RETRY_AFTER_MAX", 30.0)
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.enabled = settings.getbool("RETRY_ENABLED")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if (
            not self.enabled
            or response.status not in self.retry_codes
            or request.meta.get("dont_retry")
        ):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            return response
        budget = request.meta.get("max_retry_times", self.max_retry_times)
        if request.meta.get("retry_times", 0) >= budget:
            return response  # RetryMiddleware gives up anyway: no point waiting
        if wait > self.cap:
            request.meta[RETRY_AFTER_REFUSED] = wait
            request.meta["dont_retry"] = True
            self._inc("retry_after/refused")
            return response
        if wait > 0:
            log.debug("%s: waiting %.1fs as Retry-After asks", request.url, wait)
            request.meta[RETRY_AFTER_WAITED] = wait
            self._inc("retry_after/waited")
            await asyncio.sleep(wait)
        return response

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


class RedirectGuardMiddleware:
    """Raise IgnoreRequest, saying where it led, for a redirect in a loop or off the site.

    Scrapy's OffsiteMiddleware drops an off-site redirect while scheduling it, where no
    errback hears of it; refusing it here, on the response, reaches the spider's errback.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if not (300 <= response.status < 400) or not location:
            return response
        try:
            target = urljoin(request.url, location.decode("latin-1")).split("#", 1)[0]
            parts = urlsplit(target)
            host = parts.hostname or ""
        except ValueError:
            raise IgnoreRequest(f"redirect to a malformed URL: {location!r}") from None
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            steps = " -> ".join([*chain[chain.index(target) :], target])
            raise IgnoreRequest(f"redirect loop: {steps}")
        if parts.scheme in ("http", "https") and not self._on_site(host):
            raise IgnoreRequest(f"redirect off the site, to {target}")
        return response

    def _on_site(self, host: str) -> bool:
        domains = getattr(self.crawler.spider, "allowed_domains", None) or []
        return not domains or any(host == d or host.endswith("." + d) for d in domains)


def failure_reason(failure: Failure) -> str:
    """One readable line saying why a request failed: 'HTTP 500 Internal Server Error
    (gave up after 2 retries)', 'timed out after 30s', 'redirect loop: a -> b -> a'."""
    value = failure.value
    request = getattr(failure, "request", None)
    meta = request.meta if request is not None else {}
    retries = int(meta.get("retry_times", 0))
    tried = (
        f" (gave up after {retries} {'retry' if retries == 1 else 'retries'})" if retries else ""
    )
    response = getattr(value, "response", None)
    if isinstance(response, Response):
        text = f"HTTP {response.status} {_phrase(response.status)}".rstrip()
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            return f"{text}: redirect to {location.decode('latin-1')} not followed"
        refused = meta.get(RETRY_AFTER_REFUSED)
        if refused is not None:
            return f"{text}: Retry-After {refused:.0f}s is past RETRY_AFTER_MAX, not retried"
        return text + tried
    if failure.check(DownloadTimeoutError, TimeoutError, defer.TimeoutError):
        timeout = meta.get("download_timeout")
        within = f" after {timeout:g}s" if isinstance(timeout, int | float) else ""
        return f"timed out{within}: no complete response{tried}"
    if failure.check(ResponseDataLossError):
        return f"body shorter than its Content-Length: the connection closed early{tried}"
    if failure.check(DownloadCancelledError):
        detail = str(value).rstrip(".")
        return "download cancelled: the body is larger than DOWNLOAD_MAXSIZE" + (
            f" ({detail})" if detail else ""
        )
    if failure.check(ConnectionLost, ConnectionDone, ResponseFailed, DownloadFailedError):
        return f"connection lost or reset mid-response ({_short(value)}){tried}"
    if failure.check(IgnoreRequest):
        text = str(value) or "ignored"
        if text == "max redirections reached":  # RedirectMiddleware's words
            return f"too many redirects (REDIRECT_MAX_TIMES), the last to {request.url if request else '?'}"
        return text
    return f"{type(value).__name__}: {_short(value)}{tried}"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(value: BaseException | None) -> str:
    """An exception's text on one line, without Twisted's nested Failure reprs."""
    text = str(value).strip() or type(value).__name__
    # ResponseFailed and friends print a list of Twisted Failure reprs: keep their words.
    inner = re.search(r"Failure [\w.]*?(\w+): ([^>]*)>", text)
    if inner:
        text = f"{inner[1]}: {inner[2]}"
    return text.splitlines()[0][:200]
