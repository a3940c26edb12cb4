"""The page as a sequence of text blocks: the unit every later step reasons about.

A block is one visual line of text: a paragraph, a heading, a table cell, a list item, or a
run of text between <br> tags. Splitting the tree once into blocks, in document order, lets
content scoring, boilerplate removal and field reading share one cheap pass over the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate, chain
from operator import attrgetter
from typing import Protocol, cast

from lxml import etree

from .compiled import native
from .text import fold, punctuation_count

# Elements that never hold article text (trafilatura-style tag lists as module-level data).
DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "noframes",
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

# Elements whose span in document order is recorded: the ones that can own or hold blocks.
SPANNED_TAGS = BLOCK_TAGS | CONTAINER_TAGS
# Inline containers (span, font): a <br> or block inside one can end a block of its parent's,
# so not every block emitted while one was open lies inside it.
INLINE_CONTAINER_TAGS = CONTAINER_TAGS - BLOCK_TAGS

# What the walk does at each tag, looked up once per element: one dict lookup instead of a
# chain of set tests. Tags absent here (inline markup) only contribute their text.
_SPAN, _BLOCK, _HEADING, _BREAK, _LINK, _TIME = range(1, 7)
_ROLES: dict[object, int] = {
    **{tag: _SPAN for tag in CONTAINER_TAGS},
    **{tag: _BLOCK for tag in BLOCK_TAGS},
    **{tag: _HEADING for tag in HEADING_TAGS},
    "br": _BREAK,
    "a": _LINK,
    "time": _TIME,
}


class Block:
    """One line of the page's text, with what scoring and field reading need to know of it."""

    __slots__ = (
        "element",
        "heading",
        "hrefs",
        "index",
        "link_chars",
        "link_density",
        "links",
        "position",
        "prose_chars",
        "punctuation",
        "text",
    )

    def __init__(
        self,
        index: int,
        element: etree._Element,
        position: int,
        text: str,
        link_chars: int,
        heading: bool,
        links: list[str],
        hrefs: list[str],
    ) -> None:
        self.index = index  # position among the page's blocks
        self.element = element  # innermost block element holding the text
        self.position = position  # document-order index of that element
        self.text = text  # folded text
        length = len(text)
        if link_chars > length:
            link_chars = length
        self.link_chars = link_chars  # characters inside <a>
        self.heading = heading  # inside h1-h6
        self.links = links  # texts of the links in the block
        self.hrefs = hrefs  # their href attributes
        self.link_density = link_chars / length
        self.prose_chars = prose = length - link_chars
        # Only text that could be prose is worth counting.
        self.punctuation = punctuation_count(text) if prose >= 8 else 0

    def __repr__(self) -> str:
        return f"Block({self.index}, <{self.element.tag}>, {self.text[:30]!r})"


_CELLS = ("td", "th")


def same_row(first: Block, second: Block) -> bool:
    """Whether two blocks are cells of one table row (a label's and its value's, a number's
    and its entry's)."""
    return (
        first.element.tag in _CELLS
        and second.element.tag in _CELLS
        and first.element.getparent() is second.element.getparent()
    )


# (first, last, start, end): an element's span, as Page.span gives it.
Span = tuple[int, int, int, int]


class SpanTable(Protocol):
    """Page.span: a dict keyed by element (the Python walk), or the compiled walk's table."""

    def get(self, element: etree._Element, default: Span, /) -> Span: ...


_TEXT = attrgetter("text")
_LINK_CHARS = attrgetter("link_chars")
# The span of an element the walk did not record: no block lies inside it.
_NOWHERE = (-1, -2, 0, 0)


@dataclass(slots=True)
class Page:
    """A parsed page: its tree, its blocks, and each element's span in document order."""

    root: etree._Element
    blocks: list[Block]
    # element -> (first, last) document index of the elements it holds, and the slice of
    # blocks emitted while it was open: every block inside it lies in that slice.
    span: SpanTable
    # <time datetime> values with the index of the block they stand in (or before).
    times: list[tuple[int, str]] = field(default_factory=list)
    # Running totals of the blocks' characters and link characters, made when first asked.
    _chars: list[int] = field(default_factory=list, init=False, repr=False)
    _link_chars: list[int] = field(default_factory=list, init=False, repr=False)

    def blocks_in(self, element: etree._Element) -> list[Block]:
        """The blocks that lie inside element, in order."""
        first, last, start, end = self.span.get(element, _NOWHERE)
        if element.tag not in INLINE_CONTAINER_TAGS:
            return self.blocks[start:end]
        return [block for block in self.blocks[start:end] if first <= block.position <= last]

    def link_density(self, element: etree._Element) -> float:
        """The share of the text inside element that is link text; 1.0 when it has none."""
        if element.tag in INLINE_CONTAINER_TAGS:
            inside = self.blocks_in(element)
            total = sum(len(block.text) for block in inside)
            linked = sum(block.link_chars for block in inside)
        else:
            if not self._chars:
                self._chars = list(accumulate(map(len, map(_TEXT, self.blocks)), initial=0))
                self._link_chars = list(accumulate(map(_LINK_CHARS, self.blocks), initial=0))
            start, end = self.span.get(element, _NOWHERE)[2:]
            total = self._chars[end] - self._chars[start]
            linked = self._link_chars[end] - self._link_chars[start]
        return linked / total if total else 1.0


def _html_parser() -> etree.HTMLParser:
    """A forgiving UTF-8 HTML parser that keeps neither comments nor processing instructions."""
    return etree.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        recover=True,
        collect_ids=False,  # nothing looks elements up by id; the table costs parse time
        # libxml2 otherwise stops, silently, at 256 levels of nesting (300 unclosed <font>
        # tags on an old page) or a text of 10 MB, and the rest of the page is lost. (It only
        # raises the limit: past about 2,047 levels the rest of the page is lost still.)
        huge_tree=True,
    )


_HTML_PARSER = _html_parser()
# What libxml2 reports when the bytes are not valid in the encoding it was told.
_ENCODING_ERRORS = frozenset(
    (etree.ErrorTypes.ERR_INVALID_ENCODING, etree.ErrorTypes.ERR_INVALID_CHAR)
)


def parse_utf8(body: bytes) -> etree._Element | None:
    """The tree of bytes parsed as UTF-8 by libxml2 itself, without decoding them in Python
    first; None when some byte was not valid UTF-8 (the caller then decodes) or no tree came.

    The parser is made for the call so that its error log is this page's alone.
    """
    parser = _html_parser()
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return None
    for error in parser.error_log:
        if error.type in _ENCODING_ERRORS or error.domain == etree.ErrorDomains.I18N:
            return None
    return root


_LINK_HREFS = etree.XPath("//a/@href", smart_strings=False)


def link_targets(root: etree._Element) -> list[str]:
    """The href of every <a> of the page, in document order."""
    if native is not None:
        return native.link_targets(root)
    return cast("list[str]", _LINK_HREFS(root))


def parse(text: str) -> etree._Element | None:
    """The lxml tree of a page's text, or None when there is no markup to speak of."""
    if not text.strip():
        return None
    try:
        root = etree.fromstring(text.encode("utf-8", errors="ignore"), _HTML_PARSER)
    except etree.XMLSyntaxError:
        return None
    return root


# How long the text of a <textarea> is when the box holds a text to copy (a 范文's 一键复制
# box), not a form's input or its hint.
TEXTAREA_TEXT_MIN = 100
# A blank line: where a preformatted text that has them starts a paragraph.
_BLANK_LINE = re.compile(r"\n[ \t\r\u3000]*\n\s*")


def keep_preformatted_lines(elements: list[etree._Element]) -> None:
    """Give the lines of the page's <pre> and <textarea> elements blocks of their own, as a
    browser shows them: a <pre>'s line breaks become <br>s (only its blank lines where it has
    some: the other breaks then wrap a paragraph), and a <textarea> holding a whole text
    becomes such a <pre>. (A <pre> inside one already done has had its lines given with
    the outer one's: done again, each of a thousand nested ones would walk all it holds.)"""
    done: set[etree._Element] = set()
    for element in elements:
        if element in done:
            continue
        if element.tag == "textarea":
            if len((element.text or "").strip()) < TEXTAREA_TEXT_MIN:
                continue
            element.tag = "pre"
        _breaks_for_lines(element)
        done.update(element.iterdescendants("pre", "textarea"))


def _breaks_for_lines(pre: etree._Element) -> None:
    # Where text stands in the <pre>: its own text, and the text and tail of all it holds.
    slots: list[tuple[etree._Element, bool]] = [(pre, True)]
    for inner in pre.iterdescendants():
        slots += [(inner, True), (inner, False)]
    texts = [(e.text if is_text else e.tail) or "" for e, is_text in slots]
    blank = any(_BLANK_LINE.search(text) for text in texts)
    for (element, is_text), text in zip(slots, texts, strict=True):
        lines = _BLANK_LINE.split(text) if blank else text.split("\n")
        if len(lines) < 2:
            continue
        # (libxml2 keeps control characters lxml refuses to write back: <pre>a&#1;\nb</pre>.)
        lines = [_UNWRITABLE.sub("", line) for line in lines]
        if is_text:
            element.text = lines[0]
        else:
            element.tail = lines[0]
        for line in reversed(lines[1:]):  # each <br> goes first in the element, or next to it
            br = etree.Element("br")
            br.tail = line
            if is_text:
                element.insert(0, br)
            else:
                element.addnext(br)


# How much text a <noscript> holds when it is the page's text for readers without scripts (a
# single-page app's fallback), not a hint to turn them on.
NOSCRIPT_TEXT_MIN = 200


def show_noscript_text(noscripts: list[etree._Element]) -> None:
    """Read a <noscript> holding a text as part of the page (a single-page app renders its
    article in a script and gives the same text in <noscript> for readers without one). A
    <noscript> inside another goes as the outer one goes: its text is part of the outer's."""
    decided: set[etree._Element] = set()
    for element in noscripts:
        if element in decided:
            continue
        inner = list(element.iterdescendants("noscript"))
        decided.update(inner)
        if sum(len(text.strip()) for text in element.itertext()) >= NOSCRIPT_TEXT_MIN:
            for shown in (element, *inner):
                shown.tag = "div"


def segment(root: etree._Element) -> Page:
    """Split the tree's <body> into blocks, skipping elements that never show article text."""
    body = visible_body(root)
    if native is None:
        return python_walk(root, body)
    blocks, span, times = native.walk(body)
    return Page(root=root, blocks=blocks, span=span, times=times)


def visible_body(root: etree._Element) -> etree._Element:
    """The tree's <body> (the root when there is none) without the elements that never show
    article text; their tails stay in the parent's flow."""
    body = root.find("body")
    if body is None:
        body = root
    etree.strip_elements(body, *DROPPED_TAGS, with_tail=False)  # in C, one pass
    for hidden in _hidden_elements(body):
        _drop_keep_tail(hidden)
    return body


# Attribute nodes, not elements with a predicate: libxml2 tests a predicate on every element
# several times slower than it walks the attribute axis. Two paths, not their union: a union
# sorts its nodes into document order, which costs more than the second walk of the tree.
_HIDING_STYLES = etree.XPath("descendant::*/@style[contains(., 'none')]")
_HIDDEN_ATTRIBUTES = etree.XPath("descendant::*/@hidden")


def _hiding_attributes(body: etree._Element) -> list[tuple[etree._Element, str, str]]:
    """(element, attribute name, value) of the hidden attributes and the styles saying none
    below body: what may hide an element."""
    if native is not None:
        return native.hiding_attributes(body)
    found = []
    for path in (_HIDING_STYLES, _HIDDEN_ATTRIBUTES):
        result = path(body)
        for attribute in result if isinstance(result, list) else []:
            if isinstance(attribute, etree._ElementUnicodeResult):
                element = attribute.getparent()
                if element is not None:
                    found.append((element, str(attribute.attrname), str(attribute)))
    return found


def _hidden_elements(body: etree._Element) -> list[etree._Element]:
    """Elements below body hidden by the hidden attribute or an inline display:none."""
    return [
        element
        for element, name, value in _hiding_attributes(body)
        if (name == "hidden" or _display_none(value)) and not _folded_away(element)
    ]


# The button beside the rest of a text that a phone page folds away until it is pressed.
UNFOLD_BUTTON = re.compile(r"展开全文|展开剩余|阅读全文|查看全文|继续阅读|点击展开")
UNFOLD_BUTTON_MAX = 20


def _folded_away(element: etree._Element) -> bool:
    """Whether a hidden element is the rest of the text, folded away beside an unfold button
    (展开全文; 剩余43%未读，点击阅读全文) that follows it or stands just before it: hidden from
    the reader only until pressed, and part of the text. (A button after a hidden rest unfolds
    that rest, not a hidden box after the button.)"""
    after, before = element.getnext(), element.getprevious()
    if _is_unfold_button(after):
        return True
    if before is None or not _is_unfold_button(before):
        return False
    unfolded = before.getprevious()
    return unfolded is None or not _hides(unfolded)


def _is_unfold_button(element: etree._Element | None) -> bool:
    return (
        element is not None
        and isinstance(element.tag, str)
        and UNFOLD_BUTTON.search(_button_words(element)) is not None
    )


def _hides(element: etree._Element) -> bool:
    """Whether an element is hidden by its own attributes (hidden, display:none)."""
    return element.get("hidden") is not None or _display_none(element.get("style") or "")


def _display_none(style: str) -> bool:
    return "display:none" in style.replace(" ", "").lower()


def _button_words(button: etree._Element) -> str:
    """The words of what may be a button, read no further than a button's length (the
    element may be a whole section of the page)."""
    if native is not None:
        return native.short_text(button, UNFOLD_BUTTON_MAX) or ""
    words = ""
    for text in button.itertext():
        words += str(text).strip()
        if len(words) > UNFOLD_BUTTON_MAX:
            return ""
    return words


# What lxml refuses to write into a tree although libxml2's HTML parser keeps it in the text
# it reads: C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF; surrogates.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _drop_keep_tail(element: etree._Element) -> None:
    """Remove an element and its subtree, leaving its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = _UNWRITABLE.sub("", (previous.tail or "") + tail)
        else:
            parent.text = _UNWRITABLE.sub("", (parent.text or "") + tail)
    parent.remove(element)


def python_walk(root: etree._Element, body: etree._Element) -> Page:
    """Cut the text of body into blocks as block elements open and close (the reference walk,
    and the one used where the compiled one is not: compiled.py).

    body.iter() visits the elements in document order far more cheaply than iterwalk's start
    and end events; an element ends when a later one is not its child, which the stack of open
    elements tells. The text of an element comes at its start, its tail after its end.
    """
    blocks: list[Block] = []
    span: dict[etree._Element, tuple[int, int, int, int]] = {}
    times: list[tuple[int, str]] = []
    # Open elements and their roles; the sentinel at the bottom is body's parent (maybe None),
    # never popped.
    stack = cast("list[etree._Element]", [body.getparent()])
    roles: list[int] = [0]
    # Document index of every open spanned element, and how many blocks preceded it.
    opened: list[tuple[int, int]] = []
    owners: list[tuple[etree._Element, int]] = []  # open block elements and their index
    parts: list[str] = []
    link_parts: list[str] = []
    links: list[str] = []
    hrefs: list[str] = []
    link_chars = 0
    in_link = 0
    heading = 0
    counter = 0

    def flush() -> None:
        nonlocal parts, links, hrefs, link_chars
        text = fold("".join(parts))
        if text and owners:
            owner, position = owners[-1]
            blocks.append(
                Block(len(blocks), owner, position, text, link_chars, heading > 0, links, hrefs)
            )
            links = []
            hrefs = []
        parts = []
        link_chars = 0

    role_of = _ROLES.get
    top = stack[0]
    # None at the end closes every element still open.
    for element in chain(body.iter(), (None,)):
        parent = element.getparent() if element is not None else stack[0]
        while top is not parent:
            # The top element ends here.
            closed = stack.pop()
            role = roles.pop()
            top = stack[-1]
            if role:
                if role <= _HEADING:
                    if role != _SPAN:
                        if parts:
                            flush()
                        owners.pop()
                        if role == _HEADING:
                            heading -= 1
                    first, start = opened.pop()
                    span[closed] = (first, counter - 1, start, len(blocks))
                elif role == _LINK and in_link:
                    in_link -= 1
                    link_text = fold("".join(link_parts))
                    if link_text:
                        links.append(link_text)
                        hrefs.append(closed.get("href") or "")
            tail = closed.tail
            if tail and (parts or not tail.isspace()):
                parts.append(tail)
                if in_link:
                    link_parts.append(tail)
                    link_chars += len(tail.strip())
        if element is None:
            break
        role = role_of(element.tag, 0)
        if role == _LINK and not in_link and not len(element):
            # A link with nothing inside opens and closes here: no stack, no link parts.
            text = element.text
            if text and (parts or not text.isspace()):
                parts.append(text)
                link_chars += len(text.strip())
                link_text = fold(text)
                if link_text:
                    links.append(link_text)
                    hrefs.append(element.get("href") or "")
            tail = element.tail
            if tail and (parts or not tail.isspace()):
                parts.append(tail)
            continue
        stack.append(element)
        roles.append(role)
        top = element
        if role:
            if role <= _HEADING:
                if role != _SPAN:
                    if parts:
                        flush()
                    owners.append((element, counter))
                    if role == _HEADING:
                        heading += 1
                opened.append((counter, len(blocks)))
                counter += 1
            elif role == _BREAK:
                if parts:
                    flush()
            elif role == _LINK:
                in_link += 1
                link_parts = []
            else:
                stamp = element.get("datetime")
                if stamp:
                    times.append((len(blocks), stamp))
        text = element.text
        if text and (parts or not text.isspace()):
            parts.append(text)
            if in_link:
                link_parts.append(text)
                link_chars += len(text.strip())
    flush()
    return Page(root=root, blocks=blocks, span=span, times=times)


# The compiled walk (compiled.py) cuts pages as python_walk does, by the same roles into the
# same Blocks.
if native is not None:
    native.configure(_ROLES, _SPAN, _BLOCK, _HEADING, _BREAK, _LINK, _TIME, Block)
