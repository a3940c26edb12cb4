"""The record of one article (DESIGN.md, "The record") and the item a spider yields.

Kept free of Scrapy so that the extractor, the pipelines and the CLI share one definition;
Scrapy handles dataclass items through itemadapter.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

RECORD_FIELDS = (
    "url",
    "pages",
    "site",
    "title",
    "category",
    "published_at",
    "abstract",
    "keywords",
    "body",
    "credits",
    "tags",
    "fetched_at",
    "content_hash",
    "extractor_version",
)
CREDIT_FIELDS = ("author", "author_unit", "editor", "source")


@dataclass
class Credits:
    """Who wrote, edited and first published the article; None when the page does not say."""

    author: str | None = None
    author_unit: str | None = None  # 作者单位
    editor: str | None = None  # 责任编辑 / 编辑
    source: str | None = None  # 来源


@dataclass
class Report:
    """One article, as recovered from its page(s)."""

    url: str | None = None  # canonical URL of the first page
    pages: list[str] = field(default_factory=list)  # every URL stitched, in order
    site: str | None = None  # the site's own name, else its host
    title: str | None = None  # without the site suffix
    category: str | None = None  # breadcrumb / category line
    published_at: str | None = None  # ISO 8601 with offset
    abstract: str | None = None  # 摘要
    keywords: list[str] = field(default_factory=list)  # 关键词
    body: str = ""  # headings and paragraphs joined by a blank line
    credits: Credits = field(default_factory=Credits)
    tags: list[str] = field(default_factory=list)  # 推荐访问 / 标签 / Tags
    fetched_at: str | None = None  # provenance: when the first page was fetched
    content_hash: str | None = None  # provenance: hash of the normalised record
    extractor_version: str | None = None  # provenance: which parser produced it

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready record, fields in DESIGN.md's order."""
        data = asdict(self)
        return {name: data[name] for name in RECORD_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        values = {name: data[name] for name in RECORD_FIELDS if name in data}
        credits = values.pop("credits", None) or {}
        return cls(**values, credits=Credits(**{k: credits.get(k) for k in CREDIT_FIELDS}))


@dataclass
class ArticleItem:
    """What the spider yields for one article: its record and how the crawl got it."""

    record: dict[str, Any]
    incomplete: bool = False  # a continuation page failed; the record holds what was fetched
    missing_pages: list[str] = field(default_factory=list)
    site_profile: str | None = None  # name of the site profile the crawl used, if any
    etag: str | None = None  # the first page's validators, for conditional re-fetches
    last_modified: str | None = None
