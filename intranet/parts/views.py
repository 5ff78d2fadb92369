"""Routes of the catalogue (with import) and of stores and their stock; the shared view helpers.

The other parts routes: request_views.py, register_views.py, stock_take_views.py.
"""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.auth.permissions import can, requires
from intranet.auth.roles import Role
from intranet.errors import DomainError, Invalid
from intranet.extensions import db
from intranet.listing import paginate_request, search_text
from intranet.parts import blueprint, importing, service, shortages
from intranet.parts.forms import (
    ImportForm,
    MoveForm,
    PartForm,
    ReceiptForm,
)
from intranet.rendering import render


def form_status(form) -> int:
    return 422 if form.is_submitted() else 200


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
        moves = [m for m in service.recent_moves(part=part) if current_user.role == Role.ADMIN or _mine(m)]
    return render("parts/show.html", part=part, stock=stock, moves=moves)


def _mine(move) -> bool:
    stores = [s for s in (move.from_store, move.to_store) if s is not None]
    return any(store.branch_id == current_user.branch_id for store in stores)


def _part_data(form: PartForm) -> service.PartData:
    for field in (form.price, form.min_stock):
        if field.data and field.number is None:
            raise Invalid(_("Price and minimum stock are numbers."))
    return service.PartData(
        code=form.code.data,
        name=form.name.data,
        unit=form.unit.data or "",
        specification=form.specification.data or "",
        whole_units=form.whole_units.data,
        price=form.price.number or 0,
        min_stock=form.min_stock.number or 0,
        compatible_models=form.compatible_models.data or "",
    )


def _edit_part(form: PartForm, part=None):
    status = form_status(form)
    if form.validate_on_submit():
        try:
            part = service.save_part(current_user, _part_data(form), part)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status_code
        else:
            db.session.commit()
            flash(_("Part %(code)s saved.", code=part.code), "success")
            return back("parts.show", part_id=part.id)
    return render("parts/form.html", status=status, form=form, part=part)


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
            try:
                checked = importing.preview(data, upload.filename)
                if checked.clean and form.confirm.data == "1":
                    added, updated = importing.import_parts(current_user, data, upload.filename)
                    db.session.commit()
                    flash(
                        _("Imported: %(added)d new parts, %(updated)d updated.", added=added, updated=updated),
                        "success",
                    )
                    return back("parts.index")
            except Invalid as error:
                db.session.rollback()
                form.form_errors.append(error.message)
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


@blueprint.route("/parts/stores/<int:store_id>")
@requires("parts.stock")
def store(store_id: int):
    store = service.get_store(current_user, store_id)
    return render(
        "parts/store.html",
        store=store,
        stock=service.stock_of(store),
        moves=service.recent_moves(store=store),
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
    db.session.commit()
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
    db.session.commit()
    flash(_("Received %(n)s × %(code)s.", n=service.ledger.fmt(move.quantity), code=move.part.code), "success")
    return back("parts.store", store_id=store.id)
