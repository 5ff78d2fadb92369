"""Who is signed in, told to the service worker: it must never serve one person's kept pages to another.

The session and remember-me cookies are HttpOnly, and offline the service worker cannot ask the server.
So every answer says whose it is (X-User, or empty), and a readable companion cookie carries the signed-in
user's id: the browser drops it with the session (expiry, cookies cleared), the server clears it when
nobody is signed in. The worker keeps pages per user and serves only the companion's user's (static/js/sw.js).
"""

from flask import current_app, request, session
from flask_login import current_user

from intranet.sessions import is_background_request

USER_COOKIE = "intranet_user"


def _remembered(response) -> bool:
    """Signed in with "keep me signed in": the companion lasts as long as the remember-me cookie."""
    name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    being_set = any(value.startswith(f"{name}=") for value in response.headers.getlist("Set-Cookie"))
    return name in request.cookies or being_set or session.get("_remember") == "set"


def tell_the_service_worker(response):
    """After every request: whose answer this is, and the companion cookie that says who is signed in."""
    if request.endpoint == "static":
        return response  # the same for everyone, and not worth loading the user for
    user = str(current_user.id) if current_user.is_authenticated else ""
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
