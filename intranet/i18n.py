"""Which language and time zone a request is served in."""

from flask import current_app, has_request_context, request, session
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
