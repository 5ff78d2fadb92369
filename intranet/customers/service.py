"""Customers, their sites and equipment: lookup for everyone, changes for the front office."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from intranet.auth.permissions import ensure, object_rule
from intranet.auth.roles import Role
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Equipment, Site
from intranet.errors import Conflict, Invalid, NotFound
from intranet.extensions import db
from intranet.listing import escape_like


def _branch_of(obj) -> int:
    if isinstance(obj, Customer):
        return obj.branch_id
    if isinstance(obj, Site):
        return obj.customer.branch_id
    if isinstance(obj, Equipment):
        return obj.site.customer.branch_id
    raise TypeError(obj)


@object_rule("customers.view")
def _may_view(actor, obj) -> bool:
    # The front desk answers any customer of the company; technicians see their own branch's.
    return actor.role != Role.TECHNICIAN or _branch_of(obj) == actor.branch_id


@object_rule("customers.edit")
def _may_edit(actor, obj) -> bool:
    return actor.role == Role.ADMIN or _branch_of(obj) == actor.branch_id


@dataclass
class CustomerData:
    name: str
    kind: str
    phone: str = ""
    email: str = ""
    notes: str = ""
    branch_id: int | None = None


@dataclass
class SiteData:
    name: str
    address: str
    contact_name: str = ""
    contact_phone: str = ""


@dataclass
class EquipmentData:
    model: str
    serial: str
    installed_on: date | None = None
    warranty_end: date | None = None


def search_customers(actor, query: str = ""):
    ensure(actor, "customers.view")
    statement = select(Customer).order_by(Customer.name, Customer.id)
    if actor.role == Role.TECHNICIAN:
        statement = statement.where(Customer.branch_id == actor.branch_id)
    query = (query or "").strip()
    if query:
        pattern = f"%{escape_like(query)}%"
        statement = statement.where(
            or_(
                Customer.name.ilike(pattern, escape="\\"),
                Customer.phone.ilike(pattern, escape="\\"),
                Customer.id.in_(
                    select(Site.customer_id).where(
                        or_(
                            Site.address.ilike(pattern, escape="\\"),
                            Site.contact_name.ilike(pattern, escape="\\"),
                        )
                    )
                ),
            )
        )
    return statement


def get_customer(actor, customer_id: int, permission: str = "customers.view") -> Customer:
    customer = db.session.scalar(
        select(Customer)
        .where(Customer.id == customer_id)
        .options(selectinload(Customer.sites).selectinload(Site.equipment))
    )
    if customer is None:
        raise NotFound(_("No such customer."))
    ensure(actor, permission, customer)
    return customer


def get_site(actor, site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None:
        raise NotFound(_("No such site."))
    ensure(actor, "customers.edit", site)
    return site


def get_equipment(actor, equipment_id: int) -> Equipment:
    equipment = db.session.get(Equipment, equipment_id)
    if equipment is None:
        raise NotFound(_("No such equipment."))
    ensure(actor, "customers.edit", equipment)
    return equipment


def _apply_customer(actor, customer: Customer, data: CustomerData) -> None:
    if data.kind not in {"company", "person"}:
        raise Invalid(_("Choose whether the customer is a company or a person."))
    branch_id = data.branch_id or customer.branch_id or actor.branch_id
    if branch_id is None or db.session.get(Branch, branch_id) is None:
        raise Invalid(_("Choose the customer's branch."))
    if actor.role != Role.ADMIN and branch_id != actor.branch_id:
        raise Invalid(_("You can only file customers under your own branch."))
    customer.name = data.name.strip()
    customer.kind = data.kind
    customer.phone = data.phone.strip()
    customer.email = data.email.strip()
    customer.notes = data.notes.strip()
    customer.branch_id = branch_id


def create_customer(actor, data: CustomerData) -> Customer:
    ensure(actor, "customers.edit")
    customer = Customer()
    _apply_customer(actor, customer, data)
    db.session.add(customer)
    db.session.flush()
    return customer


def update_customer(actor, customer: Customer, data: CustomerData) -> Customer:
    ensure(actor, "customers.edit", customer)
    _apply_customer(actor, customer, data)
    db.session.flush()
    return customer


def _apply_site(site: Site, data: SiteData) -> None:
    site.name = data.name.strip()
    site.address = data.address.strip()
    site.contact_name = data.contact_name.strip()
    site.contact_phone = data.contact_phone.strip()


def add_site(actor, customer: Customer, data: SiteData) -> Site:
    ensure(actor, "customers.edit", customer)
    site = Site()
    _apply_site(site, data)
    site.customer = customer  # attached last: the checks above must not autoflush a half-built row
    db.session.add(site)
    db.session.flush()
    return site


def update_site(actor, site: Site, data: SiteData) -> Site:
    ensure(actor, "customers.edit", site)
    _apply_site(site, data)
    db.session.flush()
    return site


def _apply_equipment(equipment: Equipment, data: EquipmentData) -> None:
    serial = data.serial.strip().upper()
    taken = db.session.scalar(select(Equipment.id).where(Equipment.serial == serial))
    if taken is not None and taken != equipment.id:
        raise Conflict(_("Serial number %(serial)s is already registered.", serial=serial))
    if data.installed_on and data.warranty_end and data.warranty_end < data.installed_on:
        raise Invalid(_("The warranty cannot end before the installation date."))
    equipment.model = data.model.strip()
    equipment.serial = serial
    equipment.installed_on = data.installed_on
    equipment.warranty_end = data.warranty_end


def add_equipment(actor, site: Site, data: EquipmentData) -> Equipment:
    ensure(actor, "customers.edit", site)
    equipment = Equipment()
    _apply_equipment(equipment, data)
    equipment.site = site  # attached last: the serial check above must not autoflush a half-built row
    db.session.add(equipment)
    db.session.flush()
    return equipment


def update_equipment(actor, equipment: Equipment, data: EquipmentData) -> Equipment:
    ensure(actor, "customers.edit", equipment)
    _apply_equipment(equipment, data)
    db.session.flush()
    return equipment
