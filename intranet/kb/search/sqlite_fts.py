"""SQLite backend: an FTS5 table of pre-segmented words, ranked by bm25 with titles weighing more.

kb_fts lives outside the models' metadata (SQLAlchemy cannot describe a virtual table): the
migration makes it, and for tests a DDL listener makes it whenever create_all makes the table of
search text it mirrors.
"""

from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, event, func, literal_column, select, text

from intranet.kb.models import ArticleSearchText

CREATE = "CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(title, body, tokenize='unicode61')"
DROP = "DROP TABLE IF EXISTS kb_fts"
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0

# A description for queries only: never created through this metadata.
kb_fts = Table("kb_fts", MetaData(), Column("rowid", Integer), Column("title", Text), Column("body", Text))


def is_search_table(name: str) -> bool:
    """kb_fts and the shadow tables FTS5 keeps beside it (kb_fts_data, kb_fts_idx, ...)."""
    return name == "kb_fts" or name.startswith("kb_fts_")


@event.listens_for(ArticleSearchText.__table__, "after_create")
def _create(target, connection, **kw):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(CREATE)


@event.listens_for(ArticleSearchText.__table__, "before_drop")
def _drop(target, connection, **kw):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(DROP)


# Parameters named after the columns of article_search_text, whose words the index mirrors.
INSERT = text("INSERT INTO kb_fts (rowid, title, body) VALUES (:article_id, :title_words, :body_words)")


def store(session, row: ArticleSearchText) -> None:
    session.execute(text("DELETE FROM kb_fts WHERE rowid = :id"), {"id": row.article_id})
    session.execute(
        INSERT, {"article_id": row.article_id, "title_words": row.title_words, "body_words": row.body_words}
    )


def remove(session, article_id: int) -> None:
    session.execute(text("DELETE FROM kb_fts WHERE rowid = :id"), {"id": article_id})


BODY_CANDIDATES = 1000


def _expression(terms: list[str], any_term: bool, column: str | None = None) -> str:
    # Every term quoted: inside quotes AND, OR, NEAR and * are plain words to FTS5.
    expression = (" OR " if any_term else " AND ").join(f'"{term}"' for term in terms)
    return f"{{{column}}} : ({expression})" if column else expression


def match_text(terms: list[str], any_term: bool, in_title: bool) -> str:
    """The value of the matches' `query` parameter: the terms, in the title only or anywhere."""
    return _expression(terms, any_term, "title" if in_title else None)


def title_matches():
    """(article_id, rank) of articles whose title holds the terms (match_text(..., in_title=True) bound as
    `query`), best first (bm25: lower is better)."""
    rank = func.bm25(literal_column("kb_fts"), TITLE_WEIGHT, BODY_WEIGHT)
    return (
        select(kb_fts.c.rowid.label("article_id"), rank.label("rank"))
        .where(literal_column("kb_fts").op("MATCH")(bindparam("query")))
        .order_by(rank, kb_fts.c.rowid)
    )


def body_matches():
    """(article_id, rank) of articles whose text holds the terms (bound as `query`); only the first
    BODY_CANDIDATES matches are ranked (see postgres_fts.body_matches for why)."""
    expression = bindparam("query")
    first = select(kb_fts.c.rowid).where(literal_column("kb_fts").op("MATCH")(expression)).limit(BODY_CANDIDATES)
    # A rowid range, which FTS5 applies while scanning (a rowid IN list made it run the query per row).
    bound = select(func.max(first.subquery().c.rowid)).scalar_subquery()
    rank = func.bm25(literal_column("kb_fts"), TITLE_WEIGHT, BODY_WEIGHT)
    return (
        select(kb_fts.c.rowid.label("article_id"), rank.label("rank"))
        .where(literal_column("kb_fts").op("MATCH")(expression), kb_fts.c.rowid <= bound)
        .order_by(rank, kb_fts.c.rowid)
    )
