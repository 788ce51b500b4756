"""Order lifecycle after checkout: payment outcomes, shipments, refunds, cancellation,
expiry of unpaid reservations, notes, and reads for customers, guests and staff.

Every transition locks the order row first, so concurrent webhooks, admins and the
expiry job apply each effect (stock movements, emails) exactly once.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from shop_core.db import utcnow
from shop_core.email.service import queue_email
from shop_core.errors import Conflict, InvalidInput, NotFound
from shop_core.idempotency import run_once
from shop_core.inventory import service as inventory
from shop_core.inventory.service import MovementKind
from shop_core.jobs import enqueue_after_commit
from shop_core.money import format_money
from shop_core.orders import guards  # noqa: F401  (registers the snapshot guards)
from shop_core.orders.models import Order, OrderEvent, OrderItem, Refund, Shipment
from shop_core.orders.views import (
    OrderLine,
    OrderOut,
    OrderSummary,
    RefundOut,
    ShipmentOut,
    TimelineEntry,
    Totals,
)
from shop_core.pagination import Page, paginate
from shop_core.payments import gateway
from shop_core.settings import get_settings

PAID_STATES = {"paid", "shipped", "delivered", "partially_refunded", "refunded"}
OPEN_UNPAID = {"pending_payment"}
RELEASED_UNPAID = {"payment_failed", "expired", "cancelled"}
STATUSES = {
    "pending_payment",
    "paid",
    "shipped",
    "delivered",
    "cancelled",
    "payment_failed",
    "expired",
    "partially_refunded",
    "refunded",
}
CARRIER_TRACKING = {
    "dhl": "https://www.dhl.com/track?tracking-id={n}",
    "ups": "https://www.ups.com/track?tracknum={n}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={n}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{n}",
    "postnl": "https://jouw.postnl.nl/track-and-trace/{n}",
}


def log_event(
    session: Session,
    order: Order,
    kind: str,
    message: str,
    *,
    internal: bool = False,
    actor_id: int | None = None,
    data: dict | None = None,
) -> None:
    session.add(
        OrderEvent(
            order_id=order.id,
            kind=kind,
            message=message,
            internal=internal,
            actor_id=actor_id,
            data=data or {},
        )
    )


def lock_order(session: Session, number: str) -> Order:
    order = session.exec(select(Order).where(Order.number == number).with_for_update()).first()
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order


def _items(session: Session, order: Order) -> list[OrderItem]:
    return list(
        session.exec(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id))
    )


def _move_items(session: Session, order: Order, kind: MovementKind, reason: str) -> None:
    # Stable variant order: concurrent transactions lock inventory rows in the same order.
    items = sorted(_items(session, order), key=lambda i: i.variant_id or 0)
    inventory.record_movements(
        session,
        [(i.variant_id, kind, i.quantity) for i in items if i.variant_id is not None],
        reason=reason,
        reference=order.number,
    )


def release_reservation(session: Session, order: Order, *, status: str, reason: str) -> bool:
    """Unpaid order ends (expired, failed, cancelled): give its reserved stock back once."""
    if order.status not in OPEN_UNPAID:
        return False
    _move_items(session, order, MovementKind.RELEASE, reason)
    order.status = status
    session.add(order)
    log_event(session, order, status, reason)
    return True


def mark_paid(
    session: Session,
    order: Order,
    *,
    amount: int,
    currency: str,
    payment_intent_id: str | None,
) -> str:
    """Apply a completed payment; returns what happened (for the webhook log)."""
    if order.status in PAID_STATES:
        return "already paid"
    if amount != order.total or currency.upper() != order.currency:
        order.needs_attention = True
        session.add(order)
        log_event(
            session,
            order,
            "payment_mismatch",
            f"Payment of {format_money(amount, currency)} does not match the order total "
            f"{format_money(order.total, order.currency)}; the order was not marked paid.",
            data={"amount": amount, "currency": currency},
        )
        return "amount mismatch flagged"
    if order.status in OPEN_UNPAID:
        _move_items(session, order, MovementKind.SALE, "paid")
    else:
        # The reservation was already released (late payment after expiry or failure):
        # take the stock again if it is there, otherwise flag the order for a person.
        try:
            with session.begin_nested():
                _move_items(session, order, MovementKind.RESERVE, "late payment")
                _move_items(session, order, MovementKind.SALE, "late payment")
        except Conflict:
            order.needs_attention = True
            log_event(
                session,
                order,
                "stock_short",
                "Paid after the reservation was released and stock is short: restock or refund.",
                internal=True,
            )
    order.status = "paid"
    order.amount_paid = amount
    order.paid_at = utcnow()
    order.payment_intent_id = payment_intent_id or order.payment_intent_id
    session.add(order)
    log_event(session, order, "paid", f"Payment received: {format_money(amount, order.currency)}.")
    _email(session, order, "order_confirmation")
    from shop_core.orders import invoices

    enqueue_after_commit(session, invoices.generate_invoice_job, order.number, queue="reports")
    return "paid"


def record_provider_refund(session: Session, order: Order, *, refunded_total: int) -> str:
    """`charge.refunded` from the provider: catch up on refunds made outside this app."""
    if refunded_total <= order.amount_refunded:
        return "refund already recorded"
    extra = refunded_total - order.amount_refunded
    session.add(Refund(order_id=order.id, amount=extra, reason="Refunded at the payment provider"))
    _apply_refund_totals(session, order, extra)
    log_event(
        session,
        order,
        "refunded",
        f"Refund of {format_money(extra, order.currency)} recorded from the provider.",
    )
    return "refund recorded"


def _apply_refund_totals(session: Session, order: Order, amount: int) -> None:
    order.amount_refunded += amount
    if order.amount_refunded >= order.amount_paid:
        order.status = "refunded"
    elif order.status in ("paid", "shipped", "delivered"):
        order.status = "partially_refunded"
    session.add(order)


def _email(session: Session, order: Order, template: str, **extra) -> None:
    settings = get_settings()
    context = {
        "order": order_view(session, order, internal=False).model_dump(mode="json"),
        "order_url": f"{settings.public_url}/orders/{order.number}?email={order.email}",
        **extra,
    }
    if template == "order_confirmation" and order.user_id is None:
        context["register_url"] = _guest_invitation(session, order)
    queue_email(session, to=order.email, template=template, context=context)


def _guest_invitation(session: Session, order: Order) -> str:
    """A single-use invitation for a guest, so registering claims their orders."""
    from shop_core.audit.service import Actor
    from shop_core.invitations.service import create_invitations

    code = create_invitations(session, actor=Actor(id=None, email="checkout"), count=1)[0].code
    return f"{get_settings().public_url}/register?code={code}&email={order.email}"


# --- staff actions --------------------------------------------------------------------------


def add_shipment(
    session: Session,
    number: str,
    *,
    carrier: str,
    tracking_number: str,
    actor_id: int | None,
    tracking_url: str | None = None,
) -> Shipment:
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise InvalidInput(
            "Carrier and tracking number are required.",
            fields={
                k: "Required."
                for k, v in (("carrier", carrier), ("tracking_number", tracking_number))
                if not v
            },
        )
    order = lock_order(session, number)
    if order.status not in ("paid", "shipped", "partially_refunded"):
        raise Conflict(
            f"An order that is {order.status.replace('_', ' ')} cannot be shipped.",
            code="invalid_order_state",
        )
    template = CARRIER_TRACKING.get(carrier.lower())
    shipment = Shipment(
        order_id=order.id,
        carrier=carrier,
        tracking_number=tracking_number,
        tracking_url=tracking_url or (template.format(n=tracking_number) if template else None),
    )
    session.add(shipment)
    if order.status == "paid":
        order.status = "shipped"
    session.add(order)
    log_event(
        session,
        order,
        "shipped",
        f"Shipped with {carrier}, tracking {tracking_number}.",
        actor_id=actor_id,
    )
    session.flush()
    _email(
        session,
        order,
        "order_shipped",
        shipment={
            "carrier": carrier,
            "tracking_number": tracking_number,
            "tracking_url": shipment.tracking_url,
        },
    )
    return shipment


def mark_delivered(session: Session, number: str, *, actor_id: int | None) -> None:
    order = lock_order(session, number)
    if order.status != "shipped":
        raise Conflict("Only shipped orders can be marked delivered.", code="invalid_order_state")
    order.status = "delivered"
    for shipment in session.exec(
        select(Shipment).where(Shipment.order_id == order.id, Shipment.delivered_at.is_(None))
    ):
        shipment.delivered_at = utcnow()
        session.add(shipment)
    session.add(order)
    log_event(session, order, "delivered", "Delivered.", actor_id=actor_id)


def refund(
    session: Session,
    number: str,
    *,
    amount: int,
    reason: str,
    idempotency_key: str,
    actor_id: int | None,
    restock: list[tuple[str, int]] | None = None,
) -> RefundOut:
    """Refund part or all of what was paid, optionally returning items to stock."""
    if amount <= 0:
        raise InvalidInput("Refund amount must be positive.", fields={"amount": "Above zero."})
    order = lock_order(session, number)
    if order.status not in PAID_STATES:
        raise Conflict("Only paid orders can be refunded.", code="invalid_order_state")
    refundable = order.amount_paid - order.amount_refunded
    if amount > refundable:
        raise Conflict(
            f"At most {format_money(refundable, order.currency)} can still be refunded.",
            code="refund_exceeds_paid",
            fields={"amount": f"At most {refundable}."},
        )
    restocked = _restock(session, order, restock or [], reason="refund")
    provider_id = gateway.create_refund(
        provider=order.payment_provider,
        payment_intent_id=order.payment_intent_id,
        amount=amount,
        idempotency_key=idempotency_key,
    )
    row = Refund(
        order_id=order.id,
        amount=amount,
        reason=reason[:500],
        restocked=restocked,
        provider_refund_id=provider_id,
        actor_id=actor_id,
    )
    session.add(row)
    _apply_refund_totals(session, order, amount)
    log_event(
        session,
        order,
        "refunded",
        f"Refunded {format_money(amount, order.currency)}" + (f": {reason}" if reason else "."),
        actor_id=actor_id,
    )
    session.flush()
    _email(session, order, "refund_issued", refund={"amount": amount, "reason": reason})
    return RefundOut(
        amount=amount, reason=row.reason, restocked=restocked, created_at=row.created_at
    )


def refund_once(
    number: str,
    *,
    amount: int,
    reason: str = "",
    restock: list[tuple[str, int]] | None = None,
    idempotency_key: str | None,
    actor_id: int | None,
) -> tuple[int, dict]:
    """A staff refund request (REST or admin page) in its own transaction, run at most once
    per `Idempotency-Key`: the same key and body replay the stored answer, another body
    is a 409. The provider gets the same key, so a retry never refunds twice there
    either; without a key each request is a new refund with a fresh provider key.
    Returns (status code, response body)."""
    lines = list(restock or [])
    body = {
        "amount": amount,
        "reason": reason,
        "restock": [{"sku": sku, "quantity": quantity} for sku, quantity in lines],
    }
    provider_key = idempotency_key or f"auto-{number}-{secrets.token_urlsafe(16)}"
    return run_once(
        f"refund:{number}",
        idempotency_key,
        body,
        lambda session: refund(
            session,
            number,
            amount=amount,
            reason=reason,
            idempotency_key=provider_key,
            actor_id=actor_id,
            restock=lines,
        ).model_dump(mode="json"),
    )


def _restock(session: Session, order: Order, lines: list[tuple[str, int]], *, reason: str) -> bool:
    if not lines:
        return False
    items = {i.sku.upper(): i for i in _items(session, order)}
    for sku, quantity in lines:
        item = items.get(sku.upper())
        if item is None or not 1 <= quantity <= item.quantity:
            raise InvalidInput(
                "Restock lines must name items of this order.",
                fields={"restock": f"{sku}: invalid."},
            )
        if item.variant_id is not None:
            inventory.record_movement(
                session,
                variant_id=item.variant_id,
                kind=MovementKind.RETURN,
                quantity=quantity,
                reason=reason,
                reference=order.number,
            )
    return True


def cancel(session: Session, number: str, *, reason: str, actor_id: int | None) -> str:
    """Cancel: an unpaid order releases its reservation; a paid, unshipped one returns
    its stock and is refunded in full."""
    order = lock_order(session, number)
    if order.status in OPEN_UNPAID:
        release_reservation(
            session, order, status="cancelled", reason=f"Cancelled: {reason}".strip()
        )
        return "cancelled"
    if order.status == "paid":
        _move_items(session, order, MovementKind.RETURN, "cancelled")
        refundable = order.amount_paid - order.amount_refunded
        if refundable > 0:
            provider_id = gateway.create_refund(
                provider=order.payment_provider,
                payment_intent_id=order.payment_intent_id,
                amount=refundable,
                idempotency_key=f"cancel-{order.number}",
            )
            session.add(
                Refund(
                    order_id=order.id,
                    amount=refundable,
                    reason="Order cancelled",
                    restocked=True,
                    provider_refund_id=provider_id,
                    actor_id=actor_id,
                )
            )
            order.amount_refunded += refundable
            _email(
                session,
                order,
                "refund_issued",
                refund={"amount": refundable, "reason": "Order cancelled"},
            )
        order.status = "cancelled"
        session.add(order)
        log_event(
            session,
            order,
            "cancelled",
            f"Cancelled and refunded: {reason}".strip(),
            actor_id=actor_id,
        )
        return "cancelled"
    raise Conflict(
        f"An order that is {order.status.replace('_', ' ')} cannot be cancelled.",
        code="invalid_order_state",
    )


def add_note(session: Session, number: str, *, message: str, actor_id: int | None) -> None:
    message = message.strip()
    if not message or len(message) > 5000:
        raise InvalidInput(
            "Write a note of up to 5000 characters.", fields={"message": "Required."}
        )
    order = lock_order(session, number)
    log_event(session, order, "note", message, internal=True, actor_id=actor_id)


def expire_unpaid(session: Session, *, now: datetime | None = None, limit: int = 200) -> int:
    """Release reservations of unpaid orders past their expiry (the scheduled job)."""
    now = now or utcnow()
    numbers = session.exec(
        select(Order.number)
        .where(Order.status == "pending_payment", Order.expires_at <= now)
        .order_by(Order.expires_at)
        .limit(limit)
    ).all()
    expired = 0
    for number in numbers:
        order = lock_order(session, number)
        if release_reservation(session, order, status="expired", reason="Payment window expired"):
            expired += 1
    return expired


def expire_unpaid_job() -> int:
    from shop_core.db import unit_of_work

    with unit_of_work() as session:
        return expire_unpaid(session)


# --- reads --------------------------------------------------------------------------------------


def order_view(session: Session, order: Order, *, internal: bool) -> OrderOut:
    items = _items(session, order)
    shipments = session.exec(
        select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id)
    ).all()
    events_stmt = (
        select(OrderEvent)
        .where(OrderEvent.order_id == order.id)
        .order_by(OrderEvent.created_at, OrderEvent.id)
    )
    if not internal:
        events_stmt = events_stmt.where(OrderEvent.internal.is_(False))
    events = session.exec(events_stmt).all()
    refunds = session.exec(
        select(Refund).where(Refund.order_id == order.id).order_by(Refund.id)
    ).all()
    return OrderOut(
        number=order.number,
        status=order.status,
        email=order.email,
        items=[
            OrderLine(
                sku=i.sku,
                title=i.product_title,
                variant_title=i.variant_title,
                option_values=i.option_values,
                image=i.image,
                unit_price=i.unit_price,
                quantity=i.quantity,
                line_total=i.line_total,
                product_id=i.product_id,
                variant_id=i.variant_id,
            )
            for i in items
        ],
        totals=Totals(
            subtotal=order.subtotal,
            discount_total=order.discount_total,
            shipping_total=order.shipping_total,
            tax_total=order.tax_total,
            total=order.total,
            amount_paid=order.amount_paid,
            amount_refunded=order.amount_refunded,
            currency=order.currency,
        ),
        total=order.total,
        currency=order.currency,
        shipping_method=order.shipping_method,
        shipping_address=order.shipping_address,
        shipments=[
            ShipmentOut(
                carrier=s.carrier,
                tracking_number=s.tracking_number,
                tracking_url=s.tracking_url,
                shipped_at=s.shipped_at,
                delivered_at=s.delivered_at,
            )
            for s in shipments
        ],
        timeline=[
            TimelineEntry(
                created_at=e.created_at, kind=e.kind, message=e.message, internal=e.internal
            )
            for e in events
        ],
        refunds=[
            RefundOut(
                amount=r.amount, reason=r.reason, restocked=r.restocked, created_at=r.created_at
            )
            for r in refunds
        ],
        created_at=order.created_at,
        paid_at=order.paid_at,
        payment_provider=order.payment_provider,
        needs_attention=order.needs_attention if internal else False,
        user_id=order.user_id if internal else None,
    )


def get_for_customer(
    session: Session, number: str, *, user_id: int | None, email: str | None
) -> OrderOut:
    """The owner (by account) or the guest who placed it (by email) — 404 for anyone else."""
    order = session.exec(select(Order).where(Order.number == number.strip().upper())).first()
    allowed = order is not None and (
        (user_id is not None and order.user_id == user_id)
        or (email is not None and email.strip().lower() == order.email)
    )
    if not allowed:
        raise NotFound("No such order.", code="order_not_found")
    return order_view(session, order, internal=False)


def get_for_staff(session: Session, number: str) -> OrderOut:
    order = session.exec(select(Order).where(Order.number == number.strip().upper())).first()
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order_view(session, order, internal=True)


def _summaries(session: Session, orders: list[Order]) -> list[OrderSummary]:
    ids = [o.id for o in orders]
    counts = (
        dict(
            session.exec(
                select(OrderItem.order_id, func.sum(OrderItem.quantity))
                .where(OrderItem.order_id.in_(ids))
                .group_by(OrderItem.order_id)
            ).all()
        )
        if ids
        else {}
    )
    return [
        OrderSummary(
            number=o.number,
            status=o.status,
            email=o.email,
            total=o.total,
            currency=o.currency,
            item_count=int(counts.get(o.id, 0)),
            created_at=o.created_at,
            needs_attention=o.needs_attention,
        )
        for o in orders
    ]


def list_for_user(
    session: Session, user_id: int, *, page: int = 1, per_page: int = 20
) -> Page[OrderSummary]:
    stmt = (
        select(Order)
        .where(Order.user_id == user_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    rows, total = paginate(session, stmt, page=page, per_page=per_page)
    return Page[OrderSummary](
        items=_summaries(session, rows), total=total, page=page, per_page=per_page
    )


def list_for_staff(
    session: Session,
    *,
    status: str | None = None,
    customer: str | None = None,
    q: str | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    needs_attention: bool | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page[OrderSummary]:
    stmt = select(Order).order_by(Order.created_at.desc(), Order.id.desc())
    if status:
        if status not in STATUSES:
            raise InvalidInput(
                "Unknown status.", fields={"status": "One of " + ", ".join(sorted(STATUSES))}
            )
        stmt = stmt.where(Order.status == status)
    if customer:
        if customer.isdigit():
            stmt = stmt.where(Order.user_id == int(customer))
        else:
            stmt = stmt.where(Order.email == customer.strip().lower())
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Order.number).like(like), Order.email.like(like)))
    if date_from:
        stmt = stmt.where(Order.created_at >= date_from)
    if date_to:
        stmt = stmt.where(Order.created_at < date_to)
    if needs_attention is not None:
        stmt = stmt.where(Order.needs_attention.is_(needs_attention))
    rows, total = paginate(session, stmt, page=page, per_page=per_page)
    return Page[OrderSummary](
        items=_summaries(session, rows), total=total, page=page, per_page=per_page
    )


def claim_guest_orders(session: Session, *, user_id: int, email: str) -> int:
    """A guest who registers with the email they ordered with gets those orders."""
    orders = session.exec(
        select(Order).where(Order.user_id.is_(None), Order.email == email.lower())
    ).all()
    for order in orders:
        order.user_id = user_id
        session.add(order)
        log_event(session, order, "claimed", "Linked to the customer's new account.")
    return len(orders)
