"""Every table, imported in one place so Alembic and tests see the whole schema."""

from shop_core.accounts.models import AuthSession, PasswordResetToken, RefreshToken, User
from shop_core.audit.models import AuditEntry
from shop_core.email.models import EmailMessage
from shop_core.invitations.models import Invitation, InvitationRedemption

__all__ = [
    "AuditEntry",
    "AuthSession",
    "EmailMessage",
    "Invitation",
    "InvitationRedemption",
    "PasswordResetToken",
    "RefreshToken",
    "User",
]
