"""Filling an inspection: answers checked against their items, drafts kept, the submission scored.

A submission stores the answers, the score from scoring.py and the corrective actions its failures
open; a draft keeps unfinished answers on the server and scores nothing.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from intranet import events
from intranet.access.permissions import ensure
from intranet.attachments import service as attachments
from intranet.audit import service as audit
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid
from intranet.extensions import db
from intranet.forms import Upload
from intranet.inspections import scoring
from intranet.inspections.actions import reconcile_corrective_actions
from intranet.inspections.events import InspectionSubmitted
from intranet.inspections.models import (
    Inspection,
    InspectionAnswer,
    InspectionCharge,
    InspectionStatus,
    InspectionTemplate,
    TemplateItem,
)
from intranet.inspections.service import (
    OPEN_FOR_FILLING,
    OWNER,
    chargeable_people,
    clean_text,
    is_failed,
    score_of,
)
from intranet.numbers import decimal_from, fits

MAX_COUNT = 999
MAX_POINTS = Decimal("9999.99")
MAX_MEASURE = Decimal("999999999.999")  # a measurement is kept in thousandths
MAX_CHARGES = 20  # people charged for one item
ANSWER_FIELDS = ("result", "count", "points", "number", "text", "note")  # item-<id>-<field>, besides the photo
CHARGE_FIELDS = ("person", "amount")  # item-<id>-charge-<n>-<field>


@dataclass
class ChargeInput:
    """One line of "charged to": a person of the branch and their occurrences (or points, when entered)."""

    person: str = ""
    amount: str = ""


@dataclass
class AnswerInput:
    result: str | None = None
    count: str = ""
    points: str = ""
    number: str = ""
    text: str = ""
    note: str = ""
    photo: Upload | None = None
    charges: dict[int, ChargeInput] = field(default_factory=dict)


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
            number = decimal_from(given.number)
            if number is None or not fits(number, places=3, minimum=-MAX_MEASURE, maximum=MAX_MEASURE):
                raise Invalid(_("“%(item)s” needs a number with at most three decimals.", item=item.text))
            if (item.min_value is not None and number < item.min_value) or (
                item.max_value is not None and number > item.max_value
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
    elif item.kind == scoring.ENTERED:
        answer.points = _entered_points(item, given.points)
    elif item.kind == scoring.SHARE:
        answer.number = _share_percent(item, given.number)
    elif item.kind == "text":
        answer.text = clean_text(given.text, item.text)
    return answer


def _decimal(text: str, places: int, maximum: Decimal) -> Decimal | None:
    """A typed number within 0..maximum with at most `places` decimals, else None."""
    number = decimal_from(text)
    return number if number is not None and fits(number, places=places, maximum=maximum) else None


def _entered_points(item: TemplateItem, text: str) -> Decimal | None:
    """The deduction the inspector weighed: 0 (or nothing) when not found, else at least the item's minimum."""
    if not (text or "").strip():
        return None
    points = _decimal(text, 2, MAX_POINTS)
    if points is None:
        raise Invalid(_("“%(item)s”: the points deducted, a number with at most two decimals.", item=item.text))
    if not points:
        return None
    if item.at_least is not None and points < item.at_least:
        raise Invalid(
            _(
                "“%(item)s” needs a deduction of at least %(n)s: enter %(n)s or more, or 0 if it was not found.",
                item=item.text,
                n=_fmt(item.at_least),
            )
        )
    return points


def _share_percent(item: TemplateItem, text: str) -> Decimal | None:
    """The percent of the total a share item takes: 0 (or nothing) when it did not happen, else within its range."""
    if not (text or "").strip():
        return None
    percent = _decimal(text, 2, Decimal(100))
    low = item.min_value if item.min_value is not None else Decimal(0)
    high = min(item.max_value, Decimal(100)) if item.max_value is not None else Decimal(100)
    if percent is not None and not percent:
        return None
    if percent is None or not low <= percent <= high:
        raise Invalid(
            _(
                "“%(item)s” takes %(low)s to %(high)s percent of the total: enter a percentage in that range, "
                "or 0 if it did not happen.",
                item=item.text,
                low=_fmt(low),
                high=_fmt(high),
            )
        )
    return percent


def _checked_charges(item: TemplateItem, answer: InspectionAnswer, given: AnswerInput, people: dict) -> list:
    """The item's deduction charged to people of the branch: never more than was found, each person once."""
    lines = [line for line in given.charges.values() if line.person.strip() or line.amount.strip()]
    if not lines:
        return []
    if item.kind not in scoring.CHARGEABLE:
        raise Invalid(_("“%(item)s”: only a deduction can be charged to a person.", item=item.text))
    charges, seen = [], set()
    for line in lines:
        person = line.person.strip()
        if not person.isdigit() or int(person) not in people:
            raise Invalid(_("“%(item)s”: choose a person of the branch for each deduction charged.", item=item.text))
        if int(person) in seen:
            raise Invalid(_("“%(item)s”: each person is named once; add up their occurrences.", item=item.text))
        seen.add(int(person))
        if item.kind == scoring.DEDUCTION:
            times = line.amount.strip()
            if not times.isdigit() or not 0 < int(times) <= MAX_COUNT:
                raise Invalid(_("“%(item)s”: how many times each person named, 1 or more.", item=item.text))
            charge = InspectionCharge(item_id=item.id, person_id=int(person), times=int(times))
            charge.points = item.points * charge.times
        else:
            points = _entered_points(item, line.amount)
            if points is None:
                raise Invalid(_("“%(item)s”: the points charged to each person named.", item=item.text))
            charge = InspectionCharge(item_id=item.id, person_id=int(person), times=0, points=points)
        charges.append(charge)
    if item.kind == scoring.DEDUCTION and sum(c.times for c in charges) > answer.count:
        raise Invalid(
            _(
                "“%(item)s”: %(charged)d times charged to people, but found %(found)d times.",
                item=item.text,
                charged=sum(c.times for c in charges),
                found=answer.count,
            )
        )
    if item.kind == scoring.ENTERED and sum(c.points for c in charges) > (answer.points or 0):
        raise Invalid(_("“%(item)s”: more points charged to people than deducted.", item=item.text))
    return charges


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
        if part.startswith("charge-"):
            _charge(given, part, form.get(name, ""), name)
        elif part == "photo":
            storage = files.get(name)
            if storage is not None and storage.filename:
                given.photo = Upload(storage.read(), storage.filename)
        elif part in ANSWER_FIELDS:
            setattr(given, part, form.get(name, ""))
        else:
            raise Invalid(_("Unknown answer field %(name)s.", name=name[:60]))
    return answers


def _charge(given: AnswerInput, part: str, value: str, name: str) -> None:
    """charge-<n>-person or charge-<n>-amount: one line of the people an item's deduction is charged to."""
    _word, index, *rest = part.split("-", 2)
    if not index.isdigit() or int(index) >= MAX_CHARGES or len(rest) != 1 or rest[0] not in CHARGE_FIELDS:
        raise Invalid(_("Unknown answer field %(name)s.", name=name[:60]))
    setattr(given.charges.setdefault(int(index), ChargeInput()), rest[0], value)


def submit_inspection(
    actor, inspection: Inspection, client_id: str, given: dict[int, AnswerInput], now: datetime | None = None
) -> Inspection:
    """Store the answers, the score and the corrective actions (a resend never reaches here)."""
    now = now or utcnow()
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
    reconcile_corrective_actions(actor, inspection, now)
    db.session.flush()
    audit.record(actor, "inspection.submitted", inspection, score=str(result.total))
    events.publish(InspectionSubmitted(actor, inspection))
    return inspection


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
    people = {person.id: person for person in chargeable_people(inspection.branch_id)}
    charges = [
        charge
        for item_id, item in items.items()
        for charge in _checked_charges(item, checked[item_id], given.get(item_id, AnswerInput()), people)
    ]
    for item_id, answer in checked.items():
        item = items[item_id]
        photo = given.get(item_id, AnswerInput()).photo
        if photo is not None:
            attachments.check_image(photo.data, photo.filename)
        failed = is_failed(item, answer)
        had_photo = previous.get(item_id) is not None and previous[item_id].photo_id is not None
        if complete and failed and item.photo_required_on_fail and photo is None and not had_photo:
            raise Invalid(_("“%(item)s” failed: take a photo of it.", item=item.text))

    for item_id, answer in checked.items():
        stored = previous.get(item_id)
        if stored is None:
            stored = InspectionAnswer(inspection=inspection, item_id=item_id)
            db.session.add(stored)
        stored.result, stored.count, stored.points, stored.number = (
            answer.result,
            answer.count,
            answer.points,
            answer.number,
        )
        stored.text, stored.note = answer.text, answer.note
        photo = given.get(item_id, AnswerInput()).photo
        if photo is not None:
            stored.photo_id = attachments.store_image(
                actor, OWNER, inspection.id, "photo", photo.data, photo.filename
            ).id
    # The charges are replaced as a whole: the old ones go first, or the same person's new row would clash.
    inspection.charges.clear()
    db.session.flush()
    for charge in charges:
        charge.branch_id = inspection.branch_id
        inspection.charges.append(charge)
    db.session.flush()
    db.session.refresh(inspection, ["answers", "charges"])


def save_draft(actor, inspection: Inspection, given: dict[int, AnswerInput]) -> Inspection:
    """Keep unfinished answers on the server (another device can go on); no score, no actions yet."""
    _store_answers(actor, inspection, given, complete=False)
    inspection.status = InspectionStatus.DRAFT
    db.session.flush()
    return inspection
