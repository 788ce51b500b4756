"""A tiny, hand-computed shop history for the analytics tests.

Current period: 2026-03-01 .. 2026-03-10 (10 days); previous: 2026-02-19 .. 2026-02-28.

Products (variant price / cost): Alpha Tee A1 2000/800 in Tops and Sale; Beta Mug B1
1000/300 in Home; Dusty Cap D1 500/no cost (active); Old Hat C1 (archived).
Stock: A1 3 on hand (threshold 5: low), B1 50, D1 10, C1 0 (archived: ignored).

Sales (paid_at):
  O1 alice 03-02 10:00 paid:  A1×2 = 4000, discount 400, shipping 495, tax 288 -> 4383
  O2 bob   03-02 15:00 partially_refunded: A1×1 2000 + B1×2 2000, tax 320 -> 4320,
           refund 1000 on 03-04
  O3 carol 03-05 12:00 shipped: B1×1 1000 (no cost snapshot), discount 100, shipping
           495, tax 72 -> 1467
  P1 bob   02-25 09:00 partially_refunded: A1×1 2000, tax 160 -> 2160, refund 500 on 03-03
Not sales: O4 alice 03-06 pending_payment, O5 bob 03-07 cancelled.
Customers created: alice 03-02, carol 03-05 (current), bob 02-20 (previous).
Tickets: T1 02-22 resolved 03-03; T2 03-04 open; T3 03-06 resolved 03-08; T4 02-26 open.
"""

from __future__ import annotations

from datetime import UTC, datetime

from shop_core.accounts.models import User
from shop_core.catalog.models import Category, Product, ProductCategory, Variant
from shop_core.db import unit_of_work
from shop_core.inventory.models import InventoryItem
from shop_core.orders.models import Order, OrderItem, Refund
from shop_core.support.models import Ticket


def at(day: str, hm: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=UTC)


_ADDRESS = {"name": "X", "line1": "1 Road", "city": "Town", "postal_code": "1000", "country": "NL"}


def add_order(
    session,
    number: str,
    email: str,
    *,
    user_id: int | None,
    status: str,
    created: datetime,
    paid: datetime | None,
    lines: list[tuple[Variant, int, int | None]],
    discount: int = 0,
    shipping: int = 0,
    tax: int = 0,
    refunded: int = 0,
) -> Order:
    subtotal = sum(v.price * q for v, q, _ in lines)
    total = subtotal - discount + shipping + tax
    order = Order(
        number=number,
        user_id=user_id,
        email=email,
        status=status,
        currency="EUR",
        subtotal=subtotal,
        discount_total=discount,
        shipping_total=shipping,
        tax_total=tax,
        total=total,
        amount_paid=total if paid else 0,
        amount_refunded=refunded,
        shipping_method="standard",
        shipping_address=_ADDRESS,
        payment_provider="test",
        created_at=created,
        paid_at=paid,
    )
    session.add(order)
    session.flush()
    for variant, quantity, cost in lines:
        session.add(
            OrderItem(
                order_id=order.id,
                variant_id=variant.id,
                product_id=variant.product_id,
                product_title=_titles[variant.product_id],
                sku=variant.sku,
                unit_price=variant.price,
                unit_cost=cost,
                quantity=quantity,
                line_total=variant.price * quantity,
            )
        )
    return order


_titles: dict[int, str] = {}


def _product(session, title: str, status: str, categories: list[Category]) -> Product:
    now = at("2026-01-01")
    product = Product(
        title=title,
        slug=title.lower().replace(" ", "-"),
        status=status,
        created_at=now,
        updated_at=now,
    )
    session.add(product)
    session.flush()
    _titles[product.id] = title
    for category in categories:
        session.add(ProductCategory(product_id=product.id, category_id=category.id))
    return product


def _variant(session, product: Product, sku: str, price: int, cost: int | None, on_hand: int):
    variant = Variant(product_id=product.id, sku=sku, price=price, cost_price=cost)
    session.add(variant)
    session.flush()
    session.add(
        InventoryItem(
            variant_id=variant.id,
            on_hand=on_hand,
            reserved=0,
            low_stock_threshold=5,
            updated_at=at("2026-01-01"),
        )
    )
    return variant


def _user(session, email: str, name: str, created: datetime, role: str = "customer") -> User:
    user = User(email=email, name=name, role=role, password_hash="x", created_at=created)
    session.add(user)
    session.flush()
    return user


def _ticket(session, number: str, created: datetime, resolved: datetime | None) -> None:
    session.add(
        Ticket(
            number=number,
            subject="Help",
            category="order",
            description="Where is my parcel?",
            contact_email="someone@example.com",
            contact_name="Someone",
            status="resolved" if resolved else "open",
            created_at=created,
            updated_at=resolved or created,
            resolved_at=resolved,
            due_at=created,
        )
    )


def build_shop() -> dict[str, int]:
    """Create the history described in the module docstring; returns a few ids."""
    with unit_of_work() as s:
        tops = Category(name="Tops", slug="tops", path="/")
        sale = Category(name="Sale", slug="sale", path="/")
        home = Category(name="Home", slug="home", path="/")
        s.add_all([tops, sale, home])
        s.flush()
        alpha = _product(s, "Alpha Tee", "active", [tops, sale])
        beta = _product(s, "Beta Mug", "active", [home])
        dusty = _product(s, "Dusty Cap", "active", [])
        old = _product(s, "Old Hat", "archived", [])
        a1 = _variant(s, alpha, "A1", 2000, 800, 3)
        b1 = _variant(s, beta, "B1", 1000, 300, 50)
        _variant(s, dusty, "D1", 500, None, 10)
        _variant(s, old, "C1", 700, 100, 0)

        alice = _user(s, "alice@example.com", "Alice", at("2026-03-02", "08:00"))
        bob = _user(s, "bob@example.com", "Bob", at("2026-02-20"))
        carol = _user(s, "carol@example.com", "Carol", at("2026-03-05", "08:00"))

        add_order(
            s, "O1", alice.email, user_id=alice.id, status="paid",
            created=at("2026-03-02", "09:55"), paid=at("2026-03-02", "10:00"),
            lines=[(a1, 2, 800)], discount=400, shipping=495, tax=288,
        )  # fmt: skip
        o2 = add_order(
            s, "O2", bob.email, user_id=bob.id, status="partially_refunded",
            created=at("2026-03-02", "14:55"), paid=at("2026-03-02", "15:00"),
            lines=[(a1, 1, 800), (b1, 2, 300)], tax=320, refunded=1000,
        )  # fmt: skip
        add_order(
            s, "O3", carol.email, user_id=carol.id, status="shipped",
            created=at("2026-03-05", "11:55"), paid=at("2026-03-05", "12:00"),
            lines=[(b1, 1, None)], discount=100, shipping=495, tax=72,
        )  # fmt: skip
        p1 = add_order(
            s, "P1", bob.email, user_id=bob.id, status="partially_refunded",
            created=at("2026-02-25", "08:55"), paid=at("2026-02-25", "09:00"),
            lines=[(a1, 1, 800)], tax=160, refunded=500,
        )  # fmt: skip
        add_order(
            s, "O4", alice.email, user_id=alice.id, status="pending_payment",
            created=at("2026-03-06"), paid=None, lines=[(b1, 1, 300)],
        )  # fmt: skip
        add_order(
            s, "O5", bob.email, user_id=bob.id, status="cancelled",
            created=at("2026-03-07"), paid=None, lines=[(a1, 1, 800)],
        )  # fmt: skip
        s.add(Refund(order_id=o2.id, amount=1000, created_at=at("2026-03-04")))
        s.add(Refund(order_id=p1.id, amount=500, created_at=at("2026-03-03")))

        _ticket(s, "T1", at("2026-02-22"), at("2026-03-03"))
        _ticket(s, "T2", at("2026-03-04"), None)
        _ticket(s, "T3", at("2026-03-06"), at("2026-03-08"))
        _ticket(s, "T4", at("2026-02-26"), None)
        return {
            "tops": tops.id,
            "sale": sale.id,
            "home": home.id,
            "alpha": alpha.id,
            "beta": beta.id,
        }
