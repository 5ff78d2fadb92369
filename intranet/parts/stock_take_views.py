"""Routes of stock-takes: start a count sheet, record counts, approve the differences."""

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user

from intranet.access.permissions import can, requires
from intranet.errors import Invalid
from intranet.parts import blueprint, service, stock_takes
from intranet.parts.forms import (
    RejectForm,
)
from intranet.parts.models import StockTakeStatus
from intranet.parts.quantities import parse_quantity
from intranet.parts.views import back
from intranet.rendering import render


@blueprint.route("/parts/stores/<int:store_id>/stock-take", methods=["POST"])
@requires("parts.keep")
def start_stock_take(store_id: int):
    store = service.get_store(current_user, store_id, "parts.keep")
    take = stock_takes.start_stock_take(current_user, store)
    return back("parts.stock_take", stock_take_id=take.id)


@blueprint.route("/parts/stock-takes/<int:stock_take_id>")
@requires("parts.stock")
def stock_take(stock_take_id: int):
    take = stock_takes.get_stock_take(current_user, stock_take_id)
    return render(
        "parts/stock_take.html",
        take=take,
        may_count=take.status == StockTakeStatus.COUNTING and can(current_user, "parts.keep", take.store),
        may_approve=take.status == StockTakeStatus.SUBMITTED
        and can(current_user, "parts.approve", take.store)
        and take.created_by_id != current_user.id,
    )


@blueprint.route("/parts/stock-takes/<int:stock_take_id>", methods=["POST"])
@requires("parts.keep")
def count(stock_take_id: int):
    take = stock_takes.get_stock_take(current_user, stock_take_id, "parts.keep")
    RejectForm().validate_on_submit()  # CSRF is checked globally; this form has no fields of its own
    action = request.form.get("action")
    if action not in ("save", "submit"):
        raise Invalid(_("Save the counts or submit the sheet."))
    counts = {}
    for line in take.lines:
        raw = (request.form.get(f"count-{line.id}") or "").strip()
        if raw:
            quantity = parse_quantity(raw)
            if quantity is None:
                raise Invalid(_("Counts are numbers (%(code)s).", code=line.part.code))
            counts[line.id] = quantity
    stock_takes.record_counts(current_user, take, counts, submit=action == "submit")
    flash(_("Counts saved."), "success")
    return back("parts.stock_take", stock_take_id=take.id)


@blueprint.route("/parts/stock-takes/<int:stock_take_id>/approve", methods=["POST"])
@requires("parts.approve")
def approve_stock_take(stock_take_id: int):
    take = stock_takes.get_stock_take(current_user, stock_take_id, "parts.approve")
    stock_takes.approve_stock_take(current_user, take)
    flash(_("Stock-take approved: the differences are booked as adjustments."), "success")
    return back("parts.stock_take", stock_take_id=take.id)
