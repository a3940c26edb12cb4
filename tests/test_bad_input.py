"""Every command, given bad input, ends with one line naming the input and exit status 2.

To cover a new command, add its cases to BAD_INPUT: the last test fails until every
command of `report-archiver` has at least one. Placeholders in the arguments:
{tmp} an empty folder, {file} a plain text file, {page} a saved HTML page, {db} a real
archive, {profiles} a folder with a broken profile, {badheaders} a saved site whose
headers.json is broken, {unscheduled} a folder with a valid
profile and no schedule, {busy} a port something already listens on.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from crawler.archive import open_archive
from crawler.cli import main
from crawler.profiles import SITES_DIR

URL = "http://127.0.0.1:9/"

# (command, arguments, a fragment the one-line error must contain)
BAD_INPUT: list[tuple[str, list[str], str]] = [
    ("extract", ["{tmp}/missing.html"], "no such file"),
    ("extract", ["{tmp}"], "is a directory"),
    ("extract", ["{file}"], "not an HTML page"),
    ("extract", [], "Missing argument"),
    ("extract", ["{page}", "--url", "http://[::1"], "not a URL"),
    ("extract", ["{page}", "--url", "http://example.cn:99999/a.html"], "bad port"),
    ("extract", ["{page}", "--url", "javascript:void(0)"], "not an http(s) URL"),
    ("crawl", ["http://[::1/"], "not a URL"),
    ("crawl", ["ftp://example.cn/"], "not an http(s) URL"),
    ("crawl", ["file:///etc/passwd"], "not an http(s) URL"),
    ("crawl", ["http://"], "no host name"),
    ("crawl", ["http://example.cn:99999/"], "bad port"),
    ("crawl", [], "give at least one URL"),
    ("crawl", ["--site", "no-such-site"], "no such site profile"),
    ("crawl", ["--site", "{profiles}/broken.toml"], "not valid TOML"),
    ("crawl", ["--site", "{tmp}"], "{tmp}"),  # a folder where a profile file should be
    ("crawl", [URL, "--db", "nosuchdialect://x/y"], "nosuchdialect"),
    ("crawl", [URL, "--db", "postgresql+nosuchdriver://u@h/db"], "nosuchdriver"),
    ("crawl", [URL, "--db", "{file}"], "not a database"),
    ("crawl", [URL, "--db", "sqlite://"], "in-memory database"),
    ("crawl", [URL, "--db", "sqlite:///:memory:"], "in-memory database"),
    ("crawl", [URL, "--db", "{file}/a.sqlite"], "{file}"),
    ("crawl", [URL, "--max-pages", "0"], "--max-pages"),
    ("crawl", [URL, "-s", "NOEQUALS"], "expected NAME=VALUE"),
    ("crawl", [URL, "-s", "DOWNLOAD_DELAY=abc"], "DOWNLOAD_DELAY takes a number"),
    ("crawl", [URL, "-s", "CLOSESPIDER_PAGECOUNT=x"], "CLOSESPIDER_PAGECOUNT takes a number"),
    ("crawl", [URL, "-s", "ROBOTSTXT_OBEY=maybe"], "ROBOTSTXT_OBEY takes true or false"),
    ("crawl", [URL, "--jobdir", "{file}"], "not a folder"),
    ("crawl", [URL, "--jobdir", "{file}/sub"], "cannot create"),
    ("crawl", [URL, "--warc-dir", "{file}"], "not a folder"),
    ("crawl", [URL, "--frontier", "http://127.0.0.1:6379/0"], "not a Redis URL"),
    ("crawl", [URL, "--frontier", "redis://127.0.0.1:1/0"], "cannot reach Redis"),
    ("crawl", [URL, "--frontier", "redis://127.0.0.1:1/0", "--jobdir", "{tmp}"], "--jobdir"),
    (
        "worker",
        ["--frontier", "http://127.0.0.1:6379/0", "--db", "{tmp}/w.sqlite"],
        "not a Redis URL",
    ),
    (
        "worker",
        ["--frontier", "redis://127.0.0.1:1/0", "--db", "{tmp}/w.sqlite"],
        "cannot reach Redis",
    ),
    ("worker", ["--frontier", "redis://127.0.0.1:1/0", "--idle-exit", "-1"], "--idle-exit"),
    (
        "worker",
        ["--frontier", "redis://127.0.0.1:1/0", "--db", "nosuchdialect://x/y"],
        "nosuchdialect",
    ),
    ("serve", ["{tmp}/missing"], "no such directory"),
    ("serve", ["{tmp}", "--port", "70000"], "--port"),
    ("serve", ["{tmp}", "--port", "{busy}"], "cannot listen"),
    ("serve", ["{badheaders}", "--port", "0"], "headers.json"),
    ("sites", ["--profiles", "{tmp}/missing"], "no such folder"),
    ("sites", ["extra-argument"], "extra argument"),
    ("export", ["--db", "{tmp}/missing.sqlite"], "no such archive"),
    ("export", ["--db", "{db}", "--format", "xml"], "xml"),
    ("export", ["--db", "{db}", "-o", "{tmp}"], "is a directory"),
    ("export", ["--db", "{db}", "-o", "{file}/out.jsonl"], "cannot write"),
    ("export", ["--db", "{file}"], "not a report-archiver archive"),
    ("export", ["--db", "{db}", "--since", "yesterday"], "not a date"),
    ("export", ["--db", "{db}", "--fields", "nosuch"], "unknown field"),
    ("search", ["--db", "{tmp}/missing.sqlite", "report"], "no such archive"),
    ("search", ["--db", "{db}"], "Missing argument"),
    ("search", ["--db", "{db}", "report", "--limit", "0"], "--limit"),
    ("search", ["--db", "{db}", "report", "--format", "xml"], "xml"),
    ("search", ["--db", "nosuchdialect://x/y", "report"], "nosuchdialect"),
    ("stats", ["--db", "{tmp}/missing.sqlite"], "no such archive"),
    ("stats", ["--db", "{file}"], "not a report-archiver archive"),
    ("stats", ["--db", "{db}", "--runs", "-1"], "--runs"),
    ("demo", ["--site-dir", "{tmp}/missing"], "no such directory"),
    ("demo", ["--db", "nosuchdialect://x/y"], "nosuchdialect"),
    ("reparse", ["--db", "{tmp}/missing.sqlite"], "no such archive"),
    ("reparse", ["--db", "{db}", "--since", "yesterday"], "not a date"),
    ("reparse", ["--db", "{db}", "--warc-dir", "{tmp}/missing"], "no such WARC folder"),
    ("schedule", ["--profiles", "{tmp}/missing"], "no such folder"),
    ("schedule", ["--profiles", "{profiles}"], "not valid TOML"),
    ("schedule", ["--profiles", "{unscheduled}"], "no profile has a schedule"),
    ("schedule", ["--db", "nosuchdialect://x/y"], "nosuchdialect"),
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    base = tmp_path_factory.mktemp("bad-input")
    tmp = base / "empty"
    tmp.mkdir()
    text = base / "notes.txt"
    text.write_text("just some words, no markup at all\n", encoding="utf-8")
    badheaders = base / "badheaders"
    (badheaders / "site").mkdir(parents=True)
    (badheaders / "site" / "index.html").write_text("<p>hi</p>", encoding="utf-8")
    (badheaders / "headers.json").write_text("{bad", encoding="utf-8")
    page = base / "page.html"
    page.write_text("<html><body><h1>工作报告</h1><p>正文。</p></body></html>", encoding="utf-8")
    profiles = base / "profiles"
    profiles.mkdir()
    (profiles / "broken.toml").write_text("name = [unclosed\n", encoding="utf-8")
    unscheduled = base / "unscheduled"
    unscheduled.mkdir()
    demo = (SITES_DIR / "demo.toml").read_text(encoding="utf-8")
    kept = [line for line in demo.splitlines() if not line.startswith("schedule")]
    (unscheduled / "demo.toml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    db = base / "archive.sqlite"
    open_archive(str(db)).close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield {
            "tmp": str(tmp),
            "file": str(text),
            "page": str(page),
            "badheaders": str(badheaders),
            "db": str(db),
            "profiles": str(profiles),
            "unscheduled": str(unscheduled),
            "busy": str(busy.getsockname()[1]),
        }


def expand(text: str, inputs: dict[str, str]) -> str:
    return text.format(**inputs)


def case_id(case: tuple[str, list[str], str]) -> str:
    command, args, _ = case
    return " ".join([command, *args])[:60]


@pytest.mark.parametrize("case", BAD_INPUT, ids=case_id)
def test_bad_input_ends_with_one_line_and_status_2(
    case: tuple[str, list[str], str], inputs: dict[str, str]
) -> None:
    command, args, fragment = case
    argv = [command, *(expand(arg, inputs) for arg in args)]
    result = CliRunner().invoke(main, argv)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (argv, result.output)
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: ")
    assert expand(fragment, inputs) in lines[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_an_unknown_option_is_one_line_too(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--no-such-option"], prog_name="report-archiver")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: report-archiver {command}: No such option '--no-such-option'. "
        f"(see report-archiver {command} --help)"
    ]


def test_every_command_has_bad_input_cases() -> None:
    covered = {command for command, _, _ in BAD_INPUT}
    assert set(main.commands) <= covered, "add bad-input cases for the new commands"


def test_help_still_works() -> None:
    result = CliRunner().invoke(main, ["crawl", "--help"])
    assert result.exit_code == 0
    assert "--jobdir" in result.output


def test_the_extractors_api_names_a_bad_url_and_drops_characters_that_are_none() -> None:
    """extract() given an address that is no URL raises ExtractError naming it (not a bare
    ValueError); character references to no character (&#xD800;, &#0;, &#x110000;), which
    libxml2 writes as U+FFFD, leave no U+FFFD in the record."""
    from crawler.extract import ExtractError, extract

    prose = "我们坚持以人民为中心的发展思想，认真落实各项工作部署，扎实推进重点任务。"
    page = (
        "<html><head><meta charset='utf-8'><title>标题&#xD800;尾_示例网</title></head><body>"
        "<h1>标题&#xD800;尾</h1><div>作者：张&#xD800;三 时间：2024-03-05</div>"
        f"<div><p>第一段&#0;：{prose}</p><p>第二段&#x110000;：{prose}</p></div></body></html>"
    ).encode()
    for url in ("http://a.cn:99999/1.html", "http://[::1/1.html", "http://a.cn:abc/1.html"):
        with pytest.raises(ExtractError, match="not a valid URL"):
            extract(page, url)
    record = extract(page, "http://a.cn/1.html")
    assert (record.title, record.credits.author) == ("标题尾", "张三")
    assert record.body.split("\n\n") == [f"第一段：{prose}", f"第二段：{prose}"]
