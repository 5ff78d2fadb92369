"""Fixtures of the front desk's tests: a branch's desk people, a customer with a site, a record of events."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from intranet import events
from intranet.access.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour, minute=0) -> datetime:
    """A moment in Beijing time, as the desk's clock gives it."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def receptionist(make_user):
    return make_user(Role.RECEPTIONIST, login="desk.reception", name="李静")


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, login="desk.manager", name="王建国")


@pytest.fixture
def customer(make_site):
    return make_site(name="住所", address="北京市丰台区方庄芳古园一区 12 号楼").customer


@pytest.fixture
def published(monkeypatch):
    """Every domain event published during the test, in order."""
    seen = []
    original = events.publish

    def publish(event):
        seen.append(event)
        original(event)

    monkeypatch.setattr(events, "publish", publish)
    return seen
