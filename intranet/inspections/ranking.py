"""The branch ranking (门店服务排名): average score of signed-off inspections per branch and period."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Float, cast, func, select

from intranet.access.permissions import ensure
from intranet.branches.models import Branch
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.inspections.models import Inspection, InspectionStatus, InspectionTemplate, TemplateStatus
from intranet.timezones import local_to_utc


@dataclass
class Period:
    label: str
    start: date
    end: date  # exclusive


def parse_period(text: str) -> Period:
    """2026-11 (a month) or 2026-Q4 (a quarter)."""
    text = (text or "").strip().upper()
    try:
        year, part = text.split("-")
        year = int(year)
        if part.startswith("Q"):
            quarter = int(part[1:])
            if not 1 <= quarter <= 4:
                raise ValueError
            start = date(year, 3 * quarter - 2, 1)
            end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        else:
            month = int(part)
            start = date(year, month, 1)
            end = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    except ValueError:
        raise Invalid(_("A period is a month like 2026-11 or a quarter like 2026-Q4.")) from None
    return Period(text, start, end)


@dataclass
class RankingRow:
    branch: Branch
    average: Decimal
    average_percent: Decimal
    count: int
    rank: int = 0


@dataclass
class Ranking:
    period: Period
    family: str
    rows: list[RankingRow] = field(default_factory=list)


def branch_ranking(actor, family: str, period: Period) -> Ranking:
    """Average total of the signed-off inspections of one checklist family, per branch, best first."""
    ensure(actor, "inspections.ranking")
    start = local_to_utc(datetime.combine(period.start, datetime.min.time()))
    end = local_to_utc(datetime.combine(period.end, datetime.min.time()))
    # The columns hold hundredths of a point (db_types.Scaled): averages are computed on them.
    rows = db.session.execute(
        select(
            Inspection.branch_id,
            func.avg(cast(Inspection.score_total, Float)),
            func.avg(cast(Inspection.score_total, Float) * 100 / cast(Inspection.max_total, Float)),
            func.count(Inspection.id),
        )
        .join(InspectionTemplate, InspectionTemplate.id == Inspection.template_id)
        .where(
            InspectionTemplate.family == family,
            Inspection.status == InspectionStatus.SIGNED_OFF,
            Inspection.submitted_at >= start,
            Inspection.submitted_at < end,
            Inspection.max_total > 0,
        )
        .group_by(Inspection.branch_id)
    ).all()
    branches = {b.id: b for b in db.session.scalars(select(Branch).where(Branch.id.in_([r[0] for r in rows])))}
    ranking = Ranking(period, family)
    ranking.rows = sorted(
        (
            RankingRow(
                branches[b],
                (Decimal(str(avg)) / 100).quantize(Decimal("0.01")),
                Decimal(str(pct)).quantize(Decimal("0.1")),
                n,
            )
            for b, avg, pct, n in rows
        ),
        key=lambda row: (-row.average, row.branch.code),
    )
    for index, row in enumerate(ranking.rows, start=1):
        row.rank = index
    return ranking


def families() -> list[tuple[str, str]]:
    """(family, title of its newest version) of every checklist that was ever published."""
    rows = db.session.execute(
        select(InspectionTemplate.family, InspectionTemplate.title, InspectionTemplate.version)
        .where(InspectionTemplate.status != TemplateStatus.DRAFT)
        .order_by(InspectionTemplate.family, InspectionTemplate.version)
    ).all()
    return list({family: title for family, title, _v in rows}.items())


def busiest_family(known: list[tuple[str, str]]) -> str:
    """The checklist a ranking opens on: the one signed off most recently, else the first."""
    latest = db.session.scalar(
        select(InspectionTemplate.family)
        .join(Inspection, Inspection.template_id == InspectionTemplate.id)
        .where(Inspection.signed_at.is_not(None))
        .order_by(Inspection.signed_at.desc())
        .limit(1)
    )
    return latest or (known[0][0] if known else "")
