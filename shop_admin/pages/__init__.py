"""Importing this package registers every admin page."""

from shop_admin.pages import (
    audit,
    categories,
    collections,
    customer_detail,
    customers,
    dashboard,
    emails,
    inventory,
    invitations,
    order_detail,
    orders,
    product_editor,
    products,
    reports,
    segments,
    users,
)

__all__ = [
    "audit",
    "categories",
    "collections",
    "customer_detail",
    "customers",
    "dashboard",
    "emails",
    "inventory",
    "invitations",
    "order_detail",
    "orders",
    "product_editor",
    "products",
    "reports",
    "segments",
    "users",
]
