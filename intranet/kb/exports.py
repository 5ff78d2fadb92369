"""The reading report as a file: who an article is meant for and whether they acknowledged it."""

from types import SimpleNamespace

from flask_babel import lazy_gettext as _l

from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.exporting import Column, declare
from intranet.kb import reading, service
from intranet.listing import id_filter


def _readers(actor, args) -> list[SimpleNamespace]:
    """The report's lines as plain values: they are written after the request's session is gone."""
    article = service.get_article(actor, id_filter(args, "article") or 0)
    _required, branches = reading.reading_report(actor, article)
    return [
        SimpleNamespace(
            id=reader.user.id,
            name=reader.user.name,
            role=Role(reader.user.role).label,
            branch=summary.branch.name if summary.branch else None,
            acknowledged_at=reader.acknowledged_at,
            revision=reader.revision_number,
        )
        for summary in branches
        for reader in summary.readers
    ]


READING_REPORT = declare(
    "reading-report",
    title=_l("Who has read it"),
    model=User,
    permission="kb.report",
    rows=_readers,
    columns=[
        Column(_l("ID"), lambda reader: reader.id),
        Column(_l("Name"), lambda reader: reader.name),
        Column(_l("Role"), lambda reader: reader.role),
        Column(_l("Branch"), lambda reader: reader.branch),
        Column(_l("Acknowledged"), lambda reader: reader.acknowledged_at),
        Column(_l("Revision"), lambda reader: reader.revision),
    ],
)
