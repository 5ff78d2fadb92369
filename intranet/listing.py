"""Helpers for the searchable, paginated lists every module shows."""

import math
from dataclasses import dataclass

from sqlalchemy import func, select

from intranet.extensions import db


def escape_like(text: str) -> str:
    """Make user text match literally inside a LIKE pattern (used with escape='\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def parse_page_number(raw) -> int:
    """Anything but a positive integer means the first page: a bad ?page= is not worth an error."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 100_000)


def paginate(statement, number: int, size: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    number = min(number, max(1, math.ceil(total / size)))
    items = db.session.scalars(statement.limit(size).offset((number - 1) * size)).unique().all()
    return Page(items=list(items), number=number, size=size, total=total)


def search_text(args, name: str = "q") -> str:
    """The search box's text, trimmed to a length no legitimate search needs."""
    text = (args.get(name) or "").replace("\x00", "")
    return text.strip()[:100]
