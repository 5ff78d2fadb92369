"""Creating, editing and deactivating branches (admin only)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.branches.models import Branch
from intranet.errors import Conflict
from intranet.extensions import db
from intranet.listing import contains_text


@dataclass
class BranchData:
    code: str
    name: str
    city: str = ""
    address: str = ""
    phone: str = ""


def active_branches() -> list[Branch]:
    return list(db.session.scalars(select(Branch).where(Branch.active.is_(True)).order_by(Branch.name)))


def search_branches(actor, query: str = ""):
    ensure(actor, "branches.manage")
    return (
        select(Branch)
        .where(contains_text(query, Branch.code, Branch.name, Branch.city))
        .order_by(Branch.active.desc(), Branch.name)
    )


def get_branch(actor, branch_id: int) -> Branch:
    ensure(actor, "branches.manage")
    return scoping.get(actor, Branch, branch_id)


def _check_code_free(code: str, branch: Branch | None) -> None:
    taken = db.session.scalar(select(Branch.id).where(Branch.code == code))
    if taken is not None and (branch is None or taken != branch.id):
        raise Conflict(_("The branch code %(code)s is already used.", code=code))


def _apply(branch: Branch, data: BranchData) -> None:
    branch.code = data.code.strip().upper()
    branch.name = data.name.strip()
    branch.city = data.city.strip()
    branch.address = data.address.strip()
    branch.phone = data.phone.strip()


def create_branch(actor, data: BranchData) -> Branch:
    if actor is not None:
        ensure(actor, "branches.manage")
    _check_code_free(data.code.strip().upper(), None)
    branch = Branch()
    _apply(branch, data)
    db.session.add(branch)
    db.session.flush()
    return branch


def update_branch(actor, branch: Branch, data: BranchData) -> Branch:
    ensure(actor, "branches.manage")
    _check_code_free(data.code.strip().upper(), branch)
    _apply(branch, data)
    db.session.flush()
    return branch


def set_branch_active(actor, branch: Branch, active: bool) -> Branch:
    ensure(actor, "branches.manage")
    branch.active = active
    db.session.flush()
    return branch
