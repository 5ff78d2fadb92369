"""PostgreSQL backend: a weighted tsvector of pre-segmented words ('simple' config), GIN-indexed."""

from sqlalchemy import func, select, text

from intranet.kb.models import ArticleSearchText

CONFIG = "simple"  # no stemming or stop words: the words are already cut, in two languages


def store(session, row: ArticleSearchText) -> None:
    session.flush()
    session.execute(
        text(
            "UPDATE article_search_text SET document = "
            f"setweight(to_tsvector('{CONFIG}', title_words), 'A') || "
            f"setweight(to_tsvector('{CONFIG}', body_words), 'B') "
            "WHERE article_id = :id"
        ),
        {"id": row.article_id},
    )


def remove(session, article_id: int) -> None:
    pass  # the row of article_search_text goes with the article (ON DELETE CASCADE)


def matches(terms: list[str], any_term: bool):
    # Terms hold only letters and digits (segment.query_terms), so joining them cannot inject syntax.
    query = func.to_tsquery(text(f"'{CONFIG}'"), (" | " if any_term else " & ").join(terms))
    rank = func.ts_rank(ArticleSearchText.document, query)
    return (
        select(ArticleSearchText.article_id.label("article_id"), (-rank).label("rank"))
        .where(ArticleSearchText.document.op("@@")(query))
        .order_by(rank.desc())
    )
