"""What the page says about itself in <head>: <title>, meta tags, JSON-LD, <base>, a pager or
a publication time its scripts hold; and, read in the same walk of the tree, the links no <a>
holds (<area>, <frame>, a Hanweb list's <datastore>) and the elements the extractor works on
before cutting the page into blocks (drop-downs, <pre>, <textarea>, <noscript>)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree

from .text import fold

# Meta names and properties that carry the publication time, most specific first.
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "citation_publication_date",  # Highwire Press tags of journal and thesis pages
    "citation_online_date",
    "citation_date",
    "og:release_date",
    "publishdate",
    "publish_date",
    "publish-date",
    "pubdate",
    "publishtime",
    "publish_time",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "created",
    "article:modified_time",
    "script:publish_time",  # (not a tag: a script's variable, SCRIPT_DATE)
)
SECTION_META = ("article:section", "og:article:section", "columnname", "section", "category")
SITE_META = (
    "og:site_name",
    "citation_journal_title",  # a journal's pages: the journal is the site
    "sitename",
    "site_name",
    "application-name",
    "apple-mobile-web-app-title",
)
# Titles written for another reader (an indexer, a share card): they confirm a heading.
TITLE_META = ("citation_title", "og:title", "twitter:title")
AUTHOR_META = ("citation_author", "author", "article:author", "dc.creator", "byline")
AUTHOR_UNIT_META = ("citation_author_institution",)
# A paper's own keywords (not <meta name="keywords">, which lists a site's search terms).
KEYWORD_META = ("citation_keywords",)
# The post's tags as Open Graph gives them, one tag to a tag.
TAG_META = ("article:tag",)
# A Latin name written surname first, as citation_author has it: "Santos, Maria".
INVERTED_NAME = re.compile(r"^(?P<last>[A-Z][\w'’-]+),\s*(?P<first>[A-Z][\w.'’ -]*)$")
# Meta names a page repeats, one value a tag (a paper's authors): their values are joined
# (with 、, or "; " between Latin names, which hold commas of their own).
REPEATED_META = frozenset(("citation_author", "citation_author_institution", "article:tag"))
MAX_REPEATED = 100  # a paper's authors, a post's tags: more is a broken page

# Separators between an article title and the site / channel names in <title>.
TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|\s[-–—·•]\s|\s*——\s*|\s*—\s*|\s*–\s*)\s*")
# The software a site runs on, credited in its <title> ("Powered by Discuz!") or in its
# template's <meta name="author">: never the site's name nor an article's author.
SOFTWARE_CREDIT = re.compile(
    r"powered\s+by|discuz|comsenz|dedecms|phpcms|empirecms|帝国cms|织梦|wordpress|z-?blog|"
    r"typecho|siteserver|pageadmin|metinfo|phpwind",
    re.IGNORECASE,
)
# TRS WCM draws a document's pager in a script: createPageHTML(3, 0, "t20240220_2001", "html"),
# or with the pager element's id first; its pages are prefix.html, prefix_1.html, prefix_2.html.
SCRIPT_PAGER = re.compile(
    r"createPageHTML\(\s*(?:['\"][\w-]*['\"]\s*,\s*)?(?P<count>\d{1,3})\s*,\s*\d{1,3}\s*,\s*"
    r"['\"](?P<prefix>[\w.-]+)['\"]\s*,\s*['\"](?P<ext>\w{2,5})['\"]"
)
# The publication time a page keeps only in a script's variable, its visible place filled in
# by the script: WeChat's var createTime = '2023-08-15 14:20' (and var publish_time).
SCRIPT_DATE = re.compile(
    r"(?:var|let|const)\s+(?:createTime|publish_time|publishTime)\s*=\s*['\"](?P<value>[^'\"]{8,30})['\"]"
)
SCRIPT_DATE_NAMES = ("createTime", "publish_time", "publishTime")
# A link in the markup a script holds for drawing (Hanweb's <datastore> of list records).
DATASTORE_LINK = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"'<>\s]+)["']""", re.IGNORECASE)
# How a site's name ends: 网 (網), 站, 平台 …, or the name of the school, hospital or office
# whose site it is (江城市第一中学, 青石县人民政府).
SITE_NAME_END = (
    r"(?:网|網|站|频道|頻道|在线|空间|日报|晚报|报|官网|平台|门户|"
    r"中学|小学|大学|学院|学校|幼儿园|医院|政府|委员会|协会|学会|局|厅|馆|中心|公司|集团|博客|文库)"
)
SITE_SUFFIX = re.compile(rf"^(?P<title>.+?\S)[-–—](?P<site>[^-–—\s]{{1,12}}{SITE_NAME_END})$")


# Elements the caller wants handed over from read_head's walk (drop-downs, preformatted
# text, <noscript>): looking for them in the page's bytes would cost a scan each.
FOUND_TAGS = ("select", "pre", "textarea", "noscript")


@dataclass(slots=True)
class HeadInfo:
    title: str = ""  # the <title> text
    meta: dict[str, str] = field(default_factory=dict)  # lower-cased name/property -> content
    json_ld: list[dict[str, object]] = field(default_factory=list)  # Article-like objects
    canonical: str = ""  # <link rel="canonical" href>, as written
    other_links: list[str] = field(default_factory=list)  # <area href>, <frame src>
    base: str = ""  # <base href>, as written: what the page's relative links start from
    # A pager a script draws (TRS's createPageHTML): (page count, file prefix, extension).
    script_pager: tuple[int, str, str] | None = None
    # The items of a list a script draws from records the page holds (Hanweb's <datastore>).
    scripted_items: int = 0
    # The page's elements of the FOUND_TAGS, by tag, found in the same walk: the few pages
    # that have them need work on them before the tree is cut into blocks.
    found: dict[str, list[etree._Element]] = field(default_factory=dict)
    # title_segments, worked out when first asked (the title and the site both ask).
    _segments: list[str] | None = field(default=None, repr=False)

    def first(self, names: tuple[str, ...]) -> str | None:
        for name in names:
            value = self.meta.get(name)
            if value:
                return value
        return None

    def ld(self, *keys: str) -> str | None:
        for item in self.json_ld:
            for key in keys:
                value = item.get(key)
                if isinstance(value, dict):
                    value = value.get("name")
                if isinstance(value, list) and value:
                    value = value[0]
                    if isinstance(value, dict):
                        value = value.get("name")
                if isinstance(value, str) and value.strip():
                    return fold(value)
        return None

    @property
    def title_segments(self) -> list[str]:
        if self._segments is None:
            self._segments = self._split_title()
        return self._segments

    def _split_title(self) -> list[str]:
        parts = [part for part in TITLE_SEPARATORS.split(self.title) if part]
        # A credit to the software after the title names no site.
        parts[1:] = [part for part in parts[1:] if not SOFTWARE_CREDIT.search(part)]
        if parts:
            # "标题-新华网": a hyphen without spaces still ends the title before a site name.
            glued = SITE_SUFFIX.match(parts[-1])
            if glued:
                parts[-1:] = [glued.group("title"), glued.group("site")]
        return parts


def read_head(root: etree._Element) -> HeadInfo:
    """Title, meta tags and JSON-LD objects of the page (also when misplaced in <body>), and
    the links no <a> of the tree holds (<area>, <frame>, a Hanweb list's <datastore>), read in
    the same walk of the tree."""
    info = HeadInfo()
    title_seen = canonical_seen = False
    repeated: dict[str, list[str]] = {}  # (joined once at the end: += would copy each time)
    # One walk of the tree for these tags rather than one walk each.
    for element in root.iter(
        "title", "link", "meta", "script", "base", "area", "frame", *FOUND_TAGS
    ):
        tag = element.tag
        if tag in FOUND_TAGS:
            info.found.setdefault(str(tag), []).append(element)
            continue
        if tag == "area" or tag == "frame":
            # Links outside <a>: an image map's areas, a frameset's frames (a site whose front
            # page is frames and nothing else).
            target = element.get("href" if tag == "area" else "src")
            if target:
                info.other_links.append(target)
            continue
        if tag == "meta":
            key = element.get("property") or element.get("name") or element.get("itemprop")
            content = element.get("content")
            if key and content:
                key = key.lower()
                value = fold(content)
                if key == "citation_author":
                    value = INVERTED_NAME.sub(r"\g<first> \g<last>", value)
                if key not in info.meta:
                    info.meta[key] = value
                    if key in REPEATED_META:
                        repeated[key] = [value]
                elif (
                    key in REPEATED_META
                    and len(repeated[key]) < MAX_REPEATED
                    and value not in repeated[key]  # (one institution, each of its authors')
                ):
                    repeated[key].append(value)
        elif tag == "title":
            if not title_seen:
                title_seen = True
                info.title = fold(element.text)
        elif tag == "link":
            if not canonical_seen and (element.get("rel") or "").strip().lower() == "canonical":
                href = (element.get("href") or "").strip()
                if href:
                    info.canonical = href
                    canonical_seen = True
        elif tag == "base":
            if not info.base:
                info.base = (element.get("href") or "").strip()
        elif (element.get("type") or "").lower() == "application/ld+json" and element.text:
            info.json_ld.extend(_article_objects(element.text))
        elif element.text:
            script = element.text
            if "createPageHTML" in script:
                drawn = SCRIPT_PAGER.search(script)
                if drawn:
                    count, prefix, extension = drawn.group("count", "prefix", "ext")
                    info.script_pager = (int(count), prefix, extension)
            if "<datastore" in script and (element.get("type") or "").endswith("xml"):
                # Hanweb (大汉) lists: <script type="text/xml"><datastore><record><![CDATA[
                # <li><a href="/art/…">…]]>, drawn by a script; the links are the list's.
                records = DATASTORE_LINK.findall(script)
                info.other_links.extend(records)
                info.scripted_items += len(records)
            if "script:publish_time" not in info.meta and any(
                name in script for name in SCRIPT_DATE_NAMES
            ):
                dated = SCRIPT_DATE.search(script)
                if dated:
                    info.meta["script:publish_time"] = dated.group("value")
    for key, values in repeated.items():
        latin = all(value.isascii() for value in values)
        info.meta[key] = ("; " if latin else "、").join(values)
    return info


def _article_objects(text: str) -> list[dict[str, object]]:
    """The objects of a JSON-LD script that describe a page or an article."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # (a thousand nested arrays: no article either)
        return []
    stack = [data]
    found: list[dict[str, object]] = []
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "@graph" in item:
                stack.append(item["@graph"])
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(
                isinstance(k, str)
                and ("Article" in k or "Posting" in k or k in ("WebPage", "Report"))
                for k in kinds
            ) or (kind is None and ("pubDate" in item or "datePublished" in item)):
                # (Baidu's MIP pages describe themselves with no @type: a dated object.)
                found.append(item)
    return found
