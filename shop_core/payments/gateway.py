"""Creating payment sessions and refunds: Stripe through its SDK when a secret key is set,
otherwise the built-in test gateway (a Stripe-like page served by this app that sends
Stripe-format, correctly signed events to our own webhook route)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from typing import Any

import httpx
import stripe
from pydantic import BaseModel

from shop_core.errors import DomainError
from shop_core.settings import get_settings

log = logging.getLogger("shop.payments")
WEBHOOK_PATH = "/api/v1/payments/stripe/webhook"
TEST_GATEWAY_PATH = "/api/v1/payments/test-gateway"


class PaymentSession(BaseModel):
    provider: str
    session_id: str
    checkout_url: str


class LineForPayment(BaseModel):
    name: str
    unit_amount: int
    quantity: int


class PaymentUnavailable(DomainError):
    status = 503
    code = "payment_provider_unavailable"


def create_session(
    *,
    order_number: str,
    email: str,
    currency: str,
    lines: list[LineForPayment],
    expires_at: int | None,
) -> PaymentSession:
    settings = get_settings()
    if not settings.uses_stripe:
        session_id = "cs_test_" + secrets.token_urlsafe(24)
        return PaymentSession(
            provider="test",
            session_id=session_id,
            checkout_url=f"{settings.backend_url}{TEST_GATEWAY_PATH}/{session_id}",
        )
    params: dict[str, Any] = {
        "mode": "payment",
        "customer_email": email,
        "line_items": [
            {
                "price_data": {
                    "currency": currency.lower(),
                    "product_data": {"name": line.name[:250]},
                    "unit_amount": line.unit_amount,
                },
                "quantity": line.quantity,
            }
            for line in lines
        ],
        "metadata": {"order_number": order_number},
        "payment_intent_data": {"metadata": {"order_number": order_number}},
        "success_url": f"{settings.public_url}/checkout/success?order={order_number}",
        "cancel_url": f"{settings.public_url}/checkout/cancelled?order={order_number}",
    }
    if expires_at is not None:
        params["expires_at"] = expires_at
    try:
        session = stripe.checkout.Session.create(
            api_key=settings.stripe_secret_key,
            idempotency_key=f"checkout-session-{order_number}",
            **params,
        )
    except stripe.StripeError as exc:
        log.warning(
            "stripe session failed", extra={"order": order_number, "error": type(exc).__name__}
        )
        raise PaymentUnavailable(
            "The payment provider is not reachable. Please try again."
        ) from exc
    return PaymentSession(provider="stripe", session_id=session.id, checkout_url=session.url)


def create_refund(
    *, provider: str, payment_intent_id: str | None, amount: int, idempotency_key: str
) -> str:
    """Refund through the provider; returns the provider's refund id."""
    settings = get_settings()
    if provider != "stripe":
        return "re_test_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
    try:
        refund = stripe.Refund.create(
            api_key=settings.stripe_secret_key,
            payment_intent=payment_intent_id,
            amount=amount,
            idempotency_key=f"refund-{idempotency_key}",
        )
    except stripe.StripeError as exc:
        raise PaymentUnavailable("The refund could not be sent to the payment provider.") from exc
    return refund.id


# --- the test gateway's event side ---------------------------------------------------------


def sign_payload(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header value, computed exactly as Stripe documents it."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def build_event(
    event_type: str, obj: dict[str, Any], *, event_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": event_id or "evt_test_" + secrets.token_urlsafe(18),
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }


def session_object(
    *,
    session_id: str,
    order_number: str,
    amount_total: int,
    currency: str,
    status: str,
    payment_status: str,
    payment_intent: str | None,
) -> dict[str, Any]:
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_total": amount_total,
        "currency": currency.lower(),
        "metadata": {"order_number": order_number},
        "mode": "payment",
        "payment_intent": payment_intent,
        "payment_status": payment_status,
        "status": status,
    }


def payment_intent_object(
    *, intent_id: str, order_number: str, amount: int, currency: str
) -> dict[str, Any]:
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "currency": currency.lower(),
        "metadata": {"order_number": order_number},
        "status": "requires_payment_method",
        "last_payment_error": {"code": "card_declined", "message": "Your card was declined."},
    }


def deliver(event: dict[str, Any]) -> int:
    """POST a signed event to our own webhook route, as Stripe would."""
    settings = get_settings()
    payload = json.dumps(event)
    response = httpx.post(
        f"{settings.backend_url}{WEBHOOK_PATH}",
        content=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign_payload(payload, settings.webhook_secret),
        },
        timeout=30,
    )
    return response.status_code
