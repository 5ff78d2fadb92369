"""The navigation each role sees: built from permissions, so a link never leads to a 403.

Items sit in a few groups (Work, Stock, Admin) that open as disclosure menus, so every role's
navigation fits one row on a tablet; an item outside a group, or alone in its group for this role,
is a plain link. Adding a page to the navigation is one NavItem line below.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from intranet.access.permissions import can
from intranet.access.roles import Role


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: object


WORK = NavGroup("work", _lp("navigation menu", "Work"))
STOCK = NavGroup("stock", _lp("navigation menu", "Stock"))
ADMIN = NavGroup("admin", _lp("navigation menu", "Admin"))


@dataclass(frozen=True, eq=False)  # compared by identity: each item is declared once
class NavItem:
    endpoint: str
    label: object
    permission: str
    sections: tuple[str, ...]  # endpoints whose name contains one of these belong to the item
    description: object
    group: NavGroup | None = None
    # Where it sits for some roles instead: None (in the bar, one tap away) or another group.
    by_role: Mapping[Role, NavGroup | None] = field(default_factory=dict)
    badge: str | None = None  # a count shown beside the label, from the provider of this name

    def group_for(self, role: Role) -> NavGroup | None:
        return self.by_role.get(role, self.group)

    def match_length(self, endpoint: str | None) -> int:
        """How closely `endpoint` belongs here: the longest of the sections it contains (0: not at all)."""
        if endpoint is None:
            return 0
        return max((len(section) for section in self.sections if section in endpoint), default=0)


NAV_ITEMS = [
    NavItem("main.index", _l("Home"), "account.use", ("main.index",), _l("Your day at a glance")),
    NavItem(
        "jobs.today",
        _l("Today"),
        "today.view",
        ("jobs.today", "jobs.report"),
        _l("Your jobs for today, one tap to start"),
    ),
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
        WORK,
        by_role={Role.RECEPTIONIST: None},  # the receptionist's own page
    ),
    NavItem(
        "jobs.index",
        _l("Jobs"),
        "jobs.list",
        ("jobs.index", "jobs.show", "jobs.new", "jobs.correct"),
        _l("Work orders: dispatch and follow up"),
        WORK,
    ),
    NavItem(
        "jobs.callbacks",
        _l("Callbacks"),
        "callbacks.record",
        ("jobs.callbacks",),
        _l("Call customers back after a repair"),
        WORK,
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
        WORK,
    ),
    NavItem(
        "inspections.actions",
        _l("Corrective actions"),
        "actions.view",
        ("inspections.actions", "_action"),
        _l("Problems found by inspections, until they are fixed"),
        WORK,
    ),
    NavItem(
        "inspections.templates",
        _l("Checklists"),
        "templates.manage",
        ("inspections.templates", "_template", "inspections.add_", "inspections.remove_", "inspections.move_"),
        _l("Inspection templates: sections, items, points"),
        WORK,
    ),
    NavItem(
        "customers.index",
        _l("Customers"),
        "customers.view",
        ("customers.",),
        _l("Look up customers, their sites and equipment"),
        WORK,
    ),
    NavItem(
        "parts.requests",
        _l("Part requests"),
        "parts.requests",
        ("parts.requests", "parts.new_request", "parts.show_request"),
        _l("Ask for parts, approve and issue them"),
        STOCK,
        by_role={Role.TECHNICIAN: None},
    ),
    NavItem("parts.my_van", _l("My van"), "parts.van", ("parts.my_van",), _l("The parts in your van, also offline")),
    NavItem(
        "parts.stores",
        _l("Stores"),
        "parts.stock",
        ("parts.store", "parts.low_stock", "parts.returns", "parts.loans", "parts.stock_take"),
        _l("Warehouses, vans, low stock, returns and loans"),
        STOCK,
    ),
    NavItem(
        "parts.index",
        _l("Parts"),
        "parts.view",
        ("parts.index", "parts.show", "parts.new", "parts.edit", "parts.import"),
        _l("The parts catalogue"),
        STOCK,
        by_role={Role.TECHNICIAN: WORK},  # the technician's bar keeps Today, requests, the van, the manual
    ),
    NavItem(
        "kb.index",
        _l("Manual"),
        "kb.read",
        ("kb.",),
        _l("The operations manual: search it, read what changed, acknowledge required reading"),
        badge="kb.to_read",
    ),
    NavItem(
        "admin.users",
        _l("Users"),
        "users.manage",
        ("admin.users", "_user"),
        _l("Accounts, roles and branches of staff"),
        ADMIN,
    ),
    NavItem(
        "admin.branches",
        _l("Branches"),
        "branches.manage",
        ("admin.branches", "_branch"),
        _l("Service stations and offices"),
        ADMIN,
    ),
]

# badge name -> (user -> count); a feature registers its own (the manual: articles to read).
_BADGES: dict[str, Callable[[object], int]] = {}


def badge(name: str, count: Callable[[object], int]) -> None:
    _BADGES[name] = count


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


def current_item(items: list[NavItem], endpoint: str | None) -> NavItem | None:
    """The one item the page belongs to: the closest match, so "parts.new_request" is a part request,
    not the catalogue's "parts.new"."""
    best = max(items, key=lambda item: item.match_length(endpoint), default=None)
    return best if best is not None and best.match_length(endpoint) else None


@dataclass
class NavEntry:
    """One place in the bar: a link (one item) or a group's disclosure menu (several)."""

    label: object
    items: list[NavItem]
    group: NavGroup | None = None

    @property
    def is_menu(self) -> bool:
        return len(self.items) > 1


@dataclass
class Menu:
    entries: list[NavEntry]
    current: NavItem | None
    home: NavItem | None
    user: object = None
    _counts: dict[str, int] = field(default_factory=dict)

    def count(self, item: NavItem) -> int:
        """The item's badge count, asked once per page and only when the bar is drawn."""
        if item.badge is None or item.badge not in _BADGES:
            return 0
        if item.badge not in self._counts:
            self._counts[item.badge] = _BADGES[item.badge](self.user)
        return self._counts[item.badge]

    def drawing_key(self) -> tuple:
        """What the bar's markup depends on: the role's items, the page's item, the badges' counts."""
        counts = tuple(self.count(item) for entry in self.entries for item in entry.items if item.badge)
        return ("navigation", self.user.role, self.current.endpoint if self.current else None, counts)

    def holds_current(self, entry: NavEntry) -> bool:
        return self.current is not None and self.current in entry.items


def menu_for(user, endpoint: str | None) -> Menu:
    """The bar: the brand links home, so Home is not repeated; groups in the order of their first item."""
    items = navigation_for(user)
    role = Role(user.role)
    entries: list[NavEntry] = []
    by_group: dict[str, NavEntry] = {}
    for item in items:
        if item.endpoint == "main.index":
            continue
        group = item.group_for(role)
        if group is None:
            entries.append(NavEntry(item.label, [item]))
        elif group.key in by_group:
            by_group[group.key].items.append(item)
        else:
            by_group[group.key] = NavEntry(group.label, [item], group)
            entries.append(by_group[group.key])
    home = next((item for item in items if item.endpoint == "main.index"), None)
    return Menu(entries, current_item(items, endpoint), home, user)
