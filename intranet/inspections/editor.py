"""Editing checklists: a template already used by inspections is copied to a new version first.

So an inspection always keeps the questions, points and maximums it was filled against.
"""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from intranet.access.permissions import ensure
from intranet.audit import service as audit
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotFound
from intranet.extensions import db
from intranet.inspections.models import (
    Inspection,
    InspectionTemplate,
    ItemKind,
    TemplateItem,
    TemplateSection,
    TemplateStatus,
)
from intranet.numbers import decimal_from, fits

MAX_POINTS = Decimal("9999.99")  # points and section maximums: hundredths of a point
MAX_BOUND = Decimal("9999.999")  # a number item's limits, which may be negative: thousandths

# What an item is, besides its place: copied into a new version as it is.
ITEM_FIELDS = ("kind", "text", "guidance", "points", "at_least", "min_value", "max_value", "photo_required_on_fail")


def list_templates(actor) -> list[InspectionTemplate]:
    ensure(actor, "templates.manage")
    return list(
        db.session.scalars(select(InspectionTemplate).order_by(InspectionTemplate.family, InspectionTemplate.version))
    )


def in_use(template: InspectionTemplate) -> bool:
    return db.session.scalar(select(Inspection.id).where(Inspection.template_id == template.id).limit(1)) is not None


def latest_version(family: str) -> int:
    return (
        db.session.scalar(select(func.max(InspectionTemplate.version)).where(InspectionTemplate.family == family)) or 0
    )


def create_template(actor, code: str, title: str, description: str = "") -> InspectionTemplate:
    ensure(actor, "templates.manage")
    code, title = (code or "").strip().upper(), (title or "").strip()
    if not code or len(code) > 40 or not all(c.isalnum() or c in "-_" for c in code):
        raise Invalid(_("The code is up to 40 letters, digits, - or _."))
    if not title or len(title) > 200:
        raise Invalid(_("Give the checklist a title (at most 200 characters)."))
    if latest_version(code):
        raise Conflict(_("A checklist with this code exists already."))
    template = InspectionTemplate(family=code, code=code, title=title, description=description, version=1)
    db.session.add(template)
    db.session.flush()
    return template


def _copy(
    template: InspectionTemplate,
) -> tuple[InspectionTemplate, dict[int, TemplateSection], dict[int, TemplateItem]]:
    copy = InspectionTemplate(
        family=template.family,
        code=template.code,
        title=template.title,
        description=template.description,
        version=latest_version(template.family) + 1,
    )
    sections, items = {}, {}
    for section in template.sections:
        new_section = TemplateSection(
            title=section.title, max_points=section.max_points, capped=section.capped, position=section.position
        )
        sections[section.id] = new_section
        copy.sections.append(new_section)
        for item in section.items:
            new_item = TemplateItem(**{field: getattr(item, field) for field in ITEM_FIELDS}, position=item.position)
            items[item.id] = new_item
            new_section.items.append(new_item)
    db.session.add(copy)
    db.session.flush()
    return copy, sections, items


def editable(actor, template: InspectionTemplate):
    """The template to change, and how old section and item ids map onto it (a copy when in use)."""
    ensure(actor, "templates.manage")
    if template.status == TemplateStatus.RETIRED:
        raise Conflict(_("A retired version cannot be edited; edit the one in use."))
    if not in_use(template):
        return template, {s.id: s for s in template.sections}, {i.id: i for i in template.items}
    newer = db.session.scalar(
        select(InspectionTemplate).where(
            InspectionTemplate.family == template.family, InspectionTemplate.version > template.version
        )
    )
    if newer is not None:
        raise Conflict(_("Version %(v)d of this checklist is being edited already: edit that one.", v=newer.version))
    return _copy(template)


def _points(value: str, what: str) -> Decimal:
    number = decimal_from(value)
    if number is None:
        raise Invalid(_("%(what)s must be a number.", what=what))
    if not fits(number, places=2, maximum=MAX_POINTS):
        raise Invalid(_("%(what)s must be a number from 0 to 9999, with at most two decimals.", what=what))
    return number.quantize(Decimal("0.01"))


def _bound(value: str, what: str) -> Decimal:
    """A number item's limit: may be negative (a temperature), unlike points."""
    number = decimal_from(value)
    if number is None or not fits(number, places=3, minimum=-MAX_BOUND, maximum=MAX_BOUND):
        raise Invalid(_("%(what)s must be a number from -9999 to 9999, with at most three decimals.", what=what))
    return number.quantize(Decimal("0.001"))


def _title(value: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit or any(ord(c) < 32 for c in value):
        raise Invalid(_("Give a title of at most %(n)d characters.", n=limit))
    return value


def add_section(actor, template, title: str, max_points: str, capped: bool = True) -> InspectionTemplate:
    title, max_points = _title(title), _points(max_points, _("The section's maximum"))
    template, _sections, _items = editable(actor, template)
    template.sections.append(
        TemplateSection(title=title, max_points=max_points, capped=capped, position=len(template.sections))
    )
    db.session.flush()
    return template


def set_section_cap(actor, template, section_id: int, capped: bool) -> InspectionTemplate:
    """Whether the section's deductions stop at its maximum (a scoring rule: a new version if in use)."""
    _section_of(template, section_id)
    if next(s for s in template.sections if s.id == section_id).capped == capped:
        return template
    template, sections, _items = editable(actor, template)
    sections[section_id].capped = capped
    db.session.flush()
    return template


def add_item(actor, template, section_id: int, data: dict) -> InspectionTemplate:
    if data.get("kind") not in set(ItemKind):
        raise Invalid(_("Choose the kind of item."))
    text = _title(data.get("text", ""), 300)
    points = _points(data.get("points") or "0", _("Points"))
    at_least = _points(data["at_least"], _("At least")) if (data.get("at_least") or "").strip() else None
    low = _bound(data["min"], _("The minimum")) if (data.get("min") or "").strip() else None
    high = _bound(data["max"], _("The maximum")) if (data.get("max") or "").strip() else None
    if low is not None and high is not None and low > high:
        raise Invalid(_("The minimum cannot be above the maximum."))
    if data["kind"] == ItemKind.SHARE:
        check_share_range(low, high)
    if at_least is not None and data["kind"] not in (ItemKind.DEDUCTION, ItemKind.ENTERED):
        raise Invalid(_("Only a deduction has a minimum (“at least”)."))
    guidance = (data.get("guidance") or "").strip()
    if len(guidance) > 2000:
        raise Invalid(_("The guidance is at most 2000 characters."))
    if section_id not in {s.id for s in template.sections}:
        raise Invalid(_("Choose a section of this checklist."))
    template, sections, _items = editable(actor, template)
    section = sections[section_id]
    section.items.append(
        TemplateItem(
            kind=data["kind"],
            text=text,
            guidance=guidance,
            points=points,
            at_least=at_least,
            min_value=low,
            max_value=high,
            photo_required_on_fail=bool(data.get("photo_required_on_fail")),
            position=len(section.items),
        )
    )
    db.session.flush()
    return template


def check_share_range(low, high) -> None:
    """A share item's range is of percents of the total: within 0 to 100."""
    if (low is not None and not 0 <= low <= 100) or (high is not None and not 0 <= high <= 100):
        raise Invalid(_("A share of the total is a percentage from 0 to 100."))


def _renumber(rows) -> None:
    for position, row in enumerate(rows):
        row.position = position


def _item_of(template, item_id: int) -> None:
    if item_id not in {i.id for i in template.items}:
        raise NotFound(_("No such item in this checklist."))


def _section_of(template, section_id: int) -> None:
    if section_id not in {s.id for s in template.sections}:
        raise NotFound(_("No such section in this checklist."))


def remove_item(actor, template, item_id: int) -> InspectionTemplate:
    _item_of(template, item_id)
    template, _sections, items = editable(actor, template)
    item = items[item_id]
    section = item.section
    section.items.remove(item)
    _renumber(section.items)
    db.session.flush()
    return template


def remove_section(actor, template, section_id: int) -> InspectionTemplate:
    _section_of(template, section_id)
    template, sections, _items = editable(actor, template)
    template.sections.remove(sections[section_id])
    _renumber(template.sections)
    db.session.flush()
    return template


def _move(rows: list, row, direction: str) -> None:
    """Swap a row with its neighbour (none past either end), then keep the list in its new order."""
    ordered = list(rows)
    index = ordered.index(row)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        _renumber(ordered)
        rows.sort(key=lambda each: each.position)


def _direction(direction: str) -> str:
    if direction not in ("up", "down"):
        raise Invalid(_("Move an item up or down."))
    return direction


def move_item(actor, template, item_id: int, direction: str) -> InspectionTemplate:
    _item_of(template, item_id)
    _direction(direction)
    template, _sections, items = editable(actor, template)
    _move(items[item_id].section.items, items[item_id], direction)
    db.session.flush()
    return template


def move_section(actor, template, section_id: int, direction: str) -> InspectionTemplate:
    _section_of(template, section_id)
    _direction(direction)
    template, sections, _items = editable(actor, template)
    _move(template.sections, sections[section_id], direction)
    db.session.flush()
    return template


def publish(actor, template) -> InspectionTemplate:
    ensure(actor, "templates.manage")
    if template.status != TemplateStatus.DRAFT:
        raise Conflict(_("Only a draft can be published."))
    if not template.sections or any(not section.items for section in template.sections):
        raise Invalid(_("Every section needs at least one item before publishing."))
    for other in db.session.scalars(
        select(InspectionTemplate).where(
            InspectionTemplate.family == template.family,
            InspectionTemplate.status == TemplateStatus.ACTIVE,
            InspectionTemplate.id != template.id,
        )
    ):
        other.status = TemplateStatus.RETIRED
    template.status = TemplateStatus.ACTIVE
    template.published_at = utcnow()
    db.session.flush()
    audit.record(actor, "template.published", template, family=template.family, version=template.version)
    return template
