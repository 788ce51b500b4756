"""The Stripe webhook: verify the signature on the raw body, store each event once by id,
and apply it in one transaction with the order row locked.

Duplicates answer 200 with no effect. Order of arrival does not matter: a transition only
happens from the states it makes sense from (an `expired` after `completed` is a no-op).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import stripe
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shop_core.db import unit_of_work
from shop_core.errors import DomainError
from shop_core.orders import service as orders
from shop_core.orders.models import Order
from shop_core.payments.models import WebhookEvent
from shop_core.settings import get_settings

log = logging.getLogger("shop.payments.webhook")


class BadSignature(DomainError):
    status = 400
    code = "invalid_signature"


def verify(payload: bytes, signature: str | None) -> dict[str, Any]:
    if not signature:
        raise BadSignature("Missing Stripe-Signature header.")
    try:
        stripe.Webhook.construct_event(payload, signature, get_settings().webhook_secret)
    except stripe.SignatureVerificationError as exc:
        raise BadSignature("Signature verification failed.") from exc
    except ValueError as exc:
        raise BadSignature("Payload is not valid JSON.") from exc
    event = json.loads(payload)
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or "type" not in event:
        raise BadSignature("Not a Stripe event.")
    return event


def _find_order(session: Session, obj: dict[str, Any]) -> Order | None:
    number = (obj.get("metadata") or {}).get("order_number")
    stmt = None
    if obj.get("object") == "checkout.session" and obj.get("id"):
        stmt = select(Order.number).where(Order.payment_session_id == obj["id"])
    found = session.exec(stmt).first() if stmt is not None else None
    number = found or number
    if not number and obj.get("payment_intent"):
        number = session.exec(
            select(Order.number).where(Order.payment_intent_id == obj["payment_intent"])
        ).first()
    if not number:
        return None
    return session.exec(select(Order).where(Order.number == number).with_for_update()).first()


def _completed(session: Session, order: Order, obj: dict[str, Any]) -> str:
    if obj.get("payment_status") not in ("paid", "no_payment_required"):
        return "session completed but not paid yet"
    return orders.mark_paid(
        session,
        order,
        amount=int(obj.get("amount_total") or 0),
        currency=str(obj.get("currency") or ""),
        payment_intent_id=obj.get("payment_intent"),
    )


def _expired(session: Session, order: Order, obj: dict[str, Any]) -> str:
    done = orders.release_reservation(
        session, order, status="expired", reason="Checkout session expired"
    )
    return "expired" if done else f"ignored: order is {order.status}"


def _failed(session: Session, order: Order, obj: dict[str, Any]) -> str:
    done = orders.release_reservation(
        session, order, status="payment_failed", reason="Payment failed"
    )
    if done:
        orders._email(session, order, "payment_failed")
        return "payment failed"
    return f"ignored: order is {order.status}"


def _refunded(session: Session, order: Order, obj: dict[str, Any]) -> str:
    return orders.record_provider_refund(
        session, order, refunded_total=int(obj.get("amount_refunded") or 0)
    )


HANDLERS: dict[str, Callable[[Session, Order, dict[str, Any]], str]] = {
    "checkout.session.completed": _completed,
    "checkout.session.async_payment_succeeded": _completed,
    "checkout.session.expired": _expired,
    "payment_intent.payment_failed": _failed,
    "charge.refunded": _refunded,
}


def handle(payload: bytes, signature: str | None) -> str:
    """Process one delivery; returns the outcome recorded for the event."""
    event = verify(payload, signature)
    with unit_of_work() as session:
        row = WebhookEvent(id=event["id"], type=str(event["type"])[:80], payload=event)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()  # a duplicate id fails here, before any effect
        except IntegrityError:
            log.info("duplicate webhook event", extra={"event_id": event["id"]})
            return "duplicate"
        obj = (event.get("data") or {}).get("object") or {}
        handler = HANDLERS.get(event["type"])
        order = _find_order(session, obj) if handler else None
        if handler is None:
            row.outcome = "ignored: event type not handled"
        elif order is None:
            row.outcome = "ignored: no matching order"
        else:
            row.order_number = order.number
            row.outcome = handler(session, order, obj)[:200]
        session.add(row)
        outcome = row.outcome
    log.info(
        "webhook processed",
        extra={"event_id": event["id"], "type": event["type"], "outcome": outcome},
    )
    return outcome
