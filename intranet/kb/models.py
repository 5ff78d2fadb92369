"""Articles, their revisions, acknowledgements of required reading, votes, and the search text."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, and_, exists, or_, true
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.access import scoping
from intranet.access.permissions import can
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.db_types import UTCDateTime, utcnow
from intranet.extensions import db


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self):
        return {"draft": _l("Draft"), "published": _l("Published")}[self.value]


article_branch = Table(
    "article_branch",
    db.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("branch_id", ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True),
)


class Article(db.Model):
    __tablename__ = "article"
    __table_args__ = (Index("ix_article_chapter", "chapter", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    chapter: Mapped[str] = mapped_column(String(100), default="")
    # The contents list chapters by this number (0: none, after the numbered ones), not by their titles.
    chapter_number: Mapped[int] = mapped_column(default=0, server_default="0")
    category: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)
    # Title and body being edited; the published text is current_revision's.
    title: Mapped[str] = mapped_column(String(200))
    draft_body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ArticleStatus.DRAFT)
    required_read: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    # Comma-wrapped role names (",technician,manager,"), empty for every role: one LIKE decides.
    audience_roles: Mapped[str] = mapped_column(String(100), default="")
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revision.id", use_alter=True, name="fk_article_current_revision", ondelete="SET NULL")
    )
    view_count: Mapped[int] = mapped_column(default=0)
    helpful_count: Mapped[int] = mapped_column(default=0)
    unhelpful_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Whose article it is: its author's branch, or none for head office. Only that branch's managers
    # (and administrators) change it, whatever branches it is aimed at.
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    current_revision: Mapped["ArticleRevision | None"] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    branches: Mapped[list[Branch]] = relationship(secondary=article_branch, order_by=Branch.code)
    revisions: Mapped[list["ArticleRevision"]] = relationship(
        back_populates="article",
        foreign_keys="ArticleRevision.article_id",
        order_by="ArticleRevision.number.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def roles(self) -> list[str]:
        return [role for role in self.audience_roles.split(",") if role]

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.current_revision_id is not None

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class ArticleRevision(db.Model):
    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_revision_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    change_summary: Mapped[str] = mapped_column(String(500))
    required: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions", foreign_keys=[article_id])
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ArticleRevision {self.article_id}#{self.number}>"


class Acknowledgement(db.Model):
    __tablename__ = "article_acknowledgement"
    __table_args__ = (UniqueConstraint("user_id", "revision_id", name="uq_acknowledgement_user_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("article_revision.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArticleVote(db.Model):
    __tablename__ = "article_vote"
    __table_args__ = (UniqueConstraint("user_id", "article_id", name="uq_article_vote_user_article"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    helpful: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArticleSearchText(db.Model):
    """Each published article's title and body as space-separated words (Chinese segmented by jieba).

    PostgreSQL searches `title_document` and `document` (tsvectors of these words); SQLite keeps the same words
    in the FTS5 table kb_fts, made next to this table (see search/sqlite_fts.py).
    """

    __tablename__ = "article_search_text"
    __table_args__ = (
        Index("ix_article_search_document", "document", postgresql_using="gin"),
        Index("ix_article_search_title_document", "title_document", postgresql_using="gin"),
    )

    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    title_words: Mapped[str] = mapped_column(Text, default="")
    body_words: Mapped[str] = mapped_column(Text, default="")
    # The body as plain text (Markdown marks removed): what result snippets are cut from.
    plain_text: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
    # The title's words alone: small, so ranking title matches never reads the long documents.
    title_document: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))


# Who reaches which articles: editors every one; everyone else the published ones meant for them. An
# article out of reach does not exist for the reader (404, not 403).


def audience_clause(user):
    """SQL: the article's audience includes `user` (its roles and branches; empty means everyone)."""
    role_ok = or_(Article.audience_roles == "", Article.audience_roles.contains(f",{user.role},", autoescape=True))
    has_branches = exists().where(article_branch.c.article_id == Article.id)
    in_branch = exists().where(article_branch.c.article_id == Article.id, article_branch.c.branch_id == user.branch_id)
    return and_(role_ok, or_(~has_branches, in_branch))


def in_audience(article: Article, user) -> bool:
    role_ok = not article.roles or user.role in article.roles
    branch_ok = not article.branches or user.branch_id in {branch.id for branch in article.branches}
    return role_ok and branch_ok


def _readable_rows(actor):
    if can(actor, "kb.edit"):
        return true()
    # A pure function of the role and the branch, asked by every search keystroke: made once per pair.
    key = (actor.role, actor.branch_id)
    clause = _readable_by_audience.get(key)
    if clause is None:
        clause = _readable_by_audience[key] = and_(Article.status == ArticleStatus.PUBLISHED, audience_clause(actor))
    return clause


_readable_by_audience: dict[tuple, object] = {}  # a few roles times the branches


def _may_edit(actor, article: Article) -> bool:
    """Writers read every article but change only their branch's (head office's: a head-office writer's)."""
    return can(actor, "kb.edit") and (scoping.sees_every_branch(actor) or article.branch_id == actor.branch_id)


def _may_read(actor, article: Article, permission=None) -> bool:
    if permission == "kb.edit":
        return _may_edit(actor, article)
    return can(actor, "kb.edit") or (article.is_published and in_audience(article, actor))


scoping.register(
    Article,
    id_param="article_id",
    branch=None,
    rows=_readable_rows,
    allows=_may_read,
    hide=True,
    not_found=_l("No such article."),
)
scoping.unscoped(ArticleRevision, id_param=None, reason="read through its article, which is scoped")
scoping.unscoped(ArticleSearchText, id_param=None, reason="the search index, queried with the article's scope")
scoping.register(Acknowledgement, id_param=None, branch=None, owner="user_id", view={r: Reach.OWN for r in Role})
scoping.register(ArticleVote, id_param=None, branch=None, owner="user_id", view={r: Reach.OWN for r in Role})
