"""Inspections from assignment to sign-off: who may do what, answers checked, scores computed here.

The browser's running score is only a preview: the stored score is always computed by scoring.py
from the answers and the template version the inspection was filled against.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intranet.attachments import service as attachments
from intranet.audit import service as audit
from intranet.auth.models import User
from intranet.auth.permissions import can, ensure, object_rule
from intranet.auth.roles import Role
from intranet.branches.models import Branch
from intranet.customers.models import Customer, Site
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotAllowed, NotFound
from intranet.extensions import db
from intranet.inspections import scoring
from intranet.inspections.models import (
    CorrectiveAction,
    Inspection,
    InspectionAnswer,
    InspectionStatus,
    InspectionTemplate,
    TemplateItem,
    TemplateSection,
    TemplateStatus,
)
from intranet.inspections.templates_io import Upload

OWNER = "inspection"
OPEN_FOR_FILLING = (InspectionStatus.ASSIGNED, InspectionStatus.DRAFT, InspectionStatus.RETURNED)
ACTION_DAYS = 7  # a corrective action is due a week after the inspection that found the problem
MAX_COUNT = 999
MAX_TEXT = 2000


def same_branch(actor, obj) -> bool:
    return actor.role == Role.ADMIN or obj.branch_id == actor.branch_id


@object_rule("inspections.view")
def _may_view(actor, inspection) -> bool:
    if actor.role in (Role.MANAGER, Role.ADMIN):
        return same_branch(actor, inspection)
    return inspection.inspector_id == actor.id


@object_rule("inspections.fill")
def _may_fill(actor, inspection) -> bool:
    return inspection.inspector_id == actor.id


for _permission in ("inspections.assign", "inspections.sign"):
    object_rule(_permission)(same_branch)


@attachments.access_rule(OWNER)
def _may_see_files(actor, inspection_id: int) -> bool:
    inspection = db.session.get(Inspection, inspection_id)
    return inspection is not None and can(actor, "inspections.view", inspection)


# Looking things up


def get_inspection(actor, inspection_id: int, permission: str = "inspections.view") -> Inspection:
    inspection = db.session.scalar(
        select(Inspection)
        .where(Inspection.id == inspection_id)
        .options(
            selectinload(Inspection.template)
            .selectinload(InspectionTemplate.sections)
            .selectinload(TemplateSection.items),
            selectinload(Inspection.answers),
        )
    )
    if inspection is None:
        raise NotFound(_("No such inspection."))
    ensure(actor, permission, inspection)
    return inspection


def list_inspections(actor, status: str | None = None):
    ensure(actor, "inspections.view")
    statement = select(Inspection).options(
        selectinload(Inspection.template), selectinload(Inspection.inspector), selectinload(Inspection.branch)
    )
    if actor.role == Role.MANAGER:
        statement = statement.where(Inspection.branch_id == actor.branch_id)
    elif actor.role != Role.ADMIN:
        statement = statement.where(Inspection.inspector_id == actor.id)
    if status:
        statement = statement.where(Inspection.status == status)
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


MAX_SITE_CHOICES = 300


def sites_for(actor) -> list[Site]:
    """Sites an inspection can be about: those of the actor's branch (every branch's for an admin)."""
    statement = select(Site).join(Customer, Customer.id == Site.customer_id).options(selectinload(Site.customer))
    if actor.role != Role.ADMIN:
        statement = statement.where(Customer.branch_id == actor.branch_id)
    return list(db.session.scalars(statement.order_by(Customer.name, Site.name).limit(MAX_SITE_CHOICES)))


# Scores


def rules_of(template: InspectionTemplate) -> list[scoring.SectionRule]:
    return [
        scoring.SectionRule(
            section.id,
            Decimal(section.max_points),
            tuple(scoring.ItemRule(item.id, item.kind, Decimal(item.points)) for item in section.items),
        )
        for section in template.sections
    ]


def score_of(inspection: Inspection) -> scoring.Score:
    """Recomputed from the stored answers against the inspection's own template version."""
    answers = {a.item_id: scoring.Answer(a.result, a.count) for a in inspection.answers}
    return scoring.score(rules_of(inspection.template), answers)


def section_scores(inspection: Inspection) -> dict[int, dict]:
    return {int(key): value for key, value in json.loads(inspection.section_scores or "{}").items()}


# Assigning


@dataclass
class AssignData:
    template_id: int
    branch_id: int
    inspector_id: int
    due_at: datetime
    frequency: str = ""  # "" = once
    site_id: int | None = None


def _check_assignment(actor, data: AssignData) -> tuple[InspectionTemplate, User]:
    branch = db.session.get(Branch, data.branch_id)
    if branch is None:
        raise Invalid(_("Choose a branch."))
    ensure(actor, "inspections.assign", Inspection(branch_id=branch.id))
    template = db.session.get(InspectionTemplate, data.template_id)
    if template is None or template.status != TemplateStatus.ACTIVE:
        raise Invalid(_("Choose a checklist that is in use."))
    inspector = db.session.get(User, data.inspector_id)
    if inspector is None or inspector.branch_id != branch.id or not inspector.active:
        raise Invalid(_("Choose an inspector of the branch."))
    if not can(inspector, "inspections.fill"):
        raise Invalid(_("%(name)s cannot fill inspections.", name=inspector.name))
    if data.site_id is not None:
        site = db.session.get(Site, data.site_id)
        if site is None or site.customer.branch_id != branch.id:
            raise Invalid(_("Choose a site of the inspector's branch."))
    return template, inspector


def assign(actor, data: AssignData) -> Inspection:
    """Assign once, or set up a schedule and make its first inspection now."""
    from intranet.inspections import schedules

    template, inspector = _check_assignment(actor, data)
    if data.frequency:
        schedule = schedules.create_schedule(actor, template, data)
        inspection = schedules.generate_for(schedule, utcnow())
        if inspection is not None:
            return inspection
    inspection = Inspection(
        template_id=template.id,
        branch_id=data.branch_id,
        site_id=data.site_id,
        inspector_id=inspector.id,
        assigned_by_id=actor.id,
        due_at=data.due_at,
    )
    db.session.add(inspection)
    db.session.flush()
    audit.record(actor, "inspection.assigned", inspection, inspector=inspector.login)
    return inspection


# Filling


@dataclass
class AnswerInput:
    result: str | None = None
    count: str = ""
    number: str = ""
    text: str = ""
    note: str = ""
    photo: Upload | None = None


def clean_text(value: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise Invalid(_("%(what)s is longer than %(n)d characters.", what=what, n=MAX_TEXT))
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise Invalid(_("%(what)s contains characters that cannot be stored.", what=what))
    return value


def _checked(item: TemplateItem, given: AnswerInput, complete: bool = True) -> InspectionAnswer:
    """One answer checked against its item; a draft (complete=False) may leave checks unanswered."""
    answer = InspectionAnswer(item_id=item.id, count=0, text="", note=clean_text(given.note, item.text))
    if item.kind == "pass_fail":
        if not complete and not given.result:
            answer.result = None
        elif given.result not in (scoring.PASS, scoring.FAIL, scoring.NOT_APPLICABLE):
            raise Invalid(_("Answer every check: “%(item)s” has no answer.", item=item.text))
        else:
            answer.result = given.result
    elif item.kind == "deduction":
        count = (given.count or "0").strip()
        if not count.isdigit() or int(count) > MAX_COUNT:
            raise Invalid(_("“%(item)s”: how many times, a whole number from 0 to %(n)d.", item=item.text, n=MAX_COUNT))
        answer.count = int(count)
    elif item.kind == "number":
        if (given.number or "").strip():
            try:
                number = Decimal(given.number.strip())
            except InvalidOperation:
                raise Invalid(_("“%(item)s” needs a number.", item=item.text)) from None
            if (
                not number.is_finite()
                or (item.min_value is not None and number < item.min_value)
                or (item.max_value is not None and number > item.max_value)
            ):
                raise Invalid(
                    _(
                        "“%(item)s” must be between %(low)s and %(high)s.",
                        item=item.text,
                        low=_fmt(item.min_value),
                        high=_fmt(item.max_value),
                    )
                )
            answer.number = number
    elif item.kind == "text":
        answer.text = clean_text(given.text, item.text)
    return answer


def _fmt(value) -> str:
    return "—" if value is None else f"{Decimal(value).normalize():f}"


def parse_answer_fields(template: InspectionTemplate, form, files) -> dict[int, AnswerInput]:
    """Read item-<id>-<field> names; an id that is not an item of this template version is refused."""
    known = {item.id for item in template.items}
    answers: dict[int, AnswerInput] = {}
    for name in set(form.keys()) | set(files.keys()):
        if not name.startswith("item-"):
            continue
        _prefix, key, *rest = name.split("-", 2)
        if not key.isdigit() or int(key) not in known or not rest:
            raise Invalid(
                _("The answers name an item that is not in this checklist (version %(v)d).", v=template.version)
            )
        given = answers.setdefault(int(key), AnswerInput())
        part = rest[0]
        if part == "photo":
            storage = files.get(name)
            if storage is not None and storage.filename:
                given.photo = Upload(storage.read(), storage.filename)
        elif part in ("result", "count", "number", "text", "note"):
            setattr(given, part, form.get(name, ""))
        else:
            raise Invalid(_("Unknown answer field %(name)s.", name=name[:60]))
    return answers


def submit_inspection(
    actor, inspection: Inspection, client_id: str, given: dict[int, AnswerInput], now: datetime | None = None
) -> tuple[Inspection, bool]:
    """Store the answers, the score and the corrective actions; a resent client_id gets the original."""
    now = now or utcnow()
    existing = db.session.scalar(select(Inspection).where(Inspection.client_id == client_id))
    if existing is not None:
        if existing.id != inspection.id:
            raise Conflict(_("This submission's id is already used by another inspection."))
        return existing, False
    _store_answers(actor, inspection, given, complete=True)
    result = score_of(inspection)
    inspection.section_scores = json.dumps(
        {
            str(s.key): {"max": str(s.max_points), "deducted": str(s.deducted), "score": str(s.score)}
            for s in result.sections
        }
    )
    inspection.score_total, inspection.max_total = result.total, result.max_total
    inspection.status = InspectionStatus.SUBMITTED
    inspection.submitted_at = now
    inspection.client_id = client_id
    _open_corrective_actions(inspection, {item.id: item for item in inspection.template.items}, now)
    db.session.flush()
    audit.record(actor, "inspection.submitted", inspection, score=str(result.total))
    return inspection, True


def _store_answers(actor, inspection: Inspection, given: dict[int, AnswerInput], complete: bool) -> None:
    """Check every answer (and photo) first, then write them: a refused submission stores nothing."""
    ensure(actor, "inspections.fill", inspection)
    if inspection.status == InspectionStatus.SIGNED_OFF:
        raise Conflict(_("This inspection is signed off: it can no longer be changed."))
    if inspection.status not in OPEN_FOR_FILLING:
        raise Conflict(_("This inspection was already submitted; a manager must return it before it can change."))
    items = {item.id: item for item in inspection.template.items}
    if set(given) - set(items):
        raise Invalid(_("The answers name an item that is not in this checklist."))
    previous = {a.item_id: a for a in inspection.answers}
    checked = {item_id: _checked(item, given.get(item_id, AnswerInput()), complete) for item_id, item in items.items()}
    for item_id, answer in checked.items():
        item = items[item_id]
        photo = given.get(item_id, AnswerInput()).photo
        if photo is not None:
            attachments.check_image(photo.data, photo.filename)
        failed = scoring.is_failed(
            scoring.ItemRule(item.id, item.kind, Decimal(item.points)), scoring.Answer(answer.result, answer.count)
        )
        had_photo = previous.get(item_id) is not None and previous[item_id].photo_id is not None
        if complete and failed and item.photo_required_on_fail and photo is None and not had_photo:
            raise Invalid(_("“%(item)s” failed: take a photo of it.", item=item.text))

    for item_id, answer in checked.items():
        stored = previous.get(item_id)
        if stored is None:
            stored = InspectionAnswer(inspection=inspection, item_id=item_id)
            db.session.add(stored)
        stored.result, stored.count, stored.number = answer.result, answer.count, answer.number
        stored.text, stored.note = answer.text, answer.note
        photo = given.get(item_id, AnswerInput()).photo
        if photo is not None:
            stored.photo_id = attachments.store_image(
                actor, OWNER, inspection.id, "photo", photo.data, photo.filename
            ).id
    db.session.flush()
    db.session.refresh(inspection, ["answers"])


def save_draft(actor, inspection: Inspection, given: dict[int, AnswerInput]) -> Inspection:
    """Keep unfinished answers on the server (another device can go on); no score, no actions yet."""
    _store_answers(actor, inspection, given, complete=False)
    inspection.status = InspectionStatus.DRAFT
    db.session.flush()
    return inspection


def _open_corrective_actions(inspection: Inspection, items: dict[int, TemplateItem], now: datetime) -> None:
    have = set(
        db.session.scalars(select(CorrectiveAction.answer_id).where(CorrectiveAction.inspection_id == inspection.id))
    )
    for answer in inspection.answers:
        item = items[answer.item_id]
        rule = scoring.ItemRule(item.id, item.kind, Decimal(item.points))
        if answer.id in have or not scoring.is_failed(rule, scoring.Answer(answer.result, answer.count)):
            continue
        description = item.text + (f" × {answer.count}" if item.kind == "deduction" else "")
        if answer.note:
            description += f": {answer.note}"
        db.session.add(
            CorrectiveAction(
                inspection_id=inspection.id,
                answer_id=answer.id,
                branch_id=inspection.branch_id,
                description=description,
                owner_id=inspection.assigned_by_id,
                due_on=now.date() + timedelta(days=ACTION_DAYS),
            )
        )


# Sign-off


def _ready_for_review(actor, inspection: Inspection) -> None:
    ensure(actor, "inspections.sign", inspection)
    if inspection.status == InspectionStatus.SIGNED_OFF:
        raise Conflict(_("This inspection is signed off: it can no longer be changed."))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise Conflict(_("Only a submitted inspection can be signed off or returned."))
    if inspection.inspector_id == actor.id:
        raise NotAllowed(_("You filled this inspection yourself: another manager must sign it off."))


def sign_off(actor, inspection: Inspection, signature: Upload | None, confirmed: bool, now: datetime | None = None):
    _ready_for_review(actor, inspection)
    if not confirmed:
        raise Invalid(_("Tick the box to confirm you reviewed the answers and the score."))
    if signature is None:
        raise Invalid(_("Sign in the box before signing off."))
    stored = attachments.store_image(actor, OWNER, inspection.id, "signature", signature.data, signature.filename)
    inspection.signature_id = stored.id
    inspection.status = InspectionStatus.SIGNED_OFF
    inspection.signed_by_id = actor.id
    inspection.signed_at = now or utcnow()
    db.session.flush()
    audit.record(actor, "inspection.signed_off", inspection, score=str(inspection.score_total))
    return inspection


def return_inspection(actor, inspection: Inspection, comment: str) -> Inspection:
    _ready_for_review(actor, inspection)
    comment = clean_text(comment, _("The comment"))
    if not comment:
        raise Invalid(_("Say what must be corrected before returning it."))
    inspection.status = InspectionStatus.RETURNED
    inspection.return_comment = comment
    db.session.flush()
    audit.record(actor, "inspection.returned", inspection, comment=comment)
    return inspection
