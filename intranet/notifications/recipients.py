"""Who is told: active people picked by branch and role, as (id, language) pairs.

A notification needs only a person's id and language, so recipients are read as plain rows: telling
two thousand people about a manual revision loads no User objects.
"""

from dataclasses import dataclass

from sqlalchemy import select

from intranet.access.roles import Role
from intranet.auth.models import User
from intranet.extensions import db

DEFAULT_LOCALE = "zh_Hans"  # a person who never chose a language reads the app in Chinese


@dataclass(frozen=True)
class Recipient:
    id: int
    locale: str | None


def people(*conditions) -> list[Recipient]:
    rows = db.session.execute(select(User.id, User.locale).where(User.active.is_(True), *conditions).order_by(User.id))
    return [Recipient(row.id, row.locale) for row in rows]


def person(user_id: int | None) -> list[Recipient]:
    return people(User.id == user_id) if user_id is not None else []


def of_branch(branch_id: int | None, role: Role) -> list[Recipient]:
    """The active people of one role in one branch (none for a row without a branch)."""
    if branch_id is None:
        return []
    return people(User.branch_id == branch_id, User.role == role)
