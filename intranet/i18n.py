"""Which language and time zone a request is served in, and its catalogue found once per request."""

from functools import cached_property

import flask_babel
from flask import current_app, g, has_request_context, request, session
from flask_login import current_user

LOCALES = ("zh_Hans", "en")
LOCALE_NAMES = {"zh_Hans": "中文", "en": "English"}


def locale_from_accept_language(accept_languages) -> str | None:
    # Browsers say zh-CN, zh-Hans or zh; we have one Chinese catalogue, simplified.
    for tag, _quality in accept_languages:
        tag = tag.lower()
        if tag.startswith("zh"):
            return "zh_Hans"
        if tag.startswith("en"):
            return "en"
    return None


def select_locale() -> str:
    if not has_request_context():
        return "en"  # services run from commands and tests speak English
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    return locale_from_accept_language(request.accept_languages) or "zh_Hans"


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _babel_state():
    """Flask-Babel's per-request state (its locale), read from g without going through the proxy twice."""
    try:
        return getattr(g._get_current_object(), "_flask_babel", None)
    except RuntimeError:  # no application context
        return None


class RequestCachedDomain(flask_babel.Domain):
    """Flask-Babel's domain, whose catalogue look-up costs a dictionary read after the first of a request.

    Every gettext (a template's, a lazy label's) asks for the catalogue; Flask-Babel finds it again each
    time (the request state, the locale, its name), a few microseconds that a page pays a hundred times.
    The catalogue is kept with the locale object it was found for, so force_locale() and refresh(),
    which replace that object, are obeyed.
    """

    def get_translations(self):
        state = _babel_state()
        cached = getattr(state, "request_translations", None)
        if cached is not None and cached[0] is getattr(state, "babel_locale", None) and cached[1] is self:
            return cached[2]
        translations = super().get_translations()
        state = _babel_state()  # the first look-up makes the state and picks the locale
        if state is not None and getattr(state, "babel_locale", None) is not None:
            state.request_translations = (state.babel_locale, self, translations)
        return translations


class Babel(flask_babel.Babel):
    @cached_property
    def domain_instance(self):
        return RequestCachedDomain(domain=self.domain)
