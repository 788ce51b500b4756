"""Builders for catalog tests."""

from __future__ import annotations

from itertools import count

_seq = count(1)


def product_body(title: str = "Sunny Linen Shirt", *, variants: int = 2, **extra) -> dict:
    n = next(_seq)
    sizes = ["S", "M", "L", "XL", "XXL", "3XL"]
    body = {
        "title": title,
        "status": "active",
        "description": f"A light shirt for warm days ({n}).",
        "tags": ["summer"],
        "variants": [
            {
                "sku": f"SKU-{n}-{i}",
                "option_values": {"Size": sizes[i % 6] + ("" if i < 6 else str(i))}
                if variants > 1
                else {},
                "price": 2500 + 500 * i,
                "cost_price": 1000,
                "stock": 5 + i,
            }
            for i in range(variants)
        ],
    }
    body.update(extra)
    return body
