"""Routes: one table with live search, inline edit and deactivation, served for each kind of record."""

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from intranet.access.permissions import requires
from intranet.admin import blueprint
from intranet.admin.records import KINDS, RecordKind
from intranet.errors import Invalid
from intranet.forms import form_data, form_status
from intranet.listing import paginate_request, search_text
from intranet.rendering import render, render_fragment, wants_fragment
from intranet.unit_of_work import attempt


def _requested_active_state() -> bool:
    value = request.form.get("active")
    if value not in {"0", "1"}:
        raise Invalid(_("Say whether the record should be active (1) or not (0)."))
    return value == "1"


def _back_to_list(kind: RecordKind, record):
    """The list, searched for the record just changed, so it stands in sight."""
    return redirect(kind.url("list", q=kind.search_term(record)), code=303)


def index(kind: RecordKind):
    query = search_text(request.args)
    page = paginate_request(kind.search(current_user, query))
    return render("admin/index.html", fragments={kind.table_id: "admin/_table.html"}, kind=kind, page=page, q=query)


def new(kind: RecordKind):
    form = kind.form(None)
    if form.validate_on_submit():
        record = attempt(form, lambda: kind.create(current_user, form_data(form, kind.data)))
        if record is not None:
            flash(kind.texts.created(record), "success")
            return _back_to_list(kind, record)
    return render("admin/form.html", status=form_status(form), kind=kind, form=form, record=None)


def row(kind: RecordKind, record_id: int):
    record = kind.get(current_user, record_id)
    if not wants_fragment():
        return redirect(kind.url("list", q=kind.search_term(record)))
    return render_fragment("admin/_row.html", kind=kind, record=record)


def edit(kind: RecordKind, record_id: int):
    record = kind.get(current_user, record_id)
    form = kind.form(record)
    if form.validate_on_submit() and attempt(
        form, lambda: kind.update(current_user, record, form_data(form, kind.data))
    ):
        if wants_fragment():
            return render_fragment("admin/_row.html", kind=kind, record=record, saved=True)
        flash(kind.texts.saved(record), "success")
        return _back_to_list(kind, record)
    return render(
        "admin/form.html",
        fragments={kind.row_id(record): "admin/_edit_row.html"},
        status=form_status(form),
        kind=kind,
        form=form,
        record=record,
    )


def set_active(kind: RecordKind, record_id: int):
    record = kind.get(current_user, record_id)
    active = _requested_active_state()
    kind.set_active(current_user, record, active)
    if wants_fragment():
        return render_fragment("admin/_row.html", kind=kind, record=record, saved=True)
    flash(kind.texts.activated(record) if active else kind.texts.deactivated(record), "success")
    return _back_to_list(kind, record)


# The view and methods of each action; records.ACTIONS names its endpoint and path.
VIEWS = {
    "list": (index, ["GET"]),
    "new": (new, ["GET", "POST"]),
    "row": (row, ["GET"]),
    "edit": (edit, ["GET", "POST"]),
    "active": (set_active, ["POST"]),
}


def _register(kind: RecordKind, action: str) -> None:
    view, methods = VIEWS[action]

    def endpoint_view(**url_args):  # the record's id comes under the kind's own name (user_id)
        return view(kind, *url_args.values())

    endpoint_view.__name__ = kind.endpoint(action)
    guarded = requires(kind.permission)(endpoint_view)
    blueprint.add_url_rule(kind.rule(action), kind.endpoint(action), guarded, methods=methods)


for kind in KINDS:
    for action in VIEWS:
        _register(kind, action)
