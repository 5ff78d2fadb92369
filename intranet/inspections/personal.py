"""Personal scores (每人次): the deductions charged to each person, per month or quarter, and a branch's ranking.

A person's score for a period is PERSONAL_BASE less the points charged to them in the signed-off
inspections submitted in that period, whatever the checklist (as the branch ranking counts only
signed-off ones). A branch's ranking lists its active people, highest score first; equal scores share a
rank, and the best and the worst are marked once they differ. Managers see their branch's, a person
their own (the charges' scoping says so).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.auth.models import User
from intranet.extensions import db
from intranet.inspections.models import Inspection, InspectionCharge, InspectionStatus
from intranet.inspections.ranking import Period
from intranet.inspections.service import chargeable_people
from intranet.timezones import local_to_utc

PERSONAL_BASE = Decimal(100)


@dataclass
class PersonalScore:
    person: User
    deducted: Decimal = Decimal(0)
    charges: int = 0  # deductions charged (lines of inspections)
    rank: int = 0
    best: bool = False
    worst: bool = False

    @property
    def score(self) -> Decimal:
        return PERSONAL_BASE - self.deducted


@dataclass
class OwnScore:
    month: PersonalScore
    quarter: PersonalScore
    charges: list[InspectionCharge] = field(default_factory=list)  # the quarter's, newest first


def _in(period: Period):
    """SQL: the charge's inspection was signed off and submitted in the period (the user's days)."""
    start = local_to_utc(datetime.combine(period.start, datetime.min.time()))
    end = local_to_utc(datetime.combine(period.end, datetime.min.time()))
    return (
        Inspection.status == InspectionStatus.SIGNED_OFF,
        Inspection.submitted_at >= start,
        Inspection.submitted_at < end,
    )


def _charged(actor, period: Period, *conditions) -> dict[int, tuple[Decimal, int]]:
    statement = (
        select(InspectionCharge.person_id, func.sum(InspectionCharge.points), func.count())
        .join(Inspection, Inspection.id == InspectionCharge.inspection_id)
        .where(scoping.visible(actor, InspectionCharge), *_in(period), *conditions)
        .group_by(InspectionCharge.person_id)
    )
    return {person_id: (points or Decimal(0), count) for person_id, points, count in db.session.execute(statement)}


def rank(scores: list[PersonalScore]) -> list[PersonalScore]:
    """Highest score first, then by name; equal scores share a rank (1, 1, 3); best and worst once they differ."""
    ordered = sorted(scores, key=lambda row: (-row.score, row.person.name, row.person.id))
    for index, row in enumerate(ordered):
        same = index and ordered[index - 1].score == row.score
        row.rank = ordered[index - 1].rank if same else index + 1
    if ordered and ordered[0].score != ordered[-1].score:
        for row in ordered:
            row.best, row.worst = row.score == ordered[0].score, row.score == ordered[-1].score
    return ordered


def branch_scores(actor, branch_id: int, period: Period) -> list[PersonalScore]:
    """Every person of the branch, and anyone charged there in the period since gone, ranked."""
    ensure(actor, "inspections.ranking")
    charged = _charged(actor, period, InspectionCharge.branch_id == branch_id)
    people = {person.id: person for person in chargeable_people(branch_id)}
    gone = set(charged) - set(people)
    if gone:
        people |= {person.id: person for person in db.session.scalars(select(User).where(User.id.in_(gone)))}
    scores = []
    for person_id, person in people.items():
        deducted, count = charged.get(person_id, (Decimal(0), 0))
        scores.append(PersonalScore(person, deducted, count))
    return rank(scores)


def own_score(actor, month: Period, quarter: Period) -> OwnScore:
    """The actor's own score for a month and a quarter, with the quarter's deductions."""
    ensure(actor, "inspections.view")
    mine = InspectionCharge.person_id == actor.id
    by_month, by_quarter = _charged(actor, month, mine), _charged(actor, quarter, mine)
    charges = db.session.scalars(
        select(InspectionCharge)
        .join(Inspection, Inspection.id == InspectionCharge.inspection_id)
        .where(scoping.visible(actor, InspectionCharge), mine, *_in(quarter))
        .options(joinedload(InspectionCharge.inspection), joinedload(InspectionCharge.item))
        .order_by(Inspection.submitted_at.desc(), InspectionCharge.id)
    )
    return OwnScore(
        PersonalScore(actor, *by_month.get(actor.id, (Decimal(0), 0))),
        PersonalScore(actor, *by_quarter.get(actor.id, (Decimal(0), 0))),
        list(charges),
    )
