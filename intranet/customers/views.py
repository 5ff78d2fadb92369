"""Routes: customer search, detail with sites and equipment, and their create and edit forms."""

from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.auth.permissions import can, requires
from intranet.auth.roles import Role
from intranet.branches.service import active_branches
from intranet.customers import blueprint, service
from intranet.customers.forms import CustomerForm, EquipmentForm, SiteForm
from intranet.errors import DomainError
from intranet.extensions import db
from intranet.listing import paginate_request, search_text
from intranet.rendering import render


def _customer_form(**kwargs) -> CustomerForm:
    form = CustomerForm(branches=active_branches(), **kwargs)
    if current_user.role != Role.ADMIN:
        # Only an admin files customers under another branch; the others never see the choice.
        del form.branch_id
    return form


def _customer_data(form: CustomerForm) -> service.CustomerData:
    return service.CustomerData(
        name=form.name.data,
        kind=form.kind.data,
        phone=form.phone.data or "",
        email=form.email.data or "",
        notes=form.notes.data or "",
        branch_id=form.branch_id.data if "branch_id" in form else None,
    )


def _site_data(form: SiteForm) -> service.SiteData:
    return service.SiteData(
        name=form.name.data,
        address=form.address.data,
        contact_name=form.contact_name.data or "",
        contact_phone=form.contact_phone.data or "",
    )


def _equipment_data(form: EquipmentForm) -> service.EquipmentData:
    return service.EquipmentData(
        model=form.model.data,
        serial=form.serial.data,
        installed_on=form.installed_on.data,
        warranty_end=form.warranty_end.data,
    )


def _save(form, action, success_message: str, target: str):
    """Run `action` for a valid form; on a domain error keep the form with the message."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return None
    db.session.commit()
    flash(success_message, "success")
    return redirect(target(result), code=303)


def _status(form) -> int:
    return 422 if form.is_submitted() else 200


@blueprint.route("/customers")
@requires("customers.view")
def index():
    query = search_text(request.args)
    page = paginate_request(service.search_customers(current_user, query))
    return render(
        "customers/index.html",
        fragments={"customer-results": "customers/_results.html"},
        page=page,
        q=query,
        may_create=can(current_user, "customers.edit"),
    )


@blueprint.route("/customers/new", methods=["GET", "POST"])
@requires("customers.edit")
def new():
    form = _customer_form()
    done = _save(
        form,
        lambda: service.create_customer(current_user, _customer_data(form)),
        _("Customer saved."),
        lambda customer: url_for("customers.show", customer_id=customer.id),
    )
    return done or render("customers/form.html", status=_status(form), form=form, customer=None)


@blueprint.route("/customers/<int:customer_id>")
@requires("customers.view")
def show(customer_id: int):
    customer = service.get_customer(current_user, customer_id)
    return render(
        "customers/show.html",
        customer=customer,
        today=date.today(),
        may_edit=can(current_user, "customers.edit", customer),
        may_create_job=can(current_user, "jobs.create")
        and (current_user.role == Role.ADMIN or current_user.branch_id == customer.branch_id),
    )


@blueprint.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
@requires("customers.edit")
def edit(customer_id: int):
    customer = service.get_customer(current_user, customer_id, "customers.edit")
    form = _customer_form(obj=customer)
    done = _save(
        form,
        lambda: service.update_customer(current_user, customer, _customer_data(form)),
        _("Customer saved."),
        lambda c: url_for("customers.show", customer_id=c.id),
    )
    return done or render("customers/form.html", status=_status(form), form=form, customer=customer)


@blueprint.route("/customers/<int:customer_id>/sites/new", methods=["GET", "POST"])
@requires("customers.edit")
def new_site(customer_id: int):
    customer = service.get_customer(current_user, customer_id, "customers.edit")
    form = SiteForm()
    done = _save(
        form,
        lambda: service.add_site(current_user, customer, _site_data(form)),
        _("Site saved."),
        lambda site: url_for("customers.show", customer_id=customer.id),
    )
    return done or render("customers/site_form.html", status=_status(form), form=form, customer=customer, site=None)


@blueprint.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@requires("customers.edit")
def edit_site(site_id: int):
    site = service.get_site(current_user, site_id)
    form = SiteForm(obj=site)
    done = _save(
        form,
        lambda: service.update_site(current_user, site, _site_data(form)),
        _("Site saved."),
        lambda s: url_for("customers.show", customer_id=s.customer_id),
    )
    return done or render(
        "customers/site_form.html", status=_status(form), form=form, customer=site.customer, site=site
    )


@blueprint.route("/sites/<int:site_id>/equipment/new", methods=["GET", "POST"])
@requires("customers.edit")
def new_equipment(site_id: int):
    site = service.get_site(current_user, site_id)
    form = EquipmentForm()
    done = _save(
        form,
        lambda: service.add_equipment(current_user, site, _equipment_data(form)),
        _("Equipment saved."),
        lambda e: url_for("customers.show", customer_id=site.customer_id),
    )
    return done or render("customers/equipment_form.html", status=_status(form), form=form, site=site, equipment=None)


@blueprint.route("/equipment/<int:equipment_id>/edit", methods=["GET", "POST"])
@requires("customers.edit")
def edit_equipment(equipment_id: int):
    equipment = service.get_equipment(current_user, equipment_id)
    form = EquipmentForm(obj=equipment)
    done = _save(
        form,
        lambda: service.update_equipment(current_user, equipment, _equipment_data(form)),
        _("Equipment saved."),
        lambda e: url_for("customers.show", customer_id=e.site.customer_id),
    )
    return done or render(
        "customers/equipment_form.html", status=_status(form), form=form, site=equipment.site, equipment=equipment
    )
