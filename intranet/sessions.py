"""The session cookie: refreshed by the pages a person opens, never by a background request.

A permanent session's cookie is sent again with every answer (a later expiry). An answer to a request the
browser sent before a sign-in (the service worker's update check of /sw.js, the outbox asking for a token)
would then put the old session back when it arrives after the sign-in's answer: the person is signed out
again at once. So a request that changes nothing in the session refreshes it only when it is a page
(a navigation or an htmx request); a background one leaves the cookie alone.
"""

from flask import request
from flask.sessions import SecureCookieSessionInterface


def is_background_request() -> bool:
    """Sent by the browser on its own (fetch, a service worker), not a page someone opened."""
    mode = request.headers.get("Sec-Fetch-Mode")
    return mode is not None and mode != "navigate" and request.headers.get("HX-Request") != "true"


class PageRefreshedSessions(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session) -> bool:
        if session.modified:
            return True
        return super().should_set_cookie(app, session) and not is_background_request()
