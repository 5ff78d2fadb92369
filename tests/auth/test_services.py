"""Authentication and account rules, called directly with an explicit actor."""

from datetime import timedelta

import pytest

from intranet.access.roles import Role
from intranet.auth import service
from intranet.db_types import utcnow
from intranet.errors import Conflict, Invalid, NotAllowed
from tests.conftest import TEST_PASSWORD


def test_lock_lifts_after_the_lockout_window(app, make_user):
    user = make_user()
    start = utcnow()
    for n in range(5):
        with pytest.raises(Invalid):
            service.authenticate(user.login, "wrong", "10.0.0.1", now=start + timedelta(seconds=n))
    with pytest.raises(service.LockedOut) as locked:
        service.authenticate(user.login, TEST_PASSWORD, "10.0.0.1", now=start + timedelta(minutes=1))
    minutes = app.config["LOGIN_LOCKOUT_MINUTES"]
    assert locked.value.until == start + timedelta(seconds=4) + timedelta(minutes=minutes)
    later = locked.value.until + timedelta(seconds=1)
    assert service.authenticate(user.login, TEST_PASSWORD, "10.0.0.1", now=later).id == user.id


def test_a_success_resets_the_failure_count(make_user):
    user = make_user()
    now = utcnow()
    for n in range(4):
        with pytest.raises(Invalid):
            service.authenticate(user.login, "wrong", "a", now=now + timedelta(seconds=n))
    service.authenticate(user.login, TEST_PASSWORD, "a", now=now + timedelta(seconds=5))
    for n in range(4):
        with pytest.raises(Invalid):
            service.authenticate(user.login, "wrong", "a", now=now + timedelta(seconds=6 + n))
    assert service.authenticate(user.login, TEST_PASSWORD, "a", now=now + timedelta(seconds=11))


def test_only_admins_manage_users(make_user, branch):
    manager = make_user(Role.MANAGER)
    data = service.UserData("new.tech", "新人", Role.TECHNICIAN, branch.id, password="long-enough")
    with pytest.raises(NotAllowed):
        service.create_user(manager, data)


def test_logins_are_unique_whatever_their_case(make_user, branch):
    admin = make_user(Role.ADMIN)
    make_user(login="wang")
    with pytest.raises(Conflict):
        service.create_user(admin, service.UserData("WANG", "王", Role.TECHNICIAN, branch.id, password="long-enough"))


def test_staff_other_than_admins_need_a_branch(make_user):
    admin = make_user(Role.ADMIN)
    with pytest.raises(Invalid):
        service.create_user(
            admin, service.UserData("nobranch", "无网点", Role.TECHNICIAN, None, password="long-enough")
        )


def test_admins_cannot_lock_themselves_out(make_user):
    admin = make_user(Role.ADMIN)
    with pytest.raises(Invalid):
        service.set_user_active(admin, admin, False)
    with pytest.raises(Invalid):
        service.update_user(admin, admin, service.UserData(admin.login, admin.name, Role.TECHNICIAN, None))
