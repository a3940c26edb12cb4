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


# The demo profile's port (crawler/sites/demo.toml).
DEMO_PORT = 8765


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="report-archiver")
def main() -> None:
    """Scrape report sites (工作报告, 心得体会, 演讲稿, 论文) into a clean, searchable archive."""


@main.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--url",
    "urls",
    multiple=True,
    help="URL of a page, once per FILE in order. Later pages without one take the links of "
    "the first page's pager, else their file:// URL (default for all: file:// URLs).",
)
def extract_command(files: tuple[Path, ...], urls: tuple[str, ...]) -> None:
    """Print the record of one article as JSON; FILES are its pages, in order."""
    from pipelines.normalize import normalize_record

    from .extract import ExtractError, continuation_urls, extract_article

    if len(urls) > len(files):
        raise InputError(f"{len(urls)} --url given for {len(files)} FILE(s): one per FILE at most")
    bodies = [_read_page(path) for path in files]
    page_urls = [_start_url(url) for url in urls] or [files[0].resolve().as_uri()]
    pager = continuation_urls(bodies[0], page_urls[0]) if len(files) > len(page_urls) else []
    for number in range(len(page_urls), len(files)):
        known = pager[number - 1] if number - 1 < len(pager) else None
        page_urls.append(known or files[number].resolve().as_uri())
    pages = list(zip(page_urls, bodies, strict=True))
    try:
        report = extract_article(pages)
    except ExtractError as error:
        raise InputError(str(error)) from None
    record = report.to_dict()
    # The hash the archive would keep for this record (fetched_at stays null: nothing was
    # fetched).
    record["content_hash"] = normalize_record(record)["content_hash"]
    json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


# crawl and worker both take Scrapy settings from the command line.
_scrapy_settings_option = click.option(
    "-s",
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting (repeatable).",
)


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
    "--frontier",
    envvar="REDIS_URL",
    metavar="redis://HOST:PORT/N",
    help="Share the crawl through this Redis frontier with `report-archiver worker` "
    "processes; this one seeds it and works too [default: $REDIS_URL, else no frontier].",
)
@click.option(
    "--crawl-name",
    help="With --frontier: the shared crawl's name [default: the site profile, else the first "
    "URL's host:port].",
)
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="With --frontier: stop once the frontier has been empty this many seconds.",
)
@_scrapy_settings_option
def crawl_command(
    urls: tuple[str, ...],
    site: str | None,
    db: str | None,
    max_pages: int | None,
    refresh: bool,
    warc_dir: Path | None,
    jobdir: Path | None,
    frontier: str | None,
    crawl_name: str | None,
    idle_exit: float,
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
    overrides: dict[str, Any] = _settings(settings)
    if frontier and jobdir is not None:
        raise InputError("--jobdir and --frontier: a shared crawl keeps its queue in Redis")
    # (Every folder is checked before the archive is created: a failed check leaves nothing.)
    if warc_dir is not None:
        overrides["WARC_DIR"] = str(_writable_folder(warc_dir, "--warc-dir"))
    job_folder = _writable_folder(jobdir, "--jobdir") if jobdir is not None else None
    db_url = _archive_url(db)
    if frontier:
        from .frontier import CrawlConfig, FrontierError, seed
        from .frontier import crawl_name as default_name

        try:
            url, server = _frontier(frontier)
            config = CrawlConfig(
                name=_crawl_name(crawl_name) if crawl_name else default_name(start_urls, site),
                start_urls=tuple(start_urls),
                site=site,
                refresh=refresh,
                max_pages=max_pages,
            )
            if seed(server, config):
                click.echo(f"frontier: crawl {config.name} had finished; started afresh", err=True)
        except FrontierError as error:
            raise InputError(str(error)) from None
        overrides.update(_frontier_settings(url, config.name, idle_exit, overrides, seeding=True))
        click.echo(f"frontier: seeding crawl {config.name} on {url}", err=True)
    summary = run_crawl(
        start_urls,
        db_url=db_url,
        site=site,
        max_pages=max_pages,
        refresh=refresh,
        overrides=overrides,
        jobdir=job_folder,
    )
    for line in summary.lines():
        click.echo(line)
    if summary.storage_error:
        raise click.ClickException(summary.storage_error)
    if summary.responses == 0 and summary.finish_reason != "shutdown":
        targets = ", ".join(start_urls or (profile.start_urls if profile else []))
        raise click.ClickException(f"{targets}: unreachable, nothing was fetched")


@main.command("worker")
@click.option(
    "--frontier",
    envvar="REDIS_URL",
    metavar="redis://HOST:PORT/N",
    help="The Redis frontier a `crawl --frontier` seeds [default: $REDIS_URL].",
)
@click.option(
    "--db",
    "db",
    help="Archive database, shared by the workers: a PostgreSQL URL "
    "[default: $ARCHIVE_DB_URL or data/archive.sqlite].",
)
@click.option(
    "--crawl-name",
    help="The crawl to join [default: the only one on the frontier].",
)
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    help="Stop once the frontier has been empty this many seconds [default: wait for ever].",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    help="How long to wait for a crawl to be seeded on the frontier [default: for ever].",
)
@click.option(
    "--warc-dir",
    type=click.Path(path_type=Path),
    help="Where to write this worker's WARC files [default: warc/ beside the SQLite file, "
    "else data/warc].",
)
@_scrapy_settings_option
def worker_command(
    frontier: str | None,
    db: str | None,
    crawl_name: str | None,
    idle_exit: float | None,
    wait: float | None,
    warc_dir: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Work on a crawl shared through a Redis frontier, until stopped (or --idle-exit).

    Start any number, on any machines, with the same --frontier and --db; the crawl's
    start URLs, site profile and page limit come from the frontier.
    """
    from .frontier import FrontierError, find_crawl
    from .run import run_crawl

    db_url = _archive_url(db)
    overrides: dict[str, Any] = _settings(settings)
    if warc_dir is not None:
        overrides["WARC_DIR"] = str(_writable_folder(warc_dir, "--warc-dir"))
    try:
        url, server = _frontier(frontier)
        name = _crawl_name(crawl_name) if crawl_name else None
        config = find_crawl(server, name, wait=wait)
    except FrontierError as error:
        raise InputError(str(error)) from None
    overrides.update(_frontier_settings(url, config.name, idle_exit, overrides))
    click.echo(f"worker {overrides['ARCHIVE_WORKER']}: crawl {config.name} on {url}", err=True)
    summary = run_crawl(
        list(config.start_urls),
        db_url=db_url,
        site=config.site,
        max_pages=config.max_pages,
        refresh=config.refresh,
        overrides=overrides,
    )
    for line in summary.lines():
        click.echo(line)
    if summary.storage_error:
        raise click.ClickException(summary.storage_error)


def _frontier(value: str | None) -> tuple[str, Any]:
    """The checked frontier URL and a connected Redis client (FrontierError otherwise)."""
    from .frontier import connect, frontier_url

    url = frontier_url(value)
    return url, connect(url)


def _crawl_name(value: str) -> str:
    from .frontier import FrontierError, checked_name

    try:
        return checked_name(value)
    except FrontierError as error:
        raise InputError(str(error)) from None


def _frontier_settings(
    url: str,
    crawl: str,
    idle_exit: float | None,
    overrides: dict[str, Any],
    *,
    seeding: bool = False,
) -> dict[str, Any]:
    from .frontier import frontier_settings
    from .middlewares import worker_name
    from .run import project_settings

    worker = worker_name(project_settings(overrides))
    return frontier_settings(url, crawl, worker=worker, idle_exit=idle_exit, seeding=seeding)


@main.command("serve")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
def serve_command(directory: Path, port: int) -> None:
    """Replay a saved site (such as data/demo-site) on 127.0.0.1, bytes and headers as saved.

    A file saved under its path and query (ShowInfo.php?id=8&page=1) answers that query; any
    other query gets the file of the path alone."""
    from .serve import serve

    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    try:
        serve(directory, port)
    except OSError as error:
        raise InputError(f"port {port}: cannot listen ({error.strerror})") from None
    except ValueError as error:  # a broken headers.json, named in the message
        raise InputError(str(error)) from None


@main.command("sites")
@click.option(
    "--profiles",
    "profiles_dir",
    type=click.Path(path_type=Path),
    help="Folder of site profiles [default: the bundled crawler/sites].",
)
def sites_command(profiles_dir: Path | None) -> None:
    """List the site profiles (crawler/sites/*.toml, or --profiles DIR) and whether each is
    valid."""
    from .profiles import SITES_DIR, ProfileError, iter_profiles, load_profile

    if profiles_dir is not None and not profiles_dir.is_dir():
        raise InputError(f"--profiles {profiles_dir}: no such folder")
    for path in iter_profiles(profiles_dir or SITES_DIR):
        try:
            profile = load_profile(path)
        except ProfileError as error:
            click.echo(f"{path.stem}\tINVALID\t{error}")
            continue
        schedule = profile.schedule or "-"
        click.echo(
            f"{profile.name}\t{profile.title or '-'}\t{schedule}\t{' '.join(profile.start_urls)}"
        )


_DB_HELP = (
    "Archive database: SQLite path or SQLAlchemy URL "
    "[default: $ARCHIVE_DB_URL or data/archive.sqlite]."
)


@main.command("export")
@click.option("--db", "db", help=_DB_HELP)
@click.option(
    "--format",
    "fmt",
    default="jsonl",
    show_default=True,
    metavar="json|jsonl|csv",
    help="json: one array; jsonl: one record a line; csv: a spreadsheet (see README).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write, whole or not at all ('-' or none: stdout).",
)
@click.option("--site", help="Only articles of this site (its name as stored).")
@click.option("--category", help="Only articles of this category (as stored).")
@click.option(
    "--since", metavar="DATE", help="Only articles published on or after DATE (YYYY-MM-DD)."
)
@click.option(
    "--until", metavar="DATE", help="Only articles published on or before DATE (YYYY-MM-DD)."
)
@click.option(
    "--fields",
    metavar="a,b,c",
    help="Fields in this order: record fields or credits.author, credits.author_unit, "
    "credits.editor, credits.source [default: all].",
)
@click.option("--no-bom", is_flag=True, help="CSV without the UTF-8 byte order mark.")
def export_command(
    db: str | None,
    fmt: str,
    output: Path | None,
    site: str | None,
    category: str | None,
    since: str | None,
    until: str | None,
    fields: str | None,
    no_bom: bool,
) -> None:
    """Export the archive's current records as JSON, JSON lines or CSV.

    Streams record by record; a file given with -o appears whole or not at all. Articles
    without a publication date are left out when --since or --until is given.
    """
    from .archive import ArchiveError, open_archive
    from .export import FORMATS, ExportError, atomic_output, parse_fields, write_records

    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: unknown format (one of {', '.join(FORMATS)})")
    try:
        columns = parse_fields(fields)
    except ExportError as error:
        raise InputError(str(error)) from None
    since_day = _date(since, "--since") if since else None
    until_day = _date(until, "--until") if until else None
    if output is not None and str(output) == "-":
        output = None  # -o -: stdout, as other tools read it
    if output is not None and output.is_dir():
        raise InputError(f"{output}: is a directory")
    db_url = _archive_url(db, must_exist=True)
    try:
        with open_archive(db_url) as archive, atomic_output(output) as stream:
            records = archive.iter_records(
                site=site, category=category, published_from=since_day, published_until=until_day
            )
            count = write_records(records, stream, fmt, columns, bom=not no_bom)
    except (ArchiveError, ExportError) as error:
        raise InputError(str(error)) from None
    except BrokenPipeError:
        if output is not None:
            raise InputError(f"{output}: cannot write (broken pipe)") from None
        # The reader went away (`| head`): stop quietly, as other filters do, and keep
        # Python from complaining when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as error:
        raise InputError(f"{output or 'stdout'}: cannot write ({error.strerror})") from None
    if output is not None:
        click.echo(f"{count} records -> {output}", err=True)


@main.command("search")
@click.argument("query")
@click.option("--db", "db", help=_DB_HELP)
@click.option("--site", help="Only articles of this site (its name as stored).")
@click.option(
    "--limit", default="20", show_default=True, metavar="N", help="How many results at most."
)
@click.option("--format", "fmt", default="table", show_default=True, metavar="table|json")
def search_command(query: str, db: str | None, site: str | None, limit: str, fmt: str) -> None:
    """Full-text search of titles, abstracts, keywords and bodies, best match first.

    Words separated by spaces must all occur (AND); "quoted words" must occur as a phrase.
    Chinese needs no spaces: 群众路线 finds those four characters side by side.
    """
    from .archive import ArchiveError, open_archive

    if not query.strip():
        raise InputError("search query is empty")
    if fmt not in ("table", "json"):
        raise InputError(f"--format {fmt}: unknown format (one of table, json)")
    if not limit.isdigit() or int(limit) < 1:
        raise InputError(f"--limit {limit}: not a positive whole number")
    db_url = _archive_url(db, must_exist=True)
    try:
        with open_archive(db_url) as archive:
            hits = archive.search(query, site=site, limit=int(limit))
    except ArchiveError as error:
        raise InputError(str(error)) from None
    if fmt == "json":
        click.echo(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    for number, hit in enumerate(hits, 1):
        day = (hit.published_at or "")[:10] or "-"
        click.echo(f"{number}. {hit.title or '(no title)'}  [{hit.site or '-'} {day}]")
        click.echo(f"   {hit.url}")
        click.echo(f"   {hit.snippet}")
    shown = f"{len(hits)} result{'s' if len(hits) != 1 else ''} for {query}"
    if len(hits) == int(limit):
        shown += f" (the best {limit}; --limit N for more)"
    click.echo(shown, err=True)


@main.command("stats")
@click.option("--db", "db", help=_DB_HELP)
@click.option(
    "--runs", default="10", show_default=True, metavar="N", help="How many recent crawl runs."
)
@click.option("--format", "fmt", default="table", show_default=True, metavar="table|json")
def stats_command(db: str | None, runs: str, fmt: str) -> None:
    """Per site: articles, versions, last crawl, failures by stage; then the last crawl runs."""
    from .archive import ArchiveError, open_archive

    if fmt not in ("table", "json"):
        raise InputError(f"--format {fmt}: unknown format (one of table, json)")
    if not runs.isdigit():
        raise InputError(f"--runs {runs}: expected a count of runs (0 or more)")
    db_url = _archive_url(db, must_exist=True)
    try:
        with open_archive(db_url) as archive:
            stats = archive.stats(runs=int(runs))
    except ArchiveError as error:
        raise InputError(str(error)) from None
    if fmt == "json":
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    for line in _stats_table(stats):
        click.echo(line)


def _stats_table(stats: dict[str, Any]) -> list[str]:
    """The stats as two aligned tables: sites, then crawl runs."""
    from .archive import FAILURE_STAGES

    sites = [["site", "articles", "gone", "versions", "last_crawl", *FAILURE_STAGES]]
    for site in stats["sites"]:
        failures = [str(site["failures"].get(stage, 0)) for stage in FAILURE_STAGES]
        sites.append(
            [
                site["site"],
                str(site["articles"]),
                str(site["gone"]),
                str(site["versions"]),
                site["last_crawl"] or "-",
                *failures,
            ]
        )
    runs = [["run", "started", "duration", "pages", "articles", "failures", "finish_reason"]]
    for run in stats["runs"]:
        runs.append(
            [
                str(run["id"]),
                run["started_at"],
                "-" if run["duration_s"] is None else f"{run['duration_s']:.0f}s",
                str(run["pages"]),
                "-" if run["articles"] is None else str(run["articles"]),
                str(run["failures"]),
                run["finish_reason"] or "unfinished",
            ]
        )
    return [*_aligned(sites), "", *_aligned(runs)]


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows padded into columns; CJK characters count as two columns wide."""
    import unicodedata

    def width(cell: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in cell)

    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (size - width(cell)) for cell, size in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


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
    """Serve the bundled demo site, crawl it, export it, summarise.

    The site is served on port 8765 (the demo profile's) when it is free, so that a second
    demo is a repeat crawl of the same URLs; else on any free port."""
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
    try:
        replay = ReplayServer(directory, port=DEMO_PORT)
    except OSError:  # taken: any port will do, though the archive's URLs then differ
        replay = ReplayServer(directory)
    with replay as server:
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
    from .reparse import reparse_archive, warc_files_found
    from .run import project_settings

    db_url = _archive_url(db, must_exist=True)
    since_iso = _date(since, "--since") if since else None
    directory = warc_dir or warc_directory(project_settings({"ARCHIVE_DB_URL": db_url}))
    if not directory.is_dir():
        raise InputError(f"{directory}: no such WARC folder")
    try:
        with open_archive(db_url) as archive:
            found, named = warc_files_found(archive, directory)
            if named and not found:
                raise InputError(
                    f"{directory}: holds none of the {named} WARC files the archive's pages "
                    "are in (give the crawl's --warc-dir)"
                )
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
    """An http(s) URL a crawl can start at (or a saved page came from), or a one-line error."""
    from .spiders.reports import StartURLError, check_start_url

    try:
        return check_start_url(url)
    except StartURLError as error:
        raise InputError(str(error)) from None


def _archive_url(db: str | None, *, must_exist: bool = False) -> str:
    """The archive's URL, checked: it opens, and it is an archive (created when missing,
    unless ``must_exist``: then a path that is not an archive is reported and left alone)."""
    from .archive import ArchiveError, database_url, existing_archive_url, in_memory, open_archive

    try:
        url = existing_archive_url(db) if must_exist else database_url(db)
        if in_memory(url):
            raise ArchiveError(f"--db {db}: an in-memory database keeps nothing; give a file")
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
    """-s NAME=VALUE pairs, each value checked against the kind of its Scrapy default (a
    number where Scrapy reads a number), so that a typo is a one-line error, not a crash."""
    from scrapy.settings import default_settings

    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"{pair}: expected NAME=VALUE")
        default = getattr(default_settings, name, None)
        kind = type(default)
        try:
            if kind is bool:
                if value.strip().lower() not in _BOOLEANS:
                    raise ValueError(value)
            elif kind in (int, float):
                float(value)  # (DOWNLOAD_DELAY's default is 0, yet it takes 0.5)
        except ValueError:
            expected = "true or false" if kind is bool else "a number"
            raise InputError(f"-s {pair}: {name} takes {expected}") from None
        values[name] = value
    return values


# How Scrapy's Settings.getbool reads a flag.
_BOOLEANS = frozenset(("0", "1", "true", "false"))


def _read_page(path: Path) -> bytes:
    """The bytes of a saved page, or a one-line error saying what is wrong with the file."""
    from .extract.decode import not_a_page

    if path.exists() and not path.is_file() and not path.is_dir():
        raise InputError(f"{path}: not a regular file")  # a FIFO would block the read
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a saved page") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    problem = not_a_page(body)
    if problem is not None:
        raise InputError(f"{path}: {_FILE_PROBLEMS[problem]}")
    return body


# What the extract command says of a file that is no saved page (extract.decode.not_a_page).
_FILE_PROBLEMS = {
    "empty": "empty file",
    "binary": "binary file, not an HTML page",
    "no markup": "not an HTML page (no markup)",
}


if __name__ == "__main__":
    main(prog_name="report-archiver")
