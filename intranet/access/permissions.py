"""The one permission mechanism: a route decorator, and a check for services that asks the scoping
module whether the object is within the actor's reach."""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.access import scoping
from intranet.access.roles import PERMISSIONS, Role
from intranet.errors import NotAllowed

PUBLIC = "public"


def can(actor, permission: str, obj=None) -> bool:
    """The actor's role holds `permission` and, for an object, the object is within their reach."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        return False
    if Role(actor.role) not in PERMISSIONS[permission]:
        return False
    return obj is None or scoping.allows(actor, obj, permission)


def ensure(actor, permission: str, obj=None) -> None:
    """Raise NotAllowed unless `actor` holds `permission` (for `obj`, when given)."""
    if not can(actor, permission, obj):
        raise NotAllowed(_("You are not allowed to do that."))


def _unauthenticated():
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request") == "true":
        # htmx follows HX-Redirect with a full navigation, so the login page replaces the whole app.
        return "", 401, {"HX-Redirect": login_url}
    if request.headers.get("X-Outbox") == "1":
        # The outbox must see "sign in first", not a login page it would take for success.
        return {"error": "login required", "login": login_url}, 401
    return redirect(login_url)


def requires(permission: str):
    """Route decorator: log in first, then hold `permission`, else 403."""
    if permission != PUBLIC and permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorate(view):
        if permission == PUBLIC:
            view.required_permission = PUBLIC
            return view

        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return _unauthenticated()
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_permission = permission
        return guarded

    return decorate


public = requires(PUBLIC)


def unguarded_endpoints(app) -> list[str]:
    """Endpoints whose view does not declare a permission: create_app refuses to start with any."""
    exempt = {"static"}
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in exempt and not hasattr(view, "required_permission")
    )
