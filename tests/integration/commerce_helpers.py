"""Builders for cart, checkout and webhook tests."""

from __future__ import annotations

import json

from shop_core.payments import gateway
from shop_core.settings import get_settings
from tests.integration.catalog_helpers import product_body

ADDRESS = {
    "name": "Gia Guest",
    "line1": "12 Rue des Fleurs",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}


def make_product(api, headers, *, stock=10, price=2000, variants=1, title="Test Tee") -> dict:
    body = product_body(title, variants=variants)
    for v in body["variants"]:
        v["stock"] = stock
        v["price"] = price
    response = api.post("/api/v1/admin/products", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def new_cart(api, headers=None) -> str:
    response = api.post("/api/v1/carts", headers=headers or {})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def add(api, cart_id, sku, quantity=1, headers=None):
    return api.post(
        f"/api/v1/carts/{cart_id}/items",
        json={"sku": sku, "quantity": quantity},
        headers=headers or {},
    )


def checkout(
    api, cart_id, *, email="gia@example.com", key=None, headers=None, address=None, **extra
):
    hdrs = dict(headers or {})
    if key:
        hdrs["Idempotency-Key"] = key
    body = {"cart_id": cart_id, "email": email, "shipping_address": address or ADDRESS, **extra}
    return api.post("/api/v1/checkout", json=body, headers=hdrs)


def send_event(api, event: dict, secret: str | None = None):
    payload = json.dumps(event)
    signature = gateway.sign_payload(payload, secret or get_settings().webhook_secret)
    return api.post(
        "/api/v1/payments/stripe/webhook",
        content=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )


def completed_event(placed: dict, *, amount=None, currency=None, event_id=None) -> dict:
    return gateway.build_event(
        "checkout.session.completed",
        gateway.session_object(
            session_id=placed["payment"]["session_id"],
            order_number=placed["order_number"],
            amount_total=placed["total"] if amount is None else amount,
            currency=currency or placed["currency"],
            status="complete",
            payment_status="paid",
            payment_intent=f"pi_{placed['order_number']}",
        ),
        event_id=event_id,
    )


def expired_event(placed: dict, *, event_id=None) -> dict:
    return gateway.build_event(
        "checkout.session.expired",
        gateway.session_object(
            session_id=placed["payment"]["session_id"],
            order_number=placed["order_number"],
            amount_total=placed["total"],
            currency=placed["currency"],
            status="expired",
            payment_status="unpaid",
            payment_intent=None,
        ),
        event_id=event_id,
    )


def failed_event(placed: dict, *, event_id=None) -> dict:
    return gateway.build_event(
        "payment_intent.payment_failed",
        gateway.payment_intent_object(
            intent_id=f"pi_{placed['order_number']}",
            order_number=placed["order_number"],
            amount=placed["total"],
            currency=placed["currency"],
        ),
        event_id=event_id,
    )


def refunded_event(placed: dict, amount_refunded: int, *, event_id=None) -> dict:
    return gateway.build_event(
        "charge.refunded",
        {
            "id": "ch_" + placed["order_number"],
            "object": "charge",
            "amount": placed["total"],
            "amount_refunded": amount_refunded,
            "currency": placed["currency"].lower(),
            "payment_intent": f"pi_{placed['order_number']}",
            "metadata": {"order_number": placed["order_number"]},
        },
        event_id=event_id,
    )


def stock(api, headers, sku) -> dict:
    response = api.get(f"/api/v1/admin/inventory/{sku}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()
