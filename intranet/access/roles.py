"""Roles and what each may do: data, checked in one place (permissions.py)."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    TECHNICIAN = "technician"
    RECEPTIONIST = "receptionist"
    MANAGER = "manager"
    ADMIN = "admin"
    # Keeps a branch's parts warehouse (库管员/配件主管): receives, issues and counts stock.
    STOREKEEPER = "storekeeper"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.TECHNICIAN: _l("Technician"),
    Role.RECEPTIONIST: _l("Receptionist"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
    Role.STOREKEEPER: _l("Storekeeper"),
}

STAFF = frozenset(Role)
FRONT_OFFICE = frozenset({Role.RECEPTIONIST, Role.MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})

# permission -> roles that hold it. A route names one permission; services check the same names
# against objects, which access/scoping.py decides.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "account.use": STAFF,
    # Customer records are read by those whose work needs them (the archive rule): not the stores.
    "customers.view": STAFF - {Role.STOREKEEPER},
    "customers.edit": FRONT_OFFICE,
    "customers.audit": MANAGERS,
    "jobs.view": STAFF,
    "jobs.list": FRONT_OFFICE,
    "jobs.create": FRONT_OFFICE,
    "jobs.dispatch": FRONT_OFFICE,
    "jobs.work": frozenset({Role.TECHNICIAN}),
    "today.view": frozenset({Role.TECHNICIAN}),
    "reports.correct": frozenset({Role.MANAGER, Role.ADMIN}),
    "jobs.resolve_attention": frozenset({Role.MANAGER, Role.ADMIN}),
    "callbacks.record": FRONT_OFFICE,
    "parts.view": STAFF,
    "parts.van": frozenset({Role.TECHNICIAN}),  # a technician's own van: what it holds and what moved
    "parts.manage": frozenset({Role.ADMIN}),
    "parts.stock": frozenset({Role.STOREKEEPER, Role.MANAGER, Role.ADMIN}),
    "parts.keep": frozenset({Role.STOREKEEPER, Role.ADMIN}),
    "parts.request": frozenset({Role.TECHNICIAN, Role.MANAGER}),
    "parts.requests": STAFF,
    "parts.approve": frozenset({Role.MANAGER, Role.ADMIN}),
    "parts.issue": frozenset({Role.STOREKEEPER, Role.ADMIN}),
    "users.manage": frozenset({Role.ADMIN}),
    "branches.manage": frozenset({Role.ADMIN}),
    "inspections.view": STAFF,
    "inspections.fill": frozenset({Role.TECHNICIAN, Role.RECEPTIONIST, Role.MANAGER}),
    "inspections.assign": frozenset({Role.MANAGER, Role.ADMIN}),
    "inspections.sign": frozenset({Role.MANAGER, Role.ADMIN}),
    "inspections.ranking": frozenset({Role.MANAGER, Role.ADMIN}),
    "actions.view": STAFF,
    "actions.complete": STAFF,
    "actions.verify": frozenset({Role.MANAGER, Role.ADMIN}),
    "templates.manage": frozenset({Role.ADMIN}),
    "kb.read": STAFF,
    "kb.edit": frozenset({Role.MANAGER, Role.ADMIN}),
    "kb.report": frozenset({Role.MANAGER, Role.ADMIN}),
    "dashboard.view": frozenset({Role.MANAGER, Role.ADMIN}),
    # The front desk: complaints, appointments, visitors, rooms, calls, the desk page itself.
    "desk.work": FRONT_OFFICE,
    # A branch's desk rules and their oversight: settings and calendar, slots, rooms, the duty
    # roster, the day's close-out and the statistics.
    "desk.manage": MANAGERS,
}
