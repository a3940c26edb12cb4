"""Replay every saved fixture in tests/fixtures/<site>/<case>/ through the extractor.

A case is a directory with case.json (the fetched pages, their URLs and headers, the page
kind and optionally the expected continuation URLs of the first page), the raw response
bytes, and for articles expected.json: the record the extractor must recover. See
tests/fixtures/README.md. Every field is its own test, so a failure names the case and field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# The record fields an expected.json holds: everything but the provenance fields
# (fetched_at, content_hash, extractor_version), which depend on when and by what it ran.
EXPECTED_FIELDS = (
    "url",
    "pages",
    "site",
    "title",
    "category",
    "published_at",
    "abstract",
    "keywords",
    "body",
    "credits",
    "tags",
)
TEXT_FIELDS = ("site", "title", "category", "abstract", "body")


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Case:
    id: str  # "<site>/<case>"
    path: Path
    kind: str
    pages: tuple[Page, ...]
    continuation_urls: tuple[str, ...] | None

    @property
    def expected_path(self) -> Path:
        return self.path / "expected.json"

    def expected(self) -> dict[str, Any]:
        with self.expected_path.open(encoding="utf-8") as fh:
            data: dict[str, Any] = json.load(fh)
        return data


def load_case(path: Path) -> Case:
    meta = json.loads((path / "case.json").read_text(encoding="utf-8"))
    pages = tuple(
        Page(p["url"], (path / p["file"]).read_bytes(), dict(p.get("headers") or {}))
        for p in meta["pages"]
    )
    cont = meta.get("continuation_urls")
    return Case(
        id=f"{path.parent.name}/{path.name}",
        path=path,
        kind=meta["kind"],
        pages=pages,
        continuation_urls=None if cont is None else tuple(cont),
    )


def iter_cases(selected: list[str] | None = None) -> Iterator[Case]:
    """Every case under tests/fixtures, sorted; `selected` narrows to "site/case" or "site"."""
    for case_json in sorted(FIXTURES.glob("*/*/case.json")):
        case = load_case(case_json.parent)
        if selected and not any(
            case.id == s.strip("/") or case.id.startswith(s.strip("/") + "/") for s in selected
        ):
            continue
        yield case


def record_of(report: Any) -> dict[str, Any]:
    """The comparable part of a Report: expected fields only, in DESIGN.md order."""
    data = report.to_dict()
    return {name: data.get(name) for name in EXPECTED_FIELDS}


def run_article(case: Case) -> dict[str, Any]:
    from crawler.extract import extract_article

    return record_of(extract_article([(p.url, p.body) for p in case.pages]))


def run_single(case: Case) -> dict[str, Any]:
    from crawler.extract import extract

    page = case.pages[0]
    return record_of(extract(page.body, page.url, page.headers))


CASES = list(iter_cases())
ARTICLES = [c for c in CASES if c.kind == "article"]
SINGLE_PAGE_ARTICLES = [c for c in ARTICLES if len(c.pages) == 1]
WITH_CONTINUATION = [c for c in CASES if c.continuation_urls is not None]


def _ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


@cache
def _article_result(case_id: str) -> dict[str, Any]:
    return run_article(next(c for c in ARTICLES if c.id == case_id))


@cache
def _single_result(case_id: str) -> dict[str, Any]:
    return run_single(next(c for c in SINGLE_PAGE_ARTICLES if c.id == case_id))


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _mismatch(case: Case, field: str, got: Any, want: Any, via: str) -> str:
    return (
        f"{case.id}: field {field!r} differs ({via})\n  got:  {_show(got)}\n  want: {_show(want)}"
    )


# --- the fixture set itself (runs without the extractor) -----------------------------------


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_fixture_is_well_formed(case: Case) -> None:
    assert case.kind in ("article", "list", "other"), case.id
    assert case.pages, case.id
    for page in case.pages:
        assert page.url.startswith(("http://", "https://")), (case.id, page.url)
        assert page.body, (case.id, page.url)
    if case.kind != "article":
        assert not case.expected_path.exists(), f"{case.id}: only articles have expected.json"
        return
    expected = case.expected()
    assert tuple(expected) == EXPECTED_FIELDS, f"{case.id}: expected.json keys"
    assert expected["pages"][0] == expected["url"], case.id
    assert len(expected["pages"]) == len(case.pages), case.id
    assert set(expected["credits"]) == {"author", "author_unit", "editor", "source"}, case.id
    assert "\n\n\n" not in expected["body"] and expected["body"] == expected["body"].strip()
    for name in TEXT_FIELDS:
        assert "\ufffd" not in (expected[name] or ""), (case.id, name)
    if len(case.pages) > 1:
        # Page 1 links every later page, or only the next (a pager of 下一页 alone).
        later = case.continuation_urls or ()
        assert later and later == tuple(expected["pages"][1 : 1 + len(later)]), case.id


# --- the extractor against the fixtures ----------------------------------------------------


@pytest.mark.parametrize("field", EXPECTED_FIELDS)
@pytest.mark.parametrize("case", ARTICLES, ids=_ids(ARTICLES))
def test_extract_article_field(case: Case, field: str) -> None:
    """extract_article() over all of the case's pages recovers each field of expected.json."""
    got = _article_result(case.id)[field]
    want = case.expected()[field]
    assert got == want, _mismatch(case, field, got, want, "extract_article")


@pytest.mark.parametrize("field", EXPECTED_FIELDS)
@pytest.mark.parametrize("case", SINGLE_PAGE_ARTICLES, ids=_ids(SINGLE_PAGE_ARTICLES))
def test_extract_single_page_field(case: Case, field: str) -> None:
    """extract() of a one-page article, given the response headers, gives the same record."""
    got = _single_result(case.id)[field]
    want = case.expected()[field]
    assert got == want, _mismatch(case, field, got, want, "extract with headers")


@pytest.mark.parametrize("case", ARTICLES, ids=_ids(ARTICLES))
def test_no_replacement_characters(case: Case) -> None:
    results = [("extract_article", _article_result(case.id))]
    if len(case.pages) == 1:
        results.append(("extract", _single_result(case.id)))
    bad = []
    for via, record in results:
        texts = {name: record[name] for name in TEXT_FIELDS}
        texts.update({f"credits.{k}": v for k, v in (record["credits"] or {}).items()})
        texts.update({f"keywords[{i}]": v for i, v in enumerate(record["keywords"] or [])})
        texts.update({f"tags[{i}]": v for i, v in enumerate(record["tags"] or [])})
        bad += [f"{via}: {name}" for name, text in texts.items() if text and "\ufffd" in text]
    assert not bad, f"{case.id}: U+FFFD (a decoding error) in " + ", ".join(bad)


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_page_kind(case: Case) -> None:
    from crawler.extract import page_kind

    page = case.pages[0]
    got = page_kind(page.body, page.url)
    assert got == case.kind, f"{case.id}: page_kind of {page.url} is {got!r}, want {case.kind!r}"


@pytest.mark.parametrize("case", WITH_CONTINUATION, ids=_ids(WITH_CONTINUATION))
def test_continuation_urls(case: Case) -> None:
    from crawler.extract import continuation_urls

    page = case.pages[0]
    got = list(continuation_urls(page.body, page.url))
    want = list(case.continuation_urls or ())
    assert got == want, (
        f"{case.id}: continuation_urls of {page.url}\n  got:  {_show(got)}\n  want: {_show(want)}"
    )


MULTI_PAGE_ARTICLES = [c for c in ARTICLES if len(c.pages) > 1]


@pytest.mark.parametrize("case", MULTI_PAGE_ARTICLES, ids=_ids(MULTI_PAGE_ARTICLES))
def test_later_pages_read_alone(case: Case) -> None:
    """A later page read on its own is an article page with the article's title, without the
    page number a CMS adds to it (读后感(2), 讲话（第2页）)."""
    from crawler.extract import extract, page_kind

    want = case.expected()["title"]
    for page in case.pages[1:]:
        assert page_kind(page.body, page.url) == "article", (case.id, page.url)
        got = extract(page.body, page.url, page.headers).title
        assert got == want, f"{case.id}: title of {page.url} alone is {got!r}, want {want!r}"
