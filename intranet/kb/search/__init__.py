"""Search over articles: one interface, the engine of whichever database the app runs on.

`index_article` keeps an article's words in step with its published revision; `search` turns a
user's query into plain words (segment.query_terms), asks the engine for the best matches among the
articles the caller may read, and cuts highlighted snippets from the stored plain text.
"""

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import bindparam, select

from intranet.extensions import db
from intranet.kb.models import Article, ArticleSearchText
from intranet.kb.search import postgres_fts, segment, sqlite_fts
from intranet.kb.search.snippets import highlight, snippet, term_pattern
from intranet.listing import prepared, read_rows


@dataclass
class Hit:
    article_id: int
    title: Markup
    chapter: str
    snippet: Markup
    rank: float


def _backend():
    return postgres_fts if db.engine.dialect.name == "postgresql" else sqlite_fts


def index_article(article: Article, title: str, body_plain: str) -> None:
    """Store the words of the article's published title and body (call after each publish)."""
    row = db.session.get(ArticleSearchText, article.id) or ArticleSearchText(article_id=article.id)
    row.title_words = segment.index_text(title)
    row.body_words = segment.index_text(body_plain)
    row.plain_text = body_plain
    db.session.add(row)
    db.session.flush()
    _backend().store(db.session, row)


def unindex_article(article_id: int) -> None:
    _backend().remove(db.session, article_id)
    row = db.session.get(ArticleSearchText, article_id)
    if row is not None:
        db.session.delete(row)


CANDIDATES = 100  # ranked matches fetched at a time, before the reader's visibility is checked
MAX_ROUNDS = 10


def _visible_hits(backend, terms: list[str], any_term: bool, visible, visible_key: tuple, limit: int) -> list:
    """The best `limit` matches the reader may see: title matches first, then the others.

    The engine ranks without joins (a join inside the ranking query made SQLite rank every match
    several times over); visibility is then checked on a page of candidates at a time. Ranking the
    titles first keeps the work small: a title is a few words, a body thousands.
    """
    # The statements are built once (listing.prepared), the words and ids bound per search: building
    # them cost more than SQLite's search itself.
    found, seen = [], set()
    readable = prepared(
        ("kb.readable_hits", *visible_key),
        lambda: (
            select(Article.id, Article.title, Article.chapter, ArticleSearchText.plain_text)
            .join(ArticleSearchText, ArticleSearchText.article_id == Article.id)
            .where(Article.id.in_(bindparam("ids", expanding=True)), visible)
        ),
    )
    for tier, matches in enumerate((backend.title_matches, backend.body_matches)):
        query = backend.match_text(terms, any_term, in_title=tier == 0)
        for round_ in range(MAX_ROUNDS):
            statement = prepared(
                ("kb.matches", backend.__name__, tier, round_),
                lambda matches=matches, round_=round_: matches().limit(CANDIDATES).offset(round_ * CANDIDATES),
            )
            page = read_rows(statement, {"query": query}).all()
            ranked = [row for row in page if row.article_id not in seen]
            seen.update(row.article_id for row in ranked)
            if ranked:
                rank_of = {row.article_id: row.rank for row in ranked}
                rows = read_rows(readable, {"ids": list(rank_of)}).all()
                found += sorted(((tier, rank_of[row.id], row.id, row) for row in rows), key=lambda item: item[:3])
            if len(found) >= limit or len(page) < CANDIDATES:
                break
        if len(found) >= limit:
            break
    return [(rank, row) for _tier, rank, _id, row in found[:limit]]


def search(visible, visible_key: tuple, query: str, limit: int = 20) -> tuple[list[str], list[Hit]]:
    """The query's terms and the best `limit` hits among articles for which `visible` holds (a clause
    that `visible_key` names: the same key, the same clause).

    All words must match; if none does, any word may (a long question rarely matches whole).
    """
    terms = segment.query_terms(query)
    if not terms:
        return terms, []
    backend = _backend()
    found = []
    for any_term in (False, True) if len(terms) > 1 else (False,):
        found = _visible_hits(backend, terms, any_term, visible, visible_key, limit)
        if found:
            break
    pattern = term_pattern(terms)
    hits = [
        Hit(row.id, highlight(row.title, pattern), row.chapter, snippet(row.plain_text, pattern), rank)
        for rank, row in found
    ]
    return terms, hits
