"""Runs in separate OS processes: each places checkouts through the real services."""

from __future__ import annotations

import time

from shop_core.checkout.service import CheckoutIn, place_order
from shop_core.db import unit_of_work
from shop_core.errors import DomainError

ADDRESS = {
    "name": "Race",
    "line1": "1 Main St",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


def checkout_many(args: tuple[list[str], float]) -> list[tuple[str, float]]:
    """Check out each cart; wait for a shared start time so all processes collide."""
    cart_ids, start_at = args
    while time.time() < start_at:
        time.sleep(0.001)
    results = []
    for cart_id in cart_ids:
        began = time.perf_counter()
        try:
            with unit_of_work() as session:
                place_order(
                    session,
                    CheckoutIn(cart_id=cart_id, email="race@example.com", shipping_address=ADDRESS),
                    user_id=None,
                )
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        results.append((outcome, time.perf_counter() - began))
    return results
