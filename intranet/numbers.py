"""Numbers people type (quantities, prices, points, measurements): read once, bounded, never rounded away.

A number with more decimals than its column keeps would be stored as something else (1e-30 as 0), and
one beyond the column's range breaks the database: both are refused here, at the edge, with a message.
"""

from decimal import Decimal, InvalidOperation

MAX_TYPED_LENGTH = 40  # no quantity, price or measurement needs more characters


def decimal_from(text) -> Decimal | None:
    """What a person typed as a number ("1,200.5" too), or None when it is not a finite number."""
    raw = str(text if text is not None else "").strip().replace(",", "")
    if not raw or len(raw) > MAX_TYPED_LENGTH:
        return None
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def fits(value: Decimal, *, places: int, maximum: Decimal, minimum: Decimal = Decimal(0)) -> bool:
    """Within [minimum, maximum] and with no more decimals than `places`: stored exactly as typed."""
    return minimum <= value <= maximum and value == value.quantize(Decimal(1).scaleb(-places))
