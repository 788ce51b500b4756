"""Checkout is the hot path: its SQL is counted, so a change that adds round trips (an ORM
flush per line, a refresh, an UPDATE after INSERT) fails here. The snapshots it writes
are checked in the same test."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import select

from shop_core.checkout.service import CheckoutIn, place_order
from shop_core.db import get_engine, read_session, unit_of_work
from shop_core.inventory import service as inventory
from shop_core.inventory.models import StockMovement
from shop_core.orders.models import Order, OrderEvent, OrderItem
from tests.integration.commerce_helpers import ADDRESS, add, make_product, new_cart


def _statements_during(work) -> list[str]:
    seen: list[str] = []

    def count(conn, cursor, statement, params, context, executemany):
        head = statement.lstrip().split(None, 1)[0].upper()
        if head not in ("BEGIN", "PRAGMA"):  # SQLite transaction control
            seen.append(statement.lstrip()[:60])

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_checkout_costs_a_fixed_number_of_statements(api, owner_headers):
    skus = [
        make_product(api, owner_headers, stock=10, price=price, title=f"Tee {price}")["variants"][
            0
        ]["sku"]
        for price in (1500, 2500, 3500)
    ]
    cart_id = new_cart(api)
    for quantity, sku in enumerate(skus, start=1):
        assert add(api, cart_id, sku, quantity).status_code == 201
    result = {}

    def work():
        with unit_of_work() as session:
            result["out"] = place_order(
                session,
                CheckoutIn(cart_id=cart_id, email="Stat@Example.com", shipping_address=ADDRESS),
                user_id=None,
            )

    statements = _statements_during(work)
    # claim the cart, read its lines, one guarded UPDATE per variant, then one INSERT each
    # for the ledger rows, the order, its lines and its timeline entry.
    assert len(statements) == 2 + len(skus) + 4, statements
    assert sum(s.upper().startswith("UPDATE INVENTORY_ITEMS") for s in statements) == 3
    out = result["out"]
    assert out.subtotal == 1500 + 2 * 2500 + 3 * 3500 and out.payment.provider == "test"
    with read_session() as session:
        order = session.exec(select(Order).where(Order.number == out.order_number)).one()
        assert order.email == "stat@example.com" and order.total == out.total
        assert order.payment_session_id == out.payment.session_id
        assert order.status == "pending_payment" and order.expires_at > order.created_at
        items = session.exec(select(OrderItem).where(OrderItem.order_id == order.id)).all()
        assert sorted((i.sku, i.quantity, i.line_total) for i in items) == sorted(
            [(skus[0], 1, 1500), (skus[1], 2, 5000), (skus[2], 3, 10500)]
        )
        moves = session.exec(
            select(StockMovement).where(StockMovement.reference == out.order_number)
        ).all()
        assert sorted((m.kind, m.reserved_delta) for m in moves) == [
            ("reserve", 1),
            ("reserve", 2),
            ("reserve", 3),
        ]
        events = session.exec(select(OrderEvent).where(OrderEvent.order_id == order.id)).all()
        assert [e.kind for e in events] == ["placed"]
        assert inventory.stock_level(session, sku=skus[2]).available == 7
        assert inventory.reconcile(session) == []
    # the cart is spent: a second checkout of it is a clean 404
    again = api.post(
        "/api/v1/checkout",
        json={"cart_id": cart_id, "email": "stat@example.com", "shipping_address": ADDRESS},
    )
    assert again.status_code == 404 and again.json()["error"]["code"] == "cart_not_found"
