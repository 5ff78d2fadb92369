"""Parts, stores, the stock ledger and its balances, requests, old-part returns, loans, stock-takes."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.db_types import UTCDateTime, utcnow
from intranet.enums import LabelledEnum
from intranet.extensions import db
from intranet.parts.quantities import QUANTITY_SCALE, Scaled

Quantity = Scaled(QUANTITY_SCALE)
Money = Scaled(2)


class StoreKind(LabelledEnum):
    WAREHOUSE = "warehouse", _l("Warehouse")
    VAN = "van", _l("Van")


class MoveKind(LabelledEnum):
    RECEIPT = "receipt", _l("Receipt")
    ISSUE = "issue", _l("Issue")
    TRANSFER = "transfer", _l("Transfer")
    RETURN = "return", _l("Return")
    ADJUSTMENT = "adjustment", _l("Stock-take adjustment")
    SCRAP = "scrap", _l("Scrap")
    LOAN = "loan", _l("Lent out")
    LOAN_RETURN = "loan_return", _l("Back from loan")


class RequestStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    APPROVED = "approved", _l("Approved")
    PARTLY_APPROVED = "partly_approved", _l("Partly approved")
    REJECTED = "rejected", _l("Rejected")
    ISSUED = "issued", _l("Issued")
    CLOSED = "closed", _l("Closed")


class PartCondition(LabelledEnum):
    REPAIRABLE = "repairable", _l("Repairable")
    FAULTY = "faulty", _l("Faulty")
    SCRAP = "scrap_only", _l("Only fit for scrap")


class StockTakeStatus(LabelledEnum):
    COUNTING = "counting", _l("Counting")
    SUBMITTED = "submitted_count", _l("Waiting for approval")
    APPROVED = "approved_count", _l("Approved")


class Part(db.Model):
    __tablename__ = "part"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("min_stock >= 0", name="min_stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    specification: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    # Pieces cannot be split; a litre of coolant or a metre of cable can.
    whole_units: Mapped[bool] = mapped_column(default=True)
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    min_stock: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    compatible_models: Mapped[str] = mapped_column(Text, default="")  # one equipment model a line
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def models_list(self) -> list[str]:
        return [line.strip() for line in self.compatible_models.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Part {self.code}>"


class Store(db.Model):
    """A branch's warehouse or a technician's van: somewhere parts sit."""

    __tablename__ = "store"
    __table_args__ = (
        CheckConstraint("kind != 'van' OR technician_id IS NOT NULL", name="van_has_technician"),
        UniqueConstraint("technician_id", name="uq_store_technician"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(default=True)

    branch: Mapped[Branch] = relationship()
    technician: Mapped[User | None] = relationship()

    @property
    def kind_enum(self) -> StoreKind:
        return StoreKind(self.kind)

    def __repr__(self) -> str:
        return f"<Store {self.kind} {self.name}>"


class StockBalance(db.Model):
    """Quantity on hand per (store, part): always the sum of the ledger, kept in the same transaction.

    The CHECK is the last line of defence; the ledger's conditional update refuses first.
    """

    __tablename__ = "stock_balance"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), primary_key=True, index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))

    store: Mapped[Store] = relationship()
    part: Mapped[Part] = relationship()


class StockMove(db.Model):
    """One line of the ledger. Never updated, never deleted."""

    __tablename__ = "stock_move"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("from_store_id IS NOT NULL OR to_store_id IS NOT NULL", name="has_a_store"),
        Index("ix_stock_move_from", "from_store_id", "part_id"),
        Index("ix_stock_move_to", "to_store_id", "part_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), index=True)
    from_store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    to_store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("part_request.id"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    stock_take_id: Mapped[int | None] = mapped_column(ForeignKey("stock_take.id"))
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("part_loan.id"))
    note: Mapped[str] = mapped_column(String(200), default="")

    part: Mapped[Part] = relationship()
    from_store: Mapped[Store | None] = relationship(foreign_keys=[from_store_id])
    to_store: Mapped[Store | None] = relationship(foreign_keys=[to_store_id])
    actor: Mapped[User] = relationship()

    @property
    def kind_enum(self) -> MoveKind:
        return MoveKind(self.kind)


class LowStock(db.Model):
    """A part fell under its minimum in a warehouse: the event notifications pick up (notified_at)."""

    __tablename__ = "low_stock"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    minimum: Mapped[Decimal] = mapped_column(Quantity)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[Store] = relationship()
    part: Mapped[Part] = relationship()


class PartRequest(db.Model):
    """A technician's request for parts (订货/发料), approved by a manager and issued by the storekeeper."""

    __tablename__ = "part_request"
    __table_args__ = (Index("ix_part_request_branch_status", "branch_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.SUBMITTED)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    job = relationship("Job")
    lines: Mapped[list["PartRequestLine"]] = relationship(
        order_by="PartRequestLine.id", cascade="all, delete-orphan", back_populates="request"
    )

    @property
    def status_enum(self) -> RequestStatus:
        return RequestStatus(self.status)

    @property
    def reference(self) -> str:
        return f"R{self.id:06d}"


class PartRequestLine(db.Model):
    __tablename__ = "part_request_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("approved_quantity >= 0 AND approved_quantity <= quantity", name="approved_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("part_request.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    approved_quantity: Mapped[Decimal | None] = mapped_column(Quantity)

    request: Mapped[PartRequest] = relationship(back_populates="lines")
    part: Mapped[Part] = relationship()


class OldPartReturn(db.Model):
    """The replaced part handed back (旧件交接), with its condition; a warranty claim (配件索赔) may follow it."""

    __tablename__ = "old_part_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    received_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    condition: Mapped[str] = mapped_column(String(20))
    serial: Mapped[str] = mapped_column(String(60), default="")
    warranty_claim: Mapped[bool] = mapped_column(default=False)
    claim_reference: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    part: Mapped[Part] = relationship()
    technician: Mapped[User] = relationship(foreign_keys=[technician_id])
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])

    @property
    def condition_enum(self) -> PartCondition:
        return PartCondition(self.condition)


class Loan(db.Model):
    """A tool or part lent out (配件借用单) until a due date.

    A catalogue part is lent out of a store (`store_id`): the loan takes it out of that store's stock
    in the ledger and its return puts it back. Something outside the catalogue moves no stock.
    """

    __tablename__ = "part_loan"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    part_id: Mapped[int | None] = mapped_column(ForeignKey("part.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"))
    item: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    borrower_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    lent_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    lent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date]
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    part: Mapped[Part | None] = relationship()
    store: Mapped[Store | None] = relationship()
    borrower: Mapped[User] = relationship(foreign_keys=[borrower_id])

    def is_overdue(self, today: date) -> bool:
        return self.returned_at is None and self.due_on < today


class StockTake(db.Model):
    """A count sheet for one store (盘点); its differences become adjustments once a manager approves."""

    __tablename__ = "stock_take"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=StockTakeStatus.COUNTING)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[Store] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    lines: Mapped[list["StockTakeLine"]] = relationship(order_by="StockTakeLine.id", cascade="all, delete-orphan")

    @property
    def status_enum(self) -> StockTakeStatus:
        return StockTakeStatus(self.status)


class StockTakeLine(db.Model):
    __tablename__ = "stock_take_line"
    __table_args__ = (CheckConstraint("counted IS NULL OR counted >= 0", name="counted_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_take_id: Mapped[int] = mapped_column(ForeignKey("stock_take.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    expected: Mapped[Decimal] = mapped_column(Quantity)  # the books when the sheet was made
    counted: Mapped[Decimal | None] = mapped_column(Quantity)

    part: Mapped[Part] = relationship()

    @property
    def difference(self) -> Decimal | None:
        return None if self.counted is None else self.counted - self.expected


# Stock belongs to the branch of its store; a technician's requests are their own.
scoping.unscoped(Part, id_param="part_id", reason="the catalogue is the same for every branch")
scoping.register(Store, id_param="store_id", branch="branch_id", not_found=_l("No such store."))
scoping.register(StockBalance, id_param=None, branch="store.branch_id")
scoping.register(StockMove, id_param=None, branch=("from_store.branch_id", "to_store.branch_id"))
scoping.register(LowStock, id_param=None, branch="store.branch_id")
scoping.register(
    PartRequest,
    id_param="request_id",
    branch="branch_id",
    owner="requested_by_id",
    view={Role.TECHNICIAN: Reach.OWN},
    not_found=_l("No such part request."),
)
scoping.register(OldPartReturn, id_param=None, branch="branch_id")
scoping.register(Loan, id_param="loan_id", branch="branch_id", not_found=_l("No such loan."))
scoping.register(StockTake, id_param="stock_take_id", branch="store.branch_id", not_found=_l("No such stock-take."))
