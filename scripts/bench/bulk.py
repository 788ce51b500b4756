"""Bulk create of 1,000 products through POST /admin/products/bulk (in-process)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fastapi.testclient import TestClient  # noqa: E402

from shop_core.api.app import create_api  # noqa: E402
from shop_core.db import unit_of_work  # noqa: E402
from shop_core.migrations import upgrade  # noqa: E402


def main() -> None:
    upgrade()
    from shop_core.accounts.service import create_or_reset_owner

    with unit_of_work() as session:
        create_or_reset_owner(session, email="bench@example.com", password="bench-pass-123", name="Bench")
    client = TestClient(create_api())
    token = client.post("/api/v1/auth/login", json={"email": "bench@example.com", "password": "bench-pass-123"})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    tag = int(time.time())
    sizes = ["S", "M", "L"]
    items = [
        {
            "title": f"Bulk Bench Tee {tag}-{i}",
            "status": "active",
            "description": "Soft cotton tee from the bulk benchmark.",
            "tags": ["bench", "tees"],
            "variants": [
                {"sku": f"BB{tag}-{i}-{s}", "option_values": {"Size": s}, "price": 1900 + 100 * j, "stock": 10}
                for j, s in enumerate(sizes)
            ],
        }
        for i in range(1000)
    ]
    began = time.perf_counter()
    response = client.post("/api/v1/admin/products/bulk", json={"items": items}, headers=headers)
    elapsed = time.perf_counter() - began
    print(f"bulk create 1000 products × 3 variants: HTTP {response.status_code} in {elapsed:.2f} s")
    sys.exit(0 if response.status_code == 200 else 1)


if __name__ == "__main__":
    main()
