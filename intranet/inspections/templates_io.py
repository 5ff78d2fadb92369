"""Checklists as plain data: export to JSON and import from it (the shape demo templates use too)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from intranet.errors import Invalid
from intranet.inspections.scoring import KINDS

FORMAT = "intranet.inspection-template/1"
MAX_SECTIONS = 50
MAX_ITEMS = 200


@dataclass
class Upload:
    data: bytes
    filename: str = ""


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
                "items": [
                    {
                        "kind": item.kind,
                        "text": item.text,
                        "guidance": item.guidance,
                        "points": _num(item.points),
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
    value = data.get(key)
    if value is None and optional:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Invalid(_("The file's “%(key)s” must be a number.", key=key)) from None
    if not number.is_finite() or (number < 0 and not signed) or abs(number) >= 10000:
        raise Invalid(_("The file's “%(key)s” must be a number from 0 to 9999.", key=key))
    return number


def parse_template(data) -> dict:
    """Validate imported data; return it cleaned. Anything odd is refused with a message."""
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
            items.append(
                {
                    "kind": item["kind"],
                    "text": _text(item, "text", 300),
                    "guidance": _text(item, "guidance", 2000, required=False),
                    "points": _decimal(item, "points", optional=True) or Decimal(0),
                    "min": _decimal(item, "min", optional=True, signed=True),
                    "max": _decimal(item, "max", optional=True, signed=True),
                    "photo_required_on_fail": bool(item.get("photo_required_on_fail")),
                }
            )
        cleaned["sections"].append(
            {"title": _text(section, "title", 200), "max_points": _decimal(section, "max_points"), "items": items}
        )
    return cleaned
