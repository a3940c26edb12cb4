"""Site profiles are data: valid ones load, bad ones are refused with file, key and reason."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from crawler.profiles import ProfileError, find_profile, iter_profiles, load_profile


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bundled_profile_is_valid() -> None:
    names = [load_profile(path).name for path in iter_profiles()]
    assert "demo" in names


def test_a_profile_narrows_and_overrides(tmp_path: Path) -> None:
    profile = load_profile(
        write(
            tmp_path,
            'name = "ex"\nstart_urls = ["https://www.example.cn/a/"]\n'
            "article_patterns = ['/\\d+\\.html$']\nrefresh_after = \"12h\"\n"
            'timezone = "Asia/Taipei"\n[selectors]\nbody = "//div[@id=\'text\']"\n',
        )
    )
    assert profile.allowed_domains == ("www.example.cn",)
    assert profile.refresh_after == timedelta(hours=12)
    assert profile.wants("https://www.example.cn/a/123.html")
    assert not profile.wants("https://www.example.cn/about/")
    assert profile.rules.xpaths == {"body": "//div[@id='text']"}


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('name = "ex"\n', "start_urls", "required"),
        ('name = "Ex Site"\nstart_urls = ["http://a.cn/"]\n', "name", "lower-case"),
        ('name = "ex"\nstart_urls = ["ftp://a.cn/"]\n', "start_urls", "not an http(s) URL"),
        (
            'name = "ex"\nstart_urls = ["http://a.cn/"]\nlist_patterns = ["("]\n',
            "list_patterns",
            "bad regular expression",
        ),
        (
            'name = "ex"\nstart_urls = ["http://a.cn/"]\ntimezone = "Mars/Base"\n',
            "timezone",
            "unknown time zone",
        ),
        (
            'name = "ex"\nstart_urls = ["http://a.cn/"]\nschedule = "often"\n',
            "schedule",
            "cron line",
        ),
        (
            'name = "ex"\nstart_urls = ["http://a.cn/"]\nrefresh_after = "soon"\n',
            "refresh_after",
            "duration",
        ),
        (
            'name = "ex"\nstart_urls = ["http://a.cn/"]\n[selectors]\nbody = "//div["\n',
            "selectors.body",
            "bad XPath",
        ),
        (
            'name = "ex"\nstart_urls = ["http://a.cn/"]\n[selectors]\nprice = "//b"\n',
            "selectors.price",
            "not an overridable field",
        ),
        ('name = "ex"\nstart_urls = ["http://a.cn/"]\nexec = "rm -rf /"\n', "exec", "unknown key"),
    ],
)
def test_a_bad_profile_names_file_key_and_problem(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    message = str(error.value)
    assert message.startswith(f"{path}: key '{key}': ")
    assert problem in message


def test_broken_toml_and_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(write(tmp_path, "name = \n"))
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "missing.toml")
    with pytest.raises(ProfileError, match="no such site profile"):
        find_profile("missing")
