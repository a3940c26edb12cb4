"""The report-archiver command: its --help is its documentation."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__


class InputError(click.ClickException):
    """A user's mistake: one line on stderr naming the input, exit status 2."""

    exit_code = 2


class _OneLineErrors(click.Group):
    """Click's usage errors (unknown option, bad choice, missing argument) in one line, like
    every other user mistake, instead of a usage block: still exit status 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx else "report-archiver"
            message = " ".join(error.format_message().split())
            click.echo(f"Error: {where}: {message} (see {where} --help)", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
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


@main.command("crawl")
@click.argument("urls", nargs=-1)
@click.option("--site", help="Site profile: a name from `report-archiver sites` or a TOML file.")
@click.option(
    "--db",
    "db",
    help="Archive database: SQLAlchemy URL or SQLite path "
    "[default: $ARCHIVE_DB_URL or data/archive.sqlite].",
)
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after this many responses.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Re-fetch known articles too (conditionally: unchanged ones answer 304).",
)
@click.option(
    "--warc-dir",
    type=click.Path(path_type=Path),
    help="Where to write the WARC files [default: warc/ beside the SQLite file].",
)
@click.option(
    "--jobdir",
    type=click.Path(path_type=Path),
    help="Job folder: a crawl stopped by Ctrl-C or SIGTERM resumes from its queue there; "
    "after a kill it restarts, skipping what the archive already has.",
)
@click.option(
    "-s",
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting (repeatable).",
)
def crawl_command(
    urls: tuple[str, ...],
    site: str | None,
    db: str | None,
    max_pages: int | None,
    refresh: bool,
    warc_dir: Path | None,
    jobdir: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Crawl report sites from their home or category URLS into the archive.

    Without URLS the start URLs of the --site profile are used. A repeat crawl fetches
    list pages and new articles; known articles only with --refresh or when the profile's
    refresh_after has passed.
    """
    from .run import run_crawl

    profile = _profile(site)
    start_urls = [_start_url(url) for url in urls]
    if not start_urls and profile is None:
        raise InputError("give at least one URL or --site NAME")
    db_url = _archive_url(db)
    overrides: dict[str, Any] = _settings(settings)
    if warc_dir is not None:
        overrides["WARC_DIR"] = str(_writable_folder(warc_dir, "--warc-dir"))
    summary = run_crawl(
        start_urls,
        db_url=db_url,
        site=site,
        max_pages=max_pages,
        refresh=refresh,
        overrides=overrides,
        jobdir=_writable_folder(jobdir, "--jobdir") if jobdir is not None else None,
    )
    for line in summary.lines():
        click.echo(line)
    if summary.storage_error:
        raise click.ClickException(summary.storage_error)
    if summary.responses == 0:
        targets = ", ".join(start_urls or (profile.start_urls if profile else []))
        raise click.ClickException(f"{targets}: unreachable, nothing was fetched")


@main.command("serve")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
def serve_command(directory: Path, port: int) -> None:
    """Replay a saved site (such as data/demo-site) on 127.0.0.1, bytes and headers as saved."""
    from .serve import serve

    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    try:
        serve(directory, port)
    except OSError as error:
        raise InputError(f"port {port}: cannot listen ({error.strerror})") from None


@main.command("sites")
def sites_command() -> None:
    """List the site profiles (crawler/sites/*.toml) and whether each is valid."""
    from .profiles import ProfileError, iter_profiles, load_profile

    for path in iter_profiles():
        try:
            profile = load_profile(path)
        except ProfileError as error:
            click.echo(f"{path.stem}\tINVALID\t{error}")
            continue
        schedule = profile.schedule or "-"
        click.echo(
            f"{profile.name}\t{profile.title or '-'}\t{schedule}\t{' '.join(profile.start_urls)}"
        )


@main.command("export")
@click.option(
    "--db", "db", help="Archive database [default: $ARCHIVE_DB_URL or data/archive.sqlite]."
)
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write [default: stdout]."
)
def export_command(db: str | None, fmt: str, output: Path | None) -> None:
    """Export the archive's current records."""
    from .archive import ArchiveError, open_archive
    from .export import atomic_output, write_jsonl

    db_url = _archive_url(db, must_exist=True)
    try:
        with open_archive(db_url) as archive, atomic_output(output) as stream:
            count = write_jsonl(archive.iter_records(), stream)
    except ArchiveError as error:
        raise InputError(str(error)) from None
    except OSError as error:
        raise InputError(f"{output}: cannot write ({error.strerror})") from None
    if output is not None:
        click.echo(f"{count} records -> {output}", err=True)


@main.command("demo")
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Saved site to serve [default: the bundled data/demo-site].",
)
@click.option("--db", "db", default="data/archive.sqlite", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("data/exports/reports.jsonl"),
    show_default=True,
)
def demo_command(site_dir: Path | None, db: str, output: Path) -> None:
    """Serve the bundled demo site on a free port, crawl it, export it, summarise."""
    from .archive import open_archive
    from .export import atomic_output, write_jsonl
    from .run import run_crawl
    from .serve import ReplayServer

    directory = site_dir or Path(__file__).resolve().parent.parent / "data" / "demo-site"
    if not directory.is_dir():
        raise InputError(
            f"{directory}: no such directory (the demo site ships with the repository)"
        )
    db_url = _archive_url(db)
    with ReplayServer(directory) as server:
        server.start()
        click.echo(f"serving {directory} at {server.url}/", err=True)
        summary = run_crawl([server.url + "/"], db_url=db_url)
    if summary.storage_error:
        raise click.ClickException(summary.storage_error)
    with open_archive(db_url) as archive, atomic_output(output) as stream:
        count = write_jsonl(archive.iter_records(), stream)
    for line in summary.lines():
        click.echo(line)
    click.echo(f"export:   {count} records -> {output}")


@main.command("reparse")
@click.option(
    "--db", "db", help="Archive database [default: $ARCHIVE_DB_URL or data/archive.sqlite]."
)
@click.option(
    "--warc-dir",
    type=click.Path(path_type=Path),
    help="WARC folder [default: warc/ beside the SQLite file].",
)
@click.option("--site", help="Only articles of this site (its name as stored).")
@click.option("--since", help="Only articles seen since this date (YYYY-MM-DD).")
def reparse_command(
    db: str | None, warc_dir: Path | None, site: str | None, since: str | None
) -> None:
    """Re-run the current extractor over the archived responses, without any network.

    A record that changed gets a new version; the old one is kept.
    """
    from .archive import ArchiveError, open_archive
    from .middlewares import warc_directory
    from .reparse import reparse_archive
    from .run import project_settings

    db_url = _archive_url(db, must_exist=True)
    since_iso = _date(since, "--since") if since else None
    directory = warc_dir or warc_directory(project_settings({"ARCHIVE_DB_URL": db_url}))
    if not directory.is_dir():
        raise InputError(f"{directory}: no such WARC folder")
    try:
        with open_archive(db_url) as archive:
            summary = reparse_archive(archive, directory, site=site, since=since_iso)
    except ArchiveError as error:
        raise InputError(str(error)) from None
    click.echo(summary.line())


@main.command("schedule")
@click.option(
    "--db", "db", help="Archive database [default: $ARCHIVE_DB_URL or data/archive.sqlite]."
)
@click.option(
    "--profiles",
    "profiles_dir",
    type=click.Path(path_type=Path),
    help="Folder of site profiles [default: the bundled crawler/sites].",
)
def schedule_command(db: str | None, profiles_dir: Path | None) -> None:
    """Run the crawls the site profiles schedule (cron lines), until SIGTERM or Ctrl-C.

    Each crawl runs in its own process; a site is never crawled twice at once; missed runs
    coalesce into one; on SIGTERM the running crawl finishes its batch first.
    """
    from .profiles import SITES_DIR, ProfileError, iter_profiles, load_profile
    from .schedule import CrawlScheduler

    directory = profiles_dir or SITES_DIR
    if not directory.is_dir():
        raise InputError(f"{directory}: no such folder of site profiles")
    try:
        profiles = [load_profile(path) for path in iter_profiles(directory)]
    except ProfileError as error:
        raise InputError(str(error)) from None
    scheduled = [p for p in profiles if p.schedule]
    if not scheduled:
        raise InputError(f"{directory}: no profile has a schedule")
    db_url = _archive_url(db)
    lock_dir = _lock_folder(db_url)
    for profile in scheduled:
        click.echo(f"{profile.name}: {profile.schedule} ({profile.timezone})", err=True)
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    CrawlScheduler(scheduled, db_url, lock_dir).run()
    click.echo("scheduler stopped", err=True)


def _lock_folder(db_url: str) -> Path:
    """Site locks live beside the SQLite archive (else in data/locks)."""
    if db_url.startswith("sqlite:///"):
        return Path(db_url.removeprefix("sqlite:///")).parent / "locks"
    return Path("data") / "locks"


def _date(value: str, option: str) -> str:
    """A YYYY-MM-DD date as the ISO time stamp the archive compares with."""
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"{option} {value}: not a date (YYYY-MM-DD)") from None


def _profile(site: str | None) -> Any:
    from .profiles import ProfileError, find_profile

    if site is None:
        return None
    try:
        return find_profile(site)
    except ProfileError as error:
        raise InputError(str(error)) from None


def _start_url(url: str) -> str:
    from .spiders.reports import StartURLError, check_start_url

    try:
        return check_start_url(url)
    except StartURLError as error:
        raise InputError(str(error)) from None


def _archive_url(db: str | None, *, must_exist: bool = False) -> str:
    """The archive's URL, checked: it opens, and it is an archive (created when missing)."""
    from .archive import ArchiveError, database_url, open_archive

    try:
        url = database_url(db)
        if must_exist and url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                raise InputError(f"{db or path}: no such archive")
        open_archive(url).close()
    except ArchiveError as error:
        raise InputError(str(error)) from None
    return url


def _writable_folder(path: Path, option: str) -> Path:
    """A folder the crawl can write in, created when missing, or a one-line error."""
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path}: not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{option} {path}: cannot create ({error.strerror})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(f"{option} {path}: not writable")
    return path


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"{pair}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


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
    main(prog_name="report-archiver")
