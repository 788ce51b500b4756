"""Every table, imported in one place so Alembic and tests see the whole schema."""

from shop_core.accounts.models import AuthSession, PasswordResetToken, RefreshToken, User
from shop_core.analytics.models import ReportExport
from shop_core.audit.models import AuditEntry
from shop_core.cart.models import Cart, CartItem
from shop_core.catalog.models import (
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductCategory,
    ProductImage,
    ProductOption,
    ProductTag,
    Variant,
    VariantOptionValue,
)
from shop_core.customers.models import CustomerTag, Segment
from shop_core.email.models import EmailMessage
from shop_core.inventory.models import InventoryItem, StockMovement
from shop_core.invitations.models import Invitation, InvitationRedemption
from shop_core.jobs.models import JobRun
from shop_core.orders import guards  # noqa: F401  (immutable order snapshots)
from shop_core.orders.models import (
    Address,
    IdempotencyRecord,
    Order,
    OrderEvent,
    OrderItem,
    Refund,
    Shipment,
)
from shop_core.payments.models import WebhookEvent
from shop_core.support.models import SavedReply, Ticket, TicketAttachment, TicketMessage

__all__ = [
    "CustomerTag",
    "Segment",
    "ReportExport",
    "SavedReply",
    "Ticket",
    "TicketAttachment",
    "TicketMessage",
    "Address",
    "Cart",
    "CartItem",
    "IdempotencyRecord",
    "Order",
    "OrderEvent",
    "OrderItem",
    "Refund",
    "Shipment",
    "WebhookEvent",
    "Category",
    "Collection",
    "CollectionProduct",
    "InventoryItem",
    "JobRun",
    "Product",
    "ProductCategory",
    "ProductImage",
    "ProductOption",
    "ProductTag",
    "StockMovement",
    "Variant",
    "VariantOptionValue",
    "AuditEntry",
    "AuthSession",
    "EmailMessage",
    "Invitation",
    "InvitationRedemption",
    "PasswordResetToken",
    "RefreshToken",
    "User",
]
