"""The Stripe webhook route, and the built-in test gateway's payment page."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlmodel import select

from shop_core.db import read_session
from shop_core.errors import NotFound
from shop_core.orders.models import Order, OrderItem
from shop_core.payments import gateway, webhooks
from shop_core.settings import get_settings

router = APIRouter(tags=["payments"])
_pages = Environment(
    loader=PackageLoader("shop_core", "payments/templates"), autoescape=select_autoescape()
)


@router.post("/payments/stripe/webhook")
async def stripe_webhook(
    request: Request,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> dict:
    payload = await request.body()
    from starlette.concurrency import run_in_threadpool

    outcome = await run_in_threadpool(webhooks.handle, payload, stripe_signature)
    return {"received": True, "outcome": outcome}


def _test_order(session_id: str) -> tuple[Order, list[OrderItem]]:
    if get_settings().uses_stripe:
        raise NotFound("The test gateway is off when Stripe is configured.")
    with read_session() as session:
        order = session.exec(select(Order).where(Order.payment_session_id == session_id)).first()
        if order is None:
            raise NotFound("No such payment session.", code="payment_session_not_found")
        items = list(session.exec(select(OrderItem).where(OrderItem.order_id == order.id)))
    return order, items


@router.get(
    f"{gateway.TEST_GATEWAY_PATH.removeprefix('/api/v1')}/{{session_id}}",
    response_class=HTMLResponse,
)
def test_gateway_page(session_id: str) -> HTMLResponse:
    order, items = _test_order(session_id)
    html = _pages.get_template("test_gateway.html").render(
        order=order,
        items=items,
        session_id=session_id,
        shop_name=get_settings().shop_name,
        action_base=f"{gateway.TEST_GATEWAY_PATH}/{session_id}",
    )
    return HTMLResponse(html)


@router.post(f"{gateway.TEST_GATEWAY_PATH.removeprefix('/api/v1')}/{{session_id}}/{{action}}")
def test_gateway_action(
    session_id: str, action: Literal["pay", "decline", "abandon"]
) -> RedirectResponse:
    """Turn the shopper's choice into the Stripe event Stripe would send, signed, to our webhook."""
    order, _ = _test_order(session_id)
    settings = get_settings()
    intent = f"pi_test_{order.number}"
    if action == "decline":
        event = gateway.build_event(
            "payment_intent.payment_failed",
            gateway.payment_intent_object(
                intent_id=intent,
                order_number=order.number,
                amount=order.total,
                currency=order.currency,
            ),
        )
    else:
        paid = action == "pay"
        event = gateway.build_event(
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
    gateway.deliver(event)
    target = "success" if action == "pay" else "cancelled"
    return RedirectResponse(
        f"{settings.public_url}/checkout/{target}?order={order.number}", status_code=303
    )
