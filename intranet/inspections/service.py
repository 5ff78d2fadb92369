"""Inspections: lookups, the rules every workflow shares (who may fill, clean text) and scores.

The workflows have their own modules: assigning.py, filling.py (answers, drafts, submission),
sign_off.py (sign-off and return), actions.py (corrective actions). The browser's running score is
only a preview: the stored score is always computed by scoring.py from the answers and the template
version the inspection was filled against.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet.access import scoping
from intranet.access.permissions import can, ensure
from intranet.access.roles import Role
from intranet.attachments import service as attachments
from intranet.auth.models import User
from intranet.auth.service import colleagues
from intranet.customers.models import Customer, Site
from intranet.errors import Invalid, NotFound
from intranet.extensions import db
from intranet.inspections import scoring
from intranet.inspections.filters import InspectionFilters
from intranet.inspections.models import (
    Inspection,
    InspectionAnswer,
    InspectionCharge,
    InspectionStatus,
    InspectionTemplate,
    TemplateItem,
    TemplateSection,
    TemplateStatus,
)

OWNER = "inspection"
OPEN_FOR_FILLING = (InspectionStatus.ASSIGNED, InspectionStatus.DRAFT, InspectionStatus.RETURNED)
MAX_TEXT = 2000


attachments.owned_by(OWNER, Inspection)


def get_inspection(actor, inspection_id: int, permission: str = "inspections.view") -> Inspection:
    options = (
        selectinload(Inspection.template).selectinload(InspectionTemplate.sections).selectinload(TemplateSection.items),
        selectinload(Inspection.answers),
        selectinload(Inspection.charges).joinedload(InspectionCharge.person),
    )
    return scoping.get(actor, Inspection, inspection_id, permission, options=options)


def list_inspections(actor, filters: InspectionFilters):
    ensure(actor, "inspections.view")
    statement = (
        select(Inspection)
        .where(scoping.visible(actor, Inspection))
        .options(selectinload(Inspection.template), selectinload(Inspection.inspector), selectinload(Inspection.branch))
    )
    if filters.status:
        statement = statement.where(Inspection.status == filters.status)
    if filters.branch_id:
        statement = statement.where(Inspection.branch_id == filters.branch_id)
    if filters.family:
        family = select(InspectionTemplate.id).where(InspectionTemplate.family == filters.family)
        statement = statement.where(Inspection.template_id.in_(family))
    if filters.submitted_from:
        statement = statement.where(Inspection.submitted_at >= filters.submitted_from)
    if filters.submitted_before:
        statement = statement.where(Inspection.submitted_at < filters.submitted_before)
    return statement.order_by(Inspection.due_at.desc(), Inspection.id.desc())


def open_for(actor) -> list[Inspection]:
    """The inspections a user still has to fill, soonest first (their offline set)."""
    if not can(actor, "inspections.fill"):
        return []
    return list(
        db.session.scalars(
            select(Inspection)
            .where(Inspection.inspector_id == actor.id, Inspection.status.in_([s.value for s in OPEN_FOR_FILLING]))
            .order_by(Inspection.due_at, Inspection.id)
            .limit(50)
        )
    )


def get_template(template_id: int) -> InspectionTemplate:
    template = db.session.get(InspectionTemplate, template_id)
    if template is None:
        raise NotFound(_("No such template."))
    return template


def active_templates() -> list[InspectionTemplate]:
    return list(
        db.session.scalars(
            select(InspectionTemplate)
            .where(InspectionTemplate.status == TemplateStatus.ACTIVE)
            .order_by(InspectionTemplate.title)
        )
    )


def inspectors_of(branch_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.branch_id == branch_id,
                User.active.is_(True),
                User.role.in_([Role.TECHNICIAN, Role.RECEPTIONIST, Role.MANAGER]),
            )
            .order_by(User.name)
        )
    )


def chargeable_people(branch_id: int) -> list[User]:
    """Whom a deduction can be charged to: the active people of the inspection's branch."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.branch_id == branch_id, User.active.is_(True), User.role != Role.ADMIN)
            .order_by(User.name, User.id)
        )
    )


def inspectors_for(actor) -> list[User]:
    """Whom the actor may assign an inspection to: people who fill them, of the branches within reach."""
    return [user for user in colleagues(actor) if can(user, "inspections.fill")]


MAX_SITE_CHOICES = 300


def sites_for(actor) -> list[Site]:
    """Sites an inspection can be about: those of the branches the actor assigns in (their own, or all)."""
    statement = (
        select(Site)
        .join(Customer, Customer.id == Site.customer_id)
        .where(scoping.visible(actor, Site, "customers.edit"))
        .options(selectinload(Site.customer))
    )
    return list(db.session.scalars(statement.order_by(Customer.name, Site.name).limit(MAX_SITE_CHOICES)))


def clean_text(value: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise Invalid(_("%(what)s is longer than %(n)d characters.", what=what, n=MAX_TEXT))
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise Invalid(_("%(what)s contains characters that cannot be stored.", what=what))
    return value


def item_rule(item: TemplateItem) -> scoring.ItemRule:
    at_least = Decimal(item.at_least) if item.at_least is not None else None
    return scoring.item_rule(item.id, item.kind, Decimal(item.points), at_least)


def rules_of(template: InspectionTemplate) -> list[scoring.SectionRule]:
    return [
        scoring.SectionRule(
            section.id, Decimal(section.max_points), tuple(item_rule(item) for item in section.items), section.capped
        )
        for section in template.sections
    ]


def _scored(answer: InspectionAnswer) -> scoring.Answer:
    return scoring.Answer(answer.result, answer.count, answer.points, answer.number)


def is_failed(item: TemplateItem, answer: InspectionAnswer) -> bool:
    return scoring.is_failed(item_rule(item), _scored(answer))


def score_of(inspection: Inspection) -> scoring.Score:
    """Recomputed from the stored answers against the inspection's own template version."""
    answers = {a.item_id: _scored(a) for a in inspection.answers}
    return scoring.score(rules_of(inspection.template), answers)


@dataclass(frozen=True)
class AnswerVerdicts:
    """What the scoring rules say of each stored answer, for the pages that show them."""

    failed: frozenset[int]  # item ids
    deductions: dict[int, Decimal]  # item id -> points deducted (before a section's cap)
    shares: dict[int, Decimal]  # share item id -> percent of the total taken


def verdicts(inspection: Inspection) -> AnswerVerdicts:
    answers = {a.item_id: _scored(a) for a in inspection.answers}
    rules = [rule for section in rules_of(inspection.template) for rule in section.items]
    return AnswerVerdicts(
        failed=frozenset(rule.key for rule in rules if scoring.is_failed(rule, answers.get(rule.key))),
        deductions={rule.key: scoring.item_deduction(rule, answers.get(rule.key)) for rule in rules},
        shares={rule.key: scoring.share_percent(rule, answers.get(rule.key)) for rule in rules},
    )


def section_scores(inspection: Inspection) -> dict[int, dict]:
    return {int(key): value for key, value in json.loads(inspection.section_scores or "{}").items()}
