"""No oversell under real concurrency: 200 checkouts from several OS processes race for
a variant with 50 in stock. Exactly 50 orders reserve stock, 150 get a clean
`insufficient_stock`, and the ledger reconciles with zero drift."""

from __future__ import annotations

import multiprocessing
import time

from shop_core.cart import service as carts
from shop_core.db import dispose_engines, read_session, unit_of_work
from shop_core.inventory import service as inventory
from tests.integration.commerce_helpers import make_product
from tests.integration.race_worker import checkout_many

PROCESSES = 8
CHECKOUTS = 200
STOCK = 50


def test_two_hundred_checkouts_never_oversell(api, owner_headers):
    sku = make_product(api, owner_headers, stock=STOCK)["variants"][0]["sku"]
    with unit_of_work() as session:
        cart_ids = []
        for _ in range(CHECKOUTS):
            cart = carts.create_cart(session, user_id=None)
            carts.add_item(session, cart.id, sku=sku, quantity=1, user_id=None)
            cart_ids.append(cart.id)
    dispose_engines()  # children open their own connections
    chunks = [cart_ids[i::PROCESSES] for i in range(PROCESSES)]
    start_at = time.time() + 3
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = [
            r for chunk in pool.map(checkout_many, [(c, start_at) for c in chunks]) for r in chunk
        ]
    outcomes = [o for o, _ in results]
    assert outcomes.count("ok") == STOCK
    assert outcomes.count("insufficient_stock") == CHECKOUTS - STOCK
    with read_session() as session:
        level = inventory.stock_level(session, sku=sku)
        assert (level.on_hand, level.reserved, level.available) == (STOCK, STOCK, 0)
        assert inventory.reconcile(session) == []
