"""Build the bundled demo mirror of the fictional report site 范文工作报告网.

Run it with the project's venv from the repository root (or from anywhere):

    .venv/bin/python data/demo-site/build.py

It rewrites, next to this file:

- ``site/**``        the page bytes, GBK encoded, DedeCMS-style markup, root-relative links;
- ``headers.json``   URL path -> {header: value} for every page whose headers differ from
                     the replay server's defaults (Content-Type with charset, Last-Modified);
- ``expected.jsonl`` one record per real article (DESIGN.md record shape, without the
                     provenance fields), taken from the generator's source data, never from
                     an extractor, so that the demo crawl can be scored against it.

The output is deterministic (fixed seed, no clock, no dict-order surprises) and committed
with this script; rebuild only on purpose and review the diff.

Deliberate traps, so that the crawler is exercised on what real report sites do:

- multi-page articles (``105.html``, ``105_2.html``, ``105_3.html``) with a dede pager;
- one dead link: a list page links an article URL that has no file (404);
- one charset lie: an article whose bytes are GBK while its meta says utf-8 and whose
  saved Content-Type header has no charset at all;
- ``/robots.txt`` disallows ``/member/``, and every page links ``/member/login.html``;
- boilerplate around the body: breadcrumb, info line, abstract and keywords, author unit,
  editor, tag line, previous/next links, share bar, popular and related lists, disclaimer.
"""

# ruff: noqa: E501  (page templates are kept on one line, as the CMS writes them)
from __future__ import annotations

import html
import itertools
import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE_NAME = "范文工作报告网"
SEED = 20230412
TZ = timezone(timedelta(hours=8))
PER_LIST_PAGE = 10
FIRST_AID = 101

# slug, name, dede typeid, number of real articles
CATEGORIES = [
    ("gongzuobaogao", "工作报告", 1, 15),
    ("xindetihui", "心得体会", 2, 14),
    ("shuzhibaogao", "述职报告", 3, 12),
    ("yanjianggao", "演讲稿", 4, 11),
]

# ---------------------------------------------------------------------------------------
# Phrase pools
# ---------------------------------------------------------------------------------------

UNITS = [
    "市发展和改革委员会", "县教育局", "区市场监督管理局", "市人力资源和社会保障局",
    "镇人民政府", "县卫生健康局", "市交通运输局", "区住房和城乡建设局", "市第一中学",
    "县农业农村局", "街道办事处", "市税务局第二分局", "县供电公司", "市图书馆",
]
TOPICS = [
    "安全生产", "党风廉政建设", "优化营商环境", "乡村振兴", "教育教学改革", "基层治理",
    "作风建设", "民生保障", "生态环境保护", "信访维稳", "招商引资", "意识形态工作",
    "人才队伍建设", "数字化转型", "文明城市创建", "项目建设",
]
POSTS = [
    "办公室主任", "财务科科长", "副校长", "村党支部书记", "人事科副科长", "项目部经理",
    "团委书记", "班主任", "综合科科员", "分管副局长", "质检部主管", "社区主任",
]
STUDY = [
    "党的二十大精神", "《习近平谈治国理政》第四卷", "新修订的《中国共产党纪律处分条例》",
    "“两学一做”学习教育", "师德师风专题教育", "全国两会精神", "优秀共产党员先进事迹",
    "《中华人民共和国安全生产法》", "主题教育读书班", "新入职员工岗前培训",
]
SPEECH = [
    "爱岗敬业", "青春与奋斗", "安全在我心中", "廉洁从业", "感恩与责任", "我的中国梦",
    "弘扬劳模精神", "立足岗位作贡献", "师德师风", "诚信做人",
]
PEOPLE = [
    "王丽", "张建国", "李晓东", "陈静", "刘洋", "赵敏", "孙志强", "周婷", "吴磊", "郑雪梅",
    "黄海涛", "林芳", "何建华", "马骏", "高红",
]
EDITORS = ["龙菲", "宋佳", "韩冰", "许文", "曹颖"]
SOURCES = ["网络", "本站原创", "网友投稿", "互联网", "本站整理"]
WORK_UNITS = [
    "贵州省某市委党校", "河南省某县人民医院", "江苏省某市第三中学", "四川省某县财政局",
    "湖北省某区人民法院", "山东省某市供销合作社", "浙江省某县委组织部",
]

SUBJECTS = [
    "我们", "全局上下", "各级党组织", "广大党员干部", "班子成员", "各科室", "全体教职工",
    "项目团队", "基层单位", "我们单位",
]
VERBS = [
    "坚持", "深入推进", "不断完善", "切实加强", "持续深化", "扎实开展", "认真落实",
    "着力抓好", "统筹推进", "全面提升",
]
OBJECTS = [
    "{topic}工作", "{topic}责任制", "制度建设", "干部队伍建设", "重点任务落实",
    "日常监督管理", "服务群众能力", "风险隐患排查", "工作机制", "考核评价体系",
    "宣传引导", "业务培训",
]
RESULTS = [
    "取得了明显成效", "各项工作稳步推进", "群众满意度进一步提高", "工作质效持续提升",
    "为全年目标任务的完成打下了坚实基础", "形成了比较完善的工作格局", "整体水平明显提升",
    "较好地完成了上级交办的各项任务",
]
DETAILS = [
    "全年共组织专题学习{n}次，开展督导检查{m}次，发现并整改问题{k}个",
    "累计投入资金{n}万元，完成项目{m}个，惠及群众{k}户",
    "先后召开专题会议{n}次，制定完善制度{m}项，落实整改措施{k}条",
    "组织开展培训{n}期，参训人员达{k}人次，覆盖率达到{p}%",
    "全年办结群众来信来访{k}件，按期办结率{p}%",
    "新建完善工作台账{n}本，建立问题清单{m}份，整改销号{k}项",
]
REFLECT = [
    "通过这次学习，我深刻认识到{topic}不是一时一事的要求，而是长期坚持的必修课",
    "回顾过去的工作，我体会最深的是：只有把责任扛在肩上，才能把工作落到实处",
    "实践证明，抓好{topic}必须坚持问题导向，坚持从群众最关心的事情做起",
    "我认识到，理论学习只有联系实际，才能真正入脑入心、见行见效",
    "在具体工作中，我始终把{topic}放在重要位置，做到早谋划、早部署、早落实",
    "这使我进一步明白了干事创业既要有热情，更要讲方法、重实效",
]
WEAKNESS = [
    "理论学习的系统性还不够强，学用结合还有差距",
    "工作创新意识不足，有时满足于按部就班",
    "深入基层调查研究不够，对新情况新问题研究不深",
    "个别工作推进不够平衡，存在前紧后松的现象",
    "与兄弟单位相比，在{topic}方面还有不小差距",
    "制度执行的刚性还不够，监督检查有时流于形式",
]
PLANS = [
    "要进一步加强学习，不断提高政治素质和业务能力",
    "要把{topic}作为重中之重，层层压实责任",
    "要坚持问题导向，对照短板逐项制定整改措施",
    "要创新方式方法，推动各项工作提质增效",
    "要加强沟通协调，形成上下联动、齐抓共管的工作合力",
    "要严格落实各项规章制度，做到用制度管人、按制度办事",
]
SPEECH_LINES = [
    "我想说，平凡的岗位同样可以创造不平凡的业绩",
    "记得刚参加工作的时候，一位老同志对我说：“干一行，就要爱一行、钻一行。”",
    "每一次加班后的灯光，每一份认真核对的报表，都是我们对这份事业最朴素的回答",
    "青春不是用来挥霍的，而是用来奋斗的",
    "责任不是挂在嘴上的口号，而是落在肩上的担子",
    "也许我们做不了惊天动地的大事，但我们可以把每一件小事做好",
    "当我们看到群众脸上的笑容时，所有的辛苦都变得值得",
]
HEADS = {
    "gongzuobaogao": [
        ["{year}年工作回顾", "主要工作和成效"],
        ["存在的问题和不足", "当前工作中存在的主要问题"],
        ["{next}年工作思路", "下一步工作打算"],
        ["保障措施", "确保各项任务落到实处"],
    ],
    "shuzhibaogao": [
        ["加强学习，不断提高自身素质", "坚持学习，提升能力"],
        ["履职尽责，认真完成各项工作任务", "立足岗位，扎实做好本职工作"],
        ["严于律己，自觉做到廉洁从政", "廉洁自律情况"],
        ["存在的不足和今后努力方向", "存在的问题及改进措施"],
    ],
    "xindetihui": [
        ["提高思想认识，深刻领会精神实质", "学习的主要收获"],
        ["联系工作实际，查找自身差距", "对照检查，找准差距"],
        ["坚持学以致用，推动工作落实", "今后的努力方向"],
    ],
}
SUBHEADS = [
    "强化组织领导", "健全工作机制", "突出工作重点", "狠抓责任落实", "加强队伍建设",
    "注重宣传引导", "严格督查考核", "深化改革创新", "防范化解风险", "提升服务水平",
]
KEYWORD_POOL = [
    "工作报告", "述职", "心得体会", "党建", "作风建设", "责任落实", "基层治理", "队伍建设",
    "廉洁自律", "学习教育", "制度建设", "服务群众", "创新", "实效",
]
TAG_POOL = [
    "工作总结", "工作计划", "个人总结", "学习心得", "述职述廉", "演讲稿范文", "年度报告",
    "党建工作", "思想汇报", "发言材料",
]


# ---------------------------------------------------------------------------------------
# Source data
# ---------------------------------------------------------------------------------------


@dataclass
class Article:
    aid: int
    slug: str
    cat: str
    typeid: int
    when: datetime
    title: str
    author: str | None  # as shown: a name, "佚名", or None (no 作者 field at all)
    source: str | None
    unit: str | None
    editor: str | None
    abstract: str | None
    keywords: list[str]
    kw_sep: str
    tags: list[str]
    blocks: list[tuple[str, str]]  # ("h", heading) | ("p", paragraph)
    style: str
    npages: int = 1
    charset_lie: bool = False
    page_blocks: list[list[tuple[str, str]]] = field(default_factory=list)
    topic: str = ""

    @property
    def path(self) -> str:
        return self.page_path(1)

    def page_path(self, n: int) -> str:
        stem = str(self.aid) if n == 1 else f"{self.aid}_{n}"
        return f"/{self.slug}/{self.when:%Y}/{self.when:%m%d}/{stem}.html"

    @property
    def pages(self) -> list[str]:
        return [self.page_path(n) for n in range(1, self.npages + 1)]

    @property
    def body(self) -> str:
        return "\n\n".join(text for _, text in self.blocks)


class Writer:
    """Random text from the pools, all choices from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, pool: list[str]) -> str:
        return self.rng.choice(pool)

    def fill(self, template: str, topic: str) -> str:
        r = self.rng
        return template.format(
            topic=topic,
            n=r.randint(3, 36),
            m=r.randint(2, 18),
            k=r.randint(12, 860),
            p=r.choice(["95", "98.6", "100", "97.2", "99"]),
            year=2023,
            next=2024,
        )

    def sentence(self, topic: str) -> str:
        r = self.rng
        kind = r.randrange(5)
        if kind == 0:
            obj1, obj2 = r.sample(OBJECTS, 2)
            return (
                f"{self.pick(SUBJECTS)}{self.pick(VERBS)}{obj1}，{self.pick(VERBS)}{obj2}，"
                f"{self.pick(RESULTS)}。"
            ).format(topic=topic)
        if kind == 1:
            return self.fill(self.pick(DETAILS), topic) + "。"
        if kind == 2:
            return self.fill(self.pick(REFLECT), topic) + "。"
        if kind == 3:
            return (
                f"围绕{topic}这一中心任务，{self.pick(SUBJECTS)}{self.pick(VERBS)}"
                f"{self.pick(OBJECTS)}，做到有计划、有部署、有检查、有总结。"
            ).format(topic=topic)
        return (
            f"一是{self.pick(VERBS)}{self.pick(OBJECTS)}；二是{self.pick(VERBS)}"
            f"{self.pick(OBJECTS)}；三是{self.pick(VERBS)}{self.pick(OBJECTS)}。"
        ).format(topic=topic)

    def paragraph(self, topic: str, lo: int = 2, hi: int = 4) -> str:
        sentences: list[str] = []
        want = self.rng.randint(lo, hi)
        while len(sentences) < want:
            s = self.sentence(topic)
            if s not in sentences and s[:6] not in (x[:6] for x in sentences):
                sentences.append(s)
        return "".join(sentences)


def make_title(w: Writer, slug: str, topic: str, used: set[str]) -> str:
    """A title for the category, unique across the site."""
    r = w.rng
    while True:
        if slug == "gongzuobaogao":
            unit = w.pick(UNITS)
            title = r.choice([
                f"{unit}2023年{topic}工作报告",
                f"关于{unit}{topic}工作情况的报告",
                f"{unit}2023年上半年工作总结报告",
                f"{unit}关于{topic}专项整治工作的报告",
            ])
        elif slug == "shuzhibaogao":
            post = w.pick(POSTS)
            title = r.choice([
                f"{post}2023年度述职报告",
                f"{post}个人述职述廉报告",
                f"2023年{post}述职报告范文",
                f"新任{post}试用期满述职报告",
            ])
        elif slug == "xindetihui":
            study = w.pick(STUDY)
            title = r.choice([
                f"学习{study}心得体会",
                f"学习{study}的心得体会范文",
                f"参加{study}的几点体会",
                f"{topic}专题学习心得体会",
            ])
        else:
            theme = w.pick(SPEECH)
            title = r.choice([
                f"“{theme}”主题演讲稿",
                f"{theme}演讲稿范文",
                f"在“{theme}”演讲比赛上的发言",
                f"关于{theme}的演讲稿：{topic}路上有我",
            ])
        if title not in used:
            used.add(title)
            return title


def make_blocks(w: Writer, slug: str, topic: str, long: bool) -> list[tuple[str, str]]:
    """Headings and paragraphs of one article, in order (the body, exactly)."""
    r = w.rng
    blocks: list[tuple[str, str]] = []
    if slug == "yanjianggao":
        blocks.append(("p", r.choice(["尊敬的各位领导、亲爱的同事们：", "各位评委、各位朋友："])))
        blocks.append(("p", f"大家好！今天我演讲的题目是《{topic}，从我做起》。"))
        for _ in range(r.randint(4, 6) + (4 if long else 0)):
            blocks.append(("p", w.pick(SPEECH_LINES) + "。" + w.paragraph(topic, 1, 3)))
        blocks.append(("p", "我的演讲完了，谢谢大家！"))
        return blocks
    blocks.append(("p", w.paragraph(topic, 2, 3)))
    heads = HEADS[slug]
    numerals = "一二三四五六"
    for i, options in enumerate(heads):
        head = r.choice(options).format(year=2023, next=2024)
        blocks.append(("h", f"{numerals[i]}、{head}"))
        mode = r.randrange(3)
        nsub = r.randint(2, 3) + (2 if long else 0)
        subs = r.sample(SUBHEADS, nsub)
        if mode == 0:
            for j, sub in enumerate(subs):
                blocks.append(("h", f"（{numerals[j]}）{sub}"))
                blocks.append(("p", w.paragraph(topic)))
        elif mode == 1:
            for j, sub in enumerate(subs):
                blocks.append(("h", f"{j + 1}.{sub}"))
                blocks.append(("p", w.paragraph(topic, 1, 3)))
        else:
            for _ in range(nsub - 1):
                blocks.append(("p", w.paragraph(topic)))
        if "不足" in head or "问题" in head:
            blocks.append(("p", "主要表现在：" + "；".join(
                w.fill(x, topic) for x in r.sample(WEAKNESS, 3)) + "。"))
        if "思路" in head or "打算" in head or "方向" in head:
            blocks.append(("p", "；".join(w.fill(x, topic) for x in r.sample(PLANS, 3)) + "。"))
    blocks.append(("p", w.paragraph(topic, 1, 2)))
    return blocks


def split_pages(blocks: list[tuple[str, str]], npages: int) -> list[list[tuple[str, str]]]:
    """Cut the blocks into npages runs of similar size, never leaving a heading at a page end."""
    if npages == 1:
        return [blocks]
    total = sum(len(t) for _, t in blocks)
    cuts: list[int] = []
    acc = 0
    for i, (kind, text) in enumerate(blocks):
        acc += len(text)
        if len(cuts) < npages - 1 and acc >= total * (len(cuts) + 1) / npages and kind == "p":
            cuts.append(i + 1)
    assert len(cuts) == npages - 1, "article too short to split"
    bounds = [0, *cuts, len(blocks)]
    return [blocks[a:b] for a, b in itertools.pairwise(bounds)]


@dataclass
class DeadLink:
    path: str
    title: str
    when: datetime


def build_articles() -> tuple[list[Article], DeadLink]:
    """All real articles (sorted by date, ids ascending) and the dead link."""
    rng = random.Random(SEED)
    w = Writer(rng)
    total = sum(c[3] for c in CATEGORIES)
    start = datetime(2022, 9, 5, 8, 0, tzinfo=TZ)
    # dates spread over ~16 months, one slot per article, each category interleaved
    slots: list[tuple[str, str, int]] = []
    for slug, name, typeid, count in CATEGORIES:
        slots += [(slug, name, typeid)] * count
    rng.shuffle(slots)
    used: set[str] = set()
    articles: list[Article] = []
    when = start
    for i, (slug, name, typeid) in enumerate(slots):
        when = when + timedelta(days=rng.randint(4, 13))
        when = when.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59),
                            second=rng.choice([0, 0, 12, 27, 45]))
        topic = w.pick(TOPICS)
        title = make_title(w, slug, topic, used)
        aid = FIRST_AID + i
        author_roll = rng.random()
        author = "佚名" if author_roll < 0.3 else (None if author_roll < 0.45 else w.pick(PEOPLE))
        source = w.pick(SOURCES) if rng.random() < 0.7 else None
        has_abs = slug in ("xindetihui", "gongzuobaogao") and rng.random() < 0.45
        keywords = rng.sample(KEYWORD_POOL, rng.randint(3, 5)) if has_abs else []
        keywords = [topic, *[k for k in keywords if k != topic][: len(keywords) - 1]] if has_abs else []
        articles.append(
            Article(
                aid=aid,
                slug=slug,
                cat=name,
                typeid=typeid,
                when=when,
                title=title,
                author=author,
                source=source,
                unit=w.pick(WORK_UNITS) if rng.random() < 0.25 else None,
                editor=w.pick(EDITORS) if rng.random() < 0.5 else None,
                abstract=(w.paragraph(topic, 2, 2) if has_abs else None),
                keywords=keywords,
                kw_sep=rng.choice([" ", "；", "，", "、", ";"]),
                tags=rng.sample(TAG_POOL, rng.randint(2, 4)) if rng.random() < 0.6 else [],
                blocks=[],
                style=rng.choice(["p", "p", "indent", "br", "font"]),
                topic=topic,
            )
        )
    assert len(articles) == total
    # multi-page articles: two of three pages, two of two pages, in different categories
    multi = {}
    for slug, npages, pos in (("gongzuobaogao", 3, 2), ("xindetihui", 2, 9),
                              ("shuzhibaogao", 3, 6), ("yanjianggao", 2, 4)):
        multi[[a for a in articles if a.slug == slug][pos].aid] = npages
    # the charset lie: a one-page 述职报告
    liar = [a for a in articles if a.slug == "shuzhibaogao" and a.aid not in multi][1]
    liar.charset_lie = True
    for a in articles:
        a.npages = multi.get(a.aid, 1)
        a.blocks = make_blocks(w, a.slug, a.topic, long=a.npages > 1)
        if a.npages > 1:
            a.style = "p"
        a.page_blocks = split_pages(a.blocks, a.npages)
    # the dead link: a 心得体会 article the list links but the site never wrote
    mid = [a for a in articles if a.slug == "xindetihui"][4]
    dead_when = mid.when + timedelta(days=1)
    dead = DeadLink(f"/xindetihui/{dead_when:%Y}/{dead_when:%m%d}/999.html",
                    "学习先进典型事迹的心得体会", dead_when)
    return articles, dead


# ---------------------------------------------------------------------------------------
# Markup
# ---------------------------------------------------------------------------------------

CSS = """body{font:12px/1.8 "宋体",Arial;margin:0;color:#333}
a{color:#1a4f93;text-decoration:none}.w960{width:960px}.center{margin:0 auto}
.header .top{height:70px}.nav ul li{float:left;padding:0 12px}.clear{clear:both}
.pleft{float:left;width:700px}.pright{float:right;width:250px}.mt1{margin-top:8px}
.viewbox h1{font-size:20px;text-align:center}.viewbox .info{text-align:center;color:#888}
.content{font-size:14px;line-height:2}.dede_pages li{display:inline;padding:0 3px}
.footer{text-align:center;color:#666;border-top:1px solid #ddd;margin-top:20px}
"""


def e(text: str) -> str:
    return html.escape(text, quote=True)


def head(title: str, keywords: str, description: str, charset: str = "gbk") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{e(title)}</title>
<meta name="keywords" content="{e(keywords)}" />
<meta name="description" content="{e(description)}" />
<link href="/templets/default/style/dedecms.css" rel="stylesheet" media="screen" type="text/css" />
<script language="javascript" type="text/javascript" src="/include/dedeajax2.js"></script>
</head>
"""


def top(current: str | None) -> str:
    items = ['<li class="hover"><a href="/">首页</a></li>' if current is None
             else '<li><a href="/">首页</a></li>']
    for slug, name, _typeid, _count in CATEGORIES:
        cls = ' class="hover"' if slug == current else ""
        items.append(f'<li{cls}><a href="/{slug}/">{name}</a></li>')
    nav = "\n    ".join(items)
    return f"""<div class="header">
 <div class="top w960 center">
  <div class="title"><a href="/"><img src="/templets/default/images/logo.gif" height="54" width="216" alt="{SITE_NAME}"/></a></div>
  <div class="banner">欢迎来到{SITE_NAME}!</div>
  <div class="userbox"><a href="/member/login.html">会员登录</a> | <a href="/member/login.html">投稿</a></div>
 </div>
 <div class="nav w960 center clear">
  <ul>
    {nav}
  </ul>
 </div>
 <div class="search w960 center clear"><form name="formsearch" action="/plus/search.php"><input type="hidden" name="kwtype" value="0" /><input name="q" type="text" class="search-keyword" value="在这里搜索..." /><button type="submit" class="search-submit">搜索</button></form></div>
</div>
"""


FOOTER = f"""<div class="footer w960 center mt1 clear">
 <div class="footer_left"></div>
 <div class="footer_body">
  <p class="powered">免责声明：本站部分文章来源于网络，仅供学习交流参考，版权归原作者所有；如有侵权，请联系我们删除。</p>
  <div class="copyright">Copyright &copy; 2012-2024 {SITE_NAME} 版权所有 &nbsp; 联系邮箱：admin@fanwen.example &nbsp; 备案号：京ICP备00000000号</div>
 </div>
 <div class="footer_right"></div>
</div>
</body>
</html>
"""


def sidebar(hot: list[Article], related: list[Article]) -> str:
    def ul(arts: list[Article]) -> str:
        return "\n".join(f'     <li><a href="{a.path}">{e(a.title)}</a></li>' for a in arts)

    related_box = ""
    if related:
        related_box = f"""  <div class="commend mt1">
   <dl class="tbox light"><dt class="light"><strong>相关文章</strong></dt>
    <dd class="light"><ul class="c1 ico2">
{ul(related)}
    </ul></dd>
   </dl>
  </div>
"""
    return f""" <div class="pright">
  <div class="hot mt1">
   <dl class="tbox light"><dt class="light"><strong>热门文章</strong></dt>
    <dd class="light"><ul class="c1 ico2">
{ul(hot)}
    </ul></dd>
   </dl>
  </div>
{related_box} </div>
"""


def render_blocks(blocks: list[tuple[str, str]], style: str) -> str:
    out: list[str] = []
    if style == "br":
        for kind, text in blocks:
            if kind == "h":
                out.append(f"<strong>{e(text)}</strong><br />")
            else:
                out.append(f"　　{e(text)}<br />\n<br />")
        return '<div id="text">\n' + "\n".join(out) + "\n</div>"
    for kind, text in blocks:
        if style == "indent":
            out.append(f"<h3>{e(text)}</h3>" if kind == "h"
                       else f'<p style="text-indent:2em;">{e(text)}</p>')
        elif style == "font":
            inner = f"<strong>{e(text)}</strong>" if kind == "h" else e(text)
            out.append(f'<p><span style="font-size:14px;"><span style="font-family:宋体;">'
                       f"{'' if kind == 'h' else '&nbsp;&nbsp;&nbsp;&nbsp;'}{inner}</span></span></p>")
        else:
            out.append(f"<p><strong>{e(text)}</strong></p>" if kind == "h"
                       else f"<p>　　{e(text)}</p>")
    return "\n".join(out)


def dede_article_pager(a: Article, n: int) -> str:
    if a.npages == 1:
        return ""

    def href(k: int) -> str:
        return f"{a.aid}.html" if k == 1 else f"{a.aid}_{k}.html"

    items = [f"<li><a>共{a.npages}页:</a></li>"]
    if n > 1:
        items.append(f'<li><a href="{href(n - 1)}">上一页</a></li>')
    for k in range(1, a.npages + 1):
        items.append(f'<li class="thisclass"><a href="#">{k}</a></li>' if k == n
                     else f'<li><a href="{href(k)}">{k}</a></li>')
    if n < a.npages:
        items.append(f'<li><a href="{href(n + 1)}">下一页</a></li>')
    return '<div class="dede_pages"><ul class="pagelist">' + "".join(items) + "</ul></div>\n"


def info_line(a: Article) -> str:
    parts = [f"时间:{a.when:%Y-%m-%d %H:%M:%S}"]
    if a.source is not None:
        parts.append(f"来源:{e(a.source)}")
    if a.author is not None:
        parts.append(f"作者:{e(a.author)}")
    parts.append(f'点击:<span id="hits">{100 + a.aid * 7 % 900}</span>次')
    return "&nbsp;&nbsp;".join(parts)


def abstract_html(a: Article) -> str:
    if a.abstract is None:
        return ""
    variant = a.aid % 3
    kw = a.kw_sep.join(a.keywords)
    if variant == 0:
        return (f"<p><strong>摘要:</strong>{e(a.abstract)}</p>\n"
                f"<p><strong>关键词:</strong>{e(kw)}</p>\n")
    if variant == 1:
        return f"<p>【摘要】{e(a.abstract)}</p>\n<p>【关键词】{e(kw)}</p>\n"
    return f"<p>摘要：{e(a.abstract)}</p>\n<p>关键词：{e(kw)}</p>\n"


def render_article(a: Article, n: int, prev: Article | None, nxt: Article | None,
                   hot: list[Article], related: list[Article]) -> str:
    charset = "utf-8" if a.charset_lie else "gbk"
    desc = (a.abstract or a.blocks[0][1])[:80]
    doc = head(f"{a.title}_{a.cat}_{SITE_NAME}", ",".join([a.cat, *a.keywords]), desc, charset)
    body = render_blocks(a.page_blocks[n - 1], a.style)
    pre = abstract_html(a) if n == 1 else ""
    post = ""
    if n == a.npages and a.unit:
        post = (f"\n<p>（作者单位：{e(a.unit)}）</p>" if a.aid % 2
                else f"\n<p>(作者单位:{e(a.unit)})</p>")
    editor = ""
    if a.editor:
        editor = (f'<div class="editor">(责任编辑：{e(a.editor)})</div>\n' if a.aid % 2
                  else f'<div class="editor">责任编辑:{e(a.editor)}</div>\n')
    tags = ""
    if a.tags:
        tags = ('<div class="tags">推荐访问:' + " ".join(e(t) for t in a.tags) + "</div>\n")
    prev_html = (f'上一篇：<a href="{prev.path}">{e(prev.title)}</a>' if prev else "上一篇：没有了")
    next_html = (f'下一篇：<a href="{nxt.path}">{e(nxt.title)}</a>' if nxt else "下一篇：没有了")
    return f"""{doc}<body class="articleview">
{top(a.slug)}
<div class="w960 center clear mt1">
 <div class="pleft">
  <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/{a.slug}/">{a.cat}</a> &gt; </div>
  <div class="viewbox">
   <div class="title"><h1>{e(a.title)}</h1></div>
   <div class="info">{info_line(a)}</div>
   <div class="content">
<table width="100%"><tr><td>
<div id="contentMidPicAD" style="float:right; clear:both; top:0; vertical-align:top;"></div>
{pre}{body}{post}
</td></tr></table>
   </div>
{dede_article_pager(a, n)}{editor}{tags}   <div class="bdsharebuttonbox share">分享到：<a href="#" class="bds_qzone" data-cmd="qzone">QQ空间</a> <a href="#" class="bds_tsina" data-cmd="tsina">新浪微博</a> <a href="#" class="bds_weixin" data-cmd="weixin">微信</a> <a href="#" class="bds_more" data-cmd="more">更多</a></div>
   <div class="boxoff"><strong>------分隔线----------------------------</strong></div>
   <div class="context">
    <ul>
     <li>{prev_html}</li>
     <li>{next_html}</li>
    </ul>
   </div>
  </div>
 </div>
{sidebar(hot, related)}</div>
{FOOTER}"""


def list_pager(typeid: int, page: int, npages: int, count: int) -> str:
    def href(k: int) -> str:
        return f"list_{typeid}_{k}.html"

    items = []
    items.append("<li><a>首页</a></li>" if page == 1 else f"<li><a href='{href(1)}'>首页</a></li>")
    if page > 1:
        items.append(f"<li><a href='{href(page - 1)}'>上一页</a></li>")
    for k in range(1, npages + 1):
        items.append(f'<li class="thisclass">{k}</li>' if k == page
                     else f"<li><a href='{href(k)}'>{k}</a></li>")
    if page < npages:
        items.append(f"<li><a href='{href(page + 1)}'>下一页</a></li>")
    items.append("<li><a>末页</a></li>" if page == npages
                 else f"<li><a href='{href(npages)}'>末页</a></li>")
    items.append(f'<li><span class="pageinfo">共 <strong>{npages}</strong>页'
                 f"<strong>{count}</strong>条</span></li>")
    return '<div class="dede_pages"><ul class="pagelist">\n' + "\n".join(items) + "\n</ul></div>"


def render_list(slug: str, name: str, typeid: int, entries: list[tuple[str, str, str, str]],
                page: int, npages: int, count: int, hot: list[Article]) -> str:
    suffix = "" if page == 1 else f"_第{page}页"
    doc = head(f"{name}{suffix}_{SITE_NAME}", f"{name},{name}范文,{name}大全",
               f"{SITE_NAME}{name}栏目，提供最新{name}范文。")
    items = "\n".join(
        f"""   <li><h3><a href="{path}" class="title">{e(title)}</a></h3>
    <span class="info"><small>日期：</small>{date}</span>
    <p class="intro">{e(intro)}...</p></li>"""
        for path, title, date, intro in entries
    )
    return f"""{doc}<body class="listpage">
{top(slug)}
<div class="w960 center clear mt1">
 <div class="pleft">
  <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/{slug}/">{name}</a> &gt; </div>
  <div class="listbox">
   <ul class="e2">
{items}
   </ul>
  </div>
{list_pager(typeid, page, npages, count)}
 </div>
{sidebar(hot, [])}</div>
{FOOTER}"""


def render_home(articles: list[Article], hot: list[Article]) -> str:
    doc = head(f"{SITE_NAME} - 工作报告_述职报告_心得体会_演讲稿范文大全",
               "工作报告,述职报告,心得体会,演讲稿,范文",
               f"{SITE_NAME}提供工作报告、述职报告、心得体会、演讲稿等各类范文。")
    latest = sorted(articles, key=lambda a: a.when, reverse=True)[:12]
    latest_html = "\n".join(
        f'    <li><span>{a.when:%m-%d}</span><a href="{a.path}">{e(a.title)}</a></li>'
        for a in latest)
    boxes = []
    for slug, name, _typeid, _count in CATEGORIES:
        arts = sorted((a for a in articles if a.slug == slug), key=lambda a: a.when,
                      reverse=True)[:5]
        lis = "\n".join(f'     <li><a href="{a.path}">{e(a.title)}</a></li>' for a in arts)
        boxes.append(f"""  <div class="listbox mt1">
   <dl class="tbox"><dt><strong><a href="/{slug}/">{name}</a></strong><span class="more"><a href="/{slug}/">更多&gt;&gt;</a></span></dt>
    <dd><ul class="d1">
{lis}
    </ul></dd>
   </dl>
  </div>""")
    box_html = "\n".join(boxes)
    return f"""{doc}<body class="index">
{top(None)}
<div class="w960 center clear mt1">
 <div class="pleft">
  <div class="latest">
   <dl class="tbox"><dt><strong>最新文章</strong></dt>
    <dd><ul class="d1">
{latest_html}
    </ul></dd>
   </dl>
  </div>
{box_html}
 </div>
{sidebar(hot, [])}</div>
<div class="flink w960 center clear"><strong>友情链接：</strong><a href="/">{SITE_NAME}</a> <a href="/member/login.html">会员中心</a></div>
{FOOTER}"""


LOGIN = head(f"会员登录_{SITE_NAME}", "会员登录", f"{SITE_NAME}会员登录") + f"""<body class="member">
{top(None)}
<div class="w960 center clear mt1">
 <form method="post" action="/member/index_do.php">
  <p>用户名：<input type="text" name="userid" /></p>
  <p>密&nbsp;&nbsp;码：<input type="password" name="pwd" /></p>
  <p><button type="submit">登录</button></p>
 </form>
</div>
{FOOTER}"""

ROBOTS = """User-agent: *
Disallow: /member/
"""


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def intro_of(a: Article) -> str:
    first = next(text for kind, text in a.blocks if kind == "p")
    return (a.abstract or first)[:48]


def build(out: Path = HERE) -> None:
    articles, dead = build_articles()
    rng = random.Random(SEED + 1)
    hot = rng.sample(articles, 8)

    site = out / "site"
    if site.exists():
        shutil.rmtree(site)
    files: dict[str, bytes] = {}
    headers: dict[str, dict[str, str]] = {}

    def put(path: str, text: str, when: datetime | None, content_type: str | None) -> None:
        files[path] = text.encode("gbk")
        h: dict[str, str] = {}
        if content_type:
            h["Content-Type"] = content_type
        if when is not None:
            h["Last-Modified"] = http_date(when)
        if h:
            headers[path] = h

    gbk_html = "text/html; charset=gbk"
    newest = max(a.when for a in articles)
    put("/index.html", render_home(articles, hot), newest, gbk_html)
    put("/robots.txt", ROBOTS, datetime(2022, 1, 1, tzinfo=TZ), None)
    put("/member/login.html", LOGIN, datetime(2022, 1, 1, tzinfo=TZ), gbk_html)
    files["/templets/default/style/dedecms.css"] = CSS.encode("gbk")

    for slug, name, typeid, _count in CATEGORIES:
        cat_arts = sorted((a for a in articles if a.slug == slug), key=lambda a: a.when)
        for i, a in enumerate(cat_arts):
            prev = cat_arts[i - 1] if i > 0 else None
            nxt = cat_arts[i + 1] if i + 1 < len(cat_arts) else None
            others = [x for x in cat_arts if x is not a]
            related = sorted(others, key=lambda x: abs(x.aid - a.aid))[:5]
            for n in range(1, a.npages + 1):
                ctype = "text/html" if a.charset_lie else gbk_html
                put(a.page_path(n), render_article(a, n, prev, nxt, hot, related), a.when,
                    ctype)
        # list entries, newest first; the dead link sits among them like any other
        entries = [(a.path, a.title, f"{a.when:%Y-%m-%d}", intro_of(a), a.when)
                   for a in cat_arts]
        if slug == "xindetihui":
            entries.append((dead.path, dead.title, f"{dead.when:%Y-%m-%d}",
                            "通过学习先进典型的感人事迹，我深受教育、深受鼓舞", dead.when))
        entries.sort(key=lambda x: x[4], reverse=True)
        npages = (len(entries) + PER_LIST_PAGE - 1) // PER_LIST_PAGE
        for page in range(1, npages + 1):
            chunk = entries[(page - 1) * PER_LIST_PAGE: page * PER_LIST_PAGE]
            text = render_list(slug, name, typeid, [x[:4] for x in chunk], page, npages,
                               len(entries), hot)
            newest_here = max(x[4] for x in chunk)
            put(f"/{slug}/list_{typeid}_{page}.html", text, newest_here, gbk_html)
            if page == 1:
                put(f"/{slug}/index.html", text, newest_here, gbk_html)

    for path, data in sorted(files.items()):
        target = site / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (out / "headers.json").write_text(
        json.dumps(dict(sorted(headers.items())), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8")

    lines = []
    for a in sorted(articles, key=lambda a: a.aid):
        record = {
            "url": a.path,
            "pages": a.pages,
            "site": SITE_NAME,
            "title": a.title,
            "category": a.cat,
            "published_at": a.when.isoformat(),
            "abstract": a.abstract,
            "keywords": a.keywords,
            "body": a.body,
            "credits": {
                "author": None if a.author in (None, "佚名") else a.author,
                "author_unit": a.unit,
                "editor": a.editor,
                "source": a.source,
            },
            "tags": a.tags,
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    (out / "expected.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    multi = [f"{a.path} ({a.npages} pages)" for a in articles if a.npages > 1]
    liar = next(a.path for a in articles if a.charset_lie)
    print(f"{len(articles)} articles, {len(files)} files; multi-page: {', '.join(multi)}")
    print(f"dead link: {dead.path}; charset lie: {liar}")


if __name__ == "__main__":
    build()
