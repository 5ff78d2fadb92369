"""Writing articles: drafts, publishing a draft as the next numbered revision, unpublishing, images.

Every publish makes a numbered revision with its change summary (the manual's update record); a
revision published as required asks the article's audience to read it again (reading.py).
"""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from intranet import events
from intranet.access.permissions import ensure
from intranet.access.roles import Role
from intranet.attachments import service as attachments
from intranet.audit import service as audit
from intranet.branches.models import Branch
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.kb import chapters, search
from intranet.kb.events import RevisionPublished
from intranet.kb.markdown import plain_text
from intranet.kb.models import Article, ArticleRevision, ArticleStatus

IMAGE_OWNER = "kb_article"
MAX_BODY = 100_000


attachments.owned_by(IMAGE_OWNER, Article)


@dataclass
class ArticleData:
    title: str
    body: str
    chapter: str = ""
    chapter_number: int = 0  # 0: read it from the chapter's title
    category: str = ""
    position: int = 0
    required_read: bool = False
    pinned: bool = False
    roles: list[str] = field(default_factory=list)
    branch_ids: list[int] = field(default_factory=list)
    slug: str = ""


def _check(actor, permission: str, obj=None) -> None:
    if actor is not None:  # None: the system itself (flask kb-import, demo data)
        ensure(actor, permission, obj)


def _slug_from(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-")[:100]
    return slug or "article"


def _unique_slug(wanted: str, article_id: int | None = None) -> str:
    slug, n = wanted, 1
    while True:
        other = db.session.scalar(select(Article.id).where(Article.slug == slug))
        if other is None or other == article_id:
            return slug
        n += 1
        slug = f"{wanted[:95]}-{n}"


def _apply(article: Article, data: ArticleData) -> None:
    if not data.title.strip():
        raise Invalid(_("Give the article a title."))
    if len(data.body) > MAX_BODY:
        raise Invalid(_("The text is too long."))
    unknown = set(data.roles) - {role.value for role in Role}
    if unknown:
        raise Invalid(_("Unknown role."))
    branches = list(db.session.scalars(select(Branch).where(Branch.id.in_(data.branch_ids)))) if data.branch_ids else []
    if len(branches) != len(set(data.branch_ids)):
        raise Invalid(_("Unknown branch."))
    article.title = data.title.strip()
    article.draft_body = data.body
    article.chapter = data.chapter.strip()
    article.chapter_number = data.chapter_number or chapters.number_of(article.chapter)
    article.category = data.category.strip()
    article.position = data.position
    article.required_read = data.required_read
    article.pinned = data.pinned
    article.audience_roles = f",{','.join(sorted(set(data.roles)))}," if data.roles else ""
    article.branches = branches
    article.updated_at = utcnow()


def create_article(actor, data: ArticleData) -> Article:
    _check(actor, "kb.edit")
    article = Article(
        created_by_id=actor.id if actor else None,
        branch_id=actor.branch_id if actor else None,  # the system's articles are head office's
        status=ArticleStatus.DRAFT,
    )
    _apply(article, data)
    article.slug = _unique_slug(data.slug or _slug_from(data.title))
    db.session.add(article)
    db.session.flush()
    return article


def save_draft(actor, article: Article, data: ArticleData) -> None:
    _check(actor, "kb.edit", article)
    _apply(article, data)
    db.session.flush()


def has_unpublished_changes(article: Article) -> bool:
    current = article.current_revision
    return current is None or current.title != article.title or current.body != article.draft_body


def publish(actor, article: Article, change_summary: str, required: bool) -> ArticleRevision:
    """Make the draft the article's next revision; a required one asks its audience to read it again."""
    _check(actor, "kb.edit", article)
    change_summary = change_summary.strip()
    if not change_summary:
        raise Invalid(_("Say what changed: the summary goes into the article's change log."))
    if not has_unpublished_changes(article) and not required:
        raise Invalid(_("Nothing changed since the last revision."))
    number = (
        db.session.scalar(select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id)) or 0
    ) + 1
    revision = ArticleRevision(
        article_id=article.id,
        number=number,
        title=article.title,
        body=article.draft_body,
        change_summary=change_summary[:500],
        required=required,
        author_id=actor.id if actor else None,
        created_at=utcnow(),
    )
    db.session.add(revision)
    db.session.flush()
    article.current_revision = revision
    article.status = ArticleStatus.PUBLISHED
    article.updated_at = revision.created_at
    if required:
        article.required_read = True
    search.index_article(article, revision.title, plain_text(revision.body))
    db.session.flush()
    events.publish(RevisionPublished(actor, article, revision))
    return revision


def unpublish(actor, article: Article, reason: str = "") -> None:
    """Take the article off the readers' contents and search; its revisions and readings are kept.

    A writer says why (kept in the audit log, as the manual's update record keeps every change).
    """
    _check(actor, "kb.edit", article)
    if actor is not None and not reason.strip():
        raise Invalid(_("Say why the article is withdrawn."))
    if article.status != ArticleStatus.PUBLISHED:
        raise Conflict(_("This article is not published."))
    if actor is not None:
        audit.record(actor, "article.unpublished", article, reason=reason.strip()[:500])
    article.status = ArticleStatus.DRAFT
    search.unindex_article(article.id)
    db.session.flush()


def attach_image(actor, article: Article, data: bytes, filename: str) -> str:
    """Store an image for the article; return the Markdown that shows it."""
    _check(actor, "kb.edit", article)
    image = attachments.store_image(actor, IMAGE_OWNER, article.id, "photo", data, filename)
    alt = re.sub(r"[\[\]\(\)]", "", filename.rsplit(".", 1)[0])[:60] or "image"
    return f"![{alt}](/attachments/{image.id})"
