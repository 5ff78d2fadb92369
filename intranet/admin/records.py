"""The kinds of record an administrator manages in a table, each declared once.

A kind names its service calls, its form and data class, the columns of its table, the fields of
its inline editor and what its screens say; views.py serves every kind with one set of routes and
templates/admin/ with one set of pages and fragments.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from intranet.admin.forms import BranchForm, UserForm
from intranet.auth import service as accounts
from intranet.branches import service as branches


@dataclass(frozen=True)
class Column:
    label: object
    value: Callable[[object], str]
    code: bool = False  # an identifier, shown in monospace


@dataclass(frozen=True)
class Texts:
    """What the screens say about one kind; the texts naming a record (or a search) take it."""

    title: object  # the list page: "Users"
    new: object  # its button and the new page's title: "New user"
    create: object  # the new page's submit button
    edit_title: object
    search_label: object
    search_placeholder: object
    none_yet: object
    no_match: Callable[[str], str]
    count: Callable[[int], str]
    edit_heading: Callable[[object], str]
    created: Callable[[object], str]
    saved: Callable[[object], str]
    activated: Callable[[object], str]
    deactivated: Callable[[object], str]
    confirm_deactivate: Callable[[object], str]


# A kind's routes, by action: endpoint name (from the kind's names) and path below /admin.
ACTIONS = {
    "list": ("{plural}", "/{plural}"),
    "new": ("new_{name}", "/{plural}/new"),
    "row": ("{name}_row", "/{plural}/<int:{id_param}>"),
    "edit": ("edit_{name}", "/{plural}/<int:{id_param}>/edit"),
    "active": ("set_{name}_active", "/{plural}/<int:{id_param}>/active"),
}


@dataclass(frozen=True)
class RecordKind:
    name: str  # "user": endpoints, element ids ("user-table", "user-7")
    plural: str  # "users": the list's endpoint and path
    id_param: str  # the URL parameter naming one record, as registered with scoping
    permission: str
    search: Callable  # (actor, text) -> select statement
    get: Callable  # (actor, id) -> record
    create: Callable  # (actor, data) -> record
    update: Callable  # (actor, record, data) -> record
    set_active: Callable  # (actor, record, active) -> record
    form: Callable  # (record or None) -> the form, filled from the record when editing
    data: type  # the service's data class, filled from the form's fields of the same names
    columns: tuple[Column, ...]  # the table's columns; a status column follows them
    form_fields: tuple[str, ...]  # the new and edit pages' fields, in order
    editor: tuple[str, ...]  # the inline editor's fields, one per column, the status column included
    texts: Texts
    search_term: Callable[[object], str]  # what to search for to find this record again
    wide_fields: frozenset[str] = frozenset()  # fields spanning both columns of the page form
    prompts: Mapping[str, object] = field(default_factory=dict)  # an editor field's placeholder
    may_deactivate: Callable[[object, object], bool] = lambda actor, record: True

    def endpoint(self, action: str) -> str:
        return ACTIONS[action][0].format(name=self.name, plural=self.plural)

    def rule(self, action: str) -> str:
        return ACTIONS[action][1].format(name=self.name, plural=self.plural, id_param=self.id_param)

    def url(self, action: str, record=None, **args) -> str:
        if record is not None:
            args[self.id_param] = record.id
        return url_for(f"admin.{self.endpoint(action)}", **args)

    @property
    def table_id(self) -> str:
        """The element holding the table, which a search or a page link replaces ("user-table")."""
        return f"{self.name}-table"

    def row_id(self, record) -> str:
        """The element of a record's row, which its editor replaces ("user-7")."""
        return f"{self.name}-{record.id}"


def _user_form(user):
    return UserForm(obj=user, branches=branches.active_branches(), require_password=user is None)


USERS = RecordKind(
    name="user",
    plural="users",
    id_param="user_id",
    permission="users.manage",
    search=accounts.search_users,
    get=accounts.get_user,
    create=accounts.create_user,
    update=accounts.update_user,
    set_active=accounts.set_user_active,
    form=_user_form,
    data=accounts.UserData,
    columns=(
        Column(_l("Login"), lambda user: user.login, code=True),
        Column(_l("Name"), lambda user: user.name),
        Column(_l("Role"), lambda user: user.role_enum.label),
        Column(_l("Branch"), lambda user: user.branch.name if user.branch else "—"),
    ),
    form_fields=("login", "name", "role", "branch_id", "password"),
    editor=("login", "name", "role", "branch_id", "password"),
    prompts={"password": _l("New password (optional)")},
    texts=Texts(
        title=_l("Users"),
        new=_l("New user"),
        create=_l("Create user"),
        edit_title=_l("Edit user"),
        search_label=_l("Search users"),
        search_placeholder=_l("Login, name or branch"),
        none_yet=_l("No users yet."),
        no_match=lambda q: _("No user matches “%(q)s”.", q=q),
        count=lambda n: ngettext("%(num)d user", "%(num)d users", n),
        edit_heading=lambda user: _("Edit user %(login)s", login=user.login),
        created=lambda user: _("User %(login)s created.", login=user.login),
        saved=lambda user: _("User %(login)s saved.", login=user.login),
        activated=lambda user: _("User %(login)s is now active.", login=user.login),
        deactivated=lambda user: _("User %(login)s has been deactivated.", login=user.login),
        confirm_deactivate=lambda user: _("Deactivate %(name)s? They will be signed out everywhere.", name=user.name),
    ),
    search_term=lambda user: user.login,
    # The service refuses it too; the row does not offer it.
    may_deactivate=lambda actor, user: user.id != actor.id,
)

BRANCHES = RecordKind(
    name="branch",
    plural="branches",
    id_param="branch_id",
    permission="branches.manage",
    search=branches.search_branches,
    get=branches.get_branch,
    create=branches.create_branch,
    update=branches.update_branch,
    set_active=branches.set_branch_active,
    form=lambda branch: BranchForm(obj=branch),
    data=branches.BranchData,
    columns=(
        Column(_l("Code"), lambda branch: branch.code, code=True),
        Column(_l("Name"), lambda branch: branch.name),
        Column(_l("City"), lambda branch: branch.city),
        Column(_l("Address"), lambda branch: branch.address),
        Column(_l("Phone"), lambda branch: branch.phone),
    ),
    form_fields=("code", "name", "city", "phone", "address"),
    wide_fields=frozenset({"address"}),
    editor=("code", "name", "city", "address", "phone"),
    texts=Texts(
        title=_l("Branches"),
        new=_l("New branch"),
        create=_l("Create branch"),
        edit_title=_l("Edit branch"),
        search_label=_l("Search branches"),
        search_placeholder=_l("Code, name or city"),
        none_yet=_l("No branches yet."),
        no_match=lambda q: _("No branch matches “%(q)s”.", q=q),
        count=lambda n: ngettext("%(num)d branch", "%(num)d branches", n),
        edit_heading=lambda branch: _("Edit branch %(name)s", name=branch.name),
        created=lambda branch: _("Branch %(name)s created.", name=branch.name),
        saved=lambda branch: _("Branch %(name)s saved.", name=branch.name),
        activated=lambda branch: _("Branch %(name)s is now active.", name=branch.name),
        deactivated=lambda branch: _("Branch %(name)s has been deactivated.", name=branch.name),
        confirm_deactivate=lambda branch: _("Deactivate %(name)s?", name=branch.name),
    ),
    search_term=lambda branch: branch.code,
)

KINDS = (USERS, BRANCHES)
