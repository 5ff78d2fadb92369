"""What a dashboard section is made of: figures, bar charts and tables, each pointing at the rows
behind it. Feature modules provide sections (jobs/figures.py, ...); the dashboard lays them out.

A provider is a function (DashboardQuery) -> Section | None; it reads its rows through
access/scoping.visible, so a figure never counts a row its reader could not list.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import url_for
from sqlalchemy import case, or_

from intranet.periods import Period


@dataclass(frozen=True)
class DashboardQuery:
    actor: object
    period: Period
    compared: Period
    branch_id: int | None  # one branch an administrator chose; None: everything within reach
    now: datetime
    today: date

    def both_periods(self, column) -> tuple:
        """For one query over the period and the compared one: (SQL 0 for a row of the period, 1 for
        one of the compared period; the conditions that select the rows of either)."""
        first, second = self.period, self.compared
        bucket = case((first.holds(column), 0), else_=1)
        # Two ranges of one index (SQLite's multi-index OR, PostgreSQL's BitmapOr), never the year
        # between a quarter and the same quarter last year.
        return bucket, (or_(first.holds(column), second.holds(column)),)

    def link(self, endpoint: str, **args) -> str:
        """A list's address with these filters (and the chosen branch): the rows behind a figure."""
        if self.branch_id is not None:
            args.setdefault("branch", self.branch_id)
        return url_for(endpoint, **{name: value for name, value in args.items() if value is not None})


@dataclass
class Figure:
    key: str  # stable name, e.g. "jobs.opened"
    label: object
    value: Decimal | int | None
    link: str | None = None
    previous: Decimal | int | None = None  # the same figure over the compared period
    unit: str = ""  # "%", "h" or "" (a count)
    note: object = ""

    @property
    def change(self) -> Decimal | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class Bar:
    label: str
    value: Decimal | int | None  # None: nothing to measure (no inspection that month)
    link: str | None = None


@dataclass
class Chart:
    key: str
    title: object
    bars: list[Bar]
    unit: str = ""
    value_header: object = ""
    label_header: object = ""

    @property
    def maximum(self):
        return max((bar.value for bar in self.bars if bar.value is not None), default=0) or 1


@dataclass
class Cell:
    text: object
    link: str | None = None


@dataclass
class Table:
    key: str
    title: object
    headers: list
    rows: list[list[Cell]]
    empty: object = ""


@dataclass
class Section:
    key: str
    title: object
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


Provider = Callable[[DashboardQuery], Section | None]


# Arithmetic the figures share


def one_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def share(part: int, whole: int) -> Decimal | None:
    """part of whole in percent, one decimal; None when there is nothing to share."""
    return one_decimal(Decimal(part) * 100 / whole) if whole else None


def median(values: Sequence) -> Decimal | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return one_decimal(ordered[middle])
    return one_decimal((Decimal(str(ordered[middle - 1])) + Decimal(str(ordered[middle]))) / 2)


def nearest_rank(values: Sequence, percent: int) -> Decimal | None:
    """The smallest value with at least `percent` % of the values at or below it (p90: nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return one_decimal(ordered[max(1, math.ceil(percent * len(ordered) / 100)) - 1])
