"""Place an order: totals on the server only, immutable snapshots, stock reserved through
the ledger, and a payment session — all in the caller's transaction, so an
`insufficient_stock` anywhere leaves nothing reserved."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from shop_core.accounts.service import normalize_email
from shop_core.cart import service as carts
from shop_core.cart.models import CartItem
from shop_core.catalog.models import Product, ProductImage, Variant
from shop_core.db import utcnow
from shop_core.errors import Conflict
from shop_core.inventory import service as inventory
from shop_core.inventory.service import MovementKind
from shop_core.orders.addresses import AddressIn, save_address
from shop_core.orders.models import Order, OrderEvent, OrderItem
from shop_core.payments import gateway
from shop_core.settings import get_settings

ShippingMethod = Literal["standard", "express"]
_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class CheckoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    cart_id: str = Field(min_length=1, max_length=64)
    email: str = Field(min_length=3, max_length=254)
    shipping_address: AddressIn
    shipping_method: ShippingMethod = "standard"
    save_address: bool = False


class PaymentOut(BaseModel):
    provider: str
    session_id: str
    checkout_url: str


class CheckoutOut(BaseModel):
    order_number: str
    status: str
    subtotal: int
    discount_total: int
    shipping_total: int
    tax_total: int
    total: int
    currency: str
    payment: PaymentOut


class Quote(BaseModel):
    subtotal: int
    discount_total: int
    shipping_total: int
    tax_total: int
    total: int


def shipping_cost(method: str, subtotal_after_discount: int) -> int:
    settings = get_settings()
    if method == "express":
        return settings.shipping_express
    return 0 if subtotal_after_discount >= settings.shipping_free_over else settings.shipping_flat


def quote(subtotal: int, discount: int, method: str) -> Quote:
    """Integer-only totals: tax on the discounted goods, rounded half up to the minor unit."""
    net = subtotal - discount
    shipping = shipping_cost(method, net)
    tax = (net * get_settings().tax_rate_bps + 5_000) // 10_000
    return Quote(
        subtotal=subtotal,
        discount_total=discount,
        shipping_total=shipping,
        tax_total=tax,
        total=net + shipping + tax,
    )


def _order_number() -> str:
    return "JN" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def place_order(session: Session, data: CheckoutIn, *, user_id: int | None) -> CheckoutOut:
    """One transaction, a fixed number of round trips: claim the cart (one UPDATE), read its
    lines (one SELECT), reserve each variant (one guarded UPDATE each, in variant order),
    then one INSERT each for the order, its lines, the ledger rows and the timeline."""
    email = normalize_email(data.email)
    settings = get_settings()
    cart = carts.claim_for_checkout(session, data.cart_id, user_id=user_id)
    lines = _cart_lines(session, cart.id)
    if not lines:
        raise Conflict("Your cart is empty.", code="cart_empty")
    inactive = [line.product_title for line in lines if line.product_status != "active"]
    if inactive:
        raise Conflict(f"No longer available: {', '.join(inactive)}.", code="product_unavailable")
    subtotal = sum(line.unit_price * line.quantity for line in lines)
    totals = quote(subtotal, carts.discount_for(session, cart, subtotal), data.shipping_method)
    now = utcnow()
    number = _order_number()  # 31^8 possible numbers: a collision is left to the unique index
    expires_at = now + timedelta(minutes=settings.reservation_minutes)
    # The payment session is created before any stock row is locked, so a slow provider
    # never holds up other checkouts of the same products. If the reservation below then
    # fails, the session was never shown to anyone and simply expires at the provider.
    payment = gateway.create_session(
        order_number=number,
        email=email,
        currency=cart.currency,
        lines=_payment_lines(lines, totals),
        expires_at=_stripe_expiry(expires_at),
    )
    inventory.record_movements(  # lines are in variant order: a stable lock order
        session,
        [(line.variant_id, MovementKind.RESERVE, line.quantity) for line in lines],
        reason="checkout",
        reference=number,
    )
    conn = session.connection()
    order_id = conn.execute(
        _INSERT_ORDER,
        {
            "number": number,
            "user_id": user_id,
            "email": email,
            "status": "pending_payment",
            "currency": cart.currency,
            "subtotal": totals.subtotal,
            "discount_total": totals.discount_total,
            "shipping_total": totals.shipping_total,
            "tax_total": totals.tax_total,
            "total": totals.total,
            "amount_paid": 0,
            "amount_refunded": 0,
            "shipping_method": data.shipping_method,
            "shipping_address": data.shipping_address.model_dump(),
            "promotion_code": cart.promotion_code,
            "payment_provider": payment.provider,
            "payment_session_id": payment.session_id,
            "payment_intent_id": None,
            "cart_id": cart.id,
            "needs_attention": False,
            "created_at": now,
            "expires_at": expires_at,
            "paid_at": None,
        },
    ).scalar_one()
    conn.execute(
        _INSERT_ITEMS,
        [
            {
                "order_id": order_id,
                "variant_id": line.variant_id,
                "product_id": line.product_id,
                "product_title": line.product_title,
                "variant_title": carts.variant_title(line.option_values),
                "sku": line.sku,
                "option_values": line.option_values,
                "image": line.image,
                "unit_price": line.unit_price,
                "unit_cost": line.unit_cost,
                "quantity": line.quantity,
                "line_total": line.unit_price * line.quantity,
            }
            for line in lines
        ],
    )
    conn.execute(
        _INSERT_EVENT,
        {
            "order_id": order_id,
            "created_at": now,
            "kind": "placed",
            "message": "Order placed; waiting for payment.",
            "internal": False,
            "actor_id": None,
            "data": {},
        },
    )
    if user_id is not None and data.save_address:
        save_address(session, user_id, data.shipping_address)
    return CheckoutOut(
        order_number=number,
        status="pending_payment",
        currency=cart.currency,
        payment=PaymentOut(**payment.model_dump()),
        **totals.model_dump(),
    )


class _Line(NamedTuple):
    quantity: int
    variant_id: int
    sku: str
    unit_price: int
    unit_cost: int | None
    option_values: dict
    product_id: int
    product_title: str
    product_status: str
    image: str | None


def _cart_lines_statement():
    first_image = (
        select(ProductImage.url)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .scalar_subquery()
    )
    item, variant, product = CartItem.__table__.c, Variant.__table__.c, Product.__table__.c
    return (
        sa_select(
            item.quantity,
            variant.id,
            variant.sku,
            variant.price,
            variant.cost_price,
            variant.option_values,
            product.id,
            product.title,
            product.status,
            first_image,
        )
        .join_from(CartItem.__table__, Variant.__table__, variant.id == item.variant_id)
        .join(Product.__table__, product.id == variant.product_id)
        .where(item.cart_id == bindparam("cart_id"))
        .order_by(item.variant_id)
    )


# Built once: on the hot path, building statements cost more CPU than running them.
_CART_LINES = _cart_lines_statement()
_INSERT_ORDER = insert(Order.__table__).returning(Order.__table__.c.id)
_INSERT_ITEMS = insert(OrderItem.__table__)
_INSERT_EVENT = insert(OrderEvent.__table__)


def _cart_lines(session: Session, cart_id: str) -> list[_Line]:
    """The cart's lines with current prices and each product's first image, in one query,
    in variant order."""
    rows = session.connection().execute(_CART_LINES, {"cart_id": cart_id}).all()
    return [_Line(*row) for row in rows]


def _payment_lines(rows: list[_Line], totals: Quote) -> list[gateway.LineForPayment]:
    lines = [
        gateway.LineForPayment(
            name=f"{r.product_title} {carts.variant_title(r.option_values)}".strip(),
            unit_amount=r.unit_price,
            quantity=r.quantity,
        )
        for r in rows
    ]
    if totals.discount_total:
        # Stripe line items cannot be negative: charge the discounted goods as one line.
        lines = [
            gateway.LineForPayment(
                name="Goods (after discount)",
                unit_amount=totals.subtotal - totals.discount_total,
                quantity=1,
            )
        ]
    if totals.shipping_total:
        lines.append(
            gateway.LineForPayment(name="Shipping", unit_amount=totals.shipping_total, quantity=1)
        )
    if totals.tax_total:
        lines.append(gateway.LineForPayment(name="Tax", unit_amount=totals.tax_total, quantity=1))
    return lines


def _stripe_expiry(expires_at: datetime) -> int | None:
    """Stripe accepts session expiry between 30 minutes and 24 hours from now."""
    minutes = get_settings().reservation_minutes
    return int(expires_at.timestamp()) if 30 < minutes <= 24 * 60 else None
