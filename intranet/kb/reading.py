"""Required reading: who must read what, acknowledgements, and the report of who has read it.

A revision published as required asks everyone in the article's audience to read and acknowledge
it; an acknowledgement of that revision or a later one settles it, so a newer required revision
asks again.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from intranet.access import scoping
from intranet.access.permissions import can, ensure
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.db_types import utcnow
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.kb.models import Acknowledgement, Article, ArticleRevision, ArticleStatus, audience_clause, in_audience
from intranet.listing import prepared, read_rows


def _latest_required_number(article_id):
    required = aliased(ArticleRevision)  # its own alias: it sits inside queries of revisions
    # Correlated to the article of whatever query it sits in, however deep: inside an EXISTS,
    # automatic correlation looks one level up only and took every article's revisions instead.
    return (
        select(func.max(required.number))
        .where(required.article_id == article_id, required.required.is_(True))
        .correlate_except(required)
        .scalar_subquery()
    )


def _acknowledged_clause(user_id, article_id):
    return exists().where(
        Acknowledgement.user_id == user_id,
        Acknowledgement.revision_id == ArticleRevision.id,
        ArticleRevision.article_id == article_id,
        ArticleRevision.number >= _latest_required_number(article_id),
    )


def _to_read_statement(actor, reader_id):
    return select(Article).where(
        Article.status == ArticleStatus.PUBLISHED,
        audience_clause(actor),
        _latest_required_number(Article.id).is_not(None),
        ~_acknowledged_clause(reader_id, Article.id),
    )


def to_read(actor) -> list[Article]:
    """Published articles meant for `actor` whose latest required revision they have not acknowledged."""
    return list(db.session.scalars(_to_read_statement(actor, actor.id).order_by(Article.updated_at.desc())))


def to_read_count(actor) -> int:
    """How many articles `actor` still has to read: the navigation shows it on every page, so one count."""
    if not can(actor, "kb.read"):
        return 0
    # Built once per role and branch (the audience), the reader bound per call: building this
    # statement cost more than running it.
    statement = prepared(
        ("kb.to_read_count", actor.role, actor.branch_id),
        lambda: select(func.count()).select_from(_to_read_statement(actor, bindparam("reader_id")).subquery()),
    )
    return read_rows(statement, {"reader_id": actor.id}).scalar()


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
    users = db.session.scalars(
        select(User).where(User.active.is_(True), scoping.visible(actor, User)).order_by(User.branch_id, User.name)
    )
    readers = [user for user in users if in_audience(article, user)]
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
