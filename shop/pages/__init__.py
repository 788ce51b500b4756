"""Importing this package registers every storefront page."""

from shop.pages import account, index, login, password_reset, register

__all__ = ["account", "index", "login", "password_reset", "register"]
