"""Which rows each person may see and act on: the one home of branch and ownership rules.

Every model that belongs to a branch (or to a person) registers a Scope here: where the row's branch
is (an attribute path such as "branch_id" or "site.customer.branch_id"), who owns it, and how far
each role reaches. Lists filter with `visible(actor, Model)`, one-object lookups go through
`get(actor, Model, id)`, and `allows(actor, obj, permission)` answers for an object in hand (the
permission check calls it). Views and services never derive branch ids from roles themselves.

It fails closed: an inactive actor, an unknown role or a non-admin without a branch reaches nothing
that is scoped by branch. tests/test_scoping.py walks every route of the app against this registry.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select, true
from sqlalchemy.sql import ColumnElement

from intranet.access.roles import Role
from intranet.db_types import MAX_ID
from intranet.errors import NotAllowed, NotFound
from intranet.extensions import db

NOTHING_HERE = _l("There is nothing at this address. It may have been removed.")


class Reach(StrEnum):
    ALL = "all"  # rows of every branch
    BRANCH = "branch"  # rows of the actor's branch
    OWN = "own"  # rows the actor owns (assigned to, requested by, inspector of...)
    BRANCH_OR_OWN = "branch_or_own"
    NONE = "none"


RoleReach = Mapping[Role, Reach]


@dataclass(frozen=True)
class Scope:
    model: type
    id_param: str | None  # the URL parameter that names one row, e.g. "job_id"
    branch: str | tuple[str, ...] | None  # attribute path(s) to the row's branch id (any may match)
    owner: str | None  # attribute path to the owning user's id
    view: RoleReach  # listing and looking up
    actions: Mapping[str, RoleReach]  # permissions that reach differently from viewing
    not_found: object
    hide: bool  # answer 404 rather than 403 for a row out of reach (its existence is private)
    # Custom rules, for rows reached otherwise (an article's audience, a file through what owns it):
    rows: Callable[[object], ColumnElement] | None = None  # SQL for the rows the actor may list
    allows: Callable[[object, object, str | None], bool] | None = None  # (actor, obj, permission) -> bool
    branch_of: Callable[[object], int | None] | None = None  # the one branch a row belongs to, if any

    def reach(self, role: Role, permission: str | None) -> Reach:
        table = self.actions.get(permission, self.view) if permission else self.view
        return table.get(role, Reach.NONE)


@dataclass(frozen=True)
class Unscoped:
    model: type
    id_param: str | None
    reason: str


_scopes: dict[type, Scope] = {}
_unscoped: dict[type, Unscoped] = {}


def _complete(reach: Mapping[Role, Reach] | Reach | None, base: Mapping[Role, Reach]) -> dict[Role, Reach]:
    """Fill in a role table: admin reaches every branch unless told otherwise, the rest their branch."""
    if isinstance(reach, Reach):
        reach = {role: reach for role in Role if role != Role.ADMIN}
    return {**base, **(reach or {})}


DEFAULT_REACH = {role: (Reach.ALL if role == Role.ADMIN else Reach.BRANCH) for role in Role}


def register(
    model: type,
    *,
    id_param: str | None,
    branch: str | tuple[str, ...] | None,
    owner: str | None = None,
    view: Mapping[Role, Reach] | Reach | None = None,
    actions: Mapping[str, Mapping[Role, Reach] | Reach] | None = None,
    not_found=None,
    hide: bool = False,
    rows: Callable[[object], ColumnElement] | None = None,
    allows: Callable[[object, object, str | None], bool] | None = None,
    branch_of: Callable[[object], int | None] | None = None,
) -> Scope:
    """Declare how far each role reaches into `model`; roles not named reach their own branch."""
    view_table = _complete(view, DEFAULT_REACH)
    if isinstance(branch, str):
        branch = (branch,)
    scope = Scope(
        model=model,
        id_param=id_param,
        branch=branch,
        owner=owner,
        view=view_table,
        actions={name: _complete(table, view_table) for name, table in (actions or {}).items()},
        not_found=not_found or NOTHING_HERE,
        hide=hide,
        rows=rows,
        allows=allows,
        branch_of=branch_of,
    )
    _scopes[model] = scope
    return scope


def unscoped(model: type, *, id_param: str | None, reason: str) -> None:
    """Declare a model that every permitted role may reach in full (the parts catalogue, templates)."""
    _unscoped[model] = Unscoped(model, id_param, reason)


def scopes() -> list[Scope]:
    return list(_scopes.values())


def unscoped_models() -> list[Unscoped]:
    return list(_unscoped.values())


def scope_of(model: type) -> Scope:
    try:
        return _scopes[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered with intranet.access.scoping") from None


# Attribute paths, as SQL and in Python


def _path_clause(model, path: str, compare: Callable[[object], ColumnElement]) -> ColumnElement:
    head, _, rest = path.partition(".")
    attribute = getattr(model, head)
    if not rest:
        return compare(attribute)
    return attribute.has(_path_clause(attribute.property.mapper.class_, rest, compare))


def _path_value(obj, path: str):
    for name in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _role_of(actor) -> Role | None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "active", False):
        return None
    try:
        return Role(actor.role)
    except ValueError:
        return None


# The three questions


def visible(actor, model: type, permission: str | None = None) -> ColumnElement:
    """SQL: the rows of `model` that `actor` may list (for `permission`, when it reaches differently)."""
    if model in _unscoped:
        return true()
    scope = scope_of(model)
    role = _role_of(actor)
    if role is None:
        return false()
    if scope.rows is not None:
        return scope.rows(actor)
    if scope.allows is not None:
        return false()  # reached one by one through its owner, never listed
    # The clause depends on nothing else than these: made once, reused by every list of every request.
    key = (model, permission, role, actor.branch_id, actor.id)
    clause = _visible_clauses.get(key)
    if clause is None:
        if len(_visible_clauses) >= VISIBLE_CLAUSES:
            _visible_clauses.clear()
        clause = _visible_clauses[key] = _visible_clause(scope, model, role, permission, actor)
    return clause


VISIBLE_CLAUSES = 20_000  # (model, role, person) triples; a bound, far above a busy day's
_visible_clauses: dict[tuple, ColumnElement] = {}


def _visible_clause(scope: Scope, model: type, role: Role, permission: str | None, actor) -> ColumnElement:
    reach = scope.reach(role, permission)
    if reach == Reach.ALL:
        return true()
    conditions = []
    if reach in (Reach.BRANCH, Reach.BRANCH_OR_OWN) and actor.branch_id is not None and scope.branch:
        for path in scope.branch:
            conditions.append(_path_clause(model, path, lambda column: column == actor.branch_id))
    if reach in (Reach.OWN, Reach.BRANCH_OR_OWN) and scope.owner:
        conditions.append(_path_clause(model, scope.owner, lambda column: column == actor.id))
    return or_(*conditions) if conditions else false()


def allows(actor, obj, permission: str | None = None) -> bool:
    """May `actor` see (or, with `permission`, act on) this one object?"""
    model = type(obj)
    if model in _unscoped:
        return _role_of(actor) is not None
    scope = scope_of(model)
    role = _role_of(actor)
    if role is None:
        return False
    if scope.allows is not None:
        return scope.allows(actor, obj, permission)
    reach = scope.reach(role, permission)
    if reach == Reach.ALL:
        return True
    in_branch = actor.branch_id is not None and any(
        _path_value(obj, path) == actor.branch_id for path in scope.branch or ()
    )
    owned = scope.owner is not None and _path_value(obj, scope.owner) == actor.id
    return {
        Reach.BRANCH: in_branch,
        Reach.OWN: owned,
        Reach.BRANCH_OR_OWN: in_branch or owned,
    }.get(reach, False)


def branch_of(obj) -> int | None:
    """The branch a row belongs to (None: it belongs to none, or to several)."""
    scope = scope_of(type(obj))
    if scope.branch_of is not None:
        return scope.branch_of(obj)
    for path in scope.branch or ():
        value = _path_value(obj, path)
        if value is not None:
            return value
    return None


def get(actor, model: type, object_id, permission: str | None = None, options: Iterable = ()):
    """The row `object_id` of `model` if `actor` may reach it: NotFound when there is none, else NotAllowed."""
    scope = _scopes.get(model)
    message = scope.not_found if scope else NOTHING_HERE
    if not isinstance(object_id, int) or not 0 < object_id <= MAX_ID:
        raise NotFound(str(message))
    obj = db.session.scalar(select(model).where(model.id == object_id).options(*options))
    if obj is None:
        raise NotFound(str(message))
    if not allows(actor, obj, permission):
        if scope is not None and scope.hide and not allows(actor, obj):
            raise NotFound(str(message))
        raise NotAllowed(str(_l("You are not allowed to do that.")))
    return obj


def list_branch(actor, requested: int | None) -> int | None:
    """The branch a list is about: the one asked for if the actor may see every branch, else their own."""
    role = _role_of(actor)
    if role is None:
        return None
    if DEFAULT_REACH.get(role) == Reach.ALL:
        return requested
    return actor.branch_id


def sees_every_branch(actor) -> bool:
    """Whether lists offer a choice of branch (an administrator's view of the whole company)."""
    return _role_of(actor) == Role.ADMIN
