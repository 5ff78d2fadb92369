"""Checklists as plain data: export to JSON and import from it (the shape demo templates use too)."""

from decimal import Decimal

from flask_babel import gettext as _

from intranet.access.permissions import ensure
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.inspections.editor import ITEM_FIELDS, MAX_BOUND, MAX_POINTS, check_share_range, latest_version, publish
from intranet.inspections.models import InspectionTemplate, TemplateItem, TemplateSection
from intranet.inspections.scoring import DEDUCTION, ENTERED, KINDS, SHARE
from intranet.numbers import decimal_from, fits

FORMAT = "intranet.inspection-template/1"
MAX_SECTIONS = 50
MAX_ITEMS = 200


def _num(value) -> str | None:
    return None if value is None else f"{Decimal(value).normalize():f}"


def export_template(template) -> dict:
    return {
        "format": FORMAT,
        "code": template.family,
        "title": template.title,
        "description": template.description,
        "version": template.version,
        "sections": [
            {
                "title": section.title,
                "max_points": _num(section.max_points),
                "capped": section.capped,
                "items": [
                    {
                        "kind": item.kind,
                        "text": item.text,
                        "guidance": item.guidance,
                        "points": _num(item.points),
                        "at_least": _num(item.at_least),
                        "min": _num(item.min_value),
                        "max": _num(item.max_value),
                        "photo_required_on_fail": item.photo_required_on_fail,
                    }
                    for item in section.items
                ],
            }
            for section in template.sections
        ],
    }


def _text(data: dict, key: str, limit: int, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise Invalid(_("The file's “%(key)s” must be a text of at most %(n)d characters.", key=key, n=limit))
    return value.strip()


def _decimal(data: dict, key: str, optional: bool = False, signed: bool = False) -> Decimal | None:
    """Points (two decimals, 0 to 9999.99) or, signed, a number item's limit (three decimals)."""
    value = data.get(key)
    if value is None and optional:
        return None
    number = decimal_from(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
    if number is None:
        raise Invalid(_("The file's “%(key)s” must be a number.", key=key))
    places, limit = (3, MAX_BOUND) if signed else (2, MAX_POINTS)
    if not fits(number, places=places, minimum=-limit if signed else Decimal(0), maximum=limit):
        raise Invalid(_("The file's “%(key)s” must be a number from 0 to 9999.", key=key))
    return number


def parse_template(data) -> dict:
    """Validate imported data; return it cleaned, items named like their columns. Anything odd is refused."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid(_("This is not an exported checklist (format %(f)s).", f=FORMAT))
    sections = data.get("sections")
    if not isinstance(sections, list) or not 0 < len(sections) <= MAX_SECTIONS:
        raise Invalid(_("A checklist needs between 1 and %(n)d sections.", n=MAX_SECTIONS))
    code = _text(data, "code", 40).upper()
    if not all(c.isalnum() or c in "-_" for c in code):
        raise Invalid(_("The code is up to 40 letters, digits, - or _."))
    cleaned = {
        "code": code,
        "title": _text(data, "title", 200),
        "description": _text(data, "description", 2000, required=False),
        "sections": [],
    }
    count = 0
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("items"), list):
            raise Invalid(_("Each section needs a title and a list of items."))
        items = []
        for item in section["items"]:
            count += 1
            if not isinstance(item, dict) or item.get("kind") not in KINDS or count > MAX_ITEMS:
                raise Invalid(_("Each item needs a known kind (at most %(n)d items).", n=MAX_ITEMS))
            cleaned_item = {
                "kind": item["kind"],
                "text": _text(item, "text", 300),
                "guidance": _text(item, "guidance", 2000, required=False),
                "points": _decimal(item, "points", optional=True) or Decimal(0),
                "at_least": _decimal(item, "at_least", optional=True),
                "min_value": _decimal(item, "min", optional=True, signed=True),
                "max_value": _decimal(item, "max", optional=True, signed=True),
                "photo_required_on_fail": bool(item.get("photo_required_on_fail")),
            }
            if cleaned_item["kind"] == SHARE:
                check_share_range(cleaned_item["min_value"], cleaned_item["max_value"])
            if cleaned_item["at_least"] is not None and cleaned_item["kind"] not in (DEDUCTION, ENTERED):
                raise Invalid(_("Only a deduction has a minimum (“at least”)."))
            items.append(cleaned_item)
        capped = section.get("capped", True)  # files exported before sections could be uncapped
        if not isinstance(capped, bool):
            raise Invalid(_("The file's “%(key)s” must be true or false.", key="capped"))
        cleaned["sections"].append(
            {
                "title": _text(section, "title", 200),
                "max_points": _decimal(section, "max_points"),
                "capped": capped,
                "items": items,
            }
        )
    return cleaned


def import_template(actor, data, publish_now: bool = False) -> InspectionTemplate:
    """A new checklist, or a new version of the family with the same code."""
    ensure(actor, "templates.manage")
    cleaned = parse_template(data)
    family = cleaned["code"].upper()
    template = InspectionTemplate(
        family=family,
        code=family,
        title=cleaned["title"],
        description=cleaned["description"],
        version=latest_version(family) + 1,
    )
    for s_pos, section in enumerate(cleaned["sections"]):
        new_section = TemplateSection(
            title=section["title"], max_points=section["max_points"], capped=section["capped"], position=s_pos
        )
        for i_pos, item in enumerate(section["items"]):
            new_section.items.append(TemplateItem(**{field: item[field] for field in ITEM_FIELDS}, position=i_pos))
        template.sections.append(new_section)
    db.session.add(template)
    db.session.flush()
    if publish_now:
        publish(actor, template)
    return template
