"""What the archive holds per site and how the recent crawl runs went, as plain data.

Failures are logged by URL, not by site (a dead link never became an article with a site
name), so they are attributed to a site through the host of its articles' URLs; a failure on
a host without any article is listed under the host itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, case, func, select

from crawler.archive.models import FAILURE_STAGES, Article, ArticleVersion, CrawlRun, Failure, Page

UNNAMED_SITE = "(no site name)"
_SAVED_KEYS = ("archive/articles_new", "archive/articles_changed", "archive/articles_unchanged")


def archive_stats(conn: Connection, *, runs: int = 10) -> dict[str, Any]:
    """``{"sites": [...], "runs": [...]}``: per site articles, versions, last crawl and
    failures by stage; the last ``runs`` crawl runs, newest first."""
    return {"sites": _sites(conn), "runs": _runs(conn, runs)}


def _site_entry(name: str) -> dict[str, Any]:
    return {
        "site": name,
        "articles": 0,
        "gone": 0,
        "versions": 0,
        "last_crawl": None,
        "failures": dict.fromkeys(FAILURE_STAGES, 0),
    }


def _sites(conn: Connection) -> list[dict[str, Any]]:
    sites: dict[str, dict[str, Any]] = {}
    articles = conn.execute(
        select(
            Article.site,
            func.count(),
            func.sum(case((Article.status == "gone", 1), else_=0)),
            func.max(Article.last_seen),
        ).group_by(Article.site)
    )
    for site, count, gone, last_seen in articles:
        entry = sites.setdefault(site or UNNAMED_SITE, _site_entry(site or UNNAMED_SITE))
        entry.update(articles=int(count), gone=int(gone or 0), last_crawl=last_seen)
    versions = conn.execute(
        select(Article.site, func.count(ArticleVersion.id))
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .group_by(Article.site)
    )
    for site, count in versions:
        sites[site or UNNAMED_SITE]["versions"] = int(count)
    _last_runs(conn, sites)

    failures = conn.execute(
        select(Failure.url, Failure.stage, func.count()).group_by(Failure.url, Failure.stage)
    ).all()
    if failures:
        hosts = _host_sites(conn)
        for url, stage, count in failures:
            host = urlsplit(url).hostname or url
            name = hosts.get(host, host)
            entry = sites.setdefault(name, _site_entry(name))
            entry["failures"][stage] = entry["failures"].get(stage, 0) + int(count)
    return sorted(sites.values(), key=lambda entry: (-entry["articles"], entry["site"]))


def _last_runs(conn: Connection, sites: dict[str, dict[str, Any]]) -> None:
    """Each site's last crawl: the latest start of a run on its hosts, or the latest fetch of
    one of its articles (a repeat crawl that skips every known article updates no article)."""
    runs = conn.execute(select(CrawlRun.args, CrawlRun.started_at)).all()
    if not runs or not sites:
        return
    hosts = _host_sites(conn)
    for args, started in runs:
        try:
            urls = json.loads(args or "{}").get("start_urls") or []
        except (ValueError, AttributeError):
            continue
        for name in {hosts.get(urlsplit(str(u)).hostname or "") for u in urls} - {None}:
            entry = sites.get(str(name))
            if entry is not None and started > (entry.get("last_crawl") or ""):
                entry["last_crawl"] = started


def _host_sites(conn: Connection) -> dict[str, str]:
    """Each host's site name, from the articles' URLs (streamed: one row at a time)."""
    hosts: dict[str, str] = {}
    rows = conn.execution_options(stream_results=True, yield_per=1000).execute(
        select(Article.site, Article.url)
    )
    for site, url in rows:
        host = urlsplit(url).hostname
        if host and host not in hosts:
            hosts[host] = site or UNNAMED_SITE
    return hosts


def _runs(conn: Connection, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(*CrawlRun.__table__.columns).order_by(CrawlRun.id.desc()).limit(limit)
    ).all()
    ids = [row.id for row in rows]
    pages = dict(
        conn.execute(
            select(Page.run_id, func.count()).where(Page.run_id.in_(ids)).group_by(Page.run_id)
        ).all()
    )
    failures = dict(
        conn.execute(
            select(Failure.run_id, func.count())
            .where(Failure.run_id.in_(ids))
            .group_by(Failure.run_id)
        ).all()
    )
    result = []
    for run in rows:
        stats = json.loads(run.stats) if run.stats else None
        result.append(
            {
                "id": run.id,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "duration_s": _seconds(run.started_at, run.finished_at),
                "pages": int(pages.get(run.id, 0)),
                # Saved articles (new, changed and unchanged) as the run counted them; None
                # when the run never finished (crashed or still running).
                "articles": sum(int(stats.get(key, 0)) for key in _SAVED_KEYS)
                if stats is not None
                else None,
                "failures": int(failures.get(run.id, 0)),
                "finish_reason": run.finish_reason,
                "worker": run.worker,
            }
        )
    return result


def _seconds(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    try:
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except ValueError:
        return None
