"""Roles and the permissions each one grants. Checked on the server for every admin action."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    CATALOG_MANAGER = "catalog_manager"
    SUPPORT_TECHNICIAN = "support_technician"
    MARKETER = "marketer"
    OPERATIONS = "operations"
    CUSTOMER = "customer"


class Perm(StrEnum):
    ADMIN_ACCESS = "admin.access"
    USERS_VIEW = "users.view"
    USERS_MANAGE = "users.manage"
    INVITATIONS_MANAGE = "invitations.manage"
    AUDIT_VIEW = "audit.view"
    EMAILS_VIEW = "emails.view"
    CATALOG_VIEW = "catalog.view"
    CATALOG_MANAGE = "catalog.manage"
    INVENTORY_MANAGE = "inventory.manage"
    ORDERS_VIEW = "orders.view"
    ORDERS_MANAGE = "orders.manage"
    SUPPORT_HANDLE = "support.handle"
    CUSTOMERS_VIEW = "customers.view"
    REPORTS_VIEW = "reports.view"
    MARKETING_MANAGE = "marketing.manage"
    SETTINGS_MANAGE = "settings.manage"


_STAFF = {Perm.ADMIN_ACCESS}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.OWNER: frozenset(Perm),
    Role.CATALOG_MANAGER: frozenset(
        _STAFF | {Perm.CATALOG_VIEW, Perm.CATALOG_MANAGE, Perm.INVENTORY_MANAGE}
    ),
    Role.SUPPORT_TECHNICIAN: frozenset(
        _STAFF | {Perm.SUPPORT_HANDLE, Perm.CUSTOMERS_VIEW, Perm.ORDERS_VIEW, Perm.CATALOG_VIEW}
    ),
    Role.MARKETER: frozenset(
        _STAFF | {Perm.MARKETING_MANAGE, Perm.REPORTS_VIEW, Perm.CUSTOMERS_VIEW, Perm.CATALOG_VIEW}
    ),
    Role.OPERATIONS: frozenset(
        _STAFF
        | {
            Perm.INVENTORY_MANAGE,
            Perm.ORDERS_VIEW,
            Perm.ORDERS_MANAGE,
            Perm.CATALOG_VIEW,
            Perm.EMAILS_VIEW,
        }
    ),
    Role.CUSTOMER: frozenset(),
}

ROLE_LABELS: dict[Role, str] = {
    Role.OWNER: "Owner",
    Role.CATALOG_MANAGER: "Catalog manager",
    Role.SUPPORT_TECHNICIAN: "Support technician",
    Role.MARKETER: "Marketer",
    Role.OPERATIONS: "Operations",
    Role.CUSTOMER: "Customer",
}


def permissions_for(role: str) -> frozenset[Perm]:
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()


def has_permission(role: str, perm: Perm | str) -> bool:
    return Perm(perm) in permissions_for(role)
