"""Roles and what each may do: data, checked in one place (permissions.py)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    TECHNICIAN = "technician"
    RECEPTIONIST = "receptionist"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.TECHNICIAN: _l("Technician"),
    Role.RECEPTIONIST: _l("Receptionist"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}

STAFF = frozenset(Role)
FRONT_OFFICE = frozenset({Role.RECEPTIONIST, Role.MANAGER, Role.ADMIN})

# permission -> roles that hold it. A route names one permission; services check the same names
# against objects (see permissions.object_rule).
PERMISSIONS: dict[str, frozenset[Role]] = {
    "account.use": STAFF,
    "customers.view": STAFF,
    "customers.edit": FRONT_OFFICE,
    "jobs.view": STAFF,
    "jobs.list": FRONT_OFFICE,
    "jobs.create": FRONT_OFFICE,
    "jobs.dispatch": FRONT_OFFICE,
    "jobs.work": frozenset({Role.TECHNICIAN}),
    "today.view": frozenset({Role.TECHNICIAN}),
    "reports.correct": frozenset({Role.MANAGER, Role.ADMIN}),
    "jobs.resolve_attention": frozenset({Role.MANAGER, Role.ADMIN}),
    "callbacks.record": FRONT_OFFICE,
    "users.manage": frozenset({Role.ADMIN}),
    "branches.manage": frozenset({Role.ADMIN}),
    "kb.read": STAFF,
    "kb.edit": frozenset({Role.MANAGER, Role.ADMIN}),
    "kb.report": frozenset({Role.MANAGER, Role.ADMIN}),
}
