"""Stop a download once its headers show a file rather than a page.

Links to files do not always say so: 大汉 and TRS sites serve their attachments through a
script (`/module/download/downfile.jsp?filename=….doc`), whose address looks like any page's.
Only the response's headers tell (`Content-Disposition: attachment`, a document's or an
image's media type), and by then the body is on its way: it can be megabytes, which the crawl
would fetch and archive for nothing. Scrapy's headers_received signal lets the download stop
right there; the response reaches the spider without its body, as a page that is no page.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import StopDownload

# Media types of files, never of pages (a sitemap's gzip is asked for with meta["sitemap"]).
FILE_MEDIA_PREFIXES = ("image/", "audio/", "video/", "font/", "application/vnd.")
FILE_MEDIA = frozenset(
    (
        "application/octet-stream",
        "application/pdf",
        "application/msword",
        "application/zip",
        "application/x-zip-compressed",
        "application/x-rar-compressed",
        "application/x-7z-compressed",
        "application/x-msdownload",
        "application/epub+zip",
    )
)


# The address of a page (…/125.html, show.asp?id=5, a folder): served as application/
# octet-stream by an old server missing the type, it is still read as the page it is.
PAGE_PATH = re.compile(r"(?:/|\.(?:s?html?|asp|aspx|php|jsp|do|cgi))$", re.IGNORECASE)


def is_file_download(headers: Any, url: str = "") -> bool:
    """Whether response headers (Scrapy's Headers) announce a file, not a page."""
    disposition = (headers.get(b"Content-Disposition") or b"").decode("latin-1").strip().lower()
    if disposition.startswith("attachment"):
        return True
    media = (headers.get(b"Content-Type") or b"").decode("latin-1").split(";", 1)[0]
    media = media.strip().lower()
    if media == "application/octet-stream" and PAGE_PATH.search(urlsplit(url).path or "/"):
        return False
    return media in FILE_MEDIA or media.startswith(FILE_MEDIA_PREFIXES)


class FileDownloadStopper:
    """Ends a download at its headers when they announce a file (see the module's doc)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FileDownloadStopper:
        stopper = cls()
        crawler.signals.connect(stopper.headers_received, signal=signals.headers_received)
        return stopper

    def headers_received(self, headers: Any, body_length: int, request: Request, **_: Any) -> None:
        if not request.meta.get("sitemap") and is_file_download(headers, request.url):
            raise StopDownload(fail=False)
