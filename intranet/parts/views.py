"""Routes: catalogue and import, stores and stock, part requests, old-part returns, loans, stock-takes."""

import uuid

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from intranet.auth.models import User
from intranet.auth.permissions import can, requires
from intranet.auth.roles import Role
from intranet.db_types import utcnow
from intranet.errors import DomainError, Invalid
from intranet.extensions import db
from intranet.listing import paginate_request, search_text
from intranet.offline.idempotency import idempotent, remember_result
from intranet.offline.pages import offline_pages
from intranet.parts import blueprint, importing, part_requests, registers, service, shortages, stock_takes
from intranet.parts.forms import (
    ImportForm,
    LoanForm,
    MoveForm,
    PartForm,
    ReceiptForm,
    RejectForm,
    RequestForm,
    ReturnForm,
)
from intranet.parts.models import RequestStatus, StockTakeStatus
from intranet.parts.quantities import parse_quantity
from intranet.rendering import render
from intranet.timezones import utc_to_local


def _status(form) -> int:
    return 422 if form.is_submitted() else 200


def _back(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


# Catalogue


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
    status = _status(form)
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
            return _back("parts.show", part_id=part.id)
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
                    return _back("parts.index")
            except Invalid as error:
                db.session.rollback()
                form.form_errors.append(error.message)
                status = 422
            else:
                status = 200 if checked.clean else 422
    elif form.is_submitted():
        status = 422
    return render("parts/import.html", status=status, form=form, checked=checked, columns=importing.COLUMNS)


# Stores and stock


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
    return _back("parts.store", store_id=store.id)


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
    return _back("parts.store", store_id=store.id)


# Requests


def _open_jobs(user) -> list[tuple[int, str]]:
    """(id, label) of the technician's open jobs, for the request form's job list."""
    if user.role != Role.TECHNICIAN:
        return []
    from intranet.jobs import service as jobs

    return [(job.id, f"{job.reference} · {job.customer.name}") for job in jobs.todays_jobs(user, utcnow())]


@offline_pages
def _technician_pages(user) -> list[str]:
    """The request form, with the catalogue in it, kept on the technician's tablet."""
    if not can(user, "parts.request") or user.role != Role.TECHNICIAN:
        return []
    return [url_for("parts.new_request"), url_for("parts.requests")]


def _catalogue():
    return list(db.session.scalars(service.search_parts().limit(2000)))


@blueprint.route("/parts/requests")
@requires("parts.requests")
def requests():
    status = request.args.get("status") or None
    if status is not None and status not in set(RequestStatus):
        raise Invalid(_("Unknown filter value for %(name)s.", name="status"))
    page = paginate_request(part_requests.list_requests(current_user, status))
    return render(
        "parts/requests.html",
        fragments={"request-results": "parts/_requests.html"},
        page=page,
        args=request.args,
        statuses=list(RequestStatus),
    )


@blueprint.route("/parts/requests/new", methods=["GET", "POST"])
@requires("parts.request")
@idempotent
def new_request():
    form = RequestForm(jobs=_open_jobs(current_user))
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())  # the page's script replaces it with one made on opening
        job_id = request.args.get("job")
        if job_id and job_id.isdigit() and int(job_id) in {c.value for c in form.job_id.choices}:
            form.job_id.data = int(job_id)
    elif form.validate_on_submit():
        data = part_requests.RequestData(
            client_id=form.client_id.data.lower(),
            job_id=form.job_id.data,
            note=form.note.data or "",
            draft=form.draft.data,
            lines=[
                part_requests.RequestLineData(line.form.code.data, line.form.quantity.number)
                for line in form.lines
                if line.form.code.data
            ],
        )
        try:
            part_request, created = part_requests.create_request(current_user, data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            remember_result(url_for("parts.show_request", request_id=part_request.id))
            db.session.commit()
            if created and part_request.status == RequestStatus.DRAFT:
                flash(_("Draft %(ref)s kept: send it when it is complete.", ref=part_request.reference), "success")
            elif created:
                flash(_("Request %(ref)s sent for approval.", ref=part_request.reference), "success")
            response = _back("parts.show_request", request_id=part_request.id)
            if not created:
                response.headers["Idempotent-Replayed"] = "true"
            return response
    van = service.van_of(current_user)
    return render(
        "parts/request_form.html",
        status=_status(form),
        form=form,
        catalogue=_catalogue(),
        van_stock=service.stock_of(van) if van else [],
    )


@blueprint.route("/parts/requests/<int:request_id>")
@requires("parts.requests")
def show_request(request_id: int):
    part_request = part_requests.get_request(current_user, request_id)
    warehouse = service.warehouse_of(part_request.branch_id)
    on_hand = (
        {line.part_id: service.ledger.balance(warehouse.id, line.part_id) for line in part_request.lines}
        if warehouse
        else {}
    )
    return render(
        "parts/request.html",
        part_request=part_request,
        on_hand=on_hand,
        may_decide=part_request.status == RequestStatus.SUBMITTED
        and can(current_user, "parts.approve", part_request)
        and part_request.requested_by_id != current_user.id,
        may_issue=part_request.status in (RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED)
        and can(current_user, "parts.issue", part_request),
        reject_form=RejectForm(),
        may_send=part_request.status == RequestStatus.DRAFT and part_request.requested_by_id == current_user.id,
    )


@blueprint.route("/parts/requests/<int:request_id>/submit", methods=["POST"])
@requires("parts.request")
def submit_request(request_id: int):
    part_request = part_requests.get_request(current_user, request_id)
    part_requests.submit_request(current_user, part_request)
    db.session.commit()
    flash(_("Request %(ref)s sent for approval.", ref=part_request.reference), "success")
    return _back("parts.show_request", request_id=part_request.id)


@blueprint.route("/parts/requests/<int:request_id>/approve", methods=["POST"])
@requires("parts.approve")
def approve(request_id: int):
    part_request = part_requests.get_request(current_user, request_id, "parts.approve")
    RejectForm().validate_on_submit()  # CSRF; the quantities are read below
    approved = {}
    for line in part_request.lines:
        raw = (request.form.get(f"approved-{line.id}") or "").strip()
        if not raw:
            raise Invalid(_("Give the approved quantity of every line (0 for none)."))
        quantity = parse_quantity(raw)
        if quantity is None or quantity < 0:
            raise Invalid(_("Approved quantities are numbers from 0 up to what was asked for."))
        approved[line.id] = quantity
    part_requests.approve_request(current_user, part_request, approved)
    db.session.commit()
    flash(
        _("Request %(ref)s: %(status)s.", ref=part_request.reference, status=part_request.status_enum.label), "success"
    )
    return _back("parts.show_request", request_id=part_request.id)


@blueprint.route("/parts/requests/<int:request_id>/reject", methods=["POST"])
@requires("parts.approve")
def reject(request_id: int):
    part_request = part_requests.get_request(current_user, request_id, "parts.approve")
    form = RejectForm()
    if not form.validate_on_submit():
        raise Invalid(_("Say why the request is rejected."))
    part_requests.reject_request(current_user, part_request, form.reason.data)
    db.session.commit()
    flash(_("Request %(ref)s rejected.", ref=part_request.reference), "success")
    return _back("parts.show_request", request_id=part_request.id)


@blueprint.route("/parts/requests/<int:request_id>/issue", methods=["POST"])
@requires("parts.issue")
def issue(request_id: int):
    part_request = part_requests.get_request(current_user, request_id, "parts.issue")
    part_requests.issue_request(current_user, part_request)
    db.session.commit()
    flash(_("Request %(ref)s issued to the van.", ref=part_request.reference), "success")
    return _back("parts.show_request", request_id=part_request.id)


# Old parts handed back


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
            return _back("parts.returns")
    return render("parts/returns.html", status=422, returns=registers.returns_for(current_user), form=form)


# Loans


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
            return _back("parts.loans")
    return render("parts/loans.html", status=422, loans=registers.loans_for(current_user), form=form, today=today)


@blueprint.route("/parts/loans/<int:loan_id>/return", methods=["POST"])
@requires("parts.keep")
def return_loan(loan_id: int):
    registers.return_loan(current_user, loan_id)
    db.session.commit()
    flash(_("Marked as returned."), "success")
    return _back("parts.loans")


# Stock-takes


@blueprint.route("/parts/stores/<int:store_id>/stock-take", methods=["POST"])
@requires("parts.keep")
def start_stock_take(store_id: int):
    store = service.get_store(current_user, store_id, "parts.keep")
    take = stock_takes.start_stock_take(current_user, store)
    db.session.commit()
    return _back("parts.stock_take", stock_take_id=take.id)


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
    db.session.commit()
    flash(_("Counts saved."), "success")
    return _back("parts.stock_take", stock_take_id=take.id)


@blueprint.route("/parts/stock-takes/<int:stock_take_id>/approve", methods=["POST"])
@requires("parts.approve")
def approve_stock_take(stock_take_id: int):
    take = stock_takes.get_stock_take(current_user, stock_take_id, "parts.approve")
    stock_takes.approve_stock_take(current_user, take)
    db.session.commit()
    flash(_("Stock-take approved: the differences are booked as adjustments."), "success")
    return _back("parts.stock_take", stock_take_id=take.id)
