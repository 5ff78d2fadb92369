"""Who is told what about the manual: everyone an article is meant for, of a revision they must read."""

from flask_babel import gettext as _

from intranet import events
from intranet.auth.models import User
from intranet.kb.events import RevisionPublished
from intranet.kb.models import Article
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.recipients import Recipient, people
from intranet.notifications.service import link_to, notify


def audience_of(article: Article) -> list[Recipient]:
    """The active people the article is meant for (its roles and branches; none named means everyone)."""
    conditions = []
    if article.roles:
        conditions.append(User.role.in_(article.roles))
    if article.branches:
        conditions.append(User.branch_id.in_([branch.id for branch in article.branches]))
    return people(*conditions)


@events.subscribe(RevisionPublished)
def tell_the_readers(event: RevisionPublished) -> None:
    revision = event.revision
    if not revision.required:
        return
    notify(
        audience_of(event.article),
        NotificationKind.MANUAL_REVISION,
        link_to("kb.show", article_id=event.article.id),
        lambda: (_("Please read: %(title)s", title=revision.title), revision.change_summary),
        actor=event.actor,
    )
