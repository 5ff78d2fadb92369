"""Routes: customer search, detail with sites and equipment, and their create and edit forms."""

from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.access import scoping
from intranet.access.permissions import can, requires
from intranet.branches.service import active_branches
from intranet.clock import now
from intranet.customers import blueprint, service
from intranet.customers.forms import CustomerForm, EquipmentForm, SiteForm
from intranet.customers.models import Customer, Equipment, Site
from intranet.forms import form_data, form_status
from intranet.listing import paginate_request, search_text
from intranet.rendering import render
from intranet.unit_of_work import attempt


def _customer_form(**kwargs) -> CustomerForm:
    form = CustomerForm(branches=active_branches(), **kwargs)
    if not scoping.sees_every_branch(current_user):
        # Only an admin files customers under another branch; the others never see the choice.
        del form.branch_id
    return form


def _form_page(form, save, saved_message: str, template: str, **context):
    """A create or edit page: for a valid form run `save`, which returns the customer to show; else the form again."""
    if form.validate_on_submit():
        customer = attempt(form, save)
        if customer is not None:
            flash(saved_message, "success")
            return redirect(url_for("customers.show", customer_id=customer.id), code=303)
    return render(template, status=form_status(form), form=form, **context)


def _customer_page(customer: Customer | None = None):
    form = _customer_form(obj=customer)

    def save():
        data = form_data(form, service.CustomerData)
        if customer is None:
            return service.create_customer(current_user, data)
        return service.update_customer(current_user, customer, data)

    return _form_page(form, save, _("Customer saved."), "customers/form.html", customer=customer)


def _site_page(customer: Customer, site: Site | None = None):
    form = SiteForm(obj=site)

    def save():
        data = form_data(form, service.SiteData)
        if site is None:
            return service.add_site(current_user, customer, data).customer
        return service.update_site(current_user, site, data).customer

    return _form_page(form, save, _("Site saved."), "customers/site_form.html", customer=customer, site=site)


def _equipment_page(site: Site, equipment: Equipment | None = None):
    form = EquipmentForm(obj=equipment)

    def save():
        data = form_data(form, service.EquipmentData)
        if equipment is None:
            return service.add_equipment(current_user, site, data).site.customer
        return service.update_equipment(current_user, equipment, data).site.customer

    return _form_page(
        form, save, _("Equipment saved."), "customers/equipment_form.html", site=site, equipment=equipment
    )


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
    return _customer_page()


@blueprint.route("/customers/<int:customer_id>")
@requires("customers.view")
def show(customer_id: int):
    customer = service.read_customer_record(current_user, customer_id, now())
    return render(
        "customers/show.html",
        customer=customer,
        today=date.today(),
        may_edit=can(current_user, "customers.edit", customer),
        may_create_job=can(current_user, "jobs.create", customer),
        may_audit=can(current_user, "customers.audit", customer),
    )


@blueprint.route("/customers/<int:customer_id>/readers")
@requires("customers.audit")
def readers(customer_id: int):
    customer = service.get_customer(current_user, customer_id, "customers.audit")
    return render("customers/readers.html", customer=customer, views=service.record_views(current_user, customer))


@blueprint.route("/customers/readers")
@requires("customers.audit")
def readers_log():
    return render("customers/readers.html", customer=None, views=service.record_views(current_user))


@blueprint.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
@requires("customers.edit")
def edit(customer_id: int):
    if request.method == "GET":
        customer = service.read_customer_record(current_user, customer_id, now(), "edit", "customers.edit")
    else:
        customer = service.get_customer(current_user, customer_id, "customers.edit")
    return _customer_page(customer)


@blueprint.route("/customers/<int:customer_id>/sites/new", methods=["GET", "POST"])
@requires("customers.edit")
def new_site(customer_id: int):
    return _site_page(service.get_customer(current_user, customer_id, "customers.edit"))


@blueprint.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@requires("customers.edit")
def edit_site(site_id: int):
    site = service.get_site(current_user, site_id)
    return _site_page(site.customer, site)


@blueprint.route("/sites/<int:site_id>/equipment/new", methods=["GET", "POST"])
@requires("customers.edit")
def new_equipment(site_id: int):
    return _equipment_page(service.get_site(current_user, site_id))


@blueprint.route("/equipment/<int:equipment_id>/edit", methods=["GET", "POST"])
@requires("customers.edit")
def edit_equipment(equipment_id: int):
    equipment = service.get_equipment(current_user, equipment_id)
    return _equipment_page(equipment.site, equipment)
