"""Importing this package registers every storefront page."""

from shop.pages import (
    account,
    cart,
    catalog,
    checkout,
    index,
    login,
    orders,
    password_reset,
    product,
    register,
    support,
)

__all__ = [
    "account",
    "cart",
    "catalog",
    "checkout",
    "index",
    "login",
    "orders",
    "password_reset",
    "product",
    "register",
    "support",
]
