"""Tags and categories the markup names without a label: rel="tag" links (WordPress, Hexo)
and Open Graph's article:tag, read only where no 标签/Tags line gives them."""

from __future__ import annotations

from crawler.extract import extract

SENTENCE = "今年以来，我们围绕中心工作，扎实推进各项任务，取得了明显成效。"


def _post(head: str = "", meta_line: str = "", sidebar: str = "") -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>读书心得 - 青禾的博客</title>"
        f"{head}</head><body><main><article><h1>读书心得</h1>"
        "<div class='meta'>发表于 2024-03-05</div><div class='entry'>"
        + f"<p>{SENTENCE}</p>"
        * 5
        + f"</div><footer class='entry-footer'>{meta_line}</footer></article></main>"
        f"<aside>{sidebar}</aside></body></html>"
    ).encode()


def test_rel_tag_links_are_the_posts_tags_and_category() -> None:
    meta_line = (
        "<span class='cat-links'><a href='/category/dushu/' rel='category tag'>读书笔记</a>"
        "</span><span class='tags-links'><a href='/tag/xiangtu/' rel='tag'># 乡土中国</a>, "
        "<a href='/tag/fei/' rel='tag'>费孝通</a></span>"
    )
    record = extract(_post(meta_line=meta_line), "https://blog.example.cn/2024/03/05/dushu/")
    assert record.tags == ["乡土中国", "费孝通"]
    assert record.category == "读书笔记"
    assert "乡土中国" not in record.body


def test_open_graph_article_tags_are_tags() -> None:
    head = (
        "<meta property='article:tag' content='述职报告'>"
        "<meta property='article:tag' content='年终总结'>"
    )
    record = extract(_post(head=head), "https://blog.example.cn/2024/03/05/dushu/")
    assert record.tags == ["述职报告", "年终总结"]


def test_a_labelled_tag_line_wins_over_markup() -> None:
    meta_line = "标签：<a href='/tag/a/' rel='tag'>心得体会</a> <a href='/tag/b/'>读书</a>"
    record = extract(_post(meta_line=meta_line), "https://blog.example.cn/2024/03/05/dushu/")
    assert record.tags == ["心得体会", "读书"]


def test_other_rel_links_name_no_tag() -> None:
    """rel="nofollow", "prev", "bookmark" … are links like any other (a tag page's link among
    them, so that the page's rel links are read)."""
    sidebar = (
        "<a href='/tag/xiangtu/' rel='bookmark'>上一篇文章的标题</a>"
        "<a href='http://ad.example.com/' rel='nofollow'>广告</a>"
    )
    record = extract(_post(sidebar=sidebar), "https://blog.example.cn/2024/03/05/dushu/")
    assert record.tags == []
    assert record.category is None


def test_a_tag_line_ends_before_the_print_and_share_links_after_it() -> None:
    """WordPress footers run on: 标签：党建、教育 打印本文 分享到：微博 短链接：/?p=200."""
    meta_line = (
        "<span>标签：<a href='/tag/dangjian/'>党建</a>、<a href='/tag/jiaoyu/'>教育</a></span>"
        "<span><a href='/2024/01/dushu/print/'>打印本文</a></span><span>分享到："
        "<a href='/2024/01/dushu/?share=weibo'>微博</a> 短链接：<a href='/?p=200'>/?p=200</a>"
        "</span>"
    )
    record = extract(_post(meta_line=meta_line), "https://blog.example.cn/2024/01/dushu/")
    assert record.tags == ["党建", "教育"]


def test_linked_topics_of_several_words_stay_whole() -> None:
    meta_line = (
        "Topics: <a href='/topics/water/'>Water</a>, <a href='/topics/gov/'>Governance</a>, "
        "<a href='/topics/climate-adaptation/'>Climate adaptation</a>"
    )
    record = extract(_post(meta_line=meta_line), "https://blog.example.cn/2024/03/05/dushu/")
    assert record.tags == ["Water", "Governance", "Climate adaptation"]


def test_a_row_of_tag_page_links_under_the_text_is_the_posts_tags() -> None:
    """No label and no rel="tag": links to /tags/… pages right under the text (Hugo's
    post-tags, Medium's) are the post's tags; a cloud of more than a post has is not."""
    row = "".join(f"<li><a href='/tags/{n}/'>{n}</a></li>" for n in ("心理学", "读书笔记"))
    record = extract(_post(meta_line=f"<ul>{row}</ul>"), "https://blog.example.cn/posts/1/")
    assert record.tags == ["心理学", "读书笔记"]
    cloud = "".join(f"<a href='/tags/t{n}/'>标签{n}</a> " for n in range(30))
    record = extract(_post(meta_line=f"<div>{cloud}</div>"), "https://blog.example.cn/posts/1/")
    assert record.tags == []
