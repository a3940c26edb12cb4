"""The replay server and the site generators, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.serve import ReplayServer
from crawler.sitegen import generate_site

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo-site"
DEAD_LINK = "/xindetihui/2023/0208/999.html"
CHARSET_LIE = "/shuzhibaogao/2023/0101/113.html"


def fetch(
    server: ReplayServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One raw request (http.client sends the path untouched, `..` included)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo() -> Iterator[ReplayServer]:
    with ReplayServer(DEMO) as server:
        yield server


@pytest.fixture(scope="module")
def expected() -> list[dict[str, Any]]:
    lines = (DEMO / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_binds_loopback_and_reports_url(demo: ReplayServer) -> None:
    assert demo.url == f"http://127.0.0.1:{demo.port}"
    assert demo.port > 0


def test_index_served_with_saved_headers(demo: ReplayServer) -> None:
    saved = json.loads((DEMO / "headers.json").read_text(encoding="utf-8"))
    status, headers, body = fetch(demo, "/")
    assert status == 200
    assert body == (DEMO / "site" / "index.html").read_bytes()
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert headers["Last-Modified"] == saved["/index.html"]["Last-Modified"]
    assert headers["Content-Length"] == str(len(body))
    assert "范文工作报告网".encode("gbk") in body
    assert b"/member/login.html" in body  # the link robots.txt forbids following


def test_gbk_bytes_identical_and_category_index(demo: ReplayServer) -> None:
    status, headers, body = fetch(demo, "/xindetihui/")
    assert status == 200
    site = DEMO / "site" / "xindetihui"
    assert body == (site / "index.html").read_bytes() == (site / "list_2_1.html").read_bytes()
    text = body.decode("gbk")  # strict: the bytes really are GBK
    assert "list_2_2.html" in text and "下一页" in text and "末页" in text
    status, headers, _ = fetch(demo, "/xindetihui")
    assert status == 301 and headers["Location"] == "/xindetihui/"


def test_every_expected_page_served(demo: ReplayServer, expected: list[dict[str, Any]]) -> None:
    assert len(expected) >= 42
    assert len({r["category"] for r in expected}) >= 3
    multi = [r for r in expected if len(r["pages"]) > 1]
    assert len(multi) >= 3
    for record in expected:
        for page in record["pages"]:
            status, _, body = fetch(demo, page, method="HEAD")
            assert status == 200 and body == b"", page
    pager = (DEMO / "site" / multi[0]["url"].lstrip("/")).read_bytes().decode("gbk")
    assert 'class="dede_pages"' in pager and "下一页" in pager


def test_charset_lie_served_as_saved(demo: ReplayServer) -> None:
    status, headers, body = fetch(demo, CHARSET_LIE)
    assert status == 200
    assert headers["Content-Type"] == "text/html"  # no charset: the header says nothing
    assert b"charset=utf-8" in body  # the meta lies
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    body.decode("gbk")  # the bytes are GBK


def test_dead_link_is_404(demo: ReplayServer) -> None:
    listing = (DEMO / "site" / "xindetihui" / "list_2_1.html").read_bytes()
    pages = b"".join(p.read_bytes() for p in (DEMO / "site" / "xindetihui").glob("list_*.html"))
    assert DEAD_LINK.encode() in listing or DEAD_LINK.encode() in pages
    status, _, _ = fetch(demo, DEAD_LINK)
    assert status == 404


def test_robots_and_member_page(demo: ReplayServer) -> None:
    status, headers, body = fetch(demo, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert b"User-agent: *" in body and b"Disallow: /member/" in body
    assert (DEMO / "site" / "member" / "login.html").is_file()


def test_conditional_requests_get_304(demo: ReplayServer) -> None:
    path = "/gongzuobaogao/"
    _, headers, _ = fetch(demo, path)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, h304, body = fetch(demo, path, headers={"If-None-Match": etag})
    assert status == 304 and body == b"" and h304["ETag"] == etag
    status, _, _ = fetch(demo, path, headers={"If-Modified-Since": modified})
    assert status == 304
    status, _, body = fetch(demo, path, headers={"If-None-Match": '"other"'})
    assert status == 200 and body
    # If-None-Match wins over If-Modified-Since (RFC 9110)
    status, _, _ = fetch(
        demo, path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}
    )
    assert status == 200
    status, _, _ = fetch(demo, path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert status == 200


@pytest.mark.parametrize(
    "path",
    ["/../headers.json", "/../build.py", "/%2e%2e/build.py", "/xindetihui/../../build.py"],
)
def test_traversal_refused(demo: ReplayServer, path: str) -> None:
    status, _, body = fetch(demo, path)
    assert status in (400, 403, 404)
    assert b"build" not in body and b"Content-Type" not in body


def test_request_log_and_counts() -> None:
    with ReplayServer(DEMO) as server:
        for _ in range(3):
            fetch(server, "/robots.txt")
        fetch(server, "/yanjianggao/", method="HEAD", headers={"User-Agent": "test-agent"})
        fetch(server, "/yanjianggao/?from=home")
        assert server.count("/robots.txt") == 3
        assert server.count("/yanjianggao/") == 2
        assert server.count("/member/login.html") == 0
        method, target, headers = server.requests[3]
        assert (method, target, headers["User-Agent"]) == ("HEAD", "/yanjianggao/", "test-agent")
        assert server.requests[4][1] == "/yanjianggao/?from=home"

        threads = [threading.Thread(target=fetch, args=(server, "/index.html")) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert server.count("/index.html") == 20
        server.reset()
        assert server.counts == {} and server.requests == []


def test_missing_root_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ValueError, match="nowhere"):
        ReplayServer(missing)


def test_refuses_non_loopback_host() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ReplayServer(DEMO, host="0.0.0.0")


def test_serves_root_without_site_folder(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes("<p>中文</p>".encode("gbk"))
    (tmp_path / "headers.json").write_text('{"/a.html": {"X-Test": "1"}}', encoding="utf-8")
    with ReplayServer(tmp_path) as server:
        status, headers, body = fetch(server, "/a.html")
        assert status == 200 and headers["Content-Type"] == "text/html"  # no charset guessed
        assert headers["X-Test"] == "1" and body == (tmp_path / "a.html").read_bytes()
        assert fetch(server, "/headers.json")[0] == 404
        assert fetch(server, "/")[0] == 404  # no index.html


def test_a_page_saved_with_its_query_answers_that_query(tmp_path: Path) -> None:
    show = tmp_path / "e" / "action"
    show.mkdir(parents=True)
    (show / "ShowInfo.php").write_bytes(b"<p>page 1</p>")
    (show / "ShowInfo.php?classid=5&id=88&page=1").write_bytes(b"<p>page 2</p>")
    (tmp_path / "headers.json").write_text(
        '{"/e/action/ShowInfo.php?classid=5&id=88&page=1": {"X-Page": "2"}}', encoding="utf-8"
    )
    with ReplayServer(tmp_path) as server:
        status, headers, body = fetch(server, "/e/action/ShowInfo.php?classid=5&id=88&page=1")
        assert (status, body, headers["X-Page"]) == (200, b"<p>page 2</p>", "2")
        assert headers["Content-Type"] == "text/html"  # by the path's extension, not the query's
        # Any other query: the page saved under the path alone.
        status, headers, body = fetch(server, "/e/action/ShowInfo.php?classid=5&id=88")
        assert (status, body, "X-Page" in headers) == (200, b"<p>page 1</p>", False)
        assert fetch(server, "/e/action/ShowInfo.php?../../headers.json")[0] == 200  # the path's
        assert server.count("/e/action/ShowInfo.php") == 3


def test_sitegen_small_site(tmp_path: Path) -> None:
    generate_site(tmp_path, 30, categories=3, per_list_page=8, multipage_every=10, seed=1)
    records = [json.loads(x) for x in (tmp_path / "expected.jsonl").read_text("utf-8").splitlines()]
    assert len(records) == 30
    assert sum(len(r["pages"]) > 1 for r in records) == 3
    with ReplayServer(tmp_path) as server:
        status, headers, body = fetch(server, "/")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=gbk"
        status, _, body = fetch(server, "/gongzuobaogao/list_1_2.html")
        assert status == 200
        text = body.decode("gbk")
        assert "下一页" not in text or "list_1_3.html" in text
        links = re.findall(r'href="(/gongzuobaogao/\d{4}/\d{4}/\d+\.html)"', text)
        assert links
        status, _, body = fetch(server, links[0])
        assert status == 200
        page = body.decode("gbk")
        assert "<h1>" in page and "当前位置" in page and "时间:" in page
        multi = next(r for r in records if len(r["pages"]) > 1)
        for p in multi["pages"]:
            assert fetch(server, p, method="HEAD")[0] == 200
        assert fetch(server, "/robots.txt")[0] == 200


def test_sitegen_is_deterministic(tmp_path: Path) -> None:
    generate_site(tmp_path / "a", 12, seed=7)
    generate_site(tmp_path / "b", 12, seed=7)
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
