"""Customers, their sites and the equipment installed there."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
