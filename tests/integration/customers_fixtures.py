"""Hand-made customers, orders, tickets and categories for the customer and segment tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shop_core.accounts.models import User
from shop_core.accounts.service import UserView, to_view
from shop_core.catalog.models import Category, Product, ProductCategory
from shop_core.db import unit_of_work, utcnow
from shop_core.orders.models import Address, Order, OrderItem
from shop_core.support.models import Ticket

NOW = utcnow()


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


_seq = iter(range(1, 10**6))


def user(session, email: str, name: str, role: str = "customer", created: float = 100) -> User:
    u = User(email=email, name=name, role=role, password_hash="x", created_at=days_ago(created))
    session.add(u)
    session.flush()
    return u


def order(
    session,
    u: User | None,
    *,
    status: str,
    total: int,
    refunded: int = 0,
    at: float = 1,
    items: list[tuple[int | None, int, int]] = (),
) -> Order:
    """An order `at` days ago; items are (product_id, quantity, unit_price)."""
    n = next(_seq)
    o = Order(
        number=f"T-{n:06d}",
        user_id=u.id if u else None,
        email=u.email if u else "guest@example.com",
        status=status,
        currency="EUR",
        subtotal=total,
        total=total,
        amount_paid=total if status not in ("pending_payment", "expired") else 0,
        amount_refunded=refunded,
        shipping_method="standard",
        shipping_address={"name": "X", "line1": "1 St", "city": "C", "postal_code": "1"},
        payment_provider="test",
        created_at=days_ago(at),
        paid_at=days_ago(at),
    )
    session.add(o)
    session.flush()
    for product_id, qty, price in items:
        session.add(
            OrderItem(
                order_id=o.id,
                product_id=product_id,
                product_title="P",
                sku=f"SKU-{n}-{product_id}",
                unit_price=price,
                unit_cost=price // 2,
                quantity=qty,
                line_total=qty * price,
            )
        )
    session.flush()
    return o


@dataclass
class World:
    ava: int
    noah: int
    zoe: int
    liam: int
    staff_with_orders: int
    owner: UserView
    support: UserView
    marketer: UserView
    operations: UserView
    clothing: int  # parent category
    tees: int  # child of clothing
    mugs: int  # unrelated category


def build_world() -> World:
    """
    ava:  paid 10000 (40d ago, tees x2), partially_refunded 5000 refunded 2000 (5d ago, mug),
          cancelled 9999, pending 7777 -> 2 sales orders, net 13000, last sale 5d ago; tags vip
    noah: delivered 3000 (200d ago, clothing) -> 1 order, 3000, last 200d; tags vip, wholesale
    zoe:  no orders, tag newsletter
    liam: refunded 4000 fully (10d ago) -> 1 order, net 0
    staff (operations) with a paid order: never listed as a customer
    """
    with unit_of_work() as s:
        clothing = Category(name="Clothing", slug="clothing", path="/")
        s.add(clothing)
        s.flush()
        tees = Category(name="Tees", slug="tees", parent_id=clothing.id, path=f"/{clothing.id}/")
        mugs = Category(name="Mugs", slug="mugs", path="/")
        s.add_all([tees, mugs])
        s.flush()
        products = {}
        for key, cat in (("tee", tees), ("jacket", clothing), ("mug", mugs)):
            p = Product(title=key, slug=key, status="active")
            s.add(p)
            s.flush()
            s.add(ProductCategory(product_id=p.id, category_id=cat.id))
            products[key] = p.id
        ava = user(s, "ava@example.com", "Ava Lindqvist", created=300)
        noah = user(s, "noah@example.com", "Noah Brennan", created=250)
        zoe = user(s, "zoe@example.org", "Zoë Moreau", created=10)
        liam = user(s, "liam@example.com", "Liam Okafor", created=50)
        owner = user(s, "owner@shop.test", "Olivia Owner", role="owner")
        support = user(s, "support@shop.test", "Sam Support", role="support_technician")
        marketer = user(s, "mia@shop.test", "Mia Marketer", role="marketer")
        ops = user(s, "ops@shop.test", "Oscar Ops", role="operations")
        order(s, ava, status="paid", total=10000, at=40, items=[(products["tee"], 2, 5000)])
        order(
            s,
            ava,
            status="partially_refunded",
            total=5000,
            refunded=2000,
            at=5,
            items=[(products["mug"], 1, 5000)],
        )
        order(s, ava, status="cancelled", total=9999, at=3)
        order(s, ava, status="pending_payment", total=7777, at=1)
        order(
            s, noah, status="delivered", total=3000, at=200, items=[(products["jacket"], 1, 3000)]
        )
        order(s, liam, status="refunded", total=4000, refunded=4000, at=10)
        order(s, ops, status="paid", total=1234, at=2)
        order(s, None, status="paid", total=999, at=2)
        s.add(
            Address(
                user_id=ava.id,
                name="Ava L",
                line1="1 Main St",
                city="Oslo",
                postal_code="0150",
                country="NO",
                is_default=True,
            )
        )
        for i, (status, resolved) in enumerate((("open", None), ("resolved", days_ago(1)))):
            s.add(
                Ticket(
                    number=f"TK-{i}",
                    subject=f"Question {i}",
                    category="order",
                    description="Where is it?",
                    user_id=ava.id,
                    contact_email=ava.email,
                    contact_name=ava.name,
                    status=status,
                    created_at=days_ago(3 - i),
                    updated_at=days_ago(3 - i),
                    resolved_at=resolved,
                    due_at=days_ago(-1),
                )
            )
        s.flush()
        from shop_core.customers.models import CustomerTag

        for u, tag in ((ava, "vip"), (noah, "vip"), (noah, "wholesale"), (zoe, "newsletter")):
            s.add(CustomerTag(user_id=u.id, tag=tag))
        return World(
            ava=ava.id,
            noah=noah.id,
            zoe=zoe.id,
            liam=liam.id,
            staff_with_orders=ops.id,
            owner=to_view(owner),
            support=to_view(support),
            marketer=to_view(marketer),
            operations=to_view(ops),
            clothing=clothing.id,
            tees=tees.id,
            mugs=mugs.id,
        )
