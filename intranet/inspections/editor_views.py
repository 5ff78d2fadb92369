"""Routes of the admin's checklist editor (htmx: each change answers the editor fragment), import and export."""

import json

import yaml
from flask import flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.access.permissions import requires
from intranet.errors import Invalid
from intranet.forms import form_status
from intranet.inspections import blueprint, editor, service, templates_io
from intranet.inspections.forms import NewTemplateForm
from intranet.inspections.models import ItemKind
from intranet.rendering import render, wants_fragment

MAX_IMPORT_BYTES = 1024 * 1024


def _editor_answer(original_id: int, template):
    """The editor again: a fragment for htmx, a redirect otherwise; a new version moves the browser there."""
    target = url_for("inspections.edit_template", template_id=template.id)
    if template.id != original_id:
        flash(_("This checklist is in use: your change made version %(v)d (a draft).", v=template.version), "info")
        if wants_fragment():
            response = make_response("", 204)
            response.headers["HX-Redirect"] = target
            return response
    if wants_fragment():
        return render(
            "inspections/edit_template.html",
            fragments={"template-editor": "inspections/_editor.html"},
            **_editor_context(template),
        )
    return redirect(target, code=303)


def _editor_context(template):
    return {"template": template, "kinds": list(ItemKind), "in_use": editor.in_use(template)}


@blueprint.route("/inspections/templates", methods=["GET", "POST"])
@requires("templates.manage")
def templates():
    form = NewTemplateForm()
    if form.validate_on_submit():
        template = editor.create_template(current_user, form.code.data, form.title.data)
        return redirect(url_for("inspections.edit_template", template_id=template.id), code=303)
    return render(
        "inspections/templates.html", status=form_status(form), form=form, templates=editor.list_templates(current_user)
    )


@blueprint.route("/inspections/templates/<int:template_id>")
@requires("templates.manage")
def edit_template(template_id: int):
    template = service.get_template(template_id)
    return render(
        "inspections/edit_template.html",
        fragments={"template-editor": "inspections/_editor.html"},
        **_editor_context(template),
    )


@blueprint.route("/inspections/templates/<int:template_id>/sections", methods=["POST"])
@requires("templates.manage")
def add_section(template_id: int):
    template = service.get_template(template_id)
    changed = editor.add_section(
        current_user,
        template,
        request.form.get("title", ""),
        request.form.get("max_points", ""),
        capped=request.form.get("capped") == "yes",
    )
    return _editor_answer(template_id, changed)


@blueprint.route("/inspections/templates/<int:template_id>/sections/<int:section_id>/cap", methods=["POST"])
@requires("templates.manage")
def set_section_cap(template_id: int, section_id: int):
    template = service.get_template(template_id)
    capped = request.form.get("capped", "")
    if capped not in ("yes", "no"):
        raise Invalid(_("Say whether the section's deductions stop at its maximum."))
    return _editor_answer(template_id, editor.set_section_cap(current_user, template, section_id, capped == "yes"))


@blueprint.route("/inspections/templates/<int:template_id>/sections/<int:section_id>/delete", methods=["POST"])
@requires("templates.manage")
def remove_section(template_id: int, section_id: int):
    template = service.get_template(template_id)
    _confirmed()
    return _editor_answer(template_id, editor.remove_section(current_user, template, section_id))


@blueprint.route("/inspections/templates/<int:template_id>/sections/<int:section_id>/move", methods=["POST"])
@requires("templates.manage")
def move_section(template_id: int, section_id: int):
    template = service.get_template(template_id)
    direction = request.form.get("direction", "")
    return _editor_answer(template_id, editor.move_section(current_user, template, section_id, direction))


@blueprint.route("/inspections/templates/<int:template_id>/items", methods=["POST"])
@requires("templates.manage")
def add_item(template_id: int):
    template = service.get_template(template_id)
    section_id = request.form.get("section_id", "")
    if not section_id.isdigit():
        raise Invalid(_("Choose a section of this checklist."))
    changed = editor.add_item(current_user, template, int(section_id), request.form.to_dict())
    return _editor_answer(template_id, changed)


@blueprint.route("/inspections/templates/<int:template_id>/items/<int:item_id>/move", methods=["POST"])
@requires("templates.manage")
def move_item(template_id: int, item_id: int):
    template = service.get_template(template_id)
    return _editor_answer(
        template_id, editor.move_item(current_user, template, item_id, request.form.get("direction", ""))
    )


@blueprint.route("/inspections/templates/<int:template_id>/items/<int:item_id>/delete", methods=["POST"])
@requires("templates.manage")
def remove_item(template_id: int, item_id: int):
    template = service.get_template(template_id)
    _confirmed()
    return _editor_answer(template_id, editor.remove_item(current_user, template, item_id))


@blueprint.route("/inspections/templates/<int:template_id>/publish", methods=["POST"])
@requires("templates.manage")
def publish_template(template_id: int):
    template = service.get_template(template_id)
    _confirmed()
    editor.publish(current_user, template)
    flash(_("Version %(v)d of “%(title)s” is now in use.", v=template.version, title=template.title), "success")
    return redirect(url_for("inspections.edit_template", template_id=template.id), code=303)


def _confirmed() -> None:
    # Destructive buttons send confirm=yes: a bare POST (a stray replay, a crafted link) changes nothing.
    if request.form.get("confirm") != "yes":
        raise Invalid(_("Confirm the change."))


@blueprint.route("/inspections/templates/<int:template_id>/export")
@requires("templates.manage")
def export(template_id: int):
    template = service.get_template(template_id)
    data = templates_io.export_template(template)
    if request.args.get("format") == "yaml":
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        content_type, extension = "application/yaml; charset=utf-8", "yaml"
    else:
        body = json.dumps(data, ensure_ascii=False, indent=2)
        content_type, extension = "application/json; charset=utf-8", "json"
    response = make_response(body)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{template.family}-v{template.version}.{extension}"'
    )
    return response


def _parse(raw: bytes):
    """JSON, or YAML (a superset of it, safe_load: plain data only, no Python objects)."""
    # Nesting deeper than Python's stack (RecursionError) and integers longer than int() takes
    # (ValueError) are refused like any other unreadable file.
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        pass
    try:
        return yaml.safe_load(raw)
    except (yaml.YAMLError, ValueError, RecursionError):
        raise Invalid(_("This file is neither valid JSON nor valid YAML.")) from None


@blueprint.route("/inspections/templates/import", methods=["POST"])
@requires("templates.manage")
def import_template():
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        raw = upload.read(MAX_IMPORT_BYTES + 1)
    else:
        raw = request.form.get("data", "").encode()
    if not raw.strip() or len(raw) > MAX_IMPORT_BYTES:
        raise Invalid(_("Choose an exported checklist file (JSON or YAML, at most 1 MB)."))
    template = templates_io.import_template(current_user, _parse(raw))
    flash(_("Imported “%(title)s” as version %(v)d (a draft).", title=template.title, v=template.version), "success")
    return redirect(url_for("inspections.edit_template", template_id=template.id), code=303)
