"""Helpers for the searchable, paginated lists every module shows."""

import math
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import func, literal_column, select

from intranet.extensions import db


def escape_like(text: str) -> str:
    """Make user text match literally inside a LIKE pattern (used with escape='\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


COUNT_CAP = 10_000  # beyond this a list says "10,000+": counting 100,000 rows on every page costs more


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int
    total_capped: bool = False

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
    # Count ids only (an index suffices), and stop counting past the cap.
    counted = (
        statement.with_only_columns(literal_column("1"), maintain_column_froms=True)
        .order_by(None)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    total = db.session.scalar(select(func.count()).select_from(counted))
    capped = total > COUNT_CAP
    total = min(total, COUNT_CAP)
    number = min(number, max(1, math.ceil(total / size)))
    items = db.session.scalars(statement.limit(size).offset((number - 1) * size)).unique().all()
    return Page(items=list(items), number=number, size=size, total=total, total_capped=capped)


def search_text(args, name: str = "q") -> str:
    """The search box's text, trimmed to a length no legitimate search needs."""
    text = (args.get(name) or "").replace("\x00", "")
    return text.strip()[:100]


def paginate_request(statement) -> Page:
    """The page of `statement` that the request's ?page= asks for, at the app's page size."""
    return paginate(statement, parse_page_number(request.args.get("page")), current_app.config["PAGE_SIZE"])
