"""The navigation each role sees: built from permissions, so a link never leads to a 403."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from intranet.access.permissions import can


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    permission: str
    sections: tuple[str, ...]  # endpoints whose name contains one of these belong to the item
    description: object

    def is_current(self, endpoint: str | None) -> bool:
        return endpoint is not None and any(section in endpoint for section in self.sections)


NAV_ITEMS = [
    NavItem("main.index", _l("Home"), "account.use", ("main.index",), _l("Your day at a glance")),
    NavItem(
        "dashboard.index",
        _l("Dashboard"),
        "dashboard.view",
        ("dashboard.",),
        _l("Figures by period, charts and printable reports"),
    ),
    NavItem(
        "frontdesk.desk",
        _l("Front desk"),
        "desk.work",
        (
            "frontdesk.desk",
            "frontdesk.lookup",
            "frontdesk.appointment",
            "frontdesk.new_appointment",
            "frontdesk.arrive",
            "frontdesk.slots",
            "frontdesk.visitor",
            "frontdesk.new_visitor",
            "room",
            "frontdesk.call",
            "frontdesk.log_call",
            "frontdesk.settings",
            "roster",
            "close_out",
            "calendar",
            "frontdesk.desk_statistics",
            "complaint",
        ),
        _l("Today's appointments, visitors, complaints by deadline, callbacks and calls"),
    ),
    NavItem(
        "jobs.today",
        _l("Today"),
        "today.view",
        ("jobs.today", "jobs.report"),
        _l("Your jobs for today, one tap to start"),
    ),
    NavItem(
        "jobs.index",
        _l("Jobs"),
        "jobs.list",
        ("jobs.index", "jobs.show", "jobs.new", "jobs.correct"),
        _l("Work orders: dispatch and follow up"),
    ),
    NavItem(
        "jobs.callbacks",
        _l("Callbacks"),
        "callbacks.record",
        ("jobs.callbacks",),
        _l("Call customers back after a repair"),
    ),
    NavItem(
        "inspections.index",
        _l("Inspections"),
        "inspections.view",
        (
            "inspections.index",
            "inspections.show",
            "inspections.fill",
            "inspections.assign",
            "inspections.print",
            "inspections.ranking",
        ),
        _l("Checklists to fill, review and sign off"),
    ),
    NavItem(
        "inspections.actions",
        _l("Corrective actions"),
        "actions.view",
        ("inspections.actions", "_action"),
        _l("Problems found by inspections, until they are fixed"),
    ),
    NavItem(
        "inspections.templates",
        _l("Checklists"),
        "templates.manage",
        ("inspections.templates", "_template", "inspections.add_", "inspections.remove_", "inspections.move_"),
        _l("Inspection templates: sections, items, points"),
    ),
    NavItem(
        "customers.index",
        _l("Customers"),
        "customers.view",
        ("customers.",),
        _l("Look up customers, their sites and equipment"),
    ),
    NavItem(
        "parts.requests",
        _l("Part requests"),
        "parts.requests",
        ("parts.requests", "parts.new_request", "parts.show_request"),
        _l("Ask for parts, approve and issue them"),
    ),
    NavItem("parts.my_van", _l("My van"), "parts.van", ("parts.my_van",), _l("The parts in your van, also offline")),
    NavItem(
        "parts.stores",
        _l("Stock"),
        "parts.stock",
        ("parts.store", "parts.low_stock", "parts.returns", "parts.loans", "parts.stock_take"),
        _l("Warehouses, vans, low stock, returns and loans"),
    ),
    NavItem(
        "parts.index",
        _l("Parts"),
        "parts.view",
        ("parts.index", "parts.show", "parts.new", "parts.edit", "parts.import"),
        _l("The parts catalogue"),
    ),
    NavItem(
        "kb.index",
        _l("Manual"),
        "kb.read",
        ("kb.",),
        _l("The operations manual: search it, read what changed, acknowledge required reading"),
    ),
    NavItem(
        "admin.users",
        _l("Users"),
        "users.manage",
        ("admin.users", "_user"),
        _l("Accounts, roles and branches of staff"),
    ),
    NavItem(
        "admin.branches",
        _l("Branches"),
        "branches.manage",
        ("admin.branches", "_branch"),
        _l("Service stations and offices"),
    ),
]


# role -> its items: what a signed-in, active user may reach depends on the role alone (a permission
# without an object), and the layout asks on every page.
_BY_ROLE: dict[str, list[NavItem]] = {}


def navigation_for(user) -> list[NavItem]:
    if not (getattr(user, "is_authenticated", False) and user.active):
        return [item for item in NAV_ITEMS if can(user, item.permission)]
    items = _BY_ROLE.get(user.role)
    if items is None:
        items = _BY_ROLE[user.role] = [item for item in NAV_ITEMS if can(user, item.permission)]
    return items
