from collections.abc import Callable, Iterable, Mapping

from lxml import etree

from .blocks import Block

def configure(
    roles: Mapping[object, int],
    span: int,
    block: int,
    heading: int,
    brk: int,
    link: int,
    time: int,
    block_class: type,
    fold: Callable[[str | None], str],
    punctuation: Iterable[str],
) -> None: ...
def punctuation_count(text: str) -> int: ...
def walk(
    body: etree._Element,
) -> tuple[list[Block], dict[etree._Element, tuple[int, int, int, int]], list[tuple[int, str]]]: ...
