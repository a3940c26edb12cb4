"""Generate a synthetic report site of any size, for throughput benchmarks.

Why: the bundled demo mirror (``data/demo-site``) is small and hand-shaped for accuracy;
measuring crawl and extraction speed needs thousands of pages with the same markup, which
are not worth committing. This writes them on demand, deterministically (one seed), in the
layout the replay server (``crawler.serve``) reads::

    ROOT/site/**          GBK pages, DedeCMS-style: home, list pages, article pages
    ROOT/headers.json     URL path -> {Content-Type: text/html; charset=gbk, Last-Modified}
    ROOT/expected.jsonl   one record per article (DESIGN.md shape, no provenance fields)

Existing files under ROOT are overwritten, never deleted. Page text is short and drawn
from a precomputed sentence pool, so 5,000 articles take a few seconds.
"""

from __future__ import annotations

import html
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

__all__ = ["generate_site"]

SITE_NAME = "范文工作报告网"
_TZ = timezone(timedelta(hours=8))
_EPOCH = datetime(2020, 1, 1, 8, 0, tzinfo=_TZ)
_KNOWN = [
    ("gongzuobaogao", "工作报告"),
    ("xindetihui", "心得体会"),
    ("shuzhibaogao", "述职报告"),
    ("yanjianggao", "演讲稿"),
    ("lunwen", "论文"),
]
_SUBJECTS = ["我们", "各级党组织", "全体干部职工", "班子成员", "各科室", "项目团队", "基层单位"]
_VERBS = ["坚持", "深入推进", "不断完善", "切实加强", "持续深化", "扎实开展", "认真落实"]
_OBJECTS = [
    "制度建设",
    "队伍建设",
    "重点任务落实",
    "日常监督管理",
    "服务群众能力",
    "风险隐患排查",
    "工作机制",
    "考核评价体系",
    "宣传引导",
    "业务培训",
]
_RESULTS = [
    "取得了明显成效",
    "各项工作稳步推进",
    "群众满意度进一步提高",
    "工作质效持续提升",
    "形成了比较完善的工作格局",
    "较好地完成了上级交办的各项任务",
]
_TOPICS = ["安全生产", "作风建设", "乡村振兴", "基层治理", "民生保障", "项目建设", "教育教学"]
_HEADS = ["主要工作和成效", "存在的问题和不足", "下一步工作打算", "几点体会", "努力方向"]
_NUMERALS = "一二三四五六七八九十"
_AUTHORS = ["佚名", "王丽", "张建国", "李晓东", "陈静", "刘洋"]
_SOURCES = ["网络", "本站原创", "网友投稿"]

_CSS_LINK = '<link href="/templets/default/style/dedecms.css" rel="stylesheet" type="text/css" />'
_FOOTER = (
    '<div class="footer"><p>免责声明：本站部分文章来源于网络，仅供学习交流参考，'
    "如有侵权请联系删除。</p><p>Copyright &copy; " + SITE_NAME + "</p></div>\n</body>\n</html>\n"
)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk" />\n'
        f"<title>{_e(title)}</title>\n{_CSS_LINK}\n</head>\n"
    )


def _categories(n: int) -> list[tuple[str, str]]:
    cats = list(_KNOWN[:n])
    cats += [(f"lanmu{i}", f"栏目{i}") for i in range(len(cats) + 1, n + 1)]
    return cats


def _nav(cats: list[tuple[str, str]]) -> str:
    links = "".join(f'<li><a href="/{slug}/">{name}</a></li>' for slug, name in cats)
    return (
        f'<div class="header"><div class="banner">欢迎来到{SITE_NAME}!</div>'
        '<div class="userbox"><a href="/member/login.html">会员登录</a></div>'
        f'<div class="nav"><ul><li><a href="/">首页</a></li>{links}</ul></div></div>\n'
    )


def _sentence_pool(rng: random.Random, size: int = 600) -> list[str]:
    pool: set[str] = set()
    while len(pool) < size:
        topic = rng.choice(_TOPICS)
        pool.add(
            f"{rng.choice(_SUBJECTS)}{rng.choice(_VERBS)}{topic}{rng.choice(_OBJECTS)}，"
            f"{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}，{rng.choice(_RESULTS)}。"
        )
    return sorted(pool)


class _Article:
    __slots__ = ("aid", "author", "blocks", "cat", "npages", "slug", "source", "title", "when")

    def __init__(
        self,
        aid: int,
        slug: str,
        cat: str,
        when: datetime,
        title: str,
        author: str | None,
        source: str | None,
        blocks: list[tuple[str, str]],
        npages: int,
    ) -> None:
        self.aid, self.slug, self.cat, self.when, self.title = aid, slug, cat, when, title
        self.author, self.source, self.blocks, self.npages = author, source, blocks, npages

    def page_path(self, n: int) -> str:
        stem = str(self.aid) if n == 1 else f"{self.aid}_{n}"
        return f"/{self.slug}/{self.when:%Y}/{self.when:%m%d}/{stem}.html"

    @property
    def path(self) -> str:
        return self.page_path(1)


def _pager(aid: int, n: int, npages: int) -> str:
    def href(k: int) -> str:
        return f"{aid}.html" if k == 1 else f"{aid}_{k}.html"

    items = [f"<li><a>共{npages}页:</a></li>"]
    if n > 1:
        items.append(f'<li><a href="{href(n - 1)}">上一页</a></li>')
    for k in range(1, npages + 1):
        items.append(
            f'<li class="thisclass"><a href="#">{k}</a></li>'
            if k == n
            else f'<li><a href="{href(k)}">{k}</a></li>'
        )
    if n < npages:
        items.append(f'<li><a href="{href(n + 1)}">下一页</a></li>')
    return '<div class="dede_pages"><ul class="pagelist">' + "".join(items) + "</ul></div>\n"


def _list_pager(typeid: int, page: int, npages: int) -> str:
    def href(k: int) -> str:
        return f"list_{typeid}_{k}.html"

    items = ["<li><a>首页</a></li>" if page == 1 else f"<li><a href='{href(1)}'>首页</a></li>"]
    if page > 1:
        items.append(f"<li><a href='{href(page - 1)}'>上一页</a></li>")
    lo, hi = max(1, page - 4), min(npages, page + 4)  # a window, as dede shows
    for k in range(lo, hi + 1):
        items.append(
            f'<li class="thisclass">{k}</li>'
            if k == page
            else f"<li><a href='{href(k)}'>{k}</a></li>"
        )
    if page < npages:
        items.append(f"<li><a href='{href(page + 1)}'>下一页</a></li>")
    items.append(
        "<li><a>末页</a></li>" if page == npages else f"<li><a href='{href(npages)}'>末页</a></li>"
    )
    return '<div class="dede_pages"><ul class="pagelist">' + "".join(items) + "</ul></div>\n"


def _blocks_html(blocks: list[tuple[str, str]]) -> str:
    return "\n".join(
        f"<p><strong>{_e(text)}</strong></p>" if kind == "h" else f"<p>　　{_e(text)}</p>"
        for kind, text in blocks
    )


def generate_site(
    root: Path,
    articles: int,
    *,
    categories: int = 5,
    per_list_page: int = 20,
    multipage_every: int = 50,
    seed: int = 0,
) -> None:
    """Write a synthetic report site of ``articles`` articles into ``root``.

    Articles are spread over ``categories`` sections (the first five are 工作报告, 心得体会,
    述职报告, 演讲稿, 论文; more get generic names), listed newest first, ``per_list_page``
    to a list page (``list_<typeid>_<n>.html``, ``index.html`` equal to the first). Every
    ``multipage_every``-th article (0: none) is split over two or three pages
    (``<aid>_2.html`` …) with a dede pager. The same ``seed`` gives the same bytes.
    """
    if articles < 0:
        raise ValueError(f"articles must be >= 0, got {articles}")
    if categories < 1:
        raise ValueError(f"categories must be >= 1, got {categories}")
    if per_list_page < 1:
        raise ValueError(f"per_list_page must be >= 1, got {per_list_page}")
    if multipage_every < 0:
        raise ValueError(f"multipage_every must be >= 0, got {multipage_every}")
    root = Path(root)
    site = root / "site"
    rng = random.Random(seed)
    pool = _sentence_pool(rng)
    cats = _categories(categories)
    nav = _nav(cats)

    arts: list[_Article] = []
    for i in range(articles):
        aid = i + 1
        slug, cat = cats[i % len(cats)]
        when = _EPOCH + timedelta(hours=7 * i, minutes=rng.randrange(60), seconds=rng.randrange(60))
        topic = rng.choice(_TOPICS)
        multi = multipage_every > 0 and aid % multipage_every == 0
        nsections = 4 if multi else 2
        blocks: list[tuple[str, str]] = [("p", "".join(rng.sample(pool, 2)))]
        for s, head in enumerate(rng.sample(_HEADS, nsections)):
            blocks.append(("h", f"{_NUMERALS[s]}、{head}"))
            blocks.append(("p", "".join(rng.sample(pool, rng.randint(2, 3)))))
        author = rng.choice([*_AUTHORS, None])
        arts.append(
            _Article(
                aid,
                slug,
                cat,
                when,
                f"{topic}{cat}范文（第{aid}篇）",
                author,
                rng.choice([*_SOURCES, None]),
                blocks,
                (2 + (aid // multipage_every) % 2) if multi else 1,
            )
        )

    files: dict[str, str] = {}
    headers: dict[str, dict[str, str]] = {}

    def put(path: str, text: str, when: datetime) -> None:
        files[path] = text
        headers[path] = {
            "Content-Type": "text/html; charset=gbk",
            "Last-Modified": format_datetime(when.astimezone(UTC), usegmt=True),
        }

    hot = arts[:10]
    hot_html = "".join(f'<li><a href="{a.path}">{_e(a.title)}</a></li>' for a in hot)
    sidebar = f'<div class="pright"><dl class="tbox"><dt>热门文章</dt><dd><ul>{hot_html}</ul></dd></dl></div>\n'
    expected: list[str] = []
    for typeid, (slug, cat) in enumerate(cats, start=1):
        in_cat = [a for a in arts if a.slug == slug]
        position = f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/{slug}/">{cat}</a> &gt; </div>\n'
        for idx, a in enumerate(in_cat):
            prev = in_cat[idx - 1] if idx > 0 else None
            nxt = in_cat[idx + 1] if idx + 1 < len(in_cat) else None
            context = (
                '<div class="context"><ul>'
                + (
                    f'<li>上一篇：<a href="{prev.path}">{_e(prev.title)}</a></li>'
                    if prev
                    else "<li>上一篇：没有了</li>"
                )
                + (
                    f'<li>下一篇：<a href="{nxt.path}">{_e(nxt.title)}</a></li>'
                    if nxt
                    else "<li>下一篇：没有了</li>"
                )
                + "</ul></div>\n"
            )
            info = [f"时间:{a.when:%Y-%m-%d %H:%M:%S}"]
            if a.source:
                info.append(f"来源:{a.source}")
            if a.author:
                info.append(f"作者:{a.author}")
            info_html = '<div class="info">' + "&nbsp;&nbsp;".join(info) + "</div>\n"
            step = -(-len(a.blocks) // a.npages)
            chunks = [a.blocks[k : k + step] for k in range(0, len(a.blocks), step)]
            npages = len(chunks)
            a.npages = npages
            for n, chunk in enumerate(chunks, start=1):
                page = (
                    _head(f"{a.title}_{cat}_{SITE_NAME}")
                    + '<body class="articleview">\n'
                    + nav
                    + '<div class="pleft">\n'
                    + position
                    + '<div class="viewbox">\n'
                    + f'<div class="title"><h1>{_e(a.title)}</h1></div>\n'
                    + info_html
                    + '<div class="content">\n'
                    + _blocks_html(chunk)
                    + "\n</div>\n"
                    + (_pager(a.aid, n, npages) if npages > 1 else "")
                    + '<div class="share">分享到：<a href="#">QQ空间</a> <a href="#">微信</a></div>\n'
                    + context
                    + "</div>\n</div>\n"
                    + sidebar
                    + _FOOTER
                )
                put(a.page_path(n), page, a.when)
        newest_first = in_cat[::-1]
        nlist = max(1, -(-len(newest_first) // per_list_page))
        for p in range(1, nlist + 1):
            chunk_arts = newest_first[(p - 1) * per_list_page : p * per_list_page]
            items = "".join(
                f'<li><a href="{a.path}" class="title">{_e(a.title)}</a>'
                f'<span class="info">{a.when:%Y-%m-%d}</span></li>\n'
                for a in chunk_arts
            )
            text = (
                _head(f"{cat}_{SITE_NAME}")
                + '<body class="listpage">\n'
                + nav
                + position
                + f'<div class="listbox"><ul class="e2">\n{items}</ul></div>\n'
                + _list_pager(typeid, p, nlist)
                + sidebar
                + _FOOTER
            )
            when = chunk_arts[0].when if chunk_arts else _EPOCH
            put(f"/{slug}/list_{typeid}_{p}.html", text, when)
            if p == 1:
                put(f"/{slug}/index.html", text, when)

    latest = "".join(f'<li><a href="{a.path}">{_e(a.title)}</a></li>' for a in arts[::-1][:20])
    newest = arts[-1].when if arts else _EPOCH
    put(
        "/index.html",
        _head(f"{SITE_NAME} - 工作报告_心得体会_述职报告范文")
        + '<body class="index">\n'
        + nav
        + f'<div class="latest"><dl class="tbox"><dt>最新文章</dt><dd><ul>{latest}</ul></dd></dl></div>\n'
        + sidebar
        + _FOOTER,
        newest,
    )
    put(
        "/member/login.html",
        _head(f"会员登录_{SITE_NAME}")
        + "<body>\n"
        + nav
        + '<form method="post" action="/member/index_do.php"><input name="userid" /></form>\n'
        + _FOOTER,
        _EPOCH,
    )

    for a in arts:
        expected.append(
            json.dumps(
                {
                    "url": a.path,
                    "pages": [a.page_path(n) for n in range(1, a.npages + 1)],
                    "site": SITE_NAME,
                    "title": a.title,
                    "category": a.cat,
                    "published_at": a.when.isoformat(),
                    "abstract": None,
                    "keywords": [],
                    "body": "\n\n".join(text for _, text in a.blocks),
                    "credits": {
                        "author": None if a.author in (None, "佚名") else a.author,
                        "author_unit": None,
                        "editor": None,
                        "source": a.source,
                    },
                    "tags": [],
                },
                ensure_ascii=False,
            )
        )

    made: set[Path] = set()
    for path, text in files.items():
        target = site / path.lstrip("/")
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(text.encode("gbk"))
    (site / "robots.txt").write_bytes(b"User-agent: *\nDisallow: /member/\n")
    (root / "headers.json").write_text(
        json.dumps(headers, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    (root / "expected.jsonl").write_text(
        "".join(line + "\n" for line in expected), encoding="utf-8"
    )
