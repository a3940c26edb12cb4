"""The report-archiver command: its --help is its documentation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__


class InputError(click.ClickException):
    """A user's mistake: one line on stderr naming the input, exit status 2."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="report-archiver")
def main() -> None:
    """Scrape report sites (工作报告, 心得体会, 演讲稿, 论文) into a clean, searchable archive."""


@main.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="URL of the first page (default: file:// URL of the first FILE).")
def extract_command(files: tuple[Path, ...], url: str | None) -> None:
    """Print the record of one article as JSON; FILES are its pages, in order."""
    from .extract import ExtractError, extract_article

    pages: list[tuple[str, bytes]] = []
    for number, path in enumerate(files):
        body = _read_page(path)
        if url and number == 0:
            page_url = url
        elif url:
            page_url = f"{url}#page-{number + 1}"
        else:
            page_url = path.resolve().as_uri()
        pages.append((page_url, body))
    try:
        report = extract_article(pages)
    except ExtractError as error:
        raise InputError(str(error)) from None
    json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _read_page(path: Path) -> bytes:
    """The bytes of a saved page, or a one-line error saying what is wrong with the file."""
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a saved page") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    if not body.strip():
        raise InputError(f"{path}: empty file")
    head = body[:4096].lower()
    if b"\x00" in head and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: binary file, not an HTML page")
    if b"<" not in head:
        raise InputError(f"{path}: not an HTML page (no markup)")
    return body


if __name__ == "__main__":
    main()
