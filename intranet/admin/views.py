"""Routes: the users and branches tables with live search, inline edit and deactivation."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.admin import blueprint
from intranet.admin.forms import BranchForm, UserForm
from intranet.auth import service as accounts
from intranet.auth.permissions import requires
from intranet.branches import service as branches
from intranet.errors import DomainError, Invalid
from intranet.extensions import db
from intranet.listing import paginate_request, search_text
from intranet.rendering import render, render_fragment, wants_fragment


def _user_data(form: UserForm) -> accounts.UserData:
    return accounts.UserData(
        login=form.login.data,
        name=form.name.data,
        role=form.role.data,
        branch_id=form.branch_id.data,
        password=form.password.data or None,
    )


def _branch_data(form: BranchForm) -> branches.BranchData:
    return branches.BranchData(
        code=form.code.data,
        name=form.name.data,
        city=form.city.data or "",
        address=form.address.data or "",
        phone=form.phone.data or "",
    )


def _form_error(form, error: DomainError) -> None:
    form.form_errors.append(error.message)


def _requested_active_state() -> bool:
    value = request.form.get("active")
    if value not in {"0", "1"}:
        raise Invalid(_("Say whether the record should be active (1) or not (0)."))
    return value == "1"


@blueprint.route("/users")
@requires("users.manage")
def users():
    query = search_text(request.args)
    page = paginate_request(accounts.search_users(current_user, query))
    return render("admin/users.html", fragments={"user-table": "admin/_user_table.html"}, page=page, q=query)


@blueprint.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
def new_user():
    form = UserForm(branches=branches.active_branches(), require_password=True)
    if form.validate_on_submit():
        try:
            user = accounts.create_user(current_user, _user_data(form))
        except DomainError as error:
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("User %(login)s created.", login=user.login), "success")
            return redirect(url_for("admin.users", q=user.login), code=303)
    status = 422 if form.is_submitted() else 200
    return render("admin/user_new.html", status=status, form=form)


@blueprint.route("/users/<int:user_id>")
@requires("users.manage")
def user_row(user_id: int):
    user = accounts.get_user(current_user, user_id)
    if not wants_fragment():
        return redirect(url_for("admin.users", q=user.login))
    return render_fragment("admin/_user_row.html", user=user)


@blueprint.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("users.manage")
def edit_user(user_id: int):
    user = accounts.get_user(current_user, user_id)
    form = UserForm(obj=user, branches=branches.active_branches())
    if request.method == "GET":
        form.password.data = ""
    elif form.validate_on_submit():
        try:
            accounts.update_user(current_user, user, _user_data(form))
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            if wants_fragment():
                return render_fragment("admin/_user_row.html", user=user, saved=True)
            flash(_("User %(login)s saved.", login=user.login), "success")
            return redirect(url_for("admin.users", q=user.login), code=303)
    status = 422 if form.is_submitted() else 200
    return render(
        "admin/user_edit.html",
        fragments={f"user-{user.id}": "admin/_user_edit_row.html"},
        status=status,
        form=form,
        user=user,
    )


@blueprint.route("/users/<int:user_id>/active", methods=["POST"])
@requires("users.manage")
def set_user_active(user_id: int):
    user = accounts.get_user(current_user, user_id)
    active = _requested_active_state()
    accounts.set_user_active(current_user, user, active)
    db.session.commit()
    if wants_fragment():
        return render_fragment("admin/_user_row.html", user=user, saved=True)
    flash(
        _("User %(login)s is now active.", login=user.login)
        if active
        else _("User %(login)s has been deactivated.", login=user.login),
        "success",
    )
    return redirect(url_for("admin.users", q=user.login), code=303)


@blueprint.route("/branches", endpoint="branches")
@requires("branches.manage")
def branches_index():
    query = search_text(request.args)
    page = paginate_request(branches.search_branches(current_user, query))
    return render("admin/branches.html", fragments={"branch-table": "admin/_branch_table.html"}, page=page, q=query)


@blueprint.route("/branches/new", methods=["GET", "POST"])
@requires("branches.manage")
def new_branch():
    form = BranchForm()
    if form.validate_on_submit():
        try:
            branch = branches.create_branch(current_user, _branch_data(form))
        except DomainError as error:
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("Branch %(name)s created.", name=branch.name), "success")
            return redirect(url_for("admin.branches", q=branch.code), code=303)
    status = 422 if form.is_submitted() else 200
    return render("admin/branch_new.html", status=status, form=form)


@blueprint.route("/branches/<int:branch_id>")
@requires("branches.manage")
def branch_row(branch_id: int):
    branch = branches.get_branch(current_user, branch_id)
    if not wants_fragment():
        return redirect(url_for("admin.branches", q=branch.code))
    return render_fragment("admin/_branch_row.html", branch=branch)


@blueprint.route("/branches/<int:branch_id>/edit", methods=["GET", "POST"])
@requires("branches.manage")
def edit_branch(branch_id: int):
    branch = branches.get_branch(current_user, branch_id)
    form = BranchForm(obj=branch)
    if form.validate_on_submit():
        try:
            branches.update_branch(current_user, branch, _branch_data(form))
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            if wants_fragment():
                return render_fragment("admin/_branch_row.html", branch=branch, saved=True)
            flash(_("Branch %(name)s saved.", name=branch.name), "success")
            return redirect(url_for("admin.branches", q=branch.code), code=303)
    status = 422 if form.is_submitted() else 200
    return render(
        "admin/branch_edit.html",
        fragments={f"branch-{branch.id}": "admin/_branch_edit_row.html"},
        status=status,
        form=form,
        branch=branch,
    )


@blueprint.route("/branches/<int:branch_id>/active", methods=["POST"])
@requires("branches.manage")
def set_branch_active(branch_id: int):
    branch = branches.get_branch(current_user, branch_id)
    active = _requested_active_state()
    branches.set_branch_active(current_user, branch, active)
    db.session.commit()
    if wants_fragment():
        return render_fragment("admin/_branch_row.html", branch=branch, saved=True)
    flash(
        _("Branch %(name)s is now active.", name=branch.name)
        if active
        else _("Branch %(name)s has been deactivated.", name=branch.name),
        "success",
    )
    return redirect(url_for("admin.branches", q=branch.code), code=303)
