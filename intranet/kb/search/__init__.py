"""Search over articles: one interface, the engine of whichever database the app runs on.

`index_article` keeps an article's words in step with its published revision; `search` turns a
user's query into plain words (segment.query_terms), asks the engine for the best matches among the
articles the caller may read, and cuts highlighted snippets from the stored plain text.
"""

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select

from intranet.extensions import db
from intranet.kb.models import Article, ArticleSearchText
from intranet.kb.search import postgres_fts, segment, sqlite_fts
from intranet.kb.search.snippets import highlight, snippet


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


def search(visible, query: str, limit: int = 20) -> tuple[list[str], list[Hit]]:
    """The query's terms and the best `limit` hits among articles for which `visible` holds.

    All words must match; if none does, any word may (a long question rarely matches whole).
    """
    terms = segment.query_terms(query)
    if not terms:
        return terms, []
    backend = _backend()
    rows = []
    for any_term in (False, True) if len(terms) > 1 else (False,):
        matches = backend.matches(terms, any_term).subquery()
        statement = (
            select(matches.c.article_id, matches.c.rank, Article.title, Article.chapter, ArticleSearchText.plain_text)
            .join(Article, Article.id == matches.c.article_id)
            .join(ArticleSearchText, ArticleSearchText.article_id == matches.c.article_id)
            .where(visible)
            .order_by(matches.c.rank, Article.id)
            .limit(limit)
        )
        rows = db.session.execute(statement).all()
        if rows:
            break
    hits = [
        Hit(row.article_id, highlight(row.title, terms), row.chapter, snippet(row.plain_text, terms), row.rank)
        for row in rows
    ]
    return terms, hits
