"""Which links a crawl follows: a later page reached first, print versions, excerpt lists.

Each test serves a small site of its own, written here, and crawls it in a real process.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from crawler.archive import open_archive
from crawler.serve import ReplayServer

from .conftest import run_cli

PROSE = (
    "今年以来，我们坚持以人民为中心的发展思想，认真落实各项工作部署，扎实推进重点任务，"
    "各方面工作取得了新的进展。在具体工作中，注重调查研究，查找问题短板，完善制度措施，"
    "切实把各项要求落到实处，推动工作质量和效率不断提升，群众满意度持续提高。"
)


def article(title: str, links: str = "", pager: str = "", canonical: str = "") -> str:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_示例范文网</title>{link}</head><body>"
        f"<div class='nav'><a href='/'>首页</a></div>"
        f"<h1>{title}</h1><div class='info'>时间：2024-03-05 09:12</div>"
        f"<div class='content'><p>{PROSE}</p><p>{PROSE}</p></div>"
        f"<div class='pager'>{pager}</div><div class='links'>{links}</div></body></html>"
    )


def write(site: Path, path: str, html: str) -> None:
    file = site / path.lstrip("/")
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(html, encoding="utf-8")


def crawl(root: Path, tmp_path: Path) -> tuple[set[str], dict[str, int]]:
    """The paths of the stored articles and the paths the server was asked for."""
    db = tmp_path / "archive.sqlite"
    with ReplayServer(root) as server:
        server.start()
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        counts = dict(server.counts)
    with open_archive(str(db)) as archive:
        paths = {urlsplit(r["url"]).path for r in archive.iter_records()}
    return paths, counts


def test_a_later_page_whose_first_page_is_dead_still_leads_on(tmp_path: Path) -> None:
    """Reached first, page 2 sends the crawl to page 1; page 1 is gone, and the other
    article is linked from page 2 only: it is found all the same."""
    site = tmp_path / "root" / "site"
    write(site, "/index.html", "<html><body><a href='/a/100_2.html'>第二页</a></body></html>")
    write(
        site,
        "/a/100_2.html",
        article(
            "第一篇工作总结",
            links="<a href='/b/200.html'>第二篇述职报告</a>",
            pager="<a href='/a/100.html'>1</a> <a href='/a/100_2.html'>2</a>",
        ),
    )
    write(site, "/b/200.html", article("第二篇述职报告"))
    stored, counts = crawl(tmp_path / "root", tmp_path)
    assert counts.get("/a/100.html") == 1  # asked for, and dead
    assert stored == {"/b/200.html"}


def test_print_versions_reply_links_feeds_search_and_login_are_not_followed(tmp_path: Path) -> None:
    site = tmp_path / "root" / "site"
    write(
        site,
        "/index.html",
        "<html><body><a href='/a/1.html'>一篇心得体会</a>"
        "<form action='/plus/search.php'></form><a href='/plus/search.php?q=x'>搜索</a>"
        "</body></html>",
    )
    write(
        site,
        "/a/1.html",
        article(
            "一篇心得体会",
            links="<a href='/print.php?aid=1'>打印本文</a> <a href='/a/print/1.html'>打印版</a>"
            "<a href='/a/1.html?replytocom=7'>回复</a> <a href='/feed/'>RSS</a>"
            "<a href='/wp-login.php'>登录</a>"
            # DedeCMS's and EmpireCMS's action scripts, WordPress's search.
            "<a href='/plus/stow.php?aid=1'>收藏</a> <a href='/plus/recommend.php?aid=1'>推荐</a>"
            "<a href='/plus/erraddsave.php?aid=1'>挑错</a> <a href='/e/pl/?classid=5&id=1'>评论</a>"
            "<a href='/e/public/digg/?id=1'>顶</a> <a href='/?s=述职报告'>搜索</a>"
            "<a href='/Comment.asp?ArticleID=1'>发表评论</a>"
            # Discuz!'s printable copy, report form, jump to a post, one author's posts.
            "<a href='/forum.php?mod=viewthread&action=printable&tid=342'>打印</a>"
            "<a href='/forum.php?mod=misc&action=report&rtype=post&rid=1'>举报</a>"
            "<a href='/forum.php?mod=redirect&goto=findpost&ptid=342&pid=1'>沙发</a>"
            "<a href='/forum.php?mod=viewthread&tid=342&page=1&authorid=9'>只看该作者</a>"
            # Content: DedeCMS's dynamic article page, a ThinkPHP route.
            "<a href='/plus/view.php?aid=2'>另一篇心得体会</a> <a href='/?s=/home/a/3'>第三篇</a>",
        ),
    )
    write(site, "/plus/view.php", article("另一篇述职报告"))
    ignored = (
        "/print.php",
        "/a/print/1.html",
        "/plus/search.php",
        "/feed/",
        "/wp-login.php",
        "/plus/stow.php",
        "/plus/recommend.php",
        "/plus/erraddsave.php",
        "/e/pl/",
        "/e/public/digg/",
        "/Comment.asp",
        "/forum.php",
    )
    for path in ignored:
        write(
            site, path if not path.endswith("/") else path + "index.html", article("一篇心得体会")
        )
    stored, counts = crawl(tmp_path / "root", tmp_path)
    assert stored == {"/a/1.html", "/plus/view.php"}
    assert counts.get("/a/1.html") == 1  # not again as ?replytocom=7
    assert not set(ignored) & set(counts)
    assert counts.get("/") == 2  # the start page, and the route /?s=/home/a/3; not /?s=述职报告


def test_a_copy_is_stored_at_the_address_it_names_as_its_own(tmp_path: Path) -> None:
    """A dynamic copy names its static address (rel=canonical): one record, at that address.
    A canonical naming the front page (a misconfigured template) is ignored."""
    site = tmp_path / "root" / "site"
    write(
        site,
        "/index.html",
        "<html><body><a href='/show.php'>一篇工作总结</a><a href='/b/2.html'>述职报告</a>"
        "</body></html>",
    )
    pager = "<a href='/a/1.html'>1</a> <a href='/a/1_2.html'>2</a>"
    write(site, "/show.php", article("一篇工作总结", canonical="/a/1.html", pager=pager))
    write(site, "/a/1.html", article("一篇工作总结", canonical="/a/1.html", pager=pager))
    second = article("一篇工作总结", canonical="/a/1_2.html", pager=pager)
    write(site, "/a/1_2.html", second.replace(PROSE, "第二页：" + PROSE, 1))
    write(site, "/b/2.html", article("一篇述职报告", canonical="/"))
    db = tmp_path / "archive.sqlite"
    with ReplayServer(tmp_path / "root") as server:
        server.start()
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        counts = server.counts
        server.reset()
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        again = server.counts
    with open_archive(str(db)) as archive:
        stored = {urlsplit(r["url"]).path for r in archive.iter_records()}
    assert stored == {"/a/1.html", "/b/2.html"}
    assert counts.get("/a/1.html") == 1
    # The copy's pager leads to the article's second page: fetched once, by the stitching.
    assert counts.get("/a/1_2.html") == 1
    # The next crawl knows the copy's address as the article's and does not ask for it.
    assert "/show.php" not in again and "/a/1.html" not in again


def test_an_article_reached_at_two_addresses_is_archived_once(tmp_path: Path) -> None:
    """A dynamic and a static URL serving the same article, the dynamic one linked first: one
    article, at the static address, with the dynamic one as its alias; either address finds
    it; a second run asks for neither again."""
    root = tmp_path / "root"
    site = root / "site"
    write(
        site,
        "/index.html",
        "<html><body><a href='/plus/view.php?aid=1'>一篇工作总结</a>"
        " <a href='/a/2.html'>另一篇述职报告</a> <a href='/a/1.html'>一篇工作总结</a></body></html>",
    )
    write(site, "/a/1.html", article("一篇工作总结"))
    write(site, "/plus/view.php?aid=1", article("一篇工作总结"))
    write(site, "/a/2.html", article("另一篇述职报告"))
    db = tmp_path / "archive.sqlite"
    with ReplayServer(root) as server:
        server.start()
        first = run_cli("crawl", server.url + "/", "--db", str(db))
        assert first.returncode == 0, first.stderr[-3000:]
        with open_archive(str(db)) as archive:
            counts = archive.counts()
            urls = sorted(r["url"] for r in archive.iter_records())
            found = [
                archive.get_record(server.url + p) for p in ("/a/1.html", "/plus/view.php?aid=1")
            ]
        assert (counts["articles"], counts["article_aliases"]) == (2, 1)
        assert urls == [server.url + "/a/1.html", server.url + "/a/2.html"]
        assert [r and r["url"] for r in found] == [server.url + "/a/1.html"] * 2
        server.reset()
        again = run_cli("crawl", server.url + "/", "--db", str(db))
        assert again.returncode == 0, again.stderr[-3000:]
        asked = dict(server.counts)
    assert not {"/a/1.html", "/plus/view.php", "/a/2.html"} & set(asked)


def test_empirecms_dynamic_pages_counting_from_zero_make_one_article(tmp_path: Path) -> None:
    """ShowInfo.php?…&page=1 is the second page: the article has its three pages in order,
    also when the second page is the one a list links."""
    root = tmp_path / "root"
    site = root / "site"
    show = "/e/action/ShowInfo.php?classid=5&id=88"
    pages = [show, f"{show}&page=1", f"{show}&page=2"]
    pager = " ".join(f"<a href='{url}'>{n}</a>" for n, url in enumerate(pages, 1))
    for number, url in enumerate(pages, 1):
        text = f"第{number}页的正文。{PROSE}"
        html = article("一篇分页的工作总结", pager=f"{pager} <a href='{pages[-1]}'>尾页</a>")
        write(site, url, html.replace(f"<p>{PROSE}</p><p>{PROSE}</p>", f"<p>{text}</p>"))
    write(
        site,
        "/index.html",
        f"<html><body><a href='{pages[1]}'>一篇分页的工作总结</a></body></html>",
    )
    db = tmp_path / "archive.sqlite"
    with ReplayServer(root) as server:
        server.start()
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        with open_archive(str(db)) as archive:
            records = list(archive.iter_records())
        assert [r["pages"] for r in records] == [[server.url + p for p in pages]]
    body = records[0]["body"]
    assert body.index("第1页的正文") < body.index("第2页的正文") < body.index("第3页的正文")


def test_drop_downs_lead_to_list_pages_and_article_pages(tmp_path: Path) -> None:
    """A list whose second page only a jump menu links, and an article whose drop-down pager
    titles its pages (第2页：存在问题) with relative values: both are followed."""
    site = tmp_path / "root" / "site"
    jump = (
        "转到：<select onchange='self.location.href=this.options[this.selectedIndex].value'>"
        "<option value='/list/index.html' selected>第1页</option>"
        "<option value='/list/index_2.html'>第2页</option></select>"
    )
    write(
        site, "/index.html", f"<html><body><a href='/a/1.html'>一篇工作总结</a>{jump}</body></html>"
    )
    write(
        site,
        "/list/index_2.html",
        "<html><body><a href='/a/2.html'>第二篇工作总结</a></body></html>",
    )
    write(site, "/a/1.html", article("一篇工作总结"))
    pager = (
        "本文共2页，转到：<select><option value='2.html' selected>第1页：总体情况</option>"
        "<option value='2_2.html'>第2页：存在问题</option></select>"
    )
    first = article("第二篇工作总结", pager=pager)
    write(site, "/a/2.html", first)
    write(site, "/a/2_2.html", first.replace(PROSE, "第二页的正文。" + PROSE, 1))
    db = tmp_path / "archive.sqlite"
    with ReplayServer(tmp_path / "root") as server:
        server.start()
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        with open_archive(str(db)) as archive:
            pages = {r["title"]: r["pages"] for r in archive.iter_records()}
        assert pages == {
            "一篇工作总结": [server.url + "/a/1.html"],
            "第二篇工作总结": [server.url + "/a/2.html", server.url + "/a/2_2.html"],
        }


def test_base_href_trs_script_pager_other_ports_and_tracking_copies(tmp_path: Path) -> None:
    """Links resolve against <base href>; a TRS document's pages, drawn by createPageHTML(),
    are stitched with _1 as page 2; another port of the host is another server; a ?utm_
    copy of a page is not asked for again."""
    root = tmp_path / "root"
    site = root / "site"
    trs = "/zwgk/202402/t20240220_2001"
    write(site, "/a/5.html", article("第五篇工作总结"))
    write(
        site,
        "/list/sub/index.html",
        "<html><head><base href='/'></head><body>"
        "<a href='a/5.html'>第五篇工作总结</a></body></html>",
    )
    for number in range(3):
        html = article("关于印发工作要点的通知").replace(
            "</body>",
            "<div id='page_div'></div><script>createPageHTML('page_div', 3, "
            f"{number}, 't20240220_2001', 'html', 20);</script></body>",
        )
        html = html.replace(PROSE, f"第{number + 1}页：{PROSE}", 1)
        write(site, trs + (f"_{number}" if number else "") + ".html", html)
    with ReplayServer(root) as server:
        server.start()
        other_port = f"http://127.0.0.1:{server.port + 1}/x.html"
        write(
            site,
            "/index.html",
            f"<html><body><a href='/list/sub/'>列表</a> <a href='{trs}.html'>通知</a>"
            f" <a href='{trs}.html?utm_source=wechat'>通知</a> <a href='{other_port}'>旧版</a>"
            "</body></html>",
        )
        db = tmp_path / "archive.sqlite"
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        asked = dict(server.counts)
        with open_archive(str(db)) as archive:
            records = {r["title"]: r for r in archive.iter_records()}
            failures = archive.counts()["failures"]
    assert set(records) == {"第五篇工作总结", "关于印发工作要点的通知"}
    notice = records["关于印发工作要点的通知"]
    assert [p.removeprefix(server.url) for p in notice["pages"]] == [
        f"{trs}.html",
        f"{trs}_1.html",
        f"{trs}_2.html",
    ]
    assert (
        notice["body"].index("第1页")
        < notice["body"].index("第2页")
        < notice["body"].index("第3页")
    )
    assert asked[f"{trs}.html"] == 1  # not again as ?utm_source=wechat
    assert "/list/sub/a/5.html" not in asked
    assert failures == 0  # the other port was never asked


def test_calendars_sort_orders_and_a_pager_promising_too_much_cost_no_requests(
    tmp_path: Path,
) -> None:
    """A calendar's ?date= and ?month= links (or its /calendar/ pages), a list's ?orderby=
    copies (or ThinkPHP's /order/hits.html), a share button's link, a session id in a link:
    none is asked for. An article whose pager promises ten pages where two exist stops
    at the first missing one."""
    site = tmp_path / "root" / "site"
    calendar = " ".join(f"<a href='/archive/?date=2024-03-{d:02d}'>{d}</a>" for d in range(1, 29))
    write(
        site,
        "/index.html",
        f"<html><body><a href='/a/1.html'>一篇工作总结</a> {calendar}"
        " <a href='/archive/?month=2024-02'>二月</a> <a href='/list/?orderby=hits'>按点击</a>"
        " <a href='/list/?orderby=time&order=desc'>按时间</a>"
        " <a href='/index.php/list/3/order/hits.html'>按点击</a>"
        " <a href='/index.php/calendar/202403.html'>日历</a>"
        " <a href='/a/1.html?share=weibo&nb=1'>分享到微博</a>"
        " <a href='/a/2.html;jsessionid=AB12CD34'>另一篇述职报告</a></body></html>",
    )
    pager = " ".join(f"<a href='/a/1_{n}.html'>{n}</a>" for n in range(2, 11))
    first = article("一篇工作总结", pager=f"<a href='/a/1.html'>1</a> {pager}")
    write(site, "/a/1.html", first)
    write(site, "/a/1_2.html", first.replace(PROSE, "第二页：" + PROSE, 1))
    write(site, "/a/2.html", article("另一篇述职报告"))
    stored, counts = crawl(tmp_path / "root", tmp_path)
    assert stored == {"/a/1.html", "/a/2.html"}
    assert not {"/archive/", "/list/", "/index.php/list/3/order/hits.html"} & set(counts)
    assert "/index.php/calendar/202403.html" not in counts
    assert counts["/a/1.html"] == 1  # (counted by path: not again as ?nb=1, the share link)
    assert counts["/a/2.html"] == 1 and "/a/2.html;jsessionid=AB12CD34" not in counts
    # Page 3 is missing: pages 4 to 10 are not asked for.
    assert counts.get("/a/1_3.html") == 1
    assert not any(f"/a/1_{n}.html" in counts for n in range(4, 11))


def test_the_sitemap_leads_to_articles_no_link_reaches(tmp_path: Path) -> None:
    """/sitemap.xml, a sitemap index of one sitemap, lists an article that no page links; a
    site without a sitemap (the other tests) records no failure for it."""
    root = tmp_path / "root"
    site = root / "site"
    write(site, "/index.html", "<html><body><a href='/a/1.html'>一篇工作总结</a></body></html>")
    write(site, "/a/1.html", article("一篇工作总结"))
    write(site, "/old/2.html", article("一篇旧的述职报告"))
    with ReplayServer(root) as server:
        server.start()
        write(
            site,
            "/sitemap.xml",
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<sitemap><loc>{server.url}/sitemap-posts.xml</loc></sitemap></sitemapindex>",
        )
        write(
            site,
            "/sitemap-posts.xml",
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{server.url}/a/1.html</loc></url><url><loc>{server.url}/old/2.html</loc>"
            "</url><url><loc>http://elsewhere.example/3.html</loc></url></urlset>",
        )
        db = tmp_path / "archive.sqlite"
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        asked = dict(server.counts)
    with open_archive(str(db)) as archive:
        titles = sorted(r["title"] for r in archive.iter_records())
        failures = archive.counts()["failures"]
    assert titles == ["一篇工作总结", "一篇旧的述职报告"]
    assert asked["/a/1.html"] == 1  # linked and listed: asked for once
    assert failures == 0


def test_an_iis_sites_case_variants_and_page_1_links_make_one_whole_article(
    tmp_path: Path,
) -> None:
    """An ASP site links one article as Show.asp?ID=7 and show.asp?id=7, pages it as
    show.asp?id=7&page=2, and links page 1 as &page=1 from page 2: one article, whole, and
    &page=1 never asked for (it is show.asp?id=7)."""
    root = tmp_path / "root"
    site = root / "site"
    write(
        site,
        "/index.html",
        "<html><body><a href='/Show.asp?ID=7'>一篇工作总结</a>"
        " <a href='/show.asp?id=7&page=2'>一篇工作总结（第2页）</a></body></html>",
    )
    pager = "<a href='show.asp?id=7&page=1'>1</a> <a href='show.asp?id=7&page=2'>2</a>"
    first = article("一篇工作总结", pager=pager)
    write(site, "/Show.asp?ID=7", first)
    write(site, "/show.asp?id=7", first)
    write(site, "/show.asp?id=7&page=2", first.replace(PROSE, "第二页：" + PROSE, 1))
    db = tmp_path / "archive.sqlite"
    with ReplayServer(root) as server:
        server.start()
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        asked = [target for _, target, _ in server.requests]
        with open_archive(str(db)) as archive:
            records = list(archive.iter_records())
    assert len(records) == 1
    assert "第二页：" in records[0]["body"] and len(records[0]["pages"]) == 2
    assert "/show.asp?id=7&page=1" not in asked


def test_image_maps_frames_backslashes_and_a_gbk_query_lead_to_articles(tmp_path: Path) -> None:
    """A frames-only front page; a hub whose links are an image map's areas and a
    backslashed path; a GBK page linking a query written in Chinese, which goes out
    GBK-encoded as a browser sends it; a WPS document, never fetched."""
    root = tmp_path / "root"
    site = root / "site"
    write(
        site,
        "/index.html",
        "<html><frameset cols='20%,80%'><frame src='/menu.html'><frame src='/hub.html'>"
        "</frameset></html>",
    )
    write(site, "/menu.html", "<html><body><a href='/hub.html'>专题</a></body></html>")
    write(
        site,
        "/hub.html",
        "<html><body><img usemap='#m'><map name='m'><area href='/a/1.html' shape='rect'></map>"
        "<a href='\\a\\2.html'>第二篇</a><a href='/doc/plan.wps'>下载</a>"
        "<a href='/gbk.html'>GBK</a></body></html>",
    )
    write(site, "/a/1.html", article("一篇工作总结"))
    write(site, "/a/2.html", article("另一篇述职报告"))
    gbk_hub = (
        "<html><head><meta charset='gbk'></head><body>"
        "<a href='/show.php?id=4&kw=工作报告'>工作报告</a></body></html>"
    )
    (site / "gbk.html").write_bytes(gbk_hub.encode("gbk"))
    write(site, "/doc/plan.wps", "not a page")
    db = tmp_path / "archive.sqlite"
    with ReplayServer(root) as server:
        server.start()
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
        asked = [target for _, target, _ in server.requests]
        with open_archive(str(db)) as archive:
            stored = {urlsplit(r["url"]).path for r in archive.iter_records()}
    assert stored == {"/a/1.html", "/a/2.html"}
    assert "/show.php?id=4&kw=%B9%A4%D7%F7%B1%A8%B8%E6" in asked
    assert "/doc/plan.wps" not in asked and "//a/2.html" not in asked


def test_a_hanweb_list_drawn_from_its_datastore_script_leads_to_its_articles(
    tmp_path: Path,
) -> None:
    """大汉 (Hanweb) column pages hold their list as markup in a <script type="text/xml">
    <datastore>, drawn in the browser: its records' links are followed like any list's."""
    site = tmp_path / "root" / "site"
    write(
        site,
        "/index.html",
        "<html><body><a href='/col/col1235/index.html'>工作动态</a></body></html>",
    )
    records = "".join(
        f"<record><![CDATA[<li><a href='/art/2023/6/{n}/art_1235_{n}.html' title='动态{n}'>"
        f"工作动态第{n}篇</a><span>2023-06-0{n}</span></li>]]></record>"
        for n in (1, 2, 3)
    )
    write(
        site,
        "/col/col1235/index.html",
        "<html><body><div id='1235'><script type='text/xml'><datastore><nextgroup><![CDATA["
        "<a href='/module/web/jpage/dataproxy.jsp?page=1'></a>]]></nextgroup><recordset>"
        f"{records}</recordset></datastore></script></div></body></html>",
    )
    for n in (1, 2, 3):
        write(site, f"/art/2023/6/{n}/art_1235_{n}.html", article(f"工作动态第{n}篇"))
    stored, counts = crawl(tmp_path / "root", tmp_path)
    assert stored == {f"/art/2023/6/{n}/art_1235_{n}.html" for n in (1, 2, 3)}
    # (Its pager's data endpoint takes the list script's POST only: no GET of it, no failure.)
    assert not any("dataproxy" in path for path in counts)


def test_a_list_paged_by_a_trs_script_pager_leads_to_every_page(tmp_path: Path) -> None:
    """A TRS column list's only pager is drawn by createPageHTML(3, 0, "index", "html"): its
    pages index_1.html and index_2.html are followed, and the articles they list stored."""
    site = tmp_path / "root" / "site"
    write(site, "/index.html", "<html><body><a href='/zwyw/index.html'>政务要闻</a></body></html>")
    for page in range(3):
        items = "".join(
            f"<li><a href='./2024{page}/t2024030{page}_{n}.html'>政务要闻第{page}页第{n}篇标题</a>"
            f"<span>2024-03-0{page + 1}</span></li>"
            for n in range(8)
        )
        name = "index.html" if page == 0 else f"index_{page}.html"
        write(
            site,
            f"/zwyw/{name}",
            f"<html><head><meta charset='utf-8'><title>政务要闻</title></head><body><ul>{items}</ul>"
            "<script>createPageHTML(3, " + str(page) + ', "index", "html");</script></body></html>',
        )
        for n in range(8):
            write(site, f"/zwyw/2024{page}/t2024030{page}_{n}.html", article(f"政务要闻{page}-{n}"))
    stored, counts = crawl(tmp_path / "root", tmp_path)
    assert {"/zwyw/index_1.html", "/zwyw/index_2.html"} <= set(counts)
    assert stored == {f"/zwyw/2024{p}/t2024030{p}_{n}.html" for p in range(3) for n in range(8)}


def test_the_sitemaps_robots_txt_names_are_read(tmp_path: Path) -> None:
    """No /sitemap.xml, but robots.txt names the sitemap index (Sitemap: …): the article
    only it lists is archived."""
    root = tmp_path / "root"
    site = root / "site"
    write(site, "/index.html", "<html><body><a href='/a/1.html'>一篇工作总结</a></body></html>")
    write(site, "/a/1.html", article("一篇工作总结"))
    write(site, "/old/2.html", article("一篇旧的述职报告"))
    with ReplayServer(root) as server:
        server.start()
        write(
            site,
            "/robots.txt",
            f"User-agent: *\nDisallow: /admin/\nSitemap: {server.url}/sitemap_index.xml\n",
        )
        write(
            site,
            "/sitemap_index.xml",
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{server.url}/old/2.html</loc></url></urlset>",
        )
        db = tmp_path / "archive.sqlite"
        result = run_cli("crawl", server.url + "/", "--db", str(db))
        assert result.returncode == 0, result.stderr[-3000:]
    with open_archive(str(db)) as archive:
        titles = sorted(r["title"] for r in archive.iter_records())
        failures = archive.counts()["failures"]
    assert titles == ["一篇工作总结", "一篇旧的述职报告"]
    assert failures == 0


def test_a_file_behind_a_page_like_address_is_stopped_at_its_headers(tmp_path: Path) -> None:
    """A government site's attachment comes from a script (downfile.jsp), its headers saying
    it is a file: the download ends there, nothing of it is archived, and no failure is
    claimed; the article beside it is archived as usual."""
    import json
    import sqlite3

    root = tmp_path / "root"
    site = root / "site"
    write(
        site,
        "/index.html",
        "<html><body><a href='/a/1.html'>一篇工作总结</a>"
        "<a href='/module/download/downfile.jsp'>附件：申报表</a>"
        "<a href='/a/2.html'>另一篇</a></body></html>",
    )
    write(site, "/a/1.html", article("一篇工作总结"))
    # An old server without the type of .html: a page all the same.
    write(site, "/a/2.html", article("另一篇述职报告"))
    (site / "module" / "download").mkdir(parents=True)
    (site / "module" / "download" / "downfile.jsp").write_bytes(
        b"\xd0\xcf\x11\xe0" + bytes(4_000_000)
    )
    attachment = {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": "attachment; filename=shenbao.doc",
    }
    untyped = {"Content-Type": "application/octet-stream"}
    (root / "headers.json").write_text(
        json.dumps({"/module/download/downfile.jsp": attachment, "/a/2.html": untyped}),
        encoding="utf-8",
    )
    stored, counts = crawl(root, tmp_path)
    assert stored == {"/a/1.html", "/a/2.html"}
    assert counts.get("/module/download/downfile.jsp") == 1
    with sqlite3.connect(tmp_path / "archive.sqlite") as db:
        size, warc, kind = db.execute(
            "select size, warc_file, kind from pages where url like '%downfile.jsp'"
        ).fetchone()
        failures = db.execute("select url, stage, reason from failures").fetchall()
    assert size < 1_000_000 and warc is None and kind == "file"
    assert failures == []
