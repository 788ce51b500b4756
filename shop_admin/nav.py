"""The admin menu as data: later issues append entries here."""

from __future__ import annotations

from typing import NamedTuple

from shop_core.accounts.roles import Perm


class NavItem(NamedTuple):
    label: str
    route: str
    icon: str
    permission: Perm


ADMIN_NAV: list[NavItem] = [
    NavItem("Dashboard", "/admin", "layout-dashboard", Perm.ADMIN_ACCESS),
    NavItem("Orders", "/admin/orders", "receipt", Perm.ORDERS_VIEW),
    NavItem("Support", "/admin/tickets", "life-buoy", Perm.SUPPORT_HANDLE),
    NavItem("Customers", "/admin/customers", "heart-handshake", Perm.CUSTOMERS_VIEW),
    NavItem("Segments", "/admin/segments", "blend", Perm.CUSTOMERS_VIEW),
    NavItem("Reports", "/admin/reports", "chart-line", Perm.REPORTS_VIEW),
    NavItem("Products", "/admin/products", "package", Perm.CATALOG_VIEW),
    NavItem("Categories", "/admin/categories", "folder-tree", Perm.CATALOG_VIEW),
    NavItem("Collections", "/admin/collections", "library-big", Perm.CATALOG_VIEW),
    NavItem("Inventory", "/admin/inventory", "warehouse", Perm.INVENTORY_MANAGE),
    NavItem("Invitations", "/admin/invitations", "ticket", Perm.INVITATIONS_MANAGE),
    NavItem("Users", "/admin/users", "users", Perm.USERS_VIEW),
    NavItem("Audit log", "/admin/audit", "scroll-text", Perm.AUDIT_VIEW),
    NavItem("Emails", "/admin/emails", "mail", Perm.EMAILS_VIEW),
]
