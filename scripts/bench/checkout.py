"""Checkout throughput on non-contended SKUs: 16 concurrent clients (4 processes × 4
threads) each placing orders through the services (test gateway). Prints orders/s and
checkout latency percentiles.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench python scripts/bench/checkout.py
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PROCESSES, THREADS, ORDERS_PER_CLIENT = 4, 4, 40
ADDRESS = {
    "name": "Bench",
    "line1": "1 Main St",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


def _client(cart_ids: list[str]) -> list[float]:
    from shop_core.checkout.service import CheckoutIn, place_order
    from shop_core.db import unit_of_work

    samples = []
    for cart_id in cart_ids:
        began = time.perf_counter()
        with unit_of_work() as session:
            place_order(
                session,
                CheckoutIn(cart_id=cart_id, email="bench@example.com", shipping_address=ADDRESS),
                user_id=None,
            )
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def _process(args: tuple[list[list[str]], float]) -> tuple[list[float], float]:
    """One OS process with THREADS clients; returns latencies and when it finished."""
    carts_per_client, start_at = args
    from shop_core.db import get_engine

    get_engine()
    while time.time() < start_at:
        time.sleep(0.001)
    with ThreadPoolExecutor(THREADS) as pool:
        samples = [s for chunk in pool.map(_client, carts_per_client) for s in chunk]
    return samples, time.time()


def main() -> None:
    from shop_core.benchmarks import percentile
    from shop_core.cart import service as carts
    from shop_core.catalog import products
    from shop_core.catalog.schemas import ProductIn
    from shop_core.db import dispose_engines, unit_of_work
    from shop_core.migrations import upgrade

    upgrade()
    tag = f"CO{int(time.time())}"
    skus = [f"{tag}-{i}" for i in range(PROCESSES * THREADS)]
    with unit_of_work() as session:
        for sku in skus:
            products.create_product(
                session,
                ProductIn(
                    title=f"Bench {sku}",
                    status="active",
                    variants=[{"sku": sku, "price": 1500, "stock": 100_000}],
                ),
            )
    cart_ids: dict[str, list[str]] = {sku: [] for sku in skus}
    with unit_of_work() as session:  # carts are ready before the clock starts
        for sku in skus:
            for _ in range(ORDERS_PER_CLIENT):
                cart = carts.create_cart(session, user_id=None)
                carts.add_item(session, cart.id, sku=sku, quantity=1, user_id=None)
                cart_ids[sku].append(cart.id)
    dispose_engines()
    start_at = time.time() + 6
    chunks = [
        ([cart_ids[s] for s in skus[p * THREADS : (p + 1) * THREADS]], start_at)
        for p in range(PROCESSES)
    ]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.map(_process, chunks)
    wall = max(done for _, done in results) - start_at
    samples = [s for chunk, _ in results for s in chunk]
    print(
        f"clients: {PROCESSES * THREADS}; checkouts: {len(samples)} in {wall:.1f} s "
        f"= {len(samples) / wall:.0f} orders/s"
    )
    p50, p95 = percentile(samples, 50), percentile(samples, 95)
    print(f"checkout latency p50={p50:.1f} ms p95={p95:.1f} ms max={max(samples):.1f} ms")


if __name__ == "__main__":
    main()
