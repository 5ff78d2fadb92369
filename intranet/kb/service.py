"""Finding articles: one article or revision by id, the contents, search, and the view counter.

The workflows have their own modules: publishing.py (drafts, revisions, images), reading.py
(required reading and acknowledgements), votes.py and diff.py.
"""

from flask_babel import gettext as _
from sqlalchemy import and_, select, update

from intranet.access import scoping
from intranet.errors import NotFound
from intranet.extensions import db
from intranet.kb import search
from intranet.kb.models import Article, ArticleRevision, ArticleStatus


def get_article(actor, article_id: int, permission: str = "kb.read") -> Article:
    return scoping.get(actor, Article, article_id, permission)


def get_revision(article: Article, number: int) -> ArticleRevision:
    revision = db.session.scalar(
        select(ArticleRevision).where(ArticleRevision.article_id == article.id, ArticleRevision.number == number)
    )
    if revision is None:
        raise NotFound(_("No such revision."))
    return revision


def list_articles(actor) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .where(scoping.visible(actor, Article))
            .order_by(
                Article.chapter_number == 0, Article.chapter_number, Article.chapter, Article.position, Article.title
            )
        )
    )


def search_articles(actor, query: str, limit: int = 20):
    visible = and_(Article.status == ArticleStatus.PUBLISHED, scoping.visible(actor, Article))
    return search.search(visible, ("articles of", actor.id, actor.role, actor.branch_id), query, limit)


def count_view(article_id: int) -> None:
    db.session.execute(update(Article).where(Article.id == article_id).values(view_count=Article.view_count + 1))
