"""Article bodies: Markdown to safe HTML, and to plain text for search.

markdown-it runs with raw HTML off, and nh3 (the ammonia sanitiser) then keeps only an allow-list
of tags and attributes, so neither Markdown nor pasted HTML can bring script, event handlers, style
or javascript:/data: links. Images may only come from our own attachments.
"""

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
IMAGE_SOURCE = re.compile(r"^/attachments/\d+(/thumbnail)?$")

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not IMAGE_SOURCE.match(value):
        return None  # outside images would leak who reads what, and could be anything
    return value


def render_markdown(body: str) -> Markup:
    html = _markdown.render(body or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)


def plain_text(body: str) -> str:
    """The words a reader sees, without Markdown marks or tags: indexed and cut into snippets."""
    html = _markdown.render(body or "")
    text = nh3.clean(html, tags=set(), attributes={})
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return re.sub(r"\s+", " ", text).strip()
