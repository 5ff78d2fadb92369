"""Customers, their sites and installed equipment."""

from flask import Blueprint

blueprint = Blueprint("customers", __name__)

from intranet.customers import views  # noqa: E402,F401
