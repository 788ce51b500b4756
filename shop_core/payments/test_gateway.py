"""The built-in test gateway (no Stripe keys): a Stripe-like payment page for a session,
and the shopper's choice on it (pay, decline, abandon) turned into the signed Stripe-format
event Stripe would send to our webhook route."""

from __future__ import annotations

from typing import Literal

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlmodel import select

from shop_core.db import read_session
from shop_core.errors import NotFound
from shop_core.orders.models import Order, OrderItem
from shop_core.payments import gateway
from shop_core.settings import get_settings

Action = Literal["pay", "decline", "abandon"]
_pages = Environment(
    loader=PackageLoader("shop_core", "payments/templates"), autoescape=select_autoescape()
)


def _session_order(session_id: str) -> tuple[Order, list[OrderItem]]:
    if get_settings().uses_stripe:
        raise NotFound("The test gateway is off when Stripe is configured.")
    with read_session() as session:
        order = session.exec(select(Order).where(Order.payment_session_id == session_id)).first()
        if order is None:
            raise NotFound("No such payment session.", code="payment_session_not_found")
        items = list(
            session.exec(
                select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)
            )
        )
    return order, items


def payment_page(session_id: str) -> str:
    """The HTML of the payment page for a session (404 for an unknown one)."""
    order, items = _session_order(session_id)
    return _pages.get_template("test_gateway.html").render(
        order=order,
        items=items,
        session_id=session_id,
        shop_name=get_settings().shop_name,
        action_base=f"{gateway.TEST_GATEWAY_PATH}/{session_id}",
    )


def event_for(order: Order, session_id: str, action: Action) -> dict:
    """The Stripe event that the shopper's choice produces."""
    intent = f"pi_test_{order.number}"
    if action == "decline":
        return gateway.build_event(
            "payment_intent.payment_failed",
            gateway.payment_intent_object(
                intent_id=intent,
                order_number=order.number,
                amount=order.total,
                currency=order.currency,
            ),
        )
    paid = action == "pay"
    return gateway.build_event(
        "checkout.session.completed" if paid else "checkout.session.expired",
        gateway.session_object(
            session_id=session_id,
            order_number=order.number,
            amount_total=order.total,
            currency=order.currency,
            status="complete" if paid else "expired",
            payment_status="paid" if paid else "unpaid",
            payment_intent=intent if paid else None,
        ),
    )


def act(session_id: str, action: Action) -> str:
    """Deliver the event for the shopper's choice; returns where to send the shopper next."""
    order, _ = _session_order(session_id)
    gateway.deliver(event_for(order, session_id, action))
    target = "success" if action == "pay" else "cancelled"
    return f"{get_settings().public_url}/checkout/{target}?order={order.number}"
