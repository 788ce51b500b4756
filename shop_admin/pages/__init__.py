"""Importing this package registers every admin page."""

from shop_admin.pages import audit, dashboard, emails, invitations, users

__all__ = ["audit", "dashboard", "emails", "invitations", "users"]
