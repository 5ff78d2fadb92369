"""Who is signed in, told to the service worker: it must never serve one person's kept pages to another.

The session and remember-me cookies are HttpOnly, and offline the service worker cannot ask the server.
So every answer says whose it is (X-User, or empty), and a readable companion cookie carries the signed-in
user's id: the browser drops it with the session (expiry, cookies cleared), the server clears it when
nobody is signed in. The worker keeps pages per user and serves only the companion's user's (static/js/sw.js).
"""

from flask import current_app, g, request, session
from flask_login import current_user
from sqlalchemy import inspect

from intranet.sessions import is_background_request

USER_COOKIE = "intranet_user"


def _remembered(response) -> bool:
    """Signed in with "keep me signed in": the companion lasts as long as the remember-me cookie."""
    name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    being_set = any(value.startswith(f"{name}=") for value in response.headers.getlist("Set-Cookie"))
    return name in request.cookies or being_set or session.get("_remember") == "set"


def _answer_user_id() -> str:
    """Whose answer this is: the id of the user signed in for this request, or empty.

    Runs after the request's commit, which expires every loaded row: asking the user row whether it is
    active would read it from the database again. The loader only hands out active users, and nobody
    can deactivate themselves, so the identity of the user loaded (or signed in) by this request says it.
    """
    user = g.get("_login_user")
    if user is None:
        user = current_user._get_current_object()
    if user.is_anonymous:
        return ""
    state = inspect(user, raiseerr=False)
    if state is not None and state.expired and state.identity is not None:
        return str(state.identity[0])
    return str(user.id) if user.is_authenticated else ""


def tell_the_service_worker(response):
    """After every request: whose answer this is, and the companion cookie that says who is signed in."""
    if request.endpoint == "static":
        return response  # the same for everyone, and not worth loading the user for
    user = _answer_user_id()
    response.headers["X-User"] = user
    if is_background_request() and not session.modified:
        return response  # sent before a sign-in or a sign-out, it may arrive after it: the cookie is left alone
    known = request.cookies.get(USER_COOKIE, "")
    config = current_app.config
    if user:
        remembered = _remembered(response)
        # A plain session's companion follows it (refreshed by every request, as the session is); a
        # remembered one's is set once, to end with the remember-me cookie.
        if known != user or not remembered:
            lifetime = config["REMEMBER_COOKIE_DURATION"] if remembered else config["PERMANENT_SESSION_LIFETIME"]
            response.set_cookie(
                USER_COOKIE,
                user,
                max_age=int(lifetime.total_seconds()),
                secure=config["SESSION_COOKIE_SECURE"],
                samesite="Lax",
                httponly=False,  # read by the service worker (cookieStore)
            )
    elif known:
        response.delete_cookie(USER_COOKIE, samesite="Lax", secure=config["SESSION_COOKIE_SECURE"])
    return response
