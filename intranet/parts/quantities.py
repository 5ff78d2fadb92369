"""Quantities: parsing what people type, showing them as people write them."""

from decimal import Decimal, InvalidOperation

from intranet.db_types import Scaled

__all__ = ["MAX_QUANTITY", "QUANTITY_SCALE", "Scaled", "fmt", "parse_quantity"]

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
