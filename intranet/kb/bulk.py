"""Many articles made by recombining the demo manual's paragraphs, for the search benchmark."""

import random

from sqlalchemy import insert, select, text

from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.kb.importer import DEMO_DIR, parse
from intranet.kb.markdown import plain_text
from intranet.kb.models import Article, ArticleRevision, ArticleSearchText, ArticleStatus
from intranet.kb.search import postgres_fts, segment, sqlite_fts

BATCH = 500


def _demo_pieces():
    titles, chapters, paragraphs = [], [], []
    for path in sorted(DEMO_DIR.glob("*.md")):
        parsed = parse(path.read_text(encoding="utf-8"))
        titles.append(parsed.title)
        chapters.append(parsed.meta.get("chapter", ""))
        paragraphs += [block.strip() for block in parsed.body.split("\n\n") if block.strip()]
    return titles, chapters, paragraphs


def seed_articles(count: int, seed: int = 7) -> int:
    """Add `count` published articles (one revision each), indexed for search, in batches."""
    rng = random.Random(seed)
    titles, chapters, paragraphs = _demo_pieces()
    start = (db.session.scalar(select(db.func.max(Article.id))) or 0) + 1
    now = utcnow()
    postgres = db.engine.dialect.name == "postgresql"
    for first in range(start, start + count, BATCH):
        ids = range(first, min(first + BATCH, start + count))
        articles, revisions, texts = [], [], []
        for article_id in ids:
            title = f"{rng.choice(titles)} · {rng.choice(titles)} {article_id}"
            body = "\n\n".join(rng.sample(paragraphs, rng.randint(3, 6)))
            articles.append(
                {
                    "id": article_id,
                    "slug": f"bench-{article_id}",
                    "chapter": rng.choice(chapters),
                    "category": "",
                    "position": article_id,
                    "title": title,
                    "draft_body": body,
                    "status": ArticleStatus.PUBLISHED,
                    "required_read": False,
                    "pinned": False,
                    "audience_roles": "",
                    "view_count": 0,
                    "helpful_count": 0,
                    "unhelpful_count": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            revisions.append(
                {
                    "id": article_id + 1_000_000,
                    "article_id": article_id,
                    "number": 1,
                    "title": title,
                    "body": body,
                    "change_summary": "bench",
                    "required": False,
                    "created_at": now,
                }
            )
            plain = plain_text(body)
            texts.append(
                {
                    "article_id": article_id,
                    "title_words": segment.index_text(title),
                    "body_words": segment.index_text(plain),
                    "plain_text": plain,
                }
            )
        db.session.execute(insert(Article), articles)
        db.session.execute(insert(ArticleRevision), revisions)
        db.session.execute(
            text("UPDATE article SET current_revision_id = id + 1000000 WHERE id BETWEEN :a AND :b"),
            {"a": ids[0], "b": ids[-1]},
        )
        db.session.execute(insert(ArticleSearchText), texts)
        if not postgres:
            db.session.execute(sqlite_fts.INSERT, texts)
    if postgres:
        db.session.execute(text(postgres_fts.UPDATE_DOCUMENTS + "WHERE document IS NULL"))
        # Revisions were given ids by hand: move the sequence past them.
        db.session.execute(text("SELECT setval('article_revision_id_seq', (SELECT max(id) FROM article_revision))"))
        db.session.execute(text("SELECT setval('article_id_seq', (SELECT max(id) FROM article))"))
    return count
