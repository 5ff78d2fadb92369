"""Customers, their sites and the equipment installed there."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.db_types import UTCDateTime, utcnow
from intranet.extensions import db


class Customer(db.Model):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="company")  # company | person
    phone: Mapped[str] = mapped_column(String(30), default="", index=True)
    email: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    branch: Mapped[Branch] = relationship(lazy="joined")
    sites: Mapped[list["Site"]] = relationship(
        back_populates="customer", order_by="Site.name", cascade="all, delete-orphan"
    )


class Site(db.Model):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")

    customer: Mapped[Customer] = relationship(back_populates="sites")
    equipment: Mapped[list["Equipment"]] = relationship(
        back_populates="site", order_by="Equipment.model", cascade="all, delete-orphan"
    )


class Equipment(db.Model):
    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    model: Mapped[str] = mapped_column(String(80))
    serial: Mapped[str] = mapped_column(String(60), unique=True)
    installed_on: Mapped[date | None] = mapped_column(Date)
    warranty_end: Mapped[date | None] = mapped_column(Date)

    site: Mapped[Site] = relationship(back_populates="equipment")

    def under_warranty(self, today: date) -> bool:
        return self.warranty_end is not None and today <= self.warranty_end


class CustomerRecordView(db.Model):
    """One look at a customer's record (the archive rule: who read which record, when). Never updated."""

    __tablename__ = "customer_record_view"
    __table_args__ = (
        Index("ix_customer_record_view_customer_at", "customer_id", "at"),
        Index("ix_customer_record_view_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    page: Mapped[str] = mapped_column(String(20), default="record")  # the record, or its edit form

    customer: Mapped[Customer] = relationship()
    viewer: Mapped[User] = relationship()


# The front desk answers any customer of the company; technicians see their branch's; changes and
# new jobs stay within one's own branch. Storekeepers' work needs no customer records (the archive
# rule: records are read by those whose work needs them, and every read is logged).
_FRONT_DESK_VIEW = {Role.RECEPTIONIST: Reach.ALL, Role.MANAGER: Reach.ALL, Role.STOREKEEPER: Reach.NONE}
_WITHIN_BRANCH = {"customers.edit": Reach.BRANCH, "jobs.create": Reach.BRANCH, "customers.audit": Reach.BRANCH}
scoping.register(
    Customer,
    id_param="customer_id",
    branch="branch_id",
    view=_FRONT_DESK_VIEW,
    actions=_WITHIN_BRANCH,
    not_found=_l("No such customer."),
)
scoping.register(
    Site,
    id_param="site_id",
    branch="customer.branch_id",
    view=_FRONT_DESK_VIEW,
    actions=_WITHIN_BRANCH,
    not_found=_l("No such site."),
)
scoping.register(
    Equipment,
    id_param="equipment_id",
    branch="site.customer.branch_id",
    view=_FRONT_DESK_VIEW,
    actions=_WITHIN_BRANCH,
    not_found=_l("No such equipment."),
)
# The log of a record's readers is for the managers of the customer's branch.
scoping.register(
    CustomerRecordView,
    id_param=None,
    branch="customer.branch_id",
    view={
        Role.MANAGER: Reach.BRANCH,
        Role.RECEPTIONIST: Reach.NONE,
        Role.TECHNICIAN: Reach.NONE,
        Role.STOREKEEPER: Reach.NONE,
    },
)
