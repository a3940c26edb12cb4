"""Which blocks are the article's body, on small pages written here: the container found by
content scoring, and the lines inside it that are not the article."""

from __future__ import annotations

import pytest

from crawler.extract import extract

SENTENCE = "今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。"


def _page(body: str) -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>述职报告_范文网</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/shuzhi/'>述职报告</a></div>"
        f"<h1>述职报告</h1><div class='info'>时间：2024-03-05</div>{body}"
        "<div class='footer'>Copyright © 2024 范文网</div></body></html>"
    ).encode()


def _paragraphs(body: str) -> list[str]:
    return extract(_page(body), "http://example.cn/a/1.html").body.split("\n\n")


def test_a_document_shown_page_by_page_is_read_whole() -> None:
    """A 文库 preview: each page its own container, the text a few wrappers down."""
    pages = "".join(
        f"<div class='reader-page reader-page-{n}'><div class='txt-layer'><div class='ie-fix'>"
        + "".join(f"<p>第{n}页第{k}段：{SENTENCE}</p>" for k in range(1, 4))
        + "</div></div><div class='pic-layer'></div></div>"
        for n in (1, 2)
    )
    paragraphs = _paragraphs(f"<div class='doc'>{pages}</div>")
    assert [p[:6] for p in paragraphs] == [f"第{n}页第{k}段" for n in (1, 2) for k in (1, 2, 3)]


def test_a_previews_page_numbers_leave_the_body() -> None:
    """Under each page of a preview its number between dashes (- 2 -): no text of the
    document; a line with more than the number stays."""
    pages = "".join(
        f"<div class='page page-{n}'>"
        + "".join(f"<p>第{n}页第{k}段：{SENTENCE}</p>" for k in (1, 2))
        + f"<div class='num'>- {n} -</div></div>"
        for n in (1, 2, 3)
    )
    paragraphs = _paragraphs(f"<div class='doc'>{pages}<p>- 第三部分 -</p></div>")
    assert [p[:6] for p in paragraphs] == [
        *(f"第{n}页第{k}段" for n in (1, 2, 3) for k in (1, 2)),
        "- 第三部分",
    ]


def test_the_article_does_not_take_in_its_neighbours() -> None:
    """Prose beside the article in another kind of element (a comment box) stays out."""
    article = (
        "<div class='article'><div class='content'>" + f"<p>{SENTENCE}</p>" * 4 + "</div></div>"
    )
    comments = "<div class='comments'>" + f"<p>网友：{SENTENCE}</p>" * 2 + "</div>"
    paragraphs = _paragraphs(article + comments)
    assert len(paragraphs) == 4 and not any(p.startswith("网友") for p in paragraphs)


def test_labels_widgets_and_notes_are_not_the_article() -> None:
    lines = [
        "目 录",  # a thesis's contents box
        "全文",  # a journal's full-text box
        "文档为doc格式",  # a 范文 site's download box
        "（作者系北京师范大学教师教育研究中心研究员）",  # who wrote it
    ]
    body = "".join(f"<p>{line}</p>" for line in lines[:3])
    body += f"<p>第一段：{SENTENCE}</p><p>第二段：{SENTENCE}</p><p>{lines[3]}</p>"
    body += "<div class='page-links'>页面： <a href='/a/1_2.html'>2</a> <a href='/a/1_3.html'>3</a></div>"
    paragraphs = _paragraphs(f"<div class='content'>{body}</div>")
    assert paragraphs == [f"第一段：{SENTENCE}", f"第二段：{SENTENCE}"]


def test_a_numbered_heading_named_contents_is_kept() -> None:
    """Only a line that is the label alone goes: 一、目录管理 is a heading of the text."""
    body = f"<p>一、目录管理</p><p>{SENTENCE}</p><p>{SENTENCE}</p>"
    assert _paragraphs(f"<div class='content'>{body}</div>")[0] == "一、目录管理"


def test_lead_ins_naming_the_site_leave_the_body_but_a_print_edition_line_stays() -> None:
    """A 范文 site's lead-in names itself (以下是无忧考网整理的…). Where a newspaper printed a
    reprint is part of the text as published (people.cn's truth keeps it)."""
    for lead_in in (
        "以下是无忧考网整理的国旗下演讲稿，欢迎阅读！",
        "【#演讲稿# 导语】时间对每个人都是公平的。",
        "应届毕业生网为您整理了心得体会范文，希望对您有帮助。",
    ):
        paragraphs = _paragraphs(
            f"<div class='content'><p>{lead_in}</p>"
            + f"<p>{SENTENCE}</p>" * 3
            + "<p>《光明日报》（2024年02月20日 06版）</p></div>"
        )
        assert paragraphs == [SENTENCE] * 3 + ["《光明日报》（2024年02月20日 06版）"], lead_in


def test_a_subheading_opening_with_a_keyword_label_stays_in_the_body() -> None:
    """关键词：新质生产力频频出现 is a news story's subheading, no keyword line."""
    paragraphs = _paragraphs(
        "<div class='content'>"
        + f"<p>{SENTENCE}</p>" * 2
        + "<p><strong>关键词：新质生产力频频出现</strong></p>"
        + f"<p>{SENTENCE}</p>"
        + "</div>"
    )
    assert paragraphs[2] == "关键词：新质生产力频频出现"
    record = extract(
        _page(
            "<div class='content'><p>关键词：基层治理；数字化</p>"
            + f"<p>{SENTENCE}</p>" * 3
            + "</div>"
        ),
        "http://example.cn/a/1.html",
    )
    assert record.keywords == ["基层治理", "数字化"]


def test_a_paper_databases_catalogue_rows_leave_the_body() -> None:
    """CNKI-style rows: the label in one element, the number in the next."""
    rows = "".join(
        f"<li><span>{label}</span><p>{value}</p></li>"
        for label, value in (
            ("DOI：", "10.16637/j.cnki.23-1360/d.2023.05.008"),
            ("分类号：", "D630;D035"),
        )
    )
    paragraphs = _paragraphs(
        "<div class='content'>" + f"<p>{SENTENCE}</p>" * 3 + f"<ul>{rows}</ul></div>"
    )
    assert paragraphs == [SENTENCE] * 3


def test_abstract_and_keyword_headings_over_their_values() -> None:
    """A paper page: 摘 要 and Keywords as headings of their own, no colon."""
    record = extract(
        _page(
            "<div class='content'><h3>摘 要</h3><p>本文讨论基层治理的数字化路径。</p>"
            "<h3>Keywords</h3><p>coastal erosion, managed retreat</p>"
            + f"<p>{SENTENCE}</p>" * 3
            + "</div>"
        ),
        "http://example.cn/a/1.html",
    )
    assert record.abstract == "本文讨论基层治理的数字化路径。"
    assert record.keywords == ["coastal erosion", "managed retreat"]
    assert record.body.split("\n\n") == [SENTENCE] * 3


def test_a_poem_in_lines_is_an_article_and_keeps_a_first_line_that_is_its_title() -> None:
    """Verses are no prose (short, unpunctuated), but under a title and a dated line they are
    the article; an untitled poem's first line is its title and stays a line of it."""
    lines = [
        "等一场秋风",
        "把山路上的落叶吹成金色",
        "我在桥头读一封旧信",
        "河水替我把每一个字念出声来",
        "炊烟从村口慢慢升起",
        "母亲站在门前喊我的乳名",
        "那声音穿过整个秋天",
        "落在我如今的窗台上",
        "轻得像一片不肯落地的云",
    ]
    page = (
        "<html><head><meta charset='utf-8'><title>等一场秋风_美文苑</title></head><body>"
        "<h1>等一场秋风</h1><div class='info'>发布时间：2024-09-12</div>"
        "<div class='text'><p>" + "<br>".join(lines) + "</p></div>"
        "<div class='pn'><a href='/a/1.html'>上一篇：秋夜</a></div></body></html>"
    ).encode()
    from crawler.extract import page_kind

    assert page_kind(page, "http://www.example.cn/shige/2.html") == "article"
    assert _paragraphs_of(page) == lines


def _paragraphs_of(page: bytes) -> list[str]:
    return extract(page, "http://www.example.cn/shige/2.html").body.split("\n\n")


def test_a_title_before_a_space_and_the_sites_name_and_a_sliders_arrows() -> None:
    """<title> 标题 湖南省某医院 (a space, no separator): the line showing the title is the
    title, not the info line under it; a slider's ‹ › links are no breadcrumb."""
    page = (
        "<html><head><meta charset='utf-8'>"
        "<title>【不忘初心】我院举办技能大赛 湖南省某某医院</title></head><body>"
        "<div class='slider'><a href='#p'>‹</a> <a href='#n'>›</a></div>"
        "<div class='pos'>位置：<a href='/'>首页</a> &gt; <a href='/news/'>新闻动态</a></div>"
        "<div class='title'>【不忘初心】我院举办技能大赛</div>"
        "<div class='info'>来源：本站原创 作者：医技药剂党支部<br>时间：2019年10月31日 23:00</div>"
        "<div class='text'>" + f"<p>{SENTENCE}</p>" * 4 + "</div></body></html>"
    ).encode()
    record = extract(page, "http://www.example.cn/news/1.shtml")
    assert record.title == "【不忘初心】我院举办技能大赛"
    assert record.category == "新闻动态"


def test_a_title_of_nothing_but_the_sites_name_after_a_hyphen() -> None:
    """<title>-铜雀历史网</title>: the name, without the separator the empty title left."""
    page = (
        "<html><head><meta charset='utf-8'><title>-铜雀历史网</title></head><body>"
        "<h1>疫情一刀切政策怎么投诉举报</h1><div class='text'>"
        + f"<p>{SENTENCE}</p>" * 4
        + "</div></body></html>"
    ).encode()
    assert extract(page, "https://www.example.cn/lishi/1.html").site == "铜雀历史网"


@pytest.mark.parametrize(
    "button",
    [
        "<div class='more'>展开全文</div>",
        "<div class='more'>展开全文 ∨</div>",
        "<p>点击展开全文</p>",
        "<div><span>展开剩余70%</span></div>",
        "<div class='more'><a href='javascript:;'>展开全文</a></div>",
    ],
)
def test_the_rest_of_a_text_folded_away_under_an_unfold_button_is_read(button: str) -> None:
    """A phone page shows a few paragraphs and hides the rest (display:none) until its
    button is pressed: the hidden rest is part of the text, the button is not; a hidden box
    without such a button stays out."""
    shown = f"<p>第1段：{SENTENCE}</p><p>第2段：{SENTENCE}</p>"
    folded = f"<div style='display:none'><p>第3段：{SENTENCE}</p><p>第4段：{SENTENCE}</p></div>"
    hidden = f"<div style='display: none'><p>隐藏的另一篇：{SENTENCE}</p></div>"
    paragraphs = _paragraphs(f"<div class='content'>{shown}{folded}{button}{hidden}</div>")
    assert [p[:4] for p in paragraphs] == ["第1段：", "第2段：", "第3段：", "第4段："]


def test_a_plain_table_of_contents_and_a_titled_related_heading_leave_the_body() -> None:
    """Contents pasted from Word (目 录 over plain lines, dot leaders and page numbers) leave
    the body when their lines recur below as headings; a 【…】相关文章： heading leaves with
    its links though the title in its brackets has punctuation."""
    text = (
        "<p>目 录</p><p>一、实习目的……………1</p><p>二、实习内容……………2</p>"
        f"<h2>一、实习目的</h2><p>{SENTENCE}</p><h2>二、实习内容</h2><p>{SENTENCE}</p>"
        "<p>【实习报告：会计，出纳】相关文章：</p>"
        "<p><a href='/a/1.html'>会计实习报告范文</a></p><p><a href='/a/2.html'>出纳实习报告</a></p>"
    )
    assert _paragraphs(f"<div class='content'>{text}</div>") == [
        "一、实习目的",
        SENTENCE,
        "二、实习内容",
        SENTENCE,
    ]


def test_a_headings_permalink_mark_is_no_word_of_it() -> None:
    body = (
        "<div class='content'><h2><a href='#一、回顾' class='header-anchor'>#</a> 一、回顾</h2>"
        f"<p>{SENTENCE}</p><h2>二、计划 <a href='#二、计划'>¶</a></h2><p>{SENTENCE}</p>"
        f"<h2><a href='/tags/x/'>#</a> 三、标签</h2><p>{SENTENCE}</p></div>"
    )
    assert _paragraphs(body) == [
        "一、回顾",
        SENTENCE,
        "二、计划",
        SENTENCE,
        "# 三、标签",  # (a link elsewhere is no permalink)
        SENTENCE,
    ]


def test_a_journals_similar_and_citing_papers_leave_the_body() -> None:
    similar = "".join(
        f"<li><a href='/CN/abstract/{n}.shtml'>相似论文标题第{n}篇的题目</a></li>" for n in range(3)
    )
    body = (
        f"<div class='content'><p>{SENTENCE}</p><p>{SENTENCE}</p><p>{SENTENCE}</p>"
        f"<h3>相似文献</h3><ul>{similar}</ul><h3>引证文献</h3><p>暂无</p></div>"
    )
    assert _paragraphs(body) == [SENTENCE] * 3


def test_a_database_rows_value_beside_an_ignored_label_leaves_with_it() -> None:
    rows = (
        "<table><tr><td>作者简介:</td><td>刘海涛（1983-），男，副教授。</td></tr>"
        "<tr><td>通讯作者:</td><td>陈晓东</td></tr><tr><td>投稿时间:</td><td>2022-11-18</td></tr>"
        "</table>"
    )
    body = f"<div class='content'>{rows}<p>{SENTENCE}</p><p>{SENTENCE}</p><p>{SENTENCE}</p></div>"
    assert _paragraphs(body) == [SENTENCE] * 3
