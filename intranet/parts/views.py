"""Routes of the catalogue (with import) and of stores and their stock; the shared view helpers.

The other parts routes: request_views.py, register_views.py, stock_take_views.py.
"""

from decimal import Decimal

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet import exporting
from intranet.access.permissions import can, requires
from intranet.errors import Invalid
from intranet.forms import form_data, form_status
from intranet.listing import paginate_request, search_text
from intranet.parts import blueprint, importing, service, shortages
from intranet.parts.exports import STOCK, STOCK_MOVES
from intranet.parts.filters import move_filters
from intranet.parts.forms import (
    ImportForm,
    MoveForm,
    PartForm,
    ReceiptForm,
)
from intranet.parts.models import MoveKind
from intranet.rendering import render
from intranet.unit_of_work import attempt


def back(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


@blueprint.route("/parts")
@requires("parts.view")
def index():
    q = search_text(request.args)
    page = paginate_request(service.search_parts(q))
    return render("parts/index.html", fragments={"part-results": "parts/_results.html"}, page=page, q=q)


@blueprint.route("/parts/<int:part_id>")
@requires("parts.view")
def show(part_id: int):
    part = service.get_part(part_id)
    stock, moves = [], []
    if can(current_user, "parts.stock"):
        stores = service.stores_for(current_user)
        stock = [(store, service.ledger.balance(store.id, part.id)) for store in stores]
        moves = service.recent_moves(current_user, part=part)
    return render("parts/show.html", part=part, stock=stock, moves=moves)


def _part_data(form: PartForm) -> service.PartData:
    for field in (form.price, form.min_stock):
        if field.data and field.number is None:
            raise Invalid(_("Price and minimum stock are numbers."))
    return form_data(
        form, service.PartData, price=form.price.number or Decimal(0), min_stock=form.min_stock.number or Decimal(0)
    )


def _edit_part(form: PartForm, part=None):
    if form.validate_on_submit():
        saved = attempt(form, lambda: service.save_part(current_user, _part_data(form), part))
        if saved is not None:
            flash(_("Part %(code)s saved.", code=saved.code), "success")
            return back("parts.show", part_id=saved.id)
    return render("parts/form.html", status=form_status(form), form=form, part=part)


@blueprint.route("/parts/new", methods=["GET", "POST"])
@requires("parts.manage")
def new():
    return _edit_part(PartForm())


@blueprint.route("/parts/<int:part_id>/edit", methods=["GET", "POST"])
@requires("parts.manage")
def edit(part_id: int):
    part = service.get_part(part_id)
    form = PartForm(obj=part if request.method == "GET" else None)
    if request.method == "GET":
        form.price.data = str(part.price)
        form.min_stock.data = service.ledger.fmt(part.min_stock)
    return _edit_part(form, part)


@blueprint.route("/parts/import", methods=["GET", "POST"])
@requires("parts.manage")
def import_parts():
    form = ImportForm()
    checked, status = None, 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload and upload.filename else b""
        if not data:
            form.file.errors = [_("Choose a file.")]
            status = 422
        else:
            checked = attempt(form, lambda: importing.preview(data, upload.filename))
            if checked is None:
                status = 422
            elif checked.clean and form.confirm.data == "1":
                counts = attempt(form, lambda: importing.import_parts(current_user, data, upload.filename))
                if counts is not None:
                    added, updated = counts
                    flash(
                        _("Imported: %(added)d new parts, %(updated)d updated.", added=added, updated=updated),
                        "success",
                    )
                    return back("parts.index")
                status = 422
            else:
                status = 200 if checked.clean else 422
    elif form.is_submitted():
        status = 422
    return render("parts/import.html", status=status, form=form, checked=checked, columns=importing.COLUMNS)


@blueprint.route("/parts/stores")
@requires("parts.stock")
def stores():
    return render("parts/stores.html", stores=service.stores_for(current_user), low=shortages.low_stock(current_user))


@blueprint.route("/parts/low-stock")
@requires("parts.stock")
def low_stock():
    return render("parts/low_stock.html", low=shortages.low_stock(current_user))


@blueprint.route("/parts/stock/export.<any(csv, xlsx):file_format>")
@requires("parts.stock")
def export_stock(file_format: str):
    return exporting.download(STOCK, current_user, request.args, file_format)


@blueprint.route("/parts/moves")
@requires("parts.stock")
def moves():
    filters = move_filters(request.args)
    return render(
        "parts/moves.html",
        fragments={"move-results": "parts/_move_results.html"},
        page=paginate_request(service.list_moves(current_user, filters)),
        args=request.args,
        kinds=list(MoveKind),
        stores=service.stores_for(current_user),
    )


@blueprint.route("/parts/moves/export.<any(csv, xlsx):file_format>")
@requires("parts.stock")
def export_moves(file_format: str):
    return exporting.download(STOCK_MOVES, current_user, request.args, file_format)


@blueprint.route("/parts/stores/<int:store_id>")
@requires("parts.stock")
def store(store_id: int):
    store = service.get_store(current_user, store_id)
    return render(
        "parts/store.html",
        store=store,
        stock=service.stock_of(store),
        moves=service.recent_moves(current_user, store=store),
        receipt_form=ReceiptForm() if can(current_user, "parts.keep", store) and store.kind == "warehouse" else None,
        move_form=MoveForm(stores=_other_stores(store)) if can(current_user, "parts.keep", store) else None,
        may_count=can(current_user, "parts.keep", store),
    )


def _other_stores(store):
    return [s for s in service.stores_for(current_user) if s.id != store.id and s.branch_id == store.branch_id]


@blueprint.route("/parts/stores/<int:store_id>/move", methods=["POST"])
@requires("parts.keep")
def move(store_id: int):
    store = service.get_store(current_user, store_id, "parts.keep")
    form = MoveForm(stores=_other_stores(store))
    if not form.validate_on_submit() or form.quantity.number is None:
        raise Invalid(_("Give the kind of move, the part code and the quantity."))
    moved = service.move_stock(
        current_user,
        store,
        form.kind.data,
        form.code.data,
        form.quantity.number,
        form.to_store_id.data,
        form.note.data or "",
    )
    flash(_("Moved %(n)s × %(code)s.", n=service.ledger.fmt(moved.quantity), code=moved.part.code), "success")
    return back("parts.store", store_id=store.id)


@blueprint.route("/parts/stores/<int:store_id>/receipt", methods=["POST"])
@requires("parts.keep")
def receive(store_id: int):
    store = service.get_store(current_user, store_id, "parts.keep")
    form = ReceiptForm()
    if not form.validate_on_submit() or form.quantity.number is None:
        raise Invalid(_("Give the part code and the quantity received."))
    move = service.receive(current_user, store, form.code.data, form.quantity.number, form.note.data or "")
    flash(_("Received %(n)s × %(code)s.", n=service.ledger.fmt(move.quantity), code=move.part.code), "success")
    return back("parts.store", store_id=store.id)
