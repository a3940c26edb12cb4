from collections.abc import Iterable, Mapping

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
) -> None: ...
def set_punctuation(marks: Iterable[str]) -> None: ...
def fold(text: str | None) -> str: ...
def punctuation_count(text: str) -> int: ...
def walk(
    body: etree._Element,
) -> tuple[list[Block], dict[etree._Element, tuple[int, int, int, int]], list[tuple[int, str]]]: ...
def hiding_attributes(body: etree._Element) -> list[tuple[etree._Element, str, str]]: ...
