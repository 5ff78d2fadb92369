"""Quantities: parsing what people type, showing them as people write them."""

from decimal import Decimal

from intranet.db_types import Scaled
from intranet.numbers import decimal_from

__all__ = ["MAX_PRICE", "MAX_QUANTITY", "QUANTITY_SCALE", "Scaled", "fmt", "parse_quantity"]

QUANTITY_SCALE = 3
MAX_QUANTITY = Decimal("999999")
MAX_PRICE = Decimal("99999999")  # yuan, in cents


def parse_quantity(text) -> Decimal | None:
    """A quantity typed by a person, or None when it is not a number at all."""
    return decimal_from(text)


def fmt(value: Decimal) -> str:
    """1.000 -> 1, 2.500 -> 2.5: quantities as people write them."""
    text = format(value.normalize(), "f")
    return text
