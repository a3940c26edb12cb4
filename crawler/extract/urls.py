"""URLs of articles: the canonical form and the numbering of an article's pages."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit

# Query parameters that track a visit and never select content.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|spm|from|share\w*|fbclid|gclid|yclid|mc_\w+|_hs\w+|isappinstalled|"
    r"scene|clicktime|enterid|wfr|ref_src|"
    # Session ids: a visitor's, never the page's.
    r"phpsessid|jsessionid|sessionid|aspsessionid\w*)$",
    re.IGNORECASE,
)
# A session id in the path: /a/203.html;jsessionid=ABC123.
_PATH_SESSION = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
# In order of preference: /?p=231&page=2 is page 2 of post 231.
PAGE_PARAMS = (
    "page",
    "pageno",
    "page_no",
    "pagenum",
    "pageindex",
    "currentpage",
    "articlepage",  # 动易 (PowerEasy) ASP articles: ShowNews.asp?id=2841&ArticlePage=2
    "pn",
    "pg",
    "p",
)
# Scripts whose page parameter counts from 0: EmpireCMS's dynamic article page
# (e/action/ShowInfo.php?classid=5&id=88 is page 1, &page=1 page 2, &page=2 page 3).
ZERO_BASED_PAGES = re.compile(r"/showinfo\.php$", re.IGNORECASE)
# Page files numbered from 0 after the first: TRS WCM's documents, the CMS of most government
# portals (t20240220_2001.html, then t20240220_2001_1.html as page 2).
ZERO_BASED_STEMS = re.compile(r"/t\d{8}_\d+$")
# More pages than this in a pager's count is a list's pager, not an article's.
MAX_PAGES = 50
# The path of a site's front page: /, /index.html, /default.aspx …
_FRONT_PAGE = re.compile(
    r"^/?(?:(?:index|default|home|main)\.(?:html?|shtml|php|aspx?|jsp))?$", re.I
)  # (main.htm: WebPlus sites')
# 123_2.html, 123-2.html, 123_2.shtml, index_2.htm
_PATH_PAGE = re.compile(r"^(?P<stem>.+?)[_-](?P<n>\d{1,3})(?P<ext>\.[a-z]{2,5})$", re.IGNORECASE)
# /article/58213/2.html: the later pages of an article whose first page is its own folder
# (/article/58213/), named by an id of five digits or more that is no date (the folders of
# /2020/0104/12.html, /202403/12.html and /20240312/12.html are days and months, and 12.html
# an article of its own).
_FOLDER_PAGE = re.compile(
    r"^(?P<stem>.*/(?!(?:19|20)\d{4}(?:\d{2})?/)\d{5,}/)(?P<n>[1-9]\d?)(?P<ext>\.s?html?)$"
)
# /2023/06/28/slug/2/ and /article/slug/page/2: a small number as the last path segment, after
# a segment that is not a number itself (so /2023/06/28/ is no page 28 of /2023/06/).
_DIR_PAGE = re.compile(
    # (The lookahead makes "a segment not all digits" one pass: [^/]*[^/\d][^/]* would try
    # every split of a long segment.)
    r"^(?P<stem>.*/(?!page/)(?=[^/]*[^/\d])[^/]+)/(?:page/)?(?P<n>[1-9]\d?)(?P<slash>/?)$"
)


# ThinkPHP's routes (PbootCMS, many 范文 sites): /index.php/article/23/p/2.html is page 2 of
# /index.php/article/23.html, and so is ?s=/home/article/detail/id/23/page/2.html of
# ?s=/home/article/detail/id/23.html (the route in the query, its "compatible" mode).
_ROUTE_PAGE = re.compile(r"^(?P<stem>.*[^/])/(?:page|p)/(?P<n>[1-9]\d?)(?P<ext>\.html?)$")
_ROUTE_QUERY = re.compile(r"^s=/")


# A URL that is its own canonical form: lower-case scheme and host, no user, a port other than
# the default ones, a path, and no query or fragment. Most article URLs are; they skip parsing.
_ALREADY_CANONICAL = re.compile(r"https?://[a-z0-9.-]+(?::(?!80/|443/)[1-9]\d{0,3})?/[^?#;\s]*")


def canonical_url(url: str) -> str:
    """Fragment dropped, tracking parameters dropped, scheme and host lower-cased."""
    url = url.strip()
    if _ALREADY_CANONICAL.fullmatch(url):
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and parts.port not in (80, 443) else None
    netloc = f"{host}:{port}" if port else host
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = _PATH_SESSION.sub("", parts.path) or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, _kept_query(parts.query), ""))


def without_tracking(url: str) -> str:
    """url without its tracking parameters and session ids (utm_*, spm, from, PHPSESSID,
    ;jsessionid= …), otherwise as written."""
    if "?" not in url and ";" not in url:
        return url
    parts = urlsplit(url)
    query, path = _kept_query(parts.query), _PATH_SESSION.sub("", parts.path)
    if query == parts.query and path == parts.path:
        return url
    return urlunsplit(parts._replace(path=path, query=query))


def _tracks(pair: str) -> bool:
    """Whether a query's name=value pair tracks the visit or the visitor, not the content (a
    sid is a session's only when its value is long enough to be one, not a section's id)."""
    name, _, value = pair.partition("=")
    name = unquote(name)
    return TRACKING_PARAMS.match(name) is not None or (name.lower() == "sid" and len(value) >= 16)


def _kept_query(query: str) -> str:
    """The query without tracking parameters, its other pairs exactly as written (decoding and
    encoding them again would garble a GBK-encoded value such as q=%D1%A7%CF%B0)."""
    pairs = _pairs(query)
    kept = [pair for pair in pairs if not _tracks(pair)]
    return query if len(kept) == len(pairs) else "&".join(kept)


def is_front_page(url: str) -> bool:
    """Whether url is a site's front page (no query, the root or its index file)."""
    parts = urlsplit(url)
    return not parts.query and _FRONT_PAGE.match(parts.path) is not None


def page_key(url: str) -> tuple[str, int]:
    """The URL of the article with its page number removed, and that number (1 when absent)."""
    parts = urlsplit(url)
    pairs = _pairs(parts.query)
    param = _page_param(pairs)
    if param is not None:
        position, value = param
        rest = "&".join(pair for index, pair in enumerate(pairs) if index != position)
        number = int(value) + (1 if ZERO_BASED_PAGES.search(parts.path) else 0)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, "")), number
    routed = _route_page(parts)
    if routed is not None:
        part, route = routed
        unpaged = parts._replace(**{part: route.group("stem") + route.group("ext")}, fragment="")
        return urlunsplit(unpaged), int(route.group("n"))
    match = _PATH_PAGE.match(parts.path)
    if match and int(match.group("n")) <= MAX_PAGES:  # (20240315_77.shtml: 77 is an id)
        stem = match.group("stem")
        number = int(match.group("n")) + (1 if ZERO_BASED_STEMS.search(stem) else 0)
        path = stem + match.group("ext")
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), number
    match = _FOLDER_PAGE.match(parts.path)
    if match:
        number = int(match.group("n"))
        return urlunsplit(
            (parts.scheme, parts.netloc, match.group("stem"), parts.query, "")
        ), number
    match = _DIR_PAGE.match(parts.path)
    if match:
        path = match.group("stem") + match.group("slash")
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), int(
            match.group("n")
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")), 1


def _route_page(parts: SplitResult) -> tuple[str, re.Match[str]] | None:
    """("path" or "query", the match) where a ThinkPHP route numbers the page."""
    match = _ROUTE_PAGE.match(parts.path)
    if match:
        return "path", match
    if _ROUTE_QUERY.match(parts.query):
        match = _ROUTE_PAGE.match(parts.query)
        if match:
            return "query", match
    return None


def first_page_address(url: str) -> str:
    """url, or the article's or list's own address when url names its first page by a query
    parameter (?page=1, ShowInfo.php's page=0): one page, fetched once."""
    query = urlsplit(url).query if "=" in url else ""
    param = _page_param(_pairs(query)) if query else None
    if param is None:
        return url
    key, number = page_key(url)
    return key if number == 1 else url


def _pairs(query: str) -> list[str]:
    """The name=value pairs of a query, as written (not decoded: see _kept_query)."""
    return [pair for pair in query.split("&") if pair] if query else []


def _page_param(pairs: list[str]) -> tuple[int, str] | None:
    """(position, value) of the query pair that numbers the page, if any: the first of
    PAGE_PARAMS present with a number. A lone p is a post's id (WordPress /?p=231), not a page
    number."""
    numbered: dict[str, tuple[int, str]] = {}
    for position, pair in enumerate(pairs):
        name, _, value = pair.partition("=")
        if value.isdigit():
            numbered.setdefault(unquote(name).lower(), (position, value))
    for param in PAGE_PARAMS:
        if param in numbered and (param != "p" or len(pairs) > 1):
            return numbered[param]
    return None


def with_page(url: str, number: int) -> str | None:
    """url, a page of an article, changed to show page number instead (None: no page in it)."""
    parts = urlsplit(url)
    pairs = _pairs(parts.query)
    param = _page_param(pairs)
    if param is not None:
        position = param[0]
        value = number - 1 if ZERO_BASED_PAGES.search(parts.path) else number
        name = pairs[position].partition("=")[0]
        pairs[position] = f"{name}={value}"
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(pairs), ""))
    routed = _route_page(parts)
    if routed is not None:
        part, route = routed
        text = route.string
        paged = text[: route.start("n")] + str(number) + text[route.end("n") :]
        return urlunsplit(parts._replace(**{part: paged}, fragment=""))
    folder = _FOLDER_PAGE.match(parts.path)
    if folder:
        path = f"{folder.group('stem')}{number}{folder.group('ext')}"
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
    for pattern in (_PATH_PAGE, _DIR_PAGE):
        match = pattern.match(parts.path)
        if match:
            if ZERO_BASED_STEMS.search(match.group("stem")):
                number -= 1
            path = parts.path[: match.start("n")] + str(number) + parts.path[match.end("n") :]
            return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
    return None


def same_article_pages(
    url: str, hrefs: list[str], total: int = 0, base: str | None = None
) -> list[str]:
    """Among links, the other pages of the article at url, ordered by page number; base is
    what the links resolve against (the page's <base href>), url by default.

    total, the page count a pager states ("共3页", "1/3"), fills in the pages it links to only
    through 下一页: their URLs follow the numbering of a later page it links to, or of url.
    """
    key, number = page_key(url)
    # Compared decoded: a pager may write the article's Chinese path raw (党课心得_2.html)
    # where the page's own URL has it percent-encoded, or the other way round; and without
    # case: an IIS site links Show.asp?ID=103 and pages it as show.asp?id=103&page=2.
    stem, own = unquote(key).rstrip("/").lower(), unquote(url).lower()
    found: dict[int, str] = {}
    for href in dict.fromkeys(hrefs):  # a pager links most pages twice (2, 下一页)
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        try:
            absolute = urljoin(base or url, href.strip()).split("#", 1)[0]
            other_key, other_number = page_key(absolute)
        except ValueError:  # no URL at all ("http://[x", a port of 99999): no page of ours
            continue
        if (
            unquote(other_key).rstrip("/").lower() == stem
            and other_number != number
            and unquote(absolute).lower() != own
        ):
            if other_number == 1 and urlsplit(absolute).query != urlsplit(other_key).query:
                # ?page=1 is the article's bare URL; a path's -1 (PHPCMS show-12-345-1.html)
                # is the first page's own name and stays.
                absolute = key
            if other_number <= MAX_PAGES:  # (a pager of 10,000 ?page= links is no article's)
                found.setdefault(other_number, absolute)
    # The numbering to follow: a later page's URL, linked or this one.
    numbered = [found[n] for n in found if n > 1] + ([url] if number > 1 else [])
    if numbered and total <= MAX_PAGES:
        for missing in range(2, total + 1):
            if missing != number and missing not in found:
                made = with_page(numbered[0], missing)
                if made:
                    found[missing] = made
    return [found[n] for n in sorted(found)]
