"""Demo history: months of orders, refunds, shipments and support tickets with seasonality.

`seed_history(orders=N)` adds demo customers (with tags and an address each), then N
orders spread over the last `months` months with a weekly rhythm (busy weekends), a
November/December peak and gentle growth. Orders take the status their age allows
(recent ones paid or shipped, older ones delivered; some cancelled before payment, some
refunded in part or in full), with snapshot items (title, sku, unit price, cost).

Stock moves only through the ledger, and the read model follows in the same
transaction: before each chunk of orders, a `receive` movement restocks every variant
the chunk needs; each sold line is a `reserve` then a `sale`; restocked refunds are
`refund` movements; `inventory_items` gets the chunk's net change per variant. So
`shopctl reconcile` finds no drift.

Rows go in with Core executemany in chunks (one transaction per chunk) so 200,000 orders
load in minutes on PostgreSQL. Skipped when demo history is already there.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import JSON, bindparam, func, insert, select, text, update
from sqlmodel import Session

from shop_core.accounts.models import User
from shop_core.catalog.models import Category, Product, ProductImage, Variant
from shop_core.customers.models import CustomerTag
from shop_core.db import read_session, unit_of_work, utcnow
from shop_core.inventory.models import InventoryItem, StockMovement
from shop_core.orders.models import Address, Order, OrderItem, Refund, Shipment
from shop_core.settings import get_settings
from shop_core.support.models import Ticket, TicketMessage

CHUNK = 4000  # orders per transaction
ORDER_PREFIX = "DM"  # demo order numbers: DM0000001
TICKET_PREFIX = "DT"
CUSTOMER_DOMAIN = "customers.demo.example"

_FIRST = [
    "Ada",
    "Alba",
    "Amir",
    "Anna",
    "Ari",
    "Ben",
    "Bo",
    "Cleo",
    "Dara",
    "Eli",
    "Emil",
    "Esme",
    "Finn",
    "Freya",
    "Gus",
    "Hana",
    "Ines",
    "Iris",
    "Ivo",
    "Jade",
    "Jon",
    "Juno",
    "Kai",
    "Kira",
    "Lars",
    "Lea",
    "Leo",
    "Lina",
    "Luca",
    "Mara",
    "Max",
    "Mila",
    "Nia",
    "Nils",
    "Noor",
    "Olaf",
    "Otto",
    "Pia",
    "Quinn",
    "Rafa",
    "Rhea",
    "Rosa",
    "Sami",
    "Sara",
    "Sofia",
    "Tao",
    "Tess",
    "Theo",
    "Uma",
    "Vera",
    "Wim",
    "Yara",
    "Yusuf",
    "Zara",
    "Zeno",
]
_LAST = [
    "Andersen",
    "Bakker",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Ferreira",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Laine",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Novak",
    "Olsen",
    "Petit",
    "Quist",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Smit",
    "Tanaka",
    "Torres",
    "Varga",
    "Vidal",
    "Weber",
    "Wolff",
    "Young",
    "Zhou",
]
_CITIES = (
    ("Amsterdam", "NL", "1012"),
    ("Berlin", "DE", "10115"),
    ("Lyon", "FR", "69001"),
    ("Milan", "IT", "20121"),
    ("Lisbon", "PT", "1100"),
    ("Vienna", "AT", "1010"),
    ("Copenhagen", "DK", "1050"),
    ("Ghent", "BE", "9000"),
    ("Madrid", "ES", "28001"),
    ("Dublin", "IE", "D01"),
)
_STREETS = ("Linden", "Harbour", "Market", "Garden", "Mill", "Church", "Station", "Park")
_TAGS = (("newsletter", 0.35), ("vip", 0.06), ("wholesale", 0.03), ("gift-buyer", 0.1))
_CARRIERS = (("DHL", "https://www.dhl.com/track?tracking-id={n}"), ("PostNL", None))
_PROMOS = (("WELCOME10", 10), ("SEASON15", 15))
_TICKET_SUBJECTS = {
    "order_problem": ("Where is my parcel?", "Wrong size delivered", "Item arrived damaged"),
    "payment": ("Charged twice?", "Invoice needed for my order"),
    "product_question": ("Is this true to size?", "Is the mug dishwasher safe?"),
    "returns": ("How do I return an item?", "Refund not received yet"),
    "other": ("Gift wrapping", "Change my delivery address"),
}
# Monday..Sunday: weekends are busiest, midweek is quiet.
_WEEKDAY = (0.9, 0.85, 0.9, 1.0, 1.15, 1.35, 1.3)
# January..December: a summer dip, the November/December peak.
_MONTH = (0.8, 0.8, 0.9, 0.95, 1.0, 0.9, 0.85, 0.85, 1.0, 1.05, 1.4, 1.9)


@dataclass(frozen=True)
class _Variant:
    id: int
    product_id: int
    product_title: str
    variant_title: str
    sku: str
    option_values: dict
    image: str | None
    price: int
    cost: int | None


@dataclass
class _Customer:
    id: int
    email: str
    name: str
    created_at: datetime
    address: dict


def day_weights(start: datetime, days: int) -> list[float]:
    """Relative order volume for each day: weekday x month x growth over the period."""
    weights = []
    for d in range(days):
        day = start + timedelta(days=d)
        growth = 1.0 + 0.4 * d / max(days - 1, 1)
        weights.append(_WEEKDAY[day.weekday()] * _MONTH[day.month - 1] * growth)
    return weights


def _allocate_ids(session: Session, table, count: int) -> list[int]:
    """Primary keys for `count` new rows, taken up front so rows can go in without RETURNING."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": count},
        )
        return [r[0] for r in rows]
    top = session.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(top + 1, top + 1 + count))


def _executemany(session: Session, table, rows: list[dict]) -> None:
    """Bulk insert: COPY on PostgreSQL (psycopg 3), executemany elsewhere."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    json_cols = {c for c in columns if isinstance(table.c[c].type, JSON)}
    conn = session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with conn.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_cols else row[c] for c in columns])


def _load_variants(session: Session) -> list[_Variant]:
    rows = session.execute(
        select(
            Variant.id,
            Variant.product_id,
            Product.title,
            Variant.sku,
            Variant.option_values,
            Variant.price,
            Variant.cost_price,
        )
        .join(Product, Product.id == Variant.product_id)
        .where(Product.status == "active")
        .order_by(Variant.id)
    ).all()
    images: dict[int, str] = {}
    for product_id, url in session.execute(
        select(ProductImage.product_id, ProductImage.url).order_by(
            ProductImage.product_id, ProductImage.position.desc(), ProductImage.id.desc()
        )
    ):
        images[product_id] = url  # the last one written is the first by position
    out = []
    for vid, pid, title, sku, options, price, cost in rows:
        options = dict(options or {})
        out.append(
            _Variant(
                id=vid,
                product_id=pid,
                product_title=title,
                variant_title=" / ".join(str(v) for v in options.values()),
                sku=sku,
                option_values=options,
                image=images.get(pid),
                price=price,
                cost=cost,
            )
        )
    return out


def _make_customers(
    session: Session, rng: random.Random, count: int, start: datetime, now: datetime, pw: str
) -> list[_Customer]:
    existing = session.execute(
        select(func.count()).select_from(User).where(User.email.like(f"%@{CUSTOMER_DOMAIN}"))
    ).scalar_one()
    rows, addresses = [], []
    span = (now - start).total_seconds()
    for i in range(existing, existing + count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        # a third were customers before the period; the rest sign up during it
        if rng.random() < 0.35:
            created = start - timedelta(days=rng.uniform(1, 400))
        else:
            created = start + timedelta(seconds=rng.uniform(0, span))
        rows.append(
            {
                "email": f"{first.lower()}.{last.lower()}.{i + 1}@{CUSTOMER_DOMAIN}",
                "name": f"{first} {last}",
                "password_hash": pw,
                "role": "customer",
                "is_active": True,
                "created_at": created,
                "last_login_at": None,
            }
        )
    ids = _allocate_ids(session, User.__table__, len(rows))
    for uid, row in zip(ids, rows, strict=True):
        row["id"] = uid
    _executemany(session, User.__table__, rows)
    customers, tags = [], []
    for uid, row in zip(ids, rows, strict=True):
        city, country, postal = rng.choice(_CITIES)
        address = {
            "name": row["name"],
            "line1": f"{rng.randint(1, 180)} {rng.choice(_STREETS)} Street",
            "line2": None,
            "city": city,
            "region": None,
            "postal_code": postal,
            "country": country,
        }
        addresses.append({"user_id": uid, "is_default": True, **address})
        customers.append(_Customer(uid, row["email"], row["name"], row["created_at"], address))
        for tag, share in _TAGS:
            if rng.random() < share:
                tags.append({"user_id": uid, "tag": tag, "created_at": now})
    _executemany(session, Address.__table__, addresses)
    _executemany(session, CustomerTag.__table__, tags)
    return customers


def _pick_lines(rng: random.Random, variants: list[_Variant], cum: list[float]) -> list:
    n_lines = rng.choices((1, 2, 3, 4, 5), weights=(15, 22, 25, 22, 16))[0]
    total = cum[-1]
    chosen: dict[int, int] = {}
    for _ in range(n_lines):
        for _try in range(4):  # distinct lines; a repeat pick adds to the quantity
            idx = min(bisect.bisect_left(cum, rng.random() * total), len(variants) - 1)
            if idx not in chosen:
                break
        qty = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        chosen[idx] = chosen.get(idx, 0) + qty
    return [(variants[i], q) for i, q in chosen.items()]


def _status_for(rng: random.Random, age_days: float) -> str:
    r = rng.random()
    if r < 0.04:
        return rng.choice(("cancelled", "payment_failed", "expired"))
    if age_days < 2:
        return "paid"
    if age_days < 6:
        return "shipped" if r < 0.75 else "paid"
    if age_days < 12:
        return "delivered" if r < 0.6 else "shipped"
    if r < 0.07:
        return "refunded"
    if r < 0.12:
        return "partially_refunded"
    return "delivered"


def seed_history(
    *, orders: int = 3000, months: int = 12, customers: int | None = None, seed: int = 11
) -> Iterator[str]:
    """Add `orders` demo orders (and customers, refunds, shipments, tickets); yields progress."""
    started = time.perf_counter()
    if orders <= 0:
        yield "history: no orders requested"
        return
    with read_session() as session:
        done = session.execute(
            select(Order.id).where(Order.number.like(f"{ORDER_PREFIX}%")).limit(1)
        ).first()
        if done is not None:
            yield "history: demo orders already there, nothing added"
            return
        variants = _load_variants(session)
        demo_pw = session.execute(
            select(User.password_hash).where(User.role == "customer").limit(1)
        ).scalar()
    if not variants:
        yield "history: no active products to sell; seed the catalog first"
        return

    rng = random.Random(seed)
    settings = get_settings()
    now = utcnow().replace(microsecond=0)
    days = max(28, int(months * 30.4))
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0)
    n_customers = customers or max(200, min(orders // 6, 60_000))

    with unit_of_work() as session:
        pool = _make_customers(session, rng, n_customers, start, now, demo_pw or "!")
        # the five named demo customers shop too: make them customers of long standing
        session.execute(
            update(User)
            .where(User.role == "customer", User.email.like("%@example.com"))
            .values(created_at=start - timedelta(days=30))
        )
        named = session.execute(
            select(User.id, User.email, User.name, User.created_at).where(
                User.role == "customer", User.email.like("%@example.com")
            )
        ).all()
    for uid, email, name, created in named:
        city, country, postal = _CITIES[uid % len(_CITIES)]
        address = {"name": name, "line1": "1 Demo Street", "line2": None, "city": city}
        address |= {"region": None, "postal_code": postal, "country": country}
        pool.append(_Customer(uid, email, name, created, address))
    yield f"history: {len(pool)} customers ready ({time.perf_counter() - started:.1f}s)"

    # popularity: a long tail of variants, a few best sellers; some customers are regulars
    pop = [rng.paretovariate(1.5) for _ in variants]
    cum_variants = list(itertools.accumulate(pop))
    loyalty = [rng.paretovariate(1.6) for _ in pool]
    cum_customers = list(itertools.accumulate(loyalty))

    weights = day_weights(start, days)
    per_day = Counter(rng.choices(range(days), weights=weights, k=orders))
    with read_session() as session:
        stock = {
            vid: on_hand - reserved
            for vid, on_hand, reserved in session.execute(
                select(InventoryItem.variant_id, InventoryItem.on_hand, InventoryItem.reserved)
            )
        }

    seq = itertools.count(1)
    batch: list[dict] = []
    made = Counter()
    last_line = time.perf_counter()
    for d in range(days):
        day = start + timedelta(days=d)
        for _ in range(per_day.get(d, 0)):
            at = day + timedelta(seconds=rng.triangular(6 * 3600, 86399, 20 * 3600))
            if at >= now:
                at = now - timedelta(minutes=rng.randint(5, 600))
            batch.append(
                _order(
                    rng, next(seq), at, now, pool, cum_customers, variants, cum_variants, settings
                )
            )
        if len(batch) >= CHUNK or (d == days - 1 and batch):
            with unit_of_work() as session:
                made += _write_chunk(session, rng, batch, stock, now)
            batch = []
            if time.perf_counter() - last_line >= 5 or d == days - 1:
                last_line = time.perf_counter()
                yield (
                    f"history: {made['orders']}/{orders} orders, {made['items']} items "
                    f"({last_line - started:.1f}s)"
                )

    with unit_of_work() as session:
        made += _tickets(session, rng, pool, start, now, max(10, orders // 25))
        made["segments"] = _segments(session, now)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                text(
                    "ANALYZE users, orders, order_items, refunds, shipments, stock_movements, "
                    "inventory_items, tickets, customer_tags"
                )
            )
    yield (
        f"history: {made['orders']} orders ({made['refunds']} refunds, "
        f"{made['shipments']} shipments, {made['receipts']} restock receipts), "
        f"{made['tickets']} tickets, {made['segments']} segments; "
        f"done in {time.perf_counter() - started:.1f}s"
    )


def _order(rng, n, at, now, pool, cum_customers, variants, cum_variants, settings) -> dict:
    customer = None
    if rng.random() < 0.88:
        for _ in range(3):
            idx = bisect.bisect_left(cum_customers, rng.random() * cum_customers[-1])
            candidate = pool[min(idx, len(pool) - 1)]
            if candidate.created_at <= at:
                customer = candidate
                break
    lines = _pick_lines(rng, variants, cum_variants)
    subtotal = sum(v.price * q for v, q in lines)
    promo, discount = None, 0
    if rng.random() < 0.12:
        promo, pct = rng.choice(_PROMOS)
        discount = subtotal * pct // 100
    net = subtotal - discount
    method = "express" if rng.random() < 0.15 else "standard"
    if method == "express":
        shipping = settings.shipping_express
    else:
        shipping = 0 if net >= settings.shipping_free_over else settings.shipping_flat
    tax = (net * settings.tax_rate_bps + 5_000) // 10_000
    total = net + shipping + tax
    status = _status_for(rng, (now - at).total_seconds() / 86400)
    paid = status not in ("cancelled", "payment_failed", "expired")
    if customer is not None:
        email, address, user_id = customer.email, customer.address, customer.id
    else:
        gid = rng.randint(1, 10**6)
        email, user_id = f"guest{gid}@guests.demo.example", None
        city, country, postal = rng.choice(_CITIES)
        address = {"name": f"Guest {gid}", "line1": "2 Guest Lane", "line2": None}
        address |= {"city": city, "region": None, "postal_code": postal, "country": country}
    paid_at = at + timedelta(minutes=rng.randint(1, 20)) if paid else None
    return {
        "row": {
            "number": f"{ORDER_PREFIX}{n:07d}",
            "user_id": user_id,
            "email": email,
            "status": status,
            "currency": settings.currency,
            "subtotal": subtotal,
            "discount_total": discount,
            "shipping_total": shipping,
            "tax_total": tax,
            "total": total,
            "amount_paid": total if paid else 0,
            "amount_refunded": 0,
            "shipping_method": method,
            "shipping_address": address,
            "promotion_code": promo,
            "payment_provider": "test",
            "payment_session_id": None,
            "payment_intent_id": None,
            "cart_id": None,
            "needs_attention": False,
            "created_at": at,
            "expires_at": at + timedelta(minutes=settings.reservation_minutes),
            "paid_at": paid_at,
        },
        "lines": lines,
    }


def _write_chunk(
    session: Session, rng: random.Random, batch: list[dict], stock: dict[int, int], now: datetime
) -> Counter:
    """Insert one chunk of orders with items, ledger movements, refunds and shipments."""
    first_at = batch[0]["row"]["created_at"]
    # restock first: a receipt for every variant the chunk will sell beyond what is there
    demand: Counter = Counter()
    for o in batch:
        if o["row"]["paid_at"] is not None:
            for v, q in o["lines"]:
                demand[v.id] += q
    movements, delta = [], Counter()
    receipts = 0
    for vid, need in sorted(demand.items()):
        have = stock.get(vid, 0)
        if have < need:
            qty = need - have + rng.randint(0, 40)
            movements.append(
                _movement(
                    vid, "receive", qty, 0, "Demo restock", None, first_at - timedelta(hours=6)
                )
            )
            stock[vid] = have + qty
            delta[vid] += qty
            receipts += 1
    known = _known_items(session, list(demand))
    missing = [vid for vid in demand if vid not in known]
    if missing:
        _executemany(
            session,
            InventoryItem.__table__,
            [
                {
                    "variant_id": v,
                    "on_hand": 0,
                    "reserved": 0,
                    "low_stock_threshold": 5,
                    "updated_at": now,
                }
                for v in missing
            ],
        )

    ids = _allocate_ids(session, Order.__table__, len(batch))
    items, refunds, shipments = [], [], []
    counts = Counter(orders=len(batch), receipts=receipts)
    for oid, o in zip(ids, batch, strict=True):
        row, lines = o["row"], o["lines"]
        row["id"] = oid
        number, status = row["number"], row["status"]
        for v, q in lines:
            items.append(
                {
                    "order_id": oid,
                    "variant_id": v.id,
                    "product_id": v.product_id,
                    "product_title": v.product_title,
                    "variant_title": v.variant_title,
                    "sku": v.sku,
                    "option_values": v.option_values,
                    "image": v.image,
                    "unit_price": v.price,
                    "unit_cost": v.cost,
                    "quantity": q,
                    "line_total": v.price * q,
                }
            )
        counts["items"] += len(lines)
        paid_at = row["paid_at"]
        if paid_at is None:
            continue
        for v, q in lines:
            movements.append(
                _movement(v.id, "reserve", 0, q, "Checkout", number, row["created_at"])
            )
            movements.append(_movement(v.id, "sale", -q, -q, "Paid", number, paid_at))
            stock[v.id] -= q
            delta[v.id] -= q
        if status in ("shipped", "delivered", "refunded", "partially_refunded"):
            shipped = paid_at + timedelta(hours=rng.randint(12, 60))
            carrier, url = rng.choice(_CARRIERS)
            tracking = f"JD{rng.randint(10**9, 10**10 - 1)}"
            delivered = None
            if status != "shipped":
                delivered = shipped + timedelta(hours=rng.randint(24, 120))
            shipments.append(
                {
                    "order_id": oid,
                    "carrier": carrier,
                    "tracking_number": tracking,
                    "tracking_url": url.format(n=tracking) if url else None,
                    "shipped_at": min(shipped, now),
                    "delivered_at": min(delivered, now) if delivered else None,
                }
            )
            counts["shipments"] += 1
        if status in ("refunded", "partially_refunded"):
            when = min(paid_at + timedelta(days=rng.uniform(4, 25)), now)
            restock = rng.random() < 0.6
            if status == "refunded":
                amount, returned = row["total"], lines
            elif len(lines) > 1:
                v, q = lines[-1]
                amount, returned = v.price * q, [(v, q)]
            else:
                amount, returned = row["total"] // 3, []
            refunds.append(
                {
                    "order_id": oid,
                    "amount": amount,
                    "reason": "Returned" if returned else "Goodwill",
                    "restocked": restock and bool(returned),
                    "provider_refund_id": None,
                    "actor_id": None,
                    "created_at": when,
                }
            )
            row["amount_refunded"] = amount
            if restock:
                for v, q in returned:
                    movements.append(
                        _movement(v.id, "refund", q, 0, "Refund restock", number, when)
                    )
                    stock[v.id] += q
                    delta[v.id] += q
            counts["refunds"] += 1

    _executemany(session, Order.__table__, [o["row"] for o in batch])
    _executemany(session, OrderItem.__table__, items)
    _executemany(session, Refund.__table__, refunds)
    _executemany(session, Shipment.__table__, shipments)
    _executemany(session, StockMovement.__table__, movements)
    if delta:
        t = InventoryItem.__table__
        session.execute(
            update(t)
            .where(t.c.variant_id == bindparam("vid"))
            .values(on_hand=t.c.on_hand + bindparam("d"), updated_at=now),
            [{"vid": v, "d": d} for v, d in delta.items() if d],
        )
    return counts


def _segments(session: Session, now: datetime) -> int:
    """A few saved segments so the segments page has something to show."""
    from shop_core.customers.models import Segment
    from shop_core.customers.segments import validate_rules

    owner = session.execute(select(User.id).where(User.role == "owner").limit(1)).scalar()
    top = session.execute(
        select(Category.id)
        .where(Category.parent_id.is_(None))
        .order_by(Category.position, Category.id)
    ).scalar()
    wanted = [
        ("Big spenders", "Spent over 300.00 after refunds", "all", [("spent_over", 30000)]),
        (
            "Lapsed customers",
            "Ordered before, but not in the last 90 days",
            "all",
            [("orders_at_least", 1), ("no_order_in_days", 90)],
        ),
        ("VIP", "Tagged vip", "all", [("has_tag", "vip")]),
        (
            "Recent regulars",
            "3+ orders, one in the last 30 days",
            "all",
            [("orders_at_least", 3), ("ordered_in_days", 30)],
        ),
    ]
    if top is not None:
        wanted.append(
            (
                "Category fans",
                "Bought from the first top category",
                "all",
                [("bought_from_category", top)],
            )
        )
    present = set(session.execute(select(Segment.name)).scalars())
    rows = [
        {
            "name": name,
            "description": description,
            "match": match,
            "rules": validate_rules([{"type": t, "value": v} for t, v in rules], match),
            "created_by": owner,
            "created_at": now,
            "updated_at": now,
        }
        for name, description, match, rules in wanted
        if name not in present
    ]
    if rows:
        session.execute(insert(Segment.__table__), rows)
    return len(rows)


def _known_items(session: Session, variant_ids: list[int]) -> set[int]:
    return set(
        session.execute(
            select(InventoryItem.variant_id).where(InventoryItem.variant_id.in_(variant_ids))
        ).scalars()
    )


def _movement(vid, kind, on_hand, reserved, reason, reference, at) -> dict:
    return {
        "variant_id": vid,
        "kind": kind,
        "on_hand_delta": on_hand,
        "reserved_delta": reserved,
        "reason": reason,
        "reference": reference,
        "actor_id": None,
        "created_at": at,
    }


def _tickets(
    session: Session,
    rng: random.Random,
    pool: list[_Customer],
    start: datetime,
    now: datetime,
    count: int,
) -> Counter:
    """Tickets opened over the period (same seasonality as orders), resolved within days."""
    staff = session.execute(
        select(User.id, User.name).where(User.role.in_(("support_technician", "owner")))
    ).all()
    days = (now - start).days
    weights = day_weights(start, days)
    picks = sorted(rng.choices(range(days), weights=weights, k=count))
    existing = session.execute(
        select(func.count()).select_from(Ticket).where(Ticket.number.like(f"{TICKET_PREFIX}%"))
    ).scalar_one()
    rows, messages = [], []
    for i, d in enumerate(picks):
        created = start + timedelta(days=d, seconds=rng.randint(7 * 3600, 22 * 3600))
        created = min(created, now - timedelta(minutes=30))
        customer = rng.choice(pool)
        category = rng.choices(list(_TICKET_SUBJECTS), weights=(40, 10, 20, 20, 10))[0]
        subject = rng.choice(_TICKET_SUBJECTS[category])
        age = (now - created).total_seconds() / 3600
        assignee = rng.choice(staff) if staff else None
        first_response = resolved = None
        status = "open"
        if age > 2 and rng.random() < 0.9:
            first_response = created + timedelta(hours=min(age - 1, rng.uniform(0.3, 30)))
            status = "in_progress"
        if first_response and age > 24:
            r = rng.random()
            if r < 0.85:
                resolved = min(first_response + timedelta(hours=rng.uniform(1, 96)), now)
                status = "resolved" if rng.random() < 0.5 else "closed"
            elif r < 0.93:
                status = "waiting_on_customer"
        updated = resolved or first_response or created
        rows.append(
            {
                "number": f"{TICKET_PREFIX}{existing + i + 1:06d}",
                "subject": subject,
                "category": category,
                "description": f"{subject} Thanks, {customer.name.split()[0]}",
                "order_number": None,
                "user_id": customer.id,
                "contact_email": customer.email,
                "contact_name": customer.name,
                "priority": rng.choices(("low", "normal", "high", "urgent"), (2, 6, 2, 0.5))[0],
                "status": status,
                "assignee_id": assignee[0] if assignee and status != "open" else None,
                "created_at": created,
                "updated_at": updated,
                "first_response_at": first_response,
                "resolved_at": resolved,
                "due_at": created + timedelta(hours=24),
            }
        )
    ids = _allocate_ids(session, Ticket.__table__, len(rows))
    for tid, row in zip(ids, rows, strict=True):
        row["id"] = tid
    _executemany(session, Ticket.__table__, rows)
    by_status = defaultdict(int)
    for tid, row in zip(ids, rows, strict=True):
        by_status[row["status"]] += 1
        messages.append(
            {
                "ticket_id": tid,
                "author_id": row["user_id"],
                "author_role": "customer",
                "author_name": row["contact_name"],
                "body": row["description"],
                "internal": False,
                "created_at": row["created_at"],
            }
        )
        if row["first_response_at"] and staff:
            messages.append(
                {
                    "ticket_id": tid,
                    "author_id": row["assignee_id"],
                    "author_role": "staff",
                    "author_name": "Support team",
                    "body": "Thanks for reaching out, we're on it.",
                    "internal": False,
                    "created_at": row["first_response_at"],
                }
            )
    _executemany(session, TicketMessage.__table__, messages)
    return Counter(tickets=len(rows))
