"""Place an order: totals on the server only, immutable snapshots, stock reserved through
the ledger, and a payment session — all in the caller's transaction, so an
`insufficient_stock` anywhere leaves nothing reserved."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from shop_core.accounts.service import normalize_email
from shop_core.cart import service as carts
from shop_core.cart.models import CartItem
from shop_core.catalog.models import Product, Variant
from shop_core.catalog.queries import first_images
from shop_core.db import utcnow
from shop_core.errors import Conflict
from shop_core.inventory import service as inventory
from shop_core.inventory.service import MovementKind
from shop_core.orders import service as orders
from shop_core.orders.addresses import AddressIn, save_address
from shop_core.orders.models import Order, OrderItem
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
    email = normalize_email(data.email)
    cart = carts.load_cart(session, data.cart_id, user_id=user_id, lock=True)
    rows = session.exec(
        select(CartItem, Variant, Product)
        .join(Variant, Variant.id == CartItem.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(CartItem.cart_id == cart.id)
        .order_by(CartItem.variant_id)
    ).all()
    if not rows:
        raise Conflict("Your cart is empty.", code="cart_empty")
    inactive = [p.title for _, _, p in rows if p.status != "active"]
    if inactive:
        raise Conflict(f"No longer available: {', '.join(inactive)}.", code="product_unavailable")
    subtotal = sum(v.price * i.quantity for i, v, _ in rows)
    totals = quote(subtotal, carts.discount_for(session, cart, subtotal), data.shipping_method)
    settings = get_settings()
    order = Order(
        number=_order_number(),
        user_id=user_id,
        email=email,
        currency=cart.currency,
        subtotal=totals.subtotal,
        discount_total=totals.discount_total,
        shipping_total=totals.shipping_total,
        tax_total=totals.tax_total,
        total=totals.total,
        shipping_method=data.shipping_method,
        shipping_address=data.shipping_address.model_dump(),
        promotion_code=cart.promotion_code,
        payment_provider="stripe" if settings.uses_stripe else "test",
        cart_id=cart.id,
        expires_at=utcnow() + timedelta(minutes=settings.reservation_minutes),
    )
    session.add(order)
    session.flush()  # 31^8 possible numbers: a collision is left to the unique index
    images = first_images(session, [p.id for _, _, p in rows])
    for item, variant, product in rows:  # rows are in variant order: stable lock order
        session.add(
            OrderItem(
                order_id=order.id,
                variant_id=variant.id,
                product_id=product.id,
                product_title=product.title,
                variant_title=carts.variant_title(variant.option_values),
                sku=variant.sku,
                option_values=variant.option_values,
                image=images.get(product.id),
                unit_price=variant.price,
                unit_cost=variant.cost_price,
                quantity=item.quantity,
                line_total=variant.price * item.quantity,
            )
        )
        inventory.record_movement(
            session,
            variant_id=variant.id,
            kind=MovementKind.RESERVE,
            quantity=item.quantity,
            reason="checkout",
            reference=order.number,
        )
    cart.checked_out_at = utcnow()
    session.add(cart)
    if user_id is not None and data.save_address:
        save_address(session, user_id, data.shipping_address)
    orders.log_event(session, order, "placed", "Order placed; waiting for payment.")
    payment = gateway.create_session(
        order_number=order.number,
        email=email,
        currency=order.currency,
        lines=_payment_lines(rows, totals),
        expires_at=_stripe_expiry(order),
    )
    order.payment_session_id = payment.session_id
    session.add(order)
    session.flush()
    return CheckoutOut(
        order_number=order.number,
        status=order.status,
        currency=order.currency,
        payment=PaymentOut(**payment.model_dump()),
        **totals.model_dump(),
    )


def _payment_lines(rows, totals: Quote) -> list[gateway.LineForPayment]:
    lines = [
        gateway.LineForPayment(
            name=f"{p.title} {carts.variant_title(v.option_values)}".strip(),
            unit_amount=v.price,
            quantity=i.quantity,
        )
        for i, v, p in rows
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


def _stripe_expiry(order: Order) -> int | None:
    """Stripe accepts session expiry between 30 minutes and 24 hours from now."""
    minutes = get_settings().reservation_minutes
    return int(order.expires_at.timestamp()) if 30 < minutes <= 24 * 60 else None
