"""Bytes to text for pages whose declared charset is often missing or wrong.

Old report sites declare gb2312 over GBK bytes, utf-8 over GBK bytes, or gb2312 over UTF-8
bytes. A declaration is therefore only a hint: valid UTF-8 wins (GBK text is almost never
valid UTF-8, while UTF-8 text often decodes as GBK mojibake), then UTF-8 with a few damaged
bytes, then the declarations in order, then GB18030, then beautifulsoup4's detector for the
rest of the world's encodings.
"""

from __future__ import annotations

import codecs
import logging
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
# How much of a page whose bytes decode in no encoding cleanly the encoding is guessed from.
DETECTION_SAMPLE = 64 * 1024
# UnicodeDammit logs a warning whenever it has to replace bytes; decode_html drops the
# replacement characters itself and reports the encoding it used, so the warning is noise in a
# crawl's log.
logging.getLogger("bs4.dammit").setLevel(logging.ERROR)

# The two byte orders of UTF-16, the only encoding a page is written in whose bytes hold NULs.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The first bytes of the files a link to a page most often turns out to be: PDF, gzip, zip
# (docx, xlsx), PNG, GIF, JPEG, RAR, the old Office formats, 7-Zip.
BINARY_MAGIC = (
    b"%PDF-",
    b"\x1f\x8b",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",
    b"7z\xbc\xaf",
)
# A page with a stray NUL or two is still a page; a file with more in its first 4 KB is not.
_MAX_STRAY_NULS = 8


def not_a_page(body: bytes) -> str | None:
    """Why the bytes are no HTML page ("empty", "binary", "no markup"); None for a page."""
    if not body or body.isspace():  # (strip() would copy the whole page)
        return "empty"
    if body.startswith(BINARY_MAGIC):
        return "binary"
    if body.startswith(UTF16_BOMS):
        return None
    head = body[:4096]
    nuls = head.count(b"\x00")
    if nuls > _MAX_STRAY_NULS or (nuls and b"<" not in head):
        return "binary"
    # Text without a tag, or JSON (whose strings may hold some).
    if b"<" not in head or head.lstrip()[:1] in (b"{", b"["):
        return "no markup"
    return None


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


def _strict_allowing_cut_tail(body: bytes, encoding: str) -> str | None:
    """Strict decoding that tolerates a multibyte character cut off by a truncated download:
    a first error in the last three bytes drops them (what comes before the first error
    decodes), any other error fails at once."""
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        if error.start < len(body) - 3:
            return None
        return _strict(body[: error.start], encoding)
    except LookupError:
        return None


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The page's text and the encoding that produced it; never contains U+FFFD."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(encoding, errors="replace").replace("\ufffd", "")
            return text, encoding
    # Valid UTF-8 first: it is the only reliable signal when declarations lie.
    strict = _strict_allowing_cut_tail(body, "utf-8")
    if strict is not None:
        return strict, "utf-8"
    # UTF-8 with a few damaged bytes still beats any declaration: decoded as GB18030 or as a
    # detector's guess it would come out as mojibake from end to end.
    damaged = _damaged_utf8(body)
    if damaged is not None:
        return damaged, "utf-8"
    declared = [header_charset(headers), declared_charset(body)]
    # Servers default to ISO-8859-1 whatever the bytes: for a Chinese site GB18030 is likelier.
    candidates = [e for e in declared if e != "cp1252"] + ["gb18030"]
    candidates += [e for e in declared if e == "cp1252"]
    tried = {"utf-8"}
    for candidate in candidates:
        if candidate and candidate not in tried:
            tried.add(candidate)
            strict = _strict_allowing_cut_tail(body, candidate)
            if strict is not None and not any(declared) and _misread_big5(strict):
                # Undeclared Big5 decodes as GB18030 too, into kana, Greek and private-use
                # characters: Big5's most common characters are on GB2312's rows of those.
                big5 = _strict_allowing_cut_tail(body, "big5hkscs")
                if big5 is not None:
                    return big5, "big5hkscs"
            if strict is not None:
                return strict, candidate
    # A few damaged bytes in a GB page: keep every character that decodes.
    lenient = body.decode("gb18030", errors="replace")
    if lenient.count("\ufffd") * 100 < len(lenient):
        return lenient.replace("\ufffd", ""), "gb18030"
    # (Detection reads a sample: chardet, pure Python, takes seconds a megabyte.)
    dammit = UnicodeDammit(body[:DETECTION_SAMPLE], is_html=True)
    if dammit.unicode_markup is not None and dammit.original_encoding:
        encoding = str(dammit.original_encoding)
        try:
            text = (
                dammit.unicode_markup
                if len(body) <= DETECTION_SAMPLE
                else body.decode(encoding, errors="replace")
            )
        except LookupError:
            return lenient.replace("\ufffd", ""), "gb18030"
        return text.replace("\ufffd", ""), encoding
    return lenient.replace("\ufffd", ""), "gb18030"


# What Big5 bytes read as GB18030 are full of: kana, Greek, Cyrillic, box drawing (GB2312's
# rows A4-A9, where Big5 keeps 一, 人, 的 …) and the private use area (its empty rows AA-AF).
_BIG5_AS_GB = re.compile(r"[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\ue000-\uf8ff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# The share of a text's non-ASCII characters above which it was Big5 misread.
_BIG5_SHARE = 0.1
_BIG5_PROBE = 20_000


def _misread_big5(text: str) -> bool:
    """Whether GB18030 text is Big5 bytes misread (a page that declares no charset)."""
    probe = text[:_BIG5_PROBE]
    odd = len(_BIG5_AS_GB.findall(probe))
    return odd > 0 and odd > _BIG5_SHARE * len(_NON_ASCII.findall(probe))


# The first byte that is not ASCII, where UTF-8 and the legacy encodings start to differ.
_FIRST_NON_ASCII = re.compile(rb"[\x80-\xff]")
# How many bytes from there on must decode as UTF-8 for a page to be taken for UTF-8.
_UTF8_PROBE = 4096


# Bytes read as UTF-8 give a U+FFFD for each bad byte, and save two bytes for each Chinese
# character (three bytes, one character). Damaged UTF-8 has many saved bytes for each U+FFFD;
# legacy bytes fail at nearly every character: GBK text gives about three U+FFFD for each
# byte saved, Latin-1 text one for each accented letter and no byte saved.
_DAMAGE_RATIO = 20  # saved bytes needed for each U+FFFD
# How many bytes from the first non-ASCII one tell damaged UTF-8 from legacy bytes.
_DAMAGE_PROBE = 1024


def _damaged_utf8(body: bytes) -> str | None:
    """The text of a UTF-8 page with a few damaged bytes, the damaged ones dropped; None when
    the bytes are not UTF-8. The first kilobyte from the first non-ASCII byte decides first,
    so a page in a legacy encoding costs one short decode."""
    first = _FIRST_NON_ASCII.search(body)
    if first is None:
        return None
    for chunk in (body[first.start() : first.start() + _DAMAGE_PROBE], body):
        text = chunk.decode("utf-8", errors="replace")
        if text.count("\ufffd") * _DAMAGE_RATIO > len(chunk) - len(text):
            return None
    return text.replace("\ufffd", "")


def looks_utf8(body: bytes) -> bool:
    """Whether a page is worth handing to the parser as UTF-8 bytes before any decoding.

    True for pure ASCII and when the bytes from the first non-ASCII one on decode as UTF-8 for
    a while; GBK and other legacy bytes fail within a few characters, so they never pay for a
    parse that would be thrown away. A page with a BOM takes the decoding path.
    """
    if body.startswith(tuple(bom for bom, _ in _BOMS)):
        return False
    first = _FIRST_NON_ASCII.search(body)
    if first is None:
        return True
    probe = body[first.start() : first.start() + _UTF8_PROBE]
    return _strict_allowing_cut_tail(probe, "utf-8") is not None
