"""Was this article helpful? One vote per reader and article, and the counters shown beside it."""

from sqlalchemy import func, select

from intranet.access.permissions import ensure
from intranet.db_types import utcnow
from intranet.extensions import db
from intranet.kb.models import Article, ArticleVote


def vote(actor, article: Article, helpful: bool) -> ArticleVote:
    """One vote per user and article; voting again changes the vote. The counters follow."""
    ensure(actor, "kb.read", article)
    existing = db.session.scalar(
        select(ArticleVote).where(ArticleVote.user_id == actor.id, ArticleVote.article_id == article.id)
    )
    if existing is None:
        existing = ArticleVote(user_id=actor.id, article_id=article.id, helpful=helpful, at=utcnow())
        db.session.add(existing)
    else:
        existing.helpful = helpful
        existing.at = utcnow()
    db.session.flush()
    counts = dict(
        db.session.execute(
            select(ArticleVote.helpful, func.count())
            .where(ArticleVote.article_id == article.id)
            .group_by(ArticleVote.helpful)
        ).all()
    )
    article.helpful_count = counts.get(True, 0)
    article.unhelpful_count = counts.get(False, 0)
    return existing


def vote_of(actor, article: Article) -> bool | None:
    return db.session.scalar(
        select(ArticleVote.helpful).where(ArticleVote.user_id == actor.id, ArticleVote.article_id == article.id)
    )
