"""URLs of articles: the canonical form and the numbering of an article's pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that track a visit and never select content.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|spm|from|share\w*|fbclid|gclid|yclid|mc_\w+|_hs\w+|isappinstalled|"
    r"scene|clicktime|enterid|wfr|ref_src)$",
    re.IGNORECASE,
)
PAGE_PARAMS = ("page", "p", "pn", "pg", "pageno", "page_no", "pagenum", "pageindex", "currentpage")
# 123_2.html, 123-2.html, 123_2.shtml, index_2.htm
_PATH_PAGE = re.compile(r"^(?P<stem>.+?)[_-](?P<n>\d{1,3})(?P<ext>\.[a-z]{2,5})$", re.IGNORECASE)
# /2023/06/28/slug/2/ and /article/slug/page/2: a small number as the last path segment, after
# a segment that is not a number itself (so /2023/06/28/ is no page 28 of /2023/06/).
_DIR_PAGE = re.compile(r"^(?P<stem>.*/(?!page/)[^/]*[^/\d][^/]*)/(?:page/)?(?P<n>[1-9]\d?)(?P<slash>/?)$")


def canonical_url(url: str) -> str:
    """Fragment dropped, tracking parameters dropped, scheme and host lower-cased."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and parts.port not in (80, 443) else None
    netloc = f"{host}:{port}" if port else host
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMS.match(k)
        ]
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def page_key(url: str) -> tuple[str, int]:
    """The URL of the article with its page number removed, and that number (1 when absent)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for name, value in query:
        if name.lower() in PAGE_PARAMS and value.isdigit():
            rest = urlencode([(k, v) for k, v in query if k != name])
            return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, "")), int(value)
    match = _PATH_PAGE.match(parts.path)
    if match:
        path = match.group("stem") + match.group("ext")
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), int(
            match.group("n")
        )
    match = _DIR_PAGE.match(parts.path)
    if match:
        path = match.group("stem") + match.group("slash")
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), int(
            match.group("n")
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")), 1


def same_article_pages(url: str, hrefs: list[str]) -> list[str]:
    """Among links, the other pages of the article at url, ordered by page number."""
    key, number = page_key(url)
    found: dict[int, str] = {}
    for href in hrefs:
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        absolute = urljoin(url, href.strip()).split("#", 1)[0]
        other_key, other_number = page_key(absolute)
        if other_key == key and other_number != number and absolute != url:
            if other_number == 1:
                absolute = key
            found.setdefault(other_number, absolute)
    return [found[n] for n in sorted(found)]
