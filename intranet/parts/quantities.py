"""Decimal amounts stored as scaled integers: exact on SQLite and PostgreSQL alike, and cheap to compare."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator


class Scaled(TypeDecorator):
    """A Decimal kept as an integer count of 10**-scale (3: thousandths of a unit, 2: cents).

    SQLite has no exact decimal type; an integer column keeps `quantity >= :n` exact everywhere.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale
        self.factor = 10**scale

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * self.factor).to_integral_value(ROUND_HALF_UP))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / self.factor).quantize(Decimal(1).scaleb(-self.scale))


QUANTITY_SCALE = 3
MAX_QUANTITY = Decimal("999999")


def parse_quantity(text) -> Decimal | None:
    """A quantity typed by a person, or None when it is not a number at all."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    return value


def fmt(value: Decimal) -> str:
    """1.000 -> 1, 2.500 -> 2.5: quantities as people write them."""
    text = format(value.normalize(), "f")
    return text
