"""The dashboard's manual figure: how much of the required reading each branch has acknowledged."""

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from intranet.access import scoping
from intranet.access.permissions import can
from intranet.auth.models import User
from intranet.extensions import db
from intranet.figures import Bar, Cell, Chart, DashboardQuery, Figure, Section, Table, share
from intranet.kb.models import Acknowledgement, Article, ArticleRevision, ArticleStatus, in_audience


def _required_numbers():
    """Per article, the number of its latest revision that is required reading."""
    return (
        select(ArticleRevision.article_id, func.max(ArticleRevision.number).label("number"))
        .where(ArticleRevision.required.is_(True))
        .group_by(ArticleRevision.article_id)
        .subquery()
    )


def manual_section(query: DashboardQuery) -> Section | None:
    """Acknowledged (reader, article) pairs of the required reading, out of all such pairs, now.

    The same count as each article's reading report (kb.reading.reading_report), in three queries
    for every article at once: the readers within reach, the articles, and their acknowledgements.
    """
    if not can(query.actor, "kb.report"):
        return None
    required = _required_numbers()
    articles = list(
        db.session.scalars(
            select(Article)
            .join(required, required.c.article_id == Article.id)
            .where(Article.status == ArticleStatus.PUBLISHED)
            .options(selectinload(Article.branches))
            .order_by(Article.chapter, Article.position, Article.id)
        )
    )
    people = select(User).where(User.active.is_(True), scoping.visible(query.actor, User))
    if query.branch_id is not None:
        people = people.where(User.branch_id == query.branch_id)
    readers = list(db.session.scalars(people.options(selectinload(User.branch)).order_by(User.name)))
    acknowledged = set(
        db.session.execute(
            select(Acknowledgement.user_id, ArticleRevision.article_id)
            .join(ArticleRevision, ArticleRevision.id == Acknowledgement.revision_id)
            .join(required, required.c.article_id == ArticleRevision.article_id)
            .where(ArticleRevision.number >= required.c.number, Acknowledgement.user_id.in_([u.id for u in readers]))
            .distinct()
        ).all()
    )
    done_by_branch, total_by_branch, names = defaultdict(int), defaultdict(int), {}
    rows = []
    for article in articles:
        done = total = 0
        for reader in readers:
            if not in_audience(article, reader):
                continue
            read = (reader.id, article.id) in acknowledged
            names[reader.branch_id] = reader.branch.name if reader.branch else str(_l("No branch"))
            done_by_branch[reader.branch_id] += read
            total_by_branch[reader.branch_id] += 1
            done, total = done + read, total + 1
        link = query.link("kb.report", article_id=article.id, branch=None)
        rows.append([Cell(article.title, link), Cell(done), Cell(total), Cell(share(done, total))])
    section = Section("manual", _l("Required reading"))
    done, total = sum(done_by_branch.values()), sum(total_by_branch.values())
    section.figures = [
        Figure(
            "manual.compliance",
            _l("Required reading acknowledged"),
            share(done, total),
            query.link("kb.index", branch=None),
            unit="%",
            note=_l("%(done)d of %(total)d readings", done=done, total=total),
        )
    ]
    section.charts = [
        Chart(
            "manual.by_branch",
            _l("Required reading acknowledged, per branch"),
            [
                Bar(names[branch_id], share(done_by_branch[branch_id], total_by_branch[branch_id]) or 0)
                for branch_id in sorted(names, key=lambda key: names[key])
            ],
            unit="%",
            value_header=_l("Acknowledged, %"),
            label_header=_l("Branch"),
        )
    ]
    section.tables = [
        Table(
            "manual.articles",
            _l("Required articles"),
            [_l("Article"), _l("Acknowledged"), _l("Readers"), _l("%")],
            rows,
            empty=_l("No article is required reading."),
        )
    ]
    return section
