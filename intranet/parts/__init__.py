"""Spare parts: catalogue, stock per store and van, requests, returns, loans, stock-takes, low stock."""

from flask import Blueprint

from intranet.access.permissions import can
from intranet.parts.quantities import fmt

blueprint = Blueprint("parts", __name__)


@blueprint.app_template_filter("qty")
def _quantity(value) -> str:
    return fmt(value) if value is not None else "—"


@blueprint.app_context_processor
def _permissions():
    return {"can": can}


@blueprint.app_template_global()
def van_stock(user) -> list:
    """What the technician's van holds: the visit report's part codes are offered from it."""
    van = service.van_of(user)
    return service.stock_of(van) if van else []


from intranet.parts import (  # noqa: E402,F401
    register_views,
    request_views,
    service,
    stock_take_views,
    van_views,
    views,
)
