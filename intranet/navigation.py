"""The navigation each role sees: built from permissions, so a link never leads to a 403."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from intranet.auth.permissions import can


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    permission: str
    section: str  # endpoints whose name contains this belong to the item, e.g. "admin.edit_user"
    description: object

    def is_current(self, endpoint: str | None) -> bool:
        return endpoint == self.endpoint or (endpoint is not None and self.section in endpoint)


NAV_ITEMS = [
    NavItem("main.index", _l("Home"), "account.use", "main.index", _l("Your day at a glance")),
    NavItem(
        "customers.index",
        _l("Customers"),
        "customers.view",
        "customers.",
        _l("Look up customers, their sites and equipment"),
    ),
    NavItem("admin.users", _l("Users"), "users.manage", "_user", _l("Accounts, roles and branches of staff")),
    NavItem("admin.branches", _l("Branches"), "branches.manage", "_branch", _l("Service stations and offices")),
]


def navigation_for(user) -> list[NavItem]:
    return [item for item in NAV_ITEMS if can(user, item.permission)]
