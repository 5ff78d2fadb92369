"""Customers, their sites and equipment: lookup for everyone, changes for the front office."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.branches.models import Branch
from intranet.customers.models import Customer, CustomerRecordView, Equipment, Site
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.listing import contains_text


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
    """The customers within reach whose name or phone, or one of whose sites' address or contact, holds `query`."""
    ensure(actor, "customers.view")
    at_sites = select(Site.customer_id).where(contains_text(query, Site.address, Site.contact_name))
    return (
        select(Customer)
        .where(scoping.visible(actor, Customer))
        .where(or_(contains_text(query, Customer.name, Customer.phone), Customer.id.in_(at_sites)))
        .order_by(Customer.name, Customer.id)
    )


def get_customer(actor, customer_id: int, permission: str = "customers.view") -> Customer:
    options = (selectinload(Customer.sites).selectinload(Site.equipment),)
    return scoping.get(actor, Customer, customer_id, permission, options=options)


def read_customer_record(actor, customer_id: int, now: datetime, page: str = "record", permission="customers.view"):
    """The customer's record for reading, the read written to the record's log (the archive rule)."""
    customer = get_customer(actor, customer_id, permission)
    db.session.add(CustomerRecordView(customer_id=customer.id, viewer_id=actor.id, at=now, page=page))
    db.session.flush()
    return customer


def record_views(actor, customer: Customer | None = None, limit: int = 200) -> list[CustomerRecordView]:
    """Who read customer records, newest first: one customer's, or every record the actor oversees."""
    ensure(actor, "customers.audit", customer)
    statement = select(CustomerRecordView).where(scoping.visible(actor, CustomerRecordView))
    if customer is not None:
        statement = statement.where(CustomerRecordView.customer_id == customer.id)
    statement = statement.options(selectinload(CustomerRecordView.viewer), selectinload(CustomerRecordView.customer))
    return list(
        db.session.scalars(statement.order_by(CustomerRecordView.at.desc(), CustomerRecordView.id.desc()).limit(limit))
    )


def get_site(actor, site_id: int) -> Site:
    return scoping.get(actor, Site, site_id, "customers.edit")


def get_equipment(actor, equipment_id: int) -> Equipment:
    return scoping.get(actor, Equipment, equipment_id, "customers.edit")


def _apply_customer(actor, customer: Customer, data: CustomerData) -> None:
    if data.kind not in {"company", "person"}:
        raise Invalid(_("Choose whether the customer is a company or a person."))
    branch_id = data.branch_id or customer.branch_id or actor.branch_id
    branch = db.session.get(Branch, branch_id) if branch_id else None
    if branch is None:
        raise Invalid(_("Choose the customer's branch."))
    if not scoping.allows(actor, branch):
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
