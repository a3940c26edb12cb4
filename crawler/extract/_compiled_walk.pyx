# cython: language_level=3
"""The walk of blocks.py compiled: the same cut of a page into blocks, on libxml2's nodes.

Why: the pure-Python walk visits every element through an lxml proxy (a Python object made
for the visit, its parent looked up, its text and tail copied) and costs as much as the parse
itself. Here the walk follows libxml2's node pointers, and Python objects are made only for
what the result holds: the text, the block elements and the spans. blocks.py keeps the Python
walk as the reference and the fallback where no C compiler built this module; the tests check
that both give the same page. The two per-block steps of the walk, folding whitespace and
counting punctuation, are here too (text.py uses them where this module is built), and so are
the other passes over a whole page that blocks.py makes: the attributes that may hide an
element, the links' targets and a button's few words, each tested against its XPath or
itertext reference.
"""

from cpython.unicode cimport Py_UNICODE_ISSPACE
from libc.stdlib cimport bsearch, free, malloc, qsort, realloc
from libc.string cimport memcpy, strcmp, strlen, strstr

cimport lxml.includes.etreepublic as cetree
from lxml.includes.tree cimport (
    XML_CDATA_SECTION_NODE,
    XML_ELEMENT_NODE,
    XML_TEXT_NODE,
    XML_XINCLUDE_END,
    XML_XINCLUDE_START,
    xmlAttr,
    xmlNode,
)

cetree.import_lxml__etree()

cdef extern from "Python.h":
    str PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors)
    str PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND

# The roles of blocks.py (_ROLES), given once by configure(): a table of tag names by first
# byte, so that an element's role is a few strcmp calls and no Python object.
cdef enum:
    MAX_ROLES = 256
cdef char* _names[MAX_ROLES]
cdef int _roles[MAX_ROLES]
cdef int _count = 0
cdef int _first[256]
cdef int _last[256]
cdef int SPAN, BLOCK, HEADING, BREAK, LINK, TIME
cdef object _block_class = None
# text.PROSE_PUNCTUATION as a bitmap over the Basic Multilingual Plane, given by set_punctuation().
cdef unsigned char _punctuation[8192]


def set_punctuation(marks):
    """Take the marks punctuation_count() counts (text.PROSE_PUNCTUATION)."""
    cdef unsigned int mark
    cdef int index
    for index in range(8192):
        _punctuation[index] = 0
    for item in marks:
        mark = ord(item)
        if mark > 0xFFFF:
            raise ValueError("punctuation outside the Basic Multilingual Plane")
        _punctuation[mark >> 3] |= 1 << (mark & 7)


def configure(roles, int span, int block, int heading, int brk, int link, int time, block_class):
    """Take the walk's tag roles, role numbers and Block class from blocks.py."""
    global _count, SPAN, BLOCK, HEADING, BREAK, LINK, TIME, _block_class
    cdef int index
    cdef bytes name
    items = sorted((str(tag).encode("utf-8"), role) for tag, role in roles.items())
    if len(items) > MAX_ROLES:
        raise ValueError("too many tag roles")
    for index in range(_count):
        free(_names[index])
    _count = 0
    for index in range(256):
        _first[index] = 0
        _last[index] = 0
    for name, role in items:
        _names[_count] = <char*>realloc(NULL, len(name) + 1)
        if _names[_count] == NULL:
            raise MemoryError()
        memcpy(_names[_count], <const char*>name, len(name) + 1)
        _roles[_count] = role
        if _last[<unsigned char>name[0]] == 0:
            _first[<unsigned char>name[0]] = _count
        _count += 1
        _last[<unsigned char>name[0]] = _count
    SPAN, BLOCK, HEADING, BREAK, LINK, TIME = span, block, heading, brk, link, time
    _block_class = block_class


cdef inline bint _folds(Py_UCS4 c) noexcept:
    """Whether fold() turns the character into a space: Unicode whitespace (as str.split()
    knows it), or a zero-width space or no-break space (U+200B, U+FEFF). No whitespace lies
    above U+3000 (the ideographic space), so most Chinese characters need no lookup."""
    if c > 0x3000:
        return c == 0xFEFF
    return Py_UNICODE_ISSPACE(c) or c == 0x200B


cdef inline bint _control(Py_UCS4 c) noexcept:
    """Whether fold() drops the character: a C0 or C1 control that is no whitespace (the
    caller has ruled whitespace out)."""
    return c < 0x20 or 0x7F <= c <= 0x9F


cpdef str fold(object text):
    """text.python_fold in one pass over the characters, without the list of words."""
    if not text:
        return ""
    cdef str value = text
    cdef Py_ssize_t length = len(value), size = 0, index = 0
    cdef Py_UCS4 c
    cdef bint space = False, changed = False
    for c in value:
        if _folds(c):
            if c != 32 or space or size == 0 or index == length - 1:
                changed = True
            space = size > 0
        elif c <= 0x9F and _control(c):
            changed = True
        else:
            space = False
            size += 1
        index += 1
    if not changed:
        return value if type(value) is str else str(value)
    cdef Py_UCS4* out = <Py_UCS4*>malloc(length * sizeof(Py_UCS4))
    if out is NULL:
        raise MemoryError()
    size = 0
    space = False
    try:
        for c in value:
            if _folds(c):
                space = size > 0
            elif c <= 0x9F and _control(c):
                pass
            else:
                if space:
                    out[size] = 32
                    size += 1
                    space = False
                out[size] = c
                size += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, size)
    finally:
        free(out)


def punctuation_count(str text):
    """How many of the configured punctuation marks text holds (text.punctuation_count)."""
    cdef Py_UCS4 c
    cdef unsigned int code
    cdef Py_ssize_t count = 0
    for c in text:
        code = c
        if code <= 0xFFFF and _punctuation[code >> 3] & (1 << (code & 7)):
            count += 1
    return count


cdef inline int _role_of(xmlNode* node) noexcept:
    """The role of an element by its tag; 0 for inline markup and namespaced tags."""
    cdef const char* name = <const char*>node.name
    cdef int index
    if node.ns is not NULL or name is NULL:
        return 0
    for index in range(_first[<unsigned char>name[0]], _last[<unsigned char>name[0]]):
        if strcmp(name, _names[index]) == 0:
            return _roles[index]
    return 0


cdef inline bint _is_text(xmlNode* node) noexcept:
    return node.type == XML_TEXT_NODE or node.type == XML_CDATA_SECTION_NODE


cdef inline bint _in_run(xmlNode* node) noexcept:
    """Whether node belongs to a run of text: text, or an XInclude marker lxml reads past."""
    return _is_text(node) or node.type == XML_XINCLUDE_START or node.type == XML_XINCLUDE_END


cdef inline xmlNode* _text_or_skip(xmlNode* node) noexcept:
    """The node if it is text, past XInclude markers; NULL at anything else (lxml's rule)."""
    while node is not NULL and _in_run(node):
        if _is_text(node):
            return node
        node = node.next
    return NULL


cdef inline bint _ascii_space(const char* text) noexcept:
    """Whether the bytes are all ASCII whitespace that str.isspace() also calls space."""
    cdef const unsigned char* c = <const unsigned char*>text
    while c[0]:
        if c[0] != 32 and not (9 <= c[0] <= 13):
            return False
        c += 1
    return True


cdef object _run_text(xmlNode* node):
    """The text of the run of text nodes starting at node, as lxml's .text and .tail give it
    (None when there is none). ASCII whitespace alone comes as " ": the walk only asks whether
    such text is space, and fold() makes any run of space one."""
    cdef xmlNode* first = _text_or_skip(node)
    cdef xmlNode* other
    if first is NULL:
        return None
    other = _text_or_skip(first.next)
    if other is NULL:
        if first.content is NULL or first.content[0] == 0:
            return ""
        if _ascii_space(<const char*>first.content):
            return " "
        return PyUnicode_DecodeUTF8(<const char*>first.content,
                                    strlen(<const char*>first.content), NULL)
    joined = []
    while first is not NULL:
        if first.content is not NULL:
            joined.append(PyUnicode_DecodeUTF8(<const char*>first.content,
                                               strlen(<const char*>first.content), NULL))
        first = _text_or_skip(first.next)
    return "".join(joined)


cdef inline xmlNode* _after_run(xmlNode* node) noexcept:
    """The first node after the run of text nodes starting at node."""
    while node is not NULL and _in_run(node):
        node = node.next
    return node


cdef inline bint _has_children(xmlNode* node) noexcept:
    """Whether an element has a child lxml counts in len(): anything but text."""
    cdef xmlNode* child = node.children
    while child is not NULL:
        if not _in_run(child):
            return True
        child = child.next
    return False


cdef struct Open:
    xmlNode* node
    int role
    int first   # document index of a spanned element
    int start   # blocks emitted before it opened


cdef class _State:
    """What the walk carries from element to element: the text of the block being read, and
    the open block elements that own it (as nodes: an element gets its Python proxy only
    when a block of its own is made)."""
    cdef list blocks, parts, link_parts, links, hrefs
    cdef cetree._Document doc
    cdef xmlNode** owner_nodes
    cdef int* owner_positions
    cdef Py_ssize_t owner_count, owner_capacity
    cdef Py_ssize_t link_chars
    cdef int in_link, heading

    def __cinit__(self):
        self.blocks = []
        self.parts = []
        self.link_parts = []
        self.links = []
        self.hrefs = []
        self.owner_nodes = NULL
        self.owner_positions = NULL
        self.owner_count = 0
        self.owner_capacity = 0
        self.link_chars = 0
        self.in_link = 0
        self.heading = 0

    def __dealloc__(self):
        free(self.owner_nodes)
        free(self.owner_positions)

    cdef void push_owner(self, xmlNode* node, int position) except *:
        cdef Py_ssize_t capacity
        cdef void* grown
        if self.owner_count == self.owner_capacity:
            capacity = self.owner_capacity * 2 + 64
            grown = realloc(self.owner_nodes, capacity * sizeof(xmlNode*))
            if grown is NULL:
                raise MemoryError()
            self.owner_nodes = <xmlNode**>grown
            grown = realloc(self.owner_positions, capacity * sizeof(int))
            if grown is NULL:
                raise MemoryError()
            self.owner_positions = <int*>grown
            self.owner_capacity = capacity
        self.owner_nodes[self.owner_count] = node
        self.owner_positions[self.owner_count] = position
        self.owner_count += 1

    cdef void flush(self) except *:
        cdef str text = fold("".join(self.parts))
        cdef Py_ssize_t top
        if text and self.owner_count:
            top = self.owner_count - 1
            self.blocks.append(_block_class(
                len(self.blocks), cetree.elementFactory(self.doc, self.owner_nodes[top]),
                self.owner_positions[top], text, self.link_chars, self.heading > 0,
                self.links, self.hrefs,
            ))
            self.links = []
            self.hrefs = []
        self.parts = []
        self.link_chars = 0

    cdef void add(self, object text) except *:
        """Text at the walk's position: an element's text or a tail."""
        if not text:
            return
        if not self.parts and text.isspace():
            return
        self.parts.append(text)
        if self.in_link:
            self.link_parts.append(text)
            self.link_chars += len(text.strip())


cdef struct SpanEntry:
    xmlNode* node
    int first   # document index of the element
    int last    # document index of the last element it holds
    int start   # blocks emitted before it opened
    int end     # blocks emitted when it closed


cdef int _by_node(const void* a, const void* b) noexcept nogil:
    cdef size_t x = <size_t>(<const SpanEntry*>a).node
    cdef size_t y = <size_t>(<const SpanEntry*>b).node
    return (x > y) - (x < y)


cdef class Spans:
    """blocks.Page.span of the compiled walk: each spanned element's (first, last, start,
    end), kept by libxml2 node in a sorted array rather than in a dict keyed by element
    proxies, which would make a proxy of every block element of the page. Looked up as the
    dict is (get); the tree must not change while it is in use (no page step changes it
    after the walk)."""
    cdef SpanEntry* entries
    cdef Py_ssize_t count, capacity
    cdef cetree._Document doc

    def __cinit__(self):
        self.entries = NULL
        self.count = 0
        self.capacity = 0

    def __dealloc__(self):
        free(self.entries)

    cdef void add(self, xmlNode* node, int first, int last, int start, int end) except *:
        cdef SpanEntry* grown
        if self.count == self.capacity:
            self.capacity = self.capacity * 2 + 256
            grown = <SpanEntry*>realloc(self.entries, self.capacity * sizeof(SpanEntry))
            if grown is NULL:
                raise MemoryError()
            self.entries = grown
        self.entries[self.count] = SpanEntry(node, first, last, start, end)
        self.count += 1

    cdef void seal(self) noexcept:
        if self.count > 1:
            qsort(self.entries, self.count, sizeof(SpanEntry), _by_node)

    def get(self, element, default=None):
        """(first, last, start, end) of element, or default where the walk did not span it."""
        cdef SpanEntry key
        cdef SpanEntry* found
        if not isinstance(element, cetree._Element) or self.count == 0:
            return default
        key.node = (<cetree._Element>element)._c_node
        found = <SpanEntry*>bsearch(&key, self.entries, self.count, sizeof(SpanEntry), _by_node)
        if found is NULL:
            return default
        return (found.first, found.last, found.start, found.end)

    def __len__(self):
        return self.count

    def to_dict(self):
        """The spans as python_walk gives them: a dict keyed by element (for comparing)."""
        cdef Py_ssize_t index
        return {
            cetree.elementFactory(self.doc, self.entries[index].node): (
                self.entries[index].first, self.entries[index].last,
                self.entries[index].start, self.entries[index].end,
            )
            for index in range(self.count)
        }


cdef str _attribute(xmlNode* node, const char* name):
    """The attribute's value as element.get(name) or "" gives it."""
    value = cetree.attributeValueFromNsName(node, NULL, <const unsigned char*>name)
    return value if value else ""


def walk(cetree._Element body):
    """(blocks, span, times) of body, as blocks.python_walk gives them (span as Spans)."""
    if _block_class is None:
        raise RuntimeError("configure() was not called")
    cdef cetree._Document doc = body._doc
    cdef _State state = _State()
    cdef Spans span = Spans()
    cdef list times = []
    state.doc = doc
    span.doc = doc
    cdef Open* stack = NULL
    cdef Py_ssize_t depth = 0, capacity = 0
    cdef xmlNode* node
    cdef int role, counter = 0
    cdef Open closed
    cdef Open* grown
    try:
        node = body._c_node
        while True:
            if node is NULL:
                # The end of the innermost open element's children: it ends here.
                depth -= 1
                closed = stack[depth]
                role = closed.role
                if role and role <= HEADING:
                    if role != SPAN:
                        if state.parts:
                            state.flush()
                        state.owner_count -= 1
                        if role == HEADING:
                            state.heading -= 1
                    span.add(closed.node, closed.first, counter - 1, closed.start,
                             len(state.blocks))
                elif role == LINK and state.in_link:
                    state.in_link -= 1
                    link_text = fold("".join(state.link_parts))
                    if link_text:
                        state.links.append(link_text)
                        state.hrefs.append(_attribute(closed.node, "href"))
                if depth == 0:
                    break  # body's own tail can make no block: nothing owns it
                node = closed.node.next
                continue
            if _is_text(node):
                # A tail (or the first text of top, which starts with its children).
                state.add(_run_text(node))
                node = _after_run(node)
                continue
            if node.type != XML_ELEMENT_NODE:
                node = node.next
                continue
            role = _role_of(node)
            if role == LINK and depth and not state.in_link and not _has_children(node):
                # A link with nothing inside opens and closes here.
                text = _run_text(node.children)
                if text and (state.parts or not text.isspace()):
                    state.parts.append(text)
                    state.link_chars += len(text.strip())
                    link_text = fold(text)
                    if link_text:
                        state.links.append(link_text)
                        state.hrefs.append(_attribute(node, "href"))
                node = node.next
                continue
            if depth == capacity:
                capacity = capacity * 2 + 64
                grown = <Open*>realloc(stack, capacity * sizeof(Open))
                if grown is NULL:
                    raise MemoryError()
                stack = grown
            stack[depth].node = node
            stack[depth].role = role
            stack[depth].first = 0
            stack[depth].start = 0
            if role:
                if role <= HEADING:
                    if role != SPAN:
                        if state.parts:
                            state.flush()
                        state.push_owner(node, counter)
                        if role == HEADING:
                            state.heading += 1
                    stack[depth].first = counter
                    stack[depth].start = len(state.blocks)
                    counter += 1
                elif role == BREAK:
                    if state.parts:
                        state.flush()
                elif role == LINK:
                    state.in_link += 1
                    state.link_parts = []
                elif role == TIME:
                    stamp = _attribute(node, "datetime")
                    if stamp:
                        times.append((len(state.blocks), stamp))
            depth += 1
            node = node.children
        state.flush()
    finally:
        free(stack)
    span.seal()
    return state.blocks, span, times


cdef inline xmlNode* _next_node(xmlNode* node, xmlNode* top, bint descend) noexcept:
    """The node after node in document order, below top: its first child where descend and it
    has one, else the next node after its subtree; NULL past top's last."""
    if descend and node.children is not NULL:
        return node.children
    while node is not top and node.next is NULL:
        node = node.parent
    return NULL if node is top else node.next


cdef bint _may_hide(xmlAttr* attribute) noexcept:
    """Whether an attribute is one blocks._hidden_elements reads: hidden, or a style whose
    text says none (a value in several text nodes is read whole by the caller)."""
    if attribute.ns is not NULL or attribute.name is NULL:
        return False
    if strcmp(<const char*>attribute.name, "hidden") == 0:
        return True
    if strcmp(<const char*>attribute.name, "style") != 0 or attribute.children is NULL:
        return False
    if attribute.children.next is not NULL:
        return True
    return (attribute.children.content is not NULL
            and strstr(<const char*>attribute.children.content, "none") is not NULL)


def hiding_attributes(cetree._Element body):
    """(element, attribute name, value) of each hidden or style attribute saying none below
    body, in document order: what blocks._HIDING_STYLES and _HIDDEN_ATTRIBUTES find, read in
    one pass over libxml2's nodes instead of two XPath walks."""
    cdef cetree._Document doc = body._doc
    cdef xmlNode* top = body._c_node
    cdef xmlNode* node = top.children
    cdef xmlAttr* attribute
    cdef bytes name
    found = []
    while node is not NULL:
        if node.type == XML_ELEMENT_NODE:
            attribute = node.properties
            while attribute is not NULL:
                if _may_hide(attribute):
                    name = <const char*>attribute.name
                    found.append((
                        cetree.elementFactory(doc, node), name.decode("utf-8"),
                        _attribute(node, name),
                    ))
                attribute = attribute.next
        node = _next_node(node, top, node.type == XML_ELEMENT_NODE)
    return found


def link_targets(cetree._Element root):
    """The href of every <a> at or below root, in document order: what the XPath //a/@href
    gives, without an XPath context and its node set."""
    cdef cetree._Document doc = root._doc
    cdef xmlNode* top = root._c_node
    cdef xmlNode* node = top
    found = []
    while node is not NULL:
        if node.type == XML_ELEMENT_NODE:
            if (node.ns is NULL and node.name is not NULL and node.properties is not NULL
                    and strcmp(<const char*>node.name, "a") == 0):
                value = cetree.attributeValueFromNsName(node, NULL, <const unsigned char*>"href")
                if value is not None:
                    found.append(value)
        node = _next_node(node, top, node.type == XML_ELEMENT_NODE)
    return found


def short_text(cetree._Element element, Py_ssize_t limit):
    """The text inside element, each piece stripped and joined, or None as soon as it runs
    past limit characters: what a button says, read without walking a section that is none
    (blocks._button_words, without an lxml proxy for each element it passes)."""
    cdef xmlNode* top = element._c_node
    cdef xmlNode* node = top.children
    cdef list pieces = []
    cdef Py_ssize_t length = 0
    while node is not NULL:
        if _is_text(node) and node.content is not NULL and not _ascii_space(
            <const char*>node.content
        ):
            piece = PyUnicode_DecodeUTF8(<const char*>node.content,
                                         strlen(<const char*>node.content), NULL).strip()
            length += len(piece)
            if length > limit:
                return None
            pieces.append(piece)
        node = _next_node(node, top, node.type == XML_ELEMENT_NODE)
    return "".join(pieces)
