"""NormalizePipeline: the one place a record's whitespace is made canonical.

DESIGN.md: normalisation only folds whitespace, &nbsp; and full-width spaces, and never
rewrites words. Running it twice gives the same record, so the content hash it sets is
stable across crawls and parser versions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from scrapy.crawler import Crawler

from crawler.archive.records import content_hash, utc_now
from crawler.items import CREDIT_FIELDS, RECORD_FIELDS, ArticleItem

# str.isspace covers U+00A0 (&nbsp;) and U+3000 (full-width space); the literal entity
# text survives when a page double-escapes it.
_ENTITY = re.compile(r"&nbsp;?", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_HSPACES = re.compile(r"[^\S\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

TEXT_FIELDS = ("url", "site", "title", "category", "published_at", "abstract", "extractor_version")
# Lists keep their order; a repeated entry (a keyword listed twice, a page stitched twice)
# says nothing new, so it is dropped.
LIST_FIELDS = ("pages", "keywords", "tags")


def fold(value: Any) -> str | None:
    """One-line text: all whitespace runs to one space, stripped; empty becomes None."""
    if value is None:
        return None
    text = _SPACES.sub(" ", _ENTITY.sub(" ", str(value))).strip()
    return text or None


def fold_body(value: Any) -> str:
    """Body text: paragraphs kept (joined by one blank line), spaces folded inside each
    line, blank lines and empty paragraphs dropped."""
    if not value:
        return ""
    text = _ENTITY.sub(" ", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(_HSPACES.sub(" ", line).strip() for line in text.split("\n"))
    paragraphs = (p.strip("\n") for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def fold_list(values: Iterable[Any] | None, *, unique: bool) -> list[str]:
    """Each entry folded, empty entries dropped, duplicates dropped (first kept) if asked."""
    result: list[str] = []
    for value in values or ():
        text = fold(value)
        if text is not None and not (unique and text in result):
            result.append(text)
    return result


def normalize_record(record: dict[str, Any]) -> dict[str, Any]:
    """A normalised copy of a record, fields in DESIGN.md's order, with fetched_at and
    content_hash set. Keys outside the record definition are kept, after the known ones."""
    out: dict[str, Any] = {}
    for name in RECORD_FIELDS:
        value = record.get(name)
        if name in TEXT_FIELDS or name == "fetched_at":
            out[name] = fold(value)
        elif name in LIST_FIELDS:
            items = [value] if isinstance(value, str) else value
            out[name] = fold_list(items, unique=True)
        elif name == "body":
            out[name] = fold_body(value)
        elif name == "credits":
            credits = value if isinstance(value, dict) else {}
            out[name] = {key: fold(credits.get(key)) for key in CREDIT_FIELDS}
        else:
            out[name] = value
    out.update({k: v for k, v in record.items() if k not in out})
    if not out["fetched_at"]:
        out["fetched_at"] = utc_now()
    out["content_hash"] = content_hash(out)
    return out


class NormalizePipeline:
    """Normalise ``ArticleItem.record`` in place; other items pass through untouched."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            item.record = normalize_record(item.record)
            item.missing_pages = fold_list(item.missing_pages, unique=True)
        return item
