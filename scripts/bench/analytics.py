"""Analytics numbers on PostgreSQL: the 90-day dashboard, every report for a year, and a
200,000-row CSV export (duration and peak memory).

Generates its own history with COPY when the database holds fewer sale orders than
asked (a year and a half of orders with weekly and yearly seasonality, 3 lines each,
~5 % refunds, tickets). It EMPTIES the commerce tables of that database first, so point
it at a database of its own:

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/shop_h6a \
        python scripts/bench/analytics.py [--orders 200000] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select, text  # noqa: E402

from shop_core.benchmarks import report  # noqa: E402
from shop_core.db import get_engine, read_session, unit_of_work  # noqa: E402
from shop_core.settings import get_settings  # noqa: E402

SALE = ("paid", "shipped", "delivered", "partially_refunded", "refunded")
TABLES = [
    *("report_exports", "job_runs", "refunds", "order_events", "shipments", "order_items"),
    *("orders", "tickets", "inventory_items", "stock_movements", "variant_option_values"),
    *("variants", "product_categories", "product_tags", "product_images"),
    *("collection_products", "products", "categories"),
]


def _copy(cur, table: str, columns: list[str], rows) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def generate(n_orders: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=540)
    engine = get_engine()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        cur.execute("DELETE FROM users WHERE role = 'customer' AND email LIKE '%@bench.example'")
        n_cat, n_prod, per_prod = 24, 600, 4
        _copy(
            cur,
            "categories",
            ["name", "slug", "description", "path", "position"],
            ((f"Category {i}", f"bench-cat-{i}", "", f"/{i}/", i) for i in range(1, n_cat + 1)),
        )
        _copy(
            cur,
            "products",
            ["title", "slug", "description", "status", "currency", "price_min", "price_max",
             "in_stock", "created_at", "updated_at"],
            ((f"Bench product {i}", f"bench-product-{i}", "", "active", "EUR", 0, 0, True, start,
              start) for i in range(1, n_prod + 1)),
        )  # fmt: skip
        _copy(
            cur,
            "product_categories",
            ["product_id", "category_id"],
            (
                pair
                for p in range(1, n_prod + 1)
                for pair in {(p, 1 + p % n_cat), (p, 1 + (p * 7) % n_cat)}
            ),
        )
        prices = {}
        variants = []
        for p in range(1, n_prod + 1):
            base = rng.choice([990, 1490, 1990, 2490, 3490, 4990, 7990])
            for k in range(per_prod):
                vid = len(variants) + 1
                price = base + 200 * k
                prices[vid] = (p, price, int(price * rng.uniform(0.3, 0.55)))
                variants.append((p, f"BENCH-{vid:06d}", "{}", price, prices[vid][2], k))
        _copy(
            cur,
            "variants",
            ["product_id", "sku", "option_values", "price", "cost_price", "position"],
            variants,
        )
        _copy(
            cur,
            "inventory_items",
            ["variant_id", "on_hand", "reserved", "low_stock_threshold", "updated_at"],
            ((v, rng.choice([0, 2, 4, 8, 20, 60, 150]), 0, 5, now) for v in prices),
        )
        n_customers = max(1000, n_orders // 5)
        cur.execute("SELECT coalesce(max(id), 0) FROM users")
        first_user = cur.fetchone()[0] + 1
        _copy(
            cur,
            "users",
            ["email", "name", "password_hash", "role", "is_active", "created_at"],
            ((f"c{i}@bench.example", f"Customer {i}", "x", "customer", True,
              start + timedelta(seconds=rng.randrange(0, 540 * 86400)))
             for i in range(n_customers)),
        )  # fmt: skip
        # Orders: weekday/yearly seasonality by rejection sampling of the paid time.
        span = (now - start).total_seconds()

        def when() -> datetime:
            while True:
                t = start + timedelta(seconds=rng.random() * span)
                weight = (1 + 0.35 * math.sin(2 * math.pi * t.timetuple().tm_yday / 365)) * (
                    1.25 if t.weekday() >= 5 else 1.0
                )
                if rng.random() * 1.7 < weight:
                    return t

        n_unpaid = n_orders // 25
        orders, items, refunds = [], [], []
        addr = json.dumps({"name": "X", "line1": "1 Road", "city": "Town", "postal_code": "1",
                           "country": "NL"})  # fmt: skip
        vids = list(prices)
        for oid in range(1, n_orders + n_unpaid + 1):
            paid_at = when()
            sale = oid <= n_orders
            lines = [(rng.choice(vids), rng.choice((1, 1, 1, 2, 3))) for _ in range(3)]
            subtotal = sum(prices[v][1] * q for v, q in lines)
            discount = subtotal // 10 if rng.random() < 0.15 else 0
            shipping = 0 if subtotal >= 5000 else 495
            tax = (subtotal - discount) * 8 // 100
            total = subtotal - discount + shipping + tax
            roll = rng.random()
            if not sale:
                status = rng.choice(("cancelled", "expired", "payment_failed", "pending_payment"))
            elif roll < 0.02:
                status = "refunded"
            elif roll < 0.05:
                status = "partially_refunded"
            elif paid_at > now - timedelta(days=3):
                status = "paid"
            elif paid_at > now - timedelta(days=8):
                status = "shipped"
            else:
                status = "delivered"
            refunded = total if status == "refunded" else (
                total // 4 if status == "partially_refunded" else 0
            )  # fmt: skip
            user = first_user + rng.randrange(n_customers)
            orders.append(
                (f"B{oid:08d}", user, f"c{user - first_user}@bench.example", status, "EUR",
                 subtotal, discount, shipping, tax, total, total if sale else 0, refunded,
                 "standard", addr, "test", False, paid_at - timedelta(minutes=3),
                 paid_at if sale else None)
            )  # fmt: skip
            for v, q in lines:
                p, price, cost = prices[v]
                items.append((oid, v, p, f"Bench product {p}", "", f"BENCH-{v:06d}", "{}",
                              price, cost, q, price * q))  # fmt: skip
            if refunded:
                refunded_at = min(now, paid_at + timedelta(days=rng.randint(1, 20)))
                refunds.append((oid, refunded, "bench", False, refunded_at))
        _copy(
            cur,
            "orders",
            ["number", "user_id", "email", "status", "currency", "subtotal", "discount_total",
             "shipping_total", "tax_total", "total", "amount_paid", "amount_refunded",
             "shipping_method", "shipping_address", "payment_provider", "needs_attention",
             "created_at", "paid_at"],
            orders,
        )  # fmt: skip
        del orders
        _copy(
            cur,
            "order_items",
            ["order_id", "variant_id", "product_id", "product_title", "variant_title", "sku",
             "option_values", "unit_price", "unit_cost", "quantity", "line_total"],
            items,
        )  # fmt: skip
        n_items = len(items)
        del items
        _copy(cur, "refunds", ["order_id", "amount", "reason", "restocked", "created_at"], refunds)
        tickets = []
        for t in range(1, n_orders // 10 + 1):
            opened = start + timedelta(seconds=rng.random() * span)
            resolved = opened + timedelta(hours=rng.randint(2, 120))
            done = resolved < now and rng.random() < 0.9
            tickets.append(
                (f"T{t:07d}", "Help", "order", "Where is it?", "x@bench.example", "X", "normal",
                 "resolved" if done else "open", opened, resolved if done else opened,
                 resolved if done else None, opened + timedelta(days=1))
            )  # fmt: skip
        _copy(
            cur,
            "tickets",
            ["number", "subject", "category", "description", "contact_email", "contact_name",
             "priority", "status", "created_at", "updated_at", "resolved_at", "due_at"],
            tickets,
        )  # fmt: skip
        raw.commit()
        print(
            f"generated {n_orders} sale + {n_unpaid} unpaid orders, {n_items} order items, "
            f"{len(refunds)} refunds, {len(tickets)} tickets, {n_customers} customers"
        )
    finally:
        raw.close()
    # What autovacuum does on a live database: statistics and the visibility map.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def owner_view():
    from shop_core.accounts.models import User
    from shop_core.accounts.service import create_or_reset_owner, to_view

    with unit_of_work() as s:
        user = s.execute(select(User).where(User.role == "owner").limit(1)).scalar_one_or_none()
        if user is None:
            return create_or_reset_owner(
                s, email="bench-owner@example.com", password="bench-pass-2026", name="Bench"
            )
        return to_view(user)


def measure(runs: int) -> None:
    from shop_core.analytics import dashboard, reports
    from shop_core.analytics.periods import Period

    owner = owner_view()
    with read_session() as s:
        n_orders = s.execute(text("SELECT count(*) FROM orders")).scalar_one()
        n_items = s.execute(text("SELECT count(*) FROM order_items")).scalar_one()
    print(f"data: {n_orders} orders, {n_items} order items")
    # The figures depend on what else the machine runs; say how busy it was.
    print("load average (1/5/15 min) at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    p90 = Period.preset("90d")
    year = Period.preset("365d")

    def sample(fn, n):
        out = []
        for _ in range(n):
            began = time.perf_counter()
            with read_session() as s:
                fn(s)
            out.append((time.perf_counter() - began) * 1000)
        return out

    sample(lambda s: dashboard.dashboard_for(s, owner, p90), 2)  # warm caches and the pool
    ms = sample(lambda s: dashboard.dashboard_for(s, owner, p90), runs)
    print(report("dashboard 90 days (all KPIs + 5 charts, granularity week)", ms))
    for kind in reports.REPORT_KINDS:
        period = year if reports.SPECS[kind].uses_period else None
        sample(lambda s, k=kind, p=period: reports.report(s, k, p, per_page=50), 1)
        ms = sample(
            lambda s, k=kind, p=period: reports.report(s, k, p, per_page=50), max(3, runs // 3)
        )
        print(report(f"report {kind} for a year (page of 50 + totals + count)", ms))


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def export_phase() -> None:
    """In a child process without REDIS_URL: start an export of every sale of the last
    600 days and wait for it; print duration, rows, file size and the process's resident
    memory before and at its peak during the export (sampled every 20 ms)."""
    import threading

    from shop_core.analytics import exports
    from shop_core.jobs.background import wait_for_background

    owner = owner_view()
    with read_session() as s:  # warm the pool and the mappers before the baseline
        exports.list_exports(s, owner)
    baseline = _rss_mb()
    peak = [baseline]
    stop = threading.Event()

    def sampler() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_mb())
            stop.wait(0.02)

    watcher = threading.Thread(target=sampler, daemon=True)
    watcher.start()
    today = datetime.now(UTC).date()
    params = {"start": (today - timedelta(days=600)).isoformat(), "end": today.isoformat()}
    began = time.perf_counter()
    with unit_of_work() as s:
        export_id = exports.start_export(s, "orders", params, owner)
    wait_for_background(timeout=600)
    elapsed = time.perf_counter() - began
    stop.set()
    watcher.join()
    with read_session() as s:
        view = exports.get_export(s, export_id, owner)
    size = exports.export_file(export_id).stat().st_size
    print(json.dumps({
        "status": view.status, "rows": view.row_count, "seconds": round(elapsed, 2),
        "file_mb": round(size / 1e6, 1), "rss_before_mb": round(baseline, 1),
        "peak_rss_mb": round(peak[0], 1), "percent": view.percent,
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--phase", choices=("all", "export"), default="all")
    args = parser.parse_args()
    if get_settings().is_sqlite:
        sys.exit("Point DATABASE_URL at PostgreSQL (this script empties its commerce tables).")
    if args.phase == "export":
        export_phase()
        return
    from shop_core.migrations import upgrade

    upgrade()
    with read_session() as s:
        have = s.execute(
            select(func.count()).select_from(text("orders")).where(text(f"status IN {SALE}"))
        ).scalar_one()
    if have < args.orders:
        began = time.perf_counter()
        generate(args.orders)
        print(f"generation took {time.perf_counter() - began:.1f} s")
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE orders, order_items, refunds, tickets, users")
    measure(args.runs)
    print("load average (1/5/15 min) after reports: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    if not args.skip_export:
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        out = subprocess.run(
            [sys.executable, __file__, "--phase", "export"], env=env, capture_output=True,
            text=True, check=True,
        )  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"CSV export 'orders' (inline background thread, streamed): {result['rows']} rows in "
            f"{result['seconds']} s, file {result['file_mb']} MB, peak RSS "
            f"{result['peak_rss_mb']} MB (before the export {result['rss_before_mb']} MB), "
            f"status {result['status']} {result['percent']} %"
        )


if __name__ == "__main__":
    main()
