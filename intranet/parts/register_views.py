"""Routes of the registers: old parts handed back with warranty claims, and loans."""

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.access.permissions import can, requires
from intranet.access.roles import Role
from intranet.auth.service import colleagues
from intranet.db_types import utcnow
from intranet.forms import form_data
from intranet.offline.idempotency import idempotent
from intranet.offline.pages import offline_pages
from intranet.parts import blueprint, registers
from intranet.parts.forms import (
    LoanForm,
    ReturnForm,
)
from intranet.parts.views import back
from intranet.rendering import render
from intranet.timezones import utc_to_local
from intranet.unit_of_work import attempt


@blueprint.route("/parts/returns")
@requires("parts.stock")
def returns():
    may_keep = can(current_user, "parts.keep")
    form = ReturnForm(technicians=colleagues(current_user, Role.TECHNICIAN)) if may_keep else None
    return render("parts/returns.html", returns=registers.returns_for(current_user), form=form)


@offline_pages
def _returns_on_the_road(user) -> list[str]:
    """The register of old parts opens offline for whoever records them at the van or the site."""
    return [url_for("parts.returns")] if can(user, "parts.keep") else []


@blueprint.route("/parts/returns", methods=["POST"])
@requires("parts.keep")
@idempotent
def new_return():
    form = ReturnForm(technicians=colleagues(current_user, Role.TECHNICIAN))
    if form.validate_on_submit() and form.quantity.number is not None:
        returned = attempt(
            form,
            lambda: registers.record_return(
                current_user,
                form_data(form, registers.ReturnData, quantity=form.quantity.number),
            ),
        )
        if returned is not None:
            flash(_("The old part is recorded."), "success")
            return back("parts.returns")
    return render("parts/returns.html", status=422, returns=registers.returns_for(current_user), form=form)


@blueprint.route("/parts/loans")
@requires("parts.stock")
def loans():
    form = LoanForm(borrowers=colleagues(current_user)) if can(current_user, "parts.keep") else None
    today = utc_to_local(utcnow()).date()
    return render("parts/loans.html", loans=registers.loans_for(current_user), form=form, today=today)


@blueprint.route("/parts/loans", methods=["POST"])
@requires("parts.keep")
def lend():
    form = LoanForm(borrowers=colleagues(current_user))
    today = utc_to_local(utcnow()).date()
    if form.validate_on_submit() and form.quantity.number is not None:
        loan = attempt(
            form,
            lambda: registers.lend(
                current_user,
                form_data(form, registers.LoanData, item=form.item.data or "", quantity=form.quantity.number),
                today,
            ),
        )
        if loan is not None:
            flash(_("The loan is recorded."), "success")
            return back("parts.loans")
    return render("parts/loans.html", status=422, loans=registers.loans_for(current_user), form=form, today=today)


@blueprint.route("/parts/loans/<int:loan_id>/return", methods=["POST"])
@requires("parts.keep")
def return_loan(loan_id: int):
    registers.return_loan(current_user, loan_id)
    flash(_("Marked as returned."), "success")
    return back("parts.loans")
