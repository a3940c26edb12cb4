"""Bytes to text for pages whose declared charset is often missing or wrong.

Old report sites declare gb2312 over GBK bytes, utf-8 over GBK bytes, or gb2312 over UTF-8
bytes. A declaration is therefore only a hint: valid UTF-8 wins (GBK text is almost never
valid UTF-8, while UTF-8 text often decodes as GBK mojibake), then the declarations in order,
then GB18030, then beautifulsoup4's detector for the rest of the world's encodings.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from bs4.dammit import EncodingDetector, UnicodeDammit

# The Chinese legacy charsets are subsets of GB18030: decoding as the superset never loses.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "hz-gb-2312": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalise_charset(name: str | None) -> str | None:
    """A charset label as Python knows it, legacy Chinese labels widened to gb18030."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        python_name = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(python_name, python_name)


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type" and value:
            match = _HEADER_CHARSET.search(value)
            return normalise_charset(match.group(1)) if match else None
    return None


def declared_charset(body: bytes) -> str | None:
    """The charset the document declares (meta charset, http-equiv, XML declaration)."""
    return normalise_charset(EncodingDetector.find_declared_encoding(body[:4096], is_html=True))


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _strict_allowing_cut_tail(body: bytes, encoding: str) -> tuple[str, bool] | None:
    """Strict decoding that tolerates a multibyte character cut off by a truncated download.

    The flag says whether every byte decoded (nothing was cut).
    """
    for cut in range(4):
        text = _strict(body[: len(body) - cut] if cut else body, encoding)
        if text is not None:
            return text, cut == 0
    return None


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The page's text and the encoding that produced it; never contains U+FFFD.

    The encoding is the one every byte decoded in, except when the bytes were damaged and
    some were dropped, which `decodes_exactly` tells.
    """
    text, encoding, _ = decode_checked(body, headers)
    return text, encoding


def decode_checked(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str, bool]:
    """decode_html, plus whether every byte decoded strictly in that encoding.

    The parser can then be handed the raw bytes without a second decoding to check them.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(encoding, errors="replace").replace("\ufffd", "")
            return text, encoding, False
    # Valid UTF-8 first: it is the only reliable signal when declarations lie.
    strict = _strict_allowing_cut_tail(body, "utf-8")
    if strict is not None:
        return strict[0], "utf-8", strict[1]
    declared = [header_charset(headers), declared_charset(body)]
    # Servers default to ISO-8859-1 whatever the bytes: for a Chinese site GB18030 is likelier.
    candidates = [e for e in declared if e != "cp1252"] + ["gb18030"]
    candidates += [e for e in declared if e == "cp1252"]
    tried = {"utf-8"}
    for candidate in candidates:
        if candidate and candidate not in tried:
            tried.add(candidate)
            strict = _strict_allowing_cut_tail(body, candidate)
            if strict is not None:
                return strict[0], candidate, strict[1]
    # A few damaged bytes in a GB page: keep every character that decodes.
    lenient = body.decode("gb18030", errors="replace")
    if lenient.count("\ufffd") * 100 < len(lenient):
        return lenient.replace("\ufffd", ""), "gb18030", False
    dammit = UnicodeDammit(body, is_html=True)
    if dammit.unicode_markup is not None and dammit.original_encoding:
        text = dammit.unicode_markup.replace("\ufffd", "")
        return text, str(dammit.original_encoding), False
    return lenient.replace("\ufffd", ""), "gb18030", False


def decodes_exactly(body: bytes, text: str, encoding: str) -> bool:
    """Whether the raw bytes can go to the parser as they are, declared as encoding."""
    return (
        encoding in ("utf-8", "gb18030")
        and not body.startswith(codecs.BOM_UTF8)
        and (len(text) * 4 >= len(body) and _strict(body, encoding) is not None)
    )
