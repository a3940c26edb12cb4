"""Full-text search: one index row per article, written in ``Archive.save_article``'s transaction.

Chinese is written without spaces, so the index cannot rely on word boundaries. A word
segmenter (jieba) guesses words from a dictionary and misses those it does not know (names,
new terms); trigrams miss two-character words. Instead the indexed text is *folded*: every
CJK character becomes a token of its own, every other run of letters and digits a word, and
punctuation a separator. A query word is folded the same way, so 群众路线 becomes the phrase
``"群 众 路 线"``, which matches exactly where those four characters stand side by side: any
length of two characters or more, with no dictionary and no dependency.

SQLite keeps the folded text in an FTS5 table (``unicode61`` tokenizer, ranked by bm25);
PostgreSQL keeps it in a plain table with a ``tsvector`` of the same tokens (GIN-indexed, to
find candidates and rank them) and checks phrases by substring on the folded text, which has
no position limit. Both tables are named ``articles_fts`` and keyed by ``articles.id``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from crawler.archive.errors import ArchiveError

TABLE = "articles_fts"
# Weights of title, abstract, keywords, body in the ranking (bm25 on SQLite).
_WEIGHTS = (10.0, 4.0, 4.0, 1.0)
# Separates fields in PostgreSQL's folded document, so a phrase never spans two fields.
_FIELD_SEPARATOR = " | "

# Scripts written without spaces between words: Han (with extensions and compatibility
# ideographs), kana, bopomofo, Hangul syllables. One character, one token.
_CJK_RANGES = (
    "\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
# A token: one CJK character, or a run of other letters and digits (no underscore).
_TOKEN = re.compile(f"[{_CJK_RANGES}]|[^\\W_{_CJK_RANGES}]+")
_QUERY_PART = re.compile(r'"([^"]*)"|(\S+)')

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} "
    "USING fts5(title, abstract, keywords, body, tokenize='unicode61')"
)
POSTGRESQL_DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
    " document TEXT NOT NULL,"
    " terms TSVECTOR NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_terms ON {TABLE} USING GIN (terms)",
)


def fold(value: str) -> str:
    """The indexed form of a text: NFKC, lower case, one token per CJK character,
    punctuation and spaces reduced to single spaces."""
    return " ".join(_TOKEN.findall(unicodedata.normalize("NFKC", value).lower()))


def parse_query(query: str) -> list[list[str]]:
    """The query's terms, each a list of tokens that must stand side by side.

    Parts are separated by spaces and all must match (AND); a ``"quoted part"`` is one
    phrase even when it holds spaces. A part that folds to nothing (pure punctuation)
    is dropped.
    """
    terms = []
    for match in _QUERY_PART.finditer(query):
        part = match.group(1) if match.group(1) is not None else match.group(2)
        tokens = fold(part).split()
        if tokens:
            terms.append(tokens)
    return terms


@dataclass(frozen=True)
class SearchHit:
    """One ranked result; ``snippet`` marks the hits with ``**``."""

    title: str | None
    site: str | None
    published_at: str | None
    url: str
    snippet: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- keeping the index -----------------------------------------------------------------


def create(conn: Connection) -> None:
    """Create the search table (idempotent)."""
    if conn.dialect.name == "sqlite":
        try:
            conn.exec_driver_sql(SQLITE_DDL)
        except OperationalError as exc:  # an SQLite built without FTS5
            raise ArchiveError(f"this SQLite has no FTS5 full-text module: {exc}") from None
    else:
        for statement in POSTGRESQL_DDL:
            conn.exec_driver_sql(statement)


def _fields(record: Mapping[str, Any]) -> tuple[str, str, str, str]:
    keywords = record.get("keywords") or []
    return (
        fold(str(record.get("title") or "")),
        fold(str(record.get("abstract") or "")),
        fold(" ".join(str(k) for k in keywords) if isinstance(keywords, list) else str(keywords)),
        fold(str(record.get("body") or "")),
    )


# Built once: a crawl indexes thousands of articles.
_SQLITE_DELETE = text(f"DELETE FROM {TABLE} WHERE rowid = :id")
_SQLITE_INSERT = text(
    f"INSERT INTO {TABLE} (rowid, title, abstract, keywords, body) "
    "VALUES (:id, :title, :abstract, :keywords, :body)"
)
_POSTGRESQL_UPSERT = text(
    f"INSERT INTO {TABLE} (article_id, document, terms) VALUES (:id, :document, "
    "setweight(to_tsvector('simple', :title), 'A') || "
    "setweight(to_tsvector('simple', :summary), 'B') || "
    "to_tsvector('simple', :body)) "
    "ON CONFLICT (article_id) DO UPDATE SET document = excluded.document, "
    "terms = excluded.terms"
)


def index(conn: Connection, article_id: int, record: Mapping[str, Any]) -> None:
    """Put (or replace) one article's current record in the index."""
    title, abstract, keywords, body = _fields(record)
    if conn.dialect.name == "sqlite":
        conn.execute(_SQLITE_DELETE, {"id": article_id})
        conn.execute(
            _SQLITE_INSERT,
            {
                "id": article_id,
                "title": title,
                "abstract": abstract,
                "keywords": keywords,
                "body": body,
            },
        )
        return
    document = _FIELD_SEPARATOR.join((title, abstract, keywords, body))
    conn.execute(
        _POSTGRESQL_UPSERT,
        {
            "id": article_id,
            "document": f" {document} ",
            "title": title,
            "summary": f"{abstract} {keywords}",
            "body": body,
        },
    )


def backfill(conn: Connection, batch_size: int = 500) -> int:
    """Index every article of an archive made before the index existed; returns how many."""
    count = 0
    last_id = 0
    while True:
        rows = conn.execute(
            text("SELECT id, record FROM articles WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last_id, "n": batch_size},
        ).all()
        if not rows:
            return count
        for article_id, record in rows:
            index(conn, article_id, json.loads(record))
            count += 1
        last_id = rows[-1][0]


# -- querying ---------------------------------------------------------------------------


def search(
    conn: Connection,
    terms: Sequence[Sequence[str]],
    *,
    site: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """The best ``limit`` current articles holding every term, best first."""
    if conn.dialect.name == "sqlite":
        rows = _search_sqlite(conn, terms, site, limit)
    else:
        rows = _search_postgresql(conn, terms, site, limit)
    patterns = [_hit_pattern(term) for term in terms]
    return [
        SearchHit(
            title=title,
            site=row_site,
            published_at=published_at,
            url=url,
            snippet=snippet(json.loads(record), patterns),
            score=round(float(score), 4),
        )
        for title, row_site, published_at, url, record, score in rows
    ]


def _search_sqlite(
    conn: Connection, terms: Sequence[Sequence[str]], site: str | None, limit: int
) -> Sequence[Any]:
    # Tokens are letters and digits only (see fold), so quoting them is all the escaping
    # FTS5 needs; a quoted string of several tokens is a phrase.
    match = " AND ".join('"' + " ".join(term) + '"' for term in terms)
    weights = ", ".join(str(w) for w in _WEIGHTS)
    where = "AND a.site = :site " if site is not None else ""
    sql = (
        f"SELECT a.title, a.site, a.published_at, a.url, a.record, "
        f"-bm25({TABLE}, {weights}) AS score "
        f"FROM {TABLE} JOIN articles a ON a.id = {TABLE}.rowid "
        f"WHERE {TABLE} MATCH :match AND a.status = 'ok' {where}"
        "ORDER BY bm25(" + TABLE + f", {weights}), a.id LIMIT :limit"
    )
    return conn.execute(text(sql), {"match": match, "site": site, "limit": limit}).all()


def _search_postgresql(
    conn: Connection, terms: Sequence[Sequence[str]], site: str | None, limit: int
) -> Sequence[Any]:
    # The tsvector narrows the candidates to documents holding every token (positions are
    # capped at 16383 in a tsvector, so they are not trusted for phrases); the phrase
    # itself is a substring of the space-separated folded document.
    params: dict[str, Any] = {
        "tokens": " ".join(token for term in terms for token in term),
        "site": site,
        "limit": limit,
    }
    phrases = []
    for number, term in enumerate(terms):
        params[f"p{number}"] = f" {' '.join(term)} "
        phrases.append(f"AND strpos(f.document, :p{number}) > 0 ")
    where = "AND a.site = :site " if site is not None else ""
    sql = (
        "SELECT a.title, a.site, a.published_at, a.url, a.record, "
        "ts_rank(f.terms, q.query) AS score "
        f"FROM {TABLE} f JOIN articles a ON a.id = f.article_id, "
        "plainto_tsquery('simple', :tokens) AS q(query) "
        "WHERE f.terms @@ q.query AND a.status = 'ok' "
        + "".join(phrases)
        + where
        + "ORDER BY score DESC, a.id LIMIT :limit"
    )
    return conn.execute(text(sql), params).all()


# -- snippets ---------------------------------------------------------------------------

SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120


def _hit_pattern(term: Sequence[str]) -> re.Pattern[str]:
    """A term in the original text: its tokens in order, anything but letters between."""
    return re.compile(r"[\W_]*".join(re.escape(token) for token in term), re.IGNORECASE)


def snippet(record: Mapping[str, Any], patterns: Iterable[re.Pattern[str]]) -> str:
    """A one-line excerpt around the first hit in the body (else abstract, keywords,
    title), every hit in it marked ``**like this**``."""
    patterns = list(patterns)
    keywords = record.get("keywords") or []
    fields = [
        str(record.get("body") or ""),
        str(record.get("abstract") or ""),
        "、".join(str(k) for k in keywords) if isinstance(keywords, list) else str(keywords),
        str(record.get("title") or ""),
    ]
    for value in fields:
        first = min((m.start() for p in patterns if (m := p.search(value))), default=None)
        if first is not None:
            return _excerpt(value, max(0, first - SNIPPET_BEFORE), patterns)
    return _excerpt(fields[0] or fields[3], 0, patterns)


def _excerpt(value: str, start: int, patterns: Sequence[re.Pattern[str]]) -> str:
    end = min(len(value), start + SNIPPET_LENGTH)
    window = value[start:end]
    spans = sorted(
        (m.start(), m.end()) for p in patterns for m in p.finditer(window) if m.end() > m.start()
    )
    merged: list[list[int]] = []
    for begin, finish in spans:
        if merged and begin <= merged[-1][1]:  # touches or overlaps the last hit: one mark
            merged[-1][1] = max(merged[-1][1], finish)
        else:
            merged.append([begin, finish])
    out = []
    position = 0
    for begin, finish in merged:
        out.append(window[position:begin])
        out.append(f"**{window[begin:finish]}**")
        position = finish
    out.append(window[position:])
    marked = " ".join("".join(out).split())
    return ("…" if start > 0 else "") + marked + ("…" if end < len(value) else "")
