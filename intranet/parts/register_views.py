"""Routes of the registers: old parts handed back with warranty claims, and loans."""

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from intranet.auth.models import User
from intranet.auth.permissions import can, requires
from intranet.auth.roles import Role
from intranet.db_types import utcnow
from intranet.errors import DomainError
from intranet.extensions import db
from intranet.parts import blueprint, registers
from intranet.parts.forms import (
    LoanForm,
    ReturnForm,
)
from intranet.parts.views import back
from intranet.rendering import render
from intranet.timezones import utc_to_local


def _branch_users(role: str | None = None):
    statement = select(User).where(User.active.is_(True)).order_by(User.name)
    if current_user.role != Role.ADMIN:
        statement = statement.where(User.branch_id == current_user.branch_id)
    if role:
        statement = statement.where(User.role == role)
    return list(db.session.scalars(statement))


@blueprint.route("/parts/returns")
@requires("parts.stock")
def returns():
    form = ReturnForm(technicians=_branch_users(Role.TECHNICIAN)) if can(current_user, "parts.keep") else None
    return render("parts/returns.html", returns=registers.returns_for(current_user), form=form)


@blueprint.route("/parts/returns", methods=["POST"])
@requires("parts.keep")
def new_return():
    form = ReturnForm(technicians=_branch_users(Role.TECHNICIAN))
    if form.validate_on_submit() and form.quantity.number is not None:
        try:
            registers.record_return(
                current_user,
                registers.ReturnData(
                    code=form.code.data,
                    quantity=form.quantity.number,
                    technician_id=form.technician_id.data,
                    condition=form.condition.data,
                    serial=form.serial.data or "",
                    warranty_claim=form.warranty_claim.data,
                    claim_reference=form.claim_reference.data or "",
                    note=form.note.data or "",
                ),
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The old part is recorded."), "success")
            return back("parts.returns")
    return render("parts/returns.html", status=422, returns=registers.returns_for(current_user), form=form)


@blueprint.route("/parts/loans")
@requires("parts.stock")
def loans():
    form = LoanForm(borrowers=_branch_users()) if can(current_user, "parts.keep") else None
    today = utc_to_local(utcnow()).date()
    return render("parts/loans.html", loans=registers.loans_for(current_user), form=form, today=today)


@blueprint.route("/parts/loans", methods=["POST"])
@requires("parts.keep")
def lend():
    form = LoanForm(borrowers=_branch_users())
    today = utc_to_local(utcnow()).date()
    if form.validate_on_submit() and form.quantity.number is not None:
        try:
            registers.lend(
                current_user,
                registers.LoanData(
                    item=form.item.data or "",
                    code=form.code.data or "",
                    quantity=form.quantity.number,
                    borrower_id=form.borrower_id.data,
                    due_on=form.due_on.data,
                ),
                today,
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The loan is recorded."), "success")
            return back("parts.loans")
    return render("parts/loans.html", status=422, loans=registers.loans_for(current_user), form=form, today=today)


@blueprint.route("/parts/loans/<int:loan_id>/return", methods=["POST"])
@requires("parts.keep")
def return_loan(loan_id: int):
    registers.return_loan(current_user, loan_id)
    db.session.commit()
    flash(_("Marked as returned."), "success")
    return back("parts.loans")
