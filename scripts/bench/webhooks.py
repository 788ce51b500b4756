"""1,000 webhook deliveries with 30 % duplicates in shuffled order, from 8 threads,
against the configured database: every order ends in the right state, each effect once.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench python scripts/bench/webhooks.py
"""

from __future__ import annotations

import json
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import func, select  # noqa: E402

from shop_core.api.app import create_api  # noqa: E402
from shop_core.cart import service as carts  # noqa: E402
from shop_core.catalog import products  # noqa: E402
from shop_core.catalog.schemas import ProductIn  # noqa: E402
from shop_core.checkout.service import CheckoutIn, place_order  # noqa: E402
from shop_core.db import read_session, unit_of_work  # noqa: E402
from shop_core.email.models import EmailMessage  # noqa: E402
from shop_core.inventory import service as inventory  # noqa: E402
from shop_core.inventory.models import StockMovement  # noqa: E402
from shop_core.migrations import upgrade  # noqa: E402
from shop_core.orders.models import Order  # noqa: E402
from shop_core.payments import gateway  # noqa: E402
from shop_core.settings import get_settings  # noqa: E402

ORDERS = 700
ADDRESS = {
    "name": "Bench",
    "line1": "1 Main St",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


def main() -> None:
    upgrade()
    tag = f"WH{int(time.time())}"
    with unit_of_work() as session:
        products.create_product(
            session,
            ProductIn(
                title=f"Webhook bench {tag}",
                status="active",
                variants=[{"sku": f"{tag}-1", "price": 1000, "stock": ORDERS}],
            ),
        )
    placed = []
    for _ in range(ORDERS):
        with unit_of_work() as session:
            cart = carts.create_cart(session, user_id=None)
            carts.add_item(session, cart.id, sku=f"{tag}-1", quantity=1, user_id=None)
            placed.append(
                place_order(
                    session,
                    CheckoutIn(cart_id=cart.id, email="wh@example.com", shipping_address=ADDRESS),
                    user_id=None,
                )
            )
    rng = random.Random(7)
    expected, events = {}, []
    for order in placed:
        obj = dict(
            session_id=order.payment.session_id,
            order_number=order.order_number,
            amount_total=order.total,
            currency=order.currency,
            payment_intent=f"pi_{order.order_number}",
        )
        fate = rng.choice(["paid", "paid", "expired", "failed"])
        expected[order.order_number] = {
            "paid": "paid",
            "expired": "expired",
            "failed": "payment_failed",
        }[fate]
        if fate == "paid":
            events.append(
                gateway.build_event(
                    "checkout.session.completed",
                    gateway.session_object(**obj, status="complete", payment_status="paid"),
                )
            )
            # a stale expiry arriving late must never un-pay it
            events.append(
                gateway.build_event(
                    "checkout.session.expired",
                    gateway.session_object(
                        **{**obj, "payment_intent": None}, status="expired", payment_status="unpaid"
                    ),
                )
            )
        elif fate == "expired":
            events.append(
                gateway.build_event(
                    "checkout.session.expired",
                    gateway.session_object(
                        **{**obj, "payment_intent": None}, status="expired", payment_status="unpaid"
                    ),
                )
            )
        else:
            events.append(
                gateway.build_event(
                    "payment_intent.payment_failed",
                    gateway.payment_intent_object(
                        intent_id=f"pi_{order.order_number}",
                        order_number=order.order_number,
                        amount=order.total,
                        currency=order.currency,
                    ),
                )
            )
    deliveries = events[: 1000 - int(1000 * 0.3)] if len(events) > 700 else events
    deliveries = deliveries + [rng.choice(deliveries) for _ in range(1000 - len(deliveries))]
    rng.shuffle(deliveries)
    secret = get_settings().webhook_secret
    client = TestClient(create_api())

    def deliver(event: dict) -> int:
        payload = json.dumps(event)
        return client.post(
            gateway.WEBHOOK_PATH,
            content=payload,
            headers={"Stripe-Signature": gateway.sign_payload(payload, secret)},
        ).status_code

    began = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(deliver, deliveries))
    elapsed = time.perf_counter() - began
    delivered_orders = {e["data"]["object"]["metadata"]["order_number"] for e in deliveries}
    # What each order must end as, given the events that were actually delivered.
    kinds: dict[str, set[str]] = {}
    for e in deliveries:
        kinds.setdefault(e["data"]["object"]["metadata"]["order_number"], set()).add(e["type"])
    for number, seen in kinds.items():
        if "checkout.session.completed" in seen:
            expected[number] = "paid"
        elif "checkout.session.expired" in seen:
            expected[number] = "expired"
        else:
            expected[number] = "payment_failed"
    with read_session() as session:
        rows = dict(
            session.exec(
                select(Order.number, Order.status).where(Order.number.in_(list(delivered_orders)))
            ).all()
        )
        wrong = {n: (rows[n], expected[n]) for n in delivered_orders if rows[n] != expected[n]}
        sales = session.exec(
            select(func.count())
            .select_from(StockMovement)
            .where(
                StockMovement.kind == "sale", StockMovement.reference.in_(list(delivered_orders))
            )
        ).one()
        drift = inventory.reconcile(session)
        # Each effect exactly once, order by order: one sale per paid order, no sale for
        # the others, one confirmation email per paid order, one "payment failed" email
        # per failed order, and each reservation released at most once.
        numbers = list(delivered_orders)
        per_order_sales = dict(
            session.exec(
                select(StockMovement.reference, func.count())
                .where(StockMovement.kind == "sale", StockMovement.reference.in_(numbers))
                .group_by(StockMovement.reference)
            ).all()
        )
        releases = dict(
            session.exec(
                select(StockMovement.reference, func.count())
                .where(StockMovement.kind == "release", StockMovement.reference.in_(numbers))
                .group_by(StockMovement.reference)
            ).all()
        )
        mails: dict[tuple[str, str], int] = {}
        for template, subject in session.exec(
            select(EmailMessage.template, EmailMessage.subject).where(
                EmailMessage.to_address == "wh@example.com",
                EmailMessage.template.in_(["order_confirmation", "payment_failed"]),
            )
        ).all():
            number = next((w for w in subject.split() if w.startswith("JN")), "")
            mails[(template, number)] = mails.get((template, number), 0) + 1
    effects_wrong = [
        n
        for n in delivered_orders
        if per_order_sales.get(n, 0) != (expected[n] == "paid")
        or mails.get(("order_confirmation", n), 0) != (expected[n] == "paid")
        or mails.get(("payment_failed", n), 0) != (expected[n] == "payment_failed")
        or releases.get(n, 0) > 1
    ]
    paid = sum(1 for n in delivered_orders if expected[n] == "paid")
    duplicates = len(deliveries) - len({e["id"] for e in deliveries})
    non_200 = sum(s != 200 for s in statuses)
    print(
        f"deliveries: {len(deliveries)} ({duplicates} duplicates), "
        f"{elapsed:.1f} s, {len(deliveries) / elapsed:.0f}/s; non-200: {non_200}"
    )
    print(
        f"orders: {len(delivered_orders)}; wrong final state: {len(wrong)}; "
        f"sale movements: {sales} for {paid} paid orders; ledger drift rows: {len(drift)}; "
        f"orders with an effect missing or repeated: {len(effects_wrong)}"
    )
    sys.exit(1 if wrong or sales != paid or drift or effects_wrong else 0)


if __name__ == "__main__":
    main()
