"""Credits read from <head> and from labelled lines: only values that name someone."""

from __future__ import annotations

import pytest

from crawler.extract import extract

PARAGRAPHS = "".join(
    f"<p>第{n}段：今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。</p>"
    for n in range(1, 4)
)


def _page(head: str, byline: str) -> bytes:
    return (
        f'<html><head><meta charset="utf-8"><title>工作总结_范文网</title>{head}</head>'
        f"<body><h1>工作总结</h1><div class='info'>{byline}</div>"
        f"<div class='content'>{PARAGRAPHS}</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("head", "byline", "author", "editor"),
    [
        # people.com.cn style: the CMS puts user numbers in <meta name="author|editor">.
        (
            '<meta name="author" content="104363"><meta name="editor" content="1610">',
            "2019-06-15 来源：人民网",
            None,
            None,
        ),
        ('<meta name="author" content="张三">', "2019-06-15", "张三", None),
        ("", "作者：2019 责任编辑：李四", None, "李四"),
        ("", "作者：王五 编辑：11", "王五", None),
    ],
)
def test_a_credit_without_letters_names_nobody(
    head: str, byline: str, author: str | None, editor: str | None
) -> None:
    report = extract(_page(head, byline), "http://example.com/a.html")
    assert report.credits.author == author
    assert report.credits.editor == editor


@pytest.mark.parametrize(
    ("head", "byline", "author", "source"),
    [
        # A forum template credits its makers in <meta name="author">: nobody's byline.
        ('<meta name="author" content="Discuz! Team and Comsenz UI Team">', "", None, None),
        # A byline whose spans run on into the date and the hit count.
        ("", "作者：周立新 2024-03-15 3527", "周立新", None),
        # Discuz portal: the poster is a placeholder, the original author is the author;
        # counters (查看, 评论) end a value without a space before their colon.
        ("", "发布者: admin| 查看: 1234| 评论: 0|原作者: 王建华|来自: 党建网", "王建华", "党建网"),
        # A WordPress theme's meta row: the counters close the value in brackets.
        ("", "作者：李文静 阅读(1745) 评论(2)", "李文静", None),
        ("", "作者：admin 阅读(1717) 评论(3)", None, None),
        # Traditional spellings of the labels (a Taiwan site): the values stay as written.
        ("", "作者：林怡君 來源：讀者投稿 人氣：2,418", "林怡君", "讀者投稿"),
        # Reviewers and photographers are not authors; 来源 naming the site itself is 本站.
        ("", "作者：刘思雨 来源：范文网 审核：陈建国 图片：校团委", "刘思雨", None),
        # A 范文 site's reach counter ends the value before it.
        ("", "来源：人民网 本文已影响 2,351 人", None, "人民网"),
        ("", "作者：张三 本文已影响 12 人", "张三", None),
        # A university's news: who wrote it beats who put it on the site, wherever each
        # stands on the line; the office that supplied it is the source.
        ("", "发布者：宣传部 撰稿：李文静 供稿单位：党委办公室", "李文静", "党委办公室"),
        ("", "撰稿：李文静 发布者：宣传部", "李文静", None),
        ("", "发布者：宣传部 2024-03-15", "宣传部", None),
    ],
)
def test_bylines_of_forums_blogs_and_schools(
    head: str, byline: str, author: str | None, source: str | None
) -> None:
    record = extract(_page(head, byline), "http://www.fanwen.example/a/1.html")
    assert (record.credits.author, record.credits.source) == (author, source)


def test_a_software_credit_in_the_title_is_no_site_name() -> None:
    page = (
        '<html><head><meta charset="utf-8">'
        "<title>工作总结 - 总结汇报 - 社区工作者论坛 - Powered by Discuz!</title></head>"
        f"<body><h1>工作总结</h1><div class='content'>{PARAGRAPHS}</div></body></html>"
    ).encode()
    record = extract(page, "http://bbs.example.cn/viewthread.php?tid=1")
    assert (record.site, record.title) == ("社区工作者论坛", "工作总结")


def test_a_papers_citation_tags_give_authors_date_and_keywords() -> None:
    """Journal and thesis pages carry Highwire Press tags: every citation_author (the generic
    <meta name="author"> is the site's), the publication date, the paper's own keywords."""
    head = (
        '<meta name="author" content="学报编辑部">'
        '<meta name="citation_title" content="乡村振兴背景下基层治理能力提升研究">'
        '<meta name="citation_author" content="张明"><meta name="citation_author" content="李华">'
        '<meta name="citation_author" content="王芳">'
        '<meta name="citation_publication_date" content="2023/05/12">'
        '<meta name="citation_keywords" content="乡村振兴; 基层治理; 治理能力">'
        '<meta name="keywords" content="学报,论文,期刊,投稿">'
    )
    page = _page(head, "").replace(
        b"<h1>\xe5\xb7\xa5\xe4\xbd\x9c\xe6\x80\xbb\xe7\xbb\x93</h1>",
        "<h1>乡村振兴背景下基层治理能力提升研究</h1>".encode(),
    )
    report = extract(page, "http://xb.example.edu.cn/article/2023/05/1234.html")
    assert report.title == "乡村振兴背景下基层治理能力提升研究"
    assert report.credits.author == "张明、李华、王芳"
    assert report.published_at == "2023-05-12T00:00:00+08:00"
    assert report.keywords == ["乡村振兴", "基层治理", "治理能力"]


def test_a_pages_keyword_meta_is_no_keyword_line() -> None:
    """<meta name="keywords"> lists a site's search terms: the record's keywords come only from
    the page's own 关键词 line (or a paper's citation_keywords)."""
    report = extract(
        _page('<meta name="keywords" content="工作总结,范文,心得体会">', ""),
        "http://example.com/a.html",
    )
    assert report.keywords == []


@pytest.mark.parametrize(
    "byline",
    ["编辑：张佳宁 责任编辑：刘亮", "责任编辑：刘亮 编辑：张佳宁", "责编：刘亮 编辑：张佳宁"],
)
def test_the_responsible_editor_wins_over_a_plain_editor(byline: str) -> None:
    record = extract(_page("", byline), "http://news.example.cn/a/1.html")
    assert record.credits.editor == "刘亮"


@pytest.mark.parametrize(
    ("byline", "author", "unit"),
    [
        ("作者：林晓（中国人民大学马克思主义学院教授）", "林晓", "中国人民大学马克思主义学院"),
        ("作者：林晓（中央党校教授、博士生导师）", "林晓", "中央党校"),
        ("作者：林晓（教授）", "林晓", None),
        # An explicit unit line wins over the brackets.
        ("作者：林晓（某某大学） 作者单位：北京大学哲学系", "林晓", "北京大学哲学系"),
        # Brackets that name no unit stay part of the name.
        ("作者：老周（笔名）", "老周（笔名）", None),
    ],
)
def test_an_authors_unit_in_brackets(byline: str, author: str, unit: str | None) -> None:
    record = extract(_page("", byline), "http://theory.example.cn/a/1.html")
    assert (record.credits.author, record.credits.author_unit) == (author, unit)


def test_a_meta_author_naming_the_editor_is_no_byline() -> None:
    """央视网 puts its editor in <meta name="author">: 编辑：张佳宁 责任编辑：刘亮."""
    record = extract(
        _page('<meta name="author" content="张佳宁">', "编辑：张佳宁 责任编辑：刘亮"),
        "https://news.example.cn/2024/03/15/ARTI1.shtml",
    )
    assert (record.credits.author, record.credits.editor) == (None, "刘亮")


@pytest.mark.parametrize(
    ("byline", "author", "source"),
    [
        ("By Jane Doe and John Roe", "Jane Doe and John Roe", None),
        ("By Jane Doe · March 15, 2024", "Jane Doe", None),
        ("by the way, this is no byline", None, None),
        ("From: Department for Transport", None, "Department for Transport"),
    ],
)
def test_english_bylines(byline: str, author: str | None, source: str | None) -> None:
    record = extract(_page("", byline), "https://www.example.org/research/report/")
    assert (record.credits.author, record.credits.source) == (author, source)


def test_a_papers_latin_authors_are_named_first_name_first() -> None:
    head = (
        '<meta name="citation_author" content="Santos, Maria">'
        '<meta name="citation_author" content="Okafor, David">'
    )
    record = extract(_page(head, ""), "https://journal.example.org/article/view/12")
    assert record.credits.author == "Maria Santos; David Okafor"


def test_a_journals_unlabelled_byline_over_its_units() -> None:
    """学报 pages centre the authors' names (with footnote marks) over their units in brackets,
    with no label: both are credits, and neither stays in the body."""
    page = (
        "<html><head><meta charset='utf-8'><title>师范生教育实习研究_学报</title></head><body>"
        "<h1>师范生教育实习研究</h1><div class='text'>"
        "<p>王建国<sup>1</sup>，刘芳<sup>2</sup></p>"
        "<p>（1.鄂东师范学院 教育学院，湖北 黄冈 438000；2.华中师范大学 教师教育学院）</p>"
        f"{PARAGRAPHS}</div></body></html>"
    ).encode()
    record = extract(page, "http://xb.example.edu.cn/a/1.html")
    assert record.credits.author == "王建国，刘芳"
    assert record.credits.author_unit == (
        "1.鄂东师范学院 教育学院，湖北 黄冈 438000；2.华中师范大学 教师教育学院"
    )
    assert record.body.startswith("第1段")


def test_a_reports_signature_names_its_author_and_stays_in_the_text() -> None:
    page = (
        "<html><head><meta charset='utf-8'><title>个人述职报告_范文网</title></head><body>"
        f"<h1>个人述职报告</h1><div class='content'>{PARAGRAPHS}"
        "<p>述职人：孙立群</p><p>2023年12月15日</p></div></body></html>"
    ).encode()
    record = extract(page, "http://www.fanwen.example/a/2.html")
    assert record.credits.author == "孙立群"
    assert record.body.split("\n\n")[-2:] == ["述职人：孙立群", "2023年12月15日"]


@pytest.mark.parametrize(
    ("byline", "author", "editor", "source"),
    [
        # A newspaper's reporters on a line of their own, no colon.
        ("本报记者　王珂园", "王珂园", None, None),
        ("新华社记者 张三 李四", "张三 李四", None, None),
        # Traditional-script counters end the byline like simplified ones.
        ("作者：林佳慧　點擊次數：356", "林佳慧", None, None),
        ("作者：林佳慧 點閱次數：356", "林佳慧", None, None),
        ("作者：佚名 3561 次阅读", None, None, None),
        # A widget's word run on after a credit is no part of it.
        ("时间：2024-03-11 编辑：小文 手机版", None, "小文", None),
        ("来源：人民网 打印 关闭", None, None, "人民网"),
        # Roles and slashes after the 作者 label, after a date, ending a 来源 value.
        ("作者：文/陈思雨 图/刘洋", "陈思雨", None, None),
        ("2024-03-05 文/王建国", "王建国", None, None),
        ("2024-03-05 来源：县政府办 文/王建国", "王建国", None, "县政府办"),
    ],
)
def test_bylines_without_colons_counters_and_widgets(
    byline: str, author: str | None, editor: str | None, source: str | None
) -> None:
    credits = extract(_page("", byline), "http://example.cn/a/1.html").credits
    assert (credits.author, credits.editor, credits.source) == (author, editor, source)


def test_a_search_phrase_after_the_sites_name_in_the_title_is_no_site() -> None:
    """标题_51CTO博客_技术分享会发言稿: the last part repeats the title's words; the part before
    it ends like a site's name."""
    page = (
        '<html><head><meta charset="utf-8">'
        "<title>在公司技术分享会上的发言_51CTO博客_技术分享会发言稿</title></head>"
        f"<body><h1>在公司技术分享会上的发言</h1><div class='content'>{PARAGRAPHS}</div>"
        "</body></html>"
    ).encode()
    record = extract(page, "https://blog.example.cn/u_1/1.html")
    assert (record.site, record.title) == ("51CTO博客", "在公司技术分享会上的发言")
