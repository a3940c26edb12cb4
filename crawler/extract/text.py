"""Text normalisation shared by every extraction step.

DESIGN.md allows folding whitespace, &nbsp; and full-width spaces, and nothing else: the
words stay as the page has them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .compiled import native

# Every run of whitespace, no-break spaces (&nbsp;) and ideographic spaces (U+3000) folds to one.
_SPACE_RUN = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")

# Punctuation that marks running prose (Chinese and Western); link lists and menus have little.
PROSE_PUNCTUATION = frozenset("，。；：！？、,.;:!?“”「」（）()…")

# Separators of keyword and tag lists: spaces, ；;，, and 、 (DESIGN.md, "keywords").
_LIST_SEPARATORS = re.compile(r"[\s\u00a0\u3000;；,，、|/]+")


# Control characters that are not whitespace (C0 and C1): never text a reader sees, they are
# dropped. (U+001C-U+001F and U+0085 count as whitespace in Python and fold to a space.)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def python_fold(text: str | None) -> str:
    """Whitespace, &nbsp; and full-width spaces folded to single spaces, ends trimmed, control
    characters dropped."""
    if not text:
        return ""
    if not text.isprintable():
        text = _CONTROL.sub("", text)
    # str.split() knows Unicode spaces (U+00A0, U+3000); zero-width ones need the regex.
    if "\u200b" in text or "\ufeff" in text:
        return _SPACE_RUN.sub(" ", text).strip()
    return " ".join(text.split())


# One character class: a single C-level scan per text, whatever the number of marks.
_PUNCTUATION_MARK = re.compile("[" + re.escape("".join(sorted(PROSE_PUNCTUATION))) + "]")


def python_punctuation_count(text: str) -> int:
    """How many prose punctuation marks a text holds."""
    return len(_PUNCTUATION_MARK.findall(text))


fold: Callable[[str | None], str]
punctuation_count: Callable[[str], int]
if native is None:
    fold, punctuation_count = python_fold, python_punctuation_count
else:  # the same in C (compiled.py)
    native.set_punctuation(PROSE_PUNCTUATION)
    fold, punctuation_count = native.fold, native.punctuation_count


# The separators but space, and two Latin words a space joins: "coastal erosion, managed
# retreat" holds two keywords, not four.
_MARK_SEPARATORS = re.compile(r"[\s\u00a0\u3000]*[;；,，、|/][\s\u00a0\u3000;；,，、|/]*")
_LATIN_PHRASE = re.compile(r"[A-Za-z]\s+[A-Za-z]")


def split_list(text: str) -> list[str]:
    """A keyword or tag line split into its items, empty items dropped, order kept, no repeats
    (on spaces too, unless marks separate items of several Latin words)."""
    separators = _LIST_SEPARATORS
    if _LATIN_PHRASE.search(text) and _MARK_SEPARATORS.search(text):
        separators = _MARK_SEPARATORS
    seen: dict[str, None] = {}
    for item in separators.split(text):
        item = item.strip(" .。:：")
        if item:
            seen.setdefault(item, None)
    return list(seen)
