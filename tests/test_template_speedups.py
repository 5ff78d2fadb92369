"""The template shortcuts taken for speed answer exactly what the slow path answers."""

import gc
import weakref

import jinja2
import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale, get_translations

from intranet.templating import fast_url_for


def _id_arguments(rule) -> dict[str, int] | None:
    """Ids for every argument of a rule whose arguments are all ids; None for other rules."""
    if any(type(rule._converters[name]).__name__ != "IdConverter" for name in rule.arguments):
        return None
    return {name: 12345 + n for n, name in enumerate(sorted(rule.arguments))}


@pytest.mark.parametrize("base_url", ["http://localhost/", "http://localhost/intranet/"])
def test_fast_url_for_builds_what_url_for_builds(app, base_url):
    with app.test_request_context("/", base_url=base_url):
        checked = 0
        for rule in app.url_map.iter_rules():
            ids = _id_arguments(rule)
            if ids is None or rule.endpoint == "static":
                continue
            for extra in ({}, {"page": 3}):
                expected = url_for(rule.endpoint, **ids, **extra)
                for _ in range(2):  # the first call makes the pattern, the second uses it
                    assert fast_url_for(rule.endpoint, **ids, **extra) == expected
                    checked += 1
        assert checked > 100
        assert fast_url_for("static", filename="css/app.css") == url_for("static", filename="css/app.css")
        # Arguments that are not ids take url_for's own way.
        assert fast_url_for("jobs.index", status="open") == url_for("jobs.index", status="open")
        assert fast_url_for("jobs.show", job_id=7, _anchor="x") == url_for("jobs.show", job_id=7, _anchor="x")


def test_template_gettext_follows_the_locale_of_the_moment(app):
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert render_template_string("{{ _('Jobs') }}") == "工单"
        with force_locale("en"):
            assert render_template_string("{{ _('Jobs') }}") == "Jobs"
        assert render_template_string("{{ _('Jobs') }}") == "工单"


GETTEXT_USES = [
    "{{ _('Jobs') }}",
    "{{ gettext('Jobs') }}",
    "{{ _('Call %(name)s', name='<b>&') }}",  # the variable escaped, the text not
    "{{ _('100%% sure') }}",  # formatted even without variables
    "{% autoescape false %}{{ _('Call %(name)s', name='<b>') }}{% endautoescape %}",
]


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_template_gettext_answers_what_jinjas_own_answers(app, locale):
    reference = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    with app.test_request_context("/"), force_locale(locale):
        reference.install_gettext_translations(get_translations(), newstyle=True)
        for source in GETTEXT_USES:
            expected = reference.from_string(source).render()
            for _ in range(2):  # the first translates, the second reads what the first kept
                assert render_template_string(source) == expected
        assert render_template_string(GETTEXT_USES[2]) == (
            "致电 &lt;b&gt;&amp;" if locale == "zh_Hans" else "Call &lt;b&gt;&amp;"
        )


def test_a_rendered_template_frees_its_data_without_the_garbage_collector(app):
    """A template's own macros hold its context: rendered, it must not keep the page's rows waiting for a
    collection (the desk page woke the collector on every other request)."""

    class Row:
        pass

    row = Row()
    freed = weakref.ref(row)
    gc.disable()
    try:
        with app.test_request_context("/"):
            # A macro that calls a global (as the layout's do) closes over the context.
            source = "{% macro line(r) %}<li>{{ _('Jobs') }} {{ r.__class__.__name__ }}</li>{% endmacro %}"
            html = render_template_string(source + "{{ line(rows[0]) }}", rows=[row])
        assert html.endswith(" Row</li>")
        del row
        assert freed() is None
    finally:
        gc.enable()
