"""Repeat crawls: only what is new or changed is downloaded, and every version is kept."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from crawler.serve import ReplayServer

from .conftest import DEMO, run_cli

CHANGED = ["/xindetihui/2022/0916/101.html", "/gongzuobaogao/2022/1006/103.html"]
DELETED = "/yanjianggao/2023/0405/124.html"  # a two-page article
ADDED = "/xindetihui/2023/1201/777.html"
TEMPLATE = "/xindetihui/2022/0926/102.html"


def edit(site: Path, path: str, old: str, new: str) -> None:
    """Replace the first `old` inside <body> (the head repeats the opening in its description)."""
    file = site / path.lstrip("/")
    data = file.read_bytes()
    start = data.index(b"<body")
    at = data.find(old.encode("gbk"), start)
    assert at >= 0, (path, old)
    file.write_bytes(data[:at] + new.encode("gbk") + data[at + len(old.encode("gbk")) :])


def test_refresh_fetches_only_what_changed(tmp_path: Path, demo_expected: dict[str, Any]) -> None:
    served = tmp_path / "demo-site"
    shutil.copytree(DEMO, served)
    site = served / "site"
    db = tmp_path / "archive.sqlite"
    with ReplayServer(served) as server:
        server.start()
        first = run_cli("crawl", server.url + "/", "--db", str(db))
        assert first.returncode == 0, first.stderr[-3000:]

        # Change two articles, delete one, add one linked from the home page.
        for path in CHANGED:
            opening = demo_expected[path]["body"].split("\n\n")[0]
            edit(site, path, opening[:20], opening[:20] + "（本段已修订）")
        for page in demo_expected[DELETED]["pages"]:
            (site / page.lstrip("/")).unlink()
        new_page = site / ADDED.lstrip("/")
        new_page.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(site / TEMPLATE.lstrip("/"), new_page)
        template_title = demo_expected[TEMPLATE]["title"]
        edit(site, ADDED, f"<h1>{template_title}", "<h1>新增的一篇心得体会")
        edit(site, "/index.html", "</body>", f'<a href="{ADDED}">新增的一篇心得体会</a></body>')
        headers = json.loads((served / "headers.json").read_text(encoding="utf-8"))
        for path in [*CHANGED, ADDED, "/index.html"]:
            headers.get(path, {}).pop("Last-Modified", None)  # the bytes changed
        (served / "headers.json").write_text(json.dumps(headers), encoding="utf-8")

        server.reset()
        second = run_cli("crawl", server.url + "/", "--db", str(db), "--refresh")
        assert second.returncode == 0, second.stderr[-3000:]
        requests = list(server.requests)

    with sqlite3.connect(db) as connection:
        articles = dict(connection.execute("select url, status from articles").fetchall())
        failed = [url for (url,) in connection.execute("select url from failures").fetchall()]
        versions = dict(
            connection.execute(
                "select a.url, count(*) from article_versions v join articles a"
                " on a.id = v.article_id group by a.url"
            ).fetchall()
        )
    by_path = {url.split(str(server.port), 1)[1]: url for url in articles}
    # One new article, the deleted one kept and marked gone.
    assert ADDED in by_path
    assert len(articles) == len(demo_expected) + 1
    assert articles[by_path[DELETED]] == "gone"
    assert by_path[DELETED] not in failed  # gone is the article's status, not a failure
    # Two new versions, the old ones kept; nothing else changed.
    changed = {path for path, url in by_path.items() if versions[url] > 1}
    assert changed == set(CHANGED)
    # Unchanged one-page articles were asked for conditionally and not downloaded again; a
    # multi-page article is asked for whole (page 1 unchanged says nothing of page 2).
    article_requests = [
        (path, headers) for method, path, headers in requests if path in demo_expected
    ]
    unchanged = set(demo_expected) - set(CHANGED) - {DELETED}
    asked = {path for path, _ in article_requests}
    assert unchanged <= asked
    multi_page = {path for path in unchanged if len(demo_expected[path]["pages"]) > 1}
    assert multi_page
    for path, headers in article_requests:
        if path in unchanged:
            assert ("If-None-Match" in headers) == (path not in multi_page), path
    assert "304 not modified" in second.stderr or "incremental/not_modified" in second.stderr


PROSE = "今年以来，我们坚持以人民为中心的发展思想，认真落实各项工作部署，扎实推进重点任务。" * 3


def _article(title: str, prose: str = PROSE) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_示例范文网</title></head><body>"
        f"<h1>{title}</h1><div class='info'>时间：2024-03-05 09:12</div>"
        f"<div class='content'><p>{prose}</p><p>{prose}</p></div></body></html>"
    )


def _sitemap(base: str, lastmods: dict[str, str]) -> str:
    urls = "".join(
        f"<url><loc>{base}{path}</loc><lastmod>{lastmod}</lastmod></url>"
        for path, lastmod in lastmods.items()
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
    )


def test_a_sitemaps_lastmod_brings_a_changed_article_back_without_refresh(tmp_path: Path) -> None:
    """Without --refresh an archived article is skipped, unless the sitemap dates a change
    after its last fetch: that one is fetched again (a new version); the others are not."""
    site = tmp_path / "root" / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text(
        "<html><body><a href='/a/1.html'>第一篇</a> <a href='/a/2.html'>第二篇</a></body></html>",
        encoding="utf-8",
    )
    (site / "a").mkdir()
    (site / "a" / "1.html").write_text(_article("第一篇工作总结"), encoding="utf-8")
    (site / "a" / "2.html").write_text(_article("第二篇述职报告"), encoding="utf-8")
    db = tmp_path / "archive.sqlite"
    with ReplayServer(tmp_path / "root") as server:
        server.start()
        old = {"/a/1.html": "2020-01-01", "/a/2.html": "2020-01-01T08:00:00+08:00"}
        (site / "sitemap.xml").write_text(_sitemap(server.url, old), encoding="utf-8")
        first = run_cli("crawl", server.url + "/", "--db", str(db))
        assert first.returncode == 0, first.stderr[-3000:]

        (site / "a" / "1.html").write_text(
            _article("第一篇工作总结", "（已修订）" + PROSE), encoding="utf-8"
        )
        new = {"/a/1.html": "2099-01-01T00:00:00Z", "/a/2.html": "2020-01-01T08:00:00+08:00"}
        (site / "sitemap.xml").write_text(_sitemap(server.url, new), encoding="utf-8")
        server.reset()
        second = run_cli("crawl", server.url + "/", "--db", str(db))
        assert second.returncode == 0, second.stderr[-3000:]
        asked = server.counts
    assert "0 new articles, 1 changed" in second.stdout
    assert asked.get("/a/1.html") == 1 and "/a/2.html" not in asked
    with sqlite3.connect(db) as conn:
        versions = conn.execute("select count(*) from article_versions").fetchone()[0]
    assert versions == 3
