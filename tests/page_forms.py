"""What a page offers, read from its HTML: the links it shows and the forms it asks to be filled.

Generated tests use it to reach every route as a person would (following links, sending the forms they
are shown, with the values the page put in them).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    tag: str  # input, select, textarea
    type: str = "text"  # the input's type; "select" or "textarea" otherwise
    value: str = ""  # what the page sends when nobody touches it
    options: list[str] = field(default_factory=list)  # a select's or a radio group's values
    numeric: bool = False  # a number, a quantity or an id is expected here
    minimum: str = ""  # an <input type=number>'s min and max
    maximum: str = ""

    @property
    def is_file(self) -> bool:
        return self.type == "file"


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)
    page: str = ""  # the page that showed it
    submittable: bool = False  # it has a button (or sends itself on a change): a person can send it

    def values(self) -> dict[str, str]:
        """What submitting the form untouched sends (files aside)."""
        return {name: f.value for name, f in self.fields.items() if not f.is_file}


NUMERIC_INPUT_MODES = {"decimal", "numeric"}


class PageParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "option" and self._select is not None:
            self._option(attrs)
            return
        for name in ("href", "hx-get"):
            if attrs.get(name, "").startswith("/"):
                self.links.append(attrs[name])
        if tag == "form":
            post = next((attrs[a] for a in ("hx-post", "hx-put", "hx-delete") if a in attrs), None)
            method = "POST" if post is not None else attrs.get("method", "get").upper()
            self._form = Form(
                method=method,
                action=post or attrs.get("action") or self.page_url,
                multipart=attrs.get("enctype") == "multipart/form-data",
                page=self.page_url,
            )
            self.forms.append(self._form)
        elif self._form is None and "hx-post" in attrs:
            # an element that posts by itself (hx-trigger="load", a button outside a form): htmx sends it
            # with no fields but the page's CSRF header, so a person "sends" it by opening the page
            self.forms.append(
                Form(method="POST", action=attrs["hx-post"], multipart=False, page=self.page_url, submittable=True)
            )
        elif self._form is not None:
            kind = attrs.get("type", "submit" if tag == "button" else "").lower()
            if (tag in ("button", "input") and kind in ("submit", "image")) or "data-autosubmit" in attrs:
                self._form.submittable = True
            if "name" in attrs:
                self._field(tag, attrs)

    def _field(self, tag, attrs):
        form, name = self._form, attrs["name"]
        if tag == "button" and attrs.get("type", "submit") == "submit":
            # A named submit button sends its value; the first one stands for pressing the form's button.
            known = form.fields.setdefault(name, Field(name, tag, "button", attrs.get("value", "")))
            known.options.append(attrs.get("value", ""))
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            numeric = kind == "number" or attrs.get("inputmode") in NUMERIC_INPUT_MODES
            known = form.fields.get(name)
            if kind in ("radio", "checkbox"):
                known = known or Field(name, tag, kind, numeric=numeric)
                known.options.append(attrs.get("value", "on"))
                if "checked" in attrs:
                    known.value = attrs.get("value", "on")
                form.fields[name] = known
            else:
                form.fields[name] = Field(
                    name,
                    tag,
                    kind,
                    attrs.get("value", ""),
                    numeric=numeric,
                    minimum=attrs.get("min", ""),
                    maximum=attrs.get("max", ""),
                )
        elif tag == "select":
            self._select = Field(name, tag, "select")
            form.fields[name] = self._select
        elif tag == "textarea":
            self._textarea = Field(name, tag, "textarea")
            form.fields[name] = self._textarea

    def _option(self, attrs):
        select, value = self._select, attrs.get("value", "")
        select.options.append(value)
        if "selected" in attrs or len(select.options) == 1:
            select.value = value

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            options = self._select.options
            self._select.numeric = bool(options) and all(o.isdigit() for o in options if o)
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None


def read_page(page_url: str, html: str) -> tuple[list[str], list[Form]]:
    """The links (paths on this site) and the forms of a page."""
    parser = PageParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.links, parser.forms
