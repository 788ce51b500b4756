"""`shopctl seed --demo --orders N`: months of orders with seasonality, refunds, tickets and
a stock ledger with zero drift."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from shop_core import demo_catalog
from shop_core.accounts.models import User
from shop_core.cli import main
from shop_core.customers.models import CustomerTag
from shop_core.customers.segments import list_segments
from shop_core.customers.service import list_customers
from shop_core.db import read_session
from shop_core.demo_history import seed_history
from shop_core.inventory.models import InventoryItem, StockMovement
from shop_core.inventory.service import reconcile
from shop_core.orders.models import Order, OrderItem, Refund, Shipment
from shop_core.support.models import Ticket

ORDERS = 1500


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(demo_catalog, "_IMAGES_PER_SHAPE", 1)
    result = CliRunner().invoke(
        main, ["seed", "--demo", "--products", "30", "--orders", str(ORDERS)]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _scalar(session, stmt):
    return session.execute(stmt).scalar_one()


def test_history_keeps_ledger_money_and_snapshot_invariants(seeded):
    assert f"history: {ORDERS} orders" in seeded
    drift = CliRunner().invoke(main, ["reconcile"])
    assert drift.exit_code == 0 and "0 variant(s) drifted" in drift.output, drift.output
    with read_session() as s:
        assert reconcile(s) == []
        assert _scalar(s, select(func.count(Order.id))) == ORDERS
        items = _scalar(s, select(func.count(OrderItem.id)))
        assert items >= 2 * ORDERS
        # available stock never below zero, and some variants end up low for the dashboard
        assert _scalar(s, select(func.min(InventoryItem.on_hand - InventoryItem.reserved))) >= 0
        assert _scalar(s, select(func.max(InventoryItem.reserved))) == 0
        # every unit sold left the ledger: sales movements equal the paid orders' quantities
        sold = _scalar(
            s,
            select(func.sum(OrderItem.quantity))
            .join(Order, Order.id == OrderItem.order_id)
            .where(Order.paid_at.is_not(None)),
        )
        ledger_sold = _scalar(
            s, select(func.sum(StockMovement.on_hand_delta)).where(StockMovement.kind == "sale")
        )
        assert ledger_sold == -sold
        # integer money that adds up, order by order
        bad_totals = _scalar(
            s,
            select(func.count(Order.id)).where(
                Order.total
                != Order.subtotal - Order.discount_total + Order.shipping_total + Order.tax_total
            ),
        )
        assert bad_totals == 0
        line_sums = (
            select(OrderItem.order_id, func.sum(OrderItem.line_total).label("s"))
            .group_by(OrderItem.order_id)
            .subquery()
        )
        assert (
            _scalar(
                s,
                select(func.count(Order.id))
                .join(line_sums, line_sums.c.order_id == Order.id)
                .where(line_sums.c.s != Order.subtotal),
            )
            == 0
        )
        assert (
            _scalar(
                s,
                select(func.count(OrderItem.id)).where(
                    OrderItem.line_total != OrderItem.unit_price * OrderItem.quantity
                ),
            )
            == 0
        )
        assert (
            _scalar(
                s,
                select(func.count(OrderItem.id)).where(
                    (OrderItem.sku == "")
                    | (OrderItem.product_title == "")
                    | OrderItem.unit_cost.is_(None)
                ),
            )
            == 0
        )
        assert _scalar(s, select(func.count(Order.id)).where(Order.discount_total > 0)) > 0
        # refunds: recorded per order, partial and full
        refund_sums = (
            select(Refund.order_id, func.sum(Refund.amount).label("r"))
            .group_by(Refund.order_id)
            .subquery()
        )
        mismatched = _scalar(
            s,
            select(func.count(Order.id))
            .outerjoin(refund_sums, refund_sums.c.order_id == Order.id)
            .where(func.coalesce(refund_sums.c.r, 0) != Order.amount_refunded),
        )
        assert mismatched == 0
        statuses = dict(s.execute(select(Order.status, func.count()).group_by(Order.status)).all())
        for status in ("delivered", "shipped", "paid", "refunded", "partially_refunded"):
            assert statuses.get(status, 0) > 0, statuses
        assert sum(statuses.get(k, 0) for k in ("cancelled", "payment_failed", "expired")) > 0
        full = _scalar(
            s,
            select(func.count(Refund.id))
            .join(Order, Order.id == Refund.order_id)
            .where(Order.status == "refunded", Refund.amount == Order.total),
        )
        partial = _scalar(
            s,
            select(func.count(Refund.id))
            .join(Order, Order.id == Refund.order_id)
            .where(Order.status == "partially_refunded", Refund.amount < Order.total),
        )
        assert full == statuses["refunded"] and partial == statuses["partially_refunded"]
        # unpaid orders moved no stock and have no money
        assert (
            _scalar(
                s,
                select(func.count(Order.id)).where(Order.paid_at.is_(None), Order.amount_paid != 0),
            )
            == 0
        )
        shipped_without = _scalar(
            s,
            select(func.count(Order.id)).where(
                Order.status.in_(("shipped", "delivered")),
                ~select(Shipment.id).where(Shipment.order_id == Order.id).exists(),
            ),
        )
        assert shipped_without == 0
        # tickets opened and resolved over time
        tickets = dict(s.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all())
        assert tickets.get("open", 0) + tickets.get("in_progress", 0) > 0
        assert tickets.get("resolved", 0) + tickets.get("closed", 0) > 0
        assert (
            _scalar(s, select(func.count(Ticket.id)).where(Ticket.resolved_at < Ticket.created_at))
            == 0
        )
        # customers with tags, and the list shows their history
        assert _scalar(s, select(func.count(User.id)).where(User.role == "customer")) >= 200
        assert _scalar(s, select(func.count(CustomerTag.id))) > 0
        top = list_customers(s, sort="spent_desc", per_page=1).items[0]
        assert top.orders_count > 1 and top.total_spent > 0
        # saved demo segments with members
        demo_segments = list_segments(s).items
        assert {"Big spenders", "Lapsed customers", "VIP"} <= {g.name for g in demo_segments}
        assert all(g.member_count > 0 for g in demo_segments if g.name != "Recent regulars")
        # every order of a customer is dated after the customer signed up
        early = _scalar(
            s,
            select(func.count(Order.id))
            .join(User, User.id == Order.user_id)
            .where(Order.created_at < User.created_at),
        )
        assert early == 0


def test_history_has_seasonality_and_runs_once(seeded):
    with read_session() as s:
        stamps = list(s.execute(select(Order.created_at)).scalars())
    span_days = (max(stamps) - min(stamps)).days
    assert 330 <= span_days <= 370
    per_day = Counter(t.date() for t in stamps)
    by_month: Counter = Counter()
    days_in: Counter = Counter()
    for day in {
        min(stamps).date().fromordinal(o)
        for o in range(min(stamps).date().toordinal(), max(stamps).date().toordinal() + 1)
    }:
        days_in[day.month] += 1
        by_month[day.month] += per_day.get(day, 0)
    rate = {m: by_month[m] / days_in[m] for m in days_in}
    others = [rate[m] for m in rate if m not in (11, 12)]
    assert rate[12] > 1.3 * (sum(others) / len(others)), rate
    weekday = Counter(t.weekday() for t in stamps)
    assert weekday[5] + weekday[6] > 1.2 * (weekday[1] + weekday[2]), weekday
    again = list(seed_history(orders=ORDERS))
    assert again == ["history: demo orders already there, nothing added"]
    with read_session() as s:
        assert _scalar(s, select(func.count(Order.id))) == ORDERS
