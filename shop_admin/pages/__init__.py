"""Importing this package registers every admin page."""

from shop_admin.pages import (
    audit,
    categories,
    collections,
    dashboard,
    emails,
    inventory,
    invitations,
    order_detail,
    orders,
    product_editor,
    products,
    ticket_detail,
    tickets,
    users,
)

__all__ = [
    "audit",
    "categories",
    "collections",
    "dashboard",
    "emails",
    "inventory",
    "invitations",
    "order_detail",
    "orders",
    "product_editor",
    "products",
    "ticket_detail",
    "tickets",
    "users",
]
