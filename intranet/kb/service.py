"""Articles from draft to published revision, who must read what, acknowledgements and votes.

Every publish makes a numbered revision with its change summary (the manual's update record). A
revision published as required asks everyone in the article's audience to read and acknowledge it;
an acknowledgement of that revision or a later one settles it, so a newer required revision asks again.
"""

import difflib
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from intranet.attachments import service as attachments
from intranet.auth.models import User
from intranet.auth.permissions import can, ensure, object_rule
from intranet.auth.roles import Role
from intranet.branches.models import Branch
from intranet.db_types import utcnow
from intranet.errors import Invalid, NotFound
from intranet.extensions import db
from intranet.kb import search
from intranet.kb.markdown import plain_text
from intranet.kb.models import (
    Acknowledgement,
    Article,
    ArticleRevision,
    ArticleStatus,
    ArticleVote,
    article_branch,
)

IMAGE_OWNER = "kb_article"
MAX_BODY = 100_000


# Who may read what


def audience_clause(user):
    """SQL: the article's audience includes `user` (its roles and branches; empty means everyone)."""
    role_ok = or_(Article.audience_roles == "", Article.audience_roles.contains(f",{user.role},", autoescape=True))
    has_branches = exists().where(article_branch.c.article_id == Article.id)
    in_branch = exists().where(article_branch.c.article_id == Article.id, article_branch.c.branch_id == user.branch_id)
    return and_(role_ok, or_(~has_branches, in_branch))


def readable_clause(actor):
    """SQL: `actor` may read the article. Editors read everything; others the published ones meant for them."""
    if can(actor, "kb.edit"):
        return true()
    return and_(Article.status == ArticleStatus.PUBLISHED, audience_clause(actor))


def in_audience(article: Article, user) -> bool:
    role_ok = not article.roles or user.role in article.roles
    branch_ok = not article.branches or user.branch_id in {branch.id for branch in article.branches}
    return role_ok and branch_ok


@object_rule("kb.read")
def _may_read(actor, article) -> bool:
    return can(actor, "kb.edit") or (article.is_published and in_audience(article, actor))


@attachments.access_rule(IMAGE_OWNER)
def _may_see_images(actor, article_id: int) -> bool:
    article = db.session.get(Article, article_id)
    return article is not None and can(actor, "kb.read", article)


def get_article(actor, article_id: int, permission: str = "kb.read") -> Article:
    article = db.session.get(Article, article_id)
    if article is None or not can(actor, "kb.read", article):
        raise NotFound(_("No such article."))  # an article not meant for you does not exist for you
    ensure(actor, permission, article)
    return article


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
            select(Article).where(readable_clause(actor)).order_by(Article.chapter, Article.position, Article.title)
        )
    )


def search_articles(actor, query: str, limit: int = 20):
    return search.search(and_(Article.status == ArticleStatus.PUBLISHED, readable_clause(actor)), query, limit)


# Writing and publishing


@dataclass
class ArticleData:
    title: str
    body: str
    chapter: str = ""
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
    article.category = data.category.strip()
    article.position = data.position
    article.required_read = data.required_read
    article.pinned = data.pinned
    article.audience_roles = f",{','.join(sorted(set(data.roles)))}," if data.roles else ""
    article.branches = branches
    article.updated_at = utcnow()


def create_article(actor, data: ArticleData) -> Article:
    _check(actor, "kb.edit")
    article = Article(created_by_id=actor.id if actor else None, status=ArticleStatus.DRAFT)
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
    return revision


def unpublish(actor, article: Article) -> None:
    _check(actor, "kb.edit", article)
    article.status = ArticleStatus.DRAFT
    search.unindex_article(article.id)
    db.session.flush()


def attach_image(actor, article: Article, data: bytes, filename: str) -> str:
    """Store an image for the article; return the Markdown that shows it."""
    _check(actor, "kb.edit", article)
    image = attachments.store_image(actor, IMAGE_OWNER, article.id, "photo", data, filename)
    alt = re.sub(r"[\[\]\(\)]", "", filename.rsplit(".", 1)[0])[:60] or "image"
    return f"![{alt}](/attachments/{image.id})"


# Required reading


def _latest_required_number(article_id):
    required = aliased(ArticleRevision)  # its own alias: it sits inside queries of revisions
    return (
        select(func.max(required.number))
        .where(required.article_id == article_id, required.required.is_(True))
        .scalar_subquery()
    )


def _acknowledged_clause(user_id, article_id):
    return exists().where(
        Acknowledgement.user_id == user_id,
        Acknowledgement.revision_id == ArticleRevision.id,
        ArticleRevision.article_id == article_id,
        ArticleRevision.number >= _latest_required_number(article_id),
    )


def to_read(actor) -> list[Article]:
    """Published articles meant for `actor` whose latest required revision they have not acknowledged."""
    statement = (
        select(Article)
        .where(
            Article.status == ArticleStatus.PUBLISHED,
            audience_clause(actor),
            _latest_required_number(Article.id).is_not(None),
            ~_acknowledged_clause(actor.id, Article.id),
        )
        .order_by(Article.updated_at.desc())
    )
    return list(db.session.scalars(statement))


def to_read_count(actor) -> int:
    if not can(actor, "kb.read"):
        return 0
    return len(to_read(actor))


def needs_acknowledgement(actor, article: Article) -> bool:
    if not article.is_published or not in_audience(article, actor):
        return False
    if db.session.scalar(select(_latest_required_number(article.id))) is None:
        return False
    return not db.session.scalar(select(_acknowledged_clause(actor.id, article.id)))


def acknowledge(actor, article: Article) -> Acknowledgement | None:
    """Record that `actor` read the article's current revision (once; a repeat changes nothing)."""
    ensure(actor, "kb.read", article)
    if not article.is_published:
        raise Invalid(_("Only a published article can be acknowledged."))
    revision_id = article.current_revision_id
    existing = db.session.scalar(
        select(Acknowledgement).where(Acknowledgement.user_id == actor.id, Acknowledgement.revision_id == revision_id)
    )
    if existing is not None:
        return existing
    acknowledgement = Acknowledgement(user_id=actor.id, revision_id=revision_id, at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(acknowledgement)
    except IntegrityError:  # the same click from two tabs
        return db.session.scalar(
            select(Acknowledgement).where(
                Acknowledgement.user_id == actor.id, Acknowledgement.revision_id == revision_id
            )
        )
    return acknowledgement


@object_rule("kb.report")
def _may_report(actor, branch_id) -> bool:
    return actor.role == Role.ADMIN or branch_id == actor.branch_id


@dataclass
class ReaderStatus:
    user: User
    acknowledged_at: object | None
    revision_number: int | None


@dataclass
class BranchSummary:
    branch: Branch | None
    readers: list[ReaderStatus]

    @property
    def done(self) -> int:
        return sum(1 for reader in self.readers if reader.acknowledged_at is not None)


def reading_report(actor, article: Article) -> tuple[int | None, list[BranchSummary]]:
    """Per branch, every active user the article is meant for and whether they acknowledged it.

    A manager sees their own branch; an administrator every branch.
    """
    ensure(actor, "kb.report")
    required_number = db.session.scalar(select(_latest_required_number(article.id)))
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.branch_id, User.name))
    readers = [user for user in users if in_audience(article, user) and _may_report(actor, user.branch_id)]
    acknowledged = {}
    if required_number is not None:
        rows = db.session.execute(
            select(Acknowledgement.user_id, func.max(Acknowledgement.at), func.max(ArticleRevision.number))
            .join(ArticleRevision, ArticleRevision.id == Acknowledgement.revision_id)
            .where(ArticleRevision.article_id == article.id, ArticleRevision.number >= required_number)
            .group_by(Acknowledgement.user_id)
        )
        acknowledged = {user_id: (at, number) for user_id, at, number in rows}
    by_branch: dict[int | None, BranchSummary] = {}
    for user in readers:
        at, number = acknowledged.get(user.id, (None, None))
        summary = by_branch.setdefault(user.branch_id, BranchSummary(user.branch, []))
        summary.readers.append(ReaderStatus(user, at, number))
    return required_number, list(by_branch.values())


# Views, votes, history


def count_view(article_id: int) -> None:
    db.session.execute(update(Article).where(Article.id == article_id).values(view_count=Article.view_count + 1))


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


@dataclass
class DiffLine:
    kind: str  # same | added | removed
    old_number: int | None
    new_number: int | None
    text: str


def diff(old: ArticleRevision, new: ArticleRevision) -> list[DiffLine]:
    """Line by line, what changed from `old` to `new` (titles first)."""
    old_lines = [f"# {old.title}", *old.body.splitlines()]
    new_lines = [f"# {new.title}", *new.body.splitlines()]
    lines = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", i1 + k + 1, j1 + k + 1, old_lines[i1 + k]) for k in range(i2 - i1)]
            continue
        lines += [DiffLine("removed", i + 1, None, old_lines[i]) for i in range(i1, i2)]
        lines += [DiffLine("added", None, j + 1, new_lines[j]) for j in range(j1, j2)]
    return lines
