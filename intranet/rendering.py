"""One place decides whether a request gets a whole page or only a fragment of it."""

from flask import make_response, render_template

from intranet.extensions import htmx


def wants_fragment() -> bool:
    """An htmx swap wants a fragment; boosted navigation and history restores want the whole page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page_template: str, /, fragments: dict[str, str] | None = None, status: int = 200, **context):
    """Render `page`, or the fragment registered for the request's HX-Target.

    Fragments are chosen by the element they replace (HX-Target), never by the element that
    triggered the request, so moving a button cannot change what comes back.
    """
    template = page_template
    if fragments and wants_fragment():
        template = fragments.get(htmx.target or "", page_template)
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def render_with_parts(page_template: str, /, parts: dict[str, str], **context):
    """Render `page`, given its parts rendered already (`parts` in its context), or only the part the
    request's HX-Target names: render() for a page whose parts the view renders (templating.rendered_part)."""
    if wants_fragment() and htmx.target in parts:
        response = make_response(parts[htmx.target])
    else:
        response = make_response(render_template(page_template, parts=parts, **context))
    response.vary.add("HX-Request")
    return response


def render_fragment(template: str, /, status: int = 200, **context):
    """A fragment that only exists as a fragment (an inline-edit row, say)."""
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
