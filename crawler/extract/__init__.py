"""Bytes and URL in, a clean report record out: the extractor's public, stable API.

Pure functions on lxml trees: no Scrapy, no I/O. The cascade for one page:
decode -> parse -> read <head> -> split the body into blocks -> find the content container
-> read labelled lines and fields -> keep the body's paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Literal

from lxml import etree

from ..items import Credits, Report
from .blocks import Block, Page, parse, segment
from .content import body_blocks, find_containers, is_navigation, is_prose
from .dates import CHINA
from .decode import decode_html
from .fields import (
    CREDIT_FIELDS,
    author_fallback,
    category_of,
    date_of,
    list_values,
    read_labelled,
    site_of,
    title_of,
)
from .labels import read_labels
from .meta import HeadInfo, read_head
from .urls import canonical_url, same_article_pages

__all__ = [
    "EXTRACTOR_VERSION",
    "ExtractError",
    "FieldRules",
    "Report",
    "continuation_urls",
    "extract",
    "extract_article",
    "page_kind",
]

EXTRACTOR_VERSION = "1.0.0"
PageKind = Literal["article", "list", "other"]

# Link texts of an article's own pager (never 上一篇/下一篇, which lead to other articles).
PAGER_LINK = re.compile(
    r"^(?:\d{1,3}|\[\d{1,3}\]|下一页|上一页|下页|上页|尾页|末页|第\s*\d+\s*页|next|»|›)$", re.I
)


class ExtractError(ValueError):
    """The input is not an HTML page (empty, binary, no markup)."""


@dataclass(frozen=True, slots=True)
class FieldRules:
    """Per-site overrides from a site profile: XPath/CSS-free data the extractor applies."""

    zone: tzinfo = CHINA  # the site's time zone for dates without one
    xpaths: Mapping[str, str] = field(default_factory=dict)  # field -> XPath of its element


DEFAULT_RULES = FieldRules()


@dataclass(slots=True)
class _Parsed:
    """A page decoded, parsed and segmented once, shared by extract, page_kind and pagination."""

    url: str
    encoding: str
    head: HeadInfo
    page: Page
    containers: list[etree._Element]
    body: list[Block]


def _prepare(body: bytes, url: str, headers: Mapping[str, str] | None) -> _Parsed:
    if not body or not body.strip():
        raise ExtractError(f"{url}: empty response")
    if b"\x00" in body[:2048] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractError(f"{url}: binary content, not HTML")
    text, encoding = decode_html(body, headers)
    root = parse(text)
    if root is None:
        raise ExtractError(f"{url}: no HTML markup")
    head = read_head(root)
    page = segment(root)
    containers = find_containers(page)
    return _Parsed(url, encoding, head, page, containers, body_blocks(page, containers))


def extract(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    rules: FieldRules = DEFAULT_RULES,
) -> Report:
    """One page -> its record. Raises ExtractError when the bytes are not an HTML page."""
    parsed = _prepare(body, url, headers)
    head = parsed.head
    page = parsed.page
    title, title_block = title_of(page, head)
    site = site_of(page, head, url)
    body_list = parsed.body
    first_body = body_list[0].index if body_list else len(page.blocks)
    last_body = body_list[-1].index if body_list else first_body
    start = title_block.index if title_block is not None else max(first_body - 8, 0)
    # Labelled lines live between the title and a little after the body's end.
    region = [
        b
        for b in page.blocks[start : last_body + 16]
        if (b.link_density <= 0.5 or _has_label_head(b)) and not is_navigation(b)
    ]
    following = {region[i].index: region[i + 1] for i in range(len(region) - 1)}
    labelled = read_labelled(region, following)
    # The lines between the title and the body: where an unlabelled date may stand.
    header = page.blocks[start : max(first_body, start + 1)]
    values = labelled.values
    credits = Credits(**{name: values.get(name) for name in CREDIT_FIELDS})
    if credits.author is None:
        credits.author = author_fallback(head)
    paragraphs = [
        b.text
        for b in body_list
        if b.index not in labelled.consumed
        and (title_block is None or b.index > title_block.index)
        and b.text != title
    ]
    return Report(
        url=canonical_url(url),
        pages=[canonical_url(url)],
        site=site,
        title=title,
        category=category_of(page, head, labelled, title, site),
        published_at=date_of(head, labelled, header, rules.zone),
        abstract=values.get("abstract") or None,
        keywords=list_values(values.get("keywords")),
        body="\n\n".join(paragraphs),
        credits=credits,
        tags=list_values(values.get("tags")),
        extractor_version=EXTRACTOR_VERSION,
    )


def _has_label_head(block: Block) -> bool:
    items = read_labels(block.text)
    return bool(items) and items[0].start <= 1


def extract_article(
    pages: Sequence[tuple[str, bytes]], *, rules: FieldRules = DEFAULT_RULES
) -> Report:
    """The pages of one article, in order -> one record: bodies joined, every URL in pages."""
    if not pages:
        raise ExtractError("no pages given")
    records = [extract(body, url, rules=rules) for url, body in pages]
    first = records[0]
    for later in records[1:]:
        for name in CREDIT_FIELDS:
            if getattr(first.credits, name) is None:
                setattr(first.credits, name, getattr(later.credits, name))
        first.abstract = first.abstract or later.abstract
        first.keywords = first.keywords or later.keywords
        first.tags = first.tags or later.tags
        first.category = first.category or later.category
        first.published_at = first.published_at or later.published_at
    first.body = "\n\n".join(r.body for r in records if r.body)
    first.pages = [canonical_url(url) for url, _ in pages]
    return first


def continuation_urls(body: bytes, url: str) -> list[str]:
    """The other pages of this article (分页), in page order; [] for lists and single pages."""
    try:
        parsed = _prepare(body, url, None)
    except ExtractError:
        return []
    if _kind(parsed) != "article":
        return []
    hrefs = [
        href
        for block in parsed.page.blocks
        for text, href in zip(block.links, block.hrefs, strict=False)
        if PAGER_LINK.match(text)
    ]
    return same_article_pages(url, hrefs)


def page_kind(body: bytes, url: str) -> PageKind:
    """Whether a page is an article, a list of articles, or something else."""
    try:
        parsed = _prepare(body, url, None)
    except ExtractError:
        return "other"
    return _kind(parsed)


def _kind(parsed: _Parsed) -> PageKind:
    prose = [b for b in parsed.body if is_prose(b)]
    prose_chars = sum(b.prose_chars for b in prose)
    title_links = [text for b in parsed.page.blocks for text in b.links if 6 <= len(text) <= 60]
    if prose_chars >= 150 and len(prose) >= 1:
        # Lists with excerpts have prose too, but a title link for every excerpt.
        inside = [
            b
            for b in parsed.page.blocks
            if any(parsed.page.contains(c, b) for c in parsed.containers)
        ]
        linked_items = sum(
            1 for b in inside if b.links and b.link_density > 0.3 and len(b.links[0]) >= 6
        )
        if linked_items < max(5, len(prose)):
            return "article"
    if len(title_links) >= 8:
        return "list"
    return "other"
