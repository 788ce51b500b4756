"""Full-text product search with typo tolerance, behind one interface for both databases.

- SQLite (embedded default): an FTS5 table ranked with bm25; misspelt words are corrected
  against the index's own vocabulary (fts5vocab) with edit distance (rapidfuzz).
- PostgreSQL: a weighted tsvector with a GIN index ranked with ts_rank_cd; misspelt words
  are corrected against a term table through a pg_trgm similarity index.

Each query word becomes "the word (as a prefix) OR its near spellings", and all words must
match. `match_subquery` returns (product_id, score) rows where a lower score is better,
so the listing can join, filter, sort and paginate in SQL.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.sql import Subquery
from sqlmodel import Session

from shop_core.catalog.models import Product, ProductTag, Variant

MAX_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)

# Search tables live outside SQLModel's metadata: on SQLite the FTS5 virtual table cannot
# be described by it. The migration creates the right shape per database.
search_metadata = MetaData()
pg_product_search = Table(
    "product_search",
    search_metadata,
    Column("product_id", Integer, primary_key=True),
    Column("document", TSVECTOR),
)
pg_search_terms = Table("search_terms", search_metadata, Column("term", Text, primary_key=True))
SEARCH_TABLES = {"product_search", "search_terms", "product_search_vocab"}


def words(text_: str) -> list[str]:
    return _WORD.findall(text_.lower())[:MAX_WORDS]


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# --- indexing ------------------------------------------------------------------------


def _documents(session: Session, product_ids: list[int]) -> list[dict[str, object]]:
    products = session.exec(
        select(Product.id, Product.title, Product.description).where(Product.id.in_(product_ids))
    ).all()
    tags: dict[int, list[str]] = {}
    for pid, tag in session.exec(
        select(ProductTag.product_id, ProductTag.tag).where(ProductTag.product_id.in_(product_ids))
    ).all():
        tags.setdefault(pid, []).append(tag)
    skus: dict[int, list[str]] = {}
    for pid, sku in session.exec(
        select(Variant.product_id, Variant.sku).where(Variant.product_id.in_(product_ids))
    ).all():
        skus.setdefault(pid, []).append(sku)
    return [
        {
            "id": pid,
            "title": title,
            "tags": " ".join(tags.get(pid, [])),
            # "TEE-001-BLK" → "tee 001 blk": PostgreSQL's parser would read "-001" as a number.
            "skus": " ".join(_WORD.findall(" ".join(skus.get(pid, [])).lower())),
            "body": (description or "")[:4000],
        }
        for pid, title, description in products
    ]


def reindex(session: Session, product_ids: Iterable[int]) -> None:
    ids = list(dict.fromkeys(product_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        docs = _documents(session, chunk)
        remove(session, chunk)
        if not docs:
            continue
        if _is_pg(session):
            session.execute(
                text(
                    "INSERT INTO product_search (product_id, document) VALUES (:id, "
                    "setweight(to_tsvector('simple', :title), 'A') || "
                    "setweight(to_tsvector('simple', :skus), 'A') || "
                    "setweight(to_tsvector('simple', :tags), 'B') || "
                    "setweight(to_tsvector('simple', :body), 'C'))"
                ),
                docs,
            )
            vocab = sorted(
                {w for d in docs for f in ("title", "tags", "body") for w in words_all(d[f])}
            )
            session.execute(
                text(
                    "INSERT INTO search_terms (term) "
                    "SELECT unnest(CAST(:terms AS text[])) ON CONFLICT DO NOTHING"
                ),
                {"terms": vocab},
            )
        else:
            session.execute(
                text(
                    "INSERT INTO product_search (rowid, title, skus, tags, body) "
                    "VALUES (:id, :title, :skus, :tags, :body)"
                ),
                docs,
            )
    _vocab_cache.clear()


def words_all(text_: object) -> list[str]:
    return [w for w in _WORD.findall(str(text_).lower()) if 3 <= len(w) <= 40 and not w.isdigit()]


def remove(session: Session, product_ids: list[int]) -> None:
    if not product_ids:
        return
    if _is_pg(session):
        session.execute(
            pg_product_search.delete().where(pg_product_search.c.product_id.in_(product_ids))
        )
    else:
        session.execute(
            text("DELETE FROM product_search WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": product_ids},
        )


def rebuild(session: Session) -> int:
    """Reindex the whole catalog (after a restore or a migration)."""
    ids = list(session.exec(select(Product.id)).all())
    session.execute(text("DELETE FROM product_search"))
    reindex(session, ids)
    return len(ids)


# --- typo correction -------------------------------------------------------------------

_vocab_cache: dict[str, tuple[float, list[str], set[str]]] = {}
_VOCAB_TTL = 30.0


def _sqlite_vocab(session: Session) -> tuple[list[str], set[str]]:
    cached = _vocab_cache.get("sqlite")
    if cached and time.monotonic() - cached[0] < _VOCAB_TTL:
        return cached[1], cached[2]
    terms = [t for (t,) in session.execute(text("SELECT term FROM product_search_vocab")).all()]
    entry = (time.monotonic(), terms, set(terms))
    _vocab_cache["sqlite"] = entry
    return entry[1], entry[2]


def _max_distance(word: str) -> int:
    return 0 if len(word) < 3 else 1 if len(word) <= 5 else 2


def corrections(session: Session, word: str, limit: int = 3) -> list[str]:
    """Known index terms within a small edit distance of `word` (excluding itself)."""
    distance = _max_distance(word)
    if distance == 0 or word.isdigit():
        return []
    if _is_pg(session):
        rows = session.execute(
            text(
                "SELECT term FROM search_terms WHERE term % :w AND term <> :w "
                "ORDER BY similarity(term, :w) DESC LIMIT :n"
            ),
            {"w": word, "n": limit * 3},
        ).all()
        return [t for (t,) in rows if Levenshtein.distance(t, word) <= distance][:limit]
    terms, known = _sqlite_vocab(session)
    if word in known and len(word) > 4:
        return []
    found = process.extract(
        word, terms, scorer=Levenshtein.distance, score_cutoff=distance, limit=limit + 1
    )
    return [t for t, _, _ in found if t != word][:limit]


# --- matching ----------------------------------------------------------------------------


def _groups(session: Session, query: str) -> list[list[str]]:
    return [[w, *corrections(session, w)] for w in words(query)]


def match_subquery(session: Session, query: str) -> Subquery | None:
    """(product_id, score) of products matching every word of `query`; None if no words."""
    groups = _groups(session, query)
    if not groups:
        return None
    if _is_pg(session):
        tsquery = " & ".join("(" + " | ".join([f"{g[0]}:*", *g[1:]]) + ")" for g in groups)
        doc = pg_product_search.c.document
        q = func.to_tsquery("simple", tsquery)
        return (
            select(
                pg_product_search.c.product_id.label("product_id"),
                (-func.ts_rank_cd(doc, q)).label("score"),
            )
            .where(doc.op("@@")(q))
            .subquery("search")
        )
    expr = " AND ".join(
        "(" + " OR ".join([_fts_term(g[0]) + "*", *(_fts_term(t) for t in g[1:])]) + ")"
        for g in groups
    )
    return (
        select(
            literal_column("rowid").label("product_id"),
            literal_column("bm25(product_search, 10.0, 10.0, 5.0, 1.0)").label("score"),
        )
        .select_from(text("product_search"))
        .where(text("product_search MATCH :fts_query").bindparams(fts_query=expr))
        .subquery("search")
    )


def _fts_term(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def suggest(session: Session, query: str, *, limit: int = 6) -> list[tuple[str, str]]:
    """(title, slug) of the best active matches while the customer types."""
    sub = match_subquery(session, query)
    if sub is None:
        return []
    rows = session.exec(
        select(Product.title, Product.slug)
        .join(sub, sub.c.product_id == Product.id)
        .where(Product.status == "active")
        .order_by(sub.c.score, Product.id)
        .limit(limit)
    ).all()
    return [(title, slug) for title, slug in rows]
