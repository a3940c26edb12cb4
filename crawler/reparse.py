"""Re-read the archive with the current extractor: no network, only the WARC records.

Every stored article is rebuilt from the raw responses of its pages, in page order, and
saved like a crawl would save it: a changed record gets a new version, the old one stays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select

from crawler.archive import Archive
from crawler.archive.models import Article, Page
from crawler.extract import DEFAULT_RULES, ExtractError, FieldRules, analyse, merge_pages
from crawler.extract.urls import page_key
from crawler.warc import WarcLocation, read_response
from pipelines.normalize import normalize_record


@dataclass
class ReparseSummary:
    articles: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0

    def line(self) -> str:
        return (
            f"re-parsed {self.articles} articles: {self.changed} changed, "
            f"{self.unchanged} unchanged, {self.failed} failed"
        )


def _articles(archive: Archive, site: str | None, since: str | None) -> Iterator[tuple[str, str]]:
    """(url, fetched_at) of the stored articles to re-parse."""
    query = select(Article.url, Article.last_seen).order_by(Article.id)
    if site:
        query = query.where(Article.site == site)
    if since:
        query = query.where(Article.last_seen >= since)
    yield from archive.query(query)


def _page_locations(archive: Archive, url: str) -> list[tuple[str, WarcLocation, str | None]]:
    """The latest stored response of each page of an article, in page order."""
    query = (
        select(Page.url, Page.warc_file, Page.warc_offset, Page.warc_length, Page.content_type)
        .where(Page.article_url == url, Page.warc_file.is_not(None), Page.status == 200)
        .where(or_(Page.kind.is_(None), Page.kind != "copy"))  # (a copy is the page again)
        .order_by(Page.id)
    )
    latest: dict[str, tuple[str, WarcLocation, str | None]] = {}
    for page_url, file, offset, length, content_type in archive.query(query):
        latest[page_url] = (page_url, WarcLocation(file, offset, length or 0), content_type)
    return sorted(latest.values(), key=lambda item: page_key(item[0])[1])


def warc_files_found(archive: Archive, warc_dir: Path) -> tuple[int, int]:
    """(found, named): how many of the WARC files the archive's pages name are in warc_dir.
    None found of several named is a wrong folder, not a thousand failed articles."""
    named = [
        name
        for (name,) in archive.query(
            select(Page.warc_file).where(Page.warc_file.is_not(None)).distinct()
        )
    ]
    return sum(1 for name in named if (warc_dir / name).is_file()), len(named)


def reparse_archive(
    archive: Archive,
    warc_dir: Path,
    *,
    site: str | None = None,
    since: str | None = None,
    rules: FieldRules = DEFAULT_RULES,
) -> ReparseSummary:
    """Rebuild every selected article from its WARC records and save the result."""
    summary = ReparseSummary()
    for url, fetched_at in list(_articles(archive, site, since)):
        summary.articles += 1
        try:
            reports = []
            for page_url, location, content_type in _page_locations(archive, url):
                stored = read_response(warc_dir, location)
                headers = {"Content-Type": content_type or ""}
                reports.append(analyse(stored.body, page_url, headers, rules=rules).report)
            if not reports:
                raise ValueError("no stored response for its pages")
            record = merge_pages(reports).to_dict()
        except (ValueError, ExtractError) as error:
            archive.record_failure(url, "extract", f"re-parse: {error}")
            summary.failed += 1
            continue
        record["fetched_at"] = fetched_at
        # (seen=False: nothing was fetched, so a gone article stays gone and unseen.)
        outcome = archive.save_article(normalize_record(record), seen=False)
        if outcome == "unchanged":
            summary.unchanged += 1
        else:
            summary.changed += 1
    archive.commit()
    return summary
