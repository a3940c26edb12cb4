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
