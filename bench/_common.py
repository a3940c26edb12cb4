"""What both benchmarks share: finding the real pages, and running each extractor the same way.

Kept in one place so that accuracy.py and speed.py call ours and the peers identically: a
speed number for a configuration we did not score (or the reverse) would mean nothing.

Fair decoding: trafilatura gets the raw bytes (it detects the encoding itself, as it would in
production); readability-lxml, which wants text, gets the text that our own decoder
(crawler.extract.decode.decode_html) produces, so that the charset-lying pages do not count
against it for a reason that is not extraction.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import lxml.html
import trafilatura
from readability import Document

from crawler.extract import analyse, extract
from crawler.extract.decode import decode_html

Extractor = Callable[[bytes, str, dict[str, str] | None], str]


@dataclass(slots=True)
class Page:
    """One page to run the extractors on."""

    name: str  # file name (real pages) or fixture path relative to the fixtures folder
    path: Path
    body: bytes
    url: str
    headers: dict[str, str] | None = None
    group: str = ""  # collection prefix for real pages (magichtml, trafilatura, …)
    truth_files: list[str] = field(default_factory=list)


def die(message: str) -> NoReturn:
    """One line on stderr and exit status 2, the usage-error convention."""
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    raise SystemExit(2)


def check_folder(folder: str | None) -> Path:
    """The real-pages folder, or a one-line error naming what was given."""
    if not folder:
        die("no real-pages folder given (usage: bench/<script>.py /path/to/realpages)")
    path = Path(folder)
    if not path.is_dir():
        die(f"real-pages folder not found: {path}")
    if not (path / "manifest.tsv").is_file():
        die(f"not a real-pages folder (no manifest.tsv): {path}")
    return path


def _truth_url(folder: Path, truth_files: list[str]) -> str | None:
    for name in truth_files:
        if name.endswith(".truth.json"):
            try:
                data = json.loads((folder / name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            url = data.get("url") if isinstance(data, dict) else None
            if isinstance(url, str) and url.startswith(("http://", "https://")):
                return url
    return None


def real_pages(folder: Path) -> list[Page]:
    """Every page the manifest lists, with the URL ours is given: the truth's, else a stand-in."""
    pages: list[Page] = []
    with (folder / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name = row.get("file") or ""
            path = folder / name
            if not name or not path.is_file():
                continue
            truth_files = [t for t in (row.get("truth_files") or "").split(";") if t]
            url = _truth_url(folder, truth_files) or f"http://example.com/{name}"
            pages.append(
                Page(
                    name=name,
                    path=path,
                    body=path.read_bytes(),
                    url=url,
                    group=name.split("__", 1)[0],
                    truth_files=truth_files,
                )
            )
    return pages


def fixture_pages(fixtures: Path) -> list[Page]:
    """The project's offline fixture pages, with the URL and headers their case.json gives."""
    pages: list[Page] = []
    for path in sorted(fixtures.glob("**/*.html")):
        url = f"http://example.com/{path.relative_to(fixtures).as_posix()}"
        headers: dict[str, str] | None = None
        case = path.parent / "case.json"
        if case.is_file():
            try:
                spec: Any = json.loads(case.read_text(encoding="utf-8"))
                for entry in spec.get("pages", []):
                    if entry.get("file") == path.name:
                        url = entry.get("url") or url
                        headers = entry.get("headers") or None
            except (OSError, ValueError, AttributeError):
                pass
        pages.append(
            Page(
                name=path.relative_to(fixtures).as_posix(),
                path=path,
                body=path.read_bytes(),
                url=url,
                headers=headers,
                group=path.relative_to(fixtures).parts[0],
            )
        )
    return pages


# --- the extractors, bytes in, main text out -------------------------------------------------


def ours_text(body: bytes, url: str, headers: dict[str, str] | None = None) -> str:
    """Our body text: what the archive stores."""
    return extract(body, url, headers).body


def ours_analyse(body: bytes, url: str, headers: dict[str, str] | None = None) -> str:
    """What the crawler runs per page (kind + record in one parse); timed by speed.py."""
    return analyse(body, url, headers).report.body


def trafilatura_text(body: bytes, url: str, headers: dict[str, str] | None = None) -> str:
    """trafilatura with defaults, comments off and tables in; raw bytes, its own decoding."""
    return trafilatura.extract(body, url=url, include_comments=False, include_tables=True) or ""


def readability_html(body: bytes, url: str, headers: dict[str, str] | None = None) -> str:
    """readability-lxml's summary HTML, fed the text our decoder produces."""
    text, _ = decode_html(body, headers)
    return str(Document(text, url=url).summary())


def html_text(html: str) -> str:
    """The text of an HTML fragment (readability output), as lxml's text_content gives it."""
    if not html.strip():
        return ""
    return str(lxml.html.fromstring(html).text_content())


def readability_text(body: bytes, url: str, headers: dict[str, str] | None = None) -> str:
    """readability-lxml's main text."""
    return html_text(readability_html(body, url, headers))


TEXT_EXTRACTORS: dict[str, Extractor] = {
    "ours": ours_text,
    "trafilatura": trafilatura_text,
    "readability": readability_text,
}
