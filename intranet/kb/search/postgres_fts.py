"""PostgreSQL backend: tsvectors of pre-segmented words ('simple' config), GIN-indexed.

`title_document` holds the title's words, `document` the title's (weight A) and the body's (B).
"""

from sqlalchemy import bindparam, func, select, text

from intranet.kb.models import ArticleSearchText

CONFIG = "simple"  # no stemming or stop words: the words are already cut, in two languages
BODY_CANDIDATES = 1000

UPDATE_DOCUMENTS = (
    f"UPDATE article_search_text SET title_document = to_tsvector('{CONFIG}', title_words), "
    f"document = setweight(to_tsvector('{CONFIG}', title_words), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', body_words), 'B') "
)


def store(session, row: ArticleSearchText) -> None:
    session.flush()
    session.execute(text(UPDATE_DOCUMENTS + "WHERE article_id = :id"), {"id": row.article_id})


def remove(session, article_id: int) -> None:
    pass  # the row of article_search_text goes with the article (ON DELETE CASCADE)


def match_text(terms: list[str], any_term: bool, in_title: bool) -> str:
    """The value of the matches' `query` parameter (the title has a document of its own)."""
    # Terms hold only letters and digits (segment.query_terms), so joining them cannot inject syntax.
    return (" | " if any_term else " & ").join(terms)


def _query():
    return func.to_tsquery(text(f"'{CONFIG}'"), bindparam("query"))


def title_matches():
    """(article_id, rank) of articles whose title holds the terms (match_text bound as `query`), best
    first (lower rank is better)."""
    query = _query()
    rank = func.ts_rank(ArticleSearchText.title_document, query)
    return (
        select(ArticleSearchText.article_id.label("article_id"), (-rank).label("rank"))
        .where(ArticleSearchText.title_document.op("@@")(query))
        .order_by(rank.desc(), ArticleSearchText.article_id)
    )


def body_matches():
    """(article_id, rank) of articles whose text holds the terms (match_text bound as `query`).

    Only the first BODY_CANDIDATES matches are ranked: ts_rank reads each whole document, and for a
    word found in thousands of articles that costs tens of milliseconds while telling the reader
    little (the title matches, ranked in full, come first anyway).
    """
    query = _query()
    candidates = (
        select(ArticleSearchText.article_id, ArticleSearchText.document)
        .where(ArticleSearchText.document.op("@@")(query))
        .limit(BODY_CANDIDATES)
        .subquery()
    )
    rank = func.ts_rank(candidates.c.document, query)
    return select(candidates.c.article_id.label("article_id"), (-rank).label("rank")).order_by(
        rank.desc(), candidates.c.article_id
    )
