"""Templates (sections and items, versioned), inspections with answers, schedules, corrective actions."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intranet.access import scoping
from intranet.access.roles import Role
from intranet.access.scoping import Reach
from intranet.auth.models import User
from intranet.branches.models import Branch
from intranet.customers.models import Site
from intranet.db_types import Scaled, UTCDateTime, utcnow
from intranet.enums import LabelledEnum
from intranet.extensions import db

POINTS = Scaled(2)  # hundredths of a point
MEASURE = Scaled(3)


class TemplateStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    ACTIVE = "active", _l("In use")
    RETIRED = "retired", _l("Retired")


class ItemKind(LabelledEnum):
    PASS_FAIL = "pass_fail", _l("Pass / fail / not applicable")
    DEDUCTION = "deduction", _l("Deduction per occurrence")
    ENTERED = "entered", _l("Deduction the inspector enters (at least N points)")
    SHARE = "share", _l("Share of the total score (percent entered)")
    NUMBER = "number", _l("Number in a range")
    TEXT = "text", _l("Text")
    PHOTO = "photo", _l("Photo")


class InspectionStatus(LabelledEnum):
    ASSIGNED = "assigned", _lp("inspection status", "Assigned")
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Waiting for sign-off")
    SIGNED_OFF = "signed_off", _l("Signed off")
    RETURNED = "returned", _l("Returned")


class Frequency(LabelledEnum):
    DAILY = "daily", _l("Daily")
    WEEKLY = "weekly", _l("Weekly")
    MONTHLY = "monthly", _l("Monthly")
    QUARTERLY = "quarterly", _l("Quarterly")


class ActionStatus(LabelledEnum):
    OPEN = "open", _lp("corrective action status", "Open")
    DONE = "done", _lp("corrective action status", "Done")
    VERIFIED = "verified", _l("Verified")
    # The inspection came back and, answered again, the item passed: nothing is left to correct.
    WITHDRAWN = "withdrawn", _l("Withdrawn: passes now")


class InspectionTemplate(db.Model):
    __tablename__ = "inspection_template"
    __table_args__ = (UniqueConstraint("family", "version", name="uq_inspection_template_family_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Every version of one checklist shares its family (the code it was created with).
    family: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=TemplateStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sections: Mapped[list["TemplateSection"]] = relationship(
        order_by="TemplateSection.position", cascade="all, delete-orphan", back_populates="template"
    )

    @property
    def status_enum(self) -> TemplateStatus:
        return TemplateStatus(self.status)

    @property
    def max_total(self) -> Decimal:
        return sum((s.max_points for s in self.sections), Decimal(0))

    @property
    def items(self) -> list["TemplateItem"]:
        return [item for section in self.sections for item in section.items]


class TemplateSection(db.Model):
    __tablename__ = "template_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_template.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    max_points: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    # Capped: the section's deductions stop at its maximum. Uncapped: every occurrence deducts.
    capped: Mapped[bool] = mapped_column(default=True, server_default=true())
    position: Mapped[int] = mapped_column(default=0)

    template: Mapped[InspectionTemplate] = relationship(back_populates="sections")
    items: Mapped[list["TemplateItem"]] = relationship(
        order_by="TemplateItem.position", cascade="all, delete-orphan", back_populates="section"
    )


class TemplateItem(db.Model):
    __tablename__ = "template_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("template_section.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[Decimal] = mapped_column(POINTS, default=Decimal(0))
    at_least: Mapped[Decimal | None] = mapped_column(POINTS)  # a deduction that applies is never less
    # A number item's range; a share item's range of percents (50 to 100: "half to all of the score").
    min_value: Mapped[Decimal | None] = mapped_column(MEASURE)
    max_value: Mapped[Decimal | None] = mapped_column(MEASURE)
    photo_required_on_fail: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    section: Mapped[TemplateSection] = relationship(back_populates="items")

    @property
    def kind_enum(self) -> ItemKind:
        return ItemKind(self.kind)


class InspectionSchedule(db.Model):
    """A recurring assignment: `flask inspections-generate` makes one inspection per period."""

    __tablename__ = "inspection_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(40))  # follows the template's newest published version
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    frequency: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    inspector: Mapped[User] = relationship(foreign_keys=[inspector_id])
    branch: Mapped[Branch] = relationship()

    @property
    def frequency_enum(self) -> Frequency:
        return Frequency(self.frequency)


class Inspection(db.Model):
    __tablename__ = "inspection"
    __table_args__ = (
        # The generator may run twice (or on two servers): one inspection per schedule and period.
        UniqueConstraint("schedule_id", "period", name="uq_inspection_schedule_period"),
        Index("ix_inspection_inspector_status", "inspector_id", "status"),
        Index("ix_inspection_branch_status", "branch_id", "status"),
        Index("ix_inspection_branch_submitted", "branch_id", "submitted_at"),  # scores by period
        Index("ix_inspection_signed", "signed_at"),  # the checklist signed off most recently
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_template.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_schedule.id"))
    period: Mapped[str | None] = mapped_column(String(12))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=InspectionStatus.ASSIGNED)
    # Made by the browser when the form opens: a resend of the same submission finds this row.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    score_total: Mapped[Decimal | None] = mapped_column(POINTS)
    max_total: Mapped[Decimal | None] = mapped_column(POINTS)
    section_scores: Mapped[str] = mapped_column(Text, default="{}")  # JSON: section id -> score
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    return_comment: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[InspectionTemplate] = relationship()
    branch: Mapped[Branch] = relationship()
    site: Mapped[Site | None] = relationship()
    inspector: Mapped[User] = relationship(foreign_keys=[inspector_id])
    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    answers: Mapped[list["InspectionAnswer"]] = relationship(
        order_by="InspectionAnswer.id", cascade="all, delete-orphan", back_populates="inspection"
    )
    charges: Mapped[list["InspectionCharge"]] = relationship(
        order_by="InspectionCharge.id", cascade="all, delete-orphan", back_populates="inspection"
    )

    @property
    def status_enum(self) -> InspectionStatus:
        return InspectionStatus(self.status)

    @property
    def reference(self) -> str:
        return f"I{self.id:06d}"


class InspectionAnswer(db.Model):
    __tablename__ = "inspection_answer"
    __table_args__ = (UniqueConstraint("inspection_id", "item_id", name="uq_inspection_answer_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("template_item.id"))
    result: Mapped[str | None] = mapped_column(String(10))
    count: Mapped[int] = mapped_column(default=0)
    points: Mapped[Decimal | None] = mapped_column(POINTS)  # an entered deduction
    number: Mapped[Decimal | None] = mapped_column(MEASURE)  # a reading, or a share's percent
    text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))

    inspection: Mapped[Inspection] = relationship(back_populates="answers")
    item: Mapped[TemplateItem] = relationship()


class InspectionCharge(db.Model):
    """A deduction charged to the person who caused it (每人次): their personal score, month by month.

    It belongs to the inspection's branch; the points are the item's deduction for the times charged.
    """

    __tablename__ = "inspection_charge"
    __table_args__ = (
        UniqueConstraint("inspection_id", "item_id", "person_id", name="uq_inspection_charge_person"),
        Index("ix_inspection_charge_branch_person", "branch_id", "person_id"),
        Index("ix_inspection_charge_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("template_item.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    times: Mapped[int] = mapped_column(default=0)  # occurrences, for an item counted per occurrence
    points: Mapped[Decimal] = mapped_column(POINTS)

    inspection: Mapped[Inspection] = relationship(back_populates="charges")
    item: Mapped[TemplateItem] = relationship()
    person: Mapped[User] = relationship()


class CorrectiveAction(db.Model):
    """Opened by a failed item (整改): someone owns it until a manager verifies it is done."""

    __tablename__ = "corrective_action"
    __table_args__ = (
        Index("ix_corrective_action_branch_status", "branch_id", "status"),
        Index("ix_corrective_action_branch_created", "branch_id", "created_at"),  # opened in a period
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("inspection_answer.id"), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_note: Mapped[str] = mapped_column(Text, default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    inspection: Mapped[Inspection] = relationship()
    answer: Mapped[InspectionAnswer] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    branch: Mapped[Branch] = relationship()

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)

    def is_overdue(self, today: date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today


# Checklists are the company's; an inspection is its inspector's and, for managers, their branch's.
_INSPECTORS_OWN = {Role.TECHNICIAN: Reach.OWN, Role.RECEPTIONIST: Reach.OWN, Role.STOREKEEPER: Reach.OWN}
scoping.unscoped(InspectionTemplate, id_param="template_id", reason="checklists are the same for every branch")
scoping.unscoped(TemplateSection, id_param="section_id", reason="a part of a company-wide checklist")
scoping.unscoped(TemplateItem, id_param="item_id", reason="a part of a company-wide checklist")
scoping.register(InspectionSchedule, id_param=None, branch="branch_id")
scoping.register(
    Inspection,
    id_param="inspection_id",
    branch="branch_id",
    owner="inspector_id",
    view=_INSPECTORS_OWN,
    actions={"inspections.fill": Reach.OWN},  # a manager fills only what is assigned to them
    not_found=_l("No such inspection."),
)
# A personal deduction is the person's own and, for managers, their branch's (the inspection's).
scoping.register(
    InspectionCharge,
    id_param=None,
    branch="branch_id",
    owner="person_id",
    view=_INSPECTORS_OWN,
    not_found=_l("No such deduction."),
)
scoping.register(
    CorrectiveAction,
    id_param="action_id",
    branch="branch_id",
    owner="owner_id",
    view={**_INSPECTORS_OWN, Role.MANAGER: Reach.BRANCH_OR_OWN},
    actions={"actions.verify": Reach.BRANCH},
    not_found=_l("No such corrective action."),
)
