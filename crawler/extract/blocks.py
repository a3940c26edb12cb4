"""The page as a sequence of text blocks: the unit every later step reasons about.

A block is one visual line of text: a paragraph, a heading, a table cell, a list item, or a
run of text between <br> tags. Splitting the tree once into blocks, in document order, lets
content scoring, boilerplate removal and field reading share one cheap pass over the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree, html

from .text import fold, punctuation_count

# Elements that never hold article text (trafilatura-style tag lists as module-level data).
DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "select",
    "button",
    "input",
    "textarea",
    "video",
    "audio",
    "map",
    "head",
)

# Elements that start and end a block of text.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
    ]
)
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))

# Elements that can be the container of an article's body.
CONTAINER_TAGS = frozenset(
    [
        "article",
        "blockquote",
        "body",
        "center",
        "dd",
        "div",
        "form",
        "li",
        "main",
        "section",
        "td",
        "font",
        "span",
    ]
)

_HTML_PARSER = html.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True
)


@dataclass(slots=True)
class Block:
    """One line of the page's text, with what scoring and field reading need to know of it."""

    index: int  # position among the page's blocks
    element: etree._Element  # innermost block element holding the text
    position: int  # document-order index of that element
    text: str  # folded text
    link_chars: int  # characters inside <a>
    heading: bool  # inside h1-h6
    links: list[str] = field(default_factory=list)  # texts of the links in the block
    hrefs: list[str] = field(default_factory=list)  # their href attributes

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    @property
    def prose_chars(self) -> int:
        return max(len(self.text) - self.link_chars, 0)

    @property
    def punctuation(self) -> int:
        return punctuation_count(self.text)


@dataclass(slots=True)
class Page:
    """A parsed page: its tree, its blocks, and each element's span in document order."""

    root: etree._Element
    blocks: list[Block]
    span: dict[etree._Element, tuple[int, int]]  # element -> (first, last) document index

    def blocks_in(self, element: etree._Element) -> list[Block]:
        """The blocks that lie inside element, in order."""
        first, last = self.span.get(element, (-1, -2))
        return [block for block in self.blocks if first <= block.position <= last]

    def contains(self, outer: etree._Element, block: Block) -> bool:
        first, last = self.span.get(outer, (-1, -2))
        return first <= block.position <= last


def _hidden(element: etree._Element) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    return bool(style) and "none" in style and "display:none" in style.replace(" ", "").lower()


def parse(text: str) -> etree._Element | None:
    """The lxml tree of a page's text, or None when there is no markup to speak of."""
    if not text.strip():
        return None
    try:
        root = etree.fromstring(text.encode("utf-8", errors="ignore"), _HTML_PARSER)
    except etree.XMLSyntaxError:
        return None
    return root


def segment(root: etree._Element) -> Page:
    """Split the tree's <body> into blocks, dropping elements that never hold article text."""
    body = root.find("body")
    if body is None:
        body = root
    blocks: list[Block] = []
    span: dict[etree._Element, tuple[int, int]] = {}
    starts: dict[etree._Element, int] = {}
    stack: list[etree._Element] = []  # open block elements
    parts: list[str] = []
    state = {"link_chars": 0, "heading": 0, "in_link": 0}
    links: list[str] = []
    hrefs: list[str] = []
    counter = 0

    def flush() -> None:
        nonlocal parts, links, hrefs
        text = fold("".join(parts))
        if text and stack:
            owner = stack[-1]
            blocks.append(
                Block(
                    index=len(blocks),
                    element=owner,
                    position=starts[owner],
                    text=text,
                    link_chars=min(state["link_chars"], len(text)),
                    heading=state["heading"] > 0,
                    links=links,
                    hrefs=hrefs,
                )
            )
        parts = []
        links = []
        hrefs = []
        state["link_chars"] = 0

    link_parts: list[str] = []
    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if tag in DROPPED_TAGS or _hidden(element):
                # Skip the subtree but keep the tail, which belongs to the parent's flow.
                tail = element.tail
                element.clear(keep_tail=False)
                element.tail = tail
                starts[element] = counter
                counter += 1
                continue
            starts[element] = counter
            counter += 1
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            if tag in BLOCK_TAGS:
                stack.append(element)
                if tag in HEADING_TAGS:
                    state["heading"] += 1
            if tag == "a":
                state["in_link"] += 1
                link_parts = []
            if element.text:
                parts.append(element.text)
                if state["in_link"]:
                    state["link_chars"] += len(fold(element.text))
                    link_parts.append(element.text)
        else:
            span[element] = (starts.get(element, counter), counter - 1)
            if tag == "a":
                state["in_link"] = max(state["in_link"] - 1, 0)
                link_text = fold("".join(link_parts))
                if link_text:
                    links.append(link_text)
                    hrefs.append(element.get("href") or "")
            if tag in BLOCK_TAGS:
                flush()
                if stack and stack[-1] is element:
                    stack.pop()
                if tag in HEADING_TAGS:
                    state["heading"] -= 1
            if element.tail:
                parts.append(element.tail)
                if state["in_link"]:
                    state["link_chars"] += len(fold(element.tail))
                    link_parts.append(element.tail)
    flush()
    return Page(root=root, blocks=blocks, span=span)
