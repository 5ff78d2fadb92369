"""Template helpers for the pages rendered most: fast local times, per-request label tables, and
gettext and url_for at the cost of a dictionary look-up.

Babel's date formatting (~23 us a call) and gettext through Jinja (~20 us) add up on a list of
25 rows with a dozen of each; these do the work once per request instead of once per cell.
"""

import re
import secrets
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from flask import Flask, current_app, g, render_template, request, url_for
from flask_babel import get_locale, get_timezone
from flask_wtf.csrf import generate_csrf
from jinja2 import Template, pass_eval_context
from markupsafe import Markup

from intranet.extensions import babel

# One date style per language, everywhere (Babel's own "short" and "full" styles differ in order from
# these); "day" adds the weekday to the same date, for a page's heading.
_PATTERNS = {
    "zh_Hans": {"datetime": "%Y/%m/%d %H:%M", "date": "%Y/%m/%d", "time": "%H:%M", "day": "{date} {weekday}"},
    "en": {"datetime": "%d/%m/%Y %H:%M", "date": "%d/%m/%Y", "time": "%H:%M", "day": "{weekday} {date}"},
}
# name -> a LabelledEnum whose labels a list shows per row; modules add theirs with label_table().
_ENUMS: dict[str, type] = {}


def label_table(name: str, enum: type) -> None:
    """Make `labels(name)` in templates the value -> label table of `enum`, translated once per request."""
    _ENUMS[name] = enum


def _settings() -> dict:
    locale = str(get_locale())
    return {
        "zone": ZoneInfo(str(get_timezone())),
        "patterns": _PATTERNS.get(locale, _PATTERNS["en"]),
        "weekdays": get_day_names("wide", locale=get_locale()),
        "labels": {},
    }


def _request_cache() -> dict:
    store = g._get_current_object()  # the request's g once, not through the proxy per attribute
    cache = getattr(store, "template_cache", None)
    if cache is None:
        cache = store.template_cache = _settings()
    return cache


def _format(moment, style: str, settings: dict) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        moment = moment.astimezone(settings["zone"])
    elif not isinstance(moment, date):
        raise TypeError(f"not a date: {moment!r}")
    patterns = settings["patterns"]
    if style == "day":
        weekday = settings["weekdays"][moment.weekday()]
        return patterns["day"].format(date=moment.strftime(patterns["date"]), weekday=weekday)
    return moment.strftime(patterns[style])


def local_time(moment, style: str = "datetime") -> str:
    """A UTC datetime in the user's zone, or a date, in the language's one style: e.g. 2026/11/24 09:30.

    style: "datetime", "date", "time", or "day" (the date with its weekday)."""
    return _format(moment, style, _request_cache())


def format_moment(moment, style: str = "datetime") -> str:
    """local_time for messages written outside a page (flash messages, notifications): the same style,
    for the locale in force now (a notification is written in its recipient's language)."""
    return _format(moment, style, _settings())


def labels(kind: str) -> dict[str, str]:
    """value -> translated label for an enum registered with label_table(), translated once per request."""
    cache = _request_cache()["labels"]
    if kind not in cache:
        cache[kind] = {member.value: str(member.label) for member in _ENUMS[kind]}
    return cache[kind]


def list_url(endpoint: str, args, **changes) -> str:
    """A list's address with the request's filters kept and `changes` applied.

    url_for's own arguments (_external, _scheme, _method, _anchor) never come from the request: passed
    through, they would make a link to another scheme or a build error.
    """
    kept = {name: value for name, value in args.items() if not name.startswith("_")}
    return url_for(endpoint, **{**kept, **changes})


def new_client_id() -> str:
    """A fresh key for an offline-capable form (the page makes its own when it opens: offline.js)."""
    return str(uuid.uuid4())


def _catalogue():
    return babel.domain_instance.get_translations()  # cached per request: see i18n.RequestCachedDomain


# (catalogue, text) -> the text translated as markup, for `_("...")` without variables: a page says
# dozens, the same ones on every request.
_TRANSLATED: dict[tuple, Markup] = {}
_TRANSLATED_LIMIT = 20_000  # the catalogues' texts a few times over; at the bound all are dropped


@pass_eval_context
def _template_gettext(eval_ctx, text: str, **variables) -> str:
    """Jinja's new-style gettext (markup when escaping, always %-formatted), with a text without
    variables translated once per catalogue. Jinja's own goes through three context calls and formats
    the markup again on every use: half of a small part's rendering on the desk."""
    catalogue = _catalogue()
    if not eval_ctx.autoescape:
        return catalogue.ugettext(text) % variables
    if variables:
        return Markup(catalogue.ugettext(text)) % variables
    key = (catalogue, text)
    translated = _TRANSLATED.get(key)
    if translated is None:
        if len(_TRANSLATED) >= _TRANSLATED_LIMIT:
            _TRANSLATED.clear()
        translated = _TRANSLATED[key] = Markup(catalogue.ugettext(text)) % {}
    return translated


def _install_fast_gettext(app: Flask) -> None:
    """What Flask-Babel installs, minus finding the domain through the request state on every call."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_` is an alias Jinja resolves to `gettext` on every call: both are the cached one.
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext)


# (script root, endpoint, argument names, static file) -> the address cut where the ids go, and which
# argument goes in each cut. A page's links differ only by their ids: werkzeug finds and builds the
# rule once, later calls join strings.
_ADDRESSES: dict[tuple, tuple[tuple[str, ...], tuple[int, ...]] | None] = {}
_ADDRESSES_LIMIT = 5000
_SENTINEL = 730_519_146_000  # a number no address holds by itself, replaced by each id


def _address_pattern(endpoint: str, names: tuple[str, ...], filename):
    """The address built with a sentinel per id, cut into the text around them; None when it cannot be
    (an endpoint with several rules or defaults may pick another rule for another value; url_defaults
    functions may add arguments)."""
    rules = list(current_app.url_map.iter_rules(endpoint))
    if len(rules) != 1 or rules[0].defaults or any(current_app.url_default_functions.values()):
        return None
    sentinels = [str(_SENTINEL + n) for n in range(len(names))]
    extra = {} if filename is None else {"filename": filename}
    built = url_for(endpoint, **dict(zip(names, map(int, sentinels), strict=True)), **extra)
    pieces = re.split("(" + "|".join(sentinels) + ")", built) if sentinels else [built]
    if sorted(pieces[1::2]) != sorted(sentinels):  # each id exactly once, as itself
        return None
    return tuple(pieces[0::2]), tuple(int(piece) - _SENTINEL for piece in pieces[1::2])


def fast_url_for(endpoint: str, **values) -> str:
    """url_for for templates: addresses whose arguments are ids (and a static file's name) come from a pattern."""
    filename = values.pop("filename", None) if endpoint == "static" else None
    try:
        script_root = request._get_current_object().script_root
    except RuntimeError:  # outside a request: url_for knows what to do
        script_root = None
    if script_root is None or endpoint.startswith(".") or any(type(v) is not int or v < 0 for v in values.values()):
        if filename is not None:
            values["filename"] = filename
        return url_for(endpoint, **values)
    names = tuple(values)
    key = (script_root, endpoint, names, filename)
    if key in _ADDRESSES:
        pattern = _ADDRESSES[key]
    else:
        pattern = _address_pattern(endpoint, names, filename)
        if len(_ADDRESSES) < _ADDRESSES_LIMIT:
            _ADDRESSES[key] = pattern
    if pattern is None:
        if filename is not None:
            values["filename"] = filename
        return url_for(endpoint, **values)
    texts, order = pattern
    if not order:
        return texts[0]
    ids = tuple(values.values())
    parts = [texts[0]]
    for index, text in zip(order, texts[1:], strict=True):
        parts.append(str(ids[index]))
        parts.append(text)
    return "".join(parts)


# (key, locale) -> HTML that is the same for everyone who reads that language (an empty form's fields),
# or for everyone the key names (the navigation bar of a role on a page, with its badges' counts; a desk
# part with its rows).
_RENDERED: dict[tuple, Markup] = {}
_RENDERED_LIMIT = 5000  # a few hundred bars, a few KB a part; at the bound all are dropped and made again


def rendered_for(key: tuple, render, *args) -> Markup:
    """`render(*args)` (a macro) rendered once per `key` and language and kept; rendered every time while
    templates reload.

    `key` must name everything the markup depends on besides the language: no token, no user's data
    that the key does not hold.
    """
    if current_app.jinja_env.auto_reload:
        return render(*args)
    full_key = (*key, str(get_locale()))
    html = _RENDERED.get(full_key)
    if html is None:
        if len(_RENDERED) >= _RENDERED_LIMIT:
            _RENDERED.clear()
        html = _RENDERED[full_key] = Markup(render(*args))
    return html


def rendered_once(name: str, render) -> Markup:
    """`render()` (a macro) rendered once per language and kept.

    Only for markup that depends on nothing but the language: no data, no errors, no token, no user.
    """
    return rendered_for((name,), render)


# Where a kept part's forms take the request's CSRF token: random, so no text a user wrote is ever it.
_TOKEN_SLOT = f"csrf-{secrets.token_hex(16)}"


def _frozen(value):
    """A part's value as a key: its lists as tuples, its tables as sorted pairs (rows are named tuples)."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return value


def rendered_part(template: str, **context) -> Markup:
    """A partial rendered once per language and `context`, and kept; the request's CSRF token put in place
    of the one its forms were rendered with. For the parts a page shows all day, to many people, with the
    same rows: the desk's, which its receptionists reload every half minute.

    The context is the key, so it must hold everything the partial shows (ids, not records), and the
    partial may read nothing else of the request or of the user: no `current_user`, no `request`.
    """
    key = ("part", template, *((name, _frozen(value)) for name, value in context.items()))
    html = rendered_for(key, lambda: Markup(render_template(template, csrf_token=lambda: _TOKEN_SLOT, **context)))
    if _TOKEN_SLOT in html:
        html = Markup(html.replace(_TOKEN_SLOT, generate_csrf()))
    return html


class PageTemplate(Template):
    """A template whose render empties its context when done. The macros a template defines (the
    layout's navigation, say) hold the context that holds them: each page's data, its rows, then waited
    for the garbage collector, which the desk page woke on every other request."""

    def render(self, *args, **kwargs) -> str:
        if self.environment.is_async:
            return super().render(*args, **kwargs)
        context = self.new_context(dict(*args, **kwargs))
        try:
            return self.environment.concat(self.root_render_func(context))
        except Exception:
            self.environment.handle_exception()
        finally:
            context.vars.clear()


def register(app: Flask) -> None:
    app.jinja_env.template_class = PageTemplate  # before any template is loaded
    _install_fast_gettext(app)
    app.jinja_env.globals["url_for"] = fast_url_for
    app.jinja_env.globals["list_url"] = list_url
    app.jinja_env.globals["new_client_id"] = new_client_id
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["rendered_once"] = rendered_once
    app.jinja_env.globals["rendered_for"] = rendered_for
